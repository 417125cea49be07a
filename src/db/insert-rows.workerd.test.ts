import { env } from "../../test/shard-env";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { fixtureOrder } from "../../test/fixture-order";
import { outboxRowsFor } from "../outbox/topics";
import { database } from "./client";
import { isSealed, open } from "../lib/pii-crypto";
import { insertQuery } from "./insert-rows";
import { idempotencyKeys, orderEvents, orderLines, orders, outbox, stores } from "./schema";

const { order, lines, event } = fixtureOrder({
  storeId: "st_insert_rows",
  externalId: "ext-1",
  person: { name: "Ada Lovelace", email: "ada@example.com", phone: "+44 20 7946 0000", line1: "12 St James's Square", postalCode: "SW1Y 4JH" },
  second: { sku: "SVC-1", name: "Gift wrap", type: "service" },
  now: Date.UTC(2026, 10, 26, 12),
});
const rows = outboxRowsFor(order.id, "received", order.createdAt, { store_id: order.storeId, channel: order.channel });

describe("insertRows", () => {
  it("writes the statement drizzle would: same SQL, same parameters, for every intake table", () => {
    const db = database(env);
    const cases = [
      [orders, [order]],
      [orderLines, lines],
      [orderEvents, [event]],
      [outbox, rows],
      [
        idempotencyKeys,
        [
          {
            principalId: "key_test",
            key: "k1",
            requestHash: "h",
            method: "POST",
            path: "/v1/orders",
            status: 201,
            responseBody: "{}",
            responseHeaders: { etag: '"1"' },
            createdAt: 1,
          },
        ],
      ],
    ] as const;
    for (const [table, values] of cases) {
      const theirs = db
        .insert(table)
        .values(values as never)
        .toSQL();
      const ours = insertQuery(table, values as never);
      // Drizzle writes a column with no value and no default as a literal null; ours binds a null there.
      const valuesPart = theirs.sql.slice(theirs.sql.indexOf(" values "));
      const params = [...theirs.params];
      const expected = [...valuesPart.matchAll(/\?|\bnull\b/g)].map((m) => (m[0] === "?" ? params.shift() : null));
      expect(ours.sql).toBe(theirs.sql.replace(/\bnull\b/g, "?"));
      // Encrypted columns seal with a fresh nonce each time: compare what the ciphertexts open to.
      const opened = (values: unknown[]) => values.map((v) => (typeof v === "string" && isSealed(v) ? open(v) : v));
      expect(opened(ours.params)).toEqual(opened(expected));
      expect(ours.params).toHaveLength(ours.sql.split("?").length - 1);
    }
  });

  it("the rows it writes read back through drizzle as they went in (JSON, booleans, defaults)", async () => {
    const db = database(env);
    await db.insert(stores).values({ id: order.storeId, name: "Insert rows", currency: "GBP", createdAt: 1, updatedAt: 1 }).onConflictDoNothing();
    const q = insertQuery(orders, [order]);
    await env.DB.prepare(q.sql)
      .bind(...q.params)
      .run();
    const back = await db.select().from(orders).where(eq(orders.id, order.id)).get();
    expect(back).toMatchObject({ ...order });
    expect(back!.shippingAddress).toEqual(order.shippingAddress);
    expect(back!.requiresShipping).toBe(true);
    expect(back!.confirmations).toEqual([]);
  });

  it("refuses an empty insert", () => {
    expect(() => insertQuery(outbox, [])).toThrow("no rows");
  });
});
