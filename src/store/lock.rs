//! One writer per project folder.
//!
//! An OS file lock on `.lock` (released by the OS if Tema crashes, so a stale lock never
//! blocks anyone) plus, inside the file, who holds it — for the message the second writer sees.

use super::error::{Result, StoreError};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;

pub const LOCK_FILE: &str = ".lock";

#[derive(Debug)]
pub struct ProjectLock {
    _file: File,
}

impl ProjectLock {
    pub fn acquire(dir: &Path) -> Result<ProjectLock> {
        let path = dir.join(LOCK_FILE);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(StoreError::io("open", &path))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                let holder = if holder.is_empty() { "another process".to_string() } else { holder.to_string() };
                return Err(StoreError::Locked { path: dir.to_path_buf(), holder });
            }
            Err(TryLockError::Error(e)) => return Err(StoreError::io("lock", &path)(e)),
        }
        let host = std::env::var("HOSTNAME").or_else(|_| std::env::var("COMPUTERNAME")).unwrap_or_default();
        let who =
            format!("process {} on {}", std::process::id(), if host.is_empty() { "this computer" } else { &host });
        // The note is informational; failing to write it does not weaken the lock.
        let _ =
            file.set_len(0).and_then(|_| file.seek(SeekFrom::Start(0))).and_then(|_| file.write_all(who.as_bytes()));
        Ok(ProjectLock { _file: file })
    }
}
