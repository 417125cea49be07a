/**
 * The auditor's review queue: claim, approve, hold, edit and re-audit, notes, the dry run.
 */
import { Hono } from "hono";
import type { ConsoleEnv } from "../context";

export const reviewPages = new Hono<ConsoleEnv>();
