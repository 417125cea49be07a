/** The adapter of each platform. */
import type { Platform, PlatformAdapter } from "./platform";
import { shopify } from "./shopify";

const ADAPTERS: Partial<Record<Platform, PlatformAdapter>> = {
  shopify,
};

export function adapterFor(platform: Platform): PlatformAdapter | null {
  return ADAPTERS[platform] ?? null;
}
