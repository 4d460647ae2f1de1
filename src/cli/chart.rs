//! `chart`: theme prevalence by group, codes by group or coding progress, as SVG or PNG.

use super::basic::open_for_reading;
use crate::export::chart::{self, Chart, ChartKind};
use crate::export::image::svg_to_png;
use anyhow::{Context, Result, bail};
use std::path::Path;

pub fn chart(dir: &Path, kind: ChartKind, output: &Path, dpi: f32) -> Result<()> {
    let png = match output.extension().map(|e| e.to_string_lossy().to_lowercase()).as_deref() {
        Some("svg") => false,
        Some("png") => true,
        _ => bail!("give the chart a file name ending in .svg or .png, not {}", output.display()),
    };
    if !(24.0..=2400.0).contains(&dpi) {
        bail!("--dpi must be between 24 and 2400, not {dpi}");
    }
    crate::export::check_target(output)?;
    let store = open_for_reading(dir)?;
    let p = store.project();
    let c = Chart::build(p, kind);
    if c.categories.is_empty() {
        bail!(
            "nothing to chart: the project has no {}",
            if kind == ChartKind::Progress { "documents" } else { "rows for this chart" }
        );
    }
    let svg = chart::svg(&c, &format!("{}: {}", p.settings.name, kind.label()));
    let bytes = if png { svg_to_png(&svg, dpi / 96.0)? } else { svg.into_bytes() };
    crate::export::write_export(output, &bytes).with_context(|| format!("cannot write {}", output.display()))?;
    eprintln!(
        "Wrote the chart of {} ({} rows) to {}",
        kind.label().to_lowercase(),
        c.categories.len(),
        output.display()
    );
    Ok(())
}
