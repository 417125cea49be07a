-- Customers move to the directory database (docs/SHARDING.md, section 6.1). A link can no longer point at its order by
-- a foreign key, so it carries the order facts the customer pages use; filled here from each link's order, on the
-- database that holds both (a deployment from before; scripts/copy-directory.mjs then copies them to the directory).
-- Nothing references customer_links, so it is rebuilt without switching foreign keys off.
CREATE TABLE `__new_customer_links` (
	`order_id` text PRIMARY KEY NOT NULL,
	`store_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`home_customer_id` text NOT NULL,
	`email_index` text,
	`phone_index` text,
	`linked_at` integer NOT NULL,
	`order_created_at` integer NOT NULL,
	`order_status` text NOT NULL,
	`payment_status` text NOT NULL,
	`currency` text NOT NULL,
	`total_amount` integer NOT NULL,
	`order_updated_at` integer NOT NULL,
	FOREIGN KEY (`customer_id`) REFERENCES `customers`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_customer_links`("order_id", "store_id", "customer_id", "home_customer_id", "email_index", "phone_index", "linked_at", "order_created_at", "order_status", "payment_status", "currency", "total_amount", "order_updated_at") SELECT l."order_id", o."store_id", l."customer_id", l."home_customer_id", l."email_index", l."phone_index", l."linked_at", o."created_at", o."status", o."payment_status", o."currency", o."total_amount", o."updated_at" FROM `customer_links` l JOIN `orders` o ON o."id" = l."order_id";--> statement-breakpoint
DROP TABLE `customer_links`;--> statement-breakpoint
ALTER TABLE `__new_customer_links` RENAME TO `customer_links`;--> statement-breakpoint
CREATE INDEX `customer_links_customer_idx` ON `customer_links` (`customer_id`,`order_id`);--> statement-breakpoint
CREATE INDEX `customer_links_home_idx` ON `customer_links` (`home_customer_id`);--> statement-breakpoint
CREATE INDEX `customer_links_store_idx` ON `customer_links` (`store_id`,`customer_id`);--> statement-breakpoint
ALTER TABLE `customer_sync_state` ADD `shard_id` text DEFAULT 's0' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `customer_sync_state_shard_id_unique` ON `customer_sync_state` (`shard_id`);