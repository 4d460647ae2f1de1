//! Exports: one module per kind of output, over one shared layer. Each writes from a
//! `&Project` (or a view model) into memory on the calling thread; long ones report progress
//! through [`crate::progress::Progress`] and stop when cancelled, so the app runs them on a
//! worker thread.
//!
//! The shared layer, used by every export: [`escape`] (LaTeX, Markdown, HTML/XML and CSV
//! cells, formula injection neutralised), [`docx`] (the one Word writer and its styles),
//! [`ExportError`] (the one error type) and [`write_export`] (the one writer of exported
//! files: atomic, regular files only, never inside a project folder). A new format is one
//! file here that builds bytes with these.
//!
//! [`report`] writes quotes, the results skeleton and the codebook; [`table`] writes a
//! triangulation matrix (Table 1 of a paper) as Markdown, CSV, XLSX, DOCX and LaTeX; [`map`]
//! writes the thematic map and [`chart`] the charts (themes and codes by group, coding
//! progress) as SVG and PNG; [`extracts`] the coding report (coded extracts as CSV,
//! Markdown, DOCX or JSON); [`memos`] the memos and notes on passages.

pub mod appendix;
pub mod chart;
pub mod docx;
mod error;
pub mod escape;
pub mod extracts;
pub mod image;
pub mod map;
pub mod memos;
pub mod metrics;
pub mod report;
pub mod table;
mod write;

pub use error::ExportError;
pub use write::{check_target, is_project_folder, write_export};
