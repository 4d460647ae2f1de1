//! Markdown (CommonMark): headings, `>` block quotes, inline quotes in curly quotation marks.

use super::doc::{Block, Doc, Piece, flatten};
use crate::export::escape::{markdown as escape, markdown_line as escape_para, markdown_line_start};
use crate::quotes::Placement;

pub fn render(doc: &Doc) -> String {
    let m = doc.marks;
    let mut out = String::new();
    out.push_str(&format!("# {}\n\n", escape(&doc.title)));
    if !doc.subtitle.is_empty() {
        out.push_str(&format!("{}\n\n", escape(&doc.subtitle)));
    }
    for block in &doc.blocks {
        match block {
            Block::Heading { level, text } => {
                out.push_str(&format!("{} {}\n\n", "#".repeat(level + 1), escape(text)));
            }
            Block::Para { label, text } => {
                if let Some(label) = label {
                    out.push_str(&format!("**{}** ", escape(label)));
                }
                out.push_str(&if label.is_some() { escape(text) } else { escape_para(text) });
                out.push_str("\n\n");
            }
            Block::Note(text) => out.push_str(&format!("_{}_\n\n", escape(text).trim())),
            Block::Quote(q) => {
                let attribution = attribution(&q.attribution);
                let original =
                    q.original.as_ref().map(|o| format!("_Original:_ {}{}{}", m.open, pieces(&flatten(o)), m.close));
                match q.placement {
                    Placement::Inline => {
                        out.push_str(&format!("{}{}{}{attribution}\n\n", m.open, pieces(&flatten(&q.pieces)), m.close));
                        if let Some(o) = original {
                            out.push_str(&o);
                            out.push_str("\n\n");
                        }
                    }
                    Placement::Block => {
                        let lines: Vec<String> = q.shown_lines().iter().map(|l| pieces(l)).collect();
                        let n = lines.len();
                        for (i, line) in lines.iter().enumerate() {
                            // A backslash at the end of a line is a hard line break.
                            let end = if i + 1 < n { "\\" } else { attribution.as_str() };
                            out.push_str(&format!("> {line}{end}\n"));
                        }
                        if let Some(o) = original {
                            out.push_str(">\n");
                            out.push_str(&format!("> {o}\n"));
                        }
                        out.push('\n');
                    }
                }
            }
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

fn attribution(label: &str) -> String {
    if label.is_empty() { String::new() } else { format!(" ({})", escape(label)) }
}

fn pieces(pieces: &[Piece]) -> String {
    let s: String = pieces.iter().map(|p| escape(&p.text)).collect();
    // A line of a quote must not start like a list item or a heading.
    markdown_line_start(&s)
}
