//! Code all hits: one [`Edit::Batch`] that applies a code to every hit of a search, so a
//! single undo takes it all back.

use super::kwic::Hit;
use crate::edit::{Edit, EditError, code_or_new, coder_or_new};
use crate::model::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use unicode_segmentation::UnicodeSegmentation;

/// How much text around a match gets the code.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// The matched words only.
    #[default]
    Match,
    /// The sentence the match is in (Unicode sentence boundaries, within the passage).
    Sentence,
    /// The whole passage: the speaker turn (without its label) or the paragraph.
    Turn,
}

impl crate::model::Named for Scope {
    const WHAT: &'static str = "scope";
    const WORDS: &'static [Word<Self>] = &[
        word(Scope::Match, "match").or(&["hit", "word"]).about("The matched words only"),
        word(Scope::Sentence, "sentence").about("The sentence the match is in"),
        word(Scope::Turn, "turn").or(&["paragraph", "passage"]).about("The whole speaker turn (or paragraph)"),
    ];
}

/// What coding all hits would do.
#[derive(Clone, Debug, PartialEq)]
pub struct CodeHitsPlan {
    /// The edit to apply; `None` when there is nothing to code.
    pub edit: Option<Edit>,
    /// The passages it codes, by document in text order.
    pub spans: Vec<(DocId, Span)>,
    /// Passages left alone because this coder already coded them with this code.
    pub skipped: usize,
}

/// What to code the hits with.
#[derive(Clone, Debug, PartialEq)]
pub struct CodeHitsOptions {
    pub code: CodeId,
    /// For the undo label (the code may be created by `setup`).
    pub code_name: String,
    pub coder: CoderId,
    pub scope: Scope,
    /// Edits that must come first in the same step (creating the code or the coder); they
    /// are left out when there is nothing to code.
    pub setup: Vec<Edit>,
    pub created: Timestamp,
}

impl CodeHitsOptions {
    /// Options for coding with the code and the coder of these names, each found or else
    /// created in the same step (the one rule of [`crate::edit::code_or_new`] and
    /// [`crate::edit::coder_or_new`]).
    pub fn named(p: &Project, code: &str, coder: &str, scope: Scope) -> Result<Self, EditError> {
        let (coder, add_coder) = coder_or_new(p, coder)?;
        let (code_id, add_code) = code_or_new(p, code, None)?;
        let code_name = p.codes.get(&code_id).map_or(code.trim(), |c| c.name()).to_string();
        let setup = add_coder.into_iter().chain(add_code).collect();
        Ok(Self { code: code_id, code_name, coder, scope, setup, created: chrono::Utc::now() })
    }

    /// Whether applying the plan adds the coder (so they have no codings to filter by yet).
    pub fn creates_coder(&self) -> bool {
        self.setup.iter().any(|e| matches!(e, Edit::AddCoder { .. }))
    }

    /// Whether applying the plan creates the code.
    pub fn creates_code(&self) -> bool {
        self.setup.iter().any(|e| matches!(e, Edit::CreateCode { .. }))
    }
}

/// Plans coding every hit. Overlapping passages are merged, and a passage already inside
/// a coding of this code by this coder is skipped, so applying the plan twice codes
/// nothing new.
pub fn plan_code_hits(project: &Project, hits: &[Hit], options: CodeHitsOptions) -> CodeHitsPlan {
    let CodeHitsOptions { code, code_name, coder, scope, setup, created } = options;
    let mut by_doc: HashMap<DocId, Vec<Span>> = HashMap::new();
    for hit in hits {
        let Some(doc) = project.documents.get(&hit.doc) else { continue };
        let spans = by_doc.entry(hit.doc).or_default();
        if hit.matches.is_empty() || scope == Scope::Turn {
            spans.push(hit.passage);
            continue;
        }
        for m in &hit.matches {
            match scope {
                Scope::Match => spans.push(m.span),
                Scope::Sentence => {
                    let index = doc.text_index();
                    spans.push(sentence_around(&doc.text, &index, hit.passage, m.span));
                }
                Scope::Turn => spans.push(hit.passage),
            }
        }
    }
    let mut existing: HashMap<DocId, Vec<Span>> = HashMap::new();
    for c in project.codings_of_code(code).filter(|c| c.coder == coder) {
        existing.entry(c.doc).or_default().push(c.span);
    }
    let mut planned = Vec::new();
    let mut skipped = 0;
    // Documents in project order, passages in text order.
    for id in project.documents.keys() {
        let Some(mut spans) = by_doc.remove(id) else { continue };
        spans.retain(|s| !s.is_empty());
        spans.sort();
        let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
        for s in spans {
            match merged.last_mut() {
                Some(last) if s.start < last.end => last.end = last.end.max(s.end),
                _ => merged.push(s),
            }
        }
        let done = existing.get(id).map(Vec::as_slice).unwrap_or_default();
        for s in merged {
            if done.iter().any(|e| e.contains_span(&s)) {
                skipped += 1;
            } else {
                planned.push((*id, s));
            }
        }
    }
    if planned.is_empty() {
        return CodeHitsPlan { edit: None, spans: planned, skipped };
    }
    let mut edits = setup;
    edits.extend(planned.iter().map(|(doc, span)| Edit::AddCoding {
        coding: Coding { id: CodingId::new(), doc: *doc, span: *span, code, coder, created, comment: String::new() },
    }));
    let n = planned.len();
    let label = format!("Code {n} search {} as “{}”", if n == 1 { "hit" } else { "hits" }, code_name.trim());
    CodeHitsPlan { edit: Some(Edit::batch(label, edits)), spans: planned, skipped }
}

/// The sentence (or sentences) of `passage` that `m` falls in, trimmed of white space.
fn sentence_around(text: &str, index: &TextIndex, passage: Span, m: Span) -> Span {
    let range = index.byte_range(text, passage);
    let p = &text[range.clone()];
    let mb = index.byte_range(text, m);
    let (ms, me) = (mb.start.saturating_sub(range.start), mb.end.saturating_sub(range.start));
    let mut start = None;
    let mut end = 0;
    for (off, sentence) in p.split_sentence_bound_indices() {
        let s_end = off + sentence.len();
        if start.is_none() && ms < s_end {
            start = Some(off);
        }
        if start.is_some() {
            end = off + sentence.trim_end().len();
            if me <= s_end {
                break;
            }
        }
    }
    let start = start.unwrap_or(ms);
    let (start, end) = (range.start + start, range.start + end.max(me));
    Span { start: index.char_of(text, start), end: index.char_of(text, end) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_within_a_passage() {
        let text = "J1: Først møtet. Så kom NAV – det gikk bra! Slutt 😀 her.";
        let index = TextIndex::new(text);
        let passage = Span::new(4, text.chars().count());
        let word = |w: &str| {
            let b = text.find(w).unwrap_or(0);
            let s = text[..b].chars().count();
            Span::new(s, s + w.chars().count())
        };
        let s = sentence_around(text, &index, passage, word("NAV"));
        assert_eq!(slice(text, s), Some("Så kom NAV – det gikk bra!"));
        let s = sentence_around(text, &index, passage, word("her"));
        assert_eq!(slice(text, s), Some("Slutt 😀 her."));
        let s = sentence_around(text, &index, passage, word("Først"));
        assert_eq!(slice(text, s), Some("Først møtet."));
    }

    fn slice(text: &str, s: Span) -> Option<&str> {
        crate::model::text::slice(text, s)
    }
}
