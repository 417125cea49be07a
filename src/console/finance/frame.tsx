/**
 * What every finance screen shares: the tabs between the daily summary and
 * gross profit by SKU (finance:read) and the settlements (finance:reconcile), each shown only to
 * those who may open it, and the page around them.
 */
import type { Child } from "hono/jsx";
import type { Permission } from "../../auth/roles";
import { allows } from "../../http/auth";
import type { ConsoleContext } from "../context";
import { uiOf } from "../guard";
import { renderPage } from "../layout";
import { FINANCE, type FinanceText } from "./text";

export type Screen = { ui: ReturnType<typeof uiOf>; f: FinanceText };

export function screenOf(c: ConsoleContext): Screen {
  const ui = uiOf(c);
  return { ui, f: FINANCE[ui.lang] };
}

const TABS: { path: string; key: "tab_summary" | "tab_gross_profit" | "tab_settlements"; permission: Permission; under: string }[] = [
  { path: "/console/finance", key: "tab_summary", permission: "finance:read", under: "/console/finance/summary" },
  { path: "/console/finance/gross-profit", key: "tab_gross_profit", permission: "finance:read", under: "/console/finance/gross-profit" },
  { path: "/console/finance/settlements", key: "tab_settlements", permission: "finance:reconcile", under: "/console/finance/settlements/" },
];

function Tabs({ screen }: { screen: Screen }) {
  const { ui, f } = screen;
  return (
    <nav class="actions finance-tabs" aria-label={f.title}>
      {TABS.filter((t) => allows(ui.principal, t.permission)).map((t) => (
        <a href={t.path} aria-current={ui.path === t.path || ui.path.startsWith(t.under) ? "page" : undefined}>
          {f[t.key]}
        </a>
      ))}
    </nav>
  );
}

/** A finance page: its title, the tabs, then the page. */
export function financePage(
  c: ConsoleContext,
  screen: Screen,
  opts: { title: string; status?: 200 | 400 | 403 | 404 | 409 | 422; heading?: Child },
  body: Child,
): Promise<Response> {
  return renderPage(
    c,
    screen.ui,
    { title: opts.title, ...(opts.status ? { status: opts.status } : {}) },
    <div class="finance">
      <Tabs screen={screen} />
      {opts.heading ?? <h1>{opts.title}</h1>}
      {body}
    </div>,
  );
}
