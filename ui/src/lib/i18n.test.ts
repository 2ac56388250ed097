import { describe, expect, it } from "vitest";
import { dictionaries, formatNumber, kindLabel, setLanguage, t } from "./i18n";

function placeholders(entry: string | { one: string; other: string }): string[] {
  const text = typeof entry === "string" ? entry : entry.one + " " + entry.other;
  return [...new Set(text.match(/\{\w+\}/g) ?? [])].sort();
}

describe("dictionaries", () => {
  it("have the same keys and placeholders in English and Finnish", () => {
    const en = dictionaries.en;
    const fi = dictionaries.fi;
    expect(Object.keys(fi).sort()).toEqual(Object.keys(en).sort());
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(typeof fi[key], key).toBe(typeof en[key]);
      // A plural form may leave out {n} ("one" often says it in words), the other must not.
      const enP = placeholders(en[key]);
      const fiP = placeholders(fi[key]);
      expect(fiP, key).toEqual(enP);
      expect(String(fi[key]).trim(), key).not.toBe("");
    }
  });
});

describe("t", () => {
  it("fills placeholders, picks plurals and follows the language", () => {
    setLanguage("en");
    expect(t("status.hitsCoded", { n: 1, code: "Price" })).toBe("1 hit coded as Price");
    expect(t("status.hitsCoded", { n: 12, code: "Price" })).toBe("12 hits coded as Price");
    expect(t("nav.codebook")).toBe("Codebook");
    expect(kindLabel("interview")).toBe("Interview");
    expect(kindLabel("podcast")).toBe("podcast");
    setLanguage("fi");
    expect(t("nav.codebook")).toBe("Koodikirja");
    expect(t("history.undo")).toBe("Kumoa");
    expect(t("status.hitsCoded", { n: 12, code: "Hinta" })).toBe("12 osumaa koodattu: Hinta");
    expect(formatNumber(1234)).toMatch(/^1\s234$/);
    setLanguage("en");
  });
});
