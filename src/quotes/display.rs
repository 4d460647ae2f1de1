//! A quote as the reader sees it: its source passage with the display edits applied.
//!
//! The edits never change the source. A cut is shown as `[...]`; an insertion as its text in
//! square brackets; a cut with an insertion at its start is a *replacement* and is shown as
//! the insertion only (`She said` → `[The social worker] said`). The display text is a list
//! of [`Segment`]s, each tied to the source chars it stands for, so the original is always
//! one step away and every mark can be traced back to where it was made.

use crate::model::{CharPos, Document, Insertion, QuoteProps, Span, Turn, count_words};

/// What a piece of the display text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SegmentKind {
    /// Source text shown as it is.
    Kept,
    /// Source text left out, shown as `[...]`.
    Cut,
    /// Words added by the researcher, shown in brackets.
    Inserted,
    /// Source text left out and replaced by words in brackets.
    Replaced,
    /// A speaker's name as the transcript writes it at the start of a turn (`Sofie`), shown
    /// as the label the paper uses, in brackets (`[E5]`). Made by Tema, not the researcher.
    Speaker,
}

/// One piece of a quote's display text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    pub kind: SegmentKind,
    /// The source chars this piece stands for: the kept, cut or replaced text. An insertion
    /// stands for no source text; its span is empty, at the insertion point.
    pub source: Span,
    /// What the reader sees, brackets included: the kept text as it is, `[...]`,
    /// `[the social worker]`.
    pub text: String,
    /// A space is shown before (after) this mark so it does not run into the word beside it.
    /// Always false for kept text.
    pub space_before: bool,
    pub space_after: bool,
}

impl Segment {
    /// True for everything shown otherwise than the source has it: the researcher's marks
    /// and speakers' labels (exports set these apart).
    pub fn is_edit(&self) -> bool {
        self.kind != SegmentKind::Kept
    }

    /// The text with its spacing, as it appears in [`QuoteText::display`].
    pub fn display(&self) -> String {
        let mut s = String::with_capacity(self.text.len() + 2);
        if self.space_before {
            s.push(' ');
        }
        s.push_str(&self.text);
        if self.space_after {
            s.push(' ');
        }
        s
    }
}

/// The mark shown for a cut.
pub const CUT_MARK: &str = "[...]";

/// The display text of a quote.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct QuoteText {
    /// The quoted passage in its document.
    pub span: Span,
    pub segments: Vec<Segment>,
}

/// Why a quote's display text could not be made (the document's text does not hold the
/// passage: a damaged project).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the quoted passage {span:?} is outside document \"{doc}\"")]
pub struct OutOfRange {
    pub doc: String,
    pub span: Span,
}

impl QuoteText {
    /// Applies a quote's display edits to its source passage.
    pub fn new(doc: &Document, props: &QuoteProps) -> Result<Self, OutOfRange> {
        let out_of_range = || OutOfRange { doc: doc.name().to_string(), span: props.span };
        let source = doc.slice(props.span).ok_or_else(out_of_range)?;
        Self::from_source(source, props).ok_or_else(out_of_range)
    }

