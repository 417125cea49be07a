/**
 * Stock and interceptions: stock by bin, receiving, adjustments, counts, the
 * movements ledger, and shipments stopped before they leave. Each page checks
 * the permission of its main API call first; the API checks again.
 */
import { Hono } from "hono";
import type { ConsoleContext, ConsoleEnv } from "../context";
import { formValue, need } from "../guard";
import { adjust, adjustPage, countPage, receive, receivePage, recordCount } from "./changes";
import { stockScreen, type StockScreen } from "./frame";
import { intercept, interceptionsPage, resolve } from "./interceptions";
import { levelsPage, movementsPage } from "./levels";
import { createDrafts, filtersFrom, replenishmentPage } from "./replenishment";
import { receiveTransfer, transferPage } from "./transfer-page";
import { newTransferPage, sendTransfer, transfersPage } from "./transfers";

export const stockPages = new Hono<ConsoleEnv>();

/** The page for the warehouse asked for (a form names it in a field, a link in the query). */
const on =
  (page: (c: ConsoleContext, screen: StockScreen) => Promise<Response>, fromForm = false) =>
  async (c: ConsoleContext) => {
    const screen = await stockScreen(c, fromForm ? formValue(c, "warehouse") || undefined : undefined);
    return screen instanceof Response ? screen : page(c, screen);
  };

stockPages.get("/console/stock", (c) => need(c, "inventory:read") ?? on(levelsPage)(c));
stockPages.get("/console/stock/movements", (c) => need(c, "inventory:read") ?? on(movementsPage)(c));

stockPages.get("/console/stock/receive", (c) => need(c, "inventory:write") ?? on((c, sc) => receivePage(c, sc, { form: { bin: c.req.query("bin") ?? "" } }))(c));
stockPages.post("/console/stock/receive", (c) => need(c, "inventory:write") ?? on(receive, true)(c));
stockPages.get("/console/stock/adjust", (c) => need(c, "inventory:write") ?? on((c, sc) => adjustPage(c, sc))(c));
stockPages.post("/console/stock/adjust", (c) => need(c, "inventory:write") ?? on(adjust, true)(c));
stockPages.get("/console/stock/count", (c) => need(c, "inventory:write") ?? on((c, sc) => countPage(c, sc))(c));
stockPages.post("/console/stock/count", (c) => need(c, "inventory:write") ?? on(recordCount, true)(c));

// The stock section's people (inventory:read) see the stopped shipments of their warehouses.
stockPages.get("/console/stock/interceptions", (c) => need(c, "inventory:read") ?? need(c, "shipments:read") ?? on((c, sc) => interceptionsPage(c, sc))(c));
stockPages.post("/console/stock/interceptions/resolve", (c) => need(c, "picking:execute") ?? on(resolve, true)(c));
stockPages.post("/console/stock/interceptions/intercept", (c) => need(c, "shipments:intercept") ?? on(intercept, true)(c));

// Replenishment reads with procurement:read; turning suggestions into draft purchase orders needs procurement:manage.
stockPages.get(
  "/console/stock/replenishment",
  (c) =>
    need(c, "procurement:read") ??
    on((c, sc) => replenishmentPage(c, sc, { filters: filtersFrom((n) => c.req.query(n)?.trim() ?? ""), made: (c.req.query("made") ?? "").split(",").filter(Boolean) }))(c),
);
stockPages.post("/console/stock/replenishment/purchase-orders", (c) => need(c, "procurement:manage") ?? on(createDrafts, true)(c));

// Transfers: read as stock is read (inventory:read), sent and received as stock is changed (inventory:write).
stockPages.get("/console/stock/transfers", (c) => need(c, "inventory:read") ?? on(transfersPage)(c));
stockPages.get("/console/stock/transfers/new", (c) => need(c, "inventory:write") ?? on((c, sc) => newTransferPage(c, sc))(c));
stockPages.post("/console/stock/transfers/new", (c) => need(c, "inventory:write") ?? on(sendTransfer, true)(c));
stockPages.get("/console/stock/transfers/:id", (c) => need(c, "inventory:read") ?? on((c, sc) => transferPage(c, sc, c.req.param("id") ?? ""))(c));
stockPages.post("/console/stock/transfers/:id/receive", (c) => need(c, "inventory:write") ?? on((c, sc) => receiveTransfer(c, sc, c.req.param("id") ?? ""), true)(c));
