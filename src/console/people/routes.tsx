/**
 * People: one's own account, the staff and their positions, API keys, the
 * activity log, and the emailed invitation and password-reset pages.
 */
import { Hono } from "hono";
import type { ConsoleEnv } from "../context";
import { accountPages } from "./account";
import { keyActivityPages } from "./keys-activity";
import { linkPages } from "./links";
import { positionPages } from "./positions";
import { staffPages } from "./staff";

export const peoplePages = new Hono<ConsoleEnv>();
peoplePages.route("/", accountPages);
peoplePages.route("/", staffPages);
peoplePages.route("/", positionPages);
peoplePages.route("/", keyActivityPages);

/** The pages before sign-in: accepting an invitation, resetting a password (links from emails). */
export const publicPeoplePages = new Hono<ConsoleEnv>();
publicPeoplePages.route("/", linkPages);
