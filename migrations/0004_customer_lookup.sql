CREATE INDEX `orders_store_email_idx` ON `orders` (`store_id`,"customer_email" COLLATE NOCASE);--> statement-breakpoint
CREATE INDEX `orders_store_phone_idx` ON `orders` (`store_id`,`customer_phone`);