//! Word (DOCX), written with docx-rs.
//!
//! Every paragraph and run carries a real Word style, so the author restyles the whole
//! document for a journal by changing a style, not by hand: Word's built-in `Title`,
//! `Subtitle`, `heading 1`–`heading 3` (style ids `Heading1`–`Heading3`, with outline levels
//! so they appear in the navigation pane and a table of contents) and `Quote`; and Tema's own
//! `Quote Original` (the source under a translation), `Quote Source` (small print),
//! `Attribution` and `Edit Mark` (character styles for the label and the `[...]` marks).
//!
//! Why docx-rs and not zip + quick-xml by hand: it writes every package part Word insists on
//! (content types, relationships, settings, font table, document properties) correctly, so
//! what is left to us is the part that matters here — the styles and the text.

use super::ExportError;
use super::doc::{Block, Doc, Piece, flatten};
use crate::quotes::Placement;
use docx_rs::{BreakType, Docx, Paragraph, Run, RunFonts, Style, StyleType};

pub const TITLE: &str = "Title";
pub const SUBTITLE: &str = "Subtitle";
pub const HEADINGS: [&str; 3] = ["Heading1", "Heading2", "Heading3"];
pub const QUOTE: &str = "Quote";
pub const QUOTE_ORIGINAL: &str = "QuoteOriginal";
pub const QUOTE_SOURCE: &str = "QuoteSource";
pub const ATTRIBUTION: &str = "Attribution";
pub const EDIT_MARK: &str = "EditMark";

/// One inch in twentieths of a point.
const INCH: i32 = 1440;

fn styles() -> Vec<Style> {
    let para = |id: &str, name: &str| {
        Style::new(id, StyleType::Paragraph).name(name).based_on("Normal").next("Normal").q_format(true)
    };
    let heading = |level: usize, size: usize| {
        para(HEADINGS[level], &format!("heading {}", level + 1))
            .outline_lvl(level)
            .bold()
            .size(size)
            .color("1F3864")
            .ui_priority(9)
    };
    vec![
        para(TITLE, "Title").size(52).ui_priority(10),
        para(SUBTITLE, "Subtitle").size(28).color("595959").ui_priority(11),
        heading(0, 32),
        heading(1, 28),
        heading(2, 24),
        para(QUOTE, "Quote").indent(Some(INCH / 2), None, Some(INCH / 2), None).ui_priority(29),
        Style::new(QUOTE_ORIGINAL, StyleType::Paragraph)
            .name("Quote Original")
            .based_on(QUOTE)
            .next("Normal")
            .size(18)
            .color("595959")
            .q_format(true),
        para(QUOTE_SOURCE, "Quote Source").size(18).color("595959"),
        Style::new(ATTRIBUTION, StyleType::Character).name("Attribution").q_format(true),
        Style::new(EDIT_MARK, StyleType::Character).name("Edit Mark").color("595959").q_format(true),
    ]
}

pub fn render(doc: &Doc) -> Result<Vec<u8>, ExportError> {
    let mut docx = Docx::new()
        .default_fonts(RunFonts::new().ascii("Calibri").hi_ansi("Calibri").cs("Calibri").east_asia("Calibri"))
        .default_size(22)
        .created_at(&chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string());
    for style in styles() {
        docx = docx.add_style(style);
    }
    docx = docx.add_paragraph(text_para(TITLE, &doc.title));
    if !doc.subtitle.is_empty() {
        docx = docx.add_paragraph(text_para(SUBTITLE, &doc.subtitle));
    }
    for block in &doc.blocks {
        match block {
            Block::Heading { level, text } => {
                let style = HEADINGS[level.saturating_sub(1).min(2)];
                docx = docx.add_paragraph(text_para(style, text));
            }
            Block::Para { label, text } => {
                let mut p = Paragraph::new();
                if let Some(label) = label {
                    p = p.add_run(Run::new().add_text(format!("{label} ")).bold());
                }
                docx = docx.add_paragraph(p.add_run(Run::new().add_text(text.as_str())));
            }
            Block::Note(text) => docx = docx.add_paragraph(text_para(QUOTE_SOURCE, text)),
            Block::Quote(q) => {
                let mut p = match q.placement {
                    Placement::Inline => {
                        let p = Paragraph::new().add_run(Run::new().add_text("“"));
                        add_pieces(p, &flatten(&q.pieces)).add_run(Run::new().add_text("”"))
                    }
                    Placement::Block => {
                        let mut p = Paragraph::new().style(QUOTE);
                        for (i, line) in q.shown_lines().iter().enumerate() {
                            if i > 0 {
                                p = p.add_run(Run::new().add_break(BreakType::TextWrapping));
                            }
                            p = add_pieces(p, line);
                        }
                        p
                    }
                };
                if !q.attribution.is_empty() {
                    p = p.add_run(Run::new().add_text(format!(" ({})", q.attribution)).style(ATTRIBUTION));
                }
                docx = docx.add_paragraph(p);
                if let Some(original) = &q.original {
                    let p = Paragraph::new().style(QUOTE_ORIGINAL).add_run(Run::new().add_text("Original: “"));
                    let p = add_pieces(p, &flatten(original)).add_run(Run::new().add_text("”"));
                    docx = docx.add_paragraph(p);
                }
            }
        }
    }
    let mut bytes = std::io::Cursor::new(Vec::new());
    docx.build().pack(&mut bytes).map_err(|e| ExportError::Docx(e.to_string()))?;
    Ok(bytes.into_inner())
}

fn text_para(style: &str, text: &str) -> Paragraph {
    Paragraph::new().style(style).add_run(Run::new().add_text(text))
}

fn add_pieces(mut p: Paragraph, pieces: &[Piece]) -> Paragraph {
    for piece in pieces {
        let run = Run::new().add_text(piece.text.as_str());
        p = p.add_run(if piece.mark { run.style(EDIT_MARK) } else { run });
    }
    p
}
