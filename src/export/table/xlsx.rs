//! XLSX: the table on one sheet, header row frozen, subthemes indented, counts as numbers.

use super::{ExportError, TableText};
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};

pub(super) fn render(t: &TableText) -> Result<Vec<u8>, ExportError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Table")?;
    let header = Format::new().set_bold().set_border_bottom(FormatBorder::Thin).set_text_wrap();
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    sheet.write_string_with_format(0, 0, &t.corner, &header)?;
    for (i, label) in t.columns.iter().enumerate() {
        sheet.write_string_with_format(0, col(i + 1), label, &header)?;
    }
    let mut label_width = t.corner.chars().count();
    for (r, row) in t.rows.iter().enumerate() {
        let r = (r + 1) as u32;
        let mut label = Format::new().set_indent(row.depth.min(15) as u8).set_align(FormatAlign::Top);
        if t.hierarchical && row.depth == 0 {
            label = label.set_bold();
        }
        sheet.write_string_with_format(r, 0, &row.label, &label)?;
        label_width = label_width.max(row.label.chars().count() + 2 * row.depth);
        for (i, cell) in row.cells.iter().enumerate() {
            let c = col(i + 1);
            if cell.is_empty() {
                continue;
            }
            match cell.parse::<f64>() {
                Ok(n) if t.numeric => sheet.write_number(r, c, n)?,
                _ => sheet.write_string_with_format(r, c, cell, &wrap)?,
            };
        }
    }
    sheet.set_column_width(0, label_width.clamp(10, 60) as f64)?;
    let width = if t.prose { 40.0 } else { 14.0 };
    for i in 0..t.columns.len() {
        sheet.set_column_width(col(i + 1), width)?;
    }
    sheet.set_freeze_panes(1, 1)?;
    Ok(book.save_to_buffer()?)
}

/// A spreadsheet column number (tables never come near the 16,384-column limit).
fn col(i: usize) -> u16 {
    i.min(u16::MAX as usize) as u16
}
