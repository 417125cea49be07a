/**
 * The warehouse floor: waves and picking by scan, the pack station, interceptions and stock.
 */
import { Hono } from "hono";
import type { ConsoleEnv } from "../context";

export const floorPages = new Hono<ConsoleEnv>();
