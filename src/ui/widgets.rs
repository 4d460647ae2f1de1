//! Small shared widgets. Each interactive one gets an accessible name.

use super::{Tokens, UiCommand, ViewCtx};
use crate::model::Colour;
use egui::{Response, Sense, Ui, Vec2};

/// A colour square for a code; `label` names it for screen readers and tests.
pub fn swatch(ui: &mut Ui, tokens: &Tokens, colour: Colour, size: f32) -> Response {
    let (rect, response) = ui.allocate_exact_size(Vec2::splat(size), Sense::hover());
    ui.painter().rect_filled(rect.shrink(1.0), 3.0, tokens.code(colour));
    response
}

/// A menu entry or button for a command: its label, its shortcut, its tooltip.
pub fn command_button(ui: &mut Ui, cx: &mut ViewCtx<'_>, command: UiCommand, enabled: bool) -> bool {
    let ctx = ui.ctx().clone();
    let button = egui::Button::new(command.label()).shortcut_text(command.shortcut_text(&ctx));
    let clicked = ui.add_enabled(enabled, button).on_hover_text(command.hover_text(&ctx)).clicked();
    if clicked {
        cx.command(command);
    }
    clicked
}

/// A frameless button showing a symbol, with its meaning as hover text and accessible name.
pub fn icon_button(ui: &mut Ui, icon: &str, name: &str) -> Response {
    let response = ui.add(egui::Button::new(icon).frame(false)).on_hover_text(name);
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, ui.is_enabled(), name));
    response
}

/// A thin bar showing how much of a document is coded.
pub fn coverage_bar(ui: &mut Ui, tokens: &Tokens, fraction: f32, width: f32) -> Response {
    let (rect, response) = ui.allocate_exact_size(Vec2::new(width, 6.0), Sense::hover());
    let p = ui.painter();
    p.rect_filled(rect, 2.0, tokens.weak_text.gamma_multiply(0.25));
    let mut filled = rect;
    filled.set_width(rect.width() * fraction.clamp(0.0, 1.0));
    p.rect_filled(filled, 2.0, tokens.ok);
    response
}

/// Names for the palette colours, for the recolour menu and screen readers.
pub use crate::model::PALETTE_NAMES;

/// Renders light Markdown (headings, bullets, **bold**) as labels.
pub fn markdown(ui: &mut Ui, text: &str) {
    for line in text.lines() {
        let trimmed = line.trim_start();
        if let Some(h) = trimmed.strip_prefix("# ").or_else(|| trimmed.strip_prefix("## ")) {
            ui.label(egui::RichText::new(h).strong().size(16.0));
        } else if let Some(item) = trimmed.strip_prefix("- ").or_else(|| trimmed.strip_prefix("* ")) {
            ui.horizontal_wrapped(|ui| {
                ui.label("•");
                inline(ui, item);
            });
        } else if trimmed.is_empty() {
            ui.add_space(4.0);
        } else {
            ui.horizontal_wrapped(|ui| inline(ui, line));
        }
    }
}

/// One line with `**bold**` parts.
fn inline(ui: &mut Ui, line: &str) {
    ui.spacing_mut().item_spacing.x = 0.0;
    for (i, part) in line.split("**").enumerate() {
        if part.is_empty() {
            continue;
        }
        if i % 2 == 1 {
            ui.label(egui::RichText::new(part).strong());
        } else {
            ui.label(part);
        }
    }
}

/// Every symbol the app's own words use, so a test can check the bundled fonts draw them.
pub const SYMBOLS: &str = "…✔⚠➕🔍⏶⏷⏵✖•“”‘’·—–";

/// What is dropped on `r` this frame, if it is a `T`. egui's `dnd_release_payload` takes the
/// payload whatever its type, so a drop target that asked for the wrong type first would
/// lose it: every drop target asks through this.
pub fn released<T: std::any::Any + Send + Sync>(r: &Response) -> Option<std::sync::Arc<T>> {
    r.dnd_hover_payload::<T>().is_some().then(|| r.dnd_release_payload::<T>()).flatten()
}

/// The frame of a form that opens inside a view (export, attribution, a new quote): the
/// panel's colour with a thin border, so its text fields — drawn in the page colour — show
/// as fields. (On the page colour itself they would vanish into the frame.)
pub fn form_frame(tokens: &Tokens) -> egui::Frame {
    egui::Frame::new()
        .fill(tokens.panel)
        .stroke(egui::Stroke::new(1.0, tokens.weak_text.gamma_multiply(0.45)))
        .inner_margin(10.0)
        .corner_radius(4.0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_fonts_draw_every_symbol_we_use() {
        let ctx = egui::Context::default();
        let mut out = ctx.run_ui(egui::RawInput::default(), |_| {});
        out.textures_delta.clear();
        let missing: String = super::SYMBOLS
            .chars()
            .filter(|c| !ctx.fonts_mut(|f| f.has_glyph(&egui::FontId::proportional(14.0), *c)))
            .collect();
        assert_eq!(missing, "", "no glyph for these");
    }
}
