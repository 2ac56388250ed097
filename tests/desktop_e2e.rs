//! End-to-end test of the real desktop app: the built `polku-desktop` binary, driven through
//! `tauri-driver` and WebKitWebDriver exactly as a user would drive it, with a fresh demo
//! project and throw-away XDG directories (the user's own files are never touched).
//!
//! Needs `tauri-driver`, `WebKitWebDriver` and (without a display) `Xvfb`: run
//! `scripts/setup.sh`. The app embeds `ui/dist`, so build the UI first (`scripts/desktop-build.sh`
//! or `scripts/test.sh` do). Screenshots of every step go to `target/e2e-screenshots/`,
//! together with `driver.log` (output of the driver and the app) and, when a step fails,
//! `failure.png` and `failure.html`.
//!
//!     cargo test -p polku-desktop --test desktop_e2e -- --nocapture

use std::fmt::Display;
use std::fs::File;
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

const APP: &str = env!("CARGO_BIN_EXE_polku-desktop");
const SETUP_HINT: &str = "run scripts/setup.sh to install it";
/// How long one step may wait for the UI (debug build, two cores, WebKit under Xvfb).
const WAIT: Duration = Duration::from_secs(20);

// ---------------------------------------------------------------------------------------------
// The flow a user goes through. Every step checks what the user would see.
// ---------------------------------------------------------------------------------------------

