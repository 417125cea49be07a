/**
 * A model-based, randomized concurrency test of the order and its shipments.
 *
 * Each schedule sets up one or two allocated orders on fresh SKUs (in this
 * schedule's own warehouse, the shared 3PL, or split across both), then runs
 * 2-5 rounds; a round fires 1-4 commands at once (order transitions, floor
 * work, labels and handover, signed tracking and 3PL webhooks, after-sales,
 * the order object's completion alarm). A refusal (4xx) is a valid answer; a
 * 5xx or a thrown error is a failure. Arguments are indices resolved against
 * what exists when the round starts, so fast-check can shrink a schedule and
 * replay it deterministically.
 *
 * The queues are played by the test, not by the runtime: the real consumers
 * are replaced by one that drops the message (a lost send, which the outbox
 * tolerates by design: a row stays owed until a consumer marks it
 * delivered), and the owed rows are consumed here, in order, after every
 * round (`settle`) and once more at the end. So async work lands at defined
 * points: the state right after a round is the state before any consumer ran.
 *
 * Invariants (checked after every round where they must hold at all times,
 * and on the settled state at the end of each schedule):
 *   1. a completed or cancelled order has no live shipment that can still
 *      progress on the floor (pending/picking/packed/labelled, not intercepted);
 *   2. shipments never move backwards (TABLE below);
 *   3. stock levels equal the movement ledger, none negative;
 *   4. each order's event log is gapless: seq 1..version;
 *   5. a shipped/delivered/completed goods order has every live shipment handed
 *      over, and a delivered/completed one every live shipment delivered.
 *
 * Runs: MODEL_RUNS (default 60, which keeps CI inside its budget: on a slow day 400 took 430 s of a 22-minute
 * CI, 200 took 313 s of a 20-minute one, and 120 took 402 s beside other work), MODEL_SEED (default fixed), MODEL_PATH (to
 * replay one shrunk case), MODEL_INVARIANTS (e.g. "2,3,4" to leave some out),
 * MODEL_IMMEDIATE=0 (check 1 and 5 on settled states only), MODEL_TRACE=1 (print every schedule);
 * passed in through vitest.config.ts `provide`. `npm run test:model` runs 20,000.
 * Measured on the shared 2-core machine: 1,000 schedules in 364 s (other work shared the cores),
 * about two thirds of it setting up (orders approved and allocated, shipments
 * brought to their stage through the API; a label and a handover cost ~30-40 ms each).
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { env } from "./shard-env";
import fc from "fast-check";
import { afterAll, beforeAll, describe, inject, it } from "vitest";
import type { OutboxMessage } from "../src/env";
import { transport } from "../src/fulfilment/dispatch-3pl";
import worker, { QUEUE_HANDLERS } from "../src/index";
import { signedHeaders } from "../src/lib/standard-webhooks";
import { type Consumer, consumeMessage } from "../src/outbox/consume";
import { toMessage } from "../src/outbox/send";
import { api, createStore, transition, unique } from "./helpers";
import { sign } from "./logistics-helpers";
import { allocate, createBin, createWarehouse, receive } from "./processing-helpers";

// ---------------------------------------------------------------------------
// Shipment statuses: the forward rank, and every other step that is allowed.
// ---------------------------------------------------------------------------
const RANK: Record<string, number> = { pending: 0, picking: 1, packed: 2, labelled: 3, shipped: 4, in_transit: 5, out_for_delivery: 6, delivered: 7 };
const BEFORE_HANDOVER = ["pending", "picking", "packed", "labelled"];
/** The declared exceptions to the rank: from any of these, to any of those, and why. */
const ALLOWED_STEPS: readonly [from: readonly string[], to: readonly string[], why: string][] = [
  [["packed"], ["picking"], "an interception released or restocked: scanned again"],
  [["labelled"], ["packed"], "a voided label"],
  [["shipped", "in_transit", "out_for_delivery"], ["exception", "returned"], "a failed attempt, a carrier exception, returned to sender"],
  [["exception"], ["in_transit", "out_for_delivery", "delivered", "returned"], "a second delivery attempt"],
  [["intercepted"], ["pending", "picking", "packed", "cancelled"], "an interception resolved: work resumes where it stopped, or nothing is left"],
  [
    ["intercepted", "cancelled"],
    ["shipped", "in_transit", "out_for_delivery", "delivered", "exception", "returned"],
    "it left although stopped (a carrier's scan at the dock, a 3PL after our cancel): booked, with a recall",
  ],
];
/** Before handover, a shipment may also leave to any of these. */
const EXITS_BEFORE_HANDOVER = ["cancelled", "merged", "intercepted", "closed", "rejected"];

