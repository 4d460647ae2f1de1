//! The one error type of every export.

use crate::model::ThemeId;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("the export was cancelled")]
    Cancelled,
    #[error("a {kind} cannot be written as {format}; choose one of: {choices}")]
    Unsupported { kind: &'static str, format: &'static str, choices: String },
    #[error("there is no theme with id {0}")]
    UnknownTheme(ThemeId),
    #[error("a quote cannot be shown: {0}")]
    Quote(#[from] crate::quotes::OutOfRange),
    /// A formatter failed while laying out the file in memory.
    #[error("could not write the {format}: {message}")]
    Format { format: &'static str, message: String },
    #[error("could not write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is {what}, not a regular file: Tema writes exports only to regular files; choose another name")]
    NotRegular { path: PathBuf, what: &'static str },
    #[error(
        "{path} is inside the project folder {project}: write exports outside it, so they cannot replace the project's own files"
    )]
    InsideProject { path: PathBuf, project: PathBuf },
    #[error("cannot write {path}: its folder does not exist")]
    NoFolder { path: PathBuf },
}

impl ExportError {
    pub fn format(format: &'static str, e: impl std::fmt::Display) -> Self {
        ExportError::Format { format, message: e.to_string() }
    }
}

impl From<csv::Error> for ExportError {
    fn from(e: csv::Error) -> Self {
        ExportError::format("CSV", e)
    }
}

impl From<rust_xlsxwriter::XlsxError> for ExportError {
    fn from(e: rust_xlsxwriter::XlsxError) -> Self {
        ExportError::format("spreadsheet", e)
    }
}

impl From<zip::result::ZipError> for ExportError {
    fn from(e: zip::result::ZipError) -> Self {
        ExportError::format("Word file", e)
    }
}
