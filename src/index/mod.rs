//! Full-text search over the corpus (tantivy).
//!
//! The index is a derived cache in `<project>/index/`: it can be deleted at any time and is
//! rebuilt from the documents. [`SearchIndex::open`] throws away an index that is missing,
//! from another schema version, analysed for another language or damaged, and starts a
//! fresh one; [`SearchIndex::sync`] then brings it in line with the project, re-indexing
//! only documents whose fingerprint changed. One long-lived `IndexWriter` does all the
//! writing; after each commit the reader is reloaded at once (`ReloadPolicy::Manual`), so
//! a search right after a sync sees it.
//!
//! The parts: [`schema`] (fields and analysers), [`words`] (the tokenizers), [`units`]
//! (cutting documents into turns and paragraphs), [`build`] (sync, worker job),
//! [`vocabulary`] (every word as written, with its stem), [`query`] (the query language:
//! parse, resolve, search, collect), [`surface`] (prefix and fuzzy words), [`kwic`] (hits mapped to char spans,
//! keyword in context), [`code_hits`] (code every hit in one edit), [`similar`] (more like
//! this), [`worker`] (search off the UI thread, stale results dropped). See `docs/SEARCH.md`.

pub mod build;
pub mod code_hits;
pub mod kwic;
mod manifest;
pub mod query;
pub mod schema;
pub mod similar;
pub mod surface;
pub mod units;
pub mod vocabulary;
pub mod words;
pub mod worker;

pub use build::SyncReport;
pub use code_hits::{CodeHitsOptions, CodeHitsPlan, Scope, plan_code_hits};
pub use kwic::{Context, Hit, Match};
pub use manifest::{IndexedDoc, Manifest};
pub use query::{CodingFilter, DocCount, Order, QueryError, SearchRequest, SearchResults, search};
pub use similar::{Similar, SimilarRequest, similar};
pub use worker::{SearchOutcome, SearchWorker};

use crate::model::{DocId, Language};
use schema::{Fields, SCHEMA_VERSION, build_schema, fields_of, register_tokenizers};
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyError};
use vocabulary::{NewWords, Vocabulary};

/// The index folder inside a project folder (listed in the project's `.gitignore`).
pub const INDEX_DIR: &str = "index";
/// Inside [`INDEX_DIR`]: the schema version, written last when an index is created.
pub const VERSION_FILE: &str = "VERSION";
/// Inside [`INDEX_DIR`]: tantivy's own files.
pub const TANTIVY_DIR: &str = "tantivy";

/// Memory the writer may buffer before it writes a segment, per indexing thread.
const WRITER_BUDGET_PER_THREAD: usize = 64 << 20;

#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("the search index in {path} failed: {source}")]
    Tantivy {
        path: PathBuf,
        #[source]
        source: TantivyError,
    },
    #[error(transparent)]
    Io(#[from] crate::files::FileIo),
    #[error("the search index is being updated by another Tema; it cannot be changed from here until that one closes")]
    ReadOnly,
    #[error("indexing was cancelled")]
    Cancelled,
    #[error("{0}")]
    Query(#[from] query::QueryError),
    #[error("the project's language changed since the search index was opened; open it again to rebuild it")]
    LanguageChanged,
}

impl IndexError {
    /// Whether the error comes from the index's files (damaged, unreadable) rather than from
    /// the query or the caller: the index should then be discarded and rebuilt.
    pub fn is_damage(&self) -> bool {
        matches!(self, IndexError::Tantivy { .. })
    }

    fn tantivy(path: &Path) -> impl FnOnce(TantivyError) -> IndexError + '_ {
        move |source| IndexError::Tantivy { path: path.to_path_buf(), source }
    }

    fn io(action: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> IndexError {
        crate::files::FileIo::on(action, path)
    }
}

/// Why an index was (re)built when it was opened. The app shows it as a notice; it is
/// never an error for the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rebuilt {
    /// There was no index yet (a new project, or someone deleted the folder).
    Missing,
    /// The index was made by a Tema with another index format.
    Outdated { found: Option<u32> },
    /// The project's language changed, so the words must be stemmed differently.
    LanguageChanged { was: Language },
    /// The index could not be read; what went wrong, for the log.
    Corrupt { reason: String },
}

