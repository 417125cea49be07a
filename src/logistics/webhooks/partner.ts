/**
 * What every tracking partner's webhook adapter provides: a verifier over the
 * raw request and a parser from its documented body to one `TrackingUpdate`
 * in our vocabulary. Adapters are pure apart from the HMAC; expected failures
 * are returned, never thrown.
 */
import type { Env } from "../../env";
import type { FieldError } from "../../http/problem";
import type { TrackingStatus } from "../tracking-status";

export type TrackingUpdate = {
  /** The partner's id of this event: what a redelivery repeats (see SENDERS.md, dedupe keys). */
  eventId: string;
  trackingNumber: string;
  /** The carrier as the partner names it, lowercased (usps, dhl-express...). */
  carrier: string | null;
  /** The partner's own status words, e.g. "in_transit/arrived_at_facility". */
  partnerStatus: string;
  status: TrackingStatus;
  message: string | null;
  location: string | null;
  /** When the partner says it happened (epoch ms), which orders events; not when it reached us. */
  occurredAt: number;
};

export type RawRequest = { body: Uint8Array; headers: Headers; url: URL };

export type Verification = { ok: true } | { ok: false; code: "not_configured" | "invalid_signature"; detail: string };

export type Parsed =
  | { kind: "update"; update: TrackingUpdate }
  /** A well-formed event that is not a tracking update (acknowledged, not stored). */
  | { kind: "ignored"; reason: string }
  | { kind: "invalid"; errors: FieldError[] };

export interface TrackingPartner {
  readonly name: string;
  verify(req: RawRequest, env: Env, now: number): Promise<Verification>;
  parse(body: unknown, receivedAt: number): Parsed;
}

/** "2025-06-16T07:15:00Z" (or with an offset, or a bare date) to epoch ms; null when it is not a date. */
export function parseTime(value: unknown): number | null {
  if (typeof value !== "string" || value.length < 10) return null;
  // A bare date or a local time without offset is read as UTC (carriers' local times have no better anchor).
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : /T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value) ? `${value}Z` : value;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? ms : null;
}

export const joinLocation = (...parts: (string | null | undefined)[]) => {
  const s = parts.filter((p): p is string => typeof p === "string" && p.trim() !== "").join(", ");
  return s === "" ? null : s.slice(0, 200);
};

export const clip = (s: string | null | undefined, n = 500) => (typeof s === "string" && s !== "" ? s.slice(0, n) : null);

export const secretsOf = (...values: (string | undefined)[]) => values.filter((v): v is string => typeof v === "string" && v !== "");
