//! Anchoring codings to their text again after the text changed underneath them.
//!
//! A document's text never changes inside Tema except through a correction, which moves every
//! span with it. But a text file can be changed outside Tema (edited by hand, truncated by a
//! sync tool, replaced), and then the spans saved for it point at other words. So each coding
//! is saved with a [`Fingerprint`] of the text it covers: its length, a hash of it, its first
//! few characters and a little context on either side. With it, a coding whose text is still
//! where it was is recognised as such ([`Located::InPlace`]), and one whose text moved (a
//! paragraph inserted or deleted before it) is found again ([`locate`]); a coding whose words
//! are gone, or are found in several places equally near, is not placed anywhere.

use super::text::{Span, TextIndex};
use serde::{Deserialize, Serialize};

/// Characters of context kept before and after a coded passage, and of its start.
pub const CONTEXT_CHARS: usize = 24;

/// What a coding's text was when it was last saved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    /// Length of the coded text in chars.
    pub len: usize,
    /// The first 16 hex digits of the blake3 hash of the coded text.
    pub hash: String,
    /// The first [`CONTEXT_CHARS`] chars of the coded text (where a search for it starts).
    pub head: String,
    /// Up to [`CONTEXT_CHARS`] chars before and after the coded text.
    #[serde(default)]
    pub before: String,
    #[serde(default)]
    pub after: String,
}

/// Where a coding's text is in a (changed) text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Located {
    /// Still at its span.
    InPlace,
    /// At another span: the only place it occurs, or the nearest one to where it was (with
    /// its context if any place has it).
    Moved(Span),
    /// Its text occurs nowhere in the text.
    Missing,
    /// Its text occurs in this many places, with none nearer to where it was than the others.
    Ambiguous(usize),
}

fn short_hash(text: &str) -> String {
    blake3::hash(text.as_bytes()).to_hex()[..16].to_string()
}

/// The chars of `text` from `start` to `end`, both clamped to the text.
fn chars_in<'t>(text: &'t str, index: &TextIndex, start: usize, end: usize) -> &'t str {
    let n = index.char_len();
    let (start, end) = (start.min(n), end.min(n));
    &text[index.byte_range(text, Span::new(start, end.max(start)))]
}

impl Fingerprint {
    /// The fingerprint of the text at `span`, or `None` when the span does not fit the text.
    pub fn of(text: &str, index: &TextIndex, span: Span) -> Option<Fingerprint> {
        if span.start > span.end || span.end.get() > index.char_len() {
            return None;
        }
        let (start, end) = (span.start.get(), span.end.get());
        let coded = &text[index.byte_range(text, span)];
        Some(Fingerprint {
            len: span.len(),
            hash: short_hash(coded),
            head: chars_in(text, index, start, start + CONTEXT_CHARS.min(span.len())).to_string(),
            before: chars_in(text, index, start.saturating_sub(CONTEXT_CHARS), start).to_string(),
            after: chars_in(text, index, end, end + CONTEXT_CHARS).to_string(),
        })
    }

    /// Whether the text at `span` is the fingerprinted text.
    pub fn matches(&self, text: &str, index: &TextIndex, span: Span) -> bool {
        span.len() == self.len
            && span.end.get() <= index.char_len()
            && short_hash(&text[index.byte_range(text, span)]) == self.hash
    }

    /// Whether the text around `span` is the fingerprinted context. A context cut short by
    /// the start or end of the old text only has to be what comes next to the span now.
    fn context_matches(&self, text: &str, index: &TextIndex, span: Span) -> bool {
        let (start, end) = (span.start.get(), span.end.get());
        chars_in(text, index, start.saturating_sub(CONTEXT_CHARS), start).ends_with(&self.before)
            && chars_in(text, index, end, end + CONTEXT_CHARS).starts_with(&self.after)
    }
}

/// Finds the text a fingerprint describes in `text`, which a coding at `old` pointed into
/// before the text changed: in place; else the one place with the same text and the same
/// context, or the nearest to `old` of the places with the same text (and, when some have
/// it, the same context); never a place chosen between equally near ones.
pub fn locate(fp: &Fingerprint, text: &str, index: &TextIndex, old: Span) -> Located {
    if fp.matches(text, index, old) {
        return Located::InPlace;
    }
    if fp.len == 0 || fp.head.is_empty() {
        return Located::Missing;
    }
    let n = index.char_len();
    let mut found: Vec<Span> = Vec::new();
    let mut from = 0;
    while let Some(i) = text.get(from..).and_then(|rest| rest.find(&fp.head)) {
        let byte = from + i;
        let start = index.char_of(text, byte).get();
        if start + fp.len <= n {
            let span = Span::new(start, start + fp.len);
            if fp.matches(text, index, span) {
                found.push(span);
            }
        }
        // Next char, so overlapping occurrences are found too.
        from = byte + text[byte..].chars().next().map_or(1, char::len_utf8);
    }
    if found.is_empty() {
        return Located::Missing;
    }
    let with_context: Vec<Span> = found.iter().copied().filter(|s| fp.context_matches(text, index, *s)).collect();
    let pool = if with_context.is_empty() { found } else { with_context };
    let distance = |s: &Span| s.start.get().abs_diff(old.start.get());
    let nearest = pool.iter().map(distance).min().unwrap_or(0);
    let mut at = pool.iter().filter(|s| distance(s) == nearest);
    match (at.next(), at.next()) {
        (Some(span), None) => Located::Moved(*span),
        _ => Located::Ambiguous(pool.len()),
    }
}

