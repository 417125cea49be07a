ALTER TABLE `warehouses` ADD `store_ids` text DEFAULT '["*"]' NOT NULL;--> statement-breakpoint
CREATE TABLE `warehouse_changes` (
	`id` text PRIMARY KEY NOT NULL,
	`warehouse_id` text NOT NULL,
	`action` text NOT NULL,
	`actor` text NOT NULL,
	`changes` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `warehouse_changes_wh_idx` ON `warehouse_changes` (`warehouse_id`,`id`);
