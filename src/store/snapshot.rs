//! The snapshot: one human-readable JSON file per concern, written all-or-nothing.
//!
//! ```text
//! project.json        format version and settings
//! documents.json      documents (metadata and speaker turns; not their text)
//! texts/<id>.txt      each document's normalised text, written at import and rewritten in a
//!                     snapshot commit after a correction (`Edit::ReplaceText`)
//! participants.json   codebook.json   themes.json   quotes.json   memos.json   consensus.json
//! codings/<coder>.json  one file per coder: who they are, which documents they have read,
//!                     and their codings — so a coder joining, reading and coding in their own
//!                     copy touches only their own file, and copies synced through git merge
//! framework.json      summaries and marks written into triangulation tables
//! history.json        undo/redo steps (local to this copy)
//! journal.jsonl       edits since the snapshot (local to this copy)
//! ```
//!
//! Nothing in the shared files changes unless the project's content does: which snapshot a
//! journal was written on top of is a digest of the shared files' contents, kept in the
//! journal's header (local), not an id in `project.json` (shared). So saving in two copies does
//! not make every `git pull` conflict, and a journal whose files were replaced by a sync tool
//! is still recognised and set aside.
//!
//! A snapshot changes several files, and a crash must not leave some new and some old. So
//! new files are first written beside the old as `*.new` and fsynced; then `commit.json`,
//! listing them and the journal header to start afresh with, is written atomically — the
//! commit point; then the `*.new` files are renamed into place, the journal is restarted on
//! top of the new snapshot and `commit.json` removed. Opening a project finishes a commit that
//! was cut short, and deletes `*.new` files that no commit names.
//!
//! The folder is untrusted (see [`super::safe`]): `commit.json` may name only the store's own
//! files, staged files are recognised by name, links are never followed. `manifest.json`
//! (local, like the journal) records how many codings, quotes and memos each file held at
//! the last save, so a file that went missing or was emptied since (a half-synced folder) is
//! damage reported by name, not an empty list that the next save would make permanent.
//! Files are compared with CRLF line ends undone, so git's line-ending conversion changes
//! nothing.

use super::atomic::{self, write_atomic, write_synced};
use super::error::{Result, StoreError};
use super::journal;
use super::migrate;
use super::quarantine::{self, AnchorReport, ChangedText, UNANCHORED_FILE, Unanchored};
use super::safe;
use crate::edit::History;
use crate::model::anchor::Fingerprint;
use crate::model::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use super::layout::*;
/// The format written by this version of Tema (see `migrate` for what changed when).
pub use super::migrate::FORMAT;

#[derive(Debug, Serialize, Deserialize)]
pub struct ProjectFile {
    pub format: u32,
    #[serde(default)]
    pub generator: String,
    pub settings: Settings,
    /// Format 1 named its snapshot here (a random id, new at every save); a journal written by
    /// that version names it in its header. Read once to replay such a journal, never written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legacy_snapshot: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legacy_seq: Option<u64>,
}

/// How the journal starts again once a snapshot is in place.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalReset {
    pub base: String,
    pub seq: u64,
}

#[derive(Debug, Serialize, Deserialize)]
struct CommitFile {
    install: Vec<String>,
    delete: Vec<String>,
    /// Written by format 2 and later; a commit without it leaves the journal alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    journal: Option<JournalReset>,
}

/// One coder's file, `codings/<slug>.json`.
#[derive(Debug, Serialize, Deserialize)]
struct CoderFile<C> {
    coder: Coder,
    /// The coder's place in the team list (ties, after two copies each added a coder, are
    /// broken by file name).
    #[serde(default)]
    position: usize,
    /// Documents this coder has marked as read.
    #[serde(default)]
    read: Vec<DocId>,
    codings: Vec<C>,
}

/// A codings file as format 1 wrote it (a bare list) or as format 2 writes it; `C` is what
/// is read of each coding ([`StoredCoding`] on opening, [`StoredFingerprint`] when a text
/// changed outside Tema).
enum AnyCoderFile<C> {
    Current(CoderFile<C>),
    Legacy(Vec<C>),
}

/// A coding as a coder's file holds it: the coding and the fingerprint of the text it covers
/// (see [`crate::model::anchor`]), which finds the coding again if its text file is changed
/// outside Tema. Written at every save; files saved before fingerprints existed have none.
#[derive(Serialize)]
struct StoredCodingRef<'a> {
    #[serde(flatten)]
    coding: &'a Coding,
    #[serde(skip_serializing_if = "Option::is_none")]
    fingerprint: Option<Fingerprint>,
}

/// [`StoredCodingRef`] as read back. The fields are `Coding`'s, listed here (rather than
/// flattened) because a coder's file is the largest file to parse; `into_coding` names every
/// field, so a field added to `Coding` fails to compile here until it is added.
///
/// The fingerprint is skipped (serde passes over a field it is not asked for without making
/// anything of it): it is needed only when a text changed outside Tema, and its four strings
/// per coding were the largest part of reading the codings. [`read_fingerprints`] reads them
/// when they are needed.
#[derive(Deserialize)]
struct StoredCoding {
    id: CodingId,
    doc: DocId,
    span: Span,
    code: CodeId,
    coder: CoderId,
    created: chrono::DateTime<chrono::Utc>,
    #[serde(default)]
    comment: String,
}

impl StoredCoding {
    fn into_coding(self) -> Coding {
        let StoredCoding { id, doc, span, code, coder, created, comment } = self;
        let coding = Coding { id, doc, span, code, coder, created, comment };
        let Coding { id: _, doc: _, span: _, code: _, coder: _, created: _, comment: _ } = &coding;
        coding
    }
}

/// A coding's fingerprint as read back, with the coding it belongs to.
#[derive(Deserialize)]
struct StoredFingerprint {
    id: CodingId,
    #[serde(default)]
    fingerprint: Option<Fingerprint>,
}

/// Told apart by the first token (an object or a list) and parsed in one pass. (Serde's
/// `untagged` buffers the whole file into an intermediate tree to try each form in turn,
/// which made reading the codings files about twice as slow, and its error on a bad
/// coding said only that no form matched.)
impl<'de, C: Deserialize<'de>> Deserialize<'de> for AnyCoderFile<C> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
        struct Form<C>(std::marker::PhantomData<C>);
        impl<'de, C: Deserialize<'de>> serde::de::Visitor<'de> for Form<C> {
            type Value = AnyCoderFile<C>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a codings file (an object, or a list of codings from format 1)")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> std::result::Result<Self::Value, A::Error> {
                Vec::<C>::deserialize(SeqAccessDeserializer::new(seq)).map(AnyCoderFile::Legacy)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> std::result::Result<Self::Value, A::Error> {
                CoderFile::<C>::deserialize(MapAccessDeserializer::new(map)).map(AnyCoderFile::Current)
            }
        }
        d.deserialize_any(Form(std::marker::PhantomData))
    }
}

