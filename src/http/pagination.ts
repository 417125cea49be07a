/**
 * Cursor pagination. A page is fetched with `limit + 1` rows so that whether
 * there is a next page is known without counting; the cursor is the last
 * row's sort key, opaque to clients (base64url).
 */
import { validationFailed } from "./problem";

export function encodeCursor(key: string): string {
  return btoa(key).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function decodeCursor(cursor: string): string | null {
  try {
    const key = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
    return /^[\x20-\x7e]{1,100}$/.test(key) ? key : null;
  } catch {
    return null;
  }
}

/** The key a page starts after: undefined for the first page, a 400 for a cursor that is not from this list. */
export function cursorKey(cursor: string | undefined, fromThisList: (key: string) => boolean = () => true): string | undefined {
  if (cursor === undefined) return undefined;
  const key = decodeCursor(cursor);
  if (key === null || !fromThisList(key)) throw validationFailed([{ field: "cursor", message: "is not a cursor from this list" }], 400);
  return key;
}

/** Rows fetched with `limit + 1`: the page, and the cursor of the next one (null at the end). */
export function pageOf<T>(rows: readonly T[], limit: number, keyOf: (row: T) => string): { data: T[]; next_cursor: string | null } {
  const data = rows.slice(0, limit);
  return { data, next_cursor: rows.length > limit ? encodeCursor(keyOf(data[data.length - 1]!)) : null };
}
