//! End-to-end tests of the `polku` command line: what a script relies on.

use std::path::Path;
use std::process::{Command, Output};

fn polku(args: &[&str]) -> Output {
    polku_with(args, &[])
}

fn polku_with(args: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_polku"));
    cmd.args(args).env("POLKU_CODER", "tester");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("polku runs")
}

fn ok(args: &[&str]) -> String {
    let out = polku(args);
    assert!(out.status.success(), "polku {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn json(args: &[&str]) -> serde_json::Value {
    let mut all = args.to_vec();
    all.push("--json");
    serde_json::from_str(&ok(&all)).expect("--json prints JSON")
}

fn write(dir: &Path, name: &str, content: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p.display().to_string()
}

#[test]
fn a_scripted_session_from_import_to_coded_hits() {
    let dir = tempfile::tempdir().unwrap();
    let proj = dir.path().join("p.polku").display().to_string();
    ok(&["new", &proj, "--name", "Pilot"]);
    let csv = write(
        dir.path(),
        "nps.csv",
        "id,date,customer,nps,comment\n1,2025-01-10,Acme Oy,3,Toimituksen kanssa oli ongelmia.\n2,2025-02-11,Acme Oy,9,Toimitus tuli ajallaan ja tuki oli hyvä.\n3,2025-02-12,Beta AB,6,The delivery was late.\n",
    );
    let txt = write(dir.path(), "iv.txt", "Interviewer: How was delivery?\n\nJohanna Berg: Deliveries were late twice.\n\nInterviewer: Why?\n\nJohanna Berg: Their planning, I think.\n");
    let reports = json(&["import", &proj, &csv, &txt, "--allow-duplicate"]);
    assert_eq!(reports[0]["sources"], 3);
    assert_eq!(reports[1]["segments"], 4);

    let sources = json(&["sources", &proj, "--kind", "survey_answer"]);
    assert_eq!(sources["total"], 3);
    assert_eq!(sources["sources"][0]["language"], "fi");

    let hits = json(&["search", &proj, "toimitus"]);
    assert_eq!(hits["total"], 2);
    let hits = json(&["search", &proj, "delivery speaker:\"johanna berg\""]);
    assert_eq!(hits["total"], 1);

    let coded = json(&["code", &proj, "Delivery", "--create", "--query", "toimitus OR delivery", "--scope", "hit"]);
    assert_eq!(coded["created"], 5);
    let codes = json(&["codes", &proj]);
    assert_eq!(codes[0]["name"], "Delivery");
    assert_eq!(codes[0]["coding_count"], 5);
    assert_eq!(json(&["search", &proj, "code:delivery kind:interview"])["total"], 2);

    let manual = json(&["code", &proj, "Planning", "--create", "--source", "4", "--range", "0..5"]);
    assert!(manual["coding_id"].as_i64().unwrap() > 0);
    let stats = json(&["stats", &proj]);
    assert_eq!((stats["sources"].as_i64(), stats["codings"].as_i64()), (Some(4), Some(6)));
    assert_eq!(json(&["reindex", &proj])["segments"], 7);

    // Phases are configurable; sources keep the phases whose key stays.
    let phases = json(&["phases", &proj, "--set", "evaluation=Arviointi,usage=Käyttö,renewal=Renewal"]);
    assert_eq!(
        phases.as_array().unwrap().iter().map(|p| p["key"].as_str().unwrap()).collect::<Vec<_>>(),
        ["evaluation", "usage", "renewal"]
    );
    assert_eq!(phases[1]["name"], "Käyttö");
    assert!(polku(&["phases", &proj, "--set", "nokey"]).status.code() == Some(1));

    // Human output is a table with the rows in it.
    let table = ok(&["sources", &proj]);
    assert!(table.contains("Acme Oy") && table.contains("4 of 4 source(s)"), "{table}");
}

#[test]
fn exit_codes_scripts_can_trust() {
    let dir = tempfile::tempdir().unwrap();
    let proj = dir.path().join("p.polku").display().to_string();
    ok(&["new", &proj]);
    // Bad usage: 2.
    assert_eq!(polku(&["import"]).status.code(), Some(2));
    assert_eq!(polku(&["frobnicate"]).status.code(), Some(2));
    // A bad file fails with 1 and names the row and column; the good file still lands.
    let bad = write(dir.path(), "bad.csv", "comment,nps\nfine,9\nbroken,eleven\n");
    let good = write(dir.path(), "good.csv", "comment,nps\nall good,10\n");
    let out = polku(&["import", &proj, &bad, &good]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.csv, row 3, column 'nps'") && err.contains("'eleven' is not a number"), "{err}");
    assert_eq!(json(&["stats", &proj])["sources"], 1);
    // Not a project, bad query, unknown code: 1 with a message.
    let junk = write(dir.path(), "junk.polku", "hello");
    let out = polku(&["stats", &junk]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a Polku project file"));
    let out = polku(&["search", &proj, "good AND"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("query"));
    assert_eq!(polku(&["code", &proj, "Nope", "--query", "good"]).status.code(), Some(1));
    // Deleting a code asks for confirmation first.
    ok(&["codes", &proj, "add", "Tone"]);
    ok(&["code", &proj, "Tone", "--query", "good"]);
    let out = polku(&["codes", &proj, "delete", "Tone"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 coding(s)"));
    ok(&["codes", &proj, "delete", "Tone", "--yes"]);
    assert_eq!(json(&["codes", &proj]).as_array().unwrap().len(), 0);
}

#[test]
fn analyze_embeds_once_and_similar_finds_by_meaning() {
    let dir = tempfile::tempdir().unwrap();
    let proj = dir.path().join("p.polku").display().to_string();
    ok(&["new", &proj, "--name", "Models"]);
    let feedback = write(
        dir.path(),
        "feedback.jsonl",
        "{\"text\": \"Our technicians lose photos when the app syncs offline.\"}\n{\"text\": \"The invoice rows were correct this month.\"}\n{\"text\": \"Hinta nousi liikaa.\"}\n",
    );
    ok(&["import", &proj, &feedback]);
    let first = json(&["analyze", &proj]);
    let embedded = &first["embedded"];
    assert_eq!((embedded["segments"].as_u64(), embedded["sentences"].as_u64()), (Some(3), Some(3)));
    let s = &first["sentiment"];
    assert_eq!(s["positive"].as_u64().unwrap() + s["neutral"].as_u64().unwrap() + s["negative"].as_u64().unwrap(), 3);
    assert!(s["negative"].as_u64().unwrap() >= 1, "losing photos is bad news: {s}");
    assert_eq!(json(&["analyze", &proj])["embedded"]["segments"], 0, "a second run has nothing left to do");
    let hits = json(&["similar", &proj, "pictures disappear from the mobile application", "--limit", "2"]);
    assert_eq!(hits[0]["text"], "Our technicians lose photos when the app syncs offline.");
    // A folder that is not a model is refused by name, with a non-zero exit.
    let out = polku(&["analyze", &proj, "--model", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing config.json"));

    // A project switched to another installed model analyses with that one (the app resolves
    // it by the same core rule): here a folder that passes the check but cannot be loaded.
    let models = tempfile::tempdir().unwrap();
    let other = dir.path().join("my-bert");
    std::fs::create_dir(&other).unwrap();
    for (f, content) in [
        ("config.json", r#"{"model_type": "bert", "hidden_size": 384}"#),
        ("tokenizer.json", "{}"),
        ("model.safetensors", "{}"),
    ] {
        write(&other, f, content);
    }
    let env = [("POLKU_MODELS", models.path())];
    let added = polku_with(&["models", "--add", other.to_str().unwrap(), "--project", &proj, "--use", "my-bert"], &env);
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    let out = polku_with(&["analyze", &proj], &env);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&models.path().join("my-bert").display().to_string()), "{err}");
}

#[test]
fn metrics_tables_and_json_for_a_scripted_report() {
    let dir = tempfile::tempdir().unwrap();
    let proj = dir.path().join("m.polku").display().to_string();
    ok(&["new", &proj]);
    let mut csv = String::from("id,date,segment,touchpoint,nps,comment\n");
    for i in 0..12 {
        csv.push_str(&format!("a{i},2025-01-1{},SMB,purchase,2,The price is too high.\n", i % 10));
        csv.push_str(&format!("b{i},2025-04-1{},Enterprise,usage,10,Great planning board.\n", i % 10));
    }
    let csv = write(dir.path(), "nps.csv", &csv);
    ok(&["import", &proj, &csv]);
    ok(&["code", &proj, "Price", "--create", "--query", "price", "--scope", "segment"]);

    let o = json(&["metrics", &proj, "scores"]);
    assert_eq!(o["respondents"], 24);
    assert_eq!(o["scales"][0]["value"], 0.0, "12 promoters and 12 detractors");
    let d = json(&["metrics", &proj, "drivers", "--codes"]);
    assert_eq!(d["drivers"][0]["item"]["label"], "Price");
    assert_eq!(d["drivers"][0]["impact"]["value"], -100.0, "half mention it: 0.5 × (−100 − 100)");
    let b = json(&["metrics", &proj, "scores", "--by", "attr:segment", "--from", "2025-04"]);
    assert_eq!(b["rows"].as_array().unwrap().len(), 1, "only April's Enterprise answers");
    assert_eq!(b["rows"][0]["label"], "Enterprise");
    let q = json(&["metrics", &proj, "quotes", "1", "--codes", "--in", "purchase", "--limit", "3"]);
    assert_eq!((q["total"].as_u64(), q["quotes"].as_array().unwrap().len()), (Some(12), 3));

    let found = json(&["metrics", &proj, "findings", "--codes"]);
    assert_eq!(found[0]["kind"], "drag");
    assert_eq!((found[0]["item"].as_str(), found[0]["impact"]["value"].as_f64()), (Some("Price"), Some(-100.0)));
    assert_eq!(found.as_array().unwrap().len(), 1, "both phases are under 30 answers: no weakest phase: {found}");
    let said = ok(&["metrics", &proj, "findings", "--codes"]);
    assert!(said.contains("Price pulls down NPS by -100.0"), "{said}");
    let out = polku(&["metrics", &proj, "scores", "--from", "2025-13"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("'2025-13' is not a year, month or day"));

    let table = ok(&["metrics", &proj, "matrix", "--codes"]);
    assert!(table.contains("Price") && table.contains("Purchase (n=12)") && table.contains("12 · 100.0%"), "{table}");
    let bad = polku(&["metrics", &proj, "scores", "--by", "attr:sector"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no attribute named 'sector'"));
}

#[test]
fn a_dry_run_shows_how_an_export_is_read_and_the_import_needs_one_command() {
    let dir = tempfile::tempdir().unwrap();
    let proj = dir.path().join("t.polku");
    let proj = proj.to_str().unwrap();
    ok(&["new", proj]);
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../polku/tests/fixtures/exports/nps-stages-dmy.csv");
    let file = file.to_str().unwrap();
    // New stages: the dry run says which, and that the import would fail; nothing is stored.
    let out = polku(&["import", proj, file, "--dry-run"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    for expected in ["Score", "NPS Category", "day first", "Billing, Support, Renewal", "--new-phases"] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
    let preview = json(&["--json", "import", proj, file, "--dry-run", "--new-phases"]);
    let columns = preview[0]["columns"].as_array().unwrap();
    let role = |name: &str| columns.iter().find(|c| c["name"] == name).unwrap()["role"].clone();
    assert_eq!((role("Score"), role("NPS Category")), ("score".into(), "source_attribute".into()));
    assert_eq!(json(&["--json", "stats", proj])["sources"], 0);
    // One command imports it.
    ok(&["import", proj, file, "--new-phases"]);
    assert_eq!(json(&["--json", "stats", proj])["sources"], 60);
}

#[test]
fn new_on_a_full_disk_fails_cleanly_and_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("full.polku");
    // A file-size limit of 1 KiB makes every write past it fail as a full disk does (EFBIG,
    // with SIGXFSZ ignored so the process sees the error instead of being killed).
    let script = format!("trap '' XFSZ; ulimit -f 2; exec '{}' new '{}'", env!("CARGO_BIN_EXE_polku"), path.display());
    let out = Command::new("sh").args(["-c", &script]).output().unwrap();
    assert!(!out.status.success(), "polku new cannot succeed on a full disk");
    assert!(!String::from_utf8_lossy(&out.stderr).trim().is_empty(), "it says why");
    assert!(!path.exists(), "no file is left to block the next attempt");
    // With room again, the same command works.
    ok(&["new", path.to_str().unwrap()]);
    assert!(path.exists());
}

#[test]
fn a_project_goes_to_another_qda_tool_and_back_in_two_commands() {
    let dir = tempfile::tempdir().unwrap();
    let proj = dir.path().join("p.polku").display().to_string();
    ok(&["new", &proj]);
    let txt = write(dir.path(), "iv.txt", "Interviewer: How was it? 😀\n\nAino: The delivery was late.\n");
    ok(&["import", &proj, &txt]);
    ok(&["codes", &proj, "add", "Delivery"]);
    ok(&["code", &proj, "Delivery", "--query", "late"]);
    let qdpx = dir.path().join("p.qdpx").display().to_string();
    let qdc = dir.path().join("book.qdc").display().to_string();
    ok(&["export", &proj, "refi", "-o", &qdpx, "--offsets", "utf16"]);
    ok(&["export", &proj, "refi", "--format", "qdc", "-o", &qdc]);
    assert!(std::fs::read_to_string(&qdc).unwrap().contains("urn:QDA-XML:codebook:1.0"));

    let copy = dir.path().join("copy.polku").display().to_string();
    ok(&["new", &copy]);
    let out = ok(&["import", &copy, &qdpx]);
    assert!(out.contains("1 coding(s)") && out.contains("UTF-16"), "{out}");
    let reports = json(&["import", &copy, &qdc]);
    assert_eq!(reports[0]["exchange"]["codes_matched"], 1, "{reports}");
    let hits = json(&["search", &copy, "code:Delivery"]);
    assert!(hits.to_string().contains("late"), "{hits}");
}

#[test]
fn two_coders_merge_their_copies_and_read_their_agreement() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("base.polku").display().to_string();
    ok(&["new", &base]);
    let txt = write(
        dir.path(),
        "iv.txt",
        "Aino: The delivery was late.\n\nAino: The invoice was wrong.\n\nAino: Support was quick.\n",
    );
    ok(&["import", &base, &txt]);
    ok(&["codes", &base, "add", "Problem"]);
    // The lead turns blind coding on before handing out copies.
    assert_eq!(ok(&["blind", &base, "on"]).trim(), "blind coding: on");
    let a = dir.path().join("a.polku").display().to_string();
    let b = dir.path().join("b.polku").display().to_string();
    std::fs::copy(&base, &a).unwrap();
    std::fs::copy(&base, &b).unwrap();
    ok(&["--coder", "aino", "code", &a, "Problem", "--query", "late OR wrong"]);
    ok(&["--coder", "ben", "code", &b, "Problem", "--query", "late"]);
    let merged = json(&["merge", &a, &b]);
    assert_eq!((merged["sources_matched"].as_u64(), merged["codings"].as_u64()), (Some(1), Some(1)), "{merged}");
    let again = json(&["merge", &a, &b]);
    assert_eq!(again["codings"], 0, "merging twice adds nothing");

    // Blind: each coder sees only their own codings, in the codebook and in search, and
    // agreement waits until they compare.
    let count = |args: &[&str]| json(args)[0]["coding_count"].as_i64().unwrap();
    assert_eq!(count(&["--coder", "aino", "codes", &a]), 2);
    assert_eq!(count(&["--coder", "ben", "codes", &a]), 1);
    assert_eq!(json(&["--coder", "ben", "search", &a, "code:Problem"])["total"], 1);
    let out = polku(&["agreement", &a, "--coders", "aino,ben"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("blind coding is on"), "{out:?}");
    assert_eq!(json(&["blind", &a, "off"])["blind"], false);
    assert_eq!(count(&["--coder", "ben", "codes", &a]), 3, "compared: everyone's codings");
    assert_eq!(count(&["--only-coders", "ben", "codes", &a]), 1, "filtered to one coder");
    assert_eq!(json(&["--only-coders", "aino", "search", &a, "code:Problem"])["total"], 2);

    let r = json(&["agreement", &a, "--coders", "aino,ben"]);
    assert_eq!(r["overall"]["all"]["units"], 3.0);
    assert_eq!(r["overall"]["coded"]["units"], 2.0);
    assert_eq!(r["disagreement_count"], 1);
    let table = ok(&["agreement", &a, "--coders", "aino,ben", "--unit", "char"]);
    assert!(table.contains("Cohen κ") && table.contains("coded characters") && table.contains("not by ben"), "{table}");
    let out = polku(&["agreement", &a, "--coders", "aino"]);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("two"));
}
