CREATE TABLE `activity_log` (
	`id` text PRIMARY KEY NOT NULL,
	`at` integer NOT NULL,
	`actor_id` text,
	`actor_kind` text NOT NULL,
	`actor_name` text,
	`action` text NOT NULL,
	`target` text,
	`store_id` text,
	`status` integer,
	`ip` text,
	`user_agent` text,
	`detail` text
);
--> statement-breakpoint
CREATE INDEX `activity_at_idx` ON `activity_log` (`at`);--> statement-breakpoint
CREATE INDEX `activity_actor_idx` ON `activity_log` (`actor_id`,`at`);--> statement-breakpoint
CREATE TABLE `auth_challenges` (
	`challenge` text PRIMARY KEY NOT NULL,
	`purpose` text NOT NULL,
	`user_id` text,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `passkeys` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`public_key` text NOT NULL,
	`counter` integer DEFAULT 0 NOT NULL,
	`transports` text DEFAULT '[]' NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `passkeys_user_idx` ON `passkeys` (`user_id`);--> statement-breakpoint
CREATE TABLE `positions` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`built_in` integer DEFAULT false NOT NULL,
	`permissions` text,
	`contact_scope` text,
	`require_two_factor` integer DEFAULT false NOT NULL,
	`archived_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `user_recovery_codes` (
	`user_id` text NOT NULL,
	`code_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`used_at` integer,
	PRIMARY KEY(`user_id`, `code_hash`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`stage` text NOT NULL,
	`csrf_token` text NOT NULL,
	`method` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`revoked_at` integer,
	`revoked_reason` text,
	`ip` text,
	`user_agent` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `sessions_user_idx` ON `sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `sign_in_throttle` (
	`subject` text PRIMARY KEY NOT NULL,
	`failures` integer NOT NULL,
	`locked_until` integer,
	`last_failure_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `user_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`purpose` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `user_tokens_user_idx` ON `user_tokens` (`user_id`);--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`display_name` text NOT NULL,
	`status` text NOT NULL,
	`positions` text NOT NULL,
	`store_ids` text NOT NULL,
	`warehouse_ids` text NOT NULL,
	`password_hash` text,
	`password_changed_at` integer,
	`totp_secret` text,
	`totp_enabled_at` integer,
	`totp_last_step` integer,
	`locale` text DEFAULT 'en' NOT NULL,
	`created_by` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deactivated_at` integer,
	`last_sign_in_at` integer,
	`version` integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_uq` ON `users` (`email`);--> statement-breakpoint
-- The built-in positions (their permissions are in src/auth/roles.ts): a row each, for the merchant's settings.
INSERT INTO `positions` (`id`, `name`, `description`, `built_in`, `require_two_factor`, `created_at`, `updated_at`) VALUES
	('admin', 'Admin', 'Everything, including users, positions, keys and settings', 1, 0, 0, 0),
	('owner', 'Owner', 'Reads every order, report and log; changes nothing', 1, 0, 0, 0),
	('auditor', 'Auditor', 'Clears the review queue: approves, holds, edits and re-audits orders', 1, 0, 0, 0),
	('warehouse', 'Warehouse', 'Stock and floor work in the assigned warehouses', 1, 0, 0, 0),
	('warehouse_lead', 'Warehouse lead', 'Runs the floor: waves, stock, interceptions, floor reports', 1, 0, 0, 0),
	('picker', 'Picker', 'Picks waves by scanning', 1, 0, 0, 0),
	('packer', 'Packer', 'Scans, weighs, packs and prints labels', 1, 0, 0, 0),
	('logistics', 'Logistics', 'Carriers, labels, handover, tracking and its exceptions', 1, 0, 0, 0),
	('support', 'Support', 'Answers customers: after-sales, interceptions, customer links', 1, 0, 0, 0),
	('finance', 'Finance', 'Payments, the finance review step, refunds and reports', 1, 0, 0, 0),
	('analyst', 'Analyst', 'Reports, with customers shown pseudonymously', 1, 0, 0, 0),
	('channel', 'Storefront integration', 'An integration key: one store''s orders, payments and returns', 1, 0, 0, 0),
	('partner', 'Partner integration', 'An integration key: reads the event feed', 1, 0, 0, 0);
