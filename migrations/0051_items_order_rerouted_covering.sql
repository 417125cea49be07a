DROP INDEX `shipment_items_order_idx`;--> statement-breakpoint
CREATE INDEX `shipment_items_order_idx` ON `shipment_items` (`order_id`,`warehouse_id`,`quantity`,`rerouted_at`);