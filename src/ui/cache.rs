//! Derived data the views need every frame, memoised by the project's revision counters so
//! nothing is recomputed until the data it depends on changes, and then only for the documents
//! an edit touched (the counts are kept per document in the core: [`CodeCounts`]).

use crate::analysis::coverage::coverage;
use crate::analysis::phases::CodedDocuments;
use crate::analysis::themes::ThemeSummary;
use crate::analysis::{AttributionIndex, CodeCounts, CoderScope};
use crate::model::*;
use crate::ui::Action;
use crate::ui::cold::Warm;
use rustc_hash::FxHashSet;
use std::collections::HashMap;
use std::rc::Rc;

/// One row of the codebook tree.
#[derive(Clone, Debug, PartialEq)]
pub struct CodeRow {
    pub id: CodeId,
    pub parent: Option<CodeId>,
    pub depth: usize,
    pub name: String,
    pub colour: Colour,
    /// Extracts of this code in the coder scope (codings of it on overlapping text are one).
    pub own: usize,
    /// Extracts of this code and every code below it.
    pub total: usize,
    pub has_children: bool,
}

/// The codebook as a flat list in tree order (depth-first, codebook order among siblings).
pub fn code_rows(p: &Project, coders: &CoderScope) -> Vec<CodeRow> {
    rows_from(p, &crate::analysis::scope::extract_counts(p, coders))
}

/// The rows for extract counts per code.
fn rows_from(p: &Project, counts: &HashMap<CodeId, usize>) -> Vec<CodeRow> {
    let mut children: HashMap<Option<CodeId>, Vec<CodeId>> = HashMap::new();
    for c in p.codes.values() {
        children.entry(c.parent).or_default().push(c.id);
    }
    fn total(id: CodeId, children: &HashMap<Option<CodeId>, Vec<CodeId>>, counts: &HashMap<CodeId, usize>) -> usize {
        let own = counts.get(&id).copied().unwrap_or(0);
        own + children.get(&Some(id)).map_or(0, |k| k.iter().map(|c| total(*c, children, counts)).sum())
    }
    let mut rows = Vec::with_capacity(p.codes.len());
    let mut stack: Vec<(CodeId, usize)> =
        children.get(&None).map(|v| v.iter().rev().map(|c| (*c, 0)).collect()).unwrap_or_default();
    while let Some((id, depth)) = stack.pop() {
        let Some(code) = p.codes.get(&id) else { continue };
        let kids = children.get(&Some(id));
        rows.push(CodeRow {
            id,
            parent: code.parent,
            depth,
            name: code.name().to_string(),
            colour: code.props.colour,
            own: counts.get(&id).copied().unwrap_or(0),
            total: total(id, &children, counts),
            has_children: kids.is_some_and(|k| !k.is_empty()),
        });
        if let Some(kids) = kids {
            stack.extend(kids.iter().rev().map(|c| (*c, depth + 1)));
        }
    }
    rows
}

/// What an assembled figure depends on: every change, and whose codings count.
type FigureKey = (u64, CoderScope);

/// Codings whose counts may be redone in the frame (a few milliseconds' work); an edit
/// touching documents with more (a code applied to every search hit, another coder scope,
/// the first count of a project) is counted on a worker (see [`Warm`]).
const COUNT_IN_FRAME: usize = crate::ui::cold::INLINE_CODINGS;

/// The attribution of every coding and the counts made from it, kept together: the counts
/// are made from the index, and both go to a worker together when cold.
#[derive(Default)]
struct Counted {
    /// Every coding's attribution and the extracts it makes, refreshed per edited document.
    index: AttributionIndex,
    /// Extracts, documents and participants per code, kept per document (subtract the edited
    /// document's old part, add its new one): what the codebook and the board count.
    counts: CodeCounts,
}

#[derive(Default)]
pub struct Cache {
    code_rows: Option<(FigureKey, Rc<Vec<CodeRow>>)>,
    board: Option<(FigureKey, Rc<HashMap<ThemeId, ThemeSummary>>)>,
    counted: Warm<Counted>,
    coverage: HashMap<(DocId, Option<CoderId>), (u64, f32)>,
    /// The documents that count as coded in the coder scope, kept per document.
    coded: CodedDocuments,
}

