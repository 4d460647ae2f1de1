//! Prefix and fuzzy queries: words as written, answered from the stemmed index.
//!
//! The [`Vocabulary`](super::vocabulary::Vocabulary) says which words match and what their
//! stems are. A stem all of whose words match is a plain term of the index. A stem only
//! some of whose words match (`meeting*` takes "meeting" and "meetings" but not "meet") is
//! checked passage by passage: each passage holding the stem is cut into words again and
//! kept if one of them is a matching word. Those checks run once per search, before tantivy
//! does, and hand tantivy the passages that passed as a fixed set per segment.

use super::Snapshot;
use super::schema::{Fields, columns};
use super::vocabulary::Expansion;
use super::words::{MAX_TOKEN_BYTES, Words, lower_into, next_word};
use crate::model::Project;
use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::Arc;
use tantivy::index::SegmentId;
use tantivy::query::{
    BooleanQuery, ConstScoreQuery, ConstScorer, EmptyQuery, EnableScoring, Explanation, Query, Scorer, TermSetQuery,
    Weight,
};
use tantivy::schema::IndexRecordOption;
use tantivy::tokenizer::{TextAnalyzer, TokenStream};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError, Term};

/// What a prefix or fuzzy query word stands for in the index.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SurfaceMatch {
    /// Stems whose passages all match.
    pub whole: Vec<String>,
    /// Passages, per segment of the snapshot the search runs on, that hold a matching word
    /// of a partly matched stem. Sorted.
    pub checked: Arc<FxHashMap<SegmentId, Vec<DocId>>>,
}

impl SurfaceMatch {
    /// Works out the passages of the partly matched stems of `expansion`.
    pub fn new(
        expansion: Expansion,
        snapshot: &Snapshot,
        project: &Project,
        fields: &Fields,
    ) -> Result<SurfaceMatch, TantivyError> {
        let checked = if expansion.partial.is_empty() {
            FxHashMap::default()
        } else {
            check_passages(&expansion.partial, snapshot, project, fields)?
        };
        Ok(SurfaceMatch { whole: expansion.whole, checked: Arc::new(checked) })
    }

    pub fn to_tantivy(&self, f: &Fields) -> Box<dyn Query> {
        let mut parts: Vec<Box<dyn Query>> = Vec::new();
        if !self.whole.is_empty() {
            parts.push(Box::new(TermSetQuery::new(self.whole.iter().map(|s| Term::from_field_text(f.text, s)))));
        }
        if self.checked.values().any(|d| !d.is_empty()) {
            parts.push(Box::new(PassageSet(Arc::clone(&self.checked))));
        }
        let q: Box<dyn Query> = match parts.len() {
            0 => return Box::new(EmptyQuery),
            1 => parts.remove(0),
            _ => Box::new(BooleanQuery::union(parts)),
        };
        // Every passage with a matching word matches alike, as an automaton query would.
        Box::new(ConstScoreQuery::new(q, 1.0))
    }
}

fn check_passages(
    partial: &[(String, Vec<String>)],
    snapshot: &Snapshot,
    project: &Project,
    fields: &Fields,
) -> Result<FxHashMap<SegmentId, Vec<DocId>>, TantivyError> {
    let mut finders: Vec<(Term, FormFinder)> = partial
        .iter()
        .map(|(stem, forms)| (Term::from_field_text(fields.text, stem), FormFinder::new(forms)))
        .collect();
    let mut out = FxHashMap::default();
    for segment in snapshot.searcher.segment_readers() {
        let inverted = segment.inverted_index(fields.text)?;
        let ff = segment.fast_fields();
        let slot_col = ff.u64(columns::DOC_SLOT)?;
        let start_col = ff.u64(columns::START_BYTE)?;
        let end_col = ff.u64(columns::END_BYTE)?;
        let alive = segment.alive_bitset();
        let mut docs: Vec<DocId> = Vec::new();
        for (term, finder) in &mut finders {
            let Some(mut postings) = inverted.read_postings(term, IndexRecordOption::Basic)? else { continue };
            let mut doc = postings.doc();
            while doc != TERMINATED {
                if alive.is_none_or(|a| a.is_alive(doc)) {
                    let text = slot_col
                        .first(doc)
                        .and_then(|slot| snapshot.doc_of_slot(slot))
                        .and_then(|id| project.documents.get(&id))
                        .zip(start_col.first(doc).zip(end_col.first(doc)))
                        .and_then(|(d, (a, b))| d.text.get(a as usize..b as usize));
                    if text.is_some_and(|t| finder.holds(t)) {
                        docs.push(doc);
                    }
                }
                doc = postings.advance();
            }
        }
        docs.sort_unstable();
        docs.dedup();
        out.insert(segment.segment_id(), docs);
    }
    Ok(out)
}

/// Tells whether a text holds one of some words as written, as the [`Words`] tokenizer
/// would cut and lower-case them.
///
/// Cutting every passage into words is the slow way; a case-insensitive search for the
/// words (which the regex crate runs with SIMD literal search) finds the few places worth
/// a look, and each place is then judged exactly: the match must start a word, and that
/// whole word, lower-cased as the tokenizer does, must be one of the forms. Case-insensitive
/// matching finds every spelling whose lower case is a form, except for the one letter
/// whose lower case is two chars (İ → i̇); forms with that go the slow way.
pub(crate) struct FormFinder {
    forms: FxHashSet<String>,
    regex: Option<regex::Regex>,
    words: TextAnalyzer,
    lower: String,
}

