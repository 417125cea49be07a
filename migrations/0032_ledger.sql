CREATE TABLE `ledger_entries` (
	`id` text PRIMARY KEY NOT NULL,
	`store_id` text NOT NULL,
	`order_id` text NOT NULL,
	`kind` text NOT NULL,
	`amount` integer NOT NULL,
	`currency` text NOT NULL,
	`reference` text,
	`sku` text,
	`quantity` integer,
	`source` text NOT NULL,
	`source_key` text NOT NULL,
	`reverses` text,
	`actor` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`store_id`) REFERENCES `stores`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_entries_source_uq` ON `ledger_entries` (`source_key`);--> statement-breakpoint
CREATE INDEX `ledger_entries_order_idx` ON `ledger_entries` (`order_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `ledger_entries_reference_idx` ON `ledger_entries` (`store_id`,`reference`);--> statement-breakpoint
CREATE INDEX `ledger_entries_created_idx` ON `ledger_entries` (`created_at`);--> statement-breakpoint
CREATE TABLE `rollup_finance_days` (
	`store_id` text NOT NULL,
	`day` text NOT NULL,
	`channel` text NOT NULL,
	`currency` text NOT NULL,
	`orders` integer NOT NULL,
	`revenue` integer NOT NULL,
	`refunds` integer NOT NULL,
	`fees` integer NOT NULL,
	`shipping` integer NOT NULL,
	`cost_of_goods` integer NOT NULL,
	`gross_profit` integer NOT NULL,
	PRIMARY KEY(`store_id`, `day`, `channel`, `currency`)
);
--> statement-breakpoint
CREATE TABLE `settlement_lines` (
	`settlement_id` text NOT NULL,
	`line_no` integer NOT NULL,
	`kind` text NOT NULL,
	`type` text NOT NULL,
	`transaction_id` text,
	`reference` text,
	`amount` integer NOT NULL,
	`fee` integer NOT NULL,
	`currency` text NOT NULL,
	`occurred_at` integer,
	`order_id` text,
	`expected_amount` integer,
	`status` text NOT NULL,
	`resolution_note` text,
	`resolved_by` text,
	`resolved_at` integer,
	PRIMARY KEY(`settlement_id`, `line_no`),
	FOREIGN KEY (`settlement_id`) REFERENCES `settlements`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `settlement_lines_status_idx` ON `settlement_lines` (`settlement_id`,`status`);--> statement-breakpoint
CREATE INDEX `settlement_lines_reference_idx` ON `settlement_lines` (`reference`);--> statement-breakpoint
CREATE TABLE `settlements` (
	`id` text PRIMARY KEY NOT NULL,
	`store_id` text NOT NULL,
	`format` text NOT NULL,
	`status` text NOT NULL,
	`file_sha256` text,
	`line_count` integer NOT NULL,
	`period_start` integer,
	`period_end` integer,
	`imported_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`reconciled_at` integer,
	FOREIGN KEY (`store_id`) REFERENCES `stores`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `settlements_file_uq` ON `settlements` (`store_id`,`file_sha256`);--> statement-breakpoint
CREATE INDEX `settlements_store_idx` ON `settlements` (`store_id`,`created_at`);