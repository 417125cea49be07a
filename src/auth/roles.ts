/**
 * Who may do what: one table from position (role) to permissions. Every route
 * declares the permission it needs (see `requirePermission`), and
 * test/role-matrix walks every route against every position, custom ones
 * included. Order transitions are permissions of
 * their own (`orders:transition:<event>`) because they are the jobs people do:
 * auditors approve and hold, the warehouse processes, logistics ships.
 */
import { ORDER_EVENTS, type OrderEvent } from "../orders/lifecycle";

/**
 * The built-in positions. The first eight were the API keys' roles and still
 * are; the staff templates (warehouse lead, picker, packer, finance, owner)
 * came with staff accounts. Keys and people take any of them, or a custom
 * position an admin composed (src/positions): both resolve to one
 * permission set through `accessOf`.
 */
export const ROLES = ["admin", "auditor", "warehouse", "logistics", "support", "analyst", "channel", "partner", "warehouse_lead", "picker", "packer", "finance", "owner"] as const;
export type Role = (typeof ROLES)[number];
export const isRole = (s: string): s is Role => (ROLES as readonly string[]).includes(s);

/**
 * Every permission there is: what built-in positions are made of, and what an
 * admin composes a custom position from (src/positions).
 */
export const PERMISSIONS = [
  "orders:create",
  "orders:read",
  ...ORDER_EVENTS.map((e) => `orders:transition:${e}` as const),
  /** Any transition at all: what the transitions route needs before it knows the event. */
  "orders:transition",
  "stores:read",
  "stores:manage",
  "products:read",
  "products:manage",
  "api_keys:manage",
  /** Change an order's address, contact, lines or amounts (then it is audited again). */
  "orders:edit",
  /** Report a payment status change (a storefront or payment integration). */
  "orders:payment",
  /** Make a link to the customer's own order page. */
  "orders:customer_link",
  "audit:read",
  /** Run the audit again, or dry-run it. */
  "audit:run",
  /** Change a store's audit rules. */
  "audit:manage",
  "blocklist:manage",
  /** The second step of two-level review: the finance check. */
  "orders:review:finance",
  "notifications:read",
  // Processing (stage 3). Warehouse-scoped keys see only their warehouses' stock, bins and shipments.
  "warehouses:read",
  "warehouses:manage",
  "inventory:read",
  "inventory:write",
  "routing:read",
  "routing:manage",
  // Purchasing (src/procurement): suppliers, purchase orders, receiving against them.
  "procurement:read",
  /** Suppliers and their prices; make, change, submit, close and cancel purchase orders. */
  "procurement:manage",
  /** Receive goods against a purchase order into the key's warehouses' bins. */
  "procurement:receive",
  "fulfilment:read",
  "fulfilment:allocate",
  "shipments:read",
  "shipments:merge",
  "shipments:intercept",
  "picking:execute",
  /** The floor's exceptions (short picks, dispatches a 3PL rejected). */
  "fulfilment_exceptions:read",
  /** Re-route a rejected dispatch, or dismiss an exception. */
  "fulfilment_exceptions:resolve",
  "service_tasks:read",
  "service_tasks:manage",
  // The books (src/finance).
  /** Read invoices (JSON and PDF) and the series. */
  "invoices:read",
  /** Issue an order's invoice. */
  "invoices:issue",
  /** The money ledger, gross profit and the daily finance summary: what the business earns, order by order. */
  "finance:read",
  /** Import payout and settlement files and work their unmatched lines. */
  "finance:reconcile",
  // Customers (src/customers): one record per person across stores; contact shown per the position's contact scope.
  "customers:read",
  /** Tags and notes; merge and unmerge customers. */
  "customers:manage",
  /** The customer list as CSV, and a customer's privacy export (everything held; a position that sees contact details only). */
  "customers:export",
  /** Erase a customer's personal data for a privacy request; the orders' financial facts stay. */
  "customers:erase",
  /** Rollup reports and CSV exports (src/analytics). */
  "reports:read",
  /** Drop and recompute every rollup. */
  "reports:rebuild",
  // Logistics (stage 4). Labels and handover follow the key's warehouse scope, like other shipment work.
  "carriers:read",
  "carriers:manage",
  "labels:create",
  "labels:read",
  "shipments:handover",
  "tracking:read",
  /** Record a tracking event by hand (a carrier without webhooks, a delivery confirmed by phone). */
  "tracking:record",
  "logistics_exceptions:read",
  "logistics_exceptions:resolve",
  // After-sales (stage 5): returns, exchanges, refunds and claims.
  "after_sales:read",
  /** Open a request for the customer (support, or a storefront's own returns page). */
  "after_sales:open",
  /** Accept, reject, resolve or withdraw a request. */
  "after_sales:decide",
  // Sales channels (src/channels): platform connections, their inbox, reconciliation and pushes.
  "channels:read",
  /** Connect, change or pause a platform; run a backfill; retry a push. */
  "channels:manage",
  /** The change feed (`GET /v1/events`): what changed, in order, for integrations that poll. */
  "events:read",
  /** Partners' webhook subscriptions: create, change, replay, read their delivery log. */
  "webhooks:manage",
  // Staff (src/staff, src/positions): accounts, positions, and who did what.
  "users:read",
  /** Invite, change and deactivate staff; compose custom positions; require two-factor per position. */
  "users:manage",
  /** The activity log: every sign-in and every change, by whom, from where. */
  "activity:read",
  /**
   * A person's own account: password, two-factor, passkeys, sessions. Every
   * signed-in person has it (src/staff/sessions.ts); no position grants it
   * and no key ever holds it.
   */
  "account:self",
] as const;

