//! Text positions in REFI-QDA files, and the dialects tools count them in.
//!
//! The standard counts Unicode code points over the plain-text rendering of a source. Real
//! tools differ: NVivo counts UTF-16 code units (an emoji counts 2), and a CRLF line break
//! counts as two (NVivo, the literal reading) or as one (ATLAS.ti, MAXQDA). A BOM is never
//! counted. [`detect`] picks the dialect per source by which reading puts the selections on
//! word and line boundaries; [`to_chars`] maps positions to char offsets of the text.

use serde::Serialize;

/// What one position step counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Unicode code points (the standard).
    CodePoint,
    /// UTF-16 code units: a char outside the Basic Multilingual Plane counts 2 (NVivo).
    Utf16,
}

/// How a CRLF line break counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Crlf {
    /// As two positions, like any two chars (the standard, NVivo).
    AsTwo,
    /// As one position (ATLAS.ti, MAXQDA).
    AsOne,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Dialect {
    pub unit: Unit,
    pub crlf: Crlf,
}

impl Dialect {
    /// The standard's reading: code points, CRLF as two.
    pub const STANDARD: Dialect = Dialect { unit: Unit::CodePoint, crlf: Crlf::AsTwo };
    pub const ALL: [Dialect; 4] = [
        Dialect::STANDARD,
        Dialect { unit: Unit::Utf16, crlf: Crlf::AsTwo },
        Dialect { unit: Unit::CodePoint, crlf: Crlf::AsOne },
        Dialect { unit: Unit::Utf16, crlf: Crlf::AsOne },
    ];

    /// What a tool is known to write, from `Project@origin`, before the data is checked.
    pub fn for_origin(origin: &str) -> Dialect {
        let o = origin.to_ascii_lowercase();
        if o.contains("nvivo") {
            Dialect { unit: Unit::Utf16, crlf: Crlf::AsTwo }
        } else if o.contains("atlas") || o.contains("maxqda") {
            Dialect { unit: Unit::CodePoint, crlf: Crlf::AsOne }
        } else {
            Dialect::STANDARD
        }
    }

    pub fn label(self) -> &'static str {
        match (self.unit, self.crlf) {
            (Unit::CodePoint, Crlf::AsTwo) => "code points, CRLF as 2",
            (Unit::Utf16, Crlf::AsTwo) => "UTF-16 units, CRLF as 2",
            (Unit::CodePoint, Crlf::AsOne) => "code points, CRLF as 1",
            (Unit::Utf16, Crlf::AsOne) => "UTF-16 units, CRLF as 1",
        }
    }

    fn width(self, c: char, next: Option<char>) -> u64 {
        if c == '\r' && next == Some('\n') && self.crlf == Crlf::AsOne {
            return 0;
        }
        match self.unit {
            Unit::CodePoint => 1,
            Unit::Utf16 => c.len_utf16() as u64,
        }
    }

    /// The length of `text` in this dialect.
    pub fn len(self, text: &str) -> u64 {
        let mut n = 0;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            n += self.width(c, chars.peek().copied());
        }
        n
    }

    /// Positions in this dialect of the given char offsets of `text` (any order).
    pub fn from_chars(self, text: &str, chars: &[usize]) -> Vec<u64> {
        let mut order: Vec<usize> = (0..chars.len()).collect();
        order.sort_by_key(|&i| chars[i]);
        let mut out = vec![0u64; chars.len()];
        let mut k = 0;
        let mut pos = 0u64;
        let mut it = text.chars().peekable();
        let mut ci = 0usize;
        loop {
            while k < order.len() && chars[order[k]] <= ci {
                out[order[k]] = pos;
                k += 1;
            }
            let Some(c) = it.next() else { break };
            pos += self.width(c, it.peek().copied());
            ci += 1;
        }
        for &i in &order[k..] {
            out[i] = pos;
        }
        out
    }
}

/// Where a position lands in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    /// The char offset (rounded down when the position falls inside a char).
    pub char: usize,
    /// The position fell inside a char (between the two halves of a surrogate pair).
    pub inside: bool,
    pub before: Option<char>,
    pub after: Option<char>,
}

impl Hit {
    /// Whether the position sits on a word or line boundary: not inside a char, not
    /// between two letters or digits, not between the CR and LF of a line break.
    pub fn on_boundary(&self) -> bool {
        if self.inside {
            return false;
        }
        match (self.before, self.after) {
            (Some('\r'), Some('\n')) => false,
            (Some(b), Some(a)) => !(b.is_alphanumeric() && a.is_alphanumeric()),
            _ => true,
        }
    }
}

