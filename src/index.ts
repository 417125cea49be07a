/**
 * The Worker: the HTTP app, the queue consumers and the cron jobs, plus the
 * Durable Object class. The wiring of the stages is here, explicitly: the
 * order object's stages (what plans changes of an order, what its guards
 * need to know, what a change sets off in the same batch), the queue
 * handlers per consumer and message type, and the crons.
 */
import { ROLLUP_CRON, runRollups } from "./analytics/run-rollups";
import { CUSTOMER_CRON, syncCustomers } from "./customers/sync-customers";
import { app } from "./app";
import type { Env, OutboxMessage, ShardEnv } from "./env";
import { housekeepDirectory, housekeeping } from "./housekeeping";
import { archiveOrders } from "./orders/archive-orders";
import { orderObject } from "./orders/order-object";
import type { Stages } from "./orders/stage";
import { AFTER_SALES_STAGE, afterSalesStage } from "./after-sales/run-after-sales";
import { AUDIT_STAGE, auditStage } from "./audit/audit-stage";
import { EDIT_STAGE, editStage } from "./edits/edit-stage";
import { ALLOCATION_STAGE, allocationStage } from "./fulfilment/allocation-effect";
import { fulfilmentStage } from "./fulfilment/fulfilment-stage";
import { REROUTE_STAGE, rerouteStage } from "./fulfilment/reroute-stage";
import { retryBackorders } from "./fulfilment/allocate-order";
import { procurementHandlers } from "./procurement/backorders";
import { transferHandlers } from "./procurement/transfers-between";
import { purchaseOrderSendHandlers } from "./procurement/send-purchase-order";
import { logisticsStage } from "./logistics/logistics-stage";
import { flagStaleTracking } from "./logistics/flag-stale-tracking";
import { sweepOutbox } from "./outbox/sweep";
import { consumeBatch, type HandlerTable } from "./outbox/consume";
import { auditHandlers } from "./audit/consumers";
import { fulfilmentHandlers } from "./fulfilment/handlers";
import { logisticsHandlers } from "./logistics/handlers";
import { notificationHandlers } from "./notifications/notify-customer";
import { channelSyncHandlers } from "./channels/push-handlers";
import { planHandedOverPushes } from "./channels/push-plan";
import { sendDuePushes } from "./channels/push-send";
import { CHANNELS_STAGE, channelsStage } from "./channels/push-stage";
import { reconcileChannels } from "./channels/reconcile";
import { startDispatcher } from "./partner-webhooks/dispatcher-object";
import { CHANNEL_STAGE, channelStage } from "./channels/channel-stage";
import { channelHandlers } from "./channels/work-delivery";
import { traceEntry } from "./db/trace";
import { shardsInUse } from "./db/homes";
import { forEachShard, onShard, SHARD_ZERO } from "./db/shard";
import { ERASE_ORDER_STAGE, eraseOrderStage } from "./customers/erase-order-stage";

/** The stages of the order object, by the names their callers use. */
const STAGES: Stages = {
  [AUDIT_STAGE]: auditStage,
  [EDIT_STAGE]: editStage,
  [AFTER_SALES_STAGE]: afterSalesStage,
  [ALLOCATION_STAGE]: allocationStage,
  [REROUTE_STAGE]: rerouteStage,
  fulfilment: fulfilmentStage,
  logistics: logisticsStage,
  [CHANNELS_STAGE]: channelsStage,
  [CHANNEL_STAGE]: channelStage,
  [ERASE_ORDER_STAGE]: eraseOrderStage,
};

export class OrderObject extends orderObject(STAGES) {}
export { WebhookDispatcher } from "./partner-webhooks/dispatcher-object";

/** What each queue consumer does with each message type ("consumer:type"). */
export const QUEUE_HANDLERS: HandlerTable = {
  ...auditHandlers,
  ...fulfilmentHandlers,
  ...logisticsHandlers,
  ...notificationHandlers,
  ...channelSyncHandlers,
  ...channelHandlers,
  ...procurementHandlers,
  ...transferHandlers,
  ...purchaseOrderSendHandlers,
};

/**
 * Cron expressions from wrangler.toml, and what each one runs: on every shard in use, `CRON_SHARDS_AT_ONCE` shards at a
 * time (`forEachShard`).
 */
export const CRONS: Record<string, (env: ShardEnv, scheduledTime: number) => Promise<unknown>> = {
  "* * * * *": (env, t) =>
    Promise.all([sweepOutbox(env, t), retryBackorders(env, t), planHandedOverPushes(env, { now: t }).then(() => sendDuePushes(env, { now: t })), startDispatcher(env)]),
  "17 * * * *": (env, t) => Promise.all([housekeeping(env, t), flagStaleTracking(env, t), onceARun(env, () => housekeepDirectory(env, t))]),
  "30 3 * * *": (env, t) => archiveOrders(env, { now: t }),
  [ROLLUP_CRON]: (env, t) => Promise.all([runRollups(env, { now: t }), reconcileChannels(env, { now: t })]),
  // Customers (their links, figures and RFM segments) every 5 minutes too, but between the rollup runs: both work the
  // shards, and while the customers' backfill walks older orders it takes its whole budget (15 s) each run. Once a run:
  // customers live on the directory, and the sync walks each shard's orders itself, then recounts once.
  [CUSTOMER_CRON]: (env, t) => onceARun(env, async () => syncCustomers(env, await shardsInUse(env), { now: t })),
};

/**
 * Each shard's run waits on its own database, so shards one after another made an invocation as long as the sum of
 * its shards' runs: a rollup may take its 20 s budget on each, and 15 shards would fill the 5 minutes before the
 * next run. At most six: an invocation has at most six outbound connections waiting for an answer at once (the
 * jobs' queue sends and partner calls among them), and more shards at a time would only queue there. Beyond a few
 * dozen shards one invocation cannot walk them all: each shard's timers then belong to an object of its own
 * (docs/SHARDING.md, crons).
 */
const CRON_SHARDS_AT_ONCE = 6;

/** A cron's work on the directory, not on a shard: done once a run, on shard 0's turn of `forEachShard`. */
function onceARun(env: ShardEnv, job: () => Promise<unknown>): Promise<unknown> {
  return env.shard.id === SHARD_ZERO.id ? job() : Promise.resolve();
}

export default {
  // Every request starts on shard 0; once authenticated it moves to the shard of the store it names (src/http/route-shard.ts).
  fetch: (request, env, ctx) => app.fetch(request, onShard(env, SHARD_ZERO), ctx),

  // Each message on its order's shard (consumeBatch).
  async queue(batch, env, _ctx) {
    await traceEntry(
      env,
      () => `queue:${batch.queue}`,
      () => consumeBatch(batch, env, QUEUE_HANDLERS),
    );
  },

  async scheduled(controller, env, _ctx) {
    const job = CRONS[controller.cron];
    if (!job) {
      console.error(`no job for cron "${controller.cron}"`);
      return;
    }
    await traceEntry(
      env,
      () => `cron:${controller.cron}`,
      async () => forEachShard(env, (onIt) => job(onIt, controller.scheduledTime), await shardsInUse(env), { atOnce: CRON_SHARDS_AT_ONCE }),
    );
  },
} satisfies ExportedHandler<Env, OutboxMessage>;
