//! Charts for the paper: theme prevalence by participant group, codes by group, and coding
//! progress by document — as a small view model ([`Chart`], which the app draws too) and as
//! SVG written by hand (PNG through [`crate::export::image::svg_to_png`], 300 dpi for print).
//!
//! Every chart is a horizontal grouped bar chart: one group of bars per row (theme, code or
//! document), one bar per series (participant group), each bar labelled with its figure.
//! The figures come from the triangulation matrix and the coverage the navigator shows, so
//! a chart always says what the table says. Series colours are the Okabe–Ito palette, told
//! apart by readers with any common colour-vision deficiency.

use super::escape::html;
use crate::analysis::coverage::coverage;
use crate::analysis::{AttributionIndex, Cell, ColumnKind, Matrix, MatrixOptions, RowSource};
use crate::model::Project;
use crate::model::{Named, Word, word};
use std::fmt::Write as _;

/// Which chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChartKind {
    /// Participants of each group whose words are coded under each theme, as a share of the
    /// group (n of N).
    ThemesByGroup,
    /// Coded extracts of each code per group (unattributed extracts as a series of their own).
    CodesByGroup,
    /// The share of each document's text that is coded.
    Progress,
}

impl ChartKind {
    pub const ALL: [ChartKind; 3] = [ChartKind::ThemesByGroup, ChartKind::CodesByGroup, ChartKind::Progress];

    pub fn label(self) -> &'static str {
        match self {
            ChartKind::ThemesByGroup => "Themes by participant group",
            ChartKind::CodesByGroup => "Codes by participant group",
            ChartKind::Progress => "Coding progress by document",
        }
    }
}

impl Named for ChartKind {
    const WHAT: &'static str = "chart";
    const WORDS: &'static [Word<Self>] = &[
        word(ChartKind::ThemesByGroup, "themes-by-group")
            .or(&["themes"])
            .about("Participants of each group coded under each theme (n of N, as a share of the group)"),
        word(ChartKind::CodesByGroup, "codes-by-group").or(&["codes"]).about("Coded extracts of each code per group"),
        word(ChartKind::Progress, "progress")
            .or(&["coding-progress"])
            .about("The share of each document's text that is coded"),
    ];
}

/// One bar: its length on the axis and the figure printed beside it.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    pub value: f64,
    pub label: String,
}

/// A row of the chart: a theme, code or document and its bars, one per series.
#[derive(Clone, Debug, PartialEq)]
pub struct Category {
    pub label: String,
    /// 0 for a main theme or top-level code, 1 below it...
    pub depth: usize,
    pub bars: Vec<Bar>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    pub kind: ChartKind,
    /// What the bars measure, under the axis.
    pub axis: String,
    /// The series' names (participant groups), in legend order.
    pub series: Vec<String>,
    pub categories: Vec<Category>,
    /// The axis runs from 0 to this.
    pub max: f64,
    /// Whether values are percentages (the axis ends at 100).
    pub percent: bool,
}

/// One category per row of a matrix, with a bar per column in `cols` made by `bar` from the
/// row's cell: the shape both matrix charts share, whatever they count.
fn matrix_categories(m: &Matrix, cols: &[usize], bar: impl Fn(&Cell) -> Bar) -> Vec<Category> {
    m.rows
        .iter()
        .map(|row| Category {
            label: row.label.clone(),
            depth: row.depth,
            bars: cols.iter().map(|&c| bar(&row.cells[c])).collect(),
        })
        .collect()
}

impl Chart {
    pub fn build(p: &Project, kind: ChartKind) -> Chart {
        Self::build_with(p, &AttributionIndex::build(p), kind)
    }

