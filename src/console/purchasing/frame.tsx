/**
 * What every purchasing screen shares: the tabs between them (the one that
 * makes orders only for those who may), the status badge, the API's
 * refusals as words on a form, and the names behind the ids a history
 * records. Every read is the API's; what the reader's position may not read
 * (warehouses, people) is shown by its id.
 */
import type { z } from "@hono/zod-openapi";
import type { Child } from "hono/jsx";
import type { Permission } from "../../auth/roles";
import { allows } from "../../http/auth";
import type { Warehouse } from "../../inventory/schemas";
import type { Supplier } from "../../procurement/schemas";
import { api, type ApiAnswer } from "../api";
import type { ConsoleContext } from "../context";
import { uiOf } from "../guard";
import { fill, type Lang } from "../i18n";
import { renderPage } from "../layout";
import { problemText } from "../problems";
import { apiFieldWord, type FieldWords } from "./forms";
import { PURCHASING, type PurchasingText } from "./text";

export type SupplierView = z.infer<typeof Supplier>;
export type WarehouseView = z.infer<typeof Warehouse>;
export type Screen = { ui: ReturnType<typeof uiOf>; p: PurchasingText };
export type Status = 200 | 400 | 403 | 404 | 409 | 422;

export function screenOf(c: ConsoleContext): Screen {
  const ui = uiOf(c);
  return { ui, p: PURCHASING[ui.lang] };
}

const TABS: { path: string; key: "tab_orders" | "tab_suppliers" | "tab_new_order"; permission: Permission; under: string }[] = [
  { path: "/console/purchasing", key: "tab_orders", permission: "procurement:read", under: "/console/purchasing/orders/" },
  { path: "/console/purchasing/suppliers", key: "tab_suppliers", permission: "procurement:read", under: "/console/purchasing/suppliers/" },
  { path: "/console/purchasing/new", key: "tab_new_order", permission: "procurement:manage", under: "/console/purchasing/new/" },
];

function Tabs({ screen }: { screen: Screen }) {
  const { ui, p } = screen;
  return (
    <nav class="actions purchasing-tabs" aria-label={p.title}>
      {TABS.filter((t) => allows(ui.principal, t.permission)).map((t) => (
        <a href={t.path} aria-current={ui.path === t.path || ui.path.startsWith(t.under) ? "page" : undefined}>
          {p[t.key]}
        </a>
      ))}
    </nav>
  );
}

/** A purchasing page: its title, the tabs, then the page. */
export function purchasingPage(c: ConsoleContext, screen: Screen, opts: { title: string; status?: Status | undefined; heading?: Child }, body: Child): Promise<Response> {
  return renderPage(
    c,
    screen.ui,
    { title: opts.title, ...(opts.status ? { status: opts.status } : {}) },
    <div class="purchasing">
      <Tabs screen={screen} />
      {opts.heading ?? <h1>{opts.title}</h1>}
      {body}
    </div>,
  );
}

const BADGE: Record<string, string> = { submitted: "info", partially_received: "warn", received: "ok", cancelled: "bad" };

export const statusLabel = (p: PurchasingText, status: string) => (p as Record<string, string>)[`status_${status}`] ?? status;

export function PoStatus({ p, status }: { p: PurchasingText; status: string }) {
  return <span class={`badge ${BADGE[status] ?? ""}`.trim()}>{statusLabel(p, status)}</span>;
}

/** Field words in the reader's language. */
export function wordsOf(p: PurchasingText, errors: FieldWords): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(errors)) if (v) out[k] = p[v];
  return out;
}

/** Our words for the refusal codes purchasing meets, else the console's words for the code, else the API's detail. */
export function codeText(p: PurchasingText, lang: Lang, body: { code?: string; detail?: string }): string {
  if (body.code === "version_mismatch" || body.code === "conflict") return p.conflict;
  if (body.code === "illegal_transition" || body.code === "empty") return p[body.code];
  return problemText(body, lang);
}

export type Refusal = { status: Status; top: string; fields: Record<string, string> };

/** The API's refusal as words on a form: field problems beside their fields (placed by `fieldOf`), anything else above it. */
export function refusalOf(screen: Screen, answer: Extract<ApiAnswer<unknown>, { ok: false }>, fieldOf: (apiField: string) => string = (f) => f): Refusal {
  const { ui, p } = screen;
  const fields: Record<string, string> = {};
  for (const e of answer.body.errors ?? []) {
    const name = fieldOf(e.field);
    if (fields[name]) continue;
    const word = apiFieldWord(e.message);
    fields[name] = word ? fill(p[word.key], word.values ?? {}) : e.message;
  }
  const status = answer.status === 400 || answer.status === 403 || answer.status === 404 || answer.status === 409 ? answer.status : 422;
  return { status, top: Object.keys(fields).length ? p.fix_below : codeText(p, ui.lang, answer.body), fields };
}

/** The reader's suppliers (up to 200: a merchant's suppliers are tens). */
export async function suppliersOf(c: ConsoleContext, query: { active?: "true" } = {}): Promise<SupplierView[]> {
  const r = await api<{ data: SupplierView[] }>(c, "/v1/suppliers", { query: { limit: 200, ...query } });
  return r.ok ? r.body.data : [];
}

/** The warehouses the reader may list (none for a position that may not: their ids are shown instead). */
export async function warehousesOf(c: ConsoleContext): Promise<WarehouseView[]> {
  if (!allows(uiOf(c).principal, "warehouses:read")) return [];
  const r = await api<{ data: WarehouseView[] }>(c, "/v1/warehouses", { query: { limit: 200 } });
  return r.ok ? r.body.data : [];
}

/**
 * Names for the people a history or a receipt records: the reader is named by themselves; others through the
 * staff list for those who may read it (a handful of ids per order, one call each, in parallel); else their id.
 */
export async function namesOf(c: ConsoleContext, ids: Iterable<string>): Promise<(id: string) => string> {
  const { principal } = uiOf(c);
  const found = new Map<string, string>([[principal.id, principal.name]]);
  const wanted = [...new Set(ids)].filter((id) => id.startsWith("usr_") && !found.has(id)).slice(0, 20);
  if (wanted.length && allows(principal, "users:read")) {
    const answers = await Promise.all(wanted.map((id) => api<{ display_name: string }>(c, `/v1/users/${encodeURIComponent(id)}`)));
    answers.forEach((a, i) => {
      if (a.ok) found.set(wanted[i]!, a.body.display_name);
    });
  }
  return (id) => found.get(id) ?? id;
}
