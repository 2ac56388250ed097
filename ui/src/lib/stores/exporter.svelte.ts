// The Export page: the report builder's fields, the core's preview of the report, what
// anonymisation replaces, and one export at a time with progress and cancel. Kept outside the
// page so an export (and the builder's fields) survive visiting other pages.

import { Channel } from "@tauri-apps/api/core";
import {
  api,
  BackendError,
  type ExportOutcome,
  type ExportProgress,
  type ItemKind,
  type Language,
  type MatrixRow,
  type Replacement,
  type Report,
} from "../backend";
import { formOf, nothingChosen, settingsOf, wordsOf, type ReportForm } from "../exportForm";
import { language, t } from "../i18n";
import { latestOnly } from "../latest";
import { project } from "./project.svelte";
import { fail, say } from "./status.svelte";

/** What the write buttons write. */
export type ExportTarget = "docx" | "html" | "xlsx" | "testimonials" | "qdpx" | "qdpx-nvivo" | "qdc";

/** Whether a target is the report (whose chapters the builder chooses). */
export function reportTarget(target: ExportTarget): boolean {
  return target === "docx" || target === "html";
}

export const exporter = $state({
  /** The project (its path) the fields were loaded for. */
  path: null as string | null,
  form: null as ReportForm | null,
  /** Attributes whose values anonymisation replaces, and the word list as typed. */
  personalAttributes: [] as string[],
  wordsText: "",
  /** The personal data as last saved (to tell unsaved changes). */
  savedPersonal: "",
  savingPersonal: false,
  report: null as Report | null,
  /** The settings the preview was made with (JSON), to tell when it is out of date. */
  previewed: "",
  /** The "Chapters of" the preview was made with (null: automatic). */
  previewedKind: null as ItemKind | null,
  previewing: false,
  replacements: null as Replacement[] | null,
  running: null as ExportTarget | null,
  cancelling: false,
  progress: null as ExportProgress | null,
  /** The last export's outcome; null before one, or when its dialog was cancelled. */
  outcome: null as ExportOutcome | null,
});

function personalKey(attributes: string[], words: string): string {
  return JSON.stringify([[...attributes].sort(), wordsOf(words)]);
}

/** Whether the attributes or the word list differ from what was saved. */
export function personalChanged(): boolean {
  return personalKey(exporter.personalAttributes, exporter.wordsText) !== exporter.savedPersonal;
}

/** The settings the builder's fields describe (a plain object, for the core). */
export function currentSettings() {
  return exporter.form ? settingsOf($state.snapshot(exporter.form) as ReportForm) : null;
}

/** Whether the fields differ from those the preview shows. */
export function previewStale(): boolean {
  const s = currentSettings();
  return s != null && exporter.report != null && JSON.stringify(s) !== exporter.previewed;
}

/**
 * The themes or codes to choose chapters from, most mentioned first: those of the last
 * preview, when it was made for the "Chapters of" now chosen; else null (preview again).
 */
export function itemCandidates(): MatrixRow[] | null {
  const f = exporter.form;
  const r = exporter.report;
  if (!f || !r || (f.kind || null) !== exporter.previewedKind) return null;
  return r.matrix.rows;
}

/**
 * "Chosen" with nothing checked among the listed themes or codes: nothing to preview. (When
 * the list needs a preview first, one is made with the most mentioned, to list them.)
 */
export function previewBlocked(): boolean {
  return exporter.form != null && nothingChosen(exporter.form) && itemCandidates() != null;
}

/** "Chosen" with nothing checked: no report to write. */
export function reportBlocked(): boolean {
  return exporter.form != null && nothingChosen(exporter.form);
}

/**
 * Opens the page: the saved settings of this project (the fields are kept while the same
 * project stays open), then the preview and the replacements.
 */
