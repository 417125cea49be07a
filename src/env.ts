/** Bindings of the Worker, as declared in wrangler.toml (and secrets in .dev.vars). */
import type { OrderObject } from "./orders/order-object";
import type { Principal } from "./http/auth";
import type { Database } from "./db/client";

export interface Env {
  DB: D1Database;
  ORDER: DurableObjectNamespace<OrderObject>;
  FULFILMENT_QUEUE: Queue<OutboxMessage>;
  NOTIFICATIONS_QUEUE: Queue<OutboxMessage>;
  /** Outbound partner webhooks (3PL dispatches), signed per Standard Webhooks. */
  WEBHOOKS_QUEUE: Queue<OutboxMessage>;
  /** Secret: the first admin key, used to create stores and scoped keys. */
  BOOTSTRAP_ADMIN_KEY?: string;
  /** Where customers reach this system: links in their messages point here. */
  PUBLIC_URL?: string;
  /** Customer messages: "local" (recorded only, readable through the API) or "http" (an HTTP email API). */
  NOTIFY_PROVIDER?: string;
  NOTIFY_HTTP_ENDPOINT?: string;
  NOTIFY_HTTP_API_KEY?: string;
  NOTIFY_FROM?: string;
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
