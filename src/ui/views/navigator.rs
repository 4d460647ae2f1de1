//! The navigator (left panel): documents grouped by kind with read marks and coding progress,
//! participants by group, and the memos and journal, over the codebook tree. A view like the
//! centre ones: its commands (moving between documents, the codebook's) are defined and
//! handled here.

use super::codebook::Codebook;
use crate::analysis::CoderScope;
use crate::analysis::phases::{DocProgress, is_read};
use crate::edit::{DeletionCounts, DocumentChange, Edit, document_sets};
use crate::model::*;
use crate::ui::command::{CommandSpec, Menu, cmd, key, mods::*, when};
use crate::ui::widgets::coverage_bar;
use crate::ui::{Action, Item, UiCommand, View, ViewCtx, ViewKind};
use egui::{Key, RichText, Ui};
use std::collections::BTreeMap;

/// Open the next or previous document in the navigator's order (Ctrl+PageDown/Up).
pub const NEXT_DOCUMENT: UiCommand = UiCommand::Of(ViewKind::Navigator, "next-document");
pub const PREVIOUS_DOCUMENT: UiCommand = UiCommand::Of(ViewKind::Navigator, "previous-document");
/// The codebook's commands: a new code, renaming the selected one, the codebook's search box.
pub const NEW_CODE: UiCommand = UiCommand::Of(ViewKind::Navigator, "new-code");
pub const RENAME_CODE: UiCommand = UiCommand::Of(ViewKind::Navigator, "rename-code");
pub const FOCUS_CODE_SEARCH: UiCommand = UiCommand::Of(ViewKind::Navigator, "focus-code-search");

fn code_selected(s: &crate::ui::command::CommandState) -> bool {
    s.writable && s.code
}

const COMMANDS: &[CommandSpec] = &[
    cmd(NEXT_DOCUMENT, "Next document", "Open the next document in the navigator")
        .words(&["transcript", "file"])
        .keys(&[key(CMD, Key::PageDown)])
        .menu(Menu::Text, 1)
        .when(when::open),
    cmd(PREVIOUS_DOCUMENT, "Previous document", "Open the previous document in the navigator")
        .words(&["transcript", "file"])
        .keys(&[key(CMD, Key::PageUp)])
        .menu(Menu::Text, 1)
        .when(when::open),
    cmd(NEW_CODE, "New code…", "Add a code to the codebook")
        .words(&["create", "add", "codebook"])
        .keys(&[key(CMD_SHIFT, Key::N)])
        .menu(Menu::Code, 2)
        .when(when::writable),
    cmd(RENAME_CODE, "Rename code…", "Rename the selected code")
        .words(&["name", "edit"])
        .keys(&[key(NONE, Key::F2)])
        .menu(Menu::Code, 2)
        .when(code_selected),
    cmd(FOCUS_CODE_SEARCH, "Search the codebook", "Filter the codebook tree by name")
        .words(&["codes", "filter", "find"])
        .keys(&[key(CMD, Key::L)])
        .menu(Menu::Code, 2)
        .when(when::open),
];

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tab {
    #[default]
    Documents,
    Participants,
    Memos,
}

/// What the folders' figures depend on: every change, and whose reading and coding counts.
type FiguresKey = (u64, CoderScope);

#[derive(Default)]
pub struct Navigator {
    pub tab: Tab,
    /// The document open in the document view, to highlight its row and step from.
    pub open_doc: Option<DocId>,
    /// The codebook, in the lower part of the panel.
    pub codebook: Codebook,
    /// Kinds whose documents are folded away in the list.
    pub folded: Vec<DocKind>,
    /// Each kind's read and coded figures, as of a project revision and coder scope: counting
    /// them asks every document for its codings, which at 2,000 documents cost every frame
    /// of every view.
    progress: Option<(FiguresKey, Vec<(DocKind, DocProgress)>)>,
}

impl View for Navigator {
    fn kind(&self) -> ViewKind {
        ViewKind::Navigator
    }

    /// The lists above, the codebook below (resizable; it starts at a little over half).
    fn ui(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui) {
        let half = (ui.available_height() * 0.55).max(160.0);
        let codebook = &mut self.codebook;
        egui::Panel::bottom("codebook").resizable(true).default_size(half).min_size(120.0).show(ui, |ui| {
            codebook.ui(cx, ui);
        });
        self.lists(cx, ui);
    }

