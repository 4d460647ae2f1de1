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

use crate::analysis::{Matrix, RowSource};
use crate::model::Dimension;
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

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_lowercase().as_str() {
            "counts" | "count" | "extracts" => Some(CellContent::Counts),
            "participants" | "n" | "n/n" | "nn" => Some(CellContent::Participants),
            "summaries" | "summary" | "framework" => Some(CellContent::Summaries),
            "names" | "themes" | "theme-names" => Some(CellContent::Names),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CellContent::Counts => "Extract counts",
            CellContent::Participants => "Participants (n of N)",
            CellContent::Summaries => "Summaries",
            CellContent::Names => "Names",
        }
    }
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

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().trim_start_matches('.').to_lowercase().as_str() {
            "md" | "markdown" => Some(TableFormat::Markdown),
            "csv" => Some(TableFormat::Csv),
            "xlsx" | "excel" => Some(TableFormat::Xlsx),
            "docx" | "word" => Some(TableFormat::Docx),
            "tex" | "latex" => Some(TableFormat::Latex),
            _ => None,
        }
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

    /// Formats that are not text and so must go to a file, not a terminal.
    pub fn is_binary(self) -> bool {
        matches!(self, TableFormat::Xlsx | TableFormat::Docx)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("could not write the table: {0}")]
    Io(#[from] std::io::Error),
    #[error("could not write the CSV table: {0}")]
    Csv(#[from] ::csv::Error),
    #[error("could not write the spreadsheet: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("could not write the Word file: {0}")]
    Zip(#[from] zip::result::ZipError),
}

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
        let mut columns: Vec<String> = matrix.columns.iter().map(|c| c.label.clone()).collect();
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
                    .map(|cell| match content {
                        CellContent::Counts => cell.extracts.len().to_string(),
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
        }
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
