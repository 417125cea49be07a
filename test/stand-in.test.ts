/** The stand-in platform server is reachable from inside the Worker runtime, over the network. */
import { describe, expect, inject, it } from "vitest";

describe("the stand-in platform server", () => {
  it("answers the Worker over HTTP and records what it was sent", async () => {
    const base = inject("standInUrl");
    const scope = `receiver~${crypto.randomUUID()}`;
    const res = await fetch(`${base}/${scope}/hook`, { method: "POST", body: '{"a":1}' });
    expect(res.status).toBe(200);
    await fetch(`${base}/_control/${scope}/state`, { method: "POST", body: JSON.stringify({ status: 500 }) });
    expect((await fetch(`${base}/${scope}/hook`, { method: "POST", body: "x" })).status).toBe(500);
    const requests = (await (await fetch(`${base}/_control/${scope}/requests`)).json()) as { path: string; body: string; status: number }[];
    expect(requests.map((r) => [r.path, r.body, r.status])).toEqual([
      ["/hook", '{"a":1}', 200],
      ["/hook", "x", 500],
    ]);
  });
});
