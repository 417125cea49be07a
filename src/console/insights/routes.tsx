/**
 * The dashboard and the reports, with CSV downloads (permission
 * reports:read: owners, analysts, finance, admins, warehouse leads).
 */
import { Hono } from "hono";
import type { ConsoleEnv } from "../context";
import { dashboardPage } from "./dashboard";
import { reportCsv, reportPage, reportsIndexPage } from "./reports";

export const insightsPages = new Hono<ConsoleEnv>();

insightsPages.get("/console/dashboard", (c) => dashboardPage(c));
insightsPages.get("/console/reports", (c) => reportsIndexPage(c));
insightsPages.get("/console/reports/:name", (c) => reportPage(c));
insightsPages.get("/console/reports/:name/csv", (c) => reportCsv(c));
