//! The tantivy schema of the search index and the text analysers it uses.
//!
//! One tantivy document per *unit*: a speaker turn, or a paragraph of text outside turns
//! (see `docs/SEARCH.md` for why). Nothing is stored: the project holds the text in memory,
//! so a hit is read back from FAST columns (which document, where the unit starts and ends,
//! in chars and in bytes) and its text is sliced from the document itself. That keeps the
//! index small and a hit free of any decompression.

use super::vocabulary::NewWords;
use super::words::{StemmedWords, Words};
use crate::model::Language;
use tantivy::Index;
use tantivy::schema::{FAST, Field, INDEXED, IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::{Language as StemLanguage, TextAnalyzer};

/// Bumped whenever the schema, the analysers or the way documents are cut into units
/// change: an index with another version is thrown away and rebuilt.
pub const SCHEMA_VERSION: u32 = 2;

/// Stemmed words of the unit, with positions (phrases). Words as written are not indexed:
/// prefix and fuzzy queries go through the vocabulary (see [`super::vocabulary`]).
pub const STEM_TOKENIZER: &str = "tema_stem";

/// Handles to every field of the schema.
#[derive(Clone, Copy, Debug)]
pub struct Fields {
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
    let text_options = |tokenizer: &str, record: IndexRecordOption, norms: bool| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default().set_tokenizer(tokenizer).set_index_option(record).set_fieldnorms(norms),
        )
    };
    // Keywords are only ever filters (scored 0), so they need no field norms either.
    let keyword = || text_options("raw", IndexRecordOption::Basic, false);
    let fields = Fields {
        doc_slot: b.add_u64_field(columns::DOC_SLOT, INDEXED | FAST),
        turn: b.add_i64_field(columns::TURN, FAST),
        start: b.add_u64_field(columns::START, FAST),
        end: b.add_u64_field(columns::END, FAST),
        start_byte: b.add_u64_field(columns::START_BYTE, FAST),
        end_byte: b.add_u64_field(columns::END_BYTE, FAST),
        text: b.add_text_field("text", text_options(STEM_TOKENIZER, IndexRecordOption::WithFreqsAndPositions, true)),
        speaker: b.add_text_field("speaker", keyword()),
        group: b.add_text_field("group", keyword()),
        doc_name: b.add_text_field("doc_name", keyword()),
        kind: b.add_text_field("kind", keyword()),
        attr: b.add_text_field("attr", keyword()),
    };
    (b.build(), fields)
}

/// Looks up the fields of a schema read from disk; `None` if one is missing.
pub fn fields_of(schema: &Schema) -> Option<Fields> {
    let f = |name: &str| schema.get_field(name).ok();
    Some(Fields {
        doc_slot: f(columns::DOC_SLOT)?,
        turn: f(columns::TURN)?,
        start: f(columns::START)?,
        end: f(columns::END)?,
        start_byte: f(columns::START_BYTE)?,
        end_byte: f(columns::END_BYTE)?,
        text: f("text")?,
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
    TextAnalyzer::from(StemmedWords::new(stem_language(language)))
}

/// The analyser for words as written: the same words, lower-cased only. Both analysers cut
/// the text into the same tokens at the same positions, which the highlighter relies on.
pub fn exact_analyzer() -> TextAnalyzer {
    TextAnalyzer::from(Words::default())
}

pub(crate) fn stem_language(language: Language) -> StemLanguage {
    match language {
        Language::English => StemLanguage::English,
        Language::Norwegian => StemLanguage::Norwegian,
        Language::Danish => StemLanguage::Danish,
        Language::Swedish => StemLanguage::Swedish,
        Language::Finnish => StemLanguage::Finnish,
        Language::German => StemLanguage::German,
        Language::Dutch => StemLanguage::Dutch,
        Language::French => StemLanguage::French,
        Language::Spanish => StemLanguage::Spanish,
        Language::Portuguese => StemLanguage::Portuguese,
        Language::Italian => StemLanguage::Italian,
    }
}

/// Registers the analyser the index is built with: the stemmed one, reporting each word it
/// meets to `new_words` for the vocabulary.
pub fn register_tokenizers(index: &Index, language: Language, new_words: NewWords) {
    let analyzer = TextAnalyzer::from(StemmedWords::reporting_to(stem_language(language), new_words));
    index.tokenizers().register(STEM_TOKENIZER, analyzer);
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
    fn schema_round_trips_through_field_lookup() {
        let (schema, fields) = build_schema();
        let found = fields_of(&schema);
        assert!(found.is_some_and(|f| f.text == fields.text && f.attr == fields.attr));
    }
}
