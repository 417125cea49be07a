-- One row per local day and (channel, warehouse, currency) with that day's hours in a JSON array, instead of a row per
-- hour (src/db/schema/analytics.ts). The hour rows are converted here, not refolded: each entry is
-- [hour_start, offset_ms, ...measures], the offset read back from the hour's label (its local time as if UTC, less the
-- instant it began), the entries in hour order. Nothing references rollup_order_hours, so it is rebuilt without
-- switching foreign keys off.
CREATE TABLE `__new_rollup_order_hours` (
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
	`hours` text NOT NULL,
	PRIMARY KEY(`store_id`, `day`, `channel`, `warehouse_id`, `currency`)
);
--> statement-breakpoint
INSERT INTO `__new_rollup_order_hours`("store_id", "day", "channel", "warehouse_id", "currency", "received", "approved", "held", "processing", "shipped", "delivered", "completed", "cancelled", "rejected", "gross_amount", "discount_amount", "shipping_amount", "tax_amount", "net_amount", "cancelled_amount", "hours")
SELECT "store_id", "day", "channel", "warehouse_id", "currency", SUM("received"), SUM("approved"), SUM("held"), SUM("processing"), SUM("shipped"), SUM("delivered"), SUM("completed"), SUM("cancelled"), SUM("rejected"), SUM("gross_amount"), SUM("discount_amount"), SUM("shipping_amount"), SUM("tax_amount"), SUM("net_amount"), SUM("cancelled_amount"),
  json_group_array(json_array("hour_start", CAST(strftime('%s', substr("hour_label", 1, 16)) AS INTEGER) * 1000 - "hour_start", "received", "approved", "held", "processing", "shipped", "delivered", "completed", "cancelled", "rejected", "gross_amount", "discount_amount", "shipping_amount", "tax_amount", "net_amount", "cancelled_amount"))
FROM (SELECT * FROM `rollup_order_hours` ORDER BY "store_id", "day", "channel", "warehouse_id", "currency", "hour_start")
GROUP BY "store_id", "day", "channel", "warehouse_id", "currency";--> statement-breakpoint
DROP TABLE `rollup_order_hours`;--> statement-breakpoint
ALTER TABLE `__new_rollup_order_hours` RENAME TO `rollup_order_hours`;--> statement-breakpoint
CREATE INDEX `rollup_order_hours_day_idx` ON `rollup_order_hours` (`day`);
