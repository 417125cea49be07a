/**
 * The audit rules form as data. Each rule kind's parameters have an input
 * type here (checkbox, number, per-currency amounts, a set of statuses), so
 * the form is drawn and read from one table; a kind this table does not know
 * still shows (on/off and severity) and keeps its parameters as they were.
 * The API validates: a number that is not one goes as typed, and its
 * message comes back on `rules.<i>.params.<name>`, which `errorsByInput`
 * turns back into the input's name.
 */
import { RULE_KINDS } from "../../audit/rule-set";
import { SEVERITIES, type Severity } from "../../audit/types";
import { numberOrText } from "./parts";

export type ParamInput =
  | { name: string; type: "bool" }
  | { name: string; type: "number"; min: number; max?: number; step: number }
  | { name: string; type: "thresholds" }
  | { name: string; type: "choices"; choices: readonly string[] };

export const PARAM_INPUTS: Record<string, readonly ParamInput[]> = {
  address: [
    { name: "require_contact", type: "bool" },
    { name: "check_phone_format", type: "bool" },
  ],
  price: [{ name: "tolerance_percent", type: "number", min: 0, max: 100, step: 0.1 }],
  quantity: [
    { name: "max_per_line", type: "number", min: 1, step: 1 },
    { name: "max_units", type: "number", min: 1, step: 1 },
  ],
  duplicate: [{ name: "window_hours", type: "number", min: 0.1, max: 720, step: 0.1 }],
  amount: [{ name: "thresholds", type: "thresholds" }],
  payment: [
    { name: "allow_cash_on_delivery", type: "bool" },
    { name: "paid_statuses", type: "choices", choices: ["paid", "authorized"] },
  ],
};

export type Rule = { kind: string; enabled: boolean; severity: Severity; params: Record<string, unknown> };

/** Every known kind once, in the system's order: the store's own config where it has one, else off with the defaults. */
export function allKinds(stored: readonly { kind: string; enabled: boolean; severity?: string | undefined; params: Record<string, unknown> }[]): Rule[] {
  const byKind = new Map(stored.map((r) => [r.kind, r]));
  return Object.values(RULE_KINDS).map((k) => {
    const mine = byKind.get(k.kind);
    const severity = SEVERITIES.includes(mine?.severity as Severity) ? (mine!.severity as Severity) : k.defaultSeverity;
    return mine
      ? { kind: k.kind, enabled: mine.enabled, severity, params: { ...(k.params.safeParse({}).data ?? {}), ...mine.params } }
      : { kind: k.kind, enabled: false, severity, params: (k.params.safeParse({}).data as Record<string, unknown>) ?? {} };
  });
}

type Read = { one: (name: string) => string; all: (name: string) => string[] };

/** The rules as the person set them: inputs are named `<kind>.<param>`; `kind` lists the kinds on the form. */
export function rulesOfForm(read: Read, previous: readonly Rule[]): Rule[] {
  const before = new Map(previous.map((r) => [r.kind, r]));
  return read.all("kind").map((kind) => {
    const params: Record<string, unknown> = { ...(before.get(kind)?.params ?? {}) };
    for (const input of PARAM_INPUTS[kind] ?? []) {
      const name = `${kind}.${input.name}`;
      if (input.type === "bool") params[input.name] = read.one(name) === "on";
      else if (input.type === "number") params[input.name] = numberOrText(read.one(name)) ?? "";
      else if (input.type === "choices") params[input.name] = read.all(name).filter((v) => input.choices.includes(v));
      else {
        const currencies = read.all(`${name}.currency`);
        const amounts = read.all(`${name}.amount`);
        const rows = currencies.map((c, i) => [c.trim().toUpperCase(), (amounts[i] ?? "").trim()] as const).filter(([c, a]) => c || a);
        params[input.name] = Object.fromEntries(rows);
      }
    }
    const severity = read.one(`${kind}.severity`);
    return {
      kind,
      enabled: read.one(`${kind}.enabled`) === "on",
      severity: (SEVERITIES as readonly string[]).includes(severity) ? (severity as Severity) : (before.get(kind)?.severity ?? "hold"),
      params,
    };
  });
}

/** The API's `rules.<i>.params.<name>[.<key>]` messages keyed by the form's input (`<kind>.<name>`), `<kind>` for the rule itself. */
export function errorsByInput(errors: Record<string, string>, rules: readonly Rule[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(errors)) {
    const m = /^rules\.(\d+)(?:\.params\.([a-z_]+))?/.exec(field);
    const rule = m ? rules[Number(m[1])] : undefined;
    if (!rule) continue;
    const key = m?.[2] ? `${rule.kind}.${m[2]}` : rule.kind;
    out[key] ??= message;
  }
  return out;
}
