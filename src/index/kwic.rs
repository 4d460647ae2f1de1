//! Keyword in context: where exactly each query word matched in a passage, as char spans of
//! the document, with the text around it.
//!
//! tantivy says which units match; the highlighter finds the matches inside a unit by
//! running the same analysers over the unit's text and comparing the tokens with the
//! query's words. Tokens carry byte offsets into the unit; they become char positions in
//! the document through a [`TextIndex`] of the unit plus the unit's own char start.

use crate::model::*;
use serde::Serialize;
use std::collections::HashMap;
use std::ops::Range;
use tantivy::tokenizer::{TextAnalyzer, TokenStream};

/// A unit as read back from the index.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitRef {
    pub doc: DocId,
    pub slot: u64,
    pub turn: Option<usize>,
    /// Chars of the document.
    pub span: Span,
    /// The same, in bytes.
    pub bytes: Range<usize>,
    pub score: f32,
}

/// One passage (a speaker turn or a paragraph) that matched.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Hit {
    pub doc: DocId,
    pub doc_name: String,
    pub kind: DocKind,
    /// The whole passage, in chars of the document (a turn without its speaker label).
    pub passage: Span,
    /// The speaker turn, if the passage is one.
    pub turn: Option<usize>,
    /// The speaker as written in the transcript.
    pub speaker: Option<String>,
    pub participant: Option<ParticipantId>,
    pub participant_label: Option<String>,
    pub group: Option<String>,
    /// BM25 (0 when ordered by document).
    pub score: f32,
    /// Where the query's words matched, in text order. Empty for a query of filters only.
    pub matches: Vec<Match>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Match {
    /// Chars of the document.
    pub span: Span,
    /// The matched text as it is in the document.
    pub text: String,
    pub context: Context,
}

/// The text on either side of a match, within its passage, cut at word boundaries:
/// `before`, the match and `after` are contiguous text of the document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Context {
    pub before: String,
    pub after: String,
    /// Whether the passage goes on beyond `before` / `after`.
    pub more_before: bool,
    pub more_after: bool,
}

impl Context {
    /// The line with the match marked, `…` where the passage goes on, line breaks as spaces.
    pub fn marked(&self, matched: &str, open: &str, close: &str) -> String {
        let flat = |s: &str| s.replace(['\n', '\r', '\t'], " ");
        format!(
            "{}{}{open}{}{close}{}{}",
            if self.more_before { "…" } else { "" },
            flat(&self.before),
            flat(matched),
            flat(&self.after),
            if self.more_after { "…" } else { "" }
        )
    }
}

/// What the highlighter looks for, after analysis.
#[derive(Clone, Debug, PartialEq)]
pub enum Leaf {
    /// A stemmed word.
    Term(String),
    /// Stemmed words at positions relative to the first, with a slop.
    Phrase(Vec<(usize, String)>, u32),
    /// The start of an unstemmed, lower-cased word.
    Prefix(String),
    /// An unstemmed, lower-cased word, within this many edits.
    Fuzzy(String, u8),
}

/// Finds a query's matches in passages.
pub struct Highlighter {
    /// The analyser of the index's (the project's) language.
    stem: TextAnalyzer,
    /// Analysers of the other languages documents are written in: a passage is stemmed in
    /// its document's language, as the index stemmed it, so a Norwegian hit in an English
    /// project is highlighted.
    other_stems: Vec<(Language, TextAnalyzer)>,
    exact: TextAnalyzer,
    /// Every stemmed word the query mentions, numbered.
    vocab: HashMap<String, u32>,
    terms: Vec<bool>,
    phrases: Vec<(Vec<(usize, u32)>, u32)>,
    prefixes: Vec<String>,
    fuzzy: Vec<(Vec<char>, u8)>,
    any: bool,
}

impl Highlighter {
    pub fn new(stem: TextAnalyzer, exact: TextAnalyzer, leaves: Vec<Leaf>) -> Self {
        let mut h = Highlighter {
            stem,
            other_stems: Vec::new(),
            exact,
            vocab: HashMap::new(),
            terms: Vec::new(),
            phrases: Vec::new(),
            prefixes: Vec::new(),
            fuzzy: Vec::new(),
            any: !leaves.is_empty(),
        };
        for leaf in leaves {
            match leaf {
                Leaf::Term(t) => {
                    let id = h.word_id(t);
                    h.terms[id as usize] = true;
                }
                Leaf::Phrase(words, slop) => {
                    let ids = words.into_iter().map(|(p, w)| (p, h.word_id(w))).collect();
                    h.phrases.push((ids, slop));
                }
                Leaf::Prefix(p) => h.prefixes.push(p),
                Leaf::Fuzzy(w, d) => h.fuzzy.push((w.chars().collect(), d)),
            }
        }
        h
    }

