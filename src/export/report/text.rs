//! Plain text: how the first page of an export reads, for the app's preview. The same
//! format-neutral document the other renderers write, set as text: headings underlined,
//! inline quotes in the language's marks, block quotes indented, attribution after each.

use super::doc::{Block, Doc, Piece, flatten};
use crate::quotes::Placement;

pub fn render(doc: &Doc) -> String {
    let m = doc.marks;
    let mut out = String::new();
    out.push_str(&underlined(&doc.title, '='));
    if !doc.subtitle.is_empty() {
        out.push_str(&format!("{}\n", doc.subtitle));
    }
    out.push('\n');
    for block in &doc.blocks {
        match block {
            Block::Heading { level, text } => {
                out.push_str(&underlined(text, if *level <= 1 { '-' } else { '·' }));
                out.push('\n');
            }
            Block::Para { label, text } => {
                if let Some(label) = label {
                    out.push_str(label);
                    out.push(' ');
                }
                out.push_str(&format!("{text}\n\n"));
            }
            Block::Note(text) => out.push_str(&format!("  [{text}]\n\n")),
            Block::Quote(q) => {
                let attribution =
                    if q.attribution.is_empty() { String::new() } else { format!(" ({})", q.attribution) };
                match q.placement {
                    Placement::Inline => {
                        out.push_str(&format!("{}{}{}{attribution}\n", m.open, text(&flatten(&q.pieces)), m.close))
                    }
                    Placement::Block => {
                        let lines = q.shown_lines();
                        let n = lines.len();
                        for (i, line) in lines.iter().enumerate() {
                            let end = if i + 1 == n { attribution.as_str() } else { "" };
                            out.push_str(&format!("    {}{end}\n", text(line)));
                        }
                    }
                }
                if let Some(o) = &q.original {
                    out.push_str(&format!("    Original: {}{}{}\n", m.open, text(&flatten(o)), m.close));
                }
                out.push('\n');
            }
        }
    }
    out
}

fn text(pieces: &[Piece]) -> String {
    pieces.iter().map(|p| p.text.as_str()).collect()
}

fn underlined(text: &str, rule: char) -> String {
    let n = text.chars().count().max(1);
    format!("{text}\n{}\n", rule.to_string().repeat(n))
}
