//! Shared helpers for the core's integration tests.
#![allow(dead_code)]

pub mod backends;

use std::io::Write;
use std::path::{Path, PathBuf};

use polku::import::ImportOptions;
use polku::Project;

/// A fresh project in its own temporary directory (kept alive by the returned guard).
pub fn project() -> (tempfile::TempDir, Project) {
    let dir = tempfile::tempdir().unwrap();
    let p = Project::create(dir.path().join("t.polku"), "test").unwrap();
    (dir, p)
}

/// Writes `bytes` as `name` in `dir` and imports it.
pub fn import(
    p: &mut Project,
    dir: &tempfile::TempDir,
    name: &str,
    bytes: &[u8],
    opts: &ImportOptions,
) -> polku::Result<polku::import::ImportReport> {
    let path: PathBuf = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    p.import_file(&path, opts, &mut |_, _| true)
}

/// Number of sources stored.
pub fn source_count(p: &Project) -> usize {
    p.stats().unwrap().sources
}

/// A Word document (`.docx`) of one paragraph per item, as Word stores it.
pub fn docx(paragraphs: &[&str]) -> Vec<u8> {
    let mut body = String::new();
    for p in paragraphs {
        body.push_str(&format!("<w:p><w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p>", p.replace('&', "&amp;")));
    }
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{body}</w:body></w:document>"
    );
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buf);
    let opts = zip::write::SimpleFileOptions::default();
    zip.start_file("[Content_Types].xml", opts).unwrap();
    zip.write_all(
        b"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>",
    )
    .unwrap();
    zip.start_file("word/document.xml", opts).unwrap();
    zip.write_all(xml.as_bytes()).unwrap();
    zip.finish().unwrap();
    buf.into_inner()
}

/// A workbook (`.xlsx`) of one sheet holding `rows` as strings, as Excel stores it.
pub fn xlsx(rows: &[Vec<String>]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, cell).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

/// A zip archive of `entries` (name, bytes), as another tool would write a `.qdpx`.
pub fn archive(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, bytes) in entries {
        zip.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A REFI-QDA project (`.qdpx`) of one text source with one code on each of `selections`
/// (offsets as written, whatever they are).
pub fn qdpx(text: &str, selections: &[(i64, i64)]) -> Vec<u8> {
    let sels: String = selections
        .iter()
        .enumerate()
        .map(|(i, (s, e))| {
            format!(
                r#"<PlainTextSelection guid="s{i}" startPosition="{s}" endPosition="{e}"><Coding guid="k{i}"><CodeRef targetGUID="c1"/></Coding></PlainTextSelection>"#
            )
        })
        .collect();
    let qde = format!(
        r#"<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="p"><CodeBook><Codes><Code guid="c1" name="Code" isCodable="true"/></Codes></CodeBook><Sources><TextSource guid="t1" name="Text" plainTextPath="internal://t1.txt">{sels}</TextSource></Sources></Project>"#
    );
    archive(&[("project.qde", qde.as_bytes()), ("sources/t1.txt", text.as_bytes())])
}

/// The Python that has the independent implementations the tests compare Polku against
/// (`scripts/pytools.txt`, installed by `scripts/setup.sh`).
pub fn python_tools() -> PathBuf {
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/pytools/bin/python");
    assert!(python.exists(), "{} is missing: run scripts/setup.sh", python.display());
    python
}
