/**
 * The auditor's review queue: claim, approve, hold, edit and re-audit, notes, the dry run.
 */
import { Hono } from "hono";
import type { ConsoleEnv } from "../context";
import { notFoundPage } from "../guard";
import { auditAction, claimAction, decideAction, editAction, noteAction } from "./actions";
import { orderPage } from "./order";
import { approveSelected, claimNext, queuePage } from "./queue";
import { idPattern } from "../../lib/ids";

export const reviewPages = new Hono<ConsoleEnv>();

const ORDER_ID = idPattern("ord");

reviewPages.get("/console/review", (c) => queuePage(c));
reviewPages.post("/console/review/approve", (c) => approveSelected(c));
reviewPages.post("/console/review/claim-next", (c) => claimNext(c));

reviewPages.get("/console/review/:id", (c) => (ORDER_ID.test(c.req.param("id")) ? orderPage(c, c.req.param("id")) : notFoundPage(c)));
const ACTIONS = {
  claim: (c, id) => claimAction(c, id, false),
  release: (c, id) => claimAction(c, id, true),
  decide: decideAction,
  audit: auditAction,
  edit: editAction,
  notes: noteAction,
} satisfies Record<string, (c: Parameters<typeof orderPage>[0], id: string) => Promise<Response>>;
reviewPages.post("/console/review/:id/:action", (c) => {
  const { id, action } = c.req.param();
  const run = Object.hasOwn(ACTIONS, action) ? ACTIONS[action as keyof typeof ACTIONS] : undefined;
  return ORDER_ID.test(id) && run ? run(c, id) : notFoundPage(c);
});
