// Every string the UI shows goes through `t(key, params?)`, which looks it up in the English
// or Finnish dictionary below. The current language is reactive state (./locale.svelte.ts),
// so a template that calls `t` re-renders when the language changes.

import { locale, setLanguage, LANGUAGES, type Lang } from "./locale.svelte";

export { setLanguage, LANGUAGES, type Lang };

/** A message, or its singular and plural forms (picked by `params.n`). */
type Entry = string | { one: string; other: string };

const en = {
  "app.name": "Polku",
  "app.langEn": "English",
  "app.langFi": "Suomi",
  "app.loading": "Opening…",
  "app.main": "Workspace",
  "app.uiLanguage": "Interface language",
  "app.untitled": "Untitled project",

  "nav.label": "Sections",
  "nav.sources": "Sources",
  "nav.codebook": "Codebook",
  "nav.search": "Search",
  "nav.phases": "Journey phases",
  "nav.memos": "Memos",
  "nav.reader": "Reader",

  "history.group": "Undo and redo",
  "history.undo": "Undo",
  "history.redo": "Redo",
  "history.undoWhat": "Undo: {what}",
  "history.redoWhat": "Redo: {what}",
  "history.nothingToUndo": "Nothing to undo",
  "history.nothingToRedo": "Nothing to redo",
  "history.withKeys": "{what} ({keys})",
  "history.addCodings": { one: "code {n} passage", other: "code {n} passages" },
  "history.removeCodings": { one: "remove {n} coding", other: "remove {n} codings" },
  "history.recode": { one: "change the code of {n} passage", other: "change the code of {n} passages" },

  "status.undone": "Undone: {what}",
  "status.redone": "Redone: {what}",
  "status.coded": "Coded as {code}",
  "status.codedNew": "Created code {code} and coded the selection",
  "status.hitsCoded": { one: "{n} hit coded as {code}", other: "{n} hits coded as {code}" },
  "status.codingRemoved": "Coding removed ({code})",
  "status.codingChanged": "Coding moved to {code}",
  "status.codeCreated": "Code {code} created",
  "status.codeRenamed": "Renamed to {code}",
  "status.codeRecoloured": "Colour of {code} changed",
  "status.codeDescribed": "Description of {code} saved",
  "status.codeNested": "{code} moved under {parent}",
  "status.codeUnnested": "{code} moved to the top level",
  "status.codesMerged": "{from} merged into {into}",
  "status.codeDeleted": { one: "Code {code} deleted with {n} coding", other: "Code {code} deleted with {n} codings" },
  "status.memoSaved": "Memo saved",
  "status.memoDeleted": "Memo deleted",
  "status.opened": "Opened {name}",
  "status.phasesSaved": { one: "{n} phase saved", other: "{n} phases saved" },
  "status.sourcePhaseSet": "Source phase: {phase}",
  "status.sourcePhaseCleared": "Source phase cleared",
  "status.segmentPhaseSet": "Turn phase: {phase}",
  "status.segmentPhaseCleared": "Turn phase cleared",

  "start.title": "Welcome to Polku",
  "start.tagline": "Qualitative customer-experience research, offline: interviews, surveys and feedback in one place.",
  "start.openDemo": "Open the demo project",
  "start.demoHint": "A fictional project with interviews, a survey and customer feedback in Finnish and English.",
  "start.recent": "Recent projects",
  "start.noRecent": "No recent projects yet.",
  "start.openFile": "Open a project file",
  "start.path": "File path",
  "start.pathPlaceholder": "/home/me/research/study.polku",
  "start.open": "Open",
  "start.newProject": "New project",
  "start.name": "Name",
  "start.namePlaceholder": "Onboarding study 2025",
  "start.newPathPlaceholder": "/home/me/research/new.polku",
  "start.create": "Create",

  "sources.title": "Sources",
  "sources.countLabel": { one: "source", other: "sources" },
  "sources.empty": "No sources yet. Import transcripts, survey exports or feedback files, or drop files onto the window.",
  "sources.noMatch": "No sources match these filters.",
  "sources.col.title": "Title",
  "sources.col.kind": "Kind",
  "sources.col.language": "Lang.",
  "sources.col.date": "Date",
  "sources.col.phase": "Phase",
  "sources.col.case": "Case",
  "sources.col.score": "Score",
  "sources.col.segments": "Segments",
  "sources.col.codings": "Codings",

  "filters.label": "Filters",
  "filters.any": "Any",
  "filters.kind": "Kind",
  "filters.phase": "Phase",
  "filters.language": "Language",
  "filters.coding": "Coding",
  "filters.coded": "Coded",
  "filters.uncoded": "Not coded",
  "filters.dateFrom": "From",
  "filters.dateTo": "To",
  "filters.scoreMin": "Score ≥",
  "filters.scoreMax": "Score ≤",
  "filters.case": "Case",
  "filters.attribute": "Attribute",
  "filters.attrName": "name",
  "filters.attrValue": "value",
  "filters.clear": "Clear filters",

  "pager.previous": "Previous",
  "pager.next": "Next",
  "pager.range": "{from}–{to} of {total}",

  "import.button": "Import files…",
  "import.running": "Importing…",
  "import.finished": "Import finished",
  "import.cancel": "Cancel import",
  "import.cancelling": "Cancelling…",
  "import.fileOf": "File {i} of {n}: {name}",
  "import.sourcesDone": "{done} of {total} sources stored",
  "import.summary": "Files imported: {files} · new sources: {sources}.",
  "import.failedCount": { one: "{n} file failed.", other: "{n} files failed." },
  "import.reportLine": "{sources} sources, {segments} segments",
  "import.skipped": { one: "{n} empty row skipped", other: "{n} empty rows skipped" },
  "import.dropHere": "Drop files to import them",

  "reader.back": "Back",
  "reader.loading": "Opening source…",
  "reader.loadFailed": "Could not open the source",
  "reader.codings": { one: "{n} coding", other: "{n} codings" },
  "reader.attributes": { one: "{n} attribute", other: "{n} attributes" },
  "reader.memos": "Memos",
  "reader.sourceMemos": "Memos on this source",
  "reader.toolbar": "Coding tools",
  "reader.codeSelection": "Code selection",
  "reader.codeSelectionKeys": "Code the selected text (Q or Ctrl+K)",
  "reader.selected": { one: "{n} character selected", other: "{n} characters selected" },
  "reader.selectHint": "Select text to code it (Q or Ctrl+K)",
  "reader.sourcePhase": "Source phase",
  "reader.segmentPhase": "Turn phase",
  "reader.segmentPhaseHint": "Select or click text in a turn first",
  "reader.noPhase": "No phase",
  "reader.noText": "This source has no text.",
  "reader.textLabel": "Source text",

  "coding.details": "Coding",
  "coding.here": "Codings here",
  "coding.coder": "Coder",
  "coding.origin": "Origin",
  "coding.confidence": "confidence {value} %",
  "coding.created": "Created",
  "coding.changeCode": "Change code",
  "coding.remove": "Remove coding",
  "coding.memo": "Memo",

  "origin.manual": "By hand",
  "origin.search": "From search",
  "origin.model": "Suggested by a model",

  "quickCode.placeholder": "Type a code name…",
  "quickCode.codes": "Codes",
  "quickCode.create": "Create code “{name}”",
  "quickCode.typeToCreate": "No codes yet: type a name and press Enter to create one.",
  "quickCode.hint": "↑↓ choose · Enter apply · Esc close",
  "quickCode.titleSelection": "Code the selection",
  "quickCode.titleAll": { one: "Code {n} hit", other: "Code all {n} hits" },
  "quickCode.titleSelected": { one: "Code {n} selected hit", other: "Code {n} selected hits" },

  "search.title": "Search",
  "search.label": "Search query",
  "search.placeholder": "toimitus, \"customer success\", kind:review price",
  "search.submit": "Search",
  "search.hitsFor": { one: "hit for “{query}”", other: "hits for “{query}”" },
  "search.hitsInSource": { one: "{n} hit", other: "{n} hits" },
  "search.selectAll": "Select all shown",
  "search.selectHit": "Select this hit",
  "search.scope": "Code:",
  "search.scopeHit": "matched words",
  "search.scopeSegment": "whole segments",
  "search.codeSelected": { one: "Code {n} selected", other: "Code {n} selected" },
  "search.codeAll": "Code all hits",
  "search.noHits": "No hits. Check the spelling or try a prefix such as toimit*.",
  "search.more": "Show more ({shown} of {total})",

  "help.title": "Query syntax",
  "help.intro": "One query finds Finnish and English text alike; words match in any inflected form. Click an example to try it.",
  "help.word": "a word, in any inflected form",
  "help.phrase": "an exact phrase",
  "help.prefix": "words starting with this",
  "help.fuzzy": "similar spelling (~2 is more lenient)",
  "help.boolean": "AND, OR and parentheses, in capitals; words side by side mean AND",
  "help.not": "leave out (NOT sync works too)",
  "help.kind": "source kind: interview, survey_answer, feedback, review, support_message, document",
  "help.phase": "journey phase (key or name)",
  "help.speaker": "speaker and language",
  "help.case": "case (customer) and channel",
  "help.code": "passages coded with a code or its sub-codes",
  "help.attribute": "any case or source attribute, name:value",
  "help.date": "date range (also >=2025 or 2025-03)",
  "help.score": "score range (also >=9)",
  "help.operators": "If a query cannot be read, the message names the character where it went wrong.",

  "codebook.title": "Codebook",
  "codebook.count": { one: "{n} code", other: "{n} codes" },
  "codebook.new": "New code",
  "codebook.newName": "Name of the new code",
  "codebook.newPlaceholder": "Code name",
  "codebook.empty": "The codebook is empty. Create a code, or select text in a source and press Q.",
  "codebook.selectHint": "Choose a code to see its passages and memos.",
  "codebook.tree": "Codes",
  "codebook.expand": "Expand",
  "codebook.collapse": "Collapse",
  "codebook.recolour": "Change colour",
  "codebook.recolourCode": "Colour of {code}",
  "codebook.rename": "New name",
  "codebook.countTitle": "Codings of this code (sub-codes not counted)",
  "codebook.rootDrop": "Drop here to move to the top level",
  "codebook.dragHint": "Drag a code onto another to nest it. Double-click or F2 renames.",
  "codebook.name": "Name",
  "codebook.codings": { one: "{n} coding", other: "{n} codings" },
  "codebook.description": "Description",
  "codebook.descriptionPlaceholder": "When to use this code…",
  "codebook.parent": "Parent code",
  "codebook.topLevel": "(top level)",
  "codebook.subcode": "Add sub-code",
  "codebook.subcodePlaceholder": "Sub-code name",
  "codebook.mergeInto": "Merge into",
  "codebook.pickCode": "Choose a code…",
  "codebook.merge": "Merge",
  "codebook.mergeTitle": "Merge codes",
  "codebook.mergeExplain": { one: "The {n} coding of “{from}” moves to “{into}”, and “{from}” is removed.", other: "The {n} codings of “{from}” move to “{into}”, and “{from}” is removed." },
  "codebook.cannotUndo": "This cannot be undone.",
  "codebook.delete": "Delete code",
  "codebook.deleteTitle": "Delete “{code}”?",
  "codebook.deleteExplain": "Deleting the code also deletes:",
  "codebook.impactCodes": { one: "{n} code", other: "{n} codes, sub-codes included" },
  "codebook.impactCodings": { one: "{n} coding", other: "{n} codings" },
  "codebook.impactMemos": { one: "{n} memo", other: "{n} memos" },
  "codebook.passages": "Coded passages",
  "codebook.noPassages": "Nothing has been coded with this code yet.",
  "codebook.morePassages": "…and {n} more. Search for code:… to see them all.",
  "codebook.memos": "Memos on this code",

  "memo.new": "New memo",
  "memo.none": "No memos yet.",
  "memo.title": "Title",
  "memo.titlePlaceholder": "Title",
  "memo.text": "Text",
  "memo.textPlaceholder": "Write your note…",
  "memo.untitled": "Untitled memo",
  "memo.confirmDelete": "Really delete",

  "memos.title": "Memos",
  "memos.count": { one: "{n} memo", other: "{n} memos" },
  "memos.newProjectMemo": "New project memo",
  "memos.list": "Memo list",
  "memos.project": "Project memos",
  "memos.codes": "Code memos",
  "memos.edit": "Edit memo",
  "memos.pick": "Choose a memo, or write a new one.",

  "phases.title": "Journey phases",
  "phases.intro": "The stages of the customer journey, in order.",
  "phases.revert": "Revert",
  "phases.name": "Name",
  "phases.namePlaceholder": "Phase name",
  "phases.key": "Key",
  "phases.description": "Description",
  "phases.descriptionPlaceholder": "What happens in this phase…",
  "phases.up": "Move up",
  "phases.down": "Move down",
  "phases.delete": "Delete phase",
  "phases.add": "Add phase",
  "phases.invalid": "Every phase needs a name and a key of its own.",
  "phases.unsaved": "Unsaved changes",

  "common.add": "Add",
  "common.cancel": "Cancel",
  "common.close": "Close",
  "common.create": "Create",
  "common.delete": "Delete",
  "common.save": "Save",
  "common.yes": "Yes",
  "common.no": "No",

  "kind.interview": "Interview",
  "kind.feedback": "Feedback",
  "kind.survey_answer": "Survey answer",
  "kind.review": "Review",
  "kind.support_message": "Support message",
  "kind.document": "Document",

  "scale.nps": "NPS",
  "scale.csat": "CSAT",
  "scale.ces": "CES",
  "scale.stars": "Stars",

  "language.fi": "Finnish",
  "language.en": "English",
  "language.sv": "Swedish",
  "language.und": "Unknown",
} satisfies Record<string, Entry>;

