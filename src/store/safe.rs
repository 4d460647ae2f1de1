//! The project folder is untrusted input: it may have come from someone else (git, a synced
//! drive, a zip by e-mail). Everything the store touches goes through here:
//!
//! - only names the store itself writes ([`is_store_file`], [`is_staged_file`]);
//! - files opened without following symbolic links (`O_NOFOLLOW`) and without blocking on a
//!   FIFO (`O_NONBLOCK`), and used only if they are regular files;
//! - the folders `texts/` and `codings/` used only if they are real folders, not links.
//!
//! So nothing outside the project folder is ever read, created, renamed, truncated or deleted
//! because of what the folder holds, and user files inside it are never deleted.

use super::error::{Result, StoreError};
use std::fs::{File, OpenOptions};
use std::io::Read;
use std::path::Path;

/// The snapshot files with fixed names (see `snapshot`).
const FIXED: &[&str] = &[
    "project.json",
    "documents.json",
    "participants.json",
    "codebook.json",
    "themes.json",
    "quotes.json",
    "memos.json",
    "consensus.json",
    "framework.json",
    "history.json",
    "coders.json",
    "manifest.json",
    "unanchored.json",
];

/// Whether `rel` is a snapshot file the store writes: a fixed name,
/// `codings/<slug>.json` with a plain slug (letters, digits, `-`, `_`), or a document's text
/// `texts/<uuid>.txt`.
pub fn is_store_file(rel: &str) -> bool {
    if FIXED.contains(&rel) {
        return true;
    }
    if let Some(slug) = rel.strip_prefix("codings/").and_then(|r| r.strip_suffix(".json")) {
        return is_plain_name(slug);
    }
    // The analysis trail, appended to and never rewritten (`crate::trail::file`).
    if crate::trail::file::is_trail_file(rel) {
        return true;
    }
    // A document's text, rewritten by a save after a correction (`Edit::ReplaceText`).
    rel.strip_prefix("texts/")
        .and_then(|r| r.strip_suffix(".txt"))
        .is_some_and(|id| uuid::Uuid::parse_str(id).is_ok_and(|u| u.hyphenated().to_string() == id))
}

/// A name of one path component made only of ASCII letters, digits, `-` and `_`.
pub fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= 128 && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Whether a file name inside the project folder (relative, `/`-separated) is one the store
/// stages and may delete when no commit names it: `<store file>.new`, `<store file>.tmp`,
/// `texts/<id>.txt.tmp`, and the temporary files of the journal and `commit.json`.
pub fn is_staged_file(rel: &str) -> bool {
    let Some(base) = rel.strip_suffix(".new").or_else(|| rel.strip_suffix(".tmp")) else { return false };
    if is_store_file(base) || base == "journal.jsonl" || base == "commit.json" || base == ".gitignore" {
        return true;
    }
    if base == ".gitattributes" {
        return true;
    }
    match base.strip_prefix("texts/").and_then(|r| r.strip_suffix(".txt")) {
        Some(id) => is_text_id(id),
        None => false,
    }
}

/// Whether `id` is a document id as text files are named (a UUID).
pub fn is_text_id(id: &str) -> bool {
    uuid::Uuid::parse_str(id).is_ok() && id.len() == 36
}

fn unsafe_path(path: &Path, reason: &str) -> StoreError {
    StoreError::Unsafe { path: path.to_path_buf(), reason: reason.to_string() }
}

/// Options that neither follow a link at the last component nor block on a FIFO.
pub fn options() -> OpenOptions {
    let mut o = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    o
}

/// Checks that an opened file is a regular file.
fn regular(file: File, path: &Path) -> Result<File> {
    let meta = file.metadata().map_err(StoreError::io("read", path))?;
    if !meta.is_file() {
        return Err(unsafe_path(path, "is not a regular file"));
    }
    Ok(file)
}

/// Turns the error of opening with `O_NOFOLLOW` on a link into a clear one.
fn open_error<'a>(path: &'a Path, action: &'static str) -> impl FnOnce(std::io::Error) -> StoreError + 'a {
    move |e| {
        let is_link = std::fs::symlink_metadata(path).map(|m| m.file_type().is_symlink()).unwrap_or(false);
        if is_link { unsafe_path(path, "is a symbolic link") } else { StoreError::io(action, path)(e) }
    }
}

/// Opens a file for reading: `None` if it does not exist; an error if it is a link, a FIFO,
/// a device or a folder.
pub fn open_read(path: &Path) -> Result<Option<File>> {
    match options().read(true).open(path) {
        Ok(f) => regular(f, path).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(open_error(path, "read")(e)),
    }
}

/// Reads a whole file as [`open_read`] opens it.
pub fn read(path: &Path) -> Result<Option<Vec<u8>>> {
    let Some(mut f) = open_read(path)? else { return Ok(None) };
    let mut bytes = Vec::new();
    f.read_to_end(&mut bytes).map_err(StoreError::io("read", path))?;
    Ok(Some(bytes))
}

/// Opens (creating it if needed) a file for writing without following a link.
pub fn open_write(path: &Path, opts: &mut OpenOptions) -> Result<File> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let f = opts.open(path).map_err(open_error(path, "open"))?;
    regular(f, path)
}

/// Whether `dir/sub` is a real folder: `Ok(false)` when it does not exist, an error when it is
/// a link or anything else.
pub fn real_dir(dir: &Path, sub: &str) -> Result<bool> {
    let path = dir.join(sub);
    match std::fs::symlink_metadata(&path) {
        Ok(m) if m.file_type().is_symlink() => Err(unsafe_path(&path, "is a symbolic link")),
        Ok(m) if m.is_dir() => Ok(true),
        Ok(_) => Err(unsafe_path(&path, "is not a folder")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(StoreError::io("read", &path)(e)),
    }
}

/// Creates `dir/sub` as a folder unless it is one already (never through a link).
pub fn ensure_dir(dir: &Path, sub: &str) -> Result<()> {
    if !real_dir(dir, sub)? {
        let path = dir.join(sub);
        std::fs::create_dir(&path).map_err(StoreError::io("create", &path))?;
    }
    Ok(())
}

/// Deletes a file the store staged or owns, if it is there. Never follows a link (removing a
/// link removes the link itself).
pub fn remove(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(StoreError::io("delete", path)(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_stores_own_names_are_store_files() {
        assert!(is_store_file("project.json"));
        assert!(is_store_file("codings/ingrid-2.json"));
        assert!(!is_store_file("codings/../x.json"));
        assert!(!is_store_file("../x.json"));
        assert!(!is_store_file("/etc/passwd"));
        assert!(!is_store_file("codings/a/b.json"));
        assert!(!is_store_file("notes.txt"));
        assert!(is_staged_file("codings/ingrid.json.new"));
        assert!(is_staged_file("texts/0190a4d2-0000-7000-8000-000000000001.txt.tmp"));
        assert!(!is_staged_file("my-notes.tmp"));
        assert!(!is_staged_file("draft.new"));
        assert!(!is_staged_file("texts/../../x.txt.tmp"));
    }
}
