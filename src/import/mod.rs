//! Importing what researchers have: transcripts, field notes and a participants sheet.
//!
//! Import happens in two steps so that the app can run it on a worker thread and show a
//! preview before anything changes:
//!
//! 1. [`plan_import`] reads every file, extracts and normalises its text, finds speaker
//!    turns and maps the speakers to participants, reporting progress and stopping when
//!    cancelled. It changes nothing and returns an [`ImportPlan`]: what happens to each file
//!    (imported, skipped as a duplicate, failed with a [`FileError`]), the speakers found
//!    and who they map to, and the participants the sheet adds or updates.
//! 2. [`ImportPlan::edit`] gives one [`Edit::Batch`] that adds it all; applied through
//!    `Store::apply` it is one undo step, and it is all-or-nothing like every edit.
//!
//! One module per format reads the file into text (or timed cues); [`normalise`] makes the
//! text canonical; [`speakers`] finds the turns; [`participants`] reads the sheet. See
//! docs/IMPORT.md for the decisions behind each step.

pub mod cues;
pub mod document_sheet;
pub mod docx;
mod error;
pub mod html;
pub mod language;
pub mod md;
pub mod normalise;
pub mod odt;
mod paragraphs;
pub mod participants;
pub mod pdf;
pub mod rtf;
pub mod speakers;
pub mod srt;
pub mod txt;
pub mod vtt;
mod zipped;

pub use error::{FileError, ImportError, SheetError};
pub use speakers::{DetectedTurn, SpeakerPattern};

use crate::edit::Edit;
use crate::model::*;
use crate::progress::Progress;
use serde::Serialize;
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::{Path, PathBuf};

/// File extensions Tema imports, for messages and file dialogs.
pub const SUPPORTED: &[&str] = &["txt", "md", "docx", "odt", "rtf", "html", "pdf", "vtt", "srt"];

/// Extensions of participants sheets.
pub const SHEET_EXTENSIONS: &[&str] = &["csv", "tsv", "xlsx"];

/// The formats Tema reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Txt,
    Markdown,
    Docx,
    Odt,
    Rtf,
    Html,
    Pdf,
    Vtt,
    Srt,
}

impl Format {
    /// The format of a file, by its extension.
    pub fn of(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "txt" | "text" => Format::Txt,
            "md" | "markdown" => Format::Markdown,
            "docx" | "docm" | "dotx" => Format::Docx,
            "odt" | "ott" => Format::Odt,
            "rtf" => Format::Rtf,
            "html" | "htm" | "xhtml" => Format::Html,
            "pdf" => Format::Pdf,
            "vtt" | "webvtt" => Format::Vtt,
            "srt" => Format::Srt,
            _ => return None,
        })
    }

    /// The word stored in a document's source info (`docx`, `txt`, ...).
    pub fn slug(self) -> &'static str {
        match self {
            Format::Txt => "txt",
            Format::Markdown => "md",
            Format::Docx => "docx",
            Format::Odt => "odt",
            Format::Rtf => "rtf",
            Format::Html => "html",
            Format::Pdf => "pdf",
            Format::Vtt => "vtt",
            Format::Srt => "srt",
        }
    }
}

/// Size limits that keep a hostile or broken file from exhausting memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest file read at all.
    pub max_file_bytes: u64,
    /// Most bytes unpacked from one zip container (.docx, .odt), over all the parts read.
    pub max_unpacked_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_file_bytes: 1 << 30, max_unpacked_bytes: 256 << 20 }
    }
}

#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// The kind of every document; `None` infers it per file (see [`KindSource`]).
    pub kind: Option<DocKind>,
    /// A participants sheet (.csv, .tsv, .xlsx) to add or update participants from.
    pub participants: Option<PathBuf>,
    /// A regular expression for speaker labels, replacing the built-in shapes (see
    /// [`speakers`]); it needs a named group `speaker`.
    pub speaker_pattern: Option<String>,
    /// Fail a file whose speakers do not all map to participants, instead of leaving
    /// those turns unattributed.
    pub strict_speakers: bool,
    /// Import files whose text is already in the project (or earlier in the batch) instead of
    /// skipping them as duplicates.
    pub keep_duplicates: bool,
    /// Detect each document's language and record it when it differs from the project's.
    pub detect_language: bool,
    pub limits: Limits,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Reading,
    Extracting,
    Normalising,
    Speakers,
    Done,
}

