/**
 * The Ledger card of an order's page (finance:read): the order's money
 * entries, oldest first, and per currency the totals and gross profit, as
 * the API's `GET /v1/orders/{id}/ledger` gives them. Amounts are in each
 * entry's own currency: shipping and cost of goods of an order sold in
 * another currency show as their own totals, never converted.
 *
 * Who may correct the books (finance:reconcile) gets a "Correct" link per
 * entry that can still be corrected (not a reversal, not reversed yet),
 * opening the confirm form of ./correct-entry.tsx; a reversed entry and a
 * correction say so, with the correction's reason.
 */
import type { z } from "@hono/zod-openapi";
import type { OrderLedger } from "../../finance/schemas";
import type { ApiAnswer } from "../api";
import { dateTime, money } from "../format";
import { fill, type Lang } from "../i18n";
import { DataTable } from "../insights/view";
import { problemText } from "../problems";
import { FINANCE, wordOf } from "./text";

export type LedgerView = z.infer<typeof OrderLedger>;

const TOTALS = ["authorised", "captured", "refunded", "fees", "shipping", "cost_of_goods", "gross_profit"] as const;

/** Whether an entry may still be corrected: not itself a reversal, and not reversed by another. */
export const correctable = (entries: LedgerView["entries"], e: LedgerView["entries"][number]) => e.reverses === null && !entries.some((x) => x.reverses === e.id);

export function LedgerCard(props: { orderId: string; ledger: ApiAnswer<LedgerView>; lang: Lang; timeZone: string; mayCorrect: boolean }) {
  const { ledger, lang, timeZone } = props;
  const f = FINANCE[lang];
  const cash = (a: string, currency: string) => money(a, currency, lang);
  const reversed = new Set(ledger.ok ? ledger.body.entries.flatMap((e) => (e.reverses ? [e.reverses] : [])) : []);
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
            head={[
              { label: f.kind },
              { label: f.source },
              { label: f.reference },
              { label: f.amount, num: true },
              { label: f.when },
              ...(props.mayCorrect ? [{ label: f.correct }] : []),
            ]}
            rows={ledger.body.entries.map((e) => [
              <span data-kind={e.kind} data-entry={e.id}>
                {wordOf(f, "kind", e.kind)}
                {reversed.has(e.id) ? (
                  <>
                    {" "}
                    <span class="badge">{f.reversed}</span>
                  </>
                ) : null}
              </span>,
              // One box: on a phone's card the cell's parts sit side by side, and the notes squeezed the source to a letter a line.
              <span>
                {wordOf(f, "source", e.source)}
                {e.reverses ? <span class="hint ledger-note">{f.reverses}</span> : null}
                {e.reason ? <span class="hint ledger-note ledger-reason">{e.reason}</span> : null}
              </span>,
              e.reference ? <span class="mono">{e.reference}</span> : e.sku ? <span class="mono">{`${e.sku} × ${e.quantity ?? ""}`}</span> : "–",
              cash(e.amount, e.currency),
              dateTime(e.created_at, timeZone, lang),
              ...(props.mayCorrect
                ? [
                    correctable(ledger.body.entries, e) ? (
                      <a
                        href={`/console/orders/${props.orderId}/ledger/${e.id}/correct`}
                        data-correct={e.id}
                        aria-label={fill(f.correct_entry_of, { kind: wordOf(f, "kind", e.kind) })}
                      >
                        {f.correct}
                      </a>
                    ) : (
                      "–"
                    ),
                  ]
                : []),
            ])}
            empty={f.ledger_none}
          />
        </>
      )}
    </section>
  );
}
