-- Floor worker schema: shaped like the main worker's hot rows, without the rest.
-- `items` takes the single insert of the D1-insert floor (cf. orders on create).
CREATE TABLE `items` (
  `id` text PRIMARY KEY NOT NULL,
  `external_id` text,
  `payload` text NOT NULL,
  `created_at` integer NOT NULL
);
-- `events` + `counters` take the DO floor's batch (cf. order_events + orders on a transition).
CREATE TABLE `events` (
  `id` text PRIMARY KEY NOT NULL,
  `counter_id` text NOT NULL,
  `seq` integer NOT NULL,
  `created_at` integer NOT NULL
);
CREATE TABLE `counters` (
  `id` text PRIMARY KEY NOT NULL,
  `version` integer NOT NULL,
  `updated_at` integer NOT NULL
);
