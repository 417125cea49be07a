/**
 * Stage 2 end to end: every new order is audited from the queue, good orders
 * are approved with no human, problem orders are held with reasons, auditors
 * work the review queue, and every decision is on the record.
 */
import { runInDurableObject } from "cloudflare:test";
import { and, eq } from "drizzle-orm";
import { env } from "./shard-env";
import { dbOf, envOf } from "./shard-helpers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { consumeMessage } from "../src/outbox/consume";
import { QUEUE_HANDLERS } from "../src/index";
import { auditOrder } from "../src/audit/audit-stage";
import { database } from "../src/db/client";
import { orderKeys } from "../src/db/order-keys";
import { blindIndex } from "../src/lib/pii-crypto";
import { orderLines, orders, outbox } from "../src/db/schema";
import { api, createKey, createProduct, createStore, orderBody, transition, unique } from "./helpers";

let store: { id: string };
let auditor: string;

const paid = (over: Record<string, unknown> = {}) =>
  orderBody(store.id, {
    payment_status: "paid",
    customer: { name: "Ada Lovelace", email: `${unique("ada")}@example.com` },
    lines: [{ sku: "TEA-1", quantity: 2, unit_price: "12.50" }],
    ...over,
  });

async function createAndWait(body: unknown, until: (o: any) => boolean) {
  const created = await api("/v1/orders", { body });
  expect(created.status).toBe(201);
  let order: any;
  await vi.waitFor(
    async () => {
      order = (await api(`/v1/orders/${created.body.id}`)).body;
      expect(until(order), `order is ${order.status}`).toBe(true);
    },
    { timeout: 10_000, interval: 50 },
  );
  return order;
}

const events = async (id: string) => (await api(`/v1/orders/${id}/events`)).body.data as any[];

beforeAll(async () => {
  store = await createStore(unique("audited"), "USD", { autoAudit: true });
  await createProduct(store.id, "TEA-1", { price: "12.50" });
  auditor = await createKey("auditor", [store.id]);
});

