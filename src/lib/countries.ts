/** ISO 3166-1 alpha-2 codes of countries and territories that receive parcels, and their names in a language. */
const CODES =
  "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

export const COUNTRY_CODES: readonly string[] = CODES.split(" ");
const SET: ReadonlySet<string> = new Set(COUNTRY_CODES);

export function isCountry(code: string): boolean {
  return SET.has(code);
}

const names = new Map<string, Intl.DisplayNames>();

/** The country's name in the language (the runtime's CLDR data), or the code itself when the runtime has no name for it. */
export function countryName(code: string, lang: string): string {
  let n = names.get(lang);
  if (!n) {
    n = new Intl.DisplayNames([lang, "en"], { type: "region", fallback: "code" });
    names.set(lang, n);
  }
  try {
    return n.of(code) ?? code;
  } catch {
    return code;
  }
}

const options = new Map<string, { code: string; name: string }[]>();

/** Every country, named in the language and sorted as a reader of that language expects (a select's options). */
export function countryOptions(lang: string): readonly { code: string; name: string }[] {
  let list = options.get(lang);
  if (!list) {
    const collator = new Intl.Collator(lang);
    list = COUNTRY_CODES.map((code) => ({ code, name: countryName(code, lang) })).sort((a, b) => collator.compare(a.name, b.name));
    options.set(lang, list);
  }
  return list;
}
