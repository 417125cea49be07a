/**
 * The admin's settings in the console: stores, audit rules (with the dry
 * run of unsaved rules and the blocklist), routing, carriers, SLAs,
 * warehouses, channel connections and webhooks. Each change is checked
 * through the API; each refusal leaves nothing written.
 */
import { describe, expect, it } from "vitest";
import { flashOf, openPage, postForm, signedIn, textOf } from "./console-helpers";
import { api, createOrder, createStore } from "./helpers";

const admin = () => signedIn(["admin"]);

/** The rules form as the page draws it: every kind, with its inputs, as the browser would post them. */
function rulesForm(overrides: Record<string, string | string[]> = {}) {
  const kinds = ["address", "sku", "price", "totals", "quantity", "duplicate", "blocklist", "amount", "note", "payment", "stock"];
  const fields: Record<string, string | string[]> = { kind: kinds };
  for (const k of kinds) {
    fields[`${k}.enabled`] = "on";
    fields[`${k}.severity`] = k === "blocklist" ? "reject" : k === "payment" ? "wait" : "hold";
  }
  Object.assign(fields, {
    "address.require_contact": "on",
    "address.check_phone_format": "on",
    "price.tolerance_percent": "0",
    "quantity.max_per_line": "50",
    "quantity.max_units": "200",
    "duplicate.window_hours": "24",
    "amount.thresholds.currency": ["USD", ""],
    "amount.thresholds.amount": ["1000.00", ""],
    "payment.paid_statuses": ["paid", "authorized"],
  });
  return { ...fields, ...overrides };
}

describe("console settings: who sees them", () => {
  it("shows the admin an index of every setting, with the staff, key and activity links", async () => {
    const { session } = await admin();
    const page = await openPage("/console/settings", session);
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    for (const words of ["Stores", "Warehouses", "Channel connections", "Webhooks", "Staff", "API keys", "Activity log"]) expect(text).toContain(words);
    expect(page.html).toContain('href="/console/settings/people"');
    expect(page.html).toContain('href="/console/settings/api-keys"');
    expect(page.html).toContain('href="/console/settings/activity"');
  });

  it("shows an owner only the links their position reads (staff and activity), none of the settings", async () => {
    const { session } = await signedIn(["owner"]);
    const page = await openPage("/console/settings", session);
    expect(page.status).toBe(200);
    expect(page.html).toContain('href="/console/settings/people"');
    expect(page.html).toContain('href="/console/settings/activity"');
    expect(page.html).not.toContain('href="/console/settings/api-keys"');
    expect(page.html).not.toContain('href="/console/settings/stores"');
  });

  it("refuses every settings page to a picker, support and an analyst", async () => {
    const store = await createStore();
    const paths = [
      "/console/settings",
      "/console/settings/stores",
      `/console/settings/stores/${store.id}`,
      `/console/settings/stores/${store.id}/audit-rules`,
      `/console/settings/stores/${store.id}/routing`,
      `/console/settings/stores/${store.id}/logistics`,
      `/console/settings/stores/${store.id}/sla`,
      "/console/settings/warehouses",
      "/console/settings/channels",
      "/console/settings/webhooks",
    ];
    for (const position of ["picker", "support", "analyst"]) {
      const { session } = await signedIn([position]);
      for (const path of paths) {
        const page = await openPage(path, session);
        expect(page.status, `${position} ${path}`).toBe(403);
        expect(textOf(page.html)).toContain("Not for your position");
      }
    }
  });

  it("refuses a support person's post to the store form, and nothing changes", async () => {
    const store = await createStore();
    const { session } = await signedIn(["support"]);
    const r = await postForm(`/console/settings/stores/${store.id}`, session, { name: "Taken over", currency: "USD", timezone: "UTC", language: "en" });
    expect(r.status).toBe(403);
    expect((await api(`/v1/stores/${store.id}`)).body.name).not.toBe("Taken over");
  });

  it("renders every settings page for the admin", async () => {
    const store = await createStore();
    const { session } = await admin();
    for (const path of [
      "/console/settings/stores",
      `/console/settings/stores/${store.id}`,
      `/console/settings/stores/${store.id}/audit-rules`,
      `/console/settings/stores/${store.id}/routing`,
      `/console/settings/stores/${store.id}/logistics`,
      `/console/settings/stores/${store.id}/sla`,
      "/console/settings/warehouses",
      "/console/settings/channels",
      "/console/settings/webhooks",
    ]) {
      const page = await openPage(path, session);
      expect(page.status, path).toBe(200);
    }
  });
});

