-- Transfers between warehouses on two databases (docs/SHARDING.md, build step 10): such a transfer is two rows with
-- one id, one on each database, and `side` says which end a row is. Every transfer before this is one row, `both`.
-- Nothing references stock_transfers, so the column is added in place.
ALTER TABLE `stock_transfers` ADD `side` text DEFAULT 'both' NOT NULL CONSTRAINT "stock_transfers_side" CHECK(`side` IN ('both', 'source', 'destination'));
