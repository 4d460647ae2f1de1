//! The query language and the search.
//!
//! ```text
//! meeting                  a word (stemmed: finds "meetings" too)
//! "the first meeting"      a phrase (stemmed words in this order); "..."~2 allows 2 moves
//! meet*                    words starting with "meet" (unstemmed)
//! mæting~  mæting~2        words within 1 (or 2) edits (unstemmed)
//! a b   a AND b            both (AND is the default)
//! a OR b                   either
//! NOT a   -a               without
//! ( ... )                  grouping
//! group:therapist  doc:"FG1"  speaker:J3  kind:focus-group  site:Nordby
//! ```
//!
//! Field names are `group`, `doc`, `speaker` (also `participant`), `kind`, and any
//! participant attribute or document metadata name of the project. A `name:value` whose
//! name is none of these is searched as text, so "10:30" still finds the time. Filter
//! values match whole values, ignoring case (`group:therap*` for a prefix). Parsing never
//! fails: unbalanced quotes and brackets are closed at the end of the query, so a query
//! typed letter by letter always runs.

use super::kwic::{Highlighter, Hit, Leaf, UnitRef, build_hit, within_edits};
use super::schema::{Fields, columns, key};
use super::surface::SurfaceMatch;
use super::{IndexError, SearchIndex, Snapshot};
use crate::model::*;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, EmptyQuery, Occur, PhraseQuery, Query, RegexQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::{TextAnalyzer, TokenStream};
use tantivy::{DocAddress, Score, SegmentOrdinal, SegmentReader, TantivyError, Term};

/// How results are ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Order {
    /// Best match first (BM25).
    #[default]
    Relevance,
    /// In the order of the documents in the project, and of the text within each.
    Document,
}

impl crate::model::Named for Order {
    const WHAT: &'static str = "order";
    const WORDS: &'static [Word<Self>] = &[
        word(Order::Relevance, "relevance").or(&["score", "rank"]).about("Best match first"),
        word(Order::Document, "document")
            .or(&["doc", "documents", "text"])
            .about("In the project's order of documents, and text order within each"),
    ];
}

/// Keeps only matches in text coded (or not coded) in some way.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum CodingFilter {
    #[default]
    None,
    /// Only matches that no coding covers (any code; by `coder` only, when given).
    Uncoded { coder: Option<CoderId> },
    /// Only matches inside text coded with `code` or a code below it (by `coder`, when given).
    WithinCode { code: CodeId, coder: Option<CoderId> },
}

/// A filter given outside the query text (the command line's `--group`, a filter menu).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Filter {
    /// `group`, `doc`, `speaker`, `kind`, or an attribute name.
    pub field: String,
    pub value: String,
}

impl Filter {
    pub fn new(field: impl Into<String>, value: impl Into<String>) -> Self {
        Filter { field: field.into(), value: value.into() }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchRequest {
    pub query: String,
    /// AND-ed with the query.
    pub filters: Vec<Filter>,
    pub order: Order,
    /// Passages to return; `None` for all of them (code all hits).
    pub limit: Option<usize>,
    pub coding: CodingFilter,
    /// Chars of context on each side of a match.
    pub context_chars: usize,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            query: String::new(),
            filters: Vec::new(),
            order: Order::Relevance,
            limit: Some(50),
            coding: CodingFilter::None,
            context_chars: 60,
        }
    }
}

impl SearchRequest {
    pub fn new(query: impl Into<String>) -> Self {
        SearchRequest { query: query.into(), ..Default::default() }
    }
}

/// Passages found in one document.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct DocCount {
    pub doc: DocId,
    pub name: String,
    pub passages: usize,
}

#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct SearchResults {
    /// The passages, in the order asked for, at most `limit`.
    pub hits: Vec<Hit>,
    /// Passages found in the whole corpus.
    pub total: usize,
    /// Passages per document over the whole corpus, in project order.
    pub documents: Vec<DocCount>,
    /// Things the user may want to know about how the query was read.
    pub notes: Vec<String>,
    #[serde(skip)]
    pub elapsed: Duration,
}

impl SearchResults {
    /// The shown hits grouped by document, documents in the order of their first hit.
    pub fn grouped(&self) -> Vec<(DocId, Vec<&Hit>)> {
        let mut out: Vec<(DocId, Vec<&Hit>)> = Vec::new();
        for h in &self.hits {
            match out.iter_mut().find(|(d, _)| *d == h.doc) {
                Some((_, v)) => v.push(h),
                None => out.push((h.doc, vec![h])),
            }
        }
        out
    }

    /// Matches over the shown hits.
    pub fn match_count(&self) -> usize {
        self.hits.iter().map(|h| h.matches.len()).sum()
    }
}

mod collect;
mod parse;
mod resolve;

