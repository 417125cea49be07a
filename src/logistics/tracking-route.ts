/**
 * Which shard a carrier's tracking event belongs on (docs/SHARDING.md, section 5 and build step 6). A partner's
 * webhook names a parcel by its tracking number and carrier, never our store, so each label writes a route on the
 * directory (`tracking_routes`: number and carrier → store) before its own batch, and the webhook stores the event on
 * the shard of that store. A number with no route (a label from before routes, or one the carrier reported before we
 * recorded it) is shard 0's, where every such event waited before sharding.
 *
 * An event can still reach shard 0 first: the carrier registers the tracker while our label request is on its way
 * back, before the route exists. So a label recorded on another shard takes over that number's recent events from
 * shard 0, unmatched or not yet applied (`takeEarlyEvents`), and its own batch then finds them waiting as it always
 * did (./rematch-tracking-events.ts). Taken over means copied there and deleted here: shard 0's queued work on a
 * deleted event finds it `missing` and does nothing.
 *
 * Carriers recycle numbers: a route is keyed by number and carrier, and a newer label of the same pair moves it.
 */
import { sql } from "drizzle-orm";
import { all, batch, statement } from "../analytics/d1";
import { d1, directoryD1, type DirectoryEnv } from "../db/client";
import { shardOf, shardsInUse } from "../db/homes";
import { onlyOn, type Shard, SHARD_ZERO } from "../db/shard";
import type { ShardEnv } from "../env";
import { normaliseCarrier } from "./tracking-status";
import { REMATCH_WINDOW_MS } from "./rematch-tracking-events";

/**
 * Whether parcels need routes: a label on a shard other than 0, or more than one shard in use. With one shard every
 * event is shard 0's, so a deployment on one database pays nothing for routes (no write per label, no read per
 * event); labels from then have no route and stay shard 0's, which their stores are until a move writes theirs.
 */
async function routed(env: DirectoryEnv, shard: Shard = SHARD_ZERO): Promise<boolean> {
  return shard.id !== SHARD_ZERO.id || (await shardsInUse(env)).length > 1;
}

/** Records that `trackingNumber` of `carrier` is a parcel of `storeId`: written before the label's batch, so no event for it can be routed elsewhere after. */
export async function routeTracking(env: ShardEnv, r: { trackingNumber: string; carrier: string; storeId: string; now: number }): Promise<void> {
  if (!(await routed(env, env.shard))) return;
  await directoryD1(env)
    .prepare(
      `INSERT INTO tracking_routes (tracking_number, carrier, store_id, created_at) VALUES (?1, ?2, ?3, ?4)
       ON CONFLICT (tracking_number, carrier) DO UPDATE SET store_id = excluded.store_id, created_at = excluded.created_at`,
    )
    .bind(r.trackingNumber, r.carrier, r.storeId, r.now)
    .run();
}

/**
 * The store whose label carries this number: among the routes of the number, the event's carrier's if any match
 * (partners name carriers differently, so a mismatch alone does not exclude), else the newest. Pure.
 */
export function routeFor(routes: readonly { carrier: string; store_id: string; created_at: number }[], carrier: string | null): string | null {
  const newestFirst = [...routes].sort((a, b) => b.created_at - a.created_at);
  const same = newestFirst.filter((r) => normaliseCarrier(r.carrier) === normaliseCarrier(carrier));
  return (same.length ? same : newestFirst)[0]?.store_id ?? null;
}

/** The shard a partner's event about this parcel is stored and applied on. */
export async function trackingShard(env: DirectoryEnv, trackingNumber: string, carrier: string | null): Promise<Shard> {
  if (!(await routed(env))) return SHARD_ZERO;
  const routes = (
    await directoryD1(env)
      .prepare("SELECT carrier, store_id, created_at FROM tracking_routes WHERE tracking_number = ? LIMIT 20")
      .bind(trackingNumber)
      .all<{ carrier: string; store_id: string; created_at: number }>()
  ).results;
  const store = routeFor(routes, carrier);
  return store === null ? SHARD_ZERO : shardOf(env, { store });
}

const EVENT_COLUMNS = sql.raw("id, partner, event_id, tracking_number, carrier, partner_status, status, message, location, occurred_at, received_at, body, shipment_id");
type EarlyEvent = Record<"id" | "partner" | "event_id" | "tracking_number" | "status" | "body", string> &
  Record<"carrier" | "partner_status" | "message" | "location" | "shipment_id", string | null> & { occurred_at: number; received_at: number };

/**
 * For a label recorded on a shard other than 0: moves shard 0's recent partner events of this number that found no
 * shipment (or wait in its queue) here, as `unmatched`, so the label's batch finds them waiting. Returns how many.
 */
export async function takeEarlyEvents(env: ShardEnv, trackingNumber: string, now: number): Promise<number> {
  if (env.shard.id === SHARD_ZERO.id) return 0;
  const early = await onlyOn(env, SHARD_ZERO, (zero) =>
    all<EarlyEvent>(
      d1(zero),
      sql`SELECT ${EVENT_COLUMNS} FROM tracking_events
          WHERE tracking_number = ${trackingNumber} AND shipment_id IS NULL AND (outcome IS NULL OR outcome = 'unmatched') AND received_at > ${now - REMATCH_WINDOW_MS}
          LIMIT 50`,
    ),
  );
  if (!early.length) return 0;
  const here = d1(env);
  await batch(
    here,
    early.map((e) =>
      statement(
        here,
        sql`INSERT INTO tracking_events (id, partner, event_id, tracking_number, carrier, partner_status, status, message, location, occurred_at, received_at, body, shipment_id, outcome, processed_at)
            VALUES (${e.id}, ${e.partner}, ${e.event_id}, ${e.tracking_number}, ${e.carrier}, ${e.partner_status}, ${e.status}, ${e.message}, ${e.location},
                    ${e.occurred_at}, ${e.received_at}, ${e.body}, NULL, 'unmatched', ${now})
            ON CONFLICT DO NOTHING`,
      ),
    ),
  );
  // Deleted on shard 0 only once copied: a crash between the two leaves a copy on each, and applying both changes nothing twice.
  await onlyOn(env, SHARD_ZERO, (zero) => {
    const there = d1(zero);
    return batch(
      there,
      early.map((e) => statement(there, sql`DELETE FROM tracking_events WHERE id = ${e.id} AND (outcome IS NULL OR outcome = 'unmatched')`)),
    );
  });
  return early.length;
}
