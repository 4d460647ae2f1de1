//! Who speaks in a span, and so which participants a coded extract (or a quote) counts for.
//!
//! [`Attributor`] holds the one rule, used by every count and by quotes' labels: an extract
//! counts for the participant of every speaker turn whose speech it shares a word with, so a
//! passage that runs across a focus-group exchange counts for each speaker in it. Interviewers
//! and moderators (`Participant.props.interviewer`) speak but are left out of every count.
//! Words that no participant speaks — field notes, which have no turns, a turn whose speaker
//! was never mapped, a heading before the first turn — make the extract (also) unattributed.
//!
//! [`AttributionIndex`] holds the attribution of every coding, grouped by document in text
//! order, and recomputes only the documents whose revision changed: the tables and the
//! co-occurrence view read it instead of walking turns again. [`AttributionIndex::extracts`]
//! turns a document's codings into extracts for a coder scope (see [`super::scope`]).

use super::perdoc::PerDoc;
use super::scope::{CoderScope, Piece, merge};
use crate::model::*;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

/// Who speaks in an extract.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize)]
pub struct Attribution {
    /// Participants of the turns the extract overlaps, in text order, each once. Interviewers
    /// are included here; [`Attribution::counted`] leaves them out.
    pub speakers: Vec<ParticipantId>,
    /// Some of the extract lies in text that no participant speaks: a turn without a
    /// participant, or non-blank text outside every turn.
    pub unattributed: bool,
}

impl Attribution {
    /// The participants the extract counts for: its speakers less interviewers (and less any
    /// participant that no longer exists).
    pub fn counted<'a>(&'a self, project: &'a Project) -> impl Iterator<Item = &'a Participant> + 'a {
        self.speakers.iter().filter_map(|id| project.participants.get(id)).filter(|p| is_counted(p))
    }

    /// True when the extract counts for no participant and is not unattributed either: only
    /// interviewers speak in it.
    pub fn interviewer_only(&self, project: &Project) -> bool {
        !self.unattributed && self.counted(project).next().is_none()
    }

    /// The speakers a quote's label names: interviewers only when no one else speaks.
    pub fn label_speakers(&self, project: &Project) -> Vec<ParticipantId> {
        let is_interviewer = |id: &ParticipantId| project.participants.get(id).is_some_and(|x| !is_counted(x));
        if self.speakers.iter().all(is_interviewer) {
            return self.speakers.clone();
        }
        self.speakers.iter().copied().filter(|id| !is_interviewer(id)).collect()
    }
}

/// Whether a participant counts in analyses (interviewers and moderators do not).
pub fn is_counted(p: &Participant) -> bool {
    !p.props.interviewer
}

/// The part of a turn that is speech: after the speaker's name as the transcript writes it
/// (`Sofie: `), so a span that only reaches into the next turn's label is not that speaker's.
pub fn speech_span(doc: &Document, turn: &Turn) -> Span {
    let Some(text) = doc.slice(turn.span) else { return turn.span };
    let speaker = turn.speaker.trim();
    let Some(rest) = text.strip_prefix(speaker).filter(|_| !speaker.is_empty()) else { return turn.span };
    let after = rest.trim_start_matches([':', ' ', '\t']);
    let label_bytes = text.len() - after.len();
    let label = text.get(..label_bytes).map_or(0, |l| l.chars().count());
    Span { start: CharPos(turn.span.start.get() + label), end: turn.span.end }
}

/// Says who speaks in spans of one document: **the one rule** for coded extracts, quotes
/// and every count.
///
/// - A participant speaks in a span when it shares something said (a letter, digit or symbol
///   such as an emoji: [`is_said`]) with the speech of one of their turns; the speaker's name
///   at the start of a turn (`Sofie: `) is not speech, and neither are spaces or punctuation.
/// - Something said outside every turn, or in a turn no participant is known for, make the
///   span (also) unattributed; so does a span in which no one says any word at all.
pub struct Attributor<'a> {
    doc: &'a Document,
}

impl<'a> Attributor<'a> {
    pub fn new(doc: &'a Document) -> Self {
        Self { doc }
    }

    /// Who speaks in `span` of the document.
    pub fn attribute(&mut self, span: Span) -> Attribution {
        self.attribute_all(&[span])
    }

