//! The thematic map as SVG, written by hand from the positions `analysis::map` lays out,
//! and as PNG by rendering that SVG ([`crate::export::image::svg_to_png`]).

use super::escape::html;
use crate::analysis::map::{NodeKind, ThematicMap, label_width, status_colour};
use crate::model::ThemeStatus;
use std::fmt::Write as _;

/// The map as a standalone SVG document (white background, status colours, a legend).
pub fn svg(map: &ThematicMap, title: &str) -> String {
    let (left, top, width, height) = map.bounds(40.0);
    let legend_h = 36.0;
    let mut s = String::new();
    let _ = writeln!(s, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0}" height="{h:.0}" viewBox="{left:.1} {top:.1} {w:.1} {h:.1}" font-family="Ubuntu, 'Helvetica Neue', Arial, sans-serif">"#,
        w = width.ceil(),
        h = (height + legend_h).ceil(),
    );
    let _ = writeln!(s, "<title>{}</title>", html(title));
    let _ = writeln!(
        s,
        r##"<rect x="{left:.1}" y="{top:.1}" width="{width:.1}" height="{:.1}" fill="#ffffff"/>"##,
        height + legend_h
    );
    let _ = writeln!(s, r##"<g stroke="#8a8f96" stroke-width="1.5">"##);
    for (a, b) in &map.edges {
        if let (Some(a), Some(b)) = (map.nodes.get(*a), map.nodes.get(*b)) {
            let dash = if matches!(b.kind, NodeKind::Code { .. }) { r#" stroke-dasharray="4 3""# } else { "" };
            let _ = writeln!(s, r#"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}"{dash}/>"#, a.x, a.y, b.x, b.y);
        }
    }
    let _ = writeln!(s, "</g>");
    for n in &map.nodes {
        let (x, y) = (n.x - n.w / 2.0, n.y - n.h / 2.0);
        let size = n.font_size();
        match &n.kind {
            NodeKind::Theme { status, sub } => {
                let fill = status_colour(*status).to_hex();
                let weight = if *sub { "normal" } else { "bold" };
                let _ = writeln!(
                    s,
                    r##"<rect x="{x:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" rx="10" fill="{fill}" stroke="#333333" stroke-width="{}"/>"##,
                    n.w,
                    n.h,
                    if *sub { 1 } else { 2 }
                );
                let _ = writeln!(
                    s,
                    r##"<text x="{:.1}" y="{:.1}" font-size="{size}" font-weight="{weight}" text-anchor="middle" dominant-baseline="central" fill="#111111">{}</text>"##,
                    n.x,
                    n.y,
                    html(&n.label)
                );
            }
            NodeKind::Code { colour } => {
                let _ = writeln!(
                    s,
                    r##"<rect x="{x:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" rx="{:.1}" fill="#ffffff" stroke="{}" stroke-width="2"/>"##,
                    n.w,
                    n.h,
                    n.h / 2.0,
                    colour.to_hex()
                );
                let _ = writeln!(
                    s,
                    r##"<text x="{:.1}" y="{:.1}" font-size="{size}" text-anchor="middle" dominant-baseline="central" fill="#222222">{}</text>"##,
                    n.x,
                    n.y,
                    html(&n.label)
                );
            }
        }
    }
    // Legend: what the colours mean.
    let mut lx = left + 40.0;
    let ly = top + height + 8.0;
    for st in ThemeStatus::ALL {
        let _ = writeln!(
            s,
            r##"<rect x="{lx:.1}" y="{ly:.1}" width="18" height="18" rx="4" fill="{}" stroke="#333333"/>
<text x="{:.1}" y="{:.1}" font-size="13" dominant-baseline="central" fill="#222222">{}</text>"##,
            status_colour(st).to_hex(),
            lx + 24.0,
            ly + 9.0,
            st.label()
        );
        lx += 40.0 + label_width(st.label(), 13.0);
    }
    let _ = writeln!(s, "</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::image::svg_to_png;

    #[test]
    fn svg_is_escaped_and_renders_to_png() -> Result<(), Box<dyn std::error::Error>> {
        let p = crate::analysis::map::tests::project()?;
        let map = ThematicMap::build(&p, false);
        let svg = svg(&map, "Kart");
        assert!(svg.contains("&lt;Håp&gt;") && svg.contains("Møter &amp; makt"));
        // Three edges: main → subtheme → its two codes (the code the main theme shares with its
        // subtheme is drawn once, under the subtheme).
        assert_eq!(svg.matches("<line").count(), 3);
        // One box per node (4) plus the background and four legend swatches.
        assert_eq!(svg.matches("<rect").count(), 4 + 1 + 4);
        assert_eq!(svg.matches("Møter &amp; makt").count(), 1, "no code twice");
        let png = svg_to_png(&svg, 1.0)?;
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let (_, _, w, h) = map.bounds(40.0);
        let decoded = resvg::tiny_skia::Pixmap::decode_png(&png)?;
        assert_eq!((decoded.width(), decoded.height()), (w.ceil() as u32, (h + 36.0).ceil() as u32));
        // The labels were drawn with the bundled fonts: without its text the picture differs.
        let bare: String = svg.lines().filter(|l| !l.contains("<text")).collect::<Vec<_>>().join("\n");
        assert_ne!(svg_to_png(&bare, 1.0)?, png);
        Ok(())
    }
}
