-- The order's history as each event found it, written with the event from now on (src/orders/event-history.ts).
-- Events written before keep NULL: the rollup's staging looks theirs up in the order's earlier events, as it did.
ALTER TABLE `order_events` ADD `previous_at` integer;--> statement-breakpoint
ALTER TABLE `order_events` ADD `last_approved_at` integer;--> statement-breakpoint
ALTER TABLE `order_events` ADD `last_shipped_at` integer;