    /// Who speaks in these spans of the document taken together (a quote's kept text).
    pub fn attribute_all(&mut self, spans: &[Span]) -> Attribution {
        let doc = self.doc;
        let mut out = Attribution::default();
        for &span in spans.iter().filter(|s| !s.is_empty()) {
            let mut covered = span.start;
            for turn in doc.turns_overlapping(span) {
                if turn.span.start > covered && !out.unattributed {
                    out.unattributed = self.has_words(Span { start: covered, end: turn.span.start });
                }
                covered = covered.max(turn.span.end);
                let speech = speech_span(doc, turn);
                let shared = Span { start: span.start.max(speech.start), end: span.end.min(speech.end) };
                match turn.participant {
                    Some(p) if !out.speakers.contains(&p) && self.has_words(shared) => out.speakers.push(p),
                    Some(_) => {}
                    None => out.unattributed = out.unattributed || self.has_words(shared),
                }
            }
            if covered < span.end && !out.unattributed {
                out.unattributed = self.has_words(Span { start: covered, end: span.end });
            }
        }
        if out.speakers.is_empty() {
            out.unattributed = true;
        }
        out
    }

    /// Whether a stretch of the text holds something said (see [`is_said`]).
    fn has_words(&self, span: Span) -> bool {
        !span.is_empty() && self.doc.slice(span).is_some_and(|s| s.chars().any(is_said))
    }
}

/// Whether a character is something said: a letter, a digit or a symbol such as an emoji
/// (a transcribed laugh 😀 is speech) — not white space or punctuation.
pub fn is_said(c: char) -> bool {
    c.is_alphanumeric()
        || !(c.is_whitespace()
            || c.is_ascii_punctuation()
            || ('\u{2000}'..='\u{206F}').contains(&c)
            || matches!(c, '«' | '»' | '¡' | '¿' | '·' | '\u{3001}' | '\u{3002}'))
}

/// A coding with its attribution.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AttributedCoding {
    pub id: CodingId,
    pub code: CodeId,
    pub coder: CoderId,
    pub span: Span,
    pub attribution: Attribution,
}

/// An extract (one or more codings of one code, merged by [`super::scope::merge`]) with its
/// attribution: what every count counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AttributedExtract {
    /// The extract's id: its first coding's.
    pub id: CodingId,
    pub code: CodeId,
    /// The union of its codings' spans.
    pub span: Span,
    pub codings: Vec<CodingId>,
    pub coders: Vec<CoderId>,
    pub attribution: Attribution,
}

#[derive(Clone, Debug, Default)]
struct DocEntry {
    /// In text order: by start, then end, then id.
    codings: Vec<AttributedCoding>,
    /// Participants who speak in the document (interviewers included), in order of first turn.
    speakers: Vec<ParticipantId>,
    /// The extracts of every coder's codings, merged when the document is (re)attributed and
    /// kept until it changes (the entry is then made anew): one merge per edit.
    all: OnceLock<Vec<AttributedExtract>>,
    /// Each coder's own extracts, likewise ("only me" and one chosen coder).
    by_coder: OnceLock<HashMap<CoderId, Vec<AttributedExtract>>>,
}

/// The attribution of every coding, per document, kept up to date by revision: the first
/// user of [`PerDoc`], recomputing only documents whose revision changed.
#[derive(Clone, Debug, Default)]
pub struct AttributionIndex {
    docs: PerDoc<(), DocEntry>,
}

impl AttributionIndex {
    /// The index of a project, computed from scratch.
    pub fn build(project: &Project) -> Self {
        let mut index = Self::default();
        index.refresh(project);
        index
    }

    /// Brings the index up to date, recomputing only documents whose revision changed.
    /// Returns how many documents were recomputed. An index belongs to one open project:
    /// revisions restart when a project is loaded, so make a new index for another one.
    pub fn refresh(&mut self, project: &Project) -> usize {
        self.docs.refresh(project, (), |doc| entry(project, doc), |_, _, _| {}).computed
    }

    /// How many codings the next [`AttributionIndex::refresh`] would attribute again.
    pub fn stale_codings(&self, project: &Project) -> usize {
        self.docs.stale_by(project, &(), |doc| project.coding_count_of_doc(doc))
    }

    /// A document's codings with their attributions, in text order.
    pub fn codings(&self, doc: DocId) -> &[AttributedCoding] {
        self.docs.get(doc).map(|e| e.codings.as_slice()).unwrap_or_default()
    }

