//! Comparing coders on one document: where they agree, where they differ, which codes seem to
//! mean the same, and the consensus log of how differences were settled.
//!
//! [`Comparison::build`] is the view model of the comparison view: lanes (one stripe per
//! coder), the agreements, the differences with their text and whether they were resolved,
//! code-to-code mapping suggestions, and the log. [`resolve`] turns a decision about one
//! difference into one undoable edit: the coding changes that carry it out and the log entry.

use super::spans::Coverage;
use super::{TeamError, coders_or_all};
use crate::edit::{Edit, code_or_new, coder_or_new};
use crate::model::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// A coding as the comparison view shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CodingView {
    pub coding: CodingId,
    pub coder: CoderId,
    pub span: Span,
    pub code: CodeId,
    pub code_name: String,
    pub colour: Colour,
    pub text: String,
}

/// One coder's codings of the document, in text order: a stripe in the margin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Lane {
    pub coder: CoderId,
    pub name: String,
    pub colour: Colour,
    pub codings: Vec<CodingView>,
}

/// Both coders applied the same code to exactly the same passage.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Agreement {
    pub a: CodingView,
    pub b: CodingView,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Difference {
    pub kind: DifferenceKind,
    pub a: Option<CodingView>,
    pub b: Option<CodingView>,
    /// The passage the two sides cover together.
    pub span: Span,
    pub text: String,
    /// Characters both sides share (0 for "only A" and "only B").
    pub overlap: usize,
    /// The consensus entry that settled this difference, if the codings are still as they
    /// were when it was settled.
    pub resolved: Option<ConsensusId>,
}

impl Difference {
    fn sides(&self) -> impl Iterator<Item = &CodingView> {
        self.a.iter().chain(&self.b)
    }
}

/// How much a code of the first coder and a code of the second cover the same text.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CodePair {
    pub code_a: CodeId,
    pub name_a: String,
    pub code_b: CodeId,
    pub name_b: String,
    /// Characters coded with `code_a` by the first coder and `code_b` by the second.
    pub overlap: u64,
    pub chars_a: u64,
    pub chars_b: u64,
    /// Overlap over characters covered by either: 1 when they cover exactly the same text.
    pub jaccard: f64,
    /// Each is the other's best match.
    pub mutual_best: bool,
    /// Two different codes that seem to mean the same (mutual best match with a Jaccard index
    /// of at least [`SUGGEST_MIN_JACCARD`]): a candidate for merging or for a shared name.
    pub suggested: bool,
}

/// The smallest Jaccard index at which two different codes are suggested as the same.
pub const SUGGEST_MIN_JACCARD: f64 = 0.3;

/// An entry of the consensus log with the names the view shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LogRow {
    #[serde(flatten)]
    pub entry: ConsensusEntry,
    pub resolution_label: String,
    pub target_name: String,
    pub author_name: Option<String>,
    /// The text of the passage the difference covered.
    pub text: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub agreements: usize,
    pub only_a: usize,
    pub only_b: usize,
    pub boundaries: usize,
    pub different_code: usize,
    pub resolved: usize,
}

/// Two coders' codings of one document, compared.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    pub doc: DocId,
    pub doc_name: String,
    pub a: Lane,
    pub b: Lane,
    pub agreements: Vec<Agreement>,
    /// In text order.
    pub differences: Vec<Difference>,
    /// Code pairs that cover some of the same text, best match first.
    pub mapping: Vec<CodePair>,
    /// Consensus entries for this document and pair of coders, oldest first.
    pub log: Vec<LogRow>,
    pub summary: Summary,
}

fn view(p: &Project, doc: &Document, c: &Coding) -> CodingView {
    let code = p.codes.get(&c.code);
    CodingView {
        coding: c.id,
        coder: c.coder,
        span: c.span,
        code: c.code,
        code_name: code.map(|c| c.name().to_string()).unwrap_or_default(),
        colour: code.map(|c| c.props.colour).unwrap_or_default(),
        text: doc.slice(c.span).unwrap_or_default().to_string(),
    }
}

