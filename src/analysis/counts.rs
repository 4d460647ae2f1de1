//! Extracts, documents and participants per code, kept per document: the codebook's counts and
//! the themes board's counts read them.
//!
//! Each document's part is, per code, how many extracts the document has of it (in the coder
//! scope, merged by the rule in [`super::scope`]) and the participants those extracts count
//! for. The totals are kept beside the parts: after an edit, the edited document's old part is
//! subtracted and its new part added ([`PerDoc`]), so a count after an edit costs one
//! document, not the project. A theme's figures are kept the same way (each extract counted
//! for every theme whose codes, its subthemes' included, hold its code), so the board after
//! an edit costs the edited document and the themes, not a union over every code's
//! documents; a change to the themes recounts only the themes whose codes changed, from the
//! codes' totals.

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

/// A theme's figures over every document, its subthemes' codes included.
#[derive(Clone, Debug, Default, PartialEq)]
struct ThemeTotal {
    extracts: usize,
    /// Documents with an extract of its codes, each with how many of its codes have one there.
    documents: FxHashMap<DocId, u32>,
    /// Participants its extracts count for, each with how many (code, document) pairs do.
    participants: FxHashMap<ParticipantId, u32>,
}

/// Which themes count each code, as of the themes and codebook revisions it was made at.
#[derive(Clone, Debug, Default)]
struct Holders {
    revisions: Option<(u64, u64)>,
    /// Each theme's codes (its subthemes' included), in the project's order of themes.
    codes_of: FxHashMap<ThemeId, Vec<CodeId>>,
    /// The themes that count each code.
    of_code: FxHashMap<CodeId, Vec<ThemeId>>,
}

/// Per-code totals kept up to date by document.
#[derive(Clone, Debug, Default)]
pub struct CodeCounts {
    parts: PerDoc<Key, Vec<CodeInDoc>>,
    totals: FxHashMap<CodeId, CodeTotal>,
    themes: FxHashMap<ThemeId, ThemeTotal>,
    holders: Holders,
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

    /// How many codings the next [`CodeCounts::refresh`] for `coders` would count again
    /// (attributing them again included): every coding when the counts are cold.
    pub fn stale_codings(&self, p: &Project, index: &AttributionIndex, coders: &CoderScope) -> usize {
        let key = (coders.clone(), p.revisions.participants);
        let counts = self.parts.stale_by(p, &key, |doc| p.coding_count_of_doc(doc));
        counts.max(index.stale_codings(p))
    }

    /// [`CodeCounts::refresh`] from an index the caller has just refreshed (a part computed
    /// from a stale index would be kept as if it were current).
    pub fn refresh_with(&mut self, p: &Project, index: &AttributionIndex, coders: &CoderScope) -> Refreshed {
        self.refresh_holders(p);
        let (totals, themes, holders) = (&mut self.totals, &mut self.themes, &self.holders.of_code);
        self.parts.refresh(
            p,
            (coders.clone(), p.revisions.participants),
            |doc| part(p, index, doc.id, coders),
            |doc, old, new| {
                for c in old.iter().flatten() {
                    subtract(totals, doc, c);
                    for t in holders.get(&c.code).into_iter().flatten() {
                        subtract_from_theme(themes, *t, doc, c);
                    }
                }
                for c in new.into_iter().flatten() {
                    add(totals, doc, c);
                    for t in holders.get(&c.code).into_iter().flatten() {
                        add_to_theme(themes.entry(*t).or_default(), doc, c);
                    }
                }
            },
        )
    }