/// Each document's text known to be on disk, by the hash of the text the file holds. Every
/// save compares each document with it (a fast hash: at 2,000 documents the default one was
/// most of what a save cost the UI thread).
pub type TextsOnDisk = HashMap<DocId, String, foldhash::fast::RandomState>;

/// Relative path → content hash of what is on disk, to skip rewriting unchanged files.
pub type Written = HashMap<String, blake3::Hash>;

/// The hash of a file's content with CRLF line ends read as LF: Tema never writes a CR
/// (JSON escapes it), so a file whose line ends were converted (git on Windows) is the
/// same file.
///
/// The look for CRLF is memchr's vectorised search: a byte-by-byte scan of every file read
/// cost as much as hashing it (a twentieth of opening a 2 M-word project to read it).
pub fn content_hash(bytes: &[u8]) -> blake3::Hash {
    let crlf = memchr::memmem::Finder::new(b"\r\n");
    if memchr::memchr(b'\r', bytes).is_none() || crlf.find(bytes).is_none() {
        return blake3::hash(bytes);
    }
    let mut h = blake3::Hasher::new();
    let mut rest = bytes;
    while let Some(i) = crlf.find(rest) {
        h.update(&rest[..i]);
        h.update(b"\n");
        rest = &rest[i + 2..];
    }
    h.update(rest);
    h.finalize()
}

/// What each file of the last save held: codings per coder file, quotes, memos.
#[derive(Debug, Default, Serialize, Deserialize)]
struct SaveManifest {
    /// Relative path → (items, content hash).
    files: std::collections::BTreeMap<String, ManifestEntry>,
}

#[derive(Debug, Serialize, Deserialize)]
struct ManifestEntry {
    items: usize,
    hash: String,
}

/// Files local to this copy, left out of the snapshot's digest.
fn is_local(path: &str) -> bool {
    path == HISTORY_FILE || path == MANIFEST_FILE
}

/// The identity of a snapshot: a digest of the shared files' contents (local files such as
/// the undo history left out). Two copies with the same content have the same digest.
pub fn digest(written: &Written) -> String {
    let mut files: Vec<(&String, &blake3::Hash)> = written.iter().filter(|(p, _)| !is_local(p)).collect();
    files.sort_by_key(|(p, _)| *p);
    let mut h = blake3::Hasher::new();
    for (path, hash) in files {
        h.update(path.as_bytes());
        h.update(&[0]);
        h.update(hash.as_bytes());
    }
    h.finalize().to_hex()[..32].to_string()
}

pub fn text_path(dir: &Path, id: DocId) -> PathBuf {
    dir.join(TEXTS_DIR).join(format!("{id}.txt"))
}

fn to_json<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(value)
        .map_err(|e| StoreError::Corrupt { path: PathBuf::from(name), reason: e.to_string() })?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// A coder's file with one compact coding per line: still readable, much smaller and faster
/// to parse than pretty-printed JSON for the largest files, and a change to one coding is a
/// change to one line — which is what makes codings files merge cleanly in git.
///
/// Each coding's fingerprint is made as its line is written, so none is held for long.
fn coder_file_json(
    name: &str,
    project: &Project,
    coder: &Coder,
    position: usize,
    read: &[DocId],
    codings: &[&Coding],
) -> Result<Vec<u8>> {
    let corrupt = |e: serde_json::Error| StoreError::Corrupt { path: PathBuf::from(name), reason: e.to_string() };
    let mut out = Vec::with_capacity(codings.len() * 256 + 256);
    out.extend_from_slice(b"{\n  \"coder\": ");
    serde_json::to_writer(&mut out, coder).map_err(corrupt)?;
    out.extend_from_slice(format!(",\n  \"position\": {position},\n  \"read\": ").as_bytes());
    serde_json::to_writer(&mut out, read).map_err(corrupt)?;
    out.extend_from_slice(b",\n  \"codings\": [");
    for (i, c) in codings.iter().enumerate() {
        out.extend_from_slice(if i == 0 { b"\n    " } else { b",\n    " });
        // The document keeps its index once made, so this is cheap per coding.
        let fingerprint = project.documents.get(&c.doc).and_then(|d| Fingerprint::of(&d.text, &d.text_index(), c.span));
        serde_json::to_writer(&mut out, &StoredCodingRef { coding: c, fingerprint }).map_err(corrupt)?;
    }
    out.extend_from_slice(if codings.is_empty() { b"]\n}\n" } else { b"\n  ]\n}\n" });
    Ok(out)
}

/// The relative path of a coder's file.
pub fn coder_file(coder: &Coder) -> String {
    format!("{CODINGS_DIR}/{}.json", coder.slug)
}

/// Every snapshot file of a project, as (relative path, bytes), collected in memory: for
/// tests and tools that compare states. The store writes them one at a time instead
/// ([`write_snapshot`] into a [`Stage`]).
pub fn serialize(project: &Project, history: &History) -> Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    let parts = SnapshotParts { project, history: Some(history), unanchored: &Unanchored::default(), trail: &[] };
    write_snapshot(&parts, &mut |name, bytes| {
        files.push((name.to_string(), bytes));
        Ok(())
    })?;
    Ok(files)
}

/// What a snapshot is made of.
pub struct SnapshotParts<'a> {
    pub project: &'a Project,
    /// `None` while the history is still being read (the app reads it after opening): the
    /// file on disk is left as it is.
    pub history: Option<&'a History>,
    /// What a quarantine left unanchored (in [`UNANCHORED_FILE`], written only when it holds
    /// something).
    pub unanchored: &'a Unanchored,
    /// Files that are not part of the snapshot but whose loss must be noticed (the analysis
    /// trail's files, with their line counts), for the manifest.
    pub trail: &'a [(String, usize)],
}

