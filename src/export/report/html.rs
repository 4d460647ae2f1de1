//! HTML: one self-contained file (styles inline, no scripts, no outside resources) that opens
//! in any browser and pastes into a word processor with its structure.

use super::doc::{Block, Doc, Piece, flatten};
use crate::export::escape::html as escape;
use crate::quotes::Placement;

const STYLE: &str = "\
body { font-family: Georgia, 'Times New Roman', serif; line-height: 1.5; max-width: 42em; margin: 2em auto; \
padding: 0 1em; color: #1a1a1a; background: #fff; }
h1, h2, h3, h4 { font-family: 'Helvetica Neue', Arial, sans-serif; line-height: 1.25; }
.subtitle { font-size: 1.2em; color: #444; margin-top: -0.5em; }
blockquote.quote { margin: 1em 2.5em; padding: 0; }
.mark { color: #555; }
.attribution { white-space: nowrap; }
.original { font-size: 0.85em; color: #444; }
.note { font-size: 0.85em; color: #595959; }
@media (prefers-color-scheme: dark) { body { background: #161616; color: #e8e8e8; } \
.subtitle, .mark, .original, .note { color: #b0b0b0; } }
";

pub fn render(doc: &Doc) -> String {
    let m = doc.marks;
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str(&format!("<meta name=\"generator\" content=\"Tema {}\">\n", env!("CARGO_PKG_VERSION")));
    let title = if doc.subtitle.is_empty() { doc.title.clone() } else { format!("{} — {}", doc.title, doc.subtitle) };
    out.push_str(&format!("<title>{}</title>\n", escape(&title)));
    out.push_str(&format!("<style>\n{STYLE}</style>\n</head>\n<body>\n"));
    out.push_str(&format!("<h1>{}</h1>\n", escape(&doc.title)));
    if !doc.subtitle.is_empty() {
        out.push_str(&format!("<p class=\"subtitle\">{}</p>\n", escape(&doc.subtitle)));
    }
    for block in &doc.blocks {
        match block {
            Block::Heading { level, text } => {
                let h = (level + 1).min(6);
                out.push_str(&format!("<h{h}>{}</h{h}>\n", escape(text)));
            }
            Block::Para { label, text } => {
                let label = label.as_ref().map(|l| format!("<strong>{}</strong> ", escape(l))).unwrap_or_default();
                out.push_str(&format!("<p>{label}{}</p>\n", escape(text)));
            }
            Block::Note(text) => out.push_str(&format!("<p class=\"note\">{}</p>\n", escape(text))),
            Block::Quote(q) => {
                let attribution = if q.attribution.is_empty() {
                    String::new()
                } else {
                    format!(" <span class=\"attribution\">({})</span>", escape(&q.attribution))
                };
                let original = q.original.as_ref().map(|o| {
                    format!(
                        "<p class=\"original\"><em>Original:</em> {}{}{}</p>\n",
                        m.open,
                        pieces(&flatten(o)),
                        m.close
                    )
                });
                match q.placement {
                    Placement::Inline => {
                        out.push_str(&format!(
                            "<p class=\"quote-inline\">{}{}{}{attribution}</p>\n",
                            m.open,
                            pieces(&flatten(&q.pieces)),
                            m.close
                        ));
                        out.push_str(&original.unwrap_or_default());
                    }
                    Placement::Block => {
                        let lines: Vec<String> = q.shown_lines().iter().map(|l| pieces(l)).collect();
                        out.push_str(&format!(
                            "<blockquote class=\"quote\">\n<p>{}{attribution}</p>\n{}</blockquote>\n",
                            lines.join("<br>\n"),
                            original.unwrap_or_default()
                        ));
                    }
                }
            }
        }
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn pieces(pieces: &[Piece]) -> String {
    pieces
        .iter()
        .map(|p| {
            if p.mark {
                format!("<span class=\"mark\" title=\"edited for the paper\">{}</span>", escape(&p.text))
            } else {
                escape(&p.text)
            }
        })
        .collect()
}
