// Lays the bench's generated rows out in the order a live database holds them.
//
// The generator yields one whole order at a time: the order, its lines, every event of its life (received today,
// delivered next week), its shipments, floor work, audits and tracking. Loaded that way, an order's history sits
// together in each table, and the rows of any one day are spread over the whole file. A live database is written
// as things happen: each row is appended when its event occurs, so its rows lie in the order of their time, and an
// order's history is spread over the weeks it took. The rollups read the facts of a span of days (docs/analytics.md),
// so which of the two layouts the bench measures decides how many pages a refold reads: the loaded layout made the
// floor fold alone read a page per event from all over the file.
//
// Each table is rewritten in the order its rows are first written live (the key below). Tables with an integer key
// (the work log, stock movements) get keys in that order too, as their autoincrement gives them live; nothing refers
// to those keys. The copy runs inside `move_writer`, like a pool move's copy (src/pools/copy-rows.ts): the outbox
// triggers stay quiet, and the external-id search index follows the orders' new rowids.
import { DatabaseSync } from "node:sqlite";

/** Each table the bench loads, and the order its rows are first written in live. */
const WRITTEN_AT = [
  ["orders", "created_at, id"],
  // Lines are written with their order.
  ["order_lines", "(SELECT o.created_at FROM orders o WHERE o.id = order_lines.order_id), order_id, line_no"],
  ["order_events", "created_at, order_id, seq"],
  ["audit_results", "created_at, id"],
  ["shipments", "created_at, id"],
  ["shipment_items", "created_at, id"],
  ["stock_movements", "created_at, id"],
  ["warehouse_events", "created_at, id"],
  // A tracking row is created with the label and updated in place afterwards.
  ["shipment_tracking", "COALESCE(labelled_at, status_at), shipment_id"],
  ["logistics_exceptions", "created_at, id"],
];

/** Rewrites the tables of the D1 file `file` in the order of WRITTEN_AT. Returns the rows rewritten. */
export function layOutByTime(file) {
  const db = new DatabaseSync(file);
  let rows = 0;
  try {
    // Every row comes back as it was, so the references hold again at the commit; checked on the way, they would not.
    db.exec("PRAGMA foreign_keys = OFF");
    db.exec("BEGIN");
    db.exec("INSERT INTO move_writer (id) VALUES (1)");
    for (const [table, order] of WRITTEN_AT) {
      const info = db.prepare(`SELECT name, type, pk FROM pragma_table_info('${table}')`).all();
      const columns = info.map((c) => `"${c.name}"`);
      const key = info.filter((c) => c.pk > 0);
      // An INTEGER primary key is the rowid: the rows lie in its order, so it is drawn again in the new order.
      const integerKey = key.length === 1 && key[0].type.toUpperCase() === "INTEGER" ? `"${key[0].name}"` : null;
      db.exec(`CREATE TEMP TABLE relayout AS SELECT * FROM "${table}" ORDER BY ${order}`);
      db.exec(`DELETE FROM "${table}"`);
      // The temp table keeps the order it was filled in (its own rowids), so `ORDER BY rowid` is the order above.
      const values = columns.map((c) => (c === integerKey ? "row_number() OVER (ORDER BY rowid)" : c));
      rows += Number(db.prepare(`INSERT INTO "${table}" (${columns.join(", ")}) SELECT ${values.join(", ")} FROM temp.relayout ORDER BY rowid`).run().changes);
      db.exec("DROP TABLE temp.relayout");
    }
    db.exec("DELETE FROM move_writer");
    db.exec("COMMIT");
  } catch (e) {
    if (db.isTransaction) db.exec("ROLLBACK");
    throw e;
  } finally {
    db.close();
  }
  return rows;
}