describe("automatic audit", () => {
  it("approves a good order with no human, and records why", async () => {
    const order = await createAndWait(paid(), (o) => o.status !== "received");
    expect(order.status).toBe("approved");
    const log = await events(order.id);
    expect(log.map((e) => [e.type, e.actor])).toEqual([
      ["received", "bootstrap"],
      ["approve", "system:audit"],
    ]);
    expect(log[1].data).toMatchObject({ outcome: "approve", trigger: "intake", rule_set_version: 0, codes: [] });
    const audits = await api(`/v1/orders/${order.id}/audits`);
    expect(audits.body.data).toMatchObject([{ outcome: "approve", trigger: "intake", order_version: 1, rule_set_version: 0, findings: [] }]);
  });

  it("holds an order with a bad postcode, listing the reason for the review queue and the customer", async () => {
    const order = await createAndWait(
      paid({ shipping_address: { name: "Ada", line1: "1 Market St", city: "San Francisco", region: "CA", postal_code: "9410", country: "US" } }),
      (o) => o.status !== "received",
    );
    expect(order).toMatchObject({ status: "on_hold", status_reason: expect.stringContaining("not a US postal code") });
    const queue = await api(`/v1/review-queue?store_id=${store.id}&reason=postal_code_invalid&limit=200`, { key: auditor });
    const item = queue.body.data.find((i: any) => i.order.id === order.id);
    expect(item.reasons).toEqual([{ code: "postal_code_invalid", message: expect.stringContaining("9410") }]);
    expect(item.held_for_ms).toBeGreaterThanOrEqual(0);
    const other = await api(`/v1/review-queue?store_id=${store.id}&reason=buyer_note`, { key: auditor });
    expect(other.body.data.find((i: any) => i.order.id === order.id)).toBeUndefined();
  });

  it("lets an unpaid order wait, then approves it when the payment arrives", async () => {
    const order = await createAndWait(paid({ payment_status: "unpaid" }), (o) => o.version > 1);
    expect(order.status).toBe("received");
    expect((await events(order.id)).at(-1)).toMatchObject({ type: "audit", to_status: "received", data: { outcome: "wait", codes: ["awaiting_payment"] } });
    const channel = await createKey("channel", [store.id]);
    const r = await api(`/v1/orders/${order.id}/payment`, { body: { payment_status: "paid" }, key: channel });
    expect(r.status).toBe(200);
    expect(r.body.order).toMatchObject({ status: "approved", payment_status: "paid" });
    expect(r.body.audit).toMatchObject({ outcome: "approve" });
    expect((await events(order.id)).map((e) => e.type).slice(-2)).toEqual(["payment_updated", "approve"]);
  });

  it("rejects a blocked customer", async () => {
    const email = `${unique("fraud")}@example.com`;
    const blocked = await api(`/v1/stores/${store.id}/blocklist`, { body: { kind: "email", email: email.toUpperCase(), note: "chargebacks" }, key: auditor });
    expect(blocked.status).toBe(201);
    expect(blocked.body.value).toBe(email);
    const order = await createAndWait(paid({ customer: { name: "Mallory", email } }), (o) => o.status !== "received");
    expect(order).toMatchObject({ status: "cancelled", status_reason: "The customer's email is blocked" });
  });

  it("rejects an order to a blocked address however its postcode is typed, and an entry stored before postcodes were compacted still matches its own spelling", async () => {
    // Letters and digits only in the street's unique part, so its folded form is plain to write down here.
    const street = `7 Fraud Lane ${unique("x").replaceAll("-", "")}`;
    const to = (line1: string, postal_code: string) => ({ shipping_address: { name: "Eve", line1, city: "Leeds", postal_code, country: "GB" } });
    const blocked = await api(`/v1/stores/${store.id}/blocklist`, { body: { kind: "address", address: { line1: street, postal_code: "LS1 4AP", country: "GB" } }, key: auditor });
    expect(blocked.status).toBe(201);
    expect(blocked.body.value).toBe(`${street.toLowerCase()}|ls14ap|gb`);
    for (const [line1, postal] of [
      [street.toUpperCase(), "ls14ap"],
      [`${street}.`, "LS1  4AP"],
    ]) {
      const order = await createAndWait(paid({ customer: { name: "Eve", email: `${unique("eve")}@example.com` }, ...to(line1!, postal!) }), (o) => o.status !== "received");
      expect(order).toMatchObject({ status: "cancelled", status_reason: "The customer's address is blocked" });
    }
    expect((await createAndWait(paid({ customer: { name: "Eve", email: `${unique("eve")}@example.com` }, ...to(street, "LS1 4AQ") }), (o) => o.status !== "received")).status).toBe(
      "approved",
    );

    // An entry from before: its value and index in the old form, the space inside the postcode kept.
    const old = `9 old road ${unique("y").replaceAll("-", "")}`;
    const value = `${old}|ls2 7hy|gb`;
    const db = await dbOf({ store: store.id });
    await db
      .prepare("INSERT INTO blocklist_entries (id, store_id, kind, value, value_index, note, created_by, created_at) VALUES (?, ?, 'address', ?, ?, NULL, 'test', ?)")
      .bind(`blk_${unique("legacy")}`, store.id, value, blindIndex("address", store.id, value), Date.now())
      .run();
    const same = await createAndWait(paid({ customer: { name: "Eve", email: `${unique("eve")}@example.com` }, ...to(old, "LS2 7HY") }), (o) => o.status !== "received");
    expect(same).toMatchObject({ status: "cancelled", status_reason: "The customer's address is blocked" });
  });

  it("holds a second identical order from the same customer as a possible duplicate", async () => {
    const customer = { name: "Grace", email: `${unique("grace")}@example.com` };
    const first = await createAndWait(paid({ customer }), (o) => o.status !== "received");
    expect(first.status).toBe("approved");
    const second = await createAndWait(paid({ customer }), (o) => o.status !== "received");
    expect(second).toMatchObject({ status: "on_hold", status_reason: `Same customer and items as ${first.id}` });
  });

  it("does not audit new orders of a store that decides by hand, and a redelivered message changes nothing", async () => {
    const manual = await createStore(unique("manual"));
    const created = await api("/v1/orders", { body: orderBody(manual.id, { payment_status: "paid" }) });
    const db = await dbOf({ id: created.body.id });
    const outboxId = (await db.prepare("SELECT id FROM outbox WHERE order_id = ?").bind(created.body.id).first<{ id: string }>())!.id;
    await vi.waitFor(
      async () => {
        const row = await db.prepare("SELECT delivered_at FROM outbox WHERE id = ?").bind(outboxId).first<{ delivered_at: number | null }>();
        expect(row!.delivered_at).not.toBeNull();
      },
      { timeout: 10_000, interval: 50 },
    );
    expect((await events(created.body.id)).map((e) => e.type)).toEqual(["received"]);

    const auto = await createAndWait(paid(), (o) => o.status === "approved");
    const message = { id: `obx_redelivered_${auto.id}`, type: "order.received", order_id: auto.id, payload: {}, created_at: Date.now() };
    expect(await consumeMessage(await envOf({ id: auto.id }), "fulfilment", message, QUEUE_HANDLERS)).toBe("done");
    expect((await events(auto.id)).length).toBe(2);
  });
});

