// Who is coding: the name every new coding and memo records. The app asks for it when this
// machine has none remembered, and the header shows it with a way to change it. Also whose
// codings the views show (the core decides: every coder's, a filter's, or in blind coding the
// coder's own).

import { api } from "../backend";
import { t } from "../i18n";
import { mutate, project } from "./project.svelte";
import { fail } from "./status.svelte";

export const coderPrompt = $state({
  open: false,
  /** The name as typed. */
  name: "",
  saving: false,
});

/** Opens the prompt with the current name to change. */
export function askCoder(): void {
  coderPrompt.name = project.overview?.coder ?? "";
  coderPrompt.open = true;
}

/** Asks for a name when this machine has not remembered one yet. */
export async function askCoderIfUnknown(): Promise<void> {
  try {
    if ((await api.rememberedCoder()) == null) askCoder();
  } catch (e) {
    fail(e);
  }
}

/** Remembers the typed name on this machine and codes under it from now on. */
export async function saveCoder(): Promise<void> {
  if (coderPrompt.saving || !coderPrompt.name.trim()) return;
  coderPrompt.saving = true;
  try {
    await api.setCoder(coderPrompt.name);
    coderPrompt.open = false;
    // In blind coding the views show the coder's own codings: reload them all.
    await project.refresh();
  } catch (e) {
    fail(e);
  } finally {
    coderPrompt.saving = false;
  }
}

/** Shows only `name`'s codings in every view ("" for everyone's). */
export async function showCoder(name: string): Promise<void> {
  await mutate(
    () => api.filterCoders(name ? [name] : []),
    () => (name ? t("coder.showingOne", { name }) : t("coder.showingAll")),
  );
}

/** Turns blind coding on or off for the project (off: the coder chooses to compare). */
export async function setBlindCoding(on: boolean): Promise<void> {
  await mutate(
    () => api.setBlindCoding(on),
    () => (on ? t("blind.started") : t("blind.ended")),
  );
}
