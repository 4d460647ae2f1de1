//! The tantivy schema of the search index and the text analysers it uses.
//!
//! One tantivy document per *unit*: a speaker turn, or a paragraph of text outside turns
//! (see `docs/SEARCH.md` for why). Nothing is stored: the project holds the text in memory,
//! so a hit is read back from FAST columns (which document, where the unit starts and ends,
//! in chars and in bytes) and its text is sliced from the document itself. That keeps the
//! index small and a hit free of any decompression.

use crate::model::Language;
use rustc_hash::FxHashMap;
use tantivy::Index;
use tantivy::schema::{FAST, Field, INDEXED, IndexRecordOption, STRING, Schema, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::{
    Language as StemLanguage, LowerCaser, RawTokenizer, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer,
    Token, TokenFilter, TokenStream, Tokenizer,
};

/// Bumped whenever the schema, the analysers or the way documents are cut into units
/// change: an index with another version is thrown away and rebuilt.
pub const SCHEMA_VERSION: u32 = 1;

/// Stemmed words of the unit, with positions (phrases).
pub const STEM_TOKENIZER: &str = "tema_stem";
/// Lower-cased, unstemmed words, for prefix and fuzzy queries (which score every match
/// alike, so neither positions nor frequencies are kept).
pub const EXACT_TOKENIZER: &str = "tema_exact";

/// Words longer than this are dropped from the index (they are base64, URLs, or noise).
const MAX_TOKEN_BYTES: usize = 60;

/// Handles to every field of the schema.
#[derive(Clone, Copy, Debug)]
pub struct Fields {
    /// Our own unique id of a unit: `slot << 32 | ordinal` (tantivy has no primary key).
    pub uid: Field,
    /// The document's slot number in this index (see the manifest); deletion goes by it.
    pub doc_slot: Field,
    /// Index of the speaker turn, or -1 for a paragraph outside turns.
    pub turn: Field,
    /// Char span of the unit in the document's text.
    pub start: Field,
    pub end: Field,
    /// Byte span of the unit in the document's text, to slice it without a scan.
    pub start_byte: Field,
    pub end_byte: Field,
    /// The unit's words, stemmed for the project's language, with positions.
    pub text: Field,
    /// The unit's words lower-cased and unstemmed (which units contain them, no more).
    pub exact: Field,
    /// Keyword fields for filters, each value normalised with [`key`]. `speaker` holds the
    /// speaker as written, the participant's label and their aliases.
    pub speaker: Field,
    pub group: Field,
    pub doc_name: Field,
    pub kind: Field,
    /// Participant attributes as `name=value` keywords (`site=nordby`).
    pub attr: Field,
}

/// Names of the FAST columns read back for each hit.
pub mod columns {
    pub const DOC_SLOT: &str = "doc_slot";
    pub const TURN: &str = "turn";
    pub const START: &str = "start";
    pub const END: &str = "end";
    pub const START_BYTE: &str = "start_byte";
    pub const END_BYTE: &str = "end_byte";
}

pub fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text_options = |tokenizer: &str, record: IndexRecordOption| {
        TextOptions::default()
            .set_indexing_options(TextFieldIndexing::default().set_tokenizer(tokenizer).set_index_option(record))
    };
    let fields = Fields {
        uid: b.add_u64_field("uid", FAST),
        doc_slot: b.add_u64_field(columns::DOC_SLOT, INDEXED | FAST),
        turn: b.add_i64_field(columns::TURN, FAST),
        start: b.add_u64_field(columns::START, FAST),
        end: b.add_u64_field(columns::END, FAST),
        start_byte: b.add_u64_field(columns::START_BYTE, FAST),
        end_byte: b.add_u64_field(columns::END_BYTE, FAST),
        text: b.add_text_field("text", text_options(STEM_TOKENIZER, IndexRecordOption::WithFreqsAndPositions)),
        exact: b.add_text_field("exact", text_options(EXACT_TOKENIZER, IndexRecordOption::Basic)),
        speaker: b.add_text_field("speaker", STRING),
        group: b.add_text_field("group", STRING),
        doc_name: b.add_text_field("doc_name", STRING),
        kind: b.add_text_field("kind", STRING),
        attr: b.add_text_field("attr", STRING),
    };
    (b.build(), fields)
}

/// Looks up the fields of a schema read from disk; `None` if one is missing.
pub fn fields_of(schema: &Schema) -> Option<Fields> {
    let f = |name: &str| schema.get_field(name).ok();
    Some(Fields {
        uid: f("uid")?,
        doc_slot: f(columns::DOC_SLOT)?,
        turn: f(columns::TURN)?,
        start: f(columns::START)?,
        end: f(columns::END)?,
        start_byte: f(columns::START_BYTE)?,
        end_byte: f(columns::END_BYTE)?,
        text: f("text")?,
        exact: f("exact")?,
        speaker: f("speaker")?,
        group: f("group")?,
        doc_name: f("doc_name")?,
        kind: f("kind")?,
        attr: f("attr")?,
    })
}

