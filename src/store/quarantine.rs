//! Quarantine: a document whose text file changed outside Tema.
//!
//! A text file edited by hand, truncated by a sync tool or replaced no longer holds the words
//! the project's spans point at. Refusing the whole project would lock the researcher out of
//! everything else, and reading the spans against the new text would show codings on the
//! wrong words. So the document is *quarantined*: it takes its new text and is named as
//! damaged, and every coding on it is checked against the fingerprint of its text saved with
//! it (see [`crate::model::anchor`]):
//!
//! - a coding whose text is still at its span stays;
//! - on opening, every other coding is *unanchored*: taken out of the project (not shown, not
//!   counted) and listed; `tema repair` (or the app's Repair action) places again each one
//!   whose text is found again — in place, the one place with its context, or the nearest —
//!   and reports by name what it re-anchored and what stays unanchored;
//! - quotes, notes on passages and consensus records move with the coding whose text holds
//!   them; ones that no found coding holds are unanchored too, as are memos on an unanchored
//!   coding;
//! - the speaker turns are found again in the new text, each speaker keeping the participant
//!   their label was given.
//!
//! Nothing is dropped: what stays unanchored is kept in `unanchored.json` (shared, like the
//! codings files) until it is placed again, and listed by `tema repair` and `tema info`.

use crate::model::anchor::{AnchorMap, Fingerprint, Located, locate};
use crate::model::*;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// The file that keeps what could not be anchored in a changed text.
pub const UNANCHORED_FILE: &str = "unanchored.json";

/// What was taken out of the project because the text it points into changed and it could
/// not be placed again. Kept in [`UNANCHORED_FILE`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Unanchored {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub codings: Vec<HeldCoding>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quotes: Vec<Quote>,
    /// Notes on passages, and memos on an unanchored coding.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Memo>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub consensus: Vec<ConsensusEntry>,
    /// For each document with something kept here, the hash of the text it was anchored in
    /// (empty when items were kept from two different texts): a text restored to exactly
    /// that one takes everything back to where it was.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub anchored_in: std::collections::BTreeMap<DocId, String>,
}

impl Unanchored {
    pub fn len(&self) -> usize {
        self.codings.len() + self.quotes.len() + self.notes.len() + self.consensus.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// One line per item, naming it and why it is not placed.
    pub fn describe(&self, project: &Project) -> Vec<String> {
        let mut lines: Vec<String> = self
            .codings
            .iter()
            .map(|h| format!("{}: {}", describe_coding(project, &h.coding, h.fingerprint.as_ref()), h.reason))
            .collect();
        lines.extend(self.quotes.iter().map(|q| format!("{}: {NOT_HELD}", describe_quote(project, q))));
        lines.extend(self.notes.iter().map(|m| match m.props.target {
            MemoTarget::Passage { .. } => format!("{}: {NOT_HELD}", describe_memo(project, m)),
            _ => describe_memo(project, m),
        }));
        lines.extend(self.consensus.iter().map(|e| format!("{}: {NOT_HELD}", describe_consensus(project, e))));
        lines
    }
}

/// An unanchored coding, with the fingerprint of its text and why it is not placed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HeldCoding {
    #[serde(flatten)]
    pub coding: Coding,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<Fingerprint>,
    pub reason: String,
}

/// A document whose text file no longer matches the hash recorded for it, with the text the
/// file holds now (normalised like imported text).
#[derive(Clone, Debug)]
pub struct ChangedText {
    pub doc: DocId,
    pub text: Arc<str>,
}

/// What quarantining or repairing did, in sentences that name what they are about.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct AnchorReport {
    /// The documents whose text changed.
    pub damaged: Vec<String>,
    /// Codings placed again, with where they were and where they are now.
    pub reanchored: Vec<String>,
    /// Codings, quotes and notes that are not placed, each with the reason.
    pub unanchored: Vec<String>,
    /// Everything else that moved (turns found again, quotes and notes moved).
    pub moved: Vec<String>,
}

