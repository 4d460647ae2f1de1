//! CSV: one row per table row, with its level (1 = main theme) so that a script can rebuild
//! the hierarchy.

use super::{ExportError, TableText};

pub(super) fn render(t: &TableText) -> Result<Vec<u8>, ExportError> {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let mut header = vec![t.corner.as_str(), "Level"];
    header.extend(t.columns.iter().map(String::as_str));
    w.write_record(&header)?;
    for row in &t.rows {
        let level = (row.depth + 1).to_string();
        let mut record = vec![row.label.as_str(), level.as_str()];
        record.extend(row.cells.iter().map(String::as_str));
        w.write_record(&record)?;
    }
    w.into_inner().map_err(|e| ExportError::Io(e.into_error()))
}
