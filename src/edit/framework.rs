//! Applying framework edits (cell summaries and row marks) and keeping them consistent when
//! the themes, codes and documents they refer to are deleted or merged.

use super::apply::Applied;
use super::{Edit, EditError};
use crate::model::*;

impl Project {
    pub(super) fn set_cell_summary(&mut self, row: RowKey, column: ColumnKey, text: String) -> Applied {
        self.check_row(row)?;
        self.check_column(&column)?;
        let key = (row, column);
        let old = if text.trim().is_empty() {
            self.framework.summaries.remove(&key)
        } else {
            self.framework.summaries.insert(key.clone(), text)
        };
        self.revisions.framework += 1;
        let (row, column) = key;
        Ok(Edit::SetCellSummary { row, column, text: old.unwrap_or_default() })
    }

    pub(super) fn set_row_mark(&mut self, row: RowKey, across: Dimension, mark: Option<RowMark>) -> Applied {
        self.check_row(row)?;
        if let Dimension::Attribute { name } = &across
            && name.trim().is_empty()
        {
            return Err(EditError::EmptyName { kind: "attribute" });
        }
        let key = (row, across);
        let old = match mark {
            Some(m) => self.framework.marks.insert(key.clone(), m),
            None => self.framework.marks.remove(&key),
        };
        self.revisions.framework += 1;
        let (row, across) = key;
        Ok(Edit::SetRowMark { row, across, mark: old })
    }

    /// Every summary and mark names a theme or code (and a document) of the project: what
    /// applying them one by one would have checked. (Blank summaries are dropped on loading.)
    pub(super) fn check_framework(&self) -> Result<(), EditError> {
        for (row, column) in self.framework.summaries.keys() {
            self.check_row(*row)?;
            self.check_column(column)?;
        }
        for (row, across) in self.framework.marks.keys() {
            self.check_row(*row)?;
            if let Dimension::Attribute { name } = across
                && name.trim().is_empty()
            {
                return Err(EditError::EmptyName { kind: "attribute" });
            }
        }
        Ok(())
    }

    fn check_row(&self, row: RowKey) -> Result<(), EditError> {
        match row {
            RowKey::Theme(id) if !self.themes.contains_key(&id) => Err(EditError::unknown("theme", id)),
            RowKey::Code(id) if !self.codes.contains_key(&id) => Err(EditError::unknown("code", id)),
            _ => Ok(()),
        }
    }

    fn check_column(&self, column: &ColumnKey) -> Result<(), EditError> {
        match column {
            ColumnKey::Value { attribute, .. } | ColumnKey::Unattributed { attribute } => {
                if attribute.trim().is_empty() {
                    return Err(EditError::EmptyName { kind: "attribute" });
                }
                Ok(())
            }
            ColumnKey::Document { id } if !self.documents.contains_key(id) => Err(EditError::unknown("document", id)),
            ColumnKey::Document { .. } | ColumnKey::DocumentSet { .. } => Ok(()),
        }
    }

    /// Edits that clear every summary and mark of a row (its theme or code is being deleted).
    pub(super) fn clear_row_framework(&self, row: RowKey) -> Vec<Edit> {
        let summaries = self
            .framework
            .summaries
            .keys()
            .filter(|(r, _)| *r == row)
            .map(|(_, column)| Edit::SetCellSummary { row, column: column.clone(), text: String::new() });
        let marks = self.framework.marks.keys().filter(|(r, _)| *r == row).map(|(_, across)| Edit::SetRowMark {
            row,
            across: across.clone(),
            mark: None,
        });
        summaries.chain(marks).collect()
    }

    /// Edits that clear the summaries of a document's column (the document is being removed).
    pub(super) fn clear_document_framework(&self, doc: DocId) -> Vec<Edit> {
        self.framework
            .summaries
            .keys()
            .filter(|(_, c)| *c == ColumnKey::Document { id: doc })
            .map(|(row, column)| Edit::SetCellSummary { row: *row, column: column.clone(), text: String::new() })
            .collect()
    }

