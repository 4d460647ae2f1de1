//! Code co-occurrence: how often two codes meet, and where.
//!
//! Two scopes:
//! - **overlap**: a pair of extracts (of different codes) whose spans share text; counted
//!   once per pair of extracts, and each occurrence is the shared text. Extracts are codings
//!   merged by the rule in [`super::scope`], so a second coder's identical coding adds nothing.
//! - **turn**: a speaker turn in which both codes are applied (somewhere); counted once per
//!   turn. Text outside every turn (field notes) is taken a line at a time instead.
//!
//! Every count keeps its occurrences, so a view can open the extracts behind it.
//!
//! Every count is a sum over documents, so [`CooccurrenceCache`] keeps each document's part
//! ([`super::perdoc`]) and after an edit works only the edited document again.

use super::attribution::AttributionIndex;
use super::perdoc::PerDoc;
use super::scope::CoderScope;
use crate::model::*;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    #[default]
    Overlap,
    Turn,
}

impl crate::model::Named for Scope {
    const WHAT: &'static str = "scope";
    const WORDS: &'static [Word<Self>] = &[
        word(Scope::Overlap, "overlap").or(&["overlapping", "span"]).about("Codings whose spans share text"),
        word(Scope::Turn, "turn").or(&["turns", "same-turn"]).about("Codes applied in the same speaker turn"),
    ];
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub struct CooccurrenceOptions {
    pub scope: Scope,
    /// Whose codings.
    #[serde(default)]
    pub coders: CoderScope,
    /// Only the documents of this set (matched ignoring case and spacing); every document
    /// when `None`.
    #[serde(default)]
    pub set: Option<String>,
}

/// A code, as a row and column of the table.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CodeEntry {
    pub id: CodeId,
    pub name: String,
    /// `Parent / Child`.
    pub path: String,
    pub depth: usize,
    /// Its extracts (overlap scope) or the turns it is in (turn scope): the diagonal.
    pub total: usize,
}

