/**
 * Rate limits per client IP, on the rate-limiting binding as wrangler.toml
 * declares it (30 failed authentications, 120 customer-page requests a
 * minute). Windows are aligned to the clock, so a run that straddles a
 * window's end may need up to twice the limit before the first 429: the
 * loops allow for it.
 */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, createKey, createStore } from "./helpers";

const AUTH_LIMIT = 30;
const PAGE_LIMIT = 120;
/** A fresh documentation-range address per test, so tests (and runs) never share a counter. */
const ip = () => `2001:db8::${crypto.randomUUID().slice(0, 4)}:${crypto.randomUUID().slice(0, 4)}`;

const guess = (from: string | null, key = `oms_guess_${crypto.randomUUID()}`) => api("/v1/orders", { key, headers: from ? { "cf-connecting-ip": from } : {} });

/** Fails with unknown keys until the first 429; the statuses seen. */
async function guessUntilLimited(from: string) {
  const seen: number[] = [];
  for (let i = 0; i < 2 * AUTH_LIMIT + 1; i++) {
    const r = await guess(from);
    seen.push(r.status);
    if (r.status === 429) return { seen, limited: r };
  }
  return { seen, limited: null };
}

describe("failed authentication", () => {
  it("a client sending unknown keys is cut off with 429 problem+json and Retry-After, then its further guesses are not even looked up", async () => {
    const from = ip();
    const { seen, limited } = await guessUntilLimited(from);
    expect(limited, `statuses: ${seen.join(",")}`).not.toBeNull();
    expect(seen.slice(0, -1).every((s) => s === 401)).toBe(true);
    expect(seen.length).toBeGreaterThan(AUTH_LIMIT);
    expect(limited!.headers.get("content-type")).toBe("application/problem+json");
    expect(limited!.body).toMatchObject({ status: 429, code: "rate_limited" });
    const retryAfter = Number(limited!.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Cut off: a malformed header or a missing one answers the same.
    for (const key of [`oms_guess_${crypto.randomUUID()}`, null]) {
      expect((await api("/v1/orders", { key, headers: { "cf-connecting-ip": from } })).status).toBe(429);
    }
  });

  it("a valid key is never counted nor slowed, and stays served from an address that is cut off", async () => {
    const store = await createStore();
    const key = await createKey("analyst", [store.id]);
    const from = ip();
    for (let i = 0; i < AUTH_LIMIT + 10; i++) {
      expect((await api("/v1/orders?limit=1", { key, headers: { "cf-connecting-ip": from } })).status).toBe(200);
    }
    const { limited } = await guessUntilLimited(from);
    expect(limited).not.toBeNull();
    expect((await api("/v1/orders?limit=1", { key, headers: { "cf-connecting-ip": from } })).status).toBe(200);
    // The merchant's bootstrap key too.
    expect((await api("/v1/orders?limit=1", { headers: { "cf-connecting-ip": from } })).status).toBe(200);
  });

  it("other addresses are not affected", async () => {
    const from = ip();
    expect((await guessUntilLimited(from)).limited).not.toBeNull();
    expect((await guess(ip())).status).toBe(401);
  });

  it("a request that did not come through the edge (no CF-Connecting-IP) has no client to count", async () => {
    for (let i = 0; i < 2 * AUTH_LIMIT + 1; i++) expect((await guess(null)).status).toBe(401);
  });
});

describe("customer pages", () => {
  const page = (from: string, token = "no-such-token-0000000000") =>
    exports.default.fetch(`http://oms.test/o/${token}`, { headers: { "cf-connecting-ip": from }, redirect: "manual" });

  it("answer 429 with an HTML page and Retry-After past the limit, for that address only", async () => {
    const from = ip();
    const first = await page(from);
    expect(first.status).not.toBe(429);
    await first.body?.cancel();
    let limited: Response | null = null;
    for (let i = 1; i < 2 * PAGE_LIMIT + 1 && !limited; i++) {
      const r = await page(from);
      if (r.status === 429) limited = r;
      else await r.body?.cancel();
    }
    expect(limited).not.toBeNull();
    expect(limited!.headers.get("content-type")).toMatch(/^text\/html/);
    expect(Number(limited!.headers.get("retry-after"))).toBe(60);
    expect(limited!.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await limited!.text()).toContain("Please wait a moment");
    const post = await exports.default.fetch("http://oms.test/o/no-such-token-0000000000/confirm", {
      method: "POST",
      headers: { "cf-connecting-ip": from, "content-type": "application/x-www-form-urlencoded" },
      body: "x=1",
    });
    expect(post.status).toBe(429);
    const elsewhere = await page(ip());
    expect(elsewhere.status).toBe(first.status);
    await elsewhere.body?.cancel();
  });
});
