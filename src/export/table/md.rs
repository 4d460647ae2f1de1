//! Markdown (a pipe table, as GitHub and pandoc read it, with a pandoc caption).

use super::TableText;
use crate::export::escape::markdown_cell as escape;

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
    // pandoc reads the caption only right after the table; notes follow it.
    out.push_str(&format!("\nTable: {}\n", escape(&t.caption)));
    for note in &t.notes {
        out.push_str(&format!("\n_Note._ {}\n", escape(note)));
    }
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
