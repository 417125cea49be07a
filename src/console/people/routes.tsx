/**
 * People: staff and positions, API keys, the activity log, one's own account,
 * and the emailed invitation and password-reset pages.
 */
import { Hono } from "hono";
import type { ConsoleEnv } from "../context";
import { uiOf } from "../guard";
import { renderPage } from "../layout";

export const peoplePages = new Hono<ConsoleEnv>();

peoplePages.get("/console/account", (c) => {
  const ui = uiOf(c);
  return renderPage(
    c,
    ui,
    { title: ui.t.account },
    <div class="card">
      <h1>{ui.t.account}</h1>
      <p>{ui.principal.name}</p>
    </div>,
  );
});

/** The pages before sign-in: accepting an invitation, resetting a password (links from emails). */
export const publicPeoplePages = new Hono<ConsoleEnv>();
