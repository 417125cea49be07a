/** The adapter for a configured carrier. Tests pass `fetch` to reach a fake carrier API. */
import type { ShardEnv } from "../../env";
import type { CarrierSpec } from "../carrier-config";
import type { CarrierAdapter } from "./carrier-adapter";
import { httpCarrier } from "./http-carrier";
import { sandboxCarrier } from "./sandbox-carrier";

export type AdapterDeps = { fetch?: typeof fetch };

export function adapterFor(carrier: CarrierSpec, env: ShardEnv, deps: AdapterDeps = {}): CarrierAdapter {
  const a = carrier.adapter;
  if (a.type === "sandbox") return sandboxCarrier(carrier);
  return httpCarrier({
    endpoint: a.endpoint,
    key: env[a.key_secret as `CARRIER_KEY_${string}`],
    trackingUrlTemplate: carrier.tracking_url,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
}
