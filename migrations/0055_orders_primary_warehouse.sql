ALTER TABLE `orders` ADD `primary_warehouse_id` text;--> statement-breakpoint
-- Orders allocated before: their primary warehouse from their items, as src/fulfilment/primary-warehouse.ts works it out.
UPDATE `orders` SET `primary_warehouse_id` = (SELECT si.warehouse_id FROM shipment_items si WHERE si.order_id = orders.id AND si.rerouted_at IS NULL
  GROUP BY si.warehouse_id ORDER BY SUM(si.quantity) DESC, si.warehouse_id LIMIT 1)
WHERE `id` IN (SELECT `order_id` FROM `shipment_items`);
