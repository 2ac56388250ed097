import { describe, expect, it } from "vitest";
import { CodePointIndex, cpLength } from "./offsets";

describe("cpLength", () => {
  it("counts code points, not UTF-16 units", () => {
    expect(cpLength("")).toBe(0);
    expect(cpLength("abc")).toBe(3);
    expect(cpLength("äö")).toBe(2);
    expect(cpLength("a😀b")).toBe(3);
    expect(cpLength("👍🏽")).toBe(2); // thumbs up + skin tone: two scalar values
    expect(cpLength("e\u0301")).toBe(2); // combining accent is its own scalar value
    expect(cpLength("\ud800x")).toBe(2); // lone surrogate counts as one, like Array.from
  });

  it("agrees with Array.from", () => {
    for (const s of ["😀😀", "x🎉y🎉z", "Hyvä 👋 päivä", "𝔘𝔫𝔦"]) expect(cpLength(s)).toBe(Array.from(s).length);
  });
});

describe("CodePointIndex", () => {
  it("is the identity for BMP-only text", () => {
    const ix = new CodePointIndex("Hyvää päivää");
    expect(ix.length).toBe(12);
    for (let i = 0; i <= 12; i++) {
      expect(ix.toUtf16(i)).toBe(i);
      expect(ix.toCodePoint(i)).toBe(i);
    }
    expect(ix.slice(0, 5)).toBe("Hyvää");
  });

  it("converts both ways around emoji", () => {
    const text = "a😀b🎉🎉c";
    const ix = new CodePointIndex(text);
    const chars = Array.from(text);
    expect(ix.length).toBe(chars.length);
    let u = 0;
    for (let cp = 0; cp <= chars.length; cp++) {
      expect(ix.toUtf16(cp)).toBe(u);
      expect(ix.toCodePoint(u)).toBe(cp);
      if (cp < chars.length) u += chars[cp].length;
    }
    expect(ix.slice(1, 2)).toBe("😀");
    expect(ix.slice(3, 5)).toBe("🎉🎉");
    expect(ix.slice(5, 6)).toBe("c");
  });

  it("rounds an index inside a surrogate pair down to its character", () => {
    const ix = new CodePointIndex("x😀y");
    expect(ix.toCodePoint(2)).toBe(1); // between the two halves of 😀
    expect(ix.toCodePoint(3)).toBe(2);
  });

  it("clamps out-of-range offsets", () => {
    const ix = new CodePointIndex("😀a");
    expect(ix.toUtf16(-3)).toBe(0);
    expect(ix.toUtf16(99)).toBe(3);
    expect(ix.toCodePoint(99)).toBe(2);
  });

  it("matches Array.from slicing on a long mixed text", () => {
    const parts = ["Asiakas: ", "toimitus 📦 myöhässä", " 😀", "\n\n", "ok 👍🏽", "𝔘"];
    let text = "";
    for (let i = 0; i < 200; i++) text += parts[i % parts.length];
    const ix = new CodePointIndex(text);
    const chars = Array.from(text);
    for (let s = 0; s < chars.length; s += 37) {
      const e = Math.min(chars.length, s + 53);
      expect(ix.slice(s, e)).toBe(chars.slice(s, e).join(""));
      const u = ix.toUtf16(s);
      expect(ix.toCodePoint(u)).toBe(s);
    }
  });
});
