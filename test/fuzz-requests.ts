/**
 * Requests for the API fuzz run (test/api-fuzz.test.ts), generated from the
 * app's own `/openapi.json`: for an operation, a value for each parameter and
 * a body from its JSON Schema, pointed at real ids where the schema names one,
 * then (most of the time) one mutation that a client could plausibly send:
 * wrong types, missing or extra fields, huge strings, lone surrogates,
 * impossible dates, odd numbers, unknown enum values, broken JSON, another
 * content type, fake or foreign ids, no key or another role's key.
 *
 * Everything is drawn from one seeded PRNG, so a seed and a request index
 * name the same request again (the ids it points at come from the seeded
 * data, which is created in the same order on every run).
 */

/** mulberry32: small, fast, and good enough to pick test inputs. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    chance: (p: number) => next() < p,
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)] as T,
  };
}
export type Rng = ReturnType<typeof prng>;

/** JSON Schema objects of the OpenAPI document, walked structurally. */
type Schema = any;

export type Operation = {
  key: string;
  method: string;
  path: string;
  parameters: { name: string; in: "path" | "query" | "header"; required?: boolean; schema: Schema }[];
  body?: Schema;
};

/** Who calls: a label (for the report) and the Authorization header to send, if any. */
export type Caller = { label: string; authorization?: string };

export type Pools = {
  /** Real ids by table-ish name: orders, stores, warehouses, shipments, ... */
  ids: Record<string, string[]>;
  skus: string[];
  bins: string[];
  callers: { admin: Caller; others: Caller[] };
};

export type FuzzRequest = {
  index: number;
  op: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  caller: string;
  /** What was done to the request: "valid" or the mutation's name. */
  mutation: string;
};

/** Operations of the OpenAPI document, with `$ref`s left for the generator to follow. */
export function operationsOf(spec: Schema): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries<Schema>(spec.paths)) {
    for (const [method, op] of Object.entries<Schema>(item)) {
      ops.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        parameters: op.parameters ?? [],
        body: op.requestBody?.content?.["application/json"]?.schema,
      });
    }
  }
  return ops;
}

const ID_PREFIX_POOL: Record<string, string> = {
  ord: "orders",
  shp: "shipments",
  svc: "service_tasks",
  wv: "waves",
  exc: "fulfilment_exceptions",
  as: "after_sales_requests",
  lex: "logistics_exceptions",
  st: "stores",
  wh: "warehouses",
  prd: "products",
  key: "api_keys",
  blk: "blocklist_entries",
  shi: "shipment_items",
};

/** The pool a path's `{id}` points into, from the path segment before it. */
const PATH_POOL: Record<string, string> = {
  orders: "orders",
  stores: "stores",
  products: "products",
  "api-keys": "doomed_keys",
  warehouses: "warehouses",
  shipments: "shipments",
  "service-tasks": "service_tasks",
  waves: "waves",
  "fulfilment-exceptions": "fulfilment_exceptions",
  exceptions: "logistics_exceptions",
  "after-sales": "after_sales_requests",
  blocklist: "blocklist_entries",
  "3pl": "warehouses",
};

/** Property names that hold ids or codes of seeded things. */
const NAME_POOL: Record<string, string> = {
  store_id: "stores",
  store_ids: "stores",
  warehouse_id: "warehouses",
  to_warehouse_id: "warehouses",
  default_warehouses: "warehouses",
  warehouses: "warehouses",
  order_id: "orders",
  shipment_id: "shipments",
  shipment_ids: "shipments",
  item_id: "shipment_items",
  ref_id: "orders",
};

/**
 * A real id, often the pool's first: the shared warehouse and the first
 * store, whose bins and SKUs the bodies name, so requests get past lookups.
 */
const seeded = (rng: Rng, pool: readonly string[]) => (rng.chance(0.4) ? (pool[0] as string) : rng.pick(pool));

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const fakeId = (rng: Rng, prefix: string) => `${prefix}_${Array.from({ length: 26 }, () => rng.pick([...CROCKFORD])).join("")}`;

