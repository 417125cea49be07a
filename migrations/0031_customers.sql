CREATE TABLE `customer_events` (
	`id` text PRIMARY KEY NOT NULL,
	`customer_id` text NOT NULL,
	`type` text NOT NULL,
	`actor` text NOT NULL,
	`other_customer_id` text,
	`body` text,
	`data` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `customer_events_customer_idx` ON `customer_events` (`customer_id`,`id`);--> statement-breakpoint
CREATE TABLE `customer_identities` (
	`kind` text NOT NULL,
	`value_index` text NOT NULL,
	`customer_id` text NOT NULL,
	`home_customer_id` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `customer_identities_uq` ON `customer_identities` (`kind`,`value_index`);--> statement-breakpoint
CREATE INDEX `customer_identities_customer_idx` ON `customer_identities` (`customer_id`);--> statement-breakpoint
CREATE INDEX `customer_identities_home_idx` ON `customer_identities` (`home_customer_id`);--> statement-breakpoint
CREATE TABLE `customer_links` (
	`order_id` text PRIMARY KEY NOT NULL,
	`customer_id` text NOT NULL,
	`home_customer_id` text NOT NULL,
	`email_index` text,
	`phone_index` text,
	`linked_at` integer NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `customer_links_customer_idx` ON `customer_links` (`customer_id`,`order_id`);--> statement-breakpoint
CREATE INDEX `customer_links_home_idx` ON `customer_links` (`home_customer_id`);--> statement-breakpoint
CREATE TABLE `customer_sync_state` (
	`id` integer PRIMARY KEY NOT NULL,
	`updated_at` integer NOT NULL,
	`order_id` text NOT NULL,
	`backfill_after` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `customers` (
	`id` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`merged_into` text,
	`name` text,
	`email` text,
	`phone` text,
	`address` text,
	`name_terms` text DEFAULT '[]' NOT NULL,
	`tags` text DEFAULT '[]' NOT NULL,
	`orders_count` integer DEFAULT 0 NOT NULL,
	`spent` text DEFAULT '{}' NOT NULL,
	`first_order_at` integer,
	`last_order_at` integer,
	`rfm_recency` integer,
	`rfm_frequency` integer,
	`rfm_monetary` integer,
	`rfm_segment` text,
	`main_currency` text,
	`main_spent` integer DEFAULT 0 NOT NULL,
	`dirty` integer DEFAULT 1 NOT NULL,
	`computed_at` integer,
	`last_op` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`erased_at` integer
);
--> statement-breakpoint
CREATE INDEX `customers_status_id_idx` ON `customers` (`status`,`id`);--> statement-breakpoint
CREATE INDEX `customers_merged_into_idx` ON `customers` (`merged_into`);--> statement-breakpoint
CREATE INDEX `customers_dirty_idx` ON `customers` (`dirty`);--> statement-breakpoint
CREATE INDEX `customers_computed_idx` ON `customers` (`status`,`computed_at`);--> statement-breakpoint
CREATE INDEX `customers_segment_idx` ON `customers` (`rfm_segment`,`id`);--> statement-breakpoint
CREATE INDEX `customers_main_spent_idx` ON `customers` (`main_currency`,`main_spent`);--> statement-breakpoint
ALTER TABLE `orders` ADD `customer_email_merchant_index` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `customer_phone_merchant_index` text;