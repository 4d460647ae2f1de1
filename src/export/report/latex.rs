//! LaTeX: a complete article that compiles with pdfLaTeX, XeLaTeX or LuaLaTeX. Emoji print
//! with XeLaTeX or LuaLaTeX and a font that has them; pdfLaTeX has no way to draw them, so
//! for it each run of emoji goes into `\temaemoji`, which prints "[emoji]" rather than stop the
//! run. Block quotes use `quote`, or
//! `quotation` when they run to several paragraphs; inline quotes are set in the language's
//! marks (“...” or «...», which inputenc and fontspec both print).
//! Line breaks are `\newline`, never `\\`, so a line that starts with `[...]` is not read as
//! an optional argument.

use super::doc::{Block, Doc, Piece, flatten};
use crate::export::escape::{latex as escape, latex_emoji_declarations};
use crate::quotes::Placement;

const PREAMBLE: &str = "\\documentclass[11pt]{article}\n\
\\usepackage{iftex}\n\
\\ifPDFTeX\n  \\usepackage[T1]{fontenc}\n  \\usepackage[utf8]{inputenc}\n\
  \\IfFileExists{lmodern.sty}{\\usepackage{lmodern}}{}\n  \\input{glyphtounicode}\\pdfgentounicode=1\n\\else\n  \\usepackage{fontspec}\n\\fi\n";

pub fn render(doc: &Doc) -> String {
    let body = body(doc);
    let mut out = String::from(PREAMBLE);
    out.push_str(&latex_emoji_declarations(&body));
    out.push_str(&body);
    out
}

/// Everything after the preamble.
fn body(doc: &Doc) -> String {
    let m = doc.marks;
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
                let original = q
                    .original
                    .as_ref()
                    .map(|o| format!("{{\\small \\emph{{Original:}} {}{}{}}}", m.open, pieces(&flatten(o)), m.close));
                match q.placement {
                    Placement::Inline => {
                        out.push_str(&format!("{}{}{}{attribution}\n\n", m.open, pieces(&flatten(&q.pieces)), m.close));
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
