//! The two tokenizers of the search index, each one pass over the text.
//!
//! They cut text exactly as tantivy's `SimpleTokenizer` → `RemoveLongFilter` →
//! `LowerCaser` (→ `Stemmer`) chain does — same words, same byte offsets, same positions
//! (a dropped over-long word still uses up a position) — which the tests below check
//! against that chain on arbitrary text. Doing it in one pass matters because the index
//! build runs every word of the corpus through both fields: the chain scanned each word
//! once to find it, copied it, scanned it again to lower-case it, and (for the stemmed
//! field) lower-cased it again before looking the stem up. Here ASCII bytes are classified
//! without decoding, and the stemmed field looks the stem up by the word *as written*, so a
//! word seen before is neither lower-cased nor stemmed again.

use super::vocabulary::NewWords;
use rustc_hash::FxHashMap;
use std::sync::LazyLock;
use tantivy::tokenizer::{
    Language as StemLanguage, RawTokenizer, Stemmer, TextAnalyzer, Token, TokenStream, Tokenizer,
};

/// Words longer than this many bytes are dropped (base64, URLs, noise), as tantivy's
/// `RemoveLongFilter::limit(MAX_TOKEN_BYTES)` drops them.
pub const MAX_TOKEN_BYTES: usize = 60;

/// Distinct spellings the stemmed tokenizer remembers the stems of before it starts afresh.
const STEM_MEMO_WORDS: usize = 200_000;

/// Whether each char of two UTF-8 bytes (U+0080 to U+07FF: Latin-1, Latin Extended, Greek,
/// Cyrillic, …) is alphanumeric, worked out once with `char::is_alphanumeric` so the two
/// always agree. Norwegian text is full of these (æ, ø, å), and the standard library's
/// lookup for them is a binary search.
static TWO_BYTE_ALNUM: LazyLock<[bool; 0x800]> = LazyLock::new(|| {
    let mut t = [false; 0x800];
    for (cp, slot) in t.iter_mut().enumerate() {
        *slot = char::from_u32(cp as u32).is_some_and(char::is_alphanumeric);
    }
    t
});

/// Whether the char starting at byte `i` is alphanumeric, and its length in bytes. `i` must
/// be a char boundary.
#[inline]
pub(crate) fn alnum_at(text: &str, i: usize) -> (bool, usize) {
    let bytes = text.as_bytes();
    let b = bytes[i];
    if b < 0x80 {
        (b.is_ascii_alphanumeric(), 1)
    } else if b & 0xE0 == 0xC0 && i + 1 < bytes.len() {
        let cp = (usize::from(b & 0x1F) << 6) | usize::from(bytes[i + 1] & 0x3F);
        (TWO_BYTE_ALNUM[cp], 2)
    } else {
        match text[i..].chars().next() {
            Some(c) => (c.is_alphanumeric(), c.len_utf8()),
            None => (false, 1),
        }
    }
}

/// The byte range of the next word (a run of alphanumeric chars) at or after `from`.
/// ASCII bytes, nearly all of an English text, are classified in place; other chars go
/// through [`alnum_at`].
pub(crate) fn next_word(text: &str, from: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let len = bytes.len();
    // `i` always sits on a char boundary: it moves by whole chars.
    let mut i = from;
    let start = loop {
        let b = *bytes.get(i)?;
        if b < 0x80 {
            if b.is_ascii_alphanumeric() {
                break i;
            }
            i += 1;
        } else {
            let (alnum, n) = alnum_at(text, i);
            if alnum {
                break i;
            }
            i += n;
        }
    };
    while i < len {
        let b = bytes[i];
        if b < 0x80 {
            if !b.is_ascii_alphanumeric() {
                break;
            }
            i += 1;
        } else {
            let (alnum, n) = alnum_at(text, i);
            if !alnum {
                break;
            }
            i += n;
        }
    }
    Some((start, i))
}

/// Writes `word` lower-cased into `out`, char by char as tantivy's `LowerCaser` does (no
/// final-sigma rule, so every spelling of a word lower-cases alike).
pub(crate) fn lower_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        out.push_str(word);
        out.make_ascii_lowercase();
    } else {
        for c in word.chars() {
            out.extend(c.to_lowercase());
        }
    }
}

