/**
 * Webhook subscriptions (per store), their delivery log and replays, and the
 * merchant's notices. The secret is in the answers of create and rotate
 * only; an idempotent replay of a create says `secret: null`.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../env";
import { idempotent } from "../http/idempotency";
import { notFound, validationFailed } from "../http/problem";
import { apiRoute, jsonBody, jsonResponse, listOf, problems } from "../http/route";
import { iso } from "../orders/serialize";
import { getDelivery, listDeliveries, replayDelivery, replaySince } from "./deliveries";
import { startDispatcher } from "./dispatcher-object";
import { createSubscription, deleteSubscription, getSubscription, listSubscriptions, rotateSecret, type SubscriptionRow, updateSubscription } from "./manage-subscriptions";
import { listNotices } from "./notices";
import {
  CreatedSubscription,
  CreateSubscription,
  DeliveryParams,
  Delivery,
  DeliveryWithAttempts,
  ListDeliveriesQuery,
  ListNoticesQuery,
  ListSubscriptionsQuery,
  Notice,
  ReplayResult,
  ReplaySince,
  Subscription,
  SubscriptionIdParam,
  UpdateSubscription,
  WithSecret,
} from "./schemas";

const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

const subscriptionBody = (s: SubscriptionRow) => ({
  id: s.id,
  store_id: s.storeId,
  url: s.url,
  event_types: s.eventTypes,
  description: s.description,
  status: s.status,
  disabled_at: isoOrNull(s.disabledAt),
  disabled_reason: s.disabledReason,
  failing_since: isoOrNull(s.failingSince),
  last_success_at: isoOrNull(s.lastSuccessAt),
  created_at: iso(s.createdAt),
  updated_at: iso(s.updatedAt),
});

type DeliveryRow = NonNullable<Awaited<ReturnType<typeof getDelivery>>>;
const deliveryBody = (d: Omit<DeliveryRow, "log">) => ({
  id: d.id,
  subscription_id: d.subscriptionId,
  event_seq: d.eventSeq,
  event_type: d.eventType,
  status: d.status,
  attempts: d.attempts,
  next_attempt_at: d.status === "pending" ? iso(d.nextAttemptAt) : null,
  last_status_code: d.lastStatusCode,
  delivered_at: isoOrNull(d.deliveredAt),
  created_at: iso(d.createdAt),
});
const withLog = (d: DeliveryRow) => ({
  ...deliveryBody(d),
  attempts_log: d.log.map((a) => ({
    attempted_at: iso(a.attemptedAt),
    status_code: a.statusCode,
    duration_ms: a.durationMs,
    response_excerpt: a.responseExcerpt,
    error: a.error,
  })),
});

/** The dispatcher is started after the answer, so the request does not wait for it. */
const wake = (c: Context<AppEnv>) => c.executionCtx.waitUntil(startDispatcher(c.env));

const TAGS = ["Webhook subscriptions"];
const PATH = "/v1/webhook-subscriptions";
const ONE = `${PATH}/{id}`;

export const partnerWebhookRoutes = new OpenAPIHono<AppEnv>();

partnerWebhookRoutes.post(PATH, idempotent({ redact: (body) => ({ ...body, secret: null }) }));
partnerWebhookRoutes.openapi(
  apiRoute({
    method: "post",
    path: PATH,
    permission: "webhooks:manage",
    tags: TAGS,
    summary: "Subscribe an endpoint to a store's events (the secret is shown only once)",
    description:
      "Events committed from now on are sent to `url`, signed per the Standard Webhooks spec with the returned `whsec_...` secret. See docs/events.md for the payload, retries and disabling.",
    request: { body: jsonBody(CreateSubscription) },
    responses: { 201: jsonResponse(CreatedSubscription, "The subscription and its secret"), ...problems(413, 415, 422) },
  }),
  async (c) => {
    const r = await createSubscription(c.env, c.req.valid("json"), { principal: c.get("principal") });
    if (!r.ok) throw validationFailed(r.errors);
    wake(c);
    return c.json({ ...subscriptionBody(r.row), secret: r.secret }, 201, { location: `${PATH}/${r.row.id}` });
  },
);

partnerWebhookRoutes.openapi(
  apiRoute({
    method: "get",
    path: PATH,
    permission: "webhooks:manage",
    tags: TAGS,
    summary: "List webhook subscriptions (never their secrets)",
    request: { query: ListSubscriptionsQuery },
    responses: { 200: jsonResponse(listOf(Subscription, "WebhookSubscriptionList"), "A page of subscriptions"), ...problems() },
  }),
  async (c) => {
    const page = await listSubscriptions(c.env, c.get("principal"), c.req.valid("query"));
    return c.json({ ...page, data: page.data.map(subscriptionBody) }, 200);
  },
);

partnerWebhookRoutes.openapi(
  apiRoute({
    method: "get",
    path: ONE,
    permission: "webhooks:manage",
    tags: TAGS,
    summary: "Get a webhook subscription",
    request: { params: SubscriptionIdParam },
    responses: { 200: jsonResponse(Subscription, "The subscription"), ...problems(404) },
  }),
  async (c) => {
    const row = await getSubscription(c.env, c.get("principal"), c.req.valid("param").id);
    if (!row) throw notFound("webhook subscription");
    return c.json(subscriptionBody(row), 200);
  },
);

