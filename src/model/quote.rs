//! Quotes: coded extracts chosen to illustrate a theme, with the display edits a paper makes.

use super::{CharPos, CodingId, DocId, QuoteId, Span, ThemeId};
use serde::{Deserialize, Serialize};

/// An insertion shown in square brackets, e.g. `[the social worker]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Insertion {
    /// Where in the source text the bracketed words go.
    pub at: CharPos,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct QuoteProps {
    /// The extract in its source document; display edits never change it.
    pub span: Span,
    /// Parts of the span left out, shown as `[...]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cuts: Vec<Span>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub insertions: Vec<Insertion>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub translation: String,
    /// The strongest quote of its theme.
    #[serde(default)]
    pub starred: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    pub id: QuoteId,
    pub theme: ThemeId,
    pub doc: DocId,
    /// The coding the quote was taken from, when it was taken from one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coding: Option<CodingId>,
    #[serde(flatten)]
    pub props: QuoteProps,
}

/// The display edits keep one invariant wherever they are made: cuts are in order and never
/// overlap or touch (two touching cuts would print `[...] [...]`), and no bracketed words sit
/// inside a cut. These methods keep it; [`Project::check_quote`](super::Project::check_quote)
/// refuses what breaks it.
impl QuoteProps {
    /// Leaves `cut` out, merged with every cut it overlaps or touches; words in brackets inside
    /// the merged cut move to its start (where they replace it) rather than being lost.
    pub fn add_cut(&mut self, cut: Span) {
        let mut merged = cut;
        self.cuts.retain(|c| {
            let overlaps = c.start <= merged.end && merged.start <= c.end;
            if overlaps {
                merged = Span { start: merged.start.min(c.start), end: merged.end.max(c.end) };
            }
            !overlaps
        });
        for i in &mut self.insertions {
            if merged.start < i.at && i.at < merged.end {
                i.at = merged.start;
            }
        }
        self.cuts.push(merged);
        self.cuts.sort();
    }

    /// Shows `words` in brackets instead of `span`: a cut with the words at its start.
    pub fn replace(&mut self, span: Span, words: &str) {
        self.add_cut(span);
        let at = self.cuts.iter().find(|c| c.contains_span(&span)).map_or(span.start, |c| c.start);
        self.insertions.push(Insertion { at, text: words.trim().to_string() });
    }

    /// Adds `words` in brackets at `at` (a clarification); inside a cut they go to its start.
    pub fn insert(&mut self, at: CharPos, words: &str) {
        let at = self.cuts.iter().find(|c| c.start < at && at < c.end).map_or(at, |c| c.start);
        self.insertions.push(Insertion { at, text: words.trim().to_string() });
    }

    /// Takes back the `k`th cut, and the words that replaced it.
    pub fn remove_cut(&mut self, k: usize) {
        if k < self.cuts.len() {
            let cut = self.cuts.remove(k);
            self.insertions.retain(|i| i.at != cut.start);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_merge_when_they_overlap_or_touch_and_keep_their_words() {
        let mut q = QuoteProps { span: Span::new(0, 40), ..Default::default() };
        q.add_cut(Span::new(21, 24));
        q.add_cut(Span::new(5, 8));
        q.add_cut(Span::new(18, 21));
        assert_eq!(q.cuts, vec![Span::new(5, 8), Span::new(18, 24)]);
        q.insert(CharPos(30), " here ");
        q.add_cut(Span::new(26, 32));
        assert_eq!(q.insertions, vec![Insertion { at: CharPos(26), text: "here".into() }]);
        q.add_cut(Span::new(7, 19));
        assert_eq!(q.cuts, vec![Span::new(5, 24), Span::new(26, 32)]);
        q.replace(Span::new(10, 12), "the social worker");
        assert_eq!(q.cuts, vec![Span::new(5, 24), Span::new(26, 32)]);
        assert_eq!(q.insertions[1], Insertion { at: CharPos(5), text: "the social worker".into() });
        q.insert(CharPos(28), "x");
        assert_eq!(q.insertions[2].at, CharPos(26));
        q.remove_cut(0);
        assert_eq!((q.cuts.len(), q.insertions.len()), (1, 2));
        q.remove_cut(7);
        assert_eq!(q.cuts, vec![Span::new(26, 32)]);
    }
}
