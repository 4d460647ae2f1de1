//! Finding every occurrence of a list of originals in a text: case-insensitively, as whole
//! words, and in their inflected forms ("Kari", "KARI", "Karis", "Kari's", "Kari’s").
//!
//! Scan counts with it, apply replaces with it and verify searches with it, so the three can
//! never disagree about what an occurrence is.

use super::PseudoError;
use aho_corasick::{AhoCorasick, MatchKind};
use std::collections::HashMap;

/// Endings that make an inflected form of a name: the English and Norwegian genitive
/// ("Kari's", "Karis") and a bare apostrophe ("Lars'"). Only the name before the ending is
/// replaced, so "Kari's" becomes "Anne's". The longest that is there is taken.
const SUFFIXES: [&str; 5] = ["'s", "’s", "s", "'", "’"];

/// One occurrence, in byte offsets of the searched text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Occurrence {
    pub start: usize,
    /// The end of the original itself; the inflection (if any) runs on to `end`.
    pub base_end: usize,
    pub end: usize,
    /// Index of the original in the list the matcher was built from.
    pub original: usize,
}

/// A compiled search for a list of originals.
///
/// The originals' keys (lower case, single spaces) are searched with Aho-Corasick in a folded
/// copy of the text (lower case, each run of white space one space), which keeps a search
/// linear in the text however many originals there are: a scan can list tens of thousands
/// (every phone number of a corpus), and one regex alternation of them took minutes.
#[derive(Clone, Debug)]
pub struct Matcher {
    search: Option<AhoCorasick>,
    /// For each pattern of `search`, the index of its original.
    originals: Vec<usize>,
}

/// The form two spellings of one original share: lower case, runs of white space as one space.
pub fn key(s: &str) -> String {
    crate::model::name_key(s)
}

/// `text` in lower case with each run of white space as one space, and for each of its bytes
/// (and its end) the byte of `text` it comes from.
fn fold(text: &str) -> (String, Vec<usize>) {
    let mut folded = String::with_capacity(text.len());
    let mut from = Vec::with_capacity(text.len() + 1);
    let mut in_space = false;
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            if !in_space {
                folded.push(' ');
                from.push(i);
            }
            in_space = true;
            continue;
        }
        in_space = false;
        for l in c.to_lowercase() {
            let before = folded.len();
            folded.push(l);
            from.extend(std::iter::repeat_n(i, folded.len() - before));
        }
    }
    from.push(text.len());
    (folded, from)
}

impl Matcher {
    /// A matcher for `originals` (blank ones are ignored; two that differ only in case or
    /// spacing are one original, the first).
    pub fn new<S: AsRef<str>>(originals: &[S]) -> Result<Matcher, PseudoError> {
        let mut keys: HashMap<String, usize> = HashMap::new();
        let mut patterns: Vec<String> = Vec::new();
        let mut indices = Vec::new();
        for (i, o) in originals.iter().enumerate() {
            let k = key(o.as_ref());
            if k.is_empty() || keys.contains_key(&k) {
                continue;
            }
            keys.insert(k.clone(), i);
            patterns.push(k);
            indices.push(i);
        }
        if patterns.is_empty() {
            return Ok(Matcher { search: None, originals: indices });
        }
        // Leftmost, then longest, so "Kari Nordmann" wins over "Kari" where both start.
        let search = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .map_err(|e| PseudoError::Pattern { pattern: "the list of originals".into(), reason: e.to_string() })?;
        Ok(Matcher { search: Some(search), originals: indices })
    }

    /// Whether there is nothing to look for.
    pub fn is_empty(&self) -> bool {
        self.search.is_none()
    }

