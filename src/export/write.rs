//! The one writer of every exported file.
//!
//! It takes the store's approach to a durable write (`store::atomic::write_atomic`: a
//! temporary file in the same folder, fsync, rename, fsync the folder), so a reader or a
//! crash sees the old file or the new one, never half of one — and adds the rules for a path
//! the user typed:
//!
//! - only a regular file is replaced: a symbolic link, a folder, a FIFO or a device as the
//!   target is refused (replacing a symlink would surprise whoever made it; writing to a FIFO
//!   or device would block or reach hardware);
//! - nothing is written inside a project folder (a folder with `project.json` and the store's
//!   files), so `-o study.tema/project.json` cannot destroy a project, nor an export land
//!   among files that sync tools and git carry as research data;
//! - the temporary file `.NAME.tema-partial` is created new (never through a link someone
//!   left under that name) and removed again when anything fails.

use super::ExportError;
use crate::store::snapshot::PROJECT_FILE;
use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Files besides `project.json` that only a Tema project folder holds; one of them with it
/// marks the folder as a project.
const PROJECT_MARKS: [&str; 3] = ["codebook.json", crate::store::journal::JOURNAL_FILE, "texts"];

/// Writes `bytes` to `path`, all or nothing, under the rules above.
pub fn write_export(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    check_target(path)?;
    let folder = folder_of(path);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "export".into());
    let tmp = folder.join(format!(".{name}.tema-partial"));
    let io = |source| ExportError::Io { path: path.to_path_buf(), source };
    // A partial file left by a crash of an earlier export is ours to replace; anything else
    // under that name (a folder, a link) is not touched.
    if fs::symlink_metadata(&tmp).is_ok_and(|m| m.file_type().is_file()) {
        fs::remove_file(&tmp).map_err(io)?;
    }
    replace(path, &tmp, &folder, bytes).map_err(io)
}

/// Writes `tmp`, fsyncs it, renames it over `path` and fsyncs the folder; on any failure
/// removes `tmp` again.
fn replace(path: &Path, tmp: &Path, folder: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let result = (|| {
        let mut f = OpenOptions::new().write(true).create_new(true).open(tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        fs::rename(tmp, path)?;
        sync_folder(folder)
    })();
    if let Err(e) = result {
        // Only a file we created is removed: `create_new` failing leaves nothing of ours.
        if fs::symlink_metadata(tmp).is_ok_and(|m| m.file_type().is_file()) {
            let _ = fs::remove_file(tmp);
        }
        return Err(e);
    }
    Ok(())
}

/// Why `path` may not be written, if it may not: not a regular file, inside a project, or
/// in a folder that does not exist. The app and the CLI call it before a long export.
pub fn check_target(path: &Path) -> Result<(), ExportError> {
    if let Ok(meta) = fs::symlink_metadata(path) {
        let t = meta.file_type();
        if !t.is_file() {
            return Err(ExportError::NotRegular { path: path.to_path_buf(), what: crate::files::kind_of(&t) });
        }
    }
    let folder = folder_of(path);
    let Ok(real) = fs::canonicalize(&folder) else {
        return Err(ExportError::NoFolder { path: path.to_path_buf() });
    };
    if !real.is_dir() {
        return Err(ExportError::NoFolder { path: path.to_path_buf() });
    }
    if let Some(project) = real.ancestors().find(|dir| is_project_folder(dir)) {
        return Err(ExportError::InsideProject { path: path.to_path_buf(), project: project.to_path_buf() });
    }
    Ok(())
}

/// Whether `dir` is a Tema project folder.
pub fn is_project_folder(dir: &Path) -> bool {
    fs::symlink_metadata(dir.join(PROJECT_FILE)).is_ok_and(|m| m.is_file())
        && PROJECT_MARKS.iter().any(|m| fs::symlink_metadata(dir.join(m)).is_ok())
}

fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn sync_folder(dir: &Path) -> std::io::Result<()> {
    // Folders cannot be opened for fsync on Windows; there the rename is durable enough.
    if cfg!(unix) {
        fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn writes_and_replaces_a_regular_file() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("quotes.md");
        write_export(&path, b"one")?;
        write_export(&path, b"two")?;
        assert_eq!(fs::read(&path)?, b"two");
        assert_eq!(listing(dir.path()), ["quotes.md"], "no partial file is left");
        Ok(())
    }

    #[cfg(unix)]
    #[test]
    fn refuses_links_folders_fifos_and_devices() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let target = dir.path().join("precious.txt");
        fs::write(&target, "keep")?;
        let link = dir.path().join("link.md");
        std::os::unix::fs::symlink(&target, &link)?;
        let fifo = dir.path().join("pipe.md");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status()?;
        assert!(made.success());
        let sub = dir.path().join("folder.md");
        fs::create_dir(&sub)?;
        for (path, what) in [
            (link.as_path(), "a symbolic link"),
            (fifo.as_path(), "a FIFO (named pipe)"),
            (sub.as_path(), "a folder"),
            (Path::new("/dev/null"), "a device"),
        ] {
            match write_export(path, b"x") {
                Err(ExportError::NotRegular { what: w, .. }) => assert_eq!(w, what, "{}", path.display()),
                other => panic!("{} was not refused: {other:?}", path.display()),
            }
        }
        assert_eq!(fs::read_to_string(&target)?, "keep");
        assert!(fs::symlink_metadata(&link)?.file_type().is_symlink(), "the link itself is untouched");
        assert_eq!(listing(dir.path()), ["folder.md", "link.md", "pipe.md", "precious.txt"]);
        Ok(())
    }

    #[test]
    fn refuses_anything_inside_a_project_folder() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let project = dir.path().join("study.tema");
        fs::create_dir_all(project.join("texts/deeper"))?;
        fs::write(project.join(PROJECT_FILE), "{}")?;
        for path in [project.join(PROJECT_FILE), project.join("table.docx"), project.join("texts/deeper/x.md")] {
            match write_export(&path, b"x") {
                Err(ExportError::InsideProject { project: p, .. }) => assert!(p.ends_with("study.tema")),
                other => panic!("{} was not refused: {other:?}", path.display()),
            }
        }
        assert_eq!(fs::read_to_string(project.join(PROJECT_FILE))?, "{}");
        // Beside the project is fine, and so is a folder with an unrelated project.json.
        write_export(&dir.path().join("table.docx"), b"x")?;
        let other = dir.path().join("web");
        fs::create_dir(&other)?;
        fs::write(other.join(PROJECT_FILE), "{}")?;
        write_export(&other.join("table.docx"), b"x")?;
        Ok(())
    }

    #[test]
    fn a_missing_folder_is_named() {
        let err = write_export(Path::new("/nonexistent-tema-folder/x.md"), b"x");
        assert!(matches!(err, Err(ExportError::NoFolder { .. })), "{err:?}");
    }

    #[test]
    fn a_failed_write_leaves_no_partial_file() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        // A folder with something in it cannot be renamed over: the last step fails.
        let target = dir.path().join("busy");
        fs::create_dir(&target)?;
        fs::write(target.join("inside"), "x")?;
        let tmp = dir.path().join(".busy.tema-partial");
        assert!(replace(&target, &tmp, dir.path(), b"new").is_err());
        assert_eq!(listing(dir.path()), ["busy"]);
        // A stale partial file of a crashed export is replaced, not an obstacle.
        fs::write(dir.path().join(".out.md.tema-partial"), "old")?;
        write_export(&dir.path().join("out.md"), b"new")?;
        assert_eq!(listing(dir.path()), ["busy", "out.md"]);
        Ok(())
    }
}
