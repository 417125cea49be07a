CREATE TABLE `after_sales_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`store_id` text NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`reason` text NOT NULL,
	`lines` text NOT NULL,
	`opened_by` text NOT NULL,
	`resolution` text,
	`currency` text NOT NULL,
	`refund_amount` integer,
	`note` text,
	`decided_by` text,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`accepted_at` integer,
	`closed_at` integer
);
--> statement-breakpoint
CREATE INDEX `after_sales_order_idx` ON `after_sales_requests` (`order_id`,`id`);--> statement-breakpoint
CREATE INDEX `after_sales_store_status_idx` ON `after_sales_requests` (`store_id`,`status`,`id`);--> statement-breakpoint
ALTER TABLE `orders` ADD `open_after_sales` integer DEFAULT 0 NOT NULL;