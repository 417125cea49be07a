CREATE TABLE `package_types` (
	`id` text PRIMARY KEY NOT NULL,
	`warehouse_id` text NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`tare_grams` integer NOT NULL,
	`length_mm` integer NOT NULL,
	`width_mm` integer NOT NULL,
	`height_mm` integer NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`warehouse_id`) REFERENCES `warehouses`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "package_types_tare_nonneg" CHECK("package_types"."tare_grams" >= 0)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `package_types_wh_code_uq` ON `package_types` (`warehouse_id`,`code`);
