// A partner's webhook endpoint: records what it receives; `state.down_until` (epoch ms) makes it answer 503 until then.
import { json } from "./server.mjs";

export async function handle({ state }) {
  if (state.down_until && Date.now() < state.down_until) return json(503, { error: "down" });
  if (state.status) return json(state.status, {});
  return json(200, { ok: true });
}
