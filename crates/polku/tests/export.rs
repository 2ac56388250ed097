//! What leaves the app: the quote workbook read back by an independent reader (calamine), the
//! report's content in each language, and anonymisation checked on every file an export
//! writes.

use crate::common;

use std::io::Read;

use calamine::{open_workbook_from_rs, Data, DataType, Reader, Xlsx};
use polku::domain::AttrValue;
use polku::export::report::ReportSettings;
use polku::export::workbook::QuoteExport;
use polku::export::Language;
use polku::import::{ColumnMapping, ImportOptions};
use polku::metrics::MetricsFilter;
use polku::Project;

/// Every name, address and number the constructed project holds about people.
const PERSONAL: [&str; 12] = [
    "Aino",
    "Lehtinen",
    "Lehtiselle",
    "Liisa",
    "Korhonen",
    "liisa.korhonen@example.fi",
    "+358 40 123 4567",
    "131052-308T",
    "FI21 1234 5600 0007 85",
    "Pekka",
    "Kestrel",
    "Nordheat",
];

/// A project with names in speakers, cases, a case attribute, the text (e-mail, phone,
/// identity code, IBAN, an inflected surname, a name only the word list knows), coded.
fn personal_project() -> (tempfile::TempDir, Project) {
    let (dir, mut p) = common::project();
    let interview = "Haastattelija: Miten käyttöönotto sujui?\n\n\
        Aino Lehtinen: Hyvin. Soitin tukeen numeroon +358 40 123 4567 ja Pekka auttoi heti.\n\n\
        Haastattelija: Entä laskutus?\n\n\
        Aino Lehtinen: Lasku tuli väärälle tilille FI21 1234 5600 0007 85, kerroin siitä Lehtiselle.\n";
    let opts = ImportOptions { case_name: Some("Kestrel Facility Services".into()), ..Default::default() };
    common::import(&mut p, &dir, "haastattelu.txt", interview.as_bytes(), &opts).unwrap();
    let csv = "Customer,Score,Date,Comment\n\
        Nordheat Oy,3,2025-03-14,Laskussa virhe. Henkilötunnukseni 131052-308T näkyi laskulla!\n\
        Nordheat Oy,9,2025-04-02,Great support. Write to liisa.korhonen@example.fi any time.\n\
        Kestrel Facility Services,10,2025-05-20,Kestrel is happy with the planning board.\n";
    let opts = ImportOptions {
        mapping: ColumnMapping { case: Some("Customer".into()), ..Default::default() },
        ..Default::default()
    };
    common::import(&mut p, &dir, "survey.csv", csv.as_bytes(), &opts).unwrap();
    p.set_case_attribute("Nordheat Oy", "Contact name", AttrValue::Text("Liisa Korhonen".into())).unwrap();
    p.set_personal_words(&["Pekka".to_string()]).unwrap();
    // Code every segment that mentions a person, so each is a quote.
    let code = p.create_code("Laskutus", None, None, "Billing and invoices").unwrap();
    let (sources, _) = p.sources(&Default::default()).unwrap();
    for s in &sources {
        for g in p.segments(s.id).unwrap() {
            p.add_coding(code, s.id, g.start, g.end).unwrap();
        }
    }
    (dir, p)
}

fn xlsx_strings(bytes: &[u8]) -> Vec<String> {
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut out = Vec::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        out.extend(range.rows().flat_map(|r| r.iter().map(|c| c.to_string())));
    }
    out
}

fn docx_text(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut xml = String::new();
    zip.by_name("word/document.xml").unwrap().read_to_string(&mut xml).unwrap();
    // The text runs, without the markup around them.
    let mut text = String::new();
    for part in xml.split("<w:t").skip(1) {
        let body = &part[part.find('>').unwrap() + 1..];
        text.push_str(&body[..body.find("</w:t>").unwrap_or(0)]);
        text.push(' ');
    }
    text
}

