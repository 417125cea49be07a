/**
 * The webhook dispatcher: one Durable Object per shard (shard 0's named
 * "dispatcher", shard N's "dispatcher:sN"), whose alarm runs dispatch passes
 * (src/partner-webhooks/dispatch.ts) over its shard's events in a loop while
 * any of its subscriptions is active.
 *
 * Why this and not the oms-webhooks queue: the feed is written by SQLite
 * triggers inside every writer's own transaction, so no code path knows an
 * event was written and could enqueue it; only a reader of the feed can. A
 * queue cannot poll, and the minute cron would add up to a minute of
 * latency. The alarm loop reads the feed every POLL_MS (one indexed read
 * when nothing is new) and loops at once while there is work, so an event
 * reaches its receivers within about a second. One per shard is enough: one
 * pass sends up to 50 requests at once, and passes are safe to overlap
 * (claims), so a slow receiver does not hold the others back for longer
 * than its 15 s timeout.
 *
 * It is started by whatever makes work for it (a subscription created,
 * enabled or replayed) and by the minute cron, which restarts it should its
 * alarm ever be lost. When no subscription is active it stops.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env, ShardEnv } from "../env";
import { shardNamed } from "../db/homes";
import { onShard, SHARD_ZERO } from "../db/shard";
import { dispatchWebhooks } from "./dispatch";

const POLL_MS = 1_000;

/** Shard 0's dispatcher keeps the name it had before shards, so its alarm carries on through the upgrade. */
const nameFor = (shard: string) => (shard === SHARD_ZERO.id ? "dispatcher" : `dispatcher:${shard}`);

export class WebhookDispatcher extends DurableObject<Env> {
  /** Starts the loop if it is not running; `shard`: whose events this object fans out (its name says it too). */
  async poke(shard: string = SHARD_ZERO.id): Promise<void> {
    if ((await this.ctx.storage.get<string>("shard")) !== shard) await this.ctx.storage.put("shard", shard);
    const alarm = await this.ctx.storage.getAlarm();
    if (alarm === null || alarm > Date.now() + POLL_MS) await this.ctx.storage.setAlarm(Date.now());
  }

  override async alarm(): Promise<void> {
    let result: Awaited<ReturnType<typeof dispatchWebhooks>>;
    try {
      // One dispatcher per shard (docs/SHARDING.md, step 6): events are numbered per database, and so is the cursor.
      const id = (await this.ctx.storage.get<string>("shard")) ?? SHARD_ZERO.id;
      const shard = await shardNamed(this.env, id);
      if (!shard) {
        // Its shard is gone from the directory (or from this Worker's bindings): the loop stops; the minute cron of
        // the shard, should it come back, starts it again.
        console.error(`webhook dispatcher for shard ${id}: no such shard in use; stopped`);
        return;
      }
      result = await dispatchWebhooks(onShard(this.env, shard));
    } catch (err) {
      console.error("webhook dispatch pass failed; next pass in 10 s", err);
      await this.ctx.storage.setAlarm(Date.now() + 10 * POLL_MS);
      return;
    }
    if (!result.active) return;
    const busy = result.attempted > 0 || result.fannedOut > 0;
    await this.ctx.storage.setAlarm(Date.now() + (busy ? 0 : POLL_MS));
  }
}

/** Starts the dispatcher of `env`'s shard (best effort: the minute cron starts each shard's too). */
export async function startDispatcher(env: ShardEnv): Promise<void> {
  await env.WEBHOOK_DISPATCHER.get(env.WEBHOOK_DISPATCHER.idFromName(nameFor(env.shard.id)))
    .poke(env.shard.id)
    .catch((err: unknown) => console.warn("webhook dispatcher not started; the minute cron starts it", err));
}
