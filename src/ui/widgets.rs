//! Small shared widgets. Each interactive one gets an accessible name.

use super::{Tokens, UiCommand, ViewCtx};
use crate::model::Colour;
use egui::{Rect, Response, Sense, Ui, Vec2};

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

/// A button that applies a planned edit: disabled when the planner found nothing to do or the
/// project is read-only. Returns whether it was clicked (and the edit queued).
pub fn edit_button(
    ui: &mut Ui,
    cx: &mut ViewCtx<'_>,
    button: egui::Button<'_>,
    hover: &str,
    edit: Option<crate::edit::Edit>,
) -> bool {
    let clicked = ui.add_enabled(!cx.read_only && edit.is_some(), button).on_hover_text(hover).clicked();
    match edit {
        Some(edit) if clicked => {
            cx.edit(edit);
            true
        }
        _ => false,
    }
}

/// A drop-down labelled `label` for one of `options`, each shown as `text` names it: the
/// export panels' kinds and formats, the coding scope of "Code all hits", a new project's
/// language.
pub fn choice<T: Copy + PartialEq, S: Into<egui::WidgetText>>(
    ui: &mut Ui,
    id: &str,
    label: &str,
    value: &mut T,
    options: &[T],
    text: impl Fn(T) -> S,
) -> Response {
    let l = ui.label(label);
    egui::ComboBox::from_id_salt(id)
        .selected_text(text(*value))
        .show_ui(ui, |ui| {
            for &option in options {
                ui.selectable_value(value, option, text(option));
            }
        })
        .response
        .labelled_by(l.id)
}

/// A drop-down labelled `label` for an optional choice among `options` (each with the text it
/// shows), `none` naming the choice of none ("All documents"). The search filters and the
/// import dialog's document kind are these.
pub fn optional_choice<T: Clone + PartialEq>(
    ui: &mut Ui,
    id: &str,
    label: &str,
    value: &mut Option<T>,
    none: &str,
    options: &[(T, String)],
) -> Response {
    let l = ui.label(label);
    let shown = value.as_ref().and_then(|v| options.iter().find(|(o, _)| o == v)).map_or(none, |(_, text)| text);
    egui::ComboBox::from_id_salt(id)
        .selected_text(shown)
        .show_ui(ui, |ui| {
            ui.selectable_value(value, None, none);
            for (option, text) in options {
                ui.selectable_value(value, Some(option.clone()), text);
            }
        })
        .response
        .labelled_by(l.id)
}

/// The document kinds as [`optional_choice`] offers them.
pub fn kind_options() -> Vec<(crate::model::DocKind, String)> {
    crate::model::DocKind::ALL.iter().map(|k| (*k, k.label().to_string())).collect()
}

/// One line of text runs in one font, each in its own colour, some on a highlight: an
/// extract in its context (retrieval), a search hit after its speaker (search).
pub struct Runs {
    job: egui::text::LayoutJob,
    font: egui::FontId,
}

impl Runs {
    pub fn new(size: f32) -> Runs {
        Runs { job: egui::text::LayoutJob::default(), font: egui::FontId::proportional(size) }
    }

    pub fn text(&mut self, text: &str, colour: egui::Color32) {
        self.marked(text, colour, egui::Color32::TRANSPARENT);
    }

    /// A run on a `background` highlight.
    pub fn marked(&mut self, text: &str, colour: egui::Color32, background: egui::Color32) {
        let format = egui::TextFormat { font_id: self.font.clone(), color: colour, background, ..Default::default() };
        self.job.append(text, 0.0, format);
    }

    pub fn job(self) -> egui::text::LayoutJob {
        self.job
    }
}

/// A frameless button showing a symbol, with its meaning as hover text and accessible name.
pub fn icon_button(ui: &mut Ui, icon: &str, name: &str) -> Response {
    let response = ui.add(egui::Button::new(icon).frame(false)).on_hover_text(name);
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, ui.is_enabled(), name));
    response
}

/// Where a part of a [`FrozenTable`] goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TablePart {
    /// The top-left corner, above the row heads and left of the column heads.
    Corner,
    ColumnHead(usize),
    RowHead(usize),
    /// A body cell: (row, column).
    Cell(usize, usize),
}

/// A table whose column heads and row heads stay in view while its body scrolls both ways,
/// as a spreadsheet's frozen first row and column do: a matrix wider and taller than the
/// window stays readable, since every cell on screen has its row and column named beside it.
pub struct FrozenTable {
    pub row_head_width: f32,
    pub column_head_height: f32,
    pub column_widths: Vec<f32>,
    pub row_height: f32,
    pub rows: usize,
    pub gap: f32,
}

impl FrozenTable {
    /// The whole table's size, heads included.
    pub fn size(&self) -> Vec2 {
        let width = self.row_head_width + self.column_widths.iter().map(|w| w + self.gap).sum::<f32>() + self.gap;
        let height = self.column_head_height + self.gap + self.rows as f32 * (self.row_height + self.gap);
        Vec2::new(width, height)
    }

