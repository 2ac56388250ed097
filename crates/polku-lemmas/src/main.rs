//! `polku-lemmas FORMS.tsv DIR`: compiles a lemma lexicon for Polku (see the library).
//!
//! The input has one `form<TAB>lemma<TAB>proper` line per form (`proper` is `1` for a lemma known
//! only as a proper noun, else `0`), lower-case UTF-8. `scripts/convert-simplemma.py` writes it.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [input, dir] = args.as_slice() else {
        eprintln!("usage: polku-lemmas FORMS.tsv DIR");
        return ExitCode::from(2);
    };
    match run(input, dir) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("polku-lemmas: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(input: &Path, dir: &Path) -> std::io::Result<()> {
    let file = std::io::BufReader::new(std::fs::File::open(input)?);
    let mut entries = Vec::new();
    for (i, line) in file.lines().enumerate() {
        let line = line?;
        let mut cols = line.split('\t');
        match (cols.next(), cols.next(), cols.next(), cols.next()) {
            (Some(form), Some(lemma), Some(p @ ("0" | "1")), None) if !form.is_empty() && !lemma.is_empty() => {
                entries.push((form.to_string(), lemma.to_string(), p == "1"))
            }
            _ => {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("{}, line {}: expected form<TAB>lemma<TAB>0|1", input.display(), i + 1),
                ))
            }
        }
    }
    polku_lemmas::compile(entries, dir)
}
