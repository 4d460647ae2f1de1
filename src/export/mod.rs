//! Exports: one module per kind of output, over one shared layer. Each writes from a
//! `&Project` (or a view model) into memory on the calling thread; long ones report progress
//! through [`crate::progress::Progress`] and stop when cancelled, so the app runs them on a
//! worker thread.
//!
//! The shared layer, used by every export: [`escape`] (LaTeX, Markdown, HTML/XML and CSV
//! cells, formula injection neutralised), [`docx`] (the one Word writer and its styles),
//! [`ExportError`] (the one error type), [`write_export`] (the one writer of exported
//! files: atomic, regular files only, never inside a project folder) and [`format_named`]
//! (how a format's name is read). A new format is one file here that builds bytes with these.
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

/// The format among `formats` that a name or file extension stands for, read the same way
/// for every export: case and a leading dot do not matter, and `word`, `markdown`, `latex`,
/// `excel` and `htm` are the formats with the extensions `docx`, `md`, `tex`, `xlsx` and
/// `html`.
pub fn format_named<F: Copy>(name: &str, formats: &[F], extension: impl Fn(F) -> &'static str) -> Option<F> {
    let name = name.trim().trim_start_matches('.').to_lowercase();
    let wanted = match name.as_str() {
        "word" => "docx",
        "markdown" => "md",
        "latex" => "tex",
        "excel" => "xlsx",
        "htm" => "html",
        other => other,
    };
    formats.iter().copied().find(|f| extension(*f) == wanted)
}

#[cfg(test)]
mod tests {
    use super::appendix::AppendixFormat;
    use super::extracts::ExtractsFormat;
    use super::report::Format;
    use super::table::TableFormat;

    #[test]
    fn every_export_reads_format_names_alike() {
        assert_eq!(TableFormat::parse(" .XLSX"), Some(TableFormat::Xlsx));
        assert_eq!(TableFormat::parse("excel"), Some(TableFormat::Xlsx));
        assert_eq!(ExtractsFormat::parse("Word"), Some(ExtractsFormat::Docx));
        assert_eq!(ExtractsFormat::parse("latex"), None);
        assert_eq!(Format::parse("htm"), Some(Format::Html));
        assert_eq!(Format::parse("markdown"), Some(Format::Markdown));
        assert_eq!(AppendixFormat::parse("latex"), Some(AppendixFormat::Latex));
        assert_eq!(AppendixFormat::parse("csv"), None);
    }
}