/// The analyser for the stemmed field: words (runs of letters and digits), lower-cased,
/// stemmed with the Snowball stemmer of the project's language.
pub fn stem_analyzer(language: Language) -> TextAnalyzer {
    let stem = match language {
        Language::English => StemLanguage::English,
        Language::Norwegian => StemLanguage::Norwegian,
    };
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(CachedStemmer(stem))
        .build()
}

/// Distinct words an analyser remembers the stems of before it starts afresh.
const STEM_CACHE_WORDS: usize = 200_000;

/// tantivy's Snowball [`Stemmer`] with a memo of the words it has stemmed. A corpus uses a
/// few tens of thousands of distinct words, each many times over; looking a word up costs a
/// fraction of stemming it again, and stemming was a fifth of indexing time.
#[derive(Clone, Copy)]
pub struct CachedStemmer(pub StemLanguage);

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, inner: T) -> CachedStemmerFilter<T> {
        let stemmer = TextAnalyzer::builder(RawTokenizer::default()).filter(Stemmer::new(self.0)).build();
        CachedStemmerFilter { inner, stemmer, cache: FxHashMap::default() }
    }
}

#[derive(Clone)]
pub struct CachedStemmerFilter<T> {
    inner: T,
    stemmer: TextAnalyzer,
    cache: FxHashMap<String, String>,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemStream { tail: self.inner.token_stream(text), stemmer: &mut self.stemmer, cache: &mut self.cache }
    }
}

pub struct CachedStemStream<'a, S> {
    tail: S,
    stemmer: &'a mut TextAnalyzer,
    cache: &'a mut FxHashMap<String, String>,
}

impl<S: TokenStream> TokenStream for CachedStemStream<'_, S> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if let Some(stem) = self.cache.get(token.text.as_str()) {
            token.text.clear();
            token.text.push_str(stem);
            return true;
        }
        let stem = {
            let mut s = self.stemmer.token_stream(&token.text);
            if s.advance() { s.token().text.clone() } else { token.text.clone() }
        };
        if self.cache.len() >= STEM_CACHE_WORDS {
            self.cache.clear();
        }
        let word = std::mem::replace(&mut token.text, stem);
        self.cache.insert(word, token.text.clone());
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// The analyser for the unstemmed field: the same words, lower-cased only. Both analysers
/// cut the text into the same tokens at the same positions, which the highlighter relies on.
pub fn exact_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .build()
}

pub fn register_tokenizers(index: &Index, language: Language) {
    index.tokenizers().register(STEM_TOKENIZER, stem_analyzer(language));
    index.tokenizers().register(EXACT_TOKENIZER, exact_analyzer());
}

/// The normal form of a keyword (names, groups, attribute values): words separated by one
/// space, lower case. `Focus  Group` and `focus group` are the same filter value.
pub fn key(value: &str) -> String {
    crate::model::name_key(value)
}

/// The keyword for a participant attribute.
pub fn attr_key(name: &str, value: &str) -> String {
    format!("{}={}", key(name), key(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::tokenizer::TokenStream;

    fn tokens(mut a: TextAnalyzer, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut s = a.token_stream(text);
        while s.advance() {
            out.push(s.token().text.clone());
        }
        out
    }

    #[test]
    fn stemming_per_language() {
        assert_eq!(tokens(stem_analyzer(Language::English), "Meetings meeting"), ["meet", "meet"]);
        let no = tokens(stem_analyzer(Language::Norwegian), "Møtene møte møter");
        assert_eq!(no[0], no[1]);
        assert_eq!(no[1], no[2]);
        assert_eq!(tokens(exact_analyzer(), "Møtene 😀 e-post"), ["møtene", "e", "post"]);
    }

    #[test]
    fn the_stem_cache_gives_what_the_stemmer_gives() {
        let text = "Meetings meeting happily happy Møtene møtene stories";
        let plain = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(Stemmer::new(StemLanguage::English))
            .build();
        let mut cached = stem_analyzer(Language::English);
        // Twice: the second pass comes from the cache.
        assert_eq!(tokens(cached.clone(), text), tokens(plain.clone(), text));
        let mut s = cached.token_stream(text);
        while s.advance() {}
        drop(s);
        assert_eq!(tokens(cached, text), tokens(plain, text));
    }

    #[test]
    fn schema_round_trips_through_field_lookup() {
        let (schema, fields) = build_schema();
        let found = fields_of(&schema);
        assert!(found.is_some_and(|f| f.text == fields.text && f.attr == fields.attr));
    }
}