describe("auditors", () => {
  it("edit a held order's address; the audit runs again at once and approves it", async () => {
    const held = await createAndWait(
      paid({ shipping_address: { name: "Ada", line1: "1 Market St", city: "SF", postal_code: "94105", country: "US" } }),
      (o) => o.status === "on_hold",
    );
    expect(held.status_reason).toContain("state, province or prefecture");
    const r = await api(`/v1/orders/${held.id}`, {
      method: "PATCH",
      key: auditor,
      headers: { "if-match": `"${held.version}"` },
      body: { shipping_address: { name: "Ada", line1: "1 Market St", city: "SF", region: "CA", postal_code: "94105", country: "US" }, reason: "called the customer" },
    });
    expect(r.status).toBe(200);
    expect(r.body.audit).toMatchObject({ outcome: "approve", findings: [] });
    expect(r.body.order).toMatchObject({ status: "approved", shipping_address: { region: "CA" }, status_reason: null });
    const log = await events(held.id);
    expect(log.slice(-2).map((e) => [e.type, e.actor, e.reason])).toEqual([
      ["edited", expect.stringMatching(/^key_/), "called the customer"],
      ["approve", "system:audit", null],
    ]);
    const queue = await api(`/v1/review-queue?store_id=${store.id}&limit=200`, { key: auditor });
    expect(queue.body.data.find((i: any) => i.order.id === held.id)).toBeUndefined();
  });

  it("edit lines: totals are recomputed and the order is audited again", async () => {
    const held = await createAndWait(paid({ note: "please call first" }), (o) => o.status === "on_hold");
    const r = await api(`/v1/orders/${held.id}`, {
      method: "PATCH",
      key: auditor,
      body: { lines: [{ sku: "TEA-1", quantity: 3, unit_price: "12.50" }], shipping_amount: "5.00", note: null },
    });
    expect(r.status).toBe(200);
    expect(r.body.order).toMatchObject({ status: "approved", subtotal_amount: "37.50", shipping_amount: "5.00", total_amount: "42.50", note: null });
    const full = await api(`/v1/orders/${held.id}`);
    expect(full.body.lines).toMatchObject([{ sku: "TEA-1", quantity: 3, total_amount: "37.50", name: "Product TEA-1" }]);
  });

  it("approve a held order by hand; the decision records how long it waited", async () => {
    const held = await createAndWait(paid({ note: "leave with the neighbour" }), (o) => o.status === "on_hold");
    const r = await transition(held.id, "approve", { key: auditor });
    expect(r.status).toBe(200);
    const decision = (await events(held.id)).at(-1);
    expect(decision).toMatchObject({ type: "approve", actor: expect.stringMatching(/^key_/) });
    expect(decision.data.held_ms).toBeGreaterThanOrEqual(0);
  });

  it("two auditors on one held order: one decision applies, the other gets a 409 or 412", async () => {
    const held = await createAndWait(paid({ note: "two auditors" }), (o) => o.status === "on_hold");
    const second = await createKey("auditor", [store.id]);
    const [a, b] = await Promise.all([
      transition(held.id, "approve", { key: auditor, ifMatch: `"${held.version}"` }),
      transition(held.id, "reject", { key: second, ifMatch: `"${held.version}"`, reason: "fraud" }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 412]);
    expect((await events(held.id)).length).toBe(held.version + 1);
  });

  it("an auditor's approval races an address edit: exactly one applies", async () => {
    const held = await createAndWait(
      paid({ shipping_address: { name: "A", line1: "1 Rd", city: "SF", region: "CA", postal_code: "941", country: "US" } }),
      (o) => o.status === "on_hold",
    );
    const [decision, edit] = await Promise.all([
      transition(held.id, "approve", { key: auditor, ifMatch: `"${held.version}"` }),
      api(`/v1/orders/${held.id}`, {
        method: "PATCH",
        key: auditor,
        headers: { "if-match": `"${held.version}"` },
        body: { shipping_address: { name: "A", line1: "1 Rd", city: "SF", region: "CA", postal_code: "94105", country: "US" } },
      }),
    ]);
    expect([decision.status, edit.status].sort()).toEqual([200, 412]);
    const log = await events(held.id);
    const applied = decision.status === 200 ? "approve" : "edited";
    expect(log.filter((e) => e.seq > held.version)[0].type).toBe(applied);
  });

  it("re-run the audit by hand; an approved order is not audited again", async () => {
    const held = await createAndWait(paid({ note: "x" }), (o) => o.status === "on_hold");
    await api(`/v1/stores/${store.id}/audit-rules`, {
      method: "PUT",
      body: {
        rules: (await api(`/v1/stores/${store.id}/audit-rules`)).body.rules.map((r: any) => ({ ...r, description: undefined, ...(r.kind === "note" ? { severity: "info" } : {}) })),
      },
    });
    const rerun = await api(`/v1/orders/${held.id}/audit`, { method: "POST", key: auditor });
    expect(rerun.status).toBe(200);
    expect(rerun.body).toMatchObject({ order: { status: "approved" }, audit: { outcome: "approve", findings: [{ code: "buyer_note", severity: "info" }] } });
    const again = await api(`/v1/orders/${held.id}/audit`, { method: "POST", key: auditor });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("not_auditable");
    await api(`/v1/stores/${store.id}/audit-rules`, { method: "PUT", body: { rules: [] } });
    await api(`/v1/stores/${store.id}/audit-rules`, { method: "PUT", body: { rules: (await import("../src/audit/rule-set")).DEFAULT_RULES } });
  });

  it("edits are refused once the order is on its way, and a customer cannot edit through the staff API", async () => {
    const s = await createStore();
    const o = (await api("/v1/orders", { body: orderBody(s.id) })).body;
    await transition(o.id, "approve");
    await transition(o.id, "process");
    const r = await api(`/v1/orders/${o.id}`, { method: "PATCH", body: { note: "too late" } });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ code: "not_editable", order_status: "processing" });
    // Processed by hand, it has no parcel in fulfilment to stop: its address may still be corrected (with parcels, see edit-reaudit).
    expect((await api(`/v1/orders/${o.id}`, { method: "PATCH", body: { shipping_address: { ...orderBody(s.id).shipping_address, city: "Paris" } } })).status).toBe(200);
    await transition(o.id, "fulfil_externally");
    expect((await api(`/v1/orders/${o.id}`, { method: "PATCH", body: { shipping_address: { ...orderBody(s.id).shipping_address, city: "Lyon" } } })).status).toBe(409);
    expect((await api(`/v1/orders/${o.id}`, { method: "PATCH", body: {} })).status).toBe(422);
    expect((await api(`/v1/orders/${o.id}`, { method: "PATCH", body: { lines: [] } })).status).toBe(422);
  });
});

