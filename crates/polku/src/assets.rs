//! Where Polku's data files live: the embedding models, the lemma lexicons and the demo material.
//!
//! One rule for the CLI and the app, in this order:
//! 1. an environment variable (`$POLKU_MODELS`, `$POLKU_LEMMAS`, `$POLKU_ASSETS/demo`), for tests
//!    and for users who keep models elsewhere;
//! 2. the folder an installed package puts beside the programs: `<prefix>/lib/Polku/<kind>` for
//!    `<prefix>/bin/polku` and `<prefix>/bin/polku-desktop` (the `.deb` that
//!    `scripts/package-deb.sh` builds; the same folder Tauri calls the app's resource directory);
//! 3. the source checkout's `assets/<kind>`, which `scripts/setup.sh` fills.

use std::path::{Path, PathBuf};

/// A kind of data file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asset {
    /// Embedding models, one folder each.
    Models,
    /// Lemma lexicons, one folder per language code.
    Lemmas,
    /// The demo project's material.
    Demo,
}

/// The folder an installed package keeps its data in, relative to the programs' folder.
pub const INSTALLED_DIR: &str = "../lib/Polku";

impl Asset {
    fn folder(self) -> &'static str {
        match self {
            Asset::Models => "models",
            Asset::Lemmas => "lemmas",
            Asset::Demo => "demo",
        }
    }

    fn overridden(self) -> Option<PathBuf> {
        match self {
            Asset::Models => std::env::var_os("POLKU_MODELS").map(PathBuf::from),
            Asset::Lemmas => std::env::var_os("POLKU_LEMMAS").map(PathBuf::from),
            Asset::Demo => std::env::var_os("POLKU_ASSETS").map(|p| PathBuf::from(p).join("demo")),
        }
    }

    /// Where this kind of data lives (see the module doc for the order).
    pub fn dir(self) -> PathBuf {
        if let Some(dir) = self.overridden() {
            return dir;
        }
        let installed = std::env::current_exe()
            .ok()
            .and_then(|exe| Some(exe.parent()?.join(INSTALLED_DIR).join(self.folder())))
            .filter(|dir| dir.is_dir());
        installed.unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets").join(self.folder()))
    }
}