/// Serialises the snapshot one file at a time, handing each file's bytes to `out` as soon as
/// it is made, in the order the files are installed. `out` owns the bytes and can drop them,
/// so a save holds one file in memory, not the whole snapshot beside the project.
pub fn write_snapshot(parts: &SnapshotParts<'_>, out: &mut dyn FnMut(&str, Vec<u8>) -> Result<()>) -> Result<()> {
    let SnapshotParts { project, history, unanchored, trail } = *parts;
    let mut manifest = SaveManifest::default();
    let mut emit = |name: &str, bytes: Vec<u8>, items: Option<usize>| -> Result<()> {
        if let Some(items) = items {
            let hash = blake3::hash(&bytes).to_hex().to_string();
            manifest.files.insert(name.to_string(), ManifestEntry { items, hash });
        }
        out(name, bytes)
    };
    // Read marks live in each coder's file; one document is copied at a time to leave them out.
    let docs = Seq(|| {
        project.documents.values().map(|d| {
            let mut d = d.clone();
            d.read_by.clear();
            d
        })
    });
    emit("documents.json", to_json("documents.json", &docs)?, None)?;
    emit("participants.json", to_json("participants.json", &Seq(|| project.participants.values()))?, None)?;
    emit("codebook.json", to_json("codebook.json", &Seq(|| project.codes.values()))?, None)?;
    emit("themes.json", to_json("themes.json", &Seq(|| project.themes.values()))?, None)?;
    emit("quotes.json", to_json("quotes.json", &Seq(|| project.quotes.values()))?, Some(project.quotes.len()))?;
    emit("memos.json", to_json("memos.json", &Seq(|| project.memos.values()))?, Some(project.memos.len()))?;
    emit(CONSENSUS_FILE, to_json(CONSENSUS_FILE, &Seq(|| project.consensus.values()))?, None)?;
    emit(FRAMEWORK_FILE, to_json(FRAMEWORK_FILE, &project.framework)?, None)?;
    if !unanchored.is_empty() {
        emit(UNANCHORED_FILE, to_json(UNANCHORED_FILE, unanchored)?, Some(unanchored.len()))?;
    }
    let mut by_coder: HashMap<CoderId, Vec<&Coding>> = project.coders.keys().map(|c| (*c, Vec::new())).collect();
    for c in project.codings.values() {
        by_coder.entry(c.coder).or_default().push(c);
    }
    for (position, coder) in project.coders.values().enumerate() {
        let codings = by_coder.remove(&coder.id).unwrap_or_default();
        let read: Vec<DocId> =
            project.documents.values().filter(|d| d.read_by.contains(&coder.id)).map(|d| d.id).collect();
        let name = coder_file(coder);
        let bytes = coder_file_json(&name, project, coder, position, &read, &codings)?;
        emit(&name, bytes, Some(codings.len()))?;
    }
    // The trail is appended to as it goes, never rewritten; the manifest notes its size so a
    // trail file that goes missing is noticed like a coder's codings.
    for (name, items) in trail {
        manifest.files.insert(name.clone(), ManifestEntry { items: *items, hash: String::new() });
    }
    let manifest = to_json(MANIFEST_FILE, &manifest)?;
    out(MANIFEST_FILE, manifest)?;
    if let Some(history) = history {
        out(HISTORY_FILE, to_json(HISTORY_FILE, history)?)?;
    }
    let pf = ProjectFile {
        format: FORMAT,
        generator: format!("Tema {}", env!("CARGO_PKG_VERSION")),
        settings: project.settings.clone(),
        legacy_snapshot: None,
        legacy_seq: None,
    };
    // Last, so a reader of the folder that ignores commit.json still sees it change last.
    out(PROJECT_FILE, to_json(PROJECT_FILE, &pf)?)
}

/// A JSON list of what a fresh iterator yields, serialised without collecting it first.
struct Seq<F>(F);

impl<F, I> Serialize for Seq<F>
where
    F: Fn() -> I,
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_seq((self.0)())
    }
}

/// The digest of a snapshot's files given as (path, content hash): texts are left out. They
/// are not tracked in `Written` (a text's hash is in documents.json, which is), so a save that
/// rewrites a corrected text names the same snapshot as a load.
fn digest_of<'a>(files: impl Iterator<Item = (&'a String, &'a blake3::Hash)>) -> String {
    digest(&files.filter(|(p, _)| !is_text_file(p)).map(|(p, h)| (p.clone(), *h)).collect())
}

fn is_text_file(path: &str) -> bool {
    path.strip_prefix(TEXTS_DIR).is_some_and(|rest| rest.starts_with('/'))
}

/// A snapshot being written: each file is hashed as it arrives and, when it differs from what
/// is on disk, written beside the old one as `*.new` and fsynced at once; its bytes are then
/// dropped. [`Stage::commit`] makes the staged files the snapshot, all-or-nothing.
///
/// Dropped without committing (a failed serialisation), it removes what it staged: nothing
/// names those files, and opening the project would remove them anyway.
pub struct Stage<'a> {
    dir: &'a Path,
    /// What is on disk: the hash of each snapshot file.
    written: Written,
    /// Every file of the snapshot, in order, with its content hash.
    files: Vec<(String, blake3::Hash)>,
    /// The files written as `*.new` (changed or new, and every text handed in).
    staged: Vec<String>,
    /// Whether `codings/` and `texts/` were checked (and made) before a file was staged in them.
    folders: [bool; 2],
    /// Past the commit point (or about to be): the staged files belong to `commit.json`.
    committing: bool,
}