/// One coder's lane of a document.
pub fn lane(p: &Project, doc: DocId, coder: CoderId) -> Result<Lane, TeamError> {
    let d = p.documents.get(&doc).ok_or(TeamError::UnknownDocument)?;
    let c = p.coders.get(&coder).ok_or(TeamError::UnknownCoder(coder))?;
    let codings = p.codings_in(doc).into_iter().filter(|x| x.coder == coder).map(|x| view(p, d, x)).collect();
    Ok(Lane { coder, name: c.name.clone(), colour: c.colour, codings })
}

/// Lanes for several coders (every coder with codings when `coders` is empty), for the
/// stripes of a document view that shows more than two coders.
pub fn lanes(p: &Project, doc: DocId, coders: &[CoderId]) -> Result<Vec<Lane>, TeamError> {
    coders_or_all(p, coders)?.into_iter().map(|c| lane(p, doc, c)).collect()
}

/// Every pair of the given coders (or of all coders with codings) compared on a document.
pub fn compare_all(p: &Project, doc: DocId, coders: &[CoderId]) -> Result<Vec<Comparison>, TeamError> {
    let coders = coders_or_all(p, coders)?;
    let mut out = Vec::new();
    for (i, a) in coders.iter().enumerate() {
        for b in &coders[i + 1..] {
            out.push(Comparison::build(p, doc, *a, *b)?);
        }
    }
    Ok(out)
}

impl Comparison {
    pub fn build(p: &Project, doc: DocId, a: CoderId, b: CoderId) -> Result<Comparison, TeamError> {
        if a == b {
            let name = p.coders.get(&a).map(|c| c.name.clone()).unwrap_or_default();
            return Err(TeamError::DuplicateCoder(name));
        }
        let d = p.documents.get(&doc).ok_or(TeamError::UnknownDocument)?;
        let lane_a = lane(p, doc, a)?;
        let lane_b = lane(p, doc, b)?;
        let (agreements, mut differences) = match_codings(d, &lane_a.codings, &lane_b.codings);
        let resolved = resolved_index(p, doc, a, b);
        for diff in &mut differences {
            diff.resolved = resolved.get(&key_of(diff.a.as_ref(), diff.b.as_ref())).copied();
        }
        let mut summary = Summary { agreements: agreements.len(), ..Default::default() };
        for diff in &differences {
            match diff.kind {
                DifferenceKind::OnlyA => summary.only_a += 1,
                DifferenceKind::OnlyB => summary.only_b += 1,
                DifferenceKind::Boundaries => summary.boundaries += 1,
                DifferenceKind::DifferentCode => summary.different_code += 1,
            }
            summary.resolved += usize::from(diff.resolved.is_some());
        }
        let name = |c: CoderId| p.coders.get(&c).map(|c| c.name.clone());
        let log = p
            .consensus
            .values()
            .filter(|e| e.doc == doc && ((e.coder_a, e.coder_b) == (a, b) || (e.coder_a, e.coder_b) == (b, a)))
            .map(|e| {
                let spans = e.a.iter().chain(&e.b).map(|s| s.span);
                let span = spans.reduce(cover).unwrap_or_default();
                LogRow {
                    entry: e.clone(),
                    resolution_label: e.resolution.label().to_string(),
                    target_name: name(e.target).unwrap_or_default(),
                    author_name: e.author.and_then(name),
                    text: d.slice(span).unwrap_or_default().to_string(),
                }
            })
            .collect();
        Ok(Comparison {
            doc,
            doc_name: d.name().to_string(),
            mapping: code_mapping(p, &[doc], a, b),
            a: lane_a,
            b: lane_b,
            agreements,
            differences,
            log,
            summary,
        })
    }
}

/// The smallest span covering both.
fn cover(x: Span, y: Span) -> Span {
    Span { start: x.start.min(y.start), end: x.end.max(y.end) }
}

