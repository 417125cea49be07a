/**
 * The D1 schema: the single source of truth for every order and everything
 * queried. Times are UTC epoch milliseconds; money is integer minor units
 * next to an ISO 4217 currency. Migrations in `migrations/` are generated
 * from these files (`npm run db:generate`); never edit an applied migration.
 *
 * One file per module that owns the tables; this index re-exports them all,
 * so `import { orders } from "../db/schema"` works from anywhere.
 */
export * from "./stores";
export * from "./api-keys";
export * from "./products";
export * from "./inventory";
export * from "./orders";
export * from "./outbox";
export * from "./idempotency";
export * from "./audit";
export * from "./notifications";
export * from "./customer";
export * from "./fulfilment";
export * from "./batch-assertions";
export * from "./analytics";
export * from "./logistics";
export * from "./after-sales";
export * from "./channels";
export * from "./channel-sync";
export * from "./events";
export * from "./staff";
export * from "./procurement";
export * from "./finance";
export * from "./customers";
export * from "./directory";
export * from "./pool-moves";
