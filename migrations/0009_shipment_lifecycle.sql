ALTER TABLE `shipments` ADD `intercepted_from` text;--> statement-breakpoint
-- Interception becomes a status of the shipment's lifecycle: what was intercepted
-- (a flag until now) is `intercepted`, remembering where it was stopped.
UPDATE `shipments` SET `intercepted_from` = `status`, `status` = 'intercepted'
  WHERE `intercepted_at` IS NOT NULL AND `status` IN ('pending', 'picking', 'packed', 'labelled');--> statement-breakpoint
-- A dispatch a 3PL refused was an `exception` (a word the carriers use for trouble on the way): now `rejected`.
UPDATE `shipments` SET `status` = 'rejected' WHERE `dispatch_status` = 'rejected' AND `status` = 'exception';
