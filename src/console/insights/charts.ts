/**
 * Chart.js configurations as plain JSON (they travel in a `data-chart`
 * attribute, so no callbacks): one look for every chart, readable at 360 px
 * (no animation, legend below, ticks that skip rather than overlap).
 */
export const PALETTE = ["#1f5eff", "#137333", "#b3261e", "#8a5300", "#6f42c1", "#00838f", "#c2185b", "#5b6575"];

export type Dataset = { label: string; data: (number | null)[]; type?: "bar" | "line"; stack?: string; color?: string };

export function chartConfig(opts: {
  type: "bar" | "line";
  labels: string[];
  datasets: Dataset[];
  /** Bars along the y axis: long labels (SKUs, names) stay readable on a phone. */
  horizontal?: boolean;
  stacked?: boolean;
  valueTitle?: string;
}) {
  const valueAxis = {
    beginAtZero: true,
    stacked: opts.stacked ?? false,
    title: opts.valueTitle ? { display: true, text: opts.valueTitle } : { display: false },
    ticks: { precision: 0 },
  };
  const labelAxis = { stacked: opts.stacked ?? false, ticks: { autoSkip: true, maxRotation: 0 } };
  return {
    type: opts.type,
    data: {
      labels: opts.labels,
      datasets: opts.datasets.map((d, i) => {
        const color = d.color ?? PALETTE[i % PALETTE.length]!;
        return {
          label: d.label,
          data: d.data,
          ...(d.type ? { type: d.type } : {}),
          ...(d.stack ? { stack: d.stack } : {}),
          backgroundColor: d.type === "line" || (opts.type === "line" && !d.type) ? color : `${color}cc`,
          borderColor: color,
          borderWidth: 2,
          pointRadius: 2,
          tension: 0.2,
        };
      }),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      indexAxis: opts.horizontal ? "y" : "x",
      interaction: { mode: "index", intersect: false },
      plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
      scales: opts.horizontal ? { x: valueAxis, y: labelAxis } : { x: labelAxis, y: valueAxis },
    },
  };
}
