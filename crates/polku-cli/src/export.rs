//! `polku export`: client reports, quote workbooks, testimonials, and what anonymisation
//! replaces. Every decision is the core's (`polku::export`); this module reads arguments,
//! shows progress and prints the outcome.

use std::path::PathBuf;

use anyhow::{bail, Result};
use clap::Subcommand;
use polku::export::report::ReportSettings;
use polku::export::workbook::QuoteExport;
use polku::export::{ExportOutcome, Language};
use polku::metrics::{ItemKind, SliceBy};
use polku::refi::{Offsets, RefiFormat};
use polku::Project;

use crate::metrics::FilterArgs;
use crate::output::{print_json, table, Out};

#[derive(Subcommand)]
pub enum ExportWhat {
    /// A client report: Word (.docx) or one self-contained HTML file (.html), by OUT's name.
    Report {
        /// The file to write (.docx or .html).
        #[arg(short, long)]
        out: PathBuf,
        /// Title (default: "Customer experience report" in the report's language).
        #[arg(long)]
        title: Option<String>,
        #[arg(long)]
        author: Option<String>,
        /// Chapters: the N most mentioned themes (or top-level codes).
        #[arg(long)]
        chapters: Option<u32>,
        /// Chapters of these themes or codes (names or code paths, comma-separated).
        #[arg(long, value_delimiter = ',')]
        items: Vec<String>,
        /// Chapters of codes instead of themes.
        #[arg(long)]
        codes: bool,
        #[arg(long)]
        quotes: Option<u32>,
        /// Scores also by this slice: phase, channel, kind, month, quarter, attr:NAME.
        #[arg(long)]
        slice: Option<String>,
        /// Use the settings of the last report of this project, changed by the options given.
        #[arg(long)]
        again: bool,
        #[command(flatten)]
        common: Common,
    },
    /// The quote workbook (.xlsx): one row per coded passage or theme sentence, and sheets of
    /// scores, the theme × phase matrix, drivers, the codebook and testimonials.
    Quotes {
        #[arg(short, long)]
        out: PathBuf,
        #[arg(long)]
        slice: Option<String>,
        #[command(flatten)]
        common: Common,
    },
    /// Promoters' answers with consent to be quoted, as plain HTML snippets (.html).
    Testimonials {
        #[arg(short, long)]
        out: PathBuf,
        #[command(flatten)]
        common: Common,
    },
    /// REFI-QDA for NVivo, ATLAS.ti, MAXQDA, QualCoder, Taguette: the whole project (.qdpx)
    /// or the codebook (.qdc).
    #[command(visible_aliases = ["qdpx", "qdc"])]
    Refi {
        /// qdpx or qdc (default: from the output file's extension).
        #[arg(long)]
        format: Option<String>,
        /// How selection offsets are counted: characters (the standard; QualCoder, ATLAS.ti,
        /// MAXQDA) or utf16 (NVivo). They differ only after an emoji or another character beyond
        /// the Basic Multilingual Plane.
        #[arg(long, default_value = "characters")]
        offsets: String,
        #[arg(short, long)]
        out: PathBuf,
        #[arg(long)]
        overwrite: bool,
    },
    /// What anonymisation replaces, with how often it occurs in the text.
    Anonymisation {
        /// Report language of the pseudonyms: en or fi.
        #[arg(long, default_value = "en")]
        lang: String,
        /// Replace the project's word list (names to replace that the project does not know).
        #[arg(long, value_delimiter = ',')]
        words: Option<Vec<String>>,
        /// Replace the list of attributes that hold personal data.
        #[arg(long, value_delimiter = ',')]
        personal: Option<Vec<String>>,
    },
}

/// Options every file export takes.
#[derive(clap::Args)]
pub struct Common {
    /// Language of the export: en or fi.
    #[arg(long)]
    lang: Option<String>,
    /// Keep names and contact details as recorded (anonymised by default).
    #[arg(long)]
    no_anonymise: bool,
    /// Replace OUT if it exists.
    #[arg(long)]
    overwrite: bool,
    #[command(flatten)]
    filter: FilterArgs,
}

impl Common {
    fn language(&self) -> Result<Language> {
        Ok(Language::parse(self.lang.as_deref().unwrap_or("en"))?)
    }
}