    /// Builds from an up-to-date attribution index (the app keeps one, refreshed per edited
    /// document, so a chart after an edit does not attribute every coding again).
    pub fn build_with(p: &Project, index: &AttributionIndex, kind: ChartKind) -> Chart {
        match kind {
            ChartKind::ThemesByGroup => {
                let options = MatrixOptions { rows: RowSource::Themes, ..MatrixOptions::default() };
                Chart::themes(&Matrix::build_with(p, index, &options))
            }
            ChartKind::CodesByGroup => {
                let options = MatrixOptions { rows: RowSource::Codes, ..MatrixOptions::default() };
                Chart::codes(&Matrix::build_with(p, index, &options))
            }
            ChartKind::Progress => Chart::progress(p),
        }
    }

    /// Participants n of N per group, from a themes × groups matrix; columns without
    /// participants (unattributed extracts) have no N and are left out.
    pub fn themes(m: &Matrix) -> Chart {
        let cols: Vec<usize> = (0..m.columns.len())
            .filter(|&i| m.columns[i].kind != ColumnKind::Unattributed && m.columns[i].total() > 0)
            .collect();
        let categories = matrix_categories(m, &cols, |cell| {
            let value = if cell.total > 0 { 100.0 * cell.n() as f64 / cell.total as f64 } else { 0.0 };
            Bar { value, label: cell.participants_label() }
        });
        Chart {
            kind: ChartKind::ThemesByGroup,
            axis: "Participants in the group (%), labelled n of N".into(),
            series: cols.iter().map(|&c| m.columns[c].label.clone()).collect(),
            categories,
            max: 100.0,
            percent: true,
        }
    }

    /// Coded extracts per code and group, from a codes × groups matrix.
    pub fn codes(m: &Matrix) -> Chart {
        let cols: Vec<usize> = (0..m.columns.len()).filter(|&i| m.columns[i].extracts > 0).collect();
        let categories = matrix_categories(m, &cols, |cell| {
            let n = cell.extracts.len();
            Bar { value: n as f64, label: n.to_string() }
        });
        let max = categories.iter().flat_map(|c| &c.bars).map(|b| b.value).fold(0.0, f64::max);
        Chart {
            kind: ChartKind::CodesByGroup,
            axis: "Coded extracts".into(),
            series: cols.iter().map(|&c| m.columns[c].label.clone()).collect(),
            categories,
            max: nice_max(max),
            percent: false,
        }
    }

    /// The coded share of each document's text.
    pub fn progress(p: &Project) -> Chart {
        let categories = p
            .documents
            .values()
            .map(|d| {
                let share = 100.0 * coverage(p, d.id, None) as f64;
                Category {
                    label: d.name().to_string(),
                    depth: 0,
                    bars: vec![Bar { value: share, label: format!("{share:.0}%") }],
                }
            })
            .collect();
        Chart {
            kind: ChartKind::Progress,
            axis: "Text coded (%)".into(),
            series: vec!["Coded".into()],
            categories,
            max: 100.0,
            percent: true,
        }
    }

    /// The axis ticks: 0, 25, 50, 75, 100 for percentages, else a round step.
    pub fn ticks(&self) -> Vec<f64> {
        let step = if self.percent { 25.0 } else { nice_step(self.max / 5.0) };
        let mut ticks = Vec::new();
        let mut t = 0.0;
        while t <= self.max + step * 1e-9 && ticks.len() < 50 {
            ticks.push(t);
            t += step;
        }
        ticks
    }
}

/// Okabe–Ito colours, darkest and most distinct first.
pub const PALETTE: [&str; 8] = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];

pub fn series_colour(i: usize) -> &'static str {
    PALETTE[i % PALETTE.len()]
}

/// A round step (1, 2 or 5 times a power of ten) at least `raw`.
fn nice_step(raw: f64) -> f64 {
    if raw <= 0.0 {
        return 1.0;
    }
    let power = 10f64.powf(raw.log10().floor());
    let f = raw / power;
    let nice = if f <= 1.0 {
        1.0
    } else if f <= 2.0 {
        2.0
    } else if f <= 5.0 {
        5.0
    } else {
        10.0
    };
    (nice * power).max(1.0)
}