/// Pairs the two coders' codings: exact matches first, then the same code on overlapping
/// passages (largest overlap first), then different codes on overlapping passages (the same
/// passage first); what is left was coded by one coder only.
fn match_codings(doc: &Document, a: &[CodingView], b: &[CodingView]) -> (Vec<Agreement>, Vec<Difference>) {
    let mut used_a = vec![false; a.len()];
    let mut used_b = vec![false; b.len()];
    let mut agreements = Vec::new();
    let mut differences = Vec::new();
    let exact: HashMap<(Span, CodeId), usize> = b.iter().enumerate().map(|(j, c)| ((c.span, c.code), j)).collect();
    for (i, x) in a.iter().enumerate() {
        if let Some(&j) = exact.get(&(x.span, x.code)) {
            used_a[i] = true;
            used_b[j] = true;
            agreements.push(Agreement { a: x.clone(), b: b[j].clone() });
        }
    }
    // Overlapping pairs, found by a sweep over B sorted by start.
    let max_len = b.iter().map(|c| c.span.len()).max().unwrap_or(0);
    let mut candidates: Vec<(usize, usize, f64, usize)> = Vec::new();
    for (i, x) in a.iter().enumerate().filter(|(i, _)| !used_a[*i]) {
        let from = b.partition_point(|c| c.span.start.get() + max_len <= x.span.start.get());
        for (j, y) in b.iter().enumerate().skip(from) {
            if y.span.start >= x.span.end {
                break;
            }
            if used_b[j] || !x.span.overlaps(&y.span) {
                continue;
            }
            let shared = x.span.intersection_len(&y.span);
            let jaccard = shared as f64 / (x.span.len() + y.span.len() - shared) as f64;
            candidates.push((i, j, jaccard, shared));
        }
    }
    // Best first; ties in text order, so the result does not depend on hashing.
    candidates.sort_by(|p, q| q.2.total_cmp(&p.2).then(q.3.cmp(&p.3)).then((p.0, p.1).cmp(&(q.0, q.1))));
    for same_code in [true, false] {
        for &(i, j, _, shared) in &candidates {
            if used_a[i] || used_b[j] || (a[i].code == b[j].code) != same_code {
                continue;
            }
            used_a[i] = true;
            used_b[j] = true;
            let kind = if same_code { DifferenceKind::Boundaries } else { DifferenceKind::DifferentCode };
            differences.push(difference(doc, kind, Some(&a[i]), Some(&b[j]), shared));
        }
    }
    for x in a.iter().zip(&used_a).filter(|(_, used)| !**used).map(|(x, _)| x) {
        differences.push(difference(doc, DifferenceKind::OnlyA, Some(x), None, 0));
    }
    for y in b.iter().zip(&used_b).filter(|(_, used)| !**used).map(|(y, _)| y) {
        differences.push(difference(doc, DifferenceKind::OnlyB, None, Some(y), 0));
    }
    differences.sort_by_key(|d| (d.span.start, d.span.end, d.kind));
    (agreements, differences)
}

fn difference(
    doc: &Document,
    kind: DifferenceKind,
    a: Option<&CodingView>,
    b: Option<&CodingView>,
    overlap: usize,
) -> Difference {
    let span = a.iter().chain(&b).map(|c| c.span).reduce(cover).unwrap_or_default();
    Difference {
        kind,
        a: a.cloned(),
        b: b.cloned(),
        span,
        text: doc.slice(span).unwrap_or_default().to_string(),
        overlap,
        resolved: None,
    }
}

/// What identifies a difference for the log: each side's coding with its span and code.
type DiffKey = (Option<(CodingId, Span, CodeId)>, Option<(CodingId, Span, CodeId)>);

fn key_of(a: Option<&CodingView>, b: Option<&CodingView>) -> DiffKey {
    (a.map(|c| (c.coding, c.span, c.code)), b.map(|c| (c.coding, c.span, c.code)))
}

/// Consensus entries of a document and pair of coders by the difference they settled.
fn resolved_index(p: &Project, doc: DocId, a: CoderId, b: CoderId) -> HashMap<DiffKey, ConsensusId> {
    let snap = |s: &Option<CodingSnapshot>| s.as_ref().map(|s| (s.coding, s.span, s.code));
    let mut out = HashMap::new();
    for e in p.consensus.values().filter(|e| e.doc == doc) {
        if (e.coder_a, e.coder_b) == (a, b) {
            out.insert((snap(&e.a), snap(&e.b)), e.id);
        } else if (e.coder_a, e.coder_b) == (b, a) {
            out.insert((snap(&e.b), snap(&e.a)), e.id);
        }
    }
    out
}

/// One coder's spans of one document, per code.
type SpansByCode = BTreeMap<CodeId, Vec<Span>>;

