/** Bindings of the Worker, as declared in wrangler.toml (and secrets in .dev.vars). */
import type { OrderObject } from "./index";
import type { Principal } from "./http/auth";
import type { Database } from "./db/client";

export interface Env {
  DB: D1Database;
  ORDER: DurableObjectNamespace<OrderObject>;
  FULFILMENT_QUEUE: Queue<OutboxMessage>;
  NOTIFICATIONS_QUEUE: Queue<OutboxMessage>;
  /** Outbound partner webhooks (3PL dispatches), signed per Standard Webhooks. */
  WEBHOOKS_QUEUE: Queue<OutboxMessage>;
  /** Inbound tracking events waiting to be applied to their shipments. */
  LOGISTICS_QUEUE: Queue<OutboxMessage>;
  /** Secret: the first admin key, used to create stores and scoped keys. */
  BOOTSTRAP_ADMIN_KEY?: string;
  /** Where customers reach this system: links in their messages point here. */
  PUBLIC_URL?: string;
  /** Customer messages: "local" (recorded only, readable through the API) or "http" (an HTTP email API). */
  NOTIFY_PROVIDER?: string;
  NOTIFY_HTTP_ENDPOINT?: string;
  NOTIFY_HTTP_API_KEY?: string;
  NOTIFY_FROM?: string;
  /** Secrets of the tracking partners' webhooks (see docs/logistics.md). Unset: that partner's endpoint refuses everything. */
  EASYPOST_WEBHOOK_SECRET?: string;
  /** The previous EasyPost secret while rotating (both are accepted). */
  EASYPOST_WEBHOOK_SECRET_PREVIOUS?: string;
  AFTERSHIP_WEBHOOK_SECRET?: string;
  AFTERSHIP_WEBHOOK_SECRET_PREVIOUS?: string;
  /** Shippo's self-serve option: the `?token=` in the webhook URL. */
  SHIPPO_WEBHOOK_TOKEN?: string;
  /** Shippo's HMAC (provisioned by Shippo on request): `Shippo-Auth-Signature: t=..,v1=..`. */
  SHIPPO_WEBHOOK_SECRET?: string;
  /** API keys of HTTP carrier adapters, named by each carrier's `key_secret` in the store's logistics config. */
  [carrierKey: `CARRIER_KEY_${string}`]: string | undefined;
}

/** The body of every queue message: one outbox row. `id` is what consumers dedupe on. */
export type OutboxMessage = {
  id: string;
  type: string;
  order_id: string | null;
  payload: Record<string, unknown>;
  created_at: number;
};

export type AppEnv = {
  Bindings: Env;
  Variables: {
    principal: Principal;
    db: Database;
    requestId: string;
  };
};
