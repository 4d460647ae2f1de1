//! Turning applied edits into decisions.
//!
//! Recording takes two steps around `Project::apply`, so nothing is cloned: [`Draft::prepare`]
//! reads the project *before* the edit (which decisions it makes, the values before, the map
//! before), and [`Draft::finish`] reads it *after* (the values after, the map changes). The
//! store does both in `Store::apply`, `undo` and `redo`, so every front end records the same
//! way and nothing is recorded twice.

use super::map::MapState;
use super::{Decision, Kind, Subject, SubjectKind};
use crate::edit::Edit;
use crate::model::*;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use uuid::Uuid;

/// A value read from the project before and after: what `before` and `after` show.
#[derive(Clone, Debug)]
enum Value {
    Nothing,
    ThemeName(ThemeId),
    ThemeStatus(ThemeId),
    ThemeConcept(ThemeId),
    ThemeParent(ThemeId),
    ThemeCodes(ThemeId),
    /// The two themes a split leaves.
    Split(ThemeId, ThemeId),
    CodeName(CodeId),
    CodeDefinition(CodeId),
    CodeParent(CodeId),
    Fixed(String),
}

fn value(p: &Project, v: &Value) -> Option<String> {
    let theme = |id: &ThemeId| p.themes.get(id);
    let code = |id: &CodeId| p.codes.get(id);
    let nonempty = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_string());
    match v {
        Value::Nothing => None,
        Value::ThemeName(id) => theme(id).map(|t| t.name().to_string()),
        Value::ThemeStatus(id) => theme(id).map(|t| t.status().label().to_string()),
        Value::ThemeConcept(id) => theme(id).and_then(|t| nonempty(&t.props.definition.concept)),
        Value::ThemeParent(id) => theme(id).map(|t| match t.parent.and_then(|p| theme(&p)) {
            Some(parent) => format!("under “{}”", parent.name()),
            None => "a main theme".to_string(),
        }),
        Value::ThemeCodes(id) => theme(id).map(|t| {
            let names: Vec<&str> = t.codes.iter().filter_map(&code).map(|c| c.name()).collect();
            if names.is_empty() { "no codes".to_string() } else { names.join(", ") }
        }),
        Value::Split(a, b) => match (theme(a), theme(b)) {
            (Some(a), Some(b)) => Some(format!("“{}” and “{}”", a.name(), b.name())),
            _ => None,
        },
        Value::CodeName(id) => code(id).map(|c| c.name().to_string()),
        Value::CodeDefinition(id) => code(id).and_then(|c| nonempty(&c.props.description.definition)),
        Value::CodeParent(id) => code(id).map(|c| match c.parent.and_then(|p| code(&p)) {
            Some(parent) => format!("under “{}”", parent.name()),
            None => "top level".to_string(),
        }),
        Value::Fixed(s) => Some(s.clone()),
    }
}

/// One decision found in an edit, waiting for the project after it.
#[derive(Clone, Debug)]
struct Item {
    kind: Kind,
    subjects: Vec<Subject>,
    before: Option<String>,
    after: Value,
    why: Option<String>,
    count: Option<u64>,
}

/// What an edit decides, read from the project before it is applied.
#[derive(Clone, Debug, Default)]
pub struct Draft {
    items: Vec<Item>,
    /// The map before, when the edit may change it.
    map_before: Option<MapState>,
    /// Codings added and removed, by coder.
    codings: BTreeMap<CoderId, (u64, u64)>,
}

fn subject(kind: SubjectKind, id: Uuid, name: &str) -> Subject {
    Subject { kind, id, name: name.to_string() }
}

fn theme_subject(p: &Project, id: ThemeId) -> Subject {
    subject(SubjectKind::Theme, id.0, p.themes.get(&id).map(|t| t.name()).unwrap_or(""))
}

fn code_subject(p: &Project, id: CodeId) -> Subject {
    subject(SubjectKind::Code, id.0, p.codes.get(&id).map(|c| c.name()).unwrap_or(""))
}

fn doc_subject(p: &Project, id: DocId) -> Subject {
    subject(SubjectKind::Document, id.0, p.documents.get(&id).map(|d| d.name()).unwrap_or(""))
}

