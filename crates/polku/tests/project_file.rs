//! The project file: creation, reopening, schema upgrades, foreign files, offsets.

use crate::common;

use polku::domain::{AttrValue, MemoTarget, Origin};
use polku::{Error, Project};

#[test]
fn a_project_reopens_with_its_data_and_default_phases() {
    let (dir, mut p) = common::project();
    let path = p.path().to_path_buf();
    let code = p.create_code("Hinta", None, None, "price talk").unwrap();
    p.set_case_attribute("Acme Oy", "segment", AttrValue::Text("SMB".into())).unwrap();
    drop(p);
    let p = Project::open(&path).unwrap();
    let keys: Vec<String> = p.phases().unwrap().into_iter().map(|x| x.key).collect();
    assert_eq!(keys, ["evaluation", "purchase", "onboarding", "usage", "customership"]);
    assert_eq!(p.codes().unwrap()[0].id, code);
    assert_eq!(p.cases().unwrap()[0].attributes, vec![("segment".to_string(), AttrValue::Text("SMB".into()))]);
    assert!(Project::create(&path, "again").is_err(), "create must not overwrite");
    drop(dir);
}

#[test]
fn a_newer_schema_is_refused_with_a_clear_message() {
    let (_dir, p) = common::project();
    let path = p.path().to_path_buf();
    drop(p);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", polku::SCHEMA_VERSION + 1).unwrap();
    drop(conn);
    match Project::open(&path) {
        Err(e @ Error::SchemaTooNew { .. }) => assert!(e.to_string().contains("newer Polku")),
        other => panic!("expected SchemaTooNew, got {:?}", other.err()),
    }
}

#[test]
fn an_older_schema_is_upgraded_in_place_keeping_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.polku");
    // A version-1 file, as the first release wrote it.
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(include_str!("fixtures/schema_v1.sql")).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute_batch(
            "INSERT INTO meta VALUES ('name', 'old'), ('index_generation', '0');
             INSERT INTO phases(key, name, position) VALUES ('usage', 'Usage', 0);
             INSERT INTO sources(kind, title, language, phase_id, text, char_len, created_at)
                 VALUES ('feedback', 'old one', 'en', 1, 'Slow support.', 13, '2025-01-01T00:00:00Z');
             INSERT INTO segments(source_id, ordinal, start, end) VALUES (1, 0, 0, 13);",
        )
        .unwrap();
    }
    let mut p = Project::open(&path).unwrap();
    assert_eq!(p.stats().unwrap().schema_version, polku::SCHEMA_VERSION);
    assert_eq!(p.source(1).unwrap().phase.as_deref(), Some("usage"));
    // v2 columns work: a manual phase change is recorded.
    p.set_source_phase(1, Some("usage")).unwrap();
    assert_eq!(p.search("support", 10, 0).unwrap().total, 1);
}

#[test]
fn foreign_and_corrupt_files_are_refused_without_damage() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.polku");
    std::fs::write(&junk, b"this is not a database at all, just some words and more words").unwrap();
    assert!(matches!(Project::open(&junk), Err(Error::NotAProject { .. })));
    assert_eq!(std::fs::read(&junk).unwrap(), b"this is not a database at all, just some words and more words");

    let other = dir.path().join("other.sqlite");
    let conn = rusqlite::Connection::open(&other).unwrap();
    conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (1);").unwrap();
    drop(conn);
    let before = std::fs::read(&other).unwrap();
    assert!(matches!(Project::open(&other), Err(Error::NotAProject { .. })));
    // Refused without a write: not switched to WAL, not a byte changed.
    assert_eq!(std::fs::read(&other).unwrap(), before);
    let empty = dir.path().join("empty.polku");
    std::fs::write(&empty, b"").unwrap();
    assert!(matches!(Project::open(&empty), Err(Error::NotAProject { .. })));
    assert_eq!(std::fs::metadata(&empty).unwrap().len(), 0, "a 0-byte file stays 0 bytes");
    assert!(Project::open(dir.path().join("missing.polku")).is_err());
}

#[test]
fn a_negative_schema_version_is_not_a_project() {
    let (_dir, p) = common::project();
    let path = p.path().to_path_buf();
    drop(p);
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", -1).unwrap();
    drop(conn);
    assert!(matches!(Project::open(&path), Err(Error::NotAProject { .. })));
}

