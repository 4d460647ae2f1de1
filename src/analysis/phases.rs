//! The phase tracker: Braun and Clarke's six phases with progress taken from the project
//! itself, not from ticks — each figure lists the items it counts and those still to do, so
//! a person can go straight to them.

use super::perdoc::{PerDoc, Refreshed};
use super::scope::CoderScope;
use super::themes::theme_codes;
use crate::model::*;
use rustc_hash::FxHashSet;
use std::collections::HashSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    Familiarisation,
    InitialCodes,
    GeneratingThemes,
    ReviewingThemes,
    DefiningThemes,
    WritingUp,
}

impl Phase {
    pub const ALL: [Phase; 6] = [
        Phase::Familiarisation,
        Phase::InitialCodes,
        Phase::GeneratingThemes,
        Phase::ReviewingThemes,
        Phase::DefiningThemes,
        Phase::WritingUp,
    ];

    pub fn number(self) -> usize {
        match self {
            Phase::Familiarisation => 1,
            Phase::InitialCodes => 2,
            Phase::GeneratingThemes => 3,
            Phase::ReviewingThemes => 4,
            Phase::DefiningThemes => 5,
            Phase::WritingUp => 6,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Phase::Familiarisation => "Familiarisation",
            Phase::InitialCodes => "Generating initial codes",
            Phase::GeneratingThemes => "Generating themes",
            Phase::ReviewingThemes => "Reviewing themes",
            Phase::DefiningThemes => "Defining and naming themes",
            Phase::WritingUp => "Writing up",
        }
    }
}

/// Something a figure counts, to jump to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ref {
    Document(DocId),
    Code(CodeId),
    Theme(ThemeId),
    Quote(QuoteId),
}

/// One measured figure: `done` of `total` (the lists are the items behind the numbers).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Figure {
    /// What `done` counts, e.g. "documents read".
    pub label: String,
    /// What the items still to do are, e.g. "not yet read".
    pub todo_label: &'static str,
    pub done: Vec<Ref>,
    pub todo: Vec<Ref>,
}

impl Figure {
    pub fn total(&self) -> usize {
        self.done.len() + self.todo.len()
    }

    /// Whether nothing is left to do (and there was something to do).
    pub fn complete(&self) -> bool {
        self.todo.is_empty() && !self.done.is_empty()
    }

    /// A plain count (quotes of one theme) rather than progress towards a total.
    pub fn is_count(&self) -> bool {
        self.todo_label.is_empty()
    }

