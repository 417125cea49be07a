/**
 * A service task's small lifecycle, as data: open -> assigned -> in_progress
 * -> done, with unassign back to open and cancel from any live state. The
 * order follows its tasks: the first assignment of a service-only order
 * fires `process`, and its last task done fires `deliver`.
 */
import type { SERVICE_TASK_STATUSES } from "../db/schema";

export type TaskStatus = (typeof SERVICE_TASK_STATUSES)[number];
export const TASK_EVENTS = ["assign", "unassign", "start", "complete", "cancel"] as const;
export type TaskEvent = (typeof TASK_EVENTS)[number];

export const TASK_TRANSITIONS: Record<TaskEvent, { from: readonly TaskStatus[]; to: TaskStatus }> = {
  // Assigning an assigned task hands it to someone else.
  assign: { from: ["open", "assigned"], to: "assigned" },
  unassign: { from: ["assigned"], to: "open" },
  start: { from: ["assigned"], to: "in_progress" },
  complete: { from: ["in_progress"], to: "done" },
  cancel: { from: ["open", "assigned", "in_progress"], to: "cancelled" },
};

export function allowedTaskEvents(status: TaskStatus): TaskEvent[] {
  return TASK_EVENTS.filter((e) => TASK_TRANSITIONS[e].from.includes(status));
}

export function decideTask(status: TaskStatus, event: TaskEvent): { ok: true; to: TaskStatus } | { ok: false; allowed: TaskEvent[] } {
  const t = TASK_TRANSITIONS[event];
  return t.from.includes(status) ? { ok: true, to: t.to } : { ok: false, allowed: allowedTaskEvents(status) };
}

/** What the order should do given all its tasks: nothing, `process` (work assigned) or `deliver` (all done). */
export function orderStepForTasks(orderStatus: string, statuses: readonly TaskStatus[]): "process" | "deliver" | null {
  const live = statuses.filter((s) => s !== "cancelled");
  if (orderStatus === "approved" && live.some((s) => s !== "open")) return "process";
  if (orderStatus === "processing" && live.length > 0 && live.every((s) => s === "done")) return "deliver";
  return null;
}
