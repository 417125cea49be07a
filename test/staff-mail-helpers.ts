/** The staff emails the local provider kept (src/staff/staff-mail.ts): where tests read invitation and reset links. */
import { env } from "cloudflare:workers";
import { and, desc, eq } from "drizzle-orm";
import { database } from "../src/db/client";
import { staffEmails } from "../src/db/schema";

export async function emailsTo(userId: string, purpose: "invitation" | "password_reset") {
  return database(env)
    .select()
    .from(staffEmails)
    .where(and(eq(staffEmails.userId, userId), eq(staffEmails.purpose, purpose)))
    .orderBy(desc(staffEmails.id))
    .all();
}

/** The token in the latest email of this purpose to this person. */
export async function lastToken(userId: string, purpose: "invitation" | "password_reset"): Promise<string> {
  const [latest] = await emailsTo(userId, purpose);
  const m = latest && /#token=([A-Za-z0-9_-]+)/.exec(latest.body);
  if (!m) throw new Error(`no ${purpose} email to ${userId}`);
  return m[1]!;
}
