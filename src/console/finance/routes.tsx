/**
 * Finance: the daily finance summary and gross profit by SKU (finance:read), and settlements, their
 * import and their worklist (finance:reconcile). The order page's Ledger card
 * is ./ledger-card.tsx, and correcting one of its entries (finance:reconcile)
 * ./correct-entry.tsx. Each page checks its permission first; the API checks
 * again.
 */
import { Hono } from "hono";
import { allows } from "../../http/auth";
import type { ConsoleEnv } from "../context";
import { need, uiOf } from "../guard";
import { correctEntry, correctEntryPage } from "./correct-entry";
import { grossProfitCsv, grossProfitPage } from "./gross-profit";
import { resolveLine, settlementPage } from "./settlement-page";
import { importSettlement, settlementsPage } from "./settlements";
import { summaryCsv, summaryPage } from "./summary";

export const financePages = new Hono<ConsoleEnv>();

// Someone who reconciles but may not read the summary starts at the settlements.
financePages.get("/console/finance", (c) =>
  !allows(uiOf(c).principal, "finance:read") && allows(uiOf(c).principal, "finance:reconcile")
    ? c.redirect("/console/finance/settlements", 303)
    : (need(c, "finance:read") ?? summaryPage(c)),
);
financePages.get("/console/finance/summary.csv", (c) => need(c, "finance:read") ?? summaryCsv(c));
financePages.get("/console/finance/gross-profit", (c) => need(c, "finance:read") ?? grossProfitPage(c));
financePages.get("/console/finance/gross-profit.csv", (c) => need(c, "finance:read") ?? grossProfitCsv(c));

financePages.get("/console/finance/settlements", (c) => need(c, "finance:reconcile") ?? settlementsPage(c));
financePages.post("/console/finance/settlements", (c) => need(c, "finance:reconcile") ?? importSettlement(c));
financePages.get("/console/finance/settlements/:id", (c) => need(c, "finance:reconcile") ?? settlementPage(c, c.req.param("id")));
financePages.post("/console/finance/settlements/:id/lines/:line/resolve", (c) => need(c, "finance:reconcile") ?? resolveLine(c, c.req.param("id"), c.req.param("line")));

financePages.get("/console/orders/:id/ledger/:entry/correct", (c) => need(c, "finance:reconcile") ?? correctEntryPage(c, c.req.param("id"), c.req.param("entry")));
financePages.post("/console/orders/:id/ledger/:entry/correct", (c) => need(c, "finance:reconcile") ?? correctEntry(c, c.req.param("id"), c.req.param("entry")));
