-- The store of a floor event's shipment, written with the event (a shipment never changes store), so the floor's
-- rollup (src/analytics/folds/floor-work.ts) counts each event in its store without a search of `shipments` per
-- event. Older events keep NULL: the rollup looks their shipment up as before, so no backfill of a log that may be
-- large is needed here.
ALTER TABLE `warehouse_events` ADD `store_id` text;
