//! Documents: the normalised text of a transcript or field notes, and the speaker turns found
//! in it at import. The text changes only through a correction (`Edit::ReplaceText`).

use super::{CharPos, CoderId, DocId, ParticipantId, Span, TextIndex};
use super::{Named, Word, word};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, OnceLock};

/// What a document is; it decides how it is counted in analyses (field notes have no
/// speakers and land in the "unattributed" column of a triangulation table).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum DocKind {
    #[default]
    Interview,
    FocusGroup,
    FieldNotes,
    Other,
}

impl DocKind {
    pub const ALL: [DocKind; 4] = [DocKind::Interview, DocKind::FocusGroup, DocKind::FieldNotes, DocKind::Other];

    pub fn label(self) -> &'static str {
        match self {
            DocKind::Interview => "Interview",
            DocKind::FocusGroup => "Focus group",
            DocKind::FieldNotes => "Field notes",
            DocKind::Other => "Other",
        }
    }
}

impl Named for DocKind {
    const WHAT: &'static str = "kind";

    /// The word used on the command line (`--kind focus-group`) and in sheets.
    const WORDS: &'static [Word<Self>] = &[
        word(DocKind::Interview, "interview").or(&["interviews"]),
        word(DocKind::FocusGroup, "focus-group").or(&["focusgroup", "fg"]),
        word(DocKind::FieldNotes, "field-notes").or(&["fieldnotes", "notes", "field-note"]),
        word(DocKind::Other, "other"),
    ];
}

/// Where a document came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SourceInfo {
    /// The file name as it was on the researcher's disk.
    pub file_name: String,
    /// The format it was read as (`docx`, `txt`, `vtt`, ...).
    pub format: String,
    /// blake3 of the original bytes, to spot the same file imported twice.
    pub file_hash: String,
    /// The text encoding detected for plain-text files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    pub imported_at: DateTime<Utc>,
}

/// One speaker's stretch of talk.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Turn {
    /// The whole turn, speaker label included, so consecutive turns tile the dialogue.
    pub span: Span,
    /// The speaker as written in the transcript (`J1`, `Interviewer`, `Kari`).
    pub speaker: String,
    /// Who that speaker is, once mapped; `None` leaves the turn unattributed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participant: Option<ParticipantId>,
    /// Media time of the turn, for transcripts made from recordings (WebVTT, SRT, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_ms: Option<u64>,
}

/// A document's editable description (its text changes only through a correction).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DocumentProps {
    pub name: String,
    pub kind: DocKind,
    /// Document attributes (date, interviewer, site...), usable by filters like a participant's.
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
    /// The sets (folders) the document belongs to, such as "Wave 1" or "Site Nordby".
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sets: Vec<String>,
    /// The language of the text, which decides how its words are stemmed in search; `None`
    /// follows the project's language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<super::Language>,
}

impl DocumentProps {
    /// Whether the document is in a set (ignoring case and surrounding spaces).
    pub fn in_set(&self, set: &str) -> bool {
        let key = super::name_key(set);
        self.sets.iter().any(|s| super::name_key(s) == key)
    }
}

/// One replacement in a document's text: the chars of `span` (positions in the text as it is
/// before the correction) are replaced by `text`, which must be normalised like imported text
/// (LF line endings, no control characters, NFC).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextChange {
    pub span: Span,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub id: DocId,
    #[serde(flatten)]
    pub props: DocumentProps,
    /// The normalised text (UTF-8, LF, NFC). Stored in its own file, not in the JSON.
    #[serde(skip)]
    pub text: Arc<str>,
    /// Length of the text in chars; a check against a damaged text file.
    pub char_len: usize,
    pub words: usize,
    /// blake3 of the normalised text.
    pub text_hash: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceInfo>,
    #[serde(default)]
    pub turns: Vec<Turn>,
    /// Coders who have marked the document as read (familiarisation, phase 1). In the project
    /// folder each coder's marks are kept in that coder's own file, not in `documents.json`.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub read_by: BTreeSet<CoderId>,
    /// Where each char of the text starts, built on first use: slicing a span out of a long
    /// transcript would otherwise walk the text from its start every time.
    #[serde(skip)]
    index: IndexCache,
}

/// A [`TextIndex`] of a document's text, made when first asked for. It remembers which text
/// it was made for, so a text swapped in later (loading sets it after the JSON) is never
/// read through an index of another.
#[derive(Default)]
struct IndexCache(OnceLock<(usize, usize, TextIndex)>);

