//! The themes board (phases 3–5): columns of candidate, reviewed and final themes with their
//! subthemes and codes, a parked area, the codes not yet in a theme, and the selected theme's
//! definition, history, merge and split. Drag a code (from the codebook, the tray or another
//! theme) onto a theme to add it; drag a theme onto a column or the parked area to change its
//! status, or onto another theme to make it a subtheme. Every change is one undoable edit.
//! The review of a theme against its extracts is a mode of this view ([`super::review`]).

use super::review::ReviewPanel;
use crate::edit::{Edit, themes};
use crate::model::*;
use crate::ui::cache::CodeRow;
use crate::ui::widgets::{labelled_line, released, swatch};
use crate::ui::{Action, Item, View, ViewCtx, ViewKind};
use egui::{Color32, Id, RichText, Sense, Stroke, Ui, vec2};
use std::collections::{BTreeSet, HashMap};

/// A code chip dragged out of a theme (moving it, unlike a code from the codebook).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChipDrag {
    pub code: CodeId,
    pub from: ThemeId,
}

/// A theme card being dragged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThemeDrag(pub ThemeId);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    Board,
    Review,
}

/// Choices for splitting the selected theme.
#[derive(Clone, Debug, Default)]
struct SplitDraft {
    theme: ThemeId,
    name: String,
    codes: BTreeSet<CodeId>,
    subthemes: BTreeSet<ThemeId>,
}

#[derive(Default)]
pub struct ThemesView {
    pub mode: Mode,
    /// The theme shown in the detail panel (follows the app's selection of a theme).
    selected: Option<ThemeId>,
    /// Codes ticked in the tray, for "New theme from ticked codes".
    ticked: BTreeSet<CodeId>,
    drafts: HashMap<Id, String>,
    split: Option<SplitDraft>,
    merge_into: Option<ThemeId>,
    review: ReviewPanel,
    /// Set when an inner drop target has taken the hover this frame, so outer ones stay quiet.
    hover_claimed: bool,
}

/// The narrowest cell of a code in the "Codes in no theme" grid: room for a name of about 25
/// characters with its count (longer names are shortened; the tooltip has them whole).
const TRAY_CELL: f32 = 240.0;
/// Rows of the grid shown before it scrolls, so the board below keeps its room.
const TRAY_ROWS: usize = 4;

fn status_fill(cx: &ViewCtx<'_>, status: ThemeStatus) -> Color32 {
    let c = crate::analysis::map::status_colour(status);
    let c = Color32::from_rgb(c.r, c.g, c.b);
    if cx.tokens.dark { c.gamma_multiply(0.55) } else { c }
}

impl ThemesView {
    /// A text field holding a draft while focused; returns the new text when it loses focus
    /// changed (one edit per field, not one per keystroke).
    fn field(&mut self, ui: &mut Ui, label: &str, key: ThemeId, current: &str, rows: usize) -> Option<String> {
        let id = Id::unique(("theme-field", label, key));
        crate::ui::widgets::draft_field(ui, &mut self.drafts, id, label, current, rows)
    }

    fn select(&mut self, cx: &mut ViewCtx<'_>, id: ThemeId) {
        self.selected = Some(id);
        cx.push(Action::Select(Some(Item::Theme(id))));
    }