describe("console settings: a store", () => {
  const storeFields = (over: Record<string, string | string[]> = {}) => ({
    name: "Tea House",
    currency: "USD",
    timezone: "Asia/Shanghai",
    language: "zh-CN",
    auto_audit: "on",
    complete_after_days: "10",
    archive_after_days: "60",
    return_window_days: "14",
    finance_currency: ["USD", ""],
    finance_amount: ["2500.00", ""],
    notify_on: ["order.shipped", "order.delivered"],
    ...over,
  });

  it("saves the store's settings, checked through the API", async () => {
    const store = await createStore();
    const { session } = await admin();
    const form = await openPage(`/console/settings/stores/${store.id}`, session);
    expect(form.html).toContain('<option value="Europe/Berlin"');
    const r = await postForm(`/console/settings/stores/${store.id}`, session, storeFields());
    expect(r.status, r.html).toBe(303);
    expect(flashOf(r.headers)?.text).toBe("Saved.");
    const after = (await api(`/v1/stores/${store.id}`)).body;
    expect(after).toMatchObject({
      name: "Tea House",
      timezone: "Asia/Shanghai",
      language: "zh-CN",
      auto_audit: true,
      complete_after_days: 10,
      archive_after_days: 60,
      return_window_days: 14,
      finance_review: { thresholds: { USD: "2500.00" } },
    });
    expect(after.notify_on.sort()).toEqual(["order.delivered", "order.shipped"]);
    // An empty return window is no limit, and no thresholds is no finance review.
    await postForm(`/console/settings/stores/${store.id}`, session, storeFields({ return_window_days: "", finance_currency: [""], finance_amount: [""] }));
    expect((await api(`/v1/stores/${store.id}`)).body).toMatchObject({ return_window_days: null, finance_review: null, backorder_priority: "oldest" });
    // Which backorders get arriving stock first.
    expect(form.html).toContain('<select id="backorder_priority" name="backorder_priority">');
    await postForm(`/console/settings/stores/${store.id}`, session, storeFields({ backorder_priority: "fewest_units" }));
    expect((await api(`/v1/stores/${store.id}`)).body.backorder_priority).toBe("fewest_units");
    const zh = await openPage(`/console/settings/stores/${store.id}`, session, { cookie: "oms_console_lang=zh-CN" });
    expect(zh.html).toContain("件数最少的订单（让更多顾客先收到货）");
  });

  it("saves the store's invoicing details, refuses a prefix with a space on its field, and clears them", async () => {
    const store = await createStore();
    const { session } = await admin();
    const details = { invoicing_legal_name: "Tea House Trading Ltd", invoicing_address: "2 Dock Road\r\nLondon E16", invoicing_tax_id: "GB123456789", invoicing_prefix: "TH-" };
    expect((await postForm(`/console/settings/stores/${store.id}`, session, storeFields(details))).status).toBe(303);
    expect((await api(`/v1/stores/${store.id}`)).body.invoicing).toEqual({
      legal_name: "Tea House Trading Ltd",
      address: "2 Dock Road\r\nLondon E16",
      tax_id: "GB123456789",
      prefix: "TH-",
    });
    const form = await openPage(`/console/settings/stores/${store.id}`, session);
    expect(form.html).toContain('value="Tea House Trading Ltd"');

    const bad = await postForm(`/console/settings/stores/${store.id}`, session, storeFields({ ...details, invoicing_prefix: "TH 2026" }));
    expect(bad.status).toBe(422);
    expect(bad.html).toContain('id="invoicing_prefix-error"');
    expect(bad.html).toContain('value="TH 2026"');
    expect((await api(`/v1/stores/${store.id}`)).body.invoicing.prefix).toBe("TH-");

    expect((await postForm(`/console/settings/stores/${store.id}`, session, storeFields())).status).toBe(303);
    expect((await api(`/v1/stores/${store.id}`)).body.invoicing).toBeNull();
    const zh = await openPage(`/console/settings/stores/${store.id}`, session, { cookie: "oms_console_lang=zh-CN" });
    expect(textOf(zh.html)).toContain("编号前缀");
  });

  it("refuses a time zone that does not exist and negative days, naming each field, and writes nothing", async () => {
    const store = await createStore();
    const before = (await api(`/v1/stores/${store.id}`)).body;
    const { session } = await admin();
    const r = await postForm(`/console/settings/stores/${store.id}`, session, storeFields({ timezone: "Mars/Olympus_Mons", complete_after_days: "-3" }));
    expect(r.status).toBe(422);
    const text = textOf(r.html);
    expect(text).toContain("Nothing was saved");
    expect(text).toContain("must be an IANA time zone");
    expect(r.html).toContain('id="complete_after_days-error"');
    // What was typed stays on the form.
    expect(r.html).toContain('value="Tea House"');
    expect(r.html).toContain('value="-3"');
    const after = (await api(`/v1/stores/${store.id}`)).body;
    expect(after.updated_at).toBe(before.updated_at);
    expect(after.timezone).toBe(before.timezone);
  });

  it("creates a store", async () => {
    const { session } = await admin();
    const r = await postForm("/console/settings/stores", session, { name: "Second shop", currency: "eur", timezone: "Europe/Berlin", language: "en" });
    expect(r.status, r.html).toBe(303);
    const id = r.location!.split("/").pop()!;
    expect((await api(`/v1/stores/${id}`)).body).toMatchObject({ name: "Second shop", currency: "EUR", timezone: "Europe/Berlin" });
    const bad = await postForm("/console/settings/stores", session, { name: "", currency: "XX", timezone: "UTC", language: "en" });
    expect(bad.status).toBe(422);
  });

  it("sets SLA targets, and refuses a negative one", async () => {
    const store = await createStore();
    const { session } = await admin();
    const r = await postForm(`/console/settings/stores/${store.id}/sla`, session, {
      received_to_approved_minutes: "30",
      approved_to_shipped_minutes: "1440",
      shipped_to_delivered_minutes: "",
      received_to_completed_minutes: "",
    });
    expect(r.status, r.html).toBe(303);
    expect((await api(`/v1/stores/${store.id}/sla`)).body).toMatchObject({
      received_to_approved_minutes: 30,
      approved_to_shipped_minutes: 1440,
      shipped_to_delivered_minutes: null,
      is_default: false,
    });
    const bad = await postForm(`/console/settings/stores/${store.id}/sla`, session, { received_to_approved_minutes: "-5" });
    expect(bad.status).toBe(422);
    expect(bad.html).toContain('id="received_to_approved_minutes-error"');
    expect((await api(`/v1/stores/${store.id}/sla`)).body.received_to_approved_minutes).toBe(30);
  });

  it("reads in Chinese for a reader who chose it", async () => {
    const store = await createStore();
    const { session } = await admin();
    const page = await openPage(`/console/settings/stores/${store.id}`, session, { cookie: "oms_console_lang=zh-CN" });
    expect(page.status).toBe(200);
    expect(page.html).toContain('<html lang="zh-CN"');
    const text = textOf(page.html);
    for (const words of ["店铺设置", "时区", "财务复核金额", "在以下时刻通知客户", "保存"]) expect(text).toContain(words);
    const rules = textOf((await openPage(`/console/settings/stores/${store.id}/audit-rules`, session, { cookie: "oms_console_lang=zh-CN" })).html);
    for (const words of ["审单规则", "试运行", "大额订单", "黑名单"]) expect(rules).toContain(words);
  });
});

