import { describe, expect, it } from "vitest";
import { pageOfId } from "./nav";

describe("pageOfId", () => {
  it("links the ids that have a console page, escaped", () => {
    expect(pageOfId("ord_01JQ5Z8W3K2M4N6P8R0T2V4X6Y")).toBe("/console/orders/ord_01JQ5Z8W3K2M4N6P8R0T2V4X6Y");
    expect(pageOfId("shp_01JQ5Z8W3K2M4N6P8R0T2V4X6Y")).toBe("/console/logistics/shipments/shp_01JQ5Z8W3K2M4N6P8R0T2V4X6Y");
    expect(pageOfId("as_01JQ5Z8W3K2M4N6P8R0T2V4X6Y")).toBe("/console/after-sales/as_01JQ5Z8W3K2M4N6P8R0T2V4X6Y");
    expect(pageOfId("usr_01JQ5Z8W3K2M4N6P8R0T2V4X6Y")).toBe("/console/settings/people/usr_01JQ5Z8W3K2M4N6P8R0T2V4X6Y");
    expect(pageOfId("st_demo")).toBe("/console/settings/stores/st_demo");
    expect(pageOfId("po_01JQ5Z8W3K2M4N6P8R0T2V4X6Y")).toBe("/console/purchasing/orders/po_01JQ5Z8W3K2M4N6P8R0T2V4X6Y");
    expect(pageOfId("sup_01JQ5Z8W3K2M4N6P8R0T2V4X6Y")).toBe("/console/purchasing/suppliers/sup_01JQ5Z8W3K2M4N6P8R0T2V4X6Y");
    expect(pageOfId("cst_01JQ5Z8W3K2M4N6P8R0T2V4X6Y")).toBe("/console/customers/cst_01JQ5Z8W3K2M4N6P8R0T2V4X6Y");
  });

  it("leaves alone what has no page or is not an id", () => {
    for (const id of ["key_01JQ5Z8W3K2M4N6P8R0T2V4X6Y", "bootstrap", "ord_", "ord_../../x", "ORD_1", "javascript:alert(1)", ""]) expect(pageOfId(id)).toBeNull();
  });
});