/// The codebook's rows, and whether their counts are still being made on a worker (the
/// rows are there; their counts read 0 until then).
pub struct CodeRows {
    pub rows: Rc<Vec<CodeRow>>,
    pub counting: bool,
}

impl Cache {
    /// The counts brought up to date for `coders`, or `None` while a worker makes them (the
    /// first count of a large project, another coder scope, an edit of many documents).
    fn counts(&mut self, p: &Project, coders: &CoderScope, actions: &mut Vec<Action>) -> Option<&CodeCounts> {
        let cold = |c: &Counted, p: &Project| c.counts.stale_codings(p, &c.index, coders) >= COUNT_IN_FRAME;
        let scope = coders.clone();
        let build = move |c: &mut Counted, p: &Project| {
            c.counts.refresh(p, &mut c.index, &scope);
        };
        let counted = self.counted.get_in(p, actions, "Counting codings", "code counts", cold, build)?;
        counted.counts.refresh(p, &mut counted.index, coders);
        Some(&counted.counts)
    }

    /// The codebook tree rows; after an edit only the edited document is counted again.
    pub fn code_rows(&mut self, p: &Project, coders: &CoderScope, actions: &mut Vec<Action>) -> CodeRows {
        let key = (p.revisions.all, coders.clone());
        if let Some((k, rows)) = &self.code_rows
            && *k == key
        {
            return CodeRows { rows: rows.clone(), counting: false };
        }
        match self.counts(p, coders, actions) {
            Some(counts) => {
                let rows = Rc::new(rows_from(p, &counts.extracts()));
                self.code_rows = Some((key, rows.clone()));
                CodeRows { rows, counting: false }
            }
            None => CodeRows { rows: Rc::new(rows_from(p, &HashMap::new())), counting: true },
        }
    }

    /// The themes board's figures per theme, from the same kept counts as the codebook;
    /// `None` while a worker makes them.
    pub fn theme_summaries(
        &mut self,
        p: &Project,
        coders: &CoderScope,
        actions: &mut Vec<Action>,
    ) -> Option<Rc<HashMap<ThemeId, ThemeSummary>>> {
        let key = (p.revisions.all, coders.clone());
        if let Some((k, board)) = &self.board
            && *k == key
        {
            return Some(board.clone());
        }
        let counts = self.counts(p, coders, actions)?;
        let board: Rc<HashMap<ThemeId, ThemeSummary>> =
            Rc::new(counts.summaries(p).into_iter().map(|s| (s.id, s)).collect());
        self.board = Some((key, board.clone()));
        Some(board)
    }

    /// The documents that count as coded in a coder scope (the navigator's folders and the
    /// phase tracker); after an edit only the edited document is asked again.
    pub fn coded_documents(&mut self, p: &Project, coders: &CoderScope) -> &FxHashSet<DocId> {
        self.coded.refresh(p, coders);
        self.coded.get()
    }

