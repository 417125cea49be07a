CREATE TABLE `legacy_homes` (
	`id` text PRIMARY KEY NOT NULL,
	`store_id` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `pools` (
	`id` text PRIMARY KEY NOT NULL,
	`shard_id` text NOT NULL,
	`state` text DEFAULT 'live' NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`shard_id`) REFERENCES `shards`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "pools_state" CHECK("pools"."state" IN ('live', 'moving', 'frozen'))
);
--> statement-breakpoint
CREATE INDEX `pools_shard` ON `pools` (`shard_id`);--> statement-breakpoint
CREATE TABLE `shards` (
	`id` text PRIMARY KEY NOT NULL,
	`binding` text NOT NULL,
	`state` text DEFAULT 'open' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "shards_state" CHECK("shards"."state" IN ('open', 'full', 'draining'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `shards_binding_unique` ON `shards` (`binding`);--> statement-breakpoint
CREATE TABLE `store_homes` (
	`store_id` text PRIMARY KEY NOT NULL,
	`pool_id` text NOT NULL,
	`tag` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`pool_id`) REFERENCES `pools`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `store_homes_tag_unique` ON `store_homes` (`tag`);--> statement-breakpoint
CREATE INDEX `store_homes_pool` ON `store_homes` (`pool_id`);--> statement-breakpoint
CREATE TABLE `tracking_routes` (
	`tracking_number` text NOT NULL,
	`carrier` text NOT NULL,
	`store_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`tracking_number`, `carrier`)
);
--> statement-breakpoint
CREATE TABLE `warehouse_homes` (
	`warehouse_id` text PRIMARY KEY NOT NULL,
	`pool_id` text NOT NULL,
	`tag` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`pool_id`) REFERENCES `pools`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `warehouse_homes_tag_unique` ON `warehouse_homes` (`tag`);--> statement-breakpoint
CREATE INDEX `warehouse_homes_pool` ON `warehouse_homes` (`pool_id`);