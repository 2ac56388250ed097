import { describe, expect, it } from "vitest";
import { sentimentColour, sentimentLabel } from "./sentiment";

describe("sentiment", () => {
  it("names the core's labels", () => {
    expect(sentimentLabel("positive")).toBe("analysis.label.positive");
    expect(sentimentLabel("neutral")).toBe("analysis.label.neutral");
    expect(sentimentLabel("negative")).toBe("analysis.label.negative");
    expect(sentimentLabel(null)).toBe("analysis.label.none");
  });

  it("runs from red through grey to green", () => {
    expect(sentimentColour(0)).toBe("rgb(107, 112, 117)");
    expect(sentimentColour(-1)).toBe("rgb(176, 58, 46)");
    expect(sentimentColour(1)).toBe("rgb(37, 121, 74)");
    expect(sentimentColour(-5)).toBe(sentimentColour(-1));
    expect(sentimentColour(Number.NaN)).toBe(sentimentColour(0));
    expect(sentimentColour(0.5)).toBe("rgb(72, 117, 96)");
  });
});