/** `everHandedOver`: the shipment was seen shipped or beyond; it never returns to the floor after that. */
function legalStep(from: string, to: string, everHandedOver: boolean): boolean {
  if (from === to) return true;
  if (everHandedOver && BEFORE_HANDOVER.includes(to)) return false;
  if (from in RANK && to in RANK && RANK[to]! > RANK[from]!) return true;
  if (ALLOWED_STEPS.some(([f, t]) => f.includes(from) && t.includes(to))) return true;
  return !everHandedOver && EXITS_BEFORE_HANDOVER.includes(to);
}
const HANDED_OVER_SQL = "('shipped','in_transit','out_for_delivery','delivered','exception','returned')";
const isHandedOver = (status: string) => status in RANK && RANK[status]! >= RANK.shipped!;

// ---------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------
const RUNS = inject("modelRuns") ?? 1000;
const SEED = inject("modelSeed") ?? 20261202;
const PATH = inject("modelPath") || undefined;
const TRACE = Boolean(inject("modelTrace"));
/** Check 1 and 5 right after each round too (before any consumer ran), not only on the settled state. */
const IMMEDIATE = inject("modelImmediate") ?? true;
const CHECKED = new Set((inject("modelInvariants") || "1,2,3,4,5").split(",").map((s) => Number(s.trim())));

// ---------------------------------------------------------------------------
// Commands (arguments are indices, resolved against the state when the round starts)
// ---------------------------------------------------------------------------
const EVENTS = ["cancel", "hold", "approve", "process", "ship", "deliver", "complete", "fulfil_externally"] as const;
type Command =
  | { k: "idle" }
  | { k: "transition"; order: number; event: (typeof EVENTS)[number] }
  | { k: "wave" }
  | { k: "pick"; item: number }
  | { k: "packScan"; item: number }
  | { k: "pack"; ship: number }
  | { k: "label"; ship: number }
  | { k: "handover"; ship: number }
  | { k: "intercept"; ship: number }
  | { k: "resolve"; ship: number; action: "release" | "restock" }
  | { k: "voidLabel"; ship: number }
  | { k: "track"; ship: number; status: "in_transit" | "out_for_delivery" | "delivered" }
  | { k: "tpl"; ship: number; type: "dispatch.accepted" | "dispatch.rejected" | "shipment.shipped" }
  | { k: "afterSales"; order: number; kind: "claim" | "return" }
  | { k: "alarm"; order: number };

const idx = fc.nat(7);
// `idle` comes first: fast-check shrinks a command towards the first alternative, so a shrunk schedule shows only what matters.
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  { withCrossShrink: true },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("idle" as const) }) },
  { weight: 6, arbitrary: fc.record({ k: fc.constant("transition" as const), order: idx, event: fc.constantFrom(...EVENTS) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("wave" as const) }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant("pick" as const), item: idx }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant("packScan" as const), item: idx }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("pack" as const), ship: idx }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("label" as const), ship: idx }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant("handover" as const), ship: idx }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("intercept" as const), ship: idx }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("resolve" as const), ship: idx, action: fc.constantFrom("release" as const, "restock" as const) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("voidLabel" as const), ship: idx }) },
  {
    weight: 2,
    arbitrary: fc.record({ k: fc.constant("track" as const), ship: idx, status: fc.constantFrom("in_transit" as const, "out_for_delivery" as const, "delivered" as const) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant("tpl" as const),
      ship: idx,
      type: fc.constantFrom("dispatch.accepted" as const, "dispatch.rejected" as const, "shipment.shipped" as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("afterSales" as const), order: idx, kind: fc.constantFrom("claim" as const, "return" as const) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant("alarm" as const), order: idx }) },
);

/** Where an order's goods are stocked: own warehouse, the 3PL, or one line in each (a split). */
type Placement = "own" | "tpl" | "split";
/** How far the floor has taken the order's own-warehouse shipment before the rounds start (through the API). */
const STAGES = ["pending", "picking", "packed", "labelled", "shipped"] as const;
type Stage = (typeof STAGES)[number];
const scheduleArb = fc.record({
  orders: fc.array(fc.record({ at: fc.constantFrom<Placement>("own", "own", "tpl", "split"), qty: fc.integer({ min: 1, max: 2 }), stage: fc.constantFrom<Stage>(...STAGES) }), {
    minLength: 1,
    maxLength: 2,
  }),
  rounds: fc.array(fc.array(commandArb, { minLength: 1, maxLength: 4 }), { minLength: 2, maxLength: 5 }),
});
type Schedule = { orders: { at: Placement; qty: number; stage: Stage }[]; rounds: Command[][] };

