/**
 * The merchant's settings: stores, audit rules, routing, carriers, SLAs,
 * warehouses, channels and webhooks. Each screen is a client of its API
 * routes; people, positions, API keys and the activity log are linked from
 * the index and live in ../people.
 */
import { Hono } from "hono";
import type { ConsoleEnv } from "../context";
import { auditRulePages } from "./audit-rules";
import { databasePages } from "./databases";
import { integrationPages } from "./integrations";
import { logisticsSettingsPages } from "./logistics";
import { storePages } from "./stores";
import { warehousePages } from "./warehouses";

export const settingsPages = new Hono<ConsoleEnv>();

settingsPages.route("/", storePages);
settingsPages.route("/", auditRulePages);
settingsPages.route("/", logisticsSettingsPages);
settingsPages.route("/", warehousePages);
settingsPages.route("/", integrationPages);
settingsPages.route("/", databasePages);
