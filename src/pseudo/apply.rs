//! Applying a map: one `Edit::Batch` labelled "Pseudonymise …" that replaces every occurrence
//! in every document (through [`plan_text_correction`], so codings, turns, quotes, notes and
//! consensus spans move with the words) and in every other text the project holds (speaker
//! names, document and code names, memos, comments, quote notes and translations,
//! definitions, summaries), and drops the participants' `name` column, which is kept only in
//! the key. The same plan makes the pseudonymised copy.

use super::scan::participant_name;
use super::{Map, Matcher, PSEUDONYMISE_PREFIX, PseudoError};
use crate::edit::{Edit, plan_text_correction};
use crate::model::*;
use crate::progress::Progress;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::path::{Path, PathBuf};

/// One line of the key: where an original was and what replaced it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeyRow {
    pub original: String,
    /// The spelling found ("Karis").
    pub found: String,
    pub replacement: String,
    /// The document, or what else held it ("participant J1", "code", "memo").
    pub place: String,
    /// Char positions in the document's text before the replacement (text rows only).
    pub start: Option<usize>,
    pub end: Option<usize>,
}

/// What applying a map does, ready to apply in place or to write as a copy.
#[derive(Clone, Debug)]
pub struct Plan {
    /// One batch; its label starts with [`PSEUDONYMISE_PREFIX`]. `None` when nothing matched.
    pub edit: Option<Edit>,
    pub key: Vec<KeyRow>,
    /// Occurrences replaced in documents' texts.
    pub replaced: usize,
    /// Documents whose text changed.
    pub documents: usize,
    /// The project as it is after the edit (the copy is written from it). In it, unlike in
    /// the project the edit changes, the documents' import records (the original file names)
    /// are pseudonymised too: no edit changes those.
    pub result: Project,
    /// What the in-place edit cannot change: the import records (original file names) that
    /// hold an original, by document. Verify finds them; the copy has them replaced.
    pub left_in_place: Vec<String>,
}

/// Byte offsets of one text to char offsets, for increasing offsets, in one pass.
struct Chars<'a> {
    text: &'a str,
    byte: usize,
    chars: usize,
}

impl Chars<'_> {
    fn at(&mut self, byte: usize) -> usize {
        self.chars += self.text[self.byte..byte].chars().count();
        self.byte = byte;
        self.chars
    }
}

/// Replaces originals in every string inside a value (names, bodies, notes...); `None` when
/// nothing changed.
fn scrub<T: Serialize + DeserializeOwned>(value: &T, replace: &dyn Fn(&str) -> String) -> Option<T> {
    fn walk(v: &mut serde_json::Value, replace: &dyn Fn(&str) -> String) -> bool {
        match v {
            serde_json::Value::String(s) => {
                let new = replace(s);
                let changed = new != *s;
                *s = new;
                changed
            }
            serde_json::Value::Array(items) => items.iter_mut().fold(false, |c, x| walk(x, replace) | c),
            serde_json::Value::Object(map) => map.values_mut().fold(false, |c, x| walk(x, replace) | c),
            _ => false,
        }
    }
    let mut v = serde_json::to_value(value).ok()?;
    if !walk(&mut v, replace) {
        return None;
    }
    serde_json::from_value(v).ok()
}

