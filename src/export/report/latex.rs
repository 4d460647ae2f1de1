//! LaTeX: a complete article that compiles with pdfLaTeX, XeLaTeX or LuaLaTeX. Emoji print
//! with XeLaTeX or LuaLaTeX and a font that has them; pdfLaTeX has no way to draw them, so
//! for it each emoji the text holds is declared to print as "[emoji]" rather than stop the
//! run. Block quotes use `quote`, or
//! `quotation` when they run to several paragraphs; inline quotes use ``` ``...'' ```.
//! Line breaks are `\newline`, never `\\`, so a line that starts with `[...]` is not read as
//! an optional argument.

use super::doc::{Block, Doc, Piece, flatten};
use crate::quotes::Placement;

const PREAMBLE: &str = "\\documentclass[11pt]{article}\n\
\\usepackage{iftex}\n\
\\ifPDFTeX\n  \\usepackage[T1]{fontenc}\n  \\usepackage[utf8]{inputenc}\n\\else\n  \\usepackage{fontspec}\n\\fi\n";

pub fn render(doc: &Doc) -> String {
    let body = body(doc);
    let mut out = String::from(PREAMBLE);
    let mut emoji: Vec<char> = body.chars().filter(|c| is_pictograph(*c)).collect();
    emoji.sort_unstable();
    emoji.dedup();
    if !emoji.is_empty() {
        out.push_str("\\ifPDFTeX\n");
        for c in emoji {
            let shown = if matches!(c, '\u{200D}' | '\u{FE0F}') { "" } else { "{[}emoji{]}" };
            out.push_str(&format!("  \\DeclareUnicodeCharacter{{{:04X}}}{{{shown}}}\n", c as u32));
        }
        out.push_str("\\fi\n");
    }
    out.push_str(&body);
    out
}

/// Pictographs pdfLaTeX cannot set: emoji, the older symbol blocks they grew from, and the
/// joiner and variation selector that glue them together.
fn is_pictograph(c: char) -> bool {
    matches!(c as u32, 0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0xFE0F | 0x200D)
}

/// Everything after the preamble.
fn body(doc: &Doc) -> String {
    let mut out = String::new();
    let subtitle =
        if doc.subtitle.is_empty() { String::new() } else { format!("\\\\\\large {}", escape(&doc.subtitle)) };
    out.push_str(&format!(
        "\\title{{{}{subtitle}}}\n\\date{{}}\n\n\\begin{{document}}\n\\maketitle\n\n",
        escape(&doc.title)
    ));
    for block in &doc.blocks {
        match block {
            Block::Heading { level, text } => {
                let cmd = match level {
                    1 => "section",
                    2 => "subsection",
                    _ => "subsubsection",
                };
                out.push_str(&format!("\\{cmd}*{{{}}}\n\n", escape(text)));
            }
            Block::Para { label, text } => {
                if let Some(label) = label {
                    out.push_str(&format!("\\textbf{{{}}} ", escape(label)));
                }
                out.push_str(&format!("{}\n\n", escape(text)));
            }
            Block::Note(text) => out.push_str(&format!("{{\\small {}}}\n\n", escape(text))),
            Block::Quote(q) => {
                let attribution =
                    if q.attribution.is_empty() { String::new() } else { format!(" ({})", escape(&q.attribution)) };
                let original =
                    q.original.as_ref().map(|o| format!("{{\\small \\emph{{Original:}} ``{}''}}", pieces(&flatten(o))));
                match q.placement {
                    Placement::Inline => {
                        out.push_str(&format!("``{}''{attribution}\n\n", pieces(&flatten(&q.pieces))));
                        if let Some(o) = original {
                            out.push_str(&format!("{o}\n\n"));
                        }
                    }
                    Placement::Block => {
                        let lines: Vec<String> = q.shown_lines().iter().map(|l| pieces(l)).collect();
                        let env = if lines.len() > 1 { "quotation" } else { "quote" };
                        out.push_str(&format!("\\begin{{{env}}}\n"));
                        let sep = if env == "quotation" { "\n\\par\n" } else { "\\newline\n" };
                        out.push_str(&lines.join(sep));
                        out.push_str(&attribution);
                        if let Some(o) = original {
                            out.push_str(&format!("\n\\par\n{o}"));
                        }
                        out.push_str(&format!("\n\\end{{{env}}}\n\n"));
                    }
                }
            }
        }
    }
    out.push_str("\\end{document}\n");
    out
}

fn pieces(pieces: &[Piece]) -> String {
    pieces.iter().map(|p| escape(&p.text)).collect()
}

/// Escapes LaTeX's special characters. Straight double quotes become curly ones so that
/// T1 fonts do not set them as umlauts.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '$' | '&' | '#' | '%' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '^' => out.push_str("\\textasciicircum{}"),
            '~' => out.push_str("\\textasciitilde{}"),
            '<' => out.push_str("\\textless{}"),
            '>' => out.push_str("\\textgreater{}"),
            '|' => out.push_str("\\textbar{}"),
            '"' => out.push_str("\\textquotedbl{}"),
            // A bracket after `\item` or `\\` would be read as an optional argument; in
            // braces it is only a bracket ("[E5]: And when", "[...]").
            '[' => out.push_str("{[}"),
            ']' => out.push_str("{]}"),
            '\n' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specials_are_escaped() {
        assert_eq!(
            escape(r"50% & $5 #1 a_b {x} ~ ^ \ "),
            r"50\% \& \$5 \#1 a\_b \{x\} \textasciitilde{} \textasciicircum{} \textbackslash{} "
        );
        // Brackets in braces: "[E5]" after `\item` or `\\` would be an optional argument.
        assert_eq!(escape("[...] Møte 😀"), "{[}...{]} Møte 😀");
    }
}