    /// A document's extracts for a coder scope, in text order, with their attributions.
    pub fn extracts(&self, project: &Project, doc: DocId, scope: &CoderScope) -> Vec<AttributedExtract> {
        self.extracts_ref(project, doc, scope).into_owned()
    }

    /// A document's extracts for a coder scope, borrowed where they are kept: every coder's
    /// (also for a scope that holds every coder of the document) and each single coder's are
    /// merged once per change of the document; other scopes are merged on each call. The same
    /// extracts as [`merge`] of the document's codings with each attributed by [`Attributor`]
    /// (tested on random codings).
    pub fn extracts_ref(&self, project: &Project, doc: DocId, scope: &CoderScope) -> Cow<'_, [AttributedExtract]> {
        let Some(entry) = self.docs.get(doc) else { return Cow::Borrowed(&[]) };
        let everyone = match scope {
            CoderScope::All => true,
            CoderScope::Coders(set) => entry.codings.iter().all(|c| set.contains(&c.coder)),
        };
        if everyone {
            return Cow::Borrowed(entry.all.get_or_init(|| merged(project, doc, &entry.codings, &CoderScope::All)));
        }
        if let CoderScope::Coders(set) = scope
            && let [coder] = set.iter().collect::<Vec<_>>().as_slice()
        {
            let by_coder = entry.by_coder.get_or_init(|| by_coder(project, doc, entry));
            return Cow::Borrowed(by_coder.get(*coder).map(Vec::as_slice).unwrap_or_default());
        }
        Cow::Owned(merged(project, doc, &entry.codings, scope))
    }

    /// Participants who speak in a document, interviewers included.
    pub fn speakers(&self, doc: DocId) -> &[ParticipantId] {
        self.docs.get(doc).map(|e| e.speakers.as_slice()).unwrap_or_default()
    }

    /// The attribution of one coding.
    pub fn of(&self, project: &Project, coding: CodingId) -> Option<&Attribution> {
        let c = project.codings.get(&coding)?;
        let list = self.codings(c.doc);
        let i = list.partition_point(|a| (a.span.start, a.span.end, a.id) < (c.span.start, c.span.end, c.id));
        list.get(i).filter(|a| a.id == coding).map(|a| &a.attribution)
    }
}

/// A document's entry: its codings attributed in text order, its speakers, and every coder's
/// extracts merged now, while the document is at hand (every count of the default scope reads
/// them; each coder's own are merged on first use).
fn entry(project: &Project, doc: &Document) -> DocEntry {
    let mut attributor = Attributor::new(doc);
    let codings = project
        .codings_in(doc.id)
        .into_iter()
        .map(|c| AttributedCoding {
            id: c.id,
            code: c.code,
            coder: c.coder,
            span: c.span,
            attribution: attributor.attribute(c.span),
        })
        .collect();
    let mut speakers: Vec<ParticipantId> = Vec::new();
    for p in doc.turns.iter().filter_map(|t| t.participant) {
        if !speakers.contains(&p) {
            speakers.push(p);
        }
    }
    let entry = DocEntry { codings, speakers, ..Default::default() };
    entry.all.get_or_init(|| merged(project, doc.id, &entry.codings, &CoderScope::All));
    entry
}

/// Each coder's own extracts of a document.
fn by_coder(project: &Project, doc: DocId, entry: &DocEntry) -> HashMap<CoderId, Vec<AttributedExtract>> {
    let codings = &entry.codings;
    let mut coders: Vec<CoderId> = codings.iter().map(|c| c.coder).collect();
    coders.sort_unstable();
    coders.dedup();
    if let [only] = coders.as_slice()
        && let Some(all) = entry.all.get()
    {
        // One coder in the document: their extracts are everyone's.
        return HashMap::from([(*only, all.clone())]);
    }
    coders.into_iter().map(|c| (c, merged(project, doc, codings, &CoderScope::only(c)))).collect()
}

