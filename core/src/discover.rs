//! Discovery: the paths a user named, walked into the review files they hold,
//! in a deterministic order. What cannot be walked is reported, not dropped.

use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// A path that could not be walked, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Unwalkable {
    pub path: PathBuf,
    /// A short machine-readable name: `not_found`, `symlink_loop`, `unreadable`.
    pub kind: &'static str,
    pub reason: String,
}

/// The review files under `paths` whose extension is one of `extensions`.
/// A file named directly is always taken, whatever its extension, so that an
/// unsupported format is reported rather than silently ignored.
pub fn review_files(paths: &[PathBuf], extensions: &[&str]) -> (Vec<PathBuf>, Vec<Unwalkable>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for root in paths {
        if !root.exists() && root.symlink_metadata().is_err() {
            problems.push(Unwalkable {
                path: root.clone(),
                kind: "not_found",
                reason: "no such file or folder; check the path".into(),
            });
            continue;
        }
        if !root.is_dir() {
            files.push(root.clone());
            continue;
        }
        walk(root, extensions, &mut files, &mut problems);
    }
    (files, problems)
}

fn walk(
    root: &Path,
    extensions: &[&str],
    files: &mut Vec<PathBuf>,
    problems: &mut Vec<Unwalkable>,
) {
    let walker = WalkDir::new(root).follow_links(true).sort_by_file_name();
    for entry in walker {
        match entry {
            Ok(entry) if entry.file_type().is_file() && has_extension(entry.path(), extensions) => {
                files.push(entry.into_path());
            }
            Ok(_) => {}
            Err(e) => {
                let (kind, reason) = walk_error_reason(&e);
                problems.push(Unwalkable {
                    path: e
                        .path()
                        .map_or_else(|| root.to_path_buf(), Path::to_path_buf),
                    kind,
                    reason,
                });
            }
        }
    }
}

/// The kind and the reason, with the fix, for an entry the walk could not
/// follow.
fn walk_error_reason(e: &walkdir::Error) -> (&'static str, String) {
    if e.loop_ancestor().is_some() {
        return (
            "symlink_loop",
            "a symbolic link loops back to a folder above it; remove the link".into(),
        );
    }
    let io = e.io_error();
    if io.and_then(std::io::Error::raw_os_error) == Some(libc::ELOOP) {
        return (
            "symlink_loop",
            "a symbolic link that leads back to itself; remove or repair the link".into(),
        );
    }
    if io.is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound) {
        return (
            "unreadable",
            "a symbolic link to a file that is not there; repair or remove the link".into(),
        );
    }
    (
        "unreadable",
        format!(
            "cannot read ({}); check permissions",
            io.map_or_else(|| e.to_string(), ToString::to_string)
        ),
    )
}

fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|x| x.eq_ignore_ascii_case(e)))
}