describe("two-level review", () => {
  it("an approval above the store's threshold takes a customer-service check, then a finance check by someone else", async () => {
    const s = await createStore(unique("two-level"), "USD", { autoAudit: true });
    await createProduct(s.id, "TEA-1", { price: "12.50" });
    const on = await api(`/v1/stores/${s.id}`, { method: "PATCH", body: { finance_review: { thresholds: { USD: "100.00" } } } });
    expect(on.body.finance_review).toEqual({ thresholds: { USD: "100.00" } });
    expect((await api(`/v1/stores/${s.id}`, { method: "PATCH", body: { finance_review: { thresholds: { USD: "1.001" } } } })).status).toBe(422);
    const cs = await createKey("auditor", [s.id]);
    const finance = await createKey("admin", [s.id]);

    const created = await api("/v1/orders", {
      body: orderBody(s.id, {
        payment_status: "paid",
        note: "big order",
        customer: { name: "Big", email: `${unique("big")}@example.com` },
        lines: [{ sku: "TEA-1", quantity: 10, unit_price: "12.50" }],
      }),
    });
    let held: any;
    await vi.waitFor(
      async () => {
        held = (await api(`/v1/orders/${created.body.id}`)).body;
        expect(held.status).toBe("on_hold");
      },
      { timeout: 10_000, interval: 50 },
    );

    const first = await transition(held.id, "approve", { key: cs });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: "on_hold", status_reason: "Waiting for the finance check" });
    const queue = await api(`/v1/review-queue?reason=finance_review&store_id=${s.id}`, { key: cs });
    expect(queue.body.data.map((i: any) => i.order.id)).toEqual([held.id]);

    const again = await transition(held.id, "approve", { key: cs });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe("finance_check_required");
    // The object forgets what it cached (as when it is evicted): the pending finance check is read back with the order.
    const stub: DurableObjectStub = env.ORDER.get(env.ORDER.idFromName(held.id));
    await runInDurableObject(stub, (instance: object) => {
      Reflect.set(instance, "snapshot", null);
    });
    expect((await transition(held.id, "approve", { key: cs })).body.code).toBe("finance_check_required");
    const done = await transition(held.id, "approve", { key: finance });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe("approved");
    const log = (await events(held.id)).slice(-2);
    expect(log.map((e) => [e.type, e.data?.level ?? null])).toEqual([
      ["review_passed", "customer_service"],
      ["approve", null],
    ]);

    // Under the threshold, one approval is enough.
    const small = await api("/v1/orders", {
      body: orderBody(s.id, {
        payment_status: "paid",
        note: "small",
        customer: { name: "S", email: `${unique("s")}@example.com` },
        lines: [{ sku: "TEA-1", quantity: 1, unit_price: "12.50" }],
      }),
    });
    await vi.waitFor(async () => expect((await api(`/v1/orders/${small.body.id}`)).body.status).toBe("on_hold"), { timeout: 10_000, interval: 50 });
    expect((await transition(small.body.id, "approve", { key: cs })).body.status).toBe("approved");
  });
});