pub(crate) use collect::*;
pub use parse::*;
pub(crate) use resolve::*;

// ---------------------------------------------------------------------------------------
// Searching

/// Runs a search on the index's current state. Fast enough to run on every keystroke for
/// a few million words, but it still belongs on a worker thread: see [`super::SearchWorker`].
///
/// tantivy is not panic-free on a damaged index (a truncated segment): a panic here becomes
/// an error for which [`IndexError::is_damage`] is true, and the caller rebuilds the index.
pub fn search(index: &SearchIndex, project: &Project, request: &SearchRequest) -> Result<SearchResults, IndexError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| search_unguarded(index, project, request))).unwrap_or_else(
        |_| {
            Err(IndexError::Tantivy {
                path: index.path().to_path_buf(),
                source: TantivyError::InternalError("the index library failed reading the index".into()),
            })
        },
    )
}

fn search_unguarded(
    index: &SearchIndex,
    project: &Project,
    request: &SearchRequest,
) -> Result<SearchResults, IndexError> {
    let started = Instant::now();
    let snapshot = index.snapshot();
    let mut resolver = Resolver::new(index, &snapshot, project);
    let parsed = try_parse(&request.query).map_err(IndexError::Query)?;
    let text_query = resolver.resolve(&parsed);
    if let Some(source) = resolver.failure.take() {
        return Err(IndexError::Tantivy { path: index.path().to_path_buf(), source });
    }
    let mut parts: Vec<Q> = text_query.iter().cloned().collect();
    parts.extend(request.filters.iter().map(|f| resolver.filter(f)));
    let Some(q) = and_of(parts) else {
        return Ok(SearchResults { notes: resolver.notes, elapsed: started.elapsed(), ..Default::default() });
    };
    let mut leaves = Vec::new();
    if let Some(t) = &text_query {
        t.leaves(&mut leaves);
    }
    let mut highlighter = resolver.highlighter(leaves);
    let tantivy_query = q.to_tantivy(index.fields());
    let ranks = Ranks::new(&snapshot, project);
    let run = Run { index, snapshot: &snapshot, project, request, query: &*tantivy_query, ranks: &ranks };
    let mut results = match &request.coding {
        CodingFilter::None => run_plain(&run, &mut highlighter)?,
        filter => run_coding_filtered(&run, &mut highlighter, &CodedSpans::new(project, filter))?,
    };
    results.notes = resolver.notes;
    results.elapsed = started.elapsed();
    Ok(results)
}

/// Document order by slot: `rank[slot]` is the document's position in the project, or
/// `u32::MAX` for a slot whose document is gone (the index is behind the project).
pub(crate) struct Ranks {
    pub rank: Arc<Vec<u32>>,
    pub docs: Vec<Option<DocId>>,
}

impl Ranks {
    pub fn new(snapshot: &Snapshot, project: &Project) -> Ranks {
        let len = snapshot.manifest.next_slot as usize + 1;
        let mut rank = vec![u32::MAX; len];
        let mut docs = vec![None; len];
        for (i, id) in project.documents.keys().enumerate() {
            if let Some(e) = snapshot.manifest.docs.get(id)
                && let Some(r) = rank.get_mut(e.slot as usize)
            {
                *r = i as u32;
                docs[e.slot as usize] = Some(*id);
            }
        }
        Ranks { rank: Arc::new(rank), docs }
    }
}

fn tantivy_err(index: &SearchIndex) -> impl Fn(tantivy::TantivyError) -> IndexError + '_ {
    move |source| IndexError::Tantivy { path: index.path().to_path_buf(), source }
}

/// What one search reads, resolved: the index at one snapshot, the project, the request, the
/// query compiled for tantivy and the documents' ranks.
struct Run<'a> {
    index: &'a SearchIndex,
    snapshot: &'a Snapshot,
    project: &'a Project,
    request: &'a SearchRequest,
    query: &'a dyn Query,
    ranks: &'a Ranks,
}

fn run_plain(run: &Run<'_>, highlighter: &mut Highlighter) -> Result<SearchResults, IndexError> {
    let Run { index, snapshot, project, request, query, ranks } = *run;
    let searcher = &snapshot.searcher;
    let err = tantivy_err(index);
    // One pass collects the passages to show and counts every match per document.
    let keep = match (request.order, request.limit) {
        (_, Some(0)) => Keep::None,
        (Order::Relevance, Some(n)) => Keep::Best(n),
        (Order::Document, Some(n)) => Keep::First(n),
        (order, None) => Keep::All { scored: order == Order::Relevance },
    };
    let (mut units, counts) = searcher.search(query, &UnitCollector::new(ranks, keep)).map_err(&err)?;
    sort_units(&mut units, request.order);
    let raw: Vec<(Score, DocAddress)> = units.into_iter().map(|u| (u.score, u.addr)).collect();
    let mut reader = ColumnCache::new(snapshot);
    let mut hits = Vec::with_capacity(raw.len());
    for (score, addr) in raw {
        let Some(unit) = reader.unit(addr, score, ranks).map_err(&err)? else { continue };
        let Some(doc) = project.documents.get(&unit.doc) else { continue };
        let Some(text) = unit_text(doc, &unit) else { continue };
        let matches = highlighter.matches_in(text, doc.props.language);
        hits.push(build_hit(project, doc, &unit, text, &matches, request.context_chars));
    }
    let (total, documents) = doc_counts(project, ranks, &counts);
    Ok(SearchResults { hits, total, documents, ..Default::default() })
}

