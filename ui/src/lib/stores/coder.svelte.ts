// Who is coding: the name every new coding and memo records. The app asks for it when this
// machine has none remembered, and the header shows it with a way to change it.

import { api } from "../backend";
import { project } from "./project.svelte";
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
    project.overview = await api.setCoder(coderPrompt.name);
    coderPrompt.open = false;
  } catch (e) {
    fail(e);
  } finally {
    coderPrompt.saving = false;
  }
}