/// Whether a batch's label says it is a pseudonymisation (issue 19 labels them so).
pub fn is_pseudonymisation(label: &str) -> bool {
    label.trim_start().to_lowercase().starts_with("pseudonymis")
}

/// Where a status sits on the way to a final theme (parked below everything).
fn rank(s: ThemeStatus) -> u8 {
    match s {
        ThemeStatus::Parked => 0,
        ThemeStatus::Candidate => 1,
        ThemeStatus::Reviewed => 2,
        ThemeStatus::Final => 3,
    }
}

impl Draft {
    /// Reads what `edit` will decide from the project before it is applied.
    pub fn prepare(p: &Project, edit: &Edit) -> Draft {
        let mut d = Draft::default();
        let mut touches_map = false;
        d.walk(p, edit, &mut touches_map);
        if touches_map || !d.items.is_empty() {
            d.map_before = Some(MapState::of(p));
        }
        d
    }

    /// Whether the edit decides anything the trail keeps (codings counted aside).
    pub fn is_empty(&self) -> bool {
        self.items.is_empty() && self.map_before.is_none()
    }

    /// Codings added and removed, by coder.
    pub fn codings(&self) -> &BTreeMap<CoderId, (u64, u64)> {
        &self.codings
    }

    fn item(&mut self, kind: Kind, subjects: Vec<Subject>, before: Option<String>, after: Value) {
        self.items.push(Item { kind, subjects, before, after, why: None, count: None });
    }

    /// A decision that changes one value: what it is before the edit, and after.
    fn change(&mut self, p: &Project, kind: Kind, subjects: Vec<Subject>, v: Value) {
        self.item(kind, subjects, value(p, &v), v);
    }

