/**
 * Tracking numbers in the UPU S10 format that postal carriers use
 * (e.g. RR473124829GB): two letters for the service, eight serial digits, a
 * mod-11 check digit, and a country code. The sandbox uses "SB" and the
 * user-assigned code "ZZ", so its numbers look real, validate like real
 * ones, and can never be mistaken for a real carrier's.
 */
const WEIGHTS = [8, 6, 4, 2, 3, 5, 9, 7];

/** The S10 check digit of an eight-digit serial. */
export function s10CheckDigit(serial: string): number {
  if (!/^\d{8}$/.test(serial)) throw new Error("an S10 serial is eight digits");
  const sum = [...serial].reduce((n, d, i) => n + Number(d) * WEIGHTS[i]!, 0);
  const check = 11 - (sum % 11);
  return check === 10 ? 0 : check === 11 ? 5 : check;
}

export function isValidS10(number: string): boolean {
  const m = /^[A-Z]{2}(\d{8})(\d)[A-Z]{2}$/.exec(number);
  return m !== null && s10CheckDigit(m[1]!) === Number(m[2]);
}

export function newS10(prefix = "SB", country = "ZZ"): string {
  const bytes = crypto.getRandomValues(new Uint32Array(1));
  const serial = String(bytes[0]! % 100_000_000).padStart(8, "0");
  return `${prefix}${serial}${s10CheckDigit(serial)}${country}`;
}