/// A coding as a user recognises it: code, coder, document, place and first words.
pub fn describe_coding(project: &Project, c: &Coding, fp: Option<&Fingerprint>) -> String {
    let code = project.codes.get(&c.code).map_or("(a deleted code)", |x| x.name());
    let coder = project.coders.get(&c.coder).map_or("(a removed coder)", |x| x.name.as_str());
    let doc = project.documents.get(&c.doc).map_or("(a removed document)", |d| d.name());
    let words = fp.map(|f| format!(" “{}{}”", f.head, if f.len > f.head.chars().count() { "…" } else { "" }));
    format!("“{code}” by {coder} in “{doc}”, chars {}–{}{}", c.span.start, c.span.end, words.unwrap_or_default())
}

fn describe_quote(project: &Project, q: &Quote) -> String {
    let theme = project.themes.get(&q.theme).map_or("(a deleted theme)", |t| t.name());
    let doc = project.documents.get(&q.doc).map_or("(a removed document)", |d| d.name());
    format!("quote for “{theme}” from “{doc}”, chars {}–{}", q.props.span.start, q.props.span.end)
}

fn describe_memo(project: &Project, m: &Memo) -> String {
    let title = if m.props.title.trim().is_empty() { "untitled" } else { m.props.title.trim() };
    match m.props.target {
        MemoTarget::Passage { doc, span } => {
            let doc = project.documents.get(&doc).map_or("(a removed document)", |d| d.name());
            format!("note “{title}” on “{doc}”, chars {}–{}", span.start, span.end)
        }
        _ => format!("memo “{title}” on an unanchored coding"),
    }
}

/// Quarantines the documents in `changed` (see the module docs). With `relocate`, codings
/// whose text moved are placed again (repair); without, they are unanchored (opening).
/// Unanchored items are added to `held`.
pub fn quarantine(
    project: &mut Project,
    changed: Vec<ChangedText>,
    fingerprints: &HashMap<CodingId, Fingerprint>,
    held: &mut Unanchored,
    relocate: bool,
) -> AnchorReport {
    let mut report = AnchorReport::default();
    for ChangedText { doc, text } in changed {
        let Some(d) = project.documents.get_mut(&doc) else { continue };
        let anchored_in = d.text_hash.clone();
        let held_before = held.len();
        let old_turns = std::mem::take(&mut d.turns);
        d.char_len = text.chars().count();
        d.words = count_words(&text);
        d.text_hash = text_hash(&text);
        d.text = text;
        d.turns = find_turns(&d.text, &old_turns);
        let name = d.name().to_string();
        report.damaged.push(format!("“{name}” (texts/{doc}.txt) changed outside Tema"));
        if !old_turns.is_empty() || !d.turns.is_empty() {
            report.moved.push(format!(
                "the speaker turns of “{name}” were found again in its new text: {} (there were {})",
                d.turns.len(),
                old_turns.len()
            ));
        }
        let map = anchor_codings(project, doc, fingerprints, held, relocate, &mut report);
        move_anchored_items(project, doc, &map, held, &mut report);
        if held.len() > held_before {
            let recorded = held.anchored_in.entry(doc).or_insert_with(|| anchored_in.clone());
            if *recorded != anchored_in {
                recorded.clear(); // kept from two different texts
            }
        }
    }
    if relocate {
        reanchor_held(project, held, &mut report);
    }
    hold_memos_on_held_codings(project, held, &mut report);
    // Only documents something is kept for.
    let mut docs: HashSet<DocId> = held.codings.iter().map(|h| h.coding.doc).collect();
    docs.extend(held.quotes.iter().map(|q| q.doc));
    docs.extend(held.consensus.iter().map(|e| e.doc));
    docs.extend(held.notes.iter().filter_map(|m| m.props.target.document()));
    docs.extend(held.notes.iter().filter_map(|m| match m.props.target {
        MemoTarget::Coding(c) => held.codings.iter().find(|h| h.coding.id == c).map(|h| h.coding.doc),
        _ => None,
    }));
    held.anchored_in.retain(|d, _| docs.contains(d));
    let order: HashMap<DocId, usize> = project.documents.keys().enumerate().map(|(i, d)| (*d, i)).collect();
    let place = |doc: &DocId, at: CharPos| (order.get(doc).copied().unwrap_or(usize::MAX), at);
    held.codings.sort_by_key(|h| place(&h.coding.doc, h.coding.span.start));
    report
}

