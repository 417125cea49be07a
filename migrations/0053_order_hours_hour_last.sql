-- The hour rows keyed with the hour last, so that a day's rows are summed in key order (src/db/schema/analytics.ts).
-- Nothing references rollup_order_hours, so it is rebuilt without switching foreign keys off.
CREATE TABLE `__new_rollup_order_hours` (
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
	PRIMARY KEY(`store_id`, `day`, `channel`, `warehouse_id`, `currency`, `hour_start`)
);
--> statement-breakpoint
INSERT INTO `__new_rollup_order_hours`("store_id", "day", "hour_start", "hour_label", "channel", "warehouse_id", "currency", "received", "approved", "held", "processing", "shipped", "delivered", "completed", "cancelled", "rejected", "gross_amount", "discount_amount", "shipping_amount", "tax_amount", "net_amount", "cancelled_amount") SELECT "store_id", "day", "hour_start", "hour_label", "channel", "warehouse_id", "currency", "received", "approved", "held", "processing", "shipped", "delivered", "completed", "cancelled", "rejected", "gross_amount", "discount_amount", "shipping_amount", "tax_amount", "net_amount", "cancelled_amount" FROM `rollup_order_hours`;--> statement-breakpoint
DROP TABLE `rollup_order_hours`;--> statement-breakpoint
ALTER TABLE `__new_rollup_order_hours` RENAME TO `rollup_order_hours`;--> statement-breakpoint
CREATE INDEX `rollup_order_hours_day_idx` ON `rollup_order_hours` (`day`);