    /// How much of a document is coded; recomputed when that document's codings change.
    pub fn coverage(&mut self, p: &Project, doc: DocId, coder: Option<CoderId>) -> f32 {
        let rev = p.revisions.doc(doc);
        match self.coverage.get(&(doc, coder)) {
            Some((r, v)) if *r == rev => *v,
            _ => {
                let v = coverage(p, doc, coder);
                self.coverage.insert((doc, coder), (rev, v));
                v
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_in_tree_order_with_totals() {
        let mut p = Project::new("t");
        let mk = |n: u128, name: &str, parent: Option<u128>| {
            let mut c = Code::new(CodeId::from_u128(n), name, PALETTE[0]);
            c.parent = parent.map(CodeId::from_u128);
            c
        };
        for c in [mk(1, "A", None), mk(2, "B", None), mk(3, "A1", Some(1)), mk(4, "A1a", Some(3))] {
            p.codes.insert(c.id, c);
        }
        let coding = |n: u128, code: u128| Coding {
            id: CodingId::from_u128(n),
            doc: DocId::from_u128(1),
            span: Span::new(0, 1),
            code: CodeId::from_u128(code),
            coder: CoderId::from_u128(1),
            created: chrono::Utc::now(),
            comment: String::new(),
        };
        for (n, code) in [(1, 4), (2, 3), (3, 1), (4, 2)] {
            let c = coding(n, code);
            p.codings.insert(c.id, c);
        }
        let rows = code_rows(&p, &CoderScope::All);
        let names: Vec<(&str, usize, usize, usize)> =
            rows.iter().map(|r| (r.name.as_str(), r.depth, r.own, r.total)).collect();
        assert_eq!(names, [("A", 0, 1, 3), ("A1", 1, 1, 2), ("A1a", 2, 1, 1), ("B", 0, 1, 1)]);
        assert!(rows[0].has_children && !rows[3].has_children);
    }

    /// A project of `docs` documents with `per_doc` codings of one code each (one extract per
    /// coding: they do not overlap), built through edits so its look-up tables are in step.
    fn coded(docs: u128, per_doc: usize) -> Result<Project, crate::edit::EditError> {
        use crate::edit::Edit;
        let mut p = Project::new("t");
        let mut edits = vec![
            Edit::AddCoder {
                coder: Coder { id: CoderId::from_u128(1), name: "I".into(), colour: PALETTE[0], slug: "i".into() },
                index: None,
            },
            Edit::CreateCode { code: Code::new(CodeId::from_u128(7), "Waiting", PALETTE[0]), index: None },
        ];
        for d in 0..docs {
            let text = "venter ".repeat(per_doc);
            let doc = Document::new(DocId::from_u128(100 + d), format!("D{d}"), DocKind::Interview, text.as_str());
            edits.push(Edit::AddDocument { document: Box::new(doc), index: None });
            for k in 0..per_doc {
                let coding = Coding {
                    id: CodingId::from_u128(d * 100_000 + k as u128 + 1),
                    doc: DocId::from_u128(100 + d),
                    span: Span::new(k * 7, k * 7 + 6),
                    code: CodeId::from_u128(7),
                    coder: CoderId::from_u128(1),
                    created: chrono::Utc::now(),
                    comment: String::new(),
                };
                edits.push(Edit::AddCoding { coding });
            }
        }
        p.apply(Edit::batch("coded", edits))?;
        Ok(p)
    }

    /// The codebook's first count of a large project goes to a job (the rows are there
    /// meanwhile, flagged as counting); the count it brings back is the core's; after that
    /// an edit of one document is counted in the frame, with no job.
    #[test]
    fn a_cold_count_goes_to_a_job_and_an_edit_is_counted_in_the_frame() -> Result<(), crate::edit::EditError> {
        use crate::edit::Edit;
        let per_doc = crate::ui::cold::INLINE_CODINGS / 4;
        let mut p = coded(4, per_doc)?;
        let (mut cache, mut actions) = (Cache::default(), Vec::new());
        let rows = cache.code_rows(&p, &CoderScope::All, &mut actions);
        assert!(rows.counting && rows.rows.len() == 1 && rows.rows[0].own == 0);
        let [Action::Job(spec)] = actions.as_mut_slice() else { panic!("one job, not {actions:?}") };
        let spec = std::mem::replace(spec, crate::ui::jobs::JobSpec::new("none", |_| Vec::new()));
        let mut jobs = crate::ui::jobs::Jobs::default();
        jobs.start(&egui::Context::default(), spec);
        for _ in 0..2000 {
            jobs.poll();
            if jobs.is_empty() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert!(jobs.is_empty(), "the count finished");
        actions.clear();
        let rows = cache.code_rows(&p, &CoderScope::All, &mut actions);
        assert!(!rows.counting && actions.is_empty());
        assert_eq!(rows.rows[0].own, 4 * per_doc, "every coding is an extract of its own");

        let one_more = Coding {
            id: CodingId::from_u128(999_999),
            doc: DocId::from_u128(101),
            // The text's last character, a space no coding covers yet: a new extract.
            span: Span::new(per_doc * 7 - 1, per_doc * 7),
            code: CodeId::from_u128(7),
            coder: CoderId::from_u128(1),
            created: chrono::Utc::now(),
            comment: String::new(),
        };
        p.apply(Edit::AddCoding { coding: one_more })?;
        let rows = cache.code_rows(&p, &CoderScope::All, &mut actions);
        assert!(!rows.counting && actions.is_empty(), "one document is counted in the frame");
        assert_eq!(rows.rows[0].own, 4 * per_doc + 1);
        Ok(())
    }
}
