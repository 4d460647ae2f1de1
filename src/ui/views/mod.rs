//! One file per view.

pub mod chart;
pub mod codebook;
pub mod document;
pub mod inspector;
pub mod map;
pub mod memos;
pub mod navigator;
pub mod phases;
pub mod pseudonyms;
pub mod quote_settings;
pub mod quotes;
pub mod retrieval;
pub mod review;
pub mod search;
pub mod team;
pub mod themes;
pub mod trail;
pub mod triangulation;

/// Writes a picture a view drew as SVG to the file typed in `typed` (its extension set to
/// `.png` or `.svg`, and shown back there), as PNG at `png_scale` when one is given, on a job;
/// the status line says where it went or why it could not. `what` names the picture in
/// messages ("the chart"). The chart and the thematic map export through this.
pub(crate) fn export_picture(
    cx: &mut crate::ui::ViewCtx<'_>,
    typed: &mut String,
    what: &'static str,
    svg: String,
    png_scale: Option<f32>,
) {
    use crate::ui::Action;
    let mut path = std::path::PathBuf::from(typed.trim());
    if path.file_name().is_none() {
        cx.push(Action::Status { text: format!("Type where to write {what} first"), error: true });
        return;
    }
    let format = if png_scale.is_some() { "png" } else { "svg" };
    path.set_extension(format);
    *typed = path.display().to_string();
    cx.push(Action::RunJob {
        name: format!("Export {what} as {}", format.to_uppercase()),
        work: Box::new(move |_progress| {
            let bytes = match png_scale {
                Some(scale) => crate::export::image::svg_to_png(&svg, scale),
                None => Ok(svg.into_bytes()),
            };
            let (text, error) = match bytes.and_then(|b| crate::export::write_export(&path, &b)) {
                Ok(()) => (format!("Wrote {what} to {}", path.display()), false),
                Err(e) => (format!("Could not write {what} to {}: {e}", path.display()), true),
            };
            vec![Action::Status { text, error }]
        }),
    });
}