/// The speaker turns of a changed text: found again the way import finds them, each label
/// keeping the participant it was given before.
fn find_turns(text: &str, old: &[Turn]) -> Vec<Turn> {
    let mut who: HashMap<String, Option<ParticipantId>> = HashMap::new();
    for t in old {
        who.entry(name_key(&t.speaker)).or_insert(t.participant);
    }
    let known = |label: &str| who.contains_key(&name_key(label));
    crate::import::speakers::detect_turns(text, &crate::import::speakers::SpeakerPattern::Builtin, &known)
        .into_iter()
        .map(|t| Turn {
            participant: who.get(&name_key(&t.speaker)).copied().flatten(),
            span: t.span,
            speaker: t.speaker,
            start_ms: t.start_ms,
            end_ms: t.end_ms,
        })
        .collect()
}

/// Checks every coding of `doc` against its fingerprint; returns the map of found codings.
fn anchor_codings(
    project: &mut Project,
    doc: DocId,
    fingerprints: &HashMap<CodingId, Fingerprint>,
    held: &mut Unanchored,
    relocate: bool,
    report: &mut AnchorReport,
) -> AnchorMap {
    let mut map = AnchorMap::default();
    let Some(d) = project.documents.get(&doc) else { return map };
    let index = d.text_index();
    let ids: Vec<CodingId> = project.codings.values().filter(|c| c.doc == doc).map(|c| c.id).collect();
    let mut taken: HashSet<(Span, CodeId, CoderId)> = HashSet::new();
    let mut placed: Vec<(CodingId, Span)> = Vec::new();
    let mut unplaced: Vec<(CodingId, String)> = Vec::new();
    for id in ids {
        let Some(c) = project.codings.get(&id) else { continue };
        let fp = fingerprints.get(&id);
        let found = fp.map(|fp| locate(fp, &d.text, &index, c.span));
        let outcome = match found {
            None => {
                Err("it was saved without a fingerprint of its text (by an older Tema), so it cannot be checked".into())
            }
            Some(Located::InPlace) => Ok(c.span),
            Some(Located::Moved(span)) if relocate => Ok(span),
            Some(Located::Moved(span)) => {
                Err(format!("its text is now at chars {}–{}; `tema repair` re-anchors it", span.start, span.end))
            }
            Some(Located::Missing) => Err("its text is no longer in the document".to_string()),
            Some(Located::Ambiguous(n)) => {
                Err(format!("its text is in the document {n} times, none nearer to where it was than the others"))
            }
        };
        match outcome {
            Ok(span) if !taken.insert((span, c.code, c.coder)) => {
                unplaced.push((id, "the same code by the same coder is already on that text".into()));
            }
            Ok(span) => {
                map.add(c.span, span);
                placed.push((id, span));
            }
            Err(reason) => unplaced.push((id, reason)),
        }
    }
    for (id, span) in placed {
        let Some(c) = project.codings.get(&id) else { continue };
        if c.span != span {
            let was = describe_coding(project, c, fingerprints.get(&id));
            report.reanchored.push(format!("{was}: now at chars {}–{}", span.start, span.end));
            if let Some(c) = project.codings.get_mut(&id) {
                c.span = span;
            }
        }
    }
    for (id, reason) in unplaced {
        let Some(coding) = project.codings.remove(&id) else { continue };
        let fingerprint = fingerprints.get(&id).cloned();
        report.unanchored.push(format!("{}: {reason}", describe_coding(project, &coding, fingerprint.as_ref())));
        held.codings.push(HeldCoding { coding, fingerprint, reason });
    }
    map
}

/// A quote moved with the found coding that holds its extract, cuts and insertions.
fn place_quote(map: &AnchorMap, q: &Quote) -> Option<Quote> {
    let point = |p: CharPos| map.map(Span { start: p, end: p }).map(|s| s.start);
    let mut q = q.clone();
    q.props.span = map.map(q.props.span)?;
    q.props.cuts = q.props.cuts.iter().map(|c| map.map(*c)).collect::<Option<_>>()?;
    for i in &mut q.props.insertions {
        i.at = point(i.at)?;
    }
    Some(q)
}

