CREATE TABLE `rollup_gross_profit_days` (
	`store_id` text NOT NULL,
	`day` text NOT NULL,
	`channel` text NOT NULL,
	`currency` text NOT NULL,
	`sku` text NOT NULL,
	`units_shipped` integer NOT NULL,
	`revenue` integer NOT NULL,
	`refunds` integer NOT NULL,
	`fees` integer NOT NULL,
	`shipping` integer NOT NULL,
	`cost_of_goods` integer NOT NULL,
	`gross_profit` integer NOT NULL,
	PRIMARY KEY(`store_id`, `day`, `channel`, `currency`, `sku`)
);
--> statement-breakpoint
CREATE INDEX `rollup_gross_profit_days_day_idx` ON `rollup_gross_profit_days` (`day`);