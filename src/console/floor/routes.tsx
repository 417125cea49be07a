/**
 * The warehouse floor: waves to release, picking by scan in bin order, short picks, and the pack station.
 */
import { Hono } from "hono";
import type { ConsoleEnv } from "../context";
import { buyLabel, labelPdf, openByScan, packHome, packScan, packShipment, shipmentPage } from "./pack";
import { pickPage, scanPick, shortPick } from "./pick";
import { releaseWave, wavesPage } from "./waves";

export const floorPages = new Hono<ConsoleEnv>();

floorPages.get("/console/waves", (c) => wavesPage(c));
floorPages.post("/console/waves", releaseWave);
floorPages.get("/console/waves/:id/pick", pickPage);
floorPages.post("/console/waves/:id/pick", scanPick);
floorPages.post("/console/waves/:id/pick/short", shortPick);

floorPages.get("/console/pack", (c) => packHome(c));
floorPages.post("/console/pack", openByScan);
floorPages.get("/console/pack/:id/label.pdf", labelPdf);
floorPages.get("/console/pack/:id", shipmentPage);
floorPages.post("/console/pack/:id/scan", packScan);
floorPages.post("/console/pack/:id/pack", packShipment);
floorPages.post("/console/pack/:id/label", buyLabel);
