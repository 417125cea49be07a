import { describe, expect, it } from "vitest";
import { builtInGrant, permissionsOf } from "../auth/roles";
import { beyondGiver, removesLastAdmin, withinGiver } from "./users-rules";

describe("staff grants", () => {
  it("an admin may give any built-in position; a warehouse lead only the floor's", () => {
    const admin = new Set(permissionsOf("admin"));
    expect(beyondGiver(admin, [builtInGrant("picker"), builtInGrant("finance"), builtInGrant("owner")])).toEqual([]);
    const lead = new Set(permissionsOf("warehouse_lead"));
    expect(beyondGiver(lead, [builtInGrant("picker"), builtInGrant("packer")])).toEqual([]);
    expect(beyondGiver(lead, [builtInGrant("picker"), builtInGrant("admin"), builtInGrant("finance")])).toEqual(["admin", "finance"]);
  });

  it("stores and warehouses stay within the giver's", () => {
    expect(withinGiver({ stores: "*", warehouses: "*" }, { storeIds: ["*"], warehouseIds: ["*"] })).toBe(true);
    expect(withinGiver({ stores: ["st_a"], warehouses: "*" }, { storeIds: ["st_a"], warehouseIds: ["wh_1"] })).toBe(true);
    expect(withinGiver({ stores: ["st_a"], warehouses: "*" }, { storeIds: ["*"], warehouseIds: ["*"] })).toBe(false);
    expect(withinGiver({ stores: ["st_a"], warehouses: "*" }, { storeIds: ["st_a", "st_b"], warehouseIds: ["*"] })).toBe(false);
    expect(withinGiver({ stores: "*", warehouses: ["wh_1"] }, { storeIds: ["*"], warehouseIds: ["*"] })).toBe(false);
  });

  it("the last active admin stays an active admin", () => {
    const admin = { status: "active", positions: ["admin"] };
    expect(removesLastAdmin(admin, { ...admin, status: "deactivated" }, 0)).toBe(true);
    expect(removesLastAdmin(admin, { ...admin, positions: ["owner"] }, 0)).toBe(true);
    expect(removesLastAdmin(admin, { ...admin, status: "deactivated" }, 1)).toBe(false);
    expect(removesLastAdmin(admin, { ...admin, positions: ["owner", "admin"] }, 0)).toBe(false);
    expect(removesLastAdmin({ status: "invited", positions: ["admin"] }, { status: "deactivated", positions: ["admin"] }, 0)).toBe(false);
  });
});