/// A copy starts empty: copies are made to be changed or written out, and the index is
/// cheap to make again where it is needed.
impl Clone for IndexCache {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl IndexCache {
    fn get(&self, text: &Arc<str>) -> Option<&TextIndex> {
        let key = (text.as_ptr() as usize, text.len());
        let (ptr, len, index) = self.0.get_or_init(|| (key.0, key.1, TextIndex::new(text)));
        ((*ptr, *len) == key).then_some(index)
    }
}

/// Derived data: two documents are equal whatever their caches hold.
impl PartialEq for IndexCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for IndexCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.get().is_some() { "IndexCache(built)" } else { "IndexCache(empty)" })
    }
}

impl Document {
    /// A document over already-normalised text; derives length, word count and hash.
    pub fn new(id: DocId, name: impl Into<String>, kind: DocKind, text: impl Into<Arc<str>>) -> Self {
        let text: Arc<str> = text.into();
        Self {
            id,
            props: DocumentProps { name: name.into(), kind, ..Default::default() },
            char_len: text.chars().count(),
            words: count_words(&text),
            text_hash: text_hash(&text),
            text,
            source: None,
            turns: Vec::new(),
            read_by: BTreeSet::new(),
            index: IndexCache::default(),
        }
    }

    pub fn name(&self) -> &str {
        &self.props.name
    }

    /// Puts a corrected text in place of the old one, with its length, word count and hash;
    /// the char index is made again on first use. Only `Edit::ReplaceText` calls this.
    pub(crate) fn set_text(&mut self, text: Arc<str>) {
        self.char_len = text.chars().count();
        self.words = count_words(&text);
        self.text_hash = text_hash(&text);
        self.text = text;
        self.index = IndexCache::default();
    }

    pub fn kind(&self) -> DocKind {
        self.props.kind
    }

    /// The whole text as a span.
    pub fn full_span(&self) -> Span {
        Span { start: CharPos(0), end: CharPos(self.char_len) }
    }

    /// The text of a span, if it fits.
    pub fn slice(&self, span: Span) -> Option<&str> {
        let Some(index) = self.index.get(&self.text) else { return super::text::slice(&self.text, span) };
        if span.start > span.end || span.end.get() > index.char_len() {
            return None;
        }
        self.text.get(index.byte_range(&self.text, span))
    }

    /// The char ↔ byte index of the text (built once, on first use).
    pub fn text_index(&self) -> TextIndexRef<'_> {
        match self.index.get(&self.text) {
            Some(index) => TextIndexRef::Cached(index),
            None => TextIndexRef::Owned(TextIndex::new(&self.text)),
        }
    }

    /// The turn containing a position (turns are sorted and disjoint).
    pub fn turn_at(&self, pos: CharPos) -> Option<&Turn> {
        let i = self.turns.partition_point(|t| t.span.end <= pos);
        self.turns.get(i).filter(|t| t.span.contains(pos))
    }

    /// Turns that share at least one char with a span.
    pub fn turns_overlapping(&self, span: Span) -> impl Iterator<Item = &Turn> {
        let i = self.turns.partition_point(|t| t.span.end <= span.start);
        self.turns[i..].iter().take_while(move |t| t.span.start < span.end).filter(move |t| t.span.overlaps(&span))
    }

    /// The speakers as the transcript writes them, in order of their first turn, with how
    /// many turns each has and who those turns are attributed to.
    pub fn speakers(&self) -> Vec<SpeakerLabel> {
        let mut out: Vec<SpeakerLabel> = Vec::new();
        for t in &self.turns {
            let label = t.speaker.trim();
            match out.iter_mut().find(|s| s.label == label) {
                Some(s) => {
                    s.turns += 1;
                    if !s.participants.contains(&t.participant) {
                        s.participants.push(t.participant);
                    }
                }
                None => {
                    out.push(SpeakerLabel { label: label.to_string(), turns: 1, participants: vec![t.participant] })
                }
            }
        }
        out
    }

    /// This document's turns with every turn of one written speaker attributed to `who`
    /// (`None`: to nobody) — what "Speaker 1 is J3" means for an auto-transcript. `None`
    /// when no turn has that speaker or every one of them is attributed so already.
    pub fn turns_with_speaker(&self, label: &str, who: Option<ParticipantId>) -> Option<Vec<Turn>> {
        let label = label.trim();
        let mut changed = false;
        let turns = self
            .turns
            .iter()
            .map(|t| {
                let mut t = t.clone();
                if t.speaker.trim() == label && t.participant != who {
                    t.participant = who;
                    changed = true;
                }
                t
            })
            .collect();
        changed.then_some(turns)
    }
}

