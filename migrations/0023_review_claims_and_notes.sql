-- Auditors' claims on orders in the review queue: one row per order, live while `until` is ahead and the order is still awaiting review.
CREATE TABLE `order_claims` (
	`order_id` text PRIMARY KEY NOT NULL,
	`claimed_by` text NOT NULL,
	`until` integer NOT NULL,
	`claimed_at` integer NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `order_claims_holder_idx` ON `order_claims` (`claimed_by`,`until`);
--> statement-breakpoint
-- Staff's internal notes on an order: never shown to the customer.
CREATE TABLE `order_notes` (
	`id` text PRIMARY KEY NOT NULL,
	`order_id` text NOT NULL,
	`store_id` text NOT NULL,
	`author_id` text NOT NULL,
	`body` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`order_id`) REFERENCES `orders`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `order_notes_order_idx` ON `order_notes` (`order_id`,`created_at`);
