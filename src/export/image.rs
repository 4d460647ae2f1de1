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
    encode(&pixmap)
}

/// PNG bytes of a rendered picture. tiny-skia's own encoder compresses hard: for a 300-dpi
/// chart that took three quarters of the export (378 of 517 ms for a 1950 × 6429 picture);
/// the fast level writes the same pixels in a fraction of the time, a little larger.
fn encode(pixmap: &resvg::tiny_skia::Pixmap) -> Result<Vec<u8>, ExportError> {
    let fail = |e: png::EncodingError| ExportError::format("PNG", e);
    // PNG stores colour not multiplied by alpha; tiny-skia keeps it multiplied.
    let mut data = Vec::with_capacity(pixmap.data().len());
    for p in pixmap.pixels() {
        let c = p.demultiply();
        data.extend_from_slice(&[c.red(), c.green(), c.blue(), c.alpha()]);
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header().map_err(fail)?;
    writer.write_image_data(&data).map_err(fail)?;
    writer.finish().map_err(fail)?;
    Ok(out)
}
