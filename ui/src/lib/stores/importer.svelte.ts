// One import at a time: progress from the core's channel, cancel, and per-file outcomes.

import { Channel } from "@tauri-apps/api/core";
import { api, type ColumnRole, type FileOutcome, type FileProgress, type ImportPreview } from "../backend";
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

/** The import preview of one table file: how each column is read, the roles a person changed. */
export const preview = $state({
  path: null as string | null,
  data: null as ImportPreview | null,
  roles: [] as [string, ColumnRole][],
  createPhases: false,
  loading: false,
});

/** Imports `paths`; a single table file is previewed first (see `preview`). */
export async function importPaths(paths: string[]): Promise<FileOutcome[] | null> {
  if (paths.length === 0 || importer.running) return null;
  try {
    if (paths.length === 1 && (await api.isTableFile(paths[0]))) {
      preview.path = paths[0];
      preview.roles = [];
      preview.createPhases = false;
      await refreshPreview();
      return null;
    }
  } catch (e) {
    fail(e);
    return null;
  }
  return runImport(paths, [], false);
}

/** Reads the previewed file again with the choices made so far. */
export async function refreshPreview(): Promise<void> {
  if (!preview.path) return;
  preview.loading = true;
  try {
    preview.data = await api.previewImport(preview.path, preview.roles, preview.createPhases);
  } catch (e) {
    fail(e);
    closePreview();
  } finally {
    preview.loading = false;
  }
}

/** Gives a column another role and reads the file again. */
export async function chooseRole(column: string, role: ColumnRole): Promise<void> {
  preview.roles = [...preview.roles.filter(([c]) => c !== column), [column, role]];
  await refreshPreview();
}

export async function setCreatePhases(create: boolean): Promise<void> {
  preview.createPhases = create;
  await refreshPreview();
}

export function closePreview(): void {
  preview.path = null;
  preview.data = null;
  preview.roles = [];
}

/** Imports the previewed file with the choices made in the preview. */
export async function importPreviewed(): Promise<void> {
  const path = preview.path;
  if (!path) return;
  const roles = preview.roles;
  const createPhases = preview.createPhases;
  closePreview();
  await runImport([path], roles, createPhases);
}

async function runImport(paths: string[], roles: [string, ColumnRole][], createPhases: boolean): Promise<FileOutcome[] | null> {
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
    const outcomes = await api.importFiles(paths, roles, createPhases, channel);
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