impl<'a> Stage<'a> {
    /// Starts a snapshot of the project in `dir`, whose files on disk have the hashes
    /// `written` (files with the same content are not rewritten).
    pub fn new(dir: &'a Path, written: Written) -> Stage<'a> {
        Stage { dir, written, files: Vec::new(), staged: Vec::new(), folders: [false; 2], committing: false }
    }

    /// Adds one file of the snapshot (relative path and content), staging it if it changed.
    /// A text is always staged: texts are handed in only when they must be rewritten.
    pub fn add(&mut self, path: &str, bytes: &[u8]) -> Result<()> {
        let hash = content_hash(bytes);
        if is_text_file(path) || self.written.get(path) != Some(&hash) {
            if !safe::is_store_file(path) {
                return Err(StoreError::Unsafe {
                    path: self.dir.join(path),
                    reason: "is not a name Tema writes".into(),
                });
            }
            self.folder_for(path)?;
            write_synced(&new_path(&self.dir.join(path)), bytes)?;
            self.staged.push(path.to_string());
        }
        self.files.push((path.to_string(), hash));
        Ok(())
    }

    /// Makes sure the folder a file is staged in is a real folder (made if missing).
    fn folder_for(&mut self, path: &str) -> Result<()> {
        for (i, sub) in [CODINGS_DIR, TEXTS_DIR].into_iter().enumerate() {
            let inside = path.strip_prefix(sub).is_some_and(|rest| rest.starts_with('/'));
            if inside && !self.folders[i] {
                if !safe::real_dir(self.dir, sub)? {
                    safe::ensure_dir(self.dir, sub)?;
                    atomic::sync_dir(self.dir)?;
                }
                self.folders[i] = true;
            }
        }
        Ok(())
    }

    /// The identity of the snapshot staged so far (see [`digest`]).
    pub fn digest(&self) -> String {
        digest_of(self.files.iter().map(|(p, h)| (p, h)))
    }

    /// Commits the staged snapshot: writes `commit.json` (the commit point), installs the
    /// staged files, deletes the files of the previous snapshot that this one no longer has
    /// (a removed coder, the format-1 coders file), then calls `restart` to start the journal
    /// afresh on top of the new files (with `journal`'s header), and removes `commit.json`.
    /// Returns whether anything on disk changed (`restart` is called either way) and the
    /// hashes of what is on disk now.
    pub fn commit(
        mut self,
        journal: Option<JournalReset>,
        restart: &mut dyn FnMut(&JournalReset) -> Result<()>,
        phase: &mut dyn FnMut(super::SavePhase),
    ) -> Result<(bool, Written)> {
        let mut written = std::mem::take(&mut self.written);
        let keep: std::collections::HashSet<&str> = self.files.iter().map(|(p, _)| p.as_str()).collect();
        let delete: Vec<String> = written.keys().filter(|p| !keep.contains(p.as_str())).cloned().collect();
        if self.staged.is_empty() && delete.is_empty() {
            if let Some(reset) = &journal {
                restart(reset)?;
                phase(super::SavePhase::Restarted);
            }
            return Ok((false, written));
        }
        if let Some(p) = delete.iter().find(|p| !safe::is_store_file(p)) {
            return Err(StoreError::Unsafe { path: self.dir.join(p), reason: "is not a name Tema writes".into() });
        }
        if !safe::real_dir(self.dir, CODINGS_DIR)? {
            safe::ensure_dir(self.dir, CODINGS_DIR)?;
            atomic::sync_dir(self.dir)?;
        }
        self.committing = true;
        let record = CommitFile { install: std::mem::take(&mut self.staged), delete, journal };
        write_atomic(&self.dir.join(COMMIT_FILE), &to_json(COMMIT_FILE, &record)?)?;
        phase(super::SavePhase::Committed);
        install(self.dir, &record)?;
        phase(super::SavePhase::Installed);
        if let Some(reset) = &record.journal {
            restart(reset)?;
            phase(super::SavePhase::Restarted);
        }
        close_commit(self.dir)?;
        let changed: std::collections::HashSet<&str> = record.install.iter().map(String::as_str).collect();
        // Texts are not tracked here: they come and go with documents (`collect_texts`).
        for (p, h) in std::mem::take(&mut self.files) {
            if changed.contains(p.as_str()) && !is_text_file(&p) {
                written.insert(p, h);
            }
        }
        for p in &record.delete {
            written.remove(p);
        }
        Ok((true, written))
    }
}

impl Drop for Stage<'_> {
    fn drop(&mut self) {
        if !self.committing {
            for p in &self.staged {
                let _ = safe::remove(&new_path(&self.dir.join(p)));
            }
        }
    }
}

fn new_path(path: &Path) -> PathBuf {
    atomic::tmp_path(path, "new")
}

/// Finishes a commit found on opening: installs its files and restarts the journal.
fn finish_commit(dir: &Path, record: &CommitFile) -> Result<()> {
    install(dir, record)?;
    if let Some(reset) = &record.journal {
        if !safe::is_plain_name(&reset.base) {
            return Err(StoreError::Unsafe {
                path: dir.join(COMMIT_FILE),
                reason: "names a malformed snapshot".into(),
            });
        }
        // The snapshot holds the journal's entries up to its sequence number; those after it
        // were made while it was written (a save in the background) and stay.
        journal::restart_file(&dir.join(journal::JOURNAL_FILE), &reset.base, reset.seq)?;
    }
    close_commit(dir)
}

/// Renames a commit's staged files into place and deletes the files it drops, durably.
fn install(dir: &Path, record: &CommitFile) -> Result<()> {
    // Checked again here: a commit.json found on opening was written by whoever sent the folder.
    if let Some(p) = record.install.iter().chain(&record.delete).find(|p| !safe::is_store_file(p)) {
        return Err(StoreError::Unsafe {
            path: dir.join(COMMIT_FILE),
            reason: format!("names {p:?}, which is not a file Tema writes"),
        });
    }
    safe::real_dir(dir, CODINGS_DIR)?;
    for p in &record.install {
        let target = dir.join(p);
        let staged = new_path(&target);
        match std::fs::symlink_metadata(&staged) {
            Ok(m) if m.is_file() => {
                std::fs::rename(&staged, &target).map_err(StoreError::io("replace", &target))?;
            }
            // Only a regular file is installed: a link or anything else is left alone.
            Ok(_) => return Err(StoreError::Unsafe { path: staged, reason: "is not a regular file".into() }),
            Err(_) => {}
        }
    }
    for p in &record.delete {
        safe::remove(&dir.join(p))?;
    }
    atomic::sync_dir(&dir.join(CODINGS_DIR))?;
    let texts = dir.join(TEXTS_DIR);
    if texts.is_dir() {
        atomic::sync_dir(&texts)?;
    }
    atomic::sync_dir(dir)
}

/// Removes `commit.json` once everything it names is done.
fn close_commit(dir: &Path) -> Result<()> {
    safe::remove(&dir.join(COMMIT_FILE))?;
    atomic::sync_dir(dir)
}

/// Reads `commit.json`, if there is one. It is written atomically, so if it exists it is whole.
fn read_commit(dir: &Path) -> Result<Option<CommitFile>> {
    let commit = dir.join(COMMIT_FILE);
    let Some(bytes) = safe::read(&commit)? else { return Ok(None) };
    let record: CommitFile = serde_json::from_slice(&bytes)
        .map_err(|e| StoreError::Corrupt { path: commit.clone(), reason: e.to_string() })?;
    Ok(Some(record))
}

/// The files a commit cut short would install, for a read-only opening that cannot finish it
/// but must read what it committed: relative path of each staged file still waiting, and how
/// the journal restarts on top of it (format 2 and later).
pub fn pending_commit(dir: &Path) -> Result<Option<(Vec<String>, Option<JournalReset>)>> {
    let Some(record) = read_commit(dir)? else { return Ok(None) };
    if let Some(p) = record.install.iter().chain(&record.delete).find(|p| !safe::is_store_file(p)) {
        return Err(StoreError::Unsafe {
            path: dir.join(COMMIT_FILE),
            reason: format!("names {p:?}, which is not a file Tema writes"),
        });
    }
    Ok(Some((record.install, record.journal)))
}

