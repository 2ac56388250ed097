//! Importers on realistic files: each lands whole or not at all, errors name file and place.

use crate::common;

use std::io::Write;

use polku::domain::{AttrValue, Scale, SourceKind};
use polku::import::{ColumnMapping, ImportOptions};
use polku::{Error, Location};

const SURVEY_CSV: &str = "\
response_id;submitted;customer;segment;touchpoint;nps;comment
R1;2025-03-04;Kuusimäen Kiinteistöhuolto Oy;SMB;usage;9;Suunnittelutaulu on tosi selkeä, säästää aikaa joka aamu.
R2;5.3.2025;Kuusimäen Kiinteistöhuolto Oy;SMB;Usage;3;\"Laskutuksessa virheitä; Procountor-integraatio hajoaa.\"
R3;2025-03-06;Nordgård Service AB;Mid-market;onboarding;7;Onboarding was fine but the training was too short.
R4;2025-03-07;Nordgård Service AB;Mid-market;onboarding;10;
R5;2025-03-08;;;;;
";

#[test]
fn survey_csv_with_semicolons_finnish_dates_and_case_attributes() {
    let (dir, mut p) = common::project();
    let r = common::import(&mut p, &dir, "survey.csv", SURVEY_CSV.as_bytes(), &ImportOptions::default()).unwrap();
    assert_eq!((r.sources, r.skipped), (4, 1));
    let (sources, _) = p.sources(&Default::default()).unwrap();
    let s2 = &sources[1];
    assert_eq!(s2.kind, SourceKind::SurveyAnswer);
    assert_eq!(s2.date.as_deref(), Some("2025-03-05"));
    assert_eq!(s2.phase.as_deref(), Some("usage"));
    assert_eq!(s2.language, "fi");
    assert_eq!(s2.score.unwrap().scale, Scale::Nps);
    assert_eq!(s2.title, "survey #R2");
    assert_eq!(p.source_text(s2.id).unwrap(), "Laskutuksessa virheitä; Procountor-integraatio hajoaa.");
    assert_eq!(sources[2].language, "en");
    // A score-only answer is kept (it counts for NPS) but has no text to segment.
    assert_eq!((sources[3].segment_count, sources[3].score.unwrap().value), (0, 10.0));
    // `segment` is constant per customer, so it became a case attribute.
    let cases = p.cases().unwrap();
    let nord = cases.iter().find(|c| c.name == "Nordgård Service AB").unwrap();
    assert_eq!(nord.attributes, vec![("segment".to_string(), AttrValue::Text("Mid-market".into()))]);
}

