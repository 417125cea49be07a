/**
 * Logistics: the dock (handover by ticking or scanning, carrier choice and
 * labels for packed parcels), one parcel's label and tracking, and the
 * exceptions to resolve.
 */
import { Hono } from "hono";
import type { ConsoleEnv } from "../context";
import { dockPages } from "./dock-page";
import { exceptionPages } from "./exceptions-page";
import { shipmentPages } from "./shipment-page";

export const logisticsPages = new Hono<ConsoleEnv>();

logisticsPages.route("/", dockPages);
logisticsPages.route("/", exceptionPages);
logisticsPages.route("/", shipmentPages);