async fn user_flow(ui: &mut Ui) -> Step<()> {
    // The app opens the project given on its command line.
    step("the demo project is open, and the app asks who is coding");
    ui.wait_text("project-name", |t| t.contains("Virta Software"), "\"Virta Software\"").await?;
    ui.wait_for("coder-prompt", WAIT).await?;
    ui.name_coder("Tessa Testaaja").await?;
    ui.screenshot("sources").await?;

    step("sources: filter to interviews and open the first one");
    ui.click("nav-sources").await?;
    ui.select("filter-kind", "interview").await?;
    ui.wait_js(
        "every source row is an interview",
        r#"const rows = [...document.querySelectorAll('[data-testid="source-row"]')];
           return rows.length > 0 && rows.every(r => r.dataset.kind === 'interview');"#,
    )
    .await?;
    // A table row has no single point WebKitWebDriver will click; a user clicks a cell.
    ui.click_css(&format!("{} td", by_testid("source-row"))).await?;
    ui.wait_for("reader", WAIT).await?;
    ui.wait_count("segment", 2).await?;
    ui.screenshot("reader").await?;

    step("code a selection with a new code");
    let selected = ui.select_text_in_segment(1, 20).await?;
    println!("    selected {selected:?}");
    ui.press('q').await?;
    ui.type_and_enter("quick-code-input", "E2E uusi koodi").await?;
    ui.wait_count("coding-mark", 1).await?;
    let marked = ui.texts("coding-mark").await?.concat();
    check(marked.contains(&selected), format!("the coding mark should hold {selected:?}, holds {marked:?}"))?;
    ui.screenshot("coded").await?;

    step("a coding gets a memo, moves to another code, and the move is undone");
    ui.click("coding-mark").await?;
    ui.wait_for("coding-popover", WAIT).await?;
    ui.click("coding-memo").await?;
    ui.click("memo-new").await?;
    ui.type_into("memo-text", "Kylmä talvi: lämpöpumput hajoavat").await?;
    ui.click("memo-save").await?;
    ui.wait_count("memo-item", 1).await?;
    ui.screenshot("coding-memo").await?;
    let price = ui
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               const sel = document.querySelector('[data-testid="coding-change-code"]');
               const opt = [...sel.options].find(o => o.textContent.trim() === 'Price');
               done(opt ? opt.value : null);"#,
            vec![],
        )
        .await?;
    let price = price.as_str().ok_or("the change-code list should offer Price")?.to_string();
    ui.select("coding-change-code", &price).await?;
    ui.wait_text("status", |t| t.contains("Price"), "a message naming Price").await?;
    ui.click("undo").await?;
    ui.wait_text("status", |t| t.to_lowercase().contains("undone"), "\"Undone …\"").await?;

    step("the codebook counts the new coding");
    ui.click("nav-codebook").await?;
    ui.wait_code_count("E2E uusi koodi", |n| n == Some(1), "1").await?;
    ui.screenshot("codebook").await?;

    step("search finds an inflected Finnish form");
    ui.click("nav-search").await?;
    ui.type_into("search-input", "hinnankorotuksesta").await?;
    ui.click("search-submit").await?;
    let total = ui.wait_number("search-total", |n| n > 0, "> 0").await?;
    let hits = ui.wait_count("search-hit", 1).await?;
    println!("    search-total {total}, {hits} hits shown");
    ui.screenshot("search").await?;

    step("code all hits with a new code");
    let status_before = ui.text_if_present("status").await?;
    ui.click("code-all-hits").await?;
    ui.type_and_enter("quick-code-input", "Hinnankorotus E2E").await?;
    let status = ui
        .wait_text(
            "status",
            |t| Some(t) != status_before.as_deref() && first_number(t).is_some(),
            "a new message with a number",
        )
        .await?;
    let coded = first_number(&status).unwrap();
    println!("    status: {status:?}");
    ui.click("nav-codebook").await?;
    check(coded >= total, format!("every one of the {total} hits is coded, the status says {coded}"))?;
    ui.wait_code_count("Hinnankorotus E2E", |n| n == Some(coded), &coded.to_string()).await?;

    step("undo takes the codings back");
    ui.click("undo").await?;
    // Undo takes back the codings; the code itself stays (creating a code is not a coding edit).
    ui.wait_code_count("Hinnankorotus E2E", |n| n == Some(0), "0").await?;
    ui.wait_code_count("E2E uusi koodi", |n| n == Some(1), "1 (the earlier step is untouched)").await?;

    step("the interface speaks Finnish");
    let english = ui.text("nav-codebook").await?;
    check(english.starts_with("Codebook"), format!("nav-codebook should start in English, shows {english:?}"))?;
    ui.select("ui-language", "fi").await?;
    ui.wait_text("nav-codebook", |t| t.starts_with("Koodikirja"), "\"Koodikirja\"").await?;
    ui.screenshot("finnish").await?;

    step("a 60,000-word interview with 2,000 codings opens and scrolls");
    ui.click("nav-sources").await?;
    ui.select("filter-kind", "interview").await?;
    ui.wait_js(
        "the long interview is listed",
        &format!(r#"return [...document.querySelectorAll('[data-testid="source-row"]')].some(r => r.textContent.includes({LONG_TITLE:?}));"#),
    )
    .await?;
    let opened = ui.execute_async(OPEN_AND_TIME_JS, vec![json!(LONG_TITLE), json!(LONG_FIRST_WORDS)]).await?;
    let open_ms = opened.as_f64().ok_or_else(|| format!("opening the long interview: {opened}"))?;
    ui.wait_count("coding-mark", 1).await?;
    ui.screenshot("long-interview").await?;
    let scrolled = ui.execute_async(SCROLL_AND_TIME_JS, vec![]).await?;
    let mut frames: Vec<f64> =
        scrolled["frames"].as_array().map(|a| a.iter().filter_map(Value::as_f64).collect()).unwrap_or_default();
    frames.sort_by(f64::total_cmp);
    check(!frames.is_empty(), format!("scrolling the reader: {scrolled}"))?;
    let rendered = scrolled["segments"].as_u64().unwrap_or(0);
    check(
        scrolled["scrolled"].as_f64().unwrap_or(0.0) > 10_000.0,
        format!("the reader should scroll far: {scrolled}"),
    )?;
    // Virtualised: only the turns near the viewport are in the page, not all of them.
    check(
        rendered > 0 && rendered < 200,
        format!("{rendered} turns in the page; the reader must render only the visible ones"),
    )?;
    println!(
        "    MEASURED long interview: opened in {open_ms:.0} ms; scrolling {} frames, frame interval median {:.1} ms, p95 {:.1} ms; {rendered} turns in the page",
        frames.len(),
        frames[frames.len() / 2],
        frames[frames.len() * 95 / 100]
    );
    ui.screenshot("long-interview-scrolled").await?;

    step("analysis: analyse the demo in the background");
    ui.click("nav-analysis").await?;
    ui.click("analysis-run").await?;
    let analysis_started = Instant::now();
    // The progress panel with a stage and its counts (the model loads first).
    match ui
        .wait_js_for(
            "the analysis shows a stage with counts",
            r#"const s = document.querySelector('[data-testid="analysis-stage"]');
               return !!s && s.innerText.includes('/');"#,
            Duration::from_secs(120),
        )
        .await
    {
        Ok(()) => {
            println!("    progress: {:?}", ui.text_if_present("analysis-stage").await?);
            ui.screenshot("analysis-running").await?;
        }
        Err(e) => println!("    (no progress caught: {e})"),
    }
    ui.wait_js_for(
        "the analysis has ended",
        r#"return !document.querySelector('[data-testid="analysis-progress"]')
                  && !!document.querySelector('[data-testid="analysis-run"]');"#,
        ANALYSIS_WAIT,
    )
    .await?;
    println!("    MEASURED analysis of the demo (with the long interview) took {:.1?}", analysis_started.elapsed());
    if let Some(error) = ui.text_if_present("analysis-error").await? {
        return Err(format!("the analysis failed: {error}"));
    }
    ui.wait_for("analysis-done", WAIT).await?;
    let summary = ui.text("sentiment-summary").await?;
    println!("    sentiment: {summary:?}");
    check(
        first_number(&summary).is_some_and(|n| n > 0),
        format!("the sentiment summary should count sentences: {summary:?}"),
    )?;

    step("analysis: themes are listed with names and quotes");
    let n = ui.wait_count("theme", 3).await?;
    let themes = ui
        .client
        .execute(
            r#"return [...document.querySelectorAll('[data-testid="theme"]')].map(t => ({
                   name: t.querySelector('[data-testid="theme-name"]').innerText.trim(),
                   count: Number(t.dataset.sentenceCount),
                   quotes: [...t.querySelectorAll('[data-testid="theme-quote"]')].map(q => q.innerText.trim())
                           .filter(q => q.length > 2).length }));"#,
            vec![],
        )
        .await
        .context("reading the themes")?;
    let themes = themes.as_array().cloned().unwrap_or_default();
    for t in themes.iter().take(5) {
        println!("    theme {} ({} sentences, {} quotes)", t["name"], t["count"], t["quotes"]);
    }
    check(themes.len() >= 3, format!("at least 3 themes, {n} listed"))?;
    for t in &themes {
        check(t["name"].as_str().is_some_and(|s| !s.is_empty()), format!("every theme has a name: {t}"))?;
        check(t["quotes"].as_u64().unwrap_or(0) >= 1, format!("every theme has quotes: {t}"))?;
        check(t["count"].as_u64().unwrap_or(0) >= 2, format!("every theme has sentences: {t}"))?;
    }
    ui.screenshot("themes").await?;

    step("analysis: themes sit under broad themes, meet across languages, and none dominates");
    let groups = ui
        .client
        .execute(
            r#"return [...document.querySelectorAll('[data-testid="theme-group"]')].map(g => ({
                   name: g.querySelector('[data-testid="theme-group-name"]').innerText.trim(),
                   size: g.querySelector('summary').innerText.replace(/\s+/g, ' ').trim(),
                   themes: g.querySelectorAll('[data-testid="theme"]').length }));"#,
            vec![],
        )
        .await
        .context("reading the broad themes")?;
    let groups = groups.as_array().cloned().unwrap_or_default();
    let other = ui
        .client
        .execute(
            r#"const o = document.querySelector('[data-testid="theme-group-other"] summary');
               return o ? o.innerText.replace(/\s+/g, ' ').trim() : null;"#,
            vec![],
        )
        .await
        .context("reading the other themes")?;
    println!("    MEASURED {} broad themes; without a broad theme: {other}", groups.len());
    for g in &groups {
        println!("    group {} ({} themes listed)", g["size"], g["themes"]);
    }
    // The list as grouped, from the second broad theme's heading (the first is at the top).
    ui.client
        .execute(
            r#"const gs = document.querySelectorAll('[data-testid="theme-group"]');
               const g = gs[1] || gs[0];
               if (g) g.scrollIntoView({block: 'start'});"#,
            vec![],
        )
        .await
        .context("scrolling to the first broad theme")?;
    ui.screenshot("theme-groups").await?;
    // The quotes the list shows, with the language the core detects in each.
    let quoted = ui
        .client
        .execute(
            r#"return [...document.querySelectorAll('[data-testid="theme"]')].map(t => ({
                   name: t.querySelector('[data-testid="theme-name"]').innerText.trim(),
                   quotes: [...t.querySelectorAll('[data-testid="theme-quote"]')]
                           .map(q => q.innerText.trim().replace(/^\u201c|\u201d$/g, '')) }));"#,
            vec![],
        )
        .await
        .context("reading the theme quotes")?;
    let quoted = quoted.as_array().cloned().unwrap_or_default();
    let languages = |t: &Value| -> Vec<Option<&'static str>> {
        t["quotes"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|q| polku::language::detect(q.as_str().unwrap_or("")))
            .collect()
    };
    let mixed: Vec<String> = quoted
        .iter()
        .filter(|t| {
            let l = languages(t);
            l.contains(&Some("fi")) && l.contains(&Some("en"))
        })
        .map(|t| t["name"].as_str().unwrap_or("").to_string())
        .collect();
    let (mut fi_only, mut en_only) = (0, 0);
    for t in &quoted {
        let l = languages(t);
        fi_only += usize::from(l.contains(&Some("fi")) && !l.contains(&Some("en")));
        en_only += usize::from(l.contains(&Some("en")) && !l.contains(&Some("fi")));
    }
    println!(
        "    MEASURED themes whose quotes mix Finnish and English: {} of {} ({fi_only} Finnish only, {en_only} English only): {mixed:?}",
        mixed.len(),
        quoted.len()
    );
    if let Some(t) = quoted.iter().find(|t| mixed.first().is_some_and(|m| t["name"].as_str() == Some(m.as_str()))) {
        for (q, l) in t["quotes"].as_array().into_iter().flatten().zip(languages(t)) {
            println!("      {l:?}: {q}");
        }
    }
    let counts: Vec<u64> = themes.iter().map(|t| t["count"].as_u64().unwrap_or(0)).collect();
    let in_themes: u64 = counts.iter().sum();
    let largest = counts.iter().copied().max().unwrap_or(0);
    let share = largest as f64 / in_themes.max(1) as f64;
    println!(
        "    MEASURED largest theme: {largest} of {in_themes} sentences in themes ({:.1} %), {} themes",
        100.0 * share,
        counts.len()
    );
    // Not checked, only told: the same over all the quotes the core keeps per theme (the list
    // shows the first three), to tell the data from the display when the check below fails.
    let stored = ui
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
               window.__TAURI_INTERNALS__.invoke('themes')
                 .then(ts => done(ts.filter(t => t.status === 'active').map(t => ({ name: t.name, quotes: t.quotes.map(q => q.text) }))))
                 .catch(e => done({ error: String(e) }));"#,
            vec![],
        )
        .await;
    match stored.as_ref().ok().and_then(|v| v.as_array()) {
        Some(all) => {
            let mixed_stored = all
                .iter()
                .filter(|t| {
                    let l = languages(t);
                    l.contains(&Some("fi")) && l.contains(&Some("en"))
                })
                .count();
            let quotes: usize = all.iter().map(|t| t["quotes"].as_array().map_or(0, Vec::len)).sum();
            println!(
                "    MEASURED over all {quotes} stored quotes: {mixed_stored} of {} themes mix Finnish and English",
                all.len()
            );
        }
        None => println!("    (stored quotes not read: {stored:?})"),
    }
    check(groups.len() >= 2, format!("at least 2 broad themes: {groups:?}"))?;
    for g in &groups {
        check(
            g["name"].as_str().is_some_and(|s| !s.is_empty()) && g["themes"].as_u64().unwrap_or(0) >= 1,
            format!("every broad theme has a name and a theme: {g}"),
        )?;
    }
    check(!mixed.is_empty(), "a theme whose quotes include a Finnish and an English sentence".to_string())?;
    check(share <= 0.10, format!("no theme holds over 10 % of the sentences in themes: {largest} of {in_themes}"))?;

    step("analysis: promote the invoice-rows theme to a new code; the codebook counts its sentences");
    // A theme a CX owner would act on: the demo's recurring invoice-row complaints.
    let target =
        themes.iter().position(|t| t["name"].as_str().is_some_and(|n| n.contains("invoice"))).ok_or_else(|| {
            format!("a theme about invoices among {:?}", themes.iter().map(|t| &t["name"]).collect::<Vec<_>>())
        })?;
    let first = themes[target]["count"].as_u64().unwrap_or(0);
    ui.client
        .execute(
            r#"document.querySelectorAll('[data-testid="theme"]')[arguments[0]].querySelector('[data-testid="theme-promote"]').click();"#,
            vec![json!(target)],
        )
        .await
        .context("opening the promotion dialog")?;
    let name_input = ui.wait_for("promote-name", WAIT).await?;
    name_input.clear().await.context("clearing the code name")?;
    ui.type_into("promote-name", "E2E teema").await?;
    ui.click("promote-confirm").await?;
    ui.wait_text("status", |t| t.contains("E2E teema"), "a message naming E2E teema").await?;
    ui.wait_js(
        "the promoted theme shows its code",
        r#"return [...document.querySelectorAll('[data-testid="theme"] [data-testid="theme-code"]')]
                  .some(t => t.innerText.includes('E2E teema'));"#,
    )
    .await?;
    ui.click("nav-codebook").await?;
    ui.wait_code_count("E2E teema", |n| n == Some(first), &first.to_string()).await?;
    ui.screenshot("promoted-theme-codebook").await?;

    step("dashboard: opens with scores, findings and the theme x phase matrix");
    ui.select("ui-language", "en").await?;
    ui.wait_text("nav-codebook", |t| t.starts_with("Codebook"), "\"Codebook\"").await?;
    let opened = ui.execute_async(DASHBOARD_OPEN_JS, vec![]).await?;
    println!("    MEASURED dashboard open to matrix on screen: {:.0} ms", opened.as_f64().unwrap_or(f64::NAN));
    let nps = ui.text("kpi-nps").await?;
    println!("    NPS tile: {nps:?}");
    check(nps.contains("95") && nps.contains("n ="), format!("the NPS tile shows its interval and base: {nps:?}"))?;
    let findings = ui.texts("dashboard-findings").await?;
    println!("    findings: {findings:?}");
    check(findings.first().is_some_and(|f| f.contains("NPS")), format!("findings name what moves NPS: {findings:?}"))?;
    let cells = ui.wait_count("matrix-cell", 5).await?;
    println!("    {cells} matrix cells");
    ui.screenshot("dashboard").await?;

    step("dashboard: a matrix cell opens its quotes, and a quote opens its place in the source");
    // The invoice theme in usage, where the demo's invoicing complaints live.
    let cell = r#"[data-testid="matrix-cell"][data-phase="usage"][data-item*="invoice"]"#;
    ui.click_css(cell).await?;
    ui.wait_count("quote", 1).await?;
    let quotes = ui.texts("quote").await?;
    println!("    first quote: {:?}", quotes.first());
    check(
        quotes.iter().any(|q| q.to_lowercase().contains("invoice")),
        format!("the invoice cell quotes customers on invoices: {quotes:?}"),
    )?;
    ui.screenshot("dashboard-quotes").await?;
    let words: String = quotes[0].trim_start_matches('“').chars().take(20).collect();
    ui.click("quote").await?;
    ui.wait_js(
        "the reader flashes the quoted words",
        &format!(
            r#"const r = document.querySelector('[data-testid="reader"]');
               const flashed = [...document.querySelectorAll('.run.flash')].map(e => e.textContent).join('');
               return !!r && flashed.includes({});"#,
            json!(words)
        ),
    )
    .await?;
    ui.screenshot("dashboard-quote-in-reader").await?;

    step("dashboard: a chart is exported as PNG and SVG beside the project");
    ui.click("nav-dashboard").await?;
    for format in ["png", "svg"] {
        let before = ui.text_if_present("status").await?;
        ui.click(&format!("chart-drivers-{format}")).await?;
        let status = ui
            .wait_text("status", |t| Some(t) != before.as_deref() && t.contains(format), "a saved-chart message")
            .await?;
        // The message ends with the absolute path of the file.
        let path = PathBuf::from(status.find('/').map_or("", |i| &status[i..]).trim());
        let bytes = std::fs::read(&path).context(format!("reading the exported {}", path.display()))?;
        let ok = if format == "png" { bytes.starts_with(b"\x89PNG") } else { bytes.starts_with(b"<svg") };
        check(ok && bytes.len() > 1000, format!("{} is a {format} chart ({} bytes)", path.display(), bytes.len()))?;
        println!("    exported {} ({} bytes)", path.display(), bytes.len());
    }

    step("import: a real NPS export is previewed, a role changed, a stage mapped onto a phase, the others added");
    ui.click("nav-sources").await?;
    // The file picker gives the fixture (POLKU_E2E_PICK_FILES); a table is previewed first.
    ui.click("import-files").await?;
    ui.wait_for("import-preview", WAIT).await?;
    ui.wait_js("the score is read from Score, not from the NPS Category words", &role_is("Score", "score")).await?;
    ui.wait_js("NPS Category is an attribute", &role_is("NPS Category", "source_attribute")).await?;
    ui.client
        .execute(
            r#"const row = [...document.querySelectorAll('[data-testid="import-preview-column"]')]
                   .find(r => r.querySelector('td').textContent.trim() === 'NPS Category');
               const select = row.querySelector('select');
               select.value = 'ignored';
               select.dispatchEvent(new Event('change', { bubbles: true }));"#,
            vec![],
        )
        .await
        .context("choosing another role")?;
    ui.wait_js("NPS Category is left out after the change", &role_is("NPS Category", "ignored")).await?;
    // The file's Renewal stage is the project's Customership phase; Billing and Support are new.
    ui.wait_js("the stages that are no phase are listed", &stage_listed("Renewal")).await?;
    ui.client
        .execute(
            r#"const select = document.querySelector('[data-testid="import-preview-stage"][data-stage="Renewal"]');
               select.value = 'customership';
               select.dispatchEvent(new Event('change', { bubbles: true }));"#,
            vec![],
        )
        .await
        .context("mapping a stage onto a phase")?;
    ui.wait_text("import-preview-create-phases", |t| t.contains('2'), "two undecided stages").await?;
    ui.click("import-preview-create-phases").await?;
    ui.wait_js(
        "every stage is decided",
        "return !document.querySelector('[data-testid=\"import-preview-create-phases\"]');",
    )
    .await?;
    ui.client
        .execute("document.querySelector('[data-testid=\"import-preview\"] details').open = true;", vec![])
        .await
        .context("showing the first rows")?;
    ui.wait_count("import-preview-sample", 1).await?;
    ui.screenshot("import-preview").await?;
    ui.click("import-preview-import").await?;
    let outcome = ui.wait_text("import-outcome", |t| t.contains("60"), "the file's 60 sources").await?;
    println!("    imported through the preview: {outcome}");

    step("REFI-QDA: a project written by NVivo is imported with its codings, and what Polku cannot hold is listed");
    ui.click("import-close").await?;
    ui.click("import-files").await?;
    let summary = ui
        .wait_text("import-exchange", |t| t.contains('3') && t.contains('4'), "the NVivo project's sources and codings")
        .await?;
    ui.client
        .execute("document.querySelector('[data-testid=\"import-left-out\"]').open = true;", vec![])
        .await
        .context("showing what was left out")?;
    let left_out = ui.wait_text("import-left-out", |t| t.contains("picture"), "the left-out picture").await?;
    ui.screenshot("refi-import").await?;
    println!("    {summary}; {}", left_out.replace('\n', " | "));
    ui.click("import-close").await?;

    step("export: a Finnish report is previewed and written as Word, anonymised");
    ui.click("nav-export").await?;
    ui.wait_count("export-preview-chapter", 1).await?;
    ui.select("export-lang", "fi").await?;
    ui.click("export-preview-button").await?;
    ui.wait_text(
        "export-preview",
        |t| t.contains("Havainnot") && t.contains("luottamusväli"),
        "the preview in Finnish",
    )
    .await?;
    ui.wait_count("export-replacement", 1).await?;
    ui.screenshot("export").await?;
    ui.click("export-write-docx").await?;
    let outcome = ui.wait_text("export-outcome", |t| t.contains(".docx"), "the written report").await?;
    let path = PathBuf::from(outcome.find('/').map_or("", |i| &outcome[i..]).split_whitespace().next().unwrap_or(""));
    let bytes = std::fs::read(&path).context(format!("reading the exported report {}", path.display()))?;
    check(bytes.starts_with(b"PK") && bytes.len() > 10_000, format!("{} is a Word document", path.display()))?;
    println!("    {outcome}");

    step("export: the project is written for other QDA tools as .qdpx");
    ui.click("export-write-qdpx").await?;
    let outcome = ui.wait_text("export-outcome", |t| t.contains(".qdpx"), "the written project").await?;
    let path = PathBuf::from(outcome.find('/').map_or("", |i| &outcome[i..]).split_whitespace().next().unwrap_or(""));
    let bytes = std::fs::read(&path).context(format!("reading the exported project {}", path.display()))?;
    let qde = String::from_utf8_lossy(&bytes);
    check(
        bytes.starts_with(b"PK") && qde.contains("project.qde"),
        format!("{} is a REFI-QDA archive", path.display()),
    )?;
    println!("    {outcome}");

    step("agreement: two coders compared per code, with and without the uncoded units; a disagreement settled");
    ui.click("nav-agreement").await?;
    ui.wait_count("agreement-coder", 2).await?;
    ui.client
        .execute(
            "const boxes = document.querySelectorAll('[data-testid=\"agreement-coder\"]');
             for (const b of [boxes[0], boxes[1]]) if (!b.checked) b.click();",
            vec![],
        )
        .await
        .context("choosing two coders")?;
    ui.click("agreement-run").await?;
    let overall = ui.wait_text("agreement-overall", |t| t.contains('%'), "the overall figures").await?;
    let rows = ui.wait_count("agreement-code-row", 1).await?;
    ui.wait_count("agreement-definitions", 1).await?;
    let disagreements = ui.wait_count("agreement-disagreement", 1).await?;
    ui.screenshot("agreement").await?;
    println!("    {rows} codes, {disagreements} places listed; {}", overall.replace('\n', " | "));
    let coder: String = ui
        .client
        .execute("return document.querySelector('[data-testid=\"agreement-keep\"]').dataset.coder;", vec![])
        .await
        .context("the first settle button")?
        .as_str()
        .unwrap_or_default()
        .to_string();
    ui.click("agreement-keep").await?;
    ui.wait_text("status", |t| t.contains(&coder), "a message that the place was settled").await?;
    // Over characters the table has the unitizing alpha too (once the comparison after the
    // settling has finished).
    ui.wait_js(
        "the comparison after settling has finished",
        "return !document.querySelector('[data-testid=\"agreement-run\"]').disabled;",
    )
    .await?;
    ui.select("agreement-unit", "char").await?;
    ui.click("agreement-run").await?;
    ui.wait_text(
        "agreement-overall",
        |t| t.contains("uα") || t.contains("unitizing") || t.contains("yksiköinnin"),
        "uα",
    )
    .await?;
    ui.screenshot("agreement-characters").await?;

    step("blind coding: coder B sees none of coder A's codings until they compare");
    ui.click("blind-start").await?;
    ui.wait_for("blind-end", WAIT).await?;
    ui.wait_for("blind-badge", WAIT).await?;
    ui.click("nav-codebook").await?;
    // The promoted theme's codings are Tessa's (a settled disagreement may have taken one).
    let own = ui.wait_code_count("E2E teema", |n| n.unwrap_or(0) > 0, "Tessa's own codings").await?.unwrap_or(0);
    ui.click("coder-name").await?;
    ui.name_coder("Bea Blind").await?;
    ui.wait_code_count("E2E teema", |n| n.unwrap_or(0) == 0, "0: Bea sees none of Tessa's codings").await?;
    ui.wait_code_count("E2E uusi koodi", |n| n.unwrap_or(0) == 0, "0: Bea sees none of Tessa's codings").await?;
    ui.screenshot("blind-coding").await?;
    ui.click("nav-agreement").await?;
    ui.wait_for("blind-end", WAIT).await?;
    ui.screenshot("blind-agreement").await?;
    ui.click("blind-end").await?;
    ui.wait_js(
        "the header without the blind-coding badge",
        "return !document.querySelector('[data-testid=\"blind-badge\"]');",
    )
    .await?;
    ui.click("nav-codebook").await?;
    ui.wait_code_count("E2E teema", |n| n.unwrap_or(0) >= own, "Tessa's codings again, now that Bea compares").await?;
    Ok(())
}