impl fmt::Display for Rebuilt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rebuilt::Missing => write!(f, "building the search index"),
            Rebuilt::Outdated { .. } => {
                write!(f, "the search index was made by another version of Tema; rebuilding it")
            }
            Rebuilt::LanguageChanged { .. } => {
                write!(f, "the project's language changed; rebuilding the search index")
            }
            Rebuilt::Corrupt { .. } => write!(f, "the search index was damaged; rebuilding it"),
        }
    }
}

/// What opening an index found.
#[derive(Debug, Default)]
pub struct OpenReport {
    /// Set when the index had to be started afresh (it then needs a full [`SearchIndex::sync`]).
    pub rebuilt: Option<Rebuilt>,
    /// Another Tema holds the index writer: this one can search but not update.
    pub read_only: bool,
}

impl OpenReport {
    /// A line for the user, if there is anything to say.
    pub fn notice(&self) -> Option<String> {
        match (&self.rebuilt, self.read_only) {
            (Some(Rebuilt::Missing), _) | (None, false) => None,
            (Some(r), _) => Some(r.to_string()),
            (None, true) => {
                Some("another Tema is updating the search index; results may miss its latest changes".to_string())
            }
        }
    }
}

/// What a search sees: one committed state of the index and the manifest that describes it.
pub struct Snapshot {
    pub(crate) searcher: Searcher,
    pub(crate) manifest: Arc<Manifest>,
    /// The words of the indexed documents (and perhaps of some no longer indexed).
    pub(crate) vocabulary: Arc<Vocabulary>,
    slots: HashMap<u64, DocId>,
}

impl Snapshot {
    /// The document a slot belongs to in this state of the index.
    pub fn doc_of_slot(&self, slot: u64) -> Option<DocId> {
        self.slots.get(&slot).copied()
    }

    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    pub fn searcher(&self) -> &Searcher {
        &self.searcher
    }

    pub fn vocabulary(&self) -> &Vocabulary {
        &self.vocabulary
    }
}

/// An open search index. Share it as `Arc<SearchIndex>`: searches take a [`Snapshot`] and
/// run concurrently with a sync on another thread.
pub struct SearchIndex {
    /// `<project>/index`, or `None` for an index held in memory.
    root: Option<PathBuf>,
    fields: Fields,
    language: Language,
    reader: IndexReader,
    /// The one writer; `None` when another process holds it.
    writer: Option<Mutex<IndexWriter>>,
    /// Words the indexing threads met since the last commit.
    new_words: NewWords,
    current: RwLock<Arc<Snapshot>>,
}

impl fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SearchIndex")
            .field("root", &self.root)
            .field("language", &self.language)
            .field("read_only", &self.writer.is_none())
            .finish()
    }
}

