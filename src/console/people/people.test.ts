import { describe, expect, it } from "vitest";
import { COMPOSABLE_PERMISSIONS } from "../../auth/roles";
import { activityQuery } from "./keys-activity";
import { permissionGroups } from "./positions";
import { areaLabel, permissionLabel, positionLabel } from "./text";

describe("the people screens' words and filters", () => {
  it("turns the activity page's days into the API's instants, the last day included", () => {
    expect(activityQuery({ from: "2026-12-01", to: "2026-12-03", actor: " usr_1 ", action: "" })).toEqual({
      actor: "usr_1",
      action: undefined,
      from: "2026-12-01T00:00:00Z",
      to: "2026-12-04T00:00:00.000Z",
    });
    expect(activityQuery({ from: "yesterday" }).from).toBeUndefined();
  });

  it("groups every composable permission under a named area, in both languages", () => {
    const groups = permissionGroups();
    expect(groups.flatMap(([, perms]) => perms).sort()).toEqual([...COMPOSABLE_PERMISSIONS].sort());
    for (const [area] of groups) {
      expect(areaLabel("en", area), area).not.toBe(area);
      expect(areaLabel("zh-CN", area), area).not.toBe(area);
    }
    expect(permissionLabel("en", "orders:read")).toBe("Orders: see");
    expect(permissionLabel("zh-CN", "inventory:write")).toBe("库存：修改");
  });

  it("names built-in positions in words and custom ones by their own name", () => {
    expect(positionLabel("zh-CN", "packer")).toBe("打包员");
    expect(positionLabel("en", "pos_123", new Map([["pos_123", "Returns desk"]]))).toBe("Returns desk");
  });
});
