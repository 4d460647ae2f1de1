//! Charts for the paper: the SVG parses (usvg), the PNG has the pixel size asked for, and
//! each bar says — and is as long as — what the triangulation table says.

mod common;
#[path = "common/sample.rs"]
mod sample;

use std::process::Command;
use tema::analysis::{ColumnKind, Matrix, MatrixOptions, RowSource};
use tema::export::chart::{self, Chart, ChartKind};
use tema::export::image::svg_to_png;
use tema::model::Project;
use tema::store::Store;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// The built sample study, read into memory (its scratch folder is gone when this returns).
fn sample_project() -> Result<Project, Box<dyn std::error::Error>> {
    let (_tmp, dir) = sample::built_sample()?;
    let store = Store::open_read_only(&dir)?;
    Ok(store.project().clone())
}

/// The bars of an SVG chart as (length, figure), read back from the file.
fn bars(svg: &str) -> Vec<(f64, String)> {
    svg.lines()
        .filter(|l| l.starts_with("<rect class=\"bar\""))
        .map(|l| {
            let attr = |name: &str| {
                let start = l.find(&format!(" {name}=\"")).map(|i| i + name.len() + 3).unwrap_or(0);
                l[start..].split('"').next().unwrap_or("").to_string()
            };
            (attr("width").parse().unwrap_or(f64::NAN), attr("data-value"))
        })
        .collect()
}

#[test]
fn themes_by_group_bars_are_the_tables_n_of_n() -> TestResult {
    let p = sample_project()?;
    let m = Matrix::build(&p, &MatrixOptions { rows: RowSource::Themes, ..MatrixOptions::default() });
    let c = Chart::build(&p, ChartKind::ThemesByGroup);
    // The series are the groups with participants, in the table's order.
    let groups: Vec<&str> = m
        .columns
        .iter()
        .filter(|c| c.kind != ColumnKind::Unattributed && c.total() > 0)
        .map(|c| c.label.as_str())
        .collect();
    assert_eq!(c.series, groups);
    assert!(groups.len() >= 2, "the sample has several groups: {groups:?}");
    let svg = chart::svg(&c, "Themes");
    let read = bars(&svg);
    let g = c.geometry();
    let mut i = 0;
    for row in &m.rows {
        for col in m.columns.iter().enumerate().filter(|(_, c)| groups.contains(&c.label.as_str())) {
            let cell = &row.cells[col.0];
            // The figure is the table's "n of N"; the length is n / N of the plot's width.
            let (width, label) = &read[i];
            assert_eq!(label, &format!("{} of {}", cell.n(), cell.total), "{} / {}", row.label, col.1.label);
            let expected = g.plot_width * cell.n() as f64 / cell.total as f64;
            assert!((width - expected).abs() < 0.01, "{}: {width} against {expected}", row.label);
            i += 1;
        }
    }
    assert_eq!(i, read.len());
    // It parses as SVG.
    resvg::usvg::Tree::from_str(&svg, &resvg::usvg::Options::default())?;
    Ok(())
}

#[test]
fn codes_by_group_and_progress_say_what_the_project_says() -> TestResult {
    let p = sample_project()?;
    let m = Matrix::build(&p, &MatrixOptions { rows: RowSource::Codes, ..MatrixOptions::default() });
    let c = Chart::build(&p, ChartKind::CodesByGroup);
    assert_eq!(c.categories.len(), m.rows.len());
    for (row, cat) in m.rows.iter().zip(&c.categories) {
        let shown: Vec<usize> = cat.bars.iter().map(|b| b.value as usize).collect();
        let table: Vec<usize> = row
            .cells
            .iter()
            .zip(&m.columns)
            .filter(|(_, col)| col.extracts > 0)
            .map(|(cell, _)| cell.extracts.len())
            .collect();
        assert_eq!(shown, table, "{}", row.label);
    }
    // The axis ends on a round number at or above the largest bar.
    let largest = c.categories.iter().flat_map(|x| &x.bars).map(|b| b.value).fold(0.0, f64::max);
    assert!(c.max >= largest && c.ticks().last() == Some(&c.max), "{} {:?}", c.max, c.ticks());

    let progress = Chart::build(&p, ChartKind::Progress);
    assert_eq!(progress.categories.len(), p.documents.len());
    for (d, cat) in p.documents.values().zip(&progress.categories) {
        let share = 100.0 * tema::analysis::coverage::coverage(&p, d.id, None) as f64;
        assert_eq!(cat.label, d.name());
        assert_eq!(cat.bars[0].label, format!("{share:.0}%"));
    }
    resvg::usvg::Tree::from_str(&chart::svg(&progress, "Progress"), &resvg::usvg::Options::default())?;
    Ok(())
}