/// Finishes a snapshot commit cut short by a crash, and removes staged files of one that
/// never reached its commit point. Returns true if something was repaired.
pub fn recover(dir: &Path) -> Result<bool> {
    let mut repaired = false;
    if let Some(record) = read_commit(dir)? {
        finish_commit(dir, &record)?;
        repaired = true;
    }
    // Only files the store stages, by name: a user's own `notes.tmp` stays.
    for sub in ["", CODINGS_DIR, TEXTS_DIR] {
        if !sub.is_empty() && !safe::real_dir(dir, sub)? {
            continue;
        }
        let Ok(entries) = std::fs::read_dir(dir.join(sub)) else { continue };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let rel = if sub.is_empty() { name } else { format!("{sub}/{name}") };
            if safe::is_staged_file(&rel) {
                let _ = std::fs::remove_file(entry.path());
                repaired = true;
            }
        }
    }
    Ok(repaired)
}

thread_local! {
    /// Files a read-only opening reads from their staged `.new` copy (a commit cut short that
    /// it may not finish).
    static STAGED: std::cell::RefCell<std::collections::HashSet<String>> = Default::default();
}

fn read_json<T: DeserializeOwned + Send>(dir: &Path, name: &str, written: &mut Written) -> Result<Option<T>> {
    read_store_file(dir, name, written, parse_json)
}

/// A whole store file parsed, or refused with serde's message naming the file.
fn parse_json<T: DeserializeOwned>(path: &Path, bytes: &[u8]) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt { path: path.to_path_buf(), reason: e.to_string() })
}

/// Files larger than this are hashed on a thread of their own while they are parsed.
const HASH_ASIDE: usize = 1 << 20;

/// A store file read and parsed by `parse`, its hash noted in `written`; `None` if it is
/// missing, or emptied (a half-synced folder), which the manifest check reports as damage if
/// it held anything. The file is hashed while it is parsed, on another core: hashing the
/// largest file (160 MB of codings at 20 M words) before parsing it lengthened opening.
fn read_store_file<T: Send>(
    dir: &Path,
    name: &str,
    written: &mut Written,
    parse: impl FnOnce(&Path, &[u8]) -> Result<T> + Send,
) -> Result<Option<T>> {
    let mut path = dir.join(name);
    if STAGED.with(|s| s.borrow().contains(name)) && new_path(&path).exists() {
        path = new_path(&path);
    }
    let Some(bytes) = safe::read(&path)? else { return Ok(None) };
    let blank = bytes.iter().all(u8::is_ascii_whitespace);
    let parse = || if blank { Ok(None) } else { parse(&path, &bytes).map(Some) };
    // A thread of its own for the hash (not rayon's pool, whose threads may all be parsing
    // codings: the parse here would wait for them).
    let (hash, parsed) = if bytes.len() < HASH_ASIDE {
        (content_hash(&bytes), parse())
    } else {
        std::thread::scope(|scope| {
            let hash = scope.spawn(|| content_hash(&bytes));
            let parsed = parse();
            (hash.join().unwrap_or_else(|_| content_hash(&bytes)), parsed)
        })
    };
    written.insert(name.to_string(), hash);
    parsed
}

/// A codings file read as [`AnyCoderFile`]. A file in the layout Tema writes (one coding per
/// line) has its codings parsed on every core (see [`super::listed`]); any other is parsed
/// whole, and refused with serde's message if it is not a codings file.
fn read_coder_file<C: DeserializeOwned + Send>(
    dir: &Path,
    name: &str,
    written: &mut Written,
) -> Result<Option<AnyCoderFile<C>>> {
    read_store_file(dir, name, written, |path, bytes| {
        if let Some(split) = super::listed::split(bytes, "codings")
            && let Ok(mut file) = serde_json::from_slice::<CoderFile<C>>(&split.head)
            && let Some(codings) = super::listed::parse_lines(split.body)
        {
            file.codings = codings;
            return Ok(AnyCoderFile::Current(file));
        }
        parse_json(path, bytes)
    })
}

/// A document as the documents list names it: enough to show the list while the rest of the
/// project loads (see [`LoadOptions::on_documents`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentHead {
    pub id: DocId,
    pub name: String,
    pub kind: DocKind,
    pub words: usize,
}

impl DocumentHead {
    pub fn of(d: &Document) -> Self {
        Self { id: d.id, name: d.name().to_string(), kind: d.kind(), words: d.words }
    }
}

/// Reads the project file and checks its format version.
pub fn read_project_file(dir: &Path, written: &mut Written) -> Result<ProjectFile> {
    let path = dir.join(PROJECT_FILE);
    let value: serde_json::Value =
        read_json(dir, PROJECT_FILE, written)?.ok_or_else(|| StoreError::NotAProject { path: dir.to_path_buf() })?;
    let format = value.get("format").and_then(|f| f.as_u64()).unwrap_or(0) as u32;
    if format > FORMAT {
        return Err(StoreError::NewerFormat { path: dir.to_path_buf(), found: format, supported: FORMAT });
    }
    let value = migrate::upgrade(dir, format, value)?;
    serde_json::from_value(value).map_err(|e| StoreError::Corrupt { path, reason: e.to_string() })
}

/// Loads a document's text and checks it against the length and hash recorded for it.
pub fn read_text(dir: &Path, doc: &Document) -> Result<Arc<str>> {
    match read_text_or_changed(dir, doc)? {
        TextFile::Same(text) => Ok(text),
        TextFile::Changed(_) => Err(StoreError::Corrupt {
            path: text_path(dir, doc.id),
            reason: format!(
                "the text of document \"{}\" has changed since it was imported (its checksum differs); \
                 restore the file from a backup, or run `tema repair` to re-anchor what is coded in it",
                doc.name()
            ),
        }),
    }
}

/// A document's text file as found.
pub enum TextFile {
    /// The text recorded for the document (line ends converted to CRLF are undone).
    Same(Arc<str>),
    /// Another text: changed outside Tema. Normalised like imported text, with bytes that are
    /// not UTF-8 (a file cut inside a character) read as U+FFFD.
    Changed(Arc<str>),
}

