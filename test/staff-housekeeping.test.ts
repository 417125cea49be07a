/**
 * The hourly housekeeping drops console sessions and emailed links a month
 * after they ended, and passkey challenges once they expire; live ones stay.
 */
import { env } from "./shard-env";
import { describe, expect, it } from "vitest";
import { housekeepDirectory } from "../src/housekeeping";
import { createUser, sessionFor } from "./staff-helpers";

const DAY = 24 * 60 * 60 * 1000;
const count = async (sql: string, ...binds: unknown[]) =>
  (await env.DIRECTORY.prepare(sql)
    .bind(...binds)
    .first<{ n: number }>())!.n;

describe("housekeeping of staff records", () => {
  it("drops sessions and links ended over 30 days ago and expired challenges, keeps the rest", async () => {
    const person = await createUser({ positions: ["picker"] });
    const live = await sessionFor(person.id);
    const old = await sessionFor(person.id);
    const now = Date.now();
    await env.DIRECTORY.prepare("UPDATE sessions SET expires_at = ? WHERE id = ?")
      .bind(now - 31 * DAY, old.id)
      .run();
    await env.DIRECTORY.prepare("INSERT INTO user_tokens (id, user_id, purpose, created_at, expires_at) VALUES (?, ?, 'password_reset', ?, ?), (?, ?, 'password_reset', ?, ?)")
      .bind(`old-${person.id}`, person.id, now - 40 * DAY, now - 40 * DAY + 3_600_000, `new-${person.id}`, person.id, now, now + 3_600_000)
      .run();
    await env.DIRECTORY.prepare("INSERT INTO auth_challenges (challenge, purpose, user_id, expires_at) VALUES (?, 'sign_in', NULL, ?), (?, 'sign_in', NULL, ?)")
      .bind(`gone-${person.id}`, now - 1, `kept-${person.id}`, now + 60_000)
      .run();

    await housekeepDirectory(env, now);

    expect(await count("SELECT count(*) AS n FROM sessions WHERE id = ?", old.id)).toBe(0);
    expect(await count("SELECT count(*) AS n FROM sessions WHERE id = ?", live.id)).toBe(1);
    expect(await count("SELECT count(*) AS n FROM user_tokens WHERE user_id = ?", person.id)).toBe(1);
    expect(await count("SELECT count(*) AS n FROM user_tokens WHERE id = ?", `new-${person.id}`)).toBe(1);
    expect(await count("SELECT count(*) AS n FROM auth_challenges WHERE challenge IN (?, ?)", `gone-${person.id}`, `kept-${person.id}`)).toBe(1);
    expect(await count("SELECT count(*) AS n FROM auth_challenges WHERE challenge = ?", `kept-${person.id}`)).toBe(1);
  });
});
