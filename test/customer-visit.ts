/**
 * A customer opening the link from their message, as a browser does: the
 * link answers 303 with a cookie, and the page and its forms are then
 * reached at the token-free address with that cookie.
 */
import { expect } from "vitest";
import { api } from "./helpers";

export type Visit = Awaited<ReturnType<typeof openLink>>;

/** Follows a customer link (its URL or path). `query` is appended to the link, e.g. `?lang=zh-CN`. */
export async function openLink(link: string, { query = "", headers = {} }: { query?: string; headers?: Record<string, string> } = {}) {
  const path = link.startsWith("http") ? new URL(link).pathname : link;
  const res = await api(`${path}${query}`, { key: null, headers });
  expect(res.status, `the link ${path} answers 303`).toBe(303);
  const setCookie = res.headers.get("set-cookie") ?? "";
  const cookie = setCookie.split(";")[0]!;
  const location = res.headers.get("location")!;
  const base = location.split("?")[0]!;
  const get = (suffix = "", more: Record<string, string> = {}) => api(`${base}${suffix}`, { key: null, headers: { cookie, ...more } });
  const post = (suffix: string, fields: Record<string, string>, more: Record<string, string> = {}) =>
    api(`${base}${suffix}`, {
      key: null,
      body: new URLSearchParams(fields).toString(),
      headers: { "content-type": "application/x-www-form-urlencoded", cookie, ...more },
    });
  return { res, setCookie, cookie, location, base, get, post };
}

/** A fresh link for the order, minted by staff (the admin key unless given). */
export async function mintLink(orderId: string, key?: string) {
  const r = await api(`/v1/orders/${orderId}/customer-link`, { method: "POST", ...(key ? { key } : {}) });
  expect(r.status).toBe(201);
  return r.body.url as string;
}