/// Maps dialect positions to char offsets of `text` in one pass; `None` for a position
/// past the end.
pub fn to_chars(text: &str, dialect: Dialect, positions: &[u64]) -> Vec<Option<Hit>> {
    let mut order: Vec<usize> = (0..positions.len()).collect();
    order.sort_by_key(|&i| positions[i]);
    let mut out = vec![None; positions.len()];
    let mut k = 0;
    let mut pos = 0u64;
    let mut prev = None;
    let mut ci = 0usize;
    let mut it = text.chars().peekable();
    while k < order.len() {
        let Some(c) = it.next() else { break };
        let next = it.peek().copied();
        let w = dialect.width(c, next);
        while k < order.len() && positions[order[k]] == pos {
            out[order[k]] = Some(Hit { char: ci, inside: false, before: prev, after: Some(c) });
            k += 1;
        }
        while k < order.len() && positions[order[k]] < pos + w {
            out[order[k]] = Some(Hit { char: ci, inside: true, before: prev, after: Some(c) });
            k += 1;
        }
        pos += w;
        prev = Some(c);
        ci += 1;
    }
    if it.peek().is_none() {
        while k < order.len() && positions[order[k]] == pos {
            out[order[k]] = Some(Hit { char: ci, inside: false, before: prev, after: None });
            k += 1;
        }
    }
    out
}

/// How well one dialect reads a source's selections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Score {
    pub dialect: Dialect,
    /// Positions past the end of the text.
    pub past_end: usize,
    /// Positions on word or line boundaries.
    pub on_boundary: usize,
}

/// The dialect a source's positions were written in: the origin's default unless the data
/// says otherwise (positions past the end, or clearly fewer on boundaries than another
/// reading gives). Returns the choice and whether it differs from the default.
pub fn detect(text: &str, positions: &[u64], default: Dialect) -> (Dialect, bool) {
    // With no char outside the BMP and no CR every dialect counts alike.
    if positions.is_empty() || !text.chars().any(|c| c == '\r' || c.len_utf16() == 2) {
        return (default, false);
    }
    let score = |d: Dialect| {
        let hits = to_chars(text, d, positions);
        Score {
            dialect: d,
            past_end: hits.iter().filter(|h| h.is_none()).count(),
            on_boundary: hits.iter().flatten().filter(|h| h.on_boundary()).count(),
        }
    };
    let base = score(default);
    let margin = (positions.len() / 20).max(2);
    let mut best = base;
    for d in Dialect::ALL {
        if d == default {
            continue;
        }
        let s = score(d);
        let better = s.past_end < best.past_end
            || (s.past_end == best.past_end
                && s.on_boundary >= best.on_boundary + if best == base { margin } else { 1 });
        if better {
            best = s;
        }
    }
    (best.dialect, best.dialect != default)
}

#[cfg(test)]
mod tests {
    use super::*;

    const UTF16_TWO: Dialect = Dialect { unit: Unit::Utf16, crlf: Crlf::AsTwo };
    const CP_ONE: Dialect = Dialect { unit: Unit::CodePoint, crlf: Crlf::AsOne };

    #[test]
    fn utf16_counts_an_emoji_twice_and_crlf_as_one_skips_the_cr() {
        // "a😀b\r\nc": chars a(0) 😀(1) b(2) CR(3) LF(4) c(5).
        let text = "a😀b\r\nc";
        let chars = |d, p: &[u64]| to_chars(text, d, p).iter().map(|h| h.map(|h| h.char)).collect::<Vec<_>>();
        // UTF-16, CRLF as 2: a=0, 😀=1..3, b=3, CR=4, LF=5, c=6, end=7.
        assert_eq!(chars(UTF16_TWO, &[0, 3, 6, 7, 8]), vec![Some(0), Some(2), Some(5), Some(6), None]);
        // Code points, CRLF as 1: a=0, 😀=1, b=2, CRLF=3, c=4, end=5.
        assert_eq!(chars(CP_ONE, &[2, 3, 4, 5]), vec![Some(2), Some(3), Some(5), Some(6)]);
        assert_eq!(UTF16_TWO.len(text), 7);
        assert_eq!(CP_ONE.len(text), 5);
        assert_eq!(UTF16_TWO.from_chars(text, &[6, 0, 2, 5]), vec![7, 0, 3, 6]);
    }

    #[test]
    fn detection_prefers_the_reading_on_word_boundaries() {
        let text = "😀 one 😀 two 😀 three 😀 four\r\nfive six\r\n";
        let words = ["one", "two", "three", "four", "five", "six"];
        let mut positions = Vec::new();
        for w in words {
            let byte = text.find(w).unwrap_or(0);
            let start = text[..byte].chars().count();
            let end = start + w.chars().count();
            positions.extend(UTF16_TWO.from_chars(text, &[start, end]));
        }
        assert_eq!(detect(text, &positions, Dialect::STANDARD), (UTF16_TWO, true));
        assert_eq!(detect(text, &positions, UTF16_TWO), (UTF16_TWO, false));
    }
}