/// A document's [`TextIndex`]: its cached one, or one made for a text swapped in since.
pub enum TextIndexRef<'a> {
    Cached(&'a TextIndex),
    Owned(TextIndex),
}

impl std::ops::Deref for TextIndexRef<'_> {
    type Target = TextIndex;

    fn deref(&self) -> &TextIndex {
        match self {
            TextIndexRef::Cached(i) => i,
            TextIndexRef::Owned(i) => i,
        }
    }
}

/// One speaker as a document's transcript writes them (`Speaker 1`, `Kari`, `J3`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpeakerLabel {
    pub label: String,
    pub turns: usize,
    /// Who their turns are attributed to (`None` for turns attributed to nobody); more than
    /// one when the turns disagree.
    pub participants: Vec<Option<ParticipantId>>,
}

/// Words as a researcher counts them: runs of non-whitespace that contain a letter or digit.
pub fn count_words(text: &str) -> usize {
    text.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count()
}

pub fn text_hash(text: &str) -> String {
    blake3::hash(text.as_bytes()).to_hex().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn turn(a: usize, b: usize, who: &str) -> Turn {
        Turn { span: Span::new(a, b), speaker: who.into(), participant: None, start_ms: None, end_ms: None }
    }

    #[test]
    fn turn_lookup() {
        let mut d = Document::new(DocId::from_u128(1), "d", DocKind::Interview, "I: hi\nJ1: hello there\n");
        d.turns = vec![turn(0, 6, "I"), turn(6, 22, "J1")];
        assert_eq!(d.turn_at(CharPos(3)).map(|t| t.speaker.as_str()), Some("I"));
        assert_eq!(d.turn_at(CharPos(6)).map(|t| t.speaker.as_str()), Some("J1"));
        assert!(d.turn_at(CharPos(22)).is_none());
        let who: Vec<_> = d.turns_overlapping(Span::new(4, 8)).map(|t| t.speaker.clone()).collect();
        assert_eq!(who, ["I", "J1"]);
        assert_eq!(d.words, 5);
    }

    #[test]
    fn speakers_and_attributing_all_turns_of_one() {
        let mut d = Document::new(DocId::from_u128(1), "d", DocKind::Interview, "S1: a\nS2: b\nS1: c\n");
        d.turns = vec![turn(0, 6, "Speaker 1"), turn(6, 12, "Speaker 2"), turn(12, 18, " Speaker 1")];
        let j3 = ParticipantId::from_u128(3);
        d.turns[1].participant = Some(j3);
        let s = d.speakers();
        assert_eq!(s.len(), 2);
        assert_eq!((s[0].label.as_str(), s[0].turns, s[0].participants.clone()), ("Speaker 1", 2, vec![None]));
        assert_eq!(s[1].participants, [Some(j3)]);
        let turns = d.turns_with_speaker("Speaker 1", Some(j3)).unwrap_or_default();
        assert_eq!(turns.iter().filter(|t| t.participant == Some(j3)).count(), 3);
        assert_eq!(turns[0].span, d.turns[0].span, "only the attribution changes");
        assert!(d.turns_with_speaker("Speaker 2", Some(j3)).is_none(), "already so");
        assert!(d.turns_with_speaker("Speaker 9", None).is_none(), "no such speaker");
    }

    proptest::proptest! {
        /// Slicing through the cached index gives what walking the text gives, for every
        /// span, in and out of range, on text with multi-byte chars.
        #[test]
        fn slices_through_the_index_match_walking_the_text(
            text in "[a-zæøå😀 \n]{0,200}",
            a in 0usize..220,
            b in 0usize..220,
        ) {
            let d = Document::new(DocId::from_u128(1), "d", DocKind::Interview, text.as_str());
            let span = Span { start: CharPos(a), end: CharPos(b) };
            proptest::prop_assert_eq!(d.slice(span), crate::model::text::slice(&text, span));
            proptest::prop_assert_eq!(d.slice(span), crate::model::text::slice(&text, span), "again, from the cache");
            // A text swapped in after the index was made is not read through it.
            let mut e = d.clone();
            let _ = e.slice(span);
            e.text = Arc::from(format!("ø{text}"));
            let swapped = format!("ø{text}");
            proptest::prop_assert_eq!(e.slice(span), crate::model::text::slice(&swapped, span));
        }
    }

    #[test]
    fn words_ignore_punctuation_runs() {
        assert_eq!(count_words("Ja – det er «riktig» ... 😀 ok"), 5);
    }
}