/// A note on a passage moved with the found coding that holds the passage.
fn place_note(map: &AnchorMap, m: &Memo) -> Option<Memo> {
    let MemoTarget::Passage { doc, span } = m.props.target else { return None };
    let mut m = m.clone();
    m.props.target = MemoTarget::Passage { doc, span: map.map(span)? };
    Some(m)
}

/// A consensus record whose spans (copies of the codings discussed) moved with found codings.
fn place_consensus(map: &AnchorMap, e: &ConsensusEntry) -> Option<ConsensusEntry> {
    let mut e = e.clone();
    for side in [&mut e.a, &mut e.b].into_iter().flatten() {
        side.span = map.map(side.span)?;
    }
    if let Resolution::NewCode { span, .. } = &mut e.resolution {
        *span = map.map(*span)?;
    }
    Some(e)
}

fn describe_consensus(project: &Project, e: &ConsensusEntry) -> String {
    let doc = project.documents.get(&e.doc).map_or("(a removed document)", |d| d.name());
    format!("a consensus record on “{doc}” from {}", e.at.format("%Y-%m-%d"))
}

const NOT_HELD: &str = "no coding found again holds it";

/// Moves the quotes, notes on passages and consensus records on `doc` with the codings found
/// in its new text; what no found coding holds is unanchored.
fn move_anchored_items(
    project: &mut Project,
    doc: DocId,
    map: &AnchorMap,
    held: &mut Unanchored,
    report: &mut AnchorReport,
) {
    let ids: Vec<QuoteId> = project.quotes.values().filter(|q| q.doc == doc).map(|q| q.id).collect();
    for id in ids {
        let Some(q) = project.quotes.get(&id) else { continue };
        match place_quote(map, q) {
            Some(moved) => {
                if moved.props.span != q.props.span {
                    let (s, e) = (moved.props.span.start, moved.props.span.end);
                    report.moved.push(format!("{}: now at chars {s}–{e}", describe_quote(project, q)));
                }
                project.quotes.insert(id, moved);
            }
            None => {
                report.unanchored.push(format!("{}: {NOT_HELD}", describe_quote(project, q)));
                if let Some(q) = project.quotes.shift_remove(&id) {
                    held.quotes.push(q);
                }
            }
        }
    }
    let ids: Vec<MemoId> = project
        .memos
        .values()
        .filter(|m| matches!(m.props.target, MemoTarget::Passage { doc: d, .. } if d == doc))
        .map(|m| m.id)
        .collect();
    for id in ids {
        let Some(m) = project.memos.get(&id) else { continue };
        match place_note(map, m) {
            Some(moved) => {
                if moved.props.target != m.props.target {
                    report.moved.push(format!("{}: moved with its passage", describe_memo(project, m)));
                }
                project.memos.insert(id, moved);
            }
            None => {
                report.unanchored.push(format!("{}: {NOT_HELD}", describe_memo(project, m)));
                if let Some(m) = project.memos.shift_remove(&id) {
                    held.notes.push(m);
                }
            }
        }
    }
    let ids: Vec<ConsensusId> = project.consensus.values().filter(|e| e.doc == doc).map(|e| e.id).collect();
    for id in ids {
        let Some(e) = project.consensus.get(&id) else { continue };
        match place_consensus(map, e) {
            Some(moved) => {
                project.consensus.insert(id, moved);
            }
            None => {
                report.unanchored.push(format!("{}: {NOT_HELD}", describe_consensus(project, e)));
                if let Some(e) = project.consensus.shift_remove(&id) {
                    held.consensus.push(e);
                }
            }
        }
    }
}

