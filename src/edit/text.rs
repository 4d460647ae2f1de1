//! Correcting a document's text: the one edit that changes a text after import.
//!
//! `Edit::ReplaceText` replaces some spans of a document's text and moves everything anchored
//! in that document — codings, speaker turns, quotes with their cuts and insertions, notes on
//! passages, consensus entries — so that it still points at the same words. A position before
//! a change stays; one after it shifts by the change in length. A position *inside or at the
//! edge of* a changed span has no single right place, so the edit refuses to guess: the edit
//! lists the new place of everything with such a boundary in `respans`, and
//! [`plan_text_correction`] is the planner that decides them (it clamps, see there). That keeps
//! the primitive exactly invertible: its inverse puts the old text back, shifts the untouched
//! spans back and gives the clamped ones their old places.

use super::apply::Applied;
use super::{Edit, EditError};
use crate::model::*;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use unicode_normalization::{IsNormalized, is_nfc, is_nfc_quick};

/// The new places of things whose boundaries lie in or at the edge of the changed text.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct Respans {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub codings: Vec<(CodingId, Span)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quotes: Vec<(QuoteId, QuoteProps)>,
    /// Notes on passages (`MemoTarget::Passage`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub memos: Vec<(MemoId, Span)>,
    /// Whole consensus entries (their recorded spans changed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub consensus: Vec<ConsensusEntry>,
    /// All of the document's turns, when any of them had to be clamped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub turns: Option<Vec<Turn>>,
}

impl Respans {
    pub fn is_empty(&self) -> bool {
        self.codings.is_empty()
            && self.quotes.is_empty()
            && self.memos.is_empty()
            && self.consensus.is_empty()
            && self.turns.is_none()
    }
}

/// How a clamped boundary is placed when it falls in or at the edge of a changed span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rule {
    /// The start of something that keeps the words it touched: inside or at the start of the
    /// change it moves to the start of the new text (the span takes the whole replacement).
    Start,
    /// The end of such a span: inside or at the end of the change, to the end of the new text.
    End,
    /// A boundary between two turns (one ends where the next starts): the replacement goes
    /// to the turn before it unless the boundary is exactly at a non-empty change's start, so
    /// turns keep tiling the text.
    Tile,
}

/// Where the positions of the old text land in the new one.
#[derive(Clone, Debug)]
pub(crate) struct Remap {
    /// Per change: old start, old end, new start, new end.
    changes: Vec<(usize, usize, usize, usize)>,
}

impl Remap {
    /// For changes in order, with at least one char between two (as `ReplaceText` requires).
    fn new(changes: &[TextChange]) -> Remap {
        let mut out = Vec::with_capacity(changes.len());
        let (mut old_before, mut new_before) = (0usize, 0usize);
        for c in changes {
            let (cs, ce) = (c.span.start.get(), c.span.end.get());
            let ncs = cs - old_before + new_before;
            let nlen = c.text.chars().count();
            out.push((cs, ce, ncs, ncs + nlen));
            old_before += ce - cs;
            new_before += nlen;
        }
        Remap { changes: out }
    }

    /// The new position of an old one that lies outside every change, or the index of the
    /// change whose closed range `[start, end]` holds it.
    fn locate(&self, p: usize) -> Result<usize, usize> {
        let k = self.changes.partition_point(|&(_, ce, _, _)| ce < p);
        if let Some(&(cs, _, _, _)) = self.changes.get(k)
            && cs <= p
        {
            return Err(k);
        }
        match k.checked_sub(1).and_then(|i| self.changes.get(i)) {
            Some(&(_, ce, _, nce)) => Ok(nce + (p - ce)),
            None => Ok(p),
        }
    }

    fn exact_span(&self, s: Span) -> Option<Span> {
        let start = self.locate(s.start.get()).ok()?;
        let end = self.locate(s.end.get()).ok()?;
        Some(Span::new(start, end))
    }

    fn clamp(&self, p: usize, rule: Rule) -> usize {
        match self.locate(p) {
            Ok(q) => q,
            Err(k) => {
                let (cs, ce, ncs, nce) = self.changes[k];
                let to_start = match rule {
                    Rule::Start => p < ce,
                    Rule::End => p == cs,
                    Rule::Tile => p == cs && cs < ce,
                };
                if to_start { ncs } else { nce }
            }
        }
    }

