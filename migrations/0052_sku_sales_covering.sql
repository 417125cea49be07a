DROP INDEX `stock_movements_ref_idx`;--> statement-breakpoint
CREATE INDEX `stock_movements_ref_idx` ON `stock_movements` (`ref_id`,`kind`,`sku`,`on_hand_delta`,`unit_cost`);--> statement-breakpoint
DROP INDEX `shipment_items_order_idx`;--> statement-breakpoint
CREATE INDEX `shipment_items_order_idx` ON `shipment_items` (`order_id`,`warehouse_id`,`quantity`,`rerouted_at`,`line_no`,`shipment_id`,`sku`);