//! The thematic map: themes, subthemes and their codes as a graph the researcher arranges.
//! Drag a node to move it (one undoable edit when it is let go; the position is saved with
//! the theme), drag the background to pan, scroll with Ctrl to zoom. Colours show status.
//! Export writes the same map as SVG, or as PNG rendered from that SVG, on a worker thread.

use crate::analysis::map::{LayoutBox, NodeKey, NodeKind, ThematicMap, label_width, separate, status_colour};
use crate::edit::themes;
use crate::model::*;
use crate::ui::tokens::MIN_TEXT_SIZE;
use crate::ui::widgets::{edit_button, labelled_line};
use crate::ui::{Action, Item, View, ViewCtx, ViewKind};
use egui::{Align2, Color32, FontId, Pos2, Rect, RichText, Sense, Stroke, Ui, Vec2, pos2, vec2};

pub struct MapView {
    pub show_parked: bool,
    /// Screen offset of map point (0, 0) from the canvas's top left, and points per map unit;
    /// `None` until the map is fitted to the canvas.
    view: Option<(Vec2, f32)>,
    /// The node being dragged and how far it has moved, in map units.
    dragging: Option<(NodeKey, Vec2)>,
    pub export_path: String,
    /// The map for the codebook and themes it was laid out from (it shows nothing else, so
    /// coding does not lay it out again), shared so a frame copies nothing.
    cached: Option<((u64, u64, bool), std::rc::Rc<ThematicMap>)>,
}

impl Default for MapView {
    fn default() -> Self {
        let dir = dirs::document_dir().or_else(dirs::home_dir).unwrap_or_default();
        Self {
            show_parked: false,
            view: None,
            dragging: None,
            export_path: dir.join("thematic-map.svg").display().to_string(),
            cached: None,
        }
    }
}

impl MapView {
    fn map(&mut self, p: &Project) -> std::rc::Rc<ThematicMap> {
        let key = (p.revisions.codebook, p.revisions.themes, self.show_parked);
        match &self.cached {
            Some((k, m)) if *k == key => std::rc::Rc::clone(m),
            _ => {
                let m = std::rc::Rc::new(ThematicMap::build(p, self.show_parked));
                self.cached = Some((key, std::rc::Rc::clone(&m)));
                m
            }
        }
    }

    /// The whole map in the canvas, centred. Labels stay readable however far out this
    /// is: codes' labels are hidden below [`MIN_TEXT_SIZE`] rather than shrunk (hover or
    /// zoom in to read them) and themes' labels never shrink below it.
    /// The offset and zoom that show the whole map in `canvas`. Zoomed out, theme labels keep
    /// [`MIN_TEXT_SIZE`] and their boxes outgrow the layout's, so the zoom is refined a few
    /// times against the boxes' size on screen, not only the layout's bounds.
    fn fit(map: &ThematicMap, canvas: Rect) -> (Vec2, f32) {
        let margin = 30.0;
        let extent = |zoom: f32| {
            let (mut l, mut t, mut r, mut b) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
            for n in &map.nodes {
                let (mut w, mut h) = (n.w * zoom, n.h * zoom);
                if matches!(n.kind, NodeKind::Theme { .. }) {
                    let size = (n.font_size() * zoom).max(MIN_TEXT_SIZE);
                    w = w.max(label_width(&n.label, size));
                    h = h.max(size * 2.0);
                }
                l = l.min(n.x * zoom - w / 2.0);
                r = r.max(n.x * zoom + w / 2.0);
                t = t.min(n.y * zoom - h / 2.0);
                b = b.max(n.y * zoom + h / 2.0);
            }
            (l - margin, t - margin, r - l + 2.0 * margin, b - t + 2.0 * margin)
        };
        let (_, _, w, h) = map.bounds(margin);
        let mut zoom = (canvas.width() / w).min(canvas.height() / h).clamp(0.2, 1.2);
        for _ in 0..4 {
            let (_, _, sw, sh) = extent(zoom);
            let shrink = (canvas.width() / sw).min(canvas.height() / sh);
            if shrink >= 1.0 {
                break;
            }
            zoom = (zoom * shrink).clamp(0.2, 1.2);
        }
        let (l, t, sw, sh) = extent(zoom);
        let centred =
            |room: f32, size: f32, start: f32| if size <= room { (room - size) / 2.0 - start } else { -start };
        (vec2(centred(canvas.width(), sw, l), centred(canvas.height(), sh, t)), zoom)
    }

