//! The command palette: every command with its shortcut, plus the documents and codes, found
//! by typing.

use crate::model::*;
use crate::ui::{Action, Item, Tokens, UiCommand, ViewKind, fuzzy};
use egui::{Id, Key, RichText};

#[derive(Default)]
pub struct Palette {
    pub query: String,
    highlighted: usize,
    opened: bool,
    /// Which opening this is. egui remembers a window's last size by its id, so a palette
    /// reopened under the same id started at the height of the last, filtered, list.
    serial: u64,
}

#[derive(Clone, Debug)]
struct Entry {
    label: String,
    keys: String,
    action: fn(&Entry) -> Vec<Action>,
    command: Option<UiCommand>,
    doc: Option<DocId>,
    code: Option<CodeId>,
}

fn entries(ctx: &egui::Context, p: Option<&Project>) -> Vec<Entry> {
    let mut out: Vec<Entry> = UiCommand::all()
        .into_iter()
        .filter(|c| *c != UiCommand::CommandPalette)
        .map(|c| Entry {
            label: c.label(),
            keys: c.shortcut_text(ctx),
            action: |e| e.command.map(Action::Command).into_iter().collect(),
            command: Some(c),
            doc: None,
            code: None,
        })
        .collect();
    if let Some(p) = p {
        out.extend(p.documents.values().map(|d| Entry {
            label: format!("Open document: {}", d.name()),
            keys: String::new(),
            action: |e| match e.doc {
                Some(doc) => {
                    vec![Action::OpenDocument { doc, reveal: None, coding: None }, Action::ShowView(ViewKind::Document)]
                }
                None => Vec::new(),
            },
            command: None,
            doc: Some(d.id),
            code: None,
        }));
        out.extend(p.codes.values().map(|c| Entry {
            label: format!("Show code: {}", p.code_path(c.id)),
            keys: String::new(),
            action: |e| match e.code {
                Some(code) => vec![
                    Action::Select(Some(Item::Code(code))),
                    Action::Retrieve(code),
                    Action::ShowView(ViewKind::Retrieval),
                ],
                None => Vec::new(),
            },
            command: None,
            doc: None,
            code: Some(c.id),
        }));
    }
    out
}

impl Palette {
    /// A palette opened afresh: empty query, and an id of its own (see `serial`).
    pub fn new() -> Self {
        static OPENINGS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        Palette { serial: OPENINGS.fetch_add(1, std::sync::atomic::Ordering::Relaxed), ..Default::default() }
    }

    /// Draws the palette; `Some(actions)` when it closes (empty when cancelled).
    pub fn show(&mut self, ctx: &egui::Context, p: Option<&Project>, tokens: &Tokens) -> Option<Vec<Action>> {
        let all = entries(ctx, p);
        let order = fuzzy::rank(&self.query, all.iter().map(|e| e.label.as_str()));
        self.highlighted = self.highlighted.min(order.len().saturating_sub(1));
        let mut result = None;
        let modal = egui::Modal::new(Id::unique(("command-palette", self.serial))).show(ctx, |ui| {
            ui.set_width(520.0);
            let r = ui.add(
                egui::TextEdit::singleline(&mut self.query)
                    .hint_text("Type a command, a document or a code")
                    .desired_width(f32::INFINITY),
            );
            r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::TextInput, true, "Command"));
            if !self.opened {
                r.request_focus();
                self.opened = true;
            }
            if r.changed() {
                self.highlighted = 0;
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
                self.highlighted = (self.highlighted + 1).min(order.len().saturating_sub(1));
            }
            if up {
                self.highlighted = self.highlighted.saturating_sub(1);
            }
            if r.lost_focus() && !enter && !escape {
                r.request_focus();
            }
            let mut clicked = None;
            egui::ScrollArea::vertical().max_height(380.0).show(ui, |ui| {
                for (n, i) in order.iter().enumerate().take(80) {
                    let e = &all[*i];
                    let on = n == self.highlighted;
                    let mut button = egui::Button::selectable(on, e.label.as_str());
                    if !e.keys.is_empty() {
                        button = button.shortcut_text(RichText::new(&e.keys).color(tokens.weak_text));
                    }
                    let mut r = ui.add_sized([ui.available_width(), 20.0], button);
                    if let Some(c) = e.command {
                        r = r.on_hover_text(c.tooltip());
                    }
                    if on {
                        r.scroll_to_me(None);
                    }
                    if r.clicked() {
                        clicked = Some(*i);
                    }
                }
            });
            let chosen = clicked.or(if enter { order.get(self.highlighted).copied() } else { None });
            if let Some(i) = chosen {
                result = Some((all[i].action)(&all[i]));
            }
            if escape {
                result = Some(Vec::new());
            }
        });
        if modal.should_close() && result.is_none() {
            result = Some(Vec::new());
        }
        result
    }
}
