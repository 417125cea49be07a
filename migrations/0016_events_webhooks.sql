-- The change feed and partner webhooks. The triggers below are the only writers of `events` (drizzle-kit
-- does not model triggers: keep them when this file is regenerated). Each runs in the transaction of its change.
CREATE TABLE `events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`store_id` text NOT NULL,
	`type` text NOT NULL,
	`order_id` text,
	`resource_id` text NOT NULL,
	`order_version` integer,
	`data` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `events_store_seq_idx` ON `events` (`store_id`,`seq`);
--> statement-breakpoint
CREATE INDEX `events_created_idx` ON `events` (`created_at`);
--> statement-breakpoint
CREATE TABLE `webhook_subscriptions` (
	`id` text PRIMARY KEY NOT NULL,
	`store_id` text NOT NULL,
	`url` text NOT NULL,
	`event_types` text NOT NULL,
	`description` text,
	`status` text NOT NULL,
	`secret` text NOT NULL,
	`previous_secret` text,
	`previous_secret_until` integer,
	`start_seq` integer NOT NULL,
	`failing_since` integer,
	`last_success_at` integer,
	`disabled_at` integer,
	`disabled_reason` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`store_id`) REFERENCES `stores`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `webhook_subscriptions_store_idx` ON `webhook_subscriptions` (`store_id`,`id`);
--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`subscription_id` text NOT NULL,
	`event_seq` integer NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`last_status_code` integer,
	`delivered_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_deliveries_sub_event_uq` ON `webhook_deliveries` (`subscription_id`,`event_seq`);
--> statement-breakpoint
CREATE INDEX `webhook_deliveries_due_idx` ON `webhook_deliveries` (`status`,`next_attempt_at`);
--> statement-breakpoint
CREATE TABLE `webhook_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`delivery_id` text NOT NULL,
	`subscription_id` text NOT NULL,
	`attempted_at` integer NOT NULL,
	`status_code` integer,
	`duration_ms` integer NOT NULL,
	`response_excerpt` text,
	`error` text
);
--> statement-breakpoint
CREATE INDEX `webhook_attempts_delivery_idx` ON `webhook_attempts` (`delivery_id`,`id`);
--> statement-breakpoint
CREATE INDEX `webhook_attempts_time_idx` ON `webhook_attempts` (`attempted_at`);
--> statement-breakpoint
CREATE TABLE `webhook_dispatch_cursor` (
	`id` integer PRIMARY KEY NOT NULL,
	`last_seq` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `webhook_dispatch_cursor` (`id`, `last_seq`) VALUES (1, 0);
--> statement-breakpoint
CREATE TABLE `merchant_notices` (
	`id` text PRIMARY KEY NOT NULL,
	`store_id` text NOT NULL,
	`kind` text NOT NULL,
	`resource_id` text NOT NULL,
	`message` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `merchant_notices_store_idx` ON `merchant_notices` (`store_id`,`id`);
--> statement-breakpoint
CREATE TRIGGER `events_order_created` AFTER INSERT ON `orders`
BEGIN
	INSERT INTO `events` (`store_id`, `type`, `order_id`, `resource_id`, `order_version`, `data`, `created_at`)
	VALUES (new.store_id, 'order.created', new.id, new.id, new.version,
		json_object('order_id', new.id, 'external_id', new.external_id, 'channel', new.channel, 'status', new.status, 'payment_status', new.payment_status, 'version', new.version), CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER));
END;
--> statement-breakpoint
CREATE TRIGGER `events_order_changed` AFTER UPDATE OF `status`, `payment_status`, `version` ON `orders`
WHEN old.status IS NOT new.status OR old.payment_status IS NOT new.payment_status OR old.version IS NOT new.version
BEGIN
	INSERT INTO `events` (`store_id`, `type`, `order_id`, `resource_id`, `order_version`, `data`, `created_at`)
	VALUES (new.store_id, CASE WHEN old.status IS NOT new.status THEN 'order.status_changed' ELSE 'order.updated' END, new.id, new.id, new.version,
		json_object('order_id', new.id, 'external_id', new.external_id, 'status', new.status, 'previous_status', old.status, 'payment_status', new.payment_status, 'previous_payment_status', old.payment_status, 'version', new.version), CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER));
END;
--> statement-breakpoint
CREATE TRIGGER `events_shipment_created` AFTER INSERT ON `shipments`
BEGIN
	INSERT INTO `events` (`store_id`, `type`, `order_id`, `resource_id`, `order_version`, `data`, `created_at`)
	VALUES (new.store_id, 'shipment.created', new.order_id, new.id, (SELECT `version` FROM `orders` WHERE `id` = new.order_id),
		json_object('shipment_id', new.id, 'order_id', new.order_id, 'warehouse_id', new.warehouse_id, 'status', new.status, 'carrier', new.carrier, 'tracking_number', (SELECT `tracking_number` FROM `shipment_tracking` WHERE `shipment_id` = new.id), 'tracking_url', (SELECT `tracking_url` FROM `shipment_tracking` WHERE `shipment_id` = new.id)), CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER));
END;
--> statement-breakpoint
CREATE TRIGGER `events_shipment_status` AFTER UPDATE OF `status` ON `shipments`
WHEN old.status IS NOT new.status
BEGIN
	INSERT INTO `events` (`store_id`, `type`, `order_id`, `resource_id`, `order_version`, `data`, `created_at`)
	VALUES (new.store_id, 'shipment.status_changed', new.order_id, new.id, (SELECT `version` FROM `orders` WHERE `id` = new.order_id),
		json_object('shipment_id', new.id, 'order_id', new.order_id, 'warehouse_id', new.warehouse_id, 'status', new.status, 'previous_status', old.status, 'carrier', new.carrier, 'tracking_number', (SELECT `tracking_number` FROM `shipment_tracking` WHERE `shipment_id` = new.id), 'tracking_url', (SELECT `tracking_url` FROM `shipment_tracking` WHERE `shipment_id` = new.id)), CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER));
