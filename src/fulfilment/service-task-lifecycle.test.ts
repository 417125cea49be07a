import { describe, expect, it } from "vitest";
import { SERVICE_TASK_STATUSES } from "../db/schema";
import { allowedTaskEvents, decideTask, orderStepForTasks, TASK_EVENTS, TASK_TRANSITIONS, type TaskStatus } from "./service-task-lifecycle";

describe("service task lifecycle", () => {
  it("every status is reachable from open, and only done and cancelled are final", () => {
    const reached = new Set<TaskStatus>(["open"]);
    for (let changed = true; changed; ) {
      changed = false;
      for (const s of [...reached]) for (const e of allowedTaskEvents(s)) if (!reached.has(TASK_TRANSITIONS[e].to)) reached.add(TASK_TRANSITIONS[e].to), (changed = true);
    }
    expect([...reached].sort()).toEqual([...SERVICE_TASK_STATUSES].sort());
    const dead = SERVICE_TASK_STATUSES.filter((s) => allowedTaskEvents(s).length === 0);
    expect(dead.sort()).toEqual(["cancelled", "done"]);
  });

  it("decides each (status, event) pair from the table", () => {
    for (const s of SERVICE_TASK_STATUSES) {
      for (const e of TASK_EVENTS) {
        const d = decideTask(s, e);
        expect(d.ok, `${e} from ${s}`).toBe(TASK_TRANSITIONS[e].from.includes(s));
      }
    }
    expect(decideTask("done", "start")).toEqual({ ok: false, allowed: [] });
  });

  it("the order processes once work is assigned, and is delivered when every live task is done", () => {
    expect(orderStepForTasks("approved", ["open", "open"])).toBeNull();
    expect(orderStepForTasks("approved", ["open", "assigned"])).toBe("process");
    expect(orderStepForTasks("processing", ["done", "in_progress"])).toBeNull();
    expect(orderStepForTasks("processing", ["done", "cancelled"])).toBe("deliver");
    expect(orderStepForTasks("processing", ["cancelled"])).toBeNull();
    expect(orderStepForTasks("cancelled", ["done"])).toBeNull();
  });
});
