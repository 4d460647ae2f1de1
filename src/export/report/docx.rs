//! Word (DOCX), through the shared Word writer ([`crate::export::docx`]) and its styles:
//! headings in `heading 1`–`heading 3`, block quotes in `Quote`, the attribution in the
//! `Attribution` character style, edit marks in `Edit Mark`, the original under a
//! translation in `Quote Original`, and the working copy's notes in `Quote Source`. The
//! space between quotes comes from the styles, never from empty paragraphs.

use super::doc::{Block, Doc, Piece, flatten};
use crate::export::ExportError;
use crate::export::docx::{self, Orientation, R, RunStyle, Xml, run};
use crate::quotes::Placement;

pub fn render(doc: &Doc) -> Result<Vec<u8>, ExportError> {
    let marks = doc.marks;
    docx::document(&doc.title, Orientation::Portrait, |w| {
        docx::text_para(w, Some(docx::TITLE), &doc.title)?;
        if !doc.subtitle.is_empty() {
            docx::text_para(w, Some(docx::SUBTITLE), &doc.subtitle)?;
        }
        for block in &doc.blocks {
            match block {
                Block::Heading { level, text } => {
                    docx::text_para(w, Some(docx::HEADINGS[level.saturating_sub(1).min(2)]), text)?
                }
                Block::Para { label, text } => docx::para(w, None, |w| {
                    if let Some(label) = label {
                        run(w, &format!("{label} "), RunStyle::bold())?;
                    }
                    run(w, text, RunStyle::default())
                })?,
                Block::Note(text) => docx::text_para(w, Some(docx::QUOTE_SOURCE), text)?,
                Block::Quote(q) => {
                    let attribution = |w: &mut Xml| -> R {
                        if q.attribution.is_empty() {
                            return Ok(());
                        }
                        run(w, &format!(" ({})", q.attribution), RunStyle::styled(docx::ATTRIBUTION))
                    };
                    match q.placement {
                        Placement::Inline => docx::para(w, None, |w| {
                            run(w, marks.open, RunStyle::default())?;
                            pieces(w, &flatten(&q.pieces))?;
                            run(w, marks.close, RunStyle::default())?;
                            attribution(w)
                        })?,
                        Placement::Block => docx::para(w, Some(docx::QUOTE), |w| {
                            for (i, line) in q.shown_lines().iter().enumerate() {
                                if i > 0 {
                                    run(w, "\n", RunStyle::default())?;
                                }
                                pieces(w, line)?;
                            }
                            attribution(w)
                        })?,
                    }
                    if let Some(original) = &q.original {
                        docx::para(w, Some(docx::QUOTE_ORIGINAL), |w| {
                            run(w, &format!("Original: {}", marks.open), RunStyle::default())?;
                            pieces(w, &flatten(original))?;
                            run(w, marks.close, RunStyle::default())
                        })?;
                    }
                }
            }
        }
        Ok(())
    })
}

fn pieces(w: &mut Xml, pieces: &[Piece]) -> R {
    for piece in pieces {
        let style = if piece.mark { RunStyle::styled(docx::EDIT_MARK) } else { RunStyle::default() };
        run(w, &piece.text, style)?;
    }
    Ok(())
}