/** What an admin may put in a custom position: everything but what comes with being a person. */
export const COMPOSABLE_PERMISSIONS = PERMISSIONS.filter((p) => p !== "account:self" && p !== "orders:transition");

export type Permission = (typeof PERMISSIONS)[number];

const transitions = (...events: OrderEvent[]) => events.map((e) => `orders:transition:${e}` as const);

/** Everything of the logistics stage: carriers, labels, handover, tracking and its exceptions. */
const LOGISTICS: readonly Permission[] = [
  "carriers:read",
  "carriers:manage",
  "labels:create",
  "labels:read",
  "shipments:handover",
  "tracking:read",
  "tracking:record",
  "logistics_exceptions:read",
  "logistics_exceptions:resolve",
];

/** Stock and floor work in the key's warehouses. */
const WAREHOUSE: readonly Permission[] = [
  "orders:read",
  ...transitions("process", "ship", "fulfil_externally"),
  "stores:read",
  "products:read",
  "warehouses:read",
  "inventory:read",
  "inventory:write",
  // The dock receives what purchasing ordered.
  "procurement:read",
  "procurement:receive",
  "routing:read",
  "fulfilment:read",
  "fulfilment:allocate",
  "shipments:read",
  "shipments:merge",
  "shipments:intercept",
  "picking:execute",
  // Re-routing goods a 3PL refused is a warehouse decision, like re-running allocation.
  "fulfilment_exceptions:read",
  "fulfilment_exceptions:resolve",
  // The packing station prints the label; the dock hands over is logistics' call.
  "carriers:read",
  "labels:create",
  "labels:read",
  "tracking:read",
];

