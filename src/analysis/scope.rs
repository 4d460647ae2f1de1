//! Whose codings count, and how codings become extracts.
//!
//! A [`CoderScope`] says whose codings a view, a count or an export looks at: every coder's,
//! one coder's, or a chosen few. Within a scope, codings become **extracts** by one rule
//! ([`merge`]), written here once and used by every count (docs/TABLES.md, "How extracts are
//! counted"):
//!
//! > Codings of the **same code** in the **same document** whose spans **share at least one
//! > character** are one extract, whose span is the union of theirs and whose coders are
//! > everyone who made one of them. Overlap is transitive: if A overlaps B and B overlaps C,
//! > A, B and C are one extract even when A and C do not meet. Spans that only touch
//! > (`[0, 5)` and `[5, 9)`) are two extracts.
//!
//! So two coders who coded the same passage with the same code give one extract "coded by
//! Ingrid, Tom", never two; the rule holds for one coder too (two overlapping codings of one
//! code by the same person are one extract).

use crate::model::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use thiserror::Error;

/// Whose codings count.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CoderScope {
    /// Every coder's codings.
    #[default]
    All,
    /// Only these coders' codings (one coder: "only me").
    Coders(BTreeSet<CoderId>),
}

/// A coder named in a scope that the project does not have.
#[derive(Debug, Error, PartialEq, Eq)]
#[error("there is no coder named {name:?}; the coders are: {known}")]
pub struct UnknownCoder {
    pub name: String,
    pub known: String,
}

impl CoderScope {
    /// Only one coder.
    pub fn only(coder: CoderId) -> Self {
        Self::Coders(BTreeSet::from([coder]))
    }

    /// These coders; every coder's when the list is empty.
    pub fn of(coders: impl IntoIterator<Item = CoderId>) -> Self {
        let set: BTreeSet<CoderId> = coders.into_iter().collect();
        if set.is_empty() { Self::All } else { Self::Coders(set) }
    }

    /// Coders by name, separated by commas (`Ingrid, Tom`), matched ignoring case and
    /// spacing; an empty list means every coder.
    pub fn parse(p: &Project, names: &str) -> Result<Self, UnknownCoder> {
        Self::from_names(p, names.split(','))
    }

    /// Coders by name (each matched ignoring case and spacing); none means every coder.
    pub fn from_names<S: AsRef<str>>(p: &Project, names: impl IntoIterator<Item = S>) -> Result<Self, UnknownCoder> {
        let mut set = BTreeSet::new();
        for name in names {
            let name = name.as_ref().trim();
            if name.is_empty() {
                continue;
            }
            match p.coder_by_name(name) {
                Some(c) => {
                    set.insert(c.id);
                }
                None => {
                    let known: Vec<&str> = p.coders.values().map(|c| c.name.as_str()).collect();
                    return Err(UnknownCoder { name: name.to_string(), known: known.join(", ") });
                }
            }
        }
        Ok(Self::of(set))
    }

    /// Whether a coder's codings count.
    pub fn includes(&self, coder: CoderId) -> bool {
        match self {
            Self::All => true,
            Self::Coders(set) => set.contains(&coder),
        }
    }

    pub fn is_all(&self) -> bool {
        matches!(self, Self::All)
    }

    /// "all coders", or the coders' names in the project's order (`Ingrid, Tom`).
    pub fn label(&self, p: &Project) -> String {
        match self {
            Self::All => "all coders".into(),
            Self::Coders(set) => {
                let names: Vec<&str> =
                    p.coders.values().filter(|c| set.contains(&c.id)).map(|c| c.name.as_str()).collect();
                if names.is_empty() { "no coder".into() } else { names.join(", ") }
            }
        }
    }
}

/// One coding as the merge rule sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Piece {
    pub id: CodingId,
    pub code: CodeId,
    pub coder: CoderId,
    pub span: Span,
}

impl From<&Coding> for Piece {
    fn from(c: &Coding) -> Self {
        Self { id: c.id, code: c.code, coder: c.coder, span: c.span }
    }
}

