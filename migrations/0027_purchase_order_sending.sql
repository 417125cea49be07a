ALTER TABLE `purchase_orders` ADD `sent_via` text;--> statement-breakpoint
ALTER TABLE `purchase_orders` ADD `sent_to` text;--> statement-breakpoint
ALTER TABLE `purchase_orders` ADD `sent_at` integer;--> statement-breakpoint
ALTER TABLE `suppliers` ADD `webhook_url` text;--> statement-breakpoint
ALTER TABLE `suppliers` ADD `webhook_secret` text;