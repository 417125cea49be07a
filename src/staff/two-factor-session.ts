/**
 * Where second factors meet sessions: the person behind a /v1/me request,
 * the full session a passed second factor (or a completed enrolment)
 * starts, and the answer the console gets for it. Every step up in stage
 * rotates the token (startSession revokes the one the browser came with).
 */
import { eq } from "drizzle-orm";
import type { Context } from "hono";
import { directory } from "../db/client";
import { sessions, users } from "../db/schema";
import type { AppEnv } from "../env";
import { ApiError } from "../http/problem";
import { type SessionRow, startSession, type UserRow } from "./sessions";
import { signedInBody } from "./sign-in-routes";

/** The signed-in person and their session, for routes under /v1/me (only a session has `account:self`). */
export async function ownAccount(c: Context<AppEnv>): Promise<{ session: SessionRow; user: UserRow }> {
  const sessionId = c.get("principal").session?.id;
  const found = sessionId
    ? await directory(c.env).select({ session: sessions, user: users }).from(sessions).innerJoin(users, eq(users.id, sessions.userId)).where(eq(sessions.id, sessionId)).get()
    : undefined;
  if (!found) throw new ApiError(401, "session_expired", "Unauthorized", "The session has ended: sign in again");
  return found;
}

/** A session that was only allowed to enrol becomes a full one once a second factor exists. */
export async function finishEnrolment(c: Context<AppEnv>, session: SessionRow): Promise<{ stage: "full"; csrf_token: string } | undefined> {
  if (session.stage !== "enrol") return undefined;
  const next = await startSession(c, { userId: session.userId, stage: "full", method: session.method });
  return { stage: "full", csrf_token: next.csrfToken };
}

/** Starts the full session of a person who has given every factor, and the answer that tells the console. */
export async function signedIn(c: Context<AppEnv>, user: UserRow, method: string) {
  const session = await startSession(c, { userId: user.id, stage: "full", method });
  await directory(c.env).update(users).set({ lastSignInAt: session.createdAt }).where(eq(users.id, user.id));
  return signedInBody(user, session);
}