// ---------------------------------------------------------------------------
// Shared fixtures: one store and one 3PL for the file; each schedule its own small warehouse
// ---------------------------------------------------------------------------
let store: { id: string };
let tpl: { id: string; webhook_secret: string | null };
const realQueue = worker.queue;
const realFetch = transport.fetch;

beforeAll(async () => {
  // The test plays the consumers (see the file comment): the runtime's deliveries are dropped.
  (worker as any).queue = async (batch: MessageBatch<OutboxMessage>) => batch.ackAll();
  // The 3PL's endpoint accepts every dispatch and cancel.
  transport.fetch = async () => new Response("ok", { status: 200 });
  store = await createStore(unique("model"));
  await api(`/v1/stores/${store.id}`, { method: "PATCH", body: { complete_after_days: 1 } });
  tpl = await createWarehouse({ kind: "third_party", webhook_url: "https://3pl.example/oms", country: "DE", region: null });
  await createBin(tpl.id, "STOCK");
});
afterAll(() => {
  (worker as any).queue = realQueue;
  transport.fetch = realFetch;
});

type Ship = { id: string; alias: string; status: string; tpl: boolean; waveId: string | null; intercepted: boolean; tracking: string | null };
type Item = {
  id: string;
  alias: string;
  shipmentId: string;
  sku: string;
  reserved: number;
  picked: number;
  packed: number;
  cancelled: boolean;
  waveId: string | null;
  shipStatus: string;
};

class Run {
  trace: string[] = [];
  orderIds: string[] = [];
  orderAlias = new Map<string, string>();
  warehouseIds: string[] = [];
  own!: string;
  startedAt = Date.now();
  seen = new Map<string, { statuses: string[]; handedOver: boolean }>();
  failures: string[] = [];
  trackSeq = 0;
  /** The state last observed: what the next round's arguments are resolved against. */
  last!: Awaited<ReturnType<Run["snapshot"]>>;

  constructor(readonly schedule: Schedule) {}

  log(line: string) {
    this.trace.push(line);
  }

  async setup() {
    const wh = await createWarehouse();
    this.own = wh.id;
    this.warehouseIds = [wh.id, tpl.id];
    await Promise.all([
      createBin(wh.id, "A-01", { pick_sequence: 10 }),
      api(`/v1/stores/${store.id}/routing-policy`, { method: "PUT", body: { default_warehouses: [wh.id, tpl.id] } }),
    ]);
    const ownStock: { sku: string; bin: string; quantity: number }[] = [];
    const tplStock: { sku: string; bin: string; quantity: number }[] = [];
    const lines: { sku: string; quantity: number; unit_price: string }[][] = [];
    for (const o of this.schedule.orders) {
      const a = unique("M");
      const b = unique("M");
      if (o.at !== "tpl") ownStock.push({ sku: a, bin: "A-01", quantity: o.qty + 1 });
      if (o.at === "tpl") tplStock.push({ sku: a, bin: "STOCK", quantity: o.qty + 1 });
      if (o.at === "split") tplStock.push({ sku: b, bin: "STOCK", quantity: o.qty + 1 });
      lines.push([{ sku: a, quantity: o.qty, unit_price: "10.00" }, ...(o.at === "split" ? [{ sku: b, quantity: o.qty, unit_price: "10.00" }] : [])]);
    }
    await Promise.all([ownStock.length ? receive(wh.id, ownStock) : null, tplStock.length ? receive(tpl.id, tplStock) : null]);
    this.orderIds = lines.map(() => "");
    // The orders are set up side by side (each one's steps in order); their indices, not timing, name them.
    await Promise.all(
      lines.map(async (l, i) => {
        const created = await api("/v1/orders", {
          body: {
            store_id: store.id,
            channel: "web",
            customer: { name: "Ada Lovelace", email: `ada+${unique("m")}@example.com` },
            shipping_address: { name: "Ada Lovelace", line1: "350 5th Ave", city: "New York", region: "NY", postal_code: "10118", country: "US" },
            lines: l,
            currency: "USD",
          },
        });
        if (created.status !== 201) throw new Error(`setup order: ${created.status} ${JSON.stringify(created.body)}`);
        const id = created.body.id as string;
        this.orderIds[i] = id;
        this.orderAlias.set(id, `o${i}`);
        const approved = await transition(id, "approve");
        if (approved.status !== 200) throw new Error(`setup approve: ${approved.status} ${JSON.stringify(approved.body)}`);
        const r = await allocate(id);
        if (r.status !== 200 || r.body.status !== "allocated") throw new Error(`setup allocate: ${r.status} ${JSON.stringify(r.body)}`);
      }),
    );
    await this.stage();
    await this.settle();
    await this.observe("setup");
  }

