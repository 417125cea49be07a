/**
 * Warehouses (list, create, edit) and each warehouse's package types (add,
 * change tare, retire, use again). The API decides who may change a shared
 * warehouse; its refusals come back on the form.
 */
import type { z } from "@hono/zod-openapi";
import { Hono } from "hono";
import type { CreatedWarehouse, PackageType, Warehouse } from "../../inventory/schemas";
import { api, type Problem } from "../api";
import type { ConsoleContext, ConsoleEnv } from "../context";
import { doneRedirect, formValue, formValues, need, notFoundPage, uiOf } from "../guard";
import { fill } from "../i18n";
import { Csrf, renderPage } from "../layout";
import { fieldProblems } from "../problems";
import { Check, Crumbs, Field, numberOrText, ProblemBox, refusedStatus, type FormPageStatus } from "./parts";
import { TEXT, word } from "./text";

type WarehouseBody = z.infer<typeof Warehouse>;
type PackageTypeBody = z.infer<typeof PackageType>;
type Status = FormPageStatus;

export const warehousePages = new Hono<ConsoleEnv>();

type NewValues = Record<"name" | "kind" | "country" | "region" | "currency" | "webhook_url" | "weight_tolerance_pct" | "weight_tolerance_grams", string> & {
  store_ids: string[];
};

