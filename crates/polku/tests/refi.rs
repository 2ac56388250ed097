//! REFI-QDA exports checked against the standard's schemas with an independent validator
//! (`xmllint --schema`, fixtures in `fixtures/refi-qda`), and against the project itself.

use crate::common;

use std::io::Read;
use std::path::Path;
use std::process::Command;

use polku::domain::AttrValue;
use polku::import::{ColumnMapping, ImportOptions};
use polku::refi::Offsets;

fn validate(xml: &[u8], schema: &str) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("doc.xml");
    std::fs::write(&file, xml).unwrap();
    let xsd = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/refi-qda").join(schema);
    let out = Command::new("xmllint")
        .args(["--noout", "--schema", xsd.to_str().unwrap(), file.to_str().unwrap()])
        .output()
        .expect("xmllint (Debian libxml2-utils) validates REFI-QDA exports; run scripts/setup.sh");
    assert!(out.status.success(), "{schema}: {}", String::from_utf8_lossy(&out.stderr));
}

fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut b = Vec::new();
            f.read_to_end(&mut b).unwrap();
            (f.name().unwrap().to_string(), b)
        })
        .collect()
}

#[test]
fn a_project_exports_as_valid_qdpx_with_stable_guids_and_exact_selections() {
    let (dir, mut p) = common::project();
    let interview = "Haastattelija: Miten käyttöönotto sujui? 😀\n\nAino: Hyvin, mutta laskussa oli virhe & \"ylimääräinen\" rivi <b>.\n";
    let opts = ImportOptions { case_name: Some("Kestrel Oy".into()), ..Default::default() };
    common::import(&mut p, &dir, "haastattelu.txt", interview.as_bytes(), &opts).unwrap();
    let csv = "Customer,Score,Date,Comment\nNordheat,3,2025-03-14,Laskussa virhe.\n";
    let opts = ImportOptions {
        mapping: ColumnMapping { case: Some("Customer".into()), ..Default::default() },
        ..Default::default()
    };
    common::import(&mut p, &dir, "survey.csv", csv.as_bytes(), &opts).unwrap();
    p.set_case_attribute("Nordheat", "segment", AttrValue::Text("SMB".into())).unwrap();
    let billing = p.create_code("Laskutus", None, Some("#c0392b"), "Invoices & billing").unwrap();
    let errors = p.create_code("Virheet", Some(billing), None, "").unwrap();
    let (sources, _) = p.sources(&Default::default()).unwrap();
    let text = p.source_text(sources[0].id).unwrap();
    let start = polku::text::char_len(&text[..text.find("laskussa").unwrap()]) as i64;
    let c = p.add_coding(errors, sources[0].id, start, start + 19).unwrap();
    p.add_coding(billing, sources[0].id, start, start + 19).unwrap();
    p.add_memo(polku::domain::MemoTarget::Coding(c.id), "Huom", "Tarkista lasku.").unwrap();
    p.add_memo(polku::domain::MemoTarget::Code(billing), "", "Kaikki laskutukseen liittyvä.").unwrap();
    p.add_memo(polku::domain::MemoTarget::Project, "Projekti", "Syksyn haastattelut.").unwrap();

    let first = dir.path().join("a.qdpx");
    p.export_qdpx(&first, Offsets::Characters, false).unwrap();
    let files = unzip(&std::fs::read(&first).unwrap());
    let qde = &files.iter().find(|(n, _)| n == "project.qde").expect("project.qde").1;
    validate(qde, "Project.xsd");
    let xml = String::from_utf8(qde.clone()).unwrap();
    assert!(xml.contains(r#"name="Polku: journey phase""#) && xml.contains("<TextValue>SMB</TextValue>"), "{xml}");
    assert_eq!(xml.matches("<Coding ").count(), 2);
    assert_eq!(xml.matches("<PlainTextSelection ").count(), 2, "one selection per coding, as NVivo writes them");
    assert_eq!(xml.matches("<Note ").count(), 3);

    // The selection's offsets cut the packaged text exactly where Polku's coding is.
    let selection = &xml[xml.find("<PlainTextSelection").unwrap()..];
    let attr = |name: &str| -> usize {
        let at = selection.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        selection[at..at + selection[at..].find('"').unwrap()].parse().unwrap()
    };
    let packaged = files.iter().filter(|(n, _)| n.starts_with("sources/")).find_map(|(_, b)| {
        let t = String::from_utf8(b.clone()).unwrap();
        t.contains("Haastattelija").then_some(t)
    });
    let packaged = packaged.expect("the interview's text is in sources/");
    assert_eq!(packaged, text);
    assert_eq!(polku::text::char_slice(&packaged, attr("startPosition"), attr("endPosition")), "laskussa oli virhe ");

    // The same project exported again: the same file, GUIDs included.
    let second = dir.path().join("b.qdpx");
    p.export_qdpx(&second, Offsets::Characters, false).unwrap();
    assert_eq!(&unzip(&std::fs::read(&second).unwrap()), &files);

    let qdc = dir.path().join("codebook.qdc");
    let outcome = p.export_qdc(&qdc, false).unwrap();
    assert_eq!(outcome.items, 2);
    let codebook = std::fs::read(&qdc).unwrap();
    validate(&codebook, "Codebook.xsd");
    assert!(String::from_utf8(codebook).unwrap().contains("Invoices &amp; billing"));
}

/// Every coded passage of a project: source, code path, coder and the coded characters.
fn passages(p: &polku::Project) -> Vec<(String, String, String, String)> {
    let codes = p.codes().unwrap();
    let (sources, _) = p.sources(&Default::default()).unwrap();
    let mut out = Vec::new();
    for s in &sources {
        let text = p.source_text(s.id).unwrap();
        for c in p.codings(s.id).unwrap() {
            let path = codes.iter().find(|k| k.id == c.code_id).unwrap().path.clone();
            let words = polku::text::char_slice(&text, c.start as usize, c.end as usize).to_string();
            out.push((s.title.clone(), path, c.coder.clone(), words));
        }
    }
    out.sort();
    out
}

/// Every memo of a project with what it is about, described by name rather than by id.
fn memos(p: &polku::Project) -> Vec<(String, String, String)> {
    use polku::domain::MemoTarget;
    let mut targets = vec![(MemoTarget::Project, "project".to_string())];
    let (sources, _) = p.sources(&Default::default()).unwrap();
    for s in &sources {
        targets.push((MemoTarget::Source(s.id), format!("source {}", s.title)));
        let text = p.source_text(s.id).unwrap();
        for c in p.codings(s.id).unwrap() {
            let words = polku::text::char_slice(&text, c.start as usize, c.end as usize);
            targets.push((MemoTarget::Coding(c.id), format!("coding {words}")));
        }
    }
    for c in p.codes().unwrap() {
        targets.push((MemoTarget::Code(c.id), format!("code {}", c.path)));
    }
    let mut out: Vec<_> = targets
        .into_iter()
        .flat_map(|(t, what)| p.memos(t).unwrap().into_iter().map(move |m| (what.clone(), m.title, m.text)))
        .collect();
    out.sort();
    out
}

fn import_file(
    p: &mut polku::Project,
    dir: &tempfile::TempDir,
    name: &str,
    bytes: &[u8],
) -> polku::refi::ExchangeSummary {
    let report = common::import(p, dir, name, bytes, &ImportOptions::default()).unwrap();
    report.exchange.expect("a REFI-QDA import reports its summary")
}

#[test]
fn a_project_comes_back_from_qdpx_with_every_text_code_coding_memo_case_and_attribute() {
    use polku::domain::MemoTarget;
    let (dir, mut p) = common::project();
    let phase = p.phases().unwrap()[1].clone();
    // CRLF, emoji beyond the BMP (one with a skin-tone modifier) and Finnish letters.
    let interview = "Haastattelija: Miten toimitus sujui? 😀\r\nAino Lehtinen: Toimitus myöhästyi 👍🏽 ja lasku oli väärä.\r\nHaastattelija: Entä tuki?\r\nAino Lehtinen: Tuki vastasi nopeasti.\r\n";
    let opts = ImportOptions {
        case_name: Some("Kestrel Oy".into()),
        phase: Some(phase.key.clone()),
        date: Some("2025-03-14".into()),
        channel: Some("phone".into()),
        ..Default::default()
    };
    common::import(&mut p, &dir, "haastattelu.txt", interview.as_bytes(), &opts).unwrap();
    let csv = "Customer,NPS,Date,Comment\nNordheat,3,2025-04-01,Hinta on liian korkea 💸 ja laskut sekavia.\nNordheat,9,2025-04-02,\n";
    let opts = ImportOptions {
        mapping: ColumnMapping { case: Some("Customer".into()), ..Default::default() },
        ..Default::default()
    };
    common::import(&mut p, &dir, "kysely.csv", csv.as_bytes(), &opts).unwrap();
    p.set_case_attribute("Kestrel Oy", "segment", AttrValue::Text("SMB".into())).unwrap();
    p.set_case_attribute("Kestrel Oy", "customer since", AttrValue::Date("2019-05-01".into())).unwrap();
    let (sources, _) = p.sources(&Default::default()).unwrap();
    let by_title = |t: &str| sources.iter().find(|s| s.title.starts_with(t)).unwrap().id;
    let (interview_id, answer_id) = (by_title("haastattelu"), by_title("kysely"));
    p.set_source_attribute(interview_id, "recorded", AttrValue::Boolean(true)).unwrap();

    let delivery = p.create_code("Toimitus", None, Some("#1f77b4"), "Kaikki toimitukseen liittyvä").unwrap();
    let late = p.create_code("Myöhässä", Some(delivery), None, "").unwrap();
    let billing = p.create_code("Laskutus & hinta", None, Some("#c0392b"), "").unwrap();
    let span = |id: i64, words: &str| {
        let text = p.source_text(id).unwrap();
        let start = polku::text::char_len(&text[..text.find(words).unwrap()]) as i64;
        (start, start + polku::text::char_len(words) as i64)
    };
    let (a, b) = span(interview_id, "myöhästyi 👍🏽 ja lasku");
    let (c, d) = span(interview_id, "lasku oli väärä");
    let (e, f) = span(answer_id, "laskut sekavia");
    p.set_coder("Aino").unwrap();
    let k = p.add_coding(late, interview_id, a, b).unwrap();
    p.add_coding(billing, interview_id, c, d).unwrap();
    p.set_coder("Ben").unwrap();
    p.add_coding(billing, interview_id, c, d).unwrap();
    p.add_coding(billing, answer_id, e, f).unwrap();
    p.add_memo(MemoTarget::Coding(k.id), "Huom", "Emoji keskellä koodausta.").unwrap();
    p.add_memo(MemoTarget::Code(billing), "", "Kaikki laskutukseen liittyvä.").unwrap();
    p.add_memo(MemoTarget::Source(answer_id), "Vastaus", "Lyhyt.").unwrap();
    p.add_memo(MemoTarget::Project, "Projekti", "Syksyn haastattelut.\nToinen rivi.").unwrap();

    let file = dir.path().join("out.qdpx");
    p.export_qdpx(&file, Offsets::Characters, false).unwrap();
    let (_dir2, mut q) = common::project();
    let summary = import_file(&mut q, &dir, "out.qdpx", &std::fs::read(&file).unwrap());
    assert!(summary.left_out.is_empty(), "{:?}", summary.left_out);
    assert_eq!(summary.offsets, Offsets::Characters);
    assert_eq!((summary.sources, summary.codings, summary.memos), (3, 4, 4));

    // Every coded passage, character by character, with its code and coder.
    let before = passages(&p);
    assert_eq!(before.len(), 4);
    assert_eq!(passages(&q), before);
    assert_eq!(memos(&q), memos(&p));
    let codes = |p: &polku::Project| {
        let mut v: Vec<_> = p.codes().unwrap().into_iter().map(|c| (c.path, c.color, c.description)).collect();
        v.sort();
        v
    };
    assert_eq!(codes(&q), codes(&p));
    // Texts (CRLF kept), the source's own fields, attributes and cases.
    let sources = |p: &polku::Project| {
        let (list, _) = p.sources(&Default::default()).unwrap();
        let mut v: Vec<_> = list
            .iter()
            .map(|s| {
                (
                    s.title.clone(),
                    p.source_text(s.id).unwrap(),
                    s.kind,
                    s.date.clone(),
                    s.channel.clone(),
                    s.phase.clone(),
                    s.case_name.clone(),
                    s.score.map(|x| (x.value.to_string(), x.scale)),
                    p.source_attributes(s.id).unwrap(),
                )
            })
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        format!("{v:?}")
    };
    assert_eq!(sources(&q), sources(&p));
    let cases = |p: &polku::Project| {
        format!("{:?}", p.cases().unwrap().into_iter().map(|c| (c.name, c.attributes)).collect::<Vec<_>>())
    };
    assert_eq!(cases(&q), cases(&p));

    // The same archive again is refused like any file imported twice; the export of the copy
    // is valid too.
    let again = common::import(&mut q, &dir, "out.qdpx", &std::fs::read(&file).unwrap(), &ImportOptions::default());
    assert!(matches!(again, Err(polku::Error::AlreadyImported { .. })), "{again:?}");
    let copy = dir.path().join("copy.qdpx");
    q.export_qdpx(&copy, Offsets::Characters, false).unwrap();
    let files = unzip(&std::fs::read(&copy).unwrap());
    validate(&files.iter().find(|(n, _)| n == "project.qde").unwrap().1, "Project.xsd");
}

const TEXT: &str =
    "Interviewer: How was the delivery? 😀\r\nMaija: The delivery was late 👍🏽 and the invoice was wrong.\r\n";

/// `words`' offsets in `TEXT` counted in UTF-16 code units (NVivo) or in characters.
fn offsets(text: &str, words: &str, utf16: bool) -> (usize, usize) {
    let at = text.find(words).unwrap();
    let count = |s: &str| if utf16 { s.encode_utf16().count() } else { s.chars().count() };
    (count(&text[..at]), count(&text[..at]) + count(words))
}

/// A project as NVivo writes it, with every quirk `refi::read` lists: `Trial.qde` on one line
/// without a declaration, `Sources/` capitalised and names in another case, UTF-16 offsets after
/// emoji over CRLF text with a BOM, a bare, a relative and an absolute path (with a person's
/// name), a missing and an empty source, a picture, a PDF with its text, an audio file without
/// a transcript, a code name with `/`, empty descriptions, and notes on a selection, a code and
/// nothing. Written to `fixtures/refi-qda/nvivo-like.qdpx`, which the desktop E2E opens too.
fn nvivo_like(utf16: bool) -> Vec<u8> {
    let sel = |words: &str, code: &str, note: &str| {
        let (s, e) = offsets(TEXT, words, utf16);
        let guid = |kind: &str| uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, format!("{kind}{words}").as_bytes());
        format!(
            r#"<PlainTextSelection guid="{}" startPosition="{s}" endPosition="{e}"><Coding guid="{}" creatingUser="u1"><CodeRef targetGUID="{code}"/></Coding>{note}</PlainTextSelection>"#,
            guid("selection"),
            guid("coding")
        )
    };
    let selections = [
        sel("delivery was late", "c-late", r#"<NoteRef targetGUID="n1"/>"#),
        sel("invoice was wrong", "c-bill", ""),
        sel("Maija", "c-bill", ""),
    ]
    .concat();
    let qde = format!(
        r##"<Project xmlns="urn:QDA-XML:project:1.0" name="Trial" origin="NVivo" basePath="C:\Users\Maija Virtanen\Documents\NVivo"><Users><User guid="u1" name="Maija V"/></Users><CodeBook><Codes><Code guid="c-del" name="Delivery" isCodable="true" color="#336699"><Description></Description><NoteRef targetGUID="n2"/><Code guid="c-late" name="Late" isCodable="true"/></Code><Code guid="c-bill" name="Billing/Invoices" isCodable="true"><Description/></Code></Codes></CodeBook><Variables><Variable guid="v1" name="Region" typeOfVariable="Text"/><Variable guid="v2" name="Age" typeOfVariable="Integer"/></Variables><Cases><Case guid="k1" name="Customer A"><VariableValue><VariableRef targetGUID="v1"/><TextValue>North</TextValue></VariableValue><VariableValue><VariableRef targetGUID="v2"/><IntegerValue>42</IntegerValue></VariableValue><SourceRef targetGUID="s1"/></Case></Cases><Sources><TextSource guid="s1" name="Interview 1" plainTextPath="internal://S1.txt">{selections}</TextSource><TextSource guid="s2" name="Bare path" plainTextPath="s2.txt"/><TextSource guid="s3" name="Relative" plainTextPath="relative:///interviews/s3.txt"/><TextSource guid="s4" name="Elsewhere" plainTextPath="absolute://C:/Users/Maija Virtanen/Documents/s4.txt"/><TextSource guid="s5" name="Empty" plainTextPath="internal://s5.txt"/><TextSource guid="s8" name="Gone" plainTextPath="internal://gone.txt"/><PictureSource guid="s6" name="Photo" path="internal://photo.jpg"/><PDFSource guid="s7" name="Brochure" path="internal://b.pdf"><PDFSelection guid="p1" page="1" firstX="0" firstY="0" secondX="10" secondY="10"/><Representation guid="s7r" plainTextPath="internal://s7.txt"/></PDFSource><AudioSource guid="s9" name="Call" path="internal://call.mp3"/></Sources><Notes><Note guid="n1" name="Late again" creatingUser="u1"><PlainTextContent>Third time this year.</PlainTextContent></Note><Note guid="n2" name="About delivery"><PlainTextContent>Logistics partner.</PlainTextContent></Note><Note guid="n3" name="Loose"><PlainTextContent>Unlinked note.</PlainTextContent></Note></Notes></Project>"##
    );
    assert!(!qde.contains('\n'), "one line, no declaration");
    let bom_text = [b"\xEF\xBB\xBF".as_slice(), TEXT.as_bytes()].concat();
    common::archive(&[
        ("Trial.qde", qde.as_bytes()),
        ("Sources/s1.TXT", &bom_text),
        ("Sources/s2.txt", "Bare path text.".as_bytes()),
        ("Sources/interviews/s3.txt", "Relative text.".as_bytes()),
        ("Sources/s5.txt", b""),
        ("Sources/photo.jpg", b"\xFF\xD8\xFF"),
        ("Sources/b.pdf", b"%PDF-1.4"),
        ("Sources/s7.txt", "Brochure text in the PDF.".as_bytes()),
    ])
}

const NVIVO_FIXTURE: &str = "tests/fixtures/refi-qda/nvivo-like.qdpx";

#[test]
fn the_nvivo_fixture_is_what_its_builder_writes() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(NVIVO_FIXTURE);
    let built = nvivo_like(true);
    if std::env::var_os("POLKU_WRITE_FIXTURES").is_some() {
        std::fs::write(&path, &built).unwrap();
    }
    let stored = std::fs::read(&path).expect("write it with POLKU_WRITE_FIXTURES=1");
    assert!(unzip(&stored) == unzip(&built), "{NVIVO_FIXTURE} is stale: write it with POLKU_WRITE_FIXTURES=1");
}

#[test]
fn an_nvivo_project_opens_with_every_coding_on_the_same_words_and_the_rest_listed() {
    let (dir, mut p) = common::project();
    let fixture = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(NVIVO_FIXTURE)).unwrap();
    let summary = import_file(&mut p, &dir, "Trial.qdpx", &fixture);
    assert_eq!(summary.offsets, Offsets::Utf16, "the emoji before the codings tell UTF-16 offsets");
    assert_eq!(summary.sources, 4, "{summary:?}");
    let coded: Vec<_> = passages(&p).into_iter().map(|(s, c, u, w)| format!("{s}|{c}|{u}|{w}")).collect();
    assert_eq!(
        coded,
        [
            "Interview 1|Billing∕Invoices|Maija V|Maija",
            "Interview 1|Billing∕Invoices|Maija V|invoice was wrong",
            "Interview 1|Delivery / Late|Maija V|delivery was late",
        ]
        .map(String::from)
        .replace_code_separator(&p)
    );
    // The text is stored without the BOM and with its CRLF.
    let (sources, _) = p.sources(&Default::default()).unwrap();
    let s1 = sources.iter().find(|s| s.title == "Interview 1").unwrap();
    assert_eq!(p.source_text(s1.id).unwrap(), TEXT);
    assert_eq!(s1.case_name.as_deref(), Some("Customer A"));
    let case = p.cases().unwrap().into_iter().find(|c| c.name == "Customer A").unwrap();
    assert_eq!(
        case.attributes,
        vec![("Age".into(), AttrValue::Number(42.0)), ("Region".into(), AttrValue::Text("North".into()))]
    );
    let titles: Vec<&str> = sources.iter().map(|s| s.title.as_str()).collect();
    for t in ["Bare path", "Relative", "Brochure"] {
        assert!(titles.contains(&t), "{titles:?}");
    }
    // Notes: on the coding, on the code, and the loose one on the project.
    let m = memos(&p);
    assert!(
        m.contains(&("coding delivery was late".into(), "Late again".into(), "Third time this year.".into())),
        "{m:?}"
    );
    assert!(m.iter().any(|(t, n, _)| t.starts_with("code Delivery") && n == "About delivery"), "{m:?}");
    assert!(m.contains(&("project".into(), "Loose".into(), "Unlinked note.".into())), "{m:?}");
    // What was left out, each with its reason; the researcher's name in paths is not repeated.
    let left: Vec<String> = summary.left_out.iter().map(|l| format!("{}: {}", l.item, l.reason)).collect();
    let has = |item: &str, reason: &str| left.iter().any(|l| l.contains(item) && l.contains(reason));
    assert!(has("'Elsewhere'", "absolute path"), "{left:?}");
    assert!(has("'Empty'", "empty"), "{left:?}");
    assert!(has("'Gone'", "missing"), "{left:?}");
    assert!(has("'Photo'", "picture"), "{left:?}");
    assert!(has("'Call'", "audio"), "{left:?}");
    assert!(has("area selection", "Brochure"), "{left:?}");
    assert_eq!(left.len(), 6, "{left:?}");
    assert!(!format!("{summary:?}").contains("Virtanen"), "{left:?}");
    let stored = std::fs::read(p.path()).unwrap();
    assert!(!String::from_utf8_lossy(&stored).contains("Virtanen"), "basePath is not stored");
}

