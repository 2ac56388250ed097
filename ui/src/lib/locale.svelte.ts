// The UI language as reactive state, persisted in localStorage. Read it through i18n/ (index.ts).

export type Lang = "en" | "fi";
export const LANGUAGES: readonly Lang[] = ["en", "fi"];

const STORAGE_KEY = "polku.language";

function initial(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === "en" || saved === "fi") return saved;
  } catch {
    // Storage unavailable: fall back to the system language.
  }
  return typeof navigator !== "undefined" && navigator.language.toLowerCase().startsWith("fi") ? "fi" : "en";
}

export const locale = $state<{ lang: Lang }>({ lang: initial() });

export function setLanguage(lang: Lang): void {
  locale.lang = lang;
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // Not persisted; the choice still holds for this session.
  }
  if (typeof document !== "undefined") document.documentElement.lang = lang;
}

if (typeof document !== "undefined") document.documentElement.lang = locale.lang;
