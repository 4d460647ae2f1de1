//! Markdown (a pipe table, as GitHub and pandoc read it, with a pandoc caption).

use super::TableText;

pub(super) fn render(t: &TableText) -> String {
    let mut out = String::new();
    let header: Vec<String> = std::iter::once(&t.corner).chain(&t.columns).map(|s| escape(s)).collect();
    line(&mut out, &header);
    let align = if t.numeric { "---:" } else { "---" };
    let rule: Vec<String> = std::iter::once("---").chain(t.columns.iter().map(|_| align)).map(String::from).collect();
    out.push('|');
    for r in rule {
        out.push_str(&r);
        out.push('|');
    }
    out.push('\n');
    for row in &t.rows {
        let label = escape(&row.label);
        let label = if t.hierarchical && row.depth == 0 {
            format!("**{label}**")
        } else {
            format!("{}{label}", "&emsp;".repeat(row.depth))
        };
        let cells: Vec<String> = std::iter::once(label).chain(row.cells.iter().map(|c| escape(c))).collect();
        line(&mut out, &cells);
    }
    out.push_str(&format!("\nTable: {}\n", escape(&t.caption)));
    out
}

fn line(out: &mut String, cells: &[String]) {
    out.push('|');
    for c in cells {
        out.push(' ');
        out.push_str(c);
        out.push_str(" |");
    }
    out.push('\n');
}

/// Text safe inside a table cell: Markdown's active characters escaped, line breaks as `<br>`.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, line) in s.trim().lines().enumerate() {
        if i > 0 {
            out.push_str("<br>");
        }
        for ch in line.chars() {
            if matches!(ch, '\\' | '|' | '*' | '_' | '`' | '<' | '>' | '[' | ']' | '#') {
                out.push('\\');
            }
            out.push(ch);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_pipes_and_emphasis_and_keeps_line_breaks() {
        assert_eq!(escape("A | B *C* _d_\nnext"), "A \\| B \\*C\\* \\_d\\_<br>next");
        assert_eq!(escape("  Møte 😀  "), "Møte 😀");
    }
}
