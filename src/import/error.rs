//! Why a file, or the whole import, could not be done. Each message names the file and says
//! what is wrong and, where there is something to do about it, what to do: the messages reach
//! the researcher as they are.

use std::path::PathBuf;

/// Why one file could not be imported. The file is left out; nothing of it is imported.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("could not read the file: {0}")]
    Io(#[from] std::io::Error),
    #[error("the file is empty")]
    Empty,
    #[error("this is not a regular file (it is {kind}); Tema imports only regular files")]
    NotRegular { kind: &'static str },
    #[error("the file holds no text (only spaces, line breaks or formatting)")]
    NoText,
    #[error("the file is {size} bytes, more than the limit of {limit} bytes")]
    TooLarge { size: u64, limit: u64 },
    #[error("this is not a text file ({why}); is the extension wrong?")]
    Binary { why: String },
    #[error("Tema cannot read “.{ext}” files (it reads {})", super::SUPPORTED.join(", "))]
    Unsupported { ext: String },
    #[error("this is not a valid {format} file: {reason}")]
    Corrupt { format: &'static str, reason: String },
    #[error(
        "“{entry}” inside the file would unpack to {} bytes, more than the limit of {limit}; \
         refused as a possible zip bomb",
        if *.at_least { format!("at least {size}") } else { size.to_string() }
    )]
    Unpacked { entry: String, size: u64, limit: u64, at_least: bool },
    #[error(
        "the PDF has no text layer (it is probably a scan or a picture of text); \
         run text recognition (OCR) on it first, or import a text version of the transcript"
    )]
    NoTextLayer,
    #[error("the file is password-protected; save an unprotected copy and import that")]
    Encrypted,
    #[error(
        "the speaker{} {} match{} no participant (by label or alias); add {} to the participants \
         sheet, or import without --strict to leave {} turns unattributed",
        if .0.len() == 1 { "" } else { "s" },
        .0.iter().map(|s| format!("“{s}”")).collect::<Vec<_>>().join(", "),
        if .0.len() == 1 { "es" } else { "" },
        if .0.len() == 1 { "it" } else { "them" },
        if .0.len() == 1 { "its" } else { "their" }
    )]
    UnmappedSpeakers(Vec<String>),
}

impl FileError {
    /// A stable word for the reason, for `--json` output and scripts.
    pub fn code(&self) -> &'static str {
        match self {
            FileError::Io(_) => "io",
            FileError::Empty => "empty",
            FileError::NoText => "no_text",
            FileError::TooLarge { .. } => "too_large",
            FileError::Binary { .. } => "binary",
            FileError::Unsupported { .. } => "unsupported",
            FileError::Corrupt { .. } => "corrupt",
            FileError::Unpacked { .. } => "unpacked_too_large",
            FileError::NoTextLayer => "no_text_layer",
            FileError::Encrypted => "encrypted",
            FileError::UnmappedSpeakers(_) => "unmapped_speakers",
            FileError::NotRegular { .. } => "not_regular",
        }
    }

    pub(crate) fn corrupt(format: &'static str, reason: impl ToString) -> Self {
        FileError::Corrupt { format, reason: reason.to_string() }
    }
}

/// What is wrong with a participants sheet. The line is the sheet's line (or row) number,
/// counting the header as line 1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SheetError {
    #[error("the sheet is empty")]
    Empty,
    #[error("the sheet has a header but no participants")]
    NoRows,
    #[error("line {line}: {reason}")]
    Malformed { line: usize, reason: String },
    #[error("line {line}: the label (first column) is empty")]
    EmptyLabel { line: usize },
    #[error("the label “{label}” is used twice, on lines {first} and {second}; labels must be unique")]
    DuplicateLabel { label: String, first: usize, second: usize },
    #[error("the column “{column}” appears twice in the header")]
    DuplicateColumn { column: String },
    #[error("line {line}: the alias “{alias}” of {label} is already {other}; aliases must name one participant")]
    AmbiguousAlias { line: usize, alias: String, label: String, other: String },
    #[error("line {line}: “{value}” in the interviewer column is not yes or no")]
    BadFlag { line: usize, value: String },
    #[error("Tema reads participants from .csv, .tsv or .xlsx sheets, not “.{ext}”")]
    Unsupported { ext: String },
}

/// Why an import could not be planned at all (as opposed to one file failing).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{}: {reason}", path.display())]
    File { path: PathBuf, reason: FileError },
    #[error("participants sheet {}: {reason}", path.display())]
    Sheet { path: PathBuf, reason: SheetError },
    #[error("{}: no such file or folder", path.display())]
    NotFound { path: PathBuf },
    #[error("{}: could not list the folder: {source}", path.display())]
    ListFolder { path: PathBuf, source: std::io::Error },
    #[error("the speaker pattern is not valid: {0}")]
    BadPattern(String),
    #[error("the import was cancelled; nothing was imported")]
    Cancelled,
}
