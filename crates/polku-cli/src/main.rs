//! `polku`: the command line over the Polku core, for batch work and scripts.
//!
//! Exit codes: 0 success; 1 an operation failed (the message names the file, line or field);
//! 2 the command line itself was wrong. With `--json`, results go to stdout as JSON and
//! errors stay on stderr.

mod agreement;
mod export;
mod metrics;
mod output;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use polku::analysis::installed::ChosenModel;
use polku::analysis::sentiment::Rated;
use polku::analysis::themes::store::{PromoteTo, StoredTheme, ThemeStatus};
use polku::domain::{Scale, SourceKind};
use polku::import::{ColumnMapping, ImportOptions};
use polku::search::CodeScope;
use polku::store::sources::{SourceFilter, SourceSort};
use polku::Project;

use output::Out;

#[derive(Parser)]
#[command(
    name = "polku",
    version,
    about = "Offline customer-experience research: import, search and code interviews and feedback."
)]
struct Cli {
    /// Print results as JSON (for scripts).
    #[arg(long, global = true)]
    json: bool,
    /// Name recorded on codings and memos (default: $POLKU_CODER or the OS user).
    #[arg(long, global = true)]
    coder: Option<String>,
    /// Show only these coders' codings: codebook counts, coded passages, search `code:`,
    /// the dashboard's matrices and exports (`--only-coders aino,ben`). Blind coding shows the
    /// coder's own only, whatever this says.
    #[arg(long, global = true, value_delimiter = ',')]
    only_coders: Vec<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create an empty project file with the default journey phases.
    New {
        project: PathBuf,
        #[arg(long)]
        name: Option<String>,
    },
    /// Build the demo project (a fictional B2B software company's interviews, NPS survey and feedback).
    Demo {
        project: PathBuf,
        /// Folder with the demo material (default: the repository's assets/demo).
        #[arg(long)]
        assets: Option<PathBuf>,
        /// Replace an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Import files: .txt .md .docx .vtt .srt (one source each) or .csv .tsv .xlsx .ods (one source per row).
    Import(Box<ImportArgs>),
    /// List sources.
    Sources {
        project: PathBuf,
        #[arg(long)]
        kind: Option<String>,
        #[arg(long)]
        phase: Option<String>,
        #[arg(long)]
        lang: Option<String>,
        #[arg(long)]
        case: Option<String>,
        /// Only sources with codings.
        #[arg(long, conflicts_with = "uncoded")]
        coded: bool,
        /// Only sources without codings.
        #[arg(long)]
        uncoded: bool,
        /// A case or source attribute value, `name=value` (e.g. `segment=SMB`).
        #[arg(long, value_parser = parse_attr)]
        attr: Option<(String, String)>,
        /// Earliest date (inclusive), `YYYY-MM-DD` or a prefix such as `2025-03`.
        #[arg(long)]
        from: Option<String>,
        /// Latest date (inclusive), `YYYY-MM-DD` or a prefix such as `2025-03`.
        #[arg(long)]
        to: Option<String>,
        #[arg(long)]
        min_score: Option<f64>,
        #[arg(long)]
        max_score: Option<f64>,
        /// imported, title, date, score or codings.
        #[arg(long, default_value = "imported", value_parser = parse_sort)]
        sort: SourceSort,
        #[arg(long)]
        desc: bool,
        #[arg(long, default_value_t = 50)]
        limit: u32,
        #[arg(long, default_value_t = 0)]
        offset: u32,
    },
    /// Show one source's text with its segments.
    Show { project: PathBuf, source: i64 },
    /// Search segments: words, "phrases", AND/OR/NOT, prefix*, fuzzy~, and filters such as
    /// kind:review phase:onboarding speaker:aino lang:fi code:Price segment:SMB date:2025-03..2025-06 score:0..6.
    Search {
        project: PathBuf,
        query: String,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long, default_value_t = 0)]
        offset: usize,
    },
    /// Apply a code to a character range of a source, or to every hit of a query.
    Code {
        project: PathBuf,
        /// Code name or Parent/Child path.
        code: String,
        /// Create the code (top level, or under --parent) if it does not exist.
        #[arg(long)]
        create: bool,
        #[arg(long, requires = "create")]
        parent: Option<String>,
        #[arg(long, requires = "range", conflicts_with = "query")]
        source: Option<i64>,
        /// Character range START..END (end exclusive), with --source.
        #[arg(long, requires = "source")]
        range: Option<String>,
        /// Code all hits of this search query.
        #[arg(long)]
        query: Option<String>,
        /// With --query: code the matched words or the whole segments they occur in.
        #[arg(long, value_enum, default_value_t = ScopeArg::Segment)]
        scope: ScopeArg,
    },
    /// Show or edit the codebook.
    Codes {
        project: PathBuf,
        #[command(subcommand)]
        action: Option<CodesAction>,
    },
    /// Show the project's journey phases, or replace them (sources keep the phases whose key stays).
    Phases {
        project: PathBuf,
        /// New ordered list as key=Name pairs, e.g. --set "evaluation=Evaluation,purchase=Purchase,use=Use".
        #[arg(long)]
        set: Option<String>,
    },
    /// Counts of sources, segments, codes and scores.
    Stats { project: PathBuf },
    /// Rebuild the search index from the project file.
    Reindex { project: PathBuf },
    /// Split every segment into sentences and embed them with a local model (only what is
    /// not embedded yet; safe to stop and run again).
    Analyze {
        project: PathBuf,
        /// A Hugging Face BERT sentence-embedding folder (default: the fetched all-MiniLM-L6-v2).
        #[arg(long)]
        model: Option<PathBuf>,
    },
    /// Stored themes (`analyze` finds them) with ids, size, sentiment and quotes.
    Themes {
        project: PathBuf,
        #[arg(long)]
        model: Option<PathBuf>,
        /// Fewest sentences in a theme (default 5; large collections raise it to one per
        /// thousand). Implies --rediscover.
        #[arg(long)]
        min_size: Option<usize>,
        /// Fewer, broader themes (granularity 0.5). Implies --rediscover.
        #[arg(long, conflicts_with_all = ["more", "granularity"])]
        fewer: bool,
        /// More, narrower themes (granularity 2). Implies --rediscover.
        #[arg(long, conflicts_with = "granularity")]
        more: bool,
        /// How fine the themes are: 1 is the default, below 1 fewer themes, above 1 more.
        /// Implies --rediscover.
        #[arg(long)]
        granularity: Option<f32>,
        /// Cluster all languages together even with a model that is not multilingual (a
        /// multilingual model, such as the default, always does). Implies --rediscover.
        #[arg(long)]
        across_languages: bool,
        /// Find the themes again: uncurated stored themes are replaced, curated ones stay.
        #[arg(long)]
        rediscover: bool,
    },
    /// Curate stored themes (see `themes`): rename, merge, split, discard, restore, or
    /// promote one to a code.
    Theme {
        project: PathBuf,
        #[command(subcommand)]
        action: ThemeAction,
    },
    /// Passages a code probably applies to, learned from your codings (run `analyze` first;
    /// a code needs at least 5 coded sentences).
    Suggest {
        project: PathBuf,
        #[arg(long)]
        model: Option<PathBuf>,
        /// Only this code (name or Parent/Child path); default: every code with enough examples.
        #[arg(long)]
        code: Option<String>,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        /// Code the listed suggestions with at least this confidence (0–1), as one undoable step.
        #[arg(long)]
        accept_above: Option<f64>,
    },
    /// Propose a journey phase for sources without one, from the phases set by hand or by the
    /// data and the phases' descriptions; a phase set by a person or the data is never changed.
    ClassifyPhases {
        project: PathBuf,
        #[arg(long)]
        model: Option<PathBuf>,
        /// Least confidence (0–1) for assigning a phase; less probable sources stay empty.
        #[arg(long, default_value_t = 0.5)]
        min_confidence: f32,
    },
    /// Installed models ($POLKU_MODELS or assets/models): list them, add a local folder, or
    /// choose the one a project's analyses use.
    Models {
        /// Copy this Hugging Face BERT sentence-embedding folder in (checked first).
        #[arg(long)]
        add: Option<PathBuf>,
        /// With --use: the project whose model to choose.
        #[arg(long)]
        project: Option<PathBuf>,
        /// Installed model name for --project.
        #[arg(long = "use", requires = "project")]
        use_model: Option<String>,
    },
    /// Train the sentiment head for a model from people's ratings (VADER's ground truth,
    /// fetched by scripts/fetch-sentiment-data.sh); the default model ships with a head.
    TrainSentiment {
        #[arg(long)]
        model: Option<PathBuf>,
        /// Folder of *_GroundTruth.txt files.
        #[arg(long, default_value = "assets/data/vader")]
        data: PathBuf,
        /// Where to write the head (default: polku-sentiment.json in the model folder).
        #[arg(long)]
        out: Option<PathBuf>,
        /// LANG=FILE: calibrate the blend in LANG on a CSV of labelled sentences (columns
        /// `text` and `label`, positive/negative) kept apart from any test data. Repeatable.
        #[arg(long, value_name = "LANG=FILE")]
        calibrate: Vec<String>,
    },
    /// CX figures: scores by slice, themes × journey phases, drivers, trends, quotes,
    /// comparisons and code matrices (`polku metrics FILE matrix`).
    Metrics {
        project: PathBuf,
        /// nps, csat, ces or stars (default: the scale most answers are on).
        #[arg(long, global = true)]
        scale: Option<String>,
        #[command(flatten)]
        filter: metrics::FilterArgs,
        #[command(subcommand)]
        view: metrics::MetricsView,
    },
    /// Write what a client receives: a report (.docx, .html), the quote workbook (.xlsx),
    /// testimonials (.html), anonymised unless --no-anonymise (`polku export FILE report -o r.docx`).
    Export {
        project: PathBuf,
        #[command(subcommand)]
        what: export::ExportWhat,
    },
    /// How well coders agree, per code and overall, with and without the units nobody coded,
    /// and the places where they differ (`polku agreement FILE --coders aino,ben --unit char`).
    Agreement(agreement::AgreementArgs),
    /// Bring in the work of another coder who coded a copy of this project (.polku), or a
    /// REFI-QDA project (.qdpx): sources matched by their text, codes by path, codings and memos
    /// with their coder; merging the same file twice changes nothing.
    Merge { project: PathBuf, other: PathBuf },
    /// Blind coding: each coder sees only their own codings, and suggestions learnt from them,
    /// until they compare (`polku blind FILE on`, `off` to compare, no state to print it).
    Blind { project: PathBuf, state: Option<Switch> },
    /// Sentences that mean something like TEXT ("find passages like this one").
    Similar {
        project: PathBuf,
        text: String,
        #[arg(long)]
        model: Option<PathBuf>,
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
}

