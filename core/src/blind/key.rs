//! The key of a blinding run: which code stands for which original file, and
//! the seed that drew the codes. It is written apart from the blinded cases,
//! because whoever holds it can unblind them.

use super::BlindError;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The whole key.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Key {
    pub seed: u64,
    pub case: Vec<KeyCase>,
}

/// One case: its code, its original file (as it was named when blinded) and
/// its blinded file name inside the panel's folder.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct KeyCase {
    pub code: String,
    pub original: PathBuf,
    pub blinded: String,
}

impl Key {
    pub fn write(&self, path: &Path) -> Result<(), BlindError> {
        let text = toml::to_string_pretty(self).map_err(|e| BlindError::Invalid {
            path: path.to_path_buf(),
            what: "key",
            message: e.to_string(),
        })?;
        let header =
            "# The key to a blind review: code → original file. Keep it away from the panel.\n\n";
        std::fs::write(path, format!("{header}{text}")).map_err(|source| BlindError::Io {
            path: path.to_path_buf(),
            action: "writing the key",
            source,
        })
    }

    pub fn read(path: &Path) -> Result<Key, BlindError> {
        let text = std::fs::read_to_string(path).map_err(|source| BlindError::Io {
            path: path.to_path_buf(),
            action: "reading the key",
            source,
        })?;
        toml::from_str(&text).map_err(|e| BlindError::Invalid {
            path: path.to_path_buf(),
            what: "key (written by `lessons blind`)",
            message: e.message().to_string(),
        })
    }
}

/// Where an original named in the key is now: as written if that exists
/// (the key was made from this folder), else relative to the key's folder.
pub fn locate_original(original: &Path, key_path: &Path) -> PathBuf {
    if original.is_absolute() || original.exists() {
        return original.to_path_buf();
    }
    key_path
        .parent()
        .map_or_else(|| original.to_path_buf(), |dir| dir.join(original))
}