fn sort_units(units: &mut [RawUnit], order: Order) {
    match order {
        Order::Relevance => {
            units.sort_by(|a, b| b.score.total_cmp(&a.score).then((a.rank, a.start).cmp(&(b.rank, b.start))))
        }
        Order::Document => units.sort_by_key(|u| (u.rank, u.start)),
    }
}

/// The unit's text, if the index agrees with the document (it always does once synced).
pub(crate) fn unit_text<'d>(doc: &'d Document, unit: &UnitRef) -> Option<&'d str> {
    let text: &str = &doc.text;
    if unit.bytes.end > text.len()
        || !text.is_char_boundary(unit.bytes.start)
        || !text.is_char_boundary(unit.bytes.end)
        || unit.span.end.get() > doc.char_len
    {
        return None;
    }
    text.get(unit.bytes.clone())
}

fn doc_counts(project: &Project, ranks: &Ranks, counts: &[u32]) -> (usize, Vec<DocCount>) {
    let mut documents: Vec<(u32, DocCount)> = Vec::new();
    let mut total = 0;
    for (slot, &n) in counts.iter().enumerate() {
        if n == 0 {
            continue;
        }
        let Some(Some(id)) = ranks.docs.get(slot) else { continue };
        let Some(doc) = project.documents.get(id) else { continue };
        total += n as usize;
        documents.push((ranks.rank[slot], DocCount { doc: *id, name: doc.name().to_string(), passages: n as usize }));
    }
    documents.sort_by_key(|(r, _)| *r);
    (total, documents.into_iter().map(|(_, d)| d).collect())
}

fn run_coding_filtered(
    run: &Run<'_>,
    highlighter: &mut Highlighter,
    coded: &CodedSpans,
) -> Result<SearchResults, IndexError> {
    let Run { index, snapshot, project, request, query, ranks } = *run;
    let err = tantivy_err(index);
    let collector = UnitCollector::new(ranks, Keep::All { scored: request.order == Order::Relevance });
    let (mut units, _) = snapshot.searcher.search(query, &collector).map_err(&err)?;
    sort_units(&mut units, request.order);
    let mut reader = ColumnCache::new(snapshot);
    let limit = request.limit.unwrap_or(usize::MAX);
    let mut counts = vec![0u32; ranks.rank.len()];
    let mut hits = Vec::new();
    for raw in units {
        let Some(unit) = reader.unit(raw.addr, raw.score, ranks).map_err(&err)? else { continue };
        let Some(doc) = project.documents.get(&unit.doc) else { continue };
        let Some(text) = unit_text(doc, &unit) else { continue };
        let verdict = coded.judge(unit.doc, unit.span);
        if verdict == Verdict::Drop {
            continue;
        }
        let shown = hits.len() < limit;
        // A unit wholly in (or out of) the filter counts without looking at its words.
        if verdict == Verdict::KeepAll && !shown {
            counts[unit.slot as usize] += 1;
            continue;
        }
        let mut matches = highlighter.matches_in(text, doc.props.language);
        if verdict == Verdict::Check && highlighter.has_leaves() {
            let base = unit.span.start.get();
            let index = TextIndex::new(text);
            matches.retain(|m| {
                let span = Span {
                    start: CharPos(base + index.char_of(text, m.start).get()),
                    end: CharPos(base + index.char_of(text, m.end).get()),
                };
                coded.keeps(unit.doc, span)
            });
            if matches.is_empty() {
                continue;
            }
        }
        counts[unit.slot as usize] += 1;
        if shown {
            hits.push(build_hit(project, doc, &unit, text, &matches, request.context_chars));
        }
    }
    let (total, documents) = doc_counts(project, ranks, &counts);
    Ok(SearchResults { hits, total, documents, ..Default::default() })
}

/// Coded text for a [`CodingFilter`]: per document, the merged spans of the codings it
/// is about.
pub(crate) struct CodedSpans {
    within: bool,
    spans: HashMap<DocId, Vec<Span>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// No match in the unit can pass.
    Drop,
    /// Every match in the unit passes.
    KeepAll,
    /// Each match must be checked.
    Check,
}

