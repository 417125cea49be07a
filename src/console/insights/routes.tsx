/**
 * The dashboard and the reports, with CSV downloads.
 */
import { Hono } from "hono";
import type { ConsoleEnv } from "../context";

export const insightsPages = new Hono<ConsoleEnv>();
