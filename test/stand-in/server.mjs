/**
 * The stand-in platforms: one real local HTTP server (Node) that plays each
 * platform the channel engine talks to, and the partners' webhook receivers.
 * It is not an in-process mock: the Worker under test reaches it over the
 * network, through its configurable API base URLs, exactly as it would reach
 * Shopify. Started once per vitest run (test/stand-in/global-setup.mjs; tests
 * read its base URL with `inject("standInUrl")`) and by the HTTP tests.
 *
 * Paths: `/<scope>/...` goes to that scope's module (shopify.mjs, ...,
 * listed in MODULES), each exporting `handle(ctx)`; a module keeps its state under `ctx.state`.
 * Tests steer and read it through `/_control/<scope>/...`:
 *   GET  /_control/<scope>/requests       what the Worker sent it, oldest first
 *   POST /_control/<scope>/reset          forget requests and state
 *   POST /_control/<scope>/state          merge JSON into the scope's state (orders to serve, failures to play)
 *   GET  /_control/<scope>/state          the scope's state
 * Each test uses its own scope suffix (`/shopify~<test id>/...`) so files running side by side never share state.
 */
import { createServer } from "node:http";
import * as bigcommerce from "./bigcommerce.mjs";
import * as receiver from "./receiver.mjs";
import * as shopify from "./shopify.mjs";
import * as woocommerce from "./woocommerce.mjs";

/** Scope name to module: each platform's module is listed here. */
const MODULES = { receiver, shopify, woocommerce, bigcommerce };

const scopes = new Map();
function scope(name) {
  let s = scopes.get(name);
  if (!s) scopes.set(name, (s = { requests: [], state: {} }));
  return s;
}

export function json(status, body, headers = {}) {
  return { status, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) };
}

async function readBody(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks);
}

async function answer(req) {
  const url = new URL(req.url, "http://stand-in");
  const body = await readBody(req);
  const parts = url.pathname.split("/").filter(Boolean);
  if (parts[0] === "_control") {
    const s = scope(parts[1] ?? "");
    const action = parts[2];
    if (req.method === "GET" && action === "requests") return json(200, s.requests);
    if (req.method === "GET" && action === "state") return json(200, s.state);
    if (req.method === "POST" && action === "reset") {
      s.requests = [];
      s.state = {};
      return json(200, { ok: true });
    }
    if (req.method === "POST" && action === "state") {
      Object.assign(s.state, JSON.parse(body.toString("utf8") || "{}"));
      return json(200, s.state);
    }
    return json(404, { error: "no such control" });
  }
  const scopeName = parts[0] ?? "";
  const moduleName = scopeName.split("~")[0];
  const module = MODULES[moduleName];
  if (!module) return json(404, { error: `no stand-in for ${moduleName}` });
  const s = scope(scopeName);
  const record = {
    method: req.method,
    path: `/${parts.slice(1).join("/")}`,
    query: Object.fromEntries(url.searchParams),
    headers: req.headers,
    body: body.toString("utf8"),
    at: Date.now(),
  };
  s.requests.push(record);
  const result = await module.handle({ scope: scopeName, method: req.method, path: record.path, query: url.searchParams, headers: req.headers, body, state: s.state, record });
  record.status = result.status;
  return result;
}

/** Starts the server on a free port; resolves to { url, close }. */
export async function startStandIn() {
  const server = createServer((req, res) => {
    answer(req).then(
      (r) => {
        res.writeHead(r.status, r.headers ?? {});
        res.end(r.body ?? "");
      },
      (err) => {
        res.writeHead(500, { "content-type": "text/plain" });
        res.end(String(err?.stack ?? err));
      },
    );
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}