/// Moves positions of a changed text through the codings that were found again: text that
/// found codings cover without a gap, all moved by the same distance, is known to be the
/// same at both places, so a span inside it moves by that distance too. A span that found
/// codings do not cover wholly (or only codings that moved differently) cannot be placed.
#[derive(Clone, Debug, Default)]
pub struct AnchorMap {
    moves: Vec<(Span, isize)>,
}

impl AnchorMap {
    /// Records that the text at `old` is now at `new` (of the same length).
    pub fn add(&mut self, old: Span, new: Span) {
        self.moves.push((old, new.start.get() as isize - old.start.get() as isize));
    }

    /// Where the text at `span` is now, if found codings that moved alike cover all of it.
    pub fn map(&self, span: Span) -> Option<Span> {
        let (s, e) = (span.start.get(), span.end.get());
        let mut deltas: Vec<isize> = self.moves.iter().map(|(_, d)| *d).collect();
        deltas.sort_unstable();
        deltas.dedup();
        let delta = deltas.into_iter().find(|delta| {
            let mut parts: Vec<(usize, usize)> = self
                .moves
                .iter()
                .filter(|(old, d)| d == delta && old.start.get() <= e && s <= old.end.get())
                .map(|(old, _)| (old.start.get(), old.end.get()))
                .collect();
            parts.sort_unstable();
            // Sweep from the span's start: each part must begin before the covered end.
            let mut covered = None::<usize>;
            for (a, b) in parts {
                match covered {
                    None if a <= s => covered = Some(b),
                    Some(c) if a <= c => covered = Some(c.max(b)),
                    _ => break,
                }
            }
            covered.is_some_and(|c| c >= e)
        })?;
        let shift = |p: usize| p.checked_add_signed(delta);
        Some(Span::new(shift(s)?, shift(e)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fp(text: &str, start: usize, end: usize) -> Fingerprint {
        let index = TextIndex::new(text);
        Fingerprint::of(text, &index, Span::new(start, end)).expect("span fits")
    }

    fn find(fp: &Fingerprint, text: &str, start: usize, end: usize) -> Located {
        locate(fp, text, &TextIndex::new(text), Span::new(start, end))
    }

    #[test]
    fn a_coding_is_found_in_place_moved_or_not_at_all() {
        let old = "Kari: Vi møttes på kontoret. Det gikk bra 😀.\nOla: Ja.";
        // "møttes på kontoret" is chars 9..27 (K-a-r-i-:-space-V-i-space = 9 chars before it).
        let f = fp(old, 9, 27);
        assert_eq!(f.len, 18);
        assert_eq!(f.head, "møttes på kontoret");
        assert_eq!(f.before, "Kari: Vi ");
        assert_eq!(find(&f, old, 9, 27), Located::InPlace);
        // A paragraph of 10 chars ("Ny linje.\n") inserted before: found 10 chars later.
        let inserted = format!("Ny linje.\n{old}");
        assert_eq!(find(&f, &inserted, 9, 27), Located::Moved(Span::new(19, 37)));
        // The words changed: not found.
        assert_eq!(find(&f, &old.replace("kontoret", "hjemmet"), 9, 27), Located::Missing);
        // Truncated before it ends: not found.
        assert_eq!(find(&f, &old[..20], 9, 27), Located::Missing);
    }

    #[test]
    fn the_nearest_or_the_one_with_its_context_wins_and_ties_are_not_guessed() {
        let old = "a b. hei. c d. hei. e";
        // The second "hei" (chars 15..18).
        let f = fp(old, 15, 18);
        // "hei. y " (7 chars) in front: "hei" is now at 0, 12 and 22. Only the one at 22 has
        // the old context ("a b. hei. c d. " before, ". e" after), so it wins although 12 is
        // nearer to 15.
        let shifted = format!("hei. y {old}");
        assert_eq!(find(&f, &shifted, 15, 18), Located::Moved(Span::new(22, 25)));
        // None has the context: the nearest to 15 wins ("hei" at 4, distance 11, and at 12,
        // distance 3).
        assert_eq!(find(&f, "qq. hei. rr hei.", 15, 18), Located::Moved(Span::new(12, 15)));
        // Two at the same distance from 15 (at 10 and at 20), neither with the context: not
        // guessed.
        assert_eq!(find(&f, "zzzzzzzzzzheizzzzzzzhei", 15, 18), Located::Ambiguous(2));
    }

    #[test]
    fn positions_move_only_inside_a_found_coding() {
        let mut map = AnchorMap::default();
        map.add(Span::new(10, 20), Span::new(30, 40));
        assert_eq!(map.map(Span::new(12, 18)), Some(Span::new(32, 38)));
        assert_eq!(map.map(Span::new(10, 20)), Some(Span::new(30, 40)));
        assert_eq!(map.map(Span::new(20, 20)), Some(Span::new(40, 40)));
        assert_eq!(map.map(Span::new(5, 15)), None);
        assert_eq!(map.map(Span::new(18, 25)), None);
        // A second coding moved alike, overlapping the first: together they cover 10..30.
        map.add(Span::new(18, 30), Span::new(38, 50));
        assert_eq!(map.map(Span::new(12, 28)), Some(Span::new(32, 48)));
        // One moved otherwise covers 30..40: the text between 10..30 and it is not known.
        map.add(Span::new(30, 40), Span::new(60, 70));
        assert_eq!(map.map(Span::new(25, 35)), None);
        // A gap between two codings moved alike is not known either.
        map.add(Span::new(45, 50), Span::new(65, 70));
        assert_eq!(map.map(Span::new(28, 47)), None);
    }
}