/// JS that is true when the import preview lists `stage` as no phase of the project yet.
fn stage_listed(stage: &str) -> String {
    format!(r#"return !!document.querySelector('[data-testid="import-preview-stage"][data-stage={stage:?}]');"#)
}

/// JS that is true when the import preview reads `column` as `role`.
fn role_is(column: &str, role: &str) -> String {
    format!(
        r#"return [...document.querySelectorAll('[data-testid="import-preview-column"]')]
               .some(r => r.querySelector('td').textContent.trim() === {column:?} && r.dataset.role === {role:?});"#
    )
}

/// Clicks the Dashboard in the navigation and resolves with the milliseconds until matrix
/// cells are on screen (after the next paint).
const DASHBOARD_OPEN_JS: &str = r#"
    const done = arguments[arguments.length - 1];
    const t0 = performance.now();
    document.querySelector('[data-testid="nav-dashboard"]').click();
    const check = () => {
        if (document.querySelector('[data-testid="matrix-cell"]')) requestAnimationFrame(() => done(performance.now() - t0));
        else requestAnimationFrame(check);
    };
    check();
"#;

/// How long the whole analysis of the demo may take (some 4,000 segments with the long
/// interview; the core is optimised even in the debug profile, see the root Cargo.toml).
const ANALYSIS_WAIT: Duration = Duration::from_secs(15 * 60);

/// The long interview added to the demo project for the reader measurement.
const LONG_TITLE: &str = "pitka-haastattelu-60000-sanaa";
const LONG_FIRST_WORDS: &str = "Aloitetaan pitkä haastattelu";

/// Clicks the long interview in the source list and resolves with the milliseconds until its
/// first turn is on screen (after the next paint).
const OPEN_AND_TIME_JS: &str = r#"
    const [title, firstWords, done] = arguments;
    const row = [...document.querySelectorAll('[data-testid="source-row"]')].find(r => r.textContent.includes(title));
    const t0 = performance.now();
    row.querySelector('td').click();
    const check = () => {
        const seg = document.querySelector('[data-testid="reader"] [data-testid="segment"]');
        if (seg && seg.textContent.includes(firstWords)) requestAnimationFrame(() => done(performance.now() - t0));
        else requestAnimationFrame(check);
    };
    check();
"#;

/// Scrolls the reader 400 px per frame for 240 frames (or 8 s, on a busy machine); resolves
/// with the frame intervals,
/// how far it got and how many turns are in the page at the end.
const SCROLL_AND_TIME_JS: &str = r#"
    const done = arguments[arguments.length - 1];
    let el = document.querySelector('[data-testid="reader"] [data-testid="segment"]');
    while (el && !(el.scrollHeight > el.clientHeight + 1 && getComputedStyle(el).overflowY !== 'visible')) el = el.parentElement;
    if (!el) { done({error: 'no scrolling container around the reader'}); return; }
    const frames = [];
    let last = performance.now(), n = 0;
    const start = last;
    const step = (t) => {
        frames.push(t - last); last = t;
        el.scrollTop += 400;
        if (++n < 240 && t - start < 8000) requestAnimationFrame(step);
        else done({frames, scrolled: el.scrollTop, segments: document.querySelectorAll('[data-testid="segment"]').length});
    };
    requestAnimationFrame(step);
"#;

// ---------------------------------------------------------------------------------------------
// The test: environment, processes, session.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_user_codes_searches_undoes_and_switches_language() {
    let started = Instant::now();
    let tauri_driver = find_program("tauri-driver", &cargo_bin_dirs())
        .unwrap_or_else(|| panic!("tauri-driver not found (PATH, ~/.cargo/bin): {SETUP_HINT}"));
    let native_driver = find_program("WebKitWebDriver", &[PathBuf::from("/usr/bin")])
        .unwrap_or_else(|| panic!("WebKitWebDriver not found (apt package webkit2gtk-driver): {SETUP_HINT}"));
    warn_if_ui_is_stale();

    let out = output_dir();
    let tmp = tempfile::tempdir().unwrap();
    let project = tmp.path().join("demo.polku");
    let demo = polku::demo::build(&project, &polku::demo::default_assets_dir(), &mut |_, _, _| true)
        .expect("the demo project builds");
    add_long_interview(demo, tmp.path());
    println!("demo project built in {:.1?}", started.elapsed());

    // A display: the one we have, else a private Xvfb.
    let (display, _xvfb) = match std::env::var("DISPLAY") {
        Ok(d) if !d.is_empty() => (d, None),
        _ => {
            let (d, guard) = start_xvfb();
            (d, Some(guard))
        }
    };

    // tauri-driver (and through it WebKitWebDriver and the app) in its own process group, so
    // that everything it started can be ended together.
    let port = free_port();
    let native_port = free_port();
    let log_path = out.join("driver.log");
    let log = File::create(&log_path).unwrap();
    let mut cmd = Command::new(&tauri_driver);
    cmd.arg("--port")
        .arg(port.to_string())
        .arg("--native-port")
        .arg(native_port.to_string())
        .arg("--native-driver")
        .arg(&native_driver)
        .env("DISPLAY", &display)
        .env_remove("WAYLAND_DISPLAY")
        .env("GDK_BACKEND", "x11")
        .env("XDG_DATA_HOME", mkdir(tmp.path().join("data")))
        .env("XDG_CONFIG_HOME", mkdir(tmp.path().join("config")))
        .env("XDG_CACHE_HOME", mkdir(tmp.path().join("cache")))
        .env("POLKU_PROJECT", &project)
        .env("POLKU_E2E_SAVE_DIR", mkdir(tmp.path().join("exports")))
        .env(
            "POLKU_E2E_PICK_FILES",
            // One file per "Import files…" in turn.
            std::env::join_paths(
                ["exports/nps-stages-dmy.csv", "refi-qda/nvivo-like.qdpx"]
                    .map(|f| Path::new(env!("CARGO_MANIFEST_DIR")).join("../crates/polku/tests/fixtures").join(f)),
            )
            .unwrap(),
        )
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .process_group(0);
    end_with_this_process(&mut cmd);
    let mut driver = Guard::spawn("tauri-driver", &mut cmd, true, Some(log_path.clone()));
    wait_for_port(port, &mut driver);
    wait_for_port(native_port, &mut driver);
    println!("tauri-driver ready on port {port} after {:.1?}", started.elapsed());

    let caps = json!({
        "browserName": "wry",
        "tauri:options": { "application": APP, "args": [project] },
    });
    let caps = match caps {
        Value::Object(map) => map,
        _ => unreachable!(),
    };
    let client = tokio::time::timeout(
        Duration::from_secs(60),
        ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}")),
    )
    .await
    .unwrap_or_else(|_| panic!("no WebDriver session within 60 s; see {}", log_path.display()))
    .unwrap_or_else(|e| panic!("cannot open a WebDriver session: {e}; see {}", log_path.display()));
    println!("session open after {:.1?}", started.elapsed());

    let mut ui = Ui { client, out: out.clone(), shots: 0 };
    let result = user_flow(&mut ui).await;
    if let Err(e) = &result {
        ui.save_failure().await;
        eprintln!("step failed: {e}");
    }
    let _ = ui.client.close().await;
    drop(driver);
    drop(_xvfb);
    println!("desktop e2e took {:.1?}; screenshots in {}", started.elapsed(), out.display());
    if let Err(e) = result {
        panic!(
            "{e}\n(screenshot and page source: {}/failure.png, failure.html; driver and app output: {})",
            out.display(),
            log_path.display()
        );
    }
    // What the preview's choices stored: Billing and Support became phases, Renewal did not.
    let p = polku::Project::open_read_only(&project).unwrap();
    let phases: Vec<String> = p.phases().unwrap().into_iter().map(|ph| ph.name).collect();
    assert!(
        ["Billing", "Support"].iter().all(|n| phases.iter().any(|p| p == n)) && !phases.iter().any(|p| p == "Renewal"),
        "phases after the import: {phases:?}"
    );
    // The codings made in the app carry the name the user gave when asked.
    let coders = p.coders().unwrap();
    assert!(coders.iter().any(|c| c.name == "Tessa Testaaja" && c.codings > 0), "coders: {coders:?}");
}