impl SearchIndex {
    /// Opens the index of the project in `project_dir`, creating it (empty) when it is
    /// missing, outdated, for another language or damaged. Call [`SearchIndex::sync`] next.
    pub fn open(project_dir: &Path, language: Language) -> Result<(SearchIndex, OpenReport), IndexError> {
        let root = project_dir.join(INDEX_DIR);
        // tantivy is not panic-free on damaged files (a truncated segment): a panic while
        // opening is damage like any other, and the index is rebuilt.
        let opened = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| Self::try_open(&root, language)))
            .unwrap_or_else(|_| Err(Rebuilt::Corrupt { reason: "the index library failed reading it".into() }));
        let rebuilt = match opened {
            Ok(index) => {
                let read_only = index.writer.is_none();
                return Ok((index, OpenReport { rebuilt: None, read_only }));
            }
            Err(r) => r,
        };
        Self::discard(&root)?;
        let index = Self::create(&root, language)?;
        Ok((index, OpenReport { rebuilt: Some(rebuilt), read_only: false }))
    }

    /// Discards the project's index and builds an empty one in its place (call
    /// [`SearchIndex::sync`] next): the repair for an index that failed.
    pub fn rebuild(project_dir: &Path, language: Language) -> Result<SearchIndex, IndexError> {
        let root = project_dir.join(INDEX_DIR);
        Self::discard(&root)?;
        Self::create(&root, language)
    }

    /// An index held in memory only (tests, and a read-only project with no index on disk).
    pub fn in_memory(language: Language) -> Result<SearchIndex, IndexError> {
        let (schema, _) = build_schema();
        Self::finish_create(Index::create_in_ram(schema), None, language)
    }

    /// Deletes the index folder. `remove_dir_all` removes a link rather than following it,
    /// and the folder is Tema's own: nothing in it is anyone else's.
    fn discard(root: &Path) -> Result<(), IndexError> {
        match std::fs::symlink_metadata(root) {
            Ok(m) if m.is_dir() => {
                std::fs::remove_dir_all(root).map_err(IndexError::io("delete the old search index", root))
            }
            Ok(_) => std::fs::remove_file(root).map_err(IndexError::io("delete the old search index", root)),
            Err(_) => Ok(()),
        }
    }

    fn try_open(root: &Path, language: Language) -> Result<SearchIndex, Rebuilt> {
        if !root.join(TANTIVY_DIR).exists() {
            return Err(Rebuilt::Missing);
        }
        check_own_files(root).map_err(|reason| Rebuilt::Corrupt { reason })?;
        let found = std::fs::read_to_string(root.join(VERSION_FILE)).ok().and_then(|s| parse_version(&s));
        if found != Some(SCHEMA_VERSION) {
            return Err(Rebuilt::Outdated { found });
        }
        let corrupt = |reason: String| Rebuilt::Corrupt { reason };
        let tdir = root.join(TANTIVY_DIR);
        let index = Index::open_in_dir(&tdir).map_err(|e| corrupt(e.to_string()))?;
        let (schema, _) = build_schema();
        if index.schema() != schema {
            return Err(Rebuilt::Outdated { found });
        }
        let fields = fields_of(&schema).ok_or_else(|| corrupt("a field is missing".into()))?;
        let metas = index.load_metas().map_err(|e| corrupt(e.to_string()))?;
        let manifest: Manifest = metas
            .payload
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok())
            .ok_or_else(|| corrupt("the list of indexed documents is missing".into()))?;
        if manifest.schema != SCHEMA_VERSION {
            return Err(Rebuilt::Outdated { found: Some(manifest.schema) });
        }
        if manifest.language != language {
            return Err(Rebuilt::LanguageChanged { was: manifest.language });
        }
        let damaged = index.validate_checksum().map_err(|e| corrupt(e.to_string()))?;
        if !damaged.is_empty() {
            let mut names: Vec<String> = damaged.iter().map(|p| p.display().to_string()).collect();
            names.sort();
            return Err(corrupt(format!("damaged files: {}", names.join(", "))));
        }
        let vocabulary = Vocabulary::read(&root.join(vocabulary::FILE)).map_err(corrupt)?;
        let new_words = NewWords::default();
        register_tokenizers(&index, language, Arc::clone(&new_words));
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e: TantivyError| corrupt(e.to_string()))?;
        let writer = match new_writer(&index) {
            Ok(w) => Some(Mutex::new(w)),
            Err(TantivyError::LockFailure(..)) => None,
            Err(e) => return Err(corrupt(e.to_string())),
        };
        let snapshot = Self::snapshot_of(&reader, manifest, Arc::new(vocabulary));
        Ok(SearchIndex {
            root: Some(root.to_path_buf()),
            fields,
            language,
            reader,
            writer,
            new_words,
            current: RwLock::new(Arc::new(snapshot)),
        })
    }

    fn create(root: &Path, language: Language) -> Result<SearchIndex, IndexError> {
        let tdir = root.join(TANTIVY_DIR);
        std::fs::create_dir_all(&tdir).map_err(IndexError::io("create", &tdir))?;
        let (schema, _) = build_schema();
        let index = Index::create_in_dir(&tdir, schema).map_err(IndexError::tantivy(&tdir))?;
        let created = Self::finish_create(index, Some(root.to_path_buf()), language)?;
        // Written last: an index without it is taken for a half-made one and rebuilt.
        let version = root.join(VERSION_FILE);
        let tmp = root.join("VERSION.tmp");
        std::fs::write(&tmp, format!("tema-search-index {SCHEMA_VERSION}\n")).map_err(IndexError::io("write", &tmp))?;
        std::fs::rename(&tmp, &version).map_err(IndexError::io("write", &version))?;
        Ok(created)
    }

    fn finish_create(index: Index, root: Option<PathBuf>, language: Language) -> Result<SearchIndex, IndexError> {
        let path = root.clone().unwrap_or_else(|| PathBuf::from("(memory)"));
        let new_words = NewWords::default();
        register_tokenizers(&index, language, Arc::clone(&new_words));
        let (schema, _) = build_schema();
        let fields = fields_of(&schema).ok_or_else(|| IndexError::Tantivy {
            path: path.clone(),
            source: TantivyError::SchemaError("a field is missing".into()),
        })?;
        let mut writer = new_writer(&index).map_err(IndexError::tantivy(&path))?;
        let manifest = Manifest::new(language);
        let vocabulary = Arc::new(Vocabulary::default());
        commit(&mut writer, &manifest, root.as_deref(), || Some(Arc::clone(&vocabulary)))?;
        let reader: IndexReader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(IndexError::tantivy(&path))?;
        let snapshot = Self::snapshot_of(&reader, manifest, vocabulary);
        Ok(SearchIndex {
            root,
            fields,
            language,
            reader,
            writer: Some(Mutex::new(writer)),
            new_words,
            current: RwLock::new(Arc::new(snapshot)),
        })
    }

    fn snapshot_of(reader: &IndexReader, manifest: Manifest, vocabulary: Arc<Vocabulary>) -> Snapshot {
        Snapshot { searcher: reader.searcher(), slots: manifest.slot_map(), manifest: Arc::new(manifest), vocabulary }
    }

    /// The current committed state, for one search.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        match self.current.read() {
            Ok(s) => Arc::clone(&s),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Makes the last commit visible to searches (read-your-writes).
    fn publish(&self, manifest: Manifest, vocabulary: Arc<Vocabulary>) -> Result<(), IndexError> {
        self.reader.reload().map_err(IndexError::tantivy(self.path()))?;
        let snapshot = Arc::new(Self::snapshot_of(&self.reader, manifest, vocabulary));
        match self.current.write() {
            Ok(mut s) => *s = snapshot,
            Err(poisoned) => *poisoned.into_inner() = snapshot,
        }
        Ok(())
    }

    fn writer(&self) -> Result<MutexGuard<'_, IndexWriter>, IndexError> {
        let writer = self.writer.as_ref().ok_or(IndexError::ReadOnly)?;
        // A panic while holding the writer leaves nothing half-done that a rollback at the
        // start of the next sync does not undo.
        Ok(writer.lock().unwrap_or_else(|p| p.into_inner()))
    }

    pub fn language(&self) -> Language {
        self.language
    }

    pub fn is_read_only(&self) -> bool {
        self.writer.is_none()
    }

    /// `<project>/index`, or `(memory)`.
    pub fn path(&self) -> &Path {
        self.root.as_deref().unwrap_or(Path::new("(memory)"))
    }

    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    /// Bytes the index takes on disk (0 in memory).
    pub fn size_on_disk(&self) -> u64 {
        fn walk(p: &Path) -> u64 {
            let Ok(entries) = std::fs::read_dir(p) else { return 0 };
            entries
                .flatten()
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => walk(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        }
        self.root.as_deref().map(walk).unwrap_or(0)
    }
}

