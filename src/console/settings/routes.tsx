/**
 * The merchant's settings: stores, audit rules, routing, carriers, SLAs, channels and webhooks.
 */
import { Hono } from "hono";
import type { ConsoleEnv } from "../context";

export const settingsPages = new Hono<ConsoleEnv>();