impl FormFinder {
    pub(crate) fn new(forms: &[String]) -> FormFinder {
        let regex = if forms.is_empty() || forms.iter().any(|f| f.contains('\u{307}')) {
            None
        } else {
            let mut sorted: Vec<&String> = forms.iter().collect();
            sorted.sort_by_key(|f| std::cmp::Reverse(f.len()));
            let pattern = sorted.iter().map(|f| regex::escape(f)).collect::<Vec<_>>().join("|");
            // A huge alternation may pass the size limit; the slow way is then still right.
            regex::RegexBuilder::new(&pattern).case_insensitive(true).build().ok()
        };
        FormFinder {
            forms: forms.iter().cloned().collect(),
            regex,
            words: TextAnalyzer::from(Words::default()),
            lower: String::new(),
        }
    }

    pub(crate) fn holds(&mut self, text: &str) -> bool {
        let Some(regex) = &self.regex else {
            let mut stream = self.words.token_stream(text);
            while stream.advance() {
                if self.forms.contains(stream.token().text.as_str()) {
                    return true;
                }
            }
            return false;
        };
        let mut at = 0;
        while let Some(m) = regex.find_at(text, at) {
            let start = m.start();
            let starts_word = !text[..start].chars().next_back().is_some_and(char::is_alphanumeric);
            match next_word(text, start) {
                Some((from, to)) if from == start && starts_word => {
                    if to - from < MAX_TOKEN_BYTES {
                        lower_into(&text[from..to], &mut self.lower);
                        if self.forms.contains(self.lower.as_str()) {
                            return true;
                        }
                    }
                    at = to;
                }
                _ => at = start + text[start..].chars().next().map_or(1, char::len_utf8),
            }
            if at >= text.len() {
                break;
            }
        }
        false
    }
}

/// A fixed set of passages per segment.
#[derive(Clone, Debug)]
struct PassageSet(Arc<FxHashMap<SegmentId, Vec<DocId>>>);

impl Query for PassageSet {
    fn weight(&self, _scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(self.clone()))
    }
}

impl Weight for PassageSet {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let docs = self.0.get(&reader.segment_id()).cloned().unwrap_or_default();
        Ok(Box::new(ConstScorer::new(Sorted { docs, at: 0 }, boost)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let holds = self.0.get(&reader.segment_id()).is_some_and(|d| d.binary_search(&doc).is_ok());
        if holds {
            Ok(Explanation::new("a word as written matched", 1.0))
        } else {
            Err(TantivyError::InvalidArgument(format!("passage {doc} does not match")))
        }
    }
}

/// A sorted list of passages as a tantivy doc set.
struct Sorted {
    docs: Vec<DocId>,
    at: usize,
}

impl DocSet for Sorted {
    fn advance(&mut self) -> DocId {
        self.at = (self.at + 1).min(self.docs.len());
        self.doc()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.at += self.docs[self.at..].partition_point(|&d| d < target);
        self.doc()
    }

    fn doc(&self) -> DocId {
        self.docs.get(self.at).copied().unwrap_or(TERMINATED)
    }

    fn size_hint(&self) -> u32 {
        (self.docs.len() - self.at) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn slow(forms: &[String], text: &str) -> bool {
        let mut a = TextAnalyzer::from(Words::default());
        let mut s = a.token_stream(text);
        while s.advance() {
            if forms.iter().any(|f| *f == s.token().text) {
                return true;
            }
        }
        false
    }

    fn words_of(text: &str) -> Vec<String> {
        let mut a = TextAnalyzer::from(Words::default());
        let mut s = a.token_stream(text);
        let mut out = Vec::new();
        while s.advance() {
            out.push(s.token().text.clone());
        }
        out
    }

    fn text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            4 => "[a-dA-D]{1,5}",
            2 => "[ .,_'\\-\n]{1,2}",
            2 => "[æøåÆØÅßẞİΣσςKk]{1,3}",
            1 => "[a-z]{58,61}",
            1 => any::<String>(),
        ];
        prop::collection::vec(piece, 0..20).prop_map(|v| v.concat())
    }

    proptest! {
        /// The fast finder agrees with cutting the text into words, for forms taken from
        /// the text itself (some of them) and from another text.
        #[test]
        fn the_finder_agrees_with_the_tokenizer(t in text(), other in text(), pick in any::<u64>()) {
            let mut forms: Vec<String> = words_of(&t).into_iter().enumerate()
                .filter(|(i, _)| pick >> (i % 64) & 1 == 1).map(|(_, w)| w).collect();
            forms.extend(words_of(&other).into_iter().take(3));
            forms.sort();
            forms.dedup();
            prop_assert_eq!(FormFinder::new(&forms).holds(&t), slow(&forms, &t));
        }
    }

    #[test]
    fn whole_words_only_in_any_case() {
        let forms = vec!["meeting".to_string(), "møtet".to_string()];
        let mut f = FormFinder::new(&forms);
        assert!(f.holds("The MEETING was long"));
        assert!(f.holds("til Møtet i går"));
        assert!(!f.holds("meetings and premeeting"));
        assert!(!f.holds("meet"));
        assert!(f.holds("premeeting, meetingx, meeting."));
    }
}
