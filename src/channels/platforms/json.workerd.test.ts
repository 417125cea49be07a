import { describe, expect, it } from "vitest";
import { idString, parsePlatformJson } from "./json";

describe("platform JSON", () => {
  it("keeps 18-digit ids exact, as text", () => {
    const parsed = parsePlatformJson('{"id":820982911946154508,"line_items":[{"id":466157049,"price":"199.00"}]}') as { id: unknown; line_items: { id: unknown }[] };
    expect(parsed.id).toBe("820982911946154508");
    expect(parsed.line_items[0]!.id).toBe(466157049);
    expect(idString(parsed.id)).toBe("820982911946154508");
    expect(idString(parsed.line_items[0]!.id)).toBe("466157049");
  });

  it("reads escaped slashes, unicode escapes and fractions as JSON does", () => {
    const parsed = parsePlatformJson('{"u":"https:\\/\\/x.example\\/a","n":"\\u5357\\u5c71","w":8.0,"f":1.5e300}') as Record<string, unknown>;
    expect(parsed).toEqual({ u: "https://x.example/a", n: "南山", w: 8, f: 1.5e300 });
  });

  it("has no id for absent or empty values", () => {
    expect(idString(undefined)).toBeNull();
    expect(idString("  ")).toBeNull();
    expect(idString(1.5)).toBeNull();
  });
});
