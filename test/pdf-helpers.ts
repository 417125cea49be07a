/**
 * Reading our PDFs back the way a viewer does: the fonts each page uses, and the text each `Tj` shows, decoded
 * through the font (WinAnsi bytes for Helvetica, glyph ids through the ToUnicode map for an embedded font). So a
 * test sees "张三" where a reader would, and "??" where the font could not draw it.
 */
import { decodePDFRawStream, PDFArray, PDFDict, PDFDocument, PDFName, type PDFRawStream, PDFRef } from "pdf-lib";

export type ShownText = { font: string; text: string };

const decoded = (doc: PDFDocument, ref: unknown) => new TextDecoder().decode(decodePDFRawStream(doc.context.lookup(ref as PDFRef) as PDFRawStream).decode());

/** Every font of every page, by BaseFont (pdf-lib names an embedded font after its PostScript name and a random number: `NotoSansCJKsc-Regular-2114`). */
export async function pdfFonts(bytes: Uint8Array): Promise<string[]> {
  const doc = await PDFDocument.load(bytes);
  const names = new Set<string>();
  for (const page of doc.getPages()) {
    const fonts = page.node.Resources()?.lookup(PDFName.of("Font"), PDFDict);
    for (const [, ref] of fonts?.entries() ?? []) names.add(String(doc.context.lookup(ref, PDFDict).get(PDFName.of("BaseFont"))).slice(1));
  }
  return [...names].sort();
}

/** The text shown on every page, one entry per `Tj`, with the BaseFont it is shown in. */
export async function pdfText(bytes: Uint8Array): Promise<ShownText[]> {
  const doc = await PDFDocument.load(bytes);
  const shown: ShownText[] = [];
  for (const page of doc.getPages()) {
    const fonts = page.node.Resources()?.lookup(PDFName.of("Font"), PDFDict);
    const byKey = new Map<string, { name: string; toUnicode: Map<number, string> | null }>();
    for (const [key, ref] of fonts?.entries() ?? []) {
      const dict = doc.context.lookup(ref, PDFDict);
      const cmap = dict.get(PDFName.of("ToUnicode"));
      const toUnicode = cmap instanceof PDFRef ? bfchars(decoded(doc, cmap)) : null;
      byKey.set(key.asString().slice(1), { name: String(dict.get(PDFName.of("BaseFont"))).slice(1), toUnicode });
    }
    const contents = page.node.Contents()!;
    const streams = contents instanceof PDFArray ? contents.asArray() : [contents];
    const ops = streams.map((s) => (s instanceof PDFRef ? decoded(doc, s) : new TextDecoder().decode(decodePDFRawStream(s as PDFRawStream).decode()))).join("\n");
    let font: { name: string; toUnicode: Map<number, string> | null } | undefined;
    for (const m of ops.matchAll(/\/([\w.+-]+) [\d.]+ Tf|<([0-9A-Fa-f]*)> Tj/g)) {
      if (m[1]) font = byKey.get(m[1]);
      else if (font) shown.push({ font: font.name, text: showText(m[2]!, font.toUnicode) });
    }
  }
  return shown;
}

function showText(hex: string, toUnicode: Map<number, string> | null): string {
  const width = toUnicode ? 4 : 2;
  let out = "";
  for (let i = 0; i < hex.length; i += width) {
    const code = Number.parseInt(hex.slice(i, i + width), 16);
    out += toUnicode ? (toUnicode.get(code) ?? "\ufffd") : String.fromCharCode(code);
  }
  return out;
}

/** A ToUnicode CMap's `bfchar` entries (pdf-lib writes one per glyph): glyph id to text. */
function bfchars(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g))
    for (const [, gid, utf16] of block[1]!.matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) {
      const units = utf16!.match(/.{4}/g)!.map((u) => Number.parseInt(u, 16));
      map.set(Number.parseInt(gid!, 16), String.fromCharCode(...units));
    }
  return map;
}
