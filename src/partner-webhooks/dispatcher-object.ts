/**
 * The webhook dispatcher: one Durable Object for the whole system (named
 * "dispatcher"), whose alarm runs dispatch passes (src/partner-webhooks/
 * dispatch.ts) in a loop while any subscription is active.
 *
 * Why this and not the oms-webhooks queue: the feed is written by SQLite
 * triggers inside every writer's own transaction, so no code path knows an
 * event was written and could enqueue it; only a reader of the feed can. A
 * queue cannot poll, and the minute cron would add up to a minute of
 * latency. The alarm loop reads the feed every POLL_MS (one indexed read
 * when nothing is new) and loops at once while there is work, so an event
 * reaches its receivers within about a second. A singleton is enough: one
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
import { onShard, SHARD_ZERO } from "../db/shard";
import { dispatchWebhooks } from "./dispatch";

const POLL_MS = 1_000;

export class WebhookDispatcher extends DurableObject<Env> {
  /** Starts the loop if it is not running. */
  async poke(): Promise<void> {
    const alarm = await this.ctx.storage.getAlarm();
    if (alarm === null || alarm > Date.now() + POLL_MS) await this.ctx.storage.setAlarm(Date.now());
  }

  override async alarm(): Promise<void> {
    let result: Awaited<ReturnType<typeof dispatchWebhooks>>;
    try {
      // Shard 0's events until there is one dispatcher per shard (docs/SHARDING.md section 9, step 6).
      result = await dispatchWebhooks(onShard(this.env, SHARD_ZERO));
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

/** Starts the dispatcher (best effort: the minute cron starts it too). */
export async function startDispatcher(env: ShardEnv): Promise<void> {
  await env.WEBHOOK_DISPATCHER.get(env.WEBHOOK_DISPATCHER.idFromName("dispatcher"))
    .poke()
    .catch((err: unknown) => console.warn("webhook dispatcher not started; the minute cron starts it", err));
}
