import { beforeAll, describe, expect, it, vi } from "vitest";
import { openPage, postForm, signedIn } from "./console-helpers";
import { mintLink, openLink } from "./customer-visit";
import { api, createOrder, createProduct, createStore, orderBody, unique } from "./helpers";
import { dbOf } from "./shard-helpers";

const BOOKMARK = /^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/;
const bookmarkOf = (r: { headers: Headers }) => r.headers.get("x-d1-bookmark");
const withBookmark = (bookmark: string) => ({ headers: { "x-d1-bookmark": bookmark } });
/** The bookmark cookie a response sets, with its attributes; null when it sets none. */
const bookmarkCookie = (headers: Headers) => headers.getSetCookie().find((c) => c.startsWith("oms_d1_bookmark=")) ?? null;
const cookieValue = (line: string) => line.split(";")[0]!.slice("oms_d1_bookmark=".length);

let store: { id: string };
beforeAll(async () => {
  store = await createStore(unique("bookmarks"));
});

const ordersOf = async (storeId: string) => (await api(`/v1/orders?store_id=${storeId}&limit=100`)).body.data as { id: string }[];

describe("x-d1-bookmark on the API", () => {
  it("a read without a bookmark works and answers with its session's bookmark", async () => {
    const r = await api(`/v1/orders?store_id=${store.id}`);
    expect(r.status).toBe(200);
    expect(bookmarkOf(r)).toMatch(BOOKMARK);
    // So do reports, the event feed, the catalogue and stock for display, each on its own request's session.
    for (const path of ["/v1/events?limit=1", "/v1/products?limit=1", "/v1/reports/freshness", "/v1/stock?sku=TEA-1"]) {
      const other = await api(path);
      expect(other.status, path).toBe(200);
      expect(bookmarkOf(other), path).toMatch(BOOKMARK);
    }
  });

  it("a write that asks for a bookmark gets the primary's, and a read from it sees that write", async () => {
    const created = await api("/v1/orders", { body: orderBody(store.id, { payment_status: "paid" }), ...withBookmark("first-unconstrained") });
    expect(created.status).toBe(201);
    const written = bookmarkOf(created)!;
    expect(written).toMatch(BOOKMARK);

    const read = await api(`/v1/orders/${created.body.id}`, withBookmark(written));
    expect(read.status).toBe(200);
    expect(read.body.id).toBe(created.body.id);
    // Bookmarks sort oldest to newest: the read's session is at least where the write left it.
    expect(bookmarkOf(read)! >= written).toBe(true);
    const list = await api(`/v1/orders?store_id=${store.id}`, withBookmark(written));
    expect(list.body.data.map((o: { id: string }) => o.id)).toContain(created.body.id);

    // A change made by the order's object (its own D1 batch) is covered too: the bookmark comes after it.
    const approved = await api(`/v1/orders/${created.body.id}/transitions`, { body: { event: "approve" }, ...withBookmark(bookmarkOf(read)!) });
    expect(approved.status).toBe(200);
    const after = bookmarkOf(approved)!;
    expect(after > bookmarkOf(read)!).toBe(true);
    const seen = await api(`/v1/orders/${created.body.id}`, withBookmark(after));
    expect(seen.body.status).toBe("approved");
    const timeline = await api(`/v1/orders/${created.body.id}/events`, withBookmark(after));
    expect(timeline.body.data.map((e: { type: string }) => e.type)).toEqual(["received", "approve"]);
    expect(bookmarkOf(timeline)! >= after).toBe(true);
  });

  it("a write that does not ask pays nothing more and answers without one", async () => {
    const created = await api("/v1/orders", { body: orderBody(store.id) });
    expect(created.status).toBe(201);
    expect(bookmarkOf(created)).toBeNull();
  });

  it("a write whose bookmark cannot be had still answers as it succeeded, without one", async () => {
    const s = await createStore(unique("no-bookmark"));
    // The store's own shard: its write's session is opened there.
    const db = await dbOf({ store: s.id });
    const withSession = db.withSession.bind(db);
    vi.spyOn(db, "withSession").mockImplementation((from) => {
      if (from === "first-primary") throw new Error("D1 is unreachable for a moment");
      return withSession(from);
    });
    vi.spyOn(console, "warn").mockImplementation(() => {});
    const created = await api("/v1/orders", { body: orderBody(s.id), ...withBookmark("first-unconstrained") });
    vi.restoreAllMocks();
    expect(created.status).toBe(201);
    expect(bookmarkOf(created)).toBeNull();
    expect((await ordersOf(s.id)).map((o) => o.id)).toEqual([created.body.id]);
  });

  it("an empty header is no header; first-primary is accepted", async () => {
    const empty = await api(`/v1/orders?store_id=${store.id}`, withBookmark(""));
    expect(empty.status).toBe(200);
    expect(bookmarkOf(empty)).toMatch(BOOKMARK);
    const primary = await api(`/v1/orders?store_id=${store.id}`, withBookmark("first-primary"));
    expect(primary.status).toBe(200);
    expect(bookmarkOf(primary)).toMatch(BOOKMARK);
  });

  it("a malformed bookmark is a 400 problem naming the header, and nothing is written", async () => {
    const s = await createStore(unique("bad-bookmark"));
    for (const bad of ["garbage", "00000000-00000091-00000000", "first-replica", `${"0".repeat(8)}-${"0".repeat(8)}-${"0".repeat(8)}-${"Z".repeat(32)}`]) {
      const write = await api("/v1/orders", { body: orderBody(s.id), ...withBookmark(bad) });
      expect(write.status, bad).toBe(400);
      expect(write.headers.get("content-type")).toBe("application/problem+json");
      expect(write.body).toMatchObject({ code: "invalid_parameters", errors: [{ field: "header.x-d1-bookmark" }] });
      expect(bookmarkOf(write)).toBeNull();
      const read = await api(`/v1/orders?store_id=${s.id}`, withBookmark(bad));
      expect(read.status, bad).toBe(400);
      expect(read.body.errors[0].field).toBe("header.x-d1-bookmark");
    }
    expect(await ordersOf(s.id)).toEqual([]);
  });

  it("a refused write answers with no new bookmark, only the one it was sent", async () => {
    const sent = bookmarkOf(await api(`/v1/orders?store_id=${store.id}`))!;
    const refused = await api("/v1/orders", { body: orderBody(store.id, { lines: [] }), ...withBookmark(sent) });
    expect(refused.status).toBe(422);
    expect(bookmarkOf(refused)).toBe(sent);
  });

  it("the same intake twice at once: one order, and both answers' bookmarks read it", async () => {
    const s = await createStore(unique("race-intake"));
    const key = unique("idem");
    const body = orderBody(s.id, { external_id: unique("EXT") });
    const [a, b] = await Promise.all([0, 1].map(() => api("/v1/orders", { body, headers: { "idempotency-key": key, "x-d1-bookmark": "first-unconstrained" } })));
    expect([a!.status, b!.status]).toEqual([201, 201]);
    expect(a!.body.id).toBe(b!.body.id);
    for (const r of [a!, b!]) {
      const read = await api(`/v1/orders/${r.body.id}`, withBookmark(bookmarkOf(r)!));
      expect(read.status).toBe(200);
    }
    expect((await ordersOf(s.id)).map((o) => o.id)).toEqual([a!.body.id]);
  });

  it("two people change one order at once: the winner's bookmark reads its change, the refused one gets none", async () => {
    const order = await createOrder(store.id, { payment_status: "paid" });
    const [x, y] = await Promise.all(
      // Each refuses the other: an approved order cannot be rejected, a rejected one cannot be approved.
      (["approve", "reject"] as const).map((event) =>
        api(`/v1/orders/${order.id}/transitions`, { body: { event, ...(event === "reject" ? { reason: "fraud" } : {}) }, ...withBookmark("first-unconstrained") }),
      ),
    );
    expect([x!.status, y!.status].sort()).toEqual([200, 409]);
    const winner = x!.status === 200 ? x! : y!;
    const loser = winner === x ? y! : x!;
    const seen = await api(`/v1/orders/${order.id}`, withBookmark(bookmarkOf(winner)!));
    expect(seen.body.status).toBe(winner.body.status);
    expect(bookmarkOf(loser)).toBeNull();
  });
});

