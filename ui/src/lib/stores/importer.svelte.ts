// One import at a time: progress from the core's channel, cancel, and per-file outcomes.

import { Channel } from "@tauri-apps/api/core";
import { api, type FileOutcome, type FileProgress } from "../backend";
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

export async function importPaths(paths: string[]): Promise<FileOutcome[] | null> {
  if (paths.length === 0 || importer.running) return null;
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
    const outcomes = await api.importFiles(paths, channel);
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
