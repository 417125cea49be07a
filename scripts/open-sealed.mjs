// Opens a value sealed by src/lib/pii-crypto.ts, in Node, for local developer tools (npm run staff-mail).
import { createDecipheriv } from "node:crypto";

const unb64 = (s) => Buffer.from(s.replace(/-/g, "+").replace(/_/g, "/"), "base64");

/** Opens `enc1:<key id>:<base64url(nonce ‖ ciphertext ‖ tag)>` (src/lib/pii-crypto.ts) with the keys of PII_KEYS. */
export function openSealed(stored, piiKeys) {
  if (!stored.startsWith("enc1:")) return stored;
  const [, id, data] = stored.split(":");
  const entry = piiKeys.split(",").find((k) => k.trim().startsWith(`${id}:`));
  if (!entry) throw new Error(`PII key "${id}" is not in .dev.vars PII_KEYS`);
  const key = unb64(entry.trim().slice(id.length + 1));
  const bytes = unb64(data);
  const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, 12));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  return Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]).toString("utf8");
}
