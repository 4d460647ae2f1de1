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
mod text;

pub use crate::export::ExportError;
pub use doc::{Block, Doc, Piece, QuoteBlock, QuoteMarks};

use crate::analysis::CoderScope;
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

/// Who an export is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Audience {
    /// For the paper: the quotes, their attribution, the cuts and clarifications and the
    /// translation as the journal wants them; nothing else. Themes without quotes are left
    /// out of quotes and the results skeleton; a codebook keeps definitions, criteria and
    /// examples but not counts.
    #[default]
    Paper,
    /// A working copy for the research team: also where each quote comes from (document
    /// and character positions), word counts, block or inline, stars and notes, theme
    /// status, every theme (with or without quotes), and the codebook's counts.
    Working,
}

impl Audience {
    pub const ALL: [Audience; 2] = [Audience::Paper, Audience::Working];

    pub fn label(self) -> &'static str {
        match self {
            Audience::Paper => "For the paper",
            Audience::Working => "Working copy",
        }
    }

    pub fn hint(self) -> &'static str {
        match self {
            Audience::Paper => "Quotes, attribution, cuts and clarifications, translation; nothing else",
            Audience::Working => "Also sources, positions, word counts, stars, notes, status and counts",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// For the paper (the default) or a working copy.
    pub audience: Audience,
    pub translations: Translations,
    /// Also themes set aside as parked.
    pub include_parked: bool,
    /// Example extracts per code in a codebook.
    pub examples_per_code: usize,
    /// Whose codings count: the codebook counts their extracts (merged by the one rule,
    /// `analysis::scope::merge`) and takes its examples from them; the quotes and results keep
    /// the quotes that come from their extracts (`analysis::scope::quote_in_scope`).
    pub coders: CoderScope,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            audience: Audience::Paper,
            translations: Translations::Both,
            include_parked: false,
            examples_per_code: 2,
            coders: CoderScope::All,
        }
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

/// Writes an export to a file through the one export writer
/// ([`crate::export::write_export`]): all or nothing, never over a link, a device or a
/// project's own files. The target is checked before the export is built, so a refused
/// path costs nothing.
pub fn export_to_file(
    p: &Project,
    request: &Request,
    path: &Path,
    progress: &Progress,
) -> Result<Summary, ExportError> {
    crate::export::check_target(path)?;
    let (bytes, summary) = export(p, request, progress)?;
    if progress.is_cancelled() {
        return Err(ExportError::Cancelled);
    }
    crate::export::write_export(path, &bytes)?;
    Ok(summary)
}

/// About a page of an export as plain text, for a preview before writing it: the document
/// the renderers write, set as text (for CSV, the file's first rows), cut after `lines`
/// lines.
pub fn preview(p: &Project, request: &Request, lines: usize) -> Result<String, ExportError> {
    let progress = Progress::new();
    let text = if request.format == Format::Csv {
        let (bytes, _) = export(p, request, &progress)?;
        String::from_utf8_lossy(&bytes).trim_start_matches('\u{feff}').to_string()
    } else {
        let (doc, _) = build::build(p, request.kind, &request.options, &progress)?;
        text::render(&doc)
    };
    let mut out: Vec<&str> = text.lines().take(lines + 1).collect();
    if out.len() > lines {
        out.truncate(lines);
        out.push("…");
    }
    Ok(out.join("\n"))
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
