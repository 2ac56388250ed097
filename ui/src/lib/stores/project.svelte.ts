// The open project as the UI sees it: overview, codebook, phases and undo history, reloaded
// from the core after every change. `revision` ticks on each change so views can reload too.

import { api, type Code, type Coder, type EditSummary, type HistoryState, type Phase, type ProjectOverview } from "../backend";
import { t } from "../i18n";
import { resetNav } from "./nav.svelte";
import { fail, say } from "./status.svelte";

const NO_HISTORY: HistoryState = { undo: null, redo: null };

/** What an undo/redo step does, in words ("code 12 passages"). */
export function stepLabel(step: EditSummary): string {
  switch (step.action) {
    case "add_codings":
      return t("history.addCodings", { n: step.count });
    case "remove_codings":
      return t("history.removeCodings", { n: step.count });
    case "recode":
      return t("history.recode", { n: step.count });
    case "resolve":
      return t("history.resolve", { n: step.count });
  }
}

class ProjectStore {
  overview = $state<ProjectOverview | null>(null);
  /** False until the first projectOverview() answered. */
  ready = $state(false);
  codes = $state<Code[]>([]);
  /** Everyone codings are attributed to, with their numbers of codings. */
  coders = $state<Coder[]>([]);
  phases = $state<Phase[]>([]);
  history = $state<HistoryState>(NO_HISTORY);
  revision = $state(0);

  codeById = $derived(new Map(this.codes.map((c) => [c.id, c])));
  phaseByKey = $derived(new Map(this.phases.map((p) => [p.key, p])));

  /** `Parent / Child` of a code id, as the core names it. */
  path(id: number): string {
    return this.codeById.get(id)?.path ?? "";
  }

  async load(): Promise<void> {
    try {
      this.overview = await api.projectOverview();
      if (this.overview) await this.loadDetails();
    } catch (e) {
      fail(e);
    } finally {
      this.ready = true;
    }
  }

  /** A project was opened or created: start afresh on it. */
  async opened(overview: ProjectOverview): Promise<void> {
    resetNav();
    this.overview = overview;
    this.codes = [];
    this.coders = [];
    this.history = NO_HISTORY;
    await this.loadDetails();
    this.revision++;
  }

  private async loadDetails(): Promise<void> {
    const [codes, coders, phases, history] = await Promise.all([
      api.codes(),
      api.coders(),
      api.phases(),
      api.historyState(),
    ]);
    this.codes = codes;
    this.coders = coders;
    this.phases = phases;
    this.history = history;
  }

  /** Reloads everything derived from the project after a change. */
  async refresh(): Promise<void> {
    try {
      const overview = await api.projectOverview();
      this.overview = overview;
      if (overview) await this.loadDetails();
    } catch (e) {
      fail(e);
    }
    this.revision++;
  }
}

export const project = new ProjectStore();

/**
 * Runs a change in the core; on success refreshes the project and says `message(result)` in
 * the status line, on failure shows the error. Returns undefined when it failed.
 */
export async function mutate<T>(run: () => Promise<T>, message?: (result: T) => string): Promise<T | undefined> {
  let result: T;
  try {
    result = await run();
  } catch (e) {
    fail(e);
    return undefined;
  }
  await project.refresh();
  if (message) say(message(result));
  return result;
}

export async function undo(): Promise<void> {
  const step = project.history.undo;
  if (!step) return;
  const done = await mutate(() => api.undo());
  if (done) say(t("status.undone", { what: stepLabel(step) }));
}

export async function redo(): Promise<void> {
  const step = project.history.redo;
  if (!step) return;
  const done = await mutate(() => api.redo());
  if (done) say(t("status.redone", { what: stepLabel(step) }));
}