const TABLE: Record<Role, readonly Permission[]> = {
  admin: [
    "orders:create",
    "orders:read",
    ...transitions("approve", "hold", "reject", "cancel", "process", "ship", "fulfil_externally", "deliver", "complete"),
    "stores:read",
    "stores:manage",
    "products:read",
    "products:manage",
    "api_keys:manage",
    "orders:edit",
    "orders:payment",
    "orders:customer_link",
    "audit:read",
    "audit:run",
    "audit:manage",
    "blocklist:manage",
    "notifications:read",
    "orders:review:finance",
    "warehouses:read",
    "warehouses:manage",
    "inventory:read",
    "inventory:write",
    "procurement:read",
    "procurement:manage",
    "procurement:receive",
    "routing:read",
    "routing:manage",
    "fulfilment:read",
    "fulfilment:allocate",
    "shipments:read",
    "shipments:merge",
    "shipments:intercept",
    "picking:execute",
    "fulfilment_exceptions:read",
    "fulfilment_exceptions:resolve",
    "service_tasks:read",
    "service_tasks:manage",
    "reports:read",
    "reports:rebuild",
    "invoices:read",
    "invoices:issue",
    "finance:read",
    "finance:reconcile",
    "customers:read",
    "customers:manage",
    "customers:export",
    "customers:erase",
    ...LOGISTICS,
    "after_sales:read",
    "after_sales:open",
    "after_sales:decide",
    "channels:read",
    "channels:manage",
    "events:read",
    "webhooks:manage",
    "users:read",
    "users:manage",
    "activity:read",
  ],
  auditor: [
    "orders:read",
    ...transitions("approve", "hold", "reject", "cancel"),
    "orders:edit",
    "orders:customer_link",
    "audit:read",
    "audit:run",
    "blocklist:manage",
    "notifications:read",
    "stores:read",
    "products:read",
    "fulfilment:read",
    // Is this buyer someone we know: their other orders, after-sales and blocklist state.
    "customers:read",
  ],
  // Stock and floor work in the key's warehouses; merging and re-running allocation are warehouse decisions.
  warehouse: WAREHOUSE,
  logistics: [
    "orders:read",
    ...transitions("ship", "deliver"),
    "stores:read",
    "products:read",
    "warehouses:read",
    "fulfilment:read",
    "shipments:read",
    "fulfilment_exceptions:read",
    ...LOGISTICS,
  ],
  // Support fixes orders for customers, stops shipments and runs the service team's tasks; it never marks an order paid.
  support: [
    "orders:read",
    ...transitions("hold", "cancel", "complete"),
    "orders:edit",
    // No "orders:payment": whether money arrived is reported by the payment or channel integration, or by finance (admin).
    "orders:customer_link",
    "audit:read",
    "blocklist:manage",
    "notifications:read",
    "stores:read",
    "products:read",
    "warehouses:read",
    "fulfilment:read",
    "shipments:read",
    "shipments:intercept",
    "fulfilment_exceptions:read",
    "service_tasks:read",
    "service_tasks:manage",
    // Where is my parcel: support answers customers.
    "tracking:read",
    "labels:read",
    "logistics_exceptions:read",
    // Returns, exchanges, refunds and claims are support's work.
    "after_sales:read",
    "after_sales:open",
    "after_sales:decide",
    // Why did the shop's order not arrive: support reads the channel's inbox.
    "channels:read",
    // A customer asking for an invoice asks support.
    "invoices:read",
    "invoices:issue",
    // Support knows the customer: their record, tags and notes, duplicates merged, and their privacy export. Erasing is an admin's.
    "customers:read",
    "customers:manage",
    "customers:export",
  ],
  analyst: [
    "orders:read",
    "reports:read",
    "audit:read",
    "stores:read",
    "products:read",
    "warehouses:read",
    "inventory:read",
    "procurement:read",
    "routing:read",
    "fulfilment:read",
    "shipments:read",
    "fulfilment_exceptions:read",
    "service_tasks:read",
    "carriers:read",
    "tracking:read",
    "logistics_exceptions:read",
    "after_sales:read",
    "channels:read",
    "events:read",
    // Segments and figures, with customers shown by pseudonym only (contact scope `pseudonymous`).
    "customers:read",
  ],
  // A storefront integration: pushes its store's orders, reports payment, and may cancel on the customer's behalf.
  // Its returns page opens after-sales requests and follows them; deciding them is support's.
  // It follows its store's changes through the event feed.
  channel: ["orders:create", "orders:read", "orders:payment", ...transitions("cancel"), "products:read", "after_sales:open", "after_sales:read", "events:read"],
  // Logistics and 3PL partners reach us through signed webhooks; an ERP or warehouse system polls the event feed.
  partner: ["events:read"],
  // The staff templates. A lead runs the floor and reads its numbers; pickers and packers do their step and no more.
  warehouse_lead: [...WAREHOUSE, "warehouses:manage", "reports:read", "users:read"],
  // Walks a wave and scans each pick; sees the stock it picks from.
  picker: ["products:read", "warehouses:read", "inventory:read", "fulfilment:read", "shipments:read", "picking:execute"],
  // Scans, weighs, packs and prints the label at the pack station.
  packer: ["products:read", "warehouses:read", "inventory:read", "fulfilment:read", "shipments:read", "picking:execute", "carriers:read", "labels:create", "labels:read"],
  // 财务: payments, the finance step of two-level review, refunds, and the numbers.
  finance: [
    "orders:read",
    ...transitions("approve", "hold"),
    "orders:payment",
    "orders:review:finance",
    "audit:read",
    "stores:read",
    "products:read",
    "after_sales:read",
    "after_sales:decide",
    "reports:read",
    // What the business owes its suppliers.
    "procurement:read",
    "channels:read",
    "invoices:read",
    "invoices:issue",
    // The ledger and its gross profit, and reconciling what the payment providers paid out.
    "finance:read",
    "finance:reconcile",
    "customers:read",
  ],
  // 老板: reads everything, changes nothing but what the business is told.
  owner: [
    "orders:read",
    "stores:read",
    "products:read",
    "audit:read",
    "notifications:read",
    "warehouses:read",
    "inventory:read",
    "procurement:read",
    "routing:read",
    "fulfilment:read",
    "shipments:read",
    "fulfilment_exceptions:read",
    "service_tasks:read",
    "reports:read",
    "carriers:read",
    "labels:read",
    "tracking:read",
    "logistics_exceptions:read",
    "after_sales:read",
    "channels:read",
    "events:read",
    "users:read",
    "activity:read",
    "invoices:read",
    // Reads the books; reconciling them is finance's work.
    "finance:read",
    "customers:read",
  ],
};

