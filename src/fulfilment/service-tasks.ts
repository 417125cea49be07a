/**
 * Service tasks: each service line of an approved order becomes a task for
 * the service team. Task changes are guarded by the task's version; the
 * order then follows (see `orderStepForTasks`) through its Durable Object.
 * The order step runs after the task commits and is recomputed from all the
 * tasks every time, so a step that failed once is taken by the next change.
 */
import { and, asc, eq } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { database } from "../db/client";
import { orderLines, orders, serviceTasks } from "../db/schema";
import type { ShardEnv } from "../env";
import type { Principal } from "../http/auth";
import { newId, tagOf } from "../lib/ids";
import { settleOrder } from "../logistics/settle-order";
import { orderStub } from "../orders/order-object";
import { decideTask, orderStepForTasks, type TaskEvent, type TaskStatus } from "./service-task-lifecycle";

export type TaskRow = typeof serviceTasks.$inferSelect;

/**
 * Opens a task for each service line of an approved order, once however
 * often the approval is delivered. With
 * `loaded` (the order and all its lines, read by the caller) it reads nothing;
 * with `deferred` the insert is added there for the caller's batch.
 */
export async function createServiceTasks(
  env: ShardEnv,
  orderId: string,
  { loaded, deferred }: { loaded?: { order: { storeId: string; status: string } | undefined; lines: (typeof orderLines.$inferSelect)[] }; deferred?: BatchItem<"sqlite">[] } = {},
): Promise<number> {
  const db = database(env);
  const { order, lines } = loaded
    ? { order: loaded.order, lines: loaded.lines.filter((l) => l.type === "service") }
    : await db
        .batch([
          db.select({ storeId: orders.storeId, status: orders.status }).from(orders).where(eq(orders.id, orderId)),
          db
            .select()
            .from(orderLines)
            .where(and(eq(orderLines.orderId, orderId), eq(orderLines.type, "service")))
            .orderBy(asc(orderLines.lineNo)),
        ])
        .then(([o, l]) => ({ order: o[0], lines: l }));
  if (!order || order.status === "cancelled" || lines.length === 0) return 0;
  const now = Date.now();
  const insert = db
    .insert(serviceTasks)
    .values(
      lines.map((l) => ({
        id: newId("svc", now, tagOf(orderId)),
        orderId,
        storeId: order.storeId,
        lineNo: l.lineNo,
        sku: l.sku,
        name: l.name,
        quantity: l.quantity,
        status: "open" as const,
        createdAt: now,
        updatedAt: now,
      })),
    )
    .onConflictDoNothing();
  if (deferred) deferred.push(insert);
  else await insert;
  return lines.length;
}

export type TaskChange = { event: TaskEvent; assignee?: string | undefined; note?: string | undefined; expectedVersion: number | null };
export type TaskChangeResult =
  | { ok: true; task: TaskRow }
  | { ok: false; code: "not_found" }
  | { ok: false; code: "version_mismatch"; version: number }
  | { ok: false; code: "refused"; status: TaskStatus; allowed: TaskEvent[] }
  | { ok: false; code: "order_not_ready"; orderStatus: string };

const STAMP: Partial<Record<TaskStatus, "assignedAt" | "startedAt" | "doneAt">> = { assigned: "assignedAt", in_progress: "startedAt", done: "doneAt" };

export async function changeTask(env: ShardEnv, id: string, { principal: p, change }: { principal: Principal; change: TaskChange }): Promise<TaskChangeResult> {
  const db = database(env);
  const task = await db.select().from(serviceTasks).where(eq(serviceTasks.id, id)).get();
  if (!task || (p.stores !== "*" && !p.stores.includes(task.storeId))) return { ok: false, code: "not_found" };
  if (change.expectedVersion !== null && change.expectedVersion !== task.version) return { ok: false, code: "version_mismatch", version: task.version };
  const decision = decideTask(task.status, change.event);
  if (!decision.ok) return { ok: false, code: "refused", status: task.status, allowed: decision.allowed };
  if (change.event !== "cancel" && change.event !== "unassign") {
    const order = await db.select({ status: orders.status }).from(orders).where(eq(orders.id, task.orderId)).get();
    // An order with goods and a service may have shipped before the installer comes.
    if (!order || !["approved", "processing", "shipped"].includes(order.status)) return { ok: false, code: "order_not_ready", orderStatus: order?.status ?? "unknown" };
  }
  const now = Date.now();
  const stamp = STAMP[decision.to];
  const [row] = await db
    .update(serviceTasks)
    .set({
      status: decision.to,
      version: task.version + 1,
      updatedAt: now,
      ...(change.event === "assign" ? { assignee: change.assignee! } : change.event === "unassign" ? { assignee: null } : {}),
      ...(change.note !== undefined ? { note: change.note } : {}),
      ...(stamp ? { [stamp]: now } : {}),
    })
    .where(and(eq(serviceTasks.id, id), eq(serviceTasks.version, task.version)))
    .returning();
  if (!row) {
    const current = await db.select({ version: serviceTasks.version }).from(serviceTasks).where(eq(serviceTasks.id, id)).get();
    return { ok: false, code: "version_mismatch", version: current?.version ?? task.version };
  }
  await advanceOrder(env, row.orderId, p.id);
  return { ok: true, task: row };
}

/**
 * Moves the order along with its tasks: a service-only order is processed
 * when its first task is assigned; any order with services is delivered
 * (through settleOrder, which also asks its parcels) once the work is done.
 */
export async function advanceOrder(env: ShardEnv, orderId: string, actor: string): Promise<string | null> {
  const db = database(env);
  const [orderRows, tasks] = await db.batch([
    db.select({ status: orders.status, requiresShipping: orders.requiresShipping }).from(orders).where(eq(orders.id, orderId)),
    db.select({ status: serviceTasks.status }).from(serviceTasks).where(eq(serviceTasks.orderId, orderId)),
  ]);
  const order = orderRows[0];
  if (!order) return null;
  const step = orderStepForTasks(
    order.status,
    tasks.map((t) => t.status),
  );
  if (step === "process" && !order.requiresShipping) {
    const r = await orderStub(env, orderId).transition({ orderId, event: "process", reason: "service task assigned", actor, stores: "*", expectedVersion: null });
    return r.ok ? step : null;
  }
  if (step === "deliver" || (order.status === "shipped" && tasks.every((t) => t.status === "done" || t.status === "cancelled"))) {
    return (await settleOrder(env, orderId, actor)).delivered ? "deliver" : null;
  }
  return null;
}
