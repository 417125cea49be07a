/**
 * How a push to a platform goes on after an attempt, as pure rules: sent is
 * done; a refusal (4xx: the platform said no) stops and shows, since the
 * same request would be refused again; a rate limit or an outage is tried
 * again with backoff (the platform's Retry-After when it gives one), up to
 * a day and a half of attempts, then given up and shown.
 */
import type { CallResult } from "./platforms/platform";

/** 1 min, 2, 4, ... capped at 2 hours: 20 attempts reach past 24 hours. */
export const MAX_ATTEMPTS = 20;
export const backoffMs = (attempt: number) => Math.min(2 * 3600_000, 60_000 * 2 ** Math.max(0, attempt - 1));

export type AttemptOutcome = "sent" | "rate_limited" | "unavailable" | "refused" | "error";

export type NextStep =
  | { status: "sent"; outcome: "sent"; httpStatus: null; message: string | null }
  | { status: "refused" | "failed"; outcome: AttemptOutcome; httpStatus: number | null; message: string }
  | { status: "retrying"; outcome: AttemptOutcome; httpStatus: number | null; message: string; nextAttemptAt: number };

export function afterAttempt(result: CallResult<unknown> | { ok: false; kind: "error"; message: string }, a: { attempt: number; now: number }): NextStep {
  if (result.ok) return { status: "sent", outcome: "sent", httpStatus: null, message: null };
  if (result.kind === "refused") return { status: "refused", outcome: "refused", httpStatus: result.status, message: result.message };
  const httpStatus = result.kind === "rate_limited" ? 429 : result.kind === "unavailable" ? result.status : null;
  const message = result.kind === "rate_limited" ? `rate limited: retry after ${Math.ceil(result.retryAfterMs / 1000)} s` : result.message;
  if (a.attempt >= MAX_ATTEMPTS) return { status: "failed", outcome: result.kind, httpStatus, message: `${message} (gave up after ${a.attempt} attempts)` };
  const wait = result.kind === "rate_limited" ? Math.max(result.retryAfterMs, 1000) : backoffMs(a.attempt);
  return { status: "retrying", outcome: result.kind, httpStatus, message, nextAttemptAt: a.now + wait };
}
