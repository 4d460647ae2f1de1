//! Closed sets of values that a researcher names by a word: a document's kind on the command
//! line (`--kind focus-group`) or in a documents sheet, a theme's status, a triangulation mark,
//! a pseudonym map's kind column, a trail filter, a search order.
//!
//! Each such set says once, in its [`Named`] impl, the word each value is written as, the other
//! spellings it answers to, and a line on what it means. Everything that reads a typed word
//! (the command line through its value parser, the sheet and map readers, the query resolver)
//! asks [`Named::parse`], so every place accepts the same spellings, compared the same way, and
//! every "unknown …" message lists the same choices, in the same order, as `--help` and the
//! shell completions do.

use thiserror::Error;

/// A word that names none of a set's values, with the words that would have.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("unknown {what} {given:?}: use {choices}")]
pub struct UnknownName {
    /// What a value of the set is ("document kind").
    pub what: &'static str,
    pub given: String,
    /// The values' words, as a sentence: "overlap or turn".
    pub choices: String,
}

/// One value of a [`Named`] set and its words: `word(DocKind::FocusGroup, "focus-group")`,
/// with `.or(&["fg"])` for other spellings and `.about("…")` for `--help`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Word<T> {
    pub value: T,
    /// The word it is written as.
    pub slug: &'static str,
    /// Other words it answers to: plurals, older names, short forms.
    pub aliases: &'static [&'static str],
    /// One line on what the value means, shown by `--help`; empty for none.
    pub about: &'static str,
}

/// A value's [`Word`], with no aliases and no help line yet.
pub const fn word<T>(value: T, slug: &'static str) -> Word<T> {
    Word { value, slug, aliases: &[], about: "" }
}

impl<T> Word<T> {
    /// Other words it answers to.
    pub const fn or(mut self, aliases: &'static [&'static str]) -> Self {
        self.aliases = aliases;
        self
    }

    /// What it means, for `--help`.
    pub const fn about(mut self, about: &'static str) -> Self {
        self.about = about;
        self
    }
}

/// A closed set of values with a word for each (see the module's documentation).
pub trait Named: Copy + PartialEq + 'static {
    /// What one value is, for messages ("unknown status …"): "kind", "status", "scope".
    const WHAT: &'static str;

    /// Every value and its words, in the order the choices are listed. A unit test checks
    /// that every set lists each of its values once.
    const WORDS: &'static [Word<Self>];

    /// The word the value is written as: on the command line, in files, in messages.
    fn slug(self) -> &'static str {
        Self::WORDS.iter().find(|w| w.value == self).map_or("", |w| w.slug)
    }

    /// The value a word names. The comparison ignores case, surrounding white space, and
    /// whether words are joined by `-`, `_` or a space (`Focus group`, `focus_group` and
    /// `focus-group` are one word).
    fn parse(word: &str) -> Option<Self> {
        let wanted = fold(word);
        Self::WORDS
            .iter()
            .find(|w| fold(w.slug) == wanted || w.aliases.iter().any(|a| fold(a) == wanted))
            .map(|w| w.value)
    }

    /// [`Named::parse`], or an error that names the word and lists the choices.
    fn named(word: &str) -> Result<Self, UnknownName> {
        Self::parse(word).ok_or_else(|| UnknownName {
            what: Self::WHAT,
            given: word.trim().to_string(),
            choices: Self::choices(),
        })
    }

    /// The values' words as a sentence: "match, sentence or turn".
    fn choices() -> String {
        let words: Vec<&str> = Self::WORDS.iter().map(|w| w.slug).collect();
        match words.split_last() {
            Some((last, [])) => (*last).to_string(),
            Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
            None => String::new(),
        }
    }
}

/// The form two words are compared in (see [`Named::parse`]).
fn fold(word: &str) -> String {
    word.trim().to_lowercase().replace(['_', ' '], "-")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DocKind, RowMark, ThemeStatus};

    #[test]
    fn words_are_compared_without_case_joiners_or_edges() {
        for word in ["focus-group", " Focus group ", "FOCUS_GROUP", "fg", "focusgroup"] {
            assert_eq!(DocKind::parse(word), Some(DocKind::FocusGroup), "{word:?}");
        }
        assert_eq!(DocKind::parse("focus"), None);
        assert_eq!(ThemeStatus::parse("Discarded"), Some(ThemeStatus::Parked));
        assert_eq!(RowMark::parse("n/a"), Some(RowMark::NotApplicable));
    }

    #[test]
    fn an_unknown_word_is_named_with_every_choice() {
        let err = DocKind::named("  diary ").err();
        assert_eq!(
            err.map(|e| e.to_string()).as_deref(),
            Some("unknown kind \"diary\": use interview, focus-group, field-notes or other")
        );
    }

    /// The set lists every value once, in `all`'s order; every value answers to its own word
    /// and its aliases; no word names two values.
    fn consistent<T: Named + std::fmt::Debug>(all: &[T]) {
        let listed: Vec<T> = T::WORDS.iter().map(|w| w.value).collect();
        assert_eq!(listed, all, "{}", T::WHAT);
        let mut seen = std::collections::HashMap::new();
        for w in T::WORDS {
            assert!(!w.slug.is_empty(), "{} {:?}", T::WHAT, w.value);
            assert_eq!(w.value.slug(), w.slug);
            for word in std::iter::once(w.slug).chain(w.aliases.iter().copied()) {
                assert_eq!(T::parse(word), Some(w.value), "{} {word:?}", T::WHAT);
                if let Some(other) = seen.insert(fold(word), w.value) {
                    panic!("{} {word:?} names both {other:?} and {:?}", T::WHAT, w.value);
                }
            }
        }
    }

    #[test]
    fn every_set_is_consistent() {
        use crate::analysis::{RowSource, cooccurrence};
        use crate::index::{Order, code_hits};
        consistent(&DocKind::ALL);
        consistent(&ThemeStatus::ALL);
        consistent(&RowMark::ALL);
        consistent(&crate::model::Language::ALL);
        consistent(&crate::trail::Kind::ALL);
        consistent(&crate::pseudo::Kind::ALL);
        consistent(&[Order::Relevance, Order::Document]);
        consistent(&[code_hits::Scope::Match, code_hits::Scope::Sentence, code_hits::Scope::Turn]);
        consistent(&[cooccurrence::Scope::Overlap, cooccurrence::Scope::Turn]);
        consistent(&crate::exchange::Profile::ALL);
        consistent(&crate::export::chart::ChartKind::ALL);
        consistent(&crate::export::table::CellContent::ALL);
        consistent(&[RowSource::Themes, RowSource::Codes]);
    }
}
