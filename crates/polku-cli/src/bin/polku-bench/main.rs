//! `polku-bench`: Polku's benchmarks, one subcommand (and module) each.
//!
//! ```text
//! cargo run --release -p polku-cli --bin polku-bench -- [--dir DIR] <COMMAND>
//!
//!   search [--answers 100000] [--segments 1000000]   import + index throughput, file sizes, search latency
//!   reader                                           opening a 60,000-word interview with 2,000 codings
//!   embed [--runs 3]                                 embedding throughput: native encoder against candle
//!   embed --backend native|candle|rust-bert|both|all [--runs 3]
//!                                                    one backend per process, with its peak RSS
//!   embed --scale N                                  embed and score the sentiment of N generated sentences
//!   metrics [N]                                      CX metric views over N synthetic respondents (1000000)
//!   export [--answers 100000] [--project FILE]       quote workbook and report export times
//!   themes --project FILE [--subset 3000] [--show 20]   theme coverage, count, largest share, groups, time
//!   themes --synthetic 100000 --synthetic 1000000    theme discovery's wall time and peak RSS at scale
//! ```
//!
//! Without a command it runs `search` with its defaults, then `reader` (the benchmark's run
//! before it had subcommands). `--dir` (default: `polku-bench` in the temporary folder) is
//! emptied first and holds the generated files and projects. `embed --backend both|all` runs
//! each backend in a child process of this binary (`embed --child --backend B`), so each peak
//! RSS is that backend's alone; `rust-bert` needs a build with `--features rust-bert`.
//!
//! Generated text comes from the demo survey's real comments (Finnish and English) with
//! random scores, dates, customers and phases, so term statistics look like real feedback;
//! the metric views' respondents are synthetic, and their project file is written through
//! the core's own import, embedding, sentiment and theme functions ([`respondents`]).
//! The modules say what each benchmark measures and why: [`import_search`], [`reader`],
//! [`embed`], [`metrics`], [`themes`], [`export`]; [`common`] holds what they share.

mod common;
mod embed;
mod export;
mod import_search;
mod metrics;
mod reader;
mod respondents;
mod themes;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "polku-bench",
    about = "Polku's benchmarks: import and search, the reader, embeddings, CX metrics, themes, exports."
)]
struct Cli {
    /// Scratch folder for generated files and projects (emptied first).
    #[arg(long, global = true, default_value_os_t = std::env::temp_dir().join("polku-bench"))]
    dir: PathBuf,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Import + index throughput, project and index size, and search latency per query class.
    Search(import_search::Args),
    /// Opening a 60,000-word interview with 2,000 codings: `source_view` and its JSON.
    Reader,
    /// Sentence-embedding throughput of the backends, or at scale with sentiment (`--scale`).
    Embed(embed::Args),
    /// The CX metric views over N synthetic respondents, in memory and from a project file.
    Metrics(metrics::Args),
    /// Quote workbook and report export times.
    Export(export::Args),
    /// Theme discovery: coverage and counts on a real project, time and memory at scale.
    Themes(themes::Args),
}

fn main() {
    let cli = Cli::parse();
    let dir = cli.dir;
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let comments = || {
        let comments = common::demo_comments();
        println!("polku-bench: {} seed comments from the demo survey", comments.len());
        comments
    };
    match cli.command {
        None => {
            let comments = comments();
            import_search::run(&dir, &comments, &import_search::Args::default());
            reader::run(&dir, &comments);
        }
        Some(Command::Search(a)) => import_search::run(&dir, &comments(), &a),
        Some(Command::Reader) => reader::run(&dir, &comments()),
        Some(Command::Embed(a)) => embed::run(&dir, &comments(), &a),
        Some(Command::Metrics(a)) => metrics::run(&dir, &a),
        Some(Command::Themes(a)) => themes::run(&a),
        Some(Command::Export(a)) => export::run(&dir, &a),
    }
}
