//! Every word of the indexed corpus as written (lower-cased), with its stem.
//!
//! The index keeps only stems (see `docs/SEARCH.md`). Prefix and fuzzy queries are about
//! words as written — `meeting*` must find "meetings" but not "meet" — so they are
//! answered from this list: the words that match, grouped by stem. Where every word of a
//! stem matches, the stem's passages are exactly the answer; where only some do, those
//! passages are checked against their text ([`super::surface`]). Keeping this list instead
//! of a second, unstemmed field in the index made building the index a third faster.
//!
//! The list only grows between full rebuilds: a word whose last passage was re-indexed or
//! removed stays listed. That is safe — a listed word no passage holds matches nothing, and
//! at worst makes a stem look partly matched, which only costs a check — and it lets the
//! list be written *before* each index commit, so a crash never leaves the index holding a
//! word the list lacks.

use rustc_hash::FxHashMap;
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Inside the index folder.
pub const FILE: &str = "vocabulary.txt";
const HEADER: &str = "tema-vocabulary 1";

/// Words met while indexing (lower-cased word → stem), filled by the stemming tokenizer
/// on the indexing threads and drained into the [`Vocabulary`] at each commit.
pub type NewWords = Arc<Mutex<FxHashMap<Box<str>, Box<str>>>>;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Vocabulary {
    /// Sorted, each once.
    words: Vec<Box<str>>,
    /// The stem of each word, as an index into `stems`.
    stem_of: Vec<u32>,
    stems: Vec<Box<str>>,
    /// How many words each stem has.
    forms: Vec<u32>,
}

/// The words a query matched, by stem.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expansion {
    /// Stems all of whose words matched: every passage with the stem is a hit.
    pub whole: Vec<String>,
    /// Stems only some of whose words matched, with those words: a passage with the stem
    /// is a hit only if its text holds one of them.
    pub partial: Vec<(String, Vec<String>)>,
}

impl Expansion {
    pub fn is_empty(&self) -> bool {
        self.whole.is_empty() && self.partial.is_empty()
    }
}

impl Vocabulary {
    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The stem of a listed word.
    pub fn stem(&self, word: &str) -> Option<&str> {
        let i = self.words.binary_search_by(|w| (**w).cmp(word)).ok()?;
        Some(&self.stems[self.stem_of[i] as usize])
    }

    fn from_sorted(pairs: Vec<(Box<str>, Box<str>)>) -> Vocabulary {
        let mut v = Vocabulary::default();
        let mut ids: FxHashMap<Box<str>, u32> = FxHashMap::default();
        v.words.reserve(pairs.len());
        v.stem_of.reserve(pairs.len());
        for (word, stem) in pairs {
            let id = match ids.get(&stem) {
                Some(&id) => id,
                None => {
                    let id = v.stems.len() as u32;
                    v.stems.push(stem.clone());
                    v.forms.push(0);
                    ids.insert(stem, id);
                    id
                }
            };
            v.forms[id as usize] += 1;
            v.words.push(word);
            v.stem_of.push(id);
        }
        v
    }