describe("rules as data", () => {
  it("a store's rules are versioned, validated, and recorded on each audit", async () => {
    const s = await createStore(unique("rules"), "USD", { autoAudit: true });
    await createProduct(s.id, "TEA-1", { price: "12.50" });
    const defaults = await api(`/v1/stores/${s.id}/audit-rules`, { key: auditor });
    expect(defaults.status).toBe(404); // the auditor's key is for another store
    const mine = await api(`/v1/stores/${s.id}/audit-rules`);
    expect(mine.body).toMatchObject({ version: 0, kinds: expect.arrayContaining(["address", "price", "stock"]) });

    const bad = await api(`/v1/stores/${s.id}/audit-rules`, { method: "PUT", body: { rules: [{ kind: "price", params: { tolerance_percent: 500 } }] } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors[0].field).toBe("rules.0.params.tolerance_percent");
    expect((await api(`/v1/stores/${s.id}/audit-rules`)).body.version).toBe(0);

    const put = await api(`/v1/stores/${s.id}/audit-rules`, { method: "PUT", body: { rules: [{ kind: "price", params: { tolerance_percent: 10 } }, { kind: "address" }] } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ version: 1, rules: [{ kind: "price", enabled: true, severity: "hold", params: { tolerance_percent: 10 } }, { kind: "address" }] });
    const again = await api(`/v1/stores/${s.id}/audit-rules`, { method: "PUT", body: { rules: [{ kind: "price", params: { tolerance_percent: 5 } }] } });
    expect(again.body.version).toBe(2);

    const created = await api("/v1/orders", { body: orderBody(s.id, { lines: [{ sku: "TEA-1", quantity: 1, unit_price: "13.00" }] }) });
    await vi.waitFor(async () => expect((await api(`/v1/orders/${created.body.id}`)).body.status).toBe("approved"), { timeout: 10_000, interval: 50 });
    const audits = await api(`/v1/orders/${created.body.id}/audits`);
    expect(audits.body.data[0]).toMatchObject({ rule_set_version: 2, outcome: "approve" });
  });

  it("a rule kind named like a property every object has (constructor, __proto__, toString) is an unknown kind, not a 500", async () => {
    const s = await createStore();
    for (const kind of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
      const r = await api(`/v1/stores/${s.id}/audit-rules`, { method: "PUT", body: { rules: [{ kind }] } });
      expect(r.status, kind).toBe(422);
      expect(r.headers.get("content-type")).toBe("application/problem+json");
      expect(r.body.errors[0]).toMatchObject({ field: "rules.0.kind" });
    }
    expect((await api(`/v1/stores/${s.id}/audit-rules`)).body.version).toBe(0);
    const o = await api("/v1/orders", { body: orderBody(s.id) });
    const dry = await api("/v1/audit/dry-run", { body: { order_id: o.body.id, rules: [{ kind: "constructor" }] } });
    expect(dry.status).toBe(422);
  });

  it("the dry run explains without changing anything, also for proposed rules", async () => {
    const o = await createAndWait(paid({ note: "gift" }), (x) => x.status === "on_hold");
    const before = await events(o.id);
    const r = await api("/v1/audit/dry-run", { body: { order_id: o.id }, key: auditor });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ outcome: "hold", rule_set_version: expect.any(Number), findings: [{ rule: "note", code: "buyer_note", severity: "hold" }] });
    const proposed = await api("/v1/audit/dry-run", { body: { order_id: o.id, rules: [{ kind: "note", severity: "info" }] }, key: auditor });
    expect(proposed.body).toMatchObject({ outcome: "approve", rule_set_version: null });
    const payload = await api("/v1/audit/dry-run", {
      body: { order: paid({ payment_status: "unpaid", lines: [{ sku: "NOPE", quantity: 1, unit_price: "1.00" }] }) },
      key: auditor,
    });
    expect(payload.body.outcome).toBe("hold");
    expect(payload.body.findings.map((f: any) => f.code).sort()).toEqual(["awaiting_payment", "sku_unknown"]);
    expect(await events(o.id)).toEqual(before);
    expect((await api("/v1/audit/dry-run", { body: {}, key: auditor })).status).toBe(422);
    expect((await api("/v1/audit/dry-run", { body: { order_id: o.id, rules: [{ kind: "tarot" }] }, key: auditor })).status).toBe(422);
  });

  it("the blocklist: add, list, refuse duplicates and bad entries, remove", async () => {
    const s = await createStore();
    const add = await api(`/v1/stores/${s.id}/blocklist`, { body: { kind: "phone", phone: "+1 (415) 555-0199" } });
    expect(add.body).toMatchObject({ kind: "phone", value: "+14155550199" });
    expect((await api(`/v1/stores/${s.id}/blocklist`, { body: { kind: "phone", phone: "+1 415 555 0199" } })).status).toBe(409);
    expect((await api(`/v1/stores/${s.id}/blocklist`, { body: { kind: "email" } })).status).toBe(422);
    expect((await api(`/v1/stores/${s.id}/blocklist`, { body: { kind: "address", address: { line1: "1 Rd" } } })).status).toBe(422);
    const list = await api(`/v1/stores/${s.id}/blocklist`);
    expect(list.body.data.map((e: any) => e.id)).toEqual([add.body.id]);
    expect((await api(`/v1/stores/${s.id}/blocklist/${add.body.id}`, { method: "DELETE" })).status).toBe(200);
    expect((await api(`/v1/stores/${s.id}/blocklist/${add.body.id}`, { method: "DELETE" })).status).toBe(404);
    expect((await api(`/v1/stores/st_nope/blocklist`)).status).toBe(404);
  });
});

