//! Chart images a front end renders and the user saves, written next to the project file.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::exports_dir;
use crate::{Error, Result};

/// An exported image's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ImageFormat {
    Png,
    Svg,
}

/// Writes a chart image exported by a front end to the project's exports folder under a
/// file name made from `title`, never replacing an earlier export. Refuses bytes that are
/// not the format they claim, so a broken export is noticed at once.
pub fn save_chart(project: &Path, title: &str, format: ImageFormat, bytes: &[u8]) -> Result<PathBuf> {
    let ok = match format {
        ImageFormat::Png => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        ImageFormat::Svg => {
            let head = String::from_utf8_lossy(&bytes[..bytes.len().min(256)]).trim_start().to_lowercase();
            head.starts_with("<svg") || head.starts_with("<?xml")
        }
    };
    if !ok {
        return Err(Error::Invalid(format!("chart '{title}' is not a {format:?} image")));
    }
    let dir = exports_dir(project);
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let base = file_name(title);
    let ext = match format {
        ImageFormat::Png => "png",
        ImageFormat::Svg => "svg",
    };
    let mut path = dir.join(format!("{base}.{ext}"));
    let mut k = 2;
    while path.exists() {
        path = dir.join(format!("{base} ({k}).{ext}"));
        k += 1;
    }
    super::write_file(&path, false, |w| w.write_all(bytes).map_err(|e| Error::io(&path, e)))?;
    Ok(path)
}

/// A portable file name from a chart title: letters (any script), digits, spaces, `-`, `_`.
fn file_name(title: &str) -> String {
    let cleaned: String =
        title.chars().map(|c| if c.is_alphanumeric() || matches!(c, ' ' | '-' | '_') { c } else { '-' }).collect();
    let trimmed: String = cleaned.trim().trim_matches('-').chars().take(80).collect();
    if trimmed.is_empty() {
        "chart".into()
    } else {
        trimmed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_next_to_the_project_without_overwriting() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("asiakaspolku.polku");
        let svg = b"<svg xmlns='http://www.w3.org/2000/svg'></svg>";
        let a = save_chart(&project, "Teemat / vaiheet: NPS", ImageFormat::Svg, svg).unwrap();
        let b = save_chart(&project, "Teemat / vaiheet: NPS", ImageFormat::Svg, svg).unwrap();
        assert_eq!(a, dir.path().join("asiakaspolku exports/Teemat - vaiheet- NPS.svg"));
        assert_eq!(b, dir.path().join("asiakaspolku exports/Teemat - vaiheet- NPS (2).svg"));
        assert_eq!(std::fs::read(&b).unwrap(), svg);
    }

    #[test]
    fn refuses_bytes_that_are_not_the_claimed_format() {
        let dir = tempfile::tempdir().unwrap();
        let project = dir.path().join("p.polku");
        let err = save_chart(&project, "x", ImageFormat::Png, b"<svg/>").unwrap_err();
        assert!(err.to_string().contains("not a Png image"), "{err}");
        assert!(!exports_dir(&project).exists() || std::fs::read_dir(exports_dir(&project)).unwrap().count() == 0);
    }
}
