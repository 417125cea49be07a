/**
 * Exact percentiles of one bucket, and log-scale histograms that merge
 * across buckets for approximate ones. Percentiles are nearest-rank: p50 of
 * n values is the ceil(n/2)-th smallest, so it is always a real sample.
 */

/** Bins per doubling: a bin spans a factor 2^(1/8), so its midpoint is within 4.4% of any value in it. */
const BINS_PER_OCTAVE = 8;

export type Histogram = Record<string, number>;

export type Summary = { count: number; sumMs: number; maxMs: number; p50Ms: number; p90Ms: number; histogram: Histogram };

/** Bin 0 holds zero (and clock-skew negatives); bin b >= 1 holds [2^((b-1)/8), 2^(b/8)). */
export function binOf(ms: number): number {
  if (ms < 1) return 0;
  return 1 + Math.floor(Math.log2(ms) * BINS_PER_OCTAVE);
}

/** The geometric middle of a bin: what a merged histogram reports for values in it. */
export function binValue(bin: number): number {
  if (bin <= 0) return 0;
  return Math.round(2 ** ((bin - 0.5) / BINS_PER_OCTAVE));
}

/** 1-based rank of the nearest-rank percentile p (0 < p <= 100) among n values. */
export const rankOf = (p: number, n: number) => Math.max(1, Math.ceil((p * n) / 100));

export function summarize(values: ArrayLike<number>): Summary {
  if (values.length === 0) throw new Error("nothing to summarize");
  // A typed array sorts numbers as numbers without a comparator call per pair: a unit of rollup work summarizes tens
  // of thousands of durations.
  const sorted = Float64Array.from(values).sort();
  const histogram: Histogram = {};
  let sum = 0;
  // Sorted, the values fill the bins in order: count each bin's run instead of looking it up per value.
  let bin = -1;
  let run = 0;
  for (const v of sorted) {
    sum += v;
    const b = binOf(v);
    if (b !== bin) {
      if (run) histogram[bin] = run;
      bin = b;
      run = 0;
    }
    run++;
  }
  histogram[bin] = run;
  const n = sorted.length;
  return {
    count: n,
    sumMs: sum,
    maxMs: sorted[n - 1]!,
    p50Ms: sorted[rankOf(50, n) - 1]!,
    p90Ms: sorted[rankOf(90, n) - 1]!,
    histogram,
  };
}

/** Percentile estimate from merged bins (bin -> count), never above the known maximum. */
export function percentileFromBins(bins: ReadonlyMap<number, number>, p: number, maxMs: number): number | null {
  const ordered = [...bins].filter(([, c]) => c > 0).sort((a, b) => a[0] - b[0]);
  const n = ordered.reduce((s, [, c]) => s + c, 0);
  if (n === 0) return null;
  const rank = rankOf(p, n);
  let seen = 0;
  for (const [bin, c] of ordered) {
    seen += c;
    if (seen >= rank) return Math.min(binValue(bin), maxMs);
  }
  return maxMs;
}
