//! Plugins: finding shared libraries, deciding whether they may be loaded
//! ([`trust`]), loading them through the C ABI with a handshake ([`load`]),
//! calling them in this process ([`instance`]) or in worker processes
//! ([`worker`]), and checking what they return ([`validate`]). Plugin output
//! is untrusted until `validate` says so.

pub mod instance;
pub mod load;
pub mod runner;
pub mod trust;
pub mod turns;
pub mod validate;
pub mod worker;

pub use instance::{Instance, ScoreError};
pub use load::{LoadError, Plugin, PluginSummary, load};
pub use runner::Runner;
pub use turns::Turns;

use std::path::{Path, PathBuf};

/// Where a plugin folder came from decides which libraries in it are plugins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The folder beside the `lessons` binary: only `lessons_*` libraries, so
    /// that other libraries that happen to sit there are never loaded.
    Bundled,
    /// A folder the user named: every shared library in it.
    User,
}

/// The shared libraries in a folder that are plugins, in name order.
pub fn libraries_in_folder(dir: &Path, origin: Origin) -> std::io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        if !name.ends_with(std::env::consts::DLL_SUFFIX) || !path.is_file() {
            continue;
        }
        let bundled_prefix = format!("{}lessons_", std::env::consts::DLL_PREFIX);
        if origin == Origin::Bundled && !name.starts_with(&bundled_prefix) {
            continue;
        }
        found.push(path);
    }
    found.sort();
    Ok(found)
}
