//! Quotes to paper: quotes by theme, the results skeleton and the codebook, as DOCX,
//! Markdown, LaTeX, HTML and CSV.
//!
//! Each export is built once as a small format-neutral document ([`doc::Doc`]: headings,
//! paragraphs, quotes with their edit marks and attribution, notes) and then written by one
//! renderer per format, so every format says the same thing. CSV is a table, not a
//! document, and is written straight from the quotes or codes.
//!
//! [`export`] runs on the calling thread, counting its steps on a [`Progress`] and stopping
//! with [`ExportError::Cancelled`] when asked to; [`spawn`] runs it on a worker thread and
//! writes the file all-or-nothing, so a cancelled or failed export leaves nothing behind.

mod build;
pub(crate) mod csv;
pub(crate) mod doc;
pub(crate) mod docx;
mod html;
mod latex;
pub(crate) mod markdown;

pub use doc::{Block, Doc, Piece, QuoteBlock};

use crate::model::{Project, ThemeId};
use crate::progress::Progress;
use std::path::{Path, PathBuf};

/// What to export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Quotes by theme, with where each comes from; `Some` for one theme and its subthemes.
    Quotes { theme: Option<ThemeId> },
    /// The results skeleton: themes as headings (main theme, then subthemes), their
    /// definitions and their quotes, attributed.
    Report,
    /// Codes with their definitions, inclusion and exclusion criteria, counts and examples.
    Codebook,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Quotes { .. } => "quotes",
            Kind::Report => "results skeleton",
            Kind::Codebook => "codebook",
        }
    }

    /// The formats this kind can be written in.
    pub fn formats(self) -> &'static [Format] {
        match self {
            Kind::Quotes { .. } | Kind::Codebook => &Format::ALL,
            Kind::Report => &[Format::Docx, Format::Markdown, Format::Latex, Format::Html],
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Docx,
    Markdown,
    Latex,
    Html,
    Csv,
}

impl Format {
    pub const ALL: [Format; 5] = [Format::Docx, Format::Markdown, Format::Latex, Format::Html, Format::Csv];

    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Markdown => "md",
            Format::Latex => "tex",
            Format::Html => "html",
            Format::Csv => "csv",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Format::Docx => "Word (DOCX)",
            Format::Markdown => "Markdown",
            Format::Latex => "LaTeX",
            Format::Html => "HTML",
            Format::Csv => "CSV",
        }
    }

    /// A format from its name or extension (`docx`, `md`, `markdown`, `tex`, `latex`, ...).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().trim_start_matches('.').to_lowercase().as_str() {
            "docx" | "word" => Some(Format::Docx),
            "md" | "markdown" => Some(Format::Markdown),
            "tex" | "latex" => Some(Format::Latex),
            "html" | "htm" => Some(Format::Html),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }

    /// The format a file name's extension names.
    pub fn from_path(path: &Path) -> Option<Self> {
        path.extension().and_then(|e| e.to_str()).and_then(Format::parse)
    }

    pub fn is_binary(self) -> bool {
        self == Format::Docx
    }
}

/// Which text of a translated quote is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Translations {
    /// The translation, with the original (edit marks and all) in small print beneath it.
    #[default]
    Both,
    /// The translation only.
    Only,
    /// The original only; translations are left out.
    Hide,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    pub translations: Translations,
    /// Also themes set aside as parked.
    pub include_parked: bool,
    /// Example extracts per code in a codebook.
    pub examples_per_code: usize,
}

impl Default for Options {
    fn default() -> Self {
        Self { translations: Translations::Both, include_parked: false, examples_per_code: 2 }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub kind: Kind,
    pub format: Format,
    pub options: Options,
}

impl Request {
    pub fn new(kind: Kind, format: Format) -> Self {
        Self { kind, format, options: Options::default() }
    }
}

/// What an export wrote.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Summary {
    pub themes: usize,
    pub quotes: usize,
    pub codes: usize,
    pub bytes: usize,
}

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
    #[error("could not write the Word file: {0}")]
    Docx(String),
    #[error("could not write the CSV: {0}")]
    Csv(String),
    #[error("could not write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Checks the cancel flag between steps.
pub(crate) fn step(progress: &Progress) -> Result<(), ExportError> {
    if progress.is_cancelled() {
        return Err(ExportError::Cancelled);
    }
    progress.advance(1);
    Ok(())
}

/// Writes an export into memory. Progress counts themes, quotes or codes, plus one step for
/// writing the format.
pub fn export(p: &Project, request: &Request, progress: &Progress) -> Result<(Vec<u8>, Summary), ExportError> {
    let Request { kind, format, options } = request;
    if !kind.formats().contains(format) {
        let choices: Vec<&str> = kind.formats().iter().map(|f| f.extension()).collect();
        return Err(ExportError::Unsupported {
            kind: kind.label(),
            format: format.label(),
            choices: choices.join(", "),
        });
    }
    if let Kind::Quotes { theme: Some(t) } = kind
        && !p.themes.contains_key(t)
    {
        return Err(ExportError::UnknownTheme(*t));
    }
    progress.set_done(0);
    progress.set_total(build::steps(p, *kind, options) as u64 + 1);
    progress.set_message(format!("Collecting the {}", kind.label()));
    let (bytes, mut summary) = if *format == Format::Csv {
        match kind {
            Kind::Codebook => csv::codebook(p, options, progress)?,
            _ => csv::quotes(p, *kind, options, progress)?,
        }
    } else {
        let (doc, summary) = build::build(p, *kind, options, progress)?;
        progress.set_message(format!("Writing {}", format.label()));
        if progress.is_cancelled() {
            return Err(ExportError::Cancelled);
        }
        let bytes = match format {
            Format::Docx => docx::render(&doc)?,
            Format::Markdown => markdown::render(&doc).into_bytes(),
            Format::Latex => latex::render(&doc).into_bytes(),
            Format::Html => html::render(&doc).into_bytes(),
            Format::Csv => Vec::new(),
        };
        (bytes, summary)
    };
    step(progress)?;
    summary.bytes = bytes.len();
    progress.set_message(String::new());
    Ok((bytes, summary))
}

/// Writes an export to a file, all or nothing: into a temporary file beside it, renamed
/// into place only when complete.
pub fn export_to_file(
    p: &Project,
    request: &Request,
    path: &Path,
    progress: &Progress,
) -> Result<Summary, ExportError> {
    let (bytes, summary) = export(p, request, progress)?;
    if progress.is_cancelled() {
        return Err(ExportError::Cancelled);
    }
    let io = |source| ExportError::Io { path: path.to_path_buf(), source };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "export".into());
    let tmp = path.with_file_name(format!(".{name}.tema-partial"));
    std::fs::write(&tmp, &bytes).map_err(io)?;
    if let Err(e) = std::fs::rename(&tmp, path) {
        let _ = std::fs::remove_file(&tmp);
        return Err(io(e));
    }
    Ok(summary)
}

/// Runs [`export_to_file`] on a worker thread. The project is a snapshot taken by the caller
/// (documents share their text, so a clone is cheap); the app polls `progress` each frame
/// and the handle for the result, and calls [`Progress::cancel`] for the Cancel button.
pub fn spawn(
    project: Project,
    request: Request,
    path: PathBuf,
    progress: Progress,
) -> std::thread::JoinHandle<Result<Summary, ExportError>> {
    std::thread::spawn(move || export_to_file(&project, &request, &path, &progress))
}
