//! The snapshot: one human-readable JSON file per concern, written all-or-nothing.
//!
//! ```text
//! project.json        format version, snapshot id and sequence number, settings
//! documents.json      documents (metadata and speaker turns; not their text)
//! texts/<id>.txt      each document's normalised text, written once at import
//! participants.json   coders.json   codebook.json   themes.json   quotes.json   memos.json
//! framework.json      summaries and marks written into triangulation tables
//! codings/<coder>.json  each coder's codings, so coders syncing one folder never conflict
//! history.json        undo/redo steps (local to this copy)
//! journal.jsonl       edits since the snapshot (local to this copy)
//! ```
//!
//! A snapshot changes several files, and a crash must not leave some new and some old. So
//! new files are first written beside the old as `*.new` and fsynced; then `commit.json`,
//! listing them, is written atomically — the commit point; then the `*.new` files are renamed
//! into place and `commit.json` removed. Opening a project finishes a commit that was cut
//! short, and deletes `*.new` files that no commit names.

use super::atomic::{self, write_atomic, write_synced};
use super::error::{Result, StoreError};
use crate::edit::History;
use crate::model::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The format written by this version of Tema.
pub const FORMAT: u32 = 1;

pub const PROJECT_FILE: &str = "project.json";
pub const HISTORY_FILE: &str = "history.json";
pub const COMMIT_FILE: &str = "commit.json";
pub const TEXTS_DIR: &str = "texts";
pub const CODINGS_DIR: &str = "codings";
/// Added after format 1 without a format change: a project without it has no summaries.
pub const FRAMEWORK_FILE: &str = "framework.json";

/// What a fresh project folder ignores when it is put under git: everything local to one copy.
pub const GITIGNORE: &str = "# Local to this copy of the project; Tema rebuilds or recovers them.\n.lock\njournal.jsonl\njournal.*.jsonl\nhistory.json\ncommit.json\n*.new\n*.tmp\nindex/\n";

#[derive(Debug, Serialize, Deserialize)]
pub struct ProjectFile {
    pub format: u32,
    /// Changes with every snapshot; the journal names the one it was written on top of.
    pub snapshot: String,
    /// The last journal entry folded into this snapshot.
    pub seq: u64,
    #[serde(default)]
    pub generator: String,
    pub settings: Settings,
}

#[derive(Debug, Serialize, Deserialize)]
struct CommitFile {
    install: Vec<String>,
    delete: Vec<String>,
}

/// Relative path → content hash of what is on disk, to skip rewriting unchanged files.
pub type Written = HashMap<String, blake3::Hash>;

pub fn text_path(dir: &Path, id: DocId) -> PathBuf {
    dir.join(TEXTS_DIR).join(format!("{id}.txt"))
}

fn to_json<T: Serialize + ?Sized>(name: &str, value: &T) -> Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(value)
        .map_err(|e| StoreError::Corrupt { path: PathBuf::from(name), reason: e.to_string() })?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// A JSON array with one compact element per line: still readable, much smaller and faster
/// to parse than pretty-printed JSON for the largest files, and a change to one element is
/// a change to one line — which is what makes codings files merge cleanly in git.
fn to_json_lines<T: Serialize>(name: &str, items: &[T]) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(items.len() * 256 + 4);
    out.extend_from_slice(b"[");
    for (i, item) in items.iter().enumerate() {
        out.extend_from_slice(if i == 0 { b"\n  " } else { b",\n  " });
        serde_json::to_writer(&mut out, item)
            .map_err(|e| StoreError::Corrupt { path: PathBuf::from(name), reason: e.to_string() })?;
    }
    out.extend_from_slice(if items.is_empty() { b"]\n" } else { b"\n]\n" });
    Ok(out)
}