#[test]
fn a_bad_row_names_file_row_and_column_and_stores_nothing() {
    let (dir, mut p) = common::project();
    let bad_score = SURVEY_CSV.replace(";3;", ";11;");
    let err = common::import(&mut p, &dir, "s.csv", bad_score.as_bytes(), &Default::default()).unwrap_err();
    match &err {
        Error::Import { file, location: Location::Row { row: 3, column: Some(c) }, .. } => {
            assert!(file.ends_with("s.csv"));
            assert_eq!(c, "nps");
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("outside the nps scale"), "{err}");

    let bad_phase = SURVEY_CSV.replace("onboarding;10", "afterlife;10");
    let err = common::import(&mut p, &dir, "p.csv", bad_phase.as_bytes(), &Default::default()).unwrap_err();
    assert!(err.to_string().contains("row 5, column 'touchpoint'"), "{err}");
    assert!(err.to_string().contains("unknown journey phase 'afterlife'"), "{err}");

    let ragged = "id,comment,nps\n1,ok,9\n2,too,many,fields\n";
    let err = common::import(&mut p, &dir, "r.csv", ragged.as_bytes(), &Default::default()).unwrap_err();
    assert!(matches!(err, Error::Import { location: Location::Line(3), .. }), "{err}");

    let bad_date = SURVEY_CSV.replace("2025-03-06", "yesterday");
    let err = common::import(&mut p, &dir, "d.csv", bad_date.as_bytes(), &Default::default()).unwrap_err();
    assert!(err.to_string().contains("column 'submitted'"), "{err}");
    assert_eq!(common::source_count(&p), 0, "failed imports leave nothing behind");
    assert!(p.cases().unwrap().is_empty(), "not even the cases of earlier rows");
}

#[test]
fn reimporting_the_same_file_is_detected() {
    let (dir, mut p) = common::project();
    common::import(&mut p, &dir, "a.csv", SURVEY_CSV.as_bytes(), &Default::default()).unwrap();
    let err = common::import(&mut p, &dir, "copy.csv", SURVEY_CSV.as_bytes(), &Default::default()).unwrap_err();
    assert!(matches!(err, Error::AlreadyImported { .. }), "{err}");
    assert_eq!(common::source_count(&p), 4);
    let again = ImportOptions { allow_duplicate: true, ..Default::default() };
    common::import(&mut p, &dir, "copy.csv", SURVEY_CSV.as_bytes(), &again).unwrap();
    assert_eq!(common::source_count(&p), 8);
}

#[test]
fn windows_1252_and_utf16_exports_decode() {
    let (dir, mut p) = common::project();
    let text = "id,comment,csat\n1,Hyvä palvelu ja nopea toimitus,5\n2,Tuki ei vastannut viikkoon,2\n";
    let (cp1252, _, _) = encoding_rs::WINDOWS_1252.encode(text);
    let r = common::import(&mut p, &dir, "w.csv", &cp1252, &Default::default()).unwrap();
    assert_eq!(p.source_text(r.source_ids[0]).unwrap(), "Hyvä palvelu ja nopea toimitus");
    assert_eq!(p.source(r.source_ids[0]).unwrap().score.unwrap().scale, Scale::Csat);

    let tsv = "id\tcomment\tces\n1\tHelppo käyttää 😀\t6\n";
    let mut utf16 = vec![0xFF, 0xFE];
    tsv.encode_utf16().for_each(|u| utf16.extend_from_slice(&u.to_le_bytes()));
    let r = common::import(&mut p, &dir, "u.tsv", &utf16, &Default::default()).unwrap();
    let s = p.source(r.source_ids[0]).unwrap();
    assert_eq!(p.source_text(s.id).unwrap(), "Helppo käyttää 😀");
    assert_eq!(s.score.unwrap().scale, Scale::Ces);
}

#[test]
fn explicit_column_mapping_overrides_guessing() {
    let (dir, mut p) = common::project();
    let csv = "Vastaaja,Mitä mieltä olet?,Arvosana (1-5),Aika\nA1,Sovellus kaatuu usein,2,1.2.2026\n";
    let opts = ImportOptions {
        kind: Some(SourceKind::Review),
        mapping: ColumnMapping {
            text: Some("Mitä mieltä olet?".into()),
            score: Some("Arvosana (1-5)".into()),
            scale: Some(Scale::Stars),
            date: Some("Aika".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    let r = common::import(&mut p, &dir, "arviot.csv", csv.as_bytes(), &opts).unwrap();
    let s = p.source(r.source_ids[0]).unwrap();
    assert_eq!(
        (s.kind, s.score.unwrap().scale, s.date.as_deref()),
        (SourceKind::Review, Scale::Stars, Some("2026-02-01"))
    );
    assert_eq!(p.source_attributes(s.id).unwrap(), vec![("Vastaaja".to_string(), AttrValue::Text("A1".into()))]);

    let missing = ImportOptions {
        mapping: ColumnMapping { text: Some("nope".into()), ..Default::default() },
        allow_duplicate: true,
        ..Default::default()
    };
    let err = common::import(&mut p, &dir, "x.csv", csv.as_bytes(), &missing).unwrap_err();
    assert!(err.to_string().contains("no column named 'nope'"), "{err}");
}

#[test]
fn xlsx_survey_export_with_real_dates() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let (dir, mut p) = common::project();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date_fmt = Format::new().set_num_format("d.m.yyyy");
    for (c, h) in ["Customer", "Date", "NPS", "Comment", "Plan"].iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    let rows = [
        ("Acme Oy", 2025, 9, 9.0, "Great planning board.", "Pro"),
        ("Beta Oy", 2025, 10, 4.0, "Hinnankorotus oli liian suuri.", "Basic"),
    ];
    for (i, (cust, y, m, score, text, plan)) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        ws.write_string(r, 0, *cust).unwrap();
        ws.write_datetime_with_format(r, 1, ExcelDateTime::from_ymd(*y, *m, 15).unwrap(), &date_fmt).unwrap();
        ws.write_number(r, 2, *score).unwrap();
        ws.write_string(r, 3, *text).unwrap();
        ws.write_string(r, 4, *plan).unwrap();
    }
    let bytes = wb.save_to_buffer().unwrap();
    let r = common::import(&mut p, &dir, "export.xlsx", &bytes, &Default::default()).unwrap();
    assert_eq!(r.sources, 2);
    let s = p.source(r.source_ids[1]).unwrap();
    assert_eq!(
        (s.date.as_deref(), s.case_name.as_deref(), s.language.as_str()),
        (Some("2025-10-15"), Some("Beta Oy"), "fi")
    );
    assert_eq!(s.score.unwrap().value, 4.0);

    let err = common::import(&mut p, &dir, "broken.xlsx", b"PK\x03\x04 not really", &Default::default()).unwrap_err();
    assert!(err.to_string().contains("broken.xlsx"), "{err}");
}

#[test]
fn plain_text_and_markdown_transcripts_become_speaker_turns() {
    let (dir, mut p) = common::project();
    let txt = "Haastattelija: Miten toimitus sujui?\n\nAsiakas: Toimituksen kanssa oli säätöä, mutta tuki auttoi.\n\nHaastattelija: Entä laskutus?\n\nAsiakas: Laskutuksessa on virheitä.\n";
    let opts = ImportOptions {
        phase: Some("onboarding".into()),
        case_name: Some("Vesikaari LVI Oy".into()),
        date: Some("2025-06-12".into()),
        ..Default::default()
    };
    let r = common::import(&mut p, &dir, "haastattelu.txt", txt.as_bytes(), &opts).unwrap();
    let s = p.source(r.source_ids[0]).unwrap();
    assert_eq!((s.kind, s.language.as_str(), s.phase.as_deref()), (SourceKind::Interview, "fi", Some("onboarding")));
    let segs = p.segments(s.id).unwrap();
    assert_eq!(
        segs.iter().map(|g| g.speaker.clone().unwrap()).collect::<Vec<_>>(),
        ["Haastattelija", "Asiakas", "Haastattelija", "Asiakas"]
    );
    assert_eq!(p.source_text(s.id).unwrap(), txt, "text is stored exactly as imported");

    let md = "# Usage interview\n\n*Polarlift AS, 2025-11-20*\n\nQ: How do technicians use the app?\n\nA: Mostly offline, in shafts.\nSync used to fail.\n\nQ: And now?\n\nA: Fine since 3.2.\n";
    let r = common::import(&mut p, &dir, "usage.md", md.as_bytes(), &Default::default()).unwrap();
    let segs = p.segments(r.source_ids[0]).unwrap();
    assert_eq!(segs.iter().filter(|g| g.speaker.as_deref() == Some("A")).count(), 2);
    assert_eq!(segs.len(), 6, "two heading paragraphs and four turns");
}

#[test]
fn word_documents_with_teams_style_speaker_lines() {
    let (dir, mut p) = common::project();
    let bytes = common::docx(&[
        "Aino Lehtinen   0:03",
        "Kiitos kun tulit. Kerro käyttöönotosta.",
        "Jari Mäkinen   0:09",
        "Koulutus oli hyvä & selkeä.",
        "Aino Lehtinen   0:21",
        "Entä tuki?",
    ]);
    let r = common::import(&mut p, &dir, "teams.docx", &bytes, &Default::default()).unwrap();
    let id = r.source_ids[0];
    let segs = p.segments(id).unwrap();
    assert_eq!(segs.len(), 3);
    assert_eq!(segs[1].speaker.as_deref(), Some("Jari Mäkinen"));
    assert_eq!(segs[1].start_ms, Some(9000));
    let text = p.source_text(id).unwrap();
    assert_eq!(
        polku::text::char_slice(&text, segs[1].start as usize, segs[1].end as usize),
        "Koulutus oli hyvä & selkeä."
    );

    let err = common::import(&mut p, &dir, "fake.docx", b"plain text pretending", &Default::default()).unwrap_err();
    assert!(err.to_string().contains("fake.docx") && err.to_string().contains("not a Word .docx"), "{err}");
}

#[test]
fn subtitle_transcripts_keep_speakers_and_times() {
    let (dir, mut p) = common::project();
    let vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Aino Lehtinen>How did the go-live go?</v>\n\n00:00:04.500 --> 00:00:09.000\n<v Priya Nair>Smoothly, apart from the SAP integration.</v>\n";
    let r = common::import(&mut p, &dir, "call.vtt", vtt.as_bytes(), &Default::default()).unwrap();
    let segs = p.segments(r.source_ids[0]).unwrap();
    assert_eq!(
        (segs[1].speaker.as_deref(), segs[1].start_ms, segs[1].end_ms),
        (Some("Priya Nair"), Some(4500), Some(9000))
    );

    let bad = "1\n00:00:01,000 --> 00:00:02,000\nHei\n\n2\n00:00:03,000 -> oops\nMoi\n";
    let err = common::import(&mut p, &dir, "bad.srt", bad.as_bytes(), &Default::default()).unwrap_err();
    assert!(err.to_string().contains("bad.srt, line 6"), "{err}");
    assert_eq!(common::source_count(&p), 1);
}

#[test]
fn jsonl_feedback_with_kinds_and_stars() {
    let (dir, mut p) = common::project();
    let jl = r#"{"id":"FB-1","kind":"review","channel":"G2","date":"2026-03-02","customer":"Acme Oy","stars":5,"title":"Great board","text":"The planning board is superb."}
{"id":"FB-2","kind":"support","channel":"chat","date":"2025-06-10","customer":"Acme Oy","title":"Sync","text":"Kuvat eivät lataudu sovelluksessa."}
"#;
    let r = common::import(&mut p, &dir, "fb.jsonl", jl.as_bytes(), &Default::default()).unwrap();
    let a = p.source(r.source_ids[0]).unwrap();
    let b = p.source(r.source_ids[1]).unwrap();
    assert_eq!((a.kind, a.score.unwrap().scale, a.title.as_str()), (SourceKind::Review, Scale::Stars, "Great board"));
    assert_eq!((b.kind, b.score, b.channel.as_deref()), (SourceKind::SupportMessage, None, Some("chat")));
    let err = common::import(&mut p, &dir, "x.jsonl", b"{\"text\": \"ok\"}\n{oops\n", &Default::default()).unwrap_err();
    assert!(err.to_string().contains("x.jsonl, line 2"), "{err}");
}

#[test]
fn unsupported_and_empty_files_get_clear_errors() {
    let (dir, mut p) = common::project();
    let err = common::import(&mut p, &dir, "scan.pdf", b"%PDF-1.7", &Default::default()).unwrap_err();
    assert!(err.to_string().contains("scan.pdf") && err.to_string().contains("PDF"), "{err}");
    let err = common::import(&mut p, &dir, "pic.png", b"\x89PNG", &Default::default()).unwrap_err();
    assert!(err.to_string().contains("unsupported file type '.png'"), "{err}");
    let err = common::import(&mut p, &dir, "empty.txt", b"  \n ", &Default::default()).unwrap_err();
    assert!(err.to_string().contains("no text"), "{err}");
}

#[test]
fn cancelling_an_import_stores_nothing() {
    let (dir, mut p) = common::project();
    let mut csv = String::from("comment,nps\n");
    for i in 0..5000 {
        csv.push_str(&format!("answer number {i} about the support,{}\n", i % 11));
    }
    let path = dir.path().join("big.csv");
    std::fs::write(&path, &csv).unwrap();
    let err = p.import_file(&path, &Default::default(), &mut |done, _| done < 2000).unwrap_err();
    assert!(matches!(err, Error::Cancelled));
    assert_eq!(common::source_count(&p), 0);
    // And it can be imported afterwards: the cancelled attempt left no import record.
    p.import_file(&path, &Default::default(), &mut |_, _| true).unwrap();
    assert_eq!(common::source_count(&p), 5000);
}

/// One tool's export (`fixtures/exports/`, built from each tool's documented layout; see its
/// README) and how it must be read.
struct Export {
    file: &'static str,
    header_rows: usize,
    text: &'static str,
    /// Score column (its header starts so) and scale.
    score: Option<(&'static str, Scale)>,
    date: &'static str,
    /// The date of the first data row, as the tool meant it.
    first_date: &'static str,
    phase: Option<&'static str>,
    rows: usize,
}

const EXPORTS: [Export; 8] = [
    Export {
        file: "qualtrics.csv",
        header_rows: 3,
        text: "Q2",
        score: Some(("Q1", Scale::Nps)),
        date: "EndDate",
        first_date: "2024-02-28",
        phase: Some("Q3"),
        rows: 25,
    },
    Export {
        file: "surveymonkey.csv",
        header_rows: 2,
        text: "What is the main reason",
        score: Some(("How likely is it", Scale::Nps)),
        date: "End Date",
        first_date: "2024-03-02",
        phase: Some("Which stage"),
        rows: 22,
    },
    Export {
        file: "google-forms.csv",
        header_rows: 1,
        text: "Miksi annoit",
        score: Some(("Kuinka todennäköisesti", Scale::Nps)),
        date: "Timestamp",
        first_date: "2024-03-02",
        phase: Some("Mihin asiointisi"),
        rows: 22,
    },
    Export {
        file: "microsoft-forms.csv",
        header_rows: 1,
        text: "What is the main reason",
        score: Some(("How likely", Scale::Nps)),
        date: "Completion time",
        first_date: "2024-03-03",
        phase: Some("Which stage"),
        rows: 23,
    },
    Export {
        file: "typeform.csv",
        header_rows: 1,
        text: "Tell us more",
        score: Some(("How likely", Scale::Nps)),
        date: "Submit Date (UTC)",
        first_date: "2024-03-04",
        phase: None,
        rows: 22,
    },
    Export {
        file: "zendesk-tickets.csv",
        header_rows: 1,
        text: "Description",
        score: None,
        date: "Created at",
        first_date: "2024-02-28",
        phase: None,
        rows: 23,
    },
    Export {
        file: "trustpilot-reviews.csv",
        header_rows: 1,
        text: "Review Content",
        score: Some(("Review Stars", Scale::Stars)),
        date: "Review Created (UTC)",
        first_date: "2024-01-11",
        phase: None,
        rows: 20,
    },
    Export {
        file: "nps-stages-dmy.csv",
        header_rows: 1,
        text: "Comment",
        score: Some(("Score", Scale::Nps)),
        date: "Response Date",
        first_date: "2024-01-02",
        phase: Some("Journey Stage"),
        rows: 60,
    },
];

fn export_path(file: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/exports").join(file)
}

/// NPS of a column of a CSV file, computed here from the raw file (not by Polku).
fn raw_nps(file: &str, header_rows: usize, column: &str) -> (f64, usize) {
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).from_path(export_path(file)).unwrap();
    let mut records = rdr.records().map(|r| r.unwrap());
    let header = records.next().unwrap();
    let c =
        header.iter().position(|h| h == column).or_else(|| header.iter().position(|h| h.starts_with(column))).unwrap();
    let scores: Vec<f64> = records.skip(header_rows - 1).filter_map(|r| r[c].trim().parse::<f64>().ok()).collect();
    let share = |f: &dyn Fn(f64) -> bool| scores.iter().filter(|&&s| f(s)).count() as f64 / scores.len() as f64;
    (100.0 * (share(&|s| s >= 9.0) - share(&|s| s <= 6.0)), scores.len())
}

#[test]
fn the_exports_of_the_tools_cx_teams_use_import_as_they_are() {
    use polku::import::ColumnRole;
    for e in &EXPORTS {
        let (_dir, mut p) = common::project();
        let path = export_path(e.file);
        let opts = ImportOptions { create_phases: true, ..Default::default() };
        // The preview says how each column is read, and stores nothing.
        let preview = p.preview_import(&path, &opts).unwrap();
        assert_eq!(preview.problem, None, "{}", e.file);
        assert_eq!((preview.header_rows, preview.sources), (e.header_rows, e.rows), "{}", e.file);
        assert_eq!(common::source_count(&p), 0);
        let role = |r: ColumnRole| preview.columns.iter().find(|c| c.role == r);
        assert!(role(ColumnRole::Text).unwrap().name.starts_with(e.text), "{}: {:?}", e.file, preview.columns);
        assert!(role(ColumnRole::Date).unwrap().name.starts_with(e.date), "{}: {:?}", e.file, preview.columns);
        let score = role(ColumnRole::Score);
        match e.score {
            Some((name, scale)) => {
                let c = score.unwrap_or_else(|| panic!("{}: no score column", e.file));
                assert!(c.name.starts_with(name), "{}: score from {}", e.file, c.name);
                assert_eq!(c.scale, Some(scale), "{}", e.file);
                assert!(!c.reason.is_empty());
            }
            None => assert!(score.is_none(), "{}: {score:?}", e.file),
        }
        match e.phase {
            Some(name) => assert!(role(ColumnRole::Phase).unwrap().name.starts_with(name), "{}", e.file),
            None => assert!(role(ColumnRole::Phase).is_none(), "{}", e.file),
        }

        let r = p.import_file(&path, &opts, &mut |_, _| true).unwrap();
        assert_eq!(r.sources, e.rows, "{}", e.file);
        let (sources, _) = p.sources(&Default::default()).unwrap();
        assert_eq!(sources[0].date.as_deref(), Some(e.first_date), "{}", e.file);
        if let Some((column, Scale::Nps)) = e.score {
            let (nps, n) = raw_nps(e.file, e.header_rows, column);
            let scored: Vec<f64> = sources.iter().filter_map(|s| s.score.as_ref().map(|x| x.value)).collect();
            let share = |f: &dyn Fn(f64) -> bool| scored.iter().filter(|&&s| f(s)).count() as f64 / scored.len() as f64;
            let stored = 100.0 * (share(&|s| s >= 9.0) - share(&|s| s <= 6.0));
            assert_eq!(scored.len(), n, "{}", e.file);
            assert!((stored - nps).abs() < 1e-9, "{}: NPS {stored} stored, {nps} in the file", e.file);
        }
    }
}

/// Microsoft Forms downloads its responses as `.xlsx`: the same columns as its CSV fixture, with
/// the times as real spreadsheet date-times and the scores as numbers.
#[test]
fn a_microsoft_forms_workbook_imports_like_its_csv() {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let (dir, mut p) = common::project();
    let mut rdr = csv::Reader::from_path(export_path("microsoft-forms.csv")).unwrap();
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let time = Format::new().set_num_format("m/d/yy h:mm:ss");
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, h).unwrap();
    }
    let mut rows = 0;
    for (r, record) in rdr.records().enumerate() {
        let record = record.unwrap();
        for (c, cell) in record.iter().enumerate() {
            let (r, c) = (r as u32 + 1, c as u16);
            if let Ok(t) = chrono::NaiveDateTime::parse_from_str(cell, "%m/%d/%y %H:%M:%S") {
                let d = ExcelDateTime::parse_from_str(&t.format("%Y-%m-%d %H:%M:%S").to_string()).unwrap();
                ws.write_datetime_with_format(r, c, &d, &time).unwrap();
            } else if let Ok(n) = cell.parse::<f64>() {
                ws.write_number(r, c, n).unwrap();
            } else {
                ws.write_string(r, c, cell).unwrap();
            }
        }
        rows += 1;
    }
    let bytes = wb.save_to_buffer().unwrap();
    let opts = ImportOptions { create_phases: true, ..Default::default() };
    let r = common::import(&mut p, &dir, "Kotiverkko NPS.xlsx", &bytes, &opts).unwrap();
    assert_eq!(r.sources, rows);
    let (sources, _) = p.sources(&Default::default()).unwrap();
    assert_eq!(sources[0].date.as_deref(), Some("2024-03-03"));
    let (nps, n) = raw_nps("microsoft-forms.csv", 1, "How likely");
    let scored: Vec<f64> = sources.iter().filter_map(|s| s.score.as_ref().map(|x| x.value)).collect();
    let share = |f: &dyn Fn(f64) -> bool| scored.iter().filter(|&&s| f(s)).count() as f64 / scored.len() as f64;
    assert_eq!(scored.len(), n);
    assert!((100.0 * (share(&|s| s >= 9.0) - share(&|s| s <= 6.0)) - nps).abs() < 1e-9);
}

