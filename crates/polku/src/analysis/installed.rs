//! Model folders: where installed models live (list, add, choose one per project), and
//! checking that a folder holds a model Polku can run before anything is loaded from it.
//!
//! A user can point Polku at any Hugging Face BERT-family sentence-embedding folder
//! (`config.json`, `tokenizer.json`, `model.safetensors`); a wrong folder gets an error that
//! names the missing or unusable file instead of failing deep inside the runtime.

use std::path::{Path, PathBuf};

use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The files a model folder must hold.
pub const REQUIRED_FILES: [&str; 3] = ["config.json", "tokenizer.json", "model.safetensors"];

/// The architectures the candle backend can run.
pub const SUPPORTED_ARCHITECTURES: [&str; 1] = ["bert"];

/// What Polku knows about a model folder after checking it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ModelInfo {
    pub path: String,
    /// `model_type` from `config.json` (`bert`).
    pub architecture: String,
    /// Size of the sentence vectors.
    pub dimension: u32,
    pub layers: u32,
    /// Text put before every input, as the model was trained to see it (e5's `query: `; empty
    /// for most models), from `config_sentence_transformers.json`'s default prompt.
    pub prompt: String,
    /// The vocabulary covers many languages (at least [`MULTILINGUAL_VOCABULARY`] pieces:
    /// multilingual BERT, XLM-R and e5 have 120,000–250,000; English BERTs 30,000), so
    /// sentences in different languages share one vector space and can be compared.
    pub multilingual: bool,
}

/// Smallest vocabulary taken as a sign of a multilingual model (see [`ModelInfo::multilingual`]).
pub const MULTILINGUAL_VOCABULARY: u32 = 100_000;

#[derive(Deserialize)]
struct ConfigHead {
    model_type: Option<String>,
    hidden_size: Option<u32>,
    num_hidden_layers: Option<u32>,
    vocab_size: Option<u32>,
}

/// The parts of sentence-transformers' `config_sentence_transformers.json` Polku follows.
#[derive(Deserialize, Default)]
struct SentenceConfig {
    #[serde(default)]
    prompts: std::collections::HashMap<String, String>,
    default_prompt_name: Option<String>,
}

/// The default prompt of the folder's `config_sentence_transformers.json` (none if absent).
fn default_prompt(dir: &Path) -> Result<String> {
    let path = dir.join("config_sentence_transformers.json");
    let Ok(bytes) = std::fs::read(&path) else { return Ok(String::new()) };
    let config: SentenceConfig = serde_json::from_slice(&bytes)
        .map_err(|e| Error::Invalid(format!("{}: not a sentence-transformers configuration: {e}", path.display())))?;
    Ok(config.default_prompt_name.and_then(|name| config.prompts.get(&name).cloned()).unwrap_or_default())
}

/// Checks that `dir` holds a runnable model; the error names the file at fault.
pub fn inspect(dir: &Path) -> Result<ModelInfo> {
    for f in REQUIRED_FILES {
        let p = dir.join(f);
        if !p.is_file() {
            return Err(Error::Invalid(format!(
                "{}: missing {f} (a model folder needs {})",
                dir.display(),
                REQUIRED_FILES.join(", ")
            )));
        }
    }
    let config_path = dir.join("config.json");
    let bytes = std::fs::read(&config_path).map_err(|e| Error::io(&config_path, e))?;
    let head: ConfigHead = serde_json::from_slice(&bytes)
        .map_err(|e| Error::Invalid(format!("{}: not a model configuration: {e}", config_path.display())))?;
    let architecture = head.model_type.unwrap_or_default();
    if !SUPPORTED_ARCHITECTURES.contains(&architecture.as_str()) {
        return Err(Error::Invalid(format!(
            "{}: model_type '{architecture}' is not supported (supported: {})",
            config_path.display(),
            SUPPORTED_ARCHITECTURES.join(", ")
        )));
    }
    let dimension = head
        .hidden_size
        .filter(|&d| d > 0)
        .ok_or_else(|| Error::Invalid(format!("{}: field hidden_size is missing", config_path.display())))?;
    Ok(ModelInfo {
        path: dir.display().to_string(),
        architecture,
        dimension,
        layers: head.num_hidden_layers.unwrap_or(0),
        prompt: default_prompt(dir)?,
        multilingual: head.vocab_size.is_some_and(|v| v >= MULTILINGUAL_VOCABULARY),
    })
}

/// Name of the model the set-up fetches and analyses use unless a project chose another.
pub const DEFAULT_MODEL: &str = "multilingual-e5-small";

/// Where installed models live, one folder each (see [`crate::assets`]).
pub fn models_dir() -> PathBuf {
    crate::assets::Asset::Models.dir()
}

/// The folder of the default model (see [`DEFAULT_MODEL`], [`models_dir`]).
pub fn default_model_dir() -> PathBuf {
    models_dir().join(DEFAULT_MODEL)
}

