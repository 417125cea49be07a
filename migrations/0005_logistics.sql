CREATE TABLE `logistics_exceptions` (
	`id` text PRIMARY KEY NOT NULL,
	`shipment_id` text NOT NULL,
	`order_id` text NOT NULL,
	`store_id` text NOT NULL,
	`kind` text NOT NULL,
	`detail` text,
	`tracking_event_id` text,
	`status` text NOT NULL,
	`open_key` text,
	`created_at` integer NOT NULL,
	`resolved_by` text,
	`resolved_at` integer,
	`resolution` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `logistics_exceptions_open_uq` ON `logistics_exceptions` (`open_key`);--> statement-breakpoint
CREATE INDEX `logistics_exceptions_status_idx` ON `logistics_exceptions` (`status`,`id`);--> statement-breakpoint
CREATE INDEX `logistics_exceptions_order_idx` ON `logistics_exceptions` (`order_id`);--> statement-breakpoint
CREATE TABLE `shipment_labels` (
	`shipment_id` text PRIMARY KEY NOT NULL,
	`content_type` text NOT NULL,
	`data` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `shipment_tracking` (
	`shipment_id` text PRIMARY KEY NOT NULL,
	`store_id` text NOT NULL,
	`order_id` text NOT NULL,
	`carrier` text NOT NULL,
	`service` text NOT NULL,
	`adapter` text NOT NULL,
	`carrier_ref` text NOT NULL,
	`tracking_number` text NOT NULL,
	`tracking_url` text,
	`rate_amount` integer NOT NULL,
	`currency` text NOT NULL,
	`package_count` integer NOT NULL,
	`explanation` text NOT NULL,
	`status` text,
	`status_at` integer,
	`peak_rank` integer DEFAULT 0 NOT NULL,
	`last_update_at` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`last_event_id` text,
	`labelled_by` text NOT NULL,
	`labelled_at` integer NOT NULL,
	`handed_over_by` text,
	`handed_over_at` integer,
	`delivered_at` integer
);
--> statement-breakpoint
CREATE INDEX `shipment_tracking_number_idx` ON `shipment_tracking` (`tracking_number`);--> statement-breakpoint
CREATE INDEX `shipment_tracking_status_idx` ON `shipment_tracking` (`status`,`last_update_at`);--> statement-breakpoint
CREATE TABLE `store_logistics` (
	`store_id` text PRIMARY KEY NOT NULL,
	`config` text NOT NULL,
	`updated_by` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`store_id`) REFERENCES `stores`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `tracking_events` (
	`id` text PRIMARY KEY NOT NULL,
	`partner` text NOT NULL,
	`event_id` text NOT NULL,
	`tracking_number` text NOT NULL,
	`carrier` text,
	`partner_status` text NOT NULL,
	`status` text NOT NULL,
	`message` text,
	`location` text,
	`occurred_at` integer NOT NULL,
	`received_at` integer NOT NULL,
	`body` text NOT NULL,
	`shipment_id` text,
	`outcome` text,
	`processed_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tracking_events_partner_event_uq` ON `tracking_events` (`partner`,`event_id`);--> statement-breakpoint
CREATE INDEX `tracking_events_number_idx` ON `tracking_events` (`tracking_number`);--> statement-breakpoint
CREATE INDEX `tracking_events_shipment_idx` ON `tracking_events` (`shipment_id`,`occurred_at`);--> statement-breakpoint
CREATE INDEX `tracking_events_outcome_idx` ON `tracking_events` (`outcome`,`id`);