impl CodedSpans {
    pub fn new(project: &Project, filter: &CodingFilter) -> CodedSpans {
        let (within, codes, coder) = match filter {
            CodingFilter::None => (false, None, None),
            CodingFilter::Uncoded { coder } => (false, None, *coder),
            CodingFilter::WithinCode { code, coder } => {
                (true, Some(project.code_subtree(*code).into_iter().collect::<HashSet<_>>()), *coder)
            }
        };
        let mut spans: HashMap<DocId, Vec<Span>> = HashMap::new();
        for c in project.codings.values() {
            if coder.is_some_and(|k| k != c.coder) || codes.as_ref().is_some_and(|s| !s.contains(&c.code)) {
                continue;
            }
            spans.entry(c.doc).or_default().push(c.span);
        }
        for v in spans.values_mut() {
            v.sort();
            let mut merged: Vec<Span> = Vec::with_capacity(v.len());
            for s in v.drain(..) {
                match merged.last_mut() {
                    Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
                    _ => merged.push(s),
                }
            }
            *v = merged;
        }
        CodedSpans { within, spans }
    }

    /// The merged coded span that overlaps `span` first, if any.
    fn overlapping(&self, doc: DocId, span: Span) -> (bool, bool) {
        let Some(v) = self.spans.get(&doc) else { return (false, false) };
        let i = v.partition_point(|s| s.end <= span.start);
        match v.get(i) {
            Some(s) if s.start < span.end => (true, s.contains_span(&span)),
            _ => (false, false),
        }
    }

    pub fn judge(&self, doc: DocId, unit: Span) -> Verdict {
        let (overlaps, covers) = self.overlapping(doc, unit);
        match (self.within, overlaps, covers) {
            (true, false, _) => Verdict::Drop,
            (true, true, true) => Verdict::KeepAll,
            (false, _, true) => Verdict::Drop,
            (false, false, _) => Verdict::KeepAll,
            _ => Verdict::Check,
        }
    }

    /// Whether a match passes: inside coded text (within) or touching none (uncoded).
    pub fn keeps(&self, doc: DocId, span: Span) -> bool {
        let (overlaps, covers) = self.overlapping(doc, span);
        if self.within { covers } else { !overlaps }
    }

    /// Whether any of this coded text overlaps a span.
    pub fn overlaps(&self, doc: DocId, span: Span) -> bool {
        self.overlapping(doc, span).0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Node {
        Node::Word(s.into())
    }

    #[test]
    fn parses_the_query_language() {
        assert_eq!(parse("meeting boss"), Node::And(vec![w("meeting"), w("boss")]));
        assert_eq!(parse("a OR b c"), Node::Or(vec![w("a"), Node::And(vec![w("b"), w("c")])]));
        assert_eq!(parse("a AND NOT b"), Node::And(vec![w("a"), Node::Not(Box::new(w("b")))]));
        assert_eq!(parse("a -b"), Node::And(vec![w("a"), Node::Not(Box::new(w("b")))]));
        assert_eq!(parse("well-being"), w("well-being"));
        assert_eq!(parse("\"first meeting\"~2"), Node::Phrase { text: "first meeting".into(), slop: 2 });
        assert_eq!(parse("meet*"), Node::Prefix("meet".into()));
        assert_eq!(parse("meting~"), Node::Fuzzy { text: "meting".into(), distance: 1 });
        assert_eq!(parse("meting~2"), Node::Fuzzy { text: "meting".into(), distance: 2 });
        assert_eq!(
            parse("doc:\"FG 1\" group:ther*"),
            Node::And(vec![
                Node::Field { name: "doc".into(), value: "FG 1".into(), prefix: false, quoted: true },
                Node::Field { name: "group".into(), value: "ther".into(), prefix: true, quoted: false },
            ])
        );
        assert_eq!(parse("(a OR b) c"), Node::And(vec![Node::Or(vec![w("a"), w("b")]), w("c")]));
    }

    #[test]
    fn half_typed_queries_still_parse() {
        assert_eq!(parse("\"first meet"), Node::Phrase { text: "first meet".into(), slop: 0 });
        assert_eq!(parse("(a OR b"), Node::Or(vec![w("a"), w("b")]));
        assert_eq!(parse("a)"), w("a"));
        assert_eq!(parse("a OR"), w("a"));
        assert_eq!(parse("NOT"), Node::And(vec![]));
        assert_eq!(parse(""), Node::And(vec![]));
        assert_eq!(parse("a) b"), Node::And(vec![w("a"), w("b")]));
        assert_eq!(parse("10:30"), Node::Word("10:30".into()));
    }
}
