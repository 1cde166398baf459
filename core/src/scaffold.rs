//! `lessons new-plugin`: a plugin project outside the workspace that builds
//! against this checkout's SDK (Rust) or header (C) and scores at once. The
//! templates live in `core/templates/`; `{{name}}`, `{{metric}}` and
//! `{{sdk}}` are filled in.

use std::path::{Path, PathBuf};

/// The language of the new plugin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Rust,
    C,
}

/// Why a project could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    #[error(
        "`{name}` cannot name a plugin: use lowercase letters, digits and _, starting with a letter (it is also the metric id and the library name)"
    )]
    BadName { name: String },
    #[error("{path} already exists; choose another name or --dir")]
    Exists { path: PathBuf },
    #[error("{path}: cannot write ({source})")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "the SDK is not at {path}: this lessons binary was moved away from its checkout; run new-plugin from a lessons built in a checkout"
    )]
    NoSdk { path: PathBuf },
}

/// A project made by [`create`].
#[derive(Clone, Debug, PartialEq)]
pub struct Scaffold {
    pub dir: PathBuf,
    pub files: Vec<PathBuf>,
    /// The command that builds it, run from `dir`.
    pub build: String,
    /// The library the build makes, relative to `dir`.
    pub library: PathBuf,
}

const RUST_MANIFEST: &str = include_str!("../templates/rust/Cargo.toml");
const RUST_LIB: &str = include_str!("../templates/rust/lib.rs");
/// The workspace's lock file, so that the new project builds with the same
/// dependency versions, already downloaded.
const LOCK: &str = include_str!("../../Cargo.lock");
const C_SOURCE: &str = include_str!("../templates/c/plugin.c");
const C_MAKEFILE: &str = include_str!("../templates/c/Makefile");
const C_HEADER: &str = include_str!("../../plugins/sdk/include/lessons_plugin.h");

/// The SDK crate of the checkout this binary was built from.
pub fn sdk_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../plugins/sdk")
}

/// Makes `parent/name` with a plugin project in `lang`.
pub fn create(name: &str, lang: Lang, parent: &Path) -> Result<Scaffold, ScaffoldError> {
    check_name(name)?;
    let dir = parent.join(name);
    if dir.exists() {
        return Err(ScaffoldError::Exists { path: dir });
    }
    let fill = |template: &str, sdk: &str| {
        template
            .replace("{{name}}", name)
            .replace("{{metric}}", name)
            .replace("{{sdk}}", sdk)
    };
    let (files, build, library): (Vec<(PathBuf, String)>, String, PathBuf) = match lang {
        Lang::Rust => {
            let sdk = sdk_dir();
            let sdk = sdk
                .canonicalize()
                .map_err(|_| ScaffoldError::NoSdk { path: sdk.clone() })?;
            let sdk = sdk.to_string_lossy().replace('\\', "/");
            let library = format!(
                "{}{name}{}",
                std::env::consts::DLL_PREFIX,
                std::env::consts::DLL_SUFFIX
            );
            (
                vec![
                    ("Cargo.toml".into(), fill(RUST_MANIFEST, &sdk)),
                    ("Cargo.lock".into(), LOCK.to_string()),
                    ("src/lib.rs".into(), fill(RUST_LIB, &sdk)),
                ],
                "cargo build --release".into(),
                Path::new("target/release").join(library),
            )
        }
        Lang::C => (
            vec![
                (format!("{name}.c").into(), fill(C_SOURCE, "")),
                ("lessons_plugin.h".into(), C_HEADER.to_string()),
                ("Makefile".into(), fill(C_MAKEFILE, "")),
            ],
            "make".into(),
            PathBuf::from(format!("lib{name}.so")),
        ),
    };
    let mut written = Vec::new();
    for (relative, contents) in files {
        let path = dir.join(&relative);
        let io = |source| ScaffoldError::Io {
            path: path.clone(),
            source,
        };
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder).map_err(io)?;
        }
        std::fs::write(&path, contents).map_err(io)?;
        written.push(path);
    }
    Ok(Scaffold {
        dir,
        files: written,
        build,
        library,
    })
}

fn check_name(name: &str) -> Result<(), ScaffoldError> {
    let ok = name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(())
    } else {
        Err(ScaffoldError::BadName {
            name: name.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("lessons-scaffold-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_rust_project_names_its_plugin_metric_and_sdk() {
        let parent = scratch("rust");
        let made = create("reasons", Lang::Rust, &parent).unwrap();
        let manifest = std::fs::read_to_string(made.dir.join("Cargo.toml")).unwrap();
        assert!(manifest.contains("name = \"reasons\"") && manifest.contains("[workspace]"));
        let sdk = sdk_dir().canonicalize().unwrap();
        assert!(manifest.contains(&sdk.to_string_lossy().replace('\\', "/")));
        let lib = std::fs::read_to_string(made.dir.join("src/lib.rs")).unwrap();
        assert!(lib.contains("const METRIC: &str = \"reasons\";") && !lib.contains("{{"));
        assert!(matches!(
            create("reasons", Lang::Rust, &parent),
            Err(ScaffoldError::Exists { .. })
        ));
        std::fs::remove_dir_all(&parent).unwrap();
    }

    #[test]
    fn a_c_project_carries_the_header_and_a_makefile() {
        let parent = scratch("c");
        let made = create("why_c", Lang::C, &parent).unwrap();
        let source = std::fs::read_to_string(made.dir.join("why_c.c")).unwrap();
        assert!(source.contains("LESSONS_STR(\"why_c\")") && !source.contains("{{"));
        assert!(made.dir.join("lessons_plugin.h").is_file());
        assert_eq!(made.library, PathBuf::from("libwhy_c.so"));
        std::fs::remove_dir_all(&parent).unwrap();
    }

    #[test]
    fn a_name_that_cannot_be_a_metric_id_is_refused() {
        for bad in ["My-Plugin", "9lives", "", "a b"] {
            assert!(matches!(
                create(bad, Lang::C, Path::new("/nonexistent")),
                Err(ScaffoldError::BadName { .. })
            ));
        }
    }
}