impl Stage {
    /// The stage as the [`Progress`] phase [`plan_import`] reports.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Reading => "reading",
            Stage::Extracting => "extracting",
            Stage::Normalising => "normalising",
            Stage::Speakers => "finding speakers",
            Stage::Done => "done",
        }
    }
}

/// Why a document got its kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "from", rename_all = "snake_case")]
pub enum KindSource {
    /// Chosen by the user (`--kind`).
    Given,
    /// From a folder's name (`interviews/`, `focus-groups/`, `field-notes/`).
    Folder { folder: String },
    /// From the number of speakers other than interviewers.
    Speakers { speakers: usize },
    /// No speakers found: field notes.
    NoSpeakers,
    /// No speakers found, but the file is named after a participant: their account.
    FileName,
}

/// Who a speaker turned out to be.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Mapping {
    /// The speaker's name is a participant's label.
    Label { participant: String },
    /// The speaker's name is one of a participant's aliases.
    Alias { participant: String },
    /// A respondent role (`R:`, `Respondent:`) or an unlabelled text, in a file named after
    /// a participant.
    FileName { participant: String },
    /// An interviewer role (`Interviewer:`, `Moderator:`, `I:`); the participant is flagged
    /// as an interviewer and created if it did not exist.
    Interviewer { participant: String, created: bool },
    /// No participant: the turns stay unattributed.
    Unmapped,
}