/// Which codes of coder `a` and coder `b` cover the same text, over the given documents (all
/// documents when `docs` is empty), best match first.
pub fn code_mapping(p: &Project, docs: &[DocId], a: CoderId, b: CoderId) -> Vec<CodePair> {
    let wanted: HashSet<DocId> = docs.iter().copied().collect();
    // Per document, per code: the spans of each coder.
    let mut spans: BTreeMap<DocId, (SpansByCode, SpansByCode)> = BTreeMap::new();
    // The named documents' codings from the index; all codings only for the whole project.
    let codings: Box<dyn Iterator<Item = &Coding>> = if wanted.is_empty() {
        Box::new(p.codings.values())
    } else {
        Box::new(wanted.iter().flat_map(|d| p.codings_of_doc(*d)))
    };
    for c in codings {
        let entry = spans.entry(c.doc).or_default();
        if c.coder == a {
            entry.0.entry(c.code).or_default().push(c.span);
        } else if c.coder == b {
            entry.1.entry(c.code).or_default().push(c.span);
        }
    }
    let mut chars_a: BTreeMap<CodeId, u64> = BTreeMap::new();
    let mut chars_b: BTreeMap<CodeId, u64> = BTreeMap::new();
    let mut overlap: BTreeMap<(CodeId, CodeId), u64> = BTreeMap::new();
    for (codes_a, codes_b) in spans.into_values() {
        let cov_a: Vec<(CodeId, Coverage)> = codes_a.into_iter().map(|(c, s)| (c, Coverage::new(s))).collect();
        let cov_b: Vec<(CodeId, Coverage)> = codes_b.into_iter().map(|(c, s)| (c, Coverage::new(s))).collect();
        for (x, cx) in &cov_a {
            *chars_a.entry(*x).or_default() += cx.len();
        }
        for (y, cy) in &cov_b {
            *chars_b.entry(*y).or_default() += cy.len();
        }
        for (x, cx) in &cov_a {
            for (y, cy) in &cov_b {
                let n = cx.intersection_len(cy);
                if n > 0 {
                    *overlap.entry((*x, *y)).or_default() += n;
                }
            }
        }
    }
    let name = |c: &CodeId| p.codes.get(c).map(|c| c.name().to_string()).unwrap_or_default();
    let mut pairs: Vec<CodePair> = overlap
        .into_iter()
        .map(|((x, y), n)| {
            let (ca, cb) = (chars_a.get(&x).copied().unwrap_or(0), chars_b.get(&y).copied().unwrap_or(0));
            CodePair {
                code_a: x,
                name_a: name(&x),
                code_b: y,
                name_b: name(&y),
                overlap: n,
                chars_a: ca,
                chars_b: cb,
                jaccard: n as f64 / (ca + cb - n) as f64,
                mutual_best: false,
                suggested: false,
            }
        })
        .collect();
    pairs.sort_by(|p, q| q.jaccard.total_cmp(&p.jaccard).then(q.overlap.cmp(&p.overlap)).then(p.name_a.cmp(&q.name_a)));
    // The first pair listed for a code is its best match.
    let mut best_a: HashMap<CodeId, CodeId> = HashMap::new();
    let mut best_b: HashMap<CodeId, CodeId> = HashMap::new();
    for pair in &pairs {
        best_a.entry(pair.code_a).or_insert(pair.code_b);
        best_b.entry(pair.code_b).or_insert(pair.code_a);
    }
    for pair in &mut pairs {
        pair.mutual_best =
            best_a.get(&pair.code_a) == Some(&pair.code_b) && best_b.get(&pair.code_b) == Some(&pair.code_a);
        pair.suggested = pair.mutual_best && pair.code_a != pair.code_b && pair.jaccard >= SUGGEST_MIN_JACCARD;
    }
    pairs
}

// ---- resolving a difference ----

/// What the team decided about a difference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Choice {
    KeepA,
    KeepB,
    Both,
    /// Another code for the passage (by default the passage both sides cover together).
    NewCode {
        code: CodeChoice,
        span: Option<Span>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CodeChoice {
    Existing(CodeId),
    /// A code by name: the existing one with that name, or a new one.
    Named(String),
}

/// Whose codings carry the outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// An existing coder: a consensus coder, or one of the two compared (their codings are
    /// then changed to the outcome).
    Coder(CoderId),
    /// A coder by name, created if needed: the usual "Consensus" coder, which keeps both
    /// independent codings as they were (so agreement can still be computed on them).
    Named(String),
}

