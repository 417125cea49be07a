import { describe, expect, it } from "vitest";
import { ContactForm } from "./schemas";

describe("the order page's contact form", () => {
  it("takes a phone as the order's intake does, masked marketplace numbers included", () => {
    for (const phone of ["+1 (415) 555-0100", "13800138000-1234", "13800138000转1234", "13800138000#1234"]) {
      expect(ContactForm.safeParse({ email: "", phone }).success, phone).toBe(true);
    }
    expect(ContactForm.safeParse({ email: "", phone: "call me" }).success).toBe(false);
    expect(ContactForm.parse({ email: "", phone: "" })).toEqual({ email: null, phone: null });
  });
});
