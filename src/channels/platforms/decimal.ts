/**
 * Exact decimal strings for platform money: platforms send amounts as text
 * ("18.00", "6.95"), and summing them as floats is how a cent goes missing.
 * Sums are done in BigInt at the largest scale any operand has; an amount is
 * written at its currency's exponent when the extra digits are only zeros
 * ("1500.00" JPY is "1500"), and left as it is otherwise so intake refuses it
 * rather than rounding it.
 */
import { currencyExponent, isCurrency } from "../../lib/money";

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** The value as a decimal string, or null when it is not one (numbers are read from their shortest text). */
export function decimalText(value: unknown): string | null {
  if (typeof value === "number" && Number.isFinite(value)) return decimalText(String(value));
  if (typeof value !== "string") return null;
  const s = value.trim();
  return DECIMAL.test(s) ? s : null;
}

function parts(value: string): { units: bigint; scale: number } {
  const m = DECIMAL.exec(value)!;
  const frac = m[3] ?? "";
  const units = BigInt(`${m[2]}${frac}`) * (m[1] ? -1n : 1n);
  return { units, scale: frac.length };
}

/** The exact sum of decimal strings (non-decimals count as zero). */
export function addDecimals(values: readonly unknown[]): string {
  const parsed = values
    .map(decimalText)
    .filter((v): v is string => v !== null)
    .map(parts);
  const scale = Math.max(0, ...parsed.map((p) => p.scale));
  const total = parsed.reduce((sum, p) => sum + p.units * 10n ** BigInt(scale - p.scale), 0n);
  const negative = total < 0n;
  const digits = (negative ? -total : total).toString().padStart(scale + 1, "0");
  const text = scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return negative ? `-${text}` : text;
}

/** The amount written at the currency's exponent where that changes nothing but trailing zeros. */
export function moneyIn(value: unknown, currency: string): string {
  const text = decimalText(value) ?? "0";
  if (!isCurrency(currency)) return text;
  const exp = currencyExponent(currency);
  const m = DECIMAL.exec(text)!;
  const frac = m[3] ?? "";
  if (frac.length > exp && /^0*$/.test(frac.slice(exp))) return `${m[1]}${m[2]}${exp ? `.${frac.slice(0, exp)}` : ""}`;
  if (frac.length < exp) return `${m[1]}${m[2]}.${frac.padEnd(exp, "0")}`;
  return text;
}
