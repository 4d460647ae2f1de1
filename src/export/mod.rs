//! Exports: one file per output format, grouped by what they hold.
//!
//! [`table`] writes a triangulation matrix (Table 1 of a paper) as Markdown, CSV, XLSX, DOCX
//! and LaTeX.

pub mod table;