/// Places again what an earlier quarantine left unanchored, where it is found now (the text
/// was restored or corrected since): codings by their fingerprints, when their document,
/// code and coder are there; then quotes, notes and consensus records that those codings hold.
fn reanchor_held(project: &mut Project, held: &mut Unanchored, report: &mut AnchorReport) {
    let mut keep = Vec::new();
    let mut taken: HashSet<(DocId, Span, CodeId, CoderId)> =
        project.codings.values().map(|c| (c.doc, c.span, c.code, c.coder)).collect();
    let mut maps: HashMap<DocId, AnchorMap> = HashMap::new();
    for h in std::mem::take(&mut held.codings) {
        let c = &h.coding;
        let exists = project.codes.contains_key(&c.code)
            && project.coders.contains_key(&c.coder)
            && !project.codings.contains_key(&c.id);
        let found = match (project.documents.get(&c.doc), &h.fingerprint) {
            (Some(d), Some(fp)) if exists => match locate(fp, &d.text, &d.text_index(), c.span) {
                Located::InPlace => Some(c.span),
                Located::Moved(span) => Some(span),
                Located::Missing | Located::Ambiguous(_) => None,
            },
            _ => None,
        };
        match found {
            Some(span) if taken.insert((c.doc, span, c.code, c.coder)) => {
                let was = describe_coding(project, c, h.fingerprint.as_ref());
                report.reanchored.push(format!("{was}: now at chars {}–{}", span.start, span.end));
                maps.entry(c.doc).or_default().add(c.span, span);
                let mut coding = h.coding;
                coding.span = span;
                project.codings.insert(coding.id, coding);
            }
            _ => keep.push(h),
        }
    }
    held.codings = keep;
    // A text restored to the one the items were anchored in takes every one back in place.
    for (doc, hash) in &held.anchored_in {
        if let Some(d) = project.documents.get(doc).filter(|d| !hash.is_empty() && d.text_hash == *hash) {
            maps.entry(*doc).or_default().add(d.full_span(), d.full_span());
        }
    }
    let empty = AnchorMap::default();
    let map_of = |doc: DocId| maps.get(&doc).unwrap_or(&empty);
    for q in std::mem::take(&mut held.quotes) {
        match place_quote(map_of(q.doc), &q).filter(|q| project.themes.contains_key(&q.theme)) {
            Some(q) => {
                report.moved.push(format!("{}: placed again", describe_quote(project, &q)));
                project.quotes.insert(q.id, q);
            }
            None => held.quotes.push(q),
        }
    }
    for m in std::mem::take(&mut held.notes) {
        let placed = match m.props.target {
            // Memos on a coding placed again come back with it.
            MemoTarget::Coding(c) if project.codings.contains_key(&c) => Some(m.clone()),
            MemoTarget::Passage { doc, .. } => place_note(map_of(doc), &m),
            _ => None,
        };
        match placed {
            Some(m) => {
                report.moved.push(format!("{}: placed again", describe_memo(project, &m)));
                project.memos.insert(m.id, m);
            }
            None => held.notes.push(m),
        }
    }
    for e in std::mem::take(&mut held.consensus) {
        let ok = |e: &ConsensusEntry| {
            [Some(e.coder_a), Some(e.coder_b), Some(e.target), e.author]
                .into_iter()
                .flatten()
                .all(|c| project.coders.contains_key(&c))
        };
        match place_consensus(map_of(e.doc), &e).filter(ok) {
            Some(e) => {
                report.moved.push(format!("{}: placed again", describe_consensus(project, &e)));
                project.consensus.insert(e.id, e);
            }
            None => held.consensus.push(e),
        }
    }
    // What stays unanchored is listed, once, whether it was left so now or before.
    report.unanchored = held.describe(project);
}

/// Memos on a coding that is unanchored cannot stay in the project (their target is gone
/// from it): they are kept with it.
fn hold_memos_on_held_codings(project: &mut Project, held: &mut Unanchored, report: &mut AnchorReport) {
    let ids: Vec<MemoId> = project
        .memos
        .values()
        .filter(|m| matches!(m.props.target, MemoTarget::Coding(c) if !project.codings.contains_key(&c)))
        .map(|m| m.id)
        .collect();
    for id in ids {
        if let Some(m) = project.memos.shift_remove(&id) {
            report.unanchored.push(describe_memo(project, &m));
            held.notes.push(m);
        }
    }
}
