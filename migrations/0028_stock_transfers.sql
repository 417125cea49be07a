CREATE TABLE `stock_transfer_lines` (
	`transfer_id` text NOT NULL,
	`line_no` integer NOT NULL,
	`sku` text NOT NULL,
	`from_bin_id` text NOT NULL,
	`quantity` integer NOT NULL,
	`unit_cost` integer,
	`currency` text NOT NULL,
	`received_qty` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`transfer_id`, `line_no`),
	CONSTRAINT "stock_transfer_lines_received_within_sent" CHECK("stock_transfer_lines"."received_qty" >= 0 AND "stock_transfer_lines"."received_qty" <= "stock_transfer_lines"."quantity")
);
--> statement-breakpoint
CREATE TABLE `stock_transfers` (
	`id` text PRIMARY KEY NOT NULL,
	`from_warehouse_id` text NOT NULL,
	`to_warehouse_id` text NOT NULL,
	`status` text NOT NULL,
	`note` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`received_at` integer
);
--> statement-breakpoint
CREATE INDEX `stock_transfers_to` ON `stock_transfers` (`to_warehouse_id`,`status`);--> statement-breakpoint
CREATE INDEX `stock_transfers_from` ON `stock_transfers` (`from_warehouse_id`,`created_at`);