/// Loads a document's text, telling whether it is still the text recorded for it.
pub fn read_text_or_changed(dir: &Path, doc: &Document) -> Result<TextFile> {
    let path = text_path(dir, doc.id);
    safe::real_dir(dir, TEXTS_DIR)?;
    let bytes = safe::read(&path)?.ok_or_else(|| {
        StoreError::io("read the text of a document from", &path)(std::io::ErrorKind::NotFound.into())
    })?;
    let mut text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            return Ok(TextFile::Changed(Arc::from(crate::import::normalise::normalise(text))));
        }
    };
    if text_hash(&text) != doc.text_hash && text.contains("\r\n") {
        // Line ends converted to CRLF (git on Windows): Tema's texts have none of their own.
        text = text.replace("\r\n", "\n");
    }
    if text_hash(&text) != doc.text_hash {
        let text = crate::import::normalise::normalise(text);
        // A byte-order mark or a stray CR added by an editor is normalised away again.
        if text_hash(&text) == doc.text_hash {
            return Ok(TextFile::Same(Arc::from(text)));
        }
        return Ok(TextFile::Changed(Arc::from(text)));
    }
    Ok(TextFile::Same(Arc::from(text)))
}

/// Everything a snapshot holds.
pub struct Loaded {
    pub project: Project,
    pub history: History,
    /// Whether `history` was read (see [`load_staged`]).
    pub history_loaded: bool,
    pub file: ProjectFile,
    pub written: Written,
    pub warnings: Vec<String>,
    /// Files that held data at the last save and now hold none (missing or emptied), each
    /// as a sentence for the user. Saving over them would make the loss permanent.
    pub damage: Vec<String>,
    /// Documents whose text file changed outside Tema, quarantined (see [`quarantine`]).
    pub changed_texts: Vec<DocId>,
    /// What a quarantine took out of the project, with what earlier ones did.
    pub unanchored: Unanchored,
    /// What quarantining (and, when asked, re-anchoring) did, by name.
    pub anchoring: AnchorReport,
}

/// Compares what the files hold now with what the last save wrote into `manifest.json`.
fn check_manifest(
    dir: &Path,
    project: &Project,
    counts: &HashMap<String, usize>,
    written: &mut Written,
) -> Vec<String> {
    let manifest: SaveManifest = match read_json(dir, MANIFEST_FILE, written) {
        Ok(Some(m)) => m,
        // No manifest (a fresh clone, an older Tema) or an unreadable one: nothing to compare.
        _ => return Vec::new(),
    };
    let mut damage = Vec::new();
    for (file, entry) in &manifest.files {
        if entry.items == 0 || !safe::is_store_file(file) {
            continue;
        }
        let (now, what) = match file.as_str() {
            "quotes.json" => (project.quotes.len(), "quotes"),
            "memos.json" => (project.memos.len(), "memos"),
            UNANCHORED_FILE => (counts.get(file).copied().unwrap_or(0), "unanchored codings, quotes and notes"),
            f if crate::trail::file::is_trail_file(f) => {
                let lines = crate::trail::file::line_counts(dir).unwrap_or_default();
                (lines.iter().find(|(name, _)| name == f).map(|(_, n)| *n).unwrap_or(0), "decisions")
            }
            _ => (counts.get(file).copied().unwrap_or(0), "codings"),
        };
        if now == 0 {
            let state = if dir.join(file).exists() { "is empty" } else { "is missing" };
            damage.push(format!("{file} held {} {what} at the last save and {state}", entry.items));
        }
    }
    damage
}

/// Loads the snapshot. `staged` names files to read from their `.new` copy (see
/// [`pending_commit`]); empty unless opening read-only over a commit cut short.
/// With `relocate`, codings in a text changed outside Tema are placed again where their text
/// is found (repair); otherwise only those still in place stay (see [`quarantine`]).
/// Without `with_history` the undo history is not read (a command that only reads the
/// project does not need it; it is the largest file of a long-used project).
pub fn load_staged(dir: &Path, staged: &[String], options: LoadOptions<'_>) -> Result<Loaded> {
    STAGED.with(|s| *s.borrow_mut() = staged.iter().cloned().collect());
    let loaded = load_with(dir, options);
    STAGED.with(|s| s.borrow_mut().clear());
    loaded
}

/// Loads the snapshot with its undo history.
pub fn load(dir: &Path) -> Result<Loaded> {
    load_with(dir, LoadOptions { with_history: true, ..LoadOptions::default() })
}

/// Told the project's name and its documents as soon as `documents.json` is read, before
/// the texts and codings: the app shows them while the rest loads.
pub type OnDocuments<'a> = &'a (dyn Fn(&str, &[Document]) + Sync);

/// How [`load_staged`] loads.
#[derive(Clone, Copy, Default)]
pub struct LoadOptions<'a> {
    /// Look again for the codings of texts changed outside Tema (see [`quarantine`]).
    pub relocate: bool,
    /// Read the undo history too (else [`Loaded::history`] is empty).
    pub with_history: bool,
    pub on_documents: Option<OnDocuments<'a>>,
}

impl std::fmt::Debug for LoadOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadOptions")
            .field("relocate", &self.relocate)
            .field("with_history", &self.with_history)
            .field("on_documents", &self.on_documents.is_some())
            .finish()
    }
}