#[derive(Subcommand)]
enum CodesAction {
    /// Create a code.
    Add {
        name: String,
        #[arg(long)]
        parent: Option<String>,
        #[arg(long)]
        color: Option<String>,
        #[arg(long, default_value = "")]
        description: String,
    },
    /// Rename a code.
    Rename { code: String, new_name: String },
    /// Merge the first code into the second.
    Merge { from: String, into: String },
    /// Delete a code with its sub-codes and codings (asks for --yes).
    Delete {
        code: String,
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Subcommand)]
enum ThemeAction {
    /// Rename a theme (a curated theme survives `themes --rediscover`).
    Rename { id: i64, name: String },
    /// Merge the other themes into the first one.
    Merge {
        into: i64,
        #[arg(required = true)]
        from: Vec<i64>,
    },
    /// Split a theme into the sub-themes its sentences form.
    Split { id: i64 },
    /// Set a theme aside (it stays listed as discarded).
    Discard { id: i64 },
    /// Bring a discarded theme back.
    Restore { id: i64 },
    /// Code every sentence of the theme with a code (origin model; one undoable step).
    Promote {
        id: i64,
        /// Code name or Parent/Child path; a top-level code is created when none exists.
        #[arg(long, required_unless_present = "code_id", conflicts_with = "code_id")]
        code: Option<String>,
        /// An existing code's id.
        #[arg(long)]
        code_id: Option<i64>,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Switch {
    On,
    Off,
}

#[derive(Clone, Copy, ValueEnum)]
enum ScopeArg {
    Hit,
    Segment,
}

#[derive(clap::Args)]
struct ImportArgs {
    project: PathBuf,
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Source kind: interview, feedback, survey_answer, review, support_message, document.
    #[arg(long)]
    kind: Option<String>,
    /// Title (single-text files).
    #[arg(long)]
    title: Option<String>,
    /// Language of all sources instead of detecting it (fi, en, …).
    #[arg(long)]
    lang: Option<String>,
    /// Date YYYY-MM-DD (single-text files).
    #[arg(long)]
    date: Option<String>,
    /// Journey phase key or name (single-text files).
    #[arg(long)]
    phase: Option<String>,
    /// Case (customer or participant) the text belongs to (single-text files).
    #[arg(long)]
    case: Option<String>,
    #[arg(long)]
    channel: Option<String>,
    /// Table column holding the text (default: guessed from the header).
    #[arg(long)]
    text_col: Option<String>,
    #[arg(long)]
    score_col: Option<String>,
    /// Score scale: nps, csat, ces, stars (default: from the column name or values).
    #[arg(long)]
    scale: Option<String>,
    #[arg(long)]
    date_col: Option<String>,
    #[arg(long)]
    phase_col: Option<String>,
    #[arg(long)]
    case_col: Option<String>,
    #[arg(long)]
    title_col: Option<String>,
    #[arg(long)]
    kind_col: Option<String>,
    #[arg(long)]
    lang_col: Option<String>,
    #[arg(long)]
    channel_col: Option<String>,
    /// Columns that are case attributes (comma-separated).
    #[arg(long, value_delimiter = ',')]
    case_attr: Vec<String>,
    /// Columns that are source attributes (comma-separated).
    #[arg(long, value_delimiter = ',')]
    source_attr: Vec<String>,
    /// Columns to leave out (comma-separated).
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// Worksheet of a workbook (default: the first).
    #[arg(long)]
    sheet: Option<String>,
    /// Import even if the same file was imported before.
    #[arg(long)]
    allow_duplicate: bool,
    /// How the date column writes dates, as a strftime format such as `%d/%m/%Y %H:%M`
    /// (default: decided from all of the column's values).
    #[arg(long)]
    date_format: Option<String>,
    /// Journey stages of the file that are no phase of the project become new phases.
    #[arg(long)]
    new_phases: bool,
    /// Map stages of the file onto phases: STAGE=PHASE (comma-separated; phase key or name).
    #[arg(long, value_delimiter = ',', value_parser = parse_attr)]
    phase_map: Vec<(String, String)>,
    /// Show how each file would be read (each column's role, type, scale or date format and
    /// why) and store nothing. Exits with 1 if an import would fail.
    #[arg(long)]
    dry_run: bool,
}

fn main() -> ExitCode {
    // Like other Unix tools, stop quietly when the reader of our output goes away
    // (`polku themes x.polku | head`) instead of panicking on a broken pipe.
    #[cfg(unix)]
    // SAFETY: restoring the default action of a signal before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let out = Out::new(cli.json);
    match run(cli, &out) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", describe(&e));
            ExitCode::from(1)
        }
    }
}