    fn commands(&self) -> &'static [CommandSpec] {
        COMMANDS
    }

    fn on_command(&mut self, command: UiCommand, cx: &mut ViewCtx<'_>) {
        match command {
            NEXT_DOCUMENT | PREVIOUS_DOCUMENT => {
                if let Some(doc) = step_document(cx.project, self.open_doc, command == NEXT_DOCUMENT) {
                    cx.push(Action::OpenDocument { doc, reveal: None, coding: None });
                }
            }
            NEW_CODE => self.codebook.new_code(cx, None),
            RENAME_CODE => {
                if let Some(code) = cx.selection.code() {
                    self.codebook.start_rename(cx.project, code);
                }
            }
            FOCUS_CODE_SEARCH => self.codebook.focus_filter = true,
            _ => {}
        }
    }

    fn on_action(&mut self, action: &Action, project: &Project) {
        match action {
            Action::OpenDocument { doc, .. } => self.open_doc = Some(*doc),
            Action::StartRename(code) => self.codebook.start_rename(project, *code),
            _ => {}
        }
    }
}

/// The document after (or before) `from` in the project's order, wrapping around; the first
/// one when none is open.
fn step_document(p: &Project, from: Option<DocId>, forward: bool) -> Option<DocId> {
    let n = p.documents.len();
    if n == 0 {
        return None;
    }
    let next = match (from.and_then(|d| p.documents.get_index_of(&d)), forward) {
        (None, _) => 0,
        (Some(i), true) => (i + 1) % n,
        (Some(i), false) => (i + n - 1) % n,
    };
    p.documents.get_index(next).map(|(id, _)| *id)
}

impl Navigator {
    fn lists(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui) {
        ui.horizontal(|ui| {
            for (tab, name) in
                [(Tab::Documents, "Documents"), (Tab::Participants, "Participants"), (Tab::Memos, "Memos")]
            {
                if ui.selectable_label(self.tab == tab, name).clicked() {
                    self.tab = tab;
                }
            }
        });
        ui.separator();
        let scroll = egui::ScrollArea::vertical().id_salt("navigator").auto_shrink([false, true]);
        match self.tab {
            Tab::Documents => self.documents(cx, ui, scroll),
            Tab::Participants => {
                scroll.show(ui, |ui| participants(cx, ui));
            }
            Tab::Memos => {
                scroll.show(ui, |ui| memos(cx, ui));
            }
        }
    }

    /// The documents by kind, each kind a header that folds its documents away. Only the rows
    /// in view are laid out (`show_rows`): every frame laid out all 2,000 rows of a 20 M-word
    /// project, about 18 ms a frame in every view.
    fn documents(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, scroll: egui::ScrollArea) {
        enum Row<'a> {
            Kind(DocKind, String),
            Doc(&'a Document),
        }
        let p = cx.project;
        if p.documents.is_empty() {
            ui.label(RichText::new("No documents yet.").color(cx.tokens.weak_text));
            return;
        }
        let key = (p.revisions.all, cx.coders.clone());
        if self.progress.as_ref().is_none_or(|(k, _)| *k != key) {
            // Counted as the phase tracker and `tema info` count, for the status bar's coders.
            let coded = cx.cache.coded_documents(p, &cx.coders);
            self.progress = Some((key, DocProgress::by_kind_with(p, &cx.coders, coded)));
        }
        let figures = self.progress.as_ref().map(|(_, f)| f.as_slice()).unwrap_or_default();
        let mut rows = Vec::with_capacity(p.documents.len() + DocKind::ALL.len());
        for &(kind, progress) in figures {
            if progress.documents == 0 {
                continue;
            }
            let docs = p.documents.values().filter(|d| d.kind() == kind);
            let open = !self.folded.contains(&kind);
            let title = format!(
                "{} {} ({}, {} read)",
                if open { "⏷" } else { "⏵" },
                plural(kind),
                progress.documents,
                progress.read
            );
            rows.push(Row::Kind(kind, title));
            if open {
                rows.extend(docs.map(Row::Doc));
            }
        }
        let row_height = ui.spacing().interact_size.y;
        scroll.show_rows(ui, row_height, rows.len(), |ui, range| {
            for row in &rows[range] {
                match row {
                    Row::Kind(kind, title) => {
                        let r = ui
                            .add(egui::Button::new(RichText::new(title.as_str()).strong()).frame(false))
                            .on_hover_text("Show or hide the documents of this kind");
                        if r.clicked() {
                            if let Some(at) = self.folded.iter().position(|k| k == kind) {
                                self.folded.remove(at);
                            } else {
                                self.folded.push(*kind);
                            }
                        }
                    }
                    Row::Doc(d) => self.document_row(cx, ui, d),
                }
            }
        });
    }

