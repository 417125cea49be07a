CREATE TABLE `rollup_unit_offsets` (
	`store_id` text NOT NULL,
	`from_ms` integer NOT NULL,
	`to_ms` integer NOT NULL,
	`offset_ms` integer NOT NULL,
	PRIMARY KEY(`store_id`, `from_ms`)
);
