/**
 * Money crosses the API as a decimal string in the currency's major unit
 * ("19.90") and lives in storage as integer minor units. The exponent of each
 * currency is ISO 4217's, not a locale's: JPY has 0 decimals, KWD 3.
 */

/** Active ISO 4217 codes whose minor unit is not 2 decimals. */
const EXPONENTS: Record<string, number> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

/** Active ISO 4217 codes with the usual 2 decimals. */
const TWO_DECIMALS =
  "AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG";

for (const code of TWO_DECIMALS.split(" ")) EXPONENTS[code] = 2;

export function isCurrency(code: string): boolean {
  return Object.hasOwn(EXPONENTS, code);
}

/** Every known currency grouped by its number of decimals: for comparing an amount across currencies in SQL. */
export function currenciesByExponent(): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const [code, exp] of Object.entries(EXPONENTS)) out.set(exp, [...(out.get(exp) ?? []), code]);
  return out;
}

export function currencyExponent(code: string): number {
  const e = EXPONENTS[code];
  if (e === undefined) throw new Error(`unknown currency ${code}`);
  return e;
}

/** Largest amount we accept in minor units: totals stay exact in a double and in SQLite's int64. */
export const MAX_MINOR = Number.MAX_SAFE_INTEGER;

export type ParsedAmount = { ok: true; minor: number } | { ok: false; message: string };

/**
 * "19.90" -> 1990 for USD. Refuses more decimals than the currency has
 * (rounding money silently is how ledgers drift), signs, exponents and
 * anything that is not plain digits.
 */
export function toMinor(amount: string, currency: string): ParsedAmount {
  const exp = currencyExponent(currency);
  const m = /^(\d{1,16})(?:\.(\d+))?$/.exec(amount);
  if (!m) return { ok: false, message: `must be a non-negative decimal string like "19.90"` };
  const frac = m[2] ?? "";
  if (frac.length > exp) {
    return { ok: false, message: `${currency} has ${exp} decimal place${exp === 1 ? "" : "s"}; got ${frac.length}` };
  }
  const minor = Number(m[1] + frac.padEnd(exp, "0"));
  if (!Number.isSafeInteger(minor)) return { ok: false, message: "amount is too large" };
  return { ok: true, minor };
}

/** 1990 USD -> "19.90"; 500 JPY -> "500"; 1234 KWD -> "1.234". */
export function fromMinor(minor: number, currency: string): string {
  const exp = currencyExponent(currency);
  const negative = minor < 0;
  const digits = String(Math.abs(minor)).padStart(exp + 1, "0");
  const whole = exp === 0 ? digits : digits.slice(0, -exp);
  const frac = exp === 0 ? "" : `.${digits.slice(-exp)}`;
  return `${negative ? "-" : ""}${whole}${frac}`;
}