async function listPage(c: ConsoleContext, opts: { values?: NewValues; problem?: Problem; status?: Status } = {}) {
  const ui = uiOf(c);
  const t = TEXT[ui.lang];
  const [r, s] = await Promise.all([
    api<{ data: WarehouseBody[] }>(c, "/v1/warehouses", { query: { limit: 200 } }),
    api<{ data: { id: string; name: string }[] }>(c, "/v1/stores", { query: { limit: 200 } }),
  ]);
  const list = r.ok ? r.body.data : [];
  const stores = s.ok ? s.body.data : [];
  // Stores by name; one the reader may not list keeps its id.
  const storeName = new Map(stores.map((st) => [st.id, st.name]));
  const v = opts.values ?? {
    name: "",
    kind: "own",
    country: "",
    region: "",
    currency: "USD",
    webhook_url: "",
    weight_tolerance_pct: "5",
    weight_tolerance_grams: "20",
    store_ids: ["*"],
  };
  const errors = opts.problem ? fieldProblems(opts.problem) : {};
  return renderPage(
    c,
    ui,
    { title: t.warehouses, status: opts.status ?? 200 },
    <>
      <Crumbs ui={ui} here={t.warehouses} />
      <h1>{t.warehouses}</h1>
      {list.length ? (
        <div class="table-wrap">
          <table class="stack">
            <thead>
              <tr>
                <th>{t.name}</th>
                <th>{t.kind}</th>
                <th>{t.country}</th>
                <th>{ui.t.status}</th>
                <th>{t.store_ids}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((w) => (
                <tr>
                  <td data-label={t.name}>
                    <a href={`/console/settings/warehouses/${w.id}`}>{w.name}</a>
                  </td>
                  <td data-label={t.kind}>{word(t, `kind_${w.kind}`)}</td>
                  <td data-label={t.country}>{`${w.country}${w.region ? ` / ${w.region}` : ""}`}</td>
                  <td data-label={ui.t.status}>
                    <span class={`badge ${w.active ? "ok" : ""}`}>{w.active ? t.active : t.inactive}</span>
                  </td>
                  <td data-label={t.store_ids}>{w.store_ids.includes("*") ? t.every_store : w.store_ids.map((id) => storeName.get(id) ?? id).join(", ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p class="muted">{t.no_warehouses}</p>
      )}
      <section class="card" style="margin-top:16px">
        <h2>{t.new_warehouse}</h2>
        <ProblemBox problem={opts.problem} lang={ui.lang} />
        <form method="post" action="/console/settings/warehouses">
          <Csrf ui={ui} />
          <div class="grid">
            <Field id="w-name" label={t.name} error={errors.name} lang={ui.lang}>
              <input id="w-name" name="name" value={v.name} required maxlength={200} />
            </Field>
            <Field id="w-kind" label={t.kind} error={errors.kind} lang={ui.lang}>
              <select id="w-kind" name="kind">
                {(["own", "third_party"] as const).map((k) => (
                  <option value={k} selected={k === v.kind}>
                    {word(t, `kind_${k}`)}
                  </option>
                ))}
              </select>
            </Field>
            <Field id="w-country" label={t.country} hint={t.country_hint} error={errors.country} lang={ui.lang}>
              <input id="w-country" name="country" value={v.country} maxlength={2} required autocomplete="off" />
            </Field>
            <Field id="w-region" label={t.region} error={errors.region} lang={ui.lang}>
              <input id="w-region" name="region" value={v.region} />
            </Field>
            <Field id="w-currency" label={t.currency} error={errors.currency} lang={ui.lang}>
              <input id="w-currency" name="currency" value={v.currency} maxlength={3} />
            </Field>
            <Field id="w-webhook" label={t.webhook_url} error={errors.webhook_url} lang={ui.lang}>
              <input id="w-webhook" name="webhook_url" type="url" value={v.webhook_url} />
            </Field>
            <Field id="w-pct" label={t.weight_tolerance_pct} error={errors.weight_tolerance_pct} lang={ui.lang}>
              <input id="w-pct" name="weight_tolerance_pct" type="number" min={0} max={100} value={v.weight_tolerance_pct} />
            </Field>
            <Field id="w-grams" label={t.weight_tolerance_grams} error={errors.weight_tolerance_grams} lang={ui.lang}>
              <input id="w-grams" name="weight_tolerance_grams" type="number" min={0} max={100000} value={v.weight_tolerance_grams} />
            </Field>
          </div>
          <fieldset aria-describedby="w-stores-hint">
            <legend>{t.store_ids}</legend>
            <p id="w-stores-hint" class="muted" style="margin:0 0 6px">
              {t.store_ids_hint}
            </p>
            {[{ id: "*", name: t.every_store }, ...stores].map((st) => (
              <span style="margin-right:12px;display:inline-block">
                <input type="checkbox" id={`w-store-${st.id}`} name="store_ids" value={st.id} checked={v.store_ids.includes(st.id)} />{" "}
                <label for={`w-store-${st.id}`} style="display:inline">
                  {st.name}
                </label>
              </span>
            ))}
            {errors.store_ids ? <p class="error-text">{errors.store_ids}</p> : null}
          </fieldset>
          <button type="submit">{t.create_warehouse}</button>
        </form>
      </section>
    </>,
  );
}

warehousePages.get("/console/settings/warehouses", (c) => need(c, "warehouses:manage") ?? listPage(c));

warehousePages.post("/console/settings/warehouses", async (c) => {
  const refused = need(c, "warehouses:manage");
  if (refused) return refused;
  const keys = ["name", "kind", "country", "region", "currency", "webhook_url", "weight_tolerance_pct", "weight_tolerance_grams"] as const;
  const values = { ...Object.fromEntries(keys.map((k) => [k, formValue(c, k)])), store_ids: formValues(c, "store_ids") } as NewValues;
  const body = {
    name: values.name,
    // "Every store" wins over any store ticked beside it; none ticked is the API's default, every store.
    ...(values.store_ids.length ? { store_ids: values.store_ids.includes("*") ? ["*"] : values.store_ids } : {}),
    kind: values.kind,
    country: values.country.toUpperCase(),
    ...(values.region ? { region: values.region } : {}),
    currency: values.currency.toUpperCase() || "USD",
    ...(values.webhook_url ? { webhook_url: values.webhook_url } : {}),
    weight_tolerance_pct: numberOrText(values.weight_tolerance_pct) ?? 5,
    weight_tolerance_grams: numberOrText(values.weight_tolerance_grams) ?? 20,
  };
  const r = await api<z.infer<typeof CreatedWarehouse>>(c, "/v1/warehouses", { body });
  if (!r.ok) return listPage(c, { values, problem: r.body, status: refusedStatus(r.status) });
  const t = TEXT[uiOf(c).lang];
  const text = r.body.webhook_secret ? `${t.warehouse_created} ${fill(t.webhook_secret_once, { secret: r.body.webhook_secret })}` : t.warehouse_created;
  return doneRedirect(c, `/console/settings/warehouses/${r.body.id}`, { kind: "ok", text });
});

async function detailPage(c: ConsoleContext, opts: { problem?: Problem; typeProblem?: Problem; status?: Status } = {}) {
  const ui = uiOf(c);
  const t = TEXT[ui.lang];
  const id = encodeURIComponent(c.req.param("id") ?? "");
  const [w, types] = await Promise.all([api<WarehouseBody>(c, `/v1/warehouses/${id}`), api<{ data: PackageTypeBody[] }>(c, `/v1/warehouses/${id}/package-types`)]);
  if (!w.ok) return notFoundPage(c);
  const wh = w.body;
  const errors = opts.problem ? fieldProblems(opts.problem) : {};
  const typeErrors = opts.typeProblem ? fieldProblems(opts.typeProblem) : {};
  const list = types.ok ? types.body.data : [];
  const base = `/console/settings/warehouses/${wh.id}`;
  return renderPage(
    c,
    ui,
    { title: `${t.warehouses} · ${wh.name}`, status: opts.status ?? 200 },
    <>
      <p class="muted" style="margin:0 0 4px">
        <a href="/console/settings">{t.title}</a> › <a href="/console/settings/warehouses">{t.warehouses}</a> › {wh.name}
      </p>
      <h1>{wh.name}</h1>
      <ProblemBox problem={opts.problem} lang={ui.lang} />
      <form method="post" action={base} class="card">
        <Csrf ui={ui} />
        <p class="muted">{`${word(t, `kind_${wh.kind}`)} · ${wh.country}${wh.region ? ` / ${wh.region}` : ""} · ${wh.currency}`}</p>
        <div class="grid">
          <Field id="name" label={t.name} error={errors.name} lang={ui.lang}>
            <input id="name" name="name" value={wh.name} required maxlength={200} />
          </Field>
          <Field id="region" label={t.region} error={errors.region} lang={ui.lang}>
            <input id="region" name="region" value={wh.region ?? ""} />
          </Field>
          <Field id="weight_tolerance_pct" label={t.weight_tolerance_pct} error={errors.weight_tolerance_pct} lang={ui.lang}>
            <input id="weight_tolerance_pct" name="weight_tolerance_pct" type="number" min={0} max={100} value={String(wh.weight_tolerance_pct)} />
          </Field>
          <Field id="weight_tolerance_grams" label={t.weight_tolerance_grams} error={errors.weight_tolerance_grams} lang={ui.lang}>
            <input id="weight_tolerance_grams" name="weight_tolerance_grams" type="number" min={0} max={100000} value={String(wh.weight_tolerance_grams)} />
          </Field>
          {wh.kind === "third_party" ? (
            <Field id="webhook_url" label={t.webhook_url} error={errors.webhook_url} lang={ui.lang}>
              <input id="webhook_url" name="webhook_url" type="url" value={wh.webhook_url ?? ""} />
            </Field>
          ) : null}
        </div>
        <Check id="active" name="active" label={t.active} checked={wh.active} />
        <button type="submit">{ui.t.save}</button>
      </form>
      <section class="card" aria-labelledby="types-title">
        <h2 id="types-title">{t.package_types}</h2>
        {list.length ? (
          <div class="table-wrap">
            <table class="stack">
              <thead>
                <tr>
                  <th>{t.code}</th>
                  <th>{t.name}</th>
                  <th class="num">{t.tare_grams}</th>
                  <th>{t.size}</th>
                  <th>{ui.t.status}</th>
                  <th>{ui.t.actions}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((p) => (
                  <tr>
                    <td data-label={t.code} class="mono">
                      {p.code}
                    </td>
                    <td data-label={t.name}>{p.name}</td>
                    <td data-label={t.tare_grams} class="num">
                      {p.tare_grams}
                    </td>
                    <td data-label={t.size}>{`${p.length_mm} × ${p.width_mm} × ${p.height_mm}`}</td>
                    <td data-label={ui.t.status}>
                      <span class={`badge ${p.active ? "ok" : ""}`}>{p.active ? t.active : t.retired}</span>
                    </td>
                    <td data-label={ui.t.actions}>
                      <form method="post" action={`${base}/package-types/${encodeURIComponent(p.code)}`}>
                        <Csrf ui={ui} />
                        <input type="hidden" name="active" value={p.active ? "false" : "true"} />
                        <button type="submit" class="secondary">
                          {p.active ? t.retire : t.reactivate}
                        </button>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p class="muted">{t.no_package_types}</p>
        )}
        <h3>{t.add_package_type}</h3>
        <ProblemBox problem={opts.typeProblem} lang={ui.lang} />
        <form method="post" action={`${base}/package-types`}>
          <Csrf ui={ui} />
          <div class="grid">
            {(["code", "name", "tare_grams", "length_mm", "width_mm", "height_mm"] as const).map((k) => (
              <Field id={`pt-${k}`} label={t[k]} error={typeErrors[k]} lang={ui.lang}>
                <input id={`pt-${k}`} name={k} type={k === "code" || k === "name" ? "text" : "number"} min={0} required autocomplete="off" />
              </Field>
            ))}
          </div>
          <button type="submit">{t.add_package_type}</button>
        </form>
      </section>
    </>,
  );
}

warehousePages.get("/console/settings/warehouses/:id", (c) => need(c, "warehouses:manage") ?? detailPage(c));

warehousePages.post("/console/settings/warehouses/:id", async (c) => {
  const refused = need(c, "warehouses:manage");
  if (refused) return refused;
  const id = encodeURIComponent(c.req.param("id"));
  const webhook = formValue(c, "webhook_url");
  const body = {
    name: formValue(c, "name"),
    region: formValue(c, "region") || null,
    active: formValue(c, "active") === "on",
    weight_tolerance_pct: numberOrText(formValue(c, "weight_tolerance_pct")) ?? "",
    weight_tolerance_grams: numberOrText(formValue(c, "weight_tolerance_grams")) ?? "",
    ...(webhook ? { webhook_url: webhook } : {}),
  };
  const r = await api(c, `/v1/warehouses/${id}`, { method: "PATCH", body });
  if (!r.ok) return detailPage(c, { problem: r.body, status: refusedStatus(r.status) });
  return doneRedirect(c, `/console/settings/warehouses/${id}`, { kind: "ok", text: TEXT[uiOf(c).lang].saved });
});

warehousePages.post("/console/settings/warehouses/:id/package-types", async (c) => {
  const refused = need(c, "warehouses:manage");
  if (refused) return refused;
  const id = encodeURIComponent(c.req.param("id"));
  const body = {
    code: formValue(c, "code"),
    name: formValue(c, "name"),
    ...Object.fromEntries((["tare_grams", "length_mm", "width_mm", "height_mm"] as const).map((k) => [k, numberOrText(formValue(c, k)) ?? ""])),
  };
  const r = await api(c, `/v1/warehouses/${id}/package-types`, { body });
  if (!r.ok) return detailPage(c, { typeProblem: r.body, status: refusedStatus(r.status) });
  return doneRedirect(c, `/console/settings/warehouses/${id}#types-title`, { kind: "ok", text: TEXT[uiOf(c).lang].package_type_added });
});

warehousePages.post("/console/settings/warehouses/:id/package-types/:code", async (c) => {
  const refused = need(c, "warehouses:manage");
  if (refused) return refused;
  const id = encodeURIComponent(c.req.param("id"));
  const r = await api(c, `/v1/warehouses/${id}/package-types/${encodeURIComponent(c.req.param("code"))}`, { method: "PATCH", body: { active: formValue(c, "active") === "true" } });
  const t = TEXT[uiOf(c).lang];
  return doneRedirect(c, `/console/settings/warehouses/${id}#types-title`, r.ok ? { kind: "ok", text: t.saved } : { kind: "bad", text: r.body.detail ?? t.not_saved });
});
