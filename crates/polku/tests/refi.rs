//! REFI-QDA exports checked against the standard's schemas with an independent validator
//! (`xmllint --schema`, fixtures in `fixtures/refi-qda`), and against the project itself.

use crate::common;

use std::io::Read;
use std::path::Path;
use std::process::Command;

use polku::domain::AttrValue;
use polku::import::{ColumnMapping, ImportOptions};

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
    p.export_qdpx(&first, false).unwrap();
    let files = unzip(&std::fs::read(&first).unwrap());
    let qde = &files.iter().find(|(n, _)| n == "project.qde").expect("project.qde").1;
    validate(qde, "Project.xsd");
    let xml = String::from_utf8(qde.clone()).unwrap();
    assert!(xml.contains(r#"name="Polku: journey phase""#) && xml.contains("<TextValue>SMB</TextValue>"), "{xml}");
    assert_eq!(xml.matches("<Coding ").count(), 2);
    assert_eq!(xml.matches("<PlainTextSelection ").count(), 1, "two codes on one span are one selection");
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
    p.export_qdpx(&second, false).unwrap();
    assert_eq!(&unzip(&std::fs::read(&second).unwrap()), &files);

    let qdc = dir.path().join("codebook.qdc");
    let outcome = p.export_qdc(&qdc, false).unwrap();
    assert_eq!(outcome.items, 2);
    let codebook = std::fs::read(&qdc).unwrap();
    validate(&codebook, "Codebook.xsd");
    assert!(String::from_utf8(codebook).unwrap().contains("Invoices &amp; billing"));
}
