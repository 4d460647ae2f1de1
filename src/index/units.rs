//! Cutting a document into index units: its speaker turns, and paragraphs for any text
//! outside turns (field notes, a title above the first turn).
//!
//! A turn's unit leaves out the speaker label it starts with (`J1: `), so that searching
//! for "J1" finds what was said about J1 rather than every turn J1 spoke, and so that
//! coding a whole turn codes what was said. Units are trimmed of surrounding white space.

use crate::model::{Document, Named, Participant, ParticipantId, Project, Span};
use std::collections::HashMap;
use std::ops::Range;

/// Paragraph blocks (text between blank lines) longer than this many chars are cut at
/// their line breaks: a Word file often has no blank lines at all, one paragraph per line.
const LONG_BLOCK_CHARS: usize = 2_000;

/// One indexed stretch of a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unit {
    /// Chars of the document's text.
    pub span: Span,
    /// The same stretch in bytes.
    pub bytes: Range<usize>,
    /// The speaker turn it is (or is in), `None` for paragraphs outside turns.
    pub turn: Option<usize>,
}

/// The units of a document, in text order.
pub fn units(doc: &Document) -> Vec<Unit> {
    let text: &str = &doc.text;
    let index = doc.text_index();
    let mut out = Vec::new();
    let mut push = |bytes: Range<usize>, turn: Option<usize>| {
        let Some(bytes) = trim(text, bytes) else { return };
        let span = Span { start: index.char_of(text, bytes.start), end: index.char_of(text, bytes.end) };
        out.push(Unit { span, bytes, turn });
    };
    let mut covered = 0; // bytes before this are handled
    for (i, turn) in doc.turns.iter().enumerate() {
        let range = index.byte_range(text, turn.span);
        if range.start > covered {
            for p in paragraphs(text, covered..range.start) {
                push(p, None);
            }
        }
        let body = skip_label(text, range.clone(), &turn.speaker);
        push(body, Some(i));
        covered = covered.max(range.end);
    }
    if covered < text.len() {
        for p in paragraphs(text, covered..text.len()) {
            push(p, None);
        }
    }
    out
}

/// Narrows a byte range to its non-white-space part; `None` if nothing is left.
fn trim(text: &str, bytes: Range<usize>) -> Option<Range<usize>> {
    let s = &text[bytes.clone()];
    let start = bytes.start + (s.len() - s.trim_start().len());
    let end = bytes.end - (s.len() - s.trim_end().len());
    (start < end).then_some(start..end)
}

/// The part of a turn after its speaker label: `J1: `, `[J1]: `, `**Kari:** `, `J1<TAB>`.
/// A turn whose text does not start with its label (a WebVTT voice tag, say) is kept whole.
fn skip_label(text: &str, turn: Range<usize>, speaker: &str) -> Range<usize> {
    let s = &text[turn.clone()];
    let lead = s.len() - s.trim_start().len();
    let rest = s[lead..].trim_start_matches(['[', '(', '<', '*']);
    let speaker = speaker.trim();
    if speaker.is_empty() || rest.len() < speaker.len() || !rest.is_char_boundary(speaker.len()) {
        return turn;
    }
    if !rest[..speaker.len()].eq_ignore_ascii_case(speaker) && rest[..speaker.len()] != *speaker {
        return turn;
    }
    let after = rest[speaker.len()..].trim_start_matches([']', ')', '>', '*', ' ']);
    let body = if let Some(b) = after.strip_prefix(':') {
        b.trim_start_matches('*')
    } else if let Some(b) = after.strip_prefix('\t') {
        b
    } else {
        return turn;
    };
    turn.end - body.len()..turn.end
}

/// Paragraphs of a stretch of text outside turns: blocks separated by blank lines, and
/// long blocks cut at each line break.
fn paragraphs(text: &str, range: Range<usize>) -> Vec<Range<usize>> {
    let mut blocks = Vec::new();
    let mut block_start = range.start;
    let mut pos = range.start;
    for line in text[range.clone()].split_inclusive('\n') {
        if line.trim().is_empty() {
            if pos > block_start {
                blocks.push(block_start..pos);
            }
            block_start = pos + line.len();
        }
        pos += line.len();
    }
    if range.end > block_start {
        blocks.push(block_start..range.end);
    }
    let mut out = Vec::with_capacity(blocks.len());
    for b in blocks {
        let s = &text[b.clone()];
        if s.len() > LONG_BLOCK_CHARS && s.chars().nth(LONG_BLOCK_CHARS).is_some() && s.contains('\n') {
            let mut p = b.start;
            for line in s.split_inclusive('\n') {
                out.push(p..p + line.len());
                p += line.len();
            }
        } else {
            out.push(b);
        }
    }
    out
}

/// What a document's index entries depend on: its text, name, kind and metadata, its turns,
/// and the participants those turns name. When this changes, the document is indexed again.
/// Each participant is hashed once, not once per turn.
pub struct Fingerprinter {
    participants: HashMap<ParticipantId, [u8; 32]>,
}