    fn toolbar(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui) {
        let p = cx.project;
        ui.horizontal(|ui| {
            ui.selectable_value(&mut self.mode, Mode::Board, "Board").on_hover_text("Themes by status");
            let can_review = self.selected.is_some();
            let r = ui
                .add_enabled(can_review, egui::Button::selectable(self.mode == Mode::Review, "Review"))
                .on_hover_text("Read the selected theme's extracts and mark whether each fits")
                .on_disabled_hover_text("Select a theme to review it");
            if r.clicked() {
                self.mode = Mode::Review;
            }
            ui.separator();
            let writable = !cx.read_only;
            // "New theme" is also a drop target: drop a code on it to start a theme with it.
            let r = ui
                .add_enabled(writable, egui::Button::new("➕ New theme"))
                .on_hover_text("Create a candidate theme (or drop a code here to start one with it)");
            if r.clicked() {
                self.create(cx, Vec::new(), None);
            }
            let dropped = released::<CodeId>(&r)
                .map(|c| (*c, None))
                .or_else(|| released::<ChipDrag>(&r).map(|c| (c.code, Some(c.from))));
            if r.dnd_hover_payload::<CodeId>().is_some() || r.dnd_hover_payload::<ChipDrag>().is_some() {
                ui.painter().rect_stroke(r.rect, 4.0, Stroke::new(2.0, cx.tokens.focus), egui::StrokeKind::Outside);
            }
            if let Some((code, from)) = dropped
                && writable
            {
                self.create(cx, vec![code], from);
            }
            let n = self.ticked.iter().filter(|c| p.codes.contains_key(*c)).count();
            let label = format!("New theme from {n} ticked code{}", if n == 1 { "" } else { "s" });
            let r = ui
                .add_enabled(writable && n > 0, egui::Button::new(label))
                .on_hover_text("Tick codes in “Codes in no theme” first");
            if r.clicked() {
                let codes: Vec<CodeId> = p.codes.keys().copied().filter(|c| self.ticked.contains(c)).collect();
                self.ticked.clear();
                self.create(cx, codes, None);
            }
            if self.selected.is_none() {
                ui.label(
                    RichText::new("Click a theme to define, review, merge or split it.")
                        .small()
                        .color(cx.tokens.weak_text),
                );
            }
        });
    }

    /// Creates a candidate theme with these codes (moved out of `from` if given) and selects it.
    fn create(&mut self, cx: &mut ViewCtx<'_>, codes: Vec<CodeId>, from: Option<ThemeId>) {
        let (id, edit) = themes::create_theme(cx.project, codes, from);
        cx.edit(edit);
        self.select(cx, id);
    }

    /// Codes applied somewhere but in no theme, as ticks and draggable chips, in the codebook's
    /// order. The chips sit in a grid of equal cells that scrolls after a few rows, and only
    /// the rows in view are laid out: a codebook of hundreds of loose codes neither pushes the
    /// board off the window nor costs a frame.
    fn tray(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui) {
        let p = cx.project;
        let themed: BTreeSet<CodeId> = p.themes.values().flat_map(|t| t.codes.iter().copied()).collect();
        let applied = p.coding_counts();
        // The same figure the codebook shows beside the code: its extracts in the coder scope.
        let rows = cx.code_rows();
        let loose: Vec<(&CodeRow, Option<usize>)> = rows
            .rows
            .iter()
            .filter(|r| !themed.contains(&r.id) && applied.get(&r.id).is_some_and(|n| *n > 0))
            .map(|r| (r, (!rows.counting).then_some(r.own)))
            .collect();
        let title = format!("Codes in no theme ({})", loose.len());
        let inner = egui::CollapsingHeader::new(title).id_salt("themes-tray").default_open(true).show(ui, |ui| {
            if applied.values().all(|n| *n == 0) {
                ui.label(
                    RichText::new(
                        "No code is applied yet: code passages in the documents, and the codes appear here \
                         to be grouped into themes.",
                    )
                    .color(cx.tokens.weak_text),
                );
            } else if loose.is_empty() {
                ui.label(
                    RichText::new("Every applied code is in a theme. Drag codes from the codebook onto a theme.")
                        .color(cx.tokens.weak_text),
                );
            }
            if loose.is_empty() {
                return;
            }
            let gap = ui.spacing().item_spacing.x;
            let per_row = (((ui.available_width() + gap) / (TRAY_CELL + gap)).floor() as usize).max(1);
            let cell = ((ui.available_width() + gap) / per_row as f32 - gap).max(TRAY_CELL.min(ui.available_width()));
            let row_height = ui.spacing().interact_size.y;
            let max_height = TRAY_ROWS as f32 * (row_height + ui.spacing().item_spacing.y);
            let rows = loose.len().div_ceil(per_row);
            egui::ScrollArea::vertical()
                .id_salt("themes-tray-rows")
                .max_height(max_height)
                .auto_shrink([false, true])
                .show_rows(ui, row_height, rows, |ui, range| {
                    for row in range {
                        ui.horizontal(|ui| {
                            for (code, n) in loose.iter().skip(row * per_row).take(per_row) {
                                let layout = egui::Layout::left_to_right(egui::Align::Center);
                                ui.allocate_ui_with_layout(vec2(cell, row_height), layout, |ui| {
                                    ui.set_width(cell);
                                    self.tray_chip(cx, ui, code, *n);
                                });
                            }
                        });
                    }
                });
        });
        // Dropping a theme's code chip here takes it out of that theme.
        let r = inner.header_response.union(inner.body_response.unwrap_or(inner.header_response.clone()));
        if r.dnd_hover_payload::<ChipDrag>().is_some() {
            ui.painter().rect_stroke(r.rect, 4.0, Stroke::new(2.0, cx.tokens.focus), egui::StrokeKind::Outside);
        }
        if let Some(chip) = released::<ChipDrag>(&r)
            && let Some(e) = themes::remove_code(p, chip.from, chip.code)
        {
            cx.edit(e);
        }
    }

