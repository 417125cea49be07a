import { describe, expect, it } from "vitest";
import { TRACKING_STATUSES } from "../tracking-status";
import { mapAfterShip } from "./aftership";
import { mapEasyPost } from "./easypost";
import { parseTime } from "./partner";
import { mapShippo, parseSignatureHeader } from "./shippo";

describe("every partner's documented statuses map onto our vocabulary", () => {
  it("EasyPost", () => {
    expect(mapEasyPost("unknown", null)).toBe("pre_transit");
    expect(mapEasyPost("pre_transit", "label_created")).toBe("pre_transit");
    expect(mapEasyPost("in_transit", "arrived_at_facility")).toBe("in_transit");
    expect(mapEasyPost("out_for_delivery", "out_for_delivery")).toBe("out_for_delivery");
    expect(mapEasyPost("available_for_pickup", "arrived_at_pickup_location")).toBe("available_for_pickup");
    expect(mapEasyPost("delivered", "arrived_at_destination")).toBe("delivered");
    expect(mapEasyPost("return_to_sender", "return")).toBe("returned_to_sender");
    expect(mapEasyPost("failure", "delivery_exception")).toBe("failed_attempt");
    expect(mapEasyPost("failure", "lost")).toBe("exception");
    expect(mapEasyPost("error", null)).toBe("exception");
    expect(mapEasyPost("cancelled", "cancelled")).toBe("exception");
  });

  it("AfterShip, unknown subtags falling back to their tag", () => {
    expect(mapAfterShip("Pending", null, false)).toBe("pre_transit");
    expect(mapAfterShip("InfoReceived", "InfoReceived_001", false)).toBe("pre_transit");
    expect(mapAfterShip("InTransit", "InTransit_099", false)).toBe("in_transit");
    expect(mapAfterShip("OutForDelivery", "OutForDelivery_001", false)).toBe("out_for_delivery");
    expect(mapAfterShip("AvailableForPickup", "AvailableForPickup_001", false)).toBe("available_for_pickup");
    expect(mapAfterShip("Delivered", "Delivered_001", false)).toBe("delivered");
    expect(mapAfterShip("AttemptFail", "AttemptFail_001", false)).toBe("failed_attempt");
    expect(mapAfterShip("Exception", "Exception_013", false)).toBe("exception");
    expect(mapAfterShip("Exception", "Exception_010", false)).toBe("returned_to_sender");
    expect(mapAfterShip("Exception", "Exception_011", false)).toBe("returned_to_sender");
    // Delivered back to the sender after a return is a return, not a delivery.
    expect(mapAfterShip("Delivered", "Delivered_001", true)).toBe("returned_to_sender");
    expect(mapAfterShip("Expired", "Expired_001", false)).toBe("exception");
  });

  it("Shippo, with substatus refinements", () => {
    expect(mapShippo("UNKNOWN", null)).toBe("pre_transit");
    expect(mapShippo("PRE_TRANSIT", "information_received")).toBe("pre_transit");
    expect(mapShippo("TRANSIT", "package_arrived")).toBe("in_transit");
    expect(mapShippo("TRANSIT", "out_for_delivery")).toBe("out_for_delivery");
    expect(mapShippo("TRANSIT", "pickup_available")).toBe("available_for_pickup");
    expect(mapShippo("DELIVERED", "delivered")).toBe("delivered");
    expect(mapShippo("RETURNED", "return_to_sender")).toBe("returned_to_sender");
    expect(mapShippo("FAILURE", "delivery_attempted")).toBe("failed_attempt");
    expect(mapShippo("FAILURE", "package_lost")).toBe("exception");
  });

  it("never fails on words it has never seen, and always answers in our vocabulary", () => {
    for (const junk of ["", "teleported", "IN_TRANSIT", "__proto__", "constructor", "x".repeat(500)]) {
      expect(TRACKING_STATUSES).toContain(mapEasyPost(junk, junk));
      expect(TRACKING_STATUSES).toContain(mapAfterShip(junk, junk, false));
      expect(TRACKING_STATUSES).toContain(mapShippo(junk, junk));
      expect(mapEasyPost(junk, null)).toBe("exception");
      expect(mapAfterShip(junk, null, false)).toBe("exception");
      expect(mapShippo(junk, null)).toBe("exception");
    }
  });
});

describe("partners' times and headers", () => {
  it("reads UTC, offsets, bare dates and local times; refuses junk", () => {
    expect(parseTime("2025-06-16T07:15:00Z")).toBe(Date.UTC(2025, 5, 16, 7, 15));
    expect(parseTime("2025-06-16T03:15:00-04:00")).toBe(Date.UTC(2025, 5, 16, 7, 15));
    expect(parseTime("2025-06-16")).toBe(Date.UTC(2025, 5, 16));
    expect(parseTime("2025-06-16T07:15:00")).toBe(Date.UTC(2025, 5, 16, 7, 15));
    expect(parseTime("yesterday")).toBeNull();
    expect(parseTime(12345)).toBeNull();
  });

  it("parses Shippo's t=..,v1=.. header, with several v1 while rotating", () => {
    expect(parseSignatureHeader("t=1750058700,v1=abc")).toEqual({ t: "1750058700", v1: ["abc"] });
    expect(parseSignatureHeader("t=1, v1=a, v1=b")).toEqual({ t: "1", v1: ["a", "b"] });
    expect(parseSignatureHeader("v1=abc")).toBeNull();
    expect(parseSignatureHeader("t=abc,v1=x")).toBeNull();
  });
});
