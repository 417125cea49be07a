/**
 * The API fuzz run: requests generated from the app's own `/openapi.json`
 * over every operation (test/fuzz-requests.ts), against seeded data with two
 * stores sharing a warehouse (test/fuzz-seed.ts). It proves three things:
 *
 * - no request is answered 5xx;
 * - every 4xx is RFC 9457 problem+json with `type`, `title` and `status`
 *   (all 4xx in the OpenAPI document are declared so; only some 2xx are CSV or PDF);
 * - a refused request wrote nothing (test/fuzz-digest.ts says what that check sees).
 *
 * FUZZ_RUNS requests (default 10,000), FUZZ_SEED, and FUZZ_SECONDS after
 * which no new block starts (`npm run test:fuzz` runs 100,000). Each failure
 * is listed with its seed and index, its caller and the request itself.
 *
 * The no-write check needs quiet: a request that succeeds starts queue and
 * Durable Object work that writes a little later. So requests run in blocks:
 * first those that may well succeed (valid-ish bodies and mild mutations,
 * concurrently, unchecked), then, once D1 has settled, the rest (reads and
 * surely-bad input) in small concurrent batches, fingerprinting D1 around
 * each batch. A batch whose answers were all refusals (or reads) must leave
 * the fingerprint unchanged; if it did not, each request is replayed alone
 * after D1 settles again, and reported only if it changes data twice in a
 * row (late retries of earlier work cannot then be mistaken for it).
 */
import { exports } from "cloudflare:workers";
import { beforeAll, expect, inject, it } from "vitest";
import { changedTables, type Digest, digest, settle } from "./fuzz-digest";
import { type FuzzRequest, operationsOf, type Operation, type Pools, prng, requestFor } from "./fuzz-requests";
import { seedFuzzData } from "./fuzz-seed";

const RUNS = inject("fuzzRuns") ?? 10_000;
const SEED = inject("fuzzSeed") ?? 20261203;
const SECONDS = inject("fuzzSeconds") ?? 120;
const CONCURRENCY = inject("fuzzConcurrency") ?? 8;
const BLOCK = 5_000;
/** Requests per no-write check in the checked phase (sent CONCURRENCY at a time). */
const CHECK_BATCH = 16;

/** Mutations that leave a request valid often enough that it may write: sent first, unchecked for writes. */
const MAY_WRITE = new Set(["valid", "extra", "idempotency", "if-match", "auth", "query", "path", "proto"]);

/**
 * Refusals that record the attempt, as documented: a wrong scan at picking
 * or packing is refused (409 `wrong_item`) and kept in the work log as a
 * `scan_mismatch` (docs/analytics.md); a failed sign-in is counted towards
 * the address's lockout (docs/staff.md). They may append to these tables only.
 * (Every refused write is in the activity log: test/fuzz-digest.ts leaves it out.)
 */
const RECORDED_REFUSALS: { code: string; tables: string[] }[] = [
  { code: "wrong_item", tables: ["warehouse_events"] },
  { code: "sign_in_failed", tables: ["sign_in_throttle"] },
];

type Answer = { status: number; contentType: string; text: string };
type Failure = { request: FuzzRequest; answer: Answer; problem: string };

async function send(r: FuzzRequest): Promise<Answer> {
  const res = await exports.default.fetch(r.url, { method: r.method, headers: r.headers, body: r.body, redirect: "manual" });
  const contentType = res.headers.get("content-type") ?? "";
  // Labels are PDFs: only text and JSON are read as text.
  if (/json|text/.test(contentType)) return { status: res.status, contentType, text: await res.text() };
  await res.arrayBuffer();
  return { status: res.status, contentType, text: "" };
}

const codeOf = (a: Answer) => (/"code":"([^"]*)"/.exec(a.text) ?? [])[1];
/** Answers that must have written nothing: refusals and reads. */
const refused = (r: FuzzRequest, a: Answer) => a.status >= 400 || r.method === "GET";
const recorded = (a: Answer, tables: string[]) => RECORDED_REFUSALS.some((x) => x.code === codeOf(a) && tables.every((t) => x.tables.includes(t)));

/** What is wrong with an answer, if anything (the no-write check aside). */
function verdict(a: Answer): string | null {
  if (a.status >= 500) return `${a.status}`;
  if (a.status < 400) return null;
  if (a.contentType.split(";")[0]?.trim() !== "application/problem+json") return `${a.status} as ${a.contentType || "no content type"}`;
  let p: { type?: unknown; title?: unknown; status?: unknown };
  try {
    p = JSON.parse(a.text);
  } catch {
    return `${a.status} problem+json that is not JSON`;
  }
  if (typeof p.type !== "string" || typeof p.title !== "string" || p.status !== a.status) return `${a.status} problem without type/title/status`;
  return null;
}

const show = (r: FuzzRequest) =>
  `#${r.index} [${r.mutation}, ${r.caller}] ${r.method} ${r.url.replace("http://oms.test", "").slice(0, 300)} ${JSON.stringify(
    Object.fromEntries(Object.entries(r.headers).filter(([k]) => k !== "authorization")),
  )} ${(r.body ?? "").slice(0, 300)}`;