describe("console settings: audit rules", () => {
  it("draws each rule kind with its own inputs, not only JSON", async () => {
    const store = await createStore();
    const { session } = await admin();
    const page = await openPage(`/console/settings/stores/${store.id}/audit-rules`, session);
    expect(page.status).toBe(200);
    expect(page.html).toContain('name="price.tolerance_percent"');
    expect(page.html).toContain('name="amount.thresholds.amount"');
    expect(page.html).toContain('name="payment.allow_cash_on_delivery"');
    expect(textOf(page.html)).toContain("This store uses the default rules.");
  });

  it("saves the form as the store's rules, checked through the API", async () => {
    const store = await createStore();
    const { session } = await admin();
    const r = await postForm(
      `/console/settings/stores/${store.id}/audit-rules`,
      session,
      rulesForm({ "price.tolerance_percent": "2.5", "amount.thresholds.amount": ["300.00", ""], "note.enabled": [], "payment.allow_cash_on_delivery": "on" }),
    );
    expect(r.status, textOf(r.html)).toBe(303);
    expect(flashOf(r.headers)?.text).toMatch(/Audit rules saved \(version \d+\)/);
    const rules = (await api(`/v1/stores/${store.id}/audit-rules`)).body;
    expect(rules.version).toBeGreaterThan(0);
    const byKind = Object.fromEntries(rules.rules.map((x: { kind: string }) => [x.kind, x]));
    expect(byKind.price.params.tolerance_percent).toBe(2.5);
    expect(byKind.amount.params.thresholds).toEqual({ USD: "300.00" });
    expect(byKind.note.enabled).toBe(false);
    expect(byKind.payment.params.allow_cash_on_delivery).toBe(true);
  });

  it("refuses a tolerance over 100% on its field, and saves nothing", async () => {
    const store = await createStore();
    const { session } = await admin();
    const r = await postForm(`/console/settings/stores/${store.id}/audit-rules`, session, rulesForm({ "price.tolerance_percent": "500" }));
    expect(r.status).toBe(422);
    expect(textOf(r.html)).toContain("Nothing was saved");
    expect(r.html).toContain('class="card rule has-error"');
    expect(r.html).toContain('value="500"');
    expect((await api(`/v1/stores/${store.id}/audit-rules`)).body.version).toBe(0);
  });

  it("dry-runs the edited rules on an order beside the form, without saving them", async () => {
    const store = await createStore();
    const order = await createOrder(store.id);
    const { session } = await admin();
    const page = await openPage(`/console/settings/stores/${store.id}/audit-rules`, session);
    expect(page.html).toContain(`value="${order.id}"`);
    // With a threshold of 1.00 the order (over 40 USD) is held for its amount.
    const r = await postForm(`/console/settings/stores/${store.id}/audit-rules/dry-run`, session, rulesForm({ "amount.thresholds.amount": ["1.00", ""], dry_order: order.id }));
    expect(r.status, textOf(r.html)).toBe(200);
    const text = textOf(r.html);
    expect(r.html).toContain('id="dry-run-result"');
    expect(text).toMatch(/Decision: Hold for review/);
    expect(text).toContain("Large orders");
    // The edited value stays in the form; the store's rules are unchanged.
    expect(r.html).toContain('value="1.00"');
    expect((await api(`/v1/stores/${store.id}/audit-rules`)).body.version).toBe(0);
    // The same order with the amount rule off and a high threshold: no amount finding.
    const off = await postForm(`/console/settings/stores/${store.id}/audit-rules/dry-run`, session, rulesForm({ "amount.enabled": [], dry_order_id: order.id }));
    expect(textOf(off.html)).not.toContain("Large orders:");
    // No order: said in words.
    const none = await postForm(`/console/settings/stores/${store.id}/audit-rules/dry-run`, session, rulesForm());
    expect(none.status).toBe(422);
    expect(textOf(none.html)).toContain("Pick an order or paste its id.");
  });

  it("saves rules from the advanced JSON editor and refuses JSON that is not", async () => {
    const store = await createStore();
    const { session } = await admin();
    const bad = await postForm(`/console/settings/stores/${store.id}/audit-rules/json`, session, { rules_json: "{ not json" });
    expect(bad.status).toBe(400);
    expect(textOf(bad.html)).toContain("This is not valid JSON.");
    const ok = await postForm(`/console/settings/stores/${store.id}/audit-rules/json`, session, {
      rules_json: JSON.stringify({ rules: [{ kind: "totals", enabled: true, params: {} }] }),
    });
    expect(ok.status).toBe(303);
    expect((await api(`/v1/stores/${store.id}/audit-rules`)).body.rules.map((x: { kind: string }) => x.kind)).toEqual(["totals"]);
  });

  it("adds and removes a blocklist entry, and refuses a bad email", async () => {
    const store = await createStore();
    const { session } = await admin();
    const bad = await postForm(`/console/settings/stores/${store.id}/blocklist`, session, { kind: "email", value: "not-an-email" });
    expect(bad.status).toBe(422);
    const r = await postForm(`/console/settings/stores/${store.id}/blocklist`, session, { kind: "email", value: "fraud@example.com", note: "chargebacks" });
    expect(r.status, textOf(r.html)).toBe(303);
    const list = (await api(`/v1/stores/${store.id}/blocklist`)).body.data;
    expect(list).toHaveLength(1);
    expect(textOf((await openPage(`/console/settings/stores/${store.id}/audit-rules`, session)).html)).toContain("chargebacks");
    const del = await postForm(`/console/settings/stores/${store.id}/blocklist/${list[0].id}/delete`, session);
    expect(del.status).toBe(303);
    expect((await api(`/v1/stores/${store.id}/blocklist`)).body.data).toHaveLength(0);
  });
});