  /** Brings each order's own shipment to its schedule's stage, one step at a time, as the floor would. */
  private async stage() {
    const rank = (st: Stage) => STAGES.indexOf(st);
    const max = Math.max(...this.schedule.orders.map((o) => (o.at === "tpl" ? 0 : rank(o.stage))));
    if (max === 0) return;
    const must = async (what: string, p: Promise<{ status: number; body: any }>) => {
      const r = await p;
      if (r.status >= 300) throw new Error(`setup ${what}: ${r.status} ${JSON.stringify(r.body)}`);
      return r;
    };
    await must("wave", api("/v1/waves", { body: { warehouse_id: this.own, group_by: "carrier", max_shipments: 50 } }));
    const { ships, items } = await this.snapshot();
    await Promise.all(
      this.schedule.orders.map(async (o, i) => {
        const s = ships.find((x) => x.alias === `o${i}/own`);
        if (!s || rank(o.stage) < rank("packed")) return;
        for (const it of items.filter((x) => x.shipmentId === s.id)) {
          await must("pick", api(`/v1/waves/${it.waveId}/picks`, { body: { item_id: it.id, scanned: it.sku, quantity: it.reserved } }));
          for (let u = 0; u < it.reserved; u++) await must("pack-scan", api(`/v1/shipments/${s.id}/pack-scans`, { body: { code: it.sku } }));
        }
        await must(
          "pack",
          api(`/v1/shipments/${s.id}/pack`, { body: { packages: [{ length_mm: 300, width_mm: 200, height_mm: 100, weight_grams: 800 }], weight_override_reason: "model check" } }),
        );
        if (rank(o.stage) >= rank("labelled")) await must("label", api(`/v1/shipments/${s.id}/label`, { body: {} }));
        if (rank(o.stage) >= rank("shipped")) await must("handover", api(`/v1/shipments/${s.id}/handover`, { body: {} }));
      }),
    );
  }

  private inOrders() {
    return this.orderIds.map(() => "?").join(",");
  }

  /** The schedule's shipments and items in a stable order (by order, then own before 3PL; by line). */
  async snapshot() {
    const q = this.inOrders();
    const shipRows = await env.DB.prepare(
      `SELECT s.id, s.order_id, s.status, s.warehouse_id, s.wave_id, s.intercepted_at, t.tracking_number
         FROM shipments s LEFT JOIN shipment_tracking t ON t.shipment_id = s.id
        WHERE s.order_id IN (${q}) OR s.id IN (SELECT shipment_id FROM shipment_items WHERE order_id IN (${q}))`,
    )
      .bind(...this.orderIds, ...this.orderIds)
      .all<Record<string, any>>();
    const ships: Ship[] = shipRows.results
      .map((r) => {
        const isTpl = r.warehouse_id === tpl.id;
        return {
          id: r.id,
          alias: `${this.orderAlias.get(r.order_id)}/${isTpl ? "3pl" : "own"}`,
          status: r.status,
          tpl: isTpl,
          waveId: r.wave_id,
          intercepted: r.status === "intercepted",
          tracking: r.tracking_number,
        };
      })
      .sort((a, b) => a.alias.localeCompare(b.alias));
    const alias = new Map(ships.map((s) => [s.id, s] as const));
    const itemRows = await env.DB.prepare(`SELECT * FROM shipment_items WHERE order_id IN (${q}) ORDER BY order_id, line_no, bin_id`)
      .bind(...this.orderIds)
      .all<Record<string, any>>();
    const items: Item[] = itemRows.results
      .map((r) => ({
        id: r.id,
        alias: `${this.orderAlias.get(r.order_id)}:${r.line_no}`,
        shipmentId: r.shipment_id,
        sku: r.sku,
        reserved: r.reserved_qty,
        picked: r.picked_qty,
        packed: r.packed_qty,
        cancelled: r.cancelled_at !== null,
        waveId: alias.get(r.shipment_id)?.waveId ?? null,
        shipStatus: alias.get(r.shipment_id)?.status ?? "?",
      }))
      .sort((a, b) => a.alias.localeCompare(b.alias));
    const orderRows = await env.DB.prepare(`SELECT id, status, version FROM orders WHERE id IN (${q})`)
      .bind(...this.orderIds)
      .all<Record<string, any>>();
    const orders = new Map(orderRows.results.map((r) => [r.id as string, r.status as string]));
    return { ships, items, orders };
  }

