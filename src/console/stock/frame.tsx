/**
 * What every stock screen shares: the warehouse it is about (from
 * `?warehouse=`, else the reader's first; one the reader may not see is a
 * 404, as in the API), the tabs between the screens, and small form parts.
 */
import type { z } from "@hono/zod-openapi";
import type { Child } from "hono/jsx";
import type { Warehouse } from "../../inventory/schemas";
import { allows } from "../../http/auth";
import { api } from "../api";
import type { ConsoleContext } from "../context";
import { notFoundPage, uiOf } from "../guard";
import { renderPage } from "../layout";
import { STOCK, type StockText } from "./text";
import type { FieldWords } from "./forms";

export type WarehouseView = z.infer<typeof Warehouse>;

export type StockScreen = {
  ui: ReturnType<typeof uiOf>;
  s: StockText;
  warehouses: WarehouseView[];
  wh: WarehouseView;
};

/** The reader, their words, their warehouses and the one this page is about; or the page to answer with. */
export async function stockScreen(c: ConsoleContext, wanted?: string): Promise<StockScreen | Response> {
  const ui = uiOf(c);
  const s = STOCK[ui.lang];
  const list = await api<{ data: WarehouseView[] }>(c, "/v1/warehouses", { query: { limit: 200 } });
  const warehouses = list.ok ? list.body.data : [];
  const id = wanted ?? c.req.query("warehouse") ?? "";
  const wh = id ? warehouses.find((w) => w.id === id) : (warehouses.find((w) => w.active) ?? warehouses[0]);
  if (id && !wh) return notFoundPage(c);
  if (!wh) {
    return renderPage(
      c,
      ui,
      { title: s.title },
      <div class="card">
        <h1>{s.title}</h1>
        <p>{s.no_warehouse}</p>
      </div>,
    );
  }
  return { ui, s, warehouses, wh };
}

const TABS = [
  { path: "/console/stock", key: "tab_levels", anyOf: ["inventory:read"] },
  { path: "/console/stock/receive", key: "tab_receive", anyOf: ["inventory:write"] },
  { path: "/console/stock/adjust", key: "tab_adjust", anyOf: ["inventory:write"] },
  { path: "/console/stock/count", key: "tab_count", anyOf: ["inventory:write"] },
  { path: "/console/stock/movements", key: "tab_movements", anyOf: ["inventory:read"] },
  { path: "/console/stock/interceptions", key: "tab_interceptions", anyOf: ["shipments:read"] },
  { path: "/console/stock/transfers", key: "tab_transfers", anyOf: ["inventory:read"] },
  { path: "/console/stock/replenishment", key: "tab_replenishment", anyOf: ["procurement:read"] },
] as const;

export const whLink = (path: string, whId: string, extra: Record<string, string> = {}) => {
  const q = new URLSearchParams({ warehouse: whId, ...extra });
  return `${path}?${q}`;
};

function Tabs({ screen }: { screen: StockScreen }) {
  const { ui, s, wh } = screen;
  return (
    <nav class="actions stock-tabs" aria-label={s.title}>
      {TABS.filter((t) => t.anyOf.some((p) => allows(ui.principal, p))).map((t) => (
        <a href={whLink(t.path, wh.id)} aria-current={ui.path === t.path || (t.path !== "/console/stock" && ui.path.startsWith(`${t.path}/`)) ? "page" : undefined}>
          {s[t.key]}
        </a>
      ))}
    </nav>
  );
}

/** The warehouse switch: a select that submits itself (a button without JavaScript). */
function WarehousePicker({ screen, action }: { screen: StockScreen; action: string }) {
  const { ui, warehouses, wh } = screen;
  if (warehouses.length < 2) return <p class="muted">{`${ui.t.warehouse}: ${wh.name}`}</p>;
  return (
    <form method="get" action={action} class="filters">
      <div class="field">
        <label for="wh-pick">{ui.t.warehouse}</label>
        <select id="wh-pick" name="warehouse" data-autosubmit>
          {warehouses.map((w) => (
            <option value={w.id} selected={w.id === wh.id}>
              {w.name}
            </option>
          ))}
        </select>
      </div>
      <noscript>
        <button type="submit" class="secondary">
          {ui.t.apply}
        </button>
      </noscript>
    </form>
  );
}

export function stockPage(
  c: ConsoleContext,
  screen: StockScreen,
  opts: { title: string; status?: 200 | 400 | 403 | 404 | 409 | 422; picker?: boolean; intro?: string },
  body: Child,
): Promise<Response> {
  return renderPage(
    c,
    screen.ui,
    { title: opts.title, ...(opts.status ? { status: opts.status } : {}) },
    <>
      <h1 class="stock-title">{opts.title}</h1>
      <Tabs screen={screen} />
      {/* What the page is for, above the warehouse switch: below it, it read as the switch's hint. */}
      {opts.intro ? <p class="muted">{opts.intro}</p> : null}
      {opts.picker === false ? null : <WarehousePicker screen={screen} action={screen.ui.path} />}
      {body}
    </>,
  );
}

/** Field words to the reader's language. */
export function wordsOf(s: StockText, errors: FieldWords): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(errors)) if (v) out[k] = s[v];
  return out;
}
