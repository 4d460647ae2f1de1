//! Intercoder agreement at the level of characters: percent agreement, Cohen's κ and
//! Krippendorff's α, per code and pooled, per document and over all documents.
//!
//! Each code is its own binary variable: for every unit (a character of a document) and every
//! coder, "did this coder apply this code here?". The units are the characters that at least
//! one of the chosen coders coded with any code (or, as an option, every character). Figures
//! are computed from counts over intervals, so a 300,000-character document costs no more
//! than its codings. `docs/AGREEMENT.md` states each figure's definition for a methods
//! section; `tests/reference/agreement.py` checks them against scikit-learn and the
//! `krippendorff` package.

use super::spans::{Coverage, depth_histogram};
use super::{TeamError, coders_or_all};
use crate::analysis::perdoc::{PerDoc, Refreshed};
use crate::model::*;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;

#[derive(Clone, Debug, Default)]
pub struct AgreementOptions {
    /// The coders to compare (two or more); empty means every coder who has codings.
    pub coders: Vec<CoderId>,
    /// The documents to include; empty means all.
    pub docs: Vec<DocId>,
    /// Count every character as a unit, also those no coder coded (default: only characters
    /// that at least one of the coders coded with some code).
    pub include_uncoded: bool,
}

/// Additive counts of one binary variable (one code, or several codes pooled) over units.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Counts {
    units: u64,
    /// Per coder: units the coder coded.
    coded: Vec<u64>,
    /// Per pair of coders (in `pairs` order): units both coded.
    both: Vec<u64>,
    /// `depth[k]`: units coded by exactly `k` coders, for `k >= 1`.
    depth: Vec<u64>,
}

impl Counts {
    fn empty(coders: usize) -> Self {
        let pairs = coders * (coders - 1) / 2;
        Counts { units: 0, coded: vec![0; coders], both: vec![0; pairs], depth: vec![0; coders + 1] }
    }

    fn add(&mut self, other: &Counts) {
        self.units += other.units;
        for (a, b) in self.coded.iter_mut().zip(&other.coded) {
            *a += b;
        }
        for (a, b) in self.both.iter_mut().zip(&other.both) {
            *a += b;
        }
        for (a, b) in self.depth.iter_mut().zip(&other.depth) {
            *a += b;
        }
    }

    /// Takes away what [`Counts::add`] added (a document's part leaving a sum).
    fn subtract(&mut self, other: &Counts) {
        self.units = self.units.saturating_sub(other.units);
        for (a, b) in self.coded.iter_mut().zip(&other.coded) {
            *a = a.saturating_sub(*b);
        }
        for (a, b) in self.both.iter_mut().zip(&other.both) {
            *a = a.saturating_sub(*b);
        }
        for (a, b) in self.depth.iter_mut().zip(&other.depth) {
            *a = a.saturating_sub(*b);
        }
    }

    /// The 2×2 table of a pair: (both, only first, only second, neither).
    fn table(&self, pair: usize, (i, j): (usize, usize)) -> (u64, u64, u64, u64) {
        let a = self.both[pair];
        let b = self.coded[i] - a;
        let c = self.coded[j] - a;
        let d = self.units - (a + b + c);
        (a, b, c, d)
    }
}

/// Figures for one variable (or a pooled set) and one pair of coders.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PairStats {
    pub a: CoderId,
    pub b: CoderId,
    /// Percent of units on which the two agree (both coded or both did not), 0–100.
    pub percent_agreement: Option<f64>,
    /// Cohen's κ; for pooled figures, the pooled κ of De Vries et al. (2008).
    pub kappa: Option<f64>,
}