impl Mapping {
    pub fn participant(&self) -> Option<&str> {
        match self {
            Mapping::Label { participant }
            | Mapping::Alias { participant }
            | Mapping::FileName { participant }
            | Mapping::Interviewer { participant, .. } => Some(participant),
            Mapping::Unmapped => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SpeakerReport {
    pub speaker: String,
    pub turns: usize,
    pub mapping: Mapping,
}

/// What an imported file became.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DocReport {
    #[serde(skip)]
    pub id: DocId,
    pub name: String,
    /// The name was taken, so a number was added.
    pub renamed: bool,
    pub kind: DocKind,
    pub kind_from: KindSource,
    pub format: Format,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    pub chars: usize,
    pub words: usize,
    /// The language detected, when it differs from the project's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language: Option<Language>,
    pub turns: usize,
    pub unattributed_turns: usize,
    pub speakers: Vec<SpeakerReport>,
}

#[derive(Debug, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum FileOutcome {
    Imported {
        document: DocReport,
    },
    /// The same bytes, or (`same_text`) another file with the same normalised text — an .rtf
    /// and a UTF-16 .txt of the same field notes — is already in the project or earlier in
    /// this import. Skipped unless `ImportOptions::keep_duplicates`.
    Duplicate {
        duplicate_of: String,
        #[serde(default)]
        same_text: bool,
    },
    Failed {
        #[serde(serialize_with = "serialize_file_error")]
        error: FileError,
    },
}

fn serialize_file_error<S: serde::Serializer>(e: &FileError, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let mut m = s.serialize_map(Some(2))?;
    m.serialize_entry("code", e.code())?;
    m.serialize_entry("message", &e.to_string())?;
    m.end()
}

#[derive(Debug, Serialize)]
pub struct FileReport {
    pub path: PathBuf,
    #[serde(flatten)]
    pub outcome: FileOutcome,
}

impl FileReport {
    /// The error as the user should read it: the file, then the reason.
    pub fn error_message(&self) -> Option<String> {
        match &self.outcome {
            FileOutcome::Failed { error } => Some(format!("{}: {error}", self.path.display())),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParticipantAction {
    /// New, from the sheet.
    Added,
    /// Already in the project; the sheet changed their group, attributes or aliases.
    Updated,
    /// Already in the project as the sheet has them.
    Unchanged,
    /// An interviewer created for a speaker such as `Interviewer` or `Moderator`.
    AddedInterviewer,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ParticipantChange {
    pub label: String,
    pub action: ParticipantAction,
}

/// The result of [`plan_import`]: a report and the edit that carries it out.
#[derive(Debug, Serialize)]
pub struct ImportPlan {
    pub files: Vec<FileReport>,
    /// Files in the given folders that are not documents Tema reads (images, .json, ...).
    pub ignored: Vec<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub participants_file: Option<PathBuf>,
    pub participants: Vec<ParticipantChange>,
    #[serde(skip)]
    participant_edits: Vec<Edit>,
    #[serde(skip)]
    documents: Vec<Document>,
}

impl ImportPlan {
    /// The one edit that imports everything planned, or `None` when there is nothing to do.
    /// Failed files and duplicates are not in it.
    pub fn edit(&self) -> Option<Edit> {
        let mut edits = self.participant_edits.clone();
        edits.extend(self.documents.iter().map(|d| Edit::AddDocument { document: Box::new(d.clone()), index: None }));
        if edits.is_empty() {
            return None;
        }
        let label = match self.documents.as_slice() {
            [] => "Import participants".to_string(),
            [d] => format!("Import “{}”", d.name()),
            docs => format!("Import {} documents", docs.len()),
        };
        Some(Edit::batch(label, edits))
    }

    /// The documents the edit adds, in order.
    pub fn documents(&self) -> &[Document] {
        &self.documents
    }

    pub fn document(&self, id: DocId) -> Option<&Document> {
        self.documents.iter().find(|d| d.id == id)
    }

    pub fn imported(&self) -> impl Iterator<Item = &DocReport> {
        self.files.iter().filter_map(|f| match &f.outcome {
            FileOutcome::Imported { document } => Some(document),
            _ => None,
        })
    }

    pub fn failures(&self) -> impl Iterator<Item = &FileReport> {
        self.files.iter().filter(|f| matches!(f.outcome, FileOutcome::Failed { .. }))
    }

    pub fn has_failures(&self) -> bool {
        self.failures().next().is_some()
    }

    pub fn duplicates(&self) -> usize {
        self.files.iter().filter(|f| matches!(f.outcome, FileOutcome::Duplicate { .. })).count()
    }
}

/// Reads `paths` (files, or folders searched recursively) and plans their import into
/// `project` without changing it. It reports on `progress` as it goes — the bar counts bytes
/// read over all files, the items are the files, the phase is a [`Stage`]'s label and the
/// message the file's name — and cancelling it stops the import with
/// [`ImportError::Cancelled`] at the next file, stage or 4 MB read.
///
/// A file that cannot be read is reported in the plan and left out. The whole import fails
/// only on a bad participants sheet or speaker pattern, a path that does not exist, or
/// cancellation.
pub fn plan_import(
    project: &Project,
    paths: &[PathBuf],
    options: &ImportOptions,
    progress: &Progress,
) -> Result<ImportPlan, ImportError> {
    let pattern = match &options.speaker_pattern {
        Some(p) => SpeakerPattern::custom(p).map_err(ImportError::BadPattern)?,
        None => SpeakerPattern::Builtin,
    };
    let mut roster = Roster::of(project);
    let mut plan = ImportPlan {
        files: Vec::new(),
        ignored: Vec::new(),
        participants_file: options.participants.clone(),
        participants: Vec::new(),
        participant_edits: Vec::new(),
        documents: Vec::new(),
    };
    if let Some(sheet) = &options.participants {
        apply_sheet(project, sheet, &options.limits, &mut roster, &mut plan)?;
    }
    let (files, ignored) = collect_files(paths)?;
    plan.ignored = ignored;
    let sizes: Vec<u64> = files.iter().map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0)).collect();
    let total: u64 = sizes.iter().sum();
    progress.set_total(total);
    let mut done = 0u64;
    let mut hashes: HashMap<String, String> = project
        .documents
        .values()
        .filter_map(|d| d.source.as_ref().map(|s| (s.file_hash.clone(), d.name().to_string())))
        .collect();
    let mut texts: HashMap<String, String> =
        project.documents.values().map(|d| (d.text_hash.clone(), d.name().to_string())).collect();
    let mut names: HashSet<String> = project.documents.values().map(|d| name_key(d.name())).collect();
    for (i, path) in files.iter().enumerate() {
        progress.set_item(i as u64, files.len() as u64);
        progress.set_message(path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
        let mut file = FilePlanner {
            options,
            pattern: &pattern,
            roster: &mut roster,
            hashes: &mut hashes,
            texts: &mut texts,
            language: project.settings.language,
            names: &mut names,
            progress,
            done,
        };
        let outcome = match file.plan(path) {
            Ok(Planned::Document(doc, report, created)) => {
                for p in created {
                    plan.participants.push(ParticipantChange {
                        label: p.props.label.clone(),
                        action: ParticipantAction::AddedInterviewer,
                    });
                    plan.participant_edits.push(Edit::AddParticipant { participant: p, index: None });
                }
                plan.documents.push(*doc);
                FileOutcome::Imported { document: report }
            }
            Ok(Planned::Duplicate(of, same_text)) => FileOutcome::Duplicate { duplicate_of: of, same_text },
            Err(Failure::File(error)) => FileOutcome::Failed { error },
            Err(Failure::Cancelled) => return Err(ImportError::Cancelled),
        };
        done += sizes[i];
        progress.set_phase(Stage::Done.label());
        progress.set_done(done);
        plan.files.push(FileReport { path: path.clone(), outcome });
    }
    // Cancelled while the last file was mapped: still nothing is imported.
    progress.check().map_err(|_| ImportError::Cancelled)?;
    Ok(plan)
}

/// Opens a file to import, refusing at once anything but a regular file: opening a FIFO
/// would wait forever for a writer, a device could be read without end.
pub(crate) fn open_regular(path: &Path) -> Result<std::fs::File, FileError> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let f = options.open(path).map_err(FileError::Io)?;
    let kind = f.metadata().map_err(FileError::Io)?.file_type();
    if kind.is_file() {
        return Ok(f);
    }
    Err(FileError::NotRegular { kind: crate::files::kind_of(&kind) })
}

/// Lists the files to import: given files as they are, folders searched recursively in
/// name order for files with a supported extension (hidden files, Word's `~$` lock files
/// and participants sheets left out).
fn collect_files(paths: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<PathBuf>), ImportError> {
    let mut files = Vec::new();
    let mut ignored = Vec::new();
    let mut seen = HashSet::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|_| ImportError::NotFound { path: path.clone() })?;
        if meta.is_dir() {
            let mut stack = vec![path.clone()];
            while let Some(dir) = stack.pop() {
                let list = |e| ImportError::ListFolder { path: dir.clone(), source: e };
                let mut entries: Vec<PathBuf> =
                    std::fs::read_dir(&dir).map_err(list)?.filter_map(|e| e.ok().map(|e| e.path())).collect();
                entries.sort();
                let mut subdirs = Vec::new();
                for entry in entries {
                    let name = entry.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                    if name.starts_with('.') || name.starts_with("~$") {
                        continue;
                    }
                    if entry.is_dir() {
                        subdirs.push(entry);
                    } else if Format::of(&entry).is_some() {
                        if seen.insert(entry.clone()) {
                            files.push(entry);
                        }
                    } else {
                        ignored.push(entry);
                    }
                }
                // Depth-first in name order: push in reverse so the first pops first.
                stack.extend(subdirs.into_iter().rev());
            }
        } else if seen.insert(path.clone()) {
            files.push(path.clone());
        }
    }
    Ok((files, ignored))
}

/// The participants a speaker can map to: the project's, the sheet's, and interviewers
/// created during this import.
#[derive(Default)]
struct Roster {
    entries: Vec<RosterEntry>,
    by_label: HashMap<String, usize>,
    by_alias: HashMap<String, usize>,
}

struct RosterEntry {
    id: ParticipantId,
    label: String,
    interviewer: bool,
}

impl Roster {
    fn of(project: &Project) -> Self {
        let mut r = Roster::default();
        for p in project.participants.values() {
            r.put(p.id, &p.props);
        }
        r
    }

