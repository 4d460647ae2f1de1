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

/// Elements nested deeper than this are refused: the HTML parser's work grows with the square
/// of the depth (100,000 nested `div`s take half a minute), and no transcript nests so deep.
pub const MAX_DEPTH: usize = 1_000;

/// Elements that never hold others, or whose end tag may be left out (so an unclosed one
/// does not nest the next).
const NOT_NESTING: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "p", "li",
    "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody", "tfoot", "colgroup", "rp", "rt", "html",
    "head", "body", "param", "keygen",
];

/// How deep the elements of `source` nest, counted from its tags in one linear pass (an
/// upper bound of what the parser builds, close enough to refuse hostile nesting early).
pub fn nesting_depth(source: &str) -> usize {
    let bytes = source.as_bytes();
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    while let Some(off) = bytes[i..].iter().position(|&b| b == b'<') {
        i += off + 1;
        let closing = bytes.get(i) == Some(&b'/');
        let start = if closing { i + 1 } else { i };
        let len = bytes[start..].iter().take_while(|b| b.is_ascii_alphanumeric()).count();
        if len == 0 {
            continue;
        }
        let name = source[start..start + len].to_ascii_lowercase();
        if NOT_NESTING.contains(&name.as_str()) {
            continue;
        }
        let end = bytes[start..].iter().position(|&b| b == b'>').map(|p| start + p);
        let self_closing = end.is_some_and(|e| e > 0 && bytes[e - 1] == b'/');
        if closing {
            depth = depth.saturating_sub(1);
        } else if !self_closing {
            depth += 1;
            deepest = deepest.max(depth);
        }
    }
    deepest
}

/// The text of an HTML document; refused when its elements nest deeper than [`MAX_DEPTH`].
pub fn html_text(source: &str) -> Result<String, super::FileError> {
    let depth = nesting_depth(source);
    if depth > MAX_DEPTH {
        return Err(super::FileError::corrupt(
            "HTML (.html)",
            format!("its elements nest {depth} deep, more than the {MAX_DEPTH} Tema reads"),
        ));
    }
    Ok(text_of(source))
}

fn text_of(source: &str) -> String {
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
            html_text(html).ok().as_deref().unwrap_or("refused"),
            "Intervju J4\n\nIntervjuer: Hvordan gikk\u{a0}det & så?\n\nJ4: Bra\ntakk 😀\n\nén\n\nto\n\nA\tB\nC\n\n  kept   as\n  is\n\nunclosed tags "
        );
    }

    #[test]
    fn deep_nesting_is_refused_in_linear_time() {
        // 1,000 nested divs are read; 1,001 are refused; unclosed <p> and <li> (whose end
        // tags may be left out) and void elements do not count as nesting.
        let deep = |n: usize| format!("{}x{}", "<div>".repeat(n), "</div>".repeat(n));
        assert_eq!(nesting_depth(&deep(1_000)), 1_000);
        assert_eq!(html_text(&deep(1_000)).ok().as_deref(), Some("x"));
        let err = html_text(&deep(1_001)).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("nest 1001 deep"), "{err}");
        assert_eq!(nesting_depth(&"<p>a<br><img src=x><li>b".repeat(5_000)), 0);
        assert_eq!(nesting_depth("<div><span/><b>x</b></div>"), 2);
        // 100,000 nested divs: refused after one pass, well under a second.
        let started = std::time::Instant::now();
        assert!(html_text(&deep(100_000)).is_err());
        assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
    }
}