/// Every snapshot file of a project, as (relative path, bytes).
pub fn serialize(project: &Project, history: &History, snapshot: &str, seq: u64) -> Result<Vec<(String, Vec<u8>)>> {
    let mut files = Vec::new();
    let pf = ProjectFile {
        format: FORMAT,
        snapshot: snapshot.to_string(),
        seq,
        generator: format!("Tema {}", env!("CARGO_PKG_VERSION")),
        settings: project.settings.clone(),
    };
    let docs: Vec<&Document> = project.documents.values().collect();
    files.push(("documents.json".to_string(), to_json("documents.json", &docs)?));
    let parts: Vec<&Participant> = project.participants.values().collect();
    files.push(("participants.json".to_string(), to_json("participants.json", &parts)?));
    let coders: Vec<&Coder> = project.coders.values().collect();
    files.push(("coders.json".to_string(), to_json("coders.json", &coders)?));
    let codes: Vec<&Code> = project.codes.values().collect();
    files.push(("codebook.json".to_string(), to_json("codebook.json", &codes)?));
    let themes: Vec<&Theme> = project.themes.values().collect();
    files.push(("themes.json".to_string(), to_json("themes.json", &themes)?));
    let quotes: Vec<&Quote> = project.quotes.values().collect();
    files.push(("quotes.json".to_string(), to_json("quotes.json", &quotes)?));
    let memos: Vec<&Memo> = project.memos.values().collect();
    files.push(("memos.json".to_string(), to_json("memos.json", &memos)?));
    files.push((FRAMEWORK_FILE.to_string(), to_json(FRAMEWORK_FILE, &project.framework)?));
    let mut by_coder: HashMap<CoderId, Vec<&Coding>> = project.coders.keys().map(|c| (*c, Vec::new())).collect();
    for c in project.codings.values() {
        by_coder.entry(c.coder).or_default().push(c);
    }
    for coder in project.coders.values() {
        let list = by_coder.remove(&coder.id).unwrap_or_default();
        let name = format!("{CODINGS_DIR}/{}.json", coder.slug);
        files.push((name.clone(), to_json_lines(&name, &list)?));
    }
    files.push((HISTORY_FILE.to_string(), to_json(HISTORY_FILE, history)?));
    // Last, so a reader of the folder that ignores commit.json still sees it change last.
    files.push((PROJECT_FILE.to_string(), to_json(PROJECT_FILE, &pf)?));
    Ok(files)
}

/// Writes the changed files of a snapshot all-or-nothing and deletes stale coder files.
pub fn commit(dir: &Path, files: Vec<(String, Vec<u8>)>, written: &mut Written) -> Result<()> {
    let keep: std::collections::HashSet<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    let delete: Vec<String> =
        written.keys().filter(|p| p.starts_with(CODINGS_DIR) && !keep.contains(p.as_str())).cloned().collect();
    let changed: Vec<(String, Vec<u8>, blake3::Hash)> = files
        .into_iter()
        .map(|(p, b)| {
            let h = blake3::hash(&b);
            (p, b, h)
        })
        .filter(|(p, _, h)| written.get(p) != Some(h))
        .collect();
    if changed.is_empty() && delete.is_empty() {
        return Ok(());
    }
    let codings_dir = dir.join(CODINGS_DIR);
    if !codings_dir.exists() {
        std::fs::create_dir_all(&codings_dir).map_err(StoreError::io("create", &codings_dir))?;
        atomic::sync_dir(dir)?;
    }
    for (p, b, _) in &changed {
        write_synced(&new_path(&dir.join(p)), b)?;
    }
    let record = CommitFile { install: changed.iter().map(|(p, _, _)| p.clone()).collect(), delete };
    write_atomic(&dir.join(COMMIT_FILE), &to_json(COMMIT_FILE, &record)?)?;
    finish_commit(dir, &record)?;
    for (p, _, h) in changed {
        written.insert(p, h);
    }
    for p in &record.delete {
        written.remove(p);
    }
    Ok(())
}

fn new_path(path: &Path) -> PathBuf {
    atomic::tmp_path(path, "new")
}

fn finish_commit(dir: &Path, record: &CommitFile) -> Result<()> {
    for p in &record.install {
        let target = dir.join(p);
        let staged = new_path(&target);
        if staged.exists() {
            std::fs::rename(&staged, &target).map_err(StoreError::io("replace", &target))?;
        }
    }
    for p in &record.delete {
        let target = dir.join(p);
        match std::fs::remove_file(&target) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(StoreError::io("delete", &target)(e)),
        }
    }
    atomic::sync_dir(&dir.join(CODINGS_DIR))?;
    atomic::sync_dir(dir)?;
    let commit = dir.join(COMMIT_FILE);
    std::fs::remove_file(&commit).map_err(StoreError::io("delete", &commit))?;
    atomic::sync_dir(dir)
}

/// Finishes a snapshot commit cut short by a crash, and removes staged files of one that
/// never reached its commit point. Returns true if something was repaired.
pub fn recover(dir: &Path) -> Result<bool> {
    let mut repaired = false;
    let commit = dir.join(COMMIT_FILE);
    if commit.exists() {
        let bytes = std::fs::read(&commit).map_err(StoreError::io("read", &commit))?;
        // commit.json is written atomically, so if it exists it is whole.
        let record: CommitFile = serde_json::from_slice(&bytes)
            .map_err(|e| StoreError::Corrupt { path: commit.clone(), reason: e.to_string() })?;
        finish_commit(dir, &record)?;
        repaired = true;
    }
    for folder in [dir.to_path_buf(), dir.join(CODINGS_DIR), dir.join(TEXTS_DIR)] {
        let Ok(entries) = std::fs::read_dir(&folder) else { continue };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".new") || name.ends_with(".tmp") {
                let _ = std::fs::remove_file(entry.path());
                repaired = true;
            }
        }
    }
    Ok(repaired)
}