END;
--> statement-breakpoint
CREATE TRIGGER `events_tracking_recorded` AFTER INSERT ON `tracking_events`
WHEN new.processed_at IS NOT NULL AND new.shipment_id IS NOT NULL
BEGIN
	INSERT INTO `events` (`store_id`, `type`, `order_id`, `resource_id`, `order_version`, `data`, `created_at`)
	SELECT st.store_id, 'tracking.updated', st.order_id, new.shipment_id, (SELECT `version` FROM `orders` WHERE `id` = st.order_id),
		json_object('shipment_id', new.shipment_id, 'order_id', st.order_id, 'tracking_number', new.tracking_number, 'carrier', coalesce(new.carrier, st.carrier), 'status', new.status, 'outcome', new.outcome, 'occurred_at', strftime('%Y-%m-%dT%H:%M:%fZ', new.occurred_at / 1000.0, 'unixepoch')), CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER)
	FROM `shipment_tracking` st WHERE st.shipment_id = new.shipment_id;
END;
--> statement-breakpoint
CREATE TRIGGER `events_tracking_processed` AFTER UPDATE OF `processed_at` ON `tracking_events`
WHEN old.processed_at IS NULL AND new.processed_at IS NOT NULL AND new.shipment_id IS NOT NULL
BEGIN
	INSERT INTO `events` (`store_id`, `type`, `order_id`, `resource_id`, `order_version`, `data`, `created_at`)
	SELECT st.store_id, 'tracking.updated', st.order_id, new.shipment_id, (SELECT `version` FROM `orders` WHERE `id` = st.order_id),
		json_object('shipment_id', new.shipment_id, 'order_id', st.order_id, 'tracking_number', new.tracking_number, 'carrier', coalesce(new.carrier, st.carrier), 'status', new.status, 'outcome', new.outcome, 'occurred_at', strftime('%Y-%m-%dT%H:%M:%fZ', new.occurred_at / 1000.0, 'unixepoch')), CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER)
	FROM `shipment_tracking` st WHERE st.shipment_id = new.shipment_id;
END;
--> statement-breakpoint
CREATE TRIGGER `events_after_sales_created` AFTER INSERT ON `after_sales_requests`
BEGIN
	INSERT INTO `events` (`store_id`, `type`, `order_id`, `resource_id`, `order_version`, `data`, `created_at`)
	VALUES (new.store_id, 'after_sales.created', new.order_id, new.id, (SELECT `version` FROM `orders` WHERE `id` = new.order_id),
		json_object('request_id', new.id, 'order_id', new.order_id, 'kind', new.kind, 'status', new.status, 'resolution', new.resolution, 'version', new.version), CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER));
END;
--> statement-breakpoint
CREATE TRIGGER `events_after_sales_status` AFTER UPDATE OF `status` ON `after_sales_requests`
WHEN old.status IS NOT new.status
BEGIN
	INSERT INTO `events` (`store_id`, `type`, `order_id`, `resource_id`, `order_version`, `data`, `created_at`)
	VALUES (new.store_id, 'after_sales.status_changed', new.order_id, new.id, (SELECT `version` FROM `orders` WHERE `id` = new.order_id),
		json_object('request_id', new.id, 'order_id', new.order_id, 'kind', new.kind, 'status', new.status, 'previous_status', old.status, 'resolution', new.resolution, 'version', new.version), CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER));
END;
--> statement-breakpoint
CREATE TRIGGER `events_stock_created` AFTER INSERT ON `stock_levels`
WHEN new.on_hand <> 0 OR new.reserved <> 0
BEGIN
	INSERT INTO `events` (`store_id`, `type`, `order_id`, `resource_id`, `order_version`, `data`, `created_at`)
	SELECT j.value, 'stock.changed', NULL, new.sku, NULL,
		json_object('warehouse_id', new.warehouse_id, 'bin_id', new.bin_id, 'sku', new.sku, 'on_hand', new.on_hand, 'reserved', new.reserved, 'available', new.on_hand - new.reserved, 'previous_on_hand', 0, 'previous_reserved', 0, 'warehouse_available', (SELECT sum(`on_hand` - `reserved`) FROM `stock_levels` WHERE `warehouse_id` = new.warehouse_id AND `sku` = new.sku)), CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER)
	FROM `warehouses` w, json_each(w.store_ids) j WHERE w.id = new.warehouse_id;
END;
--> statement-breakpoint
CREATE TRIGGER `events_stock_changed` AFTER UPDATE OF `on_hand`, `reserved` ON `stock_levels`
WHEN old.on_hand IS NOT new.on_hand OR old.reserved IS NOT new.reserved
BEGIN
	INSERT INTO `events` (`store_id`, `type`, `order_id`, `resource_id`, `order_version`, `data`, `created_at`)
	SELECT j.value, 'stock.changed', NULL, new.sku, NULL,
		json_object('warehouse_id', new.warehouse_id, 'bin_id', new.bin_id, 'sku', new.sku, 'on_hand', new.on_hand, 'reserved', new.reserved, 'available', new.on_hand - new.reserved, 'previous_on_hand', old.on_hand, 'previous_reserved', old.reserved, 'warehouse_available', (SELECT sum(`on_hand` - `reserved`) FROM `stock_levels` WHERE `warehouse_id` = new.warehouse_id AND `sku` = new.sku)), CAST(ROUND((julianday('now') - 2440587.5) * 86400000) AS INTEGER)
	FROM `warehouses` w, json_each(w.store_ids) j WHERE w.id = new.warehouse_id;
END;
