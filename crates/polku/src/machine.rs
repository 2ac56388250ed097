//! What this machine remembers between sessions, outside any project: who is coding.
//!
//! Every coding records its coder, and agreement is computed between coders, so a coder must be
//! a person's chosen name rather than whatever account the laptop happens to run under. The
//! name lives in a small JSON file chosen by the front end (the desktop app keeps it beside the
//! recent-projects list). A missing or damaged file means "not chosen yet".

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The longest coder name kept.
pub const MAX_CODER_NAME: usize = 80;

#[derive(Serialize, Deserialize)]
struct Remembered {
    coder: String,
}

/// The coder name remembered in `file`, if one was chosen.
pub fn coder(file: &Path) -> Option<String> {
    let bytes = std::fs::read(file).ok()?;
    let r: Remembered = serde_json::from_slice(&bytes).ok()?;
    clean(&r.coder).ok()
}

/// A coder name as it is stored: trimmed, one line, not empty, at most [`MAX_CODER_NAME`]
/// characters.
pub fn clean(name: &str) -> Result<String> {
    let name: String = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(Error::Invalid("a coder needs a name".into()));
    }
    if name.chars().count() > MAX_CODER_NAME {
        return Err(Error::Invalid(format!("a coder's name has at most {MAX_CODER_NAME} characters")));
    }
    Ok(name)
}

/// Remembers `name` in `file` as this machine's coder; returns the name as stored.
pub fn remember_coder(file: &Path, name: &str) -> Result<String> {
    let coder = clean(name)?;
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    // Write then rename, so a crash never leaves half a file.
    let tmp = file.with_extension("json.tmp");
    let json = serde_json::to_vec_pretty(&Remembered { coder: coder.clone() }).expect("plain data serialises");
    std::fs::write(&tmp, json).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, file).map_err(|e| Error::io(file, e))?;
    Ok(coder)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chosen_name_is_remembered_cleaned_and_a_bad_one_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("polku/coder.json");
        assert_eq!(coder(&file), None, "nothing chosen yet");
        assert_eq!(remember_coder(&file, "  Aino \n Lehtinen ").unwrap(), "Aino Lehtinen");
        assert_eq!(coder(&file).as_deref(), Some("Aino Lehtinen"));
        assert!(remember_coder(&file, "   ").is_err());
        assert!(remember_coder(&file, &"x".repeat(MAX_CODER_NAME + 1)).is_err());
        assert_eq!(coder(&file).as_deref(), Some("Aino Lehtinen"), "a refused name changes nothing");
        std::fs::write(&file, "{ damaged").unwrap();
        assert_eq!(coder(&file), None);
    }
}
