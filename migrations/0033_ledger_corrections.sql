ALTER TABLE `channel_connections` ADD `platform_fee` text;--> statement-breakpoint
ALTER TABLE `ledger_entries` ADD `reason` text;