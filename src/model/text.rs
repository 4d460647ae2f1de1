//! Positions in a document's text.
//!
//! A document's text never changes after import, and every position in the project is a
//! count of Unicode scalar values (Rust `char`s) from the start of that text — the unit
//! REFI-QDA uses, and one that does not shift when the file is re-encoded. Byte offsets
//! exist only at the edges (egui, tantivy, regex) and are converted through [`TextIndex`].

use serde::{Deserialize, Serialize};
use std::fmt;

/// A position between two characters of a document's text, counted in chars.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CharPos(pub usize);

impl CharPos {
    pub const ZERO: CharPos = CharPos(0);

    pub const fn new(n: usize) -> Self {
        Self(n)
    }

    pub const fn get(self) -> usize {
        self.0
    }
}

impl fmt::Debug for CharPos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "@{}", self.0)
    }
}

impl fmt::Display for CharPos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

/// A half-open range `[start, end)` of chars.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
pub struct Span {
    pub start: CharPos,
    pub end: CharPos,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start: CharPos(start), end: CharPos(end) }
    }

    pub const fn len(&self) -> usize {
        self.end.0.saturating_sub(self.start.0)
    }

    pub const fn is_empty(&self) -> bool {
        self.end.0 <= self.start.0
    }

    /// True when the two spans share at least one char.
    pub const fn overlaps(&self, other: &Span) -> bool {
        self.start.0 < other.end.0 && other.start.0 < self.end.0
    }

    pub const fn contains(&self, pos: CharPos) -> bool {
        self.start.0 <= pos.0 && pos.0 < self.end.0
    }

    pub const fn contains_span(&self, other: &Span) -> bool {
        self.start.0 <= other.start.0 && other.end.0 <= self.end.0
    }

    /// Chars shared by both spans.
    pub fn intersection_len(&self, other: &Span) -> usize {
        let start = self.start.0.max(other.start.0);
        let end = self.end.0.min(other.end.0);
        end.saturating_sub(start)
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}, {})", self.start.0, self.end.0)
    }
}

/// Converts between char positions and byte offsets of one text.
///
/// ASCII-only texts (most English transcripts) need no table at all. Otherwise the byte
/// offset of every 64th char is kept, so a conversion walks at most 63 chars: the table
/// costs 1/8 of a byte per char and converting is O(1) in the size of the document.
#[derive(Clone, Debug)]
pub struct TextIndex {
    char_len: usize,
    byte_len: usize,
    /// `checkpoints[i]` is the byte offset of char `i * STRIDE`; empty when the text is ASCII.
    checkpoints: Vec<usize>,
}

const STRIDE: usize = 64;

impl TextIndex {
    pub fn new(text: &str) -> Self {
        if text.is_ascii() {
            return Self { char_len: text.len(), byte_len: text.len(), checkpoints: Vec::new() };
        }
        let mut checkpoints = Vec::with_capacity(text.len() / STRIDE + 1);
        let mut char_len = 0;
        for (i, (byte, _)) in text.char_indices().enumerate() {
            if i % STRIDE == 0 {
                checkpoints.push(byte);
            }
            char_len = i + 1;
        }
        Self { char_len, byte_len: text.len(), checkpoints }
    }

    pub fn char_len(&self) -> usize {
        self.char_len
    }

    pub fn is_ascii(&self) -> bool {
        self.checkpoints.is_empty()
    }

    /// The byte offset of a char position; positions past the end clamp to the end.
    pub fn byte_of(&self, text: &str, pos: CharPos) -> usize {
        let pos = pos.0.min(self.char_len);
        if self.is_ascii() || pos == self.char_len {
            return if pos == self.char_len { self.byte_len } else { pos };
        }
        let base = self.checkpoints[pos / STRIDE];
        let rest = pos % STRIDE;
        match text[base..].char_indices().nth(rest) {
            Some((off, _)) => base + off,
            None => self.byte_len,
        }
    }

