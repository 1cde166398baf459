//! Loading safety. A plugin is code that runs with the user's rights, so the
//! host refuses a library, or a plugin folder, that someone else could have
//! replaced (as ssh refuses a key file others can write), refuses a library
//! whose sha256 differs from the one pinned in the configuration, and only
//! ever opens libraries by absolute path, never from the current folder or
//! the system's library path by accident.

use super::load::LoadError;
use std::path::{Path, PathBuf};

/// The absolute form of a plugin path. `dlopen` searches the library path
/// for a bare file name, so every library is opened by its absolute path.
pub fn absolute(path: &Path) -> Result<PathBuf, LoadError> {
    std::fs::canonicalize(path).map_err(|e| LoadError::Open {
        path: path.to_path_buf(),
        message: format!("cannot resolve the path: {e}"),
    })
}

/// Refuses a plugin library, or the folder holding it, that other users can
/// write to or that belongs to someone other than the user or root.
pub fn check_library(path: &Path) -> Result<(), LoadError> {
    check_owner_and_mode(path, "the plugin library")?;
    match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(folder) => {
            check_owner_and_mode(folder, "the folder holding the plugin").map_err(|e| match e {
                LoadError::Unsafe { reason, .. } => LoadError::Unsafe {
                    path: path.to_path_buf(),
                    reason,
                },
                other => other,
            })
        }
        None => Ok(()),
    }
}

/// Refuses a plugin folder that other users can write to: anyone who can add
/// a library there could run code as the user.
pub fn check_folder(folder: &Path) -> Result<(), LoadError> {
    check_owner_and_mode(folder, "the plugin folder")
}

/// Refuses a plugin whose sha256 is not the one pinned for it.
pub fn check_pin(
    path: &Path,
    name: &str,
    found: &str,
    pinned: Option<&str>,
) -> Result<(), LoadError> {
    match pinned {
        Some(pinned) if !pinned.eq_ignore_ascii_case(found) => Err(LoadError::HashMismatch {
            path: path.to_path_buf(),
            name: name.to_string(),
            pinned: pinned.to_string(),
            found: found.to_string(),
        }),
        _ => Ok(()),
    }
}

#[cfg(unix)]
fn check_owner_and_mode(path: &Path, what: &str) -> Result<(), LoadError> {
    use std::os::unix::fs::MetadataExt;
    let metadata = std::fs::metadata(path).map_err(|e| LoadError::Open {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let unsafe_because = |reason: String| LoadError::Unsafe {
        path: path.to_path_buf(),
        reason,
    };
    let mode = metadata.mode() & 0o7777;
    if mode & 0o022 != 0 {
        let who = if mode & 0o002 != 0 {
            "every user"
        } else {
            "its group"
        };
        return Err(unsafe_because(format!(
            "{what} {} can be written by {who} (mode {mode:o}), so someone else could make lessons run their code as you; fix it with `chmod go-w {}`",
            path.display(),
            path.display()
        )));
    }
    // SAFETY: getuid cannot fail and has no preconditions.
    let me = unsafe { libc::getuid() };
    if metadata.uid() != me && metadata.uid() != 0 {
        return Err(unsafe_because(format!(
            "{what} {} belongs to user {}, neither you (user {me}) nor root; copy it somewhere of your own, or have its owner install it",
            path.display(),
            metadata.uid()
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_owner_and_mode(_path: &Path, _what: &str) -> Result<(), LoadError> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir()
            .join(format!("lessons-trust-{}", std::process::id()))
            .join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        dir
    }

    fn library_in(dir: &Path, mode: u32) -> PathBuf {
        let library = dir.join("libplugin.so");
        std::fs::write(&library, b"not really a library").unwrap();
        std::fs::set_permissions(&library, std::fs::Permissions::from_mode(mode)).unwrap();
        library
    }

    #[test]
    fn a_library_only_its_owner_can_write_is_accepted() {
        let dir = scratch("private");
        assert!(check_library(&library_in(&dir, 0o755)).is_ok());
    }

    #[test]
    fn a_library_others_can_write_is_refused_with_the_fix() {
        let dir = scratch("world-writable-file");
        let err = check_library(&library_in(&dir, 0o666)).unwrap_err();
        assert_eq!(err.kind(), "unsafe_permissions");
        let message = err.to_string();
        assert!(
            message.contains("every user") && message.contains("chmod go-w"),
            "{message}"
        );
    }

    #[test]
    fn a_group_writable_folder_refuses_the_libraries_in_it() {
        let dir = scratch("group-writable-folder");
        let library = library_in(&dir, 0o755);
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o775)).unwrap();
        let err = check_library(&library).unwrap_err();
        assert!(err.to_string().contains("its group"), "{err}");
        assert!(check_folder(&dir).is_err());
    }

    #[test]
    fn a_pin_that_differs_names_both_hashes() {
        let err = check_pin(Path::new("/p/lib.so"), "hw", "abc123", Some("def456")).unwrap_err();
        let message = err.to_string();
        assert!(
            message.contains("abc123") && message.contains("def456"),
            "{message}"
        );
        assert!(check_pin(Path::new("/p/lib.so"), "hw", "ABC", Some("abc")).is_ok());
        assert!(check_pin(Path::new("/p/lib.so"), "hw", "abc", None).is_ok());
    }
}