    /// As [`QuoteText::new`], given the text of the quoted passage itself. `None` when an
    /// edit lies outside the passage.
    pub fn from_source(source: &str, props: &QuoteProps) -> Option<Self> {
        let span = props.span;
        let chars: Vec<char> = source.chars().collect();
        if chars.len() != span.len() {
            return None;
        }
        let local = |pos: CharPos| pos.get().checked_sub(span.start.get()).filter(|&i| i <= chars.len());
        let text_of = |s: Span| -> Option<String> { Some(chars[local(s.start)?..local(s.end)?].iter().collect()) };

        let mut cuts: Vec<Span> = props.cuts.clone();
        cuts.sort();
        let mut insertions: Vec<&Insertion> = props.insertions.iter().collect();
        insertions.sort_by_key(|i| i.at); // stable: insertions at one point keep their order
        if insertions.first().is_some_and(|i| i.at < span.start) {
            return None;
        }

        let mut segments = Vec::new();
        let mut next = 0; // the next insertion not yet shown
        let mut pos = span.start;
        // Kept text of `[from, to)` split around the insertions in it (and at `to` if `last`).
        let emit_range = |segments: &mut Vec<Segment>, next: &mut usize, from: CharPos, to: CharPos, last: bool| {
            let mut k = from;
            while let Some(i) = insertions.get(*next).filter(|i| i.at < to || (last && i.at == to)) {
                if i.at > k {
                    segments.push(kept(Span { start: k, end: i.at }, text_of(Span { start: k, end: i.at })?));
                    k = i.at;
                }
                segments.push(Segment {
                    kind: SegmentKind::Inserted,
                    source: Span { start: i.at, end: i.at },
                    text: format!("[{}]", i.text.trim()),
                    space_before: false,
                    space_after: false,
                });
                *next += 1;
            }
            if to > k {
                segments.push(kept(Span { start: k, end: to }, text_of(Span { start: k, end: to })?));
            }
            Some(())
        };
        for cut in cuts {
            if cut.start < pos || cut.end > span.end || cut.is_empty() {
                return None;
            }
            emit_range(&mut segments, &mut next, pos, cut.start, false)?;
            // Insertions at the cut's start replace the cut.
            let mut words = Vec::new();
            while let Some(i) = insertions.get(next).filter(|i| i.at == cut.start) {
                words.push(i.text.trim());
                next += 1;
            }
            let (kind, text) = if words.is_empty() {
                (SegmentKind::Cut, CUT_MARK.to_string())
            } else {
                (SegmentKind::Replaced, format!("[{}]", words.join(" ")))
            };
            segments.push(Segment { kind, source: cut, text, space_before: false, space_after: false });
            // Insertions inside a cut are refused by validation; old data may hold some.
            while insertions.get(next).is_some_and(|i| i.at < cut.end) {
                next += 1;
            }
            pos = cut.end;
        }
        emit_range(&mut segments, &mut next, pos, span.end, true)?;
        if next < insertions.len() {
            return None; // an insertion past the end of the passage
        }
        space_marks(&mut segments);
        Some(Self { span, segments })
    }

    /// Shows the speaker names a transcript writes at the start of turns (`Sofie: `) as the
    /// labels the paper uses, in brackets (`[E5]: `), wherever such a name lies in the
    /// quote's kept text — typically a quote running from one turn into the next. Without
    /// this a quote would print a participant's transcribed name, often a real first name,
    /// while its attribution carefully says `E5`. `label_of` gives a turn's label, or `None`
    /// to leave the name (a speaker not mapped to any participant: there is no label to
    /// put in its place). A name the researcher cut stays cut.
    pub fn relabel_turns(&mut self, doc: &Document, label_of: impl Fn(&Turn) -> Option<String>) {
        for turn in doc.turns_overlapping(self.span) {
            let name = turn.speaker.trim();
            let Some(label) = label_of(turn).filter(|l| !l.trim().is_empty() && l.trim() != name) else { continue };
            let Some(turn_text) = doc.slice(turn.span) else { continue };
            if name.is_empty() || !turn_text.starts_with(name) {
                continue;
            }
            let at = Span { start: turn.span.start, end: CharPos(turn.span.start.get() + name.chars().count()) };
            if at.start < self.span.start || at.end > self.span.end {
                continue;
            }
            let Some(i) = self
                .segments
                .iter()
                .position(|s| s.kind == SegmentKind::Kept && s.source.start <= at.start && at.end <= s.source.end)
            else {
                continue;
            };
            let seg = self.segments.remove(i);
            let chars: Vec<char> = seg.text.chars().collect();
            let local = |p: CharPos| p.get() - seg.source.start.get();
            let mut parts = Vec::with_capacity(3);
            if at.start > seg.source.start {
                let before = Span { start: seg.source.start, end: at.start };
                parts.push(kept(before, chars[..local(at.start)].iter().collect()));
            }
            parts.push(Segment {
                kind: SegmentKind::Speaker,
                source: at,
                text: format!("[{}]", label.trim()),
                space_before: false,
                space_after: false,
            });
            if at.end < seg.source.end {
                let after = Span { start: at.end, end: seg.source.end };
                parts.push(kept(after, chars[local(at.end)..].iter().collect()));
            }
            self.segments.splice(i..i, parts);
        }
    }