    fn toolbar(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, map: &ThematicMap) {
        ui.horizontal_wrapped(|ui| {
            if ui.checkbox(&mut self.show_parked, "Show parked themes").changed() {
                self.view = None;
            }
            if ui.button("Fit to window").on_hover_text("Show the whole map").clicked() {
                self.view = None;
            }
            edit_button(
                ui,
                cx,
                egui::Button::new("Keep this layout"),
                "Save the automatic positions of nodes you have not moved, so they stay put",
                themes::keep_map_layout(map),
            );
            if edit_button(
                ui,
                cx,
                egui::Button::new("Reset layout"),
                "Forget every saved position and lay the map out again (undo brings them back)",
                themes::reset_map_layout(map),
            ) {
                self.view = None;
            }
            ui.separator();
            labelled_line(ui, "Export to", &mut self.export_path, "", 260.0);
            // Nothing to draw, nothing to export.
            let some = !map.nodes.is_empty();
            let why = "Nothing to export yet: the map has no themes";
            let svg = ui.add_enabled(some, egui::Button::new("Export SVG"));
            if svg.on_hover_text("Write the map as an SVG drawing").on_disabled_hover_text(why).clicked() {
                self.export(cx, map, false);
            }
            let png = ui.add_enabled(some, egui::Button::new("Export PNG"));
            if png.on_hover_text("Write the map as a PNG picture (2× resolution)").on_disabled_hover_text(why).clicked()
            {
                self.export(cx, map, true);
            }
        });
        ui.horizontal(|ui| {
            for s in ThemeStatus::ALL {
                let (rect, _) = ui.allocate_exact_size(vec2(12.0, 12.0), Sense::hover());
                ui.painter().rect_filled(rect, 3.0, colour(status_colour(s)));
                ui.label(RichText::new(s.label()).small());
                ui.add_space(6.0);
            }
            ui.label(
                RichText::new("Drag nodes to arrange them · drag the background to pan · Ctrl+scroll to zoom")
                    .small()
                    .color(cx.tokens.weak_text),
            );
        });
    }

    fn export(&mut self, cx: &mut ViewCtx<'_>, map: &ThematicMap, png: bool) {
        let svg = crate::export::map::svg(map, &cx.project.settings.name);
        super::export_picture(cx, &mut self.export_path, "the thematic map", svg, png.then_some(2.0));
    }