/// Checks that the index folder holds only what an index of Tema's holds, before tantivy
/// opens it: real folders (not links), regular files, and a `.managed.json` — the list of
/// files tantivy's clean-up may delete — naming only plain file names inside it. Anything
/// else means the folder is not Tema's own making, and it is discarded and rebuilt rather
/// than cleaned by the library (which would delete whatever the list names).
fn check_own_files(root: &Path) -> Result<(), String> {
    for dir in [root.to_path_buf(), root.join(TANTIVY_DIR)] {
        let meta = std::fs::symlink_metadata(&dir).map_err(|e| e.to_string())?;
        if !meta.is_dir() {
            return Err(format!("{} is not a folder", dir.display()));
        }
        let entries = std::fs::read_dir(&dir).map_err(|e| e.to_string())?;
        for entry in entries.flatten() {
            let kind = entry.file_type().map_err(|e| e.to_string())?;
            let nested = dir == root && entry.file_name() == TANTIVY_DIR;
            if kind.is_symlink() || !(kind.is_file() || nested) {
                return Err(format!("{} is not a regular file", entry.path().display()));
            }
        }
    }
    let managed = root.join(TANTIVY_DIR).join(".managed.json");
    if let Ok(bytes) = std::fs::read(&managed) {
        let names: Vec<String> = serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", managed.display()))?;
        let plain = |n: &str| {
            !n.is_empty() && n != "." && n != ".." && !n.contains(['/', '\\', ':', '\0']) && !n.starts_with('~')
        };
        if let Some(bad) = names.iter().find(|n| !plain(n)) {
            return Err(format!("{} names {bad:?}, outside the index", managed.display()));
        }
    }
    Ok(())
}