/** Plausible strings for the patterns the schemas use that are not id patterns. */
function forPattern(rng: Rng, pattern: string, pools: Pools): string | undefined {
  const id = /^\^([a-z]+)_\[0-9A-Z\]\{26\}\$$/.exec(pattern);
  if (id) {
    const prefix = id[1] ?? "x";
    const pool = pools.ids[ID_PREFIX_POOL[prefix] ?? ""];
    return pool?.length && rng.chance(0.85) ? seeded(rng, pool) : fakeId(rng, prefix);
  }
  if (pattern.includes("A-Za-z0-9._")) return rng.pick(pools.skus);
  if (pattern.includes("\\+?[0-9")) return rng.pick(["+1 415 555 0100", "+86 138 0013 8000", "020 7946 0958"]);
  if (pattern.includes("\\d{1,9}")) return rng.pick(["1", "2.5", "0.125"]);
  if (pattern.startsWith("^[a-z]{2,3}")) return rng.pick(["en", "zh-CN", "de"]);
  if (pattern.startsWith("^CARRIER_KEY_")) return "CARRIER_KEY_TEST";
  if (pattern.startsWith("^https?:")) return "https://track.example/{tracking_number}";
  if (pattern.startsWith("^[a-z_]")) return rng.pick(["web", "manual", "short_pick"]);
  if (pattern.startsWith("^[a-z0-9]")) return rng.pick(["web", "pos", "sandbox", "std"]);
  if (pattern.startsWith("^[0-9A-Za-z")) return rng.pick(["1Z999AA10123456784", "TRACK-0001"]);
  return undefined;
}

const isoSoon = (rng: Rng) => new Date(Date.UTC(2026, rng.int(0, 11), rng.int(1, 28), rng.int(0, 23))).toISOString();

/** A value that satisfies `schema` as far as cheaply possible (patterns beyond the known ones are not honoured). */
export function generate(schema: Schema, ctx: { spec: Schema; rng: Rng; pools: Pools; name?: string; depth?: number }): unknown {
  const { spec, rng, pools, name } = ctx;
  const depth = ctx.depth ?? 0;
  const s = deref(spec, schema);
  if (!s || typeof s !== "object") return null;
  const sub = (x: Schema, n = name) => generate(x, { ...ctx, name: n, depth: depth + 1 });
  if ("const" in s) return s.const;
  if (s.enum) return rng.pick(s.enum);
  const alts = s.anyOf ?? s.oneOf;
  if (alts) {
    const nonNull = alts.filter((a: Schema) => deref(spec, a)?.type !== "null");
    return sub(rng.pick(nonNull.length && rng.chance(0.9) ? nonNull : alts));
  }
  if (s.allOf) return Object.assign({}, ...s.allOf.map((a: Schema) => sub(a)));
  let type = s.type ?? (s.properties ? "object" : undefined);
  if (Array.isArray(type)) type = type.length > 1 && rng.chance(0.9) ? type.find((t: string) => t !== "null") : rng.pick(type);
  if (s.example !== undefined && rng.chance(0.3)) return s.example;
  switch (type) {
    case "null":
      return null;
    case "boolean":
      return rng.chance(0.5);
    case "integer":
    case "number": {
      // Small positive numbers where the range allows them: a delta of -999,950 is refused for stock, not for its shape.
      const lo = Math.ceil(s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 0));
      const hi = Math.floor(s.maximum ?? lo + 100);
      const [a, b] = lo <= 10 && hi >= 1 ? [Math.max(lo, 1), Math.min(hi, 10)] : [lo, Math.min(hi, lo + 100)];
      return rng.int(a, Math.max(a, b));
    }
    case "array": {
      const pool = pools.ids[NAME_POOL[name ?? ""] ?? ""];
      if (pool?.length && rng.chance(0.8)) {
        const n = Math.max(s.minItems ?? 1, 1);
        return Array.from({ length: Math.min(n + rng.int(0, 1), s.maxItems ?? 5) }, () => rng.pick(pool));
      }
      if (depth > 6) return [];
      const n = rng.int(s.minItems ?? 0, Math.min(s.maxItems ?? 3, (s.minItems ?? 0) + 2));
      return Array.from({ length: n }, () => sub(s.items ?? {}));
    }
    case "object": {
      const out: Record<string, unknown> = {};
      if (depth > 6) return out;
      const required: string[] = s.required ?? [];
      for (const [k, v] of Object.entries<Schema>(s.properties ?? {})) {
        if (required.includes(k) || rng.chance(0.5)) out[k] = sub(v, k);
      }
      return out;
    }
    default:
      return stringFor(s, ctx);
  }
}