fn read_json<T: DeserializeOwned>(dir: &Path, name: &str, written: &mut Written) -> Result<Option<T>> {
    let path = dir.join(name);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(StoreError::io("read", &path)(e)),
    };
    written.insert(name.to_string(), blake3::hash(&bytes));
    serde_json::from_slice(&bytes).map(Some).map_err(|e| StoreError::Corrupt { path, reason: e.to_string() })
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
    let value = super::migrate::upgrade(dir, format, value)?;
    serde_json::from_value(value).map_err(|e| StoreError::Corrupt { path, reason: e.to_string() })
}

/// Loads a document's text and checks it against the length and hash recorded for it.
pub fn read_text(dir: &Path, doc: &Document) -> Result<Arc<str>> {
    let path = text_path(dir, doc.id);
    let text = std::fs::read_to_string(&path).map_err(StoreError::io("read the text of a document from", &path))?;
    if text_hash(&text) != doc.text_hash {
        return Err(StoreError::Corrupt {
            path,
            reason: format!(
                "the text of document \"{}\" has changed since it was imported (its checksum differs); \
                 restore the file from a backup or remove and re-import the document",
                doc.name()
            ),
        });
    }
    Ok(Arc::from(text))
}

/// Everything a snapshot holds.
pub struct Loaded {
    pub project: Project,
    pub history: History,
    pub file: ProjectFile,
    pub written: Written,
    pub warnings: Vec<String>,
}

pub fn load(dir: &Path) -> Result<Loaded> {
    let mut written = Written::new();
    let file = read_project_file(dir, &mut written)?;
    let mut project = Project { settings: file.settings.clone(), ..Default::default() };
    // Documents and their texts (hashing 10 MB of text) load on a second thread while this
    // one parses the codings, the other large part.
    let docs_job = std::thread::scope(|scope| -> Result<_> {
        let docs_thread = scope.spawn(|| -> Result<(Vec<Document>, Written)> {
            let mut written = Written::new();
            let mut docs: Vec<Document> = read_json(dir, "documents.json", &mut written)?.unwrap_or_default();
            for d in &mut docs {
                d.text = read_text(dir, d)?;
            }
            Ok((docs, written))
        });
        let rest = load_rest(dir, &mut project, &mut written);
        let docs = docs_thread.join().map_err(|_| StoreError::Corrupt {
            path: dir.join("documents.json"),
            reason: "reading the documents failed unexpectedly".into(),
        })?;
        rest?;
        docs
    })?;
    let (docs, docs_written) = docs_job;
    written.extend(docs_written);
    for d in docs {
        project.documents.insert(d.id, d);
    }
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

    let history = match read_json::<History>(dir, HISTORY_FILE, &mut written) {
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
    };
    Ok(Loaded { project, history, file, written, warnings })
}

/// Everything but the documents: participants, coders, codebook, themes, quotes, memos, the
/// framework cells and every coder's codings.
fn load_rest(dir: &Path, project: &mut Project, written: &mut Written) -> Result<()> {
    for p in read_json::<Vec<Participant>>(dir, "participants.json", written)?.unwrap_or_default() {
        project.participants.insert(p.id, p);
    }
    for c in read_json::<Vec<Coder>>(dir, "coders.json", written)?.unwrap_or_default() {
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
    project.framework = read_json(dir, FRAMEWORK_FILE, written)?.unwrap_or_default();
    let codings_dir = dir.join(CODINGS_DIR);
    if let Ok(entries) = std::fs::read_dir(&codings_dir) {
        let mut names: Vec<String> = entries
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".json"))
            .collect();
        names.sort();
        for name in names {
            let rel = format!("{CODINGS_DIR}/{name}");
            for c in read_json::<Vec<Coding>>(dir, &rel, written)?.unwrap_or_default() {
                if project.codings.insert(c.id, c).is_some() {
                    return Err(StoreError::Corrupt {
                        path: dir.join(&rel),
                        reason: "a coding appears twice in the codings files".into(),
                    });
                }
            }
        }
    }
    Ok(())
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
    let mut result = Ok(());
    for edit in history.edits_mut() {
        edit.for_each_added_document(&mut |d| {
            if result.is_ok() {
                match read_text(dir, d) {
                    Ok(t) => d.text = t,
                    Err(e) => result = Err(e),
                }
            }
        });
    }
    result
}

/// Deletes text files that neither the project nor its history refers to.
pub fn collect_texts(dir: &Path, project: &Project, history: &mut History) {
    let mut live: std::collections::HashSet<String> = project.documents.keys().map(|id| format!("{id}.txt")).collect();
    for edit in history.edits_mut() {
        edit.for_each_added_document(&mut |d| {
            live.insert(format!("{}.txt", d.id));
        });
    }
    let Ok(entries) = std::fs::read_dir(dir.join(TEXTS_DIR)) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".txt") && !live.contains(&name) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}
