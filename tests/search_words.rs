//! Prefix and fuzzy queries are about words as written, while the index holds stems: these
//! tests check them against the plain definition — a passage matches when one of its words,
//! lower-cased, starts with the prefix (or is within the edits) — over random corpora full
//! of words that share stems, before and after the corpus changes under the index.

use proptest::prelude::*;
use std::collections::BTreeSet;
use tantivy::tokenizer::{TextAnalyzer, TokenStream};
use tema::index::kwic::within_edits;
use tema::index::words::Words;
use tema::index::*;
use tema::model::*;

/// Words whose stems are shared, cut short or rewritten (happy → happi), in two languages.
const POOL: &[&str] = &[
    "meet",
    "meets",
    "meeting",
    "Meetings",
    "happy",
    "happier",
    "happiness",
    "happily",
    "study",
    "studies",
    "studied",
    "work",
    "worker",
    "working",
    "organ",
    "organization",
    "organize",
    "generous",
    "generously",
    "møte",
    "Møtet",
    "møtene",
    "the",
    "and",
];

fn corpus() -> impl Strategy<Value = Vec<Vec<Vec<usize>>>> {
    // Documents of paragraphs of words (indexes into POOL).
    let paragraph = prop::collection::vec(0..POOL.len(), 1..7);
    let doc = prop::collection::vec(paragraph, 1..5);
    prop::collection::vec(doc, 1..4)
}

fn project(docs: &[Vec<Vec<usize>>], language: Language) -> Project {
    let mut p = Project::new("words");
    p.settings.language = language;
    for (i, paragraphs) in docs.iter().enumerate() {
        let text: Vec<String> =
            paragraphs.iter().map(|ws| ws.iter().map(|&w| POOL[w]).collect::<Vec<_>>().join(" ")).collect();
        let d = Document::new(DocId::from_u128(i as u128 + 1), format!("d{i}"), DocKind::FieldNotes, text.join("\n\n"));
        let r = p.apply(tema::edit::Edit::AddDocument { document: Box::new(d), index: None });
        assert!(r.is_ok(), "{r:?}");
    }
    p
}

/// (document, passage start) of every passage `hit` accepts a word of.
fn expected(p: &Project, hit: &dyn Fn(&str) -> bool) -> BTreeSet<(DocId, usize)> {
    let mut words = TextAnalyzer::from(Words::default());
    let mut out = BTreeSet::new();
    for d in p.documents.values() {
        for unit in units::units(d) {
            let mut s = words.token_stream(&d.text[unit.bytes.clone()]);
            while s.advance() {
                if hit(&s.token().text) {
                    out.insert((d.id, unit.span.start.get()));
                    break;
                }
            }
        }
    }
    out
}

fn found(index: &SearchIndex, p: &Project, q: &str) -> Result<BTreeSet<(DocId, usize)>, IndexError> {
    let r = search(index, p, &SearchRequest { order: Order::Document, limit: None, ..SearchRequest::new(q) })?;
    assert_eq!(r.total, r.hits.len(), "{q}");
    Ok(r.hits.iter().map(|h| (h.doc, h.passage.start.get())).collect())
}

fn check(index: &SearchIndex, p: &Project, word: &str, cut: usize, edits: u8) -> Result<(), TestCaseError> {
    let lower = word.to_lowercase();
    let chars: Vec<char> = lower.chars().collect();
    let prefix: String = chars[..cut.clamp(1, chars.len())].iter().collect();
    let got = found(index, p, &format!("{prefix}*")).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(got, expected(p, &|w| w.starts_with(&prefix)), "{}*", prefix);
    // A fuzzy word: the pool word with its last letter changed.
    let mut fuzzy = chars.clone();
    if let Some(last) = fuzzy.last_mut() {
        *last = if *last == 'x' { 'y' } else { 'x' };
    }
    let fuzzy: String = fuzzy.into_iter().collect();
    let target: Vec<char> = fuzzy.chars().collect();
    let got = found(index, p, &format!("{fuzzy}~{edits}")).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(got, expected(p, &|w| within_edits(&target, w, edits)), "{}~{}", fuzzy, edits);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn prefix_and_fuzzy_find_exactly_the_passages_with_such_words(
        before in corpus(),
        after in corpus(),
        queries in prop::collection::vec((0..POOL.len(), 1usize..12, 1u8..3), 4),
        norwegian in any::<bool>(),
    ) {
        let language = if norwegian { Language::Norwegian } else { Language::English };
        let index = SearchIndex::in_memory(language).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let first = project(&before, language);
        index.sync(&first, &tema::progress::Progress::new()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        for &(w, cut, edits) in &queries {
            check(&index, &first, POOL[w], cut, edits)?;
        }
        // The same documents rewritten: the index keeps words no passage holds any more.
        let second = project(&after, language);
        index.sync(&second, &tema::progress::Progress::new()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        for &(w, cut, edits) in &queries {
            check(&index, &second, POOL[w], cut, edits)?;
        }
    }
}

#[test]
fn a_prefix_longer_than_the_stem_takes_only_the_words_it_starts() -> Result<(), Box<dyn std::error::Error>> {
    let p = project(&[vec![vec![0], vec![2], vec![3], vec![4], vec![7]]], Language::English);
    let index = SearchIndex::in_memory(Language::English)?;
    index.sync(&p, &tema::progress::Progress::new())?;
    let texts = |q: &str| -> Result<Vec<String>, IndexError> {
        let r = search(&index, &p, &SearchRequest { order: Order::Document, ..SearchRequest::new(q) })?;
        // Each passage found shows its match: none was found without one.
        assert!(r.hits.iter().all(|h| !h.matches.is_empty()), "{q}: a passage without a match");
        Ok(r.hits.iter().flat_map(|h| h.matches.iter().map(|m| m.text.clone())).collect())
    };
    assert_eq!(texts("meet*")?, ["meet", "meeting", "Meetings"]);
    assert_eq!(texts("meeting*")?, ["meeting", "Meetings"]);
    // "happy" is indexed as "happi", but it does not start with "happi".
    assert_eq!(texts("happi*")?, ["happily"]);
    assert_eq!(texts("meating~1")?, ["meeting"]);
    Ok(())
}