    fn word_id(&mut self, w: String) -> u32 {
        let next = self.vocab.len() as u32;
        let id = *self.vocab.entry(w).or_insert(next);
        if id as usize >= self.terms.len() {
            self.terms.resize(id as usize + 1, false);
        }
        id
    }

    /// Also stems passages of documents in these languages with their own analyser.
    pub fn with_languages(mut self, stems: Vec<(Language, TextAnalyzer)>) -> Self {
        self.other_stems = stems;
        self
    }

    pub fn has_leaves(&self) -> bool {
        self.any
    }

    /// Byte ranges of the matches in a passage of a document in the project's language.
    pub fn matches(&mut self, text: &str) -> Vec<Range<usize>> {
        self.matches_in(text, None)
    }

    /// Byte ranges of the matches in a passage's text, sorted, overlapping ones merged. The
    /// passage is stemmed in `language` (its document's own, when it has one), else in the
    /// project's.
    pub fn matches_in(&mut self, text: &str, language: Option<Language>) -> Vec<Range<usize>> {
        let mut out: Vec<Range<usize>> = Vec::new();
        if !self.any {
            return out;
        }
        if !self.vocab.is_empty() {
            // (position, byte range, word id) of each token that is one of the query's words.
            let mut found: Vec<(usize, Range<usize>, u32)> = Vec::new();
            let stem = match language.and_then(|l| self.other_stems.iter_mut().find(|(x, _)| *x == l)) {
                Some((_, analyzer)) => analyzer,
                None => &mut self.stem,
            };
            let mut stream = stem.token_stream(text);
            while stream.advance() {
                let t = stream.token();
                if let Some(&id) = self.vocab.get(&t.text) {
                    found.push((t.position, t.offset_from..t.offset_to, id));
                }
            }
            for (_, range, id) in &found {
                if self.terms[*id as usize] {
                    out.push(range.clone());
                }
            }
            for (words, slop) in &self.phrases {
                phrase_matches(&found, words, *slop, &mut out);
            }
        }
        if !self.prefixes.is_empty() || !self.fuzzy.is_empty() {
            let mut stream = self.exact.token_stream(text);
            while stream.advance() {
                let t = stream.token();
                let hit = self.prefixes.iter().any(|p| t.text.starts_with(p.as_str()))
                    || self.fuzzy.iter().any(|(w, d)| within_edits(w, &t.text, *d));
                if hit {
                    out.push(t.offset_from..t.offset_to);
                }
            }
        }
        out.sort_by_key(|r| (r.start, r.end));
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(out.len());
        for r in out {
            match merged.last_mut() {
                Some(last) if r.start < last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        merged
    }
}

/// Occurrences of a phrase among the found tokens: each word at its offset from the first,
/// allowing `slop` extra positions in total.
fn phrase_matches(
    found: &[(usize, Range<usize>, u32)],
    words: &[(usize, u32)],
    slop: u32,
    out: &mut Vec<Range<usize>>,
) {
    let Some(&(_, first)) = words.first() else { return };
    for (i, (pos, range, id)) in found.iter().enumerate() {
        if *id != first {
            continue;
        }
        let mut budget = slop as usize;
        let mut end = range.end;
        let mut prev_pos = *pos;
        let mut prev_off = 0;
        let mut ok = true;
        let mut j = i + 1;
        for &(off, want) in &words[1..] {
            let gap = off - prev_off;
            let next = found[j..]
                .iter()
                .position(|(p, _, w)| *w == want && *p >= prev_pos + gap && *p <= prev_pos + gap + budget);
            match next {
                Some(k) => {
                    let (p, r, _) = &found[j + k];
                    budget -= p - (prev_pos + gap);
                    prev_pos = *p;
                    prev_off = off;
                    end = r.end;
                    j += k + 1;
                }
                None => {
                    ok = false;
                    break;
                }
            }
        }
        if ok {
            out.push(range.start..end);
        }
    }
}

/// Whether two words are at most `max` edits apart (insert, delete, substitute, or swap
/// two neighbours), counted in chars.
pub fn within_edits(a: &[char], b: &str, max: u8) -> bool {
    let b: Vec<char> = b.chars().collect();
    let max = max as usize;
    if a.len().abs_diff(b.len()) > max {
        return false;
    }
    // Optimal string alignment distance, three rows.
    let (n, m) = (a.len(), b.len());
    let mut prev2 = vec![0usize; m + 1];
    let mut prev: Vec<usize> = (0..=m).collect();
    let mut cur = vec![0usize; m + 1];
    for i in 1..=n {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return false;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[m] <= max
}

/// Builds a hit: the passage's speaker and participant from the project, each match's char
/// span and context.
pub fn build_hit(
    project: &Project,
    doc: &Document,
    unit: &UnitRef,
    text: &str,
    matches: &[Range<usize>],
    context_chars: usize,
) -> Hit {
    let turn = unit.turn.and_then(|t| doc.turns.get(t));
    let participant = turn.and_then(|t| t.participant).and_then(|p| project.participants.get(&p));
    let index = TextIndex::new(text);
    let base = unit.span.start.get();
    let matches = matches
        .iter()
        .map(|m| {
            let start = index.char_of(text, m.start);
            let end = index.char_of(text, m.end);
            Match {
                span: Span { start: CharPos(base + start.get()), end: CharPos(base + end.get()) },
                text: text[m.clone()].to_string(),
                context: context(text, m.clone(), context_chars),
            }
        })
        .collect();
    Hit {
        doc: doc.id,
        doc_name: doc.name().to_string(),
        kind: doc.kind(),
        passage: unit.span,
        turn: unit.turn,
        speaker: turn.map(|t| t.speaker.clone()),
        participant: participant.map(|p| p.id),
        participant_label: participant.map(|p| p.label().to_string()),
        group: participant.map(|p| p.group().to_string()).filter(|g| !g.is_empty()),
        score: unit.score,
        matches,
    }
}

/// Up to `chars` chars on each side of a match, cut back to whole words.
pub fn context(text: &str, m: Range<usize>, chars: usize) -> Context {
    let before_all = &text[..m.start];
    let after_all = &text[m.end..];
    let mut start = before_all.char_indices().rev().nth(chars.saturating_sub(1)).map_or(0, |(i, _)| i);
    if chars == 0 {
        start = m.start;
    }
    let more_before = start > 0;
    // Drop a word cut in half (unless the window is one word).
    if more_before
        && !before_all[..start].ends_with(char::is_whitespace)
        && let Some(ws) = before_all[start..].find(char::is_whitespace)
    {
        start += ws;
    }
    let mut end = after_all.char_indices().nth(chars).map_or(after_all.len(), |(i, _)| i);
    let more_after = end < after_all.len();
    if more_after
        && !after_all[end..].starts_with(char::is_whitespace)
        && let Some(ws) = after_all[..end].rfind(char::is_whitespace)
    {
        end = ws;
    }
    Context {
        before: before_all[start..].trim_start().to_string(),
        after: after_all[..end].trim_end().to_string(),
        more_before,
        more_after,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::schema::{exact_analyzer, stem_analyzer};

    fn find(leaves: Vec<Leaf>, text: &str) -> Vec<&str> {
        let mut h = Highlighter::new(stem_analyzer(Language::English), exact_analyzer(), leaves);
        h.matches(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn terms_phrases_prefixes_and_fuzzy() {
        let text = "The first meeting, then more meetings; we met at the Meeting place.";
        assert_eq!(find(vec![Leaf::Term("meet".into())], text), ["meeting", "meetings", "Meeting"]);
        let phrase = Leaf::Phrase(vec![(0, "meet".into()), (1, "place".into())], 0);
        assert_eq!(find(vec![phrase], text), ["Meeting place"]);
        let slop = Leaf::Phrase(vec![(0, "first".into()), (1, "then".into())], 1);
        assert_eq!(find(vec![slop], text), ["first meeting, then"]);
        assert_eq!(find(vec![Leaf::Prefix("mee".into())], text), ["meeting", "meetings", "Meeting"]);
        assert_eq!(find(vec![Leaf::Fuzzy("mett".into(), 1)], text), ["met"]);
    }

    #[test]
    fn edit_distance() {
        let w: Vec<char> = "møte".chars().collect();
        assert!(within_edits(&w, "møte", 0));
        assert!(within_edits(&w, "mtøe", 1), "a swap is one edit");
        assert!(within_edits(&w, "mote", 1));
        assert!(!within_edits(&w, "mot", 1));
        assert!(within_edits(&w, "mot", 2));
    }

    #[test]
    fn context_is_cut_at_words() {
        let text = "alpha beta gamma delta epsilon zeta eta";
        let m = text.find("delta").unwrap_or(0);
        let c = context(text, m..m + 5, 8);
        assert_eq!((c.before.as_str(), c.after.as_str()), ("gamma ", " epsilon"));
        assert!(c.more_before && c.more_after);
        assert_eq!(c.marked("delta", "[", "]"), "…gamma [delta] epsilon…");
        let c = context(text, 0..5, 100);
        assert_eq!((c.before.as_str(), c.more_before, c.more_after), ("", false, false));
    }
}
