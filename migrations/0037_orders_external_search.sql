-- `q` over orders' external ids (src/orders/queries.ts): a substring has no index to seek in SQLite, so every
-- store's search scanned a million index entries (bench/README.md). A trigram index answers any substring of three
-- characters or more from its posting lists. Written by hand: drizzle-kit models neither virtual tables nor
-- triggers, so keep this file when migrations are regenerated.
--
-- External content (content='orders'): the index holds only trigrams keyed by the order's rowid, the text stays in
-- orders (nothing duplicated; the external id is the channel's order number, not personal data). columnsize=0:
-- no per-row size table, the search never ranks. The triggers keep it in the transaction of each change; the
-- 'delete' command needs the values as they were indexed, hence old.external_id.
--
-- An FTS5 table changes operations: `wrangler d1 export` refuses a database holding one, so D1 Time Travel is the
-- backup (docs/deployment.md); and anything that renumbers orders' implicit rowids (VACUUM, a dump restored by
-- plain INSERTs) must be followed by INSERT INTO orders_external_fts(orders_external_fts) VALUES('rebuild').
CREATE VIRTUAL TABLE `orders_external_fts` USING fts5(external_id, content='orders', content_rowid='rowid', tokenize='trigram', columnsize=0);
--> statement-breakpoint
INSERT INTO `orders_external_fts`(`orders_external_fts`) VALUES('rebuild');
--> statement-breakpoint
CREATE TRIGGER `orders_external_fts_insert` AFTER INSERT ON `orders`
WHEN new.external_id IS NOT NULL
BEGIN
	INSERT INTO `orders_external_fts`(rowid, `external_id`) VALUES (new.rowid, new.external_id);
END;
--> statement-breakpoint
CREATE TRIGGER `orders_external_fts_delete` AFTER DELETE ON `orders`
WHEN old.external_id IS NOT NULL
BEGIN
	INSERT INTO `orders_external_fts`(`orders_external_fts`, rowid, `external_id`) VALUES ('delete', old.rowid, old.external_id);
END;
--> statement-breakpoint
CREATE TRIGGER `orders_external_fts_update` AFTER UPDATE OF `external_id` ON `orders`
WHEN old.external_id IS NOT new.external_id
BEGIN
	INSERT INTO `orders_external_fts`(`orders_external_fts`, rowid, `external_id`) SELECT 'delete', old.rowid, old.external_id WHERE old.external_id IS NOT NULL;
	INSERT INTO `orders_external_fts`(rowid, `external_id`) SELECT new.rowid, new.external_id WHERE new.external_id IS NOT NULL;
END;
