//! Memos: the reflexive journal (dated entries, newest first) and the memos on documents,
//! codes and themes. Plain text with light Markdown.

use crate::edit::Edit;
use crate::model::*;
use crate::ui::command::{CommandSpec, Menu, cmd, key, mods::CMD, when};
use crate::ui::views::navigator::memo_title;
use crate::ui::widgets::markdown;
use crate::ui::{Action, Item, UiCommand, View, ViewCtx, ViewKind};
use egui::{Key, RichText, Ui};

#[derive(Default)]
pub struct MemosView {
    /// The memo being edited, with its draft title and text.
    editing: Option<(MemoId, String, String)>,
    /// Put the keyboard in the text of the memo being edited next frame (a new journal
    /// entry takes the focus, so what is typed goes into it).
    focus_text: bool,
}

/// A new, empty journal entry dated now.
/// "New journal entry" (Ctrl+J), this view's command.
pub const NEW_ENTRY: UiCommand = UiCommand::Of(ViewKind::Memos, "new-journal-entry");

const COMMANDS: &[CommandSpec] = &[cmd(NEW_ENTRY, "New journal entry", "Write a dated entry in the reflexive journal")
    .words(&["reflexive", "diary", "memo", "write"])
    .keys(&[key(CMD, Key::J)])
    .menu(Menu::View, 1)
    .when(when::writable)];

pub fn new_entry(author: Option<CoderId>) -> Memo {
    let now = chrono::Utc::now();
    Memo {
        id: MemoId::new(),
        created: now,
        author,
        props: MemoProps { target: MemoTarget::Journal, title: String::new(), body: String::new(), modified: now },
    }
}

impl MemosView {
    pub fn start_editing(&mut self, m: &Memo) {
        self.editing = Some((m.id, m.props.title.clone(), m.props.body.clone()));
    }

    fn memo(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, m: &Memo, heading: String) {
        let t = cx.tokens;
        let selected = cx.selection.item == Some(Item::Memo(m.id));
        let stroke = if selected { egui::Stroke::new(1.5, t.focus) } else { egui::Stroke::NONE };
        egui::Frame::new().fill(t.page).stroke(stroke).inner_margin(10.0).corner_radius(4.0).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                ui.label(RichText::new(heading).strong());
                ui.label(RichText::new(m.created.format("%Y-%m-%d %H:%M").to_string()).color(t.weak_text));
            });
            match &mut self.editing {
                Some((id, title, body)) if *id == m.id => {
                    let l = ui.label("Title");
                    ui.add(egui::TextEdit::singleline(title).desired_width(f32::INFINITY)).labelled_by(l.id);
                    let l = ui.label("Text");
                    let r = ui
                        .add(egui::TextEdit::multiline(body).desired_rows(8).desired_width(f32::INFINITY))
                        .labelled_by(l.id);
                    if std::mem::take(&mut self.focus_text) {
                        r.request_focus();
                        r.scroll_to_me(Some(egui::Align::Center));
                    }
                    let (done, cancel) =
                        ui.horizontal(|ui| (ui.button("Done").clicked(), ui.button("Cancel").clicked())).inner;
                    if done {
                        let props = MemoProps {
                            title: title.clone(),
                            body: body.clone(),
                            modified: chrono::Utc::now(),
                            ..m.props.clone()
                        };
                        if props.title != m.props.title || props.body != m.props.body {
                            cx.edit(Edit::UpdateMemo { id: m.id, props });
                        }
                    }
                    if done || cancel {
                        self.editing = None;
                    }
                }
                _ => {
                    if !m.props.title.is_empty() {
                        ui.label(RichText::new(&m.props.title).size(16.0).strong());
                    }
                    if m.props.body.is_empty() {
                        ui.label(RichText::new("(empty)").color(t.weak_text));
                    } else {
                        markdown(ui, &m.props.body);
                    }
                    ui.horizontal(|ui| {
                        if ui.small_button("Edit").on_hover_text("Edit this memo").clicked() {
                            self.start_editing(m);
                            self.focus_text = true;
                            cx.push(Action::Select(Some(Item::Memo(m.id))));
                        }
                        if ui.small_button("Delete").on_hover_text("Delete this memo (undo brings it back)").clicked() {
                            cx.edit(Edit::RemoveMemo { id: m.id });
                        }
                    });
                }
            }
        });
        ui.add_space(8.0);
    }
}

impl View for MemosView {
    fn kind(&self) -> ViewKind {
        ViewKind::Memos
    }

    fn commands(&self) -> &'static [CommandSpec] {
        COMMANDS
    }

    fn on_command(&mut self, command: UiCommand, cx: &mut ViewCtx<'_>) {
        if command == NEW_ENTRY {
            let memo = new_entry(cx.coder);
            let id = memo.id;
            // Added first, then selected: a selection of a memo not yet there is dropped.
            cx.edit(Edit::AddMemo { memo, index: None });
            cx.push(Action::Select(Some(Item::Memo(id))));
        }
    }

    fn ui(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui) {
        let p = cx.project;
        ui.horizontal(|ui| {
            ui.heading("Reflexive journal");
            let hover = NEW_ENTRY.hover_text(ui.ctx());
            if ui.add_enabled(!cx.read_only, egui::Button::new("New entry")).on_hover_text(hover).clicked() {
                cx.command(NEW_ENTRY);
            }
        });
        egui::ScrollArea::vertical().id_salt("memos").auto_shrink(false).show(ui, |ui| {
            ui.set_max_width(ui.available_width().min(760.0));
            let mut journal: Vec<&Memo> = p.memos.values().filter(|m| m.props.target == MemoTarget::Journal).collect();
            journal.sort_by_key(|m| std::cmp::Reverse(m.created));
            if journal.is_empty() {
                ui.label(RichText::new("No entries yet. Write down what you notice as you read: your assumptions, reactions and decisions.").color(cx.tokens.weak_text));
            }
            for m in journal {
                self.memo(cx, ui, m, "Journal".into());
            }
            ui.add_space(12.0);
            ui.heading("Memos");
            let others: Vec<&Memo> = p.memos.values().filter(|m| m.props.target != MemoTarget::Journal).collect();
            if others.is_empty() {
                ui.label(RichText::new("Memos on documents and codes are written in the inspector on the right.").color(cx.tokens.weak_text));
            }
            for m in others {
                self.memo(cx, ui, m, memo_title(p, m));
            }
        });
    }

    fn on_action(&mut self, action: &Action, project: &Project) {
        if let Action::Edit { edit: Edit::AddMemo { memo, .. }, .. } = action
            && memo.props.target == MemoTarget::Journal
            && memo.props.body.is_empty()
            && project.memos.contains_key(&memo.id)
        {
            self.start_editing(memo);
            self.focus_text = true;
        }
    }
}