describe("the console keeps the bookmark in a cookie", () => {
  it("an action sets the cookie, and the next page, sent it, shows the action", async () => {
    const s = await createStore(unique("console-bookmark"));
    const order = await createOrder(s.id, { payment_status: "paid" });
    const { session } = await signedIn(["admin"]);
    const acted = await postForm("/console/orders/bulk", session, { action: "approve", ids: [order.id], back: `/console/orders?store_id=${s.id}` });
    expect(acted.status).toBe(303);
    const cookie = bookmarkCookie(acted.headers)!;
    expect(cookie).toMatch(/^oms_d1_bookmark=[0-9a-f-]+; Max-Age=300; Path=\/console; HttpOnly; SameSite=Lax$/);
    const written = cookieValue(cookie);
    expect(written).toMatch(BOOKMARK);

    const page = await openPage(`/console/orders/${order.id}`, { cookie: `${session.cookie}; oms_d1_bookmark=${written}` });
    expect(page.status).toBe(200);
    expect(page.html).toContain("Approved");
    // The page's reads went on from the bookmark: the cookie moves only forward.
    const moved = bookmarkCookie(page.headers);
    if (moved) expect(cookieValue(moved) > written).toBe(true);
  });

  it("a cookie that is not a bookmark is ignored and replaced, never an error page", async () => {
    const { session } = await signedIn(["admin"]);
    const page = await openPage(`/console/orders?store_id=${store.id}`, { cookie: `${session.cookie}; oms_d1_bookmark=garbage` });
    expect(page.status).toBe(200);
    expect(cookieValue(bookmarkCookie(page.headers)!)).toMatch(BOOKMARK);
  });
});

