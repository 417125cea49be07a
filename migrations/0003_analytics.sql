CREATE TABLE `rollup_dirty` (
	`store_id` text NOT NULL,
	`day` text NOT NULL,
	`marked_at` integer NOT NULL,
	PRIMARY KEY(`store_id`, `day`)
);
--> statement-breakpoint
CREATE INDEX `rollup_dirty_day_idx` ON `rollup_dirty` (`day`);--> statement-breakpoint
CREATE TABLE `rollup_durations` (
	`store_id` text NOT NULL,
	`day` text NOT NULL,
	`span` text NOT NULL,
	`channel` text NOT NULL,
	`count` integer NOT NULL,
	`sum_ms` integer NOT NULL,
	`max_ms` integer NOT NULL,
	`p50_ms` integer NOT NULL,
	`p90_ms` integer NOT NULL,
	`breaches` integer NOT NULL,
	`histogram` text NOT NULL,
	PRIMARY KEY(`store_id`, `day`, `span`, `channel`)
);
--> statement-breakpoint
CREATE INDEX `rollup_durations_day_idx` ON `rollup_durations` (`day`);--> statement-breakpoint
CREATE TABLE `rollup_order_days` (
	`store_id` text NOT NULL,
	`day` text NOT NULL,
	`channel` text NOT NULL,
	`warehouse_id` text NOT NULL,
	`currency` text NOT NULL,
	`received` integer NOT NULL,
	`approved` integer NOT NULL,
	`held` integer NOT NULL,
	`processing` integer NOT NULL,
	`shipped` integer NOT NULL,
	`delivered` integer NOT NULL,
	`completed` integer NOT NULL,
	`cancelled` integer NOT NULL,
	`rejected` integer NOT NULL,
	`gross_amount` integer NOT NULL,
	`discount_amount` integer NOT NULL,
	`shipping_amount` integer NOT NULL,
	`tax_amount` integer NOT NULL,
	`net_amount` integer NOT NULL,
	`cancelled_amount` integer NOT NULL,
	PRIMARY KEY(`store_id`, `day`, `channel`, `warehouse_id`, `currency`)
);
--> statement-breakpoint
CREATE INDEX `rollup_order_days_day_idx` ON `rollup_order_days` (`day`);--> statement-breakpoint
CREATE TABLE `rollup_order_hours` (
	`store_id` text NOT NULL,
	`day` text NOT NULL,
	`hour_start` integer NOT NULL,
	`hour_label` text NOT NULL,
	`channel` text NOT NULL,
	`warehouse_id` text NOT NULL,
	`currency` text NOT NULL,
	`received` integer NOT NULL,
	`approved` integer NOT NULL,
	`held` integer NOT NULL,
	`processing` integer NOT NULL,
	`shipped` integer NOT NULL,
	`delivered` integer NOT NULL,
	`completed` integer NOT NULL,
	`cancelled` integer NOT NULL,
	`rejected` integer NOT NULL,
	`gross_amount` integer NOT NULL,
	`discount_amount` integer NOT NULL,
	`shipping_amount` integer NOT NULL,
	`tax_amount` integer NOT NULL,
	`net_amount` integer NOT NULL,
	`cancelled_amount` integer NOT NULL,
	PRIMARY KEY(`store_id`, `day`, `hour_start`, `channel`, `warehouse_id`, `currency`)
);
--> statement-breakpoint
CREATE INDEX `rollup_order_hours_day_idx` ON `rollup_order_hours` (`day`);--> statement-breakpoint
CREATE TABLE `rollup_reason_days` (
	`store_id` text NOT NULL,
	`day` text NOT NULL,
	`event` text NOT NULL,
	`reason` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`store_id`, `day`, `event`, `reason`)
);
--> statement-breakpoint
CREATE INDEX `rollup_reason_days_day_idx` ON `rollup_reason_days` (`day`);--> statement-breakpoint
CREATE TABLE `rollup_sku_days` (
	`store_id` text NOT NULL,
	`day` text NOT NULL,
	`warehouse_id` text NOT NULL,
	`sku` text NOT NULL,
	`currency` text NOT NULL,
	`units_ordered` integer NOT NULL,
	`revenue_ordered` integer NOT NULL,
	`units_cancelled` integer NOT NULL,
	`revenue_cancelled` integer NOT NULL,
	`units_shipped` integer NOT NULL,
	`revenue_shipped` integer NOT NULL,
	`cost_shipped` integer,
	PRIMARY KEY(`store_id`, `day`, `warehouse_id`, `sku`, `currency`)
);
--> statement-breakpoint
CREATE INDEX `rollup_sku_days_day_idx` ON `rollup_sku_days` (`day`);--> statement-breakpoint
CREATE TABLE `rollup_sla_breaches` (
	`order_id` text NOT NULL,
	`span` text NOT NULL,
	`store_id` text NOT NULL,
	`day` text NOT NULL,
	`channel` text NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer NOT NULL,
	`duration_ms` integer NOT NULL,
	`target_ms` integer NOT NULL,
	PRIMARY KEY(`order_id`, `span`)
);
--> statement-breakpoint
CREATE INDEX `rollup_sla_breaches_store_day_idx` ON `rollup_sla_breaches` (`store_id`,`day`);--> statement-breakpoint
CREATE TABLE `rollup_staff_days` (
	`store_id` text NOT NULL,
	`day` text NOT NULL,
	`actor` text NOT NULL,
	`role` text NOT NULL,
	`metric` text NOT NULL,
	`count` integer NOT NULL,
	`latency_sum_ms` integer NOT NULL,
	`latency_max_ms` integer NOT NULL,
	PRIMARY KEY(`store_id`, `day`, `actor`, `metric`)
);
--> statement-breakpoint
CREATE INDEX `rollup_staff_days_day_idx` ON `rollup_staff_days` (`day`);--> statement-breakpoint
CREATE TABLE `rollup_state` (
	`id` integer PRIMARY KEY NOT NULL,
	`watermark` integer NOT NULL,
	`lease_owner` text,
	`lease_until` integer NOT NULL,
	`last_run_at` integer,
	`last_run` text
);
--> statement-breakpoint
CREATE TABLE `rollup_stores` (
	`store_id` text PRIMARY KEY NOT NULL,
	`timezone` text NOT NULL,
	`config` text NOT NULL,
	`applied_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `store_slas` (
	`store_id` text PRIMARY KEY NOT NULL,
	`received_to_approved_ms` integer,
	`approved_to_shipped_ms` integer,
	`shipped_to_delivered_ms` integer,
	`received_to_completed_ms` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`store_id`) REFERENCES `stores`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `order_events_created_idx` ON `order_events` (`created_at`);--> statement-breakpoint
CREATE INDEX `orders_updated_idx` ON `orders` (`updated_at`);