/// Codings of one code in one document that are one extract.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Merged {
    /// The extract's id: its first coding's.
    pub id: CodingId,
    pub code: CodeId,
    /// The union of the codings' spans.
    pub span: Span,
    /// The codings, in text order (by start, then end, then id); the first is the extract's id.
    pub codings: Vec<CodingId>,
    /// Who made them, in the order of their first coding here.
    pub coders: Vec<CoderId>,
}

/// The extracts of one document's codings in scope, by the rule above, in text order (by
/// start, then end, then first coding). `pieces` may come in any order and any codes.
pub fn merge(pieces: impl IntoIterator<Item = Piece>, scope: &CoderScope) -> Vec<Merged> {
    let mut pieces: Vec<Piece> = pieces.into_iter().filter(|c| scope.includes(c.coder)).collect();
    pieces.sort_by_key(|c| (c.code, c.span.start, c.span.end, c.id));
    let mut out: Vec<Merged> = Vec::with_capacity(pieces.len());
    let mut open: Option<Merged> = None;
    for c in pieces {
        match &mut open {
            Some(m) if m.code == c.code && c.span.start < m.span.end => {
                m.span.end = m.span.end.max(c.span.end);
                m.codings.push(c.id);
                if !m.coders.contains(&c.coder) {
                    m.coders.push(c.coder);
                }
            }
            _ => {
                out.extend(open.take());
                open =
                    Some(Merged { id: c.id, code: c.code, span: c.span, codings: vec![c.id], coders: vec![c.coder] });
            }
        }
    }
    out.extend(open);
    out.sort_by_key(|m| (m.span.start, m.span.end, m.id));
    out
}

/// Extracts per code (not counting child codes) in a scope, merged from scratch (the app
/// keeps them per document instead: [`super::CodeCounts`], held to this by a property test).
///
/// The rule is [`merge`]'s (codings of one code in one document that share a character are
/// one extract), counted without building the extracts: a read command counts half a million
/// codings, and making each merged extract's lists cost `tema info` a tenth of its time at
/// 20 M words.
pub fn extract_counts(p: &Project, scope: &CoderScope) -> HashMap<CodeId, usize> {
    // Grouped in one pass over the codings (asking each document for its codings looks each
    // one up again).
    let mut by_doc: HashMap<DocId, Vec<(CodeId, CharPos, CharPos)>, foldhash::fast::RandomState> = HashMap::default();
    for c in p.codings.values().filter(|c| scope.includes(c.coder)) {
        by_doc.entry(c.doc).or_default().push((c.code, c.span.start, c.span.end));
    }
    // Documents are counted on every core, each thread into its own map, then the maps added.
    use rayon::prelude::*;
    by_doc
        .into_par_iter()
        .fold(HashMap::new, |mut counts, (_, mut pieces)| {
            pieces.sort_unstable();
            // The extract open now: its code and where it ends so far.
            let mut open: Option<(CodeId, CharPos)> = None;
            for &(code, start, end) in pieces.iter() {
                match &mut open {
                    Some((c, e)) if *c == code && start < *e => *e = (*e).max(end),
                    _ => {
                        *counts.entry(code).or_insert(0) += 1;
                        open = Some((code, end));
                    }
                }
            }
            counts
        })
        .reduce(HashMap::new, |mut a, b| {
            for (code, n) in b {
                *a.entry(code).or_insert(0) += n;
            }
            a
        })
}

