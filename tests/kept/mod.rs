//! The derived figures the app keeps per document (issue 21), held to the same figures
//! recomputed from scratch: `tests/derived.rs` asks them after every step of random edits, undo
//! included, and across switches of the coder scope.
//!
//! Kept: the attribution index, extracts/documents/participants per code (the codebook's and
//! the board's counts), the triangulation matrix, the co-occurrence table in both scopes, the
//! review of a theme, the Team view's agreement report (over every document and over one) and
//! the documents that count as coded (the navigator's folders, the phase tracker). Each is
//! asked after every step, as the app asks when the view is open, so the kept parts see every
//! change one at a time; the references are the plain functions (`scope::extract_counts`,
//! `themes::review`, `Cooccurrence::build`, `team::agreement::agreement`,
//! `phases::coded_documents`, ...).

use proptest::prelude::*;
use tema::analysis::cooccurrence::CooccurrenceCache;
use tema::analysis::phases::{CodedDocuments, coded_documents};
use tema::analysis::scope::extract_counts;
use tema::analysis::themes::{GroupBy, ReviewCache, review, summaries};
use tema::analysis::{
    AttributionIndex, CodeCounts, CoderScope, Cooccurrence, CooccurrenceOptions, Matrix, MatrixCache, MatrixOptions,
    Scope,
};
use tema::model::*;
use tema::team::agreement::{AgreementOptions, KeptAgreement, agreement};

/// Every kept figure, held as the app holds them (one keeper per open view).
#[derive(Default)]
pub struct Kept {
    index: AttributionIndex,
    counts: CodeCounts,
    matrix: MatrixCache,
    overlap: CooccurrenceCache,
    turn: CooccurrenceCache,
    review: ReviewCache,
    agreement: KeptAgreement,
    coded: CodedDocuments,
}

/// Asks every kept figure for the project as it is and compares it with a recomputation.
pub fn check(kept: &mut Kept, p: &Project, coders: &CoderScope, step: usize) -> Result<(), TestCaseError> {
    kept.counts.refresh(p, &mut kept.index, coders);
    prop_assert_eq!(kept.counts.extracts(), extract_counts(p, coders), "codebook counts, step {}", step);
    let fresh = CodeCounts::build(p, coders);
    prop_assert_eq!(kept.counts.totals(), fresh.totals(), "code totals, step {}", step);
    prop_assert_eq!(kept.counts.summaries(p), summaries(p, coders), "board counts, step {}", step);

    kept.coded.refresh(p, coders);
    prop_assert_eq!(kept.coded.get(), &coded_documents(p, coders), "coded documents, step {}", step);

    let fresh = AttributionIndex::build(p);
    for d in p.documents.keys() {
        prop_assert_eq!(kept.index.codings(*d), fresh.codings(*d), "attribution, step {}", step);
        prop_assert_eq!(kept.index.speakers(*d), fresh.speakers(*d), "speakers, step {}", step);
        prop_assert_eq!(
            kept.index.extracts_ref(p, *d, coders).to_vec(),
            fresh.extracts_ref(p, *d, coders).to_vec(),
            "extracts, step {}",
            step
        );
    }

    let options = MatrixOptions { coders: coders.clone(), ..MatrixOptions::default() };
    prop_assert_eq!(&*kept.matrix.get(p, &options), &Matrix::build(p, &options), "matrix, step {}", step);

    for (scope, cache) in [(Scope::Overlap, &mut kept.overlap), (Scope::Turn, &mut kept.turn)] {
        let options = CooccurrenceOptions { scope, coders: coders.clone(), set: None };
        let table = cache.get(p, kept.matrix.fresh_index(p), &options);
        prop_assert_eq!(&*table, &Cooccurrence::build(p, &options), "co-occurrence {:?}, step {}", scope, step);
    }

    if let Some(theme) = p.themes.keys().next().copied() {
        let by = GroupBy::ALL[step % GroupBy::ALL.len()];
        let kept_review = kept.review.get(p, theme, by, coders);
        prop_assert_eq!(&*kept_review, &review(p, theme, by, coders), "review, step {}", step);
    }
    // Agreement: the coders who have coded (as the Team view starts), every character counted
    // in every other run of five steps (a new context key: every part subtracted from the
    // summed tables and counted again; in between, only edited documents are), all documents
    // or only the first. The overview (what the Team view draws, from the kept sums) is held
    // to the full report's head, and the report (its overall figures from the sums too) to
    // the full report.
    let opts = AgreementOptions {
        coders: Vec::new(),
        docs: p.documents.keys().take(step % 2).copied().collect(),
        include_uncoded: (step / 5) % 2 == 1,
    };
    let fresh = agreement(p, &opts);
    let overview = kept.agreement.overview(p, &opts);
    match (&overview, &fresh) {
        (Ok(o), Ok(f)) => {
            prop_assert_eq!(&o.overall, &f.overall, "agreement overview, step {}", step);
            prop_assert_eq!(&o.skipped, &f.skipped, "agreement left out, step {}", step);
            prop_assert_eq!(&o.coders, &f.coders, "agreement coders, step {}", step);
            prop_assert_eq!(o.documents, f.documents.len(), "agreement documents, step {}", step);
            let only = match f.documents.as_slice() {
                [d] => Some(d.name.clone()),
                _ => None,
            };
            prop_assert_eq!(&o.only_document, &only, "agreement's one document, step {}", step);
        }
        (Err(a), Err(b)) => prop_assert_eq!(a, b, "agreement overview error, step {}", step),
        _ => prop_assert!(false, "agreement overview {:?} against {:?}, step {}", overview, fresh, step),
    }
    prop_assert_eq!(kept.agreement.report(p, &opts), fresh, "agreement, step {}", step);
    Ok(())
}
