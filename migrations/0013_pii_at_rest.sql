ALTER TABLE `orders` ADD `customer_email_index` text;--> statement-breakpoint
ALTER TABLE `orders` ADD `customer_phone_index` text;--> statement-breakpoint
DROP INDEX IF EXISTS `orders_store_email_idx`;--> statement-breakpoint
DROP INDEX IF EXISTS `orders_store_phone_idx`;--> statement-breakpoint
CREATE INDEX `orders_store_email_index_idx` ON `orders` (`store_id`,`customer_email_index`);--> statement-breakpoint
CREATE INDEX `orders_store_phone_index_idx` ON `orders` (`store_id`,`customer_phone_index`);--> statement-breakpoint
ALTER TABLE `blocklist_entries` ADD `value_index` text;--> statement-breakpoint
DROP INDEX IF EXISTS `blocklist_store_kind_value_uq`;--> statement-breakpoint
CREATE UNIQUE INDEX `blocklist_store_kind_value_index_uq` ON `blocklist_entries` (`store_id`,`kind`,`value_index`);