    /// One code in the tray: its colour, a tick (for "New theme from ticked codes") labelled
    /// with its name and extracts, shortened to the cell, and a handle to drag it onto a theme.
    fn tray_chip(&mut self, cx: &ViewCtx<'_>, ui: &mut Ui, code: &CodeRow, extracts: Option<usize>) {
        swatch(ui, cx.tokens, code.colour, 10.0);
        let label = match extracts {
            Some(n) => format!("{} ({n})", code.name),
            None => code.name.clone(),
        };
        let mut on = self.ticked.contains(&code.id);
        let handle_room = 16.0 + ui.spacing().item_spacing.x;
        let r = ui
            .scope(|ui| {
                ui.set_max_width((ui.available_width() - handle_room).max(40.0));
                ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Truncate);
                ui.add(egui::Checkbox::new(&mut on, label))
            })
            .inner;
        let hover = match extracts {
            Some(n) => format!("{}: {n} extract{}", code.name, if n == 1 { "" } else { "s" }),
            None => format!("{} (counting its extracts…)", code.name),
        };
        let r = r.on_hover_text(format!("{hover}\nTick to start a theme with it; drag onto a theme to add it"));
        if r.changed() {
            if on {
                self.ticked.insert(code.id);
            } else {
                self.ticked.remove(&code.id);
            }
        }
        let handle = ui.add(egui::Label::new("☰").sense(Sense::drag())).on_hover_text("Drag onto a theme");
        handle.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, format!("Drag {}", code.name)));
        if !cx.read_only {
            handle.dnd_set_drag_payload(code.id);
        }
    }

    fn board(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui) {
        self.hover_claimed = false;
        let p = cx.project;
        let parked: Vec<ThemeId> =
            p.theme_children(None).filter(|t| t.status() == ThemeStatus::Parked).map(|t| t.id).collect();
        // The columns take the height left above a fixed strip for parked themes.
        let parked_height = 150.0;
        let columns_height = (ui.available_height() - parked_height - 8.0).max(160.0);
        let width = ui.available_width();
        let columns = [ThemeStatus::Candidate, ThemeStatus::Reviewed, ThemeStatus::Final];
        ui.allocate_ui_with_layout(vec2(width, columns_height), egui::Layout::top_down(egui::Align::Min), |ui| {
            ui.set_min_height(columns_height);
            ui.columns(3, |cols| {
                for (ui, status) in cols.iter_mut().zip(columns) {
                    let themes: Vec<ThemeId> =
                        p.theme_children(None).filter(|t| t.status() == status).map(|t| t.id).collect();
                    let inner = ui.vertical(|ui| {
                        ui.horizontal(|ui| {
                            let (rect, _) = ui.allocate_exact_size(vec2(10.0, 10.0), Sense::hover());
                            ui.painter().rect_filled(rect, 2.0, status_fill(cx, status));
                            ui.label(RichText::new(format!("{} ({})", status.label(), themes.len())).strong());
                        });
                        egui::ScrollArea::vertical()
                            .id_salt(("column", status))
                            .auto_shrink([false, false])
                            .max_height(columns_height - 24.0)
                            .show(ui, |ui| {
                                if themes.is_empty() {
                                    ui.label(RichText::new("Drop a theme here.").color(cx.tokens.weak_text));
                                }
                                for id in themes {
                                    self.card(cx, ui, id, 0);
                                    ui.add_space(6.0);
                                }
                            });
                    });
                    self.status_drop(cx, ui, &inner.response, status);
                }
            });
        });
        ui.separator();
        let inner = ui.vertical(|ui| {
            ui.set_min_height(parked_height - 12.0);
            ui.label(RichText::new(format!("Parked ({})", parked.len())).strong())
                .on_hover_text("Themes set aside during review, kept with their history; drag a theme here to park it");
            egui::ScrollArea::horizontal().id_salt("parked-scroll").auto_shrink([false, true]).show(ui, |ui| {
                ui.horizontal_top(|ui| {
                    if parked.is_empty() {
                        ui.label(RichText::new("Drop a theme here to set it aside.").color(cx.tokens.weak_text));
                    }
                    for id in &parked {
                        ui.allocate_ui_with_layout(
                            vec2(280.0, parked_height - 40.0),
                            egui::Layout::top_down(egui::Align::Min),
                            |ui| self.card(cx, ui, *id, 0),
                        );
                    }
                });
            });
            ui.allocate_space(vec2(ui.available_width(), 0.0));
        });
        self.status_drop(cx, ui, &inner.response, ThemeStatus::Parked);
    }

    /// A column or the parked area accepting a dropped theme: it takes that status.
    fn status_drop(&mut self, cx: &mut ViewCtx<'_>, ui: &Ui, r: &egui::Response, status: ThemeStatus) {
        if cx.read_only {
            return;
        }
        if !self.hover_claimed && r.dnd_hover_payload::<ThemeDrag>().is_some() {
            ui.painter().rect_stroke(r.rect, 6.0, Stroke::new(2.0, cx.tokens.focus), egui::StrokeKind::Inside);
        }
        if let Some(drag) = released::<ThemeDrag>(r)
            && let Some(edit) = themes::set_status(cx.project, drag.0, status, true)
        {
            cx.edit(edit);
        }
    }

    /// A theme card with its codes and, nested, its subthemes.
    fn card(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, id: ThemeId, depth: usize) {
        let p = cx.project;
        let Some(t) = p.themes.get(&id) else { return };
        let t = t.clone();
        let summary = cx.theme_summaries().and_then(|s| s.get(&id).cloned());
        let selected = self.selected == Some(id);
        let t_tokens = cx.tokens;
        let stroke = if selected {
            Stroke::new(2.5, t_tokens.focus)
        } else {
            Stroke::new(1.0, t_tokens.weak_text.gamma_multiply(0.5))
        };
        let frame = egui::Frame::new()
            .fill(if depth == 0 { t_tokens.page } else { t_tokens.panel })
            .stroke(stroke)
            .corner_radius(6.0)
            .inner_margin(egui::Margin::same(if depth == 0 { 8 } else { 6 }));
        let inner = frame.show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                let (rect, _) = ui.allocate_exact_size(vec2(6.0, 18.0), Sense::hover());
                ui.painter().rect_filled(rect, 2.0, status_fill(cx, t.status()));
                let name = RichText::new(t.name()).strong().size(if depth == 0 { 15.0 } else { 13.5 });
                let r = ui
                    .add(egui::Label::new(name).sense(Sense::click_and_drag()).wrap())
                    .on_hover_text("Click to edit; drag onto a column, the parked area or another theme");
                r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, format!("Theme {}", t.name())));
                if !cx.read_only {
                    r.dnd_set_drag_payload(ThemeDrag(id));
                }
                if r.clicked() {
                    self.select(cx, id);
                }
                if r.double_clicked() {
                    self.select(cx, id);
                    self.mode = Mode::Review;
                }
            });
            if let Some(s) = &summary {
                let text = format!(
                    "{} extracts · {} participants · {} docs{}",
                    s.extracts,
                    s.participants,
                    s.documents,
                    if depth > 0 { format!(" · {}", t.status().label().to_lowercase()) } else { String::new() }
                );
                ui.label(RichText::new(text).small().color(t_tokens.weak_text));
            }
            if !t.props.definition.concept.trim().is_empty() && depth == 0 {
                let concept = t.props.definition.concept.trim();
                let short: String = concept.chars().take(110).collect();
                let short = if short.len() < concept.len() { format!("{short}…") } else { short };
                ui.label(RichText::new(short).italics().small().color(t_tokens.weak_text));
            }
            ui.horizontal_wrapped(|ui| {
                ui.spacing_mut().item_spacing = vec2(4.0, 4.0);
                for c in &t.codes {
                    let Some(code) = p.codes.get(c) else { continue };
                    self.chip(cx, ui, code, id);
                }
                if t.codes.is_empty() {
                    ui.label(RichText::new("Drop codes here").small().color(t_tokens.weak_text));
                }
            });
            let subs: Vec<ThemeId> = p.theme_children(Some(id)).map(|s| s.id).collect();
            for s in subs {
                ui.add_space(4.0);
                if depth < 8 {
                    self.card(cx, ui, s, depth + 1);
                }
            }
        });
        self.theme_drop(cx, ui, &inner.response, id);
    }

    fn chip(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, code: &Code, theme: ThemeId) {
        let tk = cx.tokens;
        let colour = tk.code(code.props.colour);
        let text = RichText::new(code.name()).small();
        let button = egui::Button::new(text)
            .fill(tk.highlight(code.props.colour))
            .stroke(Stroke::new(1.0, colour))
            .corner_radius(8.0)
            .sense(Sense::click_and_drag());
        let r = ui.add(button).on_hover_text("Drag onto another theme to move it there, or to “Codes in no theme”");
        r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, format!("Code {}", code.name())));
        if !cx.read_only {
            r.dnd_set_drag_payload(ChipDrag { code: code.id, from: theme });
        }
        if r.clicked() {
            cx.push(Action::Select(Some(Item::Code(code.id))));
        }
        if r.double_clicked() {
            cx.push(Action::Retrieve(code.id));
        }
        r.context_menu(|ui| {
            if ui.button("Show coded extracts").clicked() {
                cx.push(Action::Retrieve(code.id));
            }
            if ui.button("Remove from this theme").clicked()
                && let Some(e) = themes::remove_code(cx.project, theme, code.id)
            {
                cx.edit(e);
            }
        });
    }

    /// A theme card accepting codes (added), code chips (moved) and themes (nested).
    fn theme_drop(&mut self, cx: &mut ViewCtx<'_>, ui: &Ui, r: &egui::Response, id: ThemeId) {
        if cx.read_only {
            return;
        }
        let p = cx.project;
        let hovering = r.dnd_hover_payload::<CodeId>().is_some()
            || r.dnd_hover_payload::<ChipDrag>().is_some_and(|c| c.from != id)
            || r.dnd_hover_payload::<ThemeDrag>().is_some_and(|t| t.0 != id);
        if hovering && !self.hover_claimed {
            self.hover_claimed = true;
            ui.painter().rect_stroke(r.rect, 6.0, Stroke::new(3.0, cx.tokens.focus), egui::StrokeKind::Outside);
        }
        if let Some(code) = released::<CodeId>(r) {
            if let Some(e) = themes::add_code(p, id, *code, None) {
                cx.edit(e);
            }
        } else if let Some(chip) = released::<ChipDrag>(r) {
            if let Some(e) = themes::add_code(p, id, chip.code, Some(chip.from)) {
                cx.edit(e);
            }
        } else if let Some(drag) = released::<ThemeDrag>(r)
            && let Some(e) = themes::nest(p, drag.0, id)
        {
            cx.edit(e);
        }
    }

    /// The selected theme: name with history, status, definition, codes, subthemes, merge,
    /// split, delete.
    fn detail(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui) {
        let p = cx.project;
        let Some(t) = self.selected.and_then(|id| p.themes.get(&id)).cloned() else {
            ui.add_space(20.0);
            ui.label(
                RichText::new("Select a theme to define it, review it, merge or split it.").color(cx.tokens.weak_text),
            );
            return;
        };
        let id = t.id;
        let writable = !cx.read_only;
        ui.horizontal(|ui| {
            let kind = if t.parent.is_some() { "Subtheme" } else { "Theme" };
            ui.label(RichText::new(kind).color(cx.tokens.weak_text));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if crate::ui::widgets::icon_button(ui, "×", "Close the theme panel").clicked() {
                    self.selected = None;
                    self.mode = Mode::Board;
                    cx.push(Action::Select(None));
                }
            });
        });
        ui.add_enabled_ui(writable, |ui| {
            if let Some(name) = self.field(ui, "Theme name", id, t.name(), 1)
                && let Some(e) = themes::rename(p, id, &name)
            {
                cx.edit(e);
            }
            if !t.props.former_names.is_empty() {
                let names: Vec<String> = t
                    .props
                    .former_names
                    .iter()
                    .rev()
                    .map(|f| format!("{} (until {})", f.name, f.until.format("%Y-%m-%d")))
                    .collect();
                ui.label(
                    RichText::new(format!("Earlier names: {}", names.join("; "))).small().color(cx.tokens.weak_text),
                );
            }
            ui.add_space(4.0);
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new("Status").strong());
                for s in ThemeStatus::ALL {
                    let r = ui.add(egui::Button::selectable(t.status() == s, s.label()));
                    if r.clicked()
                        && let Some(e) = themes::set_status(p, id, s, false)
                    {
                        cx.edit(e);
                    }
                }
            });
            if let Some(next) = themes::next_status(t.status()) {
                let verb = if t.status() == ThemeStatus::Parked { "Restore as" } else { "Promote to" };
                if ui.button(format!("{verb} {} ⏵", next.label())).clicked()
                    && let Some(e) = themes::set_status(p, id, next, false)
                {
                    cx.edit(e);
                }
            }
            ui.separator();
            let d = &t.props.definition;
            let concept = self.field(ui, "Central organising concept", id, &d.concept, 2);
            let scope = self.field(ui, "Scope and boundaries", id, &d.scope, 3);
            let notes = self.field(ui, "Notes", id, &d.notes, 2);
            if concept.is_some() || scope.is_some() || notes.is_some() {
                let mut props = t.props.clone();
                props.definition = ThemeDefinition {
                    concept: concept.unwrap_or_else(|| d.concept.clone()),
                    scope: scope.unwrap_or_else(|| d.scope.clone()),
                    notes: notes.unwrap_or_else(|| d.notes.clone()),
                };
                cx.edit(Edit::UpdateTheme { id, props });
            }
            ui.separator();
            ui.label(RichText::new(format!("Codes ({})", t.codes.len())).strong());
            for c in &t.codes {
                let Some(code) = p.codes.get(c) else { continue };
                ui.horizontal(|ui| {
                    swatch(ui, cx.tokens, code.props.colour, 10.0);
                    if ui.link(code.name()).on_hover_text("Show its coded extracts").clicked() {
                        cx.push(Action::Retrieve(code.id));
                    }
                    let r = crate::ui::widgets::icon_button(ui, "×", &format!("Remove {} from the theme", code.name()));
                    if r.clicked()
                        && let Some(e) = themes::remove_code(p, id, *c)
                    {
                        cx.edit(e);
                    }
                });
            }
            ui.horizontal(|ui| {
                if ui.button("Add subtheme").clicked() {
                    let (sid, e) = themes::add_subtheme(p, id);
                    cx.edit(e);
                    self.select(cx, sid);
                }
                if t.parent.is_some()
                    && ui.button("Make main theme").on_hover_text("Take it out of its main theme").clicked()
                    && let Some(e) = themes::make_main(p, id)
                {
                    cx.edit(e);
                }
            });
            if ui.button("Review its extracts").clicked() {
                self.mode = Mode::Review;
            }
            ui.separator();
            self.merge_ui(cx, ui, &t);
            self.split_ui(cx, ui, &t);
            ui.separator();
            let r = ui
                .button(RichText::new("Delete theme").color(cx.tokens.danger))
                .on_hover_text("Delete it with its quotes and memos (undo brings it back); parking keeps it instead");
            if r.clicked() {
                cx.edit(Edit::DeleteTheme { id });
                self.selected = None;
            }
        });
    }

    fn merge_ui(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, t: &Theme) {
        let p = cx.project;
        let inside = p.theme_subtree(t.id);
        let targets: Vec<&Theme> = p.themes.values().filter(|x| !inside.contains(&x.id)).collect();
        if self.merge_into.is_some_and(|m| !targets.iter().any(|x| x.id == m)) {
            self.merge_into = None;
        }
        ui.horizontal_wrapped(|ui| {
            let l = ui.label("Merge into");
            let current = self.merge_into.and_then(|m| p.themes.get(&m)).map_or("choose a theme", |x| x.name());
            egui::ComboBox::from_id_salt("merge-into")
                .selected_text(current.to_string())
                .width(160.0)
                .show_ui(ui, |ui| {
                    for x in &targets {
                        ui.selectable_value(&mut self.merge_into, Some(x.id), x.name());
                    }
                })
                .response
                .labelled_by(l.id);
            if ui.add_enabled(self.merge_into.is_some(), egui::Button::new("Merge")).clicked()
                && let Some(into) = self.merge_into.take()
            {
                cx.edit(Edit::MergeThemes { from: t.id, into });
                self.select(cx, into);
            }
        });
    }

    fn split_ui(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, t: &Theme) {
        let p = cx.project;
        if self.split.as_ref().is_some_and(|s| s.theme != t.id) {
            self.split = None;
        }
        let Some(mut draft) = self.split.take() else {
            if ui.button("Split…").on_hover_text("Move some of its codes and subthemes into a new theme").clicked() {
                self.split = Some(SplitDraft { theme: t.id, name: themes::split_name(p, t.id), ..Default::default() });
            }
            return;
        };
        let mut keep = true;
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.label(RichText::new("Split into a new theme").strong());
            ui.horizontal(|ui| {
                labelled_line(ui, "New theme", &mut draft.name, "", 180.0);
            });
            ui.label("Codes that go:");
            for c in &t.codes {
                let Some(code) = p.codes.get(c) else { continue };
                let mut on = draft.codes.contains(c);
                if ui.checkbox(&mut on, code.name()).changed() {
                    if on {
                        draft.codes.insert(*c);
                    } else {
                        draft.codes.remove(c);
                    }
                }
            }
            let subs: Vec<&Theme> = p.theme_children(Some(t.id)).collect();
            if !subs.is_empty() {
                ui.label("Subthemes that go:");
            }
            for s in subs {
                let mut on = draft.subthemes.contains(&s.id);
                if ui.checkbox(&mut on, s.name()).changed() {
                    if on {
                        draft.subthemes.insert(s.id);
                    } else {
                        draft.subthemes.remove(&s.id);
                    }
                }
            }
            ui.horizontal(|ui| {
                let ready = !draft.name.trim().is_empty() && (!draft.codes.is_empty() || !draft.subthemes.is_empty());
                if ui.add_enabled(ready, egui::Button::new("Split")).clicked() {
                    let codes: Vec<CodeId> = draft.codes.iter().copied().collect();
                    let subthemes = draft.subthemes.iter().copied().collect();
                    match themes::split(p, t.id, &draft.name, &codes, subthemes) {
                        Ok(e) => cx.edit(e),
                        Err(e) => cx.push(Action::Status { text: e.to_string(), error: true }),
                    }
                    keep = false;
                }
                if ui.button("Cancel").clicked() {
                    keep = false;
                }
            });
        });
        if keep {
            self.split = Some(draft);
        }
    }
}