    fn walk(&mut self, p: &Project, edit: &Edit, map: &mut bool) {
        match edit {
            Edit::Batch { label, edits } if is_pseudonymisation(label) => {
                // Counts and documents only: never the names replaced.
                let mut docs: Vec<Subject> = Vec::new();
                let mut count = 0u64;
                visit_text_changes(edit, &mut |doc, n| {
                    count += n as u64;
                    if !docs.iter().any(|s| s.id == doc.0) {
                        docs.push(doc_subject(p, doc));
                    }
                });
                self.items.push(Item {
                    kind: Kind::Pseudonymised,
                    subjects: docs,
                    before: None,
                    after: Value::Nothing,
                    why: None,
                    count: Some(count),
                });
                for e in edits {
                    if !matches!(e, Edit::ReplaceText { .. }) {
                        self.walk(p, e, map);
                    }
                }
            }
            Edit::Batch { edits, .. } => {
                for e in edits {
                    self.walk(p, e, map);
                }
            }
            Edit::ReplaceText { doc, changes, .. } => self.items.push(Item {
                kind: Kind::TextCorrected,
                subjects: vec![doc_subject(p, *doc)],
                before: None,
                after: Value::Nothing,
                why: None,
                count: Some(changes.len() as u64),
            }),
            Edit::AddCoding { coding } => self.codings.entry(coding.coder).or_default().0 += 1,
            Edit::RemoveCoding { id } => {
                if let Some(c) = p.codings.get(id) {
                    self.codings.entry(c.coder).or_default().1 += 1;
                }
            }
            Edit::AddConsensus { entry, .. } => {
                let mut subjects = vec![doc_subject(p, entry.doc)];
                if let Resolution::NewCode { code, code_name, .. } = &entry.resolution {
                    subjects.push(subject(SubjectKind::Code, code.0, code_name));
                }
                let a = p.coders.get(&entry.coder_a).map(|c| c.name.as_str()).unwrap_or("A");
                let b = p.coders.get(&entry.coder_b).map(|c| c.name.as_str()).unwrap_or("B");
                self.items.push(Item {
                    kind: Kind::Consensus,
                    subjects,
                    before: Some(format!("{a} and {b} differed ({})", entry.kind.label())),
                    after: Value::Fixed(entry.resolution.label().to_string()),
                    why: (!entry.note.trim().is_empty()).then(|| entry.note.trim().to_string()),
                    count: None,
                });
            }
            Edit::CreateCode { code, .. } => {
                *map = true;
                let s = subject(SubjectKind::Code, code.id.0, code.name());
                self.item(Kind::CodeCreated, vec![s], None, Value::CodeName(code.id));
            }
            Edit::UpdateCode { id, props } => {
                *map = true;
                let Some(old) = p.codes.get(id) else { return };
                if name_key(old.name()) != name_key(&props.name) {
                    self.change(p, Kind::CodeRenamed, vec![code_subject(p, *id)], Value::CodeName(*id));
                }
                if old.props.description != props.description {
                    self.change(p, Kind::CodeDefined, vec![code_subject(p, *id)], Value::CodeDefinition(*id));
                }
            }
            Edit::MoveCode { id, parent, .. } => {
                *map = true;
                if p.codes.get(id).is_some_and(|c| c.parent != *parent) {
                    self.change(p, Kind::CodeMoved, vec![code_subject(p, *id)], Value::CodeParent(*id));
                }
            }
            Edit::DeleteCode { id } => {
                *map = true;
                let s = code_subject(p, *id);
                self.item(Kind::CodeDeleted, vec![s], value(p, &Value::CodeName(*id)), Value::Nothing);
            }
            Edit::MergeCodes { from, into } => {
                *map = true;
                let (f, i) = (code_subject(p, *from), code_subject(p, *into));
                let before = format!("“{}” and “{}”", f.name, i.name);
                self.item(Kind::CodeMerged, vec![f, i], Some(before), Value::CodeName(*into));
            }
            Edit::CreateTheme { theme, .. } => {
                *map = true;
                let s = subject(SubjectKind::Theme, theme.id.0, theme.name());
                self.item(Kind::ThemeCreated, vec![s], None, Value::ThemeName(theme.id));
            }
            Edit::UpdateTheme { id, props } => {
                *map = true;
                let Some(old) = p.themes.get(id) else { return };
                if name_key(old.name()) != name_key(&props.name) {
                    self.change(p, Kind::ThemeRenamed, vec![theme_subject(p, *id)], Value::ThemeName(*id));
                }
                let (from, to) = (old.status(), props.status);
                if from != to {
                    let kind = if to == ThemeStatus::Parked {
                        Kind::ThemeParked
                    } else if rank(to) > rank(from) {
                        Kind::ThemePromoted
                    } else {
                        Kind::ThemeStatus
                    };
                    self.change(p, kind, vec![theme_subject(p, *id)], Value::ThemeStatus(*id));
                }
                if old.props.definition != props.definition {
                    self.change(p, Kind::ThemeDefined, vec![theme_subject(p, *id)], Value::ThemeConcept(*id));
                }
            }
            Edit::MoveTheme { id, parent, .. } => {
                *map = true;
                if p.themes.get(id).is_some_and(|t| t.parent != *parent) {
                    self.change(p, Kind::ThemeMoved, vec![theme_subject(p, *id)], Value::ThemeParent(*id));
                }
            }
            Edit::SetThemeCodes { id, codes } => {
                *map = true;
                let Some(old) = p.themes.get(id) else { return };
                let mut a = old.codes.clone();
                let mut b = codes.clone();
                a.sort();
                b.sort();
                if a != b {
                    let mut subjects = vec![theme_subject(p, *id)];
                    for c in codes
                        .iter()
                        .filter(|c| !old.codes.contains(c))
                        .chain(old.codes.iter().filter(|c| !codes.contains(c)))
                    {
                        subjects.push(code_subject(p, *c));
                    }
                    self.change(p, Kind::ThemeCodes, subjects, Value::ThemeCodes(*id));
                }
            }
            Edit::DeleteTheme { id } => {
                *map = true;
                let s = theme_subject(p, *id);
                self.item(Kind::ThemeDeleted, vec![s], value(p, &Value::ThemeName(*id)), Value::Nothing);
            }
            Edit::MergeThemes { from, into } => {
                *map = true;
                let (f, i) = (theme_subject(p, *from), theme_subject(p, *into));
                let before = format!("“{}” and “{}”", f.name, i.name);
                self.item(Kind::ThemeMerged, vec![f, i], Some(before), Value::ThemeName(*into));
            }
            Edit::SplitTheme { id, new, .. } => {
                *map = true;
                let s = theme_subject(p, *id);
                let n = subject(SubjectKind::Theme, new.id.0, new.name());
                self.item(Kind::ThemeSplit, vec![s, n], value(p, &Value::ThemeName(*id)), Value::Split(*id, new.id));
            }
            _ => {}
        }
    }

