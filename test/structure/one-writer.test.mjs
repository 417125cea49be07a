// One writer per aggregate, checked on the source: only the order object
// writes `orders.status`, and only the shipment lifecycle module writes
// `shipments.status` (see docs/architecture.md). A new code path that sets
// either status elsewhere fails here, whatever its tests say.
import assert from "node:assert/strict";
import { test } from "node:test";
import { workerSources } from "./sources.mjs";

const files = workerSources();

/** Each `.update(<table>)` call with the text up to its `.where(` (or the next 400 characters): what it sets. */
function updatesOf(text, table) {
  const out = [];
  const re = new RegExp(`\\.update\\(${table}\\)`, "g");
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const rest = text.slice(m.index, m.index + 600);
    const end = rest.indexOf(".where(");
    out.push(end > 0 ? rest.slice(0, end) : rest.slice(0, 400));
  }
  return out;
}

const rawStatusUpdate = (text, table) => new RegExp(`UPDATE\\s+\`?${table}\`?\\s+SET[^;]*\\bstatus\\s*=`, "i").test(text);

test("only the order object writes orders.status", () => {
  // Stricter than the status alone: no other module updates the order row through drizzle at all (archiving's raw UPDATE sets archived_at only).
  const offenders = [];
  for (const f of files) {
    if (f.path === "src/orders/order-object.ts") continue;
    if (updatesOf(f.text, "orders").length || rawStatusUpdate(f.text, "orders")) offenders.push(f.path);
  }
  assert.deepEqual(offenders, []);
  // And the object itself writes it in one place: the commit of a decided change.
  const object = files.find((f) => f.path === "src/orders/order-object.ts");
  assert.equal(updatesOf(object.text, "orders").length, 1);
});

test("only the shipment lifecycle module writes shipments.status", () => {
  const offenders = [];
  for (const f of files) {
    if (f.path === "src/fulfilment/shipment-lifecycle.ts") continue;
    const fragments = updatesOf(f.text, "shipments").filter((u) => /[{,\s]status\s*:/.test(u));
    if (fragments.length || rawStatusUpdate(f.text, "shipments")) offenders.push(f.path);
    // New shipments are born through newShipment(): an insert that spells out a status is another writer.
    if (/\.insert\(shipments\)\.values\(\{[^}]*\bstatus\s*:/.test(f.text)) offenders.push(`${f.path} (insert)`);
  }
  assert.deepEqual(offenders, []);
});

test("the check itself finds a status write where it should", () => {
  const fake = 'db.update(shipments).set({ status: "shipped", updatedAt: now }).where(eq(shipments.id, id))';
  assert.equal(updatesOf(fake, "shipments").filter((u) => /[{,\s]status\s*:/.test(u)).length, 1);
  assert.equal(rawStatusUpdate("UPDATE orders SET status = 'shipped' WHERE id = ?", "orders"), true);
  assert.equal(rawStatusUpdate("UPDATE orders SET archived_at = 1 WHERE id = ?", "orders"), false);
});
