/** Pieces the staff, position and key forms share: ticking stores, warehouses and positions. */
import type { z } from "@hono/zod-openapi";
import type { Position } from "../../positions/schemas";
import { api } from "../api";
import type { ConsoleContext } from "../context";
import { storesOf } from "../context";
import type { Lang } from "../i18n";
import { positionLabel, TEXT } from "./text";

export type PositionView = z.infer<typeof Position>;
export type Place = { id: string; name: string };

/** The stores, warehouses and positions the reader may hand out (an empty list when they may not read them). */
export async function choicesOf(c: ConsoleContext): Promise<{ stores: Place[]; warehouses: Place[]; positions: PositionView[] }> {
  const [stores, warehouses, positions] = await Promise.all([
    storesOf(c),
    api<{ data: Place[] }>(c, "/v1/warehouses", { query: { limit: 100 } }),
    api<{ data: PositionView[] }>(c, "/v1/positions"),
  ]);
  return {
    stores: stores.map((s) => ({ id: s.id, name: s.name })),
    warehouses: warehouses.ok ? warehouses.body.data.map((w) => ({ id: w.id, name: w.name })) : [],
    positions: positions.ok ? positions.body.data : [],
  };
}

export const customNames = (positions: PositionView[]) => new Map(positions.map((p) => [p.id, p.name]));

/** Ticked ids, or ["*"] when none is ticked (every one). */
export const scopeOf = (ticked: string[]): string[] => (ticked.length ? ticked : ["*"]);

export function Ticks(props: { name: string; legend: string; hint?: string; items: { id: string; label: string }[]; checked: string[] }) {
  return (
    <fieldset class="ticks">
      <legend>{props.legend}</legend>
      {props.hint ? <p class="hint">{props.hint}</p> : null}
      {props.items.map((item) => (
        <label class="tick" for={`${props.name}-${item.id}`}>
          <input type="checkbox" id={`${props.name}-${item.id}`} name={props.name} value={item.id} checked={props.checked.includes(item.id)} /> {item.label}
        </label>
      ))}
    </fieldset>
  );
}

export function ScopeTicks(props: { lang: Lang; stores: Place[]; warehouses: Place[]; storeIds: string[]; warehouseIds: string[] }) {
  const t = TEXT[props.lang];
  return (
    <>
      <Ticks name="store_ids" legend={t.stores} hint={t.scope_hint} items={props.stores.map((s) => ({ id: s.id, label: s.name }))} checked={props.storeIds} />
      <Ticks name="warehouse_ids" legend={t.warehouses} hint={t.scope_hint} items={props.warehouses.map((w) => ({ id: w.id, label: w.name }))} checked={props.warehouseIds} />
    </>
  );
}

/** Positions a person may be given: not archived, and not the ones meant for integrations' keys. */
export function PositionTicks(props: { lang: Lang; positions: PositionView[]; checked: string[]; forKeys?: boolean }) {
  const t = TEXT[props.lang];
  const names = customNames(props.positions);
  const items = props.positions
    .filter((p) => !p.archived_at && (props.forKeys || (p.id !== "channel" && p.id !== "partner")))
    .map((p) => ({ id: p.id, label: positionLabel(props.lang, p.id, names) }));
  return <Ticks name="positions" legend={t.positions} items={items} checked={props.checked} />;
}