fn load_with(dir: &Path, options: LoadOptions<'_>) -> Result<Loaded> {
    let LoadOptions { relocate, with_history, on_documents } = options;
    safe::real_dir(dir, CODINGS_DIR)?;
    safe::real_dir(dir, TEXTS_DIR)?;
    let mut written = Written::new();
    let file = read_project_file(dir, &mut written)?;
    let mut warnings = Vec::new();
    let mut project = Project { settings: file.settings.clone(), ..Default::default() };
    // Documents and their texts load on a second thread while this one reads the codings,
    // the other large part, on rayon's pool. (Not on the pool too: its threads take work
    // sent from outside only when idle, so the documents would wait for every coding.)
    let staged = STAGED.with(|s| s.borrow().clone());
    let (docs, (coder_files, counts)) = std::thread::scope(|scope| -> Result<_> {
        let docs_thread = scope.spawn(|| -> Result<(Vec<Document>, Written, Vec<ChangedText>)> {
            STAGED.with(|s| *s.borrow_mut() = staged.clone());
            let mut written = Written::new();
            let mut docs: Vec<Document> = read_json(dir, "documents.json", &mut written)?.unwrap_or_default();
            if let Some(tell) = on_documents {
                tell(&file.settings.name, &docs);
            }
            let mut changed = Vec::new();
            for d in &mut docs {
                match read_text_or_changed(dir, d)? {
                    TextFile::Same(text) => d.text = text,
                    TextFile::Changed(text) => changed.push(ChangedText { doc: d.id, text }),
                }
            }
            Ok((docs, written, changed))
        });
        let rest = load_rest(dir, &mut project, &mut written);
        let docs = docs_thread.join().map_err(|_| StoreError::Corrupt {
            path: dir.join("documents.json"),
            reason: "reading the documents failed unexpectedly".into(),
        })?;
        let coder_files = rest?;
        Ok((docs, coder_files))
    })?;
    let (docs, docs_written, changed) = docs?;
    written.extend(docs_written);
    for d in docs {
        project.documents.insert(d.id, d);
    }
    // Coders in their team order; two copies that each added a coder give both the same
    // position, and the file name decides.
    let mut coder_files = coder_files;
    coder_files.sort_by(|a, b| (a.0, &a.1.slug).cmp(&(b.0, &b.1.slug)));
    for (_, record, read) in coder_files {
        let coder = record.id;
        if project.coders.insert(coder, record).is_some() {
            return Err(StoreError::Corrupt {
                path: dir.join(CODINGS_DIR),
                reason: format!("coder {coder} has two codings files"),
            });
        }
        let mut unknown = 0;
        for doc in read {
            match project.documents.get_mut(&doc) {
                Some(d) => {
                    d.read_by.insert(coder);
                }
                None => unknown += 1,
            }
        }
        if unknown > 0 {
            // A document removed in another copy: the mark has nothing left to mark.
            warnings.push(format!("{unknown} read marks referred to documents no longer in the project"));
        }
    }
    // A document whose text changed takes it; what pointed into the old text is checked.
    let mut unanchored: Unanchored = read_json(dir, UNANCHORED_FILE, &mut written)?.unwrap_or_default();
    let mut counts = counts;
    counts.insert(UNANCHORED_FILE.to_string(), unanchored.len());
    let changed_texts: Vec<DocId> = changed.iter().map(|c| c.doc).collect();
    let anchoring = if changed.is_empty() && !relocate {
        AnchorReport::default()
    } else {
        // Only the codings of changed texts are looked for by their fingerprints.
        let fingerprints = if changed.is_empty() { HashMap::new() } else { read_fingerprints(dir, &written)? };
        quarantine::quarantine(&mut project, changed, &fingerprints, &mut unanchored, relocate)
    };
    project.rebuild_derived();
    let mut warnings = Vec::new();
    let pruned = prune_framework(&mut project);
    if pruned > 0 {
        warnings.push(format!(
            "{pruned} table summaries or marks in {FRAMEWORK_FILE} referred to themes, codes or documents that no longer \
             exist (an older Tema may have deleted them) and were dropped"
        ));
    }
    project.check_integrity().map_err(|e| StoreError::Corrupt { path: dir.to_path_buf(), reason: e.to_string() })?;
    let damage = check_manifest(dir, &project, &counts, &mut written);

    let history = if with_history { read_history(dir, &mut written, &mut warnings) } else { History::default() };
    Ok(Loaded {
        project,
        history,
        history_loaded: with_history,
        file,
        written,
        warnings,
        damage,
        changed_texts,
        unanchored,
        anchoring,
    })
}

/// Reads the undo history, with the texts of documents its steps would add back. A history
/// that cannot be read costs only the older undo steps, so it is a warning, not an error.
pub fn read_history(dir: &Path, written: &mut Written, warnings: &mut Vec<String>) -> History {
    match read_json::<History>(dir, HISTORY_FILE, written) {
        Ok(Some(mut h)) => match fill_history_texts(dir, &mut h) {
            Ok(()) => h,
            Err(e) => {
                warnings.push(format!("the undo history could not be restored ({e}); older steps cannot be undone"));
                History::default()
            }
        },
        Ok(None) => History::default(),
        Err(e) => {
            warnings.push(format!("the undo history could not be read ({e}); older steps cannot be undone"));
            History::default()
        }
    }
}

/// [`read_history`] for a read-only opening over a commit cut short (see [`load_staged`]).
pub fn read_history_staged(
    dir: &Path,
    staged: &[String],
    written: &mut Written,
    warnings: &mut Vec<String>,
) -> History {
    STAGED.with(|s| *s.borrow_mut() = staged.iter().cloned().collect());
    let history = read_history(dir, written, warnings);
    STAGED.with(|s| s.borrow_mut().clear());
    history
}

/// A coder's file as read: (team position, coder, documents they have read).
type CoderRecord = (usize, Coder, Vec<DocId>);

/// Everything but the documents: participants, coders, codebook, themes, quotes, memos, the
/// consensus log and every coder's codings. Returns the coders' records, which need the
/// documents for their read marks.
/// The coders' records and the number of codings in each codings file (by relative path).
type Rest = (Vec<CoderRecord>, HashMap<String, usize>);

fn load_rest(dir: &Path, project: &mut Project, written: &mut Written) -> Result<Rest> {
    for p in read_json::<Vec<Participant>>(dir, "participants.json", written)?.unwrap_or_default() {
        project.participants.insert(p.id, p);
    }
    for c in read_json::<Vec<Coder>>(dir, LEGACY_CODERS_FILE, written)?.unwrap_or_default() {
        project.coders.insert(c.id, c);
    }
    for c in read_json::<Vec<Code>>(dir, "codebook.json", written)?.unwrap_or_default() {
        project.codes.insert(c.id, c);
    }
    for t in read_json::<Vec<Theme>>(dir, "themes.json", written)?.unwrap_or_default() {
        project.themes.insert(t.id, t);
    }
    for q in read_json::<Vec<Quote>>(dir, "quotes.json", written)?.unwrap_or_default() {
        project.quotes.insert(q.id, q);
    }
    for m in read_json::<Vec<Memo>>(dir, "memos.json", written)?.unwrap_or_default() {
        project.memos.insert(m.id, m);
    }
    for e in read_json::<Vec<ConsensusEntry>>(dir, CONSENSUS_FILE, written)?.unwrap_or_default() {
        project.consensus.insert(e.id, e);
    }
    project.framework = read_json(dir, FRAMEWORK_FILE, written)?.unwrap_or_default();
    let mut coder_files = Vec::new();
    let mut counts = HashMap::new();
    // Every file's codings in one list, each with the file it came from, then sorted by id and
    // made into the map in bulk (inserted one by one, each looked up its place).
    let mut files = Vec::new();
    let mut all: Vec<(Coding, usize)> = Vec::new();
    for (rel, parsed, file_written) in read_codings_files(dir)? {
        written.extend(file_written);
        let codings = match parsed {
            Some(AnyCoderFile::Current(f)) => {
                coder_files.push((f.position, f.coder, f.read));
                f.codings
            }
            Some(AnyCoderFile::Legacy(list)) => list,
            None => Vec::new(),
        };
        counts.insert(rel.clone(), codings.len());
        all.extend(codings.into_iter().map(|stored| (stored.into_coding(), files.len())));
        files.push(rel);
    }
    // Each file is saved in id order: a stable sort finds those runs and merges them.
    all.sort_by_key(|(c, _)| c.id);
    let twice = |file: usize| StoreError::Corrupt {
        path: dir.join(files.get(file).map_or(CODINGS_DIR, String::as_str)),
        reason: "a coding appears twice in the codings files".into(),
    };
    if let Some(pair) = all.windows(2).find(|pair| pair[0].0.id == pair[1].0.id) {
        return Err(twice(pair[1].1));
    }
    project.codings = Chunked::from_sorted(all.into_iter().map(|(c, _)| (c.id, c))).map_err(|_| twice(0))?;
    Ok((coder_files, counts))
}