trait CodeSeparator {
    fn replace_code_separator(self, p: &polku::Project) -> Vec<String>;
}

impl<const N: usize> CodeSeparator for [String; N] {
    /// Writes `Parent / Child` paths as the project prints them.
    fn replace_code_separator(self, p: &polku::Project) -> Vec<String> {
        let late = p.codes().unwrap().into_iter().find(|c| c.name == "Late").unwrap().path;
        self.into_iter().map(|s| s.replace("Delivery / Late", &late)).collect()
    }
}

#[test]
fn offsets_in_characters_are_read_as_characters() {
    // The same project as QualCoder writes it: offsets in code points, a declaration, CRLF,
    // and the coder on the selection rather than on its coding.
    let bytes = nvivo_like(false);
    let files = unzip(&bytes);
    let qde = String::from_utf8(files.iter().find(|(n, _)| n == "Trial.qde").unwrap().1.clone()).unwrap();
    let qde = qde
        .replace(r#" creatingUser="u1"><CodeRef"#, "><CodeRef")
        .replace("<PlainTextSelection ", r#"<PlainTextSelection creatingUser="u1" "#);
    let qde = format!("<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n{}", qde.replace("><", ">\r\n<"));
    let mut entries: Vec<(&str, &[u8])> =
        files.iter().filter(|(n, _)| n != "Trial.qde").map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    entries.push(("project.qde", qde.as_bytes()));
    let (dir, mut p) = common::project();
    let summary = import_file(&mut p, &dir, "qualcoder.qdpx", &common::archive(&entries));
    assert_eq!(summary.offsets, Offsets::Characters);
    let words: Vec<String> = passages(&p).into_iter().map(|(.., w)| w).collect();
    assert_eq!(words, ["Maija", "invoice was wrong", "delivery was late"]);
    assert!(passages(&p).iter().all(|(_, _, coder, _)| coder == "Maija V"), "{:?}", passages(&p));
}

#[test]
fn a_file_in_another_namespace_is_refused_naming_the_element() {
    let qde = r#"<Project xmlns="urn:QDA-XML:project:2.0" name="x"/>"#;
    let (dir, mut p) = common::project();
    let err = common::import(
        &mut p,
        &dir,
        "x.qdpx",
        &common::archive(&[("project.qde", qde.as_bytes())]),
        &ImportOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("<Project>") && err.contains("urn:QDA-XML:project:2.0") && err.contains("x.qdpx"), "{err}");
    let err =
        common::import(&mut p, &dir, "y.qdpx", &common::archive(&[("readme.txt", b"hi")]), &ImportOptions::default())
            .unwrap_err()
            .to_string();
    assert!(err.contains("project.qde"), "{err}");
    assert_eq!(p.sources(&Default::default()).unwrap().1, 0);
}

#[test]
fn a_codebook_merges_by_path_and_merging_it_again_adds_nothing() {
    let (dir, mut p) = common::project();
    let service = p.create_code("Service", None, Some("#123456"), "Ours").unwrap();
    p.create_code("Support", Some(service), None, "").unwrap();
    let qdc = r##"<?xml version="1.0"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="ATLAS.ti"><Codes>
        <Code guid="a" name="service" isCodable="true" color="#ff0000"><Description>Theirs</Description>
          <Code guid="b" name="Support" isCodable="true"/>
          <Code guid="c" name="Onboarding" isCodable="true" color="#00ff00"><Description>First weeks</Description></Code>
        </Code>
        <Code guid="d" name="Price" isCodable="true"/>
        <Code guid="e" name="Support" isCodable="false"/>
      </Codes></CodeBook>"##;
    let summary = import_file(&mut p, &dir, "book.qdc", qdc.as_bytes());
    assert_eq!(summary.codes_matched, 2);
    assert_eq!(summary.codes_added.len(), 3, "{:?}", summary.codes_added);
    let codes = p.codes().unwrap();
    let service = codes.iter().find(|c| c.name == "Service").unwrap();
    assert_eq!(
        (service.color.as_str(), service.description.as_str()),
        ("#123456", "Ours"),
        "existing codes are kept as they are"
    );
    let onboarding = codes.iter().find(|c| c.name == "Onboarding").unwrap();
    assert_eq!(
        (onboarding.parent_id, onboarding.color.as_str(), onboarding.description.as_str()),
        (Some(service.id), "#00ff00", "First weeks")
    );
    assert_eq!(codes.iter().filter(|c| c.name == "Support").count(), 2, "a Support at the top is another code");
    let again = import_file(&mut p, &dir, "book.qdc", qdc.as_bytes());
    assert!(again.codes_added.is_empty() && again.codes_matched == 5, "{again:?}");
    assert_eq!(p.codes().unwrap().len(), codes.len());
}

/// Every coding pyqdpx (an independent REFI-QDA reader, which counts offsets as NVivo does)
/// finds in `file`: source, code, coder and the coded words.
fn read_with_pyqdpx(file: &Path) -> Vec<(String, String, String, String)> {
    const READ: &str = r#"
import json, sys
from pyqdpx import QDPX
project = QDPX(sys.argv[1]).get_project()
out = []
for s in project.sources.values():
    for sel in s.coded_selections.values():
        # pyqdpx pads each character beyond the BMP with a zero-width space to count as NVivo.
        out.append([s.name, sel.code.name, sel.user.name, sel.text.replace("\u200b", "")])
print(json.dumps(out))
"#;
    let out = Command::new(common::python_tools()).arg("-c").arg(READ).arg(file).output().unwrap();
    assert!(out.status.success(), "pyqdpx: {}", String::from_utf8_lossy(&out.stderr));
    let mut rows: Vec<(String, String, String, String)> = serde_json::from_slice(&out.stdout).unwrap();
    rows.sort();
    rows
}

#[test]
fn an_independent_reader_finds_every_coding_of_the_nvivo_export_on_the_same_words() {
    let (dir, mut p) = common::project();
    let text = "Haastattelija: Miten meni? 😀\r\nAino: Toimitus myöhästyi 👍🏽 ja lasku oli väärä 🙁.\r\nHaastattelija: Kiitos.\r\n";
    common::import(&mut p, &dir, "haastattelu.txt", text.as_bytes(), &ImportOptions::default()).unwrap();
    let id = p.sources(&Default::default()).unwrap().0[0].id;
    let delivery = p.create_code("Toimitus", None, None, "").unwrap();
    let late = p.create_code("Myöhässä", Some(delivery), None, "").unwrap();
    let billing = p.create_code("Laskutus", None, None, "").unwrap();
    let span = |words: &str| {
        let start = polku::text::char_len(&text[..text.find(words).unwrap()]) as i64;
        (start, start + polku::text::char_len(words) as i64)
    };
    for (coder, code, words) in [
        ("Aino", late, "Toimitus myöhästyi 👍🏽"),
        ("Aino", billing, "lasku oli väärä"),
        ("Ben", billing, "lasku oli väärä 🙁."),
        ("Ben", delivery, "Kiitos"),
    ] {
        p.set_coder(coder).unwrap();
        let (s, e) = span(words);
        p.add_coding(code, id, s, e).unwrap();
    }
    let leaf = |path: String| path.rsplit(['/', '›']).next().unwrap().trim().to_string();
    let mut ours: Vec<_> = passages(&p).into_iter().map(|(s, c, u, w)| (s, leaf(c), u, w)).collect();
    ours.sort();

    let nvivo = dir.path().join("nvivo.qdpx");
    p.export_qdpx(&nvivo, Offsets::Utf16, false).unwrap();
    assert_eq!(read_with_pyqdpx(&nvivo), ours);
    // The standard's offsets put codings after an emoji one unit early for a reader that
    // counts as NVivo does: why the NVivo export exists.
    let standard = dir.path().join("standard.qdpx");
    p.export_qdpx(&standard, Offsets::Characters, false).unwrap();
    assert_ne!(read_with_pyqdpx(&standard), ours);
    // Polku reads both back on the same words.
    for file in [&nvivo, &standard] {
        let (_d, mut q) = common::project();
        let name = file.file_name().unwrap().to_str().unwrap();
        import_file(&mut q, &dir, name, &std::fs::read(file).unwrap());
        assert_eq!(passages(&q), passages(&p), "{name}");
    }
}
