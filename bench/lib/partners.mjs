// The tracking partners as the benches play them: the fixtures' sample webhooks, their test secrets
// (../shared/fixtures/README.md) and each partner's signature over the exact bytes sent.
import { createHmac } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./procs.mjs";

// ../shared/fixtures beside the repository, else the repository's byte-exact copy.
const SHARED_FIXTURES = join(ROOT, "..", "shared", "fixtures");
export const FIXTURES = existsSync(join(SHARED_FIXTURES, "signatures.json")) ? SHARED_FIXTURES : join(ROOT, "test", "fixtures", "partners");

export const SECRETS = {
  EASYPOST_WEBHOOK_SECRET: "fixture-s\u00e9cret",
  AFTERSHIP_WEBHOOK_SECRET: "as_fixture_webhook_secret",
  SHIPPO_WEBHOOK_TOKEN: "shippo_fixture_url_token",
  SHIPPO_WEBHOOK_SECRET: "shippo_fixture_hmac_secret",
};

/** `--var` arguments giving a server the partners' test secrets. */
export const secretVars = () => Object.entries(SECRETS).flatMap(([k, v]) => ["--var", `${k}:${v}`]);

const hmac = (secret, data) => createHmac("sha256", secret).update(data);

/** Each partner's signature headers for a body, as the partner computes them (README.md, "Signing rule"). */
export const SIGNED_HEADERS = {
  easypost: (body) => ({ "x-hmac-signature": `hmac-sha256-hex=${hmac(SECRETS.EASYPOST_WEBHOOK_SECRET.normalize("NFKD"), body).digest("hex")}` }),
  aftership: (body) => ({ "aftership-hmac-sha256": hmac(SECRETS.AFTERSHIP_WEBHOOK_SECRET, body).digest("base64") }),
  shippo: (body) => {
    const t = Math.floor(Date.now() / 1000);
    return { "shippo-auth-signature": `t=${t},v1=${hmac(SECRETS.SHIPPO_WEBHOOK_SECRET, `${t}.${body}`).digest("hex")}` };
  },
};