/// The axis end for counts: the largest value rounded up to a whole step.
fn nice_max(max: f64) -> f64 {
    if max <= 0.0 {
        return 1.0;
    }
    let step = nice_step(max / 5.0);
    (max / step).ceil() * step
}

/// Sizes of the SVG, in CSS pixels (1/96 inch): 624 wide is a 6.5-inch text column.
pub const WIDTH: f64 = 624.0;
const FONT: f64 = 11.0;
const BAR: f64 = 11.0;
const GAP: f64 = 9.0;
const LINE: f64 = 13.0;
const MARGIN: f64 = 12.0;

/// A label's width in CSS pixels, estimated from its length (as the thematic map does).
fn text_width(s: &str, size: f64) -> f64 {
    s.chars().count() as f64 * size * 0.56
}

/// Words of `s` in lines no wider than `width`.
fn wrap(s: &str, width: f64, size: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in s.split_whitespace() {
        let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
        if !line.is_empty() && text_width(&candidate, size) > width {
            lines.push(std::mem::take(&mut line));
            line = word.to_string();
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Where each part of the chart goes (shared by the SVG and the tests).
pub struct Geometry {
    pub label_width: f64,
    pub plot_left: f64,
    pub plot_width: f64,
    pub height: f64,
}

impl Chart {
    pub fn geometry(&self) -> Geometry {
        let widest =
            self.categories.iter().map(|c| text_width(&c.label, FONT) + 10.0 * c.depth as f64).fold(60.0, f64::max);
        let label_width = widest.min(WIDTH * 0.38);
        let plot_left = MARGIN + label_width + 8.0;
        let plot_width = WIDTH - plot_left - MARGIN - 44.0;
        Geometry { label_width, plot_left, plot_width, height: 0.0 }
    }

    /// The bar's length in CSS pixels for a value.
    pub fn bar_length(&self, g: &Geometry, value: f64) -> f64 {
        if self.max > 0.0 { (value / self.max).clamp(0.0, 1.0) * g.plot_width } else { 0.0 }
    }
}

/// The chart as a standalone SVG document, `WIDTH` CSS pixels wide, white background; each
/// bar a `rect` with class `bar` and `data-value` holding its figure.
pub fn svg(chart: &Chart, title: &str) -> String {
    let g = chart.geometry();
    let legend_h = if chart.series.len() > 1 { LINE + 10.0 } else { 0.0 };
    let mut body = String::new();
    let mut y = MARGIN + legend_h;
    let n = chart.series.len().max(1) as f64;
    for c in &chart.categories {
        let lines = wrap(&c.label, g.label_width - 10.0 * c.depth as f64, FONT);
        let block = (n * BAR).max(lines.len() as f64 * LINE);
        let weight = if c.depth == 0 && chart.kind != ChartKind::Progress { "bold" } else { "normal" };
        let text_top = y + (block - lines.len() as f64 * LINE) / 2.0;
        for (i, line) in lines.iter().enumerate() {
            let _ = writeln!(
                body,
                r##"<text x="{:.1}" y="{:.1}" font-size="{FONT}" font-weight="{weight}" dominant-baseline="central" fill="#222222">{}</text>"##,
                MARGIN + 10.0 * c.depth as f64,
                text_top + LINE * (i as f64 + 0.5),
                html(line)
            );
        }
        let bars_top = y + (block - n * BAR) / 2.0;
        for (i, bar) in c.bars.iter().enumerate() {
            let len = chart.bar_length(&g, bar.value);
            let by = bars_top + i as f64 * BAR;
            let _ = writeln!(
                body,
                r##"<rect class="bar" x="{:.2}" y="{by:.2}" width="{len:.2}" height="{:.2}" fill="{}" data-value="{}"><title>{}</title></rect>"##,
                g.plot_left,
                BAR - 1.5,
                series_colour(i),
                html(&bar.label),
                html(&format!("{}: {}", chart.series.get(i).map(String::as_str).unwrap_or(""), bar.label))
            );
            let _ = writeln!(
                body,
                r##"<text x="{:.1}" y="{:.1}" font-size="8.5" dominant-baseline="central" fill="#333333">{}</text>"##,
                g.plot_left + len + 3.0,
                by + (BAR - 1.5) / 2.0,
                html(&bar.label)
            );
        }
        y += block + GAP;
    }
    let plot_bottom = y - GAP / 2.0;
    // Axis, ticks and the axis label.
    let mut axis = String::new();
    let _ = writeln!(
        axis,
        r##"<line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{plot_bottom:.1}" stroke="#444444" stroke-width="1"/>"##,
        MARGIN + legend_h,
        x = g.plot_left
    );
    let _ = writeln!(
        axis,
        r##"<line x1="{:.1}" y1="{plot_bottom:.1}" x2="{:.1}" y2="{plot_bottom:.1}" stroke="#444444" stroke-width="1"/>"##,
        g.plot_left,
        g.plot_left + g.plot_width
    );
    for t in chart.ticks() {
        let x = g.plot_left + chart.bar_length(&g, t);
        let label = if chart.percent { format!("{t:.0}%") } else { format!("{t:.0}") };
        let _ = writeln!(
            axis,
            r##"<line x1="{x:.1}" y1="{plot_bottom:.1}" x2="{x:.1}" y2="{:.1}" stroke="#444444"/><text x="{x:.1}" y="{:.1}" font-size="9" text-anchor="middle" fill="#333333">{label}</text>"##,
            plot_bottom + 4.0,
            plot_bottom + 14.0
        );
    }
    let _ = writeln!(
        axis,
        r##"<text x="{:.1}" y="{:.1}" font-size="10" text-anchor="middle" fill="#222222">{}</text>"##,
        g.plot_left + g.plot_width / 2.0,
        plot_bottom + 30.0,
        html(&chart.axis)
    );
    // Legend: one swatch per series.
    let mut legend = String::new();
    if chart.series.len() > 1 {
        let mut lx = g.plot_left;
        for (i, name) in chart.series.iter().enumerate() {
            let _ = writeln!(
                legend,
                r##"<rect x="{lx:.1}" y="{MARGIN:.1}" width="10" height="10" fill="{}"/><text x="{:.1}" y="{:.1}" font-size="10" dominant-baseline="central" fill="#222222">{}</text>"##,
                series_colour(i),
                lx + 14.0,
                MARGIN + 5.0,
                html(name)
            );
            lx += 14.0 + text_width(name, 10.0) + 16.0;
        }
    }
    let height = (plot_bottom + 30.0 + MARGIN).ceil();
    let mut s = String::new();
    let _ = writeln!(s, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH:.0}" height="{height:.0}" viewBox="0 0 {WIDTH:.0} {height:.0}" font-family="Ubuntu, 'Helvetica Neue', Arial, sans-serif">"#
    );
    let _ = writeln!(s, "<title>{}</title>", html(title));
    let _ = writeln!(s, r##"<rect x="0" y="0" width="{WIDTH:.0}" height="{height:.0}" fill="#ffffff"/>"##);
    s.push_str(&legend);
    s.push_str(&body);
    s.push_str(&axis);
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_are_round() {
        // 37 / 5 = 7.4 → 10; 3 / 5 = 0.6 → 1 (whole extracts); 120 / 5 = 24 → 50.
        assert_eq!(nice_step(7.4), 10.0);
        assert_eq!(nice_step(0.6), 1.0);
        assert_eq!(nice_step(24.0), 50.0);
        assert_eq!(nice_max(37.0), 40.0);
        assert_eq!(nice_max(0.0), 1.0);
    }

    #[test]
    fn labels_wrap_at_spaces_only() {
        let lines = wrap("Employment specialist collaboration", 80.0, 11.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.join(" "), "Employment specialist collaboration");
        // A word longer than the width stays whole on its own line.
        assert_eq!(wrap("Supercalifragilistic", 20.0, 11.0), ["Supercalifragilistic"]);
    }
}