    /// Brings the themes' codes up to date after a change to the themes or the codebook, and
    /// counts again, from the codes' totals, the themes whose codes changed.
    fn refresh_holders(&mut self, p: &Project) {
        let revisions = (p.revisions.themes, p.revisions.codebook);
        if self.holders.revisions == Some(revisions) {
            return;
        }
        let codes_of: FxHashMap<ThemeId, Vec<CodeId>> =
            p.themes.keys().map(|&t| (t, theme_codes(p, t).into_iter().map(|(c, _)| c).collect())).collect();
        self.themes.retain(|t, _| codes_of.contains_key(t));
        for (t, codes) in &codes_of {
            if self.holders.codes_of.get(t) == Some(codes) {
                continue;
            }
            let mut total = ThemeTotal::default();
            for code in codes {
                let Some(c) = self.totals.get(code) else { continue };
                total.extracts += c.extracts;
                for d in &c.documents {
                    *total.documents.entry(*d).or_default() += 1;
                }
                for (x, n) in &c.participants {
                    *total.participants.entry(*x).or_default() += n;
                }
            }
            if total == ThemeTotal::default() {
                self.themes.remove(t);
            } else {
                self.themes.insert(*t, total);
            }
        }
        let mut of_code: FxHashMap<CodeId, Vec<ThemeId>> = FxHashMap::default();
        for (t, codes) in &codes_of {
            for c in codes {
                of_code.entry(*c).or_default().push(*t);
            }
        }
        self.holders = Holders { revisions: Some(revisions), codes_of, of_code };
    }

    /// Each code's figures (codes without an extract are absent).
    pub fn totals(&self) -> &FxHashMap<CodeId, CodeTotal> {
        &self.totals
    }

    /// Extracts per code, not counting child codes: the codebook's counts.
    pub fn extracts(&self) -> HashMap<CodeId, usize> {
        self.totals.iter().map(|(code, t)| (*code, t.extracts)).collect()
    }

    /// The board's figures for every theme, in the project's order of themes, from the kept
    /// themes' totals (as of the last refresh).
    pub fn summaries(&self, p: &Project) -> Vec<ThemeSummary> {
        let quotes = quotes_per_theme(p);
        p.themes
            .keys()
            .map(|&id| {
                let t = self.themes.get(&id);
                ThemeSummary {
                    id,
                    extracts: t.map_or(0, |t| t.extracts),
                    participants: t.map_or(0, |t| t.participants.len()),
                    documents: t.map_or(0, |t| t.documents.len()),
                    quotes: quotes.get(&id).copied().unwrap_or(0),
                }
            })
            .collect()
    }

    /// The same figures as [`CodeCounts::summaries`] made afresh: the union of each theme's
    /// codes' (its subthemes' included) totals. What the kept themes' totals are held to.
    pub fn summaries_from_codes(&self, p: &Project) -> Vec<ThemeSummary> {
        let quotes = quotes_per_theme(p);
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

fn quotes_per_theme(p: &Project) -> FxHashMap<ThemeId, usize> {
    let mut quotes: FxHashMap<ThemeId, usize> = FxHashMap::default();
    for q in p.quotes.values() {
        *quotes.entry(q.theme).or_default() += 1;
    }
    quotes
}

fn add_to_theme(t: &mut ThemeTotal, doc: DocId, c: &CodeInDoc) {
    t.extracts += c.extracts;
    *t.documents.entry(doc).or_default() += 1;
    for x in &c.participants {
        *t.participants.entry(*x).or_default() += 1;
    }
}

fn subtract_from_theme(themes: &mut FxHashMap<ThemeId, ThemeTotal>, theme: ThemeId, doc: DocId, c: &CodeInDoc) {
    let Some(t) = themes.get_mut(&theme) else { return };
    t.extracts = t.extracts.saturating_sub(c.extracts);
    less(&mut t.documents, doc);
    for x in &c.participants {
        less(&mut t.participants, *x);
    }
    if *t == ThemeTotal::default() {
        themes.remove(&theme);
    }
}

/// One less of `key`, forgotten at none.
fn less<K: std::hash::Hash + Eq>(counts: &mut FxHashMap<K, u32>, key: K) {
    if let Some(n) = counts.get_mut(&key) {
        *n = n.saturating_sub(1);
        if *n == 0 {
            counts.remove(&key);
        }
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
