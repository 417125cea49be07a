/**
 * The bench's floor worker: each route does the least I/O its counterpart in
 * the order API could do, with no framework, auth or validation, so its
 * throughput is a floor under the same local runtime (bench/run.mjs).
 *
 *   GET  /hello           no I/O at all (the runtime's own overhead)
 *   POST /d1-insert       exactly one D1 insert           (floor for create-order)
 *   POST /do-batch/:key   one Durable Object RPC whose method runs one D1
 *                         batch of two statements, an insert and an update
 *                                                         (floor for a transition)
 *   POST /do-new          the same batch in a Durable Object that did not exist
 *                         before (a new key each request), inserting its counter:
 *                         what waking one object per new order costs (reference)
 *   POST /seed-counters   setup only: the rows /do-batch updates
 *   POST /rollup-floor/seed    setup only: `events` rows over `stores` stores and `days` days, in time order
 *   POST /rollup-floor    one D1 batch summing every seeded event into day rows per store and type: the least a
 *                         full rollup of as many events could do (floor for bench/rollup.mjs)
 */
import { DurableObject } from "cloudflare:workers";

export interface Env {
  DB: D1Database;
  FLOOR: DurableObjectNamespace<FloorObject>;
  FRESH: DurableObjectNamespace<FreshObject>;
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

async function readJson(request: Request): Promise<Record<string, unknown>> {
  try {
    const body = await request.json();
    return body && typeof body === "object" ? (body as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export class FloorObject extends DurableObject<Env> {
  /** One D1 batch: an event row, then the counter's update (like OrderObject.apply, minus the rest). */
  async bump(counterId: string, event: string): Promise<{ version: number }> {
    const now = Date.now();
    const [, updated] = await this.env.DB.batch<{ version: number }>([
      this.env.DB.prepare("INSERT INTO events (id, counter_id, seq, created_at) VALUES (?, ?, ?, ?)").bind(crypto.randomUUID(), counterId, event.length, now),
      this.env.DB.prepare("UPDATE counters SET version = version + 1, updated_at = ? WHERE id = ? RETURNING version").bind(now, counterId),
    ]);
    const row = updated?.results[0];
    if (!row) throw new Error(`no counter ${counterId}: call /seed-counters first`);
    return { version: row.version };
  }
}

/** A batch like bump's, for an object's first call: the counter is inserted, not updated. */
export class FreshObject extends DurableObject<Env> {
  async start(counterId: string): Promise<{ version: number }> {
    const now = Date.now();
    const [, inserted] = await this.env.DB.batch<{ version: number }>([
      this.env.DB.prepare("INSERT INTO events (id, counter_id, seq, created_at) VALUES (?, ?, 1, ?)").bind(crypto.randomUUID(), counterId, now),
      this.env.DB.prepare("INSERT INTO counters (id, version, updated_at) VALUES (?, 1, ?) RETURNING version").bind(counterId, now),
    ]);
    return { version: inserted!.results[0]!.version };
  }
}

export default {
  async fetch(request, env): Promise<Response> {
    const url = new URL(request.url);
    const path = url.pathname;

    if (path === "/hello") return new Response("hello");

    if (path === "/d1-insert" && request.method === "POST") {
      const body = await readJson(request);
      const id = crypto.randomUUID();
      const externalId = typeof body.external_id === "string" ? body.external_id : null;
      await env.DB.prepare("INSERT INTO items (id, external_id, payload, created_at) VALUES (?, ?, ?, ?)").bind(id, externalId, JSON.stringify(body), Date.now()).run();
      return json({ id }, 201);
    }

    const m = /^\/do-batch\/([A-Za-z0-9_-]{1,64})$/.exec(path);
    if (m && request.method === "POST") {
      const key = m[1]!;
      const body = await readJson(request);
      const stub = env.FLOOR.get(env.FLOOR.idFromName(key));
      const result = await stub.bump(key, typeof body.event === "string" ? body.event : "bump");
      return json({ id: key, version: result.version });
    }

    if (path === "/do-new" && request.method === "POST") {
      await readJson(request);
      const key = crypto.randomUUID();
      const result = await env.FRESH.get(env.FRESH.idFromName(key)).start(key);
      return json({ id: key, version: result.version }, 201);
    }

    if (path === "/seed-counters" && request.method === "POST") {
      const body = await readJson(request);
      const ids = Array.isArray(body.ids) ? body.ids.filter((x): x is string => typeof x === "string") : [];
      if (!ids.length) return json({ error: "ids: a non-empty array of strings" }, 422);
      const now = Date.now();
      await env.DB.batch(ids.map((id) => env.DB.prepare("INSERT OR IGNORE INTO counters (id, version, updated_at) VALUES (?, 0, ?)").bind(id, now)));
      return json({ seeded: ids.length }, 201);
    }

    if (path === "/rollup-floor/seed" && request.method === "POST") {
      const body = await readJson(request);
      const [events, stores, days] = [Number(body.events), Number(body.stores), Number(body.days)];
      if (![events, stores, days].every((n) => Number.isInteger(n) && n > 0)) return json({ error: "events, stores, days: positive integers" }, 422);
      const types = ["received", "approve", "hold", "ship", "deliver", "complete"].map((t) => `'${t}'`).join(", ");
      await env.DB.batch([
        env.DB.prepare("DELETE FROM rollup_events"),
        env.DB.prepare(
          `INSERT INTO rollup_events (store_id, type, amount, created_at)
          WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?1)
          SELECT 'st_' || (i % ?2), json_array(${types}) ->> (i % 6), i % 10000, i * (?3 * 86400000 / ?1) FROM n`,
        ).bind(events, stores, days),
      ]);
      return json({ seeded: events }, 201);
    }

    if (path === "/rollup-floor" && request.method === "POST") {
      const started = Date.now();
      const [, inserted] = await env.DB.batch([
        env.DB.prepare("DELETE FROM rollup_days"),
        env.DB.prepare(
          `INSERT INTO rollup_days (store_id, day, type, count, amount)
          SELECT store_id, created_at / 86400000, type, COUNT(*), SUM(amount) FROM rollup_events GROUP BY 1, 2, 3`,
        ),
      ]);
      // Date.now() in a Worker moves on I/O: the batch is the only I/O between the two readings.
      return json({ ms: Date.now() - started, rows: inserted!.meta.changes });
    }

    return json({ error: "not found" }, 404);
  },
} satisfies ExportedHandler<Env>;