#[test]
fn coding_offsets_count_characters_with_finnish_letters_and_emoji() {
    let (dir, mut p) = common::project();
    let text = "Asiakas: Hyvä 👍 tuki, mutta hinnankorotus äkillinen.\n";
    let r = common::import(&mut p, &dir, "note.txt", text.as_bytes(), &Default::default()).unwrap();
    let src = r.source_ids[0];
    let code = p.create_code("Hinta", None, None, "").unwrap();
    // "hinnankorotus" starts after the emoji: char offsets, not bytes or UTF-16 units.
    let start = text[..text.find("hinnankorotus").unwrap()].chars().count();
    let id = p.add_coding(code, src, start as i64, start as i64 + 13).unwrap().id;
    let c = &p.codings(src).unwrap()[0];
    assert_eq!((c.id, c.origin), (id, Origin::Manual));
    let stored = p.source_text(src).unwrap();
    assert_eq!(polku::text::char_slice(&stored, c.start as usize, c.end as usize), "hinnankorotus");
    // Out-of-range and empty ranges are refused and nothing is stored.
    assert!(p.add_coding(code, src, 40, 400).is_err());
    assert!(p.add_coding(code, src, 5, 5).is_err());
    assert_eq!(p.codings(src).unwrap().len(), 1);
}

#[test]
fn codebook_edits_keep_work_safe() {
    let (dir, mut p) = common::project();
    let r = common::import(&mut p, &dir, "a.txt", b"Support was slow. Price went up.", &Default::default()).unwrap();
    let s = r.source_ids[0];
    let service = p.create_code("Service", None, None, "").unwrap();
    let support = p.create_code("Support", Some(service), Some("#FF0000"), "").unwrap();
    let slow = p.create_code("Slow", None, None, "").unwrap();
    assert!(p.create_code("Support", Some(service), None, "").is_err(), "sibling names are unique");
    assert_eq!(p.codes().unwrap().iter().find(|c| c.id == support).unwrap().color, "#ff0000");
    p.add_coding(support, s, 0, 17).unwrap();
    p.add_coding(slow, s, 0, 17).unwrap();
    p.add_coding(slow, s, 8, 16).unwrap();
    // A code cannot move under its own descendant.
    assert!(p.update_code(service, None, None, None, Some(Some(support))).is_err());
    // Merging moves codings without duplicating the identical one.
    p.merge_codes(slow, support).unwrap();
    let codes = p.codes().unwrap();
    assert_eq!(codes.len(), 2);
    assert_eq!(codes.iter().find(|c| c.id == support).unwrap().coding_count, 2);
    // Deleting reports what goes with it.
    let coding = p.codings(s).unwrap()[0].id;
    p.add_memo(MemoTarget::Coding(coding), "why", "the customer said so").unwrap();
    let impact = p.delete_code_impact(service).unwrap();
    assert_eq!((impact.codes, impact.codings, impact.memos), (2, 2, 1));
    p.delete_code(service).unwrap();
    assert!(p.codes().unwrap().is_empty());
    assert!(p.codings(s).unwrap().is_empty());
    assert!(p.memos(MemoTarget::Coding(coding)).unwrap().is_empty());
    drop(dir);
}

#[test]
fn memos_attach_to_their_targets() {
    let (_dir, mut p) = common::project();
    let m = p.add_memo(MemoTarget::Project, "Plan", "Interview five churned customers.").unwrap();
    p.update_memo(m, "Plan", "Interview six churned customers.").unwrap();
    let memos = p.memos(MemoTarget::Project).unwrap();
    assert_eq!(memos.len(), 1);
    assert_eq!(memos[0].text, "Interview six churned customers.");
    assert!(p.add_memo(MemoTarget::Source(999), "x", "y").is_err());
    p.delete_memo(m).unwrap();
    assert!(p.memos(MemoTarget::Project).unwrap().is_empty());
}

#[test]
fn a_read_only_project_is_read_and_never_written() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, mut p) = common::project();
    common::import(&mut p, &dir, "a.txt", "Toimitus oli myöhässä.".as_bytes(), &Default::default()).unwrap();
    let path = p.path().to_path_buf();
    drop(p);
    let before = std::fs::read(&path).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
    // A read-only file opens read-only by itself: reading and searching work, writing says why.
    let mut p = Project::open(&path).unwrap();
    assert_eq!(p.stats().unwrap().sources, 1);
    assert_eq!(p.search("toimituksen", 10, 0).unwrap().total, 1);
    let err = p.create_code("Toimitus", None, None, "").unwrap_err().to_string();
    assert!(err.contains("read-only") && err.contains("nothing was changed"), "{err}");
    drop(p);
    assert_eq!(std::fs::read(&path).unwrap(), before, "not a byte of the project file changed");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
}
