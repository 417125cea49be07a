#!/usr/bin/env python3
"""
Builds the CJK font our PDFs embed, src/lib/fonts/noto-sans-sc-subset.ttf.bin, from Noto Sans CJK SC, once, at build
time; the result is committed (docs/pdf-fonts.md). TrueType, named .bin so wrangler and the Workers vitest pool both
load it as a Data module (an ArrayBuffer) by their default rules. The full collection is 19 MB, far too big for a
Worker; the subset keeps:

- every character of GB 2312 (6,763 Simplified Chinese characters, which cover nearly all of the 3,500 of level 1
  of the 通用规范汉字表, plus GB 2312's own punctuation, full-width forms, kana, Greek, Cyrillic, box drawing), taken
  from Python's gb2312 codec so the list is reproducible without a download;
- the Unicode blocks a Chinese merchant's documents mix in: Latin (Basic, Latin-1, Extended-A), general punctuation,
  CJK symbols and punctuation, Hiragana, Katakana, half- and full-width forms, and the currency signs.

The list is written to src/lib/fonts/noto-sans-sc-subset.chars.txt (committed, so a review sees what changed).
Layout tables and hints are dropped: pdf-lib draws one glyph per character, left to right. The outlines are then
converted from CFF to TrueType (quadratic, within 1 unit of 1000 per em): pdf-lib's font subsetter (@pdf-lib/fontkit)
writes invalid CID-keyed CFF fonts (poppler: "Embedded font file may be invalid"; nothing shows). The output is the
same bytes on every run (the source's timestamps are kept).

Needs fontTools (Debian: apt-get install -y python3-fonttools). Run: /usr/bin/python3 scripts/subset-cjk-font.py
"""
import os
import sys

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

SOURCE = os.environ.get("NOTO_CJK_TTC", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
FACE = "Noto Sans CJK SC"
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "lib", "fonts")
OUT = os.path.join(ROOT, "noto-sans-sc-subset.ttf.bin")
CHARS = os.path.join(ROOT, "noto-sans-sc-subset.chars.txt")

RANGES = [
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x017F),  # Latin-1 Supplement, Latin Extended-A
    (0x2000, 0x206F),  # General Punctuation
    (0x20A0, 0x20BF),  # Currency Symbols
    (0x2100, 0x214F),  # Letterlike Symbols (№, ℃)
    (0x3000, 0x303F),  # CJK Symbols and Punctuation
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0xFF00, 0xFFEF),  # Halfwidth and Fullwidth Forms
]


def gb2312():
    """Every character GB 2312 encodes: rows 0xA1-0xF7, cells 0xA1-0xFE, the undefined ones skipped."""
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                yield bytes([hi, lo]).decode("gb2312")
            except UnicodeDecodeError:
                pass


def face_index(path, family):
    for i, font in enumerate(TTCollection(path, lazy=True).fonts):
        if font["name"].getDebugName(1) == family:
            return i
    sys.exit(f"{family} is not in {path}")


def to_truetype(path):
    """CFF outlines to glyf/loca, in place (after fontTools' Snippets/otf2ttf.py)."""
    font = TTFont(path, recalcTimestamp=False)
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    # Every glyph record an even length: fontkit's subsetter writes a short `loca` (offsets / 2) and copies records as
    # they are, so one odd-length record shifts every later glyph and they print blank (pdf-lib issue #1232).
    glyf.padding = 4
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    del font["CFF "]
    font["maxp"] = maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for k in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, k, 0)
    maxp.maxZones = 1
    post = font["post"]
    post.formatType = 3.0  # no glyph names: CID fonts have none worth keeping
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"
    font.save(path)


def main():
    codepoints = {ord(c) for c in gb2312()}
    hanzi = sum(1 for c in codepoints if 0x4E00 <= c <= 0x9FFF)
    for lo, hi in RANGES:
        codepoints.update(range(lo, hi + 1))
    chars = "".join(chr(c) for c in sorted(codepoints))
    with open(CHARS, "w", encoding="utf-8") as f:
        for i in range(0, len(chars), 64):
            f.write(chars[i : i + 64] + "\n")
    index = face_index(SOURCE, FACE)
    subset.main([
        SOURCE,
        f"--font-number={index}",
        f"--text-file={CHARS}",
        f"--output-file={OUT}",
        "--layout-features=",
        "--no-hinting",
        "--drop-tables+=BASE,VORG,vhea,vmtx,GDEF,GSUB,GPOS",
        "--name-IDs=0,1,2,3,4,5,6,13,14",
        "--notdef-outline",
    ])
    to_truetype(OUT)
    print(f"{FACE} (face {index}): {len(codepoints)} code points ({hanzi} of them hanzi from GB 2312) -> {OUT}, {os.path.getsize(OUT)} bytes")


main()
