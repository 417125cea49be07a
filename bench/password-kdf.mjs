// `npm run bench:password`: what one staff password hash costs at the production scrypt cost
// (src/staff/password.ts: N=2^15, r=8, p=3), in workerd (the Workers runtime) and, for comparison, in Node.
//
// workerd: bench/kdf-worker.ts (the same src/staff/password.ts, bundled by wrangler) runs in `wrangler dev`;
// one request makes KDF_HASHES hashes and one verify. The CPU time is read from /proc (Linux) for wrangler's
// process group (its workerd and wrangler itself), minus an empty request's, so it is CPU time, not wall
// time spent waiting on a busy machine. Node: the same module imported as TypeScript, timed with
// process.cpuUsage.
//
//   KDF_HASHES  hashes per measurement (default 5)
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ourTicks } from "./lib/cpu.mjs";
import { freePort, HOST, intEnv, ROOT, spawnWrangler, stopAll, waitReady } from "./lib/procs.mjs";

const HASHES = intEnv("KDF_HASHES", 5, 1, 50);
const TICK_MS = 10; // USER_HZ 100 on Linux
const STATE = join(ROOT, "bench/.state/kdf");

/** CPU ms used so far by every process of this process group (wrangler and its workerd). */
const groupCpuMs = (pgrp) => ourTicks(new Set([pgrp]), { self: false }) * TICK_MS;

async function inWorkerd() {
  rmSync(STATE, { recursive: true, force: true });
  mkdirSync(STATE, { recursive: true });
  const config = join(STATE, "wrangler.toml");
  writeFileSync(
    config,
    `name = "kdf-bench"\nmain = ${JSON.stringify(join(ROOT, "bench/kdf-worker.ts"))}\ncompatibility_date = "2026-11-01"\ncompatibility_flags = ["nodejs_compat"]\n`,
  );
  const port = await freePort();
  const log = join(STATE, "wrangler.log");
  const child = spawnWrangler(["dev", "--config", config, "--ip", HOST, "--port", String(port), "--log-level", "warn", "--persist-to", join(STATE, "state")], log);
  const base = `http://${HOST}:${port}`;
  await waitReady(`${base}/?n=0`, child, log);
  const call = async (n) => {
    const before = groupCpuMs(child.pid);
    const t0 = performance.now();
    const res = await fetch(`${base}/?n=${n}`);
    const text = await res.text();
    if (!res.ok) throw new Error(text);
    // Let the kernel's per-process counters catch up with the last tick.
    await new Promise((r) => setTimeout(r, 50));
    return { cpu: groupCpuMs(child.pid) - before, wall: performance.now() - t0 };
  };
  await call(1); // warm-up: compile, first 32 MiB allocation
  const empty = await call(0);
  const run = await call(HASHES);
  const derivations = HASHES + 1;
  return { cpuMs: (run.cpu - empty.cpu) / derivations, wallMs: (run.wall - empty.wall) / derivations };
}

async function inNode() {
  const { hashPassword, PRODUCTION_COST } = await import(join(ROOT, "src/staff/password.ts"));
  await hashPassword("warm-up", PRODUCTION_COST);
  const before = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < HASHES; i++) await hashPassword(`correct horse battery staple ${i}`, PRODUCTION_COST);
  const used = process.cpuUsage(before);
  return { cpuMs: (used.user + used.system) / 1000 / HASHES, wallMs: (performance.now() - t0) / HASHES };
}

try {
  const workerd = await inWorkerd();
  await stopAll();
  const node = await inNode();
  const fmt = (x) => `${Math.round(x.cpuMs)} ms CPU (${Math.round(x.wallMs)} ms wall)`;
  console.log(`scrypt N=2^15 r=8 p=3 (src/staff/password.ts), ${HASHES} hashes + 1 verify`);
  console.log(`  workerd (wrangler dev): ${fmt(workerd)} per hash`);
  console.log(`  node ${process.version}:        ${fmt(node)} per hash`);
} finally {
  await stopAll();
}
