import { env } from "../../test/shard-env";
import { describe, expect, it } from "vitest";
import { workLogInserts } from "../fulfilment/parcel-scans";
import { insertMovements } from "../inventory/stock";
import { database } from "./client";

// Local D1 accepts more than 100 bound parameters a statement; Cloudflare's refuses them, so the count is checked here.
const bound = (q: { toSQL(): { params: unknown[] } }) => q.toSQL().params.length;

describe("multi-row inserts stay under D1's 100 bound parameters", () => {
  const db = database(env);

  it("the floor's work log, up to a full batch of 200 scans, every row kept", () => {
    const row = {
      warehouseId: "wh_1",
      shipmentId: "shp_1",
      storeId: "st_1",
      waveId: "wav_1",
      worker: "key_1",
      kind: "scan_mismatch" as const,
      durationMs: 900,
      data: { stage: "pack", code: "X" },
      createdAt: 1,
    };
    for (const n of [1, 10, 11, 12, 200]) {
      const inserts = workLogInserts(
        db,
        Array.from({ length: n }, () => row),
      );
      for (const q of inserts) expect(bound(q)).toBeLessThanOrEqual(100);
      expect(inserts.reduce((sum, q) => sum + bound(q), 0)).toBe(n * 9);
    }
  });

  it("stock movements (12 bound a row, the id is the database's), every row kept", () => {
    const move = {
      warehouseId: "wh_1",
      binId: "bin_1",
      sku: "TEA-1",
      kind: "receive" as const,
      onHandDelta: 1,
      reservedDelta: 0,
      unitCost: 300,
      actor: "key_1",
      reason: "r",
      refType: "receipt",
      refId: "rcv_1",
      createdAt: 1,
    };
    for (const n of [1, 7, 8, 40]) {
      const inserts = insertMovements(
        db,
        Array.from({ length: n }, () => move),
      ) as unknown as { toSQL(): { params: unknown[] } }[];
      for (const q of inserts) expect(bound(q)).toBeLessThanOrEqual(100);
      expect(inserts.reduce((sum, q) => sum + bound(q), 0)).toBe(n * 12);
    }
  });
});