#[test]
fn anonymised_exports_hold_no_name_the_project_knows() {
    let (dir, mut p) = personal_project();
    let preview = p.anonymisation_preview(Language::Fi).unwrap();
    let pseudonym = |original: &str| preview.iter().find(|r| r.original == original).map(|r| r.pseudonym.clone());
    assert_eq!(pseudonym("Aino Lehtinen").as_deref(), Some("Puhuja 1"), "{preview:?}");
    assert_eq!(pseudonym("Liisa Korhonen").as_deref(), Some("Henkilö 1"));
    assert!(pseudonym("Haastattelija").is_none(), "a role label is not a name");
    assert!(preview.iter().any(|r| r.original == "131052-308T" && r.in_text == 1), "{preview:?}");

    let workbook = dir.path().join("lainaukset.xlsx");
    let request =
        QuoteExport { language: Language::Fi, filter: MetricsFilter::default(), slice: None, anonymise: true };
    let outcome = p.export_quotes(&request, &workbook, false, &mut |_, _| true).unwrap();
    assert!(outcome.anonymised && outcome.replacements >= 6, "{outcome:?}");
    let mut report = ReportSettings::new(Language::Fi);
    report.author = "Konsultti".into();
    let word = dir.path().join("raportti.docx");
    let html = dir.path().join("raportti.html");
    p.export_report(&report, &word, false, &mut |_, _| true).unwrap();
    p.export_report(&report, &html, false, &mut |_, _| true).unwrap();
    let testimonials = dir.path().join("suosittelut.html");
    p.export_testimonials(Language::Fi, true, &testimonials, false).unwrap();

    let cells = xlsx_strings(&std::fs::read(&workbook).unwrap()).join("\n");
    let word_text = docx_text(&std::fs::read(&word).unwrap());
    let html_text = std::fs::read_to_string(&html).unwrap();
    for (name, text) in [("workbook", &cells), ("Word report", &word_text), ("HTML report", &html_text)] {
        for personal in PERSONAL {
            assert!(!text.contains(personal), "the {name} contains '{personal}'");
        }
    }
    assert!(cells.contains("Puhuja 1") && cells.contains("Asiakas 1") && cells.contains("[sähköposti 1]"), "{cells}");
    assert!(cells.contains("Puhuja 1:lle"), "the inflected surname keeps its ending: {cells}");

    // The same export without anonymisation keeps them, so the check above can fail.
    let plain = dir.path().join("plain.xlsx");
    let request = QuoteExport { anonymise: false, ..request };
    p.export_quotes(&request, &plain, false, &mut |_, _| true).unwrap();
    let cells = xlsx_strings(&std::fs::read(&plain).unwrap()).join("\n");
    assert!(cells.contains("Aino Lehtinen") && cells.contains("131052-308T"));
}

#[test]
fn the_quote_workbook_reads_back_with_types_and_exact_quotes() {
    let (dir, mut p) = personal_project();
    let path = dir.path().join("quotes.xlsx");
    let request =
        QuoteExport { language: Language::En, filter: MetricsFilter::default(), slice: None, anonymise: false };
    let outcome = p.export_quotes(&request, &path, false, &mut |_, _| true).unwrap();
    let table = p.quote_table(&MetricsFilter::default()).unwrap();
    assert_eq!(outcome.items as usize, table.rows.len());

    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(std::fs::read(&path).unwrap())).unwrap();
    assert_eq!(book.sheet_names(), ["Quotes", "Scores", "Theme x phase", "Drivers", "Codebook", "Testimonials"]);
    let quotes = book.worksheet_range("Quotes").unwrap();
    let header: Vec<String> = quotes.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    let col =
        |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name}: {header:?}"));
    assert_eq!(quotes.height() - 1, table.rows.len());
    let (sources, _) = p.sources(&Default::default()).unwrap();
    let mut dated = 0;
    for row in quotes.rows().skip(1) {
        let title = row[col("Source")].to_string();
        let source = sources.iter().find(|s| s.title == title).expect("a quote names its source");
        let text = p.source_text(source.id).unwrap();
        let (start, end) = (row[col("Start")].as_f64().unwrap() as usize, row[col("End")].as_f64().unwrap() as usize);
        assert_eq!(
            row[col("Quote")].to_string(),
            polku::text::char_slice(&text, start, end),
            "a quote is its source's text"
        );
        if let Some(score) = &source.score {
            assert_eq!(row[col("Score")], Data::Float(score.value), "a score is a number");
        }
        if source.date.is_some() {
            assert!(matches!(row[col("Date")], Data::DateTime(_)), "a date is a date: {:?}", row[col("Date")]);
            dated += 1;
        }
        assert_eq!(row[col("Codes: Laskutus")], Data::Float(1.0), "one-hot code column");
        assert_eq!(row[col("Codes")].to_string(), "Laskutus");
    }
    assert_eq!(dated, 3);
    let codebook = book.worksheet_range("Codebook").unwrap();
    assert_eq!(codebook.get((1, 2)).unwrap().to_string(), "Billing and invoices");
    // A cancelled export leaves nothing behind.
    let cancelled = dir.path().join("cancelled.xlsx");
    let err = p.export_quotes(&request, &cancelled, false, &mut |_, _| false).unwrap_err();
    assert_eq!(err.kind(), "cancelled");
    assert!(std::fs::read_dir(dir.path()).unwrap().all(|e| !e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .contains("cancelled")));
    // Never over an existing file unless asked.
    let again = p.export_quotes(&request, &path, false, &mut |_, _| true).unwrap_err();
    assert!(again.to_string().contains("already exists"), "{again}");
}