    /// Edits that carry a row's summaries and marks over to the row it is merged into: a
    /// summary joins the target's own (nothing the researcher wrote is lost), a mark is taken
    /// only where the target has none.
    pub(super) fn merge_row_framework(&self, from: RowKey, into: RowKey) -> Vec<Edit> {
        let mut steps = Vec::new();
        for ((_, column), text) in self.framework.summaries.iter().filter(|((r, _), _)| *r == from) {
            let text = match self.framework.summary(into, column) {
                Some(own) => format!("{own}\n\n{text}"),
                None => text.clone(),
            };
            steps.push(Edit::SetCellSummary { row: into, column: column.clone(), text });
        }
        for ((_, across), mark) in self.framework.marks.iter().filter(|((r, _), _)| *r == from) {
            if self.framework.mark(into, across).is_none() {
                steps.push(Edit::SetRowMark { row: into, across: across.clone(), mark: Some(*mark) });
            }
        }
        steps
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project() -> Project {
        let mut p = Project::new("Framework");
        let edits = vec![
            Edit::CreateTheme { theme: Theme::new(ThemeId::from_u128(1), "Being talked about"), index: None },
            Edit::CreateTheme { theme: Theme::new(ThemeId::from_u128(2), "Jargon"), index: None },
            Edit::AddDocument {
                document: Box::new(Document::new(DocId::from_u128(3), "J1", DocKind::Interview, "J1: Møtet.\n")),
                index: None,
            },
        ];
        let r = p.apply(Edit::batch("setup", edits));
        assert!(r.is_ok(), "{r:?}");
        p
    }

    const T1: RowKey = RowKey::Theme(ThemeId::from_u128(1));
    const T2: RowKey = RowKey::Theme(ThemeId::from_u128(2));

    fn jobseekers() -> ColumnKey {
        ColumnKey::value("group", "Jobseeker")
    }

    #[test]
    fn summary_set_replace_clear_and_undo() -> Result<(), EditError> {
        let mut p = project();
        let start = p.clone();
        let undo1 = p.apply(Edit::SetCellSummary { row: T1, column: jobseekers(), text: "Talked over".into() })?;
        assert_eq!(p.framework.summary(T1, &jobseekers()), Some("Talked over"));
        let undo2 = p.apply(Edit::SetCellSummary { row: T1, column: jobseekers(), text: "Talked about".into() })?;
        assert_eq!(undo2, Edit::SetCellSummary { row: T1, column: jobseekers(), text: "Talked over".into() });
        let undo3 = p.apply(Edit::SetCellSummary { row: T1, column: jobseekers(), text: "  ".into() })?;
        assert!(p.framework.is_empty(), "a blank summary clears the cell");
        p.apply(undo3)?;
        assert_eq!(p.framework.summary(T1, &jobseekers()), Some("Talked about"));
        p.apply(undo2)?;
        p.apply(undo1)?;
        assert_eq!(p, start);
        Ok(())
    }

    #[test]
    fn marks_are_per_dimension() -> Result<(), EditError> {
        let mut p = project();
        p.apply(Edit::SetRowMark { row: T1, across: Dimension::group(), mark: Some(RowMark::Diverge) })?;
        let undo =
            p.apply(Edit::SetRowMark { row: T1, across: Dimension::attribute("site"), mark: Some(RowMark::Converge) })?;
        assert_eq!(p.framework.mark(T1, &Dimension::group()), Some(RowMark::Diverge));
        assert_eq!(p.framework.mark(T1, &Dimension::attribute("site")), Some(RowMark::Converge));
        assert_eq!(undo, Edit::SetRowMark { row: T1, across: Dimension::attribute("site"), mark: None });
        Ok(())
    }

    #[test]
    fn refuses_unknown_rows_documents_and_nameless_attributes() {
        let mut p = project();
        let unknown = RowKey::Code(CodeId::from_u128(99));
        let e = p.apply(Edit::SetCellSummary { row: unknown, column: jobseekers(), text: "x".into() });
        assert!(matches!(e, Err(EditError::Unknown { kind: "code", .. })), "{e:?}");
        let doc = ColumnKey::Document { id: DocId::from_u128(98) };
        let e = p.apply(Edit::SetCellSummary { row: T1, column: doc, text: "x".into() });
        assert!(matches!(e, Err(EditError::Unknown { kind: "document", .. })), "{e:?}");
        let e = p.apply(Edit::SetRowMark { row: T1, across: Dimension::attribute(" "), mark: Some(RowMark::Silent) });
        assert!(matches!(e, Err(EditError::EmptyName { .. })), "{e:?}");
        assert!(p.framework.is_empty());
    }

    #[test]
    fn deleting_a_theme_or_document_clears_its_cells_and_undo_brings_them_back() -> Result<(), EditError> {
        let mut p = project();
        let doc_col = ColumnKey::Document { id: DocId::from_u128(3) };
        p.apply(Edit::SetCellSummary { row: T1, column: jobseekers(), text: "A".into() })?;
        p.apply(Edit::SetCellSummary { row: T2, column: doc_col.clone(), text: "B".into() })?;
        p.apply(Edit::SetRowMark { row: T1, across: Dimension::group(), mark: Some(RowMark::Silent) })?;
        let before = p.clone();
        let undo = p.apply(Edit::DeleteTheme { id: ThemeId::from_u128(1) })?;
        assert!(!p.framework.mentions_row(T1));
        assert!(p.check_integrity().is_ok());
        p.apply(undo)?;
        assert_eq!(p, before);
        let undo = p.apply(Edit::RemoveDocument { id: DocId::from_u128(3) })?;
        assert_eq!(p.framework.summary(T2, &doc_col), None);
        p.apply(undo)?;
        assert_eq!(p, before);
        Ok(())
    }

    #[test]
    fn merging_joins_summaries_and_keeps_the_targets_mark() -> Result<(), EditError> {
        let mut p = project();
        let sites = ColumnKey::value("site", "Nordby");
        p.apply(Edit::SetCellSummary { row: T1, column: jobseekers(), text: "From one".into() })?;
        p.apply(Edit::SetCellSummary { row: T1, column: sites.clone(), text: "Only here".into() })?;
        p.apply(Edit::SetCellSummary { row: T2, column: jobseekers(), text: "Into".into() })?;
        p.apply(Edit::SetRowMark { row: T1, across: Dimension::group(), mark: Some(RowMark::Silent) })?;
        p.apply(Edit::SetRowMark { row: T1, across: Dimension::attribute("site"), mark: Some(RowMark::Converge) })?;
        p.apply(Edit::SetRowMark { row: T2, across: Dimension::group(), mark: Some(RowMark::Diverge) })?;
        let before = p.clone();
        let undo = p.apply(Edit::MergeThemes { from: ThemeId::from_u128(1), into: ThemeId::from_u128(2) })?;
        assert_eq!(p.framework.summary(T2, &jobseekers()), Some("Into\n\nFrom one"));
        assert_eq!(p.framework.summary(T2, &sites), Some("Only here"));
        assert_eq!(p.framework.mark(T2, &Dimension::group()), Some(RowMark::Diverge));
        assert_eq!(p.framework.mark(T2, &Dimension::attribute("site")), Some(RowMark::Converge));
        assert!(!p.framework.mentions_row(T1));
        p.apply(undo)?;
        assert_eq!(p, before);
        Ok(())
    }
}