  /** Records every shipment's status for invariant 2, and a line of the trace. */
  async observe(when: string) {
    const snap = await this.snapshot();
    this.last = snap;
    const { ships, orders } = snap;
    for (const s of ships) {
      const h = this.seen.get(s.id) ?? { statuses: [], handedOver: false };
      const last = h.statuses.at(-1);
      if (last !== undefined && last !== s.status && CHECKED.has(2) && !legalStep(last, s.status, h.handedOver)) {
        this.failures.push(`invariant 2: shipment ${s.alias} moved ${last} -> ${s.status} (${when}; seen ${h.statuses.join(" > ")})`);
      }
      if (last !== s.status) h.statuses.push(s.status);
      h.handedOver ||= isHandedOver(s.status) || (s.status === "exception" && h.statuses.some(isHandedOver));
      this.seen.set(s.id, h);
    }
    this.log(
      `   [${when}] orders: ${this.orderIds.map((id) => `${this.orderAlias.get(id)}=${orders.get(id)}`).join(" ")}; shipments: ${ships
        .map((s) => `${s.alias}=${s.status}${s.intercepted ? "(intercepted)" : ""}`)
        .join(" ")}`,
    );
    return snap;
  }

  /** Consumes what is owed (except customer messages), oldest first, until nothing new is owed. */
  async settle(topics: Consumer[] = ["fulfilment", "webhooks", "logistics"]) {
    for (let pass = 0; pass < 6; pass++) {
      const rows = await env.DB.prepare(
        `SELECT id, order_id, topic, type, payload, created_at FROM outbox
          WHERE delivered_at IS NULL AND created_at >= ? AND topic IN (${topics.map(() => "?").join(",")}) ORDER BY created_at, id`,
      )
        .bind(this.startedAt, ...topics)
        .all<Record<string, any>>();
      if (!rows.results.length) return;
      for (const r of rows.results) {
        const message = toMessage({ id: r.id, orderId: r.order_id, topic: r.topic, type: r.type, payload: JSON.parse(r.payload), createdAt: r.created_at });
        try {
          await consumeMessage(env, r.topic as Consumer, message, QUEUE_HANDLERS);
        } catch (err) {
          this.log(`   consumer ${r.topic}:${r.type} threw (pass ${pass}): ${String(err)}`);
          if (pass === 5) this.failures.push(`consumer ${r.topic}:${r.type} keeps failing: ${String(err)}`);
        }
      }
    }
  }

