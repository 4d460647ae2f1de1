//! The documents sheet: attributes, sets, kind and language of documents already imported.
//!
//! Read like the participants sheet (CSV, TSV or the first worksheet of an .xlsx; see
//! [`super::participants`]): the first column is the document's name. The other columns, by
//! header: `kind` (interview, focus-group, field-notes, other), `language` (english,
//! norwegian, ...; empty follows the project), `sets` (or `set`, `folder`, `folders`: set
//! names separated by `;` or `|`) and anything else (date, interviewer, site...) an attribute.
//! An empty cell leaves that attribute as it is. A name no document has is reported, not
//! refused, so one sheet can serve several projects.

use super::SheetError;
use super::participants::parse_sheet;
use crate::edit::{DocumentChange, Edit};
use crate::model::*;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum DocumentSheetError {
    #[error("documents sheet {}: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    #[error("documents sheet {}: {reason}", path.display())]
    Sheet { path: PathBuf, reason: SheetError },
    #[error("documents sheet {}, line {line}: “{value}” is not a {column} Tema knows", path.display())]
    BadValue { path: PathBuf, line: usize, column: &'static str, value: String },
    #[error("documents sheet {}: the import it goes with cannot be applied: {source}", path.display())]
    Import { path: PathBuf, source: crate::edit::EditError },
}

/// What a documents sheet changes.
#[derive(Debug, Default)]
pub struct DocumentSheetPlan {
    /// One undoable step for every document the sheet changes; `None` when nothing changes.
    pub edit: Option<Edit>,
    /// Documents the sheet changes.
    pub updated: Vec<String>,
    /// Names in the sheet that no document has.
    pub unknown: Vec<String>,
}

/// Reads a documents sheet and plans its changes to the project.
pub fn plan_document_sheet(p: &Project, path: &Path) -> Result<DocumentSheetPlan, DocumentSheetError> {
    let bytes = std::fs::read(path).map_err(|source| DocumentSheetError::Read { path: path.to_path_buf(), source })?;
    let ext = path.extension().map(|e| e.to_string_lossy().into_owned()).unwrap_or_default();
    let rows =
        parse_sheet(&ext, bytes).map_err(|reason| DocumentSheetError::Sheet { path: path.to_path_buf(), reason })?;
    let bad = |line: usize, column: &'static str, value: &str| DocumentSheetError::BadValue {
        path: path.to_path_buf(),
        line,
        column,
        value: value.to_string(),
    };
    let mut plan = DocumentSheetPlan::default();
    let mut edits = Vec::new();
    for row in rows {
        let Some(doc) = p.document_by_name(&row.props.label) else {
            plan.unknown.push(row.props.label.clone());
            continue;
        };
        let mut change = DocumentChange::default();
        // The participants reader takes a `group` column for itself: for documents it is an
        // attribute like any other.
        let mut attributes: Vec<(String, String)> = row.props.attributes.into_iter().collect();
        if !row.props.group.is_empty() {
            attributes.push(("group".into(), row.props.group.clone()));
        }
        for (key, value) in attributes {
            match header(&key).as_str() {
                "kind" | "type" => {
                    change.kind = Some(DocKind::parse(&value).ok_or_else(|| bad(row.line, "document kind", &value))?);
                }
                "language" | "lang" | "språk" => {
                    change.language =
                        Some(Some(Language::parse(&value).ok_or_else(|| bad(row.line, "language", &value))?));
                }
                "sets" | "set" | "folder" | "folders" => {
                    change.add_sets =
                        value.split([';', '|']).map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect();
                }
                _ => change.attributes.push((key, value)),
            }
        }
        match change.edit(p, doc.id) {
            Ok(Some(edit)) => {
                plan.updated.push(doc.name().to_string());
                edits.push(edit);
            }
            Ok(None) => {}
            Err(e) => return Err(bad(row.line, "document attribute", &e.to_string())),
        }
    }
    plan.edit = match edits.len() {
        0 => None,
        1 => edits.pop(),
        n => Some(Edit::batch(format!("Update {n} documents from a sheet"), edits)),
    };
    Ok(plan)
}