/// The error with its causes, leaving out causes the message already quotes.
fn describe(e: &anyhow::Error) -> String {
    let mut msg = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if !msg.contains(&text) {
            if !msg.is_empty() {
                msg.push_str(": ");
            }
            msg.push_str(&text);
        }
    }
    msg
}

/// Who is coding, and whose codings the views show, as the global options say.
struct Session {
    coder: Option<String>,
    only_coders: Vec<String>,
}

fn open(path: &Path, session: &Session) -> Result<Project> {
    let mut p = Project::open(path)?;
    if let Some(c) = &session.coder {
        p.set_coder(c)?;
    }
    if !session.only_coders.is_empty() {
        p.filter_coders(Some(session.only_coders.clone()))?;
    }
    Ok(p)
}

fn bar(len: u64, msg: &str, quiet: bool) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new(len);
    pb.set_style(
        ProgressStyle::with_template("{msg:20} [{bar:32}] {pos}/{len} ({per_sec}, {eta})")
            .expect("valid template")
            .progress_chars("=> "),
    );
    pb.set_message(msg.to_string());
    pb
}

fn run(cli: Cli, out: &Out) -> Result<ExitCode> {
    let session = Session { coder: cli.coder.clone(), only_coders: cli.only_coders.clone() };
    match cli.command {
        Command::New { project, name } => {
            let name = name
                .unwrap_or_else(|| project.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default());
            Project::create(&project, &name)?;
            out.message(&format!("created {}", project.display()));
        }
        Command::Demo { project, assets, force } => {
            if force && project.exists() {
                std::fs::remove_file(&project).with_context(|| format!("removing {}", project.display()))?;
                let _ = std::fs::remove_dir_all(polku::project::index_dir(&project));
            }
            let assets = assets.unwrap_or_else(polku::demo::default_assets_dir);
            let pb = bar(0, "building demo", out.json);
            let p = polku::demo::build(&project, &assets, &mut |stage, done, total| {
                pb.set_message(stage.to_string());
                pb.set_length(total as u64);
                pb.set_position(done as u64);
                true
            })?;
            pb.finish_and_clear();
            let stats = p.stats()?;
            out.stats(&stats);
        }
        Command::Import(args) => return import(*args, &session, out),
        Command::Sources {
            project,
            kind,
            phase,
            lang,
            case,
            coded,
            uncoded,
            attr,
            from,
            to,
            min_score,
            max_score,
            sort,
            desc,
            limit,
            offset,
        } => {
            let p = open(&project, &session)?;
            let filter = SourceFilter {
                kind: kind.as_deref().map(SourceKind::parse).transpose()?,
                phase,
                language: lang,
                case_name: case,
                coded: if coded {
                    Some(true)
                } else if uncoded {
                    Some(false)
                } else {
                    None
                },
                attribute: attr,
                date_from: from,
                date_to: to,
                score_min: min_score,
                score_max: max_score,
                sort,
                descending: desc,
                limit: Some(limit),
                offset: Some(offset),
            };
            let (sources, total) = p.sources(&filter)?;
            out.sources(&sources, total);
        }
        Command::Show { project, source } => {
            let p = open(&project, &session)?;
            let s = p.source(source)?;
            let text = p.source_text(source)?;
            let segments = p.segments(source)?;
            let codings = p.codings(source)?;
            out.show(&s, &text, &segments, &codings, &p.codes()?);
        }
        Command::Search { project, query, limit, offset } => {
            let mut p = open(&project, &session)?;
            let results = p.search(&query, limit, offset)?;
            out.search(&results, offset);
        }
        Command::Code { project, code, create, parent, source, range, query, scope } => {
            let mut p = open(&project, &session)?;
            // A bad query (or an index that cannot be read) fails before a code is created.
            if let Some(q) = &query {
                p.search(q, 1, 0)?;
            }
            let code_id = match p.find_code(&code)? {
                Some(id) => id,
                None if create => {
                    let parent_id = match parent {
                        Some(pn) => Some(p.find_code(&pn)?.with_context(|| format!("no parent code named '{pn}'"))?),
                        None => None,
                    };
                    p.create_code(&code, parent_id, None, "")?
                }
                None => bail!("no code named '{code}' (use --create to make it)"),
            };
            if let (Some(source), Some(range)) = (source, range) {
                let (a, b) =
                    range.split_once("..").with_context(|| format!("--range '{range}' must look like START..END"))?;
                let (a, b): (i64, i64) = (a.trim().parse()?, b.trim().parse()?);
                let id = p.add_coding(code_id, source, a, b)?.id;
                out.message(&format!("coded source {source} {a}..{b} with '{code}' (coding {id})"));
                out.value(&serde_json::json!({ "coding_id": id, "code_id": code_id }));
            } else if let Some(q) = query {
                let scope = match scope {
                    ScopeArg::Hit => CodeScope::Hit,
                    ScopeArg::Segment => CodeScope::Segment,
                };
                let n = p.code_search_hits(code_id, &q, scope)?;
                out.message(&format!("coded {n} new passages with '{code}'"));
                out.value(&serde_json::json!({ "created": n, "code_id": code_id }));
            } else {
                bail!("say what to code: --source ID --range START..END, or --query QUERY");
            }
        }
        Command::Codes { project, action } => {
            let mut p = open(&project, &session)?;
            let find = |p: &Project, name: &str| -> Result<i64> {
                p.find_code(name)?.with_context(|| format!("no code named '{name}'"))
            };
            match action {
                None => {}
                Some(CodesAction::Add { name, parent, color, description }) => {
                    let parent = parent.map(|n| find(&p, &n)).transpose()?;
                    p.create_code(&name, parent, color.as_deref(), &description)?;
                }
                Some(CodesAction::Rename { code, new_name }) => {
                    let id = find(&p, &code)?;
                    p.update_code(id, Some(&new_name), None, None, None)?;
                }
                Some(CodesAction::Merge { from, into }) => {
                    let (a, b) = (find(&p, &from)?, find(&p, &into)?);
                    p.merge_codes(a, b)?;
                }
                Some(CodesAction::Delete { code, yes }) => {
                    let id = find(&p, &code)?;
                    let impact = p.delete_code_impact(id)?;
                    if !yes {
                        bail!(
                            "deleting '{code}' would remove {} code(s), {} coding(s) and {} memo(s); repeat with --yes",
                            impact.codes,
                            impact.codings,
                            impact.memos
                        );
                    }
                    p.delete_code(id)?;
                }
            }
            out.codes(&p.codes()?);
        }
        Command::Phases { project, set } => {
            let mut p = open(&project, &session)?;
            if let Some(list) = set {
                let mut phases = Vec::new();
                for item in list.split(',').filter(|s| !s.trim().is_empty()) {
                    let (key, name) =
                        item.split_once('=').with_context(|| format!("'{item}' must look like key=Name"))?;
                    let desc = p.find_phase(key.trim())?.map(|x| x.description).unwrap_or_default();
                    phases.push((key.trim().to_string(), name.trim().to_string(), desc));
                }
                p.set_phases(&phases)?;
            }
            out.phases(&p.phases()?);
        }
        Command::Stats { project } => {
            let p = open(&project, &session)?;
            out.stats(&p.stats()?);
        }
        Command::Reindex { project } => {
            let mut p = open(&project, &session)?;
            let pb = bar(0, "indexing", out.json);
            let n = p.reindex(&mut |done, total| {
                pb.set_length(total as u64);
                pb.set_position(done as u64);
                true
            })?;
            pb.finish_and_clear();
            out.message(&format!("indexed {n} segments"));
            out.value(&serde_json::json!({ "segments": n }));
        }
        Command::Analyze { project, model } => {
            let mut p = open(&project, &session)?;
            let chosen = p.chosen_model(model.as_deref())?;
            let embedder = load_model(&chosen.dir)?;
            let name = &chosen.key;
            let pb = bar(0, "embedding", out.json);
            let r = p.analyze(embedder.as_ref(), &chosen, &mut |stage, done, total| {
                pb.set_message(format!("{stage:?}").to_lowercase());
                pb.set_length(total as u64);
                pb.set_position(done as u64);
                true
            })?;
            pb.finish_and_clear();
            out.message(&format!(
                "embedded {} new sentences of {} segments with {name}",
                r.embedded.sentences, r.embedded.segments
            ));
            let s = r.sentiment;
            let how = if r.sentiment_head {
                "model head + lexicon"
            } else {
                "lexicon only: no head for this model (see `polku train-sentiment`)"
            };
            out.message(&format!(
                "sentiment ({how}): {} positive, {} neutral, {} negative sentences",
                s.positive, s.neutral, s.negative
            ));
            out.message(&format!(
                "themes: {} discovered, {} curated kept (`polku themes {}` lists them)",
                r.themes.saved,
                r.themes.kept,
                project.display()
            ));
            out.message(&format!(
                "phases: {} sources placed by the model, {} left open (not confident), from {} examples",
                r.phases.classified, r.phases.unclassified, r.phases.examples
            ));
            out.message(&format!(
                "code suggestions: {} passages for {} codes ({} codes need more examples; `polku suggest`)",
                r.suggestions, r.codes_learned, r.codes_with_too_few_examples
            ));
            out.value(&serde_json::to_value(&r)?);
        }
        Command::Models { add, project, use_model } => {
            let dir = polku::analysis::installed::models_dir();
            if let Some(from) = add {
                let m = polku::analysis::installed::add_model(&from, &dir)?;
                out.message(&format!("installed '{}' in {}", m.name, dir.display()));
            }
            if let (Some(project), Some(name)) = (project, use_model) {
                let mut p = open(&project, &session)?;
                p.set_analysis_model(&name)?;
                out.message(&format!("{} now analyses with '{name}'", project.display()));
            }
            let models = polku::analysis::installed::installed_models(&dir);
            for m in &models {
                match (&m.info, &m.problem) {
                    (Some(i), _) => out.message(&format!(
                        "{}  {} · {} dims · {} layers",
                        m.name, i.architecture, i.dimension, i.layers
                    )),
                    (_, Some(problem)) => out.message(&format!("{}  (not usable: {problem})", m.name)),
                    _ => {}
                }
            }
            if models.is_empty() {
                out.message(&format!("no models in {} (scripts/fetch-model.sh fetches the default)", dir.display()));
            }
            out.value(&serde_json::to_value(&models)?);
        }
        Command::TrainSentiment { model, data, out: file, calibrate } => {
            let chosen = ChosenModel::at(model.unwrap_or_else(polku::analysis::installed::default_model_dir));
            let (dir, name) = (&chosen.dir, &chosen.key);
            let multilingual = polku::analysis::installed::inspect(dir)?.multilingual;
            let embedder = load_model(dir)?;
            let rated = polku::analysis::sentiment::read_vader_ground_truth(&data)?;
            let items: Vec<Rated> = rated.iter().map(|(t, r)| Rated { text: t, rating: *r }).collect();
            let mut sets = Vec::new();
            for spec in &calibrate {
                let Some((lang, path)) = spec.split_once('=') else {
                    bail!("--calibrate {spec}: expected LANG=FILE");
                };
                let items = polku::analysis::sentiment::read_labelled_csv(Path::new(path))?;
                let source = Path::new(path).file_name().map_or(path.into(), |f| f.to_string_lossy().into_owned());
                sets.push((lang.to_string(), items, source));
            }
            let sets: Vec<_> = sets
                .iter()
                .map(|(lang, items, data)| polku::analysis::sentiment::CalibrationSet { lang, items, data })
                .collect();
            let pb = bar(0, "embedding", out.json);
            let head = polku::analysis::sentiment::train_head(
                embedder.as_ref(),
                name,
                &items,
                "VADER ground truth (Hutto & Gilbert 2014), sentences rated -4..4, |rating| >= 0.5",
                multilingual,
                &sets,
                &mut |done, total| {
                    pb.set_length(total as u64);
                    pb.set_position(done as u64);
                    true
                },
            )?;
            pb.finish_and_clear();
            let file = file.unwrap_or_else(|| dir.join(polku::analysis::sentiment::HEAD_FILE));
            std::fs::write(&file, serde_json::to_string(&head)? + "\n")
                .with_context(|| format!("writing {}", file.display()))?;
            out.message(&format!(
                "head for {name} (trusted in {}): held-out accuracy {:.1}% → {}",
                head.languages.join(", "),
                head.dev_accuracy * 100.0,
                file.display()
            ));
            for (lang, c) in &head.calibration {
                out.message(&format!(
                    "  {lang}: lexicon weight {:.2}, offset {:+.1}, balanced accuracy {:.1}% on {} sentences of {}",
                    c.lexicon_weight,
                    c.offset,
                    c.balanced_accuracy * 100.0,
                    c.sentences,
                    c.data
                ));
            }
            out.value(&serde_json::json!({
                "dev_accuracy": head.dev_accuracy,
                "lexicon_weight": head.lexicon_weight,
                "calibration": head.calibration,
            }));
        }
        Command::Themes { project, model, min_size, fewer, more, granularity, across_languages, rediscover } => {
            let mut p = open(&project, &session)?;
            let chosen = p.chosen_model(model.as_deref())?;
            let name = chosen.key;
            let granularity = match (fewer, more, granularity) {
                (true, _, _) => Some(0.5),
                (_, true, _) => Some(2.0),
                (_, _, g) => g,
            };
            if let Some(g) = granularity.filter(|g| !(g.is_finite() && *g > 0.0)) {
                bail!("--granularity must be a positive number, not {g}");
            }
            if rediscover || min_size.is_some() || granularity.is_some() || across_languages {
                let defaults = polku::analysis::themes::ThemeOptions::for_model(&chosen.dir);
                let opts = polku::analysis::themes::ThemeOptions {
                    min_cluster_size: min_size.unwrap_or(defaults.min_cluster_size),
                    granularity: granularity.unwrap_or(defaults.granularity),
                    across_languages: across_languages || defaults.across_languages,
                    ..defaults
                };
                let found: Vec<_> = p.discover_themes(&name, &opts)?.into_iter().map(|t| t.theme).collect();
                let r = p.save_themes(&name, &found)?;
                out.message(&format!(
                    "saved {} new theme(s), kept {} curated; {} found again inside curated ones",
                    r.saved, r.kept, r.absorbed
                ));
            }
            let stored = p.themes(&name)?;
            if stored.is_empty() {
                out.message(&format!("no themes yet: run `polku analyze {}` first", project.display()));
            }
            print_stored_themes(out, &stored);
            out.value(&serde_json::to_value(&stored)?);
        }
        Command::Theme { project, action } => {
            let mut p = open(&project, &session)?;
            let id = match &action {
                ThemeAction::Rename { id, .. }
                | ThemeAction::Split { id }
                | ThemeAction::Discard { id }
                | ThemeAction::Restore { id }
                | ThemeAction::Promote { id, .. } => *id,
                ThemeAction::Merge { into, .. } => *into,
            };
            let model = p.theme(id)?.model;
            let result = match action {
                ThemeAction::Rename { id, name } => {
                    p.rename_theme(id, &name)?;
                    serde_json::json!({ "renamed": id })
                }
                ThemeAction::Merge { into, from } => {
                    p.merge_themes(into, &from)?;
                    serde_json::json!({ "merged_into": into })
                }
                ThemeAction::Split { id } => {
                    let ids = p.split_theme(id)?;
                    out.message(&format!(
                        "split theme {id} into {}",
                        ids.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(", ")
                    ));
                    serde_json::json!({ "split_into": ids })
                }
                ThemeAction::Discard { id } => {
                    p.discard_theme(id)?;
                    serde_json::json!({ "discarded": id })
                }
                ThemeAction::Restore { id } => {
                    p.restore_theme(id)?;
                    serde_json::json!({ "restored": id })
                }
                ThemeAction::Promote { id, code, code_id } => {
                    let to = match (code_id, code) {
                        (Some(c), _) => PromoteTo::Code(c),
                        (None, Some(name)) => PromoteTo::Name(name),
                        (None, None) => bail!("say which code: --code NAME or --code-id ID"),
                    };
                    let r = p.promote_theme(id, &to)?;
                    out.message(&format!(
                        "coded {} passage(s) with code {}{} (undo reverts them)",
                        r.codings,
                        r.code_id,
                        if r.created_code { ", created for this theme" } else { "" }
                    ));
                    serde_json::to_value(r)?
                }
            };
            let stored = p.themes(&model)?;
            print_stored_themes(out, &stored);
            out.value(&serde_json::json!({ "result": result, "themes": stored }));
        }
        Command::Suggest { project, model, code, limit, accept_above } => {
            let mut p = open(&project, &session)?;
            let name = p.chosen_model(model.as_deref())?.key;
            if accept_above.is_some_and(|t| !(0.0..=1.0).contains(&t)) {
                bail!("--accept-above must be between 0 and 1");
            }
            let code_id = match &code {
                Some(c) => Some(p.find_code(c)?.with_context(|| format!("no code named '{c}'"))?),
                None => None,
            };
            let report = p.suggest_codings(&name, code_id, limit)?;
            for c in &report.too_few_examples {
                out.message(&format!(
                    "'{}': {} coded example sentence(s), suggestions need {}",
                    c.name,
                    c.examples,
                    polku::analysis::suggest::MIN_EXAMPLES
                ));
            }
            for s in &report.suggestions {
                out.message(&format!(
                    "{:.2}  {}  [source {} {}..{}] {}",
                    s.confidence, s.code_name, s.source_id, s.start, s.end, s.text
                ));
            }
            let accepted = match accept_above {
                Some(t) => {
                    let chosen: Vec<_> = report.suggestions.iter().filter(|s| s.confidence >= t).cloned().collect();
                    let n = p.accept_suggestions(&chosen)?;
                    out.message(&format!("coded {n} suggestion(s) with confidence at least {t}"));
                    Some(n)
                }
                None => None,
            };
            out.value(&serde_json::json!({ "report": report, "accepted": accepted }));
        }
        Command::ClassifyPhases { project, model, min_confidence } => {
            let mut p = open(&project, &session)?;
            let chosen = p.chosen_model(model.as_deref())?;
            let (embedder, name) = (load_model(&chosen.dir)?, chosen.key);
            let opts = polku::analysis::phases::PhaseOptions { min_confidence, ..Default::default() };
            let r = p.classify_phases(embedder.as_ref(), &name, &opts)?;
            out.message(&format!(
                "{} source(s) given a phase, {} left empty, {} not embedded (run `polku analyze`); {} changed; learned from {} example(s)",
                r.classified, r.unclassified, r.not_embedded, r.changed, r.examples
            ));
            for c in &r.per_phase {
                out.message(&format!("{:>6}  {}", c.sources, c.name));
            }
            out.value(&serde_json::to_value(&r)?);
        }
        Command::Metrics { project, scale, filter, view } => {
            let mut p = open(&project, &session)?;
            let scale = scale.as_deref().map(Scale::parse).transpose()?;
            metrics::run(&mut p, view, scale, &filter, out.json)?;
        }
        Command::Blind { project, state } => {
            let mut p = open(&project, &session)?;
            let view = match state {
                Some(state) => p.set_blind_coding(state == Switch::On)?,
                None => p.coding_view()?,
            };
            out.value(&serde_json::to_value(&view)?);
            out.message(&format!("blind coding: {}", if view.blind { "on" } else { "off" }));
        }
        Command::Merge { project, other } => {
            let mut p = open(&project, &session)?;
            let summary = p.merge(&other, &mut |_, _| true)?;
            if out.json {
                output::print_json(&summary);
            } else {
                println!("{}", exchange_summary(&other.display().to_string(), &summary));
            }
        }
        Command::Agreement(args) => {
            let p = open(&args.project, &session)?;
            agreement::run(&p, args, out.json)?;
        }
        Command::Export { project, what } => {
            let mut p = open(&project, &session)?;
            export::run(&mut p, what, out)?;
        }
        Command::Similar { project, text, model, limit } => {
            let p = open(&project, &session)?;
            let chosen = p.chosen_model(model.as_deref())?;
            let (embedder, name) = (load_model(&chosen.dir)?, chosen.key);
            let hits = p.similar_sentences(embedder.as_ref(), &name, &text, limit)?;
            if hits.is_empty() {
                out.message(&format!("no embedded sentences yet: run `polku analyze {}` first", project.display()));
            }
            for h in &hits {
                out.message(&format!("{:.3}  [source {}] {}", h.similarity, h.source_id, h.text));
            }
            out.value(&serde_json::to_value(&hits)?);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// What a REFI-QDA import brought in and left out, as lines for a person.
fn exchange_summary(file: &str, x: &polku::refi::ExchangeSummary) -> String {
    let mut s = format!(
        "{file}: {} source(s), {} code(s) added and {} already in the codebook, {} coding(s), {} memo(s), {} case(s), {} attribute value(s)",
        x.sources,
        x.codes_added.len(),
        x.codes_matched,
        x.codings,
        x.memos,
        x.cases,
        x.values
    );
    if x.sources_matched > 0 {
        s += &format!("\n  {} source(s) were in the project already (the same text)", x.sources_matched);
    }
    if !x.coders.is_empty() {
        s += &format!("\n  coders: {}", x.coders.join(", "));
    }
    for c in &x.conflicts {
        s += &format!("\n  to decide: {c} (merge them with `polku codes FILE merge` if they are one code)");
    }
    if x.offsets == polku::refi::Offsets::Utf16 {
        s += "\n  selection offsets were read as UTF-16 code units (as NVivo writes them)";
    }
    for c in &x.codes_added {
        s += &format!("\n  new code: {c}");
    }
    for l in &x.left_out {
        s += &format!("\n  left out: {}: {}", l.item, l.reason);
    }
    s
}

fn import(a: ImportArgs, session: &Session, out: &Out) -> Result<ExitCode> {
    let mut p = open(&a.project, session)?;
    let opts = ImportOptions {
        kind: a.kind.as_deref().map(SourceKind::parse).transpose()?,
        title: a.title,
        language: a.lang,
        date: a.date,
        phase: a.phase,
        case_name: a.case,
        channel: a.channel,
        mapping: ColumnMapping {
            text: a.text_col,
            score: a.score_col,
            scale: a.scale.as_deref().map(Scale::parse).transpose()?,
            date: a.date_col,
            phase: a.phase_col,
            case: a.case_col,
            title: a.title_col,
            kind: a.kind_col,
            language: a.lang_col,
            channel: a.channel_col,
            case_attributes: a.case_attr,
            source_attributes: a.source_attr,
            ignore: a.ignore,
            date_format: a.date_format,
            phase_values: a.phase_map,
        },
        sheet: a.sheet,
        allow_duplicate: a.allow_duplicate,
        create_phases: a.new_phases,
    };
    if a.dry_run {
        let mut previews = Vec::new();
        for f in &a.files {
            previews.push(p.preview_import(f, &opts)?);
        }
        out.previews(&previews);
        return Ok(if previews.iter().any(|p| p.problem.is_some()) { ExitCode::from(1) } else { ExitCode::SUCCESS });
    }
    let pb = bar(0, "", out.json);
    let outcomes = p.import_files(&a.files, &opts, &mut |f| {
        pb.set_message(Path::new(&f.file).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
        pb.set_length(f.total as u64);
        pb.set_position(f.done as u64);
        true
    });
    pb.finish_and_clear();
    let mut reports = Vec::new();
    let mut failed = 0;
    for o in &outcomes {
        match (&o.report, &o.error) {
            (Some(r), _) => {
                match &r.exchange {
                    Some(x) => out.message(&exchange_summary(&r.file, x)),
                    None => out.message(&format!(
                        "{}: {} source(s), {} segment(s){}",
                        r.file,
                        r.sources,
                        r.segments,
                        if r.skipped > 0 { format!(", {} empty row(s) skipped", r.skipped) } else { String::new() }
                    )),
                }
                reports.push(serde_json::to_value(r)?);
            }
            (None, e) => {
                failed += 1;
                let message = e.as_ref().map_or("not imported", |e| e.message.as_str());
                eprintln!("error: {message}");
                reports.push(serde_json::json!({ "file": o.path, "error": message }));
            }
        }
    }
    out.value(&serde_json::Value::Array(reports));
    Ok(if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// `name=value` for `--attr`.
fn parse_attr(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((n, v)) if !n.trim().is_empty() => Ok((n.trim().to_string(), v.trim().to_string())),
        _ => Err(format!("expected name=value, got '{s}'")),
    }
}

/// The `--sort` column.
fn parse_sort(s: &str) -> Result<SourceSort, String> {
    Ok(match s {
        "imported" => SourceSort::Imported,
        "title" => SourceSort::Title,
        "date" => SourceSort::Date,
        "score" => SourceSort::Score,
        "codings" => SourceSort::Codings,
        _ => return Err(format!("unknown sort '{s}' (imported, title, date, score, codings)")),
    })
}

/// Loads the embedding model in `dir` (see [`Project::chosen_model`] for which one).
fn load_model(dir: &Path) -> Result<Box<dyn polku::analysis::embed::Embedder + Sync>> {
    polku::analysis::embed::backend::load_default(dir)
        .with_context(|| "loading the model (scripts/fetch-model.sh fetches the default one)")
}

/// Stored themes with their ids (what `theme` subcommands take), a line each plus two quotes.
/// The theme list as a tree: each broad group (largest first) with its themes, then the
/// themes in no group.
fn print_stored_themes(out: &Out, themes: &[StoredTheme]) {
    let mut groups: Vec<(Option<&polku::analysis::themes::ThemeGroup>, Vec<&StoredTheme>)> = Vec::new();
    for t in themes {
        match groups.iter_mut().find(|(g, _)| *g == t.group.as_ref()) {
            Some((_, list)) => list.push(t),
            None => groups.push((t.group.as_ref(), vec![t])),
        }
    }
    let size = |list: &[&StoredTheme]| list.iter().map(|t| t.sentence_count).sum::<u32>();
    groups.sort_by_key(|(g, list)| (g.is_none(), std::cmp::Reverse(size(list))));
    let grouped = groups.iter().any(|(g, _)| g.is_some());
    for (group, list) in &groups {
        let indent = if grouped { "  " } else { "" };
        if grouped {
            let title = group.map_or("(no broad theme)".to_string(), |g| g.name.clone());
            let themes = if list.len() == 1 { "1 theme".to_string() } else { format!("{} themes", list.len()) };
            out.message(&format!("▸ {title} ({themes}, {} sentences)", size(list)));
        }
        print_theme_list(out, list, indent);
    }
}

fn print_theme_list(out: &Out, themes: &[&StoredTheme], indent: &str) {
    for t in themes {
        let mut notes = Vec::new();
        if t.status == ThemeStatus::Discarded {
            notes.push("discarded".to_string());
        }
        if let Some(c) = t.code_id {
            notes.push(format!("code {c}"));
        }
        if t.curated {
            notes.push("curated".to_string());
        }
        if let Some(m) = t.mean_sentiment {
            notes.push(format!("sentiment {m:+.2}"));
        }
        let notes = if notes.is_empty() { String::new() } else { format!(" [{}]", notes.join(", ")) };
        out.message(&format!("{indent}{:>5}  {} ({} sentences){notes}", t.id, t.name, t.sentence_count));
        for q in t.quotes.iter().take(2) {
            out.message(&format!("{indent}         “{}”", q.text));
        }
    }
}
