/**
 * The after-sales desk: returns, exchanges, refunds and claims, with the
 * customer's messages and the link support sends them.
 */
import { Hono } from "hono";
import type { ConsoleEnv } from "../context";
import { openPages } from "./open-page";
import { queuePages } from "./queue-page";
import { requestPages } from "./request-page";

export const afterSalesPages = new Hono<ConsoleEnv>();

// "new" before ":id", so the form is not read as a request id.
afterSalesPages.route("/", queuePages);
afterSalesPages.route("/", openPages);
afterSalesPages.route("/", requestPages);
