//! A triangulation matrix as the table a paper prints: Markdown, CSV, XLSX, DOCX or LaTeX.
//!
//! [`TableText`] decides what each cell says (extract counts, "n of N" participants, the
//! researcher's summaries, or the names of the themes a column reports — the layout of a
//! paper's Table 1, rows main theme / subtheme / sub-subtheme, columns groups); each format's
//! file only lays that text out.

mod csv;
mod docx;
mod md;
mod tex;
mod xlsx;

use crate::analysis::{ColumnKind, Matrix, RowSource};
use crate::export::metrics::Faces;
use crate::model::Dimension;
use crate::model::{Named, Word, word};
use serde::{Deserialize, Serialize};

/// What each cell of an exported table says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum CellContent {
    /// The number of coded extracts.
    #[default]
    Counts,
    /// Distinct participants against the column's participants: "4 of 6".
    Participants,
    /// The researcher's summary of the cell.
    Summaries,
    /// The row's name where the column has extracts for it, else nothing.
    Names,
}

impl CellContent {
    pub const ALL: [CellContent; 4] =
        [CellContent::Counts, CellContent::Participants, CellContent::Summaries, CellContent::Names];

    pub fn label(self) -> &'static str {
        match self {
            CellContent::Counts => "Extract counts",
            CellContent::Participants => "Participants (n of N)",
            CellContent::Summaries => "Summaries",
            CellContent::Names => "Names",
        }
    }
}

impl Named for CellContent {
    const WHAT: &'static str = "cell content";
    const WORDS: &'static [Word<Self>] = &[
        word(CellContent::Counts, "counts").or(&["count", "extracts"]).about("The number of coded extracts"),
        word(CellContent::Participants, "participants")
            .or(&["n", "n/n", "nn"])
            .about("Distinct participants of the column's participants: \"4 of 6\""),
        word(CellContent::Summaries, "summaries")
            .or(&["summary", "framework"])
            .about("The researcher's summary of each cell"),
        word(CellContent::Names, "names")
            .or(&["themes", "theme-names"])
            .about("The row's name where the column has extracts for it (a paper's Table 1)"),
    ];
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableFormat {
    Markdown,
    Csv,
    Xlsx,
    Docx,
    Latex,
}

impl TableFormat {
    pub const ALL: [TableFormat; 5] =
        [TableFormat::Markdown, TableFormat::Csv, TableFormat::Xlsx, TableFormat::Docx, TableFormat::Latex];

    /// A format from its name or extension (`xlsx`, `excel`, `md`, `markdown`, ...).
    pub fn parse(s: &str) -> Option<Self> {
        crate::export::format_named(s, &Self::ALL, Self::extension)
    }

    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            TableFormat::Markdown => "md",
            TableFormat::Csv => "csv",
            TableFormat::Xlsx => "xlsx",
            TableFormat::Docx => "docx",
            TableFormat::Latex => "tex",
        }
    }

    /// The format's name for people (menus, `--help`).
    pub fn label(self) -> &'static str {
        match self {
            TableFormat::Markdown => "Markdown",
            TableFormat::Csv => "CSV",
            TableFormat::Xlsx => "Excel (XLSX)",
            TableFormat::Docx => "Word (DOCX)",
            TableFormat::Latex => "LaTeX (booktabs)",
        }
    }

    /// Formats that are not text and so must go to a file, not a terminal.
    pub fn is_binary(self) -> bool {
        matches!(self, TableFormat::Xlsx | TableFormat::Docx)
    }
}

pub use crate::export::ExportError;

/// A table's text, before any format lays it out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TableText {
    pub caption: String,
    /// The header of the first column: "Theme" or "Code".
    pub corner: String,
    /// Headers of the other columns.
    pub columns: Vec<String>,
    pub rows: Vec<TextRow>,
    /// Some rows sit under others (subthemes, child codes).
    pub hierarchical: bool,
    /// Every cell is a whole number (counts): right-aligned, numbers in a spreadsheet.
    pub numeric: bool,
    /// Cells hold running text (summaries, names): wrapped in fixed-width columns.
    pub prose: bool,
    /// Notes printed under the table (what a column counts when it differs from the rest).
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TextRow {
    pub label: String,
    /// 0 for a main theme, 1 for a subtheme, ...
    pub depth: usize,
    pub cells: Vec<String>,
}