  /** Turns a command into a labelled HTTP call (or another action) against the current state. */
  resolve(cmd: Command, snap: Awaited<ReturnType<Run["snapshot"]>>): { label: string; run: () => Promise<{ status: number; body: any }> } {
    const pick = <T>(list: T[], i: number) => (list.length ? list[i % list.length] : undefined);
    const order = (i: number) => this.orderIds[i % this.orderIds.length]!;
    const own = snap.ships.filter((s) => !s.tpl);
    const prefer = <T>(list: T[], good: (x: T) => boolean) => (list.some(good) ? list.filter(good) : list);
    const none = (label: string) => ({ label: label === "idle" ? label : `${label} (nothing to act on)`, run: async () => ({ status: 0, body: null }) });
    switch (cmd.k) {
      case "idle":
        return none("idle");
      case "transition": {
        const id = order(cmd.order);
        return { label: `${this.orderAlias.get(id)} ${cmd.event}`, run: () => transition(id, cmd.event, cmd.event === "hold" ? { reason: "model check" } : {}) };
      }
      case "wave":
        return { label: "release a wave", run: () => api("/v1/waves", { body: { warehouse_id: this.own, group_by: "carrier", max_shipments: 50 } }) };
      case "pick": {
        const it = pick(
          prefer(
            snap.items.filter((i) => i.waveId),
            (i) => i.reserved > 0,
          ),
          cmd.item,
        );
        if (!it) return none("pick");
        return {
          label: `pick ${it.alias} x${Math.max(it.reserved, 1)}`,
          run: () => api(`/v1/waves/${it.waveId}/picks`, { body: { item_id: it.id, scanned: it.sku, quantity: Math.max(it.reserved, 1) } }),
        };
      }
      case "packScan": {
        const it = pick(
          prefer(
            snap.items.filter((i) => !snap.ships.find((s) => s.id === i.shipmentId)?.tpl),
            (i) => i.picked > i.packed,
          ),
          cmd.item,
        );
        if (!it) return none("pack-scan");
        const ship = snap.ships.find((s) => s.id === it.shipmentId)!;
        return { label: `pack-scan ${it.alias} in ${ship.alias}`, run: () => api(`/v1/shipments/${it.shipmentId}/pack-scans`, { body: { code: it.sku } }) };
      }
      case "pack": {
        const s = pick(
          prefer(own, (x) => x.status === "picking"),
          cmd.ship,
        );
        if (!s) return none("pack");
        return {
          label: `pack ${s.alias}`,
          run: () =>
            api(`/v1/shipments/${s.id}/pack`, {
              body: { packages: [{ length_mm: 300, width_mm: 200, height_mm: 100, weight_grams: 800 }], weight_override_reason: "model check" },
            }),
        };
      }
      case "label": {
        const s = pick(
          prefer(own, (x) => x.status === "packed"),
          cmd.ship,
        );
        if (!s) return none("label");
        return { label: `label ${s.alias}`, run: () => api(`/v1/shipments/${s.id}/label`, { body: {} }) };
      }
      case "handover": {
        const s = pick(
          prefer(own, (x) => x.status === "labelled"),
          cmd.ship,
        );
        if (!s) return none("handover");
        return { label: `handover ${s.alias}`, run: () => api(`/v1/shipments/${s.id}/handover`, { body: {} }) };
      }
      case "intercept": {
        const s = pick(
          prefer(snap.ships, (x) => !x.intercepted && BEFORE_HANDOVER.includes(x.status)),
          cmd.ship,
        );
        if (!s) return none("intercept");
        return { label: `intercept ${s.alias}`, run: () => api(`/v1/shipments/${s.id}/intercept`, { body: { reason: "model check" } }) };
      }
      case "resolve": {
        const s = pick(
          prefer(snap.ships, (x) => x.intercepted),
          cmd.ship,
        );
        if (!s) return none("resolve");
        return { label: `resolve ${s.alias} ${cmd.action}`, run: () => api(`/v1/shipments/${s.id}/interception/resolve`, { body: { action: cmd.action } }) };
      }
      case "voidLabel": {
        const s = pick(
          prefer(own, (x) => x.status === "labelled"),
          cmd.ship,
        );
        if (!s) return none("void label");
        return { label: `void label ${s.alias}`, run: () => api(`/v1/shipments/${s.id}/label`, { method: "DELETE" }) };
      }
      case "track": {
        const s = pick(
          snap.ships.filter((x) => x.tracking && !x.tpl),
          cmd.ship,
        );
        if (!s) return none(`track ${cmd.status}`);
        const at = new Date(Date.now() + 1000 * ++this.trackSeq).toISOString();
        return { label: `tracking ${s.alias} ${cmd.status}`, run: () => this.track(s.tracking!, cmd.status, at) };
      }
      case "tpl": {
        const s = pick(
          snap.ships.filter((x) => x.tpl),
          cmd.ship,
        );
        if (!s) return none(`3pl ${cmd.type}`);
        return { label: `3pl ${cmd.type} ${s.alias}`, run: () => this.tplEvent(s.id, cmd.type) };
      }
      case "afterSales": {
        const id = order(cmd.order);
        const sku = snap.items.find((i) => i.alias.startsWith(`${this.orderAlias.get(id)}:`))?.sku;
        const body = cmd.kind === "claim" ? { kind: "claim", reason: "box arrived damaged" } : { kind: "return", reason: "too small", lines: [{ sku, quantity: 1 }] };
        return { label: `${this.orderAlias.get(id)} after-sales ${cmd.kind}`, run: () => api(`/v1/orders/${id}/after-sales`, { body }) };
      }
      case "alarm": {
        const id = order(cmd.order);
        return { label: `${this.orderAlias.get(id)} completion alarm`, run: () => this.fireCompletion(id) };
      }
    }
  }