/// Adds a 60,000-word interview with 2,000 codings (over 20 codes) to the project: the size
/// the reader must stay fast at. Turns are taken from the demo's own interviews.
fn add_long_interview(mut p: polku::Project, dir: &std::path::Path) {
    let mut turns = Vec::new();
    for s in p.sources(&Default::default()).unwrap().0.iter().filter(|s| s.kind == polku::domain::SourceKind::Interview)
    {
        let text = p.source_text(s.id).unwrap();
        for g in p.segments(s.id).unwrap() {
            let t = polku::text::char_slice(&text, g.start as usize, g.end as usize).trim().replace('\n', " ");
            if !t.is_empty() {
                turns.push(t);
            }
        }
    }
    let mut text = format!("Haastattelija: {LONG_FIRST_WORDS} alkaa nyt.\n\n");
    let (mut words, mut i) = (0, 0);
    while words < 60_000 {
        let t = &turns[i % turns.len()];
        words += t.split_whitespace().count();
        text.push_str(&format!("{}: {t}\n\n", if i % 2 == 0 { "Asiakas" } else { "Haastattelija" }));
        i += 1;
    }
    let file = dir.join(format!("{LONG_TITLE}.txt"));
    std::fs::write(&file, text).unwrap();
    let src = p.import_file(&file, &Default::default(), &mut |_, _| true).unwrap().source_ids[0];
    let codes: Vec<i64> = (1..=20).map(|k| p.create_code(&format!("Pitkä {k}"), None, None, "").unwrap()).collect();
    let segments = p.segments(src).unwrap();
    let codings: Vec<polku::store::codings::NewCoding> = (0..2000)
        .map(|k| {
            // (turn, position in turn) differs for every k, so all 2,000 are distinct.
            let g = &segments[k % segments.len()];
            let start = (g.start + 3 * (k / segments.len()) as i64).min(g.end - 1);
            polku::store::codings::NewCoding {
                code_id: codes[k % codes.len()],
                source_id: src,
                start,
                end: (start + 15 + (k as i64 * 31) % 120).min(g.end).max(start + 1),
                origin: polku::domain::Origin::Manual,
                confidence: None,
            }
        })
        .collect();
    assert_eq!(p.add_codings(&codings).unwrap(), 2000, "2,000 distinct codings");
}