#[test]
fn a_real_nps_export_with_day_first_times_and_new_stages_imports_in_one_command() {
    let (_dir, mut p) = common::project();
    let path = export_path("nps-stages-dmy.csv");
    // Without asking, new stages are an error that lists them all, and nothing is stored.
    let err = p.import_file(&path, &ImportOptions::default(), &mut |_, _| true).unwrap_err().to_string();
    for stage in ["Billing", "Support", "Renewal", "--new-phases"] {
        assert!(err.contains(stage), "{err}");
    }
    assert_eq!(common::source_count(&p), 0);
    // Mapped onto existing phases instead: no new phase.
    let mapped = ImportOptions {
        mapping: ColumnMapping {
            phase_values: vec![
                ("billing".into(), "usage".into()),
                ("Support".into(), "Usage".into()),
                ("Renewal".into(), "customership".into()),
            ],
            ..Default::default()
        },
        ..Default::default()
    };
    assert!(p.preview_import(&path, &mapped).unwrap().new_phases.is_empty());
    // Created on request, after the existing phases; `onboarding` and `Onboarding` are one phase.
    let opts = ImportOptions { create_phases: true, ..Default::default() };
    assert_eq!(p.preview_import(&path, &opts).unwrap().new_phases, ["Billing", "Support", "Renewal"]);
    p.import_file(&path, &opts, &mut |_, _| true).unwrap();
    let keys: Vec<String> = p.phases().unwrap().into_iter().map(|ph| ph.key).collect();
    assert_eq!(keys[5..], ["billing", "support", "renewal"]);
    let (sources, _) = p.sources(&Default::default()).unwrap();
    let onboarding = sources.iter().filter(|s| s.phase.as_deref() == Some("onboarding")).count();
    assert!(onboarding >= 2, "{onboarding}");
    // Day first, decided by the whole column: 14/01/2024 is the 14th of January, and so 02/01 is
    // the 2nd of January, not the 1st of February.
    assert!(sources.iter().any(|s| s.date.as_deref() == Some("2024-01-14")));
    assert_eq!(sources[0].date.as_deref(), Some("2024-01-02"));
}

