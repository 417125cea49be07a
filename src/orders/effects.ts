/**
 * Transition effects: D1 writes another stage needs committed atomically
 * with an order's state change (allocation reserves stock in the same batch
 * as `process`). A caller names an effect in its transition command (plain
 * data, so it crosses the Durable Object RPC boundary); the order object
 * asks the registered builder for statements and appends them to the
 * transition's one batch. If the batch fails, the builder's `refusal` maps
 * the failure to an expected, returned refusal (e.g. a stock CHECK that
 * fired because another order took the last units) instead of an exception.
 *
 * Invariant: an effect never writes the order row, its events or its version;
 * the order object alone does.
 */
import type { BatchItem } from "drizzle-orm/batch";
import type { Database } from "../db/client";
import type { OutboxRow } from "../outbox/topics";
import type { OrderEvent, OrderStatus } from "./lifecycle";

export type TransitionEffect = { kind: string; data: unknown };

export type EffectContext = {
  orderId: string;
  storeId: string;
  event: OrderEvent;
  from: OrderStatus;
  to: OrderStatus;
  /** The order's version after the change. */
  version: number;
  actor: string;
  now: number;
};

export type EffectWrites = {
  statements: BatchItem<"sqlite">[];
  /** Outbox rows written in the batch and sent with the transition's own. */
  outbox?: OutboxRow[];
  /** Merged into the order event's `data`, so the timeline says what the effect did. */
  eventData?: Record<string, unknown>;
};

export type EffectBuilder = {
  build(db: Database, ctx: EffectContext, data: unknown): EffectWrites | Promise<EffectWrites>;
  refusal?(err: unknown): { reason: string; message: string } | null;
};

const builders = new Map<string, EffectBuilder>();

export function registerEffect(kind: string, builder: EffectBuilder): void {
  builders.set(kind, builder);
}

export function effectBuilder(kind: string): EffectBuilder {
  const b = builders.get(kind);
  // A command naming an unknown effect is a bug in the caller, not a business refusal.
  if (!b) throw new Error(`no transition effect "${kind}" is registered`);
  return b;
}