describe("console settings: routing, carriers, warehouses", () => {
  it("says so when no warehouse ships for the store, instead of an empty box to tick", async () => {
    // A store with stock of its own: no warehouse of every store (those keep the shared stock) ships for it.
    const store = await createStore(undefined, undefined, { stock: "own" });
    const { session } = await admin();
    const page = await openPage(`/console/settings/stores/${store.id}/routing`, session);
    expect(textOf(page.html)).toContain("No warehouse ships for this store yet");
    expect(page.html).not.toContain('name="default_warehouses"');
  });

  it("saves the routing policy and plans a dry run", async () => {
    const store = await createStore();
    const wh = (await api("/v1/warehouses", { body: { name: "Shanghai", country: "CN", store_ids: [store.id] } })).body;
    const { session } = await admin();
    expect((await openPage(`/console/settings/stores/${store.id}/routing`, session)).html).toContain(`value="${wh.id}"`);
    const r = await postForm(`/console/settings/stores/${store.id}/routing`, session, {
      ship_complete: "require",
      max_shipments: "2",
      merge_hold_minutes: "15",
      default_carrier: "",
      reroute_on_reject: "on",
      default_warehouses: wh.id,
      [`rank.${wh.id}`]: "1",
      rules_json: JSON.stringify([{ name: "China", countries: ["CN"], warehouses: [wh.id] }]),
    });
    expect(r.status, textOf(r.html)).toBe(303);
    expect((await api(`/v1/stores/${store.id}/routing-policy`)).body).toMatchObject({
      ship_complete: "require",
      max_shipments: 2,
      merge_hold_minutes: 15,
      reroute_on_reject: true,
      default_carrier: null,
      default_warehouses: [wh.id],
      rules: [{ name: "China", countries: ["CN"], warehouses: [wh.id] }],
    });
    const bad = await postForm(`/console/settings/stores/${store.id}/routing`, session, { ship_complete: "prefer", max_shipments: "0", merge_hold_minutes: "0", rules_json: "[]" });
    expect(bad.status).toBe(422);
    expect(bad.html).toContain('id="max_shipments-error"');
    expect((await api(`/v1/stores/${store.id}/routing-policy`)).body.max_shipments).toBe(2);
    const plan = await postForm(`/console/settings/stores/${store.id}/routing/dry-run`, session, { country: "US", region: "", lines: "NOPE-1 2" });
    expect(plan.status, textOf(plan.html)).toBe(200);
    expect(plan.html).toContain('id="plan-result"');
    expect(textOf(plan.html)).toContain("Cannot ship now");
  });

  it("saves the carrier settings, refuses a broken carrier list, and dry-runs a choice", async () => {
    const store = await createStore();
    const { session } = await admin();
    const current = (await api(`/v1/stores/${store.id}/logistics`)).body.config;
    const r = await postForm(`/console/settings/stores/${store.id}/logistics`, session, {
      strategy: "fastest",
      stale_tracking_days: "7",
      carriers_json: JSON.stringify(current.carriers),
      fixed_json: "[]",
    });
    expect(r.status, textOf(r.html)).toBe(303);
    const saved = (await api(`/v1/stores/${store.id}/logistics`)).body;
    expect(saved).toMatchObject({ is_default: false, config: { selection: { strategy: "fastest" }, stale_tracking_days: 7 } });
    const bad = await postForm(`/console/settings/stores/${store.id}/logistics`, session, {
      strategy: "cheapest",
      stale_tracking_days: "7",
      carriers_json: '[{"code":"Bad Code"}]',
      fixed_json: "[]",
    });
    expect(bad.status).toBe(422);
    expect(textOf(bad.html)).toContain("carriers.0");
    expect((await api(`/v1/stores/${store.id}/logistics`)).body.config.selection.strategy).toBe("fastest");
    const choice = await postForm(`/console/settings/stores/${store.id}/logistics/dry-run`, session, {
      country: "US",
      region: "",
      weight: "500",
      length: "200",
      width: "150",
      height: "100",
    });
    expect(choice.status, textOf(choice.html)).toBe(200);
    expect(choice.html).toContain('id="choice-result"');
  });

  it("creates a warehouse, adds a package type and retires it", async () => {
    const { session } = await admin();
    const bad = await postForm("/console/settings/warehouses", session, { name: "North", kind: "own", country: "XX", currency: "USD" });
    expect(bad.status).toBe(422);
    // Two stores with stock of their own, on the two databases: a warehouse of both (or of every store) cannot be.
    const [north, south] = [await createStore(undefined, undefined, { stock: "own" }), await createStore(undefined, undefined, { stock: "own" })];
    const fields = { name: "North hub", kind: "own", country: "us", region: "WA", currency: "USD", weight_tolerance_pct: "4", weight_tolerance_grams: "15" };
    const form = await openPage("/console/settings/warehouses", session);
    expect(form.html).toContain(`name="store_ids" value="${north.id}"`);
    expect(form.html).toMatch(/name="store_ids" value="\*" checked/);
    const split = await postForm("/console/settings/warehouses", session, { ...fields, store_ids: [north.id, south.id] });
    expect(split.status).toBe(409);
    expect(textOf(split.html)).toContain("keep their stock on different databases");
    // The form comes back as it was sent.
    expect(split.html).toMatch(new RegExp(`value="${north.id}" checked`));
    expect((await api("/v1/warehouses?limit=200")).body.data.some((w: { name: string }) => w.name === "North hub")).toBe(false);
    const r = await postForm("/console/settings/warehouses", session, { ...fields, store_ids: [north.id] });
    expect(r.status, textOf(r.html)).toBe(303);
    const id = r.location!.split("/").pop()!;
    expect((await api(`/v1/warehouses/${id}`)).body).toMatchObject({ name: "North hub", country: "US", weight_tolerance_pct: 4, store_ids: [north.id] });
    // The list names the stores a warehouse ships for, not their ids.
    const row = /<tr>(?:(?!<\/tr>)[\s\S])*North hub(?:(?!<\/tr>)[\s\S])*<\/tr>/.exec((await openPage("/console/settings/warehouses", session)).html)![0];
    expect(textOf(row)).toContain(north.name);
    expect(row).not.toContain(north.id.replace(/^st_/, ""));
    const edit = await postForm(`/console/settings/warehouses/${id}`, session, {
      name: "North hub 2",
      region: "WA",
      active: "on",
      weight_tolerance_pct: "6",
      weight_tolerance_grams: "15",
    });
    expect(edit.status).toBe(303);
    expect((await api(`/v1/warehouses/${id}`)).body.weight_tolerance_pct).toBe(6);
    const pt = await postForm(`/console/settings/warehouses/${id}/package-types`, session, {
      code: "BOX-M",
      name: "Medium box",
      tare_grams: "120",
      length_mm: "300",
      width_mm: "200",
      height_mm: "150",
    });
    expect(pt.status, textOf(pt.html)).toBe(303);
    const retire = await postForm(`/console/settings/warehouses/${id}/package-types/BOX-M`, session, { active: "false" });
    expect(retire.status).toBe(303);
    expect((await api(`/v1/warehouses/${id}/package-types`)).body.data[0]).toMatchObject({ code: "BOX-M", active: false });
  });
});