partnerWebhookRoutes.openapi(
  apiRoute({
    method: "patch",
    path: ONE,
    permission: "webhooks:manage",
    tags: TAGS,
    summary: "Change a subscription's URL, event types or description, pause it, or enable it again",
    request: { params: SubscriptionIdParam, body: jsonBody(UpdateSubscription) },
    responses: { 200: jsonResponse(Subscription, "The subscription"), ...problems(404, 413, 415, 422) },
  }),
  async (c) => {
    const row = await updateSubscription(c.env, c.get("principal"), c.req.valid("param").id, c.req.valid("json"));
    if (!row) throw notFound("webhook subscription");
    if (row.status === "active") wake(c);
    return c.json(subscriptionBody(row), 200);
  },
);

partnerWebhookRoutes.openapi(
  apiRoute({
    method: "delete",
    path: ONE,
    permission: "webhooks:manage",
    tags: TAGS,
    summary: "Delete a subscription with its deliveries and their log",
    request: { params: SubscriptionIdParam },
    responses: { 200: jsonResponse(Subscription, "The deleted subscription"), ...problems(404) },
  }),
  async (c) => {
    const row = await deleteSubscription(c.env, c.get("principal"), c.req.valid("param").id);
    if (!row) throw notFound("webhook subscription");
    return c.json(subscriptionBody(row), 200);
  },
);

partnerWebhookRoutes.openapi(
  apiRoute({
    method: "post",
    path: `${ONE}/rotate-secret`,
    permission: "webhooks:manage",
    tags: TAGS,
    summary: "Rotate the signing secret (the new one is shown only now)",
    description:
      "The next attempts are signed with both the new and the old secret (two signatures in `webhook-signature`, as Standard Webhooks allows) for 24 hours, then with the new one only: switch your receiver within a day.",
    request: { params: SubscriptionIdParam },
    responses: { 200: jsonResponse(Subscription.extend(WithSecret.shape), "The subscription and its new secret"), ...problems(404) },
  }),
  async (c) => {
    const r = await rotateSecret(c.env, c.get("principal"), c.req.valid("param").id);
    if (!r) throw notFound("webhook subscription");
    return c.json({ ...subscriptionBody(r.row), secret: r.secret }, 200);
  },
);

partnerWebhookRoutes.openapi(
  apiRoute({
    method: "get",
    path: `${ONE}/deliveries`,
    permission: "webhooks:manage",
    tags: TAGS,
    summary: "List a subscription's deliveries, newest first",
    request: { params: SubscriptionIdParam, query: ListDeliveriesQuery },
    responses: { 200: jsonResponse(listOf(Delivery, "WebhookDeliveryList"), "A page of deliveries"), ...problems(404) },
  }),
  async (c) => {
    const page = await listDeliveries(c.env, c.get("principal"), c.req.valid("param").id, c.req.valid("query"));
    if (!page) throw notFound("webhook subscription");
    return c.json({ ...page, data: page.data.map(deliveryBody) }, 200);
  },
);

partnerWebhookRoutes.openapi(
  apiRoute({
    method: "get",
    path: `${ONE}/deliveries/{delivery_id}`,
    permission: "webhooks:manage",
    tags: TAGS,
    summary: "A delivery with its log: every attempt's time, status code, duration and answer or error",
    request: { params: DeliveryParams },
    responses: { 200: jsonResponse(DeliveryWithAttempts, "The delivery"), ...problems(404) },
  }),
  async (c) => {
    const { id, delivery_id } = c.req.valid("param");
    const d = await getDelivery(c.env, c.get("principal"), id, delivery_id);
    if (!d) throw notFound("delivery");
    return c.json(withLog(d), 200);
  },
);

partnerWebhookRoutes.openapi(
  apiRoute({
    method: "post",
    path: `${ONE}/deliveries/{delivery_id}/replay`,
    permission: "webhooks:manage",
    tags: TAGS,
    summary: "Send one delivery again (same webhook-id, fresh retry schedule)",
    request: { params: DeliveryParams },
    responses: { 202: jsonResponse(DeliveryWithAttempts, "The delivery, due now"), ...problems(404) },
  }),
  async (c) => {
    const { id, delivery_id } = c.req.valid("param");
    const d = await replayDelivery(c.env, c.get("principal"), id, delivery_id);
    if (!d) throw notFound("delivery");
    wake(c);
    return c.json(withLog(d), 202);
  },
);

partnerWebhookRoutes.openapi(
  apiRoute({
    method: "post",
    path: `${ONE}/replay`,
    permission: "webhooks:manage",
    tags: TAGS,
    summary: "Send again every matching event since a time",
    description: "Up to 5,000 events a call (`truncated` says when there were more: call again with a later `since`). Events are kept 30 days.",
    request: { params: SubscriptionIdParam, body: jsonBody(ReplaySince) },
    responses: { 202: jsonResponse(ReplayResult, "How many deliveries are due now"), ...problems(404, 413, 415, 422) },
  }),
  async (c) => {
    const r = await replaySince(c.env, c.get("principal"), c.req.valid("param").id, Date.parse(c.req.valid("json").since));
    if (!r) throw notFound("webhook subscription");
    wake(c);
    return c.json(r, 202);
  },
);

partnerWebhookRoutes.openapi(
  apiRoute({
    method: "get",
    path: "/v1/notices",
    permission: "webhooks:manage",
    tags: ["Notices"],
    summary: "Notices for the merchant, newest first (today: webhook subscriptions disabled after failing)",
    request: { query: ListNoticesQuery },
    responses: { 200: jsonResponse(listOf(Notice, "NoticeList"), "A page of notices"), ...problems() },
  }),
  async (c) => {
    const page = await listNotices(c.env, c.get("principal"), c.req.valid("query"));
    return c.json(
      {
        ...page,
        data: page.data.map((n) => ({ id: n.id, store_id: n.storeId, kind: n.kind, resource_id: n.resourceId, message: n.message, created_at: iso(n.createdAt) })),
      },
      200,
    );
  },
);
