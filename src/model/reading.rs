//! Reading a document unit by unit, for the keyboard and screen readers: its speaker turns
//! (or its lines, when it has no turns) and its sentences, as char spans without speaker
//! labels or surrounding white space. The app moves the selection along these (Alt+arrows),
//! so a passage can be chosen and coded without a mouse.

use super::{CharPos, Document, Span};
use unicode_segmentation::UnicodeSegmentation;

/// The chars of `text` as a vector, for slicing by char offset.
fn chars(text: &str) -> Vec<char> {
    text.chars().collect()
}

/// `span` without white space at either end (empty spans stay where they are).
fn trim(chars: &[char], span: Span) -> Span {
    let (mut a, mut b) = (span.start.get(), span.end.get().min(chars.len()));
    while a < b && chars[a].is_whitespace() {
        a += 1;
    }
    while b > a && chars[b - 1].is_whitespace() {
        b -= 1;
    }
    Span::new(a, b)
}

/// Where the words of a turn begin: after `Speaker:` when the turn starts with its label.
fn after_label(chars: &[char], start: usize, speaker: &str) -> usize {
    let label: Vec<char> = speaker.chars().collect();
    let end = start + label.len();
    if !label.is_empty() && chars.get(start..end) == Some(&label[..]) && chars.get(end) == Some(&':') {
        end + 1
    } else {
        start
    }
}

/// The words of each speaker turn, in order; each non-blank line when there are no turns.
pub fn turn_spans(doc: &Document) -> Vec<Span> {
    let chars = chars(&doc.text);
    let spans: Vec<Span> = if doc.turns.is_empty() {
        let mut out = Vec::new();
        let mut start = 0;
        for (i, c) in chars.iter().enumerate() {
            if *c == '\n' {
                out.push(Span::new(start, i));
                start = i + 1;
            }
        }
        out.push(Span::new(start, chars.len()));
        out
    } else {
        doc.turns
            .iter()
            .map(|t| Span::new(after_label(&chars, t.span.start.get(), &t.speaker), t.span.end.get()))
            .collect()
    };
    spans.into_iter().map(|s| trim(&chars, s)).filter(|s| !s.is_empty()).collect()
}

/// The sentences of a document (Unicode sentence boundaries, which also break at line
/// ends), without speaker labels.
pub fn sentence_spans(doc: &Document) -> Vec<Span> {
    let chars = chars(&doc.text);
    let mut out = Vec::new();
    let mut pos = 0;
    let mut turns = doc.turns.iter().peekable();
    for sentence in doc.text.split_sentence_bounds() {
        let n = sentence.chars().count();
        let mut start = pos;
        while let Some(t) = turns.peek() {
            if t.span.start.get() >= pos + n {
                break;
            }
            if t.span.start.get() >= pos {
                start = start.max(after_label(&chars, t.span.start.get(), &t.speaker));
            }
            turns.next();
        }
        let span = trim(&chars, Span::new(start.min(pos + n), pos + n));
        if !span.is_empty() {
            out.push(span);
        }
        pos += n;
    }
    out
}

/// The unit after (`forward`) or before the current selection: after it, the first unit
/// that starts at or after the selection's start and is not the selection itself (so a
/// selected turn steps into its first sentence); before it, the last that starts earlier.
/// With nothing selected, the first (or last) unit.
pub fn step(units: &[Span], current: Option<Span>, forward: bool) -> Option<Span> {
    let Some(cur) = current else {
        return if forward { units.first() } else { units.last() }.copied();
    };
    if forward {
        units.iter().find(|u| u.start >= cur.start && **u != cur).copied()
    } else {
        units.iter().rev().find(|u| u.start < cur.start).copied()
    }
}

/// The selection grown to the end of the next unit that ends after it.
pub fn extend(units: &[Span], current: Span) -> Option<Span> {
    units.iter().find(|u| u.end > current.end).map(|u| Span { start: current.start, end: u.end })
}

/// The unit that holds a position (for a caret placed by a click), if any.
pub fn unit_at(units: &[Span], pos: CharPos) -> Option<Span> {
    units.iter().find(|u| u.start <= pos && pos < u.end).copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DocId, DocKind, Turn};

    fn doc(text: &str, speakers: &[&str]) -> Document {
        let mut d = Document::new(DocId::from_u128(1), "J1", DocKind::Interview, text);
        let mut pos = 0;
        for (line, speaker) in text.split_inclusive('\n').zip(speakers) {
            let n = line.chars().count();
            d.turns.push(Turn {
                span: Span::new(pos, pos + n),
                speaker: speaker.to_string(),
                participant: None,
                start_ms: None,
                end_ms: None,
            });
            pos += n;
        }
        d
    }

    fn texts(d: &Document, spans: &[Span]) -> Vec<String> {
        spans.iter().map(|s| crate::model::text::slice(&d.text, *s).unwrap_or_default().to_string()).collect()
    }

    #[test]
    fn turns_and_sentences_without_speaker_labels() {
        // Æ, ø and an emoji before the spans: offsets are chars, not bytes.
        let d =
            doc("Intervjuer: Hvordan gikk møtet? Fortell.\nJ1: Det gikk bra 😀. Så kom NAV!\n", &["Intervjuer", "J1"]);
        assert_eq!(texts(&d, &turn_spans(&d)), ["Hvordan gikk møtet? Fortell.", "Det gikk bra 😀. Så kom NAV!"]);
        assert_eq!(
            texts(&d, &sentence_spans(&d)),
            ["Hvordan gikk møtet?", "Fortell.", "Det gikk bra 😀.", "Så kom NAV!"]
        );
        // "J1: " starts at char 41 (40 chars of the first line and its \n), so its words at 45.
        assert_eq!(turn_spans(&d)[1].start, CharPos(45));
    }

    #[test]
    fn lines_stand_in_for_turns_in_field_notes() {
        let d = doc("Morning at the office.\n\n  Coffee, then the meeting.  \n", &[]);
        assert_eq!(texts(&d, &turn_spans(&d)), ["Morning at the office.", "Coffee, then the meeting."]);
    }

    #[test]
    fn stepping_goes_into_a_turn_then_along_its_sentences() {
        let d = doc("A: One. Two.\nB: Three.\n", &["A", "B"]);
        let turns = turn_spans(&d);
        let sentences = sentence_spans(&d);
        let first = step(&turns, None, true);
        assert_eq!(texts(&d, &[first.unwrap_or_default()]), ["One. Two."]);
        // From the turn, the next sentence is its first; then the one after.
        let s1 = step(&sentences, first, true);
        assert_eq!(texts(&d, &[s1.unwrap_or_default()]), ["One."]);
        let s2 = step(&sentences, s1, true);
        assert_eq!(texts(&d, &[s2.unwrap_or_default()]), ["Two."]);
        // Back from "Two." is "One."; grown from "One." to the end of "Two.".
        assert_eq!(step(&sentences, s2, false), s1);
        let grown = extend(&sentences, s1.unwrap_or_default());
        assert_eq!(texts(&d, &[grown.unwrap_or_default()]), ["One. Two."]);
        // The next turn after the first; none after the last.
        let second = step(&turns, first, true);
        assert_eq!(texts(&d, &[second.unwrap_or_default()]), ["Three."]);
        assert_eq!(step(&turns, second, true), None);
        // "A: One. Two.\n" is 13 chars and "B: " 3 more: "Three." is chars 16..22, and the
        // label before it belongs to no unit.
        assert_eq!(second, Some(Span::new(16, 22)));
        assert_eq!(unit_at(&turns, CharPos(17)), second);
        assert_eq!(unit_at(&turns, CharPos(14)), None);
    }
}
