/**
 * Every console page, opened by every built-in staff position: an HTML page
 * (the page, the 403 page, the 404 page, or a redirect), never a 500 and
 * never the API's JSON. Ids in paths are ones that do not exist, so the pages'
 * not-found paths run too; each area's own tests open them with real data.
 */
import { describe, expect, it } from "vitest";
import { ROLES } from "../src/auth/roles";
import { consoleRoutes } from "../src/console/routes";
import { openPage, signedIn, textOf } from "./console-helpers";

const STAFF_POSITIONS = ROLES.filter((r) => r !== "channel" && r !== "partner");

/** Each GET page's path, with its parameters filled by ids that do not exist. */
const pages = [
  ...new Set(
    consoleRoutes.routes
      .filter((r) => r.method === "GET" && r.path.startsWith("/console") && !r.path.includes("*") && !r.path.startsWith("/console/assets/"))
      .map((r) => r.path.replace(/:([A-Za-z_]+)(\{[^}]*\})?/g, (_, name: string) => (name.toLowerCase().includes("code") ? "NO-SUCH-CODE" : `nope_${name}_0000000000`))),
  ),
].sort();

describe("every console page for every position", () => {
  it("has pages to walk", () => {
    expect(pages).toContain("/console/sign-in");
    expect(pages.length).toBeGreaterThan(3);
  });

  for (const position of STAFF_POSITIONS) {
    it(`answers ${position} with a page everywhere`, async () => {
      const { session } = await signedIn([position]);
      const failures: string[] = [];
      for (const path of pages) {
        const page = await openPage(path, session);
        const type = page.headers.get("content-type") ?? "";
        const html = page.status === 303 || type.includes("text/html") || type.includes("application/pdf") || type.includes("text/csv");
        if (page.status >= 500 || !html || ![200, 303, 403, 404].includes(page.status)) {
          failures.push(`${path}: ${page.status} ${type} ${textOf(page.html).slice(0, 200)}`);
        }
      }
      expect(failures).toEqual([]);
    });
  }
});
