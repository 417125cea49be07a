/**
 * Logistics: carrier choice, handover and delivery exceptions.
 */
import { Hono } from "hono";
import type { ConsoleEnv } from "../context";

export const logisticsPages = new Hono<ConsoleEnv>();