function stringFor(s: Schema, ctx: { rng: Rng; pools: Pools; name?: string }): string {
  const { rng, pools, name = "" } = ctx;
  const poolName = NAME_POOL[name];
  if (poolName && pools.ids[poolName]?.length && rng.chance(0.85)) return seeded(rng, pools.ids[poolName]);
  if (name === "sku" || name === "scanned" || (name === "code" && rng.chance(0.5))) return rng.pick(pools.skus);
  if (/bin$/.test(name)) return rng.pick(pools.bins);
  if (s.pattern) {
    const v = forPattern(rng, s.pattern, pools);
    if (v !== undefined) return v;
  }
  if (s.format === "date-time") return isoSoon(rng);
  if (s.format === "email") return `fuzz${rng.int(0, 999)}@example.com`;
  if (s.format === "uri") return `https://hooks.example/${rng.int(0, 999)}`;
  if (name === "from" || name === "to" || name.endsWith("_date")) return isoSoon(rng).slice(0, 10);
  if (name === "currency") return rng.pick(["USD", "EUR", "CNY", "JPY"]);
  if (name === "country") return rng.pick(["US", "GB", "CN", "DE"]);
  if (name === "timezone") return rng.pick(["Europe/Berlin", "Asia/Shanghai", "UTC"]);
  if (/price|amount|cost/.test(name)) return rng.pick(["1.00", "19.90", "0.01"]);
  const min = s.minLength ?? 1;
  const max = Math.max(min, Math.min(s.maxLength ?? 12, 12));
  const words = ["fuzz", "tea", "北京", "Zoë", "a b", "x"];
  let out = "";
  while (out.length < min) out += rng.pick(words);
  return out.slice(0, max);
}

function deref(spec: Schema, s: Schema): Schema {
  let cur = s;
  for (let i = 0; cur?.$ref && i < 10; i++)
    cur = cur.$ref
      .split("/")
      .slice(1)
      .reduce((o: Schema, k: string) => o?.[k], spec);
  return cur;
}

/** The string-valued, numeric, enum and date-ish places of a generated body, as paths into it. */
function leaves(value: unknown, at: (string | number)[] = [], out: (string | number)[][] = []) {
  if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) leaves(v, [...at, Array.isArray(value) ? Number(k) : k], out);
  }
  if (at.length) out.push(at);
  return out;
}

function setAt(root: unknown, path: (string | number)[], v: unknown, remove = false) {
  let cur = root as Record<string | number, unknown>;
  for (const k of path.slice(0, -1)) cur = cur[k] as Record<string | number, unknown>;
  const last = path[path.length - 1] ?? "";
  if (remove) {
    if (Array.isArray(cur)) cur.splice(Number(last), 1);
    else delete cur[last];
  } else cur[last] = v;
}

