// One import at a time: progress from the core's channel, cancel, and per-file outcomes.

import { Channel } from "@tauri-apps/api/core";
import { api, type ColumnRole, type FileOutcome, type FileProgress, type ImportChoices, type ImportPreview } from "../backend";
import { project } from "./project.svelte";
import { fail } from "./status.svelte";

export const importer = $state({
  /** Whether the import panel is shown. */
  open: false,
  running: false,
  cancelling: false,
  progress: null as FileProgress | null,
  outcomes: [] as FileOutcome[],
});

/** A journey stage's choice in the preview: this phase key, or a new phase. */
export const NEW_PHASE = "+new";

/** The import preview of one table file: how each column is read, the roles a person changed,
 * and what each journey stage that is no phase yet becomes (nothing until chosen). */
export const preview = $state({
  path: null as string | null,
  data: null as ImportPreview | null,
  roles: [] as [string, ColumnRole][],
  stageChoice: {} as Record<string, string>,
  loading: false,
});

/** The file's stages that are no phase yet, including those already mapped onto a phase. */
export function previewStages(): string[] {
  const seen = new Set([...(preview.data?.new_phases ?? []), ...Object.keys(preview.stageChoice)]);
  return [...seen];
}

/** The choices as the core takes them: every stage must be decided before new ones are made. */
function choices(): ImportChoices {
  const chosen = Object.entries(preview.stageChoice);
  const decided = previewStages().every((s) => preview.stageChoice[s]);
  return {
    roles: preview.roles,
    phase_map: chosen.filter(([, c]) => c !== NEW_PHASE),
    create_phases: decided && chosen.some(([, c]) => c === NEW_PHASE),
  };
}

/** Imports `paths`; a single table file is previewed first (see `preview`). */
export async function importPaths(paths: string[]): Promise<FileOutcome[] | null> {
  if (paths.length === 0 || importer.running) return null;
  try {
    if (paths.length === 1 && (await api.isTableFile(paths[0]))) {
      preview.path = paths[0];
      preview.roles = [];
      preview.stageChoice = {};
      await refreshPreview();
      return null;
    }
  } catch (e) {
    fail(e);
    return null;
  }
  return runImport(paths, { roles: [], phase_map: [], create_phases: false });
}

/** Reads the previewed file again with the choices made so far. */
export async function refreshPreview(): Promise<void> {
  if (!preview.path) return;
  preview.loading = true;
  try {
    preview.data = await api.previewImport(preview.path, choices());
  } catch (e) {
    fail(e);
    closePreview();
  } finally {
    preview.loading = false;
  }
}

/** Gives a column another role and reads the file again (the stages may change with it). */
export async function chooseRole(column: string, role: ColumnRole): Promise<void> {
  preview.roles = [...preview.roles.filter(([c]) => c !== column), [column, role]];
  preview.stageChoice = {};
  await refreshPreview();
}

/** Decides what journey stages become: `NEW_PHASE` or a phase key ("" undecides). */
export async function chooseStages(stages: string[], choice: string): Promise<void> {
  const next = { ...preview.stageChoice };
  for (const s of stages) {
    if (choice) next[s] = choice;
    else delete next[s];
  }
  preview.stageChoice = next;
  await refreshPreview();
}

export function closePreview(): void {
  preview.path = null;
  preview.data = null;
  preview.roles = [];
  preview.stageChoice = {};
}

/** Imports the previewed file with the choices made in the preview. */
export async function importPreviewed(): Promise<void> {
  const path = preview.path;
  if (!path) return;
  const chosen = choices();
  closePreview();
  await runImport([path], chosen);
}

async function runImport(paths: string[], chosen: ImportChoices): Promise<FileOutcome[] | null> {
  importer.open = true;
  importer.running = true;
  importer.cancelling = false;
  importer.outcomes = [];
  importer.progress = null;
  const channel = new Channel<FileProgress>();
  channel.onmessage = (p) => {
    importer.progress = p;
  };
  try {
    const outcomes = await api.importFiles(paths, chosen, channel);
    importer.outcomes = outcomes;
    return outcomes;
  } catch (e) {
    fail(e);
    return null;
  } finally {
    importer.running = false;
    importer.cancelling = false;
    await project.refresh();
  }
}

export async function pickAndImport(): Promise<void> {
  try {
    const paths = await api.pickFiles();
    if (paths.length > 0) await importPaths(paths);
  } catch (e) {
    fail(e);
  }
}

export async function cancelImport(): Promise<void> {
  if (!importer.running) return;
  importer.cancelling = true;
  try {
    await api.cancelImport();
  } catch (e) {
    fail(e);
  }
}

export function closeImport(): void {
  if (importer.running) return;
  importer.open = false;
  importer.outcomes = [];
  importer.progress = null;
}