/// One folder in the models directory and whether it can be used.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct InstalledModel {
    pub name: String,
    /// What the folder holds, if it can be used.
    pub info: Option<ModelInfo>,
    /// Why it cannot be used.
    pub problem: Option<String>,
}

impl InstalledModel {
    fn checked(name: String, dir: &Path) -> Self {
        match inspect(dir) {
            Ok(info) => InstalledModel { name, info: Some(info), problem: None },
            Err(e) => InstalledModel { name, info: None, problem: Some(e.to_string()) },
        }
    }
}

/// Every folder in `dir`, checked, sorted by name (an absent directory has none).
pub fn installed_models(dir: &Path) -> Vec<InstalledModel> {
    let mut out: Vec<InstalledModel> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| InstalledModel::checked(e.file_name().to_string_lossy().into_owned(), &e.path()))
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// Copies a checked model folder into `dir` under its own name, so projects can choose it by
/// name. Refuses a folder that fails [`inspect`] or a name that is already installed; a copy
/// that fails half-way is removed.
pub fn add_model(from: &Path, dir: &Path) -> Result<InstalledModel> {
    inspect(from)?;
    let name = from
        .canonicalize()
        .map_err(|e| Error::io(from, e))?
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| Error::Invalid(format!("{}: a model folder needs a name", from.display())))?;
    let dest = dir.join(&name);
    if dest.exists() {
        return Err(Error::Invalid(format!("a model named '{name}' is already installed in {}", dir.display())));
    }
    let tmp = dir.join(format!(".{name}.adding"));
    let copy = || -> std::io::Result<()> {
        std::fs::create_dir_all(&tmp)?;
        copy_tree(from, &tmp)?;
        std::fs::rename(&tmp, &dest)
    };
    if let Err(e) = copy() {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(Error::io(&dest, e));
    }
    Ok(InstalledModel::checked(name, &dest))
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            std::fs::create_dir_all(&target)?;
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

const MODEL_KEY: &str = "analysis.model";

/// The model a project's analyses run with: the folder it loads from and the key its results
/// (sentences, vectors, sentiment, themes) are stored under in the project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChosenModel {
    pub dir: PathBuf,
    pub key: String,
}

impl ChosenModel {
    /// The model in folder `dir`, keyed by the folder's name.
    pub fn at(dir: PathBuf) -> ChosenModel {
        let key = dir.file_name().map_or_else(|| "model".to_string(), |n| n.to_string_lossy().into_owned());
        ChosenModel { dir, key }
    }
}

impl crate::Project {
    /// The model this project's analyses use, the one rule both front ends follow: `folder`
    /// when given (a one-off `--model DIR`), else the installed model the project chose
    /// ([`Project::set_analysis_model`](crate::Project::set_analysis_model)), else
    /// [`DEFAULT_MODEL`]. Its results are kept under its folder's name, so switching models
    /// keeps each model's results apart.
    pub fn chosen_model(&self, folder: Option<&Path>) -> Result<ChosenModel> {
        Ok(ChosenModel::at(match folder {
            Some(dir) => dir.to_path_buf(),
            None => models_dir().join(self.analysis_model()?),
        }))
    }

    /// The installed model this project's analyses use: the one chosen; else the one it was
    /// last analysed with, if still installed (a project analysed before the default changed
    /// keeps its themes and sentiment until someone chooses to re-analyse); else [`DEFAULT_MODEL`].
    pub fn analysis_model(&self) -> Result<String> {
        if let Some(chosen) = self.meta(MODEL_KEY)? {
            return Ok(chosen);
        }
        let last: Option<String> = self
            .conn()
            .query_row("SELECT model FROM sentences ORDER BY id DESC LIMIT 1", [], |r| r.get(0))
            .optional()?;
        Ok(last.filter(|m| models_dir().join(m).is_dir()).unwrap_or_else(|| DEFAULT_MODEL.to_string()))
    }

