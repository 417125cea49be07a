/**
 * Code 128 bars from bwip-js (the encoder of the Barcode Writer in Pure
 * PostScript, maintained and widely used), captured through its drawing
 * interface as bars in module units, so the label can draw them as vector
 * rectangles: sharp at any printer resolution, no image to embed.
 */
import { code128 } from "bwip-js/generic";

/** One bar: left edge and width, in modules. */
export type Bar = { x: number; width: number };

export function code128Bars(text: string): { bars: Bar[]; modules: number } {
  const bars: Bar[] = [];
  let modules = 0;
  code128(
    { bcid: "code128", text, scale: 1, height: 10 },
    {
      scale: () => null,
      measure: () => ({ width: 0, ascent: 0, descent: 0 }),
      init: (width: number) => {
        modules = width;
      },
      // Linear symbols are drawn as vertical lines at pixel centres: a bar of width lw starts
      // at x0 - ceil(lw / 2) (checked against bwip-js's raw bar/space widths in barcode.test.ts).
      line: (x0: number, _y0: number, _x1: number, _y1: number, lw: number) => {
        bars.push({ x: x0 - Math.ceil(lw / 2), width: lw });
      },
      polygon: () => undefined,
      hexagon: () => undefined,
      ellipse: () => undefined,
      fill: () => undefined,
      text: () => undefined,
      end: () => undefined,
    },
  );
  bars.sort((a, b) => a.x - b.x);
  return { bars, modules };
}
