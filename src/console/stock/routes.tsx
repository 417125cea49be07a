/**
 * Stock and interceptions: stock by bin, receiving, adjustments, counts, and shipments stopped before they leave.
 */
import { Hono } from "hono";
import type { ConsoleEnv } from "../context";

export const stockPages = new Hono<ConsoleEnv>();
