//! LaTeX: a booktabs table (`\toprule`, `\midrule`, `\bottomrule`) in a `table` float with
//! its caption, as a `tabularx` whose columns are sized from the content ([`super::Layout`]:
//! each `X` column's `\hsize` is its share of the line); turned with `landscape` (pdflscape)
//! when it needs the width. Words are never hyphenated inside the table, so a header breaks
//! only at spaces. Subthemes are indented with `\quad`; notes follow the table. Emoji print
//! under pdfLaTeX as "[emoji]" through the same `\temaemoji` as the quotes export.

use super::{Page, TableText};
use crate::export::escape::{latex, latex_emoji_declarations, latex_lines};
use crate::export::metrics::Faces;

/// The line width of an article page (345 pt) and of the same page turned (about 550 pt).
const PORTRAIT: f64 = 345.0;
const LANDSCAPE: f64 = 550.0;
/// LaTeX's `\tabcolsep` on each side of a column.
const TABCOLSEP: f64 = 6.0;

pub(super) fn render(t: &TableText) -> String {
    // 10 pt Latin Modern; main themes bold, subthemes indented by a \quad (1 em).
    let page = Page {
        portrait: PORTRAIT,
        landscape: LANDSCAPE,
        size: 10.0,
        header: Faces::LATEX,
        body: Faces::LATEX,
        bold: Faces::LATEX_BOLD,
        pad: 2.0 * TABCOLSEP + 1.0,
        indent: 10.0,
    };
    let layout = t.layout(&page);
    // tabularx shares the line, less every column's \tabcolsep, among the X columns by their
    // \hsize factors (which add up to the number of columns): each column's text gets its
    // width less its own \tabcolsep.
    let line = if layout.landscape { LANDSCAPE } else { PORTRAIT };
    let n = layout.shares.len() as f64;
    let average = (line - 2.0 * TABCOLSEP * n) / n;
    let mut spec = String::new();
    for (i, share) in layout.shares.iter().enumerate() {
        let align = if i > 0 && t.numeric { "\\raggedleft" } else { "\\raggedright" };
        let factor = ((share * line - 2.0 * TABCOLSEP) / average).max(0.05);
        spec.push_str(&format!(">{{{align}\\arraybackslash\\hsize={factor:.3}\\hsize}}X"));
    }
    let separator = if t.prose { " \\newline " } else { " " };
    let mut body = String::new();
    if layout.landscape {
        body.push_str("\\begin{landscape}\n");
    }
    body.push_str("\\begin{table}[htbp]\n  \\centering\n");
    body.push_str(&format!("  \\caption{{{}}}\n", latex(&t.caption)));
    body.push_str("  {\\hyphenpenalty=10000 \\exhyphenpenalty=10000\n");
    body.push_str(&format!("  \\begin{{tabularx}}{{\\linewidth}}{{{spec}}}\n"));
    body.push_str("    \\toprule\n");
    let header: Vec<String> = std::iter::once(&t.corner).chain(&t.columns).map(|s| latex_lines(s, " ")).collect();
    body.push_str(&format!("    {} \\\\\n", header.join(" & ")));
    body.push_str("    \\midrule\n");
    for row in &t.rows {
        let label = latex_lines(&row.label, separator);
        let label = if t.hierarchical && row.depth == 0 {
            format!("\\textbf{{{label}}}")
        } else {
            format!("{}{label}", "\\quad ".repeat(row.depth))
        };
        let cells: Vec<String> =
            std::iter::once(label).chain(row.cells.iter().map(|c| latex_lines(c, separator))).collect();
        body.push_str(&format!("    {} \\\\\n", cells.join(" & ")));
    }
    body.push_str("    \\bottomrule\n  \\end{tabularx}}\n");
    for note in &t.notes {
        body.push_str(&format!("  \\par\\smallskip{{\\footnotesize \\emph{{Note.}} {}}}\n", latex(note)));
    }
    body.push_str("\\end{table}\n");
    if layout.landscape {
        body.push_str("\\end{landscape}\n");
    }
    let mut out = String::from(
        "% Made by Tema. Needs \\usepackage{booktabs,tabularx} in the preamble (and pdflscape for a\n\
         % landscape table).\n",
    );
    out.push_str(&latex_emoji_declarations(&body));
    out.push_str(&body);
    out
}