/// Plans the pseudonymisation of `p` with `map` (checked first).
pub fn plan(p: &Project, map: &Map, progress: &Progress) -> Result<Plan, PseudoError> {
    map.check()?;
    let originals: Vec<&str> = map.entries.iter().map(|e| e.original.as_str()).collect();
    let matcher = Matcher::new(&originals)?;
    let replacement = |i: usize| map.entries.get(i).map(|e| e.replacement.as_str());
    let mut w = p.clone();
    let mut edits: Vec<Edit> = Vec::new();
    let mut key: Vec<KeyRow> = Vec::new();
    let (mut replaced, mut documents) = (0, 0);
    progress.set_total(p.documents.len() as u64);
    progress.set_message("Replacing");

    for (n, d) in p.documents.values().enumerate() {
        if progress.is_cancelled() {
            return Err(PseudoError::Cancelled);
        }
        progress.set_done(n as u64 + 1);
        let found = matcher.find(&d.text);
        if found.is_empty() {
            continue;
        }
        let mut chars = Chars { text: &d.text, byte: 0, chars: 0 };
        let mut changes = Vec::with_capacity(found.len());
        for o in &found {
            let (Some(entry), start) = (map.entries.get(o.original), chars.at(o.start)) else { continue };
            let (end_byte, new) = Matcher::substitute(&d.text, o, &entry.replacement);
            let end = chars.at(end_byte);
            changes.push(TextChange { span: Span::new(start, end), text: new });
            key.push(KeyRow {
                original: entry.original.clone(),
                found: d.text[o.start..o.end].to_string(),
                replacement: entry.replacement.clone(),
                place: d.name().to_string(),
                start: Some(start),
                end: Some(end),
            });
        }
        replaced += changes.len();
        documents += 1;
        let correction = plan_text_correction(&w, d.id, changes)?;
        w.apply(correction.edit.clone())?;
        edits.push(correction.edit);
    }

    // Everything else that holds text, on the corrected project.
    let field_row = |key: &mut Vec<KeyRow>, place: String, before: &str| {
        for o in matcher.find(before) {
            if let Some(e) = map.entries.get(o.original) {
                key.push(KeyRow {
                    original: e.original.clone(),
                    found: before[o.start..o.end].to_string(),
                    replacement: e.replacement.clone(),
                    place: place.clone(),
                    start: None,
                    end: None,
                });
            }
        }
    };
    let replace = |s: &str| matcher.replace(s, &replacement);
    let mut more: Vec<Edit> = Vec::new();
    for d in w.documents.values() {
        if d.turns.iter().any(|t| !matcher.find(&t.speaker).is_empty()) {
            let turns: Vec<Turn> = d.turns.iter().map(|t| Turn { speaker: replace(&t.speaker), ..t.clone() }).collect();
            let mut speakers: Vec<&str> = d.turns.iter().map(|t| t.speaker.as_str()).collect();
            speakers.dedup();
            for s in speakers {
                field_row(&mut key, format!("speaker in {}", d.name()), s);
            }
            more.push(Edit::SetTurns { id: d.id, turns });
        }
        if let Some(props) = scrub(&d.props, &replace) {
            field_row(&mut key, format!("document {}", d.name()), &serde_json::to_string(&d.props).unwrap_or_default());
            more.push(Edit::UpdateDocument { id: d.id, props });
        }
    }
    for part in w.participants.values() {
        let mut props = scrub(&part.props, &replace).unwrap_or_else(|| part.props.clone());
        let label = key_of(&props.label);
        let mut seen = std::collections::HashSet::new();
        props.aliases.retain(|a| key_of(a) != label && seen.insert(key_of(a)));
        if let Some((column, name)) = participant_name(part) {
            key.push(KeyRow {
                original: name.to_string(),
                found: name.to_string(),
                replacement: part.label().to_string(),
                place: format!("participant {}: {column} column removed", part.label()),
                start: None,
                end: None,
            });
            props.attributes.shift_remove(column);
        }
        if props != part.props {
            field_row(&mut key, format!("participant {}", part.label()), &part.props.aliases.join("; "));
            more.push(Edit::UpdateParticipant { id: part.id, props });
        }
    }
    for c in w.codes.values() {
        if let Some(props) = scrub(&c.props, &replace) {
            field_row(&mut key, "code".into(), &serde_json::to_string(&c.props).unwrap_or_default());
            more.push(Edit::UpdateCode { id: c.id, props });
        }
    }
    for t in w.themes.values() {
        if let Some(props) = scrub(&t.props, &replace) {
            field_row(&mut key, "theme".into(), &serde_json::to_string(&t.props).unwrap_or_default());
            more.push(Edit::UpdateTheme { id: t.id, props });
        }
    }
    for c in w.codings.values() {
        if !matcher.find(&c.comment).is_empty() {
            field_row(&mut key, format!("comment on a coding in {}", doc_name(&w, c.doc)), &c.comment);
            more.push(Edit::UpdateCoding {
                id: c.id,
                props: CodingProps { comment: replace(&c.comment), ..c.props() },
            });
        }
    }
    for q in w.quotes.values() {
        if let Some(props) = scrub(&q.props, &replace) {
            field_row(&mut key, "quote".into(), &serde_json::to_string(&q.props).unwrap_or_default());
            more.push(Edit::UpdateQuote { id: q.id, props });
        }
    }
    for m in w.memos.values() {
        if let Some(props) = scrub(&m.props, &replace) {
            field_row(&mut key, "memo".into(), &format!("{}\n{}", m.props.title, m.props.body));
            more.push(Edit::UpdateMemo { id: m.id, props });
        }
    }
    for e in w.consensus.values() {
        if !matcher.find(&e.note).is_empty() {
            field_row(&mut key, "consensus note".into(), &e.note);
            more.push(Edit::UpdateConsensus { id: e.id, note: replace(&e.note) });
        }
    }
    for ((row, column), text) in &w.framework.summaries {
        if !matcher.find(text).is_empty() {
            field_row(&mut key, "table summary".into(), text);
            more.push(Edit::SetCellSummary { row: *row, column: column.clone(), text: replace(text) });
        }
    }
    if let Some(settings) = scrub(&w.settings, &replace) {
        field_row(&mut key, "project settings".into(), &format!("{} {}", w.settings.name, w.settings.description));
        more.push(Edit::SetSettings { settings });
    }
    for e in more {
        w.apply(e.clone())?;
        edits.push(e);
    }
    // The import record is not an edit's to change (it says where the text came from); in the
    // copy, a new project, it is written pseudonymised.
    let mut left_in_place = Vec::new();
    for d in w.documents.values_mut() {
        let name = d.name().to_string();
        if let Some(source) = d.source.as_mut()
            && !matcher.find(&source.file_name).is_empty()
        {
            field_row(&mut key, format!("import record of {name}"), &source.file_name);
            left_in_place.push(format!("{name}: imported from “{}”", source.file_name));
            source.file_name = replace(&source.file_name);
        }
    }
    let edit = (!edits.is_empty()).then(|| {
        let names = map.entries.len();
        Edit::batch(
            format!(
                "{PSEUDONYMISE_PREFIX}: {replaced} occurrence{} of {names} original{} in {documents} document{}",
                plural(replaced),
                plural(names),
                plural(documents)
            ),
            edits,
        )
    });
    Ok(Plan { edit, key, replaced, documents, result: w, left_in_place })
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn key_of(s: &str) -> String {
    super::key(s)
}

fn doc_name(p: &Project, id: DocId) -> String {
    p.documents.get(&id).map(|d| d.name().to_string()).unwrap_or_default()
}

/// The absolute, symlink-free form of a path that may not exist yet (its nearest existing
/// ancestor is resolved).
fn resolved(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = absolute.as_path();
    let mut rest: Vec<&std::ffi::OsStr> = Vec::new();
    loop {
        if let Ok(real) = existing.canonicalize() {
            return rest.iter().rev().fold(real, |p, r| p.join(r));
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name);
                existing = parent;
            }
            _ => return absolute,
        }
    }
}

