/**
 * The Ledger card of an order's page (finance:read): the order's money
 * entries, oldest first, and per currency the totals and gross profit, as
 * the API's `GET /v1/orders/{id}/ledger` gives them. Amounts are in each
 * entry's own currency: shipping and cost of goods of an order sold in
 * another currency show as their own totals, never converted.
 */
import type { z } from "@hono/zod-openapi";
import type { OrderLedger } from "../../finance/schemas";
import type { ApiAnswer } from "../api";
import { dateTime, money } from "../format";
import type { Lang } from "../i18n";
import { DataTable } from "../insights/view";
import { problemText } from "../problems";
import { FINANCE, wordOf } from "./text";

export type LedgerView = z.infer<typeof OrderLedger>;

const TOTALS = ["authorised", "captured", "refunded", "fees", "shipping", "cost_of_goods", "gross_profit"] as const;

export function LedgerCard({ ledger, lang, timeZone }: { ledger: ApiAnswer<LedgerView>; lang: Lang; timeZone: string }) {
  const f = FINANCE[lang];
  const cash = (a: string, currency: string) => money(a, currency, lang);
  return (
    <section class="card" aria-labelledby="ledger-h" id="ledger">
      <h2 id="ledger-h">{f.ledger}</h2>
      {!ledger.ok ? (
        <p class="muted">{problemText(ledger.body, lang)}</p>
      ) : !ledger.body.entries.length ? (
        <p class="muted">{f.ledger_none}</p>
      ) : (
        <>
          <p class="hint">{f.ledger_note}</p>
          <h3>{f.totals}</h3>
          <DataTable
            caption={f.totals}
            head={[{ label: f.currency }, ...TOTALS.map((k) => ({ label: f[k], num: true }))]}
            rows={ledger.body.totals.map((t) => [
              t.currency,
              ...TOTALS.map((k) => (k === "gross_profit" ? <strong data-gross-profit={t.currency}>{cash(t[k], t.currency)}</strong> : cash(t[k], t.currency))),
            ])}
            empty={f.ledger_none}
          />
          <h3>{f.entries}</h3>
          <DataTable
            caption={f.entries}
            head={[{ label: f.kind }, { label: f.source }, { label: f.reference }, { label: f.amount, num: true }, { label: f.when }]}
            rows={ledger.body.entries.map((e) => [
              <span data-kind={e.kind}>{wordOf(f, "kind", e.kind)}</span>,
              wordOf(f, "source", e.source),
              e.reference ? <span class="mono">{e.reference}</span> : e.sku ? <span class="mono">{`${e.sku} × ${e.quantity ?? ""}`}</span> : "–",
              cash(e.amount, e.currency),
              dateTime(e.created_at, timeZone, lang),
            ])}
            empty={f.ledger_none}
          />
        </>
      )}
    </section>
  );
}
