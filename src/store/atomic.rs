//! Durable file writes: a reader (or a crash) sees the old file or the new one, never a mix.
//!
//! Every write goes through [`super::safe`]: a temporary or staged file left in the folder (by
//! a crash, or planted as a link by whoever sent the folder) is removed first and the file is
//! created afresh (`O_CREAT | O_EXCL | O_NOFOLLOW`), so a write can never land outside the
//! project folder.

use super::error::{Result, StoreError};
use super::safe;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` through a temporary file in the same folder: write, fsync,
/// rename, fsync the folder. After it returns the new content survives a power cut. The
/// rename replaces whatever `path` was (a link is replaced, never followed).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = tmp_path(path, "tmp");
    write_synced(&tmp, bytes)?;
    std::fs::rename(&tmp, path).map_err(StoreError::io("replace", path))?;
    sync_parent(path)
}

/// Writes and fsyncs a new file (no rename), replacing a file (or link) of that name.
pub fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    safe::remove(path)?;
    let mut f = safe::open_write(path, OpenOptions::new().write(true).create_new(true))?;
    f.write_all(bytes).map_err(StoreError::io("write", path))?;
    f.sync_all().map_err(StoreError::io("flush to disk", path))?;
    Ok(())
}

/// Fsyncs the folder holding `path`, making a create, rename or delete in it durable.
pub fn sync_parent(path: &Path) -> Result<()> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => sync_dir(dir),
        _ => Ok(()),
    }
}

pub fn sync_dir(dir: &Path) -> Result<()> {
    // Folders cannot be opened for fsync on Windows; there the rename is durable enough.
    if cfg!(unix) {
        let d = File::open(dir).map_err(StoreError::io("open folder", dir))?;
        d.sync_all().map_err(StoreError::io("flush folder to disk", dir))?;
    }
    Ok(())
}

/// `name.ext` → `name.ext.<suffix>` in the same folder.
pub fn tmp_path(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".");
    name.push(suffix);
    path.with_file_name(name)
}
