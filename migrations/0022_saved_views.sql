-- A person's saved filters for a console list (src/staff/saved-views.ts).
CREATE TABLE `saved_views` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`name` text NOT NULL,
	`page` text NOT NULL,
	`query` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `saved_views_user_page_name_uq` ON `saved_views` (`user_id`,`page`,`name`);
--> statement-breakpoint
-- The order list's SKU filter finds the orders holding a SKU without scanning every line.
CREATE INDEX `order_lines_sku_idx` ON `order_lines` (`sku`,`order_id`);
