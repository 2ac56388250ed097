// Typed wrappers over the desktop shell's commands.

import { invoke } from "@tauri-apps/api/core";
import type { ProjectOverview, SearchResults } from "./types";

export function projectOverview(): Promise<ProjectOverview> {
  return invoke<ProjectOverview>("project_overview");
}

export function search(query: string, limit: number): Promise<SearchResults> {
  return invoke<SearchResults>("search", { query, limit });
}