pub fn run(p: &mut Project, what: ExportWhat, out: &Out) -> Result<()> {
    let bar = crate::bar(0, "exporting", out.json);
    let mut progress = |done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
        true
    };
    let outcome = match what {
        ExportWhat::Report { out: path, title, author, chapters, items, codes, quotes, slice, again, common } => {
            let mut s = if again {
                p.export_settings(common.language()?)?.report
            } else {
                ReportSettings::new(common.language()?)
            };
            if common.lang.is_some() {
                s.language = common.language()?;
            }
            if !again || common.filter.any() {
                s.filter = common.filter.filter()?;
            }
            s.anonymise = !common.no_anonymise;
            if let Some(t) = title {
                s.title = t;
            }
            if let Some(a) = author {
                s.author = a;
            }
            if let Some(n) = chapters {
                s.chapters = n;
            }
            if let Some(n) = quotes {
                s.quotes_per_chapter = n;
            }
            if let Some(by) = slice {
                s.slice = Some(SliceBy::parse(&by)?);
            }
            if codes {
                s.kind = Some(ItemKind::Code);
            }
            if !items.is_empty() {
                s.items = item_ids(p, s.kind, &items)?;
            }
            let outcome = p.export_report(&s, &path, common.overwrite, &mut progress)?;
            p.save_report_settings(&s)?;
            outcome
        }
        ExportWhat::Quotes { out: path, slice, common } => {
            let request = QuoteExport {
                language: common.language()?,
                filter: common.filter.filter()?,
                slice: slice.as_deref().map(SliceBy::parse).transpose()?,
                anonymise: !common.no_anonymise,
            };
            p.export_quotes(&request, &path, common.overwrite, &mut progress)?
        }
        ExportWhat::Testimonials { out: path, common } => {
            p.export_testimonials(common.language()?, !common.no_anonymise, &path, common.overwrite)?
        }
        ExportWhat::Refi { format, offsets, out: path, overwrite } => {
            p.export_refi(RefiFormat::choose(format.as_deref(), &path)?, Offsets::parse(&offsets)?, &path, overwrite)?
        }
        ExportWhat::Anonymisation { lang, words, personal } => {
            bar.finish_and_clear();
            if let Some(words) = words {
                p.set_personal_words(&words)?;
            }
            if let Some(names) = personal {
                p.set_personal_attributes(&names)?;
            }
            let list = p.anonymisation_preview(Language::parse(&lang)?)?;
            if out.json {
                print_json(&list);
            } else {
                let mut t = table(&["kind", "original", "replaced by", "times in text"]);
                for r in &list {
                    t.add_row(vec![
                        format!("{:?}", r.kind).to_lowercase(),
                        r.original.clone(),
                        r.pseudonym.clone(),
                        r.in_text.to_string(),
                    ]);
                }
                println!("{t}");
                println!("attributes treated as personal: {}", p.personal_attributes()?.join(", "));
                println!("not caught: names that appear only in free text; add them with --words NAME,NAME");
            }
            return Ok(());
        }
    };
    bar.finish_and_clear();
    print_outcome(&outcome, out);
    Ok(())
}

fn print_outcome(o: &ExportOutcome, out: &Out) {
    if out.json {
        return print_json(o);
    }
    let anonymised = if o.anonymised {
        format!("anonymised, {} replacements in the text", o.replacements)
    } else {
        "not anonymised".to_string()
    };
    println!("wrote {} ({} bytes, {} items; {anonymised})", o.path, o.bytes, o.items);
}

/// Theme or code ids from names (a theme's name, or a code's name or path).
fn item_ids(p: &mut Project, kind: Option<ItemKind>, names: &[String]) -> Result<Vec<polku::domain::Id>> {
    let facts = p.facts()?;
    let kind = kind.unwrap_or_else(|| facts.default_kind());
    let mut ids = Vec::new();
    for name in names {
        match facts.find_item(kind, name) {
            Some(id) => ids.push(id),
            None => bail!("no {} named '{name}'", if kind == ItemKind::Theme { "theme" } else { "code" }),
        }
    }
    Ok(ids)
}
