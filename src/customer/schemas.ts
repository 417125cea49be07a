/** The order page's forms. A form posts strings; an empty optional field means "none". */
import { z } from "@hono/zod-openapi";
import { AFTER_SALES_KINDS } from "../db/schema";
import { Address, PHONE_PATTERN } from "../orders/schemas";

export const AddressForm = Address;

export const ContactForm = z.object({
  email: z
    .email()
    .max(254)
    .or(z.literal(""))
    .transform((v) => v || null),
  phone: z
    .string()
    .trim()
    .regex(PHONE_PATTERN, "must be a phone number")
    .or(z.literal(""))
    .transform((v) => v || null),
});

export const AfterSalesForm = z.object({
  kind: z.enum(AFTER_SALES_KINDS),
  reason: z.string().trim().min(1, "tell us what is wrong").max(2000),
});