fn parse_version(s: &str) -> Option<u32> {
    s.trim().strip_prefix("tema-search-index ")?.trim().parse().ok()
}

fn new_writer(index: &Index) -> tantivy::Result<IndexWriter> {
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).clamp(1, 4);
    index.writer_with_num_threads(threads, threads * WRITER_BUDGET_PER_THREAD)
}

/// Commits what the writer holds, with the manifest as the commit's payload.
///
/// `vocabulary` runs once the commit is prepared — every document is analysed by then, so
/// every new word has been reported — and returns the vocabulary to keep, or `None` when it
/// did not change. A changed one is written to the index folder (`root`) before the commit
/// is made, so the list on disk is never behind the index. Returns what `vocabulary` did.
fn commit(
    writer: &mut IndexWriter,
    manifest: &Manifest,
    root: Option<&Path>,
    vocabulary: impl FnOnce() -> Option<Arc<Vocabulary>>,
) -> Result<Option<Arc<Vocabulary>>, IndexError> {
    let path = root.unwrap_or(Path::new("(memory)"));
    let payload = serde_json::to_string(manifest).map_err(|e| TantivyError::InternalError(e.to_string()));
    let payload = payload.map_err(IndexError::tantivy(path))?;
    let mut prepared = writer.prepare_commit().map_err(IndexError::tantivy(path))?;
    let changed = vocabulary();
    if let (Some(root), Some(v)) = (root, &changed) {
        let file = root.join(vocabulary::FILE);
        if let Err(source) = v.write(&file) {
            let _ = prepared.abort();
            return Err(crate::files::FileIo { action: "write", path: file, source }.into());
        }
    }
    prepared.set_payload(&payload);
    prepared.commit().map_err(IndexError::tantivy(path))?;
    Ok(changed)
}

impl SearchIndex {
    /// The vocabulary with the words met since the last commit added, if there are any.
    fn take_new_words(&self, base: &Vocabulary) -> Option<Arc<Vocabulary>> {
        let new = std::mem::take(&mut *self.new_words.lock().unwrap_or_else(|p| p.into_inner()));
        base.merged(new).map(Arc::new)
    }
}
