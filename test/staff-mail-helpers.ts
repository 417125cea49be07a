/** The staff emails the local provider kept (src/staff/staff-mail.ts): where tests read invitation and reset links. */
import { env } from "./shard-env";
import { and, desc, eq } from "drizzle-orm";
import { directory } from "../src/db/client";
import { staffEmails } from "../src/db/schema";

export async function emailsTo(userId: string, purpose: "invitation" | "password_reset") {
  return directory(env)
    .select()
    .from(staffEmails)
    .where(and(eq(staffEmails.userId, userId), eq(staffEmails.purpose, purpose)))
    .orderBy(desc(staffEmails.id))
    .all();
}

/**
 * Waits for `count` emails of this purpose to this person: a reset link is
 * made and sent after the answer (so its timing says nothing), not before.
 */
export async function waitForEmails(userId: string, purpose: "invitation" | "password_reset", count = 1) {
  for (let i = 0; i < 100; i++) {
    const rows = await emailsTo(userId, purpose);
    if (rows.length >= count) return rows;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no ${count} ${purpose} emails to ${userId}`);
}

/** The token in the latest email of this purpose to this person. */
export async function lastToken(userId: string, purpose: "invitation" | "password_reset"): Promise<string> {
  const [latest] = await waitForEmails(userId, purpose);
  const m = latest && /#token=([A-Za-z0-9_-]+)/.exec(latest.body);
  if (!m) throw new Error(`no ${purpose} email to ${userId}`);
  return m[1]!;
}
