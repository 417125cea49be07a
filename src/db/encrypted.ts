/**
 * Encrypted columns (AES-256-GCM, src/lib/pii-crypto.ts). Sealing happens in
 * drizzle's value mappers, so every drizzle read and write of such a column
 * is encrypted without the caller doing anything, and none can forget it.
 *
 * Invariants for anyone touching these columns:
 * - Compare them only through their blind index columns: `eq(col, value)`
 *   seals `value` with a fresh nonce and never matches, and raw `sql` or
 *   `json_extract` sees ciphertext.
 * - Rows written before encryption hold plaintext; they read as they are
 *   until the re-encryption job (src/db/reseal-pii.ts) seals them.
 */
import { customType } from "drizzle-orm/sqlite-core";
import { open, seal } from "../lib/pii-crypto";

export const encryptedText = customType<{ data: string; driverData: string }>({
  dataType: () => "text",
  toDriver: (value) => seal(value),
  fromDriver: (value) => open(value),
});

/** JSON sealed as one string; plaintext rows hold the bare JSON the column had before. */
export const encryptedJson = <T>(name: string) =>
  customType<{ data: T; driverData: string }>({
    dataType: () => "text",
    toDriver: (value) => seal(JSON.stringify(value)),
    fromDriver: (value) => JSON.parse(open(value)) as T,
  })(name);