    /// The decisions, read from the project after the edit, made by `who` at `at`.
    pub fn finish(self, p: &Project, who: &str, at: Timestamp) -> Vec<Decision> {
        let mut out: Vec<Decision> = self
            .items
            .into_iter()
            .map(|item| {
                let mut d = Decision::new(at, who, item.kind);
                d.subjects = item.subjects;
                fill_names(&mut d.subjects, p);
                d.before = item.before;
                d.after = value(p, &item.after);
                d.why = item.why;
                d.count = item.count;
                d
            })
            .collect();
        if let Some(before) = self.map_before {
            let changes = before.diff(&MapState::of(p));
            if !changes.is_empty() {
                match out.first_mut() {
                    Some(first) => first.map = changes,
                    None => {
                        // The map changed without a decision of its own (never expected): keep
                        // the change, so the map through time stays exact.
                        let mut d = Decision::new(at, who, Kind::ThemeCodes);
                        d.map = changes;
                        out.push(d);
                    }
                }
            }
        }
        out
    }

    /// One [`Kind::Undone`] or [`Kind::Redone`] entry for a step taken back or made again,
    /// naming it; `None` when the step decided nothing the trail keeps.
    pub fn finish_step(self, p: &Project, who: &str, at: Timestamp, kind: Kind, label: &str) -> Option<Decision> {
        let decisions = self.finish(p, who, at);
        if decisions.is_empty() {
            return None;
        }
        let mut d = Decision::new(at, who, kind);
        d.after = Some(label.to_string());
        for x in decisions {
            for s in x.subjects {
                if !d.subjects.iter().any(|have| have.id == s.id) {
                    d.subjects.push(s);
                }
            }
            d.map.extend(x.map);
        }
        Some(d)
    }
}

/// Names of subjects created in the same edit, read from the project after it.
fn fill_names(subjects: &mut [Subject], p: &Project) {
    for s in subjects.iter_mut().filter(|s| s.name.is_empty()) {
        s.name = match s.kind {
            SubjectKind::Theme => p.themes.get(&ThemeId(s.id)).map(|t| t.name().to_string()),
            SubjectKind::Code => p.codes.get(&CodeId(s.id)).map(|c| c.name().to_string()),
            SubjectKind::Document => p.documents.get(&DocId(s.id)).map(|d| d.name().to_string()),
            SubjectKind::Coder => p.coders.get(&CoderId(s.id)).map(|c| c.name.clone()),
        }
        .unwrap_or_default();
    }
}

fn visit_text_changes(edit: &Edit, f: &mut dyn FnMut(DocId, usize)) {
    match edit {
        Edit::ReplaceText { doc, changes, .. } => f(*doc, changes.len()),
        Edit::Batch { edits, .. } => edits.iter().for_each(|e| visit_text_changes(e, f)),
        _ => {}
    }
}

/// Codings counted since they were last written, per day and coder.
#[derive(Clone, Debug, Default)]
pub struct Recorder {
    /// (day, coder name) → (added, removed, last change).
    pending: BTreeMap<(NaiveDate, String), (u64, u64, Timestamp)>,
}

impl Recorder {
    /// Counts the codings an edit (or undo, redo) added and removed.
    pub fn count(&mut self, p: &Project, codings: &BTreeMap<CoderId, (u64, u64)>, at: Timestamp) {
        for (coder, (added, removed)) in codings {
            let name = p.coders.get(coder).map(|c| c.name.clone()).unwrap_or_else(|| coder.short());
            let e = self.pending.entry((at.date_naive(), name)).or_insert((0, 0, at));
            e.0 += added;
            e.1 += removed;
            e.2 = at;
        }
    }

    /// The counts as [`Kind::Codings`] entries recorded by `who`; clears them.
    pub fn take(&mut self, p: &Project, who: &str) -> Vec<Decision> {
        std::mem::take(&mut self.pending)
            .into_iter()
            .map(|((_, coder), (added, removed, at))| {
                let mut d = Decision::new(at, who, Kind::Codings);
                let id = p.coder_by_name(&coder).map(|c| c.id.0).unwrap_or_default();
                d.subjects = vec![subject(SubjectKind::Coder, id, &coder)];
                d.count = Some(added);
                d.removed = Some(removed);
                d
            })
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }
}
