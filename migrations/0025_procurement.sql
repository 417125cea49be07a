CREATE TABLE `purchase_order_events` (
	`id` text PRIMARY KEY NOT NULL,
	`purchase_order_id` text NOT NULL,
	`seq` integer NOT NULL,
	`type` text NOT NULL,
	`from_status` text,
	`to_status` text NOT NULL,
	`actor` text NOT NULL,
	`reason` text,
	`data` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `purchase_order_events_seq` ON `purchase_order_events` (`purchase_order_id`,`seq`);--> statement-breakpoint
CREATE TABLE `purchase_order_lines` (
	`purchase_order_id` text NOT NULL,
	`line_no` integer NOT NULL,
	`sku` text NOT NULL,
	`supplier_sku` text,
	`quantity` integer NOT NULL,
	`unit_cost` integer NOT NULL,
	`received_qty` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`purchase_order_id`, `line_no`),
	CONSTRAINT "purchase_order_lines_counts" CHECK("purchase_order_lines"."quantity" >= 0 AND "purchase_order_lines"."received_qty" >= 0 AND "purchase_order_lines"."unit_cost" >= 0)
);
--> statement-breakpoint
CREATE INDEX `purchase_order_lines_sku` ON `purchase_order_lines` (`sku`);--> statement-breakpoint
CREATE TABLE `purchase_order_receipts` (
	`id` text PRIMARY KEY NOT NULL,
	`purchase_order_id` text NOT NULL,
	`warehouse_id` text NOT NULL,
	`fx_rate` text NOT NULL,
	`landed_costs` text NOT NULL,
	`allocate_by` text NOT NULL,
	`lines` text NOT NULL,
	`reason` text,
	`reference` text,
	`actor` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `purchase_order_receipts_po` ON `purchase_order_receipts` (`purchase_order_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `purchase_orders` (
	`id` text PRIMARY KEY NOT NULL,
	`store_id` text NOT NULL,
	`supplier_id` text NOT NULL,
	`warehouse_id` text NOT NULL,
	`status` text NOT NULL,
	`currency` text NOT NULL,
	`over_receipt_pct` integer NOT NULL,
	`expected_at` integer,
	`note` text,
	`version` integer NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`submitted_at` integer,
	`received_at` integer,
	`closed_at` integer,
	`cancelled_at` integer,
	`close_reason` text
);
--> statement-breakpoint
CREATE INDEX `purchase_orders_store` ON `purchase_orders` (`store_id`,`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `purchase_orders_supplier` ON `purchase_orders` (`supplier_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `supplier_items` (
	`supplier_id` text NOT NULL,
	`sku` text NOT NULL,
	`supplier_sku` text,
	`unit_cost` integer NOT NULL,
	`min_order_qty` integer DEFAULT 1 NOT NULL,
	`pack_size` integer DEFAULT 1 NOT NULL,
	`lead_time_days` integer,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`supplier_id`, `sku`),
	CONSTRAINT "supplier_items_positive" CHECK("supplier_items"."unit_cost" >= 0 AND "supplier_items"."min_order_qty" >= 1 AND "supplier_items"."pack_size" >= 1)
);
--> statement-breakpoint
CREATE INDEX `supplier_items_sku` ON `supplier_items` (`sku`);--> statement-breakpoint
CREATE TABLE `suppliers` (
	`id` text PRIMARY KEY NOT NULL,
	`store_id` text NOT NULL,
	`name` text NOT NULL,
	`contact_name` text,
	`email` text,
	`phone` text,
	`currency` text NOT NULL,
	`payment_terms` text,
	`payment_days` integer DEFAULT 30 NOT NULL,
	`lead_time_days` integer DEFAULT 7 NOT NULL,
	`over_receipt_pct` integer DEFAULT 0 NOT NULL,
	`note` text,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `suppliers_store` ON `suppliers` (`store_id`,`name`);