export type MessageKey = keyof typeof en;

const fi: Record<MessageKey, Entry> = {
  "app.name": "Polku",
  "app.langEn": "English",
  "app.langFi": "Suomi",
  "app.loading": "Avataan…",
  "app.main": "Työtila",
  "app.uiLanguage": "Käyttöliittymän kieli",
  "app.untitled": "Nimetön projekti",

  "nav.label": "Osiot",
  "nav.sources": "Lähteet",
  "nav.codebook": "Koodikirja",
  "nav.search": "Haku",
  "nav.phases": "Asiakaspolun vaiheet",
  "nav.memos": "Muistiot",
  "nav.reader": "Lukunäkymä",

  "history.group": "Kumoa ja tee uudelleen",
  "history.undo": "Kumoa",
  "history.redo": "Tee uudelleen",
  "history.undoWhat": "Kumoa: {what}",
  "history.redoWhat": "Tee uudelleen: {what}",
  "history.nothingToUndo": "Ei kumottavaa",
  "history.nothingToRedo": "Ei uudelleen tehtävää",
  "history.withKeys": "{what} ({keys})",
  "history.addCodings": { one: "{n} kohdan koodaus", other: "{n} kohdan koodaus" },
  "history.removeCodings": { one: "{n} koodauksen poisto", other: "{n} koodauksen poisto" },
  "history.recode": { one: "{n} kohdan koodin vaihto", other: "{n} kohdan koodin vaihto" },

  "status.undone": "Kumottu: {what}",
  "status.redone": "Tehty uudelleen: {what}",
  "status.coded": "Koodattu: {code}",
  "status.codedNew": "Luotiin koodi {code} ja koodattiin valinta",
  "status.hitsCoded": { one: "{n} osuma koodattu: {code}", other: "{n} osumaa koodattu: {code}" },
  "status.codingRemoved": "Koodaus poistettu ({code})",
  "status.codingChanged": "Koodaus siirretty koodiin {code}",
  "status.codeCreated": "Koodi {code} luotu",
  "status.codeRenamed": "Nimetty uudelleen: {code}",
  "status.codeRecoloured": "Koodin {code} väri vaihdettu",
  "status.codeDescribed": "Koodin {code} kuvaus tallennettu",
  "status.codeNested": "{code} siirretty koodin {parent} alle",
  "status.codeUnnested": "{code} siirretty ylimmälle tasolle",
  "status.codesMerged": "{from} yhdistetty koodiin {into}",
  "status.codeDeleted": { one: "Koodi {code} poistettu ({n} koodaus)", other: "Koodi {code} poistettu ({n} koodausta)" },
  "status.memoSaved": "Muistio tallennettu",
  "status.memoDeleted": "Muistio poistettu",
  "status.opened": "Avattu: {name}",
  "status.phasesSaved": { one: "{n} vaihe tallennettu", other: "{n} vaihetta tallennettu" },
  "status.sourcePhaseSet": "Lähteen vaihe: {phase}",
  "status.sourcePhaseCleared": "Lähteen vaihe poistettu",
  "status.segmentPhaseSet": "Puheenvuoron vaihe: {phase}",
  "status.segmentPhaseCleared": "Puheenvuoron vaihe poistettu",

  "start.title": "Tervetuloa Polkuun",
  "start.tagline": "Laadullista asiakaskokemustutkimusta ilman verkkoyhteyttä: haastattelut, kyselyt ja palautteet yhdessä paikassa.",
  "start.openDemo": "Avaa esittelyprojekti",
  "start.demoHint": "Kuvitteellinen projekti, jossa on haastatteluja, kysely ja asiakaspalautetta suomeksi ja englanniksi.",
  "start.recent": "Viimeksi avatut",
  "start.noRecent": "Ei vielä viimeksi avattuja projekteja.",
  "start.openFile": "Avaa projektitiedosto",
  "start.path": "Tiedostopolku",
  "start.pathPlaceholder": "/home/minä/tutkimus/tutkimus.polku",
  "start.open": "Avaa",
  "start.newProject": "Uusi projekti",
  "start.name": "Nimi",
  "start.namePlaceholder": "Käyttöönottotutkimus 2025",
  "start.newPathPlaceholder": "/home/minä/tutkimus/uusi.polku",
  "start.create": "Luo",

  "sources.title": "Lähteet",
  "sources.countLabel": { one: "lähde", other: "lähdettä" },
  "sources.empty": "Ei vielä lähteitä. Tuo litterointeja, kyselyvientejä tai palautetiedostoja, tai pudota tiedostot ikkunaan.",
  "sources.noMatch": "Mikään lähde ei vastaa suodattimia.",
  "sources.col.title": "Otsikko",
  "sources.col.kind": "Tyyppi",
  "sources.col.language": "Kieli",
  "sources.col.date": "Päivä",
  "sources.col.phase": "Vaihe",
  "sources.col.case": "Tapaus",
  "sources.col.score": "Pisteet",
  "sources.col.segments": "Jaksot",
  "sources.col.codings": "Koodaukset",

  "filters.label": "Suodattimet",
  "filters.any": "Kaikki",
  "filters.kind": "Tyyppi",
  "filters.phase": "Vaihe",
  "filters.language": "Kieli",
  "filters.coding": "Koodaus",
  "filters.coded": "Koodatut",
  "filters.uncoded": "Koodaamattomat",
  "filters.dateFrom": "Alkaen",
  "filters.dateTo": "Asti",
  "filters.scoreMin": "Pisteet ≥",
  "filters.scoreMax": "Pisteet ≤",
  "filters.case": "Tapaus",
  "filters.attribute": "Ominaisuus",
  "filters.attrName": "nimi",
  "filters.attrValue": "arvo",
  "filters.clear": "Tyhjennä suodattimet",

  "pager.previous": "Edellinen",
  "pager.next": "Seuraava",
  "pager.range": "{from}–{to} / {total}",

  "import.button": "Tuo tiedostoja…",
  "import.running": "Tuodaan…",
  "import.finished": "Tuonti valmis",
  "import.cancel": "Peruuta tuonti",
  "import.cancelling": "Perutaan…",
  "import.fileOf": "Tiedosto {i}/{n}: {name}",
  "import.sourcesDone": "{done}/{total} lähdettä tallennettu",
  "import.summary": "Tuotuja tiedostoja: {files} · uusia lähteitä: {sources}.",
  "import.failedCount": { one: "{n} tiedosto epäonnistui.", other: "{n} tiedostoa epäonnistui." },
  "import.reportLine": "{sources} lähdettä, {segments} jaksoa",
  "import.skipped": { one: "{n} tyhjä rivi ohitettu", other: "{n} tyhjää riviä ohitettu" },
  "import.dropHere": "Pudota tiedostot tuodaksesi ne",

  "reader.back": "Takaisin",
  "reader.loading": "Avataan lähdettä…",
  "reader.loadFailed": "Lähdettä ei voitu avata",
  "reader.codings": { one: "{n} koodaus", other: "{n} koodausta" },
  "reader.attributes": { one: "{n} ominaisuus", other: "{n} ominaisuutta" },
  "reader.memos": "Muistiot",
  "reader.sourceMemos": "Lähteen muistiot",
  "reader.toolbar": "Koodaustyökalut",
  "reader.codeSelection": "Koodaa valinta",
  "reader.codeSelectionKeys": "Koodaa valittu teksti (Q tai Ctrl+K)",
  "reader.selected": { one: "{n} merkki valittu", other: "{n} merkkiä valittu" },
  "reader.selectHint": "Valitse tekstiä koodataksesi sen (Q tai Ctrl+K)",
  "reader.sourcePhase": "Lähteen vaihe",
  "reader.segmentPhase": "Puheenvuoron vaihe",
  "reader.segmentPhaseHint": "Valitse tai napsauta ensin puheenvuoron tekstiä",
  "reader.noPhase": "Ei vaihetta",
  "reader.noText": "Lähteessä ei ole tekstiä.",
  "reader.textLabel": "Lähteen teksti",

  "coding.details": "Koodaus",
  "coding.here": "Koodaukset tässä kohdassa",
  "coding.coder": "Koodaaja",
  "coding.origin": "Alkuperä",
  "coding.confidence": "varmuus {value} %",
  "coding.created": "Luotu",
  "coding.changeCode": "Vaihda koodi",
  "coding.remove": "Poista koodaus",
  "coding.memo": "Muistio",

  "origin.manual": "Käsin",
  "origin.search": "Hausta",
  "origin.model": "Mallin ehdotus",

  "quickCode.placeholder": "Kirjoita koodin nimi…",
  "quickCode.codes": "Koodit",
  "quickCode.create": "Luo koodi ”{name}”",
  "quickCode.typeToCreate": "Ei vielä koodeja: kirjoita nimi ja luo koodi Enterillä.",
  "quickCode.hint": "↑↓ valitse · Enter koodaa · Esc sulje",
  "quickCode.titleSelection": "Koodaa valinta",
  "quickCode.titleAll": { one: "Koodaa {n} osuma", other: "Koodaa kaikki osumat ({n})" },
  "quickCode.titleSelected": { one: "Koodaa {n} valittu osuma", other: "Koodaa {n} valittua osumaa" },

  "search.title": "Haku",
  "search.label": "Hakulauseke",
  "search.placeholder": "toimitus, \"customer success\", kind:review hinta",
  "search.submit": "Hae",
  "search.hitsFor": { one: "osuma haulla ”{query}”", other: "osumaa haulla ”{query}”" },
  "search.hitsInSource": { one: "{n} osuma", other: "{n} osumaa" },
  "search.selectAll": "Valitse kaikki näkyvät",
  "search.selectHit": "Valitse osuma",
  "search.scope": "Koodaa:",
  "search.scopeHit": "osuneet sanat",
  "search.scopeSegment": "kokonaiset jaksot",
  "search.codeSelected": { one: "Koodaa valittu ({n})", other: "Koodaa valitut ({n})" },
  "search.codeAll": "Koodaa kaikki osumat",
  "search.noHits": "Ei osumia. Tarkista kirjoitusasu tai kokeile katkaisua, esim. toimit*.",
  "search.more": "Näytä lisää ({shown}/{total})",

  "help.title": "Hakusyntaksi",
  "help.intro": "Sama haku löytää sekä suomen- että englanninkielisen tekstin, ja sanat löytyvät kaikissa taivutusmuodoissaan. Kokeile esimerkkiä napsauttamalla.",
  "help.word": "sana missä tahansa taivutusmuodossa",
  "help.phrase": "tarkka fraasi",
  "help.prefix": "sanat, jotka alkavat näin",
  "help.fuzzy": "samankaltainen kirjoitusasu (~2 sallii enemmän)",
  "help.boolean": "AND, OR ja sulkeet isoin kirjaimin; peräkkäiset sanat tarkoittavat AND",
  "help.not": "jätä pois (myös NOT sync toimii)",
  "help.kind": "lähteen tyyppi: interview, survey_answer, feedback, review, support_message, document",
  "help.phase": "asiakaspolun vaihe (tunnus tai nimi)",
  "help.speaker": "puhuja ja kieli",
  "help.case": "tapaus (asiakas) ja kanava",
  "help.code": "kohdat, jotka on koodattu koodilla tai sen alakoodeilla",
  "help.attribute": "mikä tahansa tapauksen tai lähteen ominaisuus, nimi:arvo",
  "help.date": "päivämääräväli (myös >=2025 tai 2025-03)",
  "help.score": "pisteväli (myös >=9)",
  "help.operators": "Jos hakua ei voi tulkita, virheilmoitus kertoo, missä merkissä virhe on.",

  "codebook.title": "Koodikirja",
  "codebook.count": { one: "{n} koodi", other: "{n} koodia" },
  "codebook.new": "Uusi koodi",
  "codebook.newName": "Uuden koodin nimi",
  "codebook.newPlaceholder": "Koodin nimi",
  "codebook.empty": "Koodikirja on tyhjä. Luo koodi tai valitse tekstiä lähteestä ja paina Q.",
  "codebook.selectHint": "Valitse koodi nähdäksesi sillä koodatut kohdat ja sen muistiot.",
  "codebook.tree": "Koodit",
  "codebook.expand": "Laajenna",
  "codebook.collapse": "Supista",
  "codebook.recolour": "Vaihda väri",
  "codebook.recolourCode": "Koodin {code} väri",
  "codebook.rename": "Uusi nimi",
  "codebook.countTitle": "Tämän koodin koodaukset (alakoodeja ei lasketa)",
  "codebook.rootDrop": "Pudota tähän siirtääksesi ylimmälle tasolle",
  "codebook.dragHint": "Vedä koodi toisen päälle tehdäksesi siitä alakoodin. Kaksoisnapsautus tai F2 nimeää uudelleen.",
  "codebook.name": "Nimi",
  "codebook.codings": { one: "{n} koodaus", other: "{n} koodausta" },
  "codebook.description": "Kuvaus",
  "codebook.descriptionPlaceholder": "Milloin koodia käytetään…",
  "codebook.parent": "Yläkoodi",
  "codebook.topLevel": "(ylin taso)",
  "codebook.subcode": "Lisää alakoodi",
  "codebook.subcodePlaceholder": "Alakoodin nimi",
  "codebook.mergeInto": "Yhdistä koodiin",
  "codebook.pickCode": "Valitse koodi…",
  "codebook.merge": "Yhdistä",
  "codebook.mergeTitle": "Yhdistä koodit",
  "codebook.mergeExplain": { one: "Koodin ”{from}” {n} koodaus siirtyy koodiin ”{into}”, ja ”{from}” poistetaan.", other: "Koodin ”{from}” {n} koodausta siirtyy koodiin ”{into}”, ja ”{from}” poistetaan." },
  "codebook.cannotUndo": "Tätä ei voi kumota.",
  "codebook.delete": "Poista koodi",
  "codebook.deleteTitle": "Poistetaanko ”{code}”?",
  "codebook.deleteExplain": "Koodin mukana poistuvat:",
  "codebook.impactCodes": { one: "{n} koodi", other: "{n} koodia alakoodeineen" },
  "codebook.impactCodings": { one: "{n} koodaus", other: "{n} koodausta" },
  "codebook.impactMemos": { one: "{n} muistio", other: "{n} muistiota" },
  "codebook.passages": "Koodatut kohdat",
  "codebook.noPassages": "Tällä koodilla ei ole vielä koodattu mitään.",
  "codebook.morePassages": "…ja {n} muuta. Näet kaikki hakemalla code:…",
  "codebook.memos": "Koodin muistiot",

  "memo.new": "Uusi muistio",
  "memo.none": "Ei vielä muistioita.",
  "memo.title": "Otsikko",
  "memo.titlePlaceholder": "Otsikko",
  "memo.text": "Teksti",
  "memo.textPlaceholder": "Kirjoita muistiinpano…",
  "memo.untitled": "Nimetön muistio",
  "memo.confirmDelete": "Vahvista poisto",

  "memos.title": "Muistiot",
  "memos.count": { one: "{n} muistio", other: "{n} muistiota" },
  "memos.newProjectMemo": "Uusi projektimuistio",
  "memos.list": "Muistioluettelo",
  "memos.project": "Projektin muistiot",
  "memos.codes": "Koodien muistiot",
  "memos.edit": "Muokkaa muistiota",
  "memos.pick": "Valitse muistio tai kirjoita uusi.",

  "phases.title": "Asiakaspolun vaiheet",
  "phases.intro": "Asiakaspolun vaiheet järjestyksessä.",
  "phases.revert": "Palauta",
  "phases.name": "Nimi",
  "phases.namePlaceholder": "Vaiheen nimi",
  "phases.key": "Tunnus",
  "phases.description": "Kuvaus",
  "phases.descriptionPlaceholder": "Mitä tässä vaiheessa tapahtuu…",
  "phases.up": "Siirrä ylöspäin",
  "phases.down": "Siirrä alaspäin",
  "phases.delete": "Poista vaihe",
  "phases.add": "Lisää vaihe",
  "phases.invalid": "Jokaisella vaiheella on oltava nimi ja oma tunnus.",
  "phases.unsaved": "Tallentamattomia muutoksia",

  "common.add": "Lisää",
  "common.cancel": "Peruuta",
  "common.close": "Sulje",
  "common.create": "Luo",
  "common.delete": "Poista",
  "common.save": "Tallenna",
  "common.yes": "Kyllä",
  "common.no": "Ei",

  "kind.interview": "Haastattelu",
  "kind.feedback": "Palaute",
  "kind.survey_answer": "Kyselyvastaus",
  "kind.review": "Arvio",
  "kind.support_message": "Tukiviesti",
  "kind.document": "Dokumentti",

  "scale.nps": "NPS",
  "scale.csat": "CSAT",
  "scale.ces": "CES",
  "scale.stars": "Tähdet",

  "language.fi": "suomi",
  "language.en": "englanti",
  "language.sv": "ruotsi",
  "language.und": "tuntematon",
};

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
