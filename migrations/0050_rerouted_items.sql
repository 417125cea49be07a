ALTER TABLE `shipment_items` ADD `rerouted_at` integer;--> statement-breakpoint
-- Items re-routed before the column: the items of a shipment whose rejection was resolved by a re-route (it cancelled
-- them all, in the re-route's batch). A few rows per re-route, and re-routes are rare.
UPDATE `shipment_items` SET `rerouted_at` = `cancelled_at`
  WHERE `cancelled_at` IS NOT NULL AND `shipment_id` IN (SELECT `shipment_id` FROM `fulfilment_exceptions` WHERE `resolution` = 'rerouted');
