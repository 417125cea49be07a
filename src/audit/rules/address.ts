/**
 * Address and contact completeness per destination country: the fields a
 * carrier needs, postal codes and phone numbers in the country's format.
 * Formats are known for US, CN, GB, DE and JP; other countries get the
 * required-field checks only.
 */
import { z } from "@hono/zod-openapi";
import { CONFIRMABLE, CUSTOMER_FIXABLE } from "../customer-actions";
import { maskedMobile } from "../normalise";
import type { RawFinding, RuleKind } from "../types";

type CountryFormat = { postal: RegExp; phone: RegExp; dial: string; regionRequired: boolean; example: string };

// Phone patterns take the number with spaces, dots, dashes and brackets removed.
const FORMATS: Record<string, CountryFormat> = {
  US: { dial: "+1", postal: /^\d{5}(-\d{4})?$/, phone: /^(\+1|1)?[2-9]\d{2}[2-9]\d{6}$/, regionRequired: true, example: "94105 or 94105-1234" },
  CN: { dial: "+86", postal: /^\d{6}$/, phone: /^(\+86)?(1[3-9]\d{9}|0\d{2,3}\d{7,8})$/, regionRequired: true, example: "200001" },
  GB: {
    dial: "+44",
    postal: /^(GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})$/i,
    phone: /^(\+44|0)\d{9,10}$/,
    regionRequired: false,
    example: "SW1A 1AA",
  },
  DE: { dial: "+49", postal: /^\d{5}$/, phone: /^(\+49|0)\d{6,13}$/, regionRequired: false, example: "10115" },
  JP: { dial: "+81", postal: /^\d{3}-?\d{4}$/, phone: /^(\+81|0)\d{9,10}$/, regionRequired: true, example: "100-0001" },
};

const Params = z.object({
  /** Require an email or a phone so the customer can be reached. */
  require_contact: z.boolean().default(true),
  check_phone_format: z.boolean().default(true),
});

export const addressRule: RuleKind<z.infer<typeof Params>> = {
  kind: "address",
  description: "Shipping address complete, postal code and phone in the destination country's format, a way to reach the customer",
  params: Params,
  defaultSeverity: "hold",
  evaluate({ order }, _ctx, params) {
    const a = order.shippingAddress;
    const out: RawFinding[] = [];
    if (!order.requiresShipping) return contact(order, params, out).map(withActions);
    for (const field of ["name", "line1", "city", "postal_code", "country"] as const) {
      if (!a[field]?.trim()) {
        out.push({ code: "address_incomplete", message: `The address has no ${field.replace("_", " ")}`, params: { field }, field: `shipping_address.${field}` });
      }
    }
    const format = FORMATS[a.country ?? ""];
    if (format && a.postal_code && !format.postal.test(a.postal_code.trim())) {
      out.push({
        code: "postal_code_invalid",
        message: `"${a.postal_code}" is not a ${a.country} postal code (like ${format.example})`,
        params: { postal_code: a.postal_code, country: a.country!, example: format.example },
        field: "shipping_address.postal_code",
      });
    }
    if (format?.regionRequired && !a.region?.trim()) {
      out.push({
        code: "region_missing",
        message: `A ${a.country} address needs its state, province or prefecture`,
        params: { country: a.country! },
        field: "shipping_address.region",
      });
    }
    return contact(order, params, out).map(withActions);
  },
};

const withActions = (f: RawFinding): RawFinding => ({ ...f, customerAction: CUSTOMER_FIXABLE[f.code] ?? null, confirmable: CONFIRMABLE.has(f.code) });

function contact(
  order: { customerEmail: string | null; customerPhone: string | null; shippingAddress: Record<string, string | null> },
  params: z.infer<typeof Params>,
  out: RawFinding[],
) {
  if (params.require_contact && !order.customerEmail && !order.customerPhone) {
    out.push({ code: "contact_missing", message: "There is no email or phone to reach the customer", params: {}, field: "customer" });
  }
  const format = FORMATS[order.shippingAddress.country ?? ""];
  const phone = order.customerPhone?.replace(/[\s().-]/g, "");
  // A number in the destination's own format, or any well-formed international number (a US customer may ship to Germany),
  // or a marketplace's masked receiver number (a virtual mobile and the buyer's extension), which reaches the customer too.
  const masked = !!order.customerPhone && maskedMobile(order.customerPhone, order.shippingAddress.country) !== null;
  const valid = !phone || !format || masked || (phone.startsWith("+") && !phone.startsWith(format.dial) ? /^\+[1-9]\d{7,14}$/.test(phone) : format.phone.test(phone));
  if (params.check_phone_format && !valid) {
    out.push({
      code: "phone_invalid",
      message: `"${order.customerPhone}" does not look like a ${order.shippingAddress.country} phone number`,
      params: { phone: order.customerPhone!, country: order.shippingAddress.country ?? "" },
      field: "customer.phone",
    });
  }
  return out;
}
