-- Moving a stock pool between shards (docs/SHARDING.md section 8; src/db/schema/pool-moves.ts).
-- The event triggers stay silent for the move's own copy batches (`move_writer`): a copied row is not a change, and
-- the move copies the source's events as they were. Then every table a store or a warehouse owns gets its guards,
-- printed by scripts/move-guards.mjs from src/db/placement.ts: a write to a row of an owner in `moving_owners` is
-- refused with 'pool_moving' (frozen on the source, arriving on the target), or its key logged in `move_changes`
-- while the pool is copied from this database, unless the move writes it.
CREATE TABLE `move_changes` (
	`id` integer PRIMARY KEY NOT NULL,
	`pool_id` text NOT NULL,
	`tbl` text NOT NULL,
	`key` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `move_changes_pool` ON `move_changes` (`pool_id`,`id`);--> statement-breakpoint
CREATE TABLE `move_writer` (
	`id` integer PRIMARY KEY NOT NULL
);
--> statement-breakpoint
CREATE TABLE `moved_rows` (
	`pool_id` text NOT NULL,
	`log` text NOT NULL,
	`from_id` integer NOT NULL,
	`to_id` integer NOT NULL,
	PRIMARY KEY(`pool_id`, `log`, `from_id`)
);
--> statement-breakpoint
CREATE TABLE `moving_owners` (
	`owner_id` text PRIMARY KEY NOT NULL,
	`pool_id` text NOT NULL,
	`side` text NOT NULL,
	`created_at` integer NOT NULL,
	CONSTRAINT "moving_owners_side" CHECK("moving_owners"."side" IN ('copying', 'source', 'target'))
);
--> statement-breakpoint
CREATE TABLE `pool_moves` (
	`pool_id` text PRIMARY KEY NOT NULL,
	`from_shard` text NOT NULL,
	`to_shard` text NOT NULL,
	`phase` text NOT NULL,
	`progress` text NOT NULL,
	`passes` integer DEFAULT 0 NOT NULL,
	`started_at` integer NOT NULL,
	`frozen_at` integer,
	`switched_at` integer,
	`updated_at` integer NOT NULL,
	CONSTRAINT "pool_moves_phase" CHECK("pool_moves"."phase" IN ('copying', 'frozen', 'switched', 'cleaned'))
);
--> statement-breakpoint
DROP TRIGGER `events_order_created`;
--> statement-breakpoint
CREATE TRIGGER `events_order_created` AFTER INSERT ON `orders`
WHEN NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	INSERT INTO `events` (`store_id`, `type`, `order_id`, `resource_id`, `order_version`, `data`, `created_at`)
	VALUES (new.store_id, 'order.created', new.id, new.id, new.version,
		json_object('order_id', new.id, 'external_id', new.external_id, 'channel', new.channel, 'status', new.status, 'payment_status', new.payment_status, 'version', new.version), CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER));
END;
--> statement-breakpoint
DROP TRIGGER `events_order_changed`;
--> statement-breakpoint
CREATE TRIGGER `events_order_changed` AFTER UPDATE OF `status`, `payment_status`, `version` ON `orders`
WHEN (old.status IS NOT new.status OR old.payment_status IS NOT new.payment_status OR old.version IS NOT new.version)
	AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	INSERT INTO `events` (`store_id`, `type`, `order_id`, `resource_id`, `order_version`, `data`, `created_at`)
	VALUES (new.store_id, CASE WHEN old.status IS NOT new.status THEN 'order.status_changed' ELSE 'order.updated' END, new.id, new.id, new.version,
		json_object('order_id', new.id, 'external_id', new.external_id, 'status', new.status, 'previous_status', old.status, 'payment_status', new.payment_status, 'previous_payment_status', old.payment_status, 'version', new.version), CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER));
END;
--> statement-breakpoint
DROP TRIGGER `events_shipment_created`;
--> statement-breakpoint
CREATE TRIGGER `events_shipment_created` AFTER INSERT ON `shipments`
WHEN NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	INSERT INTO `events` (`store_id`, `type`, `order_id`, `resource_id`, `order_version`, `data`, `created_at`)
	VALUES (new.store_id, 'shipment.created', new.order_id, new.id, (SELECT `version` FROM `orders` WHERE `id` = new.order_id),
		json_object('shipment_id', new.id, 'order_id', new.order_id, 'warehouse_id', new.warehouse_id, 'status', new.status, 'carrier', new.carrier, 'tracking_number', (SELECT `tracking_number` FROM `shipment_tracking` WHERE `shipment_id` = new.id), 'tracking_url', (SELECT `tracking_url` FROM `shipment_tracking` WHERE `shipment_id` = new.id)), CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER));
END;
--> statement-breakpoint
DROP TRIGGER `events_shipment_status`;
--> statement-breakpoint
CREATE TRIGGER `events_shipment_status` AFTER UPDATE OF `status` ON `shipments`
WHEN (old.status IS NOT new.status)
	AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	INSERT INTO `events` (`store_id`, `type`, `order_id`, `resource_id`, `order_version`, `data`, `created_at`)
	VALUES (new.store_id, 'shipment.status_changed', new.order_id, new.id, (SELECT `version` FROM `orders` WHERE `id` = new.order_id),
		json_object('shipment_id', new.id, 'order_id', new.order_id, 'warehouse_id', new.warehouse_id, 'status', new.status, 'previous_status', old.status, 'carrier', new.carrier, 'tracking_number', (SELECT `tracking_number` FROM `shipment_tracking` WHERE `shipment_id` = new.id), 'tracking_url', (SELECT `tracking_url` FROM `shipment_tracking` WHERE `shipment_id` = new.id)), CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER));
END;
--> statement-breakpoint
DROP TRIGGER `events_tracking_recorded`;
--> statement-breakpoint
CREATE TRIGGER `events_tracking_recorded` AFTER INSERT ON `tracking_events`
WHEN (new.processed_at IS NOT NULL AND new.shipment_id IS NOT NULL)
	AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	INSERT INTO `events` (`store_id`, `type`, `order_id`, `resource_id`, `order_version`, `data`, `created_at`)
	SELECT st.store_id, 'tracking.updated', st.order_id, new.shipment_id, (SELECT `version` FROM `orders` WHERE `id` = st.order_id),
		json_object('shipment_id', new.shipment_id, 'order_id', st.order_id, 'tracking_number', new.tracking_number, 'carrier', coalesce(new.carrier, st.carrier), 'status', new.status, 'outcome', new.outcome, 'occurred_at', strftime('%Y-%m-%dT%H:%M:%fZ', new.occurred_at / 1000.0, 'unixepoch')), CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER)
	FROM `shipment_tracking` st WHERE st.shipment_id = new.shipment_id;
END;
--> statement-breakpoint
DROP TRIGGER `events_tracking_processed`;
--> statement-breakpoint
CREATE TRIGGER `events_tracking_processed` AFTER UPDATE OF `processed_at` ON `tracking_events`
WHEN (old.processed_at IS NULL AND new.processed_at IS NOT NULL AND new.shipment_id IS NOT NULL)
	AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	INSERT INTO `events` (`store_id`, `type`, `order_id`, `resource_id`, `order_version`, `data`, `created_at`)
	SELECT st.store_id, 'tracking.updated', st.order_id, new.shipment_id, (SELECT `version` FROM `orders` WHERE `id` = st.order_id),
		json_object('shipment_id', new.shipment_id, 'order_id', st.order_id, 'tracking_number', new.tracking_number, 'carrier', coalesce(new.carrier, st.carrier), 'status', new.status, 'outcome', new.outcome, 'occurred_at', strftime('%Y-%m-%dT%H:%M:%fZ', new.occurred_at / 1000.0, 'unixepoch')), CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER)
	FROM `shipment_tracking` st WHERE st.shipment_id = new.shipment_id;
END;
--> statement-breakpoint
DROP TRIGGER `events_after_sales_created`;
--> statement-breakpoint
CREATE TRIGGER `events_after_sales_created` AFTER INSERT ON `after_sales_requests`
WHEN NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	INSERT INTO `events` (`store_id`, `type`, `order_id`, `resource_id`, `order_version`, `data`, `created_at`)
	VALUES (new.store_id, 'after_sales.created', new.order_id, new.id, (SELECT `version` FROM `orders` WHERE `id` = new.order_id),
		json_object('request_id', new.id, 'order_id', new.order_id, 'kind', new.kind, 'status', new.status, 'resolution', new.resolution, 'version', new.version), CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER));
END;
--> statement-breakpoint
DROP TRIGGER `events_after_sales_status`;
--> statement-breakpoint
CREATE TRIGGER `events_after_sales_status` AFTER UPDATE OF `status` ON `after_sales_requests`
WHEN (old.status IS NOT new.status)
	AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	INSERT INTO `events` (`store_id`, `type`, `order_id`, `resource_id`, `order_version`, `data`, `created_at`)
	VALUES (new.store_id, 'after_sales.status_changed', new.order_id, new.id, (SELECT `version` FROM `orders` WHERE `id` = new.order_id),
		json_object('request_id', new.id, 'order_id', new.order_id, 'kind', new.kind, 'status', new.status, 'previous_status', old.status, 'resolution', new.resolution, 'version', new.version), CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER));
