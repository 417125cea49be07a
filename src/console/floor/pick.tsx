/**
 * Picking by scan: the picker walks the wave in bin order, one pick at a
 * time. A scan is checked by the API (a wrong item is refused and never
 * counts); a right one is confirmed and the page moves on (Post/Redirect/Get,
 * so a reload never picks twice). A short pick books the rest as missing.
 */
import type { z } from "@hono/zod-openapi";
import type { PickResultSchema, Wave } from "../../fulfilment/schemas";
import type { Product } from "../../products/schemas";
import { api } from "../api";
import type { ConsoleContext, Flash } from "../context";
import { doneRedirect, formValue, need, notFoundPage, uiOf } from "../guard";
import { ScanInput } from "../fields";
import { fill, fillCount } from "../i18n";
import { Csrf, renderPage } from "../layout";
import { problemText } from "../problems";
import { ScanResult } from "./scan-result";
import { FLOOR } from "./text";
import { currentPick, isOpen, type Line, lineTotal, waveUnits } from "./walk";

type WaveBody = z.infer<typeof Wave>;

async function waveOf(c: ConsoleContext, id: string) {
  const r = await api<WaveBody>(c, `/v1/waves/${encodeURIComponent(id)}`);
  return r.ok ? r.body : null;
}

async function renderPick(c: ConsoleContext, wave: WaveBody, result: Flash | undefined, status: 200 | 404 | 409 | 422 = 200) {
  const ui = uiOf(c);
  const f = FLOOR[ui.lang];
  const line = currentPick(wave.pick_list);
  const product = line ? await api<{ data: z.infer<typeof Product>[] }>(c, "/v1/products", { query: { store_id: line.store_id, sku: line.sku, limit: 1 } }) : null;
  const name = product?.ok ? product.body.data[0]?.name : undefined;
  const units = waveUnits(wave.pick_list);
  const after = line ? wave.pick_list.filter((l) => isOpen(l) && l.item_id !== line.item_id) : [];
  const action = `/console/waves/${wave.id}/pick`;
  return renderPage(
    c,
    { ...ui, flash: undefined },
    { title: `${f.pick_title} · ${wave.id}`, status },
    <>
      <h1>
        {f.pick_title} <span class="mono muted floor-id">{wave.id}</span>
      </h1>
      <ScanResult result={result} />
      <p class="muted">{fillCount(f, "units_done", units.total, units)}</p>
      <progress class="floor-progress" max={Math.max(1, units.total)} value={units.done} aria-label={f.progress} />
      {line ? (
        <PickCard c={c} line={line} name={name} action={action} />
      ) : (
        <div class="card">
          <p class="scan-result ok" role="status">
            {f.wave_done}
          </p>
          <a class="button" href="/console/waves">
            {f.back_to_waves}
          </a>
        </div>
      )}
      {after.length ? (
        <>
          <h2>{f.next_picks}</h2>
          <div class="table-wrap">
            <table class="stack">
              <thead>
                <tr>
                  <th>{f.bin}</th>
                  <th>{ui.t.sku}</th>
                  <th class="num">{f.to_pick}</th>
                </tr>
              </thead>
              <tbody>
                {after.map((l) => (
                  <tr>
                    <td data-label={f.bin} class="mono">
                      {l.bin}
                    </td>
                    <td data-label={ui.t.sku} class="mono">
                      {l.sku}
                    </td>
                    <td data-label={f.to_pick} class="num">
                      {l.to_pick}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
      {line ? (
        <p>
          <a href="/console/waves">{f.back_to_waves}</a>
        </p>
      ) : null}
    </>,
  );
}

function PickCard({ c, line, name, action }: { c: ConsoleContext; line: Line; name: string | undefined; action: string }) {
  const ui = uiOf(c);
  const f = FLOOR[ui.lang];
  const total = lineTotal(line);
  return (
    <section class="card floor-pick" aria-labelledby="current-pick">
      <h2 id="current-pick">{f.current_pick}</h2>
      <p class="floor-bin">
        <span class="muted">{f.bin}</span> <strong class="mono">{line.bin}</strong>
      </p>
      <dl class="facts">
        <dt>{ui.t.sku}</dt>
        <dd class="mono">{line.sku}</dd>
        <dt>{f.product}</dt>
        <dd>{name ?? "—"}</dd>
        <dt>{f.to_pick}</dt>
        <dd>
          <strong class="floor-qty">{total}</strong> · {fill(f.done_of, { done: line.picked, total })}
        </dd>
      </dl>
      <form method="post" action={action}>
        <Csrf ui={ui} />
        <input type="hidden" name="item_id" value={line.item_id} />
        <label for="scan-code">{f.scan_item}</label>
        <p class="hint" id="scan-code-hint">
          {f.scan_hint}
        </p>
        <div class="actions floor-scan">
          <ScanInput name="code" required />
          <button type="submit">{f.confirm}</button>
        </div>
      </form>
      <details class="floor-short">
        <summary>{f.short_title}</summary>
        <p class="hint">{f.short_hint}</p>
        <form method="post" action={`${action}/short`}>
          <Csrf ui={ui} />
          <input type="hidden" name="item_id" value={line.item_id} />
          <label for="short-found">{f.found}</label>
          <input id="short-found" name="found" type="number" inputmode="numeric" min="0" max={String(line.to_pick - 1)} value="0" required />
          <div class="actions">
            <button type="submit" class="danger">
              {f.report_short}
            </button>
          </div>
        </form>
      </details>
    </section>
  );
}

export async function pickPage(c: ConsoleContext) {
  const denied = need(c, "picking:execute");
  if (denied) return denied;
  const wave = await waveOf(c, c.req.param("id") ?? "");
  if (!wave) return notFoundPage(c);
  return renderPick(c, wave, uiOf(c).flash);
}

/** One scan of the current pick: one unit, checked by the API. */
export async function scanPick(c: ConsoleContext) {
  const denied = need(c, "picking:execute");
  if (denied) return denied;
  const ui = uiOf(c);
  const f = FLOOR[ui.lang];
  const id = c.req.param("id") ?? "";
  const wave = await waveOf(c, id);
  if (!wave) return notFoundPage(c);
  const line = wave.pick_list.find((l) => l.item_id === formValue(c, "item_id"));
  const code = formValue(c, "code");
  if (!line) return renderPick(c, wave, { kind: "bad", text: f.no_line }, 409);
  if (!code) return renderPick(c, wave, { kind: "bad", text: f.scan_hint }, 422);
  const r = await api<z.infer<typeof PickResultSchema>>(c, `/v1/waves/${wave.id}/picks`, { body: { item_id: line.item_id, scanned: code, quantity: 1 } });
  if (!r.ok) {
    const text = r.body.code === "wrong_item" ? fill(f.wrong_pick, { code, sku: line.sku, bin: line.bin }) : problemText(r.body, ui.lang);
    return renderPick(c, (await waveOf(c, id)) ?? wave, { kind: "bad", text }, r.status === 422 ? 422 : 409);
  }
  return doneRedirect(c, `/console/waves/${wave.id}/pick`, {
    kind: "ok",
    text: fill(f.picked_ok, { done: r.body.picked, total: r.body.picked + r.body.remaining, sku: line.sku }),
  });
}

/** Fewer units in the bin than asked: pick what is there and book the rest as missing. */
export async function shortPick(c: ConsoleContext) {
  const denied = need(c, "picking:execute");
  if (denied) return denied;
  const ui = uiOf(c);
  const f = FLOOR[ui.lang];
  const wave = await waveOf(c, c.req.param("id") ?? "");
  if (!wave) return notFoundPage(c);
  const line = wave.pick_list.find((l) => l.item_id === formValue(c, "item_id"));
  if (!line || !isOpen(line)) return renderPick(c, wave, { kind: "bad", text: f.no_line }, 409);
  const found = formValue(c, "found");
  if (!/^\d{1,6}$/.test(found) || Number(found) >= line.to_pick) return renderPick(c, wave, { kind: "bad", text: fill(f.short_quantity_bad, { max: line.to_pick - 1 }) }, 422);
  // The picker declares the line's own item: a short pick of nothing has nothing to scan.
  const r = await api(c, `/v1/waves/${wave.id}/picks`, { body: { item_id: line.item_id, scanned: line.sku, quantity: Number(found), short: true } });
  if (!r.ok) return renderPick(c, wave, { kind: "bad", text: problemText(r.body, ui.lang) }, r.status === 422 ? 422 : 409);
  return doneRedirect(c, `/console/waves/${wave.id}/pick`, {
    kind: "warn",
    text: fill(f.short_done, { found: line.picked + Number(found), total: lineTotal(line), sku: line.sku }),
  });
}
