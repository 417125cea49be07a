/**
 * The orders screens: the list (filters, search, saved views, bulk actions) and one order's page.
 */
import { Hono } from "hono";
import type { ConsoleEnv } from "../context";

export const orderPages = new Hono<ConsoleEnv>();
