//! SVG to PNG for every picture Tema exports (the thematic map, charts): rendered with resvg
//! and the fonts egui ships, so the output does not depend on the system's fonts.

use super::ExportError;

/// Pixels per SVG unit for print: SVG units are CSS pixels (1/96 inch), so 300 dpi is
/// 300/96 pixels per unit.
pub const PRINT_SCALE: f32 = 300.0 / 96.0;

/// Renders an SVG to PNG bytes at `scale` pixels per SVG unit.
pub fn svg_to_png(svg: &str, scale: f32) -> Result<Vec<u8>, ExportError> {
    let mut options = resvg::usvg::Options::default();
    {
        let db = options.fontdb_mut();
        db.load_font_data(epaint_default_fonts::UBUNTU_LIGHT.to_vec());
        db.load_font_data(epaint_default_fonts::NOTO_EMOJI_REGULAR.to_vec());
        db.load_font_data(epaint_default_fonts::HACK_REGULAR.to_vec());
        db.set_sans_serif_family("Ubuntu");
    }
    let tree = resvg::usvg::Tree::from_str(svg, &options)
        .map_err(|e| ExportError::format("PNG", format!("the SVG could not be read back: {e}")))?;
    let size = tree.size();
    let width = (size.width() * scale).ceil() as u32;
    let height = (size.height() * scale).ceil() as u32;
    let mut pixmap = resvg::tiny_skia::Pixmap::new(width.max(1), height.max(1))
        .filter(|_| (width as u64) * (height as u64) <= 200_000_000)
        .ok_or_else(|| {
            ExportError::format("PNG", format!("the picture is too large to draw ({width} × {height} pixels)"))
        })?;
    resvg::render(&tree, resvg::tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| ExportError::format("PNG", e))
}
