/**
 * Tracking partners' events that happened longer ago than the store of
 * news is worth (TRACKING_EVENT_MAX_AGE_DAYS, default 30) are acknowledged
 * with a 200, so the partner stops retrying, and are neither stored nor
 * applied: a captured, validly signed request cannot be replayed months later.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "./shard-env";
import { describe, expect, it } from "vitest";
import worker from "../src/index";
import { fixture, rewrite, SECRETS, sign, trackingRows } from "./logistics-helpers";

/** The partners' sample events: all happened in mid-June 2025. */
const SAMPLES = {
  easypost: { file: "easypost-tracker-updated-in-transit.json", id: "evt_8c4e2a1f4b6d11f0a9e3b5c7d9f1a2c4", query: "" },
  aftership: { file: "aftership-intransit.json", id: "6b1e9d2a-3c4f-4a5b-9e8d-7f6a5b4c3d2e", query: "" },
  shippo: { file: "shippo-track-updated.json", id: "9c4d5e6f7a8b40213c4d5e6f7a8b9c0d", query: `?token=${SECRETS.shippoToken}` },
} as const;
type Partner = keyof typeof SAMPLES;

/** Runs the Worker with this age limit, as a deployment with that var would. */
async function post(partner: Partner, maxAgeDays: string | undefined) {
  const s = SAMPLES[partner];
  const eventId = `${partner === "easypost" ? "evt_" : ""}${crypto.randomUUID().replace(/-/g, "")}`;
  const body = rewrite(fixture(s.file), [s.id, eventId]);
  const ctx = createExecutionContext();
  const res = await worker.fetch!(
    new Request(`http://oms.test/webhooks/tracking/${partner}${s.query}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(await sign[partner](body)) },
      body,
    }) as Parameters<NonNullable<typeof worker.fetch>>[0],
    { ...env, TRACKING_EVENT_MAX_AGE_DAYS: maxAgeDays } as typeof env,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, eventId };
}

const stored = async (partner: Partner, eventId: string) => (await trackingRows("partner = ? AND event_id = ?", partner, eventId)).length;

describe("old tracking events", () => {
  for (const partner of Object.keys(SAMPLES) as Partner[]) {
    it(`${partner}: an event from June 2025 is acknowledged as too old and not stored, under the default limit`, async () => {
      const r = await post(partner, undefined);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ received: true });
      expect(String(r.body.ignored)).toMatch(/^event_too_old: it happened 2025-06-1\d.*more than 30 days ago/);
      expect(await stored(partner, r.eventId)).toBe(0);
      const configured = await post(partner, "30");
      expect(String(configured.body.ignored)).toMatch(/^event_too_old/);
      expect(await stored(partner, configured.eventId)).toBe(0);
    });
  }

  it("a store that allows older events takes the same event", async () => {
    const days = Math.ceil((Date.now() - Date.parse("2025-06-01T00:00:00Z")) / 86_400_000) + 1;
    const r = await post("easypost", String(days));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ received: true, duplicate: false });
    expect(r.body.ignored).toBeUndefined();
    expect(await stored("easypost", r.eventId)).toBe(1);
  });

  it("a bad signature on an old event is still a 401: the age check never replaces verification", async () => {
    const s = SAMPLES.aftership;
    const body = rewrite(fixture(s.file), [s.id, crypto.randomUUID()]);
    const ctx = createExecutionContext();
    const res = await worker.fetch!(
      new Request("http://oms.test/webhooks/tracking/aftership", {
        method: "POST",
        headers: { "content-type": "application/json", "aftership-hmac-sha256": "AAAA" },
        body,
      }) as Parameters<NonNullable<typeof worker.fetch>>[0],
      env,
      ctx,
    );
    expect(res.status).toBe(401);
  });
});