#[test]
fn png_at_300_dpi_has_the_pixel_size_asked_for() -> TestResult {
    let p = sample_project()?;
    let svg = chart::svg(&Chart::build(&p, ChartKind::ThemesByGroup), "Themes");
    let tree = resvg::usvg::Tree::from_str(&svg, &resvg::usvg::Options::default())?;
    // 624 CSS pixels are 6.5 inches: 1950 pixels at 300 dpi.
    assert_eq!(tree.size().width(), 624.0);
    let png = svg_to_png(&svg, 300.0 / 96.0)?;
    let image = resvg::tiny_skia::Pixmap::decode_png(&png)?;
    assert_eq!(image.width(), 1950);
    assert_eq!(image.height(), (tree.size().height() * 300.0 / 96.0).ceil() as u32);
    Ok(())
}

#[test]
fn cli_writes_svg_and_png_and_refuses_the_project_folder() -> TestResult {
    let (dir, project) = sample::built_sample()?;
    let tema = |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_tema")).args(args).output();
    let svg = dir.path().join("themes.svg");
    let out = tema(&["chart", &project.to_string_lossy(), "--kind", "themes-by-group", "-o", &svg.to_string_lossy()])?;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    resvg::usvg::Tree::from_str(&std::fs::read_to_string(&svg)?, &resvg::usvg::Options::default())?;
    let png = dir.path().join("progress.png");
    let out = tema(&[
        "chart",
        &project.to_string_lossy(),
        "--kind",
        "progress",
        "--dpi",
        "150",
        "-o",
        &png.to_string_lossy(),
    ])?;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let image = resvg::tiny_skia::Pixmap::decode_png(&std::fs::read(&png)?)?;
    // 624 CSS pixels at 150 dpi: 975 pixels.
    assert_eq!(image.width(), 975);
    let inside = project.join("chart.svg");
    let out = tema(&["chart", &project.to_string_lossy(), "-o", &inside.to_string_lossy()])?;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("inside the project folder"));
    assert!(!inside.exists());
    Ok(())
}

/// The Triangulation view's Chart tab, as a researcher opens it: each row of bars says, to a
/// screen reader and to this test, the figures the table holds.
#[test]
fn the_app_shows_the_chart_in_the_triangulation_view() -> TestResult {
    use egui_kittest::kittest::Queryable;
    use tema::ui::startup::Places;
    let (_tmp, dir) = sample::built_sample()?;
    let mut h = common::app_on(Some(&dir), "Tester", Places::default(), (1600.0, 1000.0));
    h.run();
    let p = h.state().project().ok_or("the sample opened")?.clone();
    let m = Matrix::build(&p, &MatrixOptions::default());
    let row = m.rows.iter().position(|r| r.label == "Money as a brake").ok_or("the sample has this theme")?;
    let groups: Vec<String> = m
        .columns
        .iter()
        .zip(&m.rows[row].cells)
        .filter(|(c, _)| c.kind != ColumnKind::Unattributed && c.total() > 0)
        .map(|(c, cell)| format!("{}: {}", c.label, cell.participants_label()))
        .collect();
    common::click_all(&mut h, &["Triangulation", "Chart"]);
    h.get_by_label(&format!("Money as a brake: {}", groups.join(", ")));
    h.get_by_label("Export PNG");
    Ok(())
}
