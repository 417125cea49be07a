/**
 * The warehouse floor: waves to release, picking by scan in bin order, short picks, and the pack station.
 */
import { Hono } from "hono";
import type { ConsoleEnv } from "../context";

export const floorPages = new Hono<ConsoleEnv>();
