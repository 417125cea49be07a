/**
 * Who may give whom what: pure rules, unit-tested beside this file.
 * - Nobody grants beyond themselves: every permission of every position
 *   given must be one the giver holds, and stores and warehouses within
 *   the giver's own (`withinScope`).
 * - Nobody changes a person who holds more than they do.
 * - There is always an active person in the `admin` position: the last one
 *   can be neither deactivated nor moved out of it, and no admin
 *   deactivates themselves.
 */
import type { Permission, PositionGrant } from "../auth/roles";
import { withinScope } from "../api-keys/scope";

export const INTEGRATION_POSITIONS: ReadonlySet<string> = new Set(["channel", "partner"]);

/** The positions among these that grant something the giver lacks. */
export function beyondGiver(giver: ReadonlySet<Permission>, grants: readonly PositionGrant[]): string[] {
  return grants.filter((g) => [...g.permissions].some((p) => !giver.has(p))).map((g) => g.id);
}

export type Scope = { stores: "*" | readonly string[]; warehouses: "*" | readonly string[] };

/** A person's stores and warehouses fall within the giver's. */
export function withinGiver(giver: Scope, person: { storeIds: readonly string[]; warehouseIds: readonly string[] }): boolean {
  return withinScope(giver.stores, person.storeIds) && withinScope(giver.warehouses, person.warehouseIds);
}

type Standing = { status: string; positions: readonly string[] };
const activeAdmin = (s: Standing) => s.status === "active" && s.positions.includes("admin");

/** Would this change leave no active admin? `others` counts the active admins besides this person. */
export function removesLastAdmin(before: Standing, after: Standing, others: number): boolean {
  return activeAdmin(before) && !activeAdmin(after) && others === 0;
}
