/** The Worker: the HTTP app, the queue consumers and the cron jobs, plus the Durable Object classes. */
import { ROLLUP_CRON, runRollups } from "./analytics/run-rollups";
import { app } from "./app";
import type { Env, OutboxMessage } from "./env";
import { housekeeping } from "./housekeeping";
import { archiveOrders } from "./orders/archive-orders";
import { retryBackorders } from "./fulfilment/allocate-order";
import "./fulfilment/handlers";
import "./logistics/handlers";
import { flagStaleTracking } from "./logistics/flag-stale-tracking";
import { consumeBatch } from "./outbox/consume";
import { sweepOutbox } from "./outbox/sweep";

export { OrderObject } from "./orders/order-object";

// Stages that act on outbox messages register their handlers when loaded.
import "./audit/consumers";
import "./notifications/notify-customer";
import { useStockLookup } from "./audit/stock";
import { availableAcrossWarehouses } from "./inventory/availability";

// The audit's stock rule asks the inventory kept by the processing stage.
useStockLookup(availableAcrossWarehouses);

/** Cron expressions from wrangler.toml, and what each one runs. */
export const CRONS: Record<string, (env: Env, scheduledTime: number) => Promise<unknown>> = {
  "* * * * *": (env, t) => Promise.all([sweepOutbox(env, t), retryBackorders(env, t)]),
  "17 * * * *": (env, t) => Promise.all([housekeeping(env, t), flagStaleTracking(env, t)]),
  "30 3 * * *": (env, t) => archiveOrders(env, t),
  [ROLLUP_CRON]: (env, t) => runRollups(env, { now: t }),
};

export default {
  fetch: app.fetch,

  async queue(batch, env, _ctx) {
    await consumeBatch(batch, env);
  },

  async scheduled(controller, env, _ctx) {
    const job = CRONS[controller.cron];
    if (!job) {
      console.error(`no job for cron "${controller.cron}"`);
      return;
    }
    await job(env, controller.scheduledTime);
  },
} satisfies ExportedHandler<Env, OutboxMessage>;