    /// The char position of a byte offset. An offset inside a multi-byte char maps to
    /// that char's start, so a slightly wrong byte offset from a library never panics.
    pub fn char_of(&self, text: &str, byte: usize) -> CharPos {
        let byte = byte.min(self.byte_len);
        if self.is_ascii() {
            return CharPos(byte);
        }
        // Last checkpoint at or before `byte`.
        let idx = match self.checkpoints.binary_search(&byte) {
            Ok(i) => return CharPos(i * STRIDE),
            Err(0) => 0,
            Err(i) => i - 1,
        };
        let base = self.checkpoints[idx];
        let mut pos = idx * STRIDE;
        for (off, ch) in text[base..].char_indices() {
            if base + off + ch.len_utf8() > byte {
                return CharPos(pos);
            }
            pos += 1;
        }
        CharPos(pos)
    }

    /// Byte range of a span, for slicing the text.
    pub fn byte_range(&self, text: &str, span: Span) -> std::ops::Range<usize> {
        self.byte_of(text, span.start)..self.byte_of(text, span.end)
    }
}

/// Number of chars in a text.
pub fn char_len(text: &str) -> usize {
    text.chars().count()
}

/// The text of a span, or `None` when the span does not fit the text.
pub fn slice(text: &str, span: Span) -> Option<&str> {
    if span.start > span.end {
        return None;
    }
    // Byte offset of every char boundary, the end of the text included.
    let mut bounds = text.char_indices().map(|(b, _)| b).chain(std::iter::once(text.len()));
    let start = bounds.nth(span.start.0)?;
    let end = if span.is_empty() { start } else { bounds.nth(span.len() - 1)? };
    Some(&text[start..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn norwegian_and_emoji_offsets() {
        let text = "Møtet på fredag 😀 gikk bra, sa Åse.";
        let idx = TextIndex::new(text);
        assert!(!idx.is_ascii());
        assert_eq!(idx.char_len(), text.chars().count());
        // "😀" is char 16, 4 bytes in UTF-8.
        let smile = text.chars().position(|c| c == '😀').map(CharPos);
        let smile = smile.unwrap_or_default();
        let b = idx.byte_of(text, smile);
        assert_eq!(&text[b..b + 4], "😀");
        assert_eq!(idx.char_of(text, b), smile);
        // A byte inside the emoji maps to its start.
        assert_eq!(idx.char_of(text, b + 2), smile);
        assert_eq!(slice(text, Span::new(0, 5)), Some("Møtet"));
        assert_eq!(slice(text, Span::new(31, 34)), Some("Åse"));
        assert_eq!(slice(text, Span::new(30, 99)), None);
    }

    #[test]
    fn ascii_text_needs_no_table() {
        let idx = TextIndex::new("plain ascii");
        assert!(idx.is_ascii());
        assert_eq!(idx.byte_of("plain ascii", CharPos(6)), 6);
        assert_eq!(idx.char_of("plain ascii", 99), CharPos(11));
    }

    #[test]
    fn span_relations() {
        let a = Span::new(0, 10);
        let b = Span::new(5, 15);
        let c = Span::new(10, 12);
        assert!(a.overlaps(&b));
        assert!(!a.overlaps(&c), "touching spans do not overlap");
        assert_eq!(a.intersection_len(&b), 5);
        assert!(Span::new(0, 20).contains_span(&b));
    }

    proptest! {
        #[test]
        fn byte_and_char_round_trip(s in "[a-zæøåÆØÅ😀🇳🇴 \n]{0,300}", frac in 0.0f64..=1.0) {
            let idx = TextIndex::new(&s);
            let n = s.chars().count();
            prop_assert_eq!(idx.char_len(), n);
            let pos = CharPos(((n as f64) * frac) as usize);
            let b = idx.byte_of(&s, pos);
            prop_assert!(s.is_char_boundary(b));
            prop_assert_eq!(idx.char_of(&s, b), pos);
            let expected: String = s.chars().take(pos.0).collect();
            prop_assert_eq!(&s[..b], expected.as_str());
            prop_assert_eq!(slice(&s, Span { start: CharPos(0), end: pos }), Some(expected.as_str()));
        }
    }
}