/** A permission set with the implied "any transition" added. */
export function permissionSet(perms: Iterable<Permission>): ReadonlySet<Permission> {
  const set = new Set<Permission>(perms);
  if ([...set].some((p) => p.startsWith("orders:transition:"))) set.add("orders:transition");
  return set;
}

const SETS = Object.fromEntries(ROLES.map((r) => [r, permissionSet(TABLE[r])])) as Record<Role, ReadonlySet<Permission>>;

export function can(role: Role, permission: Permission): boolean {
  return SETS[role].has(permission);
}

export function permissionsOf(role: Role): readonly Permission[] {
  return [...SETS[role]];
}

/** Roles that act for one store only: a key of these roles must name exactly one store. */
export const SINGLE_STORE_ROLES: ReadonlySet<Role> = new Set(["channel"]);

/**
 * Who sees which of the customer's details (src/orders/project-order.ts):
 * `contact` everything, `ship_to` what goes on the parcel, `pseudonymous`
 * geography and a pseudonym only.
 */
export const CONTACT_SCOPES = ["pseudonymous", "ship_to", "contact"] as const;
export type ContactScope = (typeof CONTACT_SCOPES)[number];

/** Exhaustive on purpose: a new position does not compile until someone decides what it may see. */
const SCOPE_OF: Record<Role, ContactScope> = {
  admin: "contact",
  auditor: "contact",
  support: "contact",
  channel: "contact",
  finance: "contact",
  owner: "contact",
  warehouse: "ship_to",
  warehouse_lead: "ship_to",
  picker: "ship_to",
  packer: "ship_to",
  logistics: "ship_to",
  partner: "ship_to",
  analyst: "pseudonymous",
};

/**
 * Integrations that act from outside the merchant's staff (a storefront, a
 * partner). They read an order's timeline but not what staff wrote to each
 * other: internal notes stay inside.
 */
const OUTSIDE_ROLES: ReadonlySet<Role> = new Set(["channel", "partner"]);

/** What one position grants: built-in from the table above, custom from D1 (src/positions). */
export type PositionGrant = { id: string; permissions: ReadonlySet<Permission>; contactScope: ContactScope; outside: boolean };

export function builtInGrant(role: Role): PositionGrant {
  return { id: role, permissions: SETS[role], contactScope: SCOPE_OF[role], outside: OUTSIDE_ROLES.has(role) };
}

/**
 * What a principal may do and see: the union of its positions. A person with
 * two positions can do what either can, and sees the customer as the wider
 * of the two does.
 */
export type Access = {
  /** The positions, first one first: the one reports group a person's work under. */
  positions: readonly string[];
  permissions: ReadonlySet<Permission>;
  contactScope: ContactScope;
  /** Reads what staff wrote to each other (internal notes): everyone but storefront and partner integrations. */
  insider: boolean;
};

export function accessOf(grants: readonly PositionGrant[]): Access {
  const permissions = new Set<Permission>();
  let scope = 0;
  for (const g of grants) {
    for (const p of g.permissions) permissions.add(p);
    scope = Math.max(scope, CONTACT_SCOPES.indexOf(g.contactScope));
  }
  return {
    positions: grants.map((g) => g.id),
    permissions: permissionSet(permissions),
    contactScope: grants.length ? CONTACT_SCOPES[scope]! : "pseudonymous",
    insider: grants.length > 0 && grants.some((g) => !g.outside),
  };
}

/** The access of one built-in position, computed once. */
const BUILT_IN_ACCESS = Object.fromEntries(ROLES.map((r) => [r, accessOf([builtInGrant(r)])])) as Record<Role, Access>;
export const accessOfRole = (role: Role): Access => BUILT_IN_ACCESS[role];
