import { env } from "../../test/shard-env";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { first } from "../analytics/d1";
import { primaryWarehouse, primaryWarehouseSql } from "./primary-warehouse";

// An allocation keeps the primary warehouse JavaScript works out from its plan, a re-route the one SQL works out from
// the items and its plan: both must answer alike, ties and capitals included.
describe("the primary warehouse, worked out in JavaScript and in SQL", () => {
  it("agrees on random allocations and re-routes", async () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const warehouses = ["wh_pw_a", "wh_pw_B", "wh_pw_c"];
    const units = () => ({ warehouseId: warehouses[random(3)]!, quantity: 1 + random(3) });
    for (let n = 0; n < 60; n++) {
      const orderId = `ord_pw_${n}`;
      // Items in two shipments, some cancelled (with the order, say: they still count), some re-routed earlier.
      const items = Array.from({ length: 1 + random(4) }, () => ({ ...units(), shipment: `shp_pw_${random(2)}`, cancelled: random(4) === 0, rerouted: random(6) === 0 }));
      await env.DB.batch(
        items.map((i, k) =>
          env.DB.prepare(`INSERT INTO shipment_items (id, shipment_id, origin_shipment_id, order_id, line_no, sku, warehouse_id, bin_id, quantity, reserved_qty,
              cancelled_at, rerouted_at, created_at)
            VALUES (?, ?, ?, ?, ?, 'SKU-PW', ?, 'bin_pw', ?, 0, ?, ?, 0)`).bind(
            `si_pw_${n}_${k}`,
            i.shipment,
            i.shipment,
            orderId,
            k + 1,
            i.warehouseId,
            i.quantity,
            i.cancelled || i.rerouted ? 1 : null,
            i.rerouted ? 1 : null,
          ),
        ),
      );
      const live = items.filter((i) => !i.rerouted);
      const allocated = await first<{ id: string | null }>(env.DB, sql`SELECT ${primaryWarehouseSql(sql`${orderId}`)} AS id`);
      expect(allocated?.id ?? null, JSON.stringify(items)).toBe(primaryWarehouse(live));
      // A re-route of shipment 0's live items, with new items elsewhere.
      const added = Array.from({ length: random(3) }, units);
      const rerouted = await first<{ id: string | null }>(env.DB, sql`SELECT ${primaryWarehouseSql(sql`${orderId}`, { refused: "shp_pw_0", added })} AS id`);
      const after = [...live.filter((i) => i.shipment !== "shp_pw_0" || i.cancelled), ...added];
      expect(rerouted?.id ?? null, JSON.stringify({ items, added })).toBe(primaryWarehouse(after));
    }
  });
});
