/**
 * Correcting one ledger entry (finance:reconcile): the entry as recorded, why
 * a correction never edits it, and the confirm form (a reason, required; the
 * right amount, optional). Posting it calls `POST /v1/orders/{id}/ledger/corrections`
 * with an idempotency key drawn when the form was drawn, so a double click
 * or a resent form records one correction; a second person's correction of
 * the same entry is the API's 409, shown in words.
 */
import { currencyExponent } from "../../lib/money";
import type { LedgerCorrection } from "../../finance/schemas";
import type { z } from "@hono/zod-openapi";
import { api } from "../api";
import type { ConsoleContext } from "../context";
import { formatsOf } from "../context";
import { dateTime, money } from "../format";
import { doneRedirect, formValue, notFoundPage } from "../guard";
import { fill } from "../i18n";
import { Csrf, TopProblem } from "../layout";
import { fieldProblems, problemText } from "../problems";
import { financePage, type Screen, screenOf } from "./frame";
import { correctable, type LedgerView } from "./ledger-card";
import { wordOf } from "./text";
import { idPattern } from "../../lib/ids";

const ORDER = idPattern("ord");
const ENTRY = /^led_[0-9A-Za-z]{20,40}$/;

type Typed = { reason: string; amount: string; idem: string };
type Refusal = { status: 409 | 422; top?: string; reason?: string; amount?: string };

export async function correctEntryPage(c: ConsoleContext, orderId: string, entryId: string, typed?: Typed, refusal?: Refusal): Promise<Response> {
  if (!ORDER.test(orderId) || !ENTRY.test(entryId)) return notFoundPage(c);
  const screen = screenOf(c);
  const { ui, f } = screen;
  const [ledger, order] = await Promise.all([api<LedgerView>(c, `/v1/orders/${orderId}/ledger`), api<{ store_id: string }>(c, `/v1/orders/${orderId}`)]);
  const e = ledger.ok ? ledger.body.entries.find((x) => x.id === entryId) : undefined;
  if (!ledger.ok || !e) return notFoundPage(c);
  const { timeZone } = await formatsOf(c, order.ok ? order.body.store_id : null);
  const open = correctable(ledger.body.entries, e);
  const decimals = currencyExponent(e.currency);
  const amountHint = fill(f.right_amount_hint, { currency: e.currency });
  const back = `/console/orders/${orderId}#ledger`;
  return financePage(
    c,
    screen,
    { title: f.correct_title, ...(refusal ? { status: refusal.status } : {}) },
    <>
      <p>
        <a href={back}>← {f.back_to_order}</a>
      </p>
      <section class="card" aria-labelledby="entry-h">
        <h2 id="entry-h" class="mono-heading">
          {orderId}
        </h2>
        <dl class="facts" data-entry={e.id}>
          <dt>{f.kind}</dt>
          <dd>{wordOf(f, "kind", e.kind)}</dd>
          <dt>{f.source}</dt>
          <dd>{wordOf(f, "source", e.source)}</dd>
          <dt>{f.reference}</dt>
          <dd class="mono">{e.reference ?? (e.sku ? `${e.sku} × ${e.quantity ?? ""}` : "–")}</dd>
          <dt>{f.amount}</dt>
          <dd>{money(e.amount, e.currency, ui.lang)}</dd>
          <dt>{f.when}</dt>
          <dd>{dateTime(e.created_at, timeZone, ui.lang)}</dd>
        </dl>
      </section>
      <section class="card" aria-labelledby="correct-h">
        <h2 id="correct-h">{f.correct}</h2>
        <p class="hint">{f.correct_intro}</p>
        <TopProblem text={refusal?.top} />
        {open ? (
          <form method="post" action={`/console/orders/${orderId}/ledger/${e.id}/correct`} class="correct-form">
            <Csrf ui={ui} />
            <input type="hidden" name="_idem" value={typed?.idem || crypto.randomUUID()} />
            <div class="field">
              <label for="correct-reason">{f.reason}</label>
              <p class="hint" id="correct-reason-hint">
                {f.reason_hint}
              </p>
              <textarea
                id="correct-reason"
                name="reason"
                required
                maxlength={500}
                rows={3}
                aria-describedby={refusal?.reason ? "correct-reason-hint correct-reason-error" : "correct-reason-hint"}
                aria-invalid={refusal?.reason ? "true" : undefined}
              >
                {typed?.reason ?? ""}
              </textarea>
              {refusal?.reason ? (
                <p class="error-text" id="correct-reason-error">
                  {refusal.reason}
                </p>
              ) : null}
            </div>
            <div class="field">
              <label for="correct-amount">{f.right_amount}</label>
              <p class="hint" id="correct-amount-hint">
                {amountHint}
              </p>
              <input
                id="correct-amount"
                name="amount"
                inputmode="decimal"
                autocomplete="off"
                pattern={decimals ? `\\d+(\\.\\d{1,${decimals}})?` : "\\d+"}
                value={typed?.amount ?? ""}
                aria-describedby={refusal?.amount ? "correct-amount-hint correct-amount-error" : "correct-amount-hint"}
                aria-invalid={refusal?.amount ? "true" : undefined}
              />
              {refusal?.amount ? (
                <p class="error-text" id="correct-amount-error">
                  {refusal.amount}
                </p>
              ) : null}
            </div>
            <button type="submit">{f.do_correct}</button>
          </form>
        ) : (
          <p class="muted">{f.not_correctable}</p>
        )}
      </section>
    </>,
  );
}

