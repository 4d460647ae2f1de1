//! Extracts, documents and participants per code, kept per document: the codebook's counts and
//! the themes board's counts read them.
//!
//! Each document's part is, per code, how many extracts the document has of it (in the coder
//! scope, merged by the rule in [`super::scope`]) and the participants those extracts count
//! for. The totals are kept beside the parts: after an edit, the edited document's old part is
//! subtracted and its new part added ([`PerDoc`]), so a count after an edit costs one
//! document, not the project. A theme's figures are the union of its codes' totals.

use super::attribution::AttributionIndex;
use super::perdoc::{PerDoc, Refreshed};
use super::scope::CoderScope;
use super::themes::{ThemeSummary, theme_codes};
use crate::model::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::HashMap;

/// One document's extracts of one code.
#[derive(Clone, Debug, PartialEq)]
struct CodeInDoc {
    code: CodeId,
    extracts: usize,
    /// The participants (not interviewers) these extracts count for, each once.
    participants: Vec<ParticipantId>,
}

/// A code's figures over every document.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CodeTotal {
    /// Extracts of the code (not of the codes below it).
    pub extracts: usize,
    /// Documents with an extract of it.
    pub documents: FxHashSet<DocId>,
    /// Participants its extracts count for, each with the number of documents in which they
    /// do (so that taking one document's part away knows whether they still count).
    pub participants: FxHashMap<ParticipantId, u32>,
}

/// What the parts depend on besides their document: whose codings, and the participants
/// (who is an interviewer, who exists).
type Key = (CoderScope, u64);

/// Per-code totals kept up to date by document.
#[derive(Clone, Debug, Default)]
pub struct CodeCounts {
    parts: PerDoc<Key, Vec<CodeInDoc>>,
    totals: FxHashMap<CodeId, CodeTotal>,
}

impl CodeCounts {
    /// Counts of a project from scratch.
    pub fn build(p: &Project, coders: &CoderScope) -> Self {
        let mut counts = Self::default();
        counts.refresh(p, &mut AttributionIndex::default(), coders);
        counts
    }

    /// Brings the counts up to date for a coder scope: the index first (only edited documents
    /// are attributed again), then the parts of the documents that changed, subtracted and
    /// added. A different scope, or a change to the participants, counts every document again.
    pub fn refresh(&mut self, p: &Project, index: &mut AttributionIndex, coders: &CoderScope) -> Refreshed {
        index.refresh(p);
        self.refresh_with(p, index, coders)
    }

    /// [`CodeCounts::refresh`] from an index the caller has just refreshed (a part computed
    /// from a stale index would be kept as if it were current).
    pub fn refresh_with(&mut self, p: &Project, index: &AttributionIndex, coders: &CoderScope) -> Refreshed {
        let totals = &mut self.totals;
        self.parts.refresh(
            p,
            (coders.clone(), p.revisions.participants),
            |doc| part(p, index, doc.id, coders),
            |doc, old, new| {
                for c in old.iter().flatten() {
                    subtract(totals, doc, c);
                }
                for c in new.into_iter().flatten() {
                    add(totals, doc, c);
                }
            },
        )
    }

    /// Each code's figures (codes without an extract are absent).
    pub fn totals(&self) -> &FxHashMap<CodeId, CodeTotal> {
        &self.totals
    }

    /// Extracts per code, not counting child codes: the codebook's counts.
    pub fn extracts(&self) -> HashMap<CodeId, usize> {
        self.totals.iter().map(|(code, t)| (*code, t.extracts)).collect()
    }

    /// The board's figures for every theme, in the project's order of themes: the union of its
    /// codes' (its subthemes' included) totals.
    pub fn summaries(&self, p: &Project) -> Vec<ThemeSummary> {
        let mut quotes: FxHashMap<ThemeId, usize> = FxHashMap::default();
        for q in p.quotes.values() {
            *quotes.entry(q.theme).or_default() += 1;
        }
        p.themes
            .keys()
            .map(|&id| {
                let mut extracts = 0;
                let mut docs: FxHashSet<DocId> = FxHashSet::default();
                let mut people: FxHashSet<ParticipantId> = FxHashSet::default();
                // Each code is listed once by theme_codes, and an extract has one code.
                for (code, _) in theme_codes(p, id) {
                    let Some(t) = self.totals.get(&code) else { continue };
                    extracts += t.extracts;
                    docs.extend(t.documents.iter().copied());
                    people.extend(t.participants.keys().copied());
                }
                ThemeSummary {
                    id,
                    extracts,
                    participants: people.len(),
                    documents: docs.len(),
                    quotes: quotes.get(&id).copied().unwrap_or(0),
                }
            })
            .collect()
    }
}

/// A document's extracts per code, from an up-to-date index.
fn part(p: &Project, index: &AttributionIndex, doc: DocId, coders: &CoderScope) -> Vec<CodeInDoc> {
    let mut by_code: FxHashMap<CodeId, usize> = FxHashMap::default();
    let mut out: Vec<CodeInDoc> = Vec::new();
    for e in index.extracts_ref(p, doc, coders).iter() {
        let i = *by_code.entry(e.code).or_insert_with(|| {
            out.push(CodeInDoc { code: e.code, extracts: 0, participants: Vec::new() });
            out.len() - 1
        });
        let c = &mut out[i];
        c.extracts += 1;
        for x in e.attribution.counted(p) {
            if !c.participants.contains(&x.id) {
                c.participants.push(x.id);
            }
        }
    }
    out
}

fn add(totals: &mut FxHashMap<CodeId, CodeTotal>, doc: DocId, c: &CodeInDoc) {
    let t = totals.entry(c.code).or_default();
    t.extracts += c.extracts;
    t.documents.insert(doc);
    for x in &c.participants {
        *t.participants.entry(*x).or_default() += 1;
    }
}

fn subtract(totals: &mut FxHashMap<CodeId, CodeTotal>, doc: DocId, c: &CodeInDoc) {
    let Some(t) = totals.get_mut(&c.code) else { return };
    t.extracts = t.extracts.saturating_sub(c.extracts);
    t.documents.remove(&doc);
    for x in &c.participants {
        if let Some(n) = t.participants.get_mut(x) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                t.participants.remove(x);
            }
        }
    }
    if t.extracts == 0 && t.documents.is_empty() {
        totals.remove(&c.code);
    }
}