export async function openExport(): Promise<void> {
  const path = project.overview?.path ?? null;
  if (exporter.path !== path || !exporter.form) {
    exporter.report = null;
    exporter.previewed = "";
    exporter.previewedKind = null;
    exporter.replacements = null;
    exporter.outcome = null;
    try {
      const s = await api.exportSettings(language());
      exporter.form = formOf(s.report);
      showPersonal(s.personal_attributes, s.personal_words);
      exporter.path = path;
    } catch (e) {
      fail(e);
      return;
    }
  }
  if (!exporter.running) await preview();
}

function showPersonal(attributes: string[], words: string[]): void {
  exporter.personalAttributes = [...attributes];
  exporter.wordsText = words.join("\n");
  exporter.savedPersonal = personalKey(exporter.personalAttributes, exporter.wordsText);
}

const latestPreview = latestOnly();

/** Asks the core for the report the fields describe. */
export function preview(): Promise<void> {
  const settings = currentSettings();
  if (!settings || previewBlocked()) return Promise.resolve();
  exporter.previewing = true;
  return new Promise((done) =>
    latestPreview(
      api.previewReport(settings),
      (r) => {
        exporter.report = r;
        exporter.previewed = JSON.stringify(settings);
        exporter.previewedKind = settings.kind;
      },
      fail,
      () => {
        exporter.previewing = false;
        done();
      },
    ),
  );
}

const latestReplacements = latestOnly();

/** What anonymising an export in `lang` replaces (pseudonyms are in the report's language). */
export function loadReplacements(lang: Language): void {
  latestReplacements(
    api.anonymisationPreview(lang),
    (r) => {
      exporter.replacements = r;
    },
    fail,
  );
}

/** Saves the personal attributes and the word list, then shows their effect. */
export async function savePersonal(): Promise<void> {
  if (exporter.savingPersonal || !exporter.form) return;
  exporter.savingPersonal = true;
  try {
    await api.setPersonalData($state.snapshot(exporter.personalAttributes), wordsOf(exporter.wordsText));
    // The core cleans the word list; show it as saved.
    const s = await api.exportSettings(exporter.form.language);
    showPersonal(s.personal_attributes, s.personal_words);
    say(t("export.personalSaved"));
  } catch (e) {
    fail(e);
    return;
  } finally {
    exporter.savingPersonal = false;
  }
  loadReplacements(exporter.form.language);
  await preview();
}

/** Writes a report, the quote workbook, the testimonials or a REFI-QDA file where the user chooses. */
export async function writeExport(target: ExportTarget): Promise<void> {
  const s = currentSettings();
  if (!s || exporter.running) return;
  if (reportTarget(target) && reportBlocked()) return;
  exporter.running = target;
  exporter.cancelling = false;
  exporter.progress = null;
  exporter.outcome = null;
  const channel = new Channel<ExportProgress>();
  channel.onmessage = (p) => {
    exporter.progress = p;
  };
  try {
    let outcome: ExportOutcome | null;
    if (reportTarget(target)) {
      outcome = await api.exportReport(s, target === "docx", channel);
    } else if (target === "xlsx") {
      outcome = await api.exportQuotes(
        { language: s.language, filter: s.filter, slice: s.slice, anonymise: s.anonymise },
        channel,
      );
    } else if (target === "qdpx" || target === "qdpx-nvivo" || target === "qdc") {
      // NVivo counts selection offsets in UTF-16 units; the standard and the other tools in characters.
      outcome = await api.exportRefi(target === "qdc" ? "qdc" : "qdpx", target === "qdpx-nvivo" ? "utf16" : "characters");
    } else {
      outcome = await api.exportTestimonials(s.language, s.anonymise);
    }
    exporter.outcome = outcome;
    if (outcome) say(t("export.written", { path: outcome.path }));
  } catch (e) {
    if (e instanceof BackendError && e.kind === "cancelled") say(t("export.stopped"));
    else fail(e);
  } finally {
    exporter.running = null;
    exporter.cancelling = false;
    exporter.progress = null;
  }
}

export async function cancelExport(): Promise<void> {
  if (!exporter.running) return;
  exporter.cancelling = true;
  try {
    await api.cancelExport();
  } catch (e) {
    fail(e);
  }
}
