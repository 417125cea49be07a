/**
 * What the channel engine needs from each platform (Shopify, WooCommerce,
 * BigCommerce), and nothing more: how it signs webhooks, what a delivery
 * is about, how its order reads in our terms, and the few REST calls the
 * engine makes (fetch one order, list changed orders, push a fulfillment,
 * a cancellation or a refund). One adapter per platform implements it, in
 * its own file; the engine (connections, inbox, apply, reconciliation,
 * pushes) never looks inside a platform's payload.
 *
 * Platform ids are strings everywhere: Shopify's pass 2^53. Parse payloads
 * with `parsePlatformJson` (./json.ts), never bare `JSON.parse`.
 */
import type { ChannelPushes } from "../../db/schema/channels";

export type Platform = "shopify" | "woocommerce" | "bigcommerce";

/** A connection as an adapter sees it: secrets opened, nothing else of the engine's. */
export type PlatformConnection = {
  id: string;
  storeId: string;
  platform: Platform;
  /** Shopify's myshopify domain, WooCommerce's site URL, BigCommerce's store hash. */
  shopDomain: string;
  /** The REST API's base, without a trailing slash (e.g. `https://shop.example/wp-json/wc/v3`). */
  apiBaseUrl: string;
  /** Shopify `{ access_token }`; WooCommerce `{ consumer_key, consumer_secret }`; BigCommerce `{ access_token }`. */
  credentials: Record<string, string>;
  /** The current webhook secret, then the previous one while it is being rotated. Empty: nothing verifies. */
  webhookSecrets: string[];
  pushes: ChannelPushes;
};

/** A webhook request as it arrived: the exact bytes (signatures cover them) and the headers. */
export type InboundRequest = { headers: Headers; body: Uint8Array; url: string };

export type Verdict = { ok: true } | { ok: false; reason: "missing_signature" | "bad_signature" | "unknown_shop" };

/** What a verified delivery is about. */
export type Delivery =
  /** Verified but not readable as the platform's order (not JSON, no order id): kept in the inbox with the reason, not retried. */
  | { kind: "unreadable"; deliveryId: string | null; message: string }
  /** The platform checking the endpoint (WooCommerce's `webhook_id=` ping): answer 200, store nothing. */
  | { kind: "ping" }
  /** A topic we do not act on: acknowledged, kept in the inbox for the record. */
  | { kind: "ignored"; deliveryId: string; topic: string }
  | {
      kind: "order";
      /** The platform's id of this delivery: the same id twice is one delivery (a retry). */
      deliveryId: string;
      topic: string;
      change: "created" | "updated" | "cancelled" | "refunded";
      externalId: string;
      /** The order's state as of this moment (epoch ms): older states arriving late are not applied. Null when the body does not say. */
      changedAt: number | null;
      /** The platform order, when the body carries it; null for thin webhooks (BigCommerce): fetch it. */
      order: PlatformOrder | null;
    };

/** A platform order as parsed (big-int safe): the adapter's own shape, opaque to the engine. */
export type PlatformOrder = { readonly platform: Platform; readonly raw: unknown };

/** One money amount: exact decimal string in the currency's major unit (never a float). */
export type Money = string;

export type MappedLine = {
  /** The platform's line id, when it has one (refunds and fulfillments name lines by it). */
  externalLineId: string | null;
  /** The platform's SKU (may be empty) and variant/product ids: the keys the SKU map is looked up by, best first. */
  platformKeys: string[];
  name: string;
  quantity: number;
  /** Price of one unit before order-level discounts. */
  unitPrice: Money;
  /** Discounts allocated to this line (already in `discount`, below). */
  discount: Money;
  requiresShipping: boolean;
};

export type MappedAddress = {
  name: string;
  line1: string;
  line2: string | null;
  district: string | null;
  city: string;
  region: string | null;
  postalCode: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  phone: string | null;
};

export type MappedRefund = { externalId: string; amount: Money; createdAt: number; note: string | null; lines: { externalLineId: string; quantity: number }[] };

/** The platform order in our terms: what the engine turns into a canonical order, an edit, a cancellation or a refund. */
export type MappedOrder = {
  externalId: string;
  /** The order's name as the merchant knows it ("#1042"). */
  name: string | null;
  currency: string;
  lines: MappedLine[];
  shipping: Money;
  /** Order-level discounts in total (line discounts included). */
  discount: Money;
  tax: Money;
  /** The platform's own total: the audit checks it against ours. */
  total: Money;
  paymentStatus: "unpaid" | "authorized" | "paid" | "partially_refunded" | "refunded" | "voided";
  note: string | null;
  customer: { name: string; email: string | null; phone: string | null };
  shippingAddress: MappedAddress | null;
  billingAddress: MappedAddress | null;
  locale: string | null;
  createdAt: number;
  updatedAt: number;
  cancelled: { at: number; reason: string | null } | null;
  refunds: MappedRefund[];
  /** Draft, pending checkout or trashed orders the engine must not take in (WooCommerce `checkout-draft`). */
  skip: boolean;
};

/** What a platform call came to. Rate limits and outages are retried later; refusals are not. */
export type CallResult<T> =
  | { ok: true; value: T }
  | { ok: false; kind: "rate_limited"; retryAfterMs: number }
  | { ok: false; kind: "unavailable"; status: number | null; message: string }
  | { ok: false; kind: "refused"; status: number; message: string };

export type ChangedOrdersPage = { orders: PlatformOrder[] /** Opaque: where the next page starts; null when this was the last. */; next: string | null };

export type FulfillmentPush = {
  carrier: string;
  trackingNumber: string;
  trackingUrl: string | null;
  /** The platform's line ids and quantities in this parcel (empty: the whole order). */
  lines: { externalLineId: string; quantity: number }[];
  /** Our idempotency key for this push (the shipment id): platforms that accept one get it. */
  key: string;
};

export type RefundPush = { amount: Money; currency: string; reason: string | null; lines: { externalLineId: string; quantity: number }[]; key: string };

/** The network, injectable so each call can carry a timeout and tests can point at the stand-in platform server. */
export type Http = (request: Request) => Promise<Response>;

export interface PlatformAdapter {
  readonly platform: Platform;
  /** Checks the platform's signature over the raw bytes (constant time), against each of the connection's secrets. */
  verify(connection: PlatformConnection, request: InboundRequest): Promise<Verdict>;
  /** What the verified delivery is about. */
  describe(request: InboundRequest): Delivery;
  /** The platform order in our terms. Pure. */
  map(order: PlatformOrder): MappedOrder;
  fetchOrder(connection: PlatformConnection, externalId: string, http: Http): Promise<CallResult<PlatformOrder | null>>;
  /** Orders changed in [since, until) (epoch ms), oldest change first where the platform allows, one page at a time. */
  listChangedOrders(connection: PlatformConnection, window: { since: number; until: number; cursor: string | null }, http: Http): Promise<CallResult<ChangedOrdersPage>>;
  createFulfillment(connection: PlatformConnection, externalId: string, push: FulfillmentPush, http: Http): Promise<CallResult<{ externalId: string }>>;
  cancelOrder(connection: PlatformConnection, externalId: string, push: { reason: string | null; key: string }, http: Http): Promise<CallResult<null>>;
  refund(connection: PlatformConnection, externalId: string, push: RefundPush, http: Http): Promise<CallResult<{ externalId: string }>>;
}
