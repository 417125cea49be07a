/**
 * A complete order as intake builds it (buildOrder), for tests of the storage layer that write an order's rows
 * themselves: two lines, a paid GBP order for a customer in London. Each test names what it needs to differ.
 */
import { buildOrder } from "../src/orders/build-order";

type Person = { name: string; email: string; phone: string; line1: string; postalCode: string };

export function fixtureOrder(o: {
  storeId: string;
  externalId: string;
  person: Person;
  /** The second line: a product of its own, goods or a service. */
  second: { sku: string; name: string; type: "goods" | "service" };
  now: number;
}) {
  const built = buildOrder(
    {
      store_id: o.storeId,
      channel: "web",
      external_id: o.externalId,
      customer: { name: o.person.name, email: o.person.email, phone: o.person.phone },
      shipping_address: { name: o.person.name, line1: o.person.line1, city: "London", postal_code: o.person.postalCode, country: "GB" },
      lines: [
        { sku: "TEA-1", quantity: 2, unit_price: "10.00" },
        { sku: o.second.sku, quantity: 1, unit_price: "5.00" },
      ],
      currency: "GBP",
      payment_status: "paid",
    } as Parameters<typeof buildOrder>[0],
    {
      catalogue: new Map([
        ["TEA-1", { name: "Tea", type: "goods" as const, active: true }],
        [o.second.sku, { name: o.second.name, type: o.second.type, active: true }],
      ]),
      actor: "key_test",
      now: o.now,
    },
  );
  if (!built.ok) throw new Error("fixture order does not build");
  return built.value;
}
