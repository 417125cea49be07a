ALTER TABLE `order_hold_reasons` ADD `params` text;--> statement-breakpoint
ALTER TABLE `order_events` ADD `internal_note` text;--> statement-breakpoint
ALTER TABLE `order_events` ADD `customer_message` text;