/// Where two codes meet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Occurrence {
    pub doc: DocId,
    /// The shared text (overlap scope) or the turn (turn scope).
    pub span: Span,
    /// The extracts of both codes involved (each known by its first coding), in text order.
    pub codings: Vec<CodingId>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Pair {
    /// Indices into [`Cooccurrence::codes`], `a < b`.
    pub a: usize,
    pub b: usize,
    pub count: usize,
    /// In document order, then text order.
    pub occurrences: Vec<Occurrence>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cooccurrence {
    pub options: CooccurrenceOptions,
    /// The codebook in tree order.
    pub codes: Vec<CodeEntry>,
    /// Pairs that meet at least once, by `(a, b)`.
    pub pairs: Vec<Pair>,
}

impl Cooccurrence {
    pub fn build(project: &Project, options: &CooccurrenceOptions) -> Self {
        Self::build_with(project, &AttributionIndex::build(project), options)
    }

    /// Builds from an up-to-date attribution index (which holds each document's codings in
    /// text order), every document worked.
    pub fn build_with(project: &Project, index: &AttributionIndex, options: &CooccurrenceOptions) -> Self {
        let parts: HashMap<DocId, DocPairs> =
            project.documents.values().map(|d| (d.id, doc_pairs(project, index, d, options))).collect();
        assemble(project, options, |doc| parts.get(&doc))
    }

    /// How often two codes meet (the diagonal: a code's own total).
    pub fn count(&self, a: CodeId, b: CodeId) -> usize {
        let (Some(i), Some(j)) = (self.index_of(a), self.index_of(b)) else { return 0 };
        if i == j {
            return self.codes[i].total;
        }
        self.pair_at(i, j).map(|p| p.count).unwrap_or(0)
    }

    /// Where two codes meet, if they do.
    pub fn pair(&self, a: CodeId, b: CodeId) -> Option<&Pair> {
        self.pair_at(self.index_of(a)?, self.index_of(b)?)
    }

    fn pair_at(&self, i: usize, j: usize) -> Option<&Pair> {
        let key = (i.min(j), i.max(j));
        self.pairs.binary_search_by_key(&key, |p| (p.a, p.b)).ok().map(|k| &self.pairs[k])
    }

    pub fn index_of(&self, code: CodeId) -> Option<usize> {
        self.codes.iter().position(|c| c.id == code)
    }

    /// The full table of counts, codes in tree order; the diagonal holds each code's total.
    pub fn counts(&self) -> Vec<Vec<usize>> {
        let n = self.codes.len();
        let mut m = vec![vec![0; n]; n];
        for (i, c) in self.codes.iter().enumerate() {
            m[i][i] = c.total;
        }
        for p in &self.pairs {
            m[p.a][p.b] = p.count;
            m[p.b][p.a] = p.count;
        }
        m
    }
}

/// Codes depth-first in codebook order.
fn tree_order(project: &Project) -> Vec<CodeId> {
    let mut children: HashMap<Option<CodeId>, Vec<CodeId>> = HashMap::new();
    for c in project.codes.values() {
        children.entry(c.parent).or_default().push(c.id);
    }
    let mut out = Vec::with_capacity(project.codes.len());
    let mut stack: Vec<CodeId> = children.get(&None).into_iter().flatten().rev().copied().collect();
    let mut seen = HashSet::new();
    while let Some(id) = stack.pop() {
        if seen.insert(id) {
            out.push(id);
            stack.extend(children.get(&Some(id)).into_iter().flatten().rev().copied());
        }
    }
    out
}

/// One document's part of the table: its codes' totals and the pairs that meet in it, in the
/// order the table lists them (text order). Codes are kept by id, so reordering the codebook
/// changes no part.
#[derive(Clone, Debug, Default, PartialEq)]
struct DocPairs {
    totals: Vec<(CodeId, usize)>,
    pairs: Vec<(CodeId, CodeId, Occurrence)>,
}

impl DocPairs {
    fn count(&mut self, code: CodeId) {
        match self.totals.iter_mut().find(|(c, _)| *c == code) {
            Some((_, n)) => *n += 1,
            None => self.totals.push((code, 1)),
        }
    }
}

/// A document's part, from an up-to-date index.
fn doc_pairs(project: &Project, index: &AttributionIndex, doc: &Document, options: &CooccurrenceOptions) -> DocPairs {
    // (code, extract) in text order; an extract is known by its first coding.
    let codings: Vec<(CodeId, CodingId, Span)> = index
        .extracts_ref(project, doc.id, &options.coders)
        .iter()
        .filter(|c| project.codes.contains_key(&c.code))
        .map(|c| (c.code, c.id, c.span))
        .collect();
    let mut part = DocPairs::default();
    match options.scope {
        Scope::Overlap => overlap(doc.id, &codings, &mut part),
        Scope::Turn => by_unit(doc, &codings, &mut part),
    }
    part
}

/// The table from each document's part: documents in the project's order (those of the set),
/// codes in tree order.
fn assemble<'a>(
    project: &Project,
    options: &CooccurrenceOptions,
    part: impl Fn(DocId) -> Option<&'a DocPairs>,
) -> Cooccurrence {
    let order = tree_order(project);
    let pos: HashMap<CodeId, usize> = order.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let mut totals = vec![0usize; order.len()];
    let mut pairs: HashMap<(usize, usize), Vec<Occurrence>> = HashMap::new();
    let in_set = |d: &&Document| options.set.as_deref().is_none_or(|s| d.props.in_set(s));
    for doc in project.documents.values().filter(in_set) {
        let Some(part) = part(doc.id) else { continue };
        for (code, n) in &part.totals {
            if let Some(i) = pos.get(code) {
                totals[*i] += n;
            }
        }
        for (a, b, occurrence) in &part.pairs {
            let (Some(&i), Some(&j)) = (pos.get(a), pos.get(b)) else { continue };
            pairs.entry((i.min(j), i.max(j))).or_default().push(occurrence.clone());
        }
    }
    let codes = order
        .iter()
        .zip(totals)
        .filter_map(|(id, total)| {
            let c = project.codes.get(id)?;
            Some(CodeEntry {
                id: *id,
                name: c.name().to_string(),
                path: project.code_path(*id),
                depth: project.code_depth(*id),
                total,
            })
        })
        .collect();
    let mut pairs: Vec<Pair> =
        pairs.into_iter().map(|((a, b), occurrences)| Pair { a, b, count: occurrences.len(), occurrences }).collect();
    pairs.sort_by_key(|p| (p.a, p.b));
    Cooccurrence { options: options.clone(), codes, pairs }
}

/// The part kept by options, since reading the part of every document from the index.
type PartsKey = (Scope, CoderScope);

/// Keeps each document's part of the table and the last table, so the Co-occurrence tab can
/// ask every frame: after an edit only the edited documents are worked again and the table is
/// put together from the kept parts. One cache belongs to one open project.
#[derive(Default)]
pub struct CooccurrenceCache {
    parts: PerDoc<PartsKey, DocPairs>,
    /// The table and what it was put together from: the parts (documents), the codebook
    /// (order, names) and the options (the document set).
    last: Option<((u64, u64, CooccurrenceOptions), Arc<Cooccurrence>)>,
}