let spec: any;
let ops: Operation[];
let pools: Pools;

beforeAll(async () => {
  const res = await exports.default.fetch("http://oms.test/openapi.json");
  spec = await res.json();
  ops = operationsOf(spec);
  pools = await seedFuzzData();
}, 120_000);

it(
  "every operation of /openapi.json, fuzzed: no 5xx, every 4xx problem+json, refusals write nothing",
  async () => {
    const started = Date.now();
    const deadline = started + SECONDS * 1000;
    const rng = prng(SEED);
    const failures: Failure[] = [];
    const stats = { sent: 0, checked: 0, unchecked: 0, investigated: 0, background: 0, byStatus: new Map<number, number>() };
    const covered = new Set<string>();
    /** Operations that answered 2xx at least once: the generator reached past their validation. */
    const accepted = new Set<string>();
    const record = (r: FuzzRequest, a: Answer) => {
      stats.sent++;
      covered.add(r.op);
      if (a.status < 300) accepted.add(r.op);
      stats.byStatus.set(a.status, (stats.byStatus.get(a.status) ?? 0) + 1);
      const problem = verdict(a);
      if (problem) failures.push({ request: r, answer: a, problem });
    };

    /** Sends `rs` with at most CONCURRENCY in flight (in waves), checking each answer. */
    const sendAll = async (rs: FuzzRequest[]): Promise<Answer[]> => {
      const answers: Answer[] = [];
      for (let i = 0; i < rs.length; i += CONCURRENCY) answers.push(...(await Promise.all(rs.slice(i, i + CONCURRENCY).map(send))));
      for (const [k, r] of rs.entries()) record(r, answers[k] as Answer);
      return answers;
    };

    /**
     * A batch of refusals changed D1. Once it is quiet, each request is sent
     * again alone; one that changes data is sent a third time after another
     * quiet spell and reported only if it changes data again.
     */
    const investigate = async (batch: FuzzRequest[]) => {
      stats.investigated++;
      let found = false;
      let before = await settle();
      for (const r of batch) {
        const a = await send(r);
        const after = await digest();
        const changed = changedTables(before, after);
        before = after;
        if (!changed.length || !refused(r, a) || recorded(a, changed)) continue;
        const quiet = await settle();
        const again = await send(r);
        const tables = changedTables(quiet, await digest());
        if (tables.length && refused(r, again) && !recorded(again, tables)) {
          failures.push({ request: r, answer: again, problem: `${again.status} but wrote ${tables.join(", ")}` });
          found = true;
        }
        before = await digest();
      }
      if (!found) stats.background++;
    };

    let index = 0;
    while (index < RUNS && Date.now() < deadline) {
      const block: FuzzRequest[] = [];
      for (; block.length < BLOCK && index < RUNS; index++) block.push(requestFor(ops[index % ops.length] as Operation, { spec, rng, pools, index }));
      const mayWrite = block.filter((r) => r.method !== "GET" && MAY_WRITE.has(r.mutation));
      const checked = block.filter((r) => !mayWrite.includes(r));
      for (let i = 0; i < mayWrite.length && Date.now() < deadline; i += 100) {
        for (const a of await sendAll(mayWrite.slice(i, i + 100))) if (a.status >= 400) stats.unchecked++;
      }
      let before: Digest = await settle();
      for (let i = 0; i < checked.length && Date.now() < deadline; i += CHECK_BATCH) {
        const batch = checked.slice(i, i + CHECK_BATCH);
        const answers = await sendAll(batch);
        const after = await digest();
        const allRefused = answers.every((a, k) => refused(batch[k] as FuzzRequest, a));
        for (const a of answers) if (a.status >= 400) stats[allRefused ? "checked" : "unchecked"]++;
        const changed = changedTables(before, after);
        before = after;
        if (!allRefused || !changed.length || answers.some((a) => recorded(a, changed))) continue;
        await investigate(batch);
        before = await digest();
      }
    }

    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const statuses = [...stats.byStatus].sort(([x], [y]) => x - y).map(([s, n]) => `${s}:${n}`);
    console.log(
      `api fuzz: seed ${SEED}, ${stats.sent} requests over ${covered.size}/${ops.length} operations in ${seconds}s; ` +
        `refusals checked for writes ${stats.checked}, not checked ${stats.unchecked}; batches replayed ${stats.investigated} (late background writes ${stats.background}); ` +
        `statuses ${statuses.join(" ")}`,
    );
    const never = ops.filter((o) => !accepted.has(o.key)).map((o) => o.key);
    if (never.length) console.log(`api fuzz: never accepted (no 2xx): ${never.join(", ")}`);
    const report = failures.slice(0, 20).map((f) => `${f.problem}: ${show(f.request)} -> ${f.answer.text.slice(0, 200)}`);
    expect(report, `${failures.length} failures (FUZZ_SEED=${SEED}); first 20:\n${report.join("\n")}`).toEqual([]);
    expect(covered.size).toBe(ops.length);
    // The proof asks for at least 10,000 requests: a run cut short by FUZZ_SECONDS says so here.
    expect(stats.sent).toBeGreaterThanOrEqual(Math.min(RUNS, 10_000));
  },
  (SECONDS + 300) * 1000,
);
