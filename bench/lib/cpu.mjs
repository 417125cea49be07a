// How busy the machine was during a measurement, and how much of that was not
// the bench (Linux /proc only; elsewhere every figure is null). On a small
// machine another process's load moves the numbers more than any code change,
// so each scenario reports it.
import { readdirSync, readFileSync } from "node:fs";
import { cpus } from "node:os";

export const TICKS_PER_S = 100; // USER_HZ: 100 on every Linux the bench is likely to see

function machineTicks() {
  const f = readFileSync("/proc/stat", "utf8").split("\n", 1)[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, idle, iowait = 0, irq = 0, softirq = 0, steal = 0] = f;
  return { busy: user + nice + system + irq + softirq + steal, steal, iowait };
}

/** CPU ticks used so far by this process (unless `self` is false) and every process in `groups` (process group ids). */
export function ourTicks(groups, { self = true } = {}) {
  let sum = 0;
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${name}/stat`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    // Fields after "(comm)": state ppid pgrp ... utime is the 12th, stime the 13th.
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const pid = Number(name);
    const pgrp = Number(f[2]);
    if ((self && pid === process.pid) || groups.has(pgrp)) sum += Number(f[11]) + Number(f[12]);
  }
  return sum;
}

/** `/proc/<pid>/stat` split after the command name, and the command name; null once the process is gone. */
function statOf(path) {
  try {
    const stat = readFileSync(path, "utf8");
    return { f: stat.slice(stat.lastIndexOf(")") + 2).split(" "), comm: stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")")) };
  } catch {
    return null;
  }
}

/**
 * What a server process is: `wrangler` (its node processes), `esbuild`
 * (wrangler's bundler, watching the code), `workerd` (the runtime running the
 * Worker, started with an inspector) or `workerd (dev proxy)` (the runtime
 * wrangler puts in front of it, on the public port).
 */
function processLabel(pid, comm) {
  if (comm === "MainThread" || comm === "node") return "wrangler";
  if (comm !== "workerd") return comm;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("--inspector-addr") ? "workerd" : "workerd (dev proxy)";
  } catch {
    return comm;
  }
}

/**
 * CPU ticks used so far by the processes in `groups`: per process kind
 * (`byProcess`, see processLabel) and per thread (`byThread`, keyed
 * "label pid/tid"), to tell a busy runtime from a saturated thread. A
 * process that exited takes its ticks with it.
 */
export function serverTicks(groups) {
  const byProcess = {};
  const byThread = {};
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    const p = statOf(`/proc/${pid}/stat`);
    if (!p || !groups.has(Number(p.f[2]))) continue;
    const label = processLabel(pid, p.comm);
    byProcess[label] = (byProcess[label] ?? 0) + Number(p.f[11]) + Number(p.f[12]);
    let tids = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      const t = statOf(`/proc/${pid}/task/${tid}/stat`);
      if (t) byThread[`${label} ${pid}/${tid}`] = Number(t.f[11]) + Number(t.f[12]);
    }
  }
  return { byProcess, byThread };
}

/** Starts a measurement; `end()` returns CPU use in "cores" (1 = one CPU fully busy) over the interval. */
export function cpuMeter(groups) {
  let start;
  try {
    start = { t: process.hrtime.bigint(), m: machineTicks(), ours: ourTicks(groups) };
  } catch {
    return { end: () => ({ cores: cpus().length, machine: null, ours: null, other: null, steal: null, iowait: null }) };
  }
  return {
    end() {
      const seconds = Number(process.hrtime.bigint() - start.t) / 1e9;
      const m = machineTicks();
      const ours = ourTicks(groups);
      const per = (ticks) => Math.round((ticks / TICKS_PER_S / seconds) * 100) / 100;
      const machine = per(m.busy - start.m.busy);
      const ourCores = per(ours - start.ours);
      return {
        cores: cpus().length,
        machine,
        ours: ourCores,
        // A bench process that exited (or restarted) during the interval takes its ticks with it, which
        // shows up here as load from others: hence the clamp to the machine's size.
        other: Math.min(cpus().length, Math.max(0, Math.round((machine - ourCores) * 100) / 100)),
        steal: per(m.steal - start.m.steal),
        // Idle CPUs with I/O outstanding (local D1 is SQLite on this disk): a server waiting on the disk, not computing.
        iowait: per(m.iowait - start.m.iowait),
      };
    },
  };
}
