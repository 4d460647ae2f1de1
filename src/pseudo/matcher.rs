//! Finding every occurrence of a list of originals in a text: case-insensitively, as whole
//! words, and in their inflected forms ("Kari", "KARI", "Karis", "Kari's", "Kari’s").
//!
//! Scan counts with it, apply replaces with it and verify searches with it, so the three can
//! never disagree about what an occurrence is.

use super::PseudoError;
use regex::{Regex, RegexBuilder};
use std::collections::HashMap;

/// Endings that make an inflected form of a name: the English and Norwegian genitive
/// ("Kari's", "Karis") and a bare apostrophe ("Lars'"). Only the name before the ending is
/// replaced, so "Kari's" becomes "Anne's".
const SUFFIXES: &str = r"(?:'s|’s|s|'|’)?";

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
#[derive(Clone, Debug)]
pub struct Matcher {
    regex: Option<Regex>,
    keys: HashMap<String, usize>,
}

/// The form two spellings of one original share: lower case, runs of white space as one space.
pub fn key(s: &str) -> String {
    crate::model::name_key(s)
}

impl Matcher {
    /// A matcher for `originals` (blank ones are ignored; two that differ only in case or
    /// spacing are one original, the first).
    pub fn new<S: AsRef<str>>(originals: &[S]) -> Result<Matcher, PseudoError> {
        let mut keys = HashMap::new();
        let mut alternatives: Vec<(usize, String)> = Vec::new();
        for (i, o) in originals.iter().enumerate() {
            let k = key(o.as_ref());
            if k.is_empty() || keys.contains_key(&k) {
                continue;
            }
            keys.insert(k.clone(), i);
            let pattern: Vec<String> = k.split(' ').map(regex::escape).collect();
            alternatives.push((k.chars().count(), pattern.join(r"\s+")));
        }
        if alternatives.is_empty() {
            return Ok(Matcher { regex: None, keys });
        }
        // Longest first, so "Kari Nordmann" wins over "Kari" where both start.
        alternatives.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
        let alternation: Vec<&str> = alternatives.iter().map(|(_, p)| p.as_str()).collect();
        let pattern = format!("({}){SUFFIXES}", alternation.join("|"));
        let regex = RegexBuilder::new(&pattern)
            .case_insensitive(true)
            .size_limit(256 << 20)
            .dfa_size_limit(64 << 20)
            .build()
            .map_err(|e| PseudoError::Pattern { pattern: "the list of originals".into(), reason: e.to_string() })?;
        Ok(Matcher { regex: Some(regex), keys })
    }

    /// Whether there is nothing to look for.
    pub fn is_empty(&self) -> bool {
        self.regex.is_none()
    }

    /// Every occurrence in `text`, in order, not overlapping.
    pub fn find(&self, text: &str) -> Vec<Occurrence> {
        let Some(regex) = &self.regex else { return Vec::new() };
        let mut out = Vec::new();
        for caps in regex.captures_iter(text) {
            let (Some(all), Some(base)) = (caps.get(0), caps.get(1)) else { continue };
            let Some(&original) = self.keys.get(&key(base.as_str())) else { continue };
            // Whole words only: a name inside a longer word ("Ole" in "Oleander") is not it.
            let first_alnum = base.as_str().chars().next().is_some_and(char::is_alphanumeric);
            let before_ok = !first_alnum || !text[..all.start()].chars().next_back().is_some_and(char::is_alphanumeric);
            let mut end = all.end();
            let after_alnum = |e: usize| text[e..].chars().next().is_some_and(char::is_alphanumeric);
            let last_alnum = |s: &str| s.chars().next_back().is_some_and(char::is_alphanumeric);
            if last_alnum(all.as_str()) && after_alnum(end) {
                // "Kari" + "s" inside "Karisma": try the bare name before giving up.
                if end != base.end() && !after_alnum(base.end()) {
                    end = base.end();
                } else {
                    continue;
                }
            }
            if before_ok {
                out.push(Occurrence { start: all.start(), base_end: base.end(), end, original });
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
    fn norwegian_letters_match_in_any_case() -> Result<(), PseudoError> {
        let m = Matcher::new(&["Øyvind", "Ås"])?;
        let text = "øyvind og ØYVINDS bror bor på Ås, ikke i Åsgard.";
        let found: Vec<&str> = m.find(text).iter().map(|o| &text[o.start..o.end]).collect();
        assert_eq!(found, ["øyvind", "ØYVINDS", "Ås"]);
        Ok(())
    }
}