    /// Adds or replaces a participant.
    fn put(&mut self, id: ParticipantId, props: &ParticipantProps) {
        let i = match self.entries.iter().position(|e| e.id == id) {
            Some(i) => {
                self.by_alias.retain(|_, v| *v != i);
                self.entries[i] = RosterEntry { id, label: props.label.clone(), interviewer: props.interviewer };
                i
            }
            None => {
                self.entries.push(RosterEntry { id, label: props.label.clone(), interviewer: props.interviewer });
                self.entries.len() - 1
            }
        };
        self.by_label.insert(name_key(&props.label), i);
        for a in &props.aliases {
            self.by_alias.entry(name_key(a)).or_insert(i);
        }
    }

    fn by_label(&self, name: &str) -> Option<&RosterEntry> {
        self.by_label.get(&name_key(name)).map(|i| &self.entries[*i])
    }

    fn by_alias(&self, name: &str) -> Option<&RosterEntry> {
        self.by_alias.get(&name_key(name)).map(|i| &self.entries[*i])
    }

    fn knows(&self, name: &str) -> bool {
        self.by_label(name).is_some() || self.by_alias(name).is_some()
    }
}

/// Reads the participants sheet and plans adding or updating its participants.
fn apply_sheet(
    project: &Project,
    path: &Path,
    limits: &Limits,
    roster: &mut Roster,
    plan: &mut ImportPlan,
) -> Result<(), ImportError> {
    let sheet_err = |reason: SheetError| ImportError::Sheet { path: path.to_path_buf(), reason };
    let meta = std::fs::metadata(path).map_err(|_| ImportError::NotFound { path: path.to_path_buf() })?;
    if meta.len() > limits.max_file_bytes.min(64 << 20) {
        return Err(ImportError::File {
            path: path.to_path_buf(),
            reason: FileError::TooLarge { size: meta.len(), limit: limits.max_file_bytes.min(64 << 20) },
        });
    }
    let mut bytes = Vec::new();
    open_regular(path)
        .and_then(|mut f| std::io::Read::read_to_end(&mut f, &mut bytes).map_err(FileError::Io))
        .map_err(|reason| ImportError::File { path: path.to_path_buf(), reason })?;
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
    if matches!(ext.as_str(), "xlsx" | "xlsm") {
        // calamine inflates parts itself: check the declared sizes first.
        zipped::check_declared_sizes(&bytes, limits)
            .map_err(|reason| ImportError::File { path: path.to_path_buf(), reason })?;
    }
    let rows = participants::parse_sheet(&ext, bytes).map_err(sheet_err)?;
    for row in rows {
        match project.participant_by_label(&row.props.label) {
            Some(existing) => {
                // The sheet's columns win; attributes it does not have are kept.
                let mut props = existing.props.clone();
                props.group = row.props.group.clone();
                for (k, v) in &row.props.attributes {
                    props.attributes.insert(k.clone(), v.clone());
                }
                if !row.props.aliases.is_empty() {
                    props.aliases = row.props.aliases.clone();
                }
                props.interviewer = row.props.interviewer;
                if row.props.pseudonym.is_some() {
                    props.pseudonym = row.props.pseudonym.clone();
                }
                let action = if props == existing.props {
                    ParticipantAction::Unchanged
                } else {
                    plan.participant_edits.push(Edit::UpdateParticipant { id: existing.id, props: props.clone() });
                    ParticipantAction::Updated
                };
                roster.put(existing.id, &props);
                plan.participants.push(ParticipantChange { label: props.label, action });
            }
            None => {
                let participant = Participant { id: ParticipantId::new(), props: row.props };
                roster.put(participant.id, &participant.props);
                plan.participants.push(ParticipantChange {
                    label: participant.props.label.clone(),
                    action: ParticipantAction::Added,
                });
                plan.participant_edits.push(Edit::AddParticipant { participant, index: None });
            }
        }
    }
    // An alias must not point at someone else already in the project.
    for change in &plan.participants {
        let Some(entry) = roster.by_label(&change.label) else { continue };
        let id = entry.id;
        for p in project.participants.values().filter(|p| p.id != id) {
            if let Some(alias) = p.props.aliases.iter().find(|a| name_key(a) == name_key(&change.label)) {
                return Err(sheet_err(SheetError::AmbiguousAlias {
                    line: 0,
                    alias: alias.clone(),
                    label: p.props.label.clone(),
                    other: format!("the label of {} in the sheet", change.label),
                }));
            }
        }
    }
    Ok(())
}

enum Planned {
    Document(Box<Document>, DocReport, Vec<Participant>),
    /// Of which document; whether by its text (not the same bytes).
    Duplicate(String, bool),
}

enum Failure {
    File(FileError),
    Cancelled,
}

impl From<FileError> for Failure {
    fn from(e: FileError) -> Self {
        Failure::File(e)
    }
}

/// What a file's reader gives: text, or timed cues.
enum Extracted {
    Text(String),
    Cues(Vec<cues::Cue>),
}

struct FilePlanner<'a> {
    options: &'a ImportOptions,
    pattern: &'a SpeakerPattern,
    roster: &'a mut Roster,
    hashes: &'a mut HashMap<String, String>,
    /// Documents by the hash of their normalised text.
    texts: &'a mut HashMap<String, String>,
    /// The project's language: a detected language is recorded only when it differs.
    language: Language,
    names: &'a mut HashSet<String>,
    progress: &'a Progress,
    /// Bytes of the files before this one.
    done: u64,
}

