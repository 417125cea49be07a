-- The rollup floor (bench/rollup.mjs): as many events as the rollup bench holds, and the day rows one pass sums them into.
CREATE TABLE `rollup_events` (
  `store_id` text NOT NULL,
  `type` text NOT NULL,
  `amount` integer NOT NULL,
  `created_at` integer NOT NULL
);
CREATE TABLE `rollup_days` (
  `store_id` text NOT NULL,
  `day` integer NOT NULL,
  `type` text NOT NULL,
  `count` integer NOT NULL,
  `amount` integer NOT NULL,
  PRIMARY KEY (`store_id`, `day`, `type`)
);
