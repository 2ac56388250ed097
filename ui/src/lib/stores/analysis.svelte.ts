// One analysis run at a time: progress from the core's channel, cancel, and how far the
// project's analysis has got. Kept outside the page so a run survives visiting other pages.

import { Channel } from "@tauri-apps/api/core";
import { api, BackendError, errorMessage, type AnalysisOverview, type AnalysisProgress, type AnalysisReport } from "../backend";
import { t } from "../i18n";
import { project } from "./project.svelte";
import { fail, say } from "./status.svelte";

export const analysis = $state({
  overview: null as AnalysisOverview | null,
  running: false,
  cancelling: false,
  progress: null as AnalysisProgress | null,
  /** How the last run ended. */
  outcome: null as "done" | "stopped" | "failed" | null,
  report: null as AnalysisReport | null,
  /** The last run's error (`kind` from the core: `model_missing`, `model`, …). */
  error: null as { kind: string; message: string } | null,
  /** Ticks when a run ends, so the page reloads themes and suggestions. */
  runs: 0,
});

/** The stages in the order the core runs them. */
export const STAGES = ["embedding", "sentiment", "themes", "phases", "suggestions"] as const;

/** Segments (or sentences) the next run still has to do; 0 when nothing is left. */
export function workLeft(o: AnalysisOverview | null): { segments: number; sentences: number } {
  const s = o?.status;
  if (!s) return { segments: 0, sentences: 0 };
  return { segments: Math.max(0, s.segments - s.segments_embedded), sentences: Math.max(0, s.sentences - s.sentences_scored) };
}

export async function loadOverview(): Promise<void> {
  try {
    analysis.overview = await api.analysisOverview();
  } catch (e) {
    fail(e);
  }
}

export async function runAnalysis(): Promise<void> {
  if (analysis.running) return;
  analysis.running = true;
  analysis.cancelling = false;
  analysis.progress = null;
  analysis.outcome = null;
  analysis.error = null;
  const channel = new Channel<AnalysisProgress>();
  channel.onmessage = (p) => {
    analysis.progress = p;
  };
  try {
    analysis.report = await api.analyze(channel);
    analysis.outcome = "done";
    say(t("analysis.finished"));
  } catch (e) {
    const kind = e instanceof BackendError ? e.kind : "error";
    if (kind === "cancelled") {
      analysis.outcome = "stopped";
      say(t("analysis.stopped"));
    } else {
      analysis.outcome = "failed";
      analysis.error = { kind, message: errorMessage(e) };
      fail(e);
    }
  } finally {
    analysis.running = false;
    analysis.cancelling = false;
    analysis.progress = null;
    analysis.runs++;
    // Phases, codes and counts may have changed; the project was held during the run.
    await Promise.all([loadOverview(), project.refresh()]);
  }
}

export async function cancelAnalysis(): Promise<void> {
  if (!analysis.running) return;
  analysis.cancelling = true;
  try {
    await api.cancelAnalysis();
  } catch (e) {
    fail(e);
  }
}