impl TableText {
    pub fn new(matrix: &Matrix, content: CellContent) -> Self {
        let noun = match matrix.options.rows {
            RowSource::Themes => "theme",
            RowSource::Codes => "code",
        };
        let across = match &matrix.options.columns {
            Dimension::Attribute { name } => name.as_str(),
            Dimension::Document => "document",
            Dimension::DocumentSet => "document set",
        };
        let caption = match content {
            CellContent::Counts => format!("Coded extracts per {noun} and {across}"),
            CellContent::Participants => format!("Participants per {noun} and {across} (n of N)"),
            CellContent::Summaries => format!("Summaries per {noun} and {across}"),
            CellContent::Names => match matrix.options.rows {
                RowSource::Themes => format!("Themes and subthemes by {across}"),
                RowSource::Codes => format!("Codes by {across}"),
            },
        };
        // A column with no participants (unattributed extracts, a field-notes document) has no
        // N: in a participants table it counts extracts, says so in its header, and a note
        // under the table explains it, so "n of N" and extract counts are never mixed
        // unlabelled.
        let mut notes = Vec::new();
        let no_n = |c: &crate::analysis::Column| c.kind == ColumnKind::Unattributed || c.participants.is_empty();
        let mut columns: Vec<String> = matrix
            .columns
            .iter()
            .map(|c| {
                if content == CellContent::Participants && no_n(c) {
                    format!("{}: extracts", c.label)
                } else {
                    c.label.clone()
                }
            })
            .collect();
        if content == CellContent::Participants {
            if matrix.columns.iter().any(|c| c.kind == ColumnKind::Unattributed) {
                notes.push(
                    "Unattributed: coded extracts with no known speaker (field notes, unmapped speakers), \
                     counted as extracts; the other columns count participants (n of N)."
                        .to_string(),
                );
            }
            if matrix.columns.iter().any(|c| c.kind != ColumnKind::Unattributed && c.participants.is_empty()) {
                notes.push(
                    "A column marked \"extracts\" has no participants (field notes): it counts coded extracts.".into(),
                );
            }
            notes.push("Total: distinct participants over all columns (n of N).".to_string());
        }
        let marks = content == CellContent::Summaries && matrix.rows.iter().any(|r| r.mark.is_some());
        match content {
            CellContent::Counts | CellContent::Participants => columns.push("Total".into()),
            CellContent::Summaries if marks => columns.push("Triangulation".into()),
            _ => {}
        }
        let rows = matrix
            .rows
            .iter()
            .map(|row| {
                let mut cells: Vec<String> = row
                    .cells
                    .iter()
                    .zip(&matrix.columns)
                    .map(|(cell, column)| match content {
                        CellContent::Counts => cell.extracts.len().to_string(),
                        CellContent::Participants if no_n(column) => cell.extracts.len().to_string(),
                        CellContent::Participants => cell.participants_label(),
                        CellContent::Summaries => cell.summary.trim().to_string(),
                        CellContent::Names if cell.is_empty() => String::new(),
                        CellContent::Names => row.label.clone(),
                    })
                    .collect();
                match content {
                    CellContent::Counts => cells.push(row.extracts.to_string()),
                    CellContent::Participants => {
                        cells.push(format!("{} of {}", row.participants, matrix.total_participants))
                    }
                    CellContent::Summaries if marks => {
                        cells.push(row.mark.map(|m| m.label().to_string()).unwrap_or_default())
                    }
                    _ => {}
                }
                TextRow { label: row.label.clone(), depth: row.depth, cells }
            })
            .collect();
        let mut corner = noun.to_string();
        corner[..1].make_ascii_uppercase();
        TableText {
            caption,
            corner,
            columns,
            rows,
            hierarchical: matrix.is_hierarchical(),
            numeric: content == CellContent::Counts,
            prose: matches!(content, CellContent::Summaries | CellContent::Names),
            notes,
        }
    }

    /// Column widths from the content, measured in the fonts of `page`: see [`Layout`].
    pub fn layout(&self, page: &Page) -> Layout {
        Layout::new(self, page)
    }

    /// The table in a format, as the bytes of a file.
    pub fn render(&self, format: TableFormat) -> Result<Vec<u8>, ExportError> {
        match format {
            TableFormat::Markdown => Ok(md::render(self).into_bytes()),
            TableFormat::Csv => csv::render(self),
            TableFormat::Xlsx => xlsx::render(self),
            TableFormat::Docx => docx::render(self),
            TableFormat::Latex => Ok(tex::render(self).into_bytes()),
        }
    }
}

