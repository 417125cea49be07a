CREATE TABLE `channel_sync_state` (
	`connection_id` text PRIMARY KEY NOT NULL,
	`watermark` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`connection_id`) REFERENCES `channel_connections`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `channel_sync_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`connection_id` text NOT NULL,
	`store_id` text NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`window_from` integer NOT NULL,
	`window_until` integer NOT NULL,
	`cursor` text,
	`resume_at` integer,
	`lease_until` integer,
	`pages` integer DEFAULT 0 NOT NULL,
	`seen` integer DEFAULT 0 NOT NULL,
	`created` integer DEFAULT 0 NOT NULL,
	`updated` integer DEFAULT 0 NOT NULL,
	`unchanged` integer DEFAULT 0 NOT NULL,
	`skipped` integer DEFAULT 0 NOT NULL,
	`errors` integer DEFAULT 0 NOT NULL,
	`error_log` text DEFAULT '[]' NOT NULL,
	`requested_by` text,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`connection_id`) REFERENCES `channel_connections`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `channel_sync_runs_connection_idx` ON `channel_sync_runs` (`connection_id`,`id`);--> statement-breakpoint
CREATE INDEX `channel_sync_runs_open_idx` ON `channel_sync_runs` (`status`,`resume_at`);--> statement-breakpoint
CREATE TABLE `channel_pushes` (
	`id` text PRIMARY KEY NOT NULL,
	`connection_id` text NOT NULL,
	`store_id` text NOT NULL,
	`order_id` text NOT NULL,
	`external_id` text NOT NULL,
	`kind` text NOT NULL,
	`ref` text NOT NULL,
	`payload` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer,
	`lease_until` integer,
	`platform_ref` text,
	`last_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`sent_at` integer,
	FOREIGN KEY (`connection_id`) REFERENCES `channel_connections`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `channel_pushes_ref_uq` ON `channel_pushes` (`connection_id`,`kind`,`ref`);--> statement-breakpoint
CREATE INDEX `channel_pushes_connection_idx` ON `channel_pushes` (`connection_id`,`id`);--> statement-breakpoint
CREATE INDEX `channel_pushes_due_idx` ON `channel_pushes` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `channel_push_attempts` (
	`push_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`at` integer NOT NULL,
	`outcome` text NOT NULL,
	`http_status` integer,
	`message` text,
	PRIMARY KEY(`push_id`, `attempt`),
	FOREIGN KEY (`push_id`) REFERENCES `channel_pushes`(`id`) ON UPDATE no action ON DELETE no action
);
