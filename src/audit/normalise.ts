/** How blocklist values are compared: case, spacing and punctuation do not make a customer someone else. */
export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/** Digits only, with a leading + kept: "+1 (415) 555-0100" and "+14155550100" match. */
export const normalisePhone = (phone: string, _country?: string | null) => {
  const t = phone.trim();
  return (t.startsWith("+") ? "+" : "") + t.replace(/\D/g, "");
};

/** First line, postal code and country, lowercased with runs of spaces and punctuation folded. */
export const normaliseAddress = (a: { line1?: string | null; postal_code?: string | null; country?: string | null }) =>
  [a.line1, a.postal_code, a.country]
    .map((p) =>
      (p ?? "")
        .toLowerCase()
        .replace(/[\s.,#\-]+/g, " ")
        .trim(),
    )
    .join("|");
