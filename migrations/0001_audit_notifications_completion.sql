CREATE TABLE `audit_results` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`order_version` integer NOT NULL,
	`rule_set_version` integer NOT NULL,
	`outcome` text NOT NULL,
	`findings` text NOT NULL,
	`trigger` text NOT NULL,
	`duration_ms` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `audit_results_order_idx` ON `audit_results` (`order_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `audit_rule_sets` (
	`store_id` text PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	`rules` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL,
	FOREIGN KEY (`store_id`) REFERENCES `stores`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `blocklist_entries` (
	`id` text PRIMARY KEY NOT NULL,
	`store_id` text NOT NULL,
	`kind` text NOT NULL,
	`value` text NOT NULL,
	`note` text,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`store_id`) REFERENCES `stores`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `blocklist_store_kind_value_uq` ON `blocklist_entries` (`store_id`,`kind`,`value`);--> statement-breakpoint
CREATE TABLE `customer_tokens` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `customer_tokens_order_idx` ON `customer_tokens` (`order_id`);--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` text PRIMARY KEY NOT NULL,
	`message_id` text NOT NULL,
	`order_id` text NOT NULL,
	`store_id` text NOT NULL,
	`template` text NOT NULL,
	`language` text NOT NULL,
	`channel` text NOT NULL,
	`recipient` text,
	`subject` text NOT NULL,
	`body` text NOT NULL,
	`status` text NOT NULL,
	`provider` text NOT NULL,
	`provider_ref` text,
	`error` text,
	`attempts` integer NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_message_uq` ON `notifications` (`message_id`,`channel`);--> statement-breakpoint
CREATE INDEX `notifications_order_idx` ON `notifications` (`order_id`);--> statement-breakpoint
CREATE TABLE `order_hold_reasons` (
	`order_id` text NOT NULL,
	`code` text NOT NULL,
	`message` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`order_id`, `code`),
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `order_hold_reasons_code_idx` ON `order_hold_reasons` (`code`,`created_at`);--> statement-breakpoint
ALTER TABLE `orders` ADD `locale` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `channel_total_amount` integer;--> statement-breakpoint
ALTER TABLE `orders` ADD `confirmations` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `stores` ADD `language` text DEFAULT 'en' NOT NULL;--> statement-breakpoint
ALTER TABLE `stores` ADD `auto_audit` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `stores` ADD `complete_after_days` integer DEFAULT 7 NOT NULL;--> statement-breakpoint
ALTER TABLE `stores` ADD `archive_after_days` integer DEFAULT 30 NOT NULL;--> statement-breakpoint
ALTER TABLE `stores` ADD `finance_review` text;--> statement-breakpoint
ALTER TABLE `stores` ADD `notify_on` text DEFAULT '["order.on_hold","order.approved","order.shipped","shipment.out_for_delivery","shipment.exception","order.delivered","order.completed","order.cancelled"]' NOT NULL;