const LONE = "\ud800";
const WEIRD_VALUES: readonly unknown[] = [null, true, 0, -1, 1.5, 1e21, 2 ** 53 + 1, -1e308, "", " ", "x", [], {}, [null], { a: 1 }];
const BAD_DATES = [
  "2026-02-30",
  "2026-13-01",
  "2026-00-10",
  "2026-04-31",
  "2026-12-32",
  "2025-02-29",
  "2026-02-30T10:00:00Z",
  "2026-06-15T25:00:00Z",
  "2026-06-15T10:00:00+25:00",
  "not-a-date",
  "0000-00-00",
  "99999-01-01",
  "-000001-01-01",
  "2026-1-1",
];
const BAD_NUMBERS = [-1, -0.5, 1.5, 1e21, 2 ** 53 + 1, -2_147_483_649, 1e308, 0];
const BAD_JSON = ["{", "{'a':1}", '{"a":1,}', "\u0000", "nul", '{"a":1}{"b":2}', "[1,2", '"\\ud800"', '{"a":"\\u12"}'];
const BAD_PATH_IDS = [
  "..%2F..%2Fetc",
  "%00",
  "%E2%82",
  "%ED%A0%80",
  "💥",
  "'; DROP TABLE orders; --",
  "a".repeat(600),
  "ord_",
  "ORD_00000000000000000000000000",
  "*",
  "%2A",
  "null",
  "0",
];
const DATE_PARAM = /^(from|to|after|before|created_from|created_to|since|until)$/;
const BAD_QUERY_VALUES = [
  "%ED%A0%80",
  "%E2%82",
  "%",
  "-1",
  "0",
  "1.5",
  "1e999",
  "abc",
  "",
  "2026-02-30",
  "2026-02-30T00:00:00Z",
  "2026-13-01",
  "x".repeat(3000),
  "%00",
  "true,false",
  "💥",
  "[]",
];