/// Finds the next word that is not too long, counting positions as tantivy does.
fn advance_to_word(text: &str, pos: &mut usize, token: &mut Token) -> Option<(usize, usize)> {
    while let Some((from, to)) = next_word(text, *pos) {
        *pos = to;
        token.position = token.position.wrapping_add(1);
        if to - from < MAX_TOKEN_BYTES {
            token.offset_from = from;
            token.offset_to = to;
            return Some((from, to));
        }
    }
    None
}

/// What a tokenizer makes of each word it finds. [`WordStream`] finds the words, the same
/// for both tokenizers.
pub trait WordForm {
    /// Writes the token text of `word`, as written in the text, into the empty `out`.
    fn write(&mut self, word: &str, out: &mut String);
}

/// The words of one text, each as its tokenizer's [`WordForm`] makes it.
pub struct WordStream<'a, F> {
    text: &'a str,
    pos: usize,
    token: &'a mut Token,
    form: &'a mut F,
}

impl<'a, F: WordForm> WordStream<'a, F> {
    fn new(token: &'a mut Token, form: &'a mut F, text: &'a str) -> Self {
        token.reset();
        WordStream { text, pos: 0, token, form }
    }
}

impl<F: WordForm> TokenStream for WordStream<'_, F> {
    fn advance(&mut self) -> bool {
        let found = advance_to_word(self.text, &mut self.pos, self.token);
        self.token.text.clear();
        match found {
            Some((from, to)) => {
                self.form.write(&self.text[from..to], &mut self.token.text);
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// Lower-cased words, unstemmed.
#[derive(Clone, Default)]
pub struct Words {
    token: Token,
    form: Lower,
}

/// A word's token is the word lower-cased.
#[derive(Clone, Copy, Default)]
pub struct Lower;

impl WordForm for Lower {
    fn write(&mut self, word: &str, out: &mut String) {
        lower_into(word, out);
    }
}

impl Tokenizer for Words {
    type TokenStream<'a> = WordStream<'a, Lower>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        WordStream::new(&mut self.token, &mut self.form, text)
    }
}

/// Lower-cased words stemmed with the Snowball stemmer of a language, with a memo from
/// each spelling met to its stem: a corpus has a few tens of thousands of distinct
/// spellings, each used many times, and a lookup costs a fraction of a stemming.
#[derive(Clone)]
pub struct StemmedWords {
    token: Token,
    form: Stems,
}

/// A word's token is its stem, remembered by the word as written.
#[derive(Clone)]
pub struct Stems {
    stemmer: TextAnalyzer,
    memo: FxHashMap<Box<str>, Box<str>>,
    lower: String,
    /// Where the index's tokenizer reports each word it meets (see [`NewWords`]).
    sink: Option<NewWords>,
}

impl StemmedWords {
    pub fn new(language: StemLanguage) -> StemmedWords {
        StemmedWords {
            token: Token::default(),
            form: Stems {
                stemmer: TextAnalyzer::builder(RawTokenizer::default()).filter(Stemmer::new(language)).build(),
                memo: FxHashMap::default(),
                lower: String::new(),
                sink: None,
            },
        }
    }

    /// A tokenizer that also reports every word it has not met before to `sink`. Reports
    /// happen on memo misses only, a few per thousand words, so the lock costs nothing.
    pub fn reporting_to(language: StemLanguage, sink: NewWords) -> StemmedWords {
        let mut words = StemmedWords::new(language);
        words.form.sink = Some(sink);
        words
    }
}

impl Tokenizer for StemmedWords {
    type TokenStream<'a> = WordStream<'a, Stems>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        WordStream::new(&mut self.token, &mut self.form, text)
    }
}

impl WordForm for Stems {
    fn write(&mut self, word: &str, out: &mut String) {
        if let Some(stem) = self.memo.get(word) {
            out.push_str(stem);
            return;
        }
        lower_into(word, &mut self.lower);
        {
            let mut s = self.stemmer.token_stream(&self.lower);
            let stem = if s.advance() { s.token().text.as_str() } else { self.lower.as_str() };
            out.push_str(stem);
        }
        if let Some(sink) = &self.sink {
            let mut new = sink.lock().unwrap_or_else(|p| p.into_inner());
            if !new.contains_key(self.lower.as_str()) {
                new.insert(self.lower.as_str().into(), out.as_str().into());
            }
        }
        if self.memo.len() >= STEM_MEMO_WORDS {
            self.memo.clear();
        }
        self.memo.insert(word.into(), out.as_str().into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use tantivy::tokenizer::{LowerCaser, RemoveLongFilter, SimpleTokenizer};

    type Seen = Vec<(String, usize, usize, usize)>;

    fn run(mut a: TextAnalyzer, text: &str) -> Seen {
        let mut out = Vec::new();
        let mut s = a.token_stream(text);
        while s.advance() {
            let t = s.token();
            out.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
        }
        out
    }

    fn tantivy_chain(stem: Option<StemLanguage>) -> TextAnalyzer {
        let b = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
            .filter(LowerCaser);
        match stem {
            Some(l) => b.filter(Stemmer::new(l)).build(),
            None => b.build(),
        }
    }

    /// Text that exercises the edges: ASCII and non-ASCII letters and digits, punctuation,
    /// letters whose lower case is longer (İ), final sigma, combining marks, emoji, and
    /// words around the length limit.
    fn text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            4 => "[a-zA-Z0-9]{1,8}",
            2 => "[ .,;:!?'\"()\\-\n\t]{1,3}",
            2 => "[æøåÆØÅéüßİΣσςçñ]{1,4}",
            1 => "[\u{301}\u{308}😀🇳🇴٣५]{1,2}",
            1 => "[a-z]{58,61}",
            1 => "[a-zæøå]{50,66}",
            1 => any::<String>(),
        ];
        prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn words_cut_text_as_tantivy_does(t in text()) {
            prop_assert_eq!(run(TextAnalyzer::from(Words::default()), &t), run(tantivy_chain(None), &t));
        }

        #[test]
        fn stemmed_words_cut_and_stem_as_tantivy_does(t in text()) {
            for lang in [StemLanguage::English, StemLanguage::Norwegian] {
                // One analyser over the text twice: the second pass comes from the memo.
                let mut ours = TextAnalyzer::from(StemmedWords::new(lang));
                let want = run(tantivy_chain(Some(lang)), &t);
                prop_assert_eq!(&run(ours.clone(), &t), &want);
                let mut s = ours.token_stream(&t);
                while s.advance() {}
                drop(s);
                prop_assert_eq!(run(ours, &t), want);
            }
        }
    }

    #[test]
    fn the_index_tokenizer_reports_each_word_once() {
        let sink = NewWords::default();
        let mut a = TextAnalyzer::from(StemmedWords::reporting_to(StemLanguage::English, sink.clone()));
        for text in ["Meetings, MEETING meet!", "meetings again"] {
            let mut s = a.token_stream(text);
            while s.advance() {}
        }
        let new = sink.lock().map(|m| m.clone()).unwrap_or_default();
        let mut got: Vec<(&str, &str)> = new.iter().map(|(w, s)| (&**w, &**s)).collect();
        got.sort();
        assert_eq!(got, [("again", "again"), ("meet", "meet"), ("meeting", "meet"), ("meetings", "meet")]);
    }

    #[test]
    fn known_words() {
        let got = run(TextAnalyzer::from(StemmedWords::new(StemLanguage::English)), "Meetings, MEETING meet!");
        let texts: Vec<&str> = got.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(texts, ["meet", "meet", "meet"]);
        let long = "x".repeat(MAX_TOKEN_BYTES);
        let got = run(TextAnalyzer::from(Words::default()), &format!("Før {long} Møtet"));
        assert_eq!(got, [("før".to_string(), 0, 4, 0), ("møtet".to_string(), 66, 72, 2)]);
    }
}
