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

/**
 * CPU ticks used so far by every process in `groups`, by command name
 * (`workerd`, `node` for wrangler...): where a server's CPU went. A process
 * that exited takes its ticks with it.
 */
export function groupTicksByCommand(groups) {
  const out = {};
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${name}/stat`, "utf8");
    } catch {
      continue;
    }
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (!groups.has(Number(f[2]))) continue;
    const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    out[comm] = (out[comm] ?? 0) + Number(f[11]) + Number(f[12]);
  }
  return out;
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
