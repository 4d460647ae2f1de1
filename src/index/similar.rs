//! Similar passages: tantivy's more-like-this over the index's units, seeded with the text
//! of a coded passage, keeping only passages not yet coded with that code.

use super::kwic::{Hit, Leaf, build_hit};
use super::query::{CodedSpans, CodingFilter, ColumnCache, Filter, Q, Ranks, Resolver, unit_text};
use super::{IndexError, SearchIndex};
use crate::model::*;
use std::collections::HashMap;
use tantivy::Term;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, MoreLikeThisQuery, Occur, Query};
use tantivy::schema::OwnedValue;
use tantivy::tokenizer::TokenStream;

/// Words the more-like-this query keeps from the passage, by tf-idf.
const MAX_QUERY_TERMS: usize = 25;
/// Words marked in each candidate as shared with the passage.
const MARKED_WORDS: usize = 12;

#[derive(Clone, Debug, PartialEq)]
pub struct SimilarRequest {
    pub doc: DocId,
    /// The coded passage to find more of.
    pub span: Span,
    /// Candidates already coded with this code are left out.
    pub code: CodeId,
    /// Whose codings count for that; `None` for anyone's.
    pub coder: Option<CoderId>,
    pub limit: usize,
    /// AND-ed with the similarity (`group:therapist`, ...).
    pub filters: Vec<Filter>,
    pub context_chars: usize,
}

impl SimilarRequest {
    /// Passages like the text of a coding, not yet coded with its code by anyone.
    pub fn for_coding(coding: &Coding, limit: usize) -> Self {
        SimilarRequest {
            doc: coding.doc,
            span: coding.span,
            code: coding.code,
            coder: None,
            limit,
            filters: Vec::new(),
            context_chars: 60,
        }
    }
}

/// A candidate passage; its matches mark the words it shares with the source passage.
pub type Similar = Hit;

/// Passages most like `request.span`, best first.
pub fn similar(index: &SearchIndex, project: &Project, request: &SimilarRequest) -> Result<Vec<Similar>, IndexError> {
    let Some(source_doc) = project.documents.get(&request.doc) else { return Ok(Vec::new()) };
    let Some(source_text) = source_doc.slice(request.span) else { return Ok(Vec::new()) };
    if request.limit == 0 || source_text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let snapshot = index.snapshot();
    let searcher = &snapshot.searcher;
    let fields = *index.fields();
    let err = |source| IndexError::Tantivy { path: index.path().to_path_buf(), source };
    let units = snapshot.manifest.units().max(1);
    // Words in more than a fifth of all passages say little about what a passage is about
    // (in a tiny project every word is kept, and tf-idf does the weighing).
    let max_doc_frequency = (units / 5).max(20);
    let mlt = MoreLikeThisQuery::builder()
        .with_min_doc_frequency(1)
        .with_max_doc_frequency(max_doc_frequency)
        .with_min_term_frequency(1)
        .with_min_word_length(2)
        .with_max_query_terms(MAX_QUERY_TERMS)
        .with_boost_factor(1.0)
        .with_document_fields(vec![(fields.text, vec![OwnedValue::Str(source_text.to_string())])]);
    let mut resolver = Resolver::new(index, &snapshot, project);
    let filters: Vec<Q> = request.filters.iter().map(|f| resolver.filter(f)).collect();
    let query: Box<dyn Query> = if filters.is_empty() {
        Box::new(mlt)
    } else {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, Box::new(mlt))];
        clauses.extend(filters.iter().map(|q| (Occur::Must, q.to_tantivy(&fields))));
        Box::new(BooleanQuery::new(clauses))
    };

    // Mark the source's most distinctive words (by tf-idf, as more-like-this picks them)
    // in each candidate.
    let (mut stem, exact) = resolver.analyzers();
    let mut tf: HashMap<String, usize> = HashMap::new();
    {
        let mut stream = stem.token_stream(source_text);
        while stream.advance() {
            *tf.entry(stream.token().text.clone()).or_insert(0) += 1;
        }
    }
    let n = searcher.num_docs() as f32;
    let mut scored: Vec<(f32, String)> = tf
        .into_iter()
        .filter_map(|(w, tf)| {
            let df = searcher.doc_freq(&Term::from_field_text(fields.text, &w)).unwrap_or(0);
            if df == 0 || df > max_doc_frequency || w.chars().count() < 2 {
                return None;
            }
            let idf = (1.0 + (n - df as f32 + 0.5) / (df as f32 + 0.5)).ln();
            Some((tf as f32 * idf, w))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let leaves = scored.into_iter().take(MARKED_WORDS).map(|(_, w)| Leaf::Term(w)).collect();
    drop((stem, exact));
    let mut highlighter = resolver.highlighter(leaves);

    let coded = CodedSpans::new(project, &CodingFilter::WithinCode { code: request.code, coder: request.coder });
    let ranks = Ranks::new(&snapshot, project);
    let total = searcher.num_docs() as usize;
    let mut want = request.limit * 3 + 10;
    loop {
        let top = searcher.search(&*query, &TopDocs::with_limit(want.max(1)).order_by_score()).map_err(err)?;
        let exhausted = top.len() < want || want >= total;
        let mut out = Vec::new();
        let mut columns = ColumnCache::new(&snapshot);
        for (score, addr) in &top {
            let Some(unit) = columns.unit(*addr, *score, &ranks).map_err(err)? else { continue };
            if unit.doc == request.doc && unit.span.overlaps(&request.span) {
                continue;
            }
            if coded.overlaps(unit.doc, unit.span) {
                continue;
            }
            let Some(doc) = project.documents.get(&unit.doc) else { continue };
            let Some(text) = unit_text(doc, &unit) else { continue };
            let matches = highlighter.matches_in(text, doc.props.language);
            out.push(build_hit(project, doc, &unit, text, &matches, request.context_chars));
            if out.len() == request.limit {
                return Ok(out);
            }
        }
        if exhausted {
            return Ok(out);
        }
        want = want.saturating_mul(4).min(total.max(1));
    }
}
