/**
 * Who may do what: one table from role to permissions. Every route declares
 * the permission it needs (see `requirePermission`), and test/role-matrix
 * walks every route against every role. Order transitions are permissions of
 * their own (`orders:transition:<event>`) because they are the jobs people do:
 * auditors approve and hold, the warehouse processes, logistics ships.
 */
import type { OrderEvent } from "../orders/lifecycle";

export const ROLES = ["admin", "auditor", "warehouse", "logistics", "support", "analyst", "channel", "partner"] as const;
export type Role = (typeof ROLES)[number];

export type Permission =
  | "orders:create"
  | "orders:read"
  | `orders:transition:${OrderEvent}`
  /** Any transition at all: what the transitions route needs before it knows the event. */
  | "orders:transition"
  | "stores:read"
  | "stores:manage"
  | "products:read"
  | "products:manage"
  | "api_keys:manage"
  /** Rollup reports and CSV exports (src/analytics). */
  | "reports:read"
  /** Drop and recompute every rollup. */
  | "reports:rebuild";

const transitions = (...events: OrderEvent[]) => events.map((e) => `orders:transition:${e}` as const);

const TABLE: Record<Role, readonly Permission[]> = {
  admin: [
    "orders:create",
    "orders:read",
    ...transitions("approve", "hold", "reject", "cancel", "process", "ship", "deliver", "complete"),
    "stores:read",
    "stores:manage",
    "products:read",
    "products:manage",
    "api_keys:manage",
    "reports:read",
    "reports:rebuild",
  ],
  auditor: ["orders:read", ...transitions("approve", "hold", "reject", "cancel"), "stores:read", "products:read"],
  warehouse: ["orders:read", ...transitions("process", "ship"), "stores:read", "products:read"],
  logistics: ["orders:read", ...transitions("ship", "deliver"), "stores:read", "products:read"],
  support: ["orders:read", ...transitions("hold", "cancel", "complete"), "stores:read", "products:read"],
  analyst: ["orders:read", "stores:read", "products:read", "reports:read"],
  // A storefront integration: pushes its store's orders and may cancel them on the customer's behalf.
  channel: ["orders:create", "orders:read", ...transitions("cancel"), "products:read"],
  // Logistics and 3PL partners reach us through signed webhooks, not the JSON API.
  partner: [],
};

const SETS = Object.fromEntries(
  ROLES.map((r) => {
    const set = new Set<Permission>(TABLE[r]);
    if (TABLE[r].some((p) => p.startsWith("orders:transition:"))) set.add("orders:transition");
    return [r, set];
  }),
) as Record<Role, Set<Permission>>;

export function can(role: Role, permission: Permission): boolean {
  return SETS[role].has(permission);
}

export function permissionsOf(role: Role): readonly Permission[] {
  return [...SETS[role]];
}

/** Roles that act for one store only: a key of these roles must name exactly one store. */
export const SINGLE_STORE_ROLES: ReadonlySet<Role> = new Set(["channel"]);
