/** Generated payout files with planted mismatches (./settlement-file.mjs). */
export const STRIPE_HEADER: string;
export const SHOPIFY_HEADER: string;
export function decimal(minor: number, exponent: number): string;
export type PlantedFile = {
  csv: string;
  lines: number;
  expected: { matched: string[]; amount_differs: string[]; missing_from_settlement: string[]; not_ours: string[]; skipped: number };
};
export function stripeFile(opts: {
  captures: { reference: string; amount: number; at: number }[];
  refunds?: { reference: string; amount: number; at: number }[];
  currency?: string;
  exponent?: number;
  notOurs?: number;
  differsEvery?: number;
  missingEvery?: number;
  feeOf?: (amount: number) => number;
}): PlantedFile;
