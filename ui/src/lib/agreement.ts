// The Agreement page's small decisions, kept apart from the page so they can be tested: whom
// to compare, what the request is, which kappa applies, how a measure reads, and where an
// alpha stands against the usual bars for reliable coding.

import type { AgreementRequest, Coding, Measures, SourceKind, UnitKind } from "./bindings";

/** Krippendorff's bars: reliable coding, and enough for tentative conclusions. */
export const ALPHA_RELIABLE = 0.8;
export const ALPHA_TENTATIVE = 0.667;

/** What the controls describe (empty strings: no filter). */
export interface AgreementChoice {
  coders: string[];
  unit: UnitKind;
  kind: SourceKind | "";
  phase: string;
}

/** The chosen coders without repeats: comparing needs at least two different ones. */
export function canCompare(chosen: readonly string[]): boolean {
  return new Set(chosen).size >= 2;
}

/**
 * `chosen` with `name` checked or unchecked, in the order of the coder list (`order`); chosen
 * names the list no longer has are kept after the listed ones.
 */
export function withCoder(chosen: readonly string[], order: readonly string[], name: string, on: boolean): string[] {
  const set = new Set(chosen);
  if (on) set.add(name);
  else set.delete(name);
  const listed = order.filter((n) => set.has(n));
  const unlisted = [...set].filter((n) => !order.includes(n));
  return [...listed, ...unlisted];
}

/** The request for the core: every code, the chosen sources. */
export function requestOf(choice: AgreementChoice): AgreementRequest {
  return {
    coders: [...new Set(choice.coders)],
    unit: choice.unit,
    code: null,
    filter: { kind: choice.kind || null, phase: choice.phase.trim() || null },
  };
}

/** Which kappa a comparison shows: Cohen's for exactly two coders, Fleiss' for more. */
export type KappaKind = "cohen" | "fleiss";

export function kappaKind(coders: number): KappaKind {
  return coders === 2 ? "cohen" : "fleiss";
}

/** The kappa of `kind` in `m` (null: undefined). */
export function kappaOf(m: Measures, kind: KappaKind): number | null {
  return kind === "cohen" ? m.cohen_kappa : m.fleiss_kappa;
}

/** A number with fixed decimals in the UI language (`formatFixed` of ./i18n). */
export type Fixed = (n: number, digits: number) => string;

/** The dash shown for an undefined measure. */
export const UNDEFINED = "–";

/** Percent agreement (a share 0..1) as a percentage with one decimal; the dash when undefined. */
export function percentText(share: number | null, fixed: Fixed): string {
  return share == null || !Number.isFinite(share) ? UNDEFINED : `${fixed(share * 100, 1)} %`;
}

/** A kappa or an alpha with three decimals; the dash when undefined. */
export function coefficientText(value: number | null, fixed: Fixed): string {
  if (value == null || !Number.isFinite(value)) return UNDEFINED;
  // A value that rounds to zero is shown as 0, not "-0.000".
  return fixed(Math.abs(value) < 0.0005 ? 0 : value, 3);
}

/** Where an alpha stands: reliable (≥ 0.8), enough for tentative conclusions (≥ 0.667), or below. */
export type AlphaBand = "reliable" | "tentative" | "low";

export function alphaBand(alpha: number | null): AlphaBand | null {
  if (alpha == null || !Number.isFinite(alpha)) return null;
  if (alpha >= ALPHA_RELIABLE) return "reliable";
  if (alpha >= ALPHA_TENTATIVE) return "tentative";
  return "low";
}

/** The compared coders split into those who coded a place and those who did not, in order. */
export function splitCoders(coders: readonly string[], codedBy: readonly string[]): { coded: string[]; notCoded: string[] } {
  const by = new Set(codedBy);
  return { coded: coders.filter((c) => by.has(c)), notCoded: coders.filter((c) => !by.has(c)) };
}

/** Each compared coder with their codings at a place, side by side (in the coders' order). */
export function codingsByCoder(coders: readonly string[], codings: readonly Coding[]): { coder: string; codings: Coding[] }[] {
  return coders.map((coder) => ({
    coder,
    codings: codings.filter((c) => c.coder === coder).sort((a, b) => a.start - b.start || a.end - b.end),
  }));
}