    /// "12 of 20 documents read", or "3 quotes for “Hope”" for a plain count; "no themes
    /// reviewed yet" when there is nothing to count (rather than "0 of 0").
    pub fn text(&self) -> String {
        if self.todo_label.is_empty() {
            format!("{} {}", self.done.len(), self.label)
        } else if self.total() == 0 {
            format!("no {} yet", self.label)
        } else {
            format!("{} of {} {}", self.done.len(), self.total(), self.label)
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhaseProgress {
    pub phase: Phase,
    pub figures: Vec<Figure>,
}

fn split<T: Copy>(
    items: impl Iterator<Item = T>,
    done: impl Fn(T) -> bool,
    r: impl Fn(T) -> Ref,
) -> (Vec<Ref>, Vec<Ref>) {
    let mut yes = Vec::new();
    let mut no = Vec::new();
    for x in items {
        if done(x) { yes.push(r(x)) } else { no.push(r(x)) }
    }
    (yes, no)
}

fn figure(label: impl Into<String>, todo_label: &'static str, (done, todo): (Vec<Ref>, Vec<Ref>)) -> Figure {
    Figure { label: label.into(), todo_label, done, todo }
}

/// Whether a document counts as read: a coder in scope marked it read. The navigator, the
/// phase tracker and `tema info` all ask this (and [`is_coded`]), so they cannot disagree.
pub fn is_read(d: &Document, coders: &CoderScope) -> bool {
    d.read_by.iter().any(|c| coders.includes(*c))
}

/// The documents that count as coded: a coder in scope coded some of their text.
/// Asks each document's codings (the index by document) until one is in scope, so it costs
/// about one look-up per document rather than a pass over every coding.
pub fn coded_documents(p: &Project, coders: &CoderScope) -> FxHashSet<DocId> {
    p.documents.keys().copied().filter(|d| is_coded(p, *d, coders)).collect()
}

/// Whether a document counts as coded (see [`coded_documents`] for many at once).
pub fn is_coded(p: &Project, d: DocId, coders: &CoderScope) -> bool {
    p.codings_of_doc(d).any(|c| coders.includes(c.coder))
}

/// Progress over the documents, counted one way everywhere.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct DocProgress {
    pub documents: usize,
    pub read: usize,
    pub coded: usize,
}

impl DocProgress {
    /// Over some of the project's documents (a folder of the navigator).
    pub fn of<'a>(p: &Project, docs: impl IntoIterator<Item = &'a Document>, coders: &CoderScope) -> Self {
        let coded = coded_documents(p, coders);
        let mut out = Self::default();
        for d in docs {
            out.documents += 1;
            out.read += usize::from(is_read(d, coders));
            out.coded += usize::from(coded.contains(&d.id));
        }
        out
    }

    /// Over every document.
    pub fn all(p: &Project, coders: &CoderScope) -> Self {
        Self::of(p, p.documents.values(), coders)
    }

    /// Over the documents of each kind, in [`DocKind::ALL`]'s order (every kind, empty or
    /// not): the navigator's folders, counted in one pass.
    pub fn by_kind(p: &Project, coders: &CoderScope) -> Vec<(DocKind, Self)> {
        Self::by_kind_with(p, coders, &coded_documents(p, coders))
    }

    /// [`DocProgress::by_kind`] given the documents that count as coded for the scope (as
    /// [`CodedDocuments`] keeps them).
    pub fn by_kind_with(p: &Project, coders: &CoderScope, coded: &FxHashSet<DocId>) -> Vec<(DocKind, Self)> {
        let mut out: Vec<(DocKind, Self)> = DocKind::ALL.iter().map(|k| (*k, Self::default())).collect();
        for d in p.documents.values() {
            if let Some((_, f)) = out.iter_mut().find(|(k, _)| *k == d.kind()) {
                f.documents += 1;
                f.read += usize::from(is_read(d, coders));
                f.coded += usize::from(coded.contains(&d.id));
            }
        }
        out
    }
}

/// The documents that count as coded ([`coded_documents`]), kept per document: after an edit
/// only the edited document is asked again. The navigator's folders and the phase tracker read
/// it after every edit; asking every document's codings costs a few milliseconds at 20 M
/// words (2,000 documents).
#[derive(Clone, Debug, Default)]
pub struct CodedDocuments {
    parts: PerDoc<CoderScope, bool>,
    coded: FxHashSet<DocId>,
}

impl CodedDocuments {
    /// Brings the set up to date for a coder scope (another scope asks every document again).
    pub fn refresh(&mut self, p: &Project, coders: &CoderScope) -> Refreshed {
        let coded = &mut self.coded;
        self.parts.refresh(
            p,
            coders.clone(),
            |d| is_coded(p, d.id, coders),
            |doc, _, new| {
                if new.copied().unwrap_or(false) {
                    coded.insert(doc);
                } else {
                    coded.remove(&doc);
                }
            },
        )
    }