    fn document_row(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, d: &Document) {
        let read = is_read(d, &cx.coders);
        let coverage = cx.cache.coverage(cx.project, d.id, None);
        ui.horizontal(|ui| {
            let hover = if read { "Read (“Mark as read” above the text changes it)" } else { "Not read yet" };
            let (rect, r) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
            if read {
                ui.painter().circle_filled(rect.center(), 4.0, cx.tokens.read_mark);
            } else {
                ui.painter().circle_stroke(rect.center(), 3.5, egui::Stroke::new(1.0, cx.tokens.weak_text));
            }
            r.on_hover_text(hover);
            let open = self.open_doc == Some(d.id);
            // The name takes what the coverage bar and its figure leave, cut short if longer
            // (the hover names it in full): a long name ran under the bar.
            let width = (ui.available_width() - COVERAGE_WIDTH).max(40.0);
            let height = ui.spacing().interact_size.y;
            let r = ui
                .allocate_ui(egui::vec2(width, height), |ui| {
                    ui.add(egui::Button::selectable(open, d.name()).truncate())
                })
                .inner;
            let r = r.on_hover_text(format!(
                "{} · {} · {} words · {:.0}% coded",
                d.name(),
                d.kind().label(),
                d.words,
                coverage * 100.0
            ));
            if r.clicked() {
                cx.push(Action::OpenDocument { doc: d.id, reveal: None, coding: None });
                cx.push(Action::Select(Some(Item::Document(d.id))));
            }
            if !cx.read_only {
                r.context_menu(|ui| document_menu(cx, ui, d));
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.label(
                    RichText::new(format!("{:.0}%", coverage * 100.0))
                        .color(cx.tokens.weak_text)
                        .size(cx.tokens.small_size),
                );
                coverage_bar(ui, cx.tokens, coverage, 40.0).on_hover_text("Share of the text coded");
            });
        });
    }
}

/// The width the coverage bar and its figure take at the end of a document's row.
const COVERAGE_WIDTH: f32 = 90.0;

/// The context menu of a document: details, kind, sets, order and deletion, each one edit.
fn document_menu(cx: &mut ViewCtx<'_>, ui: &mut Ui, d: &Document) {
    let p = cx.project;
    if ui.button("Rename and edit details…").on_hover_text("Name, kind, language, sets and attributes").clicked() {
        cx.push(Action::Select(Some(Item::Document(d.id))));
        ui.close();
    }
    let mut change = DocumentChange::default();
    ui.menu_button("Kind", |ui| {
        for k in DocKind::ALL {
            if ui.selectable_label(d.kind() == k, k.label()).clicked() {
                change.kind = Some(k);
                ui.close();
            }
        }
    });
    let sets = document_sets(p);
    if !sets.is_empty() {
        ui.menu_button("Sets", |ui| {
            for set in &sets {
                let mut member = d.props.in_set(set);
                if ui.checkbox(&mut member, set.as_str()).changed() {
                    if member {
                        change.add_sets.push(set.clone());
                    } else {
                        change.remove_sets.push(set.clone());
                    }
                }
            }
            ui.label(RichText::new("New sets: in the inspector").color(cx.tokens.weak_text));
        });
    }
    let at = p.documents.get_index_of(&d.id).unwrap_or(0);
    ui.horizontal(|ui| {
        if ui.add_enabled(at > 0, egui::Button::new("Move up")).clicked() {
            cx.edit(Edit::MoveDocument { id: d.id, index: at - 1 });
        }
        if ui.add_enabled(at + 1 < p.documents.len(), egui::Button::new("Move down")).clicked() {
            cx.edit(Edit::MoveDocument { id: d.id, index: at + 1 });
        }
    });
    ui.separator();
    ui.menu_button("Delete…", |ui| {
        let counts = DeletionCounts::of(p, d.id);
        ui.label(format!("Delete “{}” with {}?", d.name(), counts.describe()));
        ui.label(RichText::new("Undo brings it all back.").color(cx.tokens.weak_text));
        if ui.button("Delete document").clicked() {
            cx.edit(Edit::RemoveDocument { id: d.id });
            ui.close();
        }
    });
    match change.edit(p, d.id) {
        Ok(Some(edit)) => cx.edit(edit),
        Ok(None) => {}
        Err(e) => cx.push(Action::Status { text: e.to_string(), error: true }),
    }
}

