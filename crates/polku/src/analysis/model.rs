//! Model folders: where the default model lives, and checking that a folder holds a model
//! Polku can run before anything is loaded from it.
//!
//! A user can point Polku at any Hugging Face BERT-family sentence-embedding folder
//! (`config.json`, `tokenizer.json`, `model.safetensors`); a wrong folder gets an error that
//! names the missing or unusable file instead of failing deep inside the runtime.

use std::path::{Path, PathBuf};

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
}

#[derive(Deserialize)]
struct ConfigHead {
    model_type: Option<String>,
    hidden_size: Option<u32>,
    num_hidden_layers: Option<u32>,
}

/// Checks that `dir` holds a runnable model; the error names the file at fault.
pub fn inspect(dir: &Path) -> Result<ModelInfo> {
    for f in REQUIRED_FILES {
        let p = dir.join(f);
        if !p.is_file() {
            return Err(Error::Invalid(format!("{}: missing {f} (a model folder needs {})", dir.display(), REQUIRED_FILES.join(", "))));
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
    })
}

/// The folder of the default model (all-MiniLM-L6-v2) that `scripts/fetch-model.sh` fills:
/// `$POLKU_MODELS/all-MiniLM-L6-v2`, else `assets/models/all-MiniLM-L6-v2` in the source tree.
pub fn default_model_dir() -> PathBuf {
    let root = match std::env::var_os("POLKU_MODELS") {
        Some(p) => PathBuf::from(p),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/models"),
    };
    root.join("all-MiniLM-L6-v2")
}

#[cfg(test)]
mod tests {
    use super::*;

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
        std::fs::write(dir.path().join("config.json"), r#"{"model_type": "bert", "hidden_size": 384, "num_hidden_layers": 6}"#).unwrap();
        let info = inspect(dir.path()).unwrap();
        assert_eq!((info.dimension, info.layers, info.architecture.as_str()), (384, 6, "bert"));
    }
}