/// A matrix as a file in one format.
pub fn export(matrix: &Matrix, content: CellContent, format: TableFormat) -> Result<Vec<u8>, ExportError> {
    TableText::new(matrix, content).render(format)
}

/// How a table fits the page: its orientation and each column's share of the text width
/// (the label column first; the shares add up to 1).
///
/// Widths come from the content, measured in the fonts the reader will see
/// ([`crate::export::metrics`]): a column never gets less than its longest word (headers and
/// prose wrap only at spaces, so no word is broken) or, for short cells such as "4 of 6", its
/// longest cell; it asks for its longest line. If every column gets what it asks for, the
/// room left is shared in proportion; if not, each gets its least and the rest goes to the
/// columns that want more, in proportion to how much more. A table whose least widths do not
/// fit across a portrait page (or a prose table of more than two columns) is set landscape.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub landscape: bool,
    pub shares: Vec<f64>,
}

/// The page and type a table is set in, in points.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Page {
    /// The text width of a portrait page and of a landscape one.
    pub portrait: f64,
    pub landscape: f64,
    /// The table's type size.
    pub size: f64,
    /// The header row's faces, the body's, and the body's bold (main themes).
    pub header: Faces,
    pub body: Faces,
    pub bold: Faces,
    /// Room a column needs besides its text (both cell margins and a little to spare).
    pub pad: f64,
    /// Indentation per level of a subtheme.
    pub indent: f64,
}

impl Layout {
    pub fn new(t: &TableText, page: &Page) -> Layout {
        let widest = |faces: Faces, items: &mut dyn Iterator<Item = &str>| -> f64 {
            items.map(|w| faces.width(w, page.size)).fold(0.0, f64::max)
        };
        let words = |faces: Faces, s: &str| widest(faces, &mut s.split_whitespace());
        let line = |faces: Faces, s: &str| widest(faces, &mut s.lines().map(str::trim));
        // (least, wanted) per column.
        let mut want: Vec<(f64, f64)> = Vec::with_capacity(t.columns.len() + 1);
        let label = t.rows.iter().fold((words(page.header, &t.corner), line(page.header, &t.corner)), |(lo, hi), r| {
            let indent = page.indent * r.depth as f64;
            let faces = if t.hierarchical && r.depth == 0 { page.bold } else { page.body };
            (lo.max(words(faces, &r.label) + indent), hi.max(line(faces, &r.label) + indent))
        });
        want.push(label);
        for (i, header) in t.columns.iter().enumerate() {
            let (mut lo, mut hi) = (words(page.header, header), line(page.header, header));
            for r in &t.rows {
                let cell = r.cells.get(i).map(String::as_str).unwrap_or("");
                // Running text wraps at spaces; short cells ("4 of 6") stay on one line.
                lo = lo.max(if t.prose { words(page.body, cell) } else { line(page.body, cell) });
                hi = hi.max(line(page.body, cell));
            }
            want.push((lo, hi));
        }
        for w in &mut want {
            w.0 += page.pad;
            w.1 += page.pad;
        }
        let (portrait, landscape) = (page.portrait, page.landscape);
        let least: f64 = want.iter().map(|w| w.0).sum();
        let landscape_needed = least > portrait || (t.prose && t.columns.len() > 2);
        let width = if landscape_needed { landscape } else { portrait };
        let wanted: f64 = want.iter().map(|w| w.1).sum();
        let widths: Vec<f64> = if wanted <= width {
            want.iter().map(|w| w.1 * width / wanted).collect()
        } else if least <= width {
            let extra = width - least;
            let more: f64 = want.iter().map(|w| w.1 - w.0).sum();
            want.iter().map(|w| w.0 + if more > 0.0 { extra * (w.1 - w.0) / more } else { 0.0 }).collect()
        } else {
            // Not even the least fits a landscape page: shrink in proportion.
            want.iter().map(|w| w.0 * width / least).collect()
        };
        let total: f64 = widths.iter().sum::<f64>().max(1.0);
        Layout { landscape: landscape_needed, shares: widths.iter().map(|w| w / total).collect() }
    }
}