    /// Chooses the installed model (a folder name in [`models_dir`]) for this project's
    /// analyses. Vectors of the previous model stay stored under its name.
    pub fn set_analysis_model(&mut self, name: &str) -> Result<()> {
        let dir = models_dir().join(name);
        if !dir.is_dir() {
            return Err(Error::NotFound {
                what: "installed model",
                key: format!("{name} (in {})", models_dir().display()),
            });
        }
        inspect(&dir)?;
        self.write(|tx| {
            tx.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)", [MODEL_KEY, name])?;
            Ok(((), crate::search::Touched::none()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_are_listed_checked_and_added_by_name() {
        let models = tempfile::tempdir().unwrap();
        let src = tempfile::tempdir().unwrap();
        let good = src.path().join("my-bert");
        std::fs::create_dir_all(good.join("1_Pooling")).unwrap();
        for f in REQUIRED_FILES {
            std::fs::write(good.join(f), "{}").unwrap();
        }
        std::fs::write(good.join("config.json"), r#"{"model_type": "bert", "hidden_size": 384}"#).unwrap();
        std::fs::write(good.join("1_Pooling/config.json"), "{}").unwrap();
        std::fs::create_dir(models.path().join("broken")).unwrap();
        let added = add_model(&good, models.path()).unwrap();
        assert_eq!(added.name, "my-bert");
        assert!(models.path().join("my-bert/1_Pooling/config.json").exists());
        assert!(add_model(&good, models.path()).unwrap_err().to_string().contains("already installed"));
        assert!(add_model(&models.path().join("broken"), models.path()).is_err());
        let listed = installed_models(models.path());
        assert_eq!(listed.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(), ["broken", "my-bert"]);
        assert!(listed[0].problem.as_ref().unwrap().contains("missing config.json"));
        assert_eq!(listed[1].info.as_ref().unwrap().dimension, 384);
    }

    #[test]
    fn a_project_uses_its_chosen_model_unless_a_folder_is_given() {
        let dir = tempfile::tempdir().unwrap();
        let mut p = crate::Project::create(dir.path().join("m.polku"), "m").unwrap();
        let default = p.chosen_model(None).unwrap();
        assert_eq!((default.dir, default.key.as_str()), (default_model_dir(), DEFAULT_MODEL));
        // What `set_analysis_model` stores once it has checked the folder.
        p.write(|tx| {
            tx.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?1, 'my-bert')", [MODEL_KEY])?;
            Ok(((), crate::search::Touched::none()))
        })
        .unwrap();
        assert_eq!(
            p.chosen_model(None).unwrap(),
            ChosenModel { dir: models_dir().join("my-bert"), key: "my-bert".into() }
        );
        // Without a choice, a project keeps the installed model it was analysed with.
        p.write(|tx| {
            tx.execute("DELETE FROM meta WHERE key = ?1", [MODEL_KEY])?;
            tx.execute_batch(
                "INSERT INTO sources(id, kind, title, text, char_len, created_at)
                 VALUES (1, 'feedback', 't', 'Hello there.', 12, '2026-01-01');
                 INSERT INTO segments(id, source_id, ordinal, start, end) VALUES (1, 1, 0, 0, 12);
                 INSERT INTO sentences(segment_id, source_id, start, end, model, embedding)
                 VALUES (1, 1, 0, 12, 'all-MiniLM-L6-v2', x'00');",
            )?;
            Ok(((), crate::search::Touched::none()))
        })
        .unwrap();
        assert_eq!(p.analysis_model().unwrap(), "all-MiniLM-L6-v2");
        let once = dir.path().join("other-model");
        assert_eq!(p.chosen_model(Some(&once)).unwrap(), ChosenModel { dir: once, key: "other-model".into() });
    }

    #[test]
    fn a_wrong_folder_names_what_is_wrong() {
        let dir = tempfile::tempdir().unwrap();
        let err = inspect(dir.path()).unwrap_err().to_string();
        assert!(err.contains("missing config.json"), "{err}");
        for f in REQUIRED_FILES {
            std::fs::write(dir.path().join(f), "{}").unwrap();
        }
        let err = inspect(dir.path()).unwrap_err().to_string();
        assert!(err.contains("config.json") && err.contains("model_type ''"), "{err}");
        std::fs::write(dir.path().join("config.json"), r#"{"model_type": "gpt2", "hidden_size": 768}"#).unwrap();
        assert!(inspect(dir.path()).unwrap_err().to_string().contains("'gpt2' is not supported"));
        std::fs::write(dir.path().join("config.json"), r#"{"model_type": "bert"}"#).unwrap();
        assert!(inspect(dir.path()).unwrap_err().to_string().contains("hidden_size"));
        std::fs::write(
            dir.path().join("config.json"),
            r#"{"model_type": "bert", "hidden_size": 384, "num_hidden_layers": 6}"#,
        )
        .unwrap();
        let info = inspect(dir.path()).unwrap();
        assert_eq!((info.dimension, info.layers, info.architecture.as_str()), (384, 6, "bert"));
        assert_eq!((info.prompt.as_str(), info.multilingual), ("", false));
        std::fs::write(
            dir.path().join("config.json"),
            r#"{"model_type": "bert", "hidden_size": 384, "vocab_size": 250037}"#,
        )
        .unwrap();
        std::fs::write(
            dir.path().join("config_sentence_transformers.json"),
            r#"{"prompts": {"query": "query: ", "passage": "passage: "}, "default_prompt_name": "query"}"#,
        )
        .unwrap();
        let info = inspect(dir.path()).unwrap();
        assert_eq!((info.prompt.as_str(), info.multilingual), ("query: ", true));
        std::fs::write(dir.path().join("config_sentence_transformers.json"), "[").unwrap();
        let err = inspect(dir.path()).unwrap_err().to_string();
        assert!(err.contains("config_sentence_transformers.json"), "{err}");
    }
}