/** One request for `op`: valid-ish, or with one mutation. */
export function requestFor(op: Operation, ctx: { spec: Schema; rng: Rng; pools: Pools; index: number }): FuzzRequest {
  const { spec, rng, pools, index } = ctx;
  const g = (schema: Schema, name?: string) => generate(schema, { spec, rng, pools, name });
  const mutations = ["valid", "valid", "valid", "auth", "path", "query"];
  if (op.body) mutations.push("drop", "type", "extra", "huge", "surrogate", "date", "number", "enum", "json", "empty", "content-type", "top", "proto", "idempotency", "if-match");
  else if (op.method !== "GET" && op.method !== "DELETE") mutations.push("json", "content-type");
  const mutation = rng.pick(mutations);

  let caller = pools.callers.admin;
  if (mutation === "auth" || rng.chance(0.15)) caller = rng.pick(pools.callers.others);
  const headers: Record<string, string> = {};
  if (caller.authorization) headers.authorization = caller.authorization;

  let path = op.path;
  const query = new Map<string, string>();
  for (const p of op.parameters) {
    if (p.in === "path") {
      const poolName = p.name === "partner" ? "" : p.name === "entry_id" ? "blocklist_entries" : (PATH_POOL[op.path.split("/{")[0]?.split("/").pop() ?? ""] ?? "");
      const pool = pools.ids[poolName] ?? [];
      let v: string;
      if (p.name === "partner") v = rng.pick(["easypost", "aftership", "shippo"]);
      else if (mutation === "path" && rng.chance(0.6)) v = rng.pick(BAD_PATH_IDS);
      else if (mutation === "path" || !pool.length) v = fakeId(rng, (pool[0] ?? "x_").split("_")[0] ?? "x");
      else v = seeded(rng, pool);
      path = path.replace(`{${p.name}}`, v.includes("%") ? v : encodeURIComponent(v));
    } else if (p.in === "query") {
      if (p.required || rng.chance(0.4)) query.set(p.name, encodeURIComponent(String(g(p.schema, p.name))));
    } else if (p.in === "header" && rng.chance(0.3)) {
      headers[p.name] = ascii(String(g(p.schema, p.name)));
    }
  }
  if (mutation === "query") {
    const names = op.parameters.filter((p) => p.in === "query").map((p) => p.name);
    const dates = names.filter((n) => DATE_PARAM.test(n));
    if (dates.length && rng.chance(0.5)) query.set(rng.pick(dates), rng.pick(BAD_DATES));
    else query.set(names.length && rng.chance(0.85) ? rng.pick(names) : rng.pick(["limit", "cursor", "zz_unknown", "from"]), rng.pick(BAD_QUERY_VALUES));
  }
  const qs = [...query].map(([k, v]) => `${k}=${v}`).join("&");
  const url = `http://oms.test${path}${qs ? `?${qs}` : ""}`;

  let body: string | undefined;
  if (op.body) {
    const value = g(op.body);
    body = mutateBody(value, mutation, { spec, rng, schema: op.body, headers });
    headers["content-type"] ??= "application/json";
    if (mutation === "content-type")
      headers["content-type"] = rng.pick(["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "json", ""]);
  } else if (mutation === "json" || mutation === "content-type") {
    body = rng.pick(BAD_JSON);
    headers["content-type"] = mutation === "json" ? "application/json" : "text/plain";
  }
  if (mutation === "if-match") headers["if-match"] = rng.pick(['"1"', 'W/"x"', "*", "-1", "99999999999999999999", '""', ","]);
  return { index, op: op.key, method: op.method, url, headers, body, caller: caller.label, mutation };
}

function mutateBody(value: unknown, mutation: string, ctx: { spec: Schema; rng: Rng; schema: Schema; headers: Record<string, string> }): string {
  const { rng } = ctx;
  const places = leaves(value);
  const strings = places.filter((p) => typeof get(value, p) === "string");
  const numbers = places.filter((p) => typeof get(value, p) === "number");
  const place = (ps: (string | number)[][]) => (ps.length ? rng.pick(ps) : undefined);
  switch (mutation) {
    case "drop": {
      const p = place(places);
      if (p) setAt(value, p, undefined, true);
      else return "{}";
      break;
    }
    case "type": {
      const p = place(places);
      if (p) setAt(value, p, rng.pick(WEIRD_VALUES));
      break;
    }
    case "extra": {
      const objects = [[], ...places].filter((p) => {
        const v = p.length ? get(value, p) : value;
        return v && typeof v === "object" && !Array.isArray(v);
      });
      const p = place(objects);
      if (p) {
        const target = (p.length ? get(value, p) : value) as Record<string, unknown>;
        target[rng.pick(["zz_unknown", "id", "status", "version", "created_at", "store_id", "role", "admin"])] = rng.pick(WEIRD_VALUES);
      }
      break;
    }
    case "huge": {
      const p = place(strings) ?? place(places);
      const big = rng.pick(["x", "北", "💥"]).repeat(rng.pick([1000, 20_000, 100_000]));
      if (p) setAt(value, p, big);
      break;
    }
    case "surrogate": {
      const p = place(strings) ?? place(places);
      if (p) setAt(value, p, rng.pick([LONE, `a${LONE}b`, "\udc00", `${LONE}${LONE}`, "ok\udfff"]));
      break;
    }
    case "date": {
      const p = place(strings) ?? place(places);
      if (p) setAt(value, p, rng.pick(BAD_DATES));
      break;
    }
    case "number": {
      const p = place(numbers) ?? place(places);
      if (p) setAt(value, p, rng.pick(BAD_NUMBERS));
      break;
    }
    case "enum": {
      const p = place(strings) ?? place(places);
      if (p) setAt(value, p, rng.pick(["zz_unknown", "APPROVE", "approve ", "admin", "*", "__proto__", "constructor"]));
      break;
    }
    case "json":
      return rng.pick(BAD_JSON);
    case "empty":
      return "";
    case "top":
      return JSON.stringify(rng.pick([null, [], [value], "str", 42, true]));
    case "proto": {
      // JSON.stringify cannot write a "__proto__" key from an object: splice it into the text.
      const rest = (JSON.stringify(value) ?? "{}").slice(1);
      return `{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}${rest === "}" ? "" : ","}${rest}`;
    }
    case "idempotency":
      ctx.headers["idempotency-key"] = rng.pick(["fuzz-key-1", "fuzz-key-2", "", " ", "x".repeat(300), "%ff"]);
      break;
  }
  return JSON.stringify(value) ?? "";
}

/** Header values stay ASCII: fetch would re-encode anything else (and warn on every request). */
const ascii = (v: string) => v.replace(/[^\x20-\x7e]/g, "?");

function get(root: unknown, path: (string | number)[]): unknown {
  let cur = root as Record<string | number, unknown> | undefined;
  for (const k of path) cur = cur?.[k] as Record<string | number, unknown> | undefined;
  return cur;
}
