import { describe, expect, it } from "vitest";
import { sign, signedHeaders, verify } from "./standard-webhooks";

// The test vector published with the Standard Webhooks specification.
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const TS = 1614265330;
const BODY = '{"test": 2432232314}';

describe("Standard Webhooks signatures", () => {
  it("match the specification's test vector", async () => {
    expect(await sign(SECRET, ID, TS, BODY)).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  it("verify a fresh signature, among several, and refuse tampering, other secrets and stale timestamps", async () => {
    const now = TS * 1000;
    const good = await sign(SECRET, ID, TS, BODY);
    const h = { id: ID, timestamp: String(TS), signature: good };
    expect(await verify(SECRET, h, BODY, now)).toEqual({ ok: true });
    expect(await verify(SECRET, { ...h, signature: `v1,AAAA ${good}` }, BODY, now)).toEqual({ ok: true });
    expect(await verify(SECRET, h, `${BODY} `, now)).toEqual({ ok: false, reason: "bad_signature" });
    expect(await verify("whsec_" + btoa("another secret entirely!"), h, BODY, now)).toEqual({ ok: false, reason: "bad_signature" });
    expect(await verify(SECRET, { ...h, signature: good.replace("v1", "v2") }, BODY, now)).toEqual({ ok: false, reason: "bad_signature" });
    expect(await verify(SECRET, { ...h, signature: "v1,%%%" }, BODY, now)).toEqual({ ok: false, reason: "bad_signature" });
    expect(await verify(SECRET, h, BODY, now + 301_000)).toEqual({ ok: false, reason: "stale_timestamp" });
    expect(await verify(SECRET, h, BODY, now - 301_000)).toEqual({ ok: false, reason: "stale_timestamp" });
    expect(await verify(SECRET, { ...h, timestamp: "soon" }, BODY, now)).toEqual({ ok: false, reason: "stale_timestamp" });
    expect(await verify(SECRET, { id: ID, timestamp: String(TS) }, BODY, now)).toEqual({ ok: false, reason: "missing_headers" });
  });

  it("signedHeaders carries id, timestamp in seconds and signature", async () => {
    const h = await signedHeaders(SECRET, ID, BODY, TS * 1000 + 999);
    expect(h).toEqual({ "webhook-id": ID, "webhook-timestamp": String(TS), "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=" });
  });
});