fn plural(kind: DocKind) -> &'static str {
    match kind {
        DocKind::Interview => "Interviews",
        DocKind::FocusGroup => "Focus groups",
        DocKind::FieldNotes => "Field notes",
        DocKind::Other => "Other documents",
    }
}

fn participants(cx: &mut ViewCtx<'_>, ui: &mut Ui) {
    let p = cx.project;
    if p.participants.is_empty() {
        ui.label(RichText::new("No participants yet.").color(cx.tokens.weak_text));
        return;
    }
    let mut groups: BTreeMap<String, Vec<&Participant>> = BTreeMap::new();
    for x in p.participants.values() {
        let g = if x.group().trim().is_empty() { "(no group)".to_string() } else { x.group().to_string() };
        groups.entry(g).or_default().push(x);
    }
    for (group, people) in groups {
        egui::CollapsingHeader::new(format!("{group} ({})", people.len()))
            .id_salt(("group", &group))
            .default_open(true)
            .show(ui, |ui| {
                for x in people {
                    let selected = cx.selection.item == Some(Item::Participant(x.id));
                    let attrs: Vec<String> = x.props.attributes.values().filter(|v| !v.is_empty()).cloned().collect();
                    ui.horizontal(|ui| {
                        if ui.selectable_label(selected, x.label()).clicked() {
                            cx.push(Action::Select(Some(Item::Participant(x.id))));
                        }
                        ui.label(
                            RichText::new(attrs.join(" · ")).color(cx.tokens.weak_text).size(cx.tokens.small_size),
                        );
                    });
                }
            });
    }
}

fn memos(cx: &mut ViewCtx<'_>, ui: &mut Ui) {
    let p = cx.project;
    if ui.button("Open journal and memos").on_hover_text("Show the reflexive journal and all memos").clicked() {
        cx.push(Action::ShowView(ViewKind::Memos));
    }
    let mut journal: Vec<&Memo> = p.memos.values().filter(|m| m.props.target == MemoTarget::Journal).collect();
    journal.sort_by_key(|m| std::cmp::Reverse(m.created));
    ui.label(RichText::new(format!("Journal ({})", journal.len())).strong());
    for m in journal.iter().take(30) {
        let title = if m.props.title.is_empty() { first_line(&m.props.body) } else { m.props.title.clone() };
        let r = ui.selectable_label(
            cx.selection.item == Some(Item::Memo(m.id)),
            format!("{} · {title}", m.created.format("%Y-%m-%d")),
        );
        if r.clicked() {
            cx.push(Action::Select(Some(Item::Memo(m.id))));
            cx.push(Action::ShowView(ViewKind::Memos));
        }
    }
    let others: Vec<&Memo> = p.memos.values().filter(|m| m.props.target != MemoTarget::Journal).collect();
    ui.add_space(6.0);
    ui.label(RichText::new(format!("Memos ({})", others.len())).strong());
    for m in others {
        let r = ui.selectable_label(cx.selection.item == Some(Item::Memo(m.id)), memo_title(p, m));
        if r.clicked() {
            cx.push(Action::Select(Some(Item::Memo(m.id))));
            cx.push(Action::ShowView(ViewKind::Memos));
        }
    }
}

pub fn first_line(s: &str) -> String {
    let line = s.lines().find(|l| !l.trim().is_empty()).unwrap_or_default().trim();
    let mut out: String = line.chars().take(60).collect();
    if line.chars().count() > 60 {
        out.push('…');
    }
    out
}

/// What a memo is about, for lists.
pub fn memo_title(p: &Project, m: &Memo) -> String {
    let about = match m.props.target {
        MemoTarget::Journal => "Journal".to_string(),
        MemoTarget::Document(id) => format!("Document {}", p.documents.get(&id).map(|d| d.name()).unwrap_or("?")),
        MemoTarget::Code(id) => format!("Code {}", p.codes.get(&id).map(|c| c.name()).unwrap_or("?")),
        MemoTarget::Theme(id) => format!("Theme {}", p.themes.get(&id).map(|t| t.name()).unwrap_or("?")),
        MemoTarget::Coding(_) => "Coding".to_string(),
        MemoTarget::Passage { doc, span } => {
            format!("Note on {} at {}–{}", p.documents.get(&doc).map(|d| d.name()).unwrap_or("?"), span.start, span.end)
        }
    };
    let title = if m.props.title.is_empty() { first_line(&m.props.body) } else { m.props.title.clone() };
    if title.is_empty() { about } else { format!("{about}: {title}") }
}
