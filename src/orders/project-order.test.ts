import { describe, expect, it } from "vitest";
import { accessOfRole, ROLES } from "../auth/roles";
import { postalPrefix, projectCustomer, seesMessages } from "./project-order";

const facts = {
  name: "Ada Lovelace",
  email: "ada@example.com",
  phone: "+44 20 7946 0958",
  address: { name: "Ada Lovelace", line1: "12 St James's Square", line2: null, city: "London", region: null, postal_code: "SW1Y 4JH", country: "GB" },
  customerKey: "cus_abc",
};

describe("what each role sees of the customer", () => {
  it("maps every role to a scope: contact roles, the floor's ship-to, analysts' pseudonyms", () => {
    const scopes = Object.fromEntries(ROLES.map((r) => [r, accessOfRole(r).contactScope]));
    expect(scopes).toEqual({
      admin: "contact",
      auditor: "contact",
      support: "contact",
      channel: "contact",
      warehouse: "ship_to",
      logistics: "ship_to",
      partner: "ship_to",
      analyst: "pseudonymous",
      warehouse_lead: "ship_to",
      picker: "ship_to",
      packer: "ship_to",
      finance: "contact",
      owner: "contact",
    });
  });

  it("contact: everything, and no customer key", () => {
    const v = projectCustomer("contact", facts);
    expect(v.customer).toEqual({ name: "Ada Lovelace", email: "ada@example.com", phone: "+44 20 7946 0958" });
    expect(v.shipping_address).toMatchObject({ line1: "12 St James's Square", postal_code: "SW1Y 4JH", city: "London" });
    expect(v).not.toHaveProperty("customer_key");
  });

  it("ship_to: the parcel's recipient, name, address and phone, never the email", () => {
    const v = projectCustomer("ship_to", facts);
    expect(v.customer).toEqual({ name: "Ada Lovelace", phone: "+44 20 7946 0958" });
    expect(JSON.stringify(v)).not.toContain("ada@example.com");
    expect(v.shipping_address).toMatchObject({ name: "Ada Lovelace", line1: "12 St James's Square", city: "London", postal_code: "SW1Y 4JH", country: "GB" });
  });

  it("pseudonymous: no name, email, phone or street; region, postal prefix, country and the customer key", () => {
    const v = projectCustomer("pseudonymous", facts);
    expect(v).toEqual({ shipping_address: { region: null, postal_prefix: "SW1Y", country: "GB" }, customer_key: "cus_abc" });
    const text = JSON.stringify(v);
    for (const secret of ["Ada", "ada@", "7946", "James", "London", "4JH"]) expect(text).not.toContain(secret);
  });

  it("customer messages are for contact roles only", () => {
    expect(ROLES.filter((r) => seesMessages(accessOfRole(r).contactScope))).toEqual(["admin", "auditor", "support", "channel", "finance", "owner"]);
  });
});

describe("postal prefix", () => {
  it("keeps the outward code or the first three characters", () => {
    expect(postalPrefix("SW1Y 4JH")).toBe("SW1Y");
    expect(postalPrefix("k1a 0b1")).toBe("K1A");
    expect(postalPrefix("94105-1234")).toBe("941");
    expect(postalPrefix("100-0001")).toBe("100");
    expect(postalPrefix("")).toBe("");
    expect(postalPrefix(null)).toBe("");
  });
});
