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

pub use crate::export::ExportError;
pub use doc::{Block, Doc, Piece, QuoteBlock, QuoteMarks};

use crate::analysis::CoderScope;
use crate::model::{Project, ThemeId};
use crate::progress::Progress;
use std::path::Path;

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
        crate::export::format_named(s, &Self::ALL, Self::extension)
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

/// The first page of an export, for the app's preview: what the page holds, laid out by the
/// app in the export's order and styles (title, headings, body, notes, quotes in their marks
/// with their attribution).
#[derive(Clone, Debug, PartialEq)]
pub enum FirstPage {
    /// The document's title and the blocks that fit on its first page; `more` when the
    /// document goes on.
    Page { doc: Doc, more: bool },
    /// A CSV file's first rows, as cells.
    Rows { rows: Vec<Vec<String>>, more: bool },
}

/// How a format's page is set, for counting what fits on the first one: the text width and
/// height in points, the body's type size and faces. Word files (and Markdown and HTML,
/// printed) on A4 with 2.54 cm margins in 11 pt Calibri; LaTeX on an article page in 10 pt
/// Latin Modern.
struct PageSet {
    width: f64,
    height: f64,
    size: f64,
    faces: crate::export::metrics::Faces,
}

impl PageSet {
    fn of(format: Format) -> PageSet {
        use crate::export::metrics::Faces;
        match format {
            Format::Latex => PageSet { width: 345.0, height: 550.0, size: 10.0, faces: Faces::LATEX },
            _ => PageSet { width: 451.0, height: 697.0, size: 11.0, faces: Faces::WORD },
        }
    }

    /// The height `text` takes at `size` points set `indent` points in from both sides,
    /// with `space` points after it (lines 1.2 times the type size).
    fn height_of(&self, text: &str, size: f64, indent: f64, space: f64) -> f64 {
        let width = (self.width - 2.0 * indent).max(1.0);
        let lines: f64 = text.lines().map(|l| (self.faces.width(l, size) / width).ceil().max(1.0)).sum();
        lines.max(1.0) * size * 1.2 + space
    }

    /// The height a block takes, by the sizes and spacing of the Word styles (headings 16,
    /// 14 and 12 pt with space above; notes 9 pt; quotes indented 36 pt).
    fn block(&self, block: &Block, marks: &QuoteMarks) -> f64 {
        let s = self.size;
        match block {
            Block::Heading { level, text } => {
                let size = match level {
                    0 | 1 => s * 16.0 / 11.0,
                    2 => s * 14.0 / 11.0,
                    _ => s * 12.0 / 11.0,
                };
                self.height_of(text, size, 0.0, size * 1.5)
            }
            Block::Para { label, text } => {
                let all = match label {
                    Some(l) => format!("{l} {text}"),
                    None => text.clone(),
                };
                self.height_of(&all, s, 0.0, s * 0.7)
            }
            Block::Note(text) => self.height_of(text, s * 9.0 / 11.0, 0.0, s * 0.9),
            Block::Quote(q) => {
                let body: String = q
                    .shown_lines()
                    .iter()
                    .map(|line| line.iter().map(|p| p.text.as_str()).collect::<String>())
                    .collect::<Vec<_>>()
                    .join("\n");
                let shown = format!("{}{body}{} ({})", marks.open, marks.close, q.attribution);
                let original = q.original.as_ref().map(|o| {
                    let text: String = o.iter().map(|p| p.text.as_str()).collect();
                    self.height_of(&text, s * 9.0 / 11.0, 36.0, 0.0)
                });
                self.height_of(&shown, s, 36.0, s) + original.unwrap_or(0.0)
            }
        }
    }
}

/// The first page of an export as it will be laid out (see [`FirstPage`]): the blocks whose
/// heights, measured in the format's fonts and styles, fit on the first page; at least one.
pub fn first_page(p: &Project, request: &Request) -> Result<FirstPage, ExportError> {
    let progress = Progress::new();
    if request.format == Format::Csv {
        let (bytes, _) = export(p, request, &progress)?;
        let text = String::from_utf8_lossy(&bytes);
        let mut reader = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let mut rows = Vec::new();
        let mut more = false;
        for record in reader.records() {
            let record = record.map_err(|e| ExportError::format("CSV", e))?;
            if rows.len() == PREVIEW_ROWS {
                more = true;
                break;
            }
            rows.push(record.iter().map(str::to_string).collect());
        }
        return Ok(FirstPage::Rows { rows, more });
    }
    let (mut doc, _) = build::build(p, request.kind, &request.options, &progress)?;
    let page = PageSet::of(request.format);
    let mut used = page.height_of(&doc.title, page.size * 26.0 / 11.0, 0.0, page.size);
    if !doc.subtitle.is_empty() {
        used += page.height_of(&doc.subtitle, page.size * 14.0 / 11.0, 0.0, page.size);
    }
    let mut fits = 0;
    for block in &doc.blocks {
        used += page.block(block, &doc.marks);
        if used > page.height && fits > 0 {
            break;
        }
        fits += 1;
    }
    let more = fits < doc.blocks.len();
    doc.blocks.truncate(fits);
    Ok(FirstPage::Page { doc, more })
}

/// Rows of a CSV file shown in the preview.
const PREVIEW_ROWS: usize = 30;
