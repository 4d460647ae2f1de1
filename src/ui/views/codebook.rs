//! The codebook tree: colours, counts, a search box; create, rename, recolour, nest and
//! reorder by drag and drop (or the context menu), merge, delete. Every change is an edit.

use crate::edit::Edit;
use crate::edit::codebook::{CodeDrop, move_among_siblings, move_code};
use crate::model::*;
use crate::ui::cache::{CodeRow, CodeRows};
use crate::ui::widgets::{PALETTE_NAMES, icon_button, released, swatch};
use crate::ui::{Action, Item, Tokens, ViewCtx, ViewKind};
use egui::{RichText, Sense, Stroke, Ui};
use std::collections::HashSet;

#[derive(Default)]
pub struct Codebook {
    pub filter: String,
    pub focus_filter: bool,
    collapsed: HashSet<CodeId>,
    /// The code being renamed and the name typed so far.
    renaming: Option<(CodeId, String, bool)>,
    /// This frame's counts are being made on a worker: rows show no count.
    counting: bool,
}

impl Codebook {
    pub fn start_rename(&mut self, p: &Project, id: CodeId) {
        if let Some(c) = p.codes.get(&id) {
            self.renaming = Some((id, c.name().to_string(), true));
        }
    }

    /// Creates a code (under `parent`) and starts renaming it.
    pub fn new_code(&mut self, cx: &mut ViewCtx<'_>, parent: Option<CodeId>) {
        let (id, name, edit) = crate::edit::plan::new_code(cx.project, parent);
        cx.edit(edit);
        cx.push(Action::Select(Some(Item::Code(id))));
        self.renaming = Some((id, name, true));
    }