    /// Draws the table in a scroll area; `add` draws one part into a `Ui` laid over its place.
    /// Every part is drawn (a screen reader reads the whole table), each clipped to its zone,
    /// so the body never shows, nor takes clicks, under the heads.
    pub fn show(&self, ui: &mut Ui, id_salt: &str, mut add: impl FnMut(&mut Ui, TablePart)) {
        let gap = self.gap;
        let mut xs = Vec::with_capacity(self.column_widths.len());
        let mut x = self.row_head_width + gap;
        for w in &self.column_widths {
            xs.push(x);
            x += w + gap;
        }
        let head = self.column_head_height + gap;
        egui::ScrollArea::both().id_salt(id_salt).auto_shrink(false).show_viewport(ui, |ui, viewport| {
            let (content, _) = ui.allocate_exact_size(self.size(), Sense::hover());
            let origin = content.min;
            let visible = ui.clip_rect();
            // The screen position of the visible top-left corner of the table.
            let corner = origin + viewport.min.to_vec2();
            let body_min = corner + Vec2::new(self.row_head_width + gap, head);
            let body_clip = Rect::from_min_max(body_min, visible.max).intersect(visible);
            let heads_clip = Rect::from_min_max(
                egui::pos2(body_min.x, corner.y),
                egui::pos2(visible.max.x, corner.y + self.column_head_height),
            )
            .intersect(visible);
            let rows_clip = Rect::from_min_max(
                egui::pos2(corner.x, body_min.y),
                egui::pos2(corner.x + self.row_head_width, visible.max.y),
            )
            .intersect(visible);
            let mut place = |ui: &mut Ui, rect: Rect, clip: Rect, part: TablePart| {
                let mut child = ui.new_child(egui::UiBuilder::new().max_rect(rect).id_salt(part));
                child.set_clip_rect(clip);
                add(&mut child, part);
            };
            let row_y = |r: usize| origin.y + head + r as f32 * (self.row_height + gap);
            for r in 0..self.rows {
                for (c, (x, w)) in xs.iter().zip(&self.column_widths).enumerate() {
                    let rect = Rect::from_min_size(egui::pos2(origin.x + x, row_y(r)), Vec2::new(*w, self.row_height));
                    place(ui, rect, body_clip, TablePart::Cell(r, c));
                }
            }
            for (c, (x, w)) in xs.iter().zip(&self.column_widths).enumerate() {
                let rect =
                    Rect::from_min_size(egui::pos2(origin.x + x, corner.y), Vec2::new(*w, self.column_head_height));
                place(ui, rect, heads_clip, TablePart::ColumnHead(c));
            }
            for r in 0..self.rows {
                let rect = Rect::from_min_size(
                    egui::pos2(corner.x, row_y(r)),
                    Vec2::new(self.row_head_width, self.row_height),
                );
                place(ui, rect, rows_clip, TablePart::RowHead(r));
            }
            let rect = Rect::from_min_size(corner, Vec2::new(self.row_head_width, self.column_head_height));
            place(ui, rect, rect.intersect(visible), TablePart::Corner);
        });
    }
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

/// The keys of a type-to-filter list (the command palette, the code picker) read after its
/// filter field `field` is drawn: typing resets the highlight to the first row, the arrow keys
/// move it within `len` rows, and the field keeps the keyboard unless Enter or Escape left it —
/// so a person never has to click back into the field. Returns (Enter, Escape) pressed.
pub fn filter_list_keys(ui: &Ui, field: &Response, highlighted: &mut usize, len: usize) -> (bool, bool) {
    use egui::Key;
    if field.changed() {
        *highlighted = 0;
    }
    let (down, up, enter, escape) = ui.input(|i| {
        (
            i.key_pressed(Key::ArrowDown),
            i.key_pressed(Key::ArrowUp),
            i.key_pressed(Key::Enter),
            i.key_pressed(Key::Escape),
        )
    });
    if down {
        *highlighted = (*highlighted + 1).min(len.saturating_sub(1));
    }
    if up {
        *highlighted = highlighted.saturating_sub(1);
    }
    if field.lost_focus() && !enter && !escape {
        field.request_focus();
    }
    (enter, escape)
}

/// A one-line text field after its label, which names it for screen readers and tests; an
/// empty `hint` shows none.
pub fn labelled_line(ui: &mut Ui, label: &str, text: &mut String, hint: &str, width: f32) -> Response {
    let l = ui.label(label);
    let mut field = egui::TextEdit::singleline(text).desired_width(width);
    if !hint.is_empty() {
        field = field.hint_text(hint);
    }
    ui.add(field).labelled_by(l.id)
}

/// A labelled text field (`rows` > 1: multi-line) that edits a draft kept in `drafts` under
/// `id` while it has the keyboard, and shows `current` otherwise; returns the new text when it
/// loses the keyboard changed — one edit per field, not one per keystroke, so undo takes back
/// what a person typed as a whole.
pub fn draft_field(
    ui: &mut Ui,
    drafts: &mut std::collections::HashMap<egui::Id, String>,
    id: egui::Id,
    label: &str,
    current: &str,
    rows: usize,
) -> Option<String> {
    let focused = ui.ctx().memory(|m| m.has_focus(id));
    let draft = drafts.entry(id).or_default();
    if !focused {
        current.clone_into(draft);
    }
    let l = ui.label(egui::RichText::new(label).strong());
    let edit =
        if rows > 1 { egui::TextEdit::multiline(draft).desired_rows(rows) } else { egui::TextEdit::singleline(draft) };
    let r = ui.add(edit.id(id).desired_width(f32::INFINITY)).labelled_by(l.id);
    (r.lost_focus() && draft.as_str() != current).then(|| draft.clone())
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
