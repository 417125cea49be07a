/**
 * The after-sales desk: returns, exchanges, refunds and claims, with the customer's messages.
 */
import { Hono } from "hono";
import type { ConsoleEnv } from "../context";

export const afterSalesPages = new Hono<ConsoleEnv>();
