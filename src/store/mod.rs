//! The project folder on disk: load, journal every edit durably, snapshot, lock, recover.
//!
//! [`Store`] owns the open project. Every change goes through [`Store::apply`] (or undo and
//! redo): the edit is applied in memory, appended to the journal and fsynced, and only then
//! acknowledged. [`Store::save`] folds the journal into the snapshot files. See
//! [`snapshot`] for the folder layout and how a snapshot is written all-or-nothing.

mod atomic;
mod error;
pub mod journal;
mod lock;
pub mod migrate;
pub mod snapshot;

pub use error::{Result, StoreError};
pub use lock::LOCK_FILE;

use crate::edit::{Edit, History};
use crate::model::{DocId, Document, Project, Timestamp};
use journal::{Entry, JournalWriter, Op};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Journal size past which [`Store::maybe_save`] folds it into the snapshot.
const AUTO_SAVE_BYTES: u64 = 4 << 20;
const AUTO_SAVE_ENTRIES: usize = 2_000;

#[derive(Debug)]
pub struct Store {
    dir: PathBuf,
    project: Project,
    history: History,
    /// `None` when opened read-only.
    journal: Option<JournalWriter>,
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
    texts_on_disk: HashMap<DocId, String>,
    warnings: Vec<String>,
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
            let p = dir.join(sub);
            std::fs::create_dir_all(&p).map_err(StoreError::io("create", &p))?;
        }
        atomic::write_atomic(&dir.join(".gitignore"), snapshot::GITIGNORE.as_bytes())?;
        let mut store = Store {
            dir: dir.to_path_buf(),
            project: Project::new(name),
            history: History::default(),
            journal: Some(JournalWriter::open(&dir.join(journal::JOURNAL_FILE), 0)?),
            _lock: Some(lock),
            snapshot_id: String::new(),
            legacy: None,
            seq: 0,
            pending: 0,
            written: Default::default(),
            texts_on_disk: HashMap::new(),
            warnings: Vec::new(),
        };
        store.save()?;
        Ok(store)
    }

    /// Opens a project for reading and writing, recovering from any crash it finds.
    pub fn open(dir: &Path) -> Result<Store> {
        Self::open_with(dir, false)
    }

    /// Opens a project without taking the lock or writing anything (another Tema may have it
    /// open). Edits are refused.
    pub fn open_read_only(dir: &Path) -> Result<Store> {
        Self::open_with(dir, true)
    }

    fn open_with(dir: &Path, read_only: bool) -> Result<Store> {
        if !dir.join(snapshot::PROJECT_FILE).exists() {
            return Err(StoreError::NotAProject { path: dir.to_path_buf() });
        }
        let lock = if read_only { None } else { Some(lock::ProjectLock::acquire(dir)?) };
        let mut warnings = Vec::new();
        if !read_only && snapshot::recover(dir)? {
            warnings.push("finished saving the project after an interrupted save".to_string());
        }
        let mut loaded = snapshot::load(dir)?;
        warnings.extend(loaded.warnings);
        // Every text loaded was checked against its hash, so that is what the files hold.
        let mut texts_on_disk: HashMap<DocId, String> =
            loaded.project.documents.values().map(|d| (d.id, d.text_hash.clone())).collect();
        for edit in loaded.history.edits_mut() {
            edit.for_each_added_document(&mut |d| {
                texts_on_disk.entry(d.id).or_insert_with(|| d.text_hash.clone());
            });
        }
        let mut store = Store {
            dir: dir.to_path_buf(),
            project: loaded.project,
            history: loaded.history,
            journal: None,
            _lock: lock,
            snapshot_id: snapshot::digest(&loaded.written),
            legacy: loaded.file.legacy_snapshot.clone().map(|id| (id, loaded.file.legacy_seq)),
            seq: 0,
            pending: 0,
            written: loaded.written,
            texts_on_disk,
            warnings,
        };
        let replay = store.replay_journal(read_only)?;
        if !read_only {
            store.journal = Some(JournalWriter::open(&dir.join(journal::JOURNAL_FILE), replay.keep_len)?);
            if replay.must_save {
                store.save()?;
            } else if replay.restart {
                let (id, seq) = (store.snapshot_id.clone(), store.seq);
                if let Some(j) = store.journal.as_mut() {
                    j.rewrite(&id, seq, &[])?;
                }
            }
        }
        Ok(store)
    }

    /// Applies the journal's entries that the snapshot does not hold yet.
    fn replay_journal(&mut self, read_only: bool) -> Result<Replay> {
        let path = self.dir.join(journal::JOURNAL_FILE);
        let outcome = journal::read(&path)?;
        let mut replay = Replay { keep_len: outcome.good_len, must_save: false, restart: false };
        if outcome.torn_tail {
            self.warnings.push("the last change before a crash was incomplete and was discarded".into());
        }
        let foreign = match &outcome.header {
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
                self.history.apply(&mut self.project, edit, coalesce, entry.at)?;
            }
            Op::Undo => {
                self.history.undo(&mut self.project, entry.at)?;
            }
            Op::Redo => {
                self.history.redo(&mut self.project, entry.at)?;
            }
        }
        Ok(())
    }

    fn fill_texts(&self, edit: &mut Edit) -> Result<()> {
        let mut result = Ok(());
        edit.for_each_added_document(&mut |d: &mut Document| {
            if result.is_ok() && d.text.is_empty() && d.char_len > 0 {
                match snapshot::read_text(&self.dir, d) {
                    Ok(t) => d.text = t,
                    Err(e) => result = Err(e),
                }
            }
        });
        result
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
        let entry = Entry { seq: self.seq + 1, at, op: Op::Do { edit: edit.clone(), coalesce: coalesce.clone() } };
        let line = journal::encode(&entry)?;
        let inverse = self.project.apply(edit)?;
        if let Err(e) = self.append(&line) {
            let undone = self.project.apply(inverse);
            debug_assert!(undone.is_ok());
            return Err(e);
        }
        self.history.record(label.clone(), inverse, coalesce, at);
        Ok(label)
    }

    /// Takes back the newest step; `None` when there is nothing to undo.
    pub fn undo(&mut self) -> Result<Option<String>> {
        if self.journal.is_none() {
            return Err(StoreError::ReadOnly);
        }
        let at = now();
        let Some(label) = self.history.undo(&mut self.project, at)? else { return Ok(None) };
        let line = journal::encode(&Entry { seq: self.seq + 1, at, op: Op::Undo })?;
        if let Err(e) = self.append(&line) {
            let redone = self.history.redo(&mut self.project, at);
            debug_assert!(redone.is_ok());
            return Err(e);
        }
        Ok(Some(label))
    }

    /// Re-applies the newest undone step; `None` when there is nothing to redo.
    pub fn redo(&mut self) -> Result<Option<String>> {
        if self.journal.is_none() {
            return Err(StoreError::ReadOnly);
        }
        let at = now();
        let Some(label) = self.history.redo(&mut self.project, at)? else { return Ok(None) };
        let line = journal::encode(&Entry { seq: self.seq + 1, at, op: Op::Redo })?;
        if let Err(e) = self.append(&line) {
            let undone = self.history.undo(&mut self.project, at);
            debug_assert!(undone.is_ok());
            return Err(e);
        }
        Ok(Some(label))
    }

    fn append(&mut self, line: &str) -> Result<()> {
        let journal = self.journal.as_mut().ok_or(StoreError::ReadOnly)?;
        journal.append(line)?;
        self.seq += 1;
        self.pending += 1;
        Ok(())
    }

    /// Writes the text of every document an edit adds, before the edit is journaled.
    fn write_texts(&mut self, edit: &mut Edit) -> Result<()> {
        let texts = self.dir.join(snapshot::TEXTS_DIR);
        let mut result = Ok(());
        let on_disk = &mut self.texts_on_disk;
        let dir = &self.dir;
        edit.for_each_added_document(&mut |d: &mut Document| {
            if result.is_err() {
                return;
            }
            let path = snapshot::text_path(dir, d.id);
            if path.exists() {
                return;
            }
            result = std::fs::create_dir_all(&texts)
                .map_err(StoreError::io("create", &texts))
                .and_then(|_| atomic::write_atomic(&path, d.text.as_bytes()));
            if result.is_ok() {
                on_disk.insert(d.id, d.text_hash.clone());
            }
        });
        result
    }

    /// The text files a snapshot must rewrite: documents whose text was corrected since their
    /// file was written, and documents the undo history would add back with another text than
    /// their file holds (the project's own text wins when both name one document).
    fn changed_texts(&mut self) -> Vec<(DocId, String, Vec<u8>)> {
        let mut out: Vec<(DocId, String, Vec<u8>)> = Vec::new();
        let mut seen: HashSet<DocId> = HashSet::new();
        for d in self.project.documents.values() {
            seen.insert(d.id);
            if self.texts_on_disk.get(&d.id) != Some(&d.text_hash) {
                out.push((d.id, d.text_hash.clone(), d.text.as_bytes().to_vec()));
            }
        }
        let on_disk = &self.texts_on_disk;
        for edit in self.history.edits_mut() {
            edit.for_each_added_document(&mut |d| {
                let filled = !d.text.is_empty() || d.char_len == 0;
                if filled && seen.insert(d.id) && on_disk.get(&d.id) != Some(&d.text_hash) {
                    out.push((d.id, d.text_hash.clone(), d.text.as_bytes().to_vec()));
                }
            });
        }
        out
    }

    /// Folds the journal into the snapshot files.
    pub fn save(&mut self) -> Result<()> {
        if self.journal.is_none() {
            return Err(StoreError::ReadOnly);
        }
        self.history.trim();
        let mut files = snapshot::serialize(&self.project, &self.history)?;
        // Corrected texts are rewritten as part of the same all-or-nothing commit.
        let texts = self.changed_texts();
        let journal = self.journal.as_mut().ok_or(StoreError::ReadOnly)?;
        if !texts.is_empty() {
            let folder = self.dir.join(snapshot::TEXTS_DIR);
            std::fs::create_dir_all(&folder).map_err(StoreError::io("create", &folder))?;
        }
        for (id, _, bytes) in &texts {
            files.push((format!("{}/{id}.txt", snapshot::TEXTS_DIR), bytes.clone()));
        }
        let snapshot_id = snapshot::digest_of(&files);
        let reset = snapshot::JournalReset { base: snapshot_id.clone(), seq: self.seq };
        // The commit restarts the journal on top of the new files as part of the commit, so a
        // crash cannot leave a journal naming the old snapshot beside the new one.
        if snapshot::commit(&self.dir, files, &mut self.written, Some(reset))? {
            journal.reopen()?;
        } else {
            journal.rewrite(&snapshot_id, self.seq, &[])?;
        }
        for (id, hash, _) in texts {
            self.texts_on_disk.insert(id, hash);
        }
        self.snapshot_id = snapshot_id;
        self.legacy = None;
        self.pending = 0;
        snapshot::collect_texts(&self.dir, &self.project, &mut self.history);
        Ok(())
    }

    /// Saves when the journal has grown large; cheap to call after every command.
    pub fn maybe_save(&mut self) -> Result<bool> {
        let big = self.journal.as_ref().is_some_and(|j| j.len() > AUTO_SAVE_BYTES);
        if big || self.pending > AUTO_SAVE_ENTRIES {
            self.save()?;
            return Ok(true);
        }
        Ok(false)
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
