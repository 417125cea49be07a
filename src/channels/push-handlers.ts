/** The channels queue's messages for keeping platforms in step: backfill steps, pushes owed by an order's change, and sending each push. */
import type { HandlerTable } from "../outbox/consume";
import { planPushesHandler, SEND_PUSH_MESSAGE } from "./push-plan";
import { sendPushHandler } from "./push-send";
import { PUSH_MESSAGES } from "./push-stage";
import { BACKFILL_MESSAGE, backfillHandler } from "./reconcile-backfill";

export const channelSyncHandlers: HandlerTable = {
  [`channels:${BACKFILL_MESSAGE}`]: backfillHandler(),
  [`channels:${PUSH_MESSAGES.shipped}`]: planPushesHandler,
  [`channels:${PUSH_MESSAGES.cancelled}`]: planPushesHandler,
  [`channels:${PUSH_MESSAGES.afterSales}`]: planPushesHandler,
  [`channels:${SEND_PUSH_MESSAGE}`]: sendPushHandler,
};
