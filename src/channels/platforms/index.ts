/** The adapter of each platform. */
import type { Platform, PlatformAdapter } from "./platform";
import { shopify } from "./shopify";
import { woocommerce } from "./woocommerce";
import { bigcommerce } from "./bigcommerce";

const ADAPTERS: Partial<Record<Platform, PlatformAdapter>> = {
  shopify,
  woocommerce,
  bigcommerce,
};

export function adapterFor(platform: Platform): PlatformAdapter | null {
  return ADAPTERS[platform] ?? null;
}
