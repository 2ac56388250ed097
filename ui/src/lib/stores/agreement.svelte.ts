// The Agreement page: the project's coders, whom to compare on what, and the core's answer.
// Kept outside the page so the choices and the result survive a visit to the reader (the
// disagreement list opens it) and to other pages.

import { api, type Agreement, type Disagreement, type SourceKind, type UnitKind } from "../backend";
import { canCompare, requestOf, withCoder } from "../agreement";
import { openSource } from "./nav.svelte";
import { mutate, project } from "./project.svelte";
import { t } from "../i18n";
import { fail } from "./status.svelte";

/** Disagreements listed at first, and added by each "Show more". */
export const DISAGREEMENT_PAGE = 100;

export const agreement = $state({
  /** The project (its path) the coders and the result belong to. */
  path: null as string | null,
  /** The checked coders, in the list's order. */
  chosen: [] as string[],
  unit: "segment" as UnitKind,
  /** Which sources are compared (empty: all). */
  kind: "" as SourceKind | "",
  phase: "",
  running: false,
  result: null as Agreement | null,
  /** The request the result answers (JSON), to tell when the choices have changed. */
  compared: "",
  /** The project revision the result was computed at, to tell when codings have changed. */
  comparedRevision: 0,
  /** How many of the result's disagreements the list shows. */
  shown: DISAGREEMENT_PAGE,
  /** The disagreement last opened in the reader (its index), to find it again on return. */
  opened: null as number | null,
});

function requestKey(): string {
  return JSON.stringify(
    requestOf({ coders: agreement.chosen, unit: agreement.unit, kind: agreement.kind, phase: agreement.phase }),
  );
}

/** Whether the Compare button can run: two different coders chosen, nothing running. */
export function compareReady(): boolean {
  return canCompare(agreement.chosen) && !agreement.running;
}

/** Whether the result shown differs from what the choices ask for. */
export function choicesChanged(): boolean {
  return agreement.result != null && requestKey() !== agreement.compared;
}

/** Whether codings have changed since the result was computed. */
export function codingsChanged(): boolean {
  return agreement.result != null && project.revision !== agreement.comparedRevision;
}

/**
 * Opens the page (and follows each change): starts afresh when another project is open, and
 * unchecks chosen coders who no longer code anything (the project store lists the coders).
 */
export function followProject(): void {
  const path = project.overview?.path ?? null;
  if (agreement.path !== path) {
    agreement.path = path;
    agreement.chosen = [];
    agreement.result = null;
    agreement.compared = "";
    agreement.kind = "";
    agreement.phase = "";
    agreement.opened = null;
  }
  const names = project.coders.map((c) => c.name);
  agreement.chosen = agreement.chosen.filter((n) => names.includes(n));
}

/** Checks or unchecks a coder. */
export function chooseCoder(name: string, on: boolean): void {
  const order = project.coders.map((c) => c.name);
  agreement.chosen = withCoder(agreement.chosen, order, name, on);
}

/** Asks the core how well the chosen coders agree. */
export async function compare(): Promise<void> {
  if (!compareReady()) return;
  const request = requestOf({ coders: agreement.chosen, unit: agreement.unit, kind: agreement.kind, phase: agreement.phase });
  const path = agreement.path;
  const revision = project.revision;
  agreement.running = true;
  try {
    const result = await api.agreement(request);
    if (agreement.path !== path) return;
    agreement.result = result;
    agreement.compared = JSON.stringify(request);
    agreement.comparedRevision = revision;
    agreement.shown = DISAGREEMENT_PAGE;
    agreement.opened = null;
  } catch (e) {
    fail(e);
  } finally {
    agreement.running = false;
  }
}

/** Lists more of the disagreements. */
export function showMoreDisagreements(): void {
  agreement.shown += DISAGREEMENT_PAGE;
}

/** Opens the reader at a disagreement (its index in the result's list). */
export function openDisagreement(index: number, d: Disagreement): void {
  agreement.opened = index;
  openSource(d.source_id, { start: d.start, end: d.end });
}

/** Settles a disagreement by `keep`'s judgment (one undoable step in the core), then compares again. */
export async function resolveDisagreement(d: Disagreement, keep: string): Promise<void> {
  const coders = agreement.result?.coders;
  if (!coders || agreement.running) return;
  const done = await mutate(
    () => api.resolveDisagreement(d.code_id, d.source_id, d.start, d.end, coders, keep),
    () => t("agreement.dis.resolved", { coder: keep }),
  );
  if (done !== undefined) await compare();
}