/// A codings file as read: its path, what it holds (`None`: missing or emptied) and its hash.
type CodingsFile = (String, Option<AnyCoderFile<StoredCoding>>, Written);

/// Each coder's codings file parsed, in [`codings_files`] order. The files are read at once
/// and each one's codings parsed on every core (rayon's pool: as many threads as cores, for
/// any number of files): in a team's project they are the largest files (at 20 M words two
/// coders' files hold 200 MB, one of them 160 MB), and parsing them a file per thread left
/// the largest file the longest part of opening.
fn read_codings_files(dir: &Path) -> Result<Vec<CodingsFile>> {
    use rayon::prelude::*;
    let staged = STAGED.with(|s| s.borrow().clone());
    codings_files(dir)
        .par_iter()
        .map(|rel| {
            // The pool's threads read staged copies as this one does.
            STAGED.with(|s| *s.borrow_mut() = staged.clone());
            let mut written = Written::new();
            let parsed = read_coder_file::<StoredCoding>(dir, rel, &mut written)?;
            Ok((rel.clone(), parsed, written))
        })
        .collect()
}

/// The codings files (relative paths, sorted): only names the store writes, never a link.
fn codings_files(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir.join(CODINGS_DIR)) else { return Vec::new() };
    let mut names: Vec<String> = entries
        .flatten()
        .map(|e| format!("{CODINGS_DIR}/{}", e.file_name().to_string_lossy()))
        .filter(|rel| rel.ends_with(".json") && safe::is_store_file(rel))
        .collect();
    // A commit cut short may stage a coder's first file, which has no older version yet.
    STAGED.with(|s| {
        names.extend(s.borrow().iter().filter(|p| p.starts_with(&format!("{CODINGS_DIR}/"))).cloned());
    });
    names.sort();
    names.dedup();
    names
}

/// The fingerprints the codings files hold (see [`StoredCoding`]), read when a text changed
/// outside Tema. Each file must still be the one the project was read from (`written`): one
/// replaced meanwhile (a sync tool) would give fingerprints of other codings.
fn read_fingerprints(dir: &Path, written: &Written) -> Result<HashMap<CodingId, Fingerprint>> {
    let mut fingerprints = HashMap::new();
    for rel in codings_files(dir) {
        let mut now = Written::new();
        let file = read_coder_file::<StoredFingerprint>(dir, &rel, &mut now)?;
        if now.get(&rel) != written.get(&rel) {
            return Err(StoreError::Corrupt {
                path: dir.join(&rel),
                reason: "changed while the project was being opened; open it again".into(),
            });
        }
        let stored = match file {
            Some(AnyCoderFile::Current(f)) => f.codings,
            Some(AnyCoderFile::Legacy(list)) => list,
            None => Vec::new(),
        };
        fingerprints.extend(stored.into_iter().filter_map(|s| Some((s.id, s.fingerprint?))));
    }
    Ok(fingerprints)
}

/// Drops framework entries whose theme, code or document is gone. `framework.json` came
/// after format 1, so a Tema that predates it can delete a theme without clearing its
/// summaries; that must not make the project unopenable. Returns how many were dropped.
fn prune_framework(project: &mut Project) -> usize {
    let row_ok = |p: &Project, row: &RowKey| match row {
        RowKey::Theme(id) => p.themes.contains_key(id),
        RowKey::Code(id) => p.codes.contains_key(id),
    };
    let column_ok = |p: &Project, column: &ColumnKey| match column {
        ColumnKey::Document { id } => p.documents.contains_key(id),
        _ => true,
    };
    let before = project.framework.summaries.len() + project.framework.marks.len();
    let mut framework = std::mem::take(&mut project.framework);
    framework
        .summaries
        .retain(|(row, column), text| row_ok(project, row) && column_ok(project, column) && !text.trim().is_empty());
    framework.marks.retain(|(row, _), _| row_ok(project, row));
    project.framework = framework;
    before - project.framework.summaries.len() - project.framework.marks.len()
}

/// Fills in the texts of documents that the history's steps would add back.
fn fill_history_texts(dir: &Path, history: &mut History) -> Result<()> {
    for d in history.document_edits_mut().flat_map(crate::edit::Edit::added_documents_mut) {
        d.text = read_text(dir, d)?;
    }
    Ok(())
}

/// Deletes the text files known to be on disk (`on_disk`) that neither the project nor its
/// history refers to, and forgets them: what a save does without listing `texts/` (a save in
/// the background finishes on the UI thread).
pub fn remove_texts(dir: &Path, project: &Project, history: &History, on_disk: &mut TextsOnDisk) {
    if on_disk.len() <= project.documents.len() || !matches!(safe::real_dir(dir, TEXTS_DIR), Ok(true)) {
        return; // every file on disk may belong to a document
    }
    let mut live: std::collections::HashSet<DocId> = project.documents.keys().copied().collect();
    live.extend(history.document_edits().flat_map(crate::edit::Edit::added_documents).map(|d| d.id));
    on_disk.retain(|id, _| {
        let keep = live.contains(id);
        if !keep {
            let _ = safe::remove(&text_path(dir, *id));
        }
        keep
    });
}

/// Deletes text files that neither the project nor its history refers to.
pub fn collect_texts(dir: &Path, project: &Project, history: &History) {
    let mut live: std::collections::HashSet<String> = project.documents.keys().map(|id| format!("{id}.txt")).collect();
    // Never through a link, and only files named as Tema names texts.
    if !matches!(safe::real_dir(dir, TEXTS_DIR), Ok(true)) {
        return;
    }
    live.extend(history.document_edits().flat_map(crate::edit::Edit::added_documents).map(|d| format!("{}.txt", d.id)));
    let Ok(entries) = std::fs::read_dir(dir.join(TEXTS_DIR)) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let ours = name.strip_suffix(".txt").is_some_and(safe::is_text_id);
        let regular = entry.file_type().is_ok_and(|t| t.is_file());
        if ours && regular && !live.contains(&name) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}
