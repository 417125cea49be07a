import { env } from "../../test/shard-env";
import { and, asc, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { fixtureOrder } from "../../test/fixture-order";
import { database } from "./client";
import { inBatch, insertRow, perDatabase, perShape, type ScopeShape, scopedTo, scopeShape, scopeValues } from "./prepared";
import { orderEvents, orderLines, orders, stores } from "./schema";

const { order, lines, event } = fixtureOrder({
  storeId: "st_prepared",
  externalId: "ext-prepared",
  person: { name: "Grace Hopper", email: "grace@example.com", phone: "+44 20 7946 0001", line1: "1 Navy Yard", postalCode: "SW1A 1AA" },
  second: { sku: "TEA-2", name: "Green tea", type: "goods" },
  now: Date.UTC(2026, 11, 5, 1),
});

const orderId = sql.placeholder("orderId");
const queries = perDatabase((db) => ({
  order: db.select().from(orders).where(eq(orders.id, orderId)).prepare(),
  lines: db.select().from(orderLines).where(eq(orderLines.orderId, orderId)).orderBy(asc(orderLines.lineNo)).prepare(),
  lineCount: db
    .select({ n: sql<number>`COUNT(*)`.mapWith(Number) })
    .from(orderLines)
    .where(eq(orderLines.orderId, orderId))
    .prepare(),
}));

async function seed() {
  const db = database(env);
  await db.insert(stores).values({ id: order.storeId, name: "Prepared", currency: "GBP", createdAt: 1, updatedAt: 1 }).onConflictDoNothing();
  await db.delete(orderEvents).where(eq(orderEvents.orderId, order.id));
  await db.delete(orderLines).where(eq(orderLines.orderId, order.id));
  await db.delete(orders).where(eq(orders.id, order.id));
  // Written by drizzle's builder: what the prepared statements must read back alike.
  await db.batch([db.insert(orders).values(order), db.insert(orderLines).values(lines)]);
  return db;
}

describe("prepared statements (src/db/prepared.ts)", () => {
  it("are built once per database and kept", () => {
    const db = database(env);
    expect(queries(db)).toBe(queries(db));
    expect(queries(db).order).toBe(queries(database(env)).order);
  });

  it("read rows as the builder reads them, sealed columns opened, alone and in a batch beside builder queries", async () => {
    const db = await seed();
    const [byBuilder, linesByBuilder] = await db.batch([
      db.select().from(orders).where(eq(orders.id, order.id)),
      db.select().from(orderLines).where(eq(orderLines.orderId, order.id)).orderBy(asc(orderLines.lineNo)),
    ]);
    expect(byBuilder[0]!.customerName).toBe("Grace Hopper");

    const q = queries(db);
    expect(await q.order.get({ orderId: order.id })).toEqual(byBuilder[0]);
    expect(await q.order.all({ orderId: order.id })).toEqual(byBuilder);
    expect(await q.order.get({ orderId: "ord_nope" })).toBeUndefined();

    const [mixed, one, ls, none, count] = await db.batch([
      db.select({ id: orders.id }).from(orders).where(eq(orders.id, order.id)),
      inBatch(q.order, { orderId: order.id }),
      inBatch(q.lines, { orderId: order.id }),
      inBatch(q.lines, { orderId: "ord_nope" }),
      inBatch(q.lineCount, { orderId: order.id }),
    ]);
    expect(mixed).toEqual([{ id: order.id }]);
    expect(one).toEqual(byBuilder);
    expect(ls).toEqual(linesByBuilder);
    expect(ls).toHaveLength(2);
    expect(none).toEqual([]);
    expect(count).toEqual([{ n: 2 }]);
  });

  it("a missing value is refused before anything is sent", async () => {
    const db = database(env);
    await expect(queries(db).order.get({})).rejects.toThrow('No value for placeholder "orderId"');
    await expect(db.batch([inBatch(queries(db).order, {})])).rejects.toThrow('No value for placeholder "orderId"');
  });

  it("insertRow writes in a batch what drizzle's insert writes (JSON, nulls), and fails the batch with it", async () => {
    const db = await seed();
    const mine = { ...event, id: `${event.id}a`, seq: 2, data: { held_ms: 5, note: "ünïcode" } };
    const [r] = await db.batch([insertRow(db, orderEvents, [mine]), db.insert(orderEvents).values({ ...event, seq: 1 })]);
    expect(r.meta.changes).toBe(1);
    const back = await db.select().from(orderEvents).where(eq(orderEvents.orderId, order.id)).orderBy(asc(orderEvents.seq)).all();
    expect(back.map((e) => e.seq)).toEqual([1, 2]);
    expect(back[1]).toEqual({ ...back[0], ...mine, internalNote: null, customerMessage: null, reason: mine.reason ?? null });
    expect(back[1]!.data).toEqual({ held_ms: 5, note: "ünïcode" });
    // The same seq again: the batch fails as a whole, nothing of it written.
    await expect(
      db.batch([db.insert(orderEvents).values({ ...event, id: `${event.id}b`, seq: 3 }), insertRow(db, orderEvents, [{ ...mine, id: `${event.id}c` }])]),
    ).rejects.toThrow(/constraint failed/);
    expect(await db.select({ seq: orderEvents.seq }).from(orderEvents).where(eq(orderEvents.orderId, order.id)).all()).toHaveLength(2);
  });

  it("a scoped statement (one per scope shape) finds the row only inside the principal's stores and warehouses", async () => {
    const db = await seed();
    const byId = perShape((d: typeof db, shape: ScopeShape) =>
      d
        .select({ id: orders.id })
        .from(orders)
        .where(and(eq(orders.id, sql.placeholder("id")), scopedTo(shape, orders.storeId, orders.storeId)))
        .prepare(),
    );
    const find = (p: { stores: "*" | string[]; warehouses?: "*" | string[] }) => byId(db, scopeShape(p)).get({ ...scopeValues(p), id: order.id });
    expect(scopeShape({ stores: "*" })).toBe("all-all");
    expect(byId(db, "some-all")).toBe(byId(db, "some-all"));
    expect(byId(db, "some-all")).not.toBe(byId(db, "all-all"));
    expect(await find({ stores: "*" })).toEqual({ id: order.id });
    expect(await find({ stores: [order.storeId, "st_other"] })).toEqual({ id: order.id });
    expect(await find({ stores: ["st_other"] })).toBeUndefined();
    expect(await find({ stores: [] })).toBeUndefined();
    // The second column stands in for a warehouse scope here: both lists must hold.
    expect(await find({ stores: "*", warehouses: [order.storeId] })).toEqual({ id: order.id });
    expect(await find({ stores: [order.storeId], warehouses: ["wh_other"] })).toBeUndefined();
    expect(() => scopedTo("all-some", orders.storeId)).toThrow("warehouse column");
  });
});
