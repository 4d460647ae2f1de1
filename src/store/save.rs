//! Writing a snapshot off the caller's thread.
//!
//! [`super::Store::begin_save`] takes the snapshot on the caller's thread as shared
//! references: the project and the undo history are `Arc`s that the store changes
//! copy-on-write, so taking it costs no copy. [`SaveTicket::run`] serialises, stages and
//! commits it on any thread, one file at a time ([`snapshot::Stage`]), and restarts the journal
//! on top of it keeping the entries made meanwhile (the journal writer remembers the lines
//! appended since the ticket was taken). [`super::Store::finish_save`] takes the result in.
//!
//! Edits made while it runs are journaled as usual, so a crash at any moment loses nothing
//! acknowledged: before the commit point the old snapshot and the whole journal are on disk;
//! after it, opening finishes the commit and keeps the journal's entries after the ticket's
//! sequence number (`journal::restart_file`), so none is lost or applied twice.

use super::error::Result;
use super::journal::JournalWriter;
use super::quarantine::Unanchored;
use super::{atomic, snapshot};
use crate::edit::History;
use crate::model::{DocId, Project};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// A snapshot taken by [`super::Store::begin_save`], to be written by [`SaveTicket::run`].
/// Hand what `run` returns to [`super::Store::finish_save`]: until then the store starts no
/// other save.
pub struct SaveTicket {
    pub(super) dir: PathBuf,
    pub(super) project: Arc<Project>,
    /// `None` while the store has not read it yet: the file on disk stays.
    pub(super) history: Option<Arc<History>>,
    pub(super) unanchored: Unanchored,
    /// Texts to rewrite: (document, hash, text).
    pub(super) texts: Vec<(DocId, String, Arc<str>)>,
    /// The hash of each snapshot file on disk.
    pub(super) written: snapshot::Written,
    /// The journal entries the snapshot holds: all up to this one.
    pub(super) seq: u64,
    pub(super) journal: Arc<Mutex<JournalWriter>>,
}

/// A moment of [`SaveTicket::run_with`], reported as it is reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SavePhase {
    /// Every changed file is staged as `*.new` and fsynced; nothing is committed yet.
    Staged,
    /// `commit.json` is written: from here on the new snapshot is the project.
    Committed,
    /// The staged files are in place.
    Installed,
    /// The journal starts on top of the new snapshot (with the entries made meanwhile).
    Restarted,
}

/// What a finished [`SaveTicket::run`] tells the store.
#[derive(Debug)]
pub struct SaveDone {
    pub(super) seq: u64,
    pub(super) snapshot_id: String,
    pub(super) written: snapshot::Written,
    /// Texts written: (document, hash).
    pub(super) texts: Vec<(DocId, String)>,
}

impl std::fmt::Debug for SaveTicket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SaveTicket").field("dir", &self.dir).field("seq", &self.seq).finish_non_exhaustive()
    }
}

impl SaveTicket {
    /// The journal sequence number the snapshot covers.
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// Writes the snapshot: see [`SaveTicket::run_with`].
    pub fn run(self) -> Result<SaveDone> {
        self.run_with(&mut |_| {})
    }

    /// Serialises the snapshot one file at a time into a [`snapshot::Stage`], commits it,
    /// and restarts the journal on top of it keeping the entries made since the ticket was
    /// taken; `phase` hears each [`SavePhase`] as it is reached.
    pub fn run_with(self, phase: &mut dyn FnMut(SavePhase)) -> Result<SaveDone> {
        let SaveTicket { dir, project, history, unanchored, texts, written, seq, journal } = self;
        // The trail is appended to as it goes; the manifest notes how long each file is.
        let trail = crate::trail::file::line_counts(&dir)?;
        let mut stage = snapshot::Stage::new(&dir, written);
        let parts = snapshot::SnapshotParts {
            project: &project,
            history: history.as_deref(),
            unanchored: &unanchored,
            trail: &trail,
        };
        snapshot::write_snapshot(&parts, &mut |name, bytes| stage.add(name, &bytes))?;
        // Let go of the shared project and history as soon as they are written: a change
        // made after this no longer has to copy them.
        drop((project, history));
        let mut written_texts = Vec::with_capacity(texts.len());
        for (id, hash, text) in texts {
            stage.add(&format!("{}/{id}.txt", snapshot::TEXTS_DIR), text.as_bytes())?;
            written_texts.push((id, hash));
        }
        phase(SavePhase::Staged);
        let snapshot_id = stage.digest();
        let reset = snapshot::JournalReset { base: snapshot_id.clone(), seq };
        let mut restart = |reset: &snapshot::JournalReset| {
            journal.lock().unwrap_or_else(std::sync::PoisonError::into_inner).restart(&reset.base, reset.seq)
        };
        // The commit restarts the journal on top of the new files as part of the commit, so a
        // crash cannot leave a journal naming the old snapshot beside the new one.
        let (_, written) = stage.commit(Some(reset), &mut restart, phase)?;
        let attributes = dir.join(".gitattributes");
        if std::fs::symlink_metadata(&attributes).is_err() {
            // A project made before Tema wrote one; a user's own file is left as it is.
            atomic::write_atomic(&attributes, snapshot::GITATTRIBUTES.as_bytes())?;
        }
        Ok(SaveDone { seq, snapshot_id, written, texts: written_texts })
    }
}

/// Reads the undo history a store left unread ([`super::Store::history_reader`]) on any
/// thread: at 20 M words it is tens of megabytes, which the app reads after its first frame.
#[derive(Clone, Debug)]
pub struct HistoryReader {
    /// The opening of the store that asked (see [`super::Store::install_history`]).
    pub(super) opening: u64,
    pub(super) dir: PathBuf,
    /// The files a commit cut short staged (see [`snapshot::read_history_staged`]).
    pub(super) staged: Vec<String>,
}

/// What a [`HistoryReader`] read, for [`super::Store::install_history`].
#[derive(Debug)]
pub struct ReadHistory {
    pub(super) opening: u64,
    pub(super) history: History,
    pub(super) written: snapshot::Written,
    pub(super) warnings: Vec<String>,
}

impl HistoryReader {
    /// Reads it. A history that cannot be read costs only the older undo steps: a warning.
    pub fn read(self) -> ReadHistory {
        let (mut written, mut warnings) = (snapshot::Written::new(), Vec::new());
        let history = snapshot::read_history_staged(&self.dir, &self.staged, &mut written, &mut warnings);
        ReadHistory { opening: self.opening, history, written, warnings }
    }
}