    pub fn ui(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui) {
        let CodeRows { rows, counting } = cx.code_rows();
        self.counting = counting;
        ui.horizontal(|ui| {
            ui.label(RichText::new(format!("Codebook ({})", rows.len())).strong());
            if counting {
                // The first count of a large project (or after an edit of many documents) is
                // made on a worker; the rows are there meanwhile.
                ui.spinner().on_hover_text("Counting codings…");
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let hover = super::navigator::NEW_CODE.hover_text(ui.ctx());
                let r = icon_button(ui, "➕", "New code").on_hover_text(hover);
                if r.clicked() && !cx.read_only {
                    self.new_code(cx, None);
                }
            });
        });
        let search =
            egui::TextEdit::singleline(&mut self.filter).hint_text("Search codes").desired_width(f32::INFINITY);
        let r = ui.add(search);
        r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, "Search codes"));
        if self.focus_filter {
            r.request_focus();
            self.focus_filter = false;
        }
        ui.add_space(2.0);
        let filtering = !self.filter.trim().is_empty();
        let shown: Vec<&CodeRow> = if filtering {
            let order = crate::ui::fuzzy::rank(&self.filter, rows.iter().map(|r| r.name.as_str()));
            order.into_iter().filter_map(|i| rows.get(i)).collect()
        } else {
            let mut hidden_under: Option<usize> = None;
            rows.iter()
                .filter(|r| {
                    if let Some(d) = hidden_under {
                        if r.depth > d {
                            return false;
                        }
                        hidden_under = None;
                    }
                    if self.collapsed.contains(&r.id) {
                        hidden_under = Some(r.depth);
                    }
                    true
                })
                .collect()
        };
        if shown.is_empty() {
            let msg = if filtering { "No code matches." } else { "No codes yet: select text and press C." };
            ui.label(RichText::new(msg).color(cx.tokens.weak_text));
            return;
        }
        // Only the rows in view are laid out: laying out every code (520 in the scale project)
        // was about two thirds of every view's frame after an edit (docs/BENCHMARKS.md).
        let row_height = ui.spacing().interact_size.y;
        let step = row_height + ui.spacing().item_spacing.y;
        let area = egui::ScrollArea::vertical().id_salt("codebook").auto_shrink([false, false]);
        area.show_rows(ui, row_height, shown.len(), |ui, range| {
            // A code being renamed that is not in view (new, or F2 on a code selected
            // elsewhere) is scrolled to: its name field takes the keyboard once drawn.
            if let Some((id, _, true)) = &self.renaming
                && let Some(i) = shown.iter().position(|r| r.id == *id)
                && !range.contains(&i)
            {
                let top = ui.max_rect().top() + (i as f32 - range.start as f32) * step;
                let rect = egui::Rect::from_x_y_ranges(ui.max_rect().x_range(), top..=top + row_height);
                ui.scroll_to_rect(rect, Some(egui::Align::Center));
            }
            for row in &shown[range] {
                self.row(cx, ui, row, filtering);
            }
        });
    }

    fn row(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, row: &CodeRow, flat: bool) {
        let t = cx.tokens;
        let selected = cx.selection.item == Some(Item::Code(row.id));
        let inner = ui.horizontal(|ui| {
            ui.add_space(if flat { 0.0 } else { row.depth as f32 * 14.0 });
            if row.has_children && !flat {
                let open = !self.collapsed.contains(&row.id);
                let name = if open { format!("Collapse {}", row.name) } else { format!("Expand {}", row.name) };
                if icon_button(ui, if open { "⏷" } else { "⏵" }, &name).clicked() {
                    if open {
                        self.collapsed.insert(row.id);
                    } else {
                        self.collapsed.remove(&row.id);
                    }
                }
            } else {
                ui.add_space(14.0);
            }
            swatch(ui, t, row.colour, 12.0);
            match &mut self.renaming {
                Some((id, name, focus)) if *id == row.id => {
                    let r = ui.add(egui::TextEdit::singleline(name).desired_width(150.0));
                    r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, "Code name"));
                    if *focus {
                        r.request_focus();
                        *focus = false;
                    }
                    let cancel = ui.input(|i| i.key_pressed(egui::Key::Escape));
                    if r.lost_focus() {
                        let new = name.trim().to_string();
                        let id = *id;
                        self.renaming = None;
                        if !cancel
                            && let Some(c) = cx.project.codes.get(&id)
                            && !new.is_empty()
                            && new != c.name()
                        {
                            let props = CodeProps { name: new, ..c.props.clone() };
                            cx.edit(Edit::UpdateCode { id, props });
                        }
                    }
                }
                _ => {
                    // The count first, at the right edge, so a long name is shortened with
                    // "…" (full name on hover) instead of running under it.
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        self.count(ui, t, row);
                        ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                            self.name_button(cx, ui, row, selected, flat);
                        });
                    });
                    return;
                }
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| self.count(ui, t, row));
        });
        let response = inner.response;
        if cx.read_only || flat {
            return;
        }
        // Dropping another code on this row: above the middle band puts it before, below
        // after, in the middle makes it a sub-code.
        if let (Some(payload), Some(pointer)) =
            (response.dnd_hover_payload::<CodeId>(), ui.ctx().pointer_interact_pos())
            && *payload != row.id
        {
            let rect = response.rect;
            let f = (pointer.y - rect.top()) / rect.height().max(1.0);
            let drop = if f < 0.25 {
                CodeDrop::Before(row.id)
            } else if f > 0.75 {
                CodeDrop::After(row.id)
            } else {
                CodeDrop::Into(row.id)
            };
            let stroke = Stroke::new(2.0, t.focus);
            match drop {
                CodeDrop::Before(_) => {
                    ui.painter().hline(rect.x_range(), rect.top(), stroke);
                }
                CodeDrop::After(_) => {
                    ui.painter().hline(rect.x_range(), rect.bottom(), stroke);
                }
                CodeDrop::Into(_) | CodeDrop::Top => {
                    ui.painter().rect_stroke(rect, 3.0, stroke, egui::StrokeKind::Inside);
                }
            }
            if let Some(dragged) = released::<CodeId>(&response)
                && let Some(edit) = move_code(cx.project, *dragged, drop)
            {
                cx.edit(edit);
            }
        }
    }

    /// A code's name as a button: select on click, extracts on double click, drag to move,
    /// menu on right click. Shortened with "…" to the room it has; the full name on hover.
    fn name_button(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, row: &CodeRow, selected: bool, flat: bool) {
        let label = if flat { cx.project.code_path(row.id) } else { row.name.clone() };
        let button = egui::Button::selectable(selected, label.as_str()).truncate().sense(Sense::click_and_drag());
        let mut r = ui.add(button);
        let font = egui::TextStyle::Button.resolve(ui.style());
        let full = ui.painter().layout_no_wrap(label.clone(), font, egui::Color32::PLACEHOLDER).size().x;
        if full + 2.0 * ui.spacing().button_padding.x > r.rect.width() + 0.5 {
            r = r.on_hover_text(label);
        }
        if !cx.read_only && !flat {
            r.dnd_set_drag_payload(row.id);
        }
        if r.dragged() {
            ui.ctx().set_cursor_icon(egui::CursorIcon::Grabbing);
        }
        if r.clicked() {
            cx.push(Action::Select(Some(Item::Code(row.id))));
        }
        if r.double_clicked() {
            cx.push(Action::Retrieve(row.id));
        }
        r.context_menu(|ui| self.menu(cx, ui, row));
    }

    /// The code's own codings, and with its sub-codes in brackets when they add some.
    fn count(&self, ui: &mut Ui, t: &Tokens, row: &CodeRow) {
        if self.counting {
            return;
        }
        let text = if row.total != row.own { format!("{} ({})", row.own, row.total) } else { row.own.to_string() };
        let hover = format!("{} codings of “{}”; {} with its sub-codes", row.own, row.name, row.total);
        let r = ui.add(egui::Label::new(RichText::new(text).color(t.weak_text)).sense(Sense::hover()));
        let name = format!("{}: {} codings", row.name, row.own);
        r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &name));
        r.on_hover_text(hover);
    }

    fn menu(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, row: &CodeRow) {
        let p = cx.project;
        let id = row.id;
        if ui.button("Show coded extracts").clicked() {
            cx.push(Action::Retrieve(id));
            cx.push(Action::ShowView(ViewKind::Retrieval));
        }
        if ui.button("Rename…").clicked() {
            self.start_rename(p, id);
        }
        ui.menu_button("Colour", |ui| {
            for (i, colour) in PALETTE.iter().enumerate() {
                ui.horizontal(|ui| {
                    swatch(ui, cx.tokens, *colour, 14.0);
                    if ui.button(PALETTE_NAMES[i]).clicked()
                        && let Some(c) = p.codes.get(&id)
                    {
                        cx.edit(Edit::UpdateCode { id, props: CodeProps { colour: *colour, ..c.props.clone() } });
                    }
                });
            }
        });
        if ui.button("Describe…").on_hover_text("Definition, inclusion, exclusion and an example").clicked() {
            cx.push(Action::Select(Some(Item::Code(id))));
        }
        if ui.button("New sub-code").clicked() {
            self.new_code(cx, Some(id));
        }
        ui.separator();
        let up = move_among_siblings(p, id, true);
        if ui.add_enabled(up.is_some(), egui::Button::new("Move up")).clicked()
            && let Some(e) = up
        {
            cx.edit(e);
        }
        let down = move_among_siblings(p, id, false);
        if ui.add_enabled(down.is_some(), egui::Button::new("Move down")).clicked()
            && let Some(e) = down
        {
            cx.edit(e);
        }
        if ui.add_enabled(row.parent.is_some(), egui::Button::new("Move to top level")).clicked()
            && let Some(e) = move_code(p, id, CodeDrop::Top)
        {
            cx.edit(e);
        }
        if ui.button("Merge into…").clicked() {
            cx.push(Action::PickMergeTarget(id));
        }
        ui.separator();
        if ui.button(RichText::new("Delete…").color(cx.tokens.danger)).clicked() {
            cx.push(Action::ConfirmDeleteCode(id));
        }
    }
}
