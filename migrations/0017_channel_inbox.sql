ALTER TABLE `channel_connections` ADD `previous_webhook_secret_until` integer;--> statement-breakpoint
CREATE TABLE `channel_inbox` (
	`id` text PRIMARY KEY NOT NULL,
	`connection_id` text NOT NULL,
	`store_id` text NOT NULL,
	`delivery_id` text NOT NULL,
	`topic` text NOT NULL,
	`kind` text NOT NULL,
	`external_id` text,
	`headers` text NOT NULL,
	`body` text NOT NULL,
	`status` text NOT NULL,
	`outcome` text,
	`order_id` text,
	`detail` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`received_at` integer NOT NULL,
	`processed_at` integer,
	FOREIGN KEY (`connection_id`) REFERENCES `channel_connections`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `channel_inbox_delivery_uq` ON `channel_inbox` (`connection_id`,`delivery_id`);--> statement-breakpoint
CREATE INDEX `channel_inbox_connection_idx` ON `channel_inbox` (`connection_id`,`id`);--> statement-breakpoint
CREATE TABLE `channel_refunds` (
	`connection_id` text NOT NULL,
	`refund_id` text NOT NULL,
	`order_id` text NOT NULL,
	`after_sales_id` text,
	`outcome` text NOT NULL,
	`detail` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`connection_id`, `refund_id`),
	FOREIGN KEY (`connection_id`) REFERENCES `channel_connections`(`id`) ON UPDATE no action ON DELETE no action
);