const amountWords = (s: Screen, currency: string, apiMessage: string) => {
  if (/more than zero/.test(apiMessage)) return s.f.amount_zero;
  const decimals = currencyExponent(currency);
  return fill(s.f.amount_bad, { currency, decimals, example: decimals ? `12.${"5".padEnd(decimals, "0")}` : "1200" });
};

/** Sends the correction; an empty reason is refused here, the rest by the API. */
export async function correctEntry(c: ConsoleContext, orderId: string, entryId: string): Promise<Response> {
  if (!ORDER.test(orderId) || !ENTRY.test(entryId)) return notFoundPage(c);
  const screen = screenOf(c);
  const { ui, f } = screen;
  const typed: Typed = { reason: formValue(c, "reason"), amount: formValue(c, "amount"), idem: formValue(c, "_idem") };
  if (!typed.reason) return correctEntryPage(c, orderId, entryId, typed, { status: 422, top: f.reason_required, reason: f.reason_required });
  const r = await api<z.infer<typeof LedgerCorrection>>(c, `/v1/orders/${orderId}/ledger/corrections`, {
    body: { entry_id: entryId, reason: typed.reason, ...(typed.amount ? { amount: typed.amount } : {}) },
    ...(typed.idem ? { headers: { "idempotency-key": `console-correct-${typed.idem}` } } : {}),
  });
  if (r.ok) {
    const added = r.body.replacement;
    return doneRedirect(c, `/console/orders/${orderId}#ledger`, {
      kind: "ok",
      text: added ? fill(f.corrected_with, { amount: money(added.amount, added.currency, ui.lang) }) : f.corrected_ok,
    });
  }
  if (r.status === 404) return notFoundPage(c);
  const fields = fieldProblems(r.body);
  if (r.status === 422 && fields.amount !== undefined) {
    const ledger = await api<LedgerView>(c, `/v1/orders/${orderId}/ledger`);
    const currency = (ledger.ok && ledger.body.entries.find((x) => x.id === entryId)?.currency) || "USD";
    const words = amountWords(screen, currency, fields.amount);
    return correctEntryPage(c, orderId, entryId, typed, { status: 422, top: words, amount: words });
  }
  return correctEntryPage(c, orderId, entryId, typed, { status: r.status === 409 ? 409 : 422, top: problemText(r.body, ui.lang) });
}