    fn canvas(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, map: &ThematicMap) {
        let tk = cx.tokens;
        let (canvas, background) = ui.allocate_exact_size(ui.available_size(), Sense::click_and_drag());
        let painter = ui.painter_at(canvas);
        painter.rect_filled(canvas, 4.0, tk.page);
        if map.nodes.is_empty() {
            painter.text(
                canvas.center(),
                Align2::CENTER_CENTER,
                "No themes to map yet: create themes on the board.",
                FontId::proportional(15.0),
                tk.weak_text,
            );
            return;
        }
        let (mut offset, mut zoom) = *self.view.get_or_insert_with(|| Self::fit(map, canvas));
        if background.dragged() {
            offset += background.drag_delta();
        }
        if background.contains_pointer() {
            let (scroll, ctrl, pointer) =
                ui.input(|i| (i.smooth_scroll_delta.y, i.modifiers.command, i.pointer.hover_pos()));
            if ctrl
                && scroll != 0.0
                && let Some(at) = pointer
            {
                let new_zoom = (zoom * (1.0 + scroll * 0.002)).clamp(0.2, 3.0);
                // Keep the map point under the pointer where it is.
                let local = at - canvas.min;
                offset = local - (local - offset) * (new_zoom / zoom);
                zoom = new_zoom;
            }
        }
        self.view = Some((offset, zoom));
        let screen = |x: f32, y: f32| canvas.min + offset + vec2(x, y) * zoom;
        let moved = |key: NodeKey| match self.dragging {
            Some((k, d)) if k == key => d,
            _ => Vec2::ZERO,
        };
        let mut centre: Vec<Pos2> = map
            .nodes
            .iter()
            .map(|n| {
                let d = moved(n.key);
                screen(n.x + d.x, n.y + d.y)
            })
            .collect();
        // Theme labels keep a readable size when the map is zoomed out, so their boxes grow
        // past the layout's; then the boxes are kept apart on screen too (for drawing only:
        // the saved positions do not change), so no label lies over another box.
        let ink = INK;
        let galleys: Vec<Option<std::sync::Arc<egui::Galley>>> = map
            .nodes
            .iter()
            .map(|n| match n.kind {
                NodeKind::Theme { .. } => {
                    let font = FontId::proportional((n.font_size() * zoom).max(MIN_TEXT_SIZE));
                    Some(painter.layout_no_wrap(n.label.clone(), font, ink))
                }
                NodeKind::Code { .. } => None,
            })
            .collect();
        let sizes: Vec<Vec2> = map
            .nodes
            .iter()
            .zip(&galleys)
            .map(|(n, g)| {
                let scaled = vec2(n.w, n.h) * zoom;
                g.as_ref().map_or(scaled, |g| scaled.max(g.size() + vec2(14.0, 8.0)))
            })
            .collect();
        if sizes.iter().zip(&map.nodes).any(|(s, n)| s.x > n.w * zoom + 0.5 || s.y > n.h * zoom + 0.5) {
            let mut boxes: Vec<LayoutBox> = map
                .nodes
                .iter()
                .enumerate()
                .map(|(i, n)| LayoutBox {
                    x: centre[i].x,
                    y: centre[i].y,
                    w: sizes[i].x,
                    h: sizes[i].y,
                    fixed: matches!(n.kind, NodeKind::Theme { sub: false, .. })
                        || self.dragging.is_some_and(|(k, _)| k == n.key),
                })
                .collect();
            separate(&mut boxes, 4.0);
            for (c, b) in centre.iter_mut().zip(&boxes) {
                *c = pos2(b.x, b.y);
            }
        }
        for (a, b) in &map.edges {
            if let (Some(pa), Some(pb)) = (centre.get(*a), centre.get(*b)) {
                painter.line_segment([*pa, *pb], Stroke::new(1.2, tk.weak_text.gamma_multiply(0.7)));
            }
        }
        let mut released: Option<(NodeKey, MapPos)> = None;
        // Codes first, themes over them: a theme's label is what the map is read by.
        let order = map
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| matches!(n.kind, NodeKind::Code { .. }))
            .chain(map.nodes.iter().enumerate().filter(|(_, n)| matches!(n.kind, NodeKind::Theme { .. })));
        for (i, n) in order {
            let c = centre[i];
            let rect = Rect::from_center_size(c, sizes[i]);
            let id = egui::Id::unique(("map-node", n.key));
            let r = ui.interact(rect, id, Sense::click_and_drag());
            let label = match n.kind {
                NodeKind::Theme { .. } => format!("Map node theme {}", n.label),
                NodeKind::Code { .. } => format!("Map node code {}", n.label),
            };
            r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label));
            if r.dragged() && !cx.read_only {
                let d = self.dragging.filter(|(k, _)| *k == n.key).map_or(Vec2::ZERO, |(_, d)| d);
                self.dragging = Some((n.key, d + r.drag_delta() / zoom));
            }
            if r.drag_stopped()
                && let Some((k, d)) = self.dragging.take()
                && k == n.key
            {
                released = Some((k, themes::map_pos(n.x + d.x, n.y + d.y)));
            }
            if r.clicked()
                && let NodeKey::Theme(t) = n.key
            {
                cx.push(Action::Select(Some(Item::Theme(t))));
            }
            if r.double_clicked() {
                match n.key {
                    NodeKey::Theme(t) => {
                        cx.push(Action::Select(Some(Item::Theme(t))));
                        cx.push(Action::ShowView(ViewKind::Themes));
                    }
                    NodeKey::Code { code, .. } => cx.push(Action::Retrieve(code)),
                }
            }
            let selected = matches!(n.key, NodeKey::Theme(t) if cx.selection.item == Some(Item::Theme(t)));
            let size = n.font_size() * zoom;
            let font = FontId::proportional(size.max(MIN_TEXT_SIZE));
            match &n.kind {
                NodeKind::Theme { status, sub } => {
                    let fill = theme_fill(*status, tk.dark);
                    let width = if selected {
                        3.0
                    } else if *sub {
                        1.0
                    } else {
                        2.0
                    };
                    // The label keeps a readable size when the map is zoomed out, so the box
                    // (`sizes`) grows to hold it: dark text never spills onto the page.
                    let Some(galley) = galleys[i].clone() else { continue };
                    let boxed = rect;
                    painter.rect(
                        boxed,
                        10.0 * zoom,
                        fill,
                        Stroke::new(width, Color32::from_gray(0x33)),
                        egui::StrokeKind::Inside,
                    );
                    painter.galley(c - galley.size() / 2.0, galley, ink);
                }
                NodeKind::Code { colour: col } => {
                    painter.rect(
                        rect,
                        rect.height() / 2.0,
                        tk.page,
                        Stroke::new(2.0, colour(*col)),
                        egui::StrokeKind::Inside,
                    );
                    if size >= MIN_TEXT_SIZE {
                        painter.text(c, Align2::CENTER_CENTER, &n.label, font, tk.text);
                    } else if r.hovered() {
                        r.clone().on_hover_text(&n.label);
                    }
                }
            }
            if r.hovered() || r.dragged() {
                ui.ctx().set_cursor_icon(if r.dragged() { egui::CursorIcon::Grabbing } else { egui::CursorIcon::Grab });
            }
        }
        if let Some((key, pos)) = released {
            cx.edit(themes::map_position(key, Some(pos)));
        }
    }
}