/// A document's codings (in text order, with their attributions) merged into extracts for a
/// scope: a one-coding extract keeps its coding's attribution, a merged one is attributed anew.
fn merged(project: &Project, doc: DocId, codings: &[AttributedCoding], scope: &CoderScope) -> Vec<AttributedExtract> {
    let pieces = codings.iter().map(|c| Piece { id: c.id, code: c.code, coder: c.coder, span: c.span });
    let merged = merge(pieces, scope);
    let mut attributor = project.documents.get(&doc).map(Attributor::new);
    merged
        .into_iter()
        .map(|m| {
            let own = match m.codings.as_slice() {
                [one] => codings
                    .get(
                        codings
                            .partition_point(|a| (a.span.start, a.span.end, a.id) < (m.span.start, m.span.end, *one)),
                    )
                    .filter(|a| a.id == *one)
                    .map(|a| a.attribution.clone()),
                _ => None,
            };
            let attribution = own.or_else(|| attributor.as_mut().map(|a| a.attribute(m.span))).unwrap_or_default();
            AttributedExtract {
                id: m.id,
                code: m.code,
                span: m.span,
                codings: m.codings,
                coders: m.coders,
                attribution,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const J1: ParticipantId = ParticipantId::from_u128(1);
    const MOD: ParticipantId = ParticipantId::from_u128(2);
    const T2: ParticipantId = ParticipantId::from_u128(3);

    fn turn(a: usize, b: usize, who: Option<ParticipantId>) -> Turn {
        Turn { span: Span::new(a, b), speaker: String::new(), participant: who, start_ms: None, end_ms: None }
    }

    /// A heading with no speaker, then four turns (one unmapped) and a blank line before the last.
    fn doc() -> Document {
        let text = "Møte 😀\nM: Hei?\nJ1: Jeg følte meg sett.\nX: Hm.\n   \nT2: Å ja.\n";
        let mut d = Document::new(DocId::from_u128(9), "FG", DocKind::FocusGroup, text);
        let at = |s: &str| text.find(s).map(|b| text[..b].chars().count()).unwrap_or(0);
        let (m, j, x, gap, t) = (at("M:"), at("J1:"), at("X:"), at("   "), at("T2:"));
        d.turns = vec![turn(m, j, Some(MOD)), turn(j, x, Some(J1)), turn(x, gap, None), turn(t, d.char_len, Some(T2))];
        d
    }

    #[test]
    fn spans_count_for_each_speaker_they_overlap() {
        let d = doc();
        let mut a = Attributor::new(&d);
        let j = d.turns[1].span;
        // Inside one turn.
        assert_eq!(a.attribute(Span::new(j.start.get() + 4, j.end.get() - 2)).speakers, [J1]);
        // Across the moderator's question and J1's answer: both listed, in text order.
        let across = a.attribute(Span::new(d.turns[0].span.start.get() + 3, j.start.get() + 6));
        assert_eq!(across, Attribution { speakers: vec![MOD, J1], unattributed: false });
        // Into the unmapped speaker's turn: unattributed as well.
        let into_x = a.attribute(Span::new(j.end.get() - 3, d.turns[2].span.start.get() + 2));
        assert_eq!(into_x, Attribution { speakers: vec![J1], unattributed: true });
    }

    #[test]
    fn blank_gaps_do_not_make_an_extract_unattributed_but_words_do() {
        let d = doc();
        let mut a = Attributor::new(&d);
        // From the end of X's turn over the blank line into T2's turn: the blank line is no one's
        // talk, X's turn is unattributed.
        let x_end = d.turns[2].span.end.get();
        // ("m.\n": X's last word, so X's unmapped turn counts; its newline alone would not.)
        let over_blank = a.attribute(Span::new(x_end - 3, d.turns[3].span.start.get() + 3));
        assert_eq!(over_blank, Attribution { speakers: vec![T2], unattributed: true });
        let only_blank_then_t2 = a.attribute(Span::new(x_end + 1, d.turns[3].span.start.get() + 3));
        assert_eq!(only_blank_then_t2, Attribution { speakers: vec![T2], unattributed: false });
        // The heading (with ø and an emoji) before the first turn is text no one speaks.
        let heading = a.attribute(Span::new(0, d.turns[0].span.start.get() + 2));
        assert_eq!(heading, Attribution { speakers: vec![MOD], unattributed: true });
    }

    #[test]
    fn documents_without_turns_are_unattributed() {
        let d = Document::new(DocId::from_u128(5), "Notes", DocKind::FieldNotes, "Observerte møtet.");
        let got = Attributor::new(&d).attribute(Span::new(0, 5));
        assert_eq!(got, Attribution { speakers: vec![], unattributed: true });
    }

    /// Every extract of a document by the plain rule: merge the codings in scope, attribute
    /// each extract's span from scratch.
    fn plain(p: &Project, doc: DocId, scope: &CoderScope) -> Vec<AttributedExtract> {
        let pieces = p.codings.values().filter(|c| c.doc == doc).map(Piece::from);
        let Some(d) = p.documents.get(&doc) else { return Vec::new() };
        merge(pieces, scope)
            .into_iter()
            .map(|m| AttributedExtract {
                id: m.id,
                code: m.code,
                span: m.span,
                attribution: Attributor::new(d).attribute(m.span),
                codings: m.codings,
                coders: m.coders,
            })
            .collect()
    }

    proptest::proptest! {
        /// The index keeps every coder's and each coder's extracts merged, per document, and
        /// refreshes them when the document changes: they must be what a plain merge gives,
        /// for every scope, before and after an edit.
        #[test]
        fn kept_extracts_are_the_plain_merge(
            codings in proptest::collection::vec((0u128..3, 0u128..3, 0usize..55, 1usize..20), 0..40),
            extra in (0u128..3, 0u128..3, 0usize..55, 1usize..20),
        ) {
            use crate::edit::Edit;
            let mut p = Project::new("x");
            let d = doc();
            let id = d.id;
            let mut edits: Vec<Edit> = [(MOD, "M"), (J1, "J1"), (T2, "T2")]
                .into_iter()
                .map(|(x, label)| Edit::AddParticipant { participant: Participant::new(x, label, "G"), index: None })
                .collect();
            edits.push(Edit::AddDocument { document: Box::new(d), index: None });
            for k in 0..3u128 {
                let coder = Coder { id: CoderId::from_u128(k), name: format!("C{k}"), colour: Colour::default(), slug: format!("c{k}") };
                edits.push(Edit::AddCoder { coder, index: None });
                edits.push(Edit::CreateCode { code: Code::new(CodeId::from_u128(k), format!("K{k}"), Colour::default()), index: None });
            }
            proptest::prop_assert!(p.apply(Edit::batch("setup", edits)).is_ok());
            let len = p.documents.get(&id).map_or(0, |d| d.char_len);
            let add = |p: &mut Project, n: u128, (coder, code, start, size): (u128, u128, usize, usize)| {
                let start = start.min(len - 1);
                let coding = Coding {
                    id: CodingId::from_u128(100 + n),
                    doc: id,
                    span: Span::new(start, (start + size).min(len)),
                    code: CodeId::from_u128(code),
                    coder: CoderId::from_u128(coder),
                    created: chrono::DateTime::from_timestamp(0, 0).unwrap_or_default(),
                    comment: String::new(),
                };
                // The same coding twice is refused; that is fine here.
                let _ = p.apply(Edit::AddCoding { coding });
            };
            for (n, c) in codings.into_iter().enumerate() {
                add(&mut p, n as u128, c);
            }
            let scopes = [
                CoderScope::All,
                CoderScope::only(CoderId::from_u128(0)),
                CoderScope::only(CoderId::from_u128(2)),
                CoderScope::of([CoderId::from_u128(0), CoderId::from_u128(1)]),
                CoderScope::of((0..3).map(CoderId::from_u128)),
            ];
            let mut index = AttributionIndex::build(&p);
            for scope in &scopes {
                proptest::prop_assert_eq!(index.extracts_ref(&p, id, scope).to_vec(), plain(&p, id, scope));
            }
            add(&mut p, 999, extra);
            index.refresh(&p);
            for scope in &scopes {
                proptest::prop_assert_eq!(index.extracts(&p, id, scope), plain(&p, id, scope));
            }
        }
    }

    #[test]
    fn interviewers_are_not_counted() {
        let mut p = Project::new("x");
        let mut m = Participant::new(MOD, "Moderator", "");
        m.props.interviewer = true;
        p.participants.insert(MOD, m);
        p.participants.insert(J1, Participant::new(J1, "J1", "Jobseeker"));
        let both = Attribution { speakers: vec![MOD, J1], unattributed: false };
        let labels: Vec<&str> = both.counted(&p).map(|x| x.label()).collect();
        assert_eq!(labels, ["J1"]);
        assert!(!both.interviewer_only(&p));
        assert!(Attribution { speakers: vec![MOD], unattributed: false }.interviewer_only(&p));
        assert!(!Attribution { speakers: vec![MOD], unattributed: true }.interviewer_only(&p));
    }
}