END;
--> statement-breakpoint
DROP TRIGGER `events_stock_created`;
--> statement-breakpoint
CREATE TRIGGER `events_stock_created` AFTER INSERT ON `stock_levels`
WHEN (new.on_hand <> 0 OR new.reserved <> 0)
	AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	INSERT INTO `events` (`store_id`, `type`, `order_id`, `resource_id`, `order_version`, `data`, `created_at`)
	SELECT j.value, 'stock.changed', NULL, new.sku, NULL,
		json_object('warehouse_id', new.warehouse_id, 'bin_id', new.bin_id, 'sku', new.sku, 'on_hand', new.on_hand, 'reserved', new.reserved, 'available', new.on_hand - new.reserved, 'previous_on_hand', 0, 'previous_reserved', 0, 'warehouse_available', (SELECT sum(`on_hand` - `reserved`) FROM `stock_levels` WHERE `warehouse_id` = new.warehouse_id AND `sku` = new.sku)), CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER)
	FROM `warehouses` w, json_each(w.store_ids) j WHERE w.id = new.warehouse_id;
END;
--> statement-breakpoint
DROP TRIGGER `events_stock_changed`;
--> statement-breakpoint
CREATE TRIGGER `events_stock_changed` AFTER UPDATE OF `on_hand`, `reserved` ON `stock_levels`
WHEN (old.on_hand IS NOT new.on_hand OR old.reserved IS NOT new.reserved)
	AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	INSERT INTO `events` (`store_id`, `type`, `order_id`, `resource_id`, `order_version`, `data`, `created_at`)
	SELECT j.value, 'stock.changed', NULL, new.sku, NULL,
		json_object('warehouse_id', new.warehouse_id, 'bin_id', new.bin_id, 'sku', new.sku, 'on_hand', new.on_hand, 'reserved', new.reserved, 'available', new.on_hand - new.reserved, 'previous_on_hand', old.on_hand, 'previous_reserved', old.reserved, 'warehouse_available', (SELECT sum(`on_hand` - `reserved`) FROM `stock_levels` WHERE `warehouse_id` = new.warehouse_id AND `sku` = new.sku)), CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER)
	FROM `warehouses` w, json_each(w.store_ids) j WHERE w.id = new.warehouse_id;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_stores_insert` BEFORE INSERT ON `stores`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'stores', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_stores_update` BEFORE UPDATE ON `stores`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`id`, NEW.`id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'stores', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`id`, NEW.`id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'stores', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`id`, NEW.`id`) AND `side` = 'copying' AND json_array(NEW.`id`) IS NOT json_array(OLD.`id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_stores_delete` BEFORE DELETE ON `stores`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'stores', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_products_insert` BEFORE INSERT ON `products`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'products', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_products_update` BEFORE UPDATE ON `products`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'products', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'products', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`id`) IS NOT json_array(OLD.`id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_products_delete` BEFORE DELETE ON `products`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'products', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_orders_insert` BEFORE INSERT ON `orders`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'orders', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_orders_update` BEFORE UPDATE ON `orders`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'orders', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'orders', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`id`) IS NOT json_array(OLD.`id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_orders_delete` BEFORE DELETE ON `orders`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'orders', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_order_lines_insert` BEFORE INSERT ON `order_lines`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = NEW.`order_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'order_lines', json_array(NEW.`order_id`, NEW.`line_no`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = NEW.`order_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_order_lines_update` BEFORE UPDATE ON `order_lines`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = OLD.`order_id`), (SELECT v.`store_id` FROM `orders` v WHERE v.`id` = NEW.`order_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'order_lines', json_array(OLD.`order_id`, OLD.`line_no`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = OLD.`order_id`), (SELECT v.`store_id` FROM `orders` v WHERE v.`id` = NEW.`order_id`)) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'order_lines', json_array(NEW.`order_id`, NEW.`line_no`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = OLD.`order_id`), (SELECT v.`store_id` FROM `orders` v WHERE v.`id` = NEW.`order_id`)) AND `side` = 'copying' AND json_array(NEW.`order_id`, NEW.`line_no`) IS NOT json_array(OLD.`order_id`, OLD.`line_no`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_order_lines_delete` BEFORE DELETE ON `order_lines`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = OLD.`order_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'order_lines', json_array(OLD.`order_id`, OLD.`line_no`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = OLD.`order_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_order_events_insert` BEFORE INSERT ON `order_events`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = NEW.`order_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'order_events', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = NEW.`order_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_order_events_update` BEFORE UPDATE ON `order_events`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = OLD.`order_id`), (SELECT v.`store_id` FROM `orders` v WHERE v.`id` = NEW.`order_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'order_events', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = OLD.`order_id`), (SELECT v.`store_id` FROM `orders` v WHERE v.`id` = NEW.`order_id`)) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'order_events', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = OLD.`order_id`), (SELECT v.`store_id` FROM `orders` v WHERE v.`id` = NEW.`order_id`)) AND `side` = 'copying' AND json_array(NEW.`id`) IS NOT json_array(OLD.`id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_order_events_delete` BEFORE DELETE ON `order_events`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = OLD.`order_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'order_events', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = OLD.`order_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_order_hold_reasons_insert` BEFORE INSERT ON `order_hold_reasons`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = NEW.`order_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'order_hold_reasons', json_array(NEW.`order_id`, NEW.`code`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = NEW.`order_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_order_hold_reasons_update` BEFORE UPDATE ON `order_hold_reasons`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = OLD.`order_id`), (SELECT v.`store_id` FROM `orders` v WHERE v.`id` = NEW.`order_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'order_hold_reasons', json_array(OLD.`order_id`, OLD.`code`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = OLD.`order_id`), (SELECT v.`store_id` FROM `orders` v WHERE v.`id` = NEW.`order_id`)) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'order_hold_reasons', json_array(NEW.`order_id`, NEW.`code`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = OLD.`order_id`), (SELECT v.`store_id` FROM `orders` v WHERE v.`id` = NEW.`order_id`)) AND `side` = 'copying' AND json_array(NEW.`order_id`, NEW.`code`) IS NOT json_array(OLD.`order_id`, OLD.`code`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_order_hold_reasons_delete` BEFORE DELETE ON `order_hold_reasons`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = OLD.`order_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'order_hold_reasons', json_array(OLD.`order_id`, OLD.`code`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = OLD.`order_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_order_claims_insert` BEFORE INSERT ON `order_claims`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = NEW.`order_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'order_claims', json_array(NEW.`order_id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = NEW.`order_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_order_claims_update` BEFORE UPDATE ON `order_claims`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = OLD.`order_id`), (SELECT v.`store_id` FROM `orders` v WHERE v.`id` = NEW.`order_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'order_claims', json_array(OLD.`order_id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = OLD.`order_id`), (SELECT v.`store_id` FROM `orders` v WHERE v.`id` = NEW.`order_id`)) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'order_claims', json_array(NEW.`order_id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = OLD.`order_id`), (SELECT v.`store_id` FROM `orders` v WHERE v.`id` = NEW.`order_id`)) AND `side` = 'copying' AND json_array(NEW.`order_id`) IS NOT json_array(OLD.`order_id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_order_claims_delete` BEFORE DELETE ON `order_claims`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = OLD.`order_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'order_claims', json_array(OLD.`order_id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = OLD.`order_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_order_notes_insert` BEFORE INSERT ON `order_notes`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'order_notes', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_order_notes_update` BEFORE UPDATE ON `order_notes`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'order_notes', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'order_notes', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`id`) IS NOT json_array(OLD.`id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_order_notes_delete` BEFORE DELETE ON `order_notes`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'order_notes', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_audit_rule_sets_insert` BEFORE INSERT ON `audit_rule_sets`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'audit_rule_sets', json_array(NEW.`store_id`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_audit_rule_sets_update` BEFORE UPDATE ON `audit_rule_sets`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'audit_rule_sets', json_array(OLD.`store_id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'audit_rule_sets', json_array(NEW.`store_id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`store_id`) IS NOT json_array(OLD.`store_id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_audit_rule_sets_delete` BEFORE DELETE ON `audit_rule_sets`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'audit_rule_sets', json_array(OLD.`store_id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_audit_results_insert` BEFORE INSERT ON `audit_results`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = NEW.`order_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'audit_results', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = NEW.`order_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_audit_results_update` BEFORE UPDATE ON `audit_results`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = OLD.`order_id`), (SELECT v.`store_id` FROM `orders` v WHERE v.`id` = NEW.`order_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'audit_results', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = OLD.`order_id`), (SELECT v.`store_id` FROM `orders` v WHERE v.`id` = NEW.`order_id`)) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'audit_results', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = OLD.`order_id`), (SELECT v.`store_id` FROM `orders` v WHERE v.`id` = NEW.`order_id`)) AND `side` = 'copying' AND json_array(NEW.`id`) IS NOT json_array(OLD.`id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_audit_results_delete` BEFORE DELETE ON `audit_results`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = OLD.`order_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'audit_results', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = OLD.`order_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_blocklist_entries_insert` BEFORE INSERT ON `blocklist_entries`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'blocklist_entries', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_blocklist_entries_update` BEFORE UPDATE ON `blocklist_entries`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'blocklist_entries', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'blocklist_entries', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`id`) IS NOT json_array(OLD.`id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_blocklist_entries_delete` BEFORE DELETE ON `blocklist_entries`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'blocklist_entries', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_notifications_insert` BEFORE INSERT ON `notifications`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'notifications', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_notifications_update` BEFORE UPDATE ON `notifications`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'notifications', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'notifications', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`id`) IS NOT json_array(OLD.`id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_notifications_delete` BEFORE DELETE ON `notifications`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'notifications', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_customer_tokens_insert` BEFORE INSERT ON `customer_tokens`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = NEW.`order_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'customer_tokens', json_array(NEW.`token_hash`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = NEW.`order_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_customer_tokens_update` BEFORE UPDATE ON `customer_tokens`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = OLD.`order_id`), (SELECT v.`store_id` FROM `orders` v WHERE v.`id` = NEW.`order_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'customer_tokens', json_array(OLD.`token_hash`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = OLD.`order_id`), (SELECT v.`store_id` FROM `orders` v WHERE v.`id` = NEW.`order_id`)) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'customer_tokens', json_array(NEW.`token_hash`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = OLD.`order_id`), (SELECT v.`store_id` FROM `orders` v WHERE v.`id` = NEW.`order_id`)) AND `side` = 'copying' AND json_array(NEW.`token_hash`) IS NOT json_array(OLD.`token_hash`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_customer_tokens_delete` BEFORE DELETE ON `customer_tokens`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = OLD.`order_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'customer_tokens', json_array(OLD.`token_hash`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `orders` v WHERE v.`id` = OLD.`order_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_routing_policies_insert` BEFORE INSERT ON `routing_policies`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'routing_policies', json_array(NEW.`store_id`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_routing_policies_update` BEFORE UPDATE ON `routing_policies`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'routing_policies', json_array(OLD.`store_id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'routing_policies', json_array(NEW.`store_id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`store_id`) IS NOT json_array(OLD.`store_id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_routing_policies_delete` BEFORE DELETE ON `routing_policies`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'routing_policies', json_array(OLD.`store_id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_allocations_insert` BEFORE INSERT ON `allocations`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'allocations', json_array(NEW.`order_id`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_allocations_update` BEFORE UPDATE ON `allocations`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'allocations', json_array(OLD.`order_id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'allocations', json_array(NEW.`order_id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`order_id`) IS NOT json_array(OLD.`order_id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_allocations_delete` BEFORE DELETE ON `allocations`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'allocations', json_array(OLD.`order_id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_shipments_insert` BEFORE INSERT ON `shipments`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'shipments', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_shipments_update` BEFORE UPDATE ON `shipments`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'shipments', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'shipments', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`id`) IS NOT json_array(OLD.`id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_shipments_delete` BEFORE DELETE ON `shipments`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'shipments', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_shipment_items_insert` BEFORE INSERT ON `shipment_items`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = NEW.`shipment_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'shipment_items', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = NEW.`shipment_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_shipment_items_update` BEFORE UPDATE ON `shipment_items`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = OLD.`shipment_id`), (SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = NEW.`shipment_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'shipment_items', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = OLD.`shipment_id`), (SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = NEW.`shipment_id`)) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'shipment_items', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = OLD.`shipment_id`), (SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = NEW.`shipment_id`)) AND `side` = 'copying' AND json_array(NEW.`id`) IS NOT json_array(OLD.`id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_shipment_items_delete` BEFORE DELETE ON `shipment_items`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = OLD.`shipment_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'shipment_items', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = OLD.`shipment_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_fulfilment_exceptions_insert` BEFORE INSERT ON `fulfilment_exceptions`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = NEW.`shipment_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'fulfilment_exceptions', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = NEW.`shipment_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_fulfilment_exceptions_update` BEFORE UPDATE ON `fulfilment_exceptions`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = OLD.`shipment_id`), (SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = NEW.`shipment_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'fulfilment_exceptions', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = OLD.`shipment_id`), (SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = NEW.`shipment_id`)) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'fulfilment_exceptions', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = OLD.`shipment_id`), (SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = NEW.`shipment_id`)) AND `side` = 'copying' AND json_array(NEW.`id`) IS NOT json_array(OLD.`id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_fulfilment_exceptions_delete` BEFORE DELETE ON `fulfilment_exceptions`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = OLD.`shipment_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'fulfilment_exceptions', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = OLD.`shipment_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_service_tasks_insert` BEFORE INSERT ON `service_tasks`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'service_tasks', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_service_tasks_update` BEFORE UPDATE ON `service_tasks`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'service_tasks', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'service_tasks', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`id`) IS NOT json_array(OLD.`id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_service_tasks_delete` BEFORE DELETE ON `service_tasks`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'service_tasks', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_store_slas_insert` BEFORE INSERT ON `store_slas`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'store_slas', json_array(NEW.`store_id`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_store_slas_update` BEFORE UPDATE ON `store_slas`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'store_slas', json_array(OLD.`store_id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'store_slas', json_array(NEW.`store_id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`store_id`) IS NOT json_array(OLD.`store_id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_store_slas_delete` BEFORE DELETE ON `store_slas`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'store_slas', json_array(OLD.`store_id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_store_logistics_insert` BEFORE INSERT ON `store_logistics`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'store_logistics', json_array(NEW.`store_id`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_store_logistics_update` BEFORE UPDATE ON `store_logistics`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'store_logistics', json_array(OLD.`store_id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'store_logistics', json_array(NEW.`store_id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`store_id`) IS NOT json_array(OLD.`store_id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_store_logistics_delete` BEFORE DELETE ON `store_logistics`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'store_logistics', json_array(OLD.`store_id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_shipment_tracking_insert` BEFORE INSERT ON `shipment_tracking`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'shipment_tracking', json_array(NEW.`shipment_id`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_shipment_tracking_update` BEFORE UPDATE ON `shipment_tracking`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'shipment_tracking', json_array(OLD.`shipment_id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'shipment_tracking', json_array(NEW.`shipment_id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`shipment_id`) IS NOT json_array(OLD.`shipment_id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_shipment_tracking_delete` BEFORE DELETE ON `shipment_tracking`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'shipment_tracking', json_array(OLD.`shipment_id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_shipment_labels_insert` BEFORE INSERT ON `shipment_labels`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = NEW.`shipment_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'shipment_labels', json_array(NEW.`shipment_id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = NEW.`shipment_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_shipment_labels_update` BEFORE UPDATE ON `shipment_labels`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = OLD.`shipment_id`), (SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = NEW.`shipment_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'shipment_labels', json_array(OLD.`shipment_id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = OLD.`shipment_id`), (SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = NEW.`shipment_id`)) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'shipment_labels', json_array(NEW.`shipment_id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = OLD.`shipment_id`), (SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = NEW.`shipment_id`)) AND `side` = 'copying' AND json_array(NEW.`shipment_id`) IS NOT json_array(OLD.`shipment_id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_shipment_labels_delete` BEFORE DELETE ON `shipment_labels`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = OLD.`shipment_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'shipment_labels', json_array(OLD.`shipment_id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = OLD.`shipment_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_tracking_events_insert` BEFORE INSERT ON `tracking_events`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = NEW.`shipment_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'tracking_events', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = NEW.`shipment_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_tracking_events_update` BEFORE UPDATE ON `tracking_events`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = OLD.`shipment_id`), (SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = NEW.`shipment_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'tracking_events', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = OLD.`shipment_id`), (SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = NEW.`shipment_id`)) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'tracking_events', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = OLD.`shipment_id`), (SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = NEW.`shipment_id`)) AND `side` = 'copying' AND json_array(NEW.`id`) IS NOT json_array(OLD.`id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_tracking_events_delete` BEFORE DELETE ON `tracking_events`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = OLD.`shipment_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'tracking_events', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `shipments` v WHERE v.`id` = OLD.`shipment_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_logistics_exceptions_insert` BEFORE INSERT ON `logistics_exceptions`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'logistics_exceptions', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_logistics_exceptions_update` BEFORE UPDATE ON `logistics_exceptions`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'logistics_exceptions', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'logistics_exceptions', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`id`) IS NOT json_array(OLD.`id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_logistics_exceptions_delete` BEFORE DELETE ON `logistics_exceptions`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'logistics_exceptions', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_after_sales_requests_insert` BEFORE INSERT ON `after_sales_requests`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'after_sales_requests', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_after_sales_requests_update` BEFORE UPDATE ON `after_sales_requests`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'after_sales_requests', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'after_sales_requests', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`id`) IS NOT json_array(OLD.`id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_after_sales_requests_delete` BEFORE DELETE ON `after_sales_requests`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'after_sales_requests', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_channel_connections_insert` BEFORE INSERT ON `channel_connections`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'channel_connections', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_channel_connections_update` BEFORE UPDATE ON `channel_connections`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'channel_connections', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'channel_connections', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`id`) IS NOT json_array(OLD.`id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_channel_connections_delete` BEFORE DELETE ON `channel_connections`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'channel_connections', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_channel_sku_map_insert` BEFORE INSERT ON `channel_sku_map`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `channel_connections` v WHERE v.`id` = NEW.`connection_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'channel_sku_map', json_array(NEW.`connection_id`, NEW.`platform_key`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `channel_connections` v WHERE v.`id` = NEW.`connection_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_channel_sku_map_update` BEFORE UPDATE ON `channel_sku_map`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `channel_connections` v WHERE v.`id` = OLD.`connection_id`), (SELECT v.`store_id` FROM `channel_connections` v WHERE v.`id` = NEW.`connection_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'channel_sku_map', json_array(OLD.`connection_id`, OLD.`platform_key`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `channel_connections` v WHERE v.`id` = OLD.`connection_id`), (SELECT v.`store_id` FROM `channel_connections` v WHERE v.`id` = NEW.`connection_id`)) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'channel_sku_map', json_array(NEW.`connection_id`, NEW.`platform_key`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `channel_connections` v WHERE v.`id` = OLD.`connection_id`), (SELECT v.`store_id` FROM `channel_connections` v WHERE v.`id` = NEW.`connection_id`)) AND `side` = 'copying' AND json_array(NEW.`connection_id`, NEW.`platform_key`) IS NOT json_array(OLD.`connection_id`, OLD.`platform_key`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_channel_sku_map_delete` BEFORE DELETE ON `channel_sku_map`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `channel_connections` v WHERE v.`id` = OLD.`connection_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'channel_sku_map', json_array(OLD.`connection_id`, OLD.`platform_key`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `channel_connections` v WHERE v.`id` = OLD.`connection_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_channel_orders_insert` BEFORE INSERT ON `channel_orders`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'channel_orders', json_array(NEW.`connection_id`, NEW.`external_id`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_channel_orders_update` BEFORE UPDATE ON `channel_orders`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'channel_orders', json_array(OLD.`connection_id`, OLD.`external_id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'channel_orders', json_array(NEW.`connection_id`, NEW.`external_id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`connection_id`, NEW.`external_id`) IS NOT json_array(OLD.`connection_id`, OLD.`external_id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_channel_orders_delete` BEFORE DELETE ON `channel_orders`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'channel_orders', json_array(OLD.`connection_id`, OLD.`external_id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_channel_inbox_insert` BEFORE INSERT ON `channel_inbox`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'channel_inbox', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_channel_inbox_update` BEFORE UPDATE ON `channel_inbox`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'channel_inbox', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'channel_inbox', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`id`) IS NOT json_array(OLD.`id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_channel_inbox_delete` BEFORE DELETE ON `channel_inbox`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'channel_inbox', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_channel_refunds_insert` BEFORE INSERT ON `channel_refunds`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `channel_connections` v WHERE v.`id` = NEW.`connection_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'channel_refunds', json_array(NEW.`connection_id`, NEW.`refund_id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `channel_connections` v WHERE v.`id` = NEW.`connection_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_channel_refunds_update` BEFORE UPDATE ON `channel_refunds`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `channel_connections` v WHERE v.`id` = OLD.`connection_id`), (SELECT v.`store_id` FROM `channel_connections` v WHERE v.`id` = NEW.`connection_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'channel_refunds', json_array(OLD.`connection_id`, OLD.`refund_id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `channel_connections` v WHERE v.`id` = OLD.`connection_id`), (SELECT v.`store_id` FROM `channel_connections` v WHERE v.`id` = NEW.`connection_id`)) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'channel_refunds', json_array(NEW.`connection_id`, NEW.`refund_id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `channel_connections` v WHERE v.`id` = OLD.`connection_id`), (SELECT v.`store_id` FROM `channel_connections` v WHERE v.`id` = NEW.`connection_id`)) AND `side` = 'copying' AND json_array(NEW.`connection_id`, NEW.`refund_id`) IS NOT json_array(OLD.`connection_id`, OLD.`refund_id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_channel_refunds_delete` BEFORE DELETE ON `channel_refunds`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `channel_connections` v WHERE v.`id` = OLD.`connection_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'channel_refunds', json_array(OLD.`connection_id`, OLD.`refund_id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `channel_connections` v WHERE v.`id` = OLD.`connection_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_channel_sync_state_insert` BEFORE INSERT ON `channel_sync_state`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `channel_connections` v WHERE v.`id` = NEW.`connection_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'channel_sync_state', json_array(NEW.`connection_id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `channel_connections` v WHERE v.`id` = NEW.`connection_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_channel_sync_state_update` BEFORE UPDATE ON `channel_sync_state`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `channel_connections` v WHERE v.`id` = OLD.`connection_id`), (SELECT v.`store_id` FROM `channel_connections` v WHERE v.`id` = NEW.`connection_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'channel_sync_state', json_array(OLD.`connection_id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `channel_connections` v WHERE v.`id` = OLD.`connection_id`), (SELECT v.`store_id` FROM `channel_connections` v WHERE v.`id` = NEW.`connection_id`)) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'channel_sync_state', json_array(NEW.`connection_id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `channel_connections` v WHERE v.`id` = OLD.`connection_id`), (SELECT v.`store_id` FROM `channel_connections` v WHERE v.`id` = NEW.`connection_id`)) AND `side` = 'copying' AND json_array(NEW.`connection_id`) IS NOT json_array(OLD.`connection_id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_channel_sync_state_delete` BEFORE DELETE ON `channel_sync_state`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `channel_connections` v WHERE v.`id` = OLD.`connection_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'channel_sync_state', json_array(OLD.`connection_id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `channel_connections` v WHERE v.`id` = OLD.`connection_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_channel_sync_runs_insert` BEFORE INSERT ON `channel_sync_runs`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'channel_sync_runs', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_channel_sync_runs_update` BEFORE UPDATE ON `channel_sync_runs`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'channel_sync_runs', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'channel_sync_runs', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`id`) IS NOT json_array(OLD.`id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_channel_sync_runs_delete` BEFORE DELETE ON `channel_sync_runs`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'channel_sync_runs', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_channel_pushes_insert` BEFORE INSERT ON `channel_pushes`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'channel_pushes', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_channel_pushes_update` BEFORE UPDATE ON `channel_pushes`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'channel_pushes', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'channel_pushes', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`id`) IS NOT json_array(OLD.`id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_channel_pushes_delete` BEFORE DELETE ON `channel_pushes`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'channel_pushes', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_channel_push_attempts_insert` BEFORE INSERT ON `channel_push_attempts`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `channel_pushes` v WHERE v.`id` = NEW.`push_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'channel_push_attempts', json_array(NEW.`push_id`, NEW.`attempt`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `channel_pushes` v WHERE v.`id` = NEW.`push_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_channel_push_attempts_update` BEFORE UPDATE ON `channel_push_attempts`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `channel_pushes` v WHERE v.`id` = OLD.`push_id`), (SELECT v.`store_id` FROM `channel_pushes` v WHERE v.`id` = NEW.`push_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'channel_push_attempts', json_array(OLD.`push_id`, OLD.`attempt`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `channel_pushes` v WHERE v.`id` = OLD.`push_id`), (SELECT v.`store_id` FROM `channel_pushes` v WHERE v.`id` = NEW.`push_id`)) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'channel_push_attempts', json_array(NEW.`push_id`, NEW.`attempt`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `channel_pushes` v WHERE v.`id` = OLD.`push_id`), (SELECT v.`store_id` FROM `channel_pushes` v WHERE v.`id` = NEW.`push_id`)) AND `side` = 'copying' AND json_array(NEW.`push_id`, NEW.`attempt`) IS NOT json_array(OLD.`push_id`, OLD.`attempt`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_channel_push_attempts_delete` BEFORE DELETE ON `channel_push_attempts`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `channel_pushes` v WHERE v.`id` = OLD.`push_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'channel_push_attempts', json_array(OLD.`push_id`, OLD.`attempt`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `channel_pushes` v WHERE v.`id` = OLD.`push_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_events_insert` BEFORE INSERT ON `events`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_events_update` BEFORE UPDATE ON `events`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_events_delete` BEFORE DELETE ON `events`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_webhook_subscriptions_insert` BEFORE INSERT ON `webhook_subscriptions`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'webhook_subscriptions', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_webhook_subscriptions_update` BEFORE UPDATE ON `webhook_subscriptions`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'webhook_subscriptions', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'webhook_subscriptions', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`id`) IS NOT json_array(OLD.`id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_webhook_subscriptions_delete` BEFORE DELETE ON `webhook_subscriptions`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'webhook_subscriptions', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_webhook_deliveries_insert` BEFORE INSERT ON `webhook_deliveries`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `webhook_subscriptions` v WHERE v.`id` = NEW.`subscription_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'webhook_deliveries', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `webhook_subscriptions` v WHERE v.`id` = NEW.`subscription_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_webhook_deliveries_update` BEFORE UPDATE ON `webhook_deliveries`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `webhook_subscriptions` v WHERE v.`id` = OLD.`subscription_id`), (SELECT v.`store_id` FROM `webhook_subscriptions` v WHERE v.`id` = NEW.`subscription_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'webhook_deliveries', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `webhook_subscriptions` v WHERE v.`id` = OLD.`subscription_id`), (SELECT v.`store_id` FROM `webhook_subscriptions` v WHERE v.`id` = NEW.`subscription_id`)) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'webhook_deliveries', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `webhook_subscriptions` v WHERE v.`id` = OLD.`subscription_id`), (SELECT v.`store_id` FROM `webhook_subscriptions` v WHERE v.`id` = NEW.`subscription_id`)) AND `side` = 'copying' AND json_array(NEW.`id`) IS NOT json_array(OLD.`id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_webhook_deliveries_delete` BEFORE DELETE ON `webhook_deliveries`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `webhook_subscriptions` v WHERE v.`id` = OLD.`subscription_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'webhook_deliveries', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `webhook_subscriptions` v WHERE v.`id` = OLD.`subscription_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_webhook_attempts_insert` BEFORE INSERT ON `webhook_attempts`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `webhook_subscriptions` v WHERE v.`id` = NEW.`subscription_id`)) AND `side` <> 'copying');
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_webhook_attempts_update` BEFORE UPDATE ON `webhook_attempts`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `webhook_subscriptions` v WHERE v.`id` = OLD.`subscription_id`), (SELECT v.`store_id` FROM `webhook_subscriptions` v WHERE v.`id` = NEW.`subscription_id`)) AND `side` <> 'copying');
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_webhook_attempts_delete` BEFORE DELETE ON `webhook_attempts`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `webhook_subscriptions` v WHERE v.`id` = OLD.`subscription_id`)) AND `side` <> 'copying');
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_merchant_notices_insert` BEFORE INSERT ON `merchant_notices`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'merchant_notices', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_merchant_notices_update` BEFORE UPDATE ON `merchant_notices`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'merchant_notices', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'merchant_notices', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`id`) IS NOT json_array(OLD.`id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_merchant_notices_delete` BEFORE DELETE ON `merchant_notices`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'merchant_notices', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_invoices_insert` BEFORE INSERT ON `invoices`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'invoices', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_invoices_update` BEFORE UPDATE ON `invoices`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'invoices', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'invoices', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`id`) IS NOT json_array(OLD.`id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_invoices_delete` BEFORE DELETE ON `invoices`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'invoices', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_ledger_entries_insert` BEFORE INSERT ON `ledger_entries`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'ledger_entries', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_ledger_entries_update` BEFORE UPDATE ON `ledger_entries`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'ledger_entries', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'ledger_entries', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`id`) IS NOT json_array(OLD.`id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_ledger_entries_delete` BEFORE DELETE ON `ledger_entries`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'ledger_entries', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_settlements_insert` BEFORE INSERT ON `settlements`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'settlements', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_settlements_update` BEFORE UPDATE ON `settlements`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'settlements', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'settlements', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`id`) IS NOT json_array(OLD.`id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_settlements_delete` BEFORE DELETE ON `settlements`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'settlements', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_settlement_lines_insert` BEFORE INSERT ON `settlement_lines`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `settlements` v WHERE v.`id` = NEW.`settlement_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'settlement_lines', json_array(NEW.`settlement_id`, NEW.`line_no`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `settlements` v WHERE v.`id` = NEW.`settlement_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_settlement_lines_update` BEFORE UPDATE ON `settlement_lines`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `settlements` v WHERE v.`id` = OLD.`settlement_id`), (SELECT v.`store_id` FROM `settlements` v WHERE v.`id` = NEW.`settlement_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'settlement_lines', json_array(OLD.`settlement_id`, OLD.`line_no`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `settlements` v WHERE v.`id` = OLD.`settlement_id`), (SELECT v.`store_id` FROM `settlements` v WHERE v.`id` = NEW.`settlement_id`)) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'settlement_lines', json_array(NEW.`settlement_id`, NEW.`line_no`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `settlements` v WHERE v.`id` = OLD.`settlement_id`), (SELECT v.`store_id` FROM `settlements` v WHERE v.`id` = NEW.`settlement_id`)) AND `side` = 'copying' AND json_array(NEW.`settlement_id`, NEW.`line_no`) IS NOT json_array(OLD.`settlement_id`, OLD.`line_no`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_settlement_lines_delete` BEFORE DELETE ON `settlement_lines`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `settlements` v WHERE v.`id` = OLD.`settlement_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'settlement_lines', json_array(OLD.`settlement_id`, OLD.`line_no`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `settlements` v WHERE v.`id` = OLD.`settlement_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_suppliers_insert` BEFORE INSERT ON `suppliers`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'suppliers', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_suppliers_update` BEFORE UPDATE ON `suppliers`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'suppliers', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'suppliers', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`id`) IS NOT json_array(OLD.`id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_suppliers_delete` BEFORE DELETE ON `suppliers`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'suppliers', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_supplier_items_insert` BEFORE INSERT ON `supplier_items`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `suppliers` v WHERE v.`id` = NEW.`supplier_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'supplier_items', json_array(NEW.`supplier_id`, NEW.`sku`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `suppliers` v WHERE v.`id` = NEW.`supplier_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_supplier_items_update` BEFORE UPDATE ON `supplier_items`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `suppliers` v WHERE v.`id` = OLD.`supplier_id`), (SELECT v.`store_id` FROM `suppliers` v WHERE v.`id` = NEW.`supplier_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'supplier_items', json_array(OLD.`supplier_id`, OLD.`sku`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `suppliers` v WHERE v.`id` = OLD.`supplier_id`), (SELECT v.`store_id` FROM `suppliers` v WHERE v.`id` = NEW.`supplier_id`)) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'supplier_items', json_array(NEW.`supplier_id`, NEW.`sku`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `suppliers` v WHERE v.`id` = OLD.`supplier_id`), (SELECT v.`store_id` FROM `suppliers` v WHERE v.`id` = NEW.`supplier_id`)) AND `side` = 'copying' AND json_array(NEW.`supplier_id`, NEW.`sku`) IS NOT json_array(OLD.`supplier_id`, OLD.`sku`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_supplier_items_delete` BEFORE DELETE ON `supplier_items`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `suppliers` v WHERE v.`id` = OLD.`supplier_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'supplier_items', json_array(OLD.`supplier_id`, OLD.`sku`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `suppliers` v WHERE v.`id` = OLD.`supplier_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_purchase_orders_insert` BEFORE INSERT ON `purchase_orders`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'purchase_orders', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_purchase_orders_update` BEFORE UPDATE ON `purchase_orders`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'purchase_orders', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'purchase_orders', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`id`) IS NOT json_array(OLD.`id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_purchase_orders_delete` BEFORE DELETE ON `purchase_orders`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'purchase_orders', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_purchase_order_lines_insert` BEFORE INSERT ON `purchase_order_lines`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `purchase_orders` v WHERE v.`id` = NEW.`purchase_order_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'purchase_order_lines', json_array(NEW.`purchase_order_id`, NEW.`line_no`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `purchase_orders` v WHERE v.`id` = NEW.`purchase_order_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_purchase_order_lines_update` BEFORE UPDATE ON `purchase_order_lines`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `purchase_orders` v WHERE v.`id` = OLD.`purchase_order_id`), (SELECT v.`store_id` FROM `purchase_orders` v WHERE v.`id` = NEW.`purchase_order_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'purchase_order_lines', json_array(OLD.`purchase_order_id`, OLD.`line_no`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `purchase_orders` v WHERE v.`id` = OLD.`purchase_order_id`), (SELECT v.`store_id` FROM `purchase_orders` v WHERE v.`id` = NEW.`purchase_order_id`)) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'purchase_order_lines', json_array(NEW.`purchase_order_id`, NEW.`line_no`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `purchase_orders` v WHERE v.`id` = OLD.`purchase_order_id`), (SELECT v.`store_id` FROM `purchase_orders` v WHERE v.`id` = NEW.`purchase_order_id`)) AND `side` = 'copying' AND json_array(NEW.`purchase_order_id`, NEW.`line_no`) IS NOT json_array(OLD.`purchase_order_id`, OLD.`line_no`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_purchase_order_lines_delete` BEFORE DELETE ON `purchase_order_lines`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `purchase_orders` v WHERE v.`id` = OLD.`purchase_order_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'purchase_order_lines', json_array(OLD.`purchase_order_id`, OLD.`line_no`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `purchase_orders` v WHERE v.`id` = OLD.`purchase_order_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_purchase_order_events_insert` BEFORE INSERT ON `purchase_order_events`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `purchase_orders` v WHERE v.`id` = NEW.`purchase_order_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'purchase_order_events', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `purchase_orders` v WHERE v.`id` = NEW.`purchase_order_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_purchase_order_events_update` BEFORE UPDATE ON `purchase_order_events`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `purchase_orders` v WHERE v.`id` = OLD.`purchase_order_id`), (SELECT v.`store_id` FROM `purchase_orders` v WHERE v.`id` = NEW.`purchase_order_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'purchase_order_events', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `purchase_orders` v WHERE v.`id` = OLD.`purchase_order_id`), (SELECT v.`store_id` FROM `purchase_orders` v WHERE v.`id` = NEW.`purchase_order_id`)) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'purchase_order_events', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `purchase_orders` v WHERE v.`id` = OLD.`purchase_order_id`), (SELECT v.`store_id` FROM `purchase_orders` v WHERE v.`id` = NEW.`purchase_order_id`)) AND `side` = 'copying' AND json_array(NEW.`id`) IS NOT json_array(OLD.`id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_purchase_order_events_delete` BEFORE DELETE ON `purchase_order_events`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `purchase_orders` v WHERE v.`id` = OLD.`purchase_order_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'purchase_order_events', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `purchase_orders` v WHERE v.`id` = OLD.`purchase_order_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_purchase_order_receipts_insert` BEFORE INSERT ON `purchase_order_receipts`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `purchase_orders` v WHERE v.`id` = NEW.`purchase_order_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'purchase_order_receipts', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `purchase_orders` v WHERE v.`id` = NEW.`purchase_order_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_purchase_order_receipts_update` BEFORE UPDATE ON `purchase_order_receipts`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `purchase_orders` v WHERE v.`id` = OLD.`purchase_order_id`), (SELECT v.`store_id` FROM `purchase_orders` v WHERE v.`id` = NEW.`purchase_order_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'purchase_order_receipts', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `purchase_orders` v WHERE v.`id` = OLD.`purchase_order_id`), (SELECT v.`store_id` FROM `purchase_orders` v WHERE v.`id` = NEW.`purchase_order_id`)) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'purchase_order_receipts', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `purchase_orders` v WHERE v.`id` = OLD.`purchase_order_id`), (SELECT v.`store_id` FROM `purchase_orders` v WHERE v.`id` = NEW.`purchase_order_id`)) AND `side` = 'copying' AND json_array(NEW.`id`) IS NOT json_array(OLD.`id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_purchase_order_receipts_delete` BEFORE DELETE ON `purchase_order_receipts`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `purchase_orders` v WHERE v.`id` = OLD.`purchase_order_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'purchase_order_receipts', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`store_id` FROM `purchase_orders` v WHERE v.`id` = OLD.`purchase_order_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_stores_insert` BEFORE INSERT ON `rollup_stores`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_stores', json_array(NEW.`store_id`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_stores_update` BEFORE UPDATE ON `rollup_stores`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_stores', json_array(OLD.`store_id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_stores', json_array(NEW.`store_id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`store_id`) IS NOT json_array(OLD.`store_id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_stores_delete` BEFORE DELETE ON `rollup_stores`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_stores', json_array(OLD.`store_id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_dirty_insert` BEFORE INSERT ON `rollup_dirty`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_dirty', json_array(NEW.`store_id`, NEW.`day`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_dirty_update` BEFORE UPDATE ON `rollup_dirty`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_dirty', json_array(OLD.`store_id`, OLD.`day`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_dirty', json_array(NEW.`store_id`, NEW.`day`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`store_id`, NEW.`day`) IS NOT json_array(OLD.`store_id`, OLD.`day`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_dirty_delete` BEFORE DELETE ON `rollup_dirty`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_dirty', json_array(OLD.`store_id`, OLD.`day`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_order_hours_insert` BEFORE INSERT ON `rollup_order_hours`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_order_hours', json_array(NEW.`store_id`, NEW.`day`, NEW.`hour_start`, NEW.`channel`, NEW.`warehouse_id`, NEW.`currency`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_order_hours_update` BEFORE UPDATE ON `rollup_order_hours`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_order_hours', json_array(OLD.`store_id`, OLD.`day`, OLD.`hour_start`, OLD.`channel`, OLD.`warehouse_id`, OLD.`currency`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_order_hours', json_array(NEW.`store_id`, NEW.`day`, NEW.`hour_start`, NEW.`channel`, NEW.`warehouse_id`, NEW.`currency`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`store_id`, NEW.`day`, NEW.`hour_start`, NEW.`channel`, NEW.`warehouse_id`, NEW.`currency`) IS NOT json_array(OLD.`store_id`, OLD.`day`, OLD.`hour_start`, OLD.`channel`, OLD.`warehouse_id`, OLD.`currency`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_order_hours_delete` BEFORE DELETE ON `rollup_order_hours`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_order_hours', json_array(OLD.`store_id`, OLD.`day`, OLD.`hour_start`, OLD.`channel`, OLD.`warehouse_id`, OLD.`currency`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_order_days_insert` BEFORE INSERT ON `rollup_order_days`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_order_days', json_array(NEW.`store_id`, NEW.`day`, NEW.`channel`, NEW.`warehouse_id`, NEW.`currency`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_order_days_update` BEFORE UPDATE ON `rollup_order_days`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_order_days', json_array(OLD.`store_id`, OLD.`day`, OLD.`channel`, OLD.`warehouse_id`, OLD.`currency`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_order_days', json_array(NEW.`store_id`, NEW.`day`, NEW.`channel`, NEW.`warehouse_id`, NEW.`currency`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`store_id`, NEW.`day`, NEW.`channel`, NEW.`warehouse_id`, NEW.`currency`) IS NOT json_array(OLD.`store_id`, OLD.`day`, OLD.`channel`, OLD.`warehouse_id`, OLD.`currency`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_order_days_delete` BEFORE DELETE ON `rollup_order_days`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_order_days', json_array(OLD.`store_id`, OLD.`day`, OLD.`channel`, OLD.`warehouse_id`, OLD.`currency`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_durations_insert` BEFORE INSERT ON `rollup_durations`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_durations', json_array(NEW.`store_id`, NEW.`day`, NEW.`span`, NEW.`channel`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_durations_update` BEFORE UPDATE ON `rollup_durations`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_durations', json_array(OLD.`store_id`, OLD.`day`, OLD.`span`, OLD.`channel`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_durations', json_array(NEW.`store_id`, NEW.`day`, NEW.`span`, NEW.`channel`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`store_id`, NEW.`day`, NEW.`span`, NEW.`channel`) IS NOT json_array(OLD.`store_id`, OLD.`day`, OLD.`span`, OLD.`channel`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_durations_delete` BEFORE DELETE ON `rollup_durations`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_durations', json_array(OLD.`store_id`, OLD.`day`, OLD.`span`, OLD.`channel`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_sla_breaches_insert` BEFORE INSERT ON `rollup_sla_breaches`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_sla_breaches', json_array(NEW.`order_id`, NEW.`span`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_sla_breaches_update` BEFORE UPDATE ON `rollup_sla_breaches`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_sla_breaches', json_array(OLD.`order_id`, OLD.`span`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_sla_breaches', json_array(NEW.`order_id`, NEW.`span`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`order_id`, NEW.`span`) IS NOT json_array(OLD.`order_id`, OLD.`span`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_sla_breaches_delete` BEFORE DELETE ON `rollup_sla_breaches`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_sla_breaches', json_array(OLD.`order_id`, OLD.`span`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_staff_days_insert` BEFORE INSERT ON `rollup_staff_days`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_staff_days', json_array(NEW.`store_id`, NEW.`day`, NEW.`actor`, NEW.`metric`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_staff_days_update` BEFORE UPDATE ON `rollup_staff_days`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_staff_days', json_array(OLD.`store_id`, OLD.`day`, OLD.`actor`, OLD.`metric`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_staff_days', json_array(NEW.`store_id`, NEW.`day`, NEW.`actor`, NEW.`metric`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`store_id`, NEW.`day`, NEW.`actor`, NEW.`metric`) IS NOT json_array(OLD.`store_id`, OLD.`day`, OLD.`actor`, OLD.`metric`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_staff_days_delete` BEFORE DELETE ON `rollup_staff_days`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_staff_days', json_array(OLD.`store_id`, OLD.`day`, OLD.`actor`, OLD.`metric`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_reason_days_insert` BEFORE INSERT ON `rollup_reason_days`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_reason_days', json_array(NEW.`store_id`, NEW.`day`, NEW.`event`, NEW.`reason`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_reason_days_update` BEFORE UPDATE ON `rollup_reason_days`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_reason_days', json_array(OLD.`store_id`, OLD.`day`, OLD.`event`, OLD.`reason`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_reason_days', json_array(NEW.`store_id`, NEW.`day`, NEW.`event`, NEW.`reason`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`store_id`, NEW.`day`, NEW.`event`, NEW.`reason`) IS NOT json_array(OLD.`store_id`, OLD.`day`, OLD.`event`, OLD.`reason`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_reason_days_delete` BEFORE DELETE ON `rollup_reason_days`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_reason_days', json_array(OLD.`store_id`, OLD.`day`, OLD.`event`, OLD.`reason`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_sku_days_insert` BEFORE INSERT ON `rollup_sku_days`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_sku_days', json_array(NEW.`store_id`, NEW.`day`, NEW.`warehouse_id`, NEW.`sku`, NEW.`currency`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_sku_days_update` BEFORE UPDATE ON `rollup_sku_days`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_sku_days', json_array(OLD.`store_id`, OLD.`day`, OLD.`warehouse_id`, OLD.`sku`, OLD.`currency`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_sku_days', json_array(NEW.`store_id`, NEW.`day`, NEW.`warehouse_id`, NEW.`sku`, NEW.`currency`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`store_id`, NEW.`day`, NEW.`warehouse_id`, NEW.`sku`, NEW.`currency`) IS NOT json_array(OLD.`store_id`, OLD.`day`, OLD.`warehouse_id`, OLD.`sku`, OLD.`currency`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_sku_days_delete` BEFORE DELETE ON `rollup_sku_days`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_sku_days', json_array(OLD.`store_id`, OLD.`day`, OLD.`warehouse_id`, OLD.`sku`, OLD.`currency`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_floor_days_insert` BEFORE INSERT ON `rollup_floor_days`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_floor_days', json_array(NEW.`store_id`, NEW.`day`, NEW.`warehouse_id`, NEW.`worker`, NEW.`metric`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_floor_days_update` BEFORE UPDATE ON `rollup_floor_days`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_floor_days', json_array(OLD.`store_id`, OLD.`day`, OLD.`warehouse_id`, OLD.`worker`, OLD.`metric`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_floor_days', json_array(NEW.`store_id`, NEW.`day`, NEW.`warehouse_id`, NEW.`worker`, NEW.`metric`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`store_id`, NEW.`day`, NEW.`warehouse_id`, NEW.`worker`, NEW.`metric`) IS NOT json_array(OLD.`store_id`, OLD.`day`, OLD.`warehouse_id`, OLD.`worker`, OLD.`metric`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_floor_days_delete` BEFORE DELETE ON `rollup_floor_days`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_floor_days', json_array(OLD.`store_id`, OLD.`day`, OLD.`warehouse_id`, OLD.`worker`, OLD.`metric`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_audit_days_insert` BEFORE INSERT ON `rollup_audit_days`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_audit_days', json_array(NEW.`store_id`, NEW.`day`, NEW.`outcome`, NEW.`code`, NEW.`severity`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_audit_days_update` BEFORE UPDATE ON `rollup_audit_days`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_audit_days', json_array(OLD.`store_id`, OLD.`day`, OLD.`outcome`, OLD.`code`, OLD.`severity`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_audit_days', json_array(NEW.`store_id`, NEW.`day`, NEW.`outcome`, NEW.`code`, NEW.`severity`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`store_id`, NEW.`day`, NEW.`outcome`, NEW.`code`, NEW.`severity`) IS NOT json_array(OLD.`store_id`, OLD.`day`, OLD.`outcome`, OLD.`code`, OLD.`severity`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_audit_days_delete` BEFORE DELETE ON `rollup_audit_days`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_audit_days', json_array(OLD.`store_id`, OLD.`day`, OLD.`outcome`, OLD.`code`, OLD.`severity`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_carrier_days_insert` BEFORE INSERT ON `rollup_carrier_days`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_carrier_days', json_array(NEW.`store_id`, NEW.`day`, NEW.`carrier`, NEW.`service`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_carrier_days_update` BEFORE UPDATE ON `rollup_carrier_days`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_carrier_days', json_array(OLD.`store_id`, OLD.`day`, OLD.`carrier`, OLD.`service`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_carrier_days', json_array(NEW.`store_id`, NEW.`day`, NEW.`carrier`, NEW.`service`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`store_id`, NEW.`day`, NEW.`carrier`, NEW.`service`) IS NOT json_array(OLD.`store_id`, OLD.`day`, OLD.`carrier`, OLD.`service`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_carrier_days_delete` BEFORE DELETE ON `rollup_carrier_days`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_carrier_days', json_array(OLD.`store_id`, OLD.`day`, OLD.`carrier`, OLD.`service`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_gross_profit_days_insert` BEFORE INSERT ON `rollup_gross_profit_days`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_gross_profit_days', json_array(NEW.`store_id`, NEW.`day`, NEW.`channel`, NEW.`currency`, NEW.`sku`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_gross_profit_days_update` BEFORE UPDATE ON `rollup_gross_profit_days`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_gross_profit_days', json_array(OLD.`store_id`, OLD.`day`, OLD.`channel`, OLD.`currency`, OLD.`sku`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_gross_profit_days', json_array(NEW.`store_id`, NEW.`day`, NEW.`channel`, NEW.`currency`, NEW.`sku`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`store_id`, NEW.`day`, NEW.`channel`, NEW.`currency`, NEW.`sku`) IS NOT json_array(OLD.`store_id`, OLD.`day`, OLD.`channel`, OLD.`currency`, OLD.`sku`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_gross_profit_days_delete` BEFORE DELETE ON `rollup_gross_profit_days`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_gross_profit_days', json_array(OLD.`store_id`, OLD.`day`, OLD.`channel`, OLD.`currency`, OLD.`sku`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_finance_days_insert` BEFORE INSERT ON `rollup_finance_days`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_finance_days', json_array(NEW.`store_id`, NEW.`day`, NEW.`channel`, NEW.`currency`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_finance_days_update` BEFORE UPDATE ON `rollup_finance_days`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_finance_days', json_array(OLD.`store_id`, OLD.`day`, OLD.`channel`, OLD.`currency`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_finance_days', json_array(NEW.`store_id`, NEW.`day`, NEW.`channel`, NEW.`currency`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`, NEW.`store_id`) AND `side` = 'copying' AND json_array(NEW.`store_id`, NEW.`day`, NEW.`channel`, NEW.`currency`) IS NOT json_array(OLD.`store_id`, OLD.`day`, OLD.`channel`, OLD.`currency`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_rollup_finance_days_delete` BEFORE DELETE ON `rollup_finance_days`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'rollup_finance_days', json_array(OLD.`store_id`, OLD.`day`, OLD.`channel`, OLD.`currency`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`store_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_warehouses_insert` BEFORE INSERT ON `warehouses`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'warehouses', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_warehouses_update` BEFORE UPDATE ON `warehouses`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`id`, NEW.`id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'warehouses', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`id`, NEW.`id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'warehouses', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`id`, NEW.`id`) AND `side` = 'copying' AND json_array(NEW.`id`) IS NOT json_array(OLD.`id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_warehouses_delete` BEFORE DELETE ON `warehouses`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'warehouses', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_warehouse_changes_insert` BEFORE INSERT ON `warehouse_changes`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`warehouse_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'warehouse_changes', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`warehouse_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_warehouse_changes_update` BEFORE UPDATE ON `warehouse_changes`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`, NEW.`warehouse_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'warehouse_changes', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`, NEW.`warehouse_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'warehouse_changes', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`, NEW.`warehouse_id`) AND `side` = 'copying' AND json_array(NEW.`id`) IS NOT json_array(OLD.`id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_warehouse_changes_delete` BEFORE DELETE ON `warehouse_changes`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'warehouse_changes', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_zones_insert` BEFORE INSERT ON `zones`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`warehouse_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'zones', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`warehouse_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_zones_update` BEFORE UPDATE ON `zones`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`, NEW.`warehouse_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'zones', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`, NEW.`warehouse_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'zones', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`, NEW.`warehouse_id`) AND `side` = 'copying' AND json_array(NEW.`id`) IS NOT json_array(OLD.`id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_zones_delete` BEFORE DELETE ON `zones`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'zones', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_bins_insert` BEFORE INSERT ON `bins`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`warehouse_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'bins', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`warehouse_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_bins_update` BEFORE UPDATE ON `bins`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`, NEW.`warehouse_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'bins', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`, NEW.`warehouse_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'bins', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`, NEW.`warehouse_id`) AND `side` = 'copying' AND json_array(NEW.`id`) IS NOT json_array(OLD.`id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_bins_delete` BEFORE DELETE ON `bins`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'bins', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_stock_levels_insert` BEFORE INSERT ON `stock_levels`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`warehouse_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'stock_levels', json_array(NEW.`bin_id`, NEW.`sku`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`warehouse_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_stock_levels_update` BEFORE UPDATE ON `stock_levels`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`, NEW.`warehouse_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'stock_levels', json_array(OLD.`bin_id`, OLD.`sku`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`, NEW.`warehouse_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'stock_levels', json_array(NEW.`bin_id`, NEW.`sku`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`, NEW.`warehouse_id`) AND `side` = 'copying' AND json_array(NEW.`bin_id`, NEW.`sku`) IS NOT json_array(OLD.`bin_id`, OLD.`sku`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_stock_levels_delete` BEFORE DELETE ON `stock_levels`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'stock_levels', json_array(OLD.`bin_id`, OLD.`sku`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_stock_movements_insert` BEFORE INSERT ON `stock_movements`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`warehouse_id`) AND `side` <> 'copying');
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_stock_movements_update` BEFORE UPDATE ON `stock_movements`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`, NEW.`warehouse_id`) AND `side` <> 'copying');
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_stock_movements_delete` BEFORE DELETE ON `stock_movements`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`) AND `side` <> 'copying');
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_stock_costs_insert` BEFORE INSERT ON `stock_costs`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`warehouse_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'stock_costs', json_array(NEW.`warehouse_id`, NEW.`sku`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`warehouse_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_stock_costs_update` BEFORE UPDATE ON `stock_costs`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`, NEW.`warehouse_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'stock_costs', json_array(OLD.`warehouse_id`, OLD.`sku`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`, NEW.`warehouse_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'stock_costs', json_array(NEW.`warehouse_id`, NEW.`sku`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`, NEW.`warehouse_id`) AND `side` = 'copying' AND json_array(NEW.`warehouse_id`, NEW.`sku`) IS NOT json_array(OLD.`warehouse_id`, OLD.`sku`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_stock_costs_delete` BEFORE DELETE ON `stock_costs`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'stock_costs', json_array(OLD.`warehouse_id`, OLD.`sku`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_stock_counts_insert` BEFORE INSERT ON `stock_counts`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`warehouse_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'stock_counts', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`warehouse_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_stock_counts_update` BEFORE UPDATE ON `stock_counts`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`, NEW.`warehouse_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'stock_counts', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`, NEW.`warehouse_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'stock_counts', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`, NEW.`warehouse_id`) AND `side` = 'copying' AND json_array(NEW.`id`) IS NOT json_array(OLD.`id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_stock_counts_delete` BEFORE DELETE ON `stock_counts`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'stock_counts', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_stock_count_lines_insert` BEFORE INSERT ON `stock_count_lines`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`warehouse_id` FROM `stock_counts` v WHERE v.`id` = NEW.`count_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'stock_count_lines', json_array(NEW.`count_id`, NEW.`bin_id`, NEW.`sku`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`warehouse_id` FROM `stock_counts` v WHERE v.`id` = NEW.`count_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_stock_count_lines_update` BEFORE UPDATE ON `stock_count_lines`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`warehouse_id` FROM `stock_counts` v WHERE v.`id` = OLD.`count_id`), (SELECT v.`warehouse_id` FROM `stock_counts` v WHERE v.`id` = NEW.`count_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'stock_count_lines', json_array(OLD.`count_id`, OLD.`bin_id`, OLD.`sku`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`warehouse_id` FROM `stock_counts` v WHERE v.`id` = OLD.`count_id`), (SELECT v.`warehouse_id` FROM `stock_counts` v WHERE v.`id` = NEW.`count_id`)) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'stock_count_lines', json_array(NEW.`count_id`, NEW.`bin_id`, NEW.`sku`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`warehouse_id` FROM `stock_counts` v WHERE v.`id` = OLD.`count_id`), (SELECT v.`warehouse_id` FROM `stock_counts` v WHERE v.`id` = NEW.`count_id`)) AND `side` = 'copying' AND json_array(NEW.`count_id`, NEW.`bin_id`, NEW.`sku`) IS NOT json_array(OLD.`count_id`, OLD.`bin_id`, OLD.`sku`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_stock_count_lines_delete` BEFORE DELETE ON `stock_count_lines`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`warehouse_id` FROM `stock_counts` v WHERE v.`id` = OLD.`count_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'stock_count_lines', json_array(OLD.`count_id`, OLD.`bin_id`, OLD.`sku`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`warehouse_id` FROM `stock_counts` v WHERE v.`id` = OLD.`count_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_package_types_insert` BEFORE INSERT ON `package_types`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`warehouse_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'package_types', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`warehouse_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_package_types_update` BEFORE UPDATE ON `package_types`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`, NEW.`warehouse_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'package_types', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`, NEW.`warehouse_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'package_types', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`, NEW.`warehouse_id`) AND `side` = 'copying' AND json_array(NEW.`id`) IS NOT json_array(OLD.`id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_package_types_delete` BEFORE DELETE ON `package_types`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'package_types', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_waves_insert` BEFORE INSERT ON `waves`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`warehouse_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'waves', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`warehouse_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_waves_update` BEFORE UPDATE ON `waves`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`, NEW.`warehouse_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'waves', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`, NEW.`warehouse_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'waves', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`, NEW.`warehouse_id`) AND `side` = 'copying' AND json_array(NEW.`id`) IS NOT json_array(OLD.`id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_waves_delete` BEFORE DELETE ON `waves`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'waves', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_warehouse_events_insert` BEFORE INSERT ON `warehouse_events`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`warehouse_id`) AND `side` <> 'copying');
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_warehouse_events_update` BEFORE UPDATE ON `warehouse_events`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`, NEW.`warehouse_id`) AND `side` <> 'copying');
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_warehouse_events_delete` BEFORE DELETE ON `warehouse_events`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`warehouse_id`) AND `side` <> 'copying');
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_stock_transfers_insert` BEFORE INSERT ON `stock_transfers`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (NEW.`from_warehouse_id`, NEW.`to_warehouse_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'stock_transfers', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (NEW.`from_warehouse_id`, NEW.`to_warehouse_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_stock_transfers_update` BEFORE UPDATE ON `stock_transfers`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`from_warehouse_id`, OLD.`to_warehouse_id`, NEW.`from_warehouse_id`, NEW.`to_warehouse_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'stock_transfers', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`from_warehouse_id`, OLD.`to_warehouse_id`, NEW.`from_warehouse_id`, NEW.`to_warehouse_id`) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'stock_transfers', json_array(NEW.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`from_warehouse_id`, OLD.`to_warehouse_id`, NEW.`from_warehouse_id`, NEW.`to_warehouse_id`) AND `side` = 'copying' AND json_array(NEW.`id`) IS NOT json_array(OLD.`id`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_stock_transfers_delete` BEFORE DELETE ON `stock_transfers`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN (OLD.`from_warehouse_id`, OLD.`to_warehouse_id`) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'stock_transfers', json_array(OLD.`id`) FROM `moving_owners` WHERE `owner_id` IN (OLD.`from_warehouse_id`, OLD.`to_warehouse_id`) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_stock_transfer_lines_insert` BEFORE INSERT ON `stock_transfer_lines`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`from_warehouse_id` FROM `stock_transfers` v WHERE v.`id` = NEW.`transfer_id`), (SELECT v.`to_warehouse_id` FROM `stock_transfers` v WHERE v.`id` = NEW.`transfer_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'stock_transfer_lines', json_array(NEW.`transfer_id`, NEW.`line_no`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`from_warehouse_id` FROM `stock_transfers` v WHERE v.`id` = NEW.`transfer_id`), (SELECT v.`to_warehouse_id` FROM `stock_transfers` v WHERE v.`id` = NEW.`transfer_id`)) AND `side` = 'copying' LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_stock_transfer_lines_update` BEFORE UPDATE ON `stock_transfer_lines`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`from_warehouse_id` FROM `stock_transfers` v WHERE v.`id` = OLD.`transfer_id`), (SELECT v.`to_warehouse_id` FROM `stock_transfers` v WHERE v.`id` = OLD.`transfer_id`), (SELECT v.`from_warehouse_id` FROM `stock_transfers` v WHERE v.`id` = NEW.`transfer_id`), (SELECT v.`to_warehouse_id` FROM `stock_transfers` v WHERE v.`id` = NEW.`transfer_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'stock_transfer_lines', json_array(OLD.`transfer_id`, OLD.`line_no`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`from_warehouse_id` FROM `stock_transfers` v WHERE v.`id` = OLD.`transfer_id`), (SELECT v.`to_warehouse_id` FROM `stock_transfers` v WHERE v.`id` = OLD.`transfer_id`), (SELECT v.`from_warehouse_id` FROM `stock_transfers` v WHERE v.`id` = NEW.`transfer_id`), (SELECT v.`to_warehouse_id` FROM `stock_transfers` v WHERE v.`id` = NEW.`transfer_id`)) AND `side` = 'copying' LIMIT 1;
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'stock_transfer_lines', json_array(NEW.`transfer_id`, NEW.`line_no`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`from_warehouse_id` FROM `stock_transfers` v WHERE v.`id` = OLD.`transfer_id`), (SELECT v.`to_warehouse_id` FROM `stock_transfers` v WHERE v.`id` = OLD.`transfer_id`), (SELECT v.`from_warehouse_id` FROM `stock_transfers` v WHERE v.`id` = NEW.`transfer_id`), (SELECT v.`to_warehouse_id` FROM `stock_transfers` v WHERE v.`id` = NEW.`transfer_id`)) AND `side` = 'copying' AND json_array(NEW.`transfer_id`, NEW.`line_no`) IS NOT json_array(OLD.`transfer_id`, OLD.`line_no`) LIMIT 1;
END;
--> statement-breakpoint
CREATE TRIGGER `move_guard_stock_transfer_lines_delete` BEFORE DELETE ON `stock_transfer_lines`
WHEN EXISTS (SELECT 1 FROM `moving_owners`) AND NOT EXISTS (SELECT 1 FROM `move_writer`)
BEGIN
	SELECT RAISE(ABORT, 'pool_moving') WHERE EXISTS (SELECT 1 FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`from_warehouse_id` FROM `stock_transfers` v WHERE v.`id` = OLD.`transfer_id`), (SELECT v.`to_warehouse_id` FROM `stock_transfers` v WHERE v.`id` = OLD.`transfer_id`)) AND `side` <> 'copying');
	INSERT INTO `move_changes` (`pool_id`, `tbl`, `key`) SELECT `pool_id`, 'stock_transfer_lines', json_array(OLD.`transfer_id`, OLD.`line_no`) FROM `moving_owners` WHERE `owner_id` IN ((SELECT v.`from_warehouse_id` FROM `stock_transfers` v WHERE v.`id` = OLD.`transfer_id`), (SELECT v.`to_warehouse_id` FROM `stock_transfers` v WHERE v.`id` = OLD.`transfer_id`)) AND `side` = 'copying' LIMIT 1;
END;