/// Figures for one variable (or a pooled set) over all the chosen coders.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stats {
    /// With two coders, the pair's figure; with more, the mean over all pairs.
    pub percent_agreement: Option<f64>,
    /// With two coders, Cohen's κ; with more, the mean over pairs of Cohen's κ (Light's κ).
    pub kappa: Option<f64>,
    /// Krippendorff's α for nominal data, all coders at once.
    pub alpha: Option<f64>,
    /// One entry per pair of coders (a single one for two coders).
    pub pairs: Vec<PairStats>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CodeFigures {
    pub code: CodeId,
    pub name: String,
    /// Units each coder coded with this code (in the report's coder order).
    pub coded: Vec<u64>,
    #[serde(flatten)]
    pub stats: Stats,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Figures {
    /// Number of units (characters).
    pub units: u64,
    /// One row per code used by a chosen coder, in codebook order.
    pub codes: Vec<CodeFigures>,
    /// All codes at once (see `docs/AGREEMENT.md` for how each figure pools).
    pub pooled: Stats,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DocumentFigures {
    pub doc: DocId,
    pub name: String,
    #[serde(flatten)]
    pub figures: Figures,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SkippedDocument {
    pub doc: DocId,
    pub name: String,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CoderRef {
    pub id: CoderId,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AgreementReport {
    pub coders: Vec<CoderRef>,
    pub include_uncoded: bool,
    /// Documents every chosen coder has coded, in project order.
    pub documents: Vec<DocumentFigures>,
    /// Documents left out, and why (a coder has not coded them).
    pub skipped: Vec<SkippedDocument>,
    /// All included documents together: their units laid end to end.
    pub overall: Figures,
}

/// The coders compared and what follows from them: each coder's place in the tables and the
/// pairs of places.
struct Setup {
    coders: Vec<CoderId>,
    index: HashMap<CoderId, usize>,
    pairs: Vec<(usize, usize)>,
    include_uncoded: bool,
}

impl Setup {
    fn new(p: &Project, opts: &AgreementOptions) -> Result<Self, TeamError> {
        let coders = coders_or_all(p, &opts.coders)?;
        let n = coders.len();
        let pairs = (0..n).flat_map(|i| (i + 1..n).map(move |j| (i, j))).collect();
        let index = coders.iter().enumerate().map(|(i, c)| (*c, i)).collect();
        Ok(Setup { coders, index, pairs, include_uncoded: opts.include_uncoded })
    }
}

/// One document's part of the figures: the counts of each code over its units. Every figure
/// of the report is made from these, and the overall counts are their sums, so a kept report
/// recounts only the documents an edit touched ([`KeptAgreement`]).
#[derive(Clone, Debug, Default, PartialEq)]
struct DocPart {
    /// The chosen coders (by place) who have not coded the document: when any, it is left out.
    missing: Vec<usize>,
    units: u64,
    per_code: HashMap<CodeId, Counts>,
}

fn doc_part(p: &Project, d: &Document, s: &Setup) -> DocPart {
    let n = s.coders.len();
    let codings: Vec<&Coding> = p.codings_of_doc(d.id).filter(|c| s.index.contains_key(&c.coder)).collect();
    let mut coded = vec![false; n];
    for c in &codings {
        coded[s.index[&c.coder]] = true;
    }
    let missing: Vec<usize> = (0..n).filter(|i| !coded[*i]).collect();
    if !missing.is_empty() {
        return DocPart { missing, ..DocPart::default() };
    }
    let units = if s.include_uncoded { d.char_len as u64 } else { Coverage::new(codings.iter().map(|c| c.span)).len() };
    let mut spans: HashMap<CodeId, Vec<Vec<Span>>> = HashMap::new();
    for c in &codings {
        spans.entry(c.code).or_insert_with(|| vec![Vec::new(); n])[s.index[&c.coder]].push(c.span);
    }
    let per_code = spans
        .into_iter()
        .map(|(code, by_coder)| {
            let covers: Vec<Coverage> = by_coder.into_iter().map(Coverage::new).collect();
            (code, counts_of(&covers, &s.pairs, units))
        })
        .collect();
    DocPart { missing: Vec::new(), units, per_code }
}

/// Computes the agreement report.
pub fn agreement(p: &Project, opts: &AgreementOptions) -> Result<AgreementReport, TeamError> {
    let s = Setup::new(p, opts)?;
    let wanted: BTreeSet<DocId> = opts.docs.iter().copied().collect();
    let parts: HashMap<DocId, DocPart> = p
        .documents
        .values()
        .filter(|d| wanted.is_empty() || wanted.contains(&d.id))
        .map(|d| (d.id, doc_part(p, d, &s)))
        .collect();
    let (included, skipped) = split(p, &s, &wanted, |doc| parts.get(&doc));
    let overall = overall_of_parts(p, &s, &included);
    Ok(AgreementReport { documents: document_figures(p, &s, &included), ..head(p, &s, skipped, overall) })
}

/// The context of the kept parts: the coders in their order, and whether every character counts.
type PartsKey = (Vec<CoderId>, bool);

/// The overall tables over every document, kept beside the parts: when a document's part
/// changes its old part is subtracted and its new part added, so the figures over all
/// documents after an edit cost the edited document and the codes, not every document.
#[derive(Clone, Debug, Default)]
struct Sums {
    /// Units of the included documents.
    units: u64,
    /// Documents every chosen coder has coded (their parts are in the sums).
    included: HashSet<DocId>,
    /// Documents a chosen coder has not coded (left out of the sums).
    skipped: HashSet<DocId>,
    /// Per code: its counts summed over the included documents that use it (their `units`
    /// summed too, replaced by all units when read: in a document that does not use the code
    /// every unit is an agreed "no"), and how many documents those are.
    per_code: HashMap<CodeId, (Counts, usize)>,
}

impl Sums {
    fn add(&mut self, doc: DocId, part: &DocPart, coders: usize) {
        if !part.missing.is_empty() {
            self.skipped.insert(doc);
            return;
        }
        self.included.insert(doc);
        self.units += part.units;
        for (code, c) in &part.per_code {
            let (sum, docs) = self.per_code.entry(*code).or_insert_with(|| (Counts::empty(coders), 0));
            sum.add(c);
            *docs += 1;
        }
    }

    fn subtract(&mut self, doc: DocId, part: &DocPart) {
        if !part.missing.is_empty() {
            self.skipped.remove(&doc);
            return;
        }
        self.included.remove(&doc);
        self.units = self.units.saturating_sub(part.units);
        for (code, c) in &part.per_code {
            let Some((sum, docs)) = self.per_code.get_mut(code) else { continue };
            sum.subtract(c);
            *docs = docs.saturating_sub(1);
            if *docs == 0 {
                self.per_code.remove(code);
            }
        }
    }
}

/// The agreement report kept per document: each document's counts are kept by its revision
/// ([`PerDoc`]), so after an edit only the edited document is counted again, and the overall
/// tables are kept summed (the edited document's old part subtracted, its new part added).
/// Equal to [`agreement`] (a property test holds it so after every random edit). One keeper
/// belongs to one open project.
#[derive(Clone, Debug, Default)]
pub struct KeptAgreement {
    parts: PerDoc<PartsKey, DocPart>,
    sums: Sums,
}

/// The head of the agreement report without the per-document figures: what the Team view
/// draws after every edit, put together from the kept sums (the codes' figures, not the
/// documents').
#[derive(Clone, Debug, PartialEq)]
pub struct AgreementOverview {
    pub coders: Vec<CoderRef>,
    pub include_uncoded: bool,
    /// How many documents the figures cover.
    pub documents: usize,
    /// The name of the document when the figures cover exactly one.
    pub only_document: Option<String>,
    /// Documents left out, and why, in project order.
    pub skipped: Vec<SkippedDocument>,
    /// All included documents together.
    pub overall: Figures,
}

impl KeptAgreement {
    /// Brings the kept counts up to date for these coders and units (every document when they
    /// changed, else those edited since): the slow part, which a view may run on a worker.
    pub fn refresh(&mut self, p: &Project, opts: &AgreementOptions) -> Result<Refreshed, TeamError> {
        let s = Setup::new(p, opts)?;
        Ok(self.refresh_with(p, &s))
    }

    fn refresh_with(&mut self, p: &Project, s: &Setup) -> Refreshed {
        let (sums, n) = (&mut self.sums, s.coders.len());
        self.parts.refresh(
            p,
            (s.coders.clone(), s.include_uncoded),
            |d| doc_part(p, d, s),
            |doc, old, new| {
                if let Some(old) = old {
                    sums.subtract(doc, &old);
                }
                if let Some(new) = new {
                    sums.add(doc, new, n);
                }
            },
        )
    }

    /// Whether [`KeptAgreement::refresh`] for these options would count every document (never
    /// counted, or other coders or units): what a view builds on a worker instead.
    pub fn is_cold(&self, p: &Project, opts: &AgreementOptions) -> bool {
        match coders_or_all(p, &opts.coders) {
            Ok(coders) => self.parts.key().is_none_or(|(c, u)| *c != coders || *u != opts.include_uncoded),
            Err(_) => false,
        }
    }

    /// The report for the project as it is now, equal to [`agreement`]`(p, opts)`. Over every
    /// document its overall figures come from the kept sums; the per-document figures are
    /// made for every included document (for exports: the Team view draws the overview).
    pub fn report(&mut self, p: &Project, opts: &AgreementOptions) -> Result<AgreementReport, TeamError> {
        let s = Setup::new(p, opts)?;
        self.refresh_with(p, &s);
        let wanted: BTreeSet<DocId> = opts.docs.iter().copied().collect();
        let parts = &self.parts;
        let (included, skipped) = split(p, &s, &wanted, |doc| parts.get(doc));
        let overall =
            if wanted.is_empty() { overall_of_sums(p, &s, &self.sums) } else { overall_of_parts(p, &s, &included) };
        Ok(AgreementReport { documents: document_figures(p, &s, &included), ..head(p, &s, skipped, overall) })
    }

    /// The report's head for the project as it is now (equal to that of [`agreement`]`(p,
    /// opts)`): after an edit it costs the edited document and the codes. Over some documents
    /// only, it is put together from their parts.
    pub fn overview(&mut self, p: &Project, opts: &AgreementOptions) -> Result<AgreementOverview, TeamError> {
        let s = Setup::new(p, opts)?;
        self.refresh_with(p, &s);
        let (documents, only, skipped, overall) = if opts.docs.is_empty() {
            let only = match self.sums.included.len() {
                1 => self.sums.included.iter().next().copied(),
                _ => None,
            };
            let mut skipped: Vec<&Document> = self.sums.skipped.iter().filter_map(|doc| p.documents.get(doc)).collect();
            skipped.sort_by_key(|d| p.documents.get_index_of(&d.id));
            let skipped = skipped
                .into_iter()
                .filter_map(|d| self.parts.get(d.id).map(|part| skipped_document(p, &s, d, part)))
                .collect();
            (self.sums.included.len(), only, skipped, overall_of_sums(p, &s, &self.sums))
        } else {
            let wanted: BTreeSet<DocId> = opts.docs.iter().copied().collect();
            let parts = &self.parts;
            let (included, skipped) = split(p, &s, &wanted, |doc| parts.get(doc));
            let only = match included.as_slice() {
                [(d, _)] => Some(d.id),
                _ => None,
            };
            (included.len(), only, skipped, overall_of_parts(p, &s, &included))
        };
        let head = head(p, &s, skipped, overall);
        Ok(AgreementOverview {
            coders: head.coders,
            include_uncoded: head.include_uncoded,
            documents,
            only_document: only.and_then(|d| p.documents.get(&d)).map(|d| d.name().to_string()),
            skipped: head.skipped,
            overall: head.overall,
        })
    }
}

/// The documents wanted (all when none are named), in project order, split into those every
/// chosen coder coded and those left out.
fn split<'a, 'p>(
    p: &'p Project,
    s: &Setup,
    wanted: &BTreeSet<DocId>,
    part: impl Fn(DocId) -> Option<&'a DocPart>,
) -> (Vec<(&'p Document, &'a DocPart)>, Vec<SkippedDocument>) {
    let mut included = Vec::new();
    let mut skipped = Vec::new();
    let docs: Box<dyn Iterator<Item = &Document>> = if wanted.is_empty() {
        Box::new(p.documents.values())
    } else {
        let mut named: Vec<&Document> = wanted.iter().filter_map(|id| p.documents.get(id)).collect();
        named.sort_by_key(|d| p.documents.get_index_of(&d.id));
        Box::new(named.into_iter())
    };
    for d in docs {
        let Some(part) = part(d.id) else { continue };
        if part.missing.is_empty() {
            included.push((d, part));
        } else {
            skipped.push(skipped_document(p, s, d, part));
        }
    }
    (included, skipped)
}

fn skipped_document(p: &Project, s: &Setup, d: &Document, part: &DocPart) -> SkippedDocument {
    let missing: Vec<&str> =
        part.missing.iter().filter_map(|i| p.coders.get(&s.coders[*i])).map(|c| c.name.as_str()).collect();
    SkippedDocument { doc: d.id, name: d.name().to_string(), reason: format!("not coded by {}", missing.join(", ")) }
}

/// The codes among `codes`, in codebook order.
fn ordered(p: &Project, codes: impl Fn(&CodeId) -> bool) -> Vec<CodeId> {
    p.codes.keys().copied().filter(|c| codes(c)).collect()
}

/// The figures of a scope from each code's counts over its units.
fn figures(p: &Project, s: &Setup, units: u64, codes: &[CodeId], counts: &dyn Fn(CodeId) -> Counts) -> Figures {
    let per: Vec<Counts> = codes.iter().map(|c| counts(*c)).collect();
    let rows = codes
        .iter()
        .zip(&per)
        .map(|(code, c)| CodeFigures {
            code: *code,
            name: p.codes.get(code).map(|c| c.name().to_string()).unwrap_or_default(),
            coded: c.coded.clone(),
            stats: stats(c, &s.coders, &s.pairs),
        })
        .collect();
    Figures { units, codes: rows, pooled: pooled_stats(&per, units, &s.coders, &s.pairs) }
}

/// Each included document's figures, in the order given.
fn document_figures(p: &Project, s: &Setup, included: &[(&Document, &DocPart)]) -> Vec<DocumentFigures> {
    let n = s.coders.len();
    included
        .iter()
        .map(|(doc, d)| {
            let codes = ordered(p, |c| d.per_code.contains_key(c));
            let f =
                figures(p, s, d.units, &codes, &|c| d.per_code.get(&c).cloned().unwrap_or_else(|| Counts::empty(n)));
            DocumentFigures { doc: doc.id, name: doc.name().to_string(), figures: f }
        })
        .collect()
}

/// The figures over the included documents laid end to end, summed from their parts.
fn overall_of_parts(p: &Project, s: &Setup, included: &[(&Document, &DocPart)]) -> Figures {
    let n = s.coders.len();
    let used: HashSet<CodeId> = included.iter().flat_map(|(_, d)| d.per_code.keys().copied()).collect();
    let codes = ordered(p, |c| used.contains(c));
    let units: u64 = included.iter().map(|(_, d)| d.units).sum();
    figures(p, s, units, &codes, &|code| {
        let mut sum = Counts::empty(n);
        for (_, d) in included {
            match d.per_code.get(&code) {
                Some(c) => sum.add(c),
                // Nobody used the code in this document: every unit is an agreed "no" (adds
                // units only; no table to allocate for each code a document lacks).
                None => sum.units += d.units,
            }
        }
        sum
    })
}

/// The figures over every included document, from the kept sums: the same counts as
/// [`overall_of_parts`] over all documents, without visiting them.
fn overall_of_sums(p: &Project, s: &Setup, sums: &Sums) -> Figures {
    let n = s.coders.len();
    let codes = ordered(p, |c| sums.per_code.contains_key(c));
    figures(p, s, sums.units, &codes, &|code| {
        let mut c = sums.per_code.get(&code).map(|(c, _)| c.clone()).unwrap_or_else(|| Counts::empty(n));
        c.units = sums.units;
        c
    })
}

/// A report with the given overall figures and no per-document figures yet.
fn head(p: &Project, s: &Setup, skipped: Vec<SkippedDocument>, overall: Figures) -> AgreementReport {
    AgreementReport {
        coders: s
            .coders
            .iter()
            .map(|c| CoderRef { id: *c, name: p.coders.get(c).map(|c| c.name.clone()).unwrap_or_default() })
            .collect(),
        include_uncoded: s.include_uncoded,
        documents: Vec::new(),
        skipped,
        overall,
    }
}

fn counts_of(covers: &[Coverage], pairs: &[(usize, usize)], units: u64) -> Counts {
    let refs: Vec<&Coverage> = covers.iter().collect();
    Counts {
        units,
        coded: covers.iter().map(Coverage::len).collect(),
        both: pairs.iter().map(|&(i, j)| covers[i].intersection_len(&covers[j])).collect(),
        depth: depth_histogram(&refs),
    }
}

fn ratio(num: u64, den: u64) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

/// Cohen's κ of a 2×2 table, `2(ad − bc) / ((a+b)(b+d) + (a+c)(c+d))`: the usual
/// `(po − pe) / (1 − pe)` with the counts kept whole until the one division.
fn cohen_kappa((a, b, c, d): (u64, u64, u64, u64)) -> Option<f64> {
    let (a, b, c, d) = (a as i128, b as i128, c as i128, d as i128);
    let num = 2 * (a * d - b * c);
    let den = (a + b) * (b + d) + (a + c) * (c + d);
    (den != 0).then(|| num as f64 / den as f64)
}

/// Krippendorff's α for one binary nominal variable with every unit coded by all `n` coders:
/// `1 − (n.. − 1) · o₀₁ / (n₀ · n₁)`, where a unit that `k` of the `n` coders coded adds
/// `k(n − k)/(n − 1)` to the coincidences `o₀₁`.
fn krippendorff_alpha(c: &Counts) -> Option<f64> {
    let n = c.coded.len() as u128;
    let values = c.units as u128 * n; // n..
    let n1: u128 = c.coded.iter().map(|&x| x as u128).sum();
    let n0 = values.checked_sub(n1)?;
    let disagreeing: u128 = c.depth.iter().enumerate().map(|(k, &h)| h as u128 * k as u128 * (n - k as u128)).sum();
    let den = (n - 1) * n0 * n1;
    (den != 0 && values > 1).then(|| 1.0 - ((values - 1) * disagreeing) as f64 / den as f64)
}

fn mean(values: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    let v: Vec<f64> = values.flatten().collect();
    (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
}

fn stats(c: &Counts, coders: &[CoderId], pairs: &[(usize, usize)]) -> Stats {
    let pair_stats: Vec<PairStats> = pairs
        .iter()
        .enumerate()
        .map(|(k, &(i, j))| {
            let t = c.table(k, (i, j));
            PairStats {
                a: coders[i],
                b: coders[j],
                percent_agreement: ratio(t.0 + t.3, c.units).map(|x| 100.0 * x),
                kappa: cohen_kappa(t),
            }
        })
        .collect();
    Stats {
        percent_agreement: mean(pair_stats.iter().map(|s| s.percent_agreement)),
        kappa: mean(pair_stats.iter().map(|s| s.kappa)),
        alpha: krippendorff_alpha(c),
        pairs: pair_stats,
    }
}

/// Pooled figures over several codes. Percent agreement and α treat every (code, character)
/// pair as a unit (the codes' counts added up); κ is De Vries et al.'s pooled κ, which averages
/// observed and chance agreement over the codes before forming the ratio, so each code's
/// chance agreement comes from its own prevalence.
fn pooled_stats(per: &[Counts], units: u64, coders: &[CoderId], pairs: &[(usize, usize)]) -> Stats {
    let n = coders.len();
    let mut sum = Counts::empty(n);
    for c in per {
        sum.add(c);
    }
    let mut s = stats(&sum, coders, pairs);
    for (k, &(i, j)) in pairs.iter().enumerate() {
        s.pairs[k].kappa = pooled_kappa(per, k, (i, j), units);
    }
    s.kappa = mean(s.pairs.iter().map(|p| p.kappa));
    s
}

fn pooled_kappa(per: &[Counts], pair: usize, ij: (usize, usize), units: u64) -> Option<f64> {
    if per.is_empty() || units == 0 {
        return None;
    }
    let u = units as f64;
    let (mut po, mut pe, mut all_degenerate) = (0.0, 0.0, true);
    for c in per {
        let (a, b, cc, d) = c.table(pair, ij);
        let (p1, q1) = ((a + b) as f64 / u, (a + cc) as f64 / u);
        po += (a + d) as f64 / u;
        pe += p1 * q1 + (1.0 - p1) * (1.0 - q1);
        // Chance agreement is exactly 1 only when both coders gave every unit the same value.
        let first = a + b;
        let second = a + cc;
        all_degenerate &= first == second && (first == 0 || first == units);
    }
    if all_degenerate {
        return None;
    }
    let m = per.len() as f64;
    let (po, pe) = (po / m, pe / m);
    Some((po - pe) / (1.0 - pe))
}

// ---- export ----

/// How a figure is printed: percent with one decimal, κ and α with three; "—" when undefined.
fn fmt(v: Option<f64>, decimals: usize) -> String {
    match v {
        Some(x) => format!("{x:.decimals$}"),
        None => "—".to_string(),
    }
}

impl AgreementReport {
    fn coder_names(&self) -> String {
        self.coders.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(" + ")
    }

    fn coder_name(&self, id: CoderId) -> &str {
        self.coders.iter().find(|c| c.id == id).map(|c| c.name.as_str()).unwrap_or_default()
    }

    /// Every figure as CSV: one row per scope (document or all) and code (or pooled), for
    /// all coders together, plus one row per pair of coders when there are more than two.
    /// Undefined figures are empty cells; numbers are full precision.
    pub fn to_csv(&self) -> Result<String, csv::Error> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record([
            "scope",
            "document",
            "code",
            "coders",
            "units",
            "percent_agreement",
            "cohen_kappa",
            "krippendorff_alpha",
        ])?;
        let num = |v: Option<f64>| v.map(|x| format!("{x}")).unwrap_or_default();
        let all = self.coder_names();
        let scopes = std::iter::once(("overall", "", &self.overall))
            .chain(self.documents.iter().map(|d| ("document", d.name.as_str(), &d.figures)));
        for (scope, doc, f) in scopes {
            let rows =
                f.codes.iter().map(|c| (c.name.as_str(), &c.stats)).chain(std::iter::once(("(pooled)", &f.pooled)));
            for (code, s) in rows {
                let record = |coders: &str, pct: Option<f64>, kappa: Option<f64>, alpha: Option<f64>| {
                    [
                        scope.to_string(),
                        doc.to_string(),
                        code.to_string(),
                        coders.to_string(),
                        f.units.to_string(),
                        num(pct),
                        num(kappa),
                        num(alpha),
                    ]
                };
                w.write_record(record(&all, s.percent_agreement, s.kappa, s.alpha))?;
                if s.pairs.len() > 1 {
                    for pair in &s.pairs {
                        let who = format!("{} + {}", self.coder_name(pair.a), self.coder_name(pair.b));
                        w.write_record(record(&who, pair.percent_agreement, pair.kappa, None))?;
                    }
                }
            }
        }
        let bytes = w.into_inner().map_err(|e| e.into_error())?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    fn unit_note(&self) -> &'static str {
        if self.include_uncoded {
            "every character of each document"
        } else {
            "the characters that at least one of the coders coded with some code"
        }
    }

    /// The report as Markdown: a table for all documents and one per document.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "# Intercoder agreement\n");
        let _ = writeln!(
            out,
            "Coders: {}. Units: {}. Each code is a binary variable per character; percent agreement and Cohen's κ {}; \
             Krippendorff's α is for nominal data over all coders; pooled κ after De Vries et al. (2008).\n",
            self.coders.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", "),
            self.unit_note(),
            if self.coders.len() > 2 { "are means over pairs of coders" } else { "are for the pair" },
        );
        let section = |out: &mut String, title: &str, f: &Figures| {
            let _ = writeln!(out, "## {title} ({} characters)\n", f.units);
            let names: Vec<&str> = self.coders.iter().map(|c| c.name.as_str()).collect();
            let _ = writeln!(out, "| Code | {} | % agreement | Cohen's κ | Krippendorff's α |", names.join(" | "));
            let _ = writeln!(out, "|---|{}---:|---:|---:|", "---:|".repeat(names.len()));
            for c in &f.codes {
                let coded: Vec<String> = c.coded.iter().map(u64::to_string).collect();
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} |",
                    c.name.replace('|', "\\|"),
                    coded.join(" | "),
                    fmt(c.stats.percent_agreement, 1),
                    fmt(c.stats.kappa, 3),
                    fmt(c.stats.alpha, 3)
                );
            }
            let blanks = vec![""; names.len()].join(" | ");
            let _ = writeln!(
                out,
                "| **Pooled** | {blanks} | {} | {} | {} |\n",
                fmt(f.pooled.percent_agreement, 1),
                fmt(f.pooled.kappa, 3),
                fmt(f.pooled.alpha, 3)
            );
        };
        section(&mut out, "All documents", &self.overall);
        for d in &self.documents {
            section(&mut out, &d.name, &d.figures);
        }
        if !self.skipped.is_empty() {
            let _ = writeln!(out, "Left out:\n");
            for s in &self.skipped {
                let _ = writeln!(out, "- {}: {}", s.name, s.reason);
            }
            out.push('\n');
        }
        out
    }

    /// The report as a plain-text table for a terminal.
    pub fn to_table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "Coders: {}; units: {}", self.coder_names(), self.unit_note());
        let section = |out: &mut String, title: &str, f: &Figures| {
            let _ = writeln!(out, "\n{title} ({} characters)", f.units);
            let width = f.codes.iter().map(|c| c.name.chars().count()).max().unwrap_or(0).max(8);
            let _ = writeln!(out, "  {:<width$}  {:>8}  {:>7}  {:>7}", "code", "% agree", "kappa", "alpha");
            let rows =
                f.codes.iter().map(|c| (c.name.as_str(), &c.stats)).chain(std::iter::once(("(pooled)", &f.pooled)));
            for (name, s) in rows {
                let pad = width.saturating_sub(name.chars().count());
                let _ = writeln!(
                    out,
                    "  {name}{:pad$}  {:>8}  {:>7}  {:>7}",
                    "",
                    fmt(s.percent_agreement, 1),
                    fmt(s.kappa, 3),
                    fmt(s.alpha, 3)
                );
            }
        };
        section(&mut out, "All documents", &self.overall);
        for d in &self.documents {
            section(&mut out, &d.name, &d.figures);
        }
        for s in &self.skipped {
            let _ = writeln!(out, "\nLeft out {}: {}", s.name, s.reason);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::team::testutil::*;

    /// 20 characters: Norwegian letters and an emoji (one character).
    const TEXT: &str = "Møtet 😀 var bra, ja!";

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-12)
    }

    fn report(p: &Project, include_uncoded: bool) -> AgreementReport {
        let opts = AgreementOptions { include_uncoded, ..Default::default() };
        let r = agreement(p, &opts);
        assert!(r.is_ok(), "{r:?}");
        r.unwrap_or_else(|_| unreachable!())
    }

    #[test]
    fn two_coders_one_code_by_hand() {
        assert_eq!(TEXT.chars().count(), 20);
        // Ingrid codes [0, 10), Tom [5, 15): 5 shared, 5 each alone.
        let p = project(&[("J1", TEXT)], 2, &[(0, 0, "Stemme", 0, 10), (1, 0, "Stemme", 5, 15)]);
        let r = report(&p, false);
        let x = &r.documents[0].figures.codes[0];
        assert_eq!(r.documents[0].figures.units, 15);
        assert_eq!(x.coded, vec![10, 10]);
        // po = 5/15; pe = (2/3)² + (1/3)² = 5/9; κ = (1/3 − 5/9)/(4/9).
        assert!(close(x.stats.percent_agreement, 100.0 / 3.0));
        assert!(close(x.stats.kappa, -0.5));
        // n.. = 30, n₁ = 20, n₀ = 10, o₀₁ = 10: α = 1 − 29·10/(10·20).
        assert!(close(x.stats.alpha, -0.45));

        // Counting the 5 uncoded characters as agreed "no"s.
        let r = report(&p, true);
        let x = &r.documents[0].figures.codes[0];
        assert_eq!(r.documents[0].figures.units, 20);
        assert!(close(x.stats.percent_agreement, 50.0));
        assert!(close(x.stats.kappa, 0.0));
        assert!(close(x.stats.alpha, 1.0 - 39.0 * 10.0 / 400.0));
    }

    #[test]
    fn pooled_figures_by_hand() {
        let p = project(
            &[("J1", TEXT)],
            2,
            &[(0, 0, "Stemme", 0, 10), (1, 0, "Stemme", 5, 15), (0, 0, "Håp", 16, 18), (1, 0, "Håp", 16, 18)],
        );
        let r = report(&p, false);
        let f = &r.overall;
        assert_eq!(f.units, 17);
        let names: Vec<&str> = f.codes.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Stemme", "Håp"], "codebook order");
        assert!(close(f.codes[0].stats.kappa, -30.0 / 140.0));
        assert!(close(f.codes[1].stats.kappa, 1.0));
        // Pooled: 24 of 34 (code, character) units agree.
        assert!(close(f.pooled.percent_agreement, 100.0 * 24.0 / 34.0));
        // De Vries: mean po = 12/17, mean pe = 189/289, κ = 15/100.
        assert!(close(f.pooled.kappa, 0.15));
        // α over the 34 units: n.. = 68, n₁ = 24, n₀ = 44, o₀₁ = 10.
        assert!(close(f.pooled.alpha, 1.0 - 67.0 * 10.0 / (44.0 * 24.0)));
        // One document: the overall figures are that document's.
        assert_eq!(r.documents[0].figures, r.overall);
    }

    #[test]
    fn three_coders_by_hand() {
        let p = project(
            &[("F1", "Vi snakket om jobb 🇳🇴 i dag")],
            3,
            &[(0, 0, "Jobb", 0, 6), (1, 0, "Jobb", 0, 4), (2, 0, "Jobb", 2, 8)],
        );
        let r = report(&p, false);
        let s = &r.overall.codes[0].stats;
        assert_eq!(r.overall.units, 8);
        // Depths: 2 characters coded by one coder, 4 by two, 2 by three.
        assert!(close(s.alpha, 1.0 - 23.0 * 12.0 / (2.0 * 8.0 * 16.0)));
        let kappas: Vec<Option<f64>> = s.pairs.iter().map(|p| p.kappa).collect();
        assert!(close(kappas[0], 0.5) && close(kappas[1], -1.0 / 3.0) && close(kappas[2], -0.5), "{kappas:?}");
        let pcts: Vec<Option<f64>> = s.pairs.iter().map(|p| p.percent_agreement).collect();
        assert!(close(pcts[0], 75.0) && close(pcts[1], 50.0) && close(pcts[2], 25.0), "{pcts:?}");
        assert!(close(s.kappa, -1.0 / 9.0), "Light's κ is the mean over pairs");
        assert!(close(s.percent_agreement, 50.0));
    }

    #[test]
    fn perfect_agreement_and_undefined_figures() {
        // Both coders code the whole of the only coded stretch: every unit is a "yes".
        let p = project(&[("J1", TEXT)], 2, &[(0, 0, "Stemme", 3, 9), (1, 0, "Stemme", 3, 9)]);
        let r = report(&p, false);
        let s = &r.overall.codes[0].stats;
        assert!(close(s.percent_agreement, 100.0));
        assert_eq!(s.kappa, None, "no variation: chance agreement is 1");
        assert_eq!(s.alpha, None);
        // With the uncoded text counted, there is variation and agreement is perfect.
        let r = report(&p, true);
        let s = &r.overall.codes[0].stats;
        assert!(close(s.kappa, 1.0) && close(s.alpha, 1.0));
    }

    #[test]
    fn documents_a_coder_has_not_coded_are_left_out() {
        let p = project(
            &[("J1", TEXT), ("J2", "Hun snakket om AAP.")],
            2,
            &[(0, 0, "Stemme", 0, 10), (1, 0, "Stemme", 0, 10), (0, 1, "Stemme", 0, 5)],
        );
        let r = report(&p, false);
        assert_eq!(r.documents.len(), 1);
        assert_eq!(r.skipped.len(), 1);
        assert_eq!(r.skipped[0].reason, "not coded by Tom");
        assert_eq!(r.overall.units, 10);
    }

    #[test]
    fn overall_lays_documents_end_to_end() {
        // "Håp" is used only in the second document; in the first, all its units are "no".
        let p = project(
            &[("J1", TEXT), ("J2", "Hun snakket om AAP, og jeg forsto ikke.")],
            2,
            &[
                (0, 0, "Stemme", 0, 10),
                (1, 0, "Stemme", 2, 10),
                (0, 1, "Stemme", 0, 5),
                (1, 1, "Stemme", 0, 5),
                (0, 1, "Håp", 10, 20),
                (1, 1, "Håp", 12, 20),
            ],
        );
        let r = report(&p, false);
        // J1: [0, 10) is coded; J2: [0, 5) and [10, 20).
        assert_eq!(r.overall.units, 10 + 15);
        let hope = &r.overall.codes[1];
        assert_eq!(hope.name, "Håp");
        // a = 8, b = 2, c = 0, d = 10 (J1) + 5 (J2).
        assert!(close(hope.stats.kappa, 2.0 * (8.0 * 15.0) / (10.0 * 17.0 + 8.0 * 15.0)));
        assert_eq!(r.documents[0].figures.codes.len(), 1, "a document lists only the codes used in it");
    }

    #[test]
    fn exports_name_every_figure() -> Result<(), Box<dyn std::error::Error>> {
        let p =
            project(&[("J1", TEXT)], 3, &[(0, 0, "Stemme", 0, 10), (1, 0, "Stemme", 5, 15), (2, 0, "Stemme", 5, 12)]);
        let r = report(&p, false);
        let csv = r.to_csv()?;
        let mut lines = csv.lines();
        assert_eq!(
            lines.next(),
            Some("scope,document,code,coders,units,percent_agreement,cohen_kappa,krippendorff_alpha")
        );
        // Overall and J1, each with Stemme and pooled, each all coders plus 3 pairs.
        assert_eq!(csv.lines().count(), 1 + 2 * 2 * 4);
        assert!(csv.contains("overall,,Stemme,Ingrid + Tom + Åse,15,"), "{csv}");
        assert!(csv.contains("document,J1,(pooled),Tom + Åse,15,"), "{csv}");
        let md = r.to_markdown();
        assert!(md.contains("| Code | Ingrid | Tom | Åse | % agreement | Cohen's κ | Krippendorff's α |"), "{md}");
        assert!(md.contains("| Stemme | 10 | 10 | 7 |"), "{md}");
        assert!(md.contains("## J1 (15 characters)"), "{md}");
        let table = r.to_table();
        assert!(table.contains("(pooled)"), "{table}");
        Ok(())
    }

    /// After an edit in one document only that document is counted again, its old part is
    /// subtracted from the summed tables and its new part added: the overview and the report
    /// equal a full recomputation, also once the document is left out and taken in again.
    #[test]
    fn kept_sums_follow_an_edit_in_one_document() -> Result<(), Box<dyn std::error::Error>> {
        let mut p = project(
            &[("J1", TEXT), ("J2", "Hun snakket om AAP, og jeg forsto ikke."), ("J3", "Tre.")],
            2,
            &[
                (0, 0, "Stemme", 0, 10),
                (1, 0, "Stemme", 2, 10),
                (0, 1, "Stemme", 0, 5),
                (1, 1, "Håp", 0, 5),
                (0, 2, "Håp", 0, 3),
            ],
        );
        let opts = AgreementOptions::default();
        let mut kept = KeptAgreement::default();
        let check = |kept: &mut KeptAgreement, p: &Project| -> Result<(), Box<dyn std::error::Error>> {
            let fresh = agreement(p, &opts)?;
            let o = kept.overview(p, &opts)?;
            assert_eq!((&o.overall, &o.skipped, o.documents), (&fresh.overall, &fresh.skipped, fresh.documents.len()));
            assert_eq!(kept.report(p, &opts)?, fresh);
            Ok(())
        };
        check(&mut kept, &p)?;
        assert_eq!(kept.sums.skipped.len(), 1, "J3 is coded by Ingrid only");
        let coding = |n: u128, coder: usize, doc: usize, code: &str, start: usize, end: usize| Coding {
            id: CodingId::from_u128(n),
            doc: doc_id(doc),
            span: Span::new(start, end),
            code: code_id(code),
            coder: coder_id(coder),
            created: chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default(),
            comment: String::new(),
        };
        p.apply(crate::edit::Edit::AddCoding { coding: coding(9_001, 1, 1, "Stemme", 1, 12) })?;
        assert_eq!(kept.refresh(&p, &opts)?, Refreshed { whole: false, computed: 1, dropped: 0 });
        check(&mut kept, &p)?;
        // J3 comes in (Tom codes it), then goes out again (undone by removing the coding).
        p.apply(crate::edit::Edit::AddCoding { coding: coding(9_002, 1, 2, "Håp", 1, 3) })?;
        check(&mut kept, &p)?;
        assert!(kept.sums.skipped.is_empty());
        p.apply(crate::edit::Edit::RemoveCoding { id: CodingId::from_u128(9_002) })?;
        check(&mut kept, &p)?;
        p.apply(crate::edit::Edit::RemoveDocument { id: doc_id(0) })?;
        check(&mut kept, &p)
    }

    #[test]
    fn too_few_coders_is_an_error() {
        let p = project(&[("J1", TEXT)], 2, &[(0, 0, "Stemme", 0, 10)]);
        let opts = AgreementOptions::default();
        assert_eq!(agreement(&p, &opts), Err(TeamError::TooFewCoders { found: 1 }));
        let opts = AgreementOptions { coders: vec![coder_id(0), coder_id(0)], ..Default::default() };
        assert!(matches!(agreement(&p, &opts), Err(TeamError::DuplicateCoder(_))));
    }
}
