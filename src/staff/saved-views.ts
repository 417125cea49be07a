/**
 * A person's saved views: named filters of a console list, theirs alone.
 * Invariants: names are unique per person and page (the unique index says
 * so too), and a person keeps at most MAX_SAVED_VIEWS; a refused save
 * writes nothing.
 */
import { z } from "@hono/zod-openapi";
import { and, asc, count, eq, sql } from "drizzle-orm";
import { directory } from "../db/client";
import { savedViews } from "../db/schema";
import type { ShardEnv } from "../env";
import { Rfc3339 } from "../http/route";
import { newId } from "../lib/ids";
import { iso } from "../orders/serialize";

export const MAX_SAVED_VIEWS = 50;

const Page = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,39}$/, "must be a page name like `orders`")
  .openapi({ example: "orders", description: "Which list the view filters" });

export const SavedViewBody = z
  .object({
    name: z
      .string()
      .trim()
      .min(1)
      .max(60)
      .refine((s) => ![...s].some((ch) => ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127), "must not hold control characters")
      .openapi({ example: "On hold, big orders" }),
    page: Page,
    query: z
      .string()
      .max(2000)
      .refine((s) => !s.startsWith("?") && !/[\s#]/.test(s), "must be a query string without `?`, `#` or spaces")
      .openapi({ example: "status=on_hold&total_min=100", description: "The list's query string" }),
  })
  .strict()
  .openapi("SavedViewInput");

export const SavedView = z.object({ id: z.string(), name: z.string(), page: z.string(), query: z.string(), created_at: Rfc3339 }).openapi("SavedView");
export const SavedViewList = z.object({ data: z.array(SavedView) }).openapi("SavedViewList");
export const SavedViewsQuery = z.object({ page: Page.optional() });
export const SavedViewIdParam = z.object({
  id: z
    .string()
    .max(40)
    .openapi({ param: { name: "id", in: "path" } }),
});

type Row = typeof savedViews.$inferSelect;
export const savedViewBody = (r: Row): z.infer<typeof SavedView> => ({ id: r.id, name: r.name, page: r.page, query: r.query, created_at: iso(r.createdAt) });

export async function listSavedViews(env: ShardEnv, userId: string, page?: string): Promise<Row[]> {
  return directory(env)
    .select()
    .from(savedViews)
    .where(and(eq(savedViews.userId, userId), page ? eq(savedViews.page, page) : undefined))
    .orderBy(asc(savedViews.page), asc(savedViews.name))
    .all();
}

export type SaveRefusal = { ok: false; code: "saved_view_exists" | "saved_views_full" };

export async function saveView(env: ShardEnv, userId: string, input: z.infer<typeof SavedViewBody>): Promise<{ ok: true; view: Row } | SaveRefusal> {
  const db = directory(env);
  const [[held], [same]] = await db.batch([
    db.select({ n: count() }).from(savedViews).where(eq(savedViews.userId, userId)),
    db
      .select({ id: savedViews.id })
      .from(savedViews)
      .where(and(eq(savedViews.userId, userId), eq(savedViews.page, input.page), eq(savedViews.name, input.name))),
  ]);
  if (same) return { ok: false, code: "saved_view_exists" };
  if ((held?.n ?? 0) >= MAX_SAVED_VIEWS) return { ok: false, code: "saved_views_full" };
  const view: Row = { id: newId("svw"), userId, name: input.name, page: input.page, query: input.query, createdAt: Date.now() };
  // The limit is re-checked in the insert itself, so two saves at once cannot pass 50; the unique index guards the name.
  const inserted = await db.run(insertUnderLimit(view)).catch((err: unknown) => {
    if (String(err).includes("UNIQUE")) return null;
    throw err;
  });
  if (inserted === null) return { ok: false, code: "saved_view_exists" };
  if (!inserted.meta.changes) return { ok: false, code: "saved_views_full" };
  return { ok: true, view };
}

function insertUnderLimit(v: Row) {
  return sql`INSERT INTO saved_views (id, user_id, name, page, query, created_at)
    SELECT ${v.id}, ${v.userId}, ${v.name}, ${v.page}, ${v.query}, ${v.createdAt}
    WHERE (SELECT COUNT(*) FROM saved_views WHERE user_id = ${v.userId}) < ${MAX_SAVED_VIEWS}`;
}

/** True when the person had that view (someone else's is not found, as if it did not exist). */
export async function deleteView(env: ShardEnv, userId: string, id: string): Promise<boolean> {
  const r = await directory(env)
    .delete(savedViews)
    .where(and(eq(savedViews.id, id), eq(savedViews.userId, userId)))
    .run();
  return r.meta.changes > 0;
}
