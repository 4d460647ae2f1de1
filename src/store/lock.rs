//! One writer per project folder.
//!
//! An OS file lock on `.lock` (released by the OS if Tema crashes, so a stale lock never
//! blocks anyone) plus, inside the file, who holds it — process id, host and start time — for
//! the message the second writer sees. The note is written over the old one without emptying
//! the file first, and a writer that finds the lock taken reads the note again for a moment
//! if it is empty, so the message names the holder. Readers never take the lock.

use super::error::{Result, StoreError};
use super::safe;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::time::{Duration, Instant};

pub const LOCK_FILE: &str = ".lock";

#[derive(Debug)]
pub struct ProjectLock {
    _file: File,
}

/// How often a waiting writer tries the lock again.
const RETRY: Duration = Duration::from_millis(100);
/// How long a writer always waits for the lock. The lock belongs to the open file, and a
/// child process started by another thread of the same program (a PDF reader, a test's
/// `tema`) shares every open file between its fork and its exec: for those few
/// milliseconds the lock still looks held after its owner let it go.
const GRACE: Duration = Duration::from_millis(300);

impl ProjectLock {
    pub fn acquire(dir: &Path) -> Result<ProjectLock> {
        Self::acquire_waiting(dir, Duration::ZERO)
    }

    /// Takes the lock, waiting up to `wait` for another writer to let go of it.
    pub fn acquire_waiting(dir: &Path, wait: Duration) -> Result<ProjectLock> {
        let path = dir.join(LOCK_FILE);
        let mut file = safe::open_write(&path, OpenOptions::new().read(true).write(true).create(true).truncate(false))?;
        let deadline = Instant::now() + wait.max(GRACE);
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) if Instant::now() < deadline => std::thread::sleep(RETRY),
                Err(TryLockError::WouldBlock) => {
                    let holder = read_holder(&mut file);
                    let holder = if holder.is_empty() { "another process".to_string() } else { holder };
                    return Err(StoreError::Locked { path: dir.to_path_buf(), holder });
                }
                Err(TryLockError::Error(e)) => return Err(StoreError::io("lock", &path)(e)),
            }
        }
        let who = holder_note();
        // The note is informational; failing to write it does not weaken the lock. Written
        // from the start and then cut to length, so the file is never empty in between.
        let _ = file
            .seek(SeekFrom::Start(0))
            .and_then(|_| file.write_all(who.as_bytes()))
            .and_then(|_| file.set_len(who.len() as u64))
            .and_then(|_| file.sync_data());
        Ok(ProjectLock { _file: file })
    }
}

/// Who holds the project's lock, if anyone — without taking it: a shared lock is tried and
/// let go at once (it fails while a writer holds the exclusive one).
pub fn held_by(dir: &Path) -> Option<String> {
    let path = dir.join(LOCK_FILE);
    let mut file = safe::open_read(&path).ok()??;
    match file.try_lock_shared() {
        Ok(()) => {
            let _ = file.unlock();
            None
        }
        Err(TryLockError::WouldBlock) => {
            let note = read_holder(&mut file);
            Some(if note.is_empty() { "another process".to_string() } else { note })
        }
        Err(TryLockError::Error(_)) => None,
    }
}

/// Reads the holder's note, trying again for up to half a second while it is still empty
/// (the holder has the lock but has not written its note yet).
fn read_holder(file: &mut File) -> String {
    let deadline = Instant::now() + Duration::from_millis(500);
    loop {
        let mut note = String::new();
        let _ = file.seek(SeekFrom::Start(0)).and_then(|_| file.take(512).read_to_string(&mut note));
        let note = crate::terminal::clean_line(note.trim()).into_owned();
        if !note.is_empty() || Instant::now() >= deadline {
            return note;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `process 1234 on host, since 2026-01-02 10:00:00 UTC`.
fn holder_note() -> String {
    let host = hostname();
    format!(
        "process {} on {}, since {}",
        std::process::id(),
        if host.is_empty() { "this computer" } else { &host },
        chrono::Utc::now().format("%Y-%m-%d %H:%M:%S UTC")
    )
}

fn hostname() -> String {
    #[cfg(unix)]
    {
        let mut buf = [0u8; 256];
        // SAFETY: the buffer is valid for its length; gethostname writes at most that many
        // bytes and we read only up to the first NUL.
        let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
        if rc == 0 {
            let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
            return String::from_utf8_lossy(&buf[..end]).into_owned();
        }
    }
    std::env::var("HOSTNAME").or_else(|_| std::env::var("COMPUTERNAME")).unwrap_or_default()
}