    fn clamp_span(&self, s: Span, start: Rule, end: Rule) -> Span {
        let a = self.clamp(s.start.get(), start);
        let b = self.clamp(s.end.get(), end).max(a);
        Span::new(a, b)
    }
}

/// Whether a replacement is normalised like imported text (so the corrected text is too).
fn clean_fragment(text: &str) -> bool {
    !text.chars().any(|c| c == '\r' || (c.is_control() && c != '\n' && c != '\t') || c == '\u{FEFF}')
        && (text.is_ascii() || is_nfc(text))
}

/// A proposed correction: the edit, and what it does to the codings it touches (for the
/// preview the researcher confirms).
#[derive(Clone, Debug, PartialEq)]
pub struct Correction {
    pub edit: Edit,
    /// Codings whose span overlaps or touches a changed span, with their span before and
    /// after (`None`: the coding lay wholly inside deleted text, or became a copy of
    /// another coding of the same code by the same coder, and is removed).
    pub touched: Vec<TouchedCoding>,
    /// Quotes whose span, cuts or insertions were clamped; removed ones are counted too.
    pub quotes: usize,
    /// Speaker turns clamped (or removed, when they lay wholly inside deleted text).
    pub turns: usize,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TouchedCoding {
    pub coding: CodingId,
    pub before: Span,
    pub after: Option<Span>,
}

/// Plans a correction of one document: every replacement (positions in the current text; in
/// any order, not overlapping; replacements that touch are joined) becomes part of one
/// `ReplaceText`, and whatever has a boundary in or at the edge of a replaced span is clamped:
///
/// - a coding, quote, consensus span or note whose start lies in the replaced text starts at
///   the start of the new text, and one whose end lies in it ends at the end of the new text —
///   a span that overlaps a correction keeps covering it, one that only touches it from outside
///   does not grow, and text inserted at a span's edge stays outside it;
/// - a coding or quote left empty (it lay wholly inside text that was deleted) is removed, as
///   is a coding that became identical to another of the same code by the same coder;
/// - speaker turns keep tiling the text: the replacement joins the turn it starts in.
///
/// Texts are normalised like imported text (LF, no control characters, NFC). Pseudonymising a
/// document is many replacements in one call, so one undo takes them all back.
pub fn plan_text_correction(p: &Project, doc: DocId, replacements: Vec<TextChange>) -> Result<Correction, EditError> {
    let d = p.documents.get(&doc).ok_or_else(|| EditError::unknown("document", doc))?;
    let invalid = |reason: &str| EditError::InvalidCorrection { doc: d.name().to_string(), reason: reason.to_string() };
    let mut changes: Vec<TextChange> = replacements
        .into_iter()
        .map(|c| TextChange { span: c.span, text: crate::import::normalise::normalise_fragment(&c.text) })
        .collect();
    changes.sort_by_key(|c| (c.span.start, c.span.end));
    let mut joined: Vec<TextChange> = Vec::with_capacity(changes.len());
    for c in changes {
        if c.span.start > c.span.end || c.span.end.get() > d.char_len {
            return Err(EditError::SpanOutOfRange { doc: d.name().to_string(), span: c.span, len: d.char_len });
        }
        match joined.last_mut() {
            Some(last) if c.span.start < last.span.end => return Err(invalid("two replacements overlap")),
            Some(last) if c.span.start == last.span.end => {
                last.span.end = c.span.end;
                last.text.push_str(&c.text);
            }
            _ => joined.push(c),
        }
    }
    if joined.is_empty() {
        return Err(invalid("there is nothing to replace"));
    }
    let changes = joined;
    let remap = Remap::new(&changes);
    let mut respans = Respans::default();
    let mut removals: Vec<Edit> = Vec::new();
    let mut touched = Vec::new();

    // Codings, in id order (creation order), so the older of two that collide is kept.
    let mut taken: HashSet<(Span, CodeId, CoderId)> = HashSet::new();
    let mut clamped: Vec<&Coding> = Vec::new();
    for c in p.codings_of_doc(doc) {
        match remap.exact_span(c.span) {
            Some(s) => {
                taken.insert((s, c.code, c.coder));
            }
            None => clamped.push(c),
        }
    }
    for c in clamped {
        let s = remap.clamp_span(c.span, Rule::Start, Rule::End);
        let after = (!s.is_empty() && taken.insert((s, c.code, c.coder))).then_some(s);
        match after {
            Some(s) => respans.codings.push((c.id, s)),
            None => removals.push(Edit::RemoveCoding { id: c.id }),
        }
        touched.push(TouchedCoding { coding: c.id, before: c.span, after });
    }

    // Quotes: clamp every position; drop cuts that vanish and insertions that land in a cut.
    let new_len = remap.changes.last().map_or(d.char_len, |&(_, ce, _, nce)| nce + (d.char_len - ce));
    let mut quotes = 0;
    for q in p.quotes.values().filter(|q| q.doc == doc) {
        let mut positions = vec![q.props.span.start.get(), q.props.span.end.get()];
        positions.extend(q.props.cuts.iter().flat_map(|c| [c.start.get(), c.end.get()]));
        positions.extend(q.props.insertions.iter().map(|i| i.at.get()));
        if positions.iter().all(|&x| remap.locate(x).is_ok()) {
            continue;
        }
        quotes += 1;
        let span = remap.clamp_span(q.props.span, Rule::Start, Rule::End);
        if span.is_empty() {
            removals.push(Edit::RemoveQuote { id: q.id });
            continue;
        }
        let mut props = q.props.clone();
        props.span = span;
        props.cuts = Vec::new();
        for cut in &q.props.cuts {
            // A cut that overlaps a correction covers the corrected words (they stay cut).
            let c = remap.clamp_span(*cut, Rule::Start, Rule::End);
            match props.cuts.last_mut() {
                _ if c.is_empty() || !span.contains_span(&c) => {}
                Some(last) if c.start <= last.end => last.end = last.end.max(c.end),
                _ => props.cuts.push(c),
            }
        }
        props.insertions = q
            .props
            .insertions
            .iter()
            .map(|i| Insertion { at: CharPos(remap.clamp(i.at.get(), Rule::Tile)), text: i.text.clone() })
            .collect();
        let cuts = props.cuts.clone();
        props
            .insertions
            .retain(|i| !cuts.iter().any(|c| c.start < i.at && i.at < c.end) && span.start <= i.at && i.at <= span.end);
        if p.check_quote_in(d.name(), new_len, &props).is_err() {
            props.cuts.clear();
            props.insertions.clear();
        }
        respans.quotes.push((q.id, props));
    }

    // Turns: all of them when one must be clamped.
    let mut turns = 0;
    if d.turns.iter().any(|t| remap.exact_span(t.span).is_none()) {
        let mut list = Vec::with_capacity(d.turns.len());
        for t in &d.turns {
            let span = remap.clamp_span(t.span, Rule::Tile, Rule::Tile);
            if remap.exact_span(t.span).is_none() {
                turns += 1;
            }
            if !span.is_empty() {
                list.push(Turn { span, ..t.clone() });
            }
        }
        respans.turns = Some(list);
    }

    for m in p.memos.values() {
        if let MemoTarget::Passage { doc: md, span } = m.props.target
            && md == doc
            && remap.exact_span(span).is_none()
        {
            respans.memos.push((m.id, remap.clamp_span(span, Rule::Start, Rule::End)));
        }
    }

    for e in p.consensus.values().filter(|e| e.doc == doc) {
        let spans = consensus_spans(e);
        if spans.iter().all(|s| remap.exact_span(*s).is_some()) {
            continue;
        }
        let mut entry = e.clone();
        let mut empty = false;
        for_each_consensus_span(&mut entry, &mut |s| {
            *s = remap.clamp_span(*s, Rule::Start, Rule::End);
            empty |= s.is_empty();
        });
        if empty {
            removals.push(Edit::RemoveConsensus { id: e.id });
        } else {
            respans.consensus.push(entry);
        }
    }

    let replace = Edit::ReplaceText { doc, changes, respans };
    let edit = if removals.is_empty() {
        replace
    } else {
        removals.push(replace);
        Edit::batch(format!("Correct the text of “{}”", d.name()), removals)
    };
    Ok(Correction { edit, touched, quotes, turns })
}

fn consensus_spans(e: &ConsensusEntry) -> Vec<Span> {
    let mut out: Vec<Span> = e.a.iter().chain(&e.b).map(|s| s.span).collect();
    if let Resolution::NewCode { span, .. } = &e.resolution {
        out.push(*span);
    }
    out
}

fn for_each_consensus_span(e: &mut ConsensusEntry, f: &mut dyn FnMut(&mut Span)) {
    if let Some(a) = e.a.as_mut() {
        f(&mut a.span);
    }
    if let Some(b) = e.b.as_mut() {
        f(&mut b.span);
    }
    if let Resolution::NewCode { span, .. } = &mut e.resolution {
        f(span);
    }
}

impl Project {
    /// Applies `Edit::ReplaceText` (see the module docs): checks everything first, so a refused
    /// correction leaves the project untouched.
    pub(super) fn replace_text(&mut self, doc: DocId, changes: Vec<TextChange>, respans: Respans) -> Applied {
        let d = self.documents.get(&doc).ok_or_else(|| EditError::unknown("document", doc))?;
        let name = d.name().to_string();
        let invalid = |reason: String| EditError::InvalidCorrection { doc: name.clone(), reason };
        if changes.is_empty() {
            return Err(invalid("there is nothing to replace".into()));
        }
        let mut prev_end: Option<CharPos> = None;
        for c in &changes {
            if c.span.start > c.span.end || c.span.end.get() > d.char_len {
                return Err(EditError::SpanOutOfRange { doc: name.clone(), span: c.span, len: d.char_len });
            }
            if prev_end.is_some_and(|e| c.span.start <= e) {
                return Err(invalid("replacements must be in order with at least one character between two".into()));
            }
            if !clean_fragment(&c.text) {
                return Err(invalid(
                    "the new text must have LF line endings, no control characters and be in Unicode NFC".into(),
                ));
            }
            prev_end = Some(c.span.end);
        }

        // The new text, and the changes that put the old text back.
        let index = d.text_index();
        let remap = Remap::new(&changes);
        let mut text = String::with_capacity(d.text.len() + changes.iter().map(|c| c.text.len()).sum::<usize>());
        let mut inverse_changes = Vec::with_capacity(changes.len());
        let mut last = 0;
        for (c, &(_, _, ncs, nce)) in changes.iter().zip(&remap.changes) {
            let bytes = index.byte_range(&d.text, c.span);
            text.push_str(&d.text[last..bytes.start]);
            text.push_str(&c.text);
            inverse_changes.push(TextChange { span: Span::new(ncs, nce), text: d.text[bytes.clone()].to_string() });
            last = bytes.end;
        }
        text.push_str(&d.text[last..]);
        drop(index);
        if !text.is_ascii() && is_nfc_quick(text.chars()) != IsNormalized::Yes && !is_nfc(&text) {
            return Err(invalid(
                "the corrected text would not be in Unicode NFC (a replacement starts with a combining mark)".into(),
            ));
        }
        let new_len = text.chars().count();
        let out_of_range = |what: &str, span: Span| {
            invalid(format!(
                "{what} at {span:?} would lie outside the corrected text ({new_len} characters) or be empty"
            ))
        };
        let needs_place = |what: &str, span: Span| {
            invalid(format!(
                "{what} at {span:?} has a boundary in the replaced text; plan the correction with \
                 edit::plan_text_correction, which gives it a place"
            ))
        };

        // Codings.
        let mut coding_places: HashMap<CodingId, Span> = respans.codings.iter().copied().collect();
        let mut moved: Vec<(CodingId, Span, Span)> = Vec::new();
        let mut keys: HashSet<(Span, CodeId, CoderId)> = HashSet::new();
        for c in self.codings_of_doc(doc) {
            let to = match coding_places.remove(&c.id) {
                Some(s) => s,
                None => remap.exact_span(c.span).ok_or_else(|| needs_place("a coding", c.span))?,
            };
            if to.is_empty() || to.end.get() > new_len {
                return Err(out_of_range("a coding", to));
            }
            if !keys.insert((to, c.code, c.coder)) {
                let code = self.codes.get(&c.code).map(|x| x.name().to_string()).unwrap_or_default();
                return Err(EditError::DuplicateCoding { doc: name.clone(), code });
            }
            moved.push((c.id, c.span, to));
        }
        if let Some(id) = coding_places.keys().next() {
            return Err(EditError::unknown("coding of this document", id));
        }

        // Quotes.
        let mut quote_places: HashMap<QuoteId, QuoteProps> = respans.quotes.iter().cloned().collect();
        let mut new_quotes: Vec<(QuoteId, QuoteProps)> = Vec::new();
        for q in self.quotes.values().filter(|q| q.doc == doc) {
            let props = match quote_places.remove(&q.id) {
                Some(props) => props,
                None => {
                    let mut props = q.props.clone();
                    let mut ok = true;
                    let mut move_span = |s: &mut Span| match remap.exact_span(*s) {
                        Some(n) => *s = n,
                        None => ok = false,
                    };
                    move_span(&mut props.span);
                    props.cuts.iter_mut().for_each(&mut move_span);
                    for i in &mut props.insertions {
                        match remap.locate(i.at.get()) {
                            Ok(n) => i.at = CharPos(n),
                            Err(_) => ok = false,
                        }
                    }
                    if !ok {
                        return Err(needs_place("a quote", q.props.span));
                    }
                    props
                }
            };
            self.check_quote_in(&name, new_len, &props)?;
            new_quotes.push((q.id, props));
        }
        if let Some(id) = quote_places.keys().next() {
            return Err(EditError::unknown("quote of this document", id));
        }

        // Notes on passages.
        let mut memo_places: HashMap<MemoId, Span> = respans.memos.iter().copied().collect();
        let mut new_memos: Vec<(MemoId, Span)> = Vec::new();
        for m in self.memos.values() {
            let MemoTarget::Passage { doc: md, span } = m.props.target else { continue };
            if md != doc {
                continue;
            }
            let to = match memo_places.remove(&m.id) {
                Some(s) => s,
                None => remap.exact_span(span).ok_or_else(|| needs_place("a note", span))?,
            };
            if to.start > to.end || to.end.get() > new_len {
                return Err(out_of_range("a note", to));
            }
            new_memos.push((m.id, to));
        }
        if let Some(id) = memo_places.keys().next() {
            return Err(EditError::unknown("note on this document", id));
        }

        // Consensus entries.
        let mut entry_places: HashMap<ConsensusId, ConsensusEntry> =
            respans.consensus.iter().map(|e| (e.id, e.clone())).collect();
        let mut new_entries: Vec<ConsensusEntry> = Vec::new();
        for e in self.consensus.values().filter(|e| e.doc == doc) {
            let entry = match entry_places.remove(&e.id) {
                Some(entry) if entry.doc == doc => entry,
                Some(_) => return Err(invalid("a consensus entry cannot move to another document".into())),
                None => {
                    let mut entry = e.clone();
                    let mut ok = true;
                    for_each_consensus_span(&mut entry, &mut |s| match remap.exact_span(*s) {
                        Some(n) => *s = n,
                        None => ok = false,
                    });
                    if !ok {
                        return Err(needs_place("a consensus entry", consensus_spans(e)[0]));
                    }
                    entry
                }
            };
            if let Some(s) = consensus_spans(&entry).into_iter().find(|s| s.is_empty() || s.end.get() > new_len) {
                return Err(out_of_range("a consensus entry", s));
            }
            new_entries.push(entry);
        }
        if let Some(id) = entry_places.keys().next() {
            return Err(EditError::unknown("consensus entry of this document", id));
        }

        // Turns.
        let turns: Vec<Turn> = match &respans.turns {
            Some(turns) => turns.clone(),
            None => d
                .turns
                .iter()
                .map(|t| {
                    let span = remap.exact_span(t.span).ok_or_else(|| needs_place("a speaker turn", t.span))?;
                    Ok(Turn { span, ..t.clone() })
                })
                .collect::<Result<_, EditError>>()?,
        };
        self.check_turns(&name, new_len, &turns)?;

        // Everything checks: change the project and remember what undoes it.
        let mut inverse = Respans::default();
        let Some(d) = self.documents.get_mut(&doc) else { return Err(EditError::unknown("document", doc)) };
        d.set_text(Arc::from(text));
        let old_turns = std::mem::replace(&mut d.turns, turns);
        if respans.turns.is_some() {
            inverse.turns = Some(old_turns);
        }
        let overridden: HashSet<CodingId> = respans.codings.iter().map(|(id, _)| *id).collect();
        for (id, from, to) in &moved {
            if let Some(c) = self.codings.get_mut(id) {
                c.span = *to;
                self.derived.remove_key(doc, &(*from, c.code, c.coder));
            }
            if overridden.contains(id) {
                inverse.codings.push((*id, *from));
            }
        }
        for (id, _, to) in &moved {
            if let Some(c) = self.codings.get(id) {
                self.derived.insert_key(doc, (*to, c.code, c.coder), *id);
            }
        }
        let overridden: HashSet<QuoteId> = respans.quotes.iter().map(|(id, _)| *id).collect();
        for (id, props) in new_quotes {
            if let Some(q) = self.quotes.get_mut(&id) {
                let old = std::mem::replace(&mut q.props, props);
                if overridden.contains(&id) {
                    inverse.quotes.push((id, old));
                }
            }
        }
        let overridden: HashSet<MemoId> = respans.memos.iter().map(|(id, _)| *id).collect();
        for (id, to) in new_memos {
            if let Some(m) = self.memos.get_mut(&id)
                && let MemoTarget::Passage { span, .. } = &mut m.props.target
            {
                let old = std::mem::replace(span, to);
                if overridden.contains(&id) {
                    inverse.memos.push((id, old));
                }
            }
        }
        let overridden: HashSet<ConsensusId> = respans.consensus.iter().map(|e| e.id).collect();
        for entry in new_entries {
            let id = entry.id;
            if let Some(e) = self.consensus.get_mut(&id) {
                let old = std::mem::replace(e, entry);
                if overridden.contains(&id) {
                    inverse.consensus.push(old);
                }
            }
        }
        self.bump_doc(doc);
        Ok(Edit::ReplaceText { doc, changes: inverse_changes, respans: inverse })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(a: usize, b: usize, text: &str) -> TextChange {
        TextChange { span: Span::new(a, b), text: text.into() }
    }

    #[test]
    fn positions_outside_changes_shift_by_the_change_in_length() {
        // "0123456789": replace [2,4) by "abc" (+1) and [7,8) by "" (-1).
        let r = Remap::new(&[change(2, 4, "abc"), change(7, 8, "")]);
        assert_eq!(r.locate(1), Ok(1));
        assert_eq!(r.locate(2), Err(0), "the edge of a change has no single place");
        assert_eq!(r.locate(4), Err(0));
        assert_eq!(r.locate(5), Ok(6), "5 + 1");
        assert_eq!(r.locate(6), Ok(7));
        assert_eq!(r.locate(9), Ok(9), "5 + 1 - 1 past both");
        // Clamping: a span [3, 6) starting inside the first change takes its whole new text.
        assert_eq!(r.clamp_span(Span::new(3, 6), Rule::Start, Rule::End), Span::new(2, 7));
        // A span ending at the change's start does not grow; one starting at its end neither.
        assert_eq!(r.clamp_span(Span::new(0, 2), Rule::Start, Rule::End), Span::new(0, 2));
        assert_eq!(r.clamp_span(Span::new(4, 6), Rule::Start, Rule::End), Span::new(5, 7));
        // Wholly inside a deletion: empty.
        assert!(r.clamp_span(Span::new(7, 8), Rule::Start, Rule::End).is_empty());
    }

    #[test]
    fn insertions_stay_outside_spans_that_only_touch_them() {
        let r = Remap::new(&[change(4, 4, "XY")]);
        assert_eq!(r.clamp_span(Span::new(0, 4), Rule::Start, Rule::End), Span::new(0, 4));
        assert_eq!(r.clamp_span(Span::new(4, 8), Rule::Start, Rule::End), Span::new(6, 10));
        // Turns: the one before takes the insertion, so they still tile.
        assert_eq!(r.clamp_span(Span::new(0, 4), Rule::Tile, Rule::Tile), Span::new(0, 6));
        assert_eq!(r.clamp_span(Span::new(4, 8), Rule::Tile, Rule::Tile), Span::new(6, 10));
    }

    #[test]
    fn fragments_must_be_normalised() {
        assert!(clean_fragment("søvn\nok"));
        assert!(!clean_fragment("a\r\nb"));
        assert!(!clean_fragment("a\u{0}"));
        assert!(!clean_fragment("a\u{30A}"), "a + combining ring is not NFC");
    }
}
