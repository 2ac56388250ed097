//! What a project remembers about its exports, in its own file (the `meta` table, one JSON value
//! per key): which attributes hold personal data, its word list, and the last report's
//! settings, so next month's report is one click.

use rusqlite::OptionalExtension;
use serde::{de::DeserializeOwned, Deserialize, Serialize};

use super::report::ReportSettings;
use super::Language;
use crate::search::Touched;
use crate::{Error, Project, Result};

/// Everything the export page shows and saves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExportSettings {
    pub report: ReportSettings,
    pub personal_attributes: Vec<String>,
    pub personal_words: Vec<String>,
}

impl Project {
    pub(crate) fn export_setting<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>> {
        let key = format!("export.{name}");
        let value: Option<String> =
            self.conn().query_row("SELECT value FROM meta WHERE key = ?1", [&key], |r| r.get(0)).optional()?;
        value
            .map(|v| {
                serde_json::from_str(&v).map_err(|e| Error::Invalid(format!("project setting {key} is damaged: {e}")))
            })
            .transpose()
    }

    pub(crate) fn set_export_setting<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<()> {
        let key = format!("export.{name}");
        let json = serde_json::to_string(value).map_err(|e| Error::Invalid(e.to_string()))?;
        self.write(|tx| {
            tx.execute(
                "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [&key, &json],
            )?;
            Ok(((), Touched::default()))
        })
    }

    /// The export settings: the last report's (or the defaults in `language`), the personal
    /// attributes and the word list.
    pub fn export_settings(&self, language: Language) -> Result<ExportSettings> {
        Ok(ExportSettings {
            report: self.export_setting("report")?.unwrap_or_else(|| ReportSettings::new(language)),
            personal_attributes: self.personal_attributes()?,
            personal_words: self.personal_words()?,
        })
    }

    /// Saves the report builder's settings for the next report.
    pub fn save_report_settings(&mut self, settings: &ReportSettings) -> Result<()> {
        self.set_export_setting("report", settings)
    }
}
