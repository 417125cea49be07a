/**
 * Pieces every settings screen shares: a labelled field with its hint and
 * the API's message for it, the refusal box, and the tabs of one store's
 * settings (each shown only to those who may change it).
 */
import type { Child } from "hono/jsx";
import type { Permission } from "../../auth/roles";
import { allows } from "../../http/auth";
import type { Problem } from "../api";
import type { Ui } from "../context";
import type { Lang } from "../i18n";
import { fieldProblems, problemText } from "../problems";
import { TEXT } from "./text";

export type Errors = Record<string, string>;

/** The API's field message in the reader's language: ours around it in Chinese, since the API speaks English. */
export function fieldMessage(message: string, lang: Lang): string {
  return lang === "en" ? message : `此项有误（${message}）`;
}

/** One labelled field of a settings form; `wide` takes the grid's whole row. */
export function Field(p: { id: string; label: string; error?: string | undefined; hint?: string | undefined; lang: Lang; wide?: boolean; children: Child }) {
  return (
    <div class="field" style={p.wide ? "grid-column:1/-1" : undefined}>
      <label for={p.id}>{p.label}</label>
      {p.children}
      {p.hint ? (
        <p class="hint" id={`${p.id}-hint`}>
          {p.hint}
        </p>
      ) : null}
      {p.error ? (
        <p class="error-text" id={`${p.id}-error`}>
          {fieldMessage(p.error, p.lang)}
        </p>
      ) : null}
    </div>
  );
}

export function Check(p: { id: string; name: string; label: string; checked: boolean; value?: string }) {
  return (
    <div class="field">
      <input type="checkbox" id={p.id} name={p.name} value={p.value ?? "on"} checked={p.checked} />{" "}
      <label for={p.id} style="display:inline">
        {p.label}
      </label>
    </div>
  );
}

/** The refusal at the top of a form, in words, with the fields it names below. */
export function ProblemBox({ problem, lang }: { problem: Problem | undefined; lang: Lang }) {
  if (!problem) return null;
  const fields = fieldProblems(problem);
  const names = Object.keys(fields);
  return (
    <div class="flash bad" role="alert">
      <p style="margin:0">{problem.code === "validation_failed" ? TEXT[lang].not_saved : problemText(problem, lang)}</p>
      {names.length ? (
        <ul>
          {names.map((f) => (
            <li>
              <span class="mono">{f}</span>: {fieldMessage(fields[f]!, lang)}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** The status code of a refused form: what the API said, kept to the ones a page may answer (a pool that is moving is a 503: try again), else 422. */
export function refusedStatus(status: number): 400 | 403 | 404 | 409 | 422 | 503 {
  return status === 403 || status === 404 || status === 409 || status === 400 || status === 503 ? status : 422;
}

/** What a settings page answers: 200, or the status of the API's refusal it shows (`refusedStatus`). */
export type FormPageStatus = 200 | ReturnType<typeof refusedStatus>;

const STORE_TABS: { key: "store_settings" | "audit_rules" | "routing" | "logistics" | "sla"; path: string; permission: Permission }[] = [
  { key: "store_settings", path: "", permission: "stores:manage" },
  { key: "audit_rules", path: "/audit-rules", permission: "audit:manage" },
  { key: "routing", path: "/routing", permission: "routing:manage" },
  { key: "logistics", path: "/logistics", permission: "carriers:manage" },
  { key: "sla", path: "/sla", permission: "stores:manage" },
];

/** The settings of one store, as tabs. */
export function StoreTabs({ ui, storeId, storeName }: { ui: Ui; storeId: string; storeName: string }) {
  const t = TEXT[ui.lang];
  const base = `/console/settings/stores/${encodeURIComponent(storeId)}`;
  return (
    <nav aria-label={storeName} class="settings-tabs">
      <p class="muted" style="margin:0 0 4px">
        <a href="/console/settings">{t.title}</a> › <a href="/console/settings/stores">{t.stores}</a> › {storeName}
      </p>
      <ul>
        {STORE_TABS.filter((tab) => ui.principal && allows(ui.principal, tab.permission)).map((tab) => (
          <li>
            <a href={`${base}${tab.path}`} aria-current={ui.path === `${base}${tab.path}` ? "page" : undefined}>
              {t[tab.key]}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function Crumbs({ ui, here }: { ui: Ui; here: string }) {
  return (
    <p class="muted" style="margin:0 0 4px">
      <a href="/console/settings">{TEXT[ui.lang].title}</a> › {here}
    </p>
  );
}

/** A posted number field: a number when it is one, else the text as typed (so the API names the field). */
export function numberOrText(raw: string): number | string | null {
  if (raw === "") return null;
  const n = Number(raw);
  return Number.isFinite(n) ? n : raw;
}

/** Pretty JSON for an editor textarea. */
export const pretty = (v: unknown) => JSON.stringify(v, null, 2);

/** Every value of a repeated field, empties kept, so rows of paired inputs stay in step. */
export function rawValues(form: Record<string, unknown> | undefined, name: string): string[] {
  const v = form?.[name];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((x) => (typeof x === "string" ? x : ""));
}
