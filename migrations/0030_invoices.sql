CREATE TABLE `invoices` (
	`id` text PRIMARY KEY NOT NULL,
	`store_id` text NOT NULL,
	`order_id` text NOT NULL,
	`number` integer NOT NULL,
	`number_text` text NOT NULL,
	`currency` text NOT NULL,
	`total_amount` integer NOT NULL,
	`document` text NOT NULL,
	`issued_by` text NOT NULL,
	`issued_at` integer NOT NULL,
	FOREIGN KEY (`store_id`) REFERENCES `stores`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invoices_order_uq` ON `invoices` (`order_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `invoices_store_number_uq` ON `invoices` (`store_id`,`number`);--> statement-breakpoint
CREATE INDEX `invoices_issued_idx` ON `invoices` (`store_id`,`issued_at`);--> statement-breakpoint
ALTER TABLE `stores` ADD `invoicing` text;