/**
 * Blocklist entries stored before postal codes were compacted: the hourly re-encryption job (src/db/reseal-pii.ts)
 * brings them to the current form, so they match an address however its postcode is typed; an entry whose new form
 * another entry already holds stays as it is (that one matches for it), and entries already in the current form keep
 * their value and index. Each run's batch completes, and a run after the last finds nothing to do.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { resealPii } from "../src/db/reseal-pii";
import { blindIndex, open } from "../src/lib/pii-crypto";
import { api, auditedOrder, createProduct, createStore, orderBody, unique } from "./helpers";
import { dbOf, envOf } from "./shard-helpers";

let store: { id: string };
let db: D1Database;
let shardEnv: Awaited<ReturnType<typeof envOf>>;

type Raw = { value: string; value_index: string | null; value_form: number | null };

beforeAll(async () => {
  store = await createStore(unique("blk-form"), "USD", { autoAudit: true });
  await createProduct(store.id, "TEA-1", { price: "12.50" });
  db = await dbOf({ store: store.id });
  shardEnv = await envOf({ store: store.id });
});

/** An entry as releases before this one stored it: no form, the value in the clear (sealed by the job) or as given. */
async function storedBefore(kind: "email" | "phone" | "address", value: string, index: string | null = blindIndex(kind, store.id, value)) {
  const id = `blk_${unique("before").replaceAll("-", "")}`;
  await db
    .prepare("INSERT INTO blocklist_entries (id, store_id, kind, value, value_index, note, created_by, created_at) VALUES (?, ?, ?, ?, ?, 'stored before', 'test', ?)")
    .bind(id, store.id, kind, value, index, Date.now())
    .run();
  return id;
}

const raw = async (id: string) => (await db.prepare("SELECT value, value_index, value_form FROM blocklist_entries WHERE id = ?").bind(id).first<Raw>())!;

/** Runs the job until a run changes nothing (every table, other tests' rows included); fails if it never gets there. */
async function drain() {
  for (let runs = 1; runs <= 50; runs++) {
    const done = await resealPii(shardEnv, { limit: 500 });
    if (Object.values(done).every((n) => n === 0)) return;
  }
  throw new Error("the re-encryption job did not finish");
}

const audited = (line1: string, postal_code: string): Promise<{ status: string; status_reason: string | null }> =>
  auditedOrder(
    orderBody(store.id, {
      payment_status: "paid",
      customer: { name: "Eve", email: `${unique("eve")}@example.com` },
      shipping_address: { name: "Eve", line1, city: "Leeds", postal_code, country: "GB" },
      lines: [{ sku: "TEA-1", quantity: 1, unit_price: "12.50" }],
      shipping_amount: "0",
    }),
  );

// Letters and digits only in a street's unique part, so its folded form is plain to write down here.
const street = (name: string) => `${name} ${unique("s").replaceAll("-", "")}`;

describe("blocklist entries stored before postal codes were compacted", () => {
  it("are brought to the current form by the re-encryption job, and then match the postcode typed either way", async () => {
    const old = street("9 old road").toLowerCase();
    const id = await storedBefore("address", `${old}|ls2 7hy|gb`);
    // Before the job: only the spelling it was stored with.
    expect((await audited(old, "LS27HY")).status).toBe("approved");

    await drain();
    const after = await raw(id);
    expect(after.value).toMatch(/^enc1:/);
    expect(open(after.value)).toBe(`${old}|ls27hy|gb`);
    expect(after.value_index).toBe(blindIndex("address", store.id, `${old}|ls27hy|gb`));
    expect(after.value_form).toBe(2);
    const listed = (await api(`/v1/stores/${store.id}/blocklist?limit=200`)).body.data.find((e: any) => e.id === id);
    expect(listed).toMatchObject({ kind: "address", value: `${old}|ls27hy|gb`, note: "stored before" });

    for (const postal of ["LS27HY", "ls2 7hy", "LS2-7HY"])
      expect(await audited(old.toUpperCase(), postal)).toMatchObject({ status: "cancelled", status_reason: "The customer's address is blocked" });
    expect((await audited(old, "LS2 7HZ")).status).toBe("approved");
  });

  it("an entry whose new form another entry holds keeps its own, and both still block; the batch around it completes", async () => {
    const twin = street("11 twin street");
    const current = await api(`/v1/stores/${store.id}/blocklist`, { body: { kind: "address", address: { line1: twin, postal_code: "LS3 1AA", country: "GB" } } });
    expect(current.status).toBe(201);
    expect((await raw(current.body.id)).value_form).toBe(2);
    const oldValue = `${twin.toLowerCase()}|ls3 1aa|gb`;
    const id = await storedBefore("address", oldValue);
    // One beside it in the same run that does change, so a collision failing the batch would show.
    const other = street("13 other street").toLowerCase();
    const otherId = await storedBefore("address", `${other}|ls4 2bb|gb`);

    await drain();
    const kept = await raw(id);
    expect(open(kept.value)).toBe(oldValue);
    expect(kept.value_index).toBe(blindIndex("address", store.id, oldValue));
    expect(kept.value_form).toBe(2);
    expect(open((await raw(current.body.id)).value)).toBe(`${twin.toLowerCase()}|ls31aa|gb`);
    expect(open((await raw(otherId)).value)).toBe(`${other}|ls42bb|gb`);
    for (const postal of ["LS3 1AA", "LS31AA"]) expect((await audited(twin, postal)).status).toBe("cancelled");
    expect((await audited(other, "LS42BB")).status).toBe("cancelled");
  });

  it("two entries stored alike before values were indexed: one keeps the index, the other gets one nothing looks up, and the job finishes", async () => {
    const same = street("15 same street").toLowerCase();
    const value = `${same}|ls5 3cc|gb`;
    const first = await storedBefore("address", value, null);
    const second = await storedBefore("address", value, null);

    await drain();
    const rows = [await raw(first), await raw(second)];
    const indexed = rows.filter((r) => r.value_index === blindIndex("address", store.id, `${same}|ls53cc|gb`));
    expect(indexed).toHaveLength(1);
    expect(rows.map((r) => r.value_index)).toContain(`duplicate:${rows[0] === indexed[0] ? second : first}`);
    expect(rows.map((r) => r.value_form)).toEqual([2, 2]);
    expect((await audited(same, "LS5 3CC")).status).toBe("cancelled");
  });

  it("leaves emails and phones as they were stored, marked current, and a run after the last changes nothing", async () => {
    const email = `${unique("mallory")}@example.com`;
    const emailId = await storedBefore("email", email);
    // A number stored as typed, without its country: it cannot be read without the country it was typed for.
    const phoneId = await storedBefore("phone", "2079460958");

    await drain();
    for (const [id, value, kind] of [
      [emailId, email, "email"],
      [phoneId, "2079460958", "phone"],
    ] as const) {
      const r = await raw(id);
      expect(open(r.value)).toBe(value);
      expect(r.value_index).toBe(blindIndex(kind, store.id, value));
      expect(r.value_form).toBe(2);
    }
    const again = await resealPii(shardEnv, { limit: 500 });
    expect(again.blocklist_entries ?? 0).toBe(0);
    const left = await db.prepare("SELECT COUNT(*) AS n FROM blocklist_entries WHERE value_form IS NOT 2 OR value_index IS NULL").first<{ n: number }>();
    expect(left!.n).toBe(0);
  });
});
