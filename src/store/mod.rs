//! The project folder on disk: load, journal every edit durably, snapshot, lock, recover.
//!
//! [`Store`] owns the open project. Every change goes through [`Store::apply`] (or undo and
//! redo): the edit is applied in memory, appended to the journal and fsynced, and only then
//! acknowledged. [`Store::save`] folds the journal into the snapshot files. See
//! [`snapshot`] for the folder layout and how a snapshot is written all-or-nothing.

pub(crate) mod atomic;
mod error;
pub mod journal;
mod layout;
mod listed;
mod lock;
pub mod migrate;
pub mod quarantine;
pub mod safe;
mod save;
pub mod snapshot;
mod syncer;

pub use error::{Result, StoreError};
pub use lock::{LOCK_FILE, held_by};
pub use quarantine::{AnchorReport, Unanchored};
pub use save::{HistoryReader, ReadHistory, SaveDone, SavePhase, SaveTicket};

/// Whether `dir` looks like a Tema project folder (it holds `project.json`). A cheap test
/// for choosing what to open; opening the project is what checks it.
pub fn is_project(dir: &std::path::Path) -> bool {
    dir.join(snapshot::PROJECT_FILE).is_file()
}

use crate::edit::{Edit, History};
use crate::model::{DocId, Project, Timestamp};
use journal::{Entry, JournalWriter, Op};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, mpsc};
use std::time::Duration;

/// Journal size past which [`Store::maybe_save`] folds it into the snapshot.
const AUTO_SAVE_BYTES: u64 = 4 << 20;
const AUTO_SAVE_ENTRIES: usize = 2_000;
/// Who the trail names until a front end says (see [`Store::set_actor`]).
const DEFAULT_ACTOR: &str = "unknown";

#[derive(Debug)]
pub struct Store {
    dir: PathBuf,
    /// Shared with a snapshot being written on another thread (see [`Store::begin_save`]);
    /// changed copy-on-write, so the snapshot stays as it was taken.
    project: Arc<Project>,
    history: Arc<History>,
    /// False when opened to read only content ([`Store::open_to_read`]), or by the app until
    /// a worker has read it ([`Store::history_reader`]), and the history was not needed yet;
    /// the staged files it would be read from, for a commit cut short.
    history_loaded: bool,
    /// Which opening in this process this store is: a history read for another is refused.
    opening: u64,
    /// A save forgot a pseudonymisation step while the older steps were still being read:
    /// they hold the original names and are dropped when they arrive.
    older_history_forgotten: bool,
    staged: Vec<String>,
    /// `None` when opened read-only. Shared with a snapshot being written on another thread,
    /// which restarts it on top of the new files.
    journal: Option<Arc<Mutex<JournalWriter>>>,
    /// Brings journal and trail lines to disk off the caller's thread, when the front end
    /// asked for it ([`Store::sync_in_background`]); `None` waits for the disk in every change.
    syncer: Option<syncer::Syncer>,
    /// The sequence number a snapshot being written covers, from [`Store::begin_save`] until
    /// [`Store::finish_save`].
    saving: Option<u64>,
    /// The thread writing it, when [`Store::save_in_background`] started it.
    worker: Option<Worker>,
    _lock: Option<lock::ProjectLock>,
    /// The digest of the snapshot files on disk, which the journal's header names.
    snapshot_id: String,
    /// Format 1's name for the snapshot on disk, until the project is saved in format 2.
    legacy: Option<(String, Option<u64>)>,
    /// Sequence number of the last journal entry applied.
    seq: u64,
    /// Journal entries since the last snapshot.
    pending: usize,
    written: snapshot::Written,
    /// The hash of each text file in `texts/` as it is on disk, so a save rewrites the texts of
    /// corrected documents (and only those).
    texts_on_disk: snapshot::TextsOnDisk,
    warnings: Vec<String>,
    /// Files found missing or emptied that held data at the last save (see [`Store::damage`]).
    damage: Vec<String>,
    /// Documents whose text file changed outside Tema (see [`quarantine`]).
    changed_texts: Vec<DocId>,
    /// What could not be anchored in a changed text, kept in `unanchored.json`.
    unanchored: Unanchored,
    /// What opening quarantined or re-anchored, by name.
    anchoring: AnchorReport,
    /// Who the analysis trail names as making the changes (see [`Store::set_actor`]).
    actor: String,
    /// Codings counted for the trail since they were last written.
    recorder: crate::trail::Recorder,
    /// The decisions the last change recorded (for a "why" asked right after it).
    last_decisions: Vec<crate::trail::Decision>,
    /// Whether the trail holds anything yet (`None` until looked at).
    trail_started: Option<bool>,
    /// The decisions of a gesture still going on (typing a definition): one decision per
    /// gesture, written when it ends (another change, undo, save, closing).
    gesture: Option<(String, Vec<crate::trail::Decision>)>,
}

/// Which way [`Store::undo`] and [`Store::redo`] move a step.
#[derive(Clone, Copy)]
enum Turn {
    Undo,
    Redo,
}

impl Turn {
    /// The other way: what takes a turn back.
    fn back(self) -> Self {
        match self {
            Turn::Undo => Turn::Redo,
            Turn::Redo => Turn::Undo,
        }
    }
}

/// A snapshot being written on a thread of its own.
#[derive(Debug)]
struct Worker {
    done: mpsc::Receiver<Result<SaveDone>>,
    thread: std::thread::JoinHandle<()>,
}

/// How [`Store::open_with`] opens a project.
#[derive(Clone, Copy, Default)]
struct Mode<'a> {
    read_only: bool,
    /// Open for writing even though files are damaged, making their loss permanent.
    accept_loss: bool,
    /// How long to wait for another writer to close the project.
    wait: Duration,
    /// Place again the codings of texts changed outside Tema, and save.
    repair: bool,
    /// Leave the undo history unread unless replaying the journal needs it: a command that
    /// only reads never needs it; the app reads it on a worker after its first frame
    /// ([`Store::history_reader`]).
    skip_history: bool,
    on_documents: Option<snapshot::OnDocuments<'a>>,
}

