/**
 * The console's sections: where each lives, what it needs, and which
 * position calls it home. A section shows in the menu only to someone who
 * may use it; its pages check the same permission (the API checks again).
 */
import type { Permission } from "../auth/roles";

export type Section = {
  id: SectionId;
  path: string;
  /** Shown when the person holds any of these. */
  anyOf: readonly Permission[];
};

export const SECTIONS = [
  { id: "orders", path: "/console/orders", anyOf: ["orders:read"] },
  { id: "review", path: "/console/review", anyOf: ["audit:read"] },
  { id: "waves", path: "/console/waves", anyOf: ["fulfilment:read"] },
  { id: "pack", path: "/console/pack", anyOf: ["picking:execute"] },
  { id: "stock", path: "/console/stock", anyOf: ["inventory:read"] },
  { id: "purchasing", path: "/console/purchasing", anyOf: ["procurement:read"] },
  { id: "logistics", path: "/console/logistics", anyOf: ["shipments:handover", "logistics_exceptions:read"] },
  { id: "after_sales", path: "/console/after-sales", anyOf: ["after_sales:read"] },
  { id: "customers", path: "/console/customers", anyOf: ["customers:read"] },
  { id: "dashboard", path: "/console/dashboard", anyOf: ["reports:read"] },
  { id: "reports", path: "/console/reports", anyOf: ["reports:read"] },
  { id: "finance", path: "/console/finance", anyOf: ["finance:read", "finance:reconcile"] },
  {
    id: "settings",
    path: "/console/settings",
    anyOf: ["stores:manage", "users:read", "api_keys:manage", "carriers:manage", "audit:manage", "routing:manage", "channels:manage", "webhooks:manage", "activity:read"],
  },
] as const satisfies readonly { id: string; path: string; anyOf: readonly Permission[] }[];

export type SectionId = (typeof SECTIONS)[number]["id"];

/** Where each built-in position starts its day; a custom position starts at its first section. */
export const HOME_OF_POSITION: Record<string, SectionId> = {
  admin: "orders",
  auditor: "review",
  warehouse: "waves",
  warehouse_lead: "waves",
  picker: "waves",
  packer: "pack",
  logistics: "logistics",
  support: "after_sales",
  analyst: "dashboard",
  owner: "dashboard",
  finance: "dashboard",
};

export function sectionsFor(permissions: ReadonlySet<string>): Section[] {
  return SECTIONS.filter((s) => s.anyOf.some((p) => permissions.has(p)));
}

/** The home of the person's first position, if they may use it; else their first section; else their account. */
export function homeFor(positions: readonly string[], permissions: ReadonlySet<string>): string {
  const mine = sectionsFor(permissions);
  const wanted = positions.map((p) => HOME_OF_POSITION[p]).find((id) => id && mine.some((s) => s.id === id));
  return mine.find((s) => s.id === wanted)?.path ?? mine[0]?.path ?? "/console/account";
}

/** Console pages of the things an id can name, by the id's prefix (src/lib/ids.ts). */
const PAGE_OF_PREFIX: Record<string, string> = {
  ord: "/console/orders/",
  shp: "/console/logistics/shipments/",
  as: "/console/after-sales/",
  usr: "/console/settings/people/",
  pos: "/console/settings/positions/",
  wh: "/console/settings/warehouses/",
  st: "/console/settings/stores/",
  chn: "/console/settings/channels/",
  whs: "/console/settings/webhooks/",
  sup: "/console/purchasing/suppliers/",
  po: "/console/purchasing/orders/",
  cst: "/console/customers/",
  stl: "/console/finance/settlements/",
};

/** The console page of what `id` names, when it has one; each page checks its own permission. */
export function pageOfId(id: string): string | null {
  const m = /^([a-z]+)_[0-9A-Za-z]+$/.exec(id);
  const base = m ? PAGE_OF_PREFIX[m[1]!] : undefined;
  return base ? base + encodeURIComponent(id) : null;
}