impl Fingerprinter {
    pub fn new(project: &Project) -> Self {
        let participants = project
            .participants
            .values()
            .map(|p| {
                let mut h = blake3::Hasher::new();
                participant_fields(&mut h, p);
                (p.id, *h.finalize().as_bytes())
            })
            .collect();
        Fingerprinter { participants }
    }

    pub fn of(&self, doc: &Document) -> String {
        let mut h = blake3::Hasher::new();
        field(&mut h, &doc.text_hash);
        field(&mut h, doc.name());
        field(&mut h, doc.kind().slug());
        // Stemming follows the document's language (left out when it follows the project's,
        // so indexes made before documents had a language stay current).
        if let Some(l) = doc.props.language {
            field(&mut h, l.slug());
        }
        for set in &doc.props.sets {
            field(&mut h, "set");
            field(&mut h, set);
        }
        h.update(&(doc.props.metadata.len() as u64).to_le_bytes());
        for (k, v) in &doc.props.metadata {
            field(&mut h, k);
            field(&mut h, v);
        }
        h.update(&(doc.turns.len() as u64).to_le_bytes());
        for t in &doc.turns {
            h.update(&(t.span.start.get() as u64).to_le_bytes());
            h.update(&(t.span.end.get() as u64).to_le_bytes());
            field(&mut h, &t.speaker);
            match t.participant.and_then(|p| self.participants.get(&p)) {
                Some(digest) => h.update(digest),
                None => h.update(&[0u8; 32]),
            };
        }
        h.finalize().to_hex().to_string()
    }
}

/// A length-prefixed string, so that no two sequences of fields hash alike.
fn field(h: &mut blake3::Hasher, s: &str) {
    h.update(&(s.len() as u64).to_le_bytes());
    h.update(s.as_bytes());
}

fn participant_fields(h: &mut blake3::Hasher, p: &Participant) {
    h.update(p.id.0.as_bytes());
    field(h, p.label());
    field(h, p.group());
    h.update(&(p.props.aliases.len() as u64).to_le_bytes());
    for a in &p.props.aliases {
        field(h, a);
    }
    h.update(&(p.props.attributes.len() as u64).to_le_bytes());
    for (k, v) in &p.props.attributes {
        field(h, k);
        field(h, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DocId, DocKind, Turn};

    fn turn(a: usize, b: usize, who: &str) -> Turn {
        Turn { span: Span::new(a, b), speaker: who.into(), participant: None, start_ms: None, end_ms: None }
    }

    fn texts(doc: &Document) -> Vec<(String, Option<usize>)> {
        units(doc).iter().map(|u| (doc.slice(u.span).unwrap_or("?").to_string(), u.turn)).collect()
    }

    #[test]
    fn turns_lose_their_labels_and_gaps_become_paragraphs() {
        let text = "Intervju J4 – Sørvik\n\nIntervjuer: Hvordan gikk møtet?\nJ4: Det gikk bra 😀.\n\nSlutt.";
        let mut d = Document::new(DocId::from_u128(1), "J4", DocKind::Interview, text);
        let t1 = text[..text.find("Intervjuer").unwrap_or(0)].chars().count();
        let t2 = text[..text.find("J4:").unwrap_or(0)].chars().count();
        let t3 = text[..text.find("Slutt").unwrap_or(0)].chars().count();
        d.turns = vec![turn(t1, t2, "Intervjuer"), turn(t2, t3, "J4")];
        assert_eq!(
            texts(&d),
            [
                ("Intervju J4 – Sørvik".to_string(), None),
                ("Hvordan gikk møtet?".to_string(), Some(0)),
                ("Det gikk bra 😀.".to_string(), Some(1)),
                ("Slutt.".to_string(), None),
            ]
        );
        for u in units(&d) {
            assert_eq!(&d.text[u.bytes.clone()], d.slice(u.span).unwrap_or("?"));
        }
    }

    #[test]
    fn labels_in_other_shapes() {
        for (text, speaker, body) in [
            ("[J1]: hello", "J1", "hello"),
            ("**Kari:** ja", "Kari", "ja"),
            ("J1\tTab separated", "J1", "Tab separated"),
            ("i think so", "I", "i think so"),
            ("Interviewer said: no", "Interviewer", "Interviewer said: no"),
        ] {
            let mut d = Document::new(DocId::from_u128(2), "d", DocKind::Interview, text);
            d.turns = vec![turn(0, text.chars().count(), speaker)];
            assert_eq!(texts(&d), [(body.to_string(), Some(0))], "{text:?}");
        }
    }

    #[test]
    fn long_blocks_split_at_line_breaks() {
        let line = "word ".repeat(100);
        let text = format!("{line}\n{line}\n{line}\n{line}\n{line}\n\nshort one\nstill short");
        let d = Document::new(DocId::from_u128(3), "n", DocKind::FieldNotes, text);
        let t = texts(&d);
        assert_eq!(t.len(), 6);
        assert_eq!(t[5].0, "short one\nstill short");
    }
}