describe("console settings: integrations", () => {
  it("refuses a channel connection with a bad API address, creating nothing, then connects and pauses one", async () => {
    const store = await createStore();
    const { session } = await admin();
    const count = async () => (await api("/v1/channel-connections", { headers: {} })).body.data.filter((x: { store_id: string }) => x.store_id === store.id).length;
    const bad = await postForm("/console/settings/channels", session, {
      store_id: store.id,
      platform: "shopify",
      name: "Main shop",
      shop_domain: "main.myshopify.com",
      api_base_url: "ftp://main.myshopify.com",
      access_token: "shpat_x",
      pushes: ["fulfillments"],
    });
    expect(bad.status).toBe(422);
    // The platforms as their makers spell them; the form sends the API's value.
    expect(bad.html).toMatch(/<option value="shopify" selected="">Shopify<\/option>/);
    expect(bad.html).toContain('<option value="woocommerce">WooCommerce</option>');
    expect(bad.html).toContain('id="ch-api-error"');
    expect(bad.html).not.toContain("shpat_x");
    expect(await count()).toBe(0);
    const ok = await postForm("/console/settings/channels", session, {
      store_id: store.id,
      platform: "shopify",
      name: "Main shop",
      shop_domain: "main.myshopify.com",
      api_base_url: "https://main.myshopify.com/admin/api/2025-07",
      access_token: "shpat_x",
      webhook_secret: "a-long-enough-secret",
      pushes: ["fulfillments"],
    });
    expect(ok.status, textOf(ok.html)).toBe(303);
    const id = ok.location!.split("/").pop()!;
    const detail = await openPage(`/console/settings/channels/${id}`, session);
    expect(detail.status).toBe(200);
    expect(textOf(detail.html)).toContain("Webhook address");
    const pause = await postForm(`/console/settings/channels/${id}/status`, session, { status: "paused" });
    expect(pause.status).toBe(303);
    expect((await api(`/v1/channel-connections/${id}`)).body.status).toBe("paused");
    const map = await postForm(`/console/settings/channels/${id}/sku-map`, session, { entries: "SHOP-TEA TEA-1" });
    expect(map.status, textOf(map.html)).toBe(303);
    expect((await api(`/v1/channel-connections/${id}/sku-map`)).body.data).toEqual([{ platform_key: "SHOP-TEA", sku: "TEA-1" }]);
  });

  it("subscribes a webhook endpoint, shows its secret once, and deletes it", async () => {
    const store = await createStore();
    const { session } = await admin();
    const bad = await postForm("/console/settings/webhooks", session, { store_id: store.id, url: "https://erp.example.com/hook", event_types: "nonsense.event" });
    expect(bad.status).toBe(422);
    const r = await postForm("/console/settings/webhooks", session, {
      store_id: store.id,
      url: "https://erp.example.com/hook",
      event_types: "order.*, shipment.status_changed",
      description: "ERP",
    });
    expect(r.status, textOf(r.html)).toBe(303);
    expect(flashOf(r.headers)?.text).toMatch(/whsec_/);
    const id = r.location!.split("/").pop()!;
    expect((await api(`/v1/webhook-subscriptions/${id}`)).body).toMatchObject({ event_types: ["order.*", "shipment.status_changed"], description: "ERP" });
    const page = await openPage(`/console/settings/webhooks/${id}`, session);
    expect(page.status).toBe(200);
    expect(textOf(page.html)).toContain("Delivery log");
    expect(page.html).not.toContain("whsec_");
    const del = await postForm(`/console/settings/webhooks/${id}/delete`, session);
    expect(del.status).toBe(303);
    expect((await api(`/v1/webhook-subscriptions/${id}`)).status).toBe(404);
  });
});
