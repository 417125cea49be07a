/**
 * What the customer screens share: the reader and their words, the page
 * frame, how a customer is named for the reader's position (the API has
 * already projected the contact: a pseudonym or "[erased]" is never a
 * guess), the segment and status words, and the API's refusals as words.
 */
import type { z } from "@hono/zod-openapi";
import type { Child } from "hono/jsx";
import type { CustomerProfile, CustomerSummary } from "../../customers/schemas";
import type { ApiAnswer } from "../api";
import type { ConsoleContext } from "../context";
import { money } from "../format";
import { uiOf } from "../guard";
import { fill, type Lang } from "../i18n";
import { renderPage } from "../layout";
import { problemText } from "../problems";
import { CUSTOMERS, type CustomersText } from "./text";

export type CustomerRow = z.infer<typeof CustomerSummary>;
export type ProfileView = z.infer<typeof CustomerProfile>;
export type Screen = { ui: ReturnType<typeof uiOf>; s: CustomersText };
export type Status = 200 | 400 | 403 | 404 | 409 | 422;

export function screenOf(c: ConsoleContext): Screen {
  const ui = uiOf(c);
  return { ui, s: CUSTOMERS[ui.lang] };
}

export const customerPath = (id: string, rest = "") => `/console/customers/${encodeURIComponent(id)}${rest}`;

export function customersPage(c: ConsoleContext, screen: Screen, opts: { title: string; status?: Status | undefined }, body: Child): Promise<Response> {
  return renderPage(c, screen.ui, { title: opts.title, ...(opts.status ? { status: opts.status } : {}) }, <div class="customers">{body}</div>);
}

/** The customer's name as the reader's position sees it: the name, else the pseudonym; an erased one says so. */
export function nameOf(s: CustomersText, c: Pick<CustomerRow, "id" | "status" | "contact">): string {
  if (c.status === "erased") return s.erased_name;
  const name = c.contact.customer?.name?.trim();
  if (name) return name;
  return fill(s.pseudonym, { id: c.contact.customer_key ?? c.id });
}

/** Email and phone, where the position sees them. */
export const contactLine = (c: Pick<CustomerRow, "contact">) => [c.contact.customer?.email, c.contact.customer?.phone].filter(Boolean).join(" · ");

const lookup = (s: CustomersText, key: string, fallback: string) => (s as Record<string, string>)[key] ?? fallback;
export const segmentLabel = (s: CustomersText, segment: string | null | undefined) => (segment ? lookup(s, `seg_${segment}`, segment) : s.seg_none);
export const statusLabel = (s: CustomersText, status: string) => lookup(s, `status_${status}`, status);

const SEGMENT_BADGE: Record<string, string> = {
  champions: "ok",
  loyal: "ok",
  new: "info",
  promising: "info",
  needs_attention: "warn",
  at_risk: "warn",
  hibernating: "",
  lost: "bad",
};
export function SegmentBadge({ s, segment }: { s: CustomersText; segment: string | null | undefined }) {
  return <span class={`badge ${segment ? (SEGMENT_BADGE[segment] ?? "") : ""}`.trim()}>{segmentLabel(s, segment)}</span>;
}

const STATUS_BADGE: Record<string, string> = { active: "ok", merged: "info", erased: "bad" };
export function CustomerStatus({ s, status }: { s: CustomersText; status: string }) {
  return <span class={`badge ${STATUS_BADGE[status] ?? ""}`.trim()}>{statusLabel(s, status)}</span>;
}

/** Amounts per currency, one a line: never added across currencies. */
export function Amounts({ list, lang, empty }: { list: readonly { currency: string; amount: string }[]; lang: Lang; empty: string }) {
  if (!list.length) return <>{empty}</>;
  return (
    <span class="amounts">
      {list.map((m, i) => (
        <>
          {i > 0 ? <br /> : null}
          <span class="nowrap">{money(m.amount, m.currency, lang)}</span>
        </>
      ))}
    </span>
  );
}

export type Refusal = { status: Status; top: string; fields: Record<string, string> };

/** The API's refusal in the reader's words: field problems beside their field (`tags.3` is the tags field), the rest above the form. */
export function refusalOf(screen: Screen, answer: Extract<ApiAnswer<unknown>, { ok: false }>): Refusal {
  const { ui, s } = screen;
  const fields: Record<string, string> = {};
  for (const e of answer.body.errors ?? []) {
    const name = e.field.replace(/\.\d+$/, "");
    if (fields[name]) continue;
    fields[name] = /is this customer/.test(e.message) ? s.same_customer : e.message;
  }
  const status: Status = answer.status === 400 || answer.status === 403 || answer.status === 404 || answer.status === 409 ? answer.status : 422;
  const code = answer.body.code;
  const top = Object.keys(fields).length
    ? s.fix_below
    : code === "customer_not_active"
      ? s.not_active
      : code === "not_merged"
        ? s.not_merged
        : answer.status === 403 && /stores outside your scope/.test(answer.body.detail ?? "")
          ? s.scope_refused
          : problemText(answer.body, ui.lang);
  return { status, top, fields };
}