impl CooccurrenceCache {
    /// The table for the options, from an index the caller has just refreshed.
    pub fn get(
        &mut self,
        project: &Project,
        index: &AttributionIndex,
        options: &CooccurrenceOptions,
    ) -> Arc<Cooccurrence> {
        let key = (project.revisions.documents, project.revisions.codebook, options.clone());
        if let Some((k, table)) = &self.last
            && *k == key
        {
            return Arc::clone(table);
        }
        self.parts.refresh(
            project,
            (options.scope, options.coders.clone()),
            |doc| doc_pairs(project, index, doc, options),
            |_, _, _| {},
        );
        let parts = &self.parts;
        let table = Arc::new(assemble(project, options, |doc| parts.get(doc)));
        self.last = Some((key, Arc::clone(&table)));
        table
    }

    /// Whether [`CooccurrenceCache::get`] for these options works every document (never
    /// built, or another scope or coder scope): the slow build a view runs on a worker.
    pub fn is_cold(&self, options: &CooccurrenceOptions) -> bool {
        self.parts.key().is_none_or(|(scope, coders)| *scope != options.scope || *coders != options.coders)
    }

    pub fn clear(&mut self) {
        *self = Self::default();
    }
}

fn overlap(doc: DocId, codings: &[(CodeId, CodingId, Span)], part: &mut DocPairs) {
    // Sweep in text order, keeping the codings still open at the current start.
    let mut open: Vec<(CodeId, CodingId, Span)> = Vec::new();
    for &(code, id, span) in codings {
        part.count(code);
        open.retain(|(_, _, s)| s.end > span.start);
        for &(other, other_id, other_span) in &open {
            if other == code {
                continue;
            }
            let shared = Span { start: span.start.max(other_span.start), end: span.end.min(other_span.end) };
            part.pairs.push((other, code, Occurrence { doc, span: shared, codings: vec![other_id, id] }));
        }
        open.push((code, id, span));
    }
}

/// The units of the turn scope: every turn, and each non-blank line of text outside turns.
fn units(doc: &Document) -> Vec<Span> {
    let mut out = Vec::new();
    let mut gaps = Vec::new();
    let mut at = 0;
    for t in &doc.turns {
        if t.span.start.get() > at {
            gaps.push(Span::new(at, t.span.start.get()));
        }
        at = t.span.end.get();
        out.push(t.span);
    }
    if at < doc.char_len {
        gaps.push(Span::new(at, doc.char_len));
    }
    if gaps.is_empty() {
        return out;
    }
    let index = doc.text_index();
    for gap in gaps {
        let range = index.byte_range(&doc.text, gap);
        let Some(text) = doc.text.get(range) else { continue };
        let mut start = gap.start.get();
        let mut words = false;
        for (i, ch) in text.chars().enumerate() {
            if ch == '\n' {
                if words {
                    out.push(Span::new(start, gap.start.get() + i + 1));
                }
                start = gap.start.get() + i + 1;
                words = false;
            } else if !ch.is_whitespace() {
                words = true;
            }
        }
        if words {
            out.push(Span::new(start, gap.end.get()));
        }
    }
    out.sort();
    out
}

fn by_unit(doc: &Document, codings: &[(CodeId, CodingId, Span)], part: &mut DocPairs) {
    if codings.is_empty() {
        return;
    }
    let units = units(doc);
    // (unit, code, coding) for every unit a coding reaches.
    let mut hits: Vec<(usize, CodeId, CodingId)> = Vec::new();
    for &(code, id, span) in codings {
        let first = units.partition_point(|u| u.end <= span.start);
        for (k, u) in units.iter().enumerate().skip(first) {
            if u.start >= span.end {
                break;
            }
            hits.push((k, code, id));
        }
    }
    // Codings arrive in text order, so hits are nearly sorted by unit already.
    hits.sort_by_key(|h| h.0);
    for group in hits.chunk_by(|x, y| x.0 == y.0) {
        let unit = units[group[0].0];
        let mut codes: Vec<CodeId> = group.iter().map(|h| h.1).collect();
        codes.sort_unstable();
        codes.dedup();
        for &c in &codes {
            part.count(c);
        }
        for (i, &a) in codes.iter().enumerate() {
            for &b in &codes[i + 1..] {
                let codings = group.iter().filter(|h| h.1 == a || h.1 == b).map(|h| h.2).collect();
                part.pairs.push((a, b, Occurrence { doc: doc.id, span: unit, codings }));
            }
        }
    }
}