    /// This list with the new words added; `None` when there are none.
    pub fn merged(&self, new: FxHashMap<Box<str>, Box<str>>) -> Option<Vocabulary> {
        let mut added: Vec<(Box<str>, Box<str>)> = new.into_iter().filter(|(w, _)| self.stem(w).is_none()).collect();
        if added.is_empty() {
            return None;
        }
        added.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let mut pairs = Vec::with_capacity(self.words.len() + added.len());
        let mut old = self.words.iter().zip(&self.stem_of).peekable();
        let mut new = added.into_iter().peekable();
        loop {
            let take_old = match (old.peek(), new.peek()) {
                (Some((w, _)), Some((n, _))) => **w < *n,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            if take_old {
                if let Some((w, s)) = old.next() {
                    pairs.push((w.clone(), self.stems[*s as usize].clone()));
                }
            } else if let Some(pair) = new.next() {
                pairs.push(pair);
            }
        }
        Some(Vocabulary::from_sorted(pairs))
    }

    /// Indexes of the words that start with `prefix`.
    pub fn with_prefix(&self, prefix: &str) -> std::ops::Range<usize> {
        let start = self.words.partition_point(|w| **w < *prefix);
        let len = self.words[start..].partition_point(|w| w.starts_with(prefix));
        start..start + len
    }

    /// Indexes of the words `keep` accepts.
    pub fn matching(&self, mut keep: impl FnMut(&str) -> bool) -> Vec<usize> {
        (0..self.words.len()).filter(|&i| keep(&self.words[i])).collect()
    }

    /// Groups matched words by stem and sorts out which stems matched whole.
    pub fn expand(&self, matched: impl IntoIterator<Item = usize>) -> Expansion {
        let mut by_stem: FxHashMap<u32, Vec<usize>> = FxHashMap::default();
        for i in matched {
            if let Some(&s) = self.stem_of.get(i) {
                by_stem.entry(s).or_default().push(i);
            }
        }
        let mut out = Expansion::default();
        for (stem, words) in by_stem {
            let name = self.stems[stem as usize].to_string();
            if words.len() as u32 == self.forms[stem as usize] {
                out.whole.push(name);
            } else {
                out.partial.push((name, words.iter().map(|&i| self.words[i].to_string()).collect()));
            }
        }
        out.whole.sort();
        out.partial.sort();
        out
    }

    /// Reads a list written by [`Vocabulary::write`]; the error says what is wrong.
    pub fn read(path: &Path) -> Result<Vocabulary, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let mut lines = text.lines();
        if lines.next() != Some(HEADER) {
            return Err(format!("{} is not a Tema vocabulary", path.display()));
        }
        let mut pairs: Vec<(Box<str>, Box<str>)> = Vec::new();
        for (n, line) in lines.enumerate() {
            let (word, stem) =
                line.split_once('\t').ok_or_else(|| format!("{} line {} has no stem", path.display(), n + 2))?;
            if pairs.last().is_some_and(|(last, _)| **last >= *word) {
                return Err(format!("{} line {} is out of order", path.display(), n + 2));
            }
            pairs.push((word.into(), stem.into()));
        }
        Ok(Vocabulary::from_sorted(pairs))
    }

    /// Writes the list whole, replacing the old one only once the new one is on disk.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let tmp = path.with_extension("txt.new");
        let mut out = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        writeln!(out, "{HEADER}")?;
        for (w, s) in self.words.iter().zip(&self.stem_of) {
            writeln!(out, "{w}\t{}", self.stems[*s as usize])?;
        }
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab(pairs: &[(&str, &str)]) -> Vocabulary {
        let new: FxHashMap<Box<str>, Box<str>> = pairs.iter().map(|(w, s)| ((*w).into(), (*s).into())).collect();
        Vocabulary::default().merged(new).unwrap_or_default()
    }

    #[test]
    fn prefixes_sort_out_whole_and_partial_stems() {
        let v =
            vocab(&[("meet", "meet"), ("meeting", "meet"), ("meetings", "meet"), ("happy", "happi"), ("met", "met")]);
        let all = v.expand(v.with_prefix("mee"));
        assert_eq!(all.whole, ["meet"]);
        assert!(all.partial.is_empty());
        let longer = v.expand(v.with_prefix("meeting"));
        assert!(longer.whole.is_empty());
        assert_eq!(longer.partial, [("meet".to_string(), vec!["meeting".to_string(), "meetings".to_string()])]);
        assert!(v.expand(v.with_prefix("happi")).is_empty());
        assert_eq!(v.expand(v.with_prefix("")).whole, ["happi", "meet", "met"]);
    }

    #[test]
    fn merging_adds_only_new_words_and_keeps_order() {
        let v = vocab(&[("b", "b"), ("d", "d")]);
        let new: FxHashMap<Box<str>, Box<str>> =
            [("a", "a"), ("c", "b"), ("d", "d")].iter().map(|(w, s)| ((*w).into(), (*s).into())).collect();
        let m = v.merged(new).unwrap_or_default();
        assert_eq!(m.len(), 4);
        assert_eq!(m.stem("c"), Some("b"));
        assert_eq!(m.expand(m.with_prefix("")).whole, ["a", "b", "d"]);
        let again: FxHashMap<Box<str>, Box<str>> = [("a".into(), "a".into())].into_iter().collect();
        assert!(m.merged(again).is_none());
    }

    #[test]
    fn written_and_read_back() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join(FILE);
        let v = vocab(&[("møte", "møt"), ("møtene", "møt"), ("😀", "😀")]);
        v.write(&path)?;
        assert_eq!(Vocabulary::read(&path)?, v);
        std::fs::write(&path, "tema-vocabulary 1\nb\tb\na\ta\n")?;
        assert!(Vocabulary::read(&path).is_err_and(|e| e.contains("out of order")));
        std::fs::write(&path, "something else\n")?;
        assert!(Vocabulary::read(&path).is_err());
        Ok(())
    }
}