impl FilePlanner<'_> {
    fn check_cancel(&self) -> Result<(), Failure> {
        self.progress.check().map_err(|_| Failure::Cancelled)
    }

    /// Reports a stage of this file and the bytes read over all files so far.
    fn report(&self, stage: Stage, bytes: u64) {
        self.progress.set_phase(stage.label());
        self.progress.set_done(bytes);
    }

    /// Reads a file in chunks, reporting progress.
    fn read(&self, path: &Path) -> Result<Vec<u8>, Failure> {
        let mut f = open_regular(path)?;
        let size = f.metadata().map_err(FileError::Io)?.len();
        let limit = self.options.limits.max_file_bytes;
        if size > limit {
            return Err(FileError::TooLarge { size, limit }.into());
        }
        let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
        let mut chunk = vec![0u8; 4 << 20];
        loop {
            self.check_cancel()?;
            let n = f.read(&mut chunk).map_err(FileError::Io)?;
            if n == 0 {
                break;
            }
            bytes.extend_from_slice(&chunk[..n]);
            if bytes.len() as u64 > limit {
                return Err(FileError::TooLarge { size: bytes.len() as u64, limit }.into());
            }
            self.report(Stage::Reading, self.done + bytes.len() as u64);
        }
        Ok(bytes)
    }

    fn plan(&mut self, path: &Path) -> Result<Planned, Failure> {
        self.check_cancel()?;
        self.report(Stage::Reading, self.done);
        let format = Format::of(path).ok_or_else(|| FileError::Unsupported {
            ext: path.extension().map(|e| e.to_string_lossy().into_owned()).unwrap_or_default(),
        })?;
        let bytes = self.read(path)?;
        if bytes.is_empty() {
            return Err(FileError::Empty.into());
        }
        let file_hash = blake3::hash(&bytes).to_hex().to_string();
        if let Some(of) = self.hashes.get(&file_hash)
            && !self.options.keep_duplicates
        {
            return Ok(Planned::Duplicate(of.clone(), false));
        }
        self.check_cancel()?;
        let bytes_len = bytes.len() as u64;
        self.report(Stage::Extracting, self.done + bytes_len);
        let (extracted, encoding) = extract(format, bytes, &self.options.limits)?;
        self.check_cancel()?;
        self.report(Stage::Normalising, self.done + bytes_len);
        let (text, detected) = match extracted {
            Extracted::Text(text) => (normalise::normalise(text), None),
            Extracted::Cues(cues) => {
                let (text, turns) = cues::merge(cues);
                (text, Some(turns))
            }
        };
        if text.is_empty() {
            return Err(FileError::NoText.into());
        }
        let content_hash = text_hash(&text);
        if let Some(of) = self.texts.get(&content_hash)
            && !self.options.keep_duplicates
        {
            return Ok(Planned::Duplicate(of.clone(), true));
        }
        self.check_cancel()?;
        self.report(Stage::Speakers, self.done + bytes_len);
        let roster = &*self.roster;
        let detected = detected.unwrap_or_else(|| speakers::detect_turns(&text, self.pattern, &|s| roster.knows(s)));
        // Finding the turns of a long transcript is the slowest stage: look again after it.
        self.check_cancel()?;
        let stem = path.file_stem().map(|s| s.to_string_lossy().trim().to_string()).unwrap_or_default();
        let folder_kind = self.options.kind.is_none().then(|| kind_from_folder(path)).flatten();
        let stem_participant =
            self.roster.by_label(&stem).or_else(|| self.roster.by_alias(&stem)).map(|e| (e.id, e.label.clone()));

        // Map each speaker, in order of first appearance.
        let mut order: Vec<String> = Vec::new();
        let mut counts: HashMap<String, (usize, String)> = HashMap::new();
        for t in &detected {
            let key = name_key(&t.speaker);
            let entry = counts.entry(key.clone()).or_insert_with(|| {
                order.push(key);
                (0, t.speaker.clone())
            });
            entry.0 += 1;
        }
        let mut created: Vec<Participant> = Vec::new();
        let mut mapped: HashMap<String, (Option<ParticipantId>, Mapping)> = HashMap::new();
        let mut reports = Vec::new();
        for key in &order {
            let (n, speaker) = &counts[key];
            let (id, mapping) = self.map_speaker(speaker, stem_participant.as_ref(), &mut created);
            reports.push(SpeakerReport { speaker: speaker.clone(), turns: *n, mapping: mapping.clone() });
            mapped.insert(key.clone(), (id, mapping));
        }
        if self.options.strict_speakers {
            let unmapped: Vec<String> =
                reports.iter().filter(|r| r.mapping == Mapping::Unmapped).map(|r| r.speaker.clone()).collect();
            if !unmapped.is_empty() {
                return Err(FileError::UnmappedSpeakers(unmapped).into());
            }
        }
        let mut turns: Vec<Turn> = detected
            .iter()
            .map(|t| Turn {
                span: t.span,
                speaker: t.speaker.clone(),
                participant: mapped.get(&name_key(&t.speaker)).and_then(|m| m.0),
                start_ms: t.start_ms,
                end_ms: t.end_ms,
            })
            .collect();

        // Kind: given, else the folder, else the speakers.
        let non_interviewers = reports
            .iter()
            .filter(|r| !matches!(r.mapping, Mapping::Interviewer { .. }) && !speakers::is_interviewer_name(&r.speaker))
            .count();
        let (kind, kind_from) = match (self.options.kind, &folder_kind) {
            (Some(k), _) => (k, KindSource::Given),
            (None, Some((k, folder))) => (*k, KindSource::Folder { folder: folder.clone() }),
            (None, None) if turns.is_empty() && stem_participant.is_some() => {
                (DocKind::Interview, KindSource::FileName)
            }
            (None, None) if turns.is_empty() => (DocKind::FieldNotes, KindSource::NoSpeakers),
            (None, None) if non_interviewers > 2 => {
                (DocKind::FocusGroup, KindSource::Speakers { speakers: non_interviewers })
            }
            (None, None) => (DocKind::Interview, KindSource::Speakers { speakers: non_interviewers }),
        };
        // No speakers in a file named after a participant (J1.txt): one turn, theirs. Not
        // for field notes, which are the researcher's own words.
        let char_len = text.chars().count();
        if turns.is_empty()
            && kind != DocKind::FieldNotes
            && let Some((id, label)) = &stem_participant
        {
            turns.push(Turn {
                span: Span::new(0, char_len),
                speaker: label.clone(),
                participant: Some(*id),
                start_ms: None,
                end_ms: None,
            });
            reports.push(SpeakerReport {
                speaker: label.clone(),
                turns: 1,
                mapping: Mapping::FileName { participant: label.clone() },
            });
        }

        // A unique name: the file's stem, numbered if taken.
        let base = if stem.is_empty() { "Untitled".to_string() } else { stem.clone() };
        let mut name = base.clone();
        let mut n = 2;
        while self.names.contains(&name_key(&name)) {
            name = format!("{base} ({n})");
            n += 1;
        }
        let mut doc = Document::new(DocId::new(), name.clone(), kind, text);
        doc.source = Some(SourceInfo {
            file_name: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
            format: format.slug().to_string(),
            file_hash: file_hash.clone(),
            encoding: encoding.map(String::from),
            imported_at: chrono::Utc::now(),
        });
        if self.options.detect_language {
            doc.props.language = language::detect(&doc.text).filter(|l| *l != self.language);
        }
        let unattributed = turns.iter().filter(|t| t.participant.is_none()).count();
        doc.turns = turns;
        // Interviewers created for this file become part of the roster for the next files.
        for p in &created {
            self.roster.put(p.id, &p.props);
        }
        self.names.insert(name_key(&name));
        self.hashes.insert(file_hash, name.clone());
        self.texts.insert(content_hash, name.clone());
        let report = DocReport {
            id: doc.id,
            name,
            renamed: name_key(&doc.props.name) != name_key(&base),
            kind,
            kind_from,
            format,
            encoding: encoding.map(String::from),
            chars: doc.char_len,
            words: doc.words,
            language: doc.props.language,
            turns: doc.turns.len(),
            unattributed_turns: unattributed,
            speakers: reports,
        };
        Ok(Planned::Document(Box::new(doc), report, created))
    }

    /// Who a speaker is (see [`Mapping`]); interviewers not yet known are added to `created`.
    fn map_speaker(
        &self,
        speaker: &str,
        stem: Option<&(ParticipantId, String)>,
        created: &mut Vec<Participant>,
    ) -> (Option<ParticipantId>, Mapping) {
        if let Some(e) = self.roster.by_label(speaker) {
            let participant = e.label.clone();
            return if e.interviewer {
                (Some(e.id), Mapping::Interviewer { participant, created: false })
            } else {
                (Some(e.id), Mapping::Label { participant })
            };
        }
        if let Some(e) = self.roster.by_alias(speaker) {
            return (Some(e.id), Mapping::Alias { participant: e.label.clone() });
        }
        if speakers::is_interviewer_name(speaker) {
            if let Some(p) = created.iter().find(|p| name_key(&p.props.label) == name_key(speaker)) {
                return (Some(p.id), Mapping::Interviewer { participant: p.props.label.clone(), created: true });
            }
            let p = Participant {
                id: ParticipantId::new(),
                props: ParticipantProps { label: speaker.to_string(), interviewer: true, ..Default::default() },
            };
            let out = (Some(p.id), Mapping::Interviewer { participant: p.props.label.clone(), created: true });
            created.push(p);
            return out;
        }
        if speakers::is_respondent_name(speaker)
            && let Some((id, label)) = stem
        {
            return (Some(*id), Mapping::FileName { participant: label.clone() });
        }
        (None, Mapping::Unmapped)
    }
}