/// The ink of a theme's label, on its status colour's box.
const INK: Color32 = Color32::from_gray(0x11);

/// A theme box's fill: its status colour, dimmed a little in dark mode.
fn theme_fill(status: ThemeStatus, dark: bool) -> Color32 {
    let fill = colour(status_colour(status));
    if dark { fill.gamma_multiply(0.8) } else { fill }
}

fn colour(c: Colour) -> Color32 {
    Color32::from_rgb(c.r, c.g, c.b)
}

impl View for MapView {
    fn kind(&self) -> ViewKind {
        ViewKind::ThemeMap
    }

    fn needs_documents(&self) -> bool {
        true
    }

    fn ui(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui) {
        let map = self.map(cx.project);
        self.toolbar(cx, ui, &map);
        ui.add_space(4.0);
        self.canvas(cx, ui, &map);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::tokens::contrast;

    #[test]
    fn theme_labels_read_on_every_status_box_in_both_modes() {
        for dark in [false, true] {
            for status in [ThemeStatus::Candidate, ThemeStatus::Reviewed, ThemeStatus::Final, ThemeStatus::Parked] {
                let c = contrast(INK, theme_fill(status, dark));
                assert!(c >= 4.5, "{status:?} dark={dark}: {c:.2}:1");
            }
        }
    }
}
