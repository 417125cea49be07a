CREATE TABLE `rollup_audit_days` (
	`store_id` text NOT NULL,
	`day` text NOT NULL,
	`outcome` text NOT NULL,
	`code` text NOT NULL,
	`severity` text NOT NULL,
	`audits` integer NOT NULL,
	`findings` integer NOT NULL,
	PRIMARY KEY(`store_id`, `day`, `outcome`, `code`, `severity`)
);
--> statement-breakpoint
CREATE INDEX `rollup_audit_days_day_idx` ON `rollup_audit_days` (`day`);--> statement-breakpoint
CREATE TABLE `rollup_carrier_days` (
	`store_id` text NOT NULL,
	`day` text NOT NULL,
	`carrier` text NOT NULL,
	`service` text NOT NULL,
	`shipped` integer NOT NULL,
	`delivered` integer NOT NULL,
	`on_time` integer NOT NULL,
	`late` integer NOT NULL,
	`transit_n` integer NOT NULL,
	`transit_sum_ms` integer NOT NULL,
	`transit_max_ms` integer NOT NULL,
	`failed_attempt` integer NOT NULL,
	`exception` integer NOT NULL,
	`returned_to_sender` integer NOT NULL,
	`stale_tracking` integer NOT NULL,
	`conflicting_status` integer NOT NULL,
	PRIMARY KEY(`store_id`, `day`, `carrier`, `service`)
);
--> statement-breakpoint
CREATE INDEX `rollup_carrier_days_day_idx` ON `rollup_carrier_days` (`day`);--> statement-breakpoint
CREATE TABLE `rollup_floor_days` (
	`store_id` text NOT NULL,
	`day` text NOT NULL,
	`warehouse_id` text NOT NULL,
	`worker` text NOT NULL,
	`role` text NOT NULL,
	`metric` text NOT NULL,
	`count` integer NOT NULL,
	`units` integer NOT NULL,
	`duration_n` integer NOT NULL,
	`duration_sum_ms` integer NOT NULL,
	`duration_max_ms` integer NOT NULL,
	PRIMARY KEY(`store_id`, `day`, `warehouse_id`, `worker`, `metric`)
);
--> statement-breakpoint
CREATE INDEX `rollup_floor_days_day_idx` ON `rollup_floor_days` (`day`);--> statement-breakpoint
CREATE INDEX `audit_results_created_idx` ON `audit_results` (`created_at`);--> statement-breakpoint
CREATE INDEX `logistics_exceptions_created_idx` ON `logistics_exceptions` (`created_at`);--> statement-breakpoint
CREATE INDEX `shipment_tracking_updated_idx` ON `shipment_tracking` (`last_update_at`);--> statement-breakpoint
CREATE INDEX `shipment_tracking_handed_over_idx` ON `shipment_tracking` (`handed_over_at`);--> statement-breakpoint
CREATE INDEX `shipment_tracking_delivered_idx` ON `shipment_tracking` (`delivered_at`);--> statement-breakpoint
CREATE INDEX `warehouse_events_created_idx` ON `warehouse_events` (`created_at`);