describe("the customer's page keeps the bookmark in a cookie", () => {
  it("a form that succeeded sets the cookie; the page it leads to reads from it and shows the change", async () => {
    const s = await createStore(unique("customer-bookmark"), "USD", { autoAudit: true });
    await createProduct(s.id, "TEA-1", { price: "12.50" });
    const created = await api("/v1/orders", {
      body: orderBody(s.id, {
        payment_status: "paid",
        customer: { name: "Ada", email: `${unique("a")}@example.com` },
        lines: [{ sku: "TEA-1", quantity: 1, unit_price: "12.50" }],
        shipping_address: { name: "Ada", line1: "1 Market St", city: "San Francisco", region: "CA", postal_code: "9410", country: "US" },
      }),
    });
    expect(created.status).toBe(201);
    await vi.waitFor(async () => expect((await api(`/v1/orders/${created.body.id}`)).body.status).toBe("on_hold"), { timeout: 10_000, interval: 50 });
    const held = (await api(`/v1/orders/${created.body.id}`)).body;
    const visit = await openLink(await mintLink(held.id));

    const page = await visit.get();
    expect(page.status).toBe(200);
    const read = bookmarkCookie(page.headers)!;
    expect(read).toMatch(/^oms_d1_bookmark=[0-9a-f-]+; Max-Age=300; Path=\/o; HttpOnly; SameSite=Lax$/);

    // A form refused (another site's) wrote nothing: no new bookmark.
    const forged = await visit.post(
      "/confirm",
      { version: String(held.version), confirm: "1" },
      { cookie: `${visit.cookie}; oms_d1_bookmark=${cookieValue(read)}`, "sec-fetch-site": "cross-site" },
    );
    expect(forged.status).toBe(403);
    expect(bookmarkCookie(forged.headers)).toBeNull();

    // The form's answer sends the page it leads to the primary (no round trip of its own for the primary's bookmark)...
    const confirmed = await visit.post("/confirm", { version: String(held.version), confirm: "1" }, { cookie: `${visit.cookie}; oms_d1_bookmark=${cookieValue(read)}` });
    expect(confirmed.status).toBe(303);
    expect(bookmarkCookie(confirmed.headers)).toMatch(/^oms_d1_bookmark=first-primary; Max-Age=300; Path=\/o; HttpOnly; SameSite=Lax$/);
    // ...which shows the change and hands back a bookmark newer than the one before the form.
    const after = await visit.get("?done=confirm", { cookie: `${visit.cookie}; oms_d1_bookmark=first-primary` });
    expect(after.status).toBe(200);
    expect(after.body).toContain('data-status="approved"');
    const next = cookieValue(bookmarkCookie(after.headers)!);
    expect(next).toMatch(BOOKMARK);
    expect(next > cookieValue(read)).toBe(true);
  });

  it("a form refused as invalid wrote nothing and leaves the cookie as it was", async () => {
    const order = await createOrder(store.id);
    const visit = await openLink(await mintLink(order.id));
    const page = await visit.get();
    const read = cookieValue(bookmarkCookie(page.headers)!);
    const refused = await visit.post(
      "/address",
      { version: String(order.version), name: "", line1: "", city: "", postal_code: "", country: "" },
      { cookie: `${visit.cookie}; oms_d1_bookmark=${read}` },
    );
    expect(refused.status).toBe(422);
    expect(bookmarkCookie(refused.headers)).toBeNull();
  });

  it("a cookie that is not a bookmark is ignored", async () => {
    const order = await createOrder(store.id);
    const visit = await openLink(await mintLink(order.id));
    const page = await visit.get("", { cookie: `${visit.cookie}; oms_d1_bookmark=not-a-bookmark` });
    expect(page.status).toBe(200);
    expect(cookieValue(bookmarkCookie(page.headers)!)).toMatch(BOOKMARK);
  });
});
