// The translation mechanism: every string the UI shows goes through `t(key, params?)`, which
// looks it up in the dictionary of the current language (English in ./en.ts, Finnish in
// ./fi.ts). The current language is reactive state (../locale.svelte.ts), so a template that
// calls `t` re-renders when the language changes.

import { locale, setLanguage, LANGUAGES, type Lang } from "../locale.svelte";
import { en, type Entry, type MessageKey } from "./en";
import { fi } from "./fi";

export { setLanguage, LANGUAGES, type Lang, type MessageKey };

const messages: Record<Lang, Record<MessageKey, Entry>> = { en, fi };

/** Both dictionaries (for tests that check they agree). */
export const dictionaries: Readonly<Record<Lang, Readonly<Record<MessageKey, Entry>>>> = messages;

export type Params = Record<string, string | number | null | undefined>;

const numberFormats = new Map<Lang, Intl.NumberFormat>();
const pluralRules = new Map<Lang, Intl.PluralRules>();

function numberFormat(lang: Lang): Intl.NumberFormat {
  let f = numberFormats.get(lang);
  if (!f) numberFormats.set(lang, (f = new Intl.NumberFormat(lang === "fi" ? "fi-FI" : "en-GB")));
  return f;
}

function plural(lang: Lang): Intl.PluralRules {
  let p = pluralRules.get(lang);
  if (!p) pluralRules.set(lang, (p = new Intl.PluralRules(lang)));
  return p;
}

/** The current UI language (reactive). */
export function language(): Lang {
  return locale.lang;
}

/**
 * A number in the current language's notation (`1 234,5` in Finnish); empty for null, which
 * the core sends for a number that is not finite.
 */
export function formatNumber(n: number | null): string {
  return n == null ? "" : numberFormat(locale.lang).format(n);
}

/** `n` with exactly `digits` decimals in the current language's notation (`−0,32`). */
export function formatFixed(n: number, digits = 0): string {
  const lang = locale.lang;
  return new Intl.NumberFormat(lang === "fi" ? "fi-FI" : "en-GB", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(n);
}

/**
 * The message `key` in the current language, with `{name}` placeholders filled from `params`
 * (numbers formatted for the language). Plural messages pick their form by `params.n`.
 */
export function t(key: MessageKey, params?: Params): string {
  const lang = locale.lang;
  const entry: Entry = messages[lang][key] ?? messages.en[key] ?? key;
  let text: string;
  if (typeof entry === "string") {
    text = entry;
  } else {
    const n = typeof params?.n === "number" ? params.n : 0;
    text = plural(lang).select(n) === "one" ? entry.one : entry.other;
  }
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name];
    if (v == null) return whole === "{" + name + "}" ? "" : whole;
    return typeof v === "number" ? numberFormat(lang).format(v) : v;
  });
}

/** Whether `key` is a message (for labels built from core values such as source kinds). */
export function hasMessage(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(messages.en, key);
}

/** The label of a source kind (`interview` → "Interview" / "Haastattelu"). */
export function kindLabel(kind: string): string {
  const key = "kind." + kind;
  return hasMessage(key) ? t(key) : kind;
}

/** The label of a coding origin (`manual`, `search`, `model`). */
export function originLabel(origin: string): string {
  const key = "origin." + origin;
  return hasMessage(key) ? t(key) : origin;
}

/** The label of a score scale (`nps`, `csat`, …). */
export function scaleLabel(scale: string): string {
  const key = "scale." + scale;
  return hasMessage(key) ? t(key) : scale;
}

/** A language code as a name (`fi` → "Finnish" / "suomi"); unknown codes stay as they are. */
export function languageName(code: string): string {
  const key = "language." + code;
  return hasMessage(key) ? t(key) : code;
}

/** A date or timestamp from the core (ISO) in the current language's short form. */
export function formatDate(iso: string | null | undefined, withTime = false): string {
  if (!iso) return "";
  const d = new Date(iso.length === 10 ? iso + "T00:00:00" : iso);
  if (Number.isNaN(d.getTime())) return iso;
  const opts: Intl.DateTimeFormatOptions = withTime
    ? { year: "numeric", month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit" }
    : { year: "numeric", month: "numeric", day: "numeric" };
  return d.toLocaleString(locale.lang === "fi" ? "fi-FI" : "en-GB", opts);
}
