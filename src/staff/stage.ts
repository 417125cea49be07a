/**
 * Where a person stands once the first factor is given (a password, an
 * accepted invitation, a completed reset): a second factor they have set up
 * is always asked for; a position that requires two-factor sends someone
 * without one to enrol before anything else opens; otherwise they are in.
 */
import { and, eq, inArray, isNull } from "drizzle-orm";
import { directory } from "../db/client";
import { passkeys, positions, type users } from "../db/schema";
import type { ShardEnv } from "../env";
import type { SessionStage } from "./sessions";

type User = Pick<typeof users.$inferSelect, "id" | "positions" | "totpEnabledAt">;

export async function hasPasskey(env: ShardEnv, userId: string): Promise<boolean> {
  return !!(await directory(env).select({ id: passkeys.id }).from(passkeys).where(eq(passkeys.userId, userId)).limit(1).get());
}

/** Does any of these positions require two-factor? */
export async function twoFactorRequired(env: ShardEnv, positionIds: readonly string[]): Promise<boolean> {
  if (!positionIds.length) return false;
  const row = await directory(env)
    .select({ id: positions.id })
    .from(positions)
    .where(and(inArray(positions.id, [...positionIds]), eq(positions.requireTwoFactor, true), isNull(positions.archivedAt)))
    .limit(1)
    .get();
  return !!row;
}

export async function stageAfterFirstFactor(env: ShardEnv, user: User): Promise<SessionStage> {
  if (user.totpEnabledAt !== null || (await hasPasskey(env, user.id))) return "second_factor";
  return (await twoFactorRequired(env, user.positions)) ? "enrol" : "full";
}