/// Plans a documents sheet together with an import: the sheet is read against the project as
/// it will be once `import` (the import's edit) is applied, so its rows may name the documents
/// being imported as well as those already there. The caller applies
/// [`with_import`] of the two, one undoable step.
pub fn plan_after_import(
    p: &Project,
    import: Option<&Edit>,
    path: &Path,
) -> Result<DocumentSheetPlan, DocumentSheetError> {
    let Some(import) = import else { return plan_document_sheet(p, path) };
    let mut after = p.clone();
    after.apply(import.clone()).map_err(|source| DocumentSheetError::Import { path: path.to_path_buf(), source })?;
    plan_document_sheet(&after, path)
}

/// An import's edit and a documents sheet's edit as one step (either may be missing).
pub fn with_import(import: Option<Edit>, sheet: Option<Edit>) -> Option<Edit> {
    match (import, sheet) {
        (Some(Edit::Batch { label, mut edits }), Some(s)) => {
            edits.push(s);
            Some(Edit::batch(format!("{label} with a documents sheet"), edits))
        }
        (Some(i), Some(s)) => Some(Edit::batch("Import with a documents sheet", vec![i, s])),
        (i, s) => i.or(s),
    }
}

fn header(h: &str) -> String {
    h.trim().to_lowercase().chars().filter(|c| !matches!(c, ' ' | '-' | '_')).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sheet_sets_attributes_sets_kind_and_language() {
        let mut p = Project::new("t");
        for (n, name) in [(1, "FN1"), (2, "J4")] {
            let d = Document::new(DocId::from_u128(n), name, DocKind::Interview, "text");
            assert!(p.apply(Edit::AddDocument { document: Box::new(d), index: None }).is_ok());
        }
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("docs.csv");
        let sheet = "document,kind,language,sets,date,site\n\
                     FN1,field-notes,,Wave 1;Site Nordby,2024-03-01,Nordby\n\
                     J4,,norwegian,Wave 1,,Sørvik\n\
                     J99,interview,,,,\n";
        std::fs::write(&path, sheet).unwrap_or_else(|e| panic!("{e}"));
        let plan = plan_document_sheet(&p, &path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(plan.updated, ["FN1", "J4"]);
        assert_eq!(plan.unknown, ["J99"]);
        let Some(edit) = plan.edit else { panic!("no edit") };
        assert!(p.apply(edit).is_ok());
        let fn1 = &p.documents[&DocId::from_u128(1)].props;
        assert_eq!(fn1.kind, DocKind::FieldNotes);
        assert_eq!(fn1.sets, ["Wave 1", "Site Nordby"]);
        assert_eq!(fn1.metadata.get("date").map(String::as_str), Some("2024-03-01"));
        let j4 = &p.documents[&DocId::from_u128(2)].props;
        assert_eq!((j4.kind, j4.language), (DocKind::Interview, Some(Language::Norwegian)));
        assert_eq!(j4.metadata.get("site").map(String::as_str), Some("Sørvik"));
        assert!(!j4.metadata.contains_key("date"), "an empty cell sets nothing");
    }

    #[test]
    fn an_unknown_kind_is_refused_with_its_line() {
        let mut p = Project::new("t");
        let d = Document::new(DocId::from_u128(1), "FN1", DocKind::Interview, "text");
        assert!(p.apply(Edit::AddDocument { document: Box::new(d), index: None }).is_ok());
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("docs.csv");
        std::fs::write(&path, "document,kind\nFN1,diary\n").unwrap_or_else(|e| panic!("{e}"));
        let err = plan_document_sheet(&p, &path).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("line 2") && err.contains("diary"), "{err}");
    }
}
