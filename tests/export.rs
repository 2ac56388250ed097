//! What a consultant hands over, opened by the programs a client uses: the Word report
//! converted by LibreOffice and rendered page by page, the HTML report printed by Chromium,
//! both read back as text; the pages are kept as PNG in `target/tmp/export-screenshots` to be
//! looked at. Needs `soffice`, `pdftotext`, `pdftoppm` and `chromium` (scripts/setup.sh).

use std::path::{Path, PathBuf};
use std::process::Command;

fn run(program: &str, args: &[&str]) -> std::process::Output {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} is needed to open exports ({e}); run scripts/setup.sh"));
    assert!(out.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    out
}

fn polku(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_polku")).args(args).output().unwrap();
    assert!(out.status.success(), "polku {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn pdf_text(pdf: &Path) -> String {
    let txt = pdf.with_extension("txt");
    run("pdftotext", &["-layout", pdf.to_str().unwrap(), txt.to_str().unwrap()]);
    std::fs::read_to_string(txt).unwrap()
}

fn shots() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("export-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn reports_open_in_libreoffice_and_chromium_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("demo.polku");
    let p = project.to_str().unwrap();
    polku(&["demo", p]);

    // Finnish, as Word, converted to PDF by LibreOffice.
    let docx = dir.path().join("raportti.docx");
    polku(&["export", p, "report", "-o", docx.to_str().unwrap(), "--lang", "fi", "--author", "Konsultti"]);
    run(
        "soffice",
        &["--headless", "--convert-to", "pdf", "--outdir", dir.path().to_str().unwrap(), docx.to_str().unwrap()],
    );
    let pdf = dir.path().join("raportti.pdf");
    let text = pdf_text(&pdf);
    for heading in [
        "Asiakaskokemusraportti",
        "Sisällys",
        "Havainnot",
        "Arviot asiakaspolun vaiheittain",
        "Menetelmä",
        "Lainauksia",
    ] {
        assert!(text.contains(heading), "the Finnish report has '{heading}'");
    }
    assert!(!text.contains("Findings") && !text.contains("Method"), "no English heading in the Finnish report");
    assert!(!text.contains("TOC \\o"), "no field code shows as text");
    run("pdftoppm", &["-r", "60", "-png", pdf.to_str().unwrap(), shots().join("report-fi").to_str().unwrap()]);

    // English, as HTML, printed by Chromium (offline: the file fetches nothing).
    let html = dir.path().join("report.html");
    polku(&["export", p, "report", "-o", html.to_str().unwrap(), "--lang", "en", "--slice", "kind"]);
    let printed = dir.path().join("report-en.pdf");
    let url = format!("file://{}", html.display());
    let chromium = |extra: &str| {
        run(
            "chromium",
            &[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-dev-shm-usage",
                "--window-size=900,2400",
                extra,
                &url,
            ],
        )
    };
    chromium(&format!("--print-to-pdf={}", printed.display()));
    let text = pdf_text(&printed);
    for heading in ["Customer experience report", "Contents", "Findings", "Scores by journey phase", "Method", "Quotes"]
    {
        assert!(text.contains(heading), "the English report has '{heading}'");
    }
    chromium(&format!("--screenshot={}", shots().join("report-en.png").display()));
    run("pdftoppm", &["-r", "60", "-png", printed.to_str().unwrap(), shots().join("report-en").to_str().unwrap()]);

    // The quote workbook opens in LibreOffice Calc as well (converted to UTF-8 CSV).
    let xlsx = dir.path().join("quotes.xlsx");
    polku(&["export", p, "quotes", "-o", xlsx.to_str().unwrap(), "--no-anonymise"]);
    let utf8_csv = "csv:Text - txt - csv (StarCalc):44,34,76,1";
    run(
        "soffice",
        &["--headless", "--convert-to", utf8_csv, "--outdir", dir.path().to_str().unwrap(), xlsx.to_str().unwrap()],
    );
    let csv = std::fs::read_to_string(dir.path().join("quotes.csv")).unwrap();
    assert!(csv.lines().next().unwrap().starts_with(r#""Quote","Source","Kind""#), "{}", &csv[..200.min(csv.len())]);
    assert!(csv.lines().count() > 100);
}
