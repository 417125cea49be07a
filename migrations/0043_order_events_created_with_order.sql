-- The events' time index also holds the order: the rollup's staging (src/analytics/folds/unit-events.ts) finds the
-- orders a unit touches in the index alone instead of reading each event's row. Same name, one index as before.
DROP INDEX `order_events_created_idx`;--> statement-breakpoint
CREATE INDEX `order_events_created_idx` ON `order_events` (`created_at`,`order_id`);