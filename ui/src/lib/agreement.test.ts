import { describe, expect, it } from "vitest";
import {
  alphaBand,
  canCompare,
  codingsByCoder,
  coefficientText,
  kappaKind,
  kappaOf,
  percentText,
  requestOf,
  splitCoders,
  UNDEFINED,
  withCoder,
} from "./agreement";
import type { Coding, Measures } from "./bindings";

const en = (n: number, digits: number) =>
  new Intl.NumberFormat("en-GB", { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n);
const fi = (n: number, digits: number) =>
  new Intl.NumberFormat("fi-FI", { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n);

function coding(coder: string, start: number, end: number, id = start): Coding {
  return { id, code_id: 1, source_id: 1, start, end, coder, origin: "manual", confidence: null, created_at: "" };
}

describe("choosing coders", () => {
  it("needs at least two different coders", () => {
    expect(canCompare([])).toBe(false);
    expect(canCompare(["Aino"])).toBe(false);
    expect(canCompare(["Aino", "Aino"])).toBe(false);
    expect(canCompare(["Aino", "Beda"])).toBe(true);
    expect(canCompare(["Aino", "Beda", "Cecilia"])).toBe(true);
  });

  it("keeps the chosen in the list's order, and unlisted ones after them", () => {
    const list = ["Aino", "Beda", "Cecilia"];
    expect(withCoder([], list, "Cecilia", true)).toEqual(["Cecilia"]);
    expect(withCoder(["Cecilia"], list, "Aino", true)).toEqual(["Aino", "Cecilia"]);
    expect(withCoder(["Aino", "Cecilia"], list, "Aino", true)).toEqual(["Aino", "Cecilia"]);
    expect(withCoder(["Aino", "Cecilia"], list, "Aino", false)).toEqual(["Cecilia"]);
    expect(withCoder(["Gone", "Beda"], list, "Aino", true)).toEqual(["Aino", "Beda", "Gone"]);
  });
});

describe("the request", () => {
  it("compares every code on the chosen sources; empty choices are no filter", () => {
    expect(requestOf({ coders: ["Aino", "Beda", "Aino"], unit: "char", kind: "", phase: " " })).toEqual({
      coders: ["Aino", "Beda"],
      unit: "char",
      code: null,
      filter: { kind: null, phase: null },
    });
    expect(requestOf({ coders: ["Aino", "Beda"], unit: "segment", kind: "interview", phase: "onboarding" }).filter).toEqual({
      kind: "interview",
      phase: "onboarding",
    });
  });
});

describe("the kappa", () => {
  const m: Measures = { units: 10, percent: 0.9, cohen_kappa: 0.5, fleiss_kappa: 0.48, alpha: 0.51, unitized_alpha: null };

  it("is Cohen's for two coders and Fleiss' for more", () => {
    expect(kappaKind(2)).toBe("cohen");
    expect(kappaKind(3)).toBe("fleiss");
    expect(kappaOf(m, "cohen")).toBe(0.5);
    expect(kappaOf(m, "fleiss")).toBe(0.48);
    expect(kappaOf({ ...m, cohen_kappa: null }, "cohen")).toBeNull();
  });
});

describe("measures as text", () => {
  it("shows percent agreement as a percentage with one decimal", () => {
    expect(percentText(0.875, en)).toBe("87.5 %");
    expect(percentText(1, en)).toBe("100.0 %");
    expect(percentText(0.12345, fi)).toBe("12,3 %");
  });

  it("shows kappa and alpha with three decimals", () => {
    expect(coefficientText(0.8, en)).toBe("0.800");
    expect(coefficientText(0.66666, fi)).toBe("0,667");
    expect(coefficientText(-0.0001, en)).toBe("0.000");
    expect(coefficientText(-0.25, en)).toBe("-0.250");
  });

  it("shows a dash for an undefined measure", () => {
    expect(percentText(null, en)).toBe(UNDEFINED);
    expect(coefficientText(null, en)).toBe(UNDEFINED);
    expect(coefficientText(Number.NaN, en)).toBe(UNDEFINED);
  });
});

describe("alpha against the usual bars", () => {
  it("is reliable from 0.8, tentative from 0.667, low below", () => {
    expect(alphaBand(1)).toBe("reliable");
    expect(alphaBand(0.8)).toBe("reliable");
    expect(alphaBand(0.79)).toBe("tentative");
    expect(alphaBand(0.667)).toBe("tentative");
    expect(alphaBand(0.6669)).toBe("low");
    expect(alphaBand(-0.2)).toBe("low");
    expect(alphaBand(null)).toBeNull();
  });
});

describe("a disagreement", () => {
  it("splits the coders into who coded the place and who did not, in their order", () => {
    expect(splitCoders(["Aino", "Beda", "Cecilia"], ["Cecilia", "Aino"])).toEqual({
      coded: ["Aino", "Cecilia"],
      notCoded: ["Beda"],
    });
  });

  it("puts each coder's codings side by side, in text order", () => {
    const codings = [coding("Beda", 40, 60), coding("Aino", 30, 50), coding("Beda", 10, 45)];
    expect(codingsByCoder(["Aino", "Beda", "Cecilia"], codings)).toEqual([
      { coder: "Aino", codings: [codings[1]] },
      { coder: "Beda", codings: [codings[2], codings[0]] },
      { coder: "Cecilia", codings: [] },
    ]);
  });
});