    /// Every occurrence in `text`, in order, not overlapping.
    pub fn find(&self, text: &str) -> Vec<Occurrence> {
        let Some(search) = &self.search else { return Vec::new() };
        let (folded, from) = fold(text);
        let mut out = Vec::new();
        let mut last_end = 0;
        for m in search.find_iter(&folded) {
            let (start, base_end) = (from[m.start()], from[m.end()]);
            // A match that starts or ends inside a character that folds to several (rare) is
            // no match; nor is one inside the inflection of the occurrence before.
            let split = |j: usize| j > 0 && j < folded.len() && from[j - 1] == from[j];
            if start < last_end || split(m.start()) || split(m.end()) {
                continue;
            }
            let Some(&original) = self.originals.get(m.pattern().as_usize()) else { continue };
            let base = &text[start..base_end];
            // The inflection, if there is one.
            let rest = &text[base_end..];
            let suffix = SUFFIXES.iter().find(|x| rest.get(..x.len()).is_some_and(|r| r.eq_ignore_ascii_case(x)));
            let mut end = base_end + suffix.map_or(0, |x| x.len());
            // Whole words only: a name inside a longer word ("Ole" in "Oleander") is not it.
            let first_alnum = base.chars().next().is_some_and(char::is_alphanumeric);
            let before_ok = !first_alnum || !text[..start].chars().next_back().is_some_and(char::is_alphanumeric);
            let after_alnum = |e: usize| text[e..].chars().next().is_some_and(char::is_alphanumeric);
            let last_alnum = |s: &str| s.chars().next_back().is_some_and(char::is_alphanumeric);
            if last_alnum(&text[start..end]) && after_alnum(end) {
                // "Kari" + "s" inside "Karisma": try the bare name before giving up.
                if end != base_end && !after_alnum(base_end) {
                    end = base_end;
                } else {
                    continue;
                }
            }
            if before_ok {
                out.push(Occurrence { start, base_end, end, original });
                last_end = end;
            }
        }
        out
    }

    /// What replaces an occurrence: the text from `o.start` to the returned end is replaced by
    /// the returned string. The inflection stays ("Kari's" → "Anne's"), in lower case after a
    /// replacement that has lower case ("KARIS" → "Annes").
    pub fn substitute(text: &str, o: &Occurrence, replacement: &str) -> (usize, String) {
        let ending = &text[o.base_end..o.end];
        let lower = ending.to_lowercase();
        if replacement.chars().any(char::is_lowercase) && lower != ending {
            (o.end, format!("{replacement}{lower}"))
        } else {
            (o.base_end, replacement.to_string())
        }
    }

    /// `text` with every occurrence's original replaced by `replacement(original index)`
    /// (the inflection is kept: "Kari's" → "Anne's"); `None` leaves an occurrence alone.
    pub fn replace<'r>(&self, text: &str, replacement: &dyn Fn(usize) -> Option<&'r str>) -> String {
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for o in self.find(text) {
            if let Some(r) = replacement(o.original) {
                out.push_str(&text[last..o.start]);
                let (end, new) = Matcher::substitute(text, &o, r);
                out.push_str(&new);
                last = end;
            }
        }
        out.push_str(&text[last..]);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inflected_forms_and_case_are_one_original() -> Result<(), PseudoError> {
        let m = Matcher::new(&["Kari", "Kari Nordmann", "kari@example.no"])?;
        let text = "Kari's office. KARIS bok. Karisma and Oleander. Kari  Nordmann came; mail kari@example.no.";
        let found: Vec<(&str, usize)> = m.find(text).iter().map(|o| (&text[o.start..o.end], o.original)).collect();
        assert_eq!(
            found,
            [("Kari's", 0), ("KARIS", 0), ("Kari  Nordmann", 1), ("kari@example.no", 2)],
            "Karisma is another word; the longer original wins where both start"
        );
        let replaced = m.replace(text, &|i| ["Anne", "Anne Berg", "[e-mail]"].get(i).copied());
        assert_eq!(replaced, "Anne's office. Annes bok. Karisma and Oleander. Anne Berg came; mail [e-mail].");
        Ok(())
    }

    #[test]
    fn tens_of_thousands_of_originals_are_found_as_whole_words() -> Result<(), PseudoError> {
        // A scan can list every phone number of a corpus: 20,000 originals "90000000"…
        let originals: Vec<String> = (0..20_000).map(|i| format!("9{i:07}")).collect();
        let m = Matcher::new(&originals)?;
        let text = "Ring 90000042 eller 90019999, ikke 900000421 eller x90000007.";
        let found: Vec<(&str, usize)> = m.find(text).iter().map(|o| (&text[o.start..o.end], o.original)).collect();
        assert_eq!(found, [("90000042", 42), ("90019999", 19_999)], "a number inside a longer one is not it");
        Ok(())
    }

    #[test]
    fn norwegian_letters_match_in_any_case() -> Result<(), PseudoError> {
        let m = Matcher::new(&["Øyvind", "Ås"])?;
        let text = "øyvind og ØYVINDS bror bor på Ås, ikke i Åsgard.";
        let found: Vec<&str> = m.find(text).iter().map(|o| &text[o.start..o.end]).collect();
        assert_eq!(found, ["øyvind", "ØYVINDS", "Ås"]);
        Ok(())
    }
}