  /** A tracking update through the real EasyPost endpoint (signed), then the logistics queue's work. */
  async track(trackingNumber: string, status: string, at: string) {
    const body = new TextEncoder().encode(
      JSON.stringify({
        id: `evt_${crypto.randomUUID().replace(/-/g, "")}`,
        description: "tracker.updated",
        result: { tracking_code: trackingNumber, carrier: "sandbox", status, status_detail: null, updated_at: at, tracking_details: [{ message: status, datetime: at }] },
      }),
    );
    const res = await exports.default.fetch("http://oms.test/webhooks/tracking/easypost", {
      method: "POST",
      headers: { "content-type": "application/json", ...(await sign.easypost(body)) },
      body,
    });
    const json = (await res.json()) as any;
    await this.settle(["logistics"]);
    return { status: res.status, body: json };
  }

  /** A 3PL's event through its signed webhook. */
  async tplEvent(shipmentId: string, type: string) {
    const data =
      type === "shipment.shipped"
        ? { shipment_id: shipmentId, packages: [{ tracking_number: `1Z${unique("T").replace(/[^A-Za-z0-9]/g, "")}`, carrier: "ups", weight_grams: 500 }] }
        : type === "dispatch.rejected"
          ? { shipment_id: shipmentId, reason: "no capacity" }
          : { shipment_id: shipmentId };
    const body = JSON.stringify({ type, data });
    const headers = { "content-type": "application/json", ...(await signedHeaders(tpl.webhook_secret!, unique("evt"), body)) };
    const res = await exports.default.fetch(`http://oms.test/webhooks/3pl/${tpl.id}`, { method: "POST", headers, body });
    return { status: res.status, body: (await res.json()) as any };
  }

  /** The order object's completion timer, as if its window had passed (only when the timer is set). */
  async fireCompletion(orderId: string) {
    const stub = env.ORDER.get(env.ORDER.idFromName(orderId));
    const armed = await runInDurableObject(stub, async (_i, state) => {
      if ((await state.storage.get("completeAt")) === undefined) return false;
      await state.storage.put("completeAt", Date.now() - 1);
      await state.storage.setAlarm(Date.now());
      return true;
    });
    const ran = await runDurableObjectAlarm(stub);
    return { status: 200, body: { armed, ran } };
  }

  async round(n: number, cmds: Command[]) {
    const calls = cmds.map((c) => this.resolve(c, this.last));
    const answers = await Promise.all(
      calls.map((c) =>
        c.run().then(
          (r) => r,
          (err) => ({ status: -1, body: { thrown: String(err?.stack ?? err) } }),
        ),
      ),
    );
    this.log(`round ${n}:`);
    for (const [i, c] of calls.entries()) {
      const a = answers[i]!;
      const b = a.body;
      const what = b && typeof b === "object" ? (b.code ?? b.status ?? (b.received ? `received${b.duplicate ? " duplicate" : ""}` : "")) : "";
      this.log(`   ${c.label} -> ${a.status} ${typeof what === "string" ? what : JSON.stringify(what)}`);
      if (a.status >= 500 || a.status === -1) this.failures.push(`${c.label} answered ${a.status}: ${JSON.stringify(b).slice(0, 600)}`);
    }
    await this.observe(`after round ${n}`);
    if (IMMEDIATE) await this.checkAlways(`after round ${n}, before the queues`);
    await this.settle();
    await this.observe(`round ${n} settled`);
  }

  /** Invariants 1 and 5: must hold at every moment, not only once the queues are drained. */
  async checkAlways(when: string) {
    const q = this.inOrders();
    if (CHECKED.has(1)) {
      const rows = await env.DB.prepare(
        `SELECT DISTINCT o.id AS order_id, o.status AS order_status, s.id AS shipment_id, s.status
           FROM orders o JOIN shipment_items si ON si.order_id = o.id AND si.cancelled_at IS NULL
           JOIN shipments s ON s.id = si.shipment_id
          WHERE o.id IN (${q}) AND o.status IN ('completed','cancelled')
            AND s.status IN ('pending','picking','packed','labelled') AND s.intercepted_at IS NULL`,
      )
        .bind(...this.orderIds)
        .all<Record<string, any>>();
      for (const r of rows.results) {
        const alias = this.last?.ships.find((s) => s.id === r.shipment_id)?.alias ?? r.shipment_id;
        this.failures.push(`invariant 1 (${when}): ${this.orderAlias.get(r.order_id)} is ${r.order_status} but its shipment ${alias} is ${r.status}, not intercepted`);
      }
    }
    if (CHECKED.has(5)) {
      const rows = await env.DB.prepare(
        `SELECT DISTINCT o.id AS order_id, o.status AS order_status, s.id AS shipment_id, s.status, s.shipped_at
           FROM orders o JOIN shipment_items si ON si.order_id = o.id AND si.cancelled_at IS NULL
           JOIN shipments s ON s.id = si.shipment_id AND s.status NOT IN ('cancelled','merged')
          WHERE o.id IN (${q}) AND o.requires_shipping = 1
            AND ((o.status = 'shipped' AND NOT (s.status IN ${HANDED_OVER_SQL} AND s.shipped_at IS NOT NULL))
              OR (o.status IN ('delivered','completed') AND s.status <> 'delivered'))`,
      )
        .bind(...this.orderIds)
        .all<Record<string, any>>();
      for (const r of rows.results) {
        const alias = this.last?.ships.find((s) => s.id === r.shipment_id)?.alias ?? r.shipment_id;
        this.failures.push(
          `invariant 5 (${when}): ${this.orderAlias.get(r.order_id)} is ${r.order_status} but its shipment ${alias} is ${r.status}${r.shipped_at === null ? " (never handed over)" : ""}`,
        );
      }
    }
  }

