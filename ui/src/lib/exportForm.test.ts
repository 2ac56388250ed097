import { describe, expect, it } from "vitest";
import type { ReportSettings } from "./bindings";
import { bounded, CHAPTERS, formOf, QUOTES, settingsOf, sliceKey, sliceOf, wordsOf } from "./exportForm";

const saved: ReportSettings = {
  language: "fi",
  title: "Kevät 2025",
  author: "Aino",
  filter: {
    date_from: "2025-01",
    date_to: null,
    attribute: { name: "segment", value: "SMB=small" },
    channel: "email",
    phase: "onboarding",
    kind: "survey_answer",
  },
  slice: { attribute: "segment" },
  kind: "theme",
  items: [4, 7],
  chapters: 5,
  quotes_per_chapter: 2,
  anonymise: false,
};

describe("report form", () => {
  it("gives back the saved settings unchanged", () => {
    expect(settingsOf(formOf(saved))).toEqual(saved);
  });

  it("reads the fields: trimmed text, empty means no filter, numbers kept in range", () => {
    const f = formOf(saved);
    f.title = "  ";
    f.from = " 2025 ";
    f.to = "2025-03-14";
    f.phase = "";
    f.segment = "";
    f.slice = "";
    f.chapters = 50;
    f.quotes = null;
    const s = settingsOf(f);
    expect(s.title).toBe("");
    expect(s.filter).toEqual({
      date_from: "2025",
      date_to: "2025-03-14",
      attribute: null,
      channel: "email",
      phase: null,
      kind: "survey_answer",
    });
    expect(s.slice).toBeNull();
    expect(s.chapters).toBe(CHAPTERS.max);
    expect(s.quotes_per_chapter).toBe(QUOTES.fallback);
  });

  it("drops the chosen chapters when the kind changes", () => {
    const f = formOf(saved);
    f.kind = "code";
    expect(settingsOf(f).items).toEqual([]);
    f.kind = "";
    expect(settingsOf(f)).toMatchObject({ kind: null, items: [] });
    f.kind = "theme";
    expect(settingsOf(f).items).toEqual([4, 7]);
  });

  it("names slices for the menu and back", () => {
    for (const s of [null, "kind", "channel", "month", { attribute: "Region: north" }] as const) {
      expect(sliceOf(sliceKey(s))).toEqual(s);
    }
    expect(sliceKey({ attribute: "segment" })).toBe("attr:segment");
  });

  it("bounds numbers", () => {
    expect(bounded(0, CHAPTERS)).toBe(1);
    expect(bounded(2.6, QUOTES)).toBe(3);
    expect(bounded(Number.NaN, CHAPTERS)).toBe(CHAPTERS.fallback);
    expect(bounded(-1, QUOTES)).toBe(0);
  });

  it("splits the word list into lines", () => {
    expect(wordsOf("Matti\r\nLiisa Virtanen\n\nAcme")).toEqual(["Matti", "Liisa Virtanen", "", "Acme"]);
  });
});
