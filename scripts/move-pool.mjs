#!/usr/bin/env node
// Moves a stock pool to another shard (docs/SHARDING.md section 8; src/pools/move-pool.ts does the work):
//
//   npm run pool:move -- <pool> <to-shard> [--url URL] [--key KEY] [--pause MS]
//   npm run pool:move -- --list [--url URL] [--key KEY]
//
// The Worker copies the pool's rows while it is still served, freezes it once little is left to copy (writes to its
// stores and warehouses answer 503 `pool_moving` until the switch), copies the rest, proves both sides equal,
// switches the directory to the new shard and then deletes the old copy. Each `POST /v1/pools/{pool}/move` does a
// bounded share of that; this script calls it until the move is `cleaned`, printing each step, and at the end how
// long writes were refused. Stopped at any point, running it again carries on where the move stands.
//
// --pause waits MS between the calls while the pool is copied (not while it is frozen), leaving the databases more
// time for the pool's own traffic: a slower copy, a lighter one. URL defaults to the local server of `npm start` (http://127.0.0.1:8787), KEY to $OMS_ADMIN_KEY or the local
// BOOTSTRAP_ADMIN_KEY; it must be a key for every store that may manage stores.
import { readFileSync } from "node:fs";

function argsOf(argv) {
  const out = { positional: [], url: process.env.OMS_URL ?? "http://127.0.0.1:8787", key: process.env.OMS_ADMIN_KEY ?? localKey(), list: false, pause: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--url") out.url = argv[++i];
    else if (a === "--key") out.key = argv[++i];
    else if (a === "--list") out.list = true;
    else if (a === "--pause") out.pause = Number(argv[++i]);
    else out.positional.push(a);
  }
  return out;
}

/** The local admin key from .dev.vars, as `npm start` uses it. */
function localKey() {
  try {
    return /^BOOTSTRAP_ADMIN_KEY=(.*)$/m.exec(readFileSync(".dev.vars", "utf8"))?.[1]?.trim();
  } catch {
    return undefined;
  }
}

async function call(args, path, body) {
  const res = await fetch(`${args.url}${path}`, {
    method: body ? "POST" : "GET",
    headers: { authorization: `Bearer ${args.key}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const answer = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${res.status} ${answer?.code ?? ""}: ${answer?.detail ?? JSON.stringify(answer)}`);
  return answer;
}

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

async function main() {
  const args = argsOf(process.argv.slice(2));
  if (!args.key) throw new Error("no key: pass --key or set OMS_ADMIN_KEY");
  if (args.list) {
    for (const p of (await call(args, "/v1/pools")).data) {
      const move = p.move ? `  moving to ${p.move.to_shard} (${p.move.phase})` : "";
      console.log(`${p.id}  ${p.shard_id}  ${p.state}  stores: ${p.stores.join(", ") || "-"}  warehouses: ${p.warehouses.join(", ") || "-"}${move}`);
    }
    return;
  }
  const [pool, to] = args.positional;
  if (!pool || !to) throw new Error("usage: move-pool.mjs <pool> <to-shard> [--url URL] [--key KEY] | --list");
  const started = Date.now();
  let last = "";
  for (;;) {
    const m = await call(args, `/v1/pools/${encodeURIComponent(pool)}/move`, { to_shard: to });
    const line = `${m.phase.padEnd(8)} pass ${m.passes}${m.last_pass_written === null ? "" : ` (last wrote ${m.last_pass_written} rows)`}${m.at_table ? `  at ${m.at_table}` : ""}`;
    if (line !== last) console.log(`${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s  ${line}`);
    last = line;
    if (m.phase === "cleaned") {
      console.log(`moved ${pool} from ${m.from_shard} to ${m.to_shard}: writes refused for ${m.frozen_ms} ms, ${((Date.now() - started) / 1000).toFixed(1)} s in all`);
      return;
    }
    // Switched: the old copy is deleted once every isolate's cached route has expired (30 s).
    if (m.phase === "switched") await sleep(2000);
    else if (m.phase === "copying" && args.pause > 0) await sleep(args.pause);
  }
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
