import { describe, expect, it } from "vitest";
import type { ReportSettings } from "./bindings";
import {
  bounded,
  CHAPTERS,
  chosenItems,
  formOf,
  nothingChosen,
  QUOTES,
  settingsOf,
  sliceKey,
  sliceOf,
  toggleItem,
  withItem,
  wordsOf,
} from "./exportForm";

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

  it("chooses chapters: the most mentioned, or the chosen items", () => {
    const f = formOf(saved);
    expect(f.pick).toBe("chosen");
    f.pick = "top";
    expect(settingsOf(f)).toMatchObject({ items: [], chapters: 5 });
    expect(nothingChosen(f)).toBe(false);
    f.pick = "chosen";
    expect(settingsOf(f).items).toEqual([4, 7]);
    expect(formOf({ ...saved, items: [] }).pick).toBe("top");
  });

  it("keeps checked items in the list's order, and those not listed after them", () => {
    const list = [9, 7, 3, 4];
    expect(withItem([], list, 3, true)).toEqual([3]);
    expect(withItem([3], list, 9, true)).toEqual([9, 3]);
    expect(withItem([9, 3], list, 4, true)).toEqual([9, 3, 4]);
    expect(withItem([9, 3, 4], list, 3, false)).toEqual([9, 4]);
    expect(withItem([9, 3], list, 3, true)).toEqual([9, 3]);
    // 12 is not mentioned with the current filters: kept, after the listed ones.
    expect(withItem([12, 4], list, 7, true)).toEqual([7, 4, 12]);
    expect(withItem([12, 4], list, 12, false)).toEqual([4]);
  });

  it("checks items under the current kind, dropping those chosen under another", () => {
    const f = formOf(saved);
    toggleItem(f, [7, 4, 2], 2, true);
    expect(settingsOf(f).items).toEqual([7, 4, 2]);
    f.kind = "code";
    expect(chosenItems(f)).toEqual([]);
    expect(nothingChosen(f)).toBe(true);
    expect(settingsOf(f).items).toEqual([]);
    toggleItem(f, [30, 31], 31, true);
    expect(settingsOf(f)).toMatchObject({ kind: "code", items: [31] });
    expect(nothingChosen(f)).toBe(false);
    toggleItem(f, [30, 31], 31, false);
    expect(nothingChosen(f)).toBe(true);
    // The themes chosen before are gone: switching back does not bring them.
    f.kind = "theme";
    expect(chosenItems(f)).toEqual([]);
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
