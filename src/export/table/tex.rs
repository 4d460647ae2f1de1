//! LaTeX: a booktabs table (`\toprule`, `\midrule`, `\bottomrule`) in a `table` float with
//! its caption; special characters escaped, subthemes indented with `\quad`.

use super::TableText;

pub(super) fn render(t: &TableText) -> String {
    let n = t.columns.len();
    let spec = if t.prose {
        // Running text wraps in paragraph columns sharing the line width.
        let share = ((0.78 / n.max(1) as f64) * 100.0).floor().max(8.0) / 100.0;
        let mut s = String::from("p{0.2\\linewidth}");
        for _ in 0..n {
            s.push_str(&format!("p{{{share:.2}\\linewidth}}"));
        }
        s
    } else {
        let mut s = String::from("l");
        s.push_str(&"r".repeat(n));
        s
    };
    let mut out = String::new();
    out.push_str("% Made by Tema. Needs \\usepackage{booktabs} in the preamble.\n");
    out.push_str("\\begin{table}[htbp]\n  \\centering\n");
    out.push_str(&format!("  \\caption{{{}}}\n", escape(&t.caption, false)));
    out.push_str(&format!("  \\begin{{tabular}}{{{spec}}}\n"));
    out.push_str("    \\toprule\n");
    let header: Vec<String> = std::iter::once(&t.corner).chain(&t.columns).map(|s| escape(s, false)).collect();
    out.push_str(&format!("    {} \\\\\n", header.join(" & ")));
    out.push_str("    \\midrule\n");
    for row in &t.rows {
        let label = escape(&row.label, t.prose);
        let label = if t.hierarchical && row.depth == 0 {
            format!("\\textbf{{{label}}}")
        } else {
            format!("{}{label}", "\\quad ".repeat(row.depth))
        };
        let cells: Vec<String> = std::iter::once(label).chain(row.cells.iter().map(|c| escape(c, t.prose))).collect();
        out.push_str(&format!("    {} \\\\\n", cells.join(" & ")));
    }
    out.push_str("    \\bottomrule\n  \\end{tabular}\n\\end{table}\n");
    out
}

/// Text safe in a LaTeX table cell. Line breaks become `\newline` in paragraph columns and
/// spaces elsewhere.
fn escape(s: &str, paragraphs: bool) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for (i, line) in s.trim().lines().enumerate() {
        if i > 0 {
            out.push_str(if paragraphs { " \\newline " } else { " " });
        }
        for ch in line.chars() {
            match ch {
                '\\' => out.push_str("\\textbackslash{}"),
                '&' | '%' | '$' | '#' | '_' | '{' | '}' => {
                    out.push('\\');
                    out.push(ch);
                }
                '~' => out.push_str("\\textasciitilde{}"),
                '^' => out.push_str("\\textasciicircum{}"),
                '<' => out.push_str("\\textless{}"),
                '>' => out.push_str("\\textgreater{}"),
                '|' => out.push_str("\\textbar{}"),
                c if c.is_control() => out.push(' '),
                c => out.push(c),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_special_character_is_escaped() {
        assert_eq!(
            escape(r"50% & $5 #1 a_b {x} ~ ^ \ < > |", false),
            r"50\% \& \$5 \#1 a\_b \{x\} \textasciitilde{} \textasciicircum{} \textbackslash{} \textless{} \textgreater{} \textbar{}"
        );
        assert_eq!(escape("Første\nlinje", true), "Første \\newline linje");
        assert_eq!(escape("Første\nlinje", false), "Første linje");
    }
}