// ---------------------------------------------------------------------------------------------
// The WebDriver helpers the flow is written in.
// ---------------------------------------------------------------------------------------------

/// A step's outcome: `Err` carries what the user would have seen instead.
type Step<T> = Result<T, String>;

fn step(name: &str) {
    println!("step: {name}");
}

fn check(ok: bool, otherwise: String) -> Step<()> {
    if ok {
        Ok(())
    } else {
        Err(otherwise)
    }
}

/// The CSS selector of the element(s) with a `data-testid`.
fn by_testid(id: &str) -> String {
    format!(r#"[data-testid="{id}"]"#)
}

trait Context<T> {
    fn context(self, what: impl Display) -> Step<T>;
}

impl<T, E: std::fmt::Debug> Context<T> for Result<T, E> {
    fn context(self, what: impl Display) -> Step<T> {
        self.map_err(|e| format!("{what}: {e:?}"))
    }
}

struct Ui {
    client: Client,
    out: PathBuf,
    shots: u32,
}

impl Ui {
    /// Runs an asynchronous script (its last argument is the callback) and returns its value.
    async fn execute_async(&self, js: &str, args: Vec<Value>) -> Step<Value> {
        tokio::time::timeout(WAIT, self.client.execute_async(js, args))
            .await
            .map_err(|_| "timed out waiting for a script".to_string())?
            .map_err(|e| format!("script failed: {e}"))
    }

    /// The first element matching `testid` once it exists (polling, up to `timeout`).
    async fn wait_for(&self, testid: &str, timeout: Duration) -> Step<Element> {
        self.wait_for_css(&by_testid(testid), timeout).await
    }

    async fn wait_for_css(&self, css: &str, timeout: Duration) -> Step<Element> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.client.find(Locator::Css(css)).await {
                Ok(el) => return Ok(el),
                Err(e) if e.is_no_such_element() && Instant::now() < deadline => {}
                Err(e) if e.is_no_such_element() => return Err(format!("no element {css} after {timeout:?}")),
                Err(e) => return Err(format!("finding {css}: {e}")),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until at least `min` elements match `testid`; returns how many there are.
    async fn wait_count(&self, testid: &str, min: usize) -> Step<usize> {
        let css = by_testid(testid);
        let deadline = Instant::now() + WAIT;
        loop {
            let n = self.client.find_all(Locator::Css(&css)).await.context(&css)?.len();
            if n >= min {
                return Ok(n);
            }
            if Instant::now() > deadline {
                return Err(format!("expected at least {min} {testid} elements, found {n} after {WAIT:?}"));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn click(&self, testid: &str) -> Step<()> {
        self.click_css(&by_testid(testid)).await
    }

    /// Clicks the element; a click refused because the UI just re-rendered it (stale or not
    /// yet interactable) did not happen, so it is tried again on the element found anew.
    async fn click_css(&self, css: &str) -> Step<()> {
        let deadline = Instant::now() + WAIT;
        loop {
            let el = self.wait_for_css(css, WAIT).await?;
            match el.click().await.context(format!("clicking {css}")) {
                Ok(()) => return Ok(()),
                Err(e) if Instant::now() > deadline => return Err(e),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
    }

    async fn text(&self, testid: &str) -> Step<String> {
        let el = self.wait_for(testid, WAIT).await?;
        rendered_text(&el).await.context(format!("text of {testid}"))
    }

    /// The rendered text of every element matching `testid`.
    async fn texts(&self, testid: &str) -> Step<Vec<String>> {
        let mut texts = Vec::new();
        for el in self.client.find_all(Locator::Css(&by_testid(testid))).await.context(testid)? {
            texts.push(rendered_text(&el).await.context(testid)?);
        }
        Ok(texts)
    }

    async fn text_if_present(&self, testid: &str) -> Step<Option<String>> {
        match self.client.find(Locator::Css(&by_testid(testid))).await {
            Ok(el) => Ok(Some(rendered_text(&el).await.context(testid)?)),
            Err(e) if e.is_no_such_element() => Ok(None),
            Err(e) => Err(format!("finding {testid}: {e}")),
        }
    }

    /// Waits until the text of `testid` satisfies `ok`; returns that text.
    async fn wait_text(&self, testid: &str, ok: impl Fn(&str) -> bool, expected: &str) -> Step<String> {
        let deadline = Instant::now() + WAIT;
        loop {
            let text = match self.client.find(Locator::Css(&by_testid(testid))).await {
                Ok(el) => rendered_text(&el).await.ok(),
                Err(_) => None,
            };
            if let Some(t) = &text {
                if ok(t.trim()) {
                    return Ok(t.trim().to_string());
                }
            }
            if Instant::now() > deadline {
                return Err(format!("{testid} should show {expected}, shows {text:?} after {WAIT:?}"));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until `testid` shows a number satisfying `ok`; returns it.
    async fn wait_number(&self, testid: &str, ok: impl Fn(u64) -> bool, expected: &str) -> Step<u64> {
        let text = self.wait_text(testid, |t| first_number(t).is_some_and(&ok), expected).await?;
        Ok(first_number(&text).unwrap())
    }

    /// Waits until the codebook's count for `name` satisfies `ok` (`None`: no such code row).
    async fn wait_code_count(&self, name: &str, ok: impl Fn(Option<u64>) -> bool, expected: &str) -> Step<Option<u64>> {
        let row = format!(r#"{}[data-code-name="{name}"]"#, by_testid("code-row"));
        let count = format!("{row} {}", by_testid("code-count"));
        let deadline = Instant::now() + WAIT;
        loop {
            let shown = match self.client.find(Locator::Css(&count)).await {
                Ok(el) => Some(rendered_text(&el).await.context(&count)?),
                Err(e) if e.is_no_such_element() => None,
                Err(e) => return Err(format!("finding {count}: {e}")),
            };
            let n = shown.as_deref().and_then(first_number);
            if ok(n) {
                return Ok(n);
            }
            if Instant::now() > deadline {
                let js = r#"return [...document.querySelectorAll('[data-testid="code-row"]')].map(row =>
                    row.dataset.codeName + ': ' + row.querySelector('[data-testid="code-count"]')?.textContent);"#;
                let codes = self.client.execute(js, vec![]).await.ok();
                return Err(format!("code {name:?} should count {expected}, shows {shown:?}; code rows: {codes:?}"));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Answers the open "Who is coding?" prompt with `name`, and waits for the header to show it.
    async fn name_coder(&self, name: &str) -> Step<()> {
        self.wait_for("coder-input", WAIT).await?;
        self.client
            .execute(
                "const input = document.querySelector('[data-testid=\"coder-input\"]');
                 input.value = arguments[0];
                 input.dispatchEvent(new Event('input', { bubbles: true }));",
                vec![Value::String(name.to_string())],
            )
            .await
            .context("typing the coder's name")?;
        self.click("coder-save").await?;
        self.wait_text("coder-name", |t| t.contains(name), "the coder's name in the header").await?;
        Ok(())
    }

    /// Waits until the JavaScript function body `js` returns a truthy value.
    async fn wait_js(&self, what: &str, js: &str) -> Step<()> {
        self.wait_js_for(what, js, WAIT).await
    }

    /// [`Ui::wait_js`] with its own time limit.
    async fn wait_js_for(&self, what: &str, js: &str, timeout: Duration) -> Step<()> {
        let deadline = Instant::now() + timeout;
        // Long waits poll less often: each poll runs script in the page, on the same two cores.
        let every = if timeout > WAIT { Duration::from_secs(2) } else { Duration::from_millis(100) };
        loop {
            let v = self.client.execute(js, vec![]).await.context(what)?;
            if !matches!(v, Value::Null | Value::Bool(false)) {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!("timed out waiting until {what} ({timeout:?})"));
            }
            tokio::time::sleep(every).await;
        }
    }

    /// Picks `value` in the `<select>` with this `testid`, as a user would, and checks it took.
    /// Chooses `value` in a `<select>`. When the UI re-rendered the element just before (a
    /// stale reference), the choice did not happen and is made again on the element found anew;
    /// a select that closes itself on change (a popover) may be gone once the choice is made.
    async fn select(&self, testid: &str, value: &str) -> Step<()> {
        let deadline = Instant::now() + WAIT;
        let el = loop {
            let el = self.wait_for(testid, WAIT).await?;
            match el.select_by_value(value).await.context(format!("choosing {value:?} in {testid}")) {
                Ok(()) => break el,
                Err(e) if Instant::now() > deadline => return Err(e),
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        };
        match el.prop("value").await {
            Ok(now) if now.as_deref() != Some(value) => {
                Err(format!("{testid} should have {value:?} selected, has {now:?}"))
            }
            _ => Ok(()),
        }
    }

    async fn type_into(&self, testid: &str, text: &str) -> Step<()> {
        let el = self.wait_for(testid, WAIT).await?;
        el.send_keys(text).await.context(format!("typing into {testid}"))
    }

    async fn type_and_enter(&self, testid: &str, text: &str) -> Step<()> {
        self.type_into(testid, &format!("{text}{}", Key::Enter)).await
    }

    /// Presses and releases one key on whatever has the focus.
    async fn press(&self, key: char) -> Step<()> {
        let keys =
            KeyActions::new("keyboard".into()).then(KeyAction::Down { value: key }).then(KeyAction::Up { value: key });
        self.client.perform_actions(keys).await.context(format!("pressing {key:?}"))
    }

    /// Selects characters `0..len` of the first text run (`[data-offset]`) of the segment with
    /// this index, as a mouse drag would, and returns the selected text.
    async fn select_text_in_segment(&self, segment: usize, len: usize) -> Step<String> {
        let js = r#"
            const [index, len] = arguments;
            const seg = document.querySelectorAll('[data-testid="segment"]')[index];
            if (!seg) return {error: 'no segment #' + index};
            const run = seg.querySelector('[data-offset]');
            if (!run) return {error: 'segment #' + index + ' has no text run with data-offset'};
            const walker = document.createTreeWalker(run, NodeFilter.SHOW_TEXT);
            let node = walker.nextNode();
            while (node && node.textContent.length === 0) node = walker.nextNode();
            if (!node) return {error: 'the text run has no text'};
            seg.scrollIntoView({block: 'center'});
            const range = document.createRange();
            range.setStart(node, 0);
            range.setEnd(node, Math.min(len, node.textContent.length));
            const sel = window.getSelection();
            sel.removeAllRanges();
            sel.addRange(range);
            const rect = range.getBoundingClientRect();
            run.dispatchEvent(new MouseEvent('mouseup', {bubbles: true, cancelable: true, view: window,
                clientX: rect.right, clientY: rect.bottom}));
            return {text: sel.toString(), offset: run.dataset.offset};
        "#;
        let v = self.client.execute(js, vec![json!(segment), json!(len)]).await.context("selecting text")?;
        if let Some(e) = v.get("error") {
            return Err(format!("cannot select text: {e}"));
        }
        Ok(v["text"].as_str().unwrap_or_default().to_string())
    }

    /// Saves a screenshot as `NN-name.png`.
    async fn screenshot(&mut self, name: &str) -> Step<PathBuf> {
        self.shots += 1;
        let path = self.out.join(format!("{:02}-{name}.png", self.shots));
        // Let WebKit paint what the last step changed (closing the palette, new highlights).
        tokio::time::sleep(Duration::from_millis(300)).await;
        let png = self.client.screenshot().await.context("screenshot")?;
        std::fs::write(&path, png).context(path.display())?;
        println!("    screenshot {}", path.display());
        Ok(path)
    }

    /// Keeps what the user saw when a step failed: `failure.png` and `failure.html`.
    async fn save_failure(&mut self) {
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::write(self.out.join("failure.png"), png);
        }
        if let Ok(html) = self.client.source().await {
            let _ = std::fs::write(self.out.join("failure.html"), html);
        }
    }
}

/// The element's text as rendered (`innerText`). WebDriver's own "element text" is empty for
/// text that WebKitWebDriver deems not displayed, such as a header clipped with an ellipsis.
async fn rendered_text(el: &Element) -> Result<String, fantoccini::error::CmdError> {
    Ok(el.prop("innerText").await?.unwrap_or_default())
}

/// The first whole number in `text` ("12 hits coded" → 12), ignoring digit-group spaces.
fn first_number(text: &str) -> Option<u64> {
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let digits: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .filter(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

// ---------------------------------------------------------------------------------------------
// Processes, ports and paths.
// ---------------------------------------------------------------------------------------------

/// A child process that is ended when the guard drops, also when the test panics.
struct Guard {
    name: &'static str,
    child: Child,
    /// Signal the whole process group (the child and everything it started).
    group: bool,
    log: Option<PathBuf>,
}

impl Guard {
    fn spawn(name: &'static str, cmd: &mut Command, group: bool, log: Option<PathBuf>) -> Guard {
        let child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        Guard { name, child, group, log }
    }

    fn signal(&self, sig: libc::c_int) {
        let pid = self.child.id() as libc::pid_t;
        // SAFETY: kill(2) only sends a signal, to a process (group) this test started.
        unsafe { libc::kill(if self.group { -pid } else { pid }, sig) };
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if std::thread::panicking() {
            if let Some(log) = &self.log {
                let text = std::fs::read_to_string(log).unwrap_or_default();
                let tail: Vec<&str> = text.lines().rev().take(30).collect();
                eprintln!("--- last lines of {} ---", log.display());
                for line in tail.iter().rev() {
                    eprintln!("{line}");
                }
            }
        }
        if let Ok(Some(_)) = self.child.try_wait() {
            if self.group {
                self.signal(libc::SIGKILL); // whatever it left behind
            }
            return;
        }
        self.signal(libc::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        // The group may outlive its leader (the app, WebKit's helper processes).
        self.signal(libc::SIGKILL);
        let _ = self.child.wait();
        eprintln!("stopped {}", self.name);
    }
}

/// Has the child get SIGTERM should the test die without running its guards (Ctrl+C).
fn end_with_this_process(cmd: &mut Command) {
    // SAFETY: prctl(2) is async-signal-safe and touches only the new child.
    unsafe {
        cmd.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
            Ok(())
        });
    }
}

/// Starts Xvfb on the first free display number from 90 on.
fn start_xvfb() -> (String, Guard) {
    let xvfb = find_program("Xvfb", &[PathBuf::from("/usr/bin")])
        .unwrap_or_else(|| panic!("no DISPLAY and Xvfb not found (apt package xvfb): {SETUP_HINT}"));
    for n in 90..200 {
        let socket = PathBuf::from(format!("/tmp/.X11-unix/X{n}"));
        if socket.exists() || Path::new(&format!("/tmp/.X{n}-lock")).exists() {
            continue;
        }
        let display = format!(":{n}");
        let mut cmd = Command::new(&xvfb);
        cmd.args([&display, "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        end_with_this_process(&mut cmd);
        let mut guard = Guard::spawn("Xvfb", &mut cmd, false, None);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if socket.exists() {
                println!("started Xvfb on {display}");
                return (display, guard);
            }
            if let Ok(Some(_)) = guard.child.try_wait() {
                break; // lost a race for this display; try the next one
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    panic!("could not start Xvfb on any display :90..:199");
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn wait_for_port(port: u16, process: &mut Guard) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        if let Ok(Some(status)) = process.child.try_wait() {
            panic!("{} exited ({status}) before listening on port {port}", process.name);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("{} is not listening on port {port} after 20 s", process.name);
}

/// `name` on the PATH, else in one of `extra` directories.
fn find_program(name: &str, extra: &[PathBuf]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path).chain(extra.iter().cloned()).map(|d| d.join(name)).find(|p| p.is_file())
}

/// Where `cargo install` puts programs: `$CARGO_HOME/bin`, `~/.cargo/bin`.
fn cargo_bin_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        dirs.push(PathBuf::from(home).join("bin"));
    }
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home).join(".cargo/bin"));
    }
    dirs
}

/// `target/e2e-screenshots`, emptied of the previous run's files.
fn output_dir() -> PathBuf {
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => workspace_root().join(dir),
        // target/debug/polku-desktop → target
        None => Path::new(APP).parent().and_then(Path::parent).unwrap().to_path_buf(),
    };
    let dir = target.join("e2e-screenshots");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn mkdir(dir: PathBuf) -> PathBuf {
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The app embeds `ui/dist` at compile time; cargo does not rebuild the UI.
fn warn_if_ui_is_stale() {
    let root = workspace_root();
    let built = std::fs::metadata(root.join("ui/dist/index.html")).and_then(|m| m.modified());
    let Ok(built) = built else {
        eprintln!("warning: ui/dist is missing; run scripts/desktop-build.sh");
        return;
    };
    let newer = walk(&root.join("ui/src"))
        .into_iter()
        .any(|p| std::fs::metadata(&p).and_then(|m| m.modified()).is_ok_and(|t| t > built));
    if newer {
        eprintln!("warning: ui/src is newer than ui/dist; the app runs the old UI (run scripts/desktop-build.sh)");
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = entry.path();
        if p.is_dir() {
            files.extend(walk(&p));
        } else {
            files.push(p);
        }
    }
    files
}
