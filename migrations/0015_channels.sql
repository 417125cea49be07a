CREATE TABLE `channel_connections` (
	`id` text PRIMARY KEY NOT NULL,
	`store_id` text NOT NULL,
	`platform` text NOT NULL,
	`name` text NOT NULL,
	`shop_domain` text NOT NULL,
	`api_base_url` text NOT NULL,
	`credentials` text NOT NULL,
	`webhook_secret` text,
	`previous_webhook_secret` text,
	`pushes` text DEFAULT '{"fulfillments":true,"cancellations":true,"refunds":false}' NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`store_id`) REFERENCES `stores`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `channel_connections_store_idx` ON `channel_connections` (`store_id`);--> statement-breakpoint
CREATE INDEX `channel_connections_shop_idx` ON `channel_connections` (`platform`,`shop_domain`);--> statement-breakpoint
CREATE TABLE `channel_orders` (
	`connection_id` text NOT NULL,
	`external_id` text NOT NULL,
	`order_id` text NOT NULL,
	`store_id` text NOT NULL,
	`external_name` text,
	`platform_updated_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`connection_id`, `external_id`),
	FOREIGN KEY (`connection_id`) REFERENCES `channel_connections`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `channel_orders_order_uq` ON `channel_orders` (`order_id`);--> statement-breakpoint
CREATE TABLE `channel_sku_map` (
	`connection_id` text NOT NULL,
	`platform_key` text NOT NULL,
	`sku` text NOT NULL,
	PRIMARY KEY(`connection_id`, `platform_key`),
	FOREIGN KEY (`connection_id`) REFERENCES `channel_connections`(`id`) ON UPDATE no action ON DELETE no action
);
