//! HTML (.html, .htm): the visible text of the page, parsed by html5ever (through scraper)
//! the way a browser parses it, so broken markup and Word's "Save as web page" output read
//! the same as clean HTML.
//!
//! Block elements (paragraphs, headings, list items, divs, ...) become paragraphs, `<br>` a
//! line break, table rows a paragraph with tab-separated cells; white space collapses as a
//! browser shows it, except inside `<pre>`. The head, scripts, styles and other invisible
//! elements are left out.

use super::paragraphs::TextBuilder;
use ego_tree::iter::Edge;
use scraper::{Html, Node};

const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "center",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "ul",
];

const INVISIBLE: &[&str] =
    &["head", "script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "select", "title"];

/// The text of an HTML document.
pub fn html_text(source: &str) -> String {
    let html = Html::parse_document(source);
    let mut out = TextBuilder::default();
    let mut hidden = 0usize;
    let mut pre = 0usize;
    let mut cells = 0usize;
    let end_block = |out: &mut TextBuilder, cells: usize| {
        if cells > 0 { out.soft_break() } else { out.end_paragraph() }
    };
    for edge in html.tree.root().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(e) => {
                    let name = e.name();
                    if hidden > 0 || INVISIBLE.contains(&name) {
                        hidden += 1;
                        continue;
                    }
                    match name {
                        "br" => out.line_break(),
                        "pre" | "textarea" | "listing" | "plaintext" | "xmp" => {
                            end_block(&mut out, cells);
                            pre += 1;
                        }
                        "td" | "th" => cells += 1,
                        n if BLOCKS.contains(&n) => end_block(&mut out, cells),
                        _ => {}
                    }
                }
                Node::Text(t) if hidden == 0 => {
                    if pre > 0 {
                        out.push_str(t);
                    } else {
                        out.push_collapsed(t);
                    }
                }
                _ => {}
            },
            Edge::Close(node) => {
                if let Node::Element(e) = node.value() {
                    let name = e.name();
                    if hidden > 0 {
                        hidden -= 1;
                        continue;
                    }
                    match name {
                        "pre" | "textarea" | "listing" | "plaintext" | "xmp" => {
                            pre = pre.saturating_sub(1);
                            end_block(&mut out, cells);
                        }
                        "td" | "th" => {
                            cells = cells.saturating_sub(1);
                            out.end_cell();
                        }
                        "tr" => out.end_row(),
                        n if BLOCKS.contains(&n) => end_block(&mut out, cells),
                        _ => {}
                    }
                }
            }
        }
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_breaks_tables_and_hidden_parts() {
        let html = r#"<!DOCTYPE html><html><head><title>T</title><style>p{}</style></head><body>
            <h1>Intervju  J4</h1>
            <p><b>Intervjuer:</b> Hvordan
               gikk&nbsp;det &amp; s&aring;?</p>
            <p>J4: Bra<br>takk 😀<script>var x;</script></p>
            <ul><li>én</li><li>to</li></ul>
            <table><tr><td>A</td><td><p>B</p><p>C</p></td></tr></table>
            <pre>  kept   as
  is</pre>
            <p>unclosed <i>tags
            </body></html>"#;
        assert_eq!(
            html_text(html),
            "Intervju J4\n\nIntervjuer: Hvordan gikk\u{a0}det & så?\n\nJ4: Bra\ntakk 😀\n\nén\n\nto\n\nA\tB\nC\n\n  kept   as\n  is\n\nunclosed tags "
        );
    }
}
