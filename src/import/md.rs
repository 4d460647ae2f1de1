//! Markdown (.md): the text without its markup, parsed by pulldown-cmark (CommonMark).
//!
//! Researchers write field notes in Markdown; the asterisks and hashes are markup, not
//! text, so they are dropped: headings, paragraphs, list items and table rows become
//! paragraphs; a line break in the source stays a line break (so `Name: words` lines of a
//! transcript keep their speakers); emphasis, links and images keep their text; code keeps
//! its text; raw HTML is left out.

use super::paragraphs::TextBuilder;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

pub fn markdown_text(source: &str) -> String {
    let mut out = TextBuilder::default();
    let mut cells = 0usize;
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    for event in Parser::new_ext(source, options) {
        match event {
            Event::Start(Tag::TableCell) => cells += 1,
            Event::Start(Tag::Item | Tag::BlockQuote(_) | Tag::CodeBlock(_)) => out.end_paragraph(),
            Event::End(TagEnd::TableCell) => {
                cells = cells.saturating_sub(1);
                out.end_cell();
            }
            Event::End(TagEnd::TableRow | TagEnd::TableHead) => out.end_row(),
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::BlockQuote(_)
                | TagEnd::CodeBlock
                | TagEnd::List(_)
                | TagEnd::FootnoteDefinition,
            ) => {
                if cells > 0 {
                    out.soft_break();
                } else {
                    out.end_paragraph();
                }
            }
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                // A code block's text ends with its last newline.
                out.push_str(t.strip_suffix('\n').unwrap_or(&t));
                if t.ends_with('\n') && t.len() > 1 {
                    out.soft_break();
                }
            }
            Event::SoftBreak | Event::HardBreak => out.line_break(),
            Event::Rule => out.end_paragraph(),
            _ => {}
        }
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_dropped_lines_kept() {
        let md = "# Feltnotater – Sørvik\n\n*Onsdag 22. januar*, **digitalt** møte 😀\n\n\
                  Intervjuer: Hei\nJ4: Hei på deg\n\n- første punkt\n- [lenke](http://x) andre\n\n\
                  | a | b |\n|---|---|\n| 1 | 2 |\n\n<div>html</div>\n\n---\n\nslutt";
        assert_eq!(
            markdown_text(md),
            "Feltnotater – Sørvik\n\nOnsdag 22. januar, digitalt møte 😀\n\nIntervjuer: Hei\nJ4: Hei på deg\n\n\
             første punkt\n\nlenke andre\n\na\tb\n\n1\t2\n\nslutt"
        );
    }
}
