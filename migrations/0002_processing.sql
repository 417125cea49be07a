CREATE TABLE `allocations` (
	`order_id` text PRIMARY KEY NOT NULL,
	`store_id` text NOT NULL,
	`status` text NOT NULL,
	`reason` text,
	`explanation` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_attempt_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `allocations_status_idx` ON `allocations` (`status`,`last_attempt_at`);--> statement-breakpoint
CREATE TABLE `batch_assertions` (
	`name` text NOT NULL,
	`ok` integer NOT NULL,
	CONSTRAINT "batch_assertion_failed" CHECK("batch_assertions"."ok" = 1)
);
--> statement-breakpoint
CREATE TABLE `bins` (
	`id` text PRIMARY KEY NOT NULL,
	`warehouse_id` text NOT NULL,
	`zone_id` text,
	`code` text NOT NULL,
	`kind` text DEFAULT 'storage' NOT NULL,
	`pick_sequence` integer DEFAULT 0 NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`warehouse_id`) REFERENCES `warehouses`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`zone_id`) REFERENCES `zones`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `bins_wh_code_uq` ON `bins` (`warehouse_id`,`code`);--> statement-breakpoint
CREATE TABLE `fulfilment_exceptions` (
	`id` text PRIMARY KEY NOT NULL,
	`shipment_id` text NOT NULL,
	`item_id` text,
	`kind` text NOT NULL,
	`quantity` integer DEFAULT 0 NOT NULL,
	`note` text,
	`status` text NOT NULL,
	`resolution` text,
	`created_by` text NOT NULL,
	`resolved_by` text,
	`created_at` integer NOT NULL,
	`resolved_at` integer
);
--> statement-breakpoint
CREATE INDEX `fulfilment_exceptions_shipment_idx` ON `fulfilment_exceptions` (`shipment_id`);--> statement-breakpoint
CREATE TABLE `inbound_webhooks` (
	`source` text NOT NULL,
	`event_id` text NOT NULL,
	`type` text NOT NULL,
	`received_at` integer NOT NULL,
	PRIMARY KEY(`source`, `event_id`)
);
--> statement-breakpoint
CREATE TABLE `routing_policies` (
	`store_id` text PRIMARY KEY NOT NULL,
	`policy` text NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`store_id`) REFERENCES `stores`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `service_tasks` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`store_id` text NOT NULL,
	`line_no` integer NOT NULL,
	`sku` text NOT NULL,
	`name` text NOT NULL,
	`quantity` integer NOT NULL,
	`status` text NOT NULL,
	`assignee` text,
	`note` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`assigned_at` integer,
	`started_at` integer,
	`done_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `service_tasks_order_line_uq` ON `service_tasks` (`order_id`,`line_no`);--> statement-breakpoint
CREATE INDEX `service_tasks_store_status_idx` ON `service_tasks` (`store_id`,`status`,`id`);--> statement-breakpoint
CREATE TABLE `shipment_items` (
	`id` text PRIMARY KEY NOT NULL,
	`shipment_id` text NOT NULL,
	`origin_shipment_id` text NOT NULL,
	`order_id` text NOT NULL,
	`line_no` integer NOT NULL,
	`sku` text NOT NULL,
	`warehouse_id` text NOT NULL,
	`bin_id` text NOT NULL,
	`quantity` integer NOT NULL,
	`reserved_qty` integer NOT NULL,
	`picked_qty` integer DEFAULT 0 NOT NULL,
	`short_qty` integer DEFAULT 0 NOT NULL,
	`packed_qty` integer DEFAULT 0 NOT NULL,
	`cancelled_at` integer,
	`created_at` integer NOT NULL,
	CONSTRAINT "shipment_items_reserved_nonneg" CHECK("shipment_items"."reserved_qty" >= 0),
	CONSTRAINT "shipment_items_counts_nonneg" CHECK("shipment_items"."picked_qty" >= 0 AND "shipment_items"."short_qty" >= 0 AND "shipment_items"."packed_qty" >= 0),
	CONSTRAINT "shipment_items_within_quantity" CHECK("shipment_items"."reserved_qty" + "shipment_items"."picked_qty" + "shipment_items"."short_qty" <= "shipment_items"."quantity"),
	CONSTRAINT "shipment_items_packed_within_picked" CHECK("shipment_items"."packed_qty" <= "shipment_items"."picked_qty")
);
--> statement-breakpoint
CREATE INDEX `shipment_items_shipment_idx` ON `shipment_items` (`shipment_id`);--> statement-breakpoint
CREATE INDEX `shipment_items_order_idx` ON `shipment_items` (`order_id`);--> statement-breakpoint
CREATE TABLE `shipments` (
	`id` text PRIMARY KEY NOT NULL,
	`store_id` text NOT NULL,
	`order_id` text NOT NULL,
	`warehouse_id` text NOT NULL,
	`status` text NOT NULL,
	`carrier` text,
	`merge_key` text NOT NULL,
	`merged_into` text,
	`hold_until` integer NOT NULL,
	`wave_id` text,
	`intercepted_at` integer,
	`intercept_reason` text,
	`dispatch_status` text,
	`dispatch_note` text,
	`expected_weight_grams` integer,
	`packages` text,
	`weight_override_reason` text,
	`packed_at` integer,
	`ready_for_label_at` integer,
	`shipped_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `shipments_wh_status_idx` ON `shipments` (`warehouse_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `shipments_merge_idx` ON `shipments` (`store_id`,`merge_key`,`status`);--> statement-breakpoint
CREATE INDEX `shipments_order_idx` ON `shipments` (`order_id`);--> statement-breakpoint
CREATE TABLE `stock_costs` (
	`warehouse_id` text NOT NULL,
	`sku` text NOT NULL,
	`avg_unit_cost` integer NOT NULL,
	`currency` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`warehouse_id`, `sku`)
);
--> statement-breakpoint
CREATE TABLE `stock_count_lines` (
	`count_id` text NOT NULL,
	`bin_id` text NOT NULL,
	`sku` text NOT NULL,
	`expected` integer NOT NULL,
	`counted` integer NOT NULL,
	PRIMARY KEY(`count_id`, `bin_id`, `sku`)
);
--> statement-breakpoint
CREATE TABLE `stock_counts` (
	`id` text PRIMARY KEY NOT NULL,
	`warehouse_id` text NOT NULL,
	`actor` text NOT NULL,
	`reason` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `stock_levels` (
	`bin_id` text NOT NULL,
	`sku` text NOT NULL,
	`warehouse_id` text NOT NULL,
	`on_hand` integer DEFAULT 0 NOT NULL,
	`reserved` integer DEFAULT 0 NOT NULL,
	`available` integer GENERATED ALWAYS AS (on_hand - reserved) VIRTUAL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`bin_id`, `sku`),
	FOREIGN KEY (`bin_id`) REFERENCES `bins`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`warehouse_id`) REFERENCES `warehouses`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "stock_levels_on_hand_nonneg" CHECK("stock_levels"."on_hand" >= 0),
	CONSTRAINT "stock_levels_reserved_nonneg" CHECK("stock_levels"."reserved" >= 0),
	CONSTRAINT "stock_levels_reserved_within_on_hand" CHECK("stock_levels"."reserved" <= "stock_levels"."on_hand")
);
--> statement-breakpoint
CREATE INDEX `stock_levels_wh_sku_idx` ON `stock_levels` (`warehouse_id`,`sku`);--> statement-breakpoint
CREATE TABLE `stock_movements` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`warehouse_id` text NOT NULL,
	`bin_id` text NOT NULL,
	`sku` text NOT NULL,
	`kind` text NOT NULL,
	`on_hand_delta` integer NOT NULL,
	`reserved_delta` integer NOT NULL,
	`unit_cost` integer,
	`actor` text NOT NULL,
	`reason` text,
	`ref_type` text,
	`ref_id` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `stock_movements_wh_sku_idx` ON `stock_movements` (`warehouse_id`,`sku`,`id`);--> statement-breakpoint
CREATE INDEX `stock_movements_ref_idx` ON `stock_movements` (`ref_id`);--> statement-breakpoint
CREATE TABLE `warehouse_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`warehouse_id` text NOT NULL,
	`shipment_id` text,
	`wave_id` text,
	`kind` text NOT NULL,
	`worker` text NOT NULL,
	`duration_ms` integer,
	`data` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `warehouse_events_wh_idx` ON `warehouse_events` (`warehouse_id`,`id`);--> statement-breakpoint
CREATE INDEX `warehouse_events_worker_idx` ON `warehouse_events` (`worker`,`id`);--> statement-breakpoint
CREATE TABLE `waves` (
	`id` text PRIMARY KEY NOT NULL,
	`warehouse_id` text NOT NULL,
	`group_by` text NOT NULL,
	`group_key` text NOT NULL,
	`status` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`completed_at` integer
);
--> statement-breakpoint
CREATE INDEX `waves_wh_idx` ON `waves` (`warehouse_id`,`id`);--> statement-breakpoint
CREATE TABLE `zones` (
	`id` text PRIMARY KEY NOT NULL,
	`warehouse_id` text NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`warehouse_id`) REFERENCES `warehouses`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `zones_wh_code_uq` ON `zones` (`warehouse_id`,`code`);--> statement-breakpoint
ALTER TABLE `api_keys` ADD `warehouse_ids` text DEFAULT '["*"]' NOT NULL;--> statement-breakpoint
ALTER TABLE `products` ADD `barcode` text;--> statement-breakpoint
ALTER TABLE `warehouses` ADD `currency` text DEFAULT 'USD' NOT NULL;--> statement-breakpoint
ALTER TABLE `warehouses` ADD `active` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `warehouses` ADD `weight_tolerance_pct` integer DEFAULT 5 NOT NULL;--> statement-breakpoint
ALTER TABLE `warehouses` ADD `weight_tolerance_grams` integer DEFAULT 20 NOT NULL;--> statement-breakpoint
ALTER TABLE `warehouses` ADD `webhook_url` text;--> statement-breakpoint
ALTER TABLE `warehouses` ADD `webhook_secret` text;--> statement-breakpoint
ALTER TABLE `warehouses` ADD `updated_at` integer DEFAULT 0 NOT NULL;