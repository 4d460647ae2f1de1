//! CSV: one row per table row, with its level (1 = main theme) so that a script can rebuild
//! the hierarchy; cells neutralised against formula injection by the shared CSV escaper.

use super::{ExportError, TableText};
use crate::export::escape::{csv_writer, write_row};

pub(super) fn render(t: &TableText) -> Result<Vec<u8>, ExportError> {
    let mut w = csv_writer();
    let mut header = vec![t.corner.as_str(), "Level"];
    header.extend(t.columns.iter().map(String::as_str));
    write_row(&mut w, &header)?;
    for row in &t.rows {
        let level = (row.depth + 1).to_string();
        let mut record = vec![row.label.as_str(), level.as_str()];
        record.extend(row.cells.iter().map(String::as_str));
        write_row(&mut w, &record)?;
    }
    w.into_inner().map_err(|e| ExportError::format("CSV table", e.error()))
}