#[test]
fn a_report_speaks_its_language_whatever_the_data() {
    let (dir, mut p) = personal_project();
    for (lang, heading, not) in [(Language::Fi, "Havainnot", "Findings"), (Language::En, "Findings", "Havainnot")] {
        let mut settings = ReportSettings::new(lang);
        settings.anonymise = false;
        let r = p.build_report(&settings, &mut |_, _| true).unwrap();
        assert_eq!(r.chapters.len(), 1, "one chapter for the one code mentioned");
        let c = &r.chapters[0];
        assert_eq!((c.title.as_str(), c.description.as_deref()), ("Laskutus", Some("Billing and invoices")));
        assert!(!c.quotes.is_empty() && c.quotes.iter().all(|q| !q.source.is_empty()));
        let path = dir.path().join(format!("r-{}.html", lang.code()));
        p.export_report(&settings, &path, false, &mut |_, _| true).unwrap();
        let html = std::fs::read_to_string(&path).unwrap();
        assert!(html.contains(&format!("<h2>{heading}</h2>")) && !html.contains(not), "{lang:?}");
        let external = ["<script", "<link", "src=\"http", "href=\"http", "url(", "@import"];
        assert!(external.iter().all(|e| !html.contains(e)), "self-contained: nothing fetched");
        assert!(html.contains("<svg"), "charts inline");
    }
    // The settings are saved for the next report.
    let mut settings = ReportSettings::new(Language::Fi);
    settings.author = "Konsultti".into();
    p.save_report_settings(&settings).unwrap();
    assert_eq!(p.export_settings(Language::En).unwrap().report.author, "Konsultti");
}

#[test]
fn testimonials_are_promoters_who_consented() {
    let (dir, mut p) = personal_project();
    let (sources, _) = p.sources(&Default::default()).unwrap();
    // Every survey answer consents; only the promoters (9 and 10) are testimonials.
    for s in sources.iter().filter(|s| s.score.is_some()) {
        p.set_source_attribute(s.id, "Marketing consent", AttrValue::Boolean(true)).unwrap();
    }
    let list = p.testimonials().unwrap();
    let scores: Vec<f64> = list.iter().map(|t| t.score.value).collect();
    assert_eq!(scores, [10.0, 9.0], "newest first, the detractor left out");
    // Consent withdrawn: gone.
    let ten = sources.iter().find(|s| s.score.as_ref().is_some_and(|x| x.value == 10.0)).unwrap();
    p.set_source_attribute(ten.id, "Marketing consent", AttrValue::Boolean(false)).unwrap();
    assert_eq!(p.testimonials().unwrap().len(), 1);
    let path = dir.path().join("t.html");
    let outcome = p.export_testimonials(Language::En, true, &path, false).unwrap();
    let html = std::fs::read_to_string(&path).unwrap();
    assert_eq!((outcome.items, html.matches("<blockquote").count()), (1, 1));
    assert!(html.contains("[email 1]") && !html.contains("liisa.korhonen"), "{html}");
}
