ALTER TABLE `fulfilment_exceptions` ADD `resolution_note` text;--> statement-breakpoint
ALTER TABLE `fulfilment_exceptions` ADD `rerouted_to` text;