/// The name of the coder that holds agreed codings unless the team chooses otherwise.
pub const CONSENSUS_CODER: &str = "Consensus";

impl Default for Target {
    fn default() -> Self {
        Target::Named(CONSENSUS_CODER.to_string())
    }
}

/// A decision about one difference of a comparison.
#[derive(Clone, Debug)]
pub struct Decision {
    pub choice: Choice,
    pub note: String,
    pub target: Target,
    pub author: Option<CoderId>,
    pub at: Timestamp,
}

/// The edit that carries out a decision: the coding changes for the target coder (codings of
/// the difference the outcome drops are removed or changed, the outcome's codings the target
/// lacks are added) and the consensus entry, as one undoable batch.
pub fn resolve(p: &Project, cmp: &Comparison, diff: &Difference, decision: &Decision) -> Result<Edit, TeamError> {
    // The difference must still describe the project.
    for side in diff.sides() {
        let current = p.codings.get(&side.coding);
        if current.is_none_or(|c| c.span != side.span || c.code != side.code || c.coder != side.coder) {
            return Err(TeamError::StaleDifference);
        }
    }
    let doc = p.documents.get(&cmp.doc).ok_or(TeamError::UnknownDocument)?;
    let mut edits = Vec::new();
    let target = match &decision.target {
        Target::Coder(id) => {
            if !p.coders.contains_key(id) {
                return Err(TeamError::UnknownCoder(*id));
            }
            *id
        }
        Target::Named(name) => {
            let (id, add) = coder_or_new(p, name)?;
            edits.extend(add);
            id
        }
    };
    let side = |c: &Option<CodingView>| c.as_ref().map(|c| (c.span, c.code, Some(c.coding)));
    let (a, b) = (side(&diff.a), side(&diff.b));
    let (outcome, resolution): (Vec<(Span, CodeId, Option<CodingId>)>, Resolution) = match &decision.choice {
        Choice::KeepA => (a.into_iter().collect(), Resolution::KeepA),
        Choice::KeepB => (b.into_iter().collect(), Resolution::KeepB),
        Choice::Both => (a.into_iter().chain(b).collect(), Resolution::Both),
        Choice::NewCode { code, span } => {
            let span = span.unwrap_or(diff.span);
            if span.is_empty() || span.end.get() > doc.char_len {
                return Err(TeamError::Invalid(format!(
                    "the passage {span:?} is not inside \"{}\" ({} characters)",
                    doc.name(),
                    doc.char_len
                )));
            }
            let (id, name) = match code {
                CodeChoice::Existing(id) => {
                    let c =
                        p.codes.get(id).ok_or_else(|| TeamError::Invalid(format!("there is no code with id {id}")))?;
                    (*id, c.name().to_string())
                }
                CodeChoice::Named(name) => {
                    let (id, create) = code_or_new(p, name, None)?;
                    edits.extend(create);
                    (id, p.codes.get(&id).map_or(name.trim(), |c| c.name()).to_string())
                }
            };
            (vec![(span, id, None)], Resolution::NewCode { code: id, code_name: name, span })
        }
    };
    // The target's own codings among the two sides.
    let involved: Vec<&CodingView> = diff.sides().filter(|c| c.coder == target).collect();
    let in_outcome = |c: &CodingView| outcome.iter().any(|(s, code, _)| *s == c.span && *code == c.code);
    let mut drop: Vec<&CodingView> = involved.iter().copied().filter(|c| !in_outcome(c)).collect();
    let held = |s: Span, code: CodeId| {
        involved.iter().any(|c| c.span == s && c.code == code) || p.find_coding(cmp.doc, s, code, target).is_some()
    };
    let mut add: Vec<&(Span, CodeId, Option<CodingId>)> = outcome.iter().filter(|(s, c, _)| !held(*s, *c)).collect();
    let comment_of = |from: &Option<CodingId>| from.and_then(|id| p.codings.get(&id)).map(|c| c.comment.clone());
    // Change a dropped coding into a missing one where possible: it keeps its id and memos.
    while let (Some(old), Some(new)) = (drop.last().copied(), add.last().copied()) {
        let comment = comment_of(&new.2)
            .unwrap_or_else(|| p.codings.get(&old.coding).map(|c| c.comment.clone()).unwrap_or_default());
        edits.push(Edit::UpdateCoding { id: old.coding, props: CodingProps { span: new.0, code: new.1, comment } });
        drop.pop();
        add.pop();
    }
    edits.extend(drop.into_iter().map(|c| Edit::RemoveCoding { id: c.coding }));
    for (span, code, from) in add {
        edits.push(Edit::AddCoding {
            coding: Coding {
                id: CodingId::new(),
                doc: cmp.doc,
                span: *span,
                code: *code,
                coder: target,
                created: decision.at,
                comment: comment_of(from).unwrap_or_default(),
            },
        });
    }
    let snapshot = |c: &Option<CodingView>| {
        c.as_ref().map(|c| CodingSnapshot {
            coding: c.coding,
            span: c.span,
            code: c.code,
            code_name: c.code_name.clone(),
        })
    };
    let label = format!("Resolve difference in “{}”: {}", doc.name(), resolution.label());
    edits.push(Edit::AddConsensus {
        entry: Box::new(ConsensusEntry {
            id: ConsensusId::new(),
            doc: cmp.doc,
            coder_a: cmp.a.coder,
            coder_b: cmp.b.coder,
            kind: diff.kind,
            a: snapshot(&diff.a),
            b: snapshot(&diff.b),
            resolution,
            target,
            note: decision.note.trim().to_string(),
            author: decision.author,
            at: decision.at,
        }),
        index: None,
    });
    Ok(Edit::batch(label, edits))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::team::testutil::*;

    /// 95 characters of Norwegian with an emoji and a flag (two characters).
    const TEXT: &str =
        "Møtet på NAV 😀 var greit. De snakket om meg, ikke med meg. Jeg håper på jobb 🇳🇴 til våren, ærlig talt.";

    fn setup() -> Project {
        assert!(TEXT.chars().count() >= 95);
        project(
            &[("J1", TEXT)],
            2,
            &[
                (0, 0, "Stemme", 0, 10), // agreement
                (1, 0, "Stemme", 0, 10),
                (0, 0, "Håp", 20, 30), // other boundaries
                (1, 0, "Håp", 22, 33),
                (0, 0, "Jobb", 40, 50), // same passage, other code
                (1, 0, "Tillit", 40, 50),
                (0, 0, "AAP", 60, 70),  // only A
                (1, 0, "Jobb", 80, 90), // only B
            ],
        )
    }

    fn cmp(p: &Project) -> Comparison {
        let c = Comparison::build(p, doc_id(0), coder_id(0), coder_id(1));
        assert!(c.is_ok(), "{c:?}");
        c.unwrap_or_else(|_| unreachable!())
    }

    #[test]
    fn differences_are_classified() {
        let p = setup();
        let c = cmp(&p);
        assert_eq!(c.agreements.len(), 1);
        let kinds: Vec<(DifferenceKind, Span)> = c.differences.iter().map(|d| (d.kind, d.span)).collect();
        assert_eq!(
            kinds,
            [
                (DifferenceKind::Boundaries, Span::new(20, 33)),
                (DifferenceKind::DifferentCode, Span::new(40, 50)),
                (DifferenceKind::OnlyA, Span::new(60, 70)),
                (DifferenceKind::OnlyB, Span::new(80, 90)),
            ]
        );
        assert_eq!(c.differences[0].overlap, 8);
        assert_eq!(c.differences[2].text, TEXT.chars().skip(60).take(10).collect::<String>());
        assert_eq!(
            c.summary,
            Summary { agreements: 1, only_a: 1, only_b: 1, boundaries: 1, different_code: 1, resolved: 0 }
        );
        assert_eq!(c.a.name, "Ingrid");
        assert_eq!(c.b.codings.len(), 4);
        assert_eq!(c.a.codings[0].text, "Møtet på N");
    }

    #[test]
    fn the_same_code_is_paired_before_another_code() {
        // Tom's "Håp" overlaps Ingrid's "Håp" less than his "Jobb" does, but the same code wins.
        let p = project(&[("J1", TEXT)], 2, &[(0, 0, "Håp", 10, 30), (1, 0, "Jobb", 10, 30), (1, 0, "Håp", 25, 40)]);
        let c = cmp(&p);
        let kinds: Vec<DifferenceKind> = c.differences.iter().map(|d| d.kind).collect();
        assert_eq!(kinds, [DifferenceKind::OnlyB, DifferenceKind::Boundaries]);
    }

    #[test]
    fn codes_covering_the_same_text_are_suggested() {
        let p = project(
            &[("J1", TEXT)],
            2,
            &[
                (0, 0, "Stemme", 0, 20),
                (1, 0, "Å bli hørt", 2, 20),
                (0, 0, "Håp", 60, 90),
                (1, 0, "Håp", 60, 80),
                (1, 0, "Å bli hørt", 85, 90),
            ],
        );
        let m = code_mapping(&p, &[], coder_id(0), coder_id(1));
        let suggested: Vec<(&str, &str)> =
            m.iter().filter(|x| x.suggested).map(|x| (x.name_a.as_str(), x.name_b.as_str())).collect();
        assert_eq!(suggested, [("Stemme", "Å bli hørt")]);
        let first = &m[0];
        assert_eq!((first.name_a.as_str(), first.overlap, first.chars_a, first.chars_b), ("Stemme", 18, 20, 23));
        assert!((first.jaccard - 18.0 / 25.0).abs() < 1e-12);
        // "Håp" matches itself best: not a suggestion, but listed.
        assert!(m.iter().any(|x| x.name_a == "Håp" && x.name_b == "Håp" && x.mutual_best && !x.suggested));
    }

    fn decision(choice: Choice, target: Target) -> Decision {
        Decision {
            choice,
            note: " Vi ble enige etter samtalen. ".into(),
            target,
            author: Some(coder_id(0)),
            at: chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default(),
        }
    }

    #[test]
    fn resolving_into_a_consensus_coder_keeps_both_codings() -> Result<(), Box<dyn std::error::Error>> {
        let mut p = setup();
        let before = p.clone();
        let c = cmp(&p);
        let diff = &c.differences[0]; // boundaries
        let edit = resolve(&p, &c, diff, &decision(Choice::KeepB, Target::default()))?;
        let undo = p.apply(edit)?;
        let consensus = p.coder_by_name(CONSENSUS_CODER).map(|c| c.id).ok_or("no consensus coder")?;
        let agreed: Vec<&Coding> = p.codings.values().filter(|c| c.coder == consensus).collect();
        assert_eq!(agreed.len(), 1);
        assert_eq!((agreed[0].span, agreed[0].code), (Span::new(22, 33), code_id("Håp")));
        // The independent codings are untouched; the difference is listed as resolved.
        let c2 = cmp(&p);
        assert_eq!(c2.differences.len(), 4);
        assert!(c2.differences[0].resolved.is_some());
        assert_eq!(c2.summary.resolved, 1);
        assert_eq!(c2.log.len(), 1);
        assert_eq!(c2.log[0].entry.note, "Vi ble enige etter samtalen.");
        assert_eq!(c2.log[0].resolution_label, "Keep B");
        assert_eq!(c2.log[0].target_name, CONSENSUS_CODER);
        assert_eq!(c2.log[0].text, TEXT.chars().skip(20).take(13).collect::<String>());
        // One step: undo restores the project exactly.
        p.apply(undo)?;
        assert_eq!(p, before);
        Ok(())
    }

    #[test]
    fn resolving_into_a_coders_own_codings_makes_them_agree() -> Result<(), Box<dyn std::error::Error>> {
        let mut p = setup();
        let c = cmp(&p);
        // Boundaries: Ingrid takes Tom's boundaries; her coding keeps its id.
        let edit = resolve(&p, &c, &c.differences[0], &decision(Choice::KeepB, Target::Coder(coder_id(0))))?;
        p.apply(edit)?;
        let hers = p.codings.get(&CodingId::from_u128(1002)).ok_or("coding gone")?;
        assert_eq!(hers.span, Span::new(22, 33));
        // Only A, kept by B: Tom gets a copy.
        let c = cmp(&p);
        let only_a = c.differences.iter().find(|d| d.kind == DifferenceKind::OnlyA).ok_or("no only-A")?;
        p.apply(resolve(&p, &c, only_a, &decision(Choice::KeepA, Target::Coder(coder_id(1))))?)?;
        // Only B, not kept by B: Tom's coding goes.
        let c = cmp(&p);
        let only_b = c.differences.iter().find(|d| d.kind == DifferenceKind::OnlyB).ok_or("no only-B")?;
        p.apply(resolve(&p, &c, only_b, &decision(Choice::KeepA, Target::Coder(coder_id(1))))?)?;
        let c = cmp(&p);
        assert_eq!(c.agreements.len(), 3);
        let kinds: Vec<DifferenceKind> = c.differences.iter().map(|d| d.kind).collect();
        assert_eq!(kinds, [DifferenceKind::DifferentCode]);
        assert_eq!(c.log.len(), 3, "resolved differences stay in the log after they are gone");
        assert!(p.check_integrity().is_ok());
        Ok(())
    }

    #[test]
    fn a_new_code_and_both() -> Result<(), Box<dyn std::error::Error>> {
        let mut p = setup();
        let c = cmp(&p);
        let diff = &c.differences[1]; // different code on [40, 50)
        let choice = Choice::NewCode { code: CodeChoice::Named("Medvirkning".into()), span: None };
        p.apply(resolve(&p, &c, diff, &decision(choice, Target::default()))?)?;
        let code = p.code_by_name("medvirkning").map(|c| c.id).ok_or("no new code")?;
        assert!(p.codings.values().any(|c| c.code == code && c.span == Span::new(40, 50)));
        let c = cmp(&p);
        let e = &c.log[0].entry;
        assert_eq!(
            e.resolution,
            Resolution::NewCode { code, code_name: "Medvirkning".into(), span: Span::new(40, 50) }
        );
        assert_eq!(e.a.as_ref().map(|s| s.code_name.as_str()), Some("Jobb"));
        // "Both" on the boundaries difference: the consensus coder gets both codings.
        p.apply(resolve(&p, &c, &c.differences[0], &decision(Choice::Both, Target::default()))?)?;
        let consensus = p.coder_by_name(CONSENSUS_CODER).map(|c| c.id).ok_or("no consensus coder")?;
        assert_eq!(p.codings.values().filter(|c| c.coder == consensus).count(), 3);
        Ok(())
    }

    #[test]
    fn a_stale_difference_is_refused_and_logged_coders_stay() -> Result<(), Box<dyn std::error::Error>> {
        let mut p = setup();
        let c = cmp(&p);
        let diff = c.differences[0].clone();
        p.apply(Edit::RemoveCoding { id: CodingId::from_u128(1103) })?;
        let r = resolve(&p, &c, &diff, &decision(Choice::KeepA, Target::default()));
        assert_eq!(r.err(), Some(TeamError::StaleDifference));
        // A coder named in the log cannot be removed.
        let c = cmp(&p);
        let d = c.differences.iter().find(|d| d.kind == DifferenceKind::OnlyB).ok_or("no only-B")?;
        p.apply(resolve(&p, &c, d, &decision(Choice::KeepB, Target::default()))?)?;
        let consensus = p.coder_by_name(CONSENSUS_CODER).map(|c| c.id).ok_or("no consensus coder")?;
        let ids: Vec<CodingId> = p.codings.values().filter(|c| c.coder == consensus).map(|c| c.id).collect();
        for id in ids {
            p.apply(Edit::RemoveCoding { id })?;
        }
        let err = p.apply(Edit::RemoveCoder { id: consensus }).err().ok_or("removed a coder named in the log")?;
        assert!(err.to_string().contains("consensus log"), "{err}");
        Ok(())
    }

    #[test]
    fn more_than_two_coders_compare_pairwise() -> Result<(), Box<dyn std::error::Error>> {
        let p =
            project(&[("J1", TEXT)], 3, &[(0, 0, "Stemme", 0, 10), (1, 0, "Stemme", 0, 10), (2, 0, "Stemme", 0, 12)]);
        let all = compare_all(&p, doc_id(0), &[])?;
        let pairs: Vec<(&str, &str, usize)> =
            all.iter().map(|c| (c.a.name.as_str(), c.b.name.as_str(), c.differences.len())).collect();
        assert_eq!(pairs, [("Ingrid", "Tom", 0), ("Ingrid", "Åse", 1), ("Tom", "Åse", 1)]);
        assert_eq!(lanes(&p, doc_id(0), &[])?.len(), 3);
        Ok(())
    }
}