#[test]
fn ignored_columns_and_given_date_formats_are_obeyed() {
    let (dir, mut p) = common::project();
    let csv = "id,created,when,comment\n1,not a date,05|03|2024,Hyvä palvelu\n2,whenever,06|03|2024,Huono sovellus\n";
    // `created` looks like the date column by name; ignored, it is not read at all.
    let opts = ImportOptions {
        mapping: ColumnMapping {
            ignore: vec!["created".into()],
            date: Some("when".into()),
            date_format: Some("%d|%m|%Y".into()),
            ..Default::default()
        },
        ..Default::default()
    };
    common::import(&mut p, &dir, "odd.csv", csv.as_bytes(), &opts).unwrap();
    let (sources, _) = p.sources(&Default::default()).unwrap();
    assert_eq!(sources[1].date.as_deref(), Some("2024-03-06"));
    assert!(p.source_attributes(sources[0].id).unwrap().iter().all(|(name, _)| name != "created"));
    // A value the given format does not fit is named with its row and column.
    let opts = ImportOptions {
        mapping: ColumnMapping {
            date: Some("when".into()),
            date_format: Some("%Y-%m-%d".into()),
            ..Default::default()
        },
        allow_duplicate: true,
        ..Default::default()
    };
    let err = common::import(&mut p, &dir, "odd.csv", csv.as_bytes(), &opts).unwrap_err().to_string();
    assert!(err.contains("row 2") && err.contains("when") && err.contains("--date-format"), "{err}");
}