  /** Everything, on the settled state at the end of the schedule. */
  async checkAll() {
    await this.checkAlways("settled, end of schedule");
    if (CHECKED.has(3)) {
      for (const wh of this.warehouseIds) {
        const r = await api(`/v1/warehouses/${wh}/stock-check`);
        if (r.status !== 200 || r.body.ok !== true)
          this.failures.push(`invariant 3: stock-check of ${wh === tpl.id ? "the 3PL" : "own"} warehouse: ${r.status} ${JSON.stringify(r.body).slice(0, 800)}`);
      }
      const neg = await env.DB.prepare(
        `SELECT bin_id, sku, on_hand, reserved FROM stock_levels WHERE warehouse_id IN (?, ?) AND (on_hand < 0 OR reserved < 0 OR reserved > on_hand)`,
      )
        .bind(...this.warehouseIds)
        .all();
      for (const r of neg.results) this.failures.push(`invariant 3: stock level out of bounds ${JSON.stringify(r)}`);
    }
    if (CHECKED.has(4)) {
      const rows = await env.DB.prepare(
        `SELECT o.id, o.version, COUNT(e.seq) AS n, COUNT(DISTINCT e.seq) AS d, MIN(e.seq) AS lo, MAX(e.seq) AS hi
           FROM orders o LEFT JOIN order_events e ON e.order_id = o.id WHERE o.id IN (${this.inOrders()}) GROUP BY o.id, o.version`,
      )
        .bind(...this.orderIds)
        .all<Record<string, any>>();
      for (const r of rows.results) {
        if (r.n !== r.version || r.d !== r.version || r.lo !== 1 || r.hi !== r.version) {
          this.failures.push(`invariant 4: ${this.orderAlias.get(r.id)} has version ${r.version} but events seq ${r.lo}..${r.hi} (${r.n} rows, ${r.d} distinct)`);
        }
      }
    }
  }

  fail() {
    if (this.failures.length) {
      throw new Error(`${[...new Set(this.failures)].join("\n")}\n\nschedule, with the answers:\n${this.trace.join("\n")}`);
    }
  }
}

describe("the order model", () => {
  it(
    `random concurrent schedules keep invariants ${[...CHECKED].sort().join(", ")} (${RUNS} schedules)`,
    async () => {
      const started = Date.now();
      let runs = 0;
      const T = { setup: 0, rounds: 0, end: 0 };
      await fc.assert(
        fc.asyncProperty(scheduleArb, async (schedule) => {
          runs++;
          const run = new Run(schedule);
          let t = Date.now();
          await run.setup();
          T.setup += Date.now() - t;
          t = Date.now();
          for (const [i, cmds] of schedule.rounds.entries()) {
            await run.round(i + 1, cmds);
            if (run.failures.some((f) => !f.startsWith("invariant"))) break; // a 5xx: stop here, the trace says why
          }
          T.rounds += Date.now() - t;
          t = Date.now();
          await run.settle();
          await run.observe("end, settled");
          await run.checkAll();
          T.end += Date.now() - t;
          if (runs % 250 === 0) console.log(`order model: ${runs} schedules, ${Date.now() - started} ms (setup ${T.setup}, rounds ${T.rounds}, end checks ${T.end})`);
          if (TRACE) console.log(run.trace.join("\n"));
          run.fail();
        }),
        { numRuns: RUNS, seed: SEED, ...(PATH ? { path: PATH } : {}), endOnFailure: false },
      );
      console.log(`order model: ${runs} schedules in ${((Date.now() - started) / 1000).toFixed(1)} s (seed ${SEED})`);
    },
    RUNS * 3_000 + 120_000,
  );
});
