//! The coding report: coded extracts (chosen by code, theme, document, group and coder
//! scope, see [`crate::analysis::retrieval::Query`]) as CSV, Markdown, Word or JSON.
//!
//! Every row has the document, the participants who speak in it and their groups (by the
//! one attribution rule), the coders, the code, the start and end (in characters) and the
//! text. Codings of one code on overlapping text are one extract (docs/TABLES.md, "How
//! extracts are counted"). The writers are the report's: CSV through the same BOM-marked
//! writer, Markdown and Word through the same [`Doc`] renderers.

use super::escape::{csv_writer, write_row};
use super::report::doc::{Block, Doc, Piece, QuoteBlock};
use super::report::{ExportError, QuoteMarks, csv as report_csv, docx, markdown};
use crate::analysis::Extract;
use crate::model::*;
use crate::quotes::Placement;
use serde::Serialize;
use std::path::Path;

/// The formats of the coding report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExtractsFormat {
    Csv,
    Md,
    Docx,
    Json,
}

impl ExtractsFormat {
    pub const ALL: [ExtractsFormat; 4] = [Self::Csv, Self::Md, Self::Docx, Self::Json];

    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Md => "md",
            Self::Docx => "docx",
            Self::Json => "json",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Csv => "CSV",
            Self::Md => "Markdown",
            Self::Docx => "Word",
            Self::Json => "JSON",
        }
    }

    /// The format a name or a file extension stands for (`md`, `markdown`, `docx`...).
    pub fn parse(s: &str) -> Option<Self> {
        super::format_named(s, &Self::ALL, Self::extension)
    }
}

/// The CSV columns, in order.
pub const COLUMNS: [&str; 10] =
    ["document", "participant", "group", "coders", "code", "start", "end", "text", "codings", "comment"];

/// One extract as a row of the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExtractRow {
    pub document: String,
    /// Labels of the participants who speak in it (not interviewers), in text order.
    pub participant: Vec<String>,
    /// Their groups, each once.
    pub group: Vec<String>,
    pub coders: Vec<String>,
    pub code: String,
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// How many codings were merged into the extract.
    pub codings: usize,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub comment: String,
}

impl ExtractRow {
    pub fn new(p: &Project, e: &Extract) -> Self {
        let mut participant = Vec::new();
        let mut group: Vec<String> = Vec::new();
        for x in e.counted(p) {
            participant.push(x.label().to_string());
            let g = x.group().trim();
            if !g.is_empty() && !group.iter().any(|have| have == g) {
                group.push(g.to_string());
            }
        }
        Self {
            document: e.doc_name.clone(),
            participant,
            group,
            coders: e.coders.clone(),
            code: p.code_path(e.code),
            start: e.span.start.get(),
            end: e.span.end.get(),
            text: e.text(),
            codings: e.codings.len(),
            comment: e.comment.clone(),
        }
    }
}

/// The rows of some extracts.
pub fn rows(p: &Project, extracts: &[Extract]) -> Vec<ExtractRow> {
    extracts.iter().map(|e| ExtractRow::new(p, e)).collect()
}

/// Writes the report. `title` heads the Markdown and Word files (what was chosen: "Coded
/// extracts: Hope · all coders").
pub fn export(p: &Project, extracts: &[Extract], title: &str, format: ExtractsFormat) -> Result<Vec<u8>, ExportError> {
    let rows = rows(p, extracts);
    match format {
        ExtractsFormat::Json => serde_json::to_vec_pretty(&rows).map_err(|e| ExportError::format("JSON", e)),
        ExtractsFormat::Csv => csv(&rows),
        ExtractsFormat::Md => Ok(markdown::render(&doc(p, &rows, title)).into_bytes()),
        ExtractsFormat::Docx => docx::render(&doc(p, &rows, title)),
    }
}

/// Writes the report to a file through the one export writer (all or nothing, regular
/// files only, never inside a project folder).
pub fn export_to_file(
    p: &Project,
    extracts: &[Extract],
    title: &str,
    format: ExtractsFormat,
    path: &Path,
) -> Result<(), ExportError> {
    let bytes = export(p, extracts, title, format)?;
    super::write_export(path, &bytes)
}

fn csv(rows: &[ExtractRow]) -> Result<Vec<u8>, ExportError> {
    let mut w = csv_writer();
    write_row(&mut w, COLUMNS)?;
    for r in rows {
        write_row(
            &mut w,
            [
                r.document.as_str(),
                &r.participant.join("; "),
                &r.group.join("; "),
                &r.coders.join("; "),
                &r.code,
                &r.start.to_string(),
                &r.end.to_string(),
                &r.text,
                &r.codings.to_string(),
                &r.comment,
            ],
        )?;
    }
    report_csv::finish(w)
}

/// The report as a document: a heading per code (in the order the extracts come, which is
/// document and text order within each code when the caller sorts them so), each extract a
/// block quote labelled with its document and speakers, and a line saying who coded it where.
fn doc(p: &Project, rows: &[ExtractRow], title: &str) -> Doc {
    let mut blocks = Vec::new();
    let mut order: Vec<&str> = Vec::new();
    for r in rows {
        if !order.contains(&r.code.as_str()) {
            order.push(&r.code);
        }
    }
    for code in order {
        let of_code: Vec<&ExtractRow> = rows.iter().filter(|r| r.code == code).collect();
        blocks.push(Block::Heading { level: 1, text: format!("{code} ({})", count(of_code.len())) });
        for r in of_code {
            // "FG1, Kari/Ola"; an interview named after its participant is just "J1".
            let who = r.participant.join("/");
            let attribution =
                if who.is_empty() || who == r.document { r.document.clone() } else { format!("{}, {who}", r.document) };
            blocks.push(Block::Quote(QuoteBlock {
                placement: Placement::Block,
                pieces: vec![Piece { text: r.text.trim().to_string(), mark: false }],
                attribution,
                original: None,
            }));
            let mut note =
                format!("{}, characters {}–{}; coded by {}", r.document, r.start, r.end, r.coders.join(", "));
            if !r.comment.is_empty() {
                note.push_str(&format!(". Comment: {}", r.comment.replace('\n', "; ")));
            }
            blocks.push(Block::Note(note));
        }
    }
    Doc {
        title: title.to_string(),
        subtitle: count(rows.len()),
        marks: QuoteMarks::for_language(p.settings.language),
        blocks,
    }
}

fn count(n: usize) -> String {
    if n == 1 { "1 extract".into() } else { format!("{n} extracts") }
}