impl View for ThemesView {
    fn kind(&self) -> ViewKind {
        ViewKind::Themes
    }

    fn ui(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui) {
        if let Some(Item::Theme(id)) = cx.selection.item {
            self.selected = Some(id);
        }
        if self.selected.is_some_and(|id| !cx.project.themes.contains_key(&id)) {
            self.selected = None;
            self.mode = Mode::Board;
        }
        self.toolbar(cx, ui);
        ui.separator();
        if self.selected.is_some() {
            egui::Panel::right("theme-detail").resizable(true).default_size(290.0).min_size(220.0).show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .id_salt("theme-detail-scroll")
                    .auto_shrink([false, false])
                    .show(ui, |ui| self.detail(cx, ui));
            });
        }
        match (self.mode, self.selected) {
            (Mode::Review, Some(id)) => {
                if ui.button("⏴ Back to the board").clicked() {
                    self.mode = Mode::Board;
                }
                self.review.ui(cx, ui, id);
            }
            _ => {
                self.mode = Mode::Board;
                self.tray(cx, ui);
                self.board(cx, ui);
            }
        }
    }
}

/// What the inspector shows for a selected theme.
pub fn inspector(cx: &mut ViewCtx<'_>, ui: &mut Ui, id: ThemeId) {
    let p = cx.project;
    let Some(t) = p.themes.get(&id) else { return };
    ui.heading(t.name());
    ui.label(RichText::new(format!("{} theme", t.status().label())).color(cx.tokens.weak_text));
    if let Some(parent) = t.parent.and_then(|x| p.themes.get(&x)) {
        ui.label(format!("Subtheme of “{}”", parent.name()));
    }
    let concept = t.props.definition.concept.trim();
    ui.label(if concept.is_empty() { RichText::new("No definition yet").italics() } else { RichText::new(concept) });
    ui.label(format!("{} codes", t.codes.len()));
    if ui.button("Open on the board").clicked() {
        cx.push(Action::ShowView(ViewKind::Themes));
    }
}