    /// The coded documents, as of the last refresh.
    pub fn get(&self) -> &FxHashSet<DocId> {
        &self.coded
    }
}

/// The six phases and their figures for a coder scope ("read" and "coded" by coders in it).
/// Parked themes are set aside and count in none of them.
pub fn tracker(p: &Project, coders: &CoderScope) -> Vec<PhaseProgress> {
    tracker_with(p, coders, &coded_documents(p, coders))
}

/// [`tracker`] given the documents that count as coded for the scope (as [`CodedDocuments`]
/// keeps them).
pub fn tracker_with(p: &Project, coders: &CoderScope, coded_docs: &FxHashSet<DocId>) -> Vec<PhaseProgress> {
    let docs = || p.documents.values();
    // Codes applied by a coder in scope, from the index by code: each code's codings are
    // asked until one is in scope.
    let used_codes: FxHashSet<CodeId> =
        p.codes.keys().copied().filter(|c| p.codings_of_code(*c).any(|x| coders.includes(x.coder))).collect();
    let themed: HashSet<CodeId> = p.themes.values().flat_map(|t| t.codes.iter().copied()).collect();
    let live = || p.themes.values().filter(|t| t.status() != ThemeStatus::Parked);
    let finals = || p.themes.values().filter(|t| t.status() == ThemeStatus::Final);
    let quoted: HashSet<ThemeId> = p.quotes.values().map(|q| q.theme).collect();
    // A theme has coded extracts when one of its codes (or its subthemes') was applied; no
    // need to count them (that is the board's job, and costs far more).
    let has_extracts = |t: &Theme| theme_codes(p, t.id).iter().any(|(c, _)| used_codes.contains(c));

    let mut phases = Vec::with_capacity(6);
    phases.push(PhaseProgress {
        phase: Phase::Familiarisation,
        figures: vec![figure(
            "documents read",
            "not yet read",
            split(docs(), |d| is_read(d, coders), |d| Ref::Document(d.id)),
        )],
    });
    phases.push(PhaseProgress {
        phase: Phase::InitialCodes,
        figures: vec![
            figure(
                "documents with codings",
                "no coding yet",
                split(docs(), |d| coded_docs.contains(&d.id), |d| Ref::Document(d.id)),
            ),
            figure(
                "codes applied to a passage",
                "never applied",
                split(p.codes.values(), |c| used_codes.contains(&c.id), |c| Ref::Code(c.id)),
            ),
        ],
    });
    phases.push(PhaseProgress {
        phase: Phase::GeneratingThemes,
        figures: vec![
            // Codes never applied (often headings of the codebook tree) are phase 2's business.
            figure(
                "applied codes in a theme",
                "in no theme",
                split(
                    p.codes.values().filter(|c| used_codes.contains(&c.id)),
                    |c| themed.contains(&c.id),
                    |c| Ref::Code(c.id),
                ),
            ),
            figure("themes with coded extracts", "no extract yet", split(live(), has_extracts, |t| Ref::Theme(t.id))),
        ],
    });
    phases.push(PhaseProgress {
        phase: Phase::ReviewingThemes,
        figures: vec![figure(
            "themes reviewed",
            "not yet reviewed",
            split(live(), |t| t.status() != ThemeStatus::Candidate, |t| Ref::Theme(t.id)),
        )],
    });
    phases.push(PhaseProgress {
        phase: Phase::DefiningThemes,
        figures: vec![
            figure(
                "themes with a definition",
                "no definition",
                split(live(), |t| !t.props.definition.is_empty(), |t| Ref::Theme(t.id)),
            ),
            figure(
                "themes final",
                "not yet final",
                split(live(), |t| t.status() == ThemeStatus::Final, |t| Ref::Theme(t.id)),
            ),
        ],
    });
    let mut writing = vec![figure(
        "final themes with quotes",
        "no quote yet",
        split(finals(), |t| quoted.contains(&t.id), |t| Ref::Theme(t.id)),
    )];
    // Quotes per final theme: one line each, the quotes counted by the theme itself.
    for t in finals() {
        let n = p.quotes.values().filter(|q| q.theme == t.id).count();
        writing.push(Figure {
            label: format!("{} for “{}”", if n == 1 { "quote" } else { "quotes" }, t.name()),
            todo_label: "",
            done: p.quotes.values().filter(|q| q.theme == t.id).map(|q| Ref::Quote(q.id)).collect(),
            todo: Vec::new(),
        });
    }
    phases.push(PhaseProgress { phase: Phase::WritingUp, figures: writing });
    phases
}