/// Whether a quote belongs to a coder scope. With every coder, every quote does (a quote is
/// the researcher's choice, made with or without a coding). With chosen coders, a quote does
/// when one of their codings of its theme's codes (its subthemes' and the codes below them
/// included), in its document, shares at least one character with the quote's passage: the
/// quote comes from an extract those coders made. The quotes and results exports use it.
pub fn quote_in_scope(p: &Project, q: &Quote, scope: &CoderScope) -> bool {
    if scope.is_all() {
        return true;
    }
    let codes: BTreeSet<CodeId> =
        super::themes::theme_codes(p, q.theme).into_iter().flat_map(|(c, _)| p.code_subtree(c)).collect();
    p.codings.values().any(|c| {
        c.doc == q.doc
            && scope.includes(c.coder)
            && codes.contains(&c.code)
            && c.span.start < q.props.span.end
            && q.props.span.start < c.span.end
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: CodeId = CodeId::from_u128(1);
    const B: CodeId = CodeId::from_u128(2);
    const INGRID: CoderId = CoderId::from_u128(10);
    const TOM: CoderId = CoderId::from_u128(11);

    fn piece(id: u128, code: CodeId, coder: CoderId, a: usize, b: usize) -> Piece {
        Piece { id: CodingId::from_u128(id), code, coder, span: Span::new(a, b) }
    }

    #[test]
    fn same_code_on_overlapping_text_is_one_extract_across_coders() {
        let pieces = [
            piece(1, A, INGRID, 10, 20),
            piece(2, A, TOM, 10, 20),    // identical to 1
            piece(3, A, TOM, 15, 30),    // overlaps 1 and 2: the extract grows to 10..30
            piece(4, A, INGRID, 29, 40), // overlaps 3 only: still the same extract, 10..40
            piece(5, A, TOM, 40, 45),    // only touches 4: an extract of its own
            piece(6, B, INGRID, 12, 18), // another code on the same text: its own extract
        ];
        let all = merge(pieces, &CoderScope::All);
        let got: Vec<(CodeId, usize, usize, usize, Vec<CoderId>)> = all
            .iter()
            .map(|m| (m.code, m.span.start.get(), m.span.end.get(), m.codings.len(), m.coders.clone()))
            .collect();
        assert_eq!(got, [(A, 10, 40, 4, vec![INGRID, TOM]), (B, 12, 18, 1, vec![INGRID]), (A, 40, 45, 1, vec![TOM])]);
        assert_eq!(all[0].id, CodingId::from_u128(1));

        // Ingrid alone: 1 (10..20) and 4 (29..40) no longer meet without Tom's 3.
        let ingrid = merge(pieces, &CoderScope::only(INGRID));
        let spans: Vec<(usize, usize)> = ingrid.iter().map(|m| (m.span.start.get(), m.span.end.get())).collect();
        assert_eq!(spans, [(10, 20), (12, 18), (29, 40)]);
        // Tom alone: 2 and 3 overlap (one extract 10..30), 5 stands alone.
        let tom = merge(pieces, &CoderScope::only(TOM));
        let spans: Vec<(usize, usize)> = tom.iter().map(|m| (m.span.start.get(), m.span.end.get())).collect();
        assert_eq!(spans, [(10, 30), (40, 45)]);
        // Both chosen is the same as all when they are the only coders.
        assert_eq!(merge(pieces, &CoderScope::of([INGRID, TOM])), all);
    }

    #[test]
    fn scopes_by_name() -> Result<(), UnknownCoder> {
        let mut p = Project::new("x");
        for (id, name) in [(INGRID, "Ingrid"), (TOM, "Tom")] {
            p.coders.insert(id, Coder { id, name: name.into(), colour: Colour::default(), slug: name.into() });
        }
        assert_eq!(CoderScope::parse(&p, "")?, CoderScope::All);
        assert_eq!(CoderScope::parse(&p, " tom ")?, CoderScope::only(TOM));
        let both = CoderScope::parse(&p, "Tom,ingrid")?;
        assert_eq!(both.label(&p), "Ingrid, Tom");
        assert!(both.includes(INGRID) && !CoderScope::only(TOM).includes(INGRID));
        let err = CoderScope::parse(&p, "Tom,Åse").err();
        assert_eq!(
            err.map(|e| e.to_string()).as_deref(),
            Some("there is no coder named \"Åse\"; the coders are: Ingrid, Tom")
        );
        Ok(())
    }
}