/// A number for each store opened in this process (see [`Store::install_history`]).
fn next_opening() -> u64 {
    static OPENINGS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    OPENINGS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

fn now() -> Timestamp {
    chrono::Utc::now()
}

impl Store {
    /// Creates a new, empty project in `dir` (which must not exist or be empty).
    pub fn create(dir: &Path, name: &str) -> Result<Store> {
        if dir.exists() {
            let mut entries = std::fs::read_dir(dir).map_err(StoreError::io("read", dir))?;
            if entries.next().is_some() {
                return Err(StoreError::NotEmpty { path: dir.to_path_buf() });
            }
        } else {
            std::fs::create_dir_all(dir).map_err(StoreError::io("create", dir))?;
        }
        let name = if name.trim().is_empty() {
            dir.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "Untitled".into())
        } else {
            name.trim().to_string()
        };
        let lock = lock::ProjectLock::acquire(dir)?;
        for sub in [snapshot::TEXTS_DIR, snapshot::CODINGS_DIR] {
            safe::ensure_dir(dir, sub)?;
        }
        atomic::write_atomic(&dir.join(".gitignore"), snapshot::GITIGNORE.as_bytes())?;
        atomic::write_atomic(&dir.join(".gitattributes"), snapshot::GITATTRIBUTES.as_bytes())?;
        let mut store = Store {
            dir: dir.to_path_buf(),
            project: Arc::new(Project::new(name)),
            history: Arc::default(),
            history_loaded: true,
            older_history_forgotten: false,
            opening: next_opening(),
            staged: Vec::new(),
            journal: Some(Arc::new(Mutex::new(JournalWriter::open(&dir.join(journal::JOURNAL_FILE), 0)?))),
            syncer: None,
            saving: None,
            worker: None,
            _lock: Some(lock),
            snapshot_id: String::new(),
            legacy: None,
            seq: 0,
            pending: 0,
            written: Default::default(),
            texts_on_disk: snapshot::TextsOnDisk::default(),
            warnings: Vec::new(),
            damage: Vec::new(),
            changed_texts: Vec::new(),
            unanchored: Unanchored::default(),
            anchoring: AnchorReport::default(),
            actor: DEFAULT_ACTOR.to_string(),
            recorder: Default::default(),
            last_decisions: Vec::new(),
            trail_started: None,
            gesture: None,
        };
        store.save()?;
        Ok(store)
    }

    /// Creates a project in `dir` (which must not exist or be empty) holding `project` as it
    /// is, with no history: a pseudonymised copy (`pseudo::write_copy`).
    pub fn create_from(dir: &Path, project: Project) -> Result<Store> {
        let mut store = Store::create(dir, &project.settings.name)?;
        let mut project = project;
        project.rebuild_derived();
        store.project = Arc::new(project);
        store.save()?;
        Ok(store)
    }

    /// Opens a project for reading and writing, recovering from any crash it finds.
    ///
    /// A project whose files were found damaged (a coder's codings, the quotes or the memos
    /// missing or emptied since the last save) is refused with [`StoreError::Damaged`]: open
    /// it read-only, or with [`Store::open_accepting_loss`].
    pub fn open(dir: &Path) -> Result<Store> {
        Self::open_with(dir, Mode::default())
    }

    /// [`Store::open`], waiting up to `wait` for another Tema to close the project.
    pub fn open_waiting(dir: &Path, wait: Duration) -> Result<Store> {
        Self::open_with(dir, Mode { wait, ..Mode::default() })
    }

    /// Opens a project without taking the lock or writing anything (another Tema may have it
    /// open, the folder may be read-only, files may be damaged). Edits are refused.
    pub fn open_read_only(dir: &Path) -> Result<Store> {
        Self::open_with(dir, Mode { read_only: true, ..Mode::default() })
    }

    /// [`Store::open_read_only`] for a command that reads the project's content (info, text,
    /// search, tables, exports): the undo history, often the largest file, is read only if
    /// the journal holds an undo or redo to replay. [`Store::history`] is empty otherwise.
    pub fn open_to_read(dir: &Path) -> Result<Store> {
        Self::open_with(dir, Mode { read_only: true, skip_history: true, ..Mode::default() })
    }

    /// Opens a damaged project for writing, accepting that what the damaged files held is
    /// lost: the project is saved at once, so the files are consistent again.
    pub fn open_accepting_loss(dir: &Path) -> Result<Store> {
        Self::open_with(dir, Mode { accept_loss: true, ..Mode::default() })
    }

    /// Opens a project for writing and repairs it: documents whose text file changed outside
    /// Tema take the new text, and every coding (and the quotes and notes it holds) whose
    /// text is found again is placed there; what is not found stays unanchored, kept and
    /// listed ([`Store::anchoring`]). Codings left unanchored earlier are tried again. The
    /// project is saved at once. With `accept_loss`, damaged files are accepted as lost too
    /// (see [`Store::open_accepting_loss`]).
    pub fn open_repairing(dir: &Path, accept_loss: bool) -> Result<Store> {
        Self::open_with(dir, Mode { repair: true, accept_loss, ..Mode::default() })
    }

    /// Opens for writing; when that is not possible but reading is — another Tema holds the
    /// project, the folder or medium is read-only, files are damaged — opens read-only and
    /// says why in the warnings. Returns whether it is read-only.
    pub fn open_or_read_only(dir: &Path) -> Result<(Store, bool)> {
        match Self::open(dir) {
            Ok(s) => Ok((s, false)),
            Err(e) if e.allows_reading() => {
                let mut store = Self::open_read_only(dir)?;
                store.note_read_only(&e);
                Ok((store, true))
            }
            Err(e) => Err(e),
        }
    }

    /// Opens for the app: as [`Store::open_or_read_only`], but the undo history is left for
    /// a worker to read ([`Store::history_reader`], then [`Store::install_history`]), and
    /// `on_documents` is told the documents as soon as their list is read, while the texts
    /// and codings load.
    pub fn open_for_app(dir: &Path, on_documents: snapshot::OnDocuments<'_>) -> Result<(Store, bool)> {
        let mode = Mode { skip_history: true, on_documents: Some(on_documents), ..Mode::default() };
        match Self::open_with(dir, mode) {
            Ok(s) => Ok((s, false)),
            Err(e) if e.allows_reading() => {
                let mut store = Self::open_with(dir, Mode { read_only: true, ..mode })?;
                store.note_read_only(&e);
                Ok((store, true))
            }
            Err(e) => Err(e),
        }
    }

    /// Says in the warnings why a project opened read-only.
    fn note_read_only(&mut self, why: &StoreError) {
        if matches!(why, StoreError::TextsChanged { .. }) {
            self.warnings.insert(0, format!("opened read-only: {why}"));
        } else if !matches!(why, StoreError::Damaged { .. }) {
            self.warnings.push(format!("opened read-only: {why}"));
        }
    }

    fn open_with(dir: &Path, mode: Mode<'_>) -> Result<Store> {
        let read_only = mode.read_only;
        if !dir.join(snapshot::PROJECT_FILE).exists() {
            return Err(StoreError::NotAProject { path: dir.to_path_buf() });
        }
        let lock = if read_only { None } else { Some(lock::ProjectLock::acquire_waiting(dir, mode.wait)?) };
        let mut warnings = Vec::new();
        if !read_only && snapshot::recover(dir)? {
            warnings.push("finished saving the project after an interrupted save".to_string());
        }
        // A read-only opening cannot finish a commit cut short, but reads what it committed.
        let pending = if read_only { snapshot::pending_commit(dir)? } else { None };
        let staged = pending.as_ref().map(|(files, _)| files.clone()).unwrap_or_default();
        let options = snapshot::LoadOptions {
            relocate: mode.repair && !read_only,
            // A repair saves at once, with the whole history.
            with_history: !mode.skip_history || (mode.repair && !read_only),
            on_documents: mode.on_documents,
        };
        let loaded = snapshot::load_staged(dir, &staged, options)?;
        if !loaded.damage.is_empty() && !read_only && !mode.accept_loss {
            return Err(StoreError::Damaged { path: dir.to_path_buf(), damage: loaded.damage });
        }
        let changed_names: Vec<String> = loaded
            .changed_texts
            .iter()
            .filter_map(|id| loaded.project.documents.get(id))
            .map(|d| format!("“{}” ({}/{}.txt)", d.name(), snapshot::TEXTS_DIR, d.id))
            .collect();
        if !changed_names.is_empty() && !read_only && !mode.repair {
            return Err(StoreError::TextsChanged { path: dir.to_path_buf(), documents: changed_names });
        }
        if !changed_names.is_empty() && !mode.repair {
            let n = loaded.anchoring.unanchored.len();
            warnings.push(format!(
                "damaged: the text of {} changed outside Tema; {n} codings, quotes or notes in {} no longer match it \
                 and are unanchored (kept, but not shown or counted); run `tema repair {}` to re-anchor them",
                changed_names.join(", "),
                if changed_names.len() == 1 { "it" } else { "them" },
                dir.display()
            ));
        } else if !loaded.unanchored.is_empty() && !mode.repair {
            warnings.push(format!(
                "{} codings, quotes or notes are unanchored since a text changed outside Tema (kept, not shown \
                 or counted); `tema repair {}` lists them",
                loaded.unanchored.len(),
                dir.display()
            ));
        }
        warnings.extend(loaded.warnings);
        for d in &loaded.damage {
            warnings.push(if mode.accept_loss {
                format!("accepted as lost: {d}")
            } else {
                format!(
                    "damaged: {d}; restore it, or accept the loss with `tema repair {} --accept-loss`",
                    dir.display()
                )
            });
        }
        // Every text loaded was checked against its hash, so that is what the files hold.
        // A changed text is not what its file holds byte for byte (it was normalised): the
        // next save writes it.
        let mut texts_on_disk: snapshot::TextsOnDisk = loaded
            .project
            .documents
            .values()
            .filter(|d| !loaded.changed_texts.contains(&d.id))
            .map(|d| (d.id, d.text_hash.clone()))
            .collect();
        for d in loaded.history.document_edits().flat_map(Edit::added_documents) {
            texts_on_disk.entry(d.id).or_insert_with(|| d.text_hash.clone());
        }
        let mut store = Store {
            dir: dir.to_path_buf(),
            project: Arc::new(loaded.project),
            history: Arc::new(loaded.history),
            history_loaded: loaded.history_loaded,
            older_history_forgotten: false,
            opening: next_opening(),
            staged,
            journal: None,
            syncer: None,
            saving: None,
            worker: None,
            _lock: lock,
            snapshot_id: snapshot::digest(&loaded.written),
            legacy: loaded.file.legacy_snapshot.clone().map(|id| (id, loaded.file.legacy_seq)),
            seq: 0,
            pending: 0,
            written: loaded.written,
            texts_on_disk,
            warnings,
            damage: if mode.accept_loss { Vec::new() } else { loaded.damage },
            changed_texts: if mode.repair { Vec::new() } else { loaded.changed_texts },
            unanchored: loaded.unanchored,
            anchoring: loaded.anchoring,
            actor: DEFAULT_ACTOR.to_string(),
            recorder: Default::default(),
            last_decisions: Vec::new(),
            trail_started: None,
            gesture: None,
        };
        // A commit cut short (read-only: it cannot be finished) holds the journal's entries up
        // to its sequence number; those after it were made while it was written.
        let covered = pending.and_then(|(_, reset)| reset).map(|r| r.seq);
        let quarantined = !store.changed_texts.is_empty() || !store.anchoring.damaged.is_empty();
        let replay = store.replay_journal(read_only, quarantined, covered)?;
        if !read_only {
            let writer = JournalWriter::open(&dir.join(journal::JOURNAL_FILE), replay.keep_len)?;
            store.journal = Some(Arc::new(Mutex::new(writer)));
            if replay.must_save || mode.accept_loss || mode.repair {
                store.save()?;
            } else if replay.restart {
                let (id, seq) = (store.snapshot_id.clone(), store.seq);
                store.journal()?.rewrite(&id, seq, &[])?;
            }
        }
        Ok(store)
    }

    /// Applies the journal's entries that the snapshot does not hold yet. `covered` is the
    /// sequence number a snapshot read from a commit cut short holds (see [`Self::open_with`]).
    fn replay_journal(&mut self, read_only: bool, quarantined: bool, covered: Option<u64>) -> Result<Replay> {
        let path = self.dir.join(journal::JOURNAL_FILE);
        let outcome = journal::read(&path)?;
        let mut replay = Replay { keep_len: outcome.good_len, must_save: false, restart: false };
        if let Some(tail) = &outcome.damaged_tail {
            // A complete line that fails its checksum: keep it for a human, never drop it.
            let side = self.dir.join(format!("journal.damaged-{}.jsonl", now().format("%Y%m%dT%H%M%S")));
            if !read_only {
                atomic::write_atomic(&side, tail)?;
            }
            self.warnings.push(format!(
                "the last change in the journal is damaged (it fails its checksum) and was not applied; it is kept in {}",
                side.display()
            ));
        } else if outcome.torn_tail {
            self.warnings.push("the last change before a crash was incomplete and was discarded".into());
        }
        if outcome.duplicates > 0 {
            self.warnings.push(format!(
                "{} changes were written twice in the journal (a copy or sync tool repeated them); each was applied once",
                outcome.duplicates
            ));
        }
        if let Some(seq) = covered {
            self.seq = seq;
        }
        let foreign = match &outcome.header {
            Some(h) if covered.is_some() => {
                // Written on top of the snapshot before the commit, or restarted on top of it.
                self.seq = self.seq.max(h.seq);
                false
            }
            Some(h) => {
                let legacy = self.legacy.as_ref().filter(|(id, _)| *id == h.base);
                if let Some((_, seq)) = legacy {
                    // Written by format 1 on top of this snapshot: replay it, then save in
                    // the current format at once.
                    self.seq = seq.unwrap_or(h.seq).max(h.seq);
                    replay.must_save = !read_only;
                    false
                } else {
                    self.seq = h.seq;
                    h.base != self.snapshot_id
                }
            }
            None => {
                // A new copy (a fresh clone has no journal) or a journal cut before its
                // header: give it one naming this snapshot, folding in what it holds.
                replay.restart = true;
                replay.must_save = !outcome.entries.is_empty() && !read_only;
                false
            }
        };
        if foreign && outcome.entries.is_empty() {
            // Only a header naming other files (they arrived through a sync tool): nothing
            // to replay; start again on top of what is here.
            replay.keep_len = 0;
            replay.restart = true;
            return Ok(replay);
        }
        if foreign {
            // Written on top of another snapshot (the files were replaced by a sync tool):
            // replaying it here could apply edits to the wrong state.
            let aside = self.set_aside(&path, "orphaned", read_only)?;
            self.warnings.push(format!(
                "{} unsaved changes were made on top of an older version of this project and were not applied; \
                 they are kept in {}",
                outcome.entries.len(),
                aside.display()
            ));
            replay.keep_len = 0;
            replay.restart = true;
            return Ok(replay);
        }
        let unapplied = outcome.entries.iter().filter(|(e, _)| e.seq > self.seq).count();
        if quarantined && unapplied > 0 {
            // Made while the changed texts were as they had been: their positions may point at
            // other words now, so they are kept for a human rather than applied by guess.
            let aside = self.set_aside(&path, "quarantined", read_only)?;
            self.warnings.push(format!(
                "{unapplied} unsaved changes were made before a text changed outside Tema and were not applied \
                 (their places in the text may have moved); they are kept in {}",
                aside.display()
            ));
            replay.keep_len = 0;
            replay.restart = true;
            return Ok(replay);
        }
        let undoes = outcome.entries.iter().any(|(e, _)| e.seq > self.seq && matches!(e.op, Op::Undo | Op::Redo));
        if undoes && !self.history_loaded {
            // An undo replays against the history's steps: read them after all.
            let mut written = snapshot::Written::new();
            self.history =
                Arc::new(snapshot::read_history_staged(&self.dir, &self.staged, &mut written, &mut self.warnings));
            self.history_loaded = true;
        }
        let mut applied_all = true;
        for (i, (entry, _)) in outcome.entries.iter().enumerate() {
            if entry.seq <= self.seq {
                continue; // already in the snapshot
            }
            match self.replay_entry(entry.clone()) {
                Ok(()) => {
                    self.seq = entry.seq;
                    self.pending += 1;
                }
                Err(e) => {
                    self.warnings.push(format!(
                        "change {} of {} in the journal could not be applied ({e}); it and the {} after it were not applied",
                        i + 1,
                        outcome.entries.len(),
                        outcome.entries.len() - i - 1
                    ));
                    applied_all = false;
                    break;
                }
            }
        }
        if outcome.damaged_at.is_some() || !applied_all {
            if let Some(line) = outcome.damaged_at {
                self.warnings.push(format!("the journal is damaged at line {line}; the changes before it were kept"));
            }
            let aside = self.set_aside(&path, "damaged", read_only)?;
            self.warnings.push(format!("the damaged journal was kept as {}", aside.display()));
            // What was replayed exists only in memory now: make it durable in the snapshot.
            replay.keep_len = 0;
            replay.must_save = true;
        }
        Ok(replay)
    }

    fn replay_entry(&mut self, entry: Entry) -> Result<()> {
        match entry.op {
            Op::Do { mut edit, coalesce } => {
                self.fill_texts(&mut edit)?;
                let (project, history) = self.parts_mut();
                history.apply(project, edit, coalesce, entry.at)?;
            }
            Op::Undo => {
                let (project, history) = self.parts_mut();
                history.undo(project, entry.at)?;
            }
            Op::Redo => {
                let (project, history) = self.parts_mut();
                history.redo(project, entry.at)?;
            }
        }
        Ok(())
    }

    /// The project and history to change. A snapshot being written on another thread keeps
    /// the versions it took: the first change after it was taken copies them (once).
    fn parts_mut(&mut self) -> (&mut Project, &mut History) {
        (Arc::make_mut(&mut self.project), Arc::make_mut(&mut self.history))
    }

    /// The journal, for appending or restarting; [`StoreError::ReadOnly`] when there is none.
    fn journal(&self) -> Result<MutexGuard<'_, JournalWriter>> {
        let journal = self.journal.as_ref().ok_or(StoreError::ReadOnly)?;
        // A panic while holding the lock leaves the writer whole (it cuts off a failed append).
        Ok(journal.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    fn fill_texts(&self, edit: &mut Edit) -> Result<()> {
        for d in edit.added_documents_mut() {
            if d.text.is_empty() && d.char_len > 0 {
                d.text = snapshot::read_text(&self.dir, d)?;
            }
        }
        Ok(())
    }

    fn set_aside(&self, path: &Path, why: &str, read_only: bool) -> Result<PathBuf> {
        let stamp = now().format("%Y%m%dT%H%M%S");
        let aside = self.dir.join(format!("journal.{why}-{stamp}.jsonl"));
        if !read_only {
            std::fs::rename(path, &aside).map_err(StoreError::io("set aside", path))?;
            atomic::sync_dir(&self.dir)?;
        }
        Ok(aside)
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn project(&self) -> &Project {
        &self.project
    }

    pub fn history(&self) -> &History {
        &self.history
    }

    pub fn is_read_only(&self) -> bool {
        self.journal.is_none()
    }

    /// Files that held data at the last save and were found missing or emptied; the project
    /// is then open read-only (see [`Store::open_accepting_loss`]).
    pub fn damage(&self) -> &[String] {
        &self.damage
    }

    /// Documents whose text file changed outside Tema since the last save; the project is then
    /// open read-only until [`Store::open_repairing`] re-anchors what points into them.
    pub fn changed_documents(&self) -> &[DocId] {
        &self.changed_texts
    }

    /// What is unanchored since a text changed outside Tema: not in the project (so not shown
    /// or counted), kept in `unanchored.json`.
    pub fn unanchored(&self) -> &Unanchored {
        &self.unanchored
    }

    /// What opening quarantined, and (when repairing) re-anchored, by name.
    pub fn anchoring(&self) -> &AnchorReport {
        &self.anchoring
    }

    /// What opening the project repaired or could not restore, for the user to read.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    pub fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }

    /// Journal entries not yet folded into the snapshot.
    pub fn unsaved(&self) -> usize {
        self.pending
    }

    /// Sequence number of the last acknowledged change.
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// Applies an edit; returns once it is on disk, with its description.
    pub fn apply(&mut self, edit: Edit) -> Result<String> {
        self.apply_with(edit, None)
    }

    /// Applies an edit that belongs to a gesture (typing, dragging): consecutive edits with
    /// the same key become one undo step.
    pub fn apply_coalescing(&mut self, edit: Edit, key: impl Into<String>) -> Result<String> {
        self.apply_with(edit, Some(key.into()))
    }

    fn apply_with(&mut self, mut edit: Edit, coalesce: Option<String>) -> Result<String> {
        if self.journal.is_none() {
            return Err(StoreError::ReadOnly);
        }
        self.write_texts(&mut edit)?;
        let at = now();
        let label = edit.describe(&self.project);
        let line = journal::encode_do(self.seq + 1, &at, &edit, coalesce.as_ref())?;
        let draft = crate::trail::Draft::prepare(&self.project, &edit);
        let baseline = self.baseline(&draft);
        let inverse = Arc::make_mut(&mut self.project).apply(edit)?;
        if let Err(e) = self.append(&line) {
            let undone = Arc::make_mut(&mut self.project).apply(inverse);
            debug_assert!(undone.is_ok());
            return Err(e);
        }
        Arc::make_mut(&mut self.history).record(label.clone(), inverse, coalesce.clone(), at);
        self.recorder.count(&self.project, draft.codings(), at);
        let mut decisions = baseline.map(|b| self.started(b, at)).into_iter().collect::<Vec<_>>();
        if !draft.is_empty() {
            decisions.extend(draft.finish(&self.project, &self.actor, at));
        }
        match coalesce {
            Some(key) if !decisions.is_empty() => self.continue_gesture(key, decisions),
            _ => {
                self.end_gesture();
                self.record(decisions);
            }
        }
        Ok(label)
    }

    /// Folds the decisions of one more edit of a gesture into the gesture's: a decision about
    /// the same thing keeps its `before` and takes the new `after` and map.
    fn continue_gesture(&mut self, key: String, decisions: Vec<crate::trail::Decision>) {
        if self.gesture.as_ref().is_some_and(|(k, _)| *k != key) {
            self.end_gesture();
        }
        let (_, pending) = self.gesture.get_or_insert_with(|| (key, Vec::new()));
        for d in decisions {
            let same = |p: &crate::trail::Decision| {
                p.kind == d.kind && p.subjects.iter().map(|s| s.id).eq(d.subjects.iter().map(|s| s.id))
            };
            match pending.iter_mut().find(|p| same(p)) {
                Some(p) => {
                    p.at = d.at;
                    p.after = d.after;
                    for change in d.map {
                        match p.map.iter_mut().find(|c| crate::trail::map::same_target(c, &change)) {
                            Some(c) => *c = change,
                            None => p.map.push(change),
                        }
                    }
                }
                None => pending.push(d),
            }
        }
        self.last_decisions.clear();
    }

    /// Writes the decisions of a gesture that has ended.
    fn end_gesture(&mut self) {
        if let Some((_, decisions)) = self.gesture.take() {
            self.record(decisions);
        }
    }

    /// The map before the first decision of a trail begun on a project that already has codes
    /// or themes, so the map through time starts from what was there (see [`Self::started`]).
    fn baseline(&mut self, draft: &crate::trail::Draft) -> Option<crate::trail::MapState> {
        if draft.is_empty() || self.trail_started == Some(true) {
            return None;
        }
        let started = crate::trail::file::files(&self.dir).map(|f| !f.is_empty()).unwrap_or(true);
        self.trail_started = Some(started);
        let map = crate::trail::MapState::of(&self.project);
        (!started && map != crate::trail::MapState::default()).then_some(map)
    }

    /// The [`crate::trail::Kind::Started`] entry holding the map as it was before the first decision.
    fn started(&mut self, map: crate::trail::MapState, at: Timestamp) -> crate::trail::Decision {
        // Just before the decision, so the map at that moment is the map before it.
        let before = at - chrono::Duration::microseconds(1);
        let mut d = crate::trail::Decision::new(before, &self.actor, crate::trail::Kind::Started);
        d.after = Some(format!("{} themes, {} codes", map.themes.len(), map.codes.len()));
        d.map = crate::trail::MapState::default().diff(&map);
        d
    }

    /// Appends decisions to the trail. The change they record is already durable in the
    /// journal, so a failure to record is a warning, not a failed change.
    fn record(&mut self, decisions: Vec<crate::trail::Decision>) {
        let written = match &self.syncer {
            None => crate::trail::file::append(&self.dir, &self.actor, &decisions),
            Some(syncer) => crate::trail::file::append_unsynced(&self.dir, &self.actor, &decisions)
                .map(|file| file.into_iter().for_each(|(f, path)| syncer.ask(f, path))),
        };
        if let Err(e) = written {
            self.warnings.push(format!("could not record a decision in the analysis trail: {e}"));
        } else if !decisions.is_empty() {
            self.trail_started = Some(true);
        }
        self.last_decisions = decisions.into_iter().filter(|d| d.kind != crate::trail::Kind::Started).collect();
    }

    /// Names the person the analysis trail records as making the changes from now on (the
    /// app's and the command line's coder); their decisions go to `trail/<name>.jsonl`.
    pub fn set_actor(&mut self, who: &str) {
        if !who.trim().is_empty() && who.trim() != self.actor {
            self.flush_trail();
            self.actor = who.trim().to_string();
        }
    }

    /// The person the trail records as making the changes.
    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// The decisions the last change recorded in the trail (empty if it recorded none).
    pub fn last_decisions(&self) -> &[crate::trail::Decision] {
        &self.last_decisions
    }

    /// Records the reason for an earlier decision (the "why" asked after a merge, a split, a
    /// status change). The trail is never rewritten: the reason is an entry of its own that
    /// refers to the decision.
    pub fn note_why(&mut self, decision: uuid::Uuid, why: &str) -> Result<()> {
        if self.journal.is_none() {
            return Err(StoreError::ReadOnly);
        }
        let why = why.trim();
        if why.is_empty() {
            return Ok(());
        }
        let mut d = crate::trail::Decision::new(now(), &self.actor, crate::trail::Kind::Why);
        d.refers = Some(decision);
        d.why = Some(why.to_string());
        crate::trail::file::append(&self.dir, &self.actor, &[d])?;
        if let Some(last) = self.last_decisions.iter_mut().find(|x| x.id == decision) {
            last.why = Some(why.to_string());
        }
        Ok(())
    }

    /// Writes a gesture's decisions and the codings counted since the last time to the trail.
    /// Applies `replace` to every line of the analysis trail (see
    /// [`crate::trail::file::rewrite_lines`]): what a pseudonymisation in place calls, so the
    /// trail's earlier decisions keep no original name. Pending trail lines are written first.
    pub fn rewrite_trail(&mut self, replace: &dyn Fn(&str) -> String) -> Result<usize> {
        if self.journal.is_none() {
            return Err(StoreError::ReadOnly);
        }
        self.end_gesture();
        self.flush_trail();
        crate::trail::file::rewrite_lines(&self.dir, replace)
    }

    fn flush_trail(&mut self) {
        self.end_gesture();
        if self.journal.is_none() || self.recorder.is_empty() {
            return;
        }
        let counts = self.recorder.take(&self.project, &self.actor);
        if let Err(e) = crate::trail::file::append(&self.dir, &self.actor, &counts) {
            self.warnings.push(format!("could not record coding counts in the analysis trail: {e}"));
        }
    }

    /// What a worker needs to read the undo history the store left unread when it opened
    /// ([`Store::open_for_app`]); `None` when it is read, or not needed (read-only).
    pub fn history_reader(&self) -> Option<HistoryReader> {
        (!self.history_loaded && self.journal.is_some()).then(|| HistoryReader {
            opening: self.opening,
            dir: self.dir.clone(),
            staged: self.staged.clone(),
        })
    }

    /// Whether the undo history is still to be read (undo reaches only this session's
    /// steps until then).
    pub fn history_pending(&self) -> bool {
        !self.history_loaded && self.journal.is_some()
    }

    /// Takes in the history a [`HistoryReader`] read: its steps come before this session's.
    /// Nothing happens if the history was read meanwhile (a save that blocks reads it).
    pub fn install_history(&mut self, read: ReadHistory) {
        if self.history_loaded || read.opening != self.opening {
            // Read meanwhile, or read for an earlier opening (of this folder or another).
            return;
        }
        let ReadHistory { mut history, written, warnings, .. } = read;
        self.warnings.extend(warnings);
        if self.older_history_forgotten {
            history = History::default();
        }
        for d in history.document_edits().flat_map(Edit::added_documents) {
            self.texts_on_disk.entry(d.id).or_insert_with(|| d.text_hash.clone());
        }
        let session = std::mem::take(Arc::make_mut(&mut self.history));
        if !session.undo.is_empty() || !session.redo.is_empty() {
            // Something was done since opening: what the older history could redo is gone,
            // as after any edit.
            history.redo = session.redo;
        }
        history.undo.extend(session.undo);
        self.history = Arc::new(history);
        self.written.extend(written);
        self.history_loaded = true;
        self.older_history_forgotten = false;
    }

    /// Reads the undo history here if it was left unread.
    fn read_history_now(&mut self) {
        if let Some(reader) = self.history_reader() {
            self.install_history(reader.read());
        }
    }

    /// Takes back the newest step; `None` when there is nothing to undo.
    pub fn undo(&mut self) -> Result<Option<String>> {
        self.turn(Turn::Undo)
    }

    /// Re-applies the newest undone step; `None` when there is nothing to redo.
    pub fn redo(&mut self) -> Result<Option<String>> {
        self.turn(Turn::Redo)
    }

    /// Undoes or redoes the newest step: applied, written to the journal (and turned back
    /// again if the journal cannot be written, so nothing unjournalled stays applied), then
    /// recorded in the trail.
    fn turn(&mut self, turn: Turn) -> Result<Option<String>> {
        if self.journal.is_none() {
            return Err(StoreError::ReadOnly);
        }
        self.end_gesture();
        let at = now();
        let (steps, op, kind) = match turn {
            Turn::Undo => (&self.history.undo, Op::Undo, crate::trail::Kind::Undone),
            Turn::Redo => (&self.history.redo, Op::Redo, crate::trail::Kind::Redone),
        };
        let draft = steps.last().map(|s| crate::trail::Draft::prepare(&self.project, &s.inverse));
        let apply = |store: &mut Self, turn: Turn| {
            let (project, history) = store.parts_mut();
            match turn {
                Turn::Undo => history.undo(project, at),
                Turn::Redo => history.redo(project, at),
            }
        };
        let Some(label) = apply(self, turn)? else { return Ok(None) };
        let line = journal::encode(&Entry { seq: self.seq + 1, at, op })?;
        if let Err(e) = self.append(&line) {
            let back = apply(self, turn.back());
            debug_assert!(back.is_ok());
            return Err(e);
        }
        self.record_step(draft, at, kind, &label);
        Ok(Some(label))
    }

    /// Records an undo or redo in the trail: the step's decisions are never removed, the
    /// taking back is a decision of its own.
    fn record_step(
        &mut self,
        draft: Option<crate::trail::Draft>,
        at: Timestamp,
        kind: crate::trail::Kind,
        label: &str,
    ) {
        let Some(draft) = draft else { return };
        self.recorder.count(&self.project, draft.codings(), at);
        let step = if draft.is_empty() { None } else { draft.finish_step(&self.project, &self.actor, at, kind, label) };
        self.record(step.into_iter().collect());
    }

    fn append(&mut self, line: &str) -> Result<()> {
        match &self.syncer {
            None => self.journal()?.append(line)?,
            Some(syncer) => {
                if let Some(e) = syncer.failure() {
                    return Err(e);
                }
                let mut journal = self.journal()?;
                journal.write(line)?;
                let (file, path) = journal.handle()?;
                syncer.ask(file, path);
            }
        }
        self.seq += 1;
        self.pending += 1;
        Ok(())
    }

    /// From now on a change returns once its journal line is written, and a thread of its own
    /// brings it to disk (see [`syncer`]): what the app asks for, so that no frame waits for
    /// the disk. [`Store::is_durable`] says when the last change is on disk; closing the store
    /// waits for it. Nothing happens on a read-only store or when already asked.
    pub fn sync_in_background(&mut self) -> Result<()> {
        self.sync_with(std::sync::Arc::new(std::fs::File::sync_data))
    }

    fn sync_with(&mut self, sync: syncer::SyncFn) -> Result<()> {
        if self.syncer.is_none() && self.journal.is_some() {
            self.syncer = Some(syncer::Syncer::start(sync)?);
        }
        Ok(())
    }

    /// Whether changes are brought to disk on the store's sync thread
    /// ([`Store::sync_in_background`]) rather than before [`Store::apply`] returns.
    pub fn syncs_in_background(&self) -> bool {
        self.syncer.is_some()
    }

    /// Whether every change so far is on disk (always, without [`Store::sync_in_background`]).
    pub fn is_durable(&self) -> bool {
        self.syncer.as_ref().is_none_or(syncer::Syncer::is_done)
    }

    /// Why bringing a change to disk failed, if it did: the project then takes no more changes.
    pub fn sync_failure(&self) -> Option<StoreError> {
        self.syncer.as_ref().and_then(syncer::Syncer::failure)
    }

    /// Waits until every change so far is on disk.
    pub fn wait_durable(&self) -> Result<()> {
        self.syncer.as_ref().map_or(Ok(()), syncer::Syncer::wait)
    }

    /// Writes the text of every document an edit adds, before the edit is journaled.
    fn write_texts(&mut self, edit: &mut Edit) -> Result<()> {
        for d in edit.added_documents() {
            let path = snapshot::text_path(&self.dir, d.id);
            if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file()) {
                continue;
            }
            safe::ensure_dir(&self.dir, snapshot::TEXTS_DIR)?;
            atomic::write_atomic(&path, d.text.as_bytes())?;
            self.texts_on_disk.insert(d.id, d.text_hash.clone());
        }
        Ok(())
    }

    /// The text files a snapshot must rewrite: documents whose text was corrected since their
    /// file was written, and documents the undo history would add back with another text than
    /// their file holds (the project's own text wins when both name one document).
    fn changed_texts(&self) -> Vec<(DocId, String, Arc<str>)> {
        let mut out: Vec<(DocId, String, Arc<str>)> = Vec::new();
        for d in self.project.documents.values() {
            if self.texts_on_disk.get(&d.id) != Some(&d.text_hash) {
                out.push((d.id, d.text_hash.clone(), Arc::clone(&d.text)));
            }
        }
        // A document in the project was dealt with above; one the history adds back once.
        let mut seen: HashSet<DocId> = HashSet::new();
        let (on_disk, documents) = (&self.texts_on_disk, &self.project.documents);
        // Read only: a history shared with a save's ticket is not copied (at 20 M words its
        // steps copied one by one cost `begin_save` several milliseconds).
        for d in self.history.document_edits().flat_map(Edit::added_documents) {
            let filled = !d.text.is_empty() || d.char_len == 0;
            if filled && !documents.contains_key(&d.id) && seen.insert(d.id) && on_disk.get(&d.id) != Some(&d.text_hash)
            {
                out.push((d.id, d.text_hash.clone(), Arc::clone(&d.text)));
            }
        }
        out
    }

    /// Folds the journal into the snapshot files, waiting for a save already running on
    /// another thread first. The same three steps as a save in the background, on this thread.
    pub fn save(&mut self) -> Result<()> {
        // A save that blocks (closing, a command) writes the whole history.
        self.read_history_now();
        if let Some(Err(e)) = self.wait_for_save() {
            // Its changes are still in the journal: this save writes them.
            self.warnings.push(format!("a save in the background failed ({e}); saved again"));
        }
        let ticket = self.begin_save()?;
        let done = ticket.run();
        self.finish_save(done)?;
        // Text files no document refers to (left by a crash between writing a text and
        // journaling its document, or by documents removed).
        snapshot::collect_texts(&self.dir, &self.project, &self.history);
        Ok(())
    }

    /// Takes a snapshot of the project to be written by [`SaveTicket::run`], on any thread,
    /// and handed back to [`Store::finish_save`]. Cheap: the ticket shares the project and
    /// history with the store (a change made while it is written copies them), and edits
    /// go on being journaled meanwhile. One save at a time.
    pub fn begin_save(&mut self) -> Result<SaveTicket> {
        if self.journal.is_none() {
            return Err(StoreError::ReadOnly);
        }
        if self.saving.is_some() {
            return Err(StoreError::SaveRunning);
        }
        if self.history.needs_tidying() {
            let history = Arc::make_mut(&mut self.history);
            history.trim();
            // After an in-place pseudonymisation the undo history would keep the originals,
            // and so would the older steps still being read: they are dropped on arrival.
            if history.forget_pseudonymised() && !self.history_loaded {
                self.older_history_forgotten = true;
            }
        }
        self.flush_trail();
        // Corrected texts are rewritten as part of the same all-or-nothing commit.
        let texts = self.changed_texts();
        let journal = self.journal.clone().ok_or(StoreError::ReadOnly)?;
        journal.lock().unwrap_or_else(std::sync::PoisonError::into_inner).keep_tail();
        self.saving = Some(self.seq);
        Ok(SaveTicket {
            dir: self.dir.clone(),
            project: Arc::clone(&self.project),
            history: self.history_loaded.then(|| Arc::clone(&self.history)),
            unanchored: self.unanchored.clone(),
            texts,
            written: self.written.clone(),
            seq: self.seq,
            journal,
        })
    }

    /// Takes in what [`SaveTicket::run`] did. On success the journal holds only the entries
    /// made after the snapshot; on failure it still holds everything, and the error is
    /// returned for the user to see.
    pub fn finish_save(&mut self, done: Result<SaveDone>) -> Result<()> {
        let Some(seq) = self.saving.take() else { return Ok(()) };
        let done = match done {
            Ok(done) if done.seq == seq => done,
            Ok(_) => return Err(StoreError::SaveStopped),
            Err(e) => {
                self.journal()?.drop_tail();
                return Err(e);
            }
        };
        self.written = done.written;
        self.snapshot_id = done.snapshot_id;
        for (id, hash) in done.texts {
            self.texts_on_disk.insert(id, hash);
        }
        self.legacy = None;
        // Every entry after the snapshot's is still in the journal.
        self.pending = (self.seq - seq) as usize;
        if self.seq == seq && self.history_loaded {
            // Nothing changed while it was written: texts nothing refers to can go (those of
            // removed documents, by what is known to be on disk; no folder listing). Not
            // while the history is being read: its steps may refer to some.
            snapshot::remove_texts(&self.dir, &self.project, &self.history, &mut self.texts_on_disk);
        }
        Ok(())
    }

    /// Writes the snapshot on a thread of its own ([`Store::begin_save`], [`SaveTicket::run`]
    /// there); `notify` is called from it when it is done, for [`Store::poll_save`] to take
    /// the result. Edits go on meanwhile.
    pub fn save_in_background(&mut self, notify: impl Fn() + Send + 'static) -> Result<()> {
        let ticket = self.begin_save()?;
        let (tx, done) = mpsc::channel();
        let spawned = std::thread::Builder::new().name("tema: save".into()).spawn(move || {
            let _ = tx.send(ticket.run());
            notify();
        });
        match spawned {
            Ok(thread) => {
                self.worker = Some(Worker { done, thread });
                Ok(())
            }
            Err(e) => {
                let e = StoreError::io("start a thread to save", &self.dir)(e);
                self.finish_save(Err(e))
            }
        }
    }

    /// Whether a snapshot is being written (begun and not yet finished).
    pub fn is_saving(&self) -> bool {
        self.saving.is_some()
    }

    /// The result of a save in the background, once it is done (and taken in).
    pub fn poll_save(&mut self) -> Option<Result<()>> {
        let worker = self.worker.as_ref()?;
        let done = match worker.done.try_recv() {
            Ok(done) => done,
            Err(mpsc::TryRecvError::Empty) => return None,
            Err(mpsc::TryRecvError::Disconnected) => Err(StoreError::SaveStopped),
        };
        Some(self.end_worker(done))
    }

    /// Waits for a save in the background and takes in its result; `None` if none runs.
    pub fn wait_for_save(&mut self) -> Option<Result<()>> {
        let worker = self.worker.as_ref()?;
        let done = worker.done.recv().unwrap_or(Err(StoreError::SaveStopped));
        Some(self.end_worker(done))
    }

    fn end_worker(&mut self, done: Result<SaveDone>) -> Result<()> {
        if let Some(worker) = self.worker.take() {
            // It has sent its result: joining only waits for `notify` to return.
            let _ = worker.thread.join();
        }
        self.finish_save(done)
    }

    /// Saves when the journal has grown large; cheap to call after every command.
    pub fn maybe_save(&mut self) -> Result<bool> {
        let big = self.journal().is_ok_and(|j| j.len() > AUTO_SAVE_BYTES);
        if big || self.pending > AUTO_SAVE_ENTRIES {
            self.save()?;
            return Ok(true);
        }
        Ok(false)
    }
}

impl Drop for Store {
    /// Lets a save in the background finish (its result is in the journal either way), and
    /// writes the coding counts not yet in the trail (best effort: a count is not a change).
    fn drop(&mut self) {
        let _ = self.wait_for_save();
        self.flush_trail();
    }
}

struct Replay {
    /// Bytes of the journal file to keep when reopening it for appending.
    keep_len: u64,
    /// What was replayed must be folded into the snapshot at once (the journal was set aside
    /// after replaying part of it, had no header, or was written by an older format).
    must_save: bool,
    /// The journal holds nothing to keep: restart it with a header naming this snapshot.
    restart: bool,
}