#[test]
fn a_huge_one_line_file_gets_a_short_error() {
    let (dir, mut p) = common::project();
    let line: String = (0..200_000).map(|i| format!("column{i}")).collect::<Vec<_>>().join(",");
    let err = common::import(&mut p, &dir, "wide.csv", line.as_bytes(), &Default::default()).unwrap_err().to_string();
    assert!(err.len() < 2_000 && err.contains("and 199980 more"), "{} bytes", err.len());
}

#[test]
fn a_sheet_spanning_billions_of_cells_is_refused_not_allocated() {
    use rust_xlsxwriter::Workbook;
    let (dir, mut p) = common::project();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "comment").unwrap();
    ws.write_string(1, 0, "Hyvä palvelu").unwrap();
    // The last cell of a sheet: XFD1048576.
    ws.write_string(1_048_575, 16_383, "x").unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let err = common::import(&mut p, &dir, "far.xlsx", &bytes, &Default::default()).unwrap_err().to_string();
    assert!(err.contains("far.xlsx") && err.contains("1048576 rows × 16384 columns"), "{err}");
    assert_eq!(common::source_count(&p), 0);
}

#[test]
fn an_opendocument_sheet_that_repeats_a_cell_a_billion_times_is_refused_not_expanded() {
    let (dir, mut p) = common::project();
    let ods = |rows: u32, cols: u32| {
        let content = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Sheet1"><table:table-row><table:table-cell office:value-type="string"><text:p>comment</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="{rows}"><table:table-cell table:number-columns-repeated="{cols}"/><table:table-cell office:value-type="string"><text:p>Hyvä palvelu</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#
        );
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut buf);
        let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        zip.start_file("mimetype", stored).unwrap();
        zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet").unwrap();
        zip.start_file("META-INF/manifest.xml", zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#).unwrap();
        zip.start_file("content.xml", zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
        zip.finish().unwrap();
        buf.into_inner()
    };
    let err = common::import(&mut p, &dir, "far.ods", &ods(1_000_000, 16_000), &Default::default()).unwrap_err();
    assert!(err.to_string().contains("1000001 rows × 16001 columns"), "{err}");
    assert_eq!(common::source_count(&p), 0);
    // A small sheet of the same shape imports.
    let r = common::import(&mut p, &dir, "near.ods", &ods(3, 0), &Default::default()).unwrap();
    assert_eq!(r.sources, 3);
}

#[test]
fn a_word_zip_bomb_stops_at_the_limit() {
    let (dir, mut p) = common::project();
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buf);
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("word/document.xml", opts).unwrap();
    // One byte more than the limit, highly compressible: a few hundred KB packed.
    let chunk = vec![b'a'; 1 << 20];
    for _ in 0..=(polku::import::docx::MAX_XML_BYTES >> 20) {
        zip.write_all(&chunk).unwrap();
    }
    zip.finish().unwrap();
    let bytes = buf.into_inner();
    assert!(bytes.len() < 2 << 20, "{} bytes packed", bytes.len());
    let err = common::import(&mut p, &dir, "bomb.docx", &bytes, &Default::default()).unwrap_err().to_string();
    assert!(err.contains("bomb.docx") && err.contains("more than 256 MB"), "{err}");
}

#[test]
fn a_text_of_millions_of_paragraphs_is_refused_with_the_limit() {
    let (dir, mut p) = common::project();
    let text = "Hei.\n\n".repeat(250_000);
    let err = common::import(&mut p, &dir, "many.txt", text.as_bytes(), &Default::default()).unwrap_err().to_string();
    assert!(err.contains("many.txt") && err.contains("200000 segments"), "{err}");
}
