//! Markdown (CommonMark): headings, `>` block quotes, inline quotes in curly quotation marks.

use super::doc::{Block, Doc, Piece, flatten};
use crate::quotes::Placement;

pub fn render(doc: &Doc) -> String {
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
                let original = q.original.as_ref().map(|o| format!("_Original:_ “{}”", pieces(&flatten(o))));
                match q.placement {
                    Placement::Inline => {
                        out.push_str(&format!("“{}”{attribution}\n\n", pieces(&flatten(&q.pieces))));
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
    let mut s = String::new();
    for p in pieces {
        s.push_str(&escape(&p.text));
    }
    // A line of a quote must not start like a list item or a heading.
    escape_line_start(&s)
}

/// Escapes what CommonMark would read as markup, leaving the text readable: emphasis, code,
/// HTML, and a bracket followed by a parenthesis (which would make a link of `[...](...)`).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut prev = '\0';
    for c in text.chars() {
        match c {
            '\\' | '*' | '_' | '`' | '<' => {
                out.push('\\');
                out.push(c);
            }
            '(' if prev == ']' => out.push_str("\\("),
            '\n' => out.push(' '),
            _ => out.push(c),
        }
        prev = c;
    }
    out
}

/// Text that starts a paragraph or a line: also escapes what would make it a heading, a
/// list item or a block quote.
fn escape_para(text: &str) -> String {
    escape_line_start(&escape(text))
}

fn escape_line_start(s: &str) -> String {
    let trimmed = s.trim_start();
    let lead = &s[..s.len() - trimmed.len()];
    let first = trimmed.chars().next();
    let list_number = {
        let digits: String = trimmed.chars().take_while(char::is_ascii_digit).collect();
        !digits.is_empty() && matches!(trimmed[digits.len()..].chars().next(), Some('.' | ')'))
    };
    if matches!(first, Some('#' | '-' | '+' | '=' | '>')) {
        format!("{lead}\\{trimmed}")
    } else if list_number {
        let digits: String = trimmed.chars().take_while(char::is_ascii_digit).collect();
        format!("{lead}{digits}\\{}", &trimmed[digits.len()..])
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_keeps_text_readable() {
        assert_eq!(escape("a *b* _c_ [...] [x](y) 2 < 3"), "a \\*b\\* \\_c\\_ [...] [x]\\(y) 2 \\< 3");
        assert_eq!(escape("# mid-line is fine"), "# mid-line is fine");
        assert_eq!(escape_para("# not a heading"), "\\# not a heading");
        assert_eq!(escape_para("1. not a list"), "1\\. not a list");
        assert_eq!(escape_para("> not a quote"), "\\> not a quote");
        assert_eq!(escape("Møte 😀"), "Møte 😀");
    }
}