describe("the audit's facts, read with the order", () => {
  const ordersRow = async (id: string) => {
    const db = database(await envOf({ id }));
    const order = (await db.select().from(orders).where(eq(orders.id, id)).get())!;
    const lines = await db.select().from(orderLines).where(eq(orderLines.orderId, id)).all();
    return { order, lines };
  };

  it("intake sends the order's keys: the same as read back from its sealed row, its stored indexes among them, and no PII", async () => {
    const local = unique("Kim.Keys");
    const created = await api("/v1/orders", {
      body: paid({
        customer: { name: "Kim Keys", email: `${local}@Example.com`, phone: "+1 (415) 555-0123" },
        shipping_address: { name: "Kim Keys", line1: "1 Market Street", city: "San Francisco", region: "CA", postal_code: "94105", country: "US" },
        lines: [
          { sku: "TEA-1", quantity: 1, unit_price: "12.50" },
          { sku: "TEA-1", quantity: 2, unit_price: "12.50" },
        ],
      }),
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const message = await database(await envOf({ id }))
      .select({ payload: outbox.payload })
      .from(outbox)
      .where(and(eq(outbox.orderId, id), eq(outbox.type, "order.received")))
      .get();
    const { order, lines } = await ordersRow(id);
    const keys = message!.payload.audit_keys;
    expect(keys).toEqual(orderKeys({ order, lines }));
    expect(keys).toMatchObject({ store_id: store.id, skus: ["TEA-1"], since: order.createdAt - 30 * 86_400_000, email: order.customerEmailIndex, phone: order.customerPhoneIndex });
    expect((keys as { phone_keys: string[] }).phone_keys).toContain(order.customerPhoneIndex);
    const sent = JSON.stringify(message!.payload).toLowerCase();
    for (const plain of [local.toLowerCase(), "5550123", "market street", "94105"]) expect(sent).not.toContain(plain);
  });

  it("an audit uses keys only with the version they were computed at: other versions are skipped, and without one the order's own facts count", async () => {
    const manual = await createStore(unique("keys"));
    await createProduct(manual.id, "TEA-1", { price: "12.50" });
    const blocked = `${unique("blocked")}@example.com`;
    expect((await api(`/v1/stores/${manual.id}/blocklist`, { body: { kind: "email", email: blocked } })).status).toBe(201);
    const newOrder = async () => {
      const body = orderBody(manual.id, {
        payment_status: "paid",
        customer: { name: "Kim", email: `${unique("kim")}@example.com` },
        lines: [{ sku: "TEA-1", quantity: 1, unit_price: "12.50" }],
      });
      const id = (await api("/v1/orders", { body })).body.id as string;
      const { order, lines } = await ordersRow(id);
      // The keys of another customer, a blocked one: which facts the audit reads shows in its outcome.
      return { id, env: await envOf({ id }), keys: orderKeys({ order: { ...order, customerEmail: blocked }, lines }) };
    };
    const cmd = { trigger: "manual", actor: "system:audit", stores: "*" as const };

    const a = await newOrder();
    expect(await auditOrder(a.env, { ...cmd, orderId: a.id, atVersion: 2, keys: a.keys })).toMatchObject({ ok: false, code: "skipped" });
    // Read with the order at the version they describe, the facts are the keys' (the blocked customer's).
    expect(await auditOrder(a.env, { ...cmd, orderId: a.id, atVersion: 1, keys: a.keys })).toMatchObject({ ok: true, order: { status: "cancelled", version: 2 } });

    const b = await newOrder();
    // Nothing to check them against: the object gathers the order's own facts, and its own customer is not blocked.
    expect(await auditOrder(b.env, { ...cmd, orderId: b.id, atVersion: null, keys: b.keys })).toMatchObject({ ok: true, order: { status: "approved", version: 2 } });
  });
});