    /// The text as the reader sees it.
    pub fn display(&self) -> String {
        self.segments.iter().map(Segment::display).collect()
    }

    /// Words of the display text, insertions counted, cut marks not (they hold no letter).
    pub fn word_count(&self) -> usize {
        count_words(&self.display())
    }

    /// True when the researcher edited the passage (speakers' labels do not count).
    pub fn is_edited(&self) -> bool {
        self.segments.iter().any(|s| !matches!(s.kind, SegmentKind::Kept | SegmentKind::Speaker))
    }

    /// The source position shown at a char offset of [`display`](Self::display), for
    /// "jump to the source": kept text maps char for char, a mark to the start of the
    /// source it stands for.
    pub fn source_pos(&self, display_offset: usize) -> CharPos {
        let mut at = 0;
        for s in &self.segments {
            let len = s.text.chars().count() + usize::from(s.space_before) + usize::from(s.space_after);
            if display_offset < at + len {
                return match s.kind {
                    SegmentKind::Kept => CharPos(s.source.start.get() + (display_offset - at)),
                    _ => s.source.start,
                };
            }
            at += len;
        }
        self.span.end
    }
}

fn kept(source: Span, text: String) -> Segment {
    Segment { kind: SegmentKind::Kept, source, text, space_before: false, space_after: false }
}

/// Closing punctuation that a following mark should not be parted from by a space.
fn is_closing(c: char) -> bool {
    matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']' | '}' | '"' | '\'' | '”' | '’' | '»' | '…')
}

fn is_opening(c: char) -> bool {
    matches!(c, '(' | '[' | '{' | '"' | '\'' | '“' | '‘' | '«')
}

/// Decides where marks need a space so they do not run into the words beside them.
///
/// A cut mark gets a space on each side that touches a word (`was, [...] angry`), but not
/// before closing punctuation (`angry [...].`). An insertion gets a space only at a word
/// boundary (`she [the social worker] said`, `me [in the meeting], not`), so an insertion
/// inside a word stays attached (`neighbo[u]r`). A replacement takes the
/// place of the text it replaces and gets no space: the source's own spacing surrounds it.
fn space_marks(segments: &mut [Segment]) {
    for i in 0..segments.len() {
        let kind = segments[i].kind;
        if matches!(kind, SegmentKind::Kept | SegmentKind::Replaced) {
            continue;
        }
        let left = last_char(&segments[..i]);
        let right = first_char(&segments[i + 1..]);
        let (before, after) = match kind {
            SegmentKind::Cut => (
                left.is_some_and(|c| !c.is_whitespace() && !is_opening(c)),
                right.is_some_and(|c| !c.is_whitespace() && !is_closing(c)),
            ),
            _ => {
                let word = |c: Option<char>| c.is_some_and(|c| !c.is_whitespace());
                let space = |c: Option<char>| c.is_none_or(char::is_whitespace);
                // After a word that a space or punctuation follows; before a word after a space.
                let ends_word = space(right) || right.is_some_and(is_closing);
                let before = word(left) && ends_word && !left.is_some_and(is_opening);
                let after = space(left) && word(right) && !right.is_some_and(is_closing);
                (before, after)
            }
        };
        segments[i].space_before = before;
        segments[i].space_after = after;
    }
}

/// The last char shown before position `i` (marks count as their brackets).
fn last_char(segments: &[Segment]) -> Option<char> {
    let s = segments.last()?;
    if s.space_after { Some(' ') } else { s.text.chars().next_back() }
}

fn first_char(segments: &[Segment]) -> Option<char> {
    let s = segments.first()?;
    if s.space_before { Some(' ') } else { s.text.chars().next() }
}