/// Writes the key as CSV (original, found, replacement, place, start, end), refusing any
/// place inside one of `folders` (the project, the copy).
pub fn write_key(path: &Path, rows: &[KeyRow], folders: &[&Path]) -> Result<(), PseudoError> {
    let key = resolved(path);
    for f in folders {
        let folder = resolved(f);
        if key.starts_with(&folder) {
            return Err(PseudoError::KeyInside { key: path.to_path_buf(), folder: f.to_path_buf() });
        }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| PseudoError::Map(e.to_string());
    w.write_record(["original", "found", "replacement", "place", "start", "end"]).map_err(err)?;
    for r in rows {
        let (s, e) =
            (r.start.map(|x| x.to_string()).unwrap_or_default(), r.end.map(|x| x.to_string()).unwrap_or_default());
        w.write_record([r.original.as_str(), &r.found, &r.replacement, &r.place, &s, &e]).map_err(err)?;
    }
    let bytes = w.into_inner().map_err(|e| PseudoError::Map(e.to_string()))?;
    std::fs::write(path, bytes).map_err(PseudoError::io("write", path))
}

/// Writes the pseudonymised project of a plan as a new project folder `out` (which must not
/// exist or be empty): its texts and files only, no journal, undo history or search index.
pub fn write_copy(plan: &Plan, out: &Path) -> Result<(), PseudoError> {
    if out.exists() && std::fs::read_dir(out).map_err(PseudoError::io("read", out))?.next().is_some() {
        return Err(PseudoError::NotEmpty { path: out.to_path_buf() });
    }
    let existed = out.exists();
    let store = crate::store::Store::create_from(out, plan.result.clone());
    match store {
        Ok(store) => drop(store),
        Err(e) => {
            if !existed {
                let _ = std::fs::remove_dir_all(out);
            }
            return Err(e.into());
        }
    }
    remove_local_files(out)?;
    let lock = out.join(crate::store::LOCK_FILE);
    if std::fs::symlink_metadata(&lock).is_ok_and(|m| m.is_file()) {
        std::fs::remove_file(&lock).map_err(PseudoError::io("remove", &lock))?;
    }
    Ok(())
}

/// A replacer for lines of JSON (the analysis trail, which names documents, codes and themes
/// as they were when each decision was made): every original of the map, in its inflected
/// forms, replaced as in the texts, with the replacement escaped for a JSON string.
pub fn json_replacer(map: &Map) -> Result<impl Fn(&str) -> String + use<>, PseudoError> {
    let originals: Vec<&str> = map.entries.iter().map(|e| e.original.as_str()).collect();
    let matcher = Matcher::new(&originals)?;
    let escaped: Vec<String> = map
        .entries
        .iter()
        .map(|e| {
            let quoted = serde_json::Value::String(e.replacement.clone()).to_string();
            quoted.trim_start_matches('"').trim_end_matches('"').to_string()
        })
        .collect();
    Ok(move |line: &str| matcher.replace(line, &|i| escaped.get(i).map(String::as_str)))
}

/// Removes what a project folder keeps only for this copy and what could still hold the
/// originals after an in-place pseudonymisation was saved: the journal and journals set aside,
/// the undo history and the search index (Tema rebuilds it).
pub fn remove_local_files(dir: &Path) -> Result<(), PseudoError> {
    let index = dir.join(crate::index::INDEX_DIR);
    if std::fs::symlink_metadata(&index).is_ok_and(|m| m.is_dir()) {
        std::fs::remove_dir_all(&index).map_err(PseudoError::io("remove", &index))?;
    }
    let entries = std::fs::read_dir(dir).map_err(PseudoError::io("read", dir))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let journal = name.starts_with("journal.") && name.ends_with(".jsonl") && name != "journal.jsonl";
        let copy_only = name == "journal.jsonl" || name == crate::store::snapshot::HISTORY_FILE;
        if (journal || copy_only) && entry.file_type().is_ok_and(|t| t.is_file()) {
            // The open project's own journal stays (it holds only a header after a save).
            if copy_only && crate::store::held_by(dir).is_some() {
                continue;
            }
            std::fs::remove_file(entry.path()).map_err(PseudoError::io("remove", entry.path()))?;
        }
    }
    Ok(())
}