/// Reads a file's bytes into text or cues, with the encoding of text formats.
fn extract(format: Format, bytes: Vec<u8>, limits: &Limits) -> Result<(Extracted, Option<&'static str>), FileError> {
    Ok(match format {
        Format::Docx => (Extracted::Text(docx::extract(&bytes, limits)?), None),
        Format::Odt => (Extracted::Text(odt::extract(&bytes, limits)?), None),
        Format::Rtf => (Extracted::Text(rtf::extract(&bytes)?), None),
        Format::Pdf => (Extracted::Text(pdf::extract(&bytes)?), None),
        Format::Txt | Format::Markdown | Format::Html | Format::Vtt | Format::Srt => {
            let decoded = txt::decode(bytes)?;
            let enc = Some(decoded.encoding);
            let extracted = match format {
                Format::Markdown => Extracted::Text(md::markdown_text(&decoded.text)),
                Format::Html => Extracted::Text(html::html_text(&decoded.text)?),
                Format::Vtt => Extracted::Cues(vtt::parse(&normalise::normalise(decoded.text))?),
                Format::Srt => Extracted::Cues(srt::parse(&normalise::normalise(decoded.text))?),
                _ => Extracted::Text(decoded.text),
            };
            (extracted, enc)
        }
    })
}

/// The kind a folder's name gives (`interviews/`, `Focus groups/`, `feltnotater/`), looking
/// at the file's folder and the one above it.
pub fn kind_from_folder(path: &Path) -> Option<(DocKind, String)> {
    path.ancestors().skip(1).take(2).find_map(|dir| {
        let name = dir.file_name()?.to_str()?;
        let key: String = name.to_lowercase().chars().filter(|c| c.is_alphanumeric()).collect();
        let kind = match key.as_str() {
            "interview" | "interviews" | "intervju" | "intervjuer" | "transcripts" | "transkripsjoner" => {
                DocKind::Interview
            }
            "focusgroup" | "focusgroups" | "fg" | "fokusgruppe" | "fokusgrupper" | "groupinterviews" => {
                DocKind::FocusGroup
            }
            "fieldnotes" | "fieldnote" | "notes" | "observations" | "feltnotater" | "feltnotat" => DocKind::FieldNotes,
            _ => return None,
        };
        Some((kind, name.to_string()))
    })
}
