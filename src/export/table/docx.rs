//! DOCX: a real Word table in the `Tema Table` style (rules above and below the table and
//! under the header, as booktabs draws them), through the shared Word writer. Its first row
//! is a header row (`w:tblHeader`: Word repeats it on every page and screen readers announce
//! it); the caption is a `caption` paragraph above the table, as APA and most journals place
//! it; notes follow in `Table Note`. Column widths come from the content ([`super::Layout`]),
//! so no header word is broken, and the page turns landscape when the table needs it.

use super::{ExportError, Page, TableText};
use crate::export::docx::{self, Orientation, R, RunStyle, Xml, empty};
use crate::export::metrics::Faces;

/// Room a column needs besides its text: the style's cell margins (85 twips each side,
/// 8.5 pt) and 2 pt to spare for rounding.
const PAD_PT: f64 = 10.5;

/// Indentation per level of a subtheme.
const INDENT: usize = 284;

pub(super) fn render(t: &TableText) -> Result<Vec<u8>, ExportError> {
    // The `Tema Table` style sets 10 pt text with a bold header row; the reader sees Calibri
    // (or Carlito) or else DejaVu Sans, so words are measured in the wider.
    let page = Page {
        portrait: Orientation::Portrait.text_width() as f64 / 20.0,
        landscape: Orientation::Landscape.text_width() as f64 / 20.0,
        size: 10.0,
        header: Faces::WORD_BOLD,
        body: Faces::WORD,
        bold: Faces::WORD_BOLD,
        pad: PAD_PT,
        indent: INDENT as f64 / 20.0,
    };
    let layout = t.layout(&page);
    let orientation = if layout.landscape { Orientation::Landscape } else { Orientation::Portrait };
    let text_width = orientation.text_width() as f64;
    let widths: Vec<usize> = layout.shares.iter().map(|s| (s * text_width).floor() as usize).collect();
    docx::document(&t.caption, orientation, |w| {
        docx::text_para(w, Some(docx::CAPTION), &t.caption)?;
        table(w, t, &widths)?;
        for note in &t.notes {
            docx::para(w, Some(docx::TABLE_NOTE), |w| {
                docx::run(w, "Note. ", RunStyle::bold())?;
                docx::run(w, note, RunStyle::default())
            })?;
        }
        Ok(())
    })
}

fn table(w: &mut Xml, t: &TableText, widths: &[usize]) -> R {
    w.create_element("w:tbl").write_inner_content(|w| {
        docx::table_start(w, widths)?;
        // The header row.
        w.create_element("w:tr").write_inner_content(|w| {
            docx::row_props(w, true)?;
            let labels = std::iter::once(&t.corner).chain(&t.columns);
            for (i, (label, width)) in labels.zip(widths).enumerate() {
                let align = if i > 0 && t.numeric { "right" } else { "left" };
                cell(w, *width, label, CellStyle { bold: true, indent: 0, align, header: true })?;
            }
            Ok(())
        })?;
        for row in &t.rows {
            w.create_element("w:tr").write_inner_content(|w| {
                docx::row_props(w, false)?;
                let bold = t.hierarchical && row.depth == 0;
                let style = CellStyle { bold, indent: row.depth * INDENT, align: "left", header: false };
                cell(w, widths[0], &row.label, style)?;
                for (text, width) in row.cells.iter().zip(&widths[1..]) {
                    let align = if t.numeric { "right" } else { "left" };
                    cell(w, *width, text, CellStyle { bold: false, indent: 0, align, header: false })?;
                }
                Ok(())
            })?;
        }
        Ok(())
    })?;
    Ok(())
}

#[derive(Clone, Copy)]
struct CellStyle {
    bold: bool,
    indent: usize,
    align: &'static str,
    header: bool,
}

/// A table cell in `Table Text`; each line of its text is a paragraph of its own. The
/// header's rule is set on its cells as well as in the table style, for word processors
/// that read only one of the two.
fn cell(w: &mut Xml, width: usize, text: &str, style: CellStyle) -> R {
    w.create_element("w:tc").write_inner_content(|w| {
        w.create_element("w:tcPr").write_inner_content(|w| {
            empty(w, "w:tcW", &[("w:w", &width.to_string()), ("w:type", "dxa")])?;
            if style.header {
                w.create_element("w:tcBorders").write_inner_content(|w| {
                    empty(w, "w:bottom", &[("w:val", "single"), ("w:sz", "6"), ("w:space", "0"), ("w:color", "000000")])
                })?;
                empty(w, "w:vAlign", &[("w:val", "bottom")])?;
            }
            Ok(())
        })?;
        let lines: Vec<&str> = if text.is_empty() { vec![""] } else { text.lines().collect() };
        for line in lines {
            w.create_element("w:p").write_inner_content(|w| {
                w.create_element("w:pPr").write_inner_content(|w| {
                    empty(w, "w:pStyle", &[("w:val", docx::TABLE_TEXT)])?;
                    if style.indent > 0 {
                        empty(w, "w:ind", &[("w:left", &style.indent.to_string())])?;
                    }
                    empty(w, "w:jc", &[("w:val", style.align)])
                })?;
                if !line.is_empty() {
                    let run = if style.bold { RunStyle::bold() } else { RunStyle::default() };
                    docx::run(w, line, run)?;
                }
                Ok(())
            })?;
        }
        Ok(())
    })?;
    Ok(())
}
