//! The inspector (right panel): the details of what is selected, editable. Text fields keep a
//! draft while they have focus and become one edit when they lose it. A view like the centre
//! ones: its commands (a comment on the selected coding, a note on or a correction of the
//! selected passage, the open document's details and deletion) are defined and handled here.

use crate::edit::{DeletionCounts, DocumentChange, Edit, plan_text_correction};
use crate::model::*;
use crate::ui::command::{CommandSpec, Menu, cmd, key, mods::NONE, when};
use crate::ui::widgets::{PALETTE_NAMES, labelled_line, swatch};
use crate::ui::{Action, Item, TextSel, UiCommand, View, ViewCtx, ViewKind};
use egui::{Id, Key, RichText, Ui};
use std::collections::HashMap;

/// Put the keyboard in the selected coding's comment (M).
pub const COMMENT_ON_CODING: UiCommand = UiCommand::Of(ViewKind::Inspector, "comment-on-coding");
/// The "Correct text" form for the selected passage.
pub const CORRECT_TEXT: UiCommand = UiCommand::Of(ViewKind::Inspector, "correct-text");
/// A note anchored to the selected passage.
pub const ADD_NOTE: UiCommand = UiCommand::Of(ViewKind::Inspector, "add-note");
/// The open document's details, to edit; and its deletion (asks first).
pub const EDIT_DOCUMENT: UiCommand = UiCommand::Of(ViewKind::Inspector, "edit-document");
pub const DELETE_DOCUMENT: UiCommand = UiCommand::Of(ViewKind::Inspector, "delete-document");

const COMMANDS: &[CommandSpec] = &[
    cmd(COMMENT_ON_CODING, "Comment on coding", "Write a comment on the selected coding")
        .words(&["note", "remark"])
        .keys(&[key(NONE, Key::M)])
        .menu(Menu::Code, 1)
        .when(when::coding),
    cmd(
        CORRECT_TEXT,
        "Correct selected text…",
        "Fix a transcription error in the selected text; shows the codings it touches first",
    )
    .words(&["fix", "typo", "transcription", "edit"])
    .menu(Menu::Text, 3)
    .when(when::text),
    cmd(
        ADD_NOTE,
        "Note on selected passage",
        "Write a note anchored to the selected passage (shown in the margin, listed with memos)",
    )
    .words(&["annotate", "comment", "memo"])
    .menu(Menu::Text, 3)
    .when(when::text),
    cmd(EDIT_DOCUMENT, "Document details…", "Rename the open document, change its kind, language, sets and attributes")
        .words(&["rename", "attributes", "properties", "sets", "language"])
        .menu(Menu::Text, 3)
        .when(when::writable_document),
    cmd(
        DELETE_DOCUMENT,
        "Delete document…",
        "Delete the open document with its codings (asks first; undo brings it back)",
    )
    .words(&["remove", "transcript"])
    .menu(Menu::Text, 3)
    .when(when::writable_document),
];

#[derive(Default)]
pub struct Inspector {
    drafts: HashMap<Id, String>,
    /// Put the keyboard in the coding's comment field next frame.
    pub focus_comment: bool,
    /// A new participant being described for one speaker of a document.
    new_speaker: Option<NewSpeaker>,
    /// The "Correct text" form for the selected passage: (passage, draft of its new text).
    correction: Option<(TextSel, String)>,
    /// The document whose deletion waits for a second click, with what goes with it.
    confirm_delete: Option<(DocId, DeletionCounts)>,
    /// A new document attribute being typed: (key, value).
    new_attribute: (String, String),
    /// The document open in the document view (what "Document details…" is about).
    open_doc: Option<DocId>,
}

impl View for Inspector {
    fn kind(&self) -> ViewKind {
        ViewKind::Inspector
    }

    fn ui(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui) {
        self.details(cx, ui);
    }

    fn commands(&self) -> &'static [CommandSpec] {
        COMMANDS
    }

    fn on_command(&mut self, command: UiCommand, cx: &mut ViewCtx<'_>) {
        let sel = cx.selection.text;
        match (command, sel, self.open_doc) {
            (COMMENT_ON_CODING, ..) => self.focus_comment = true,
            (CORRECT_TEXT, Some(sel), _) => self.start_correction(cx.project, sel),
            (ADD_NOTE, Some(sel), _) => add_note(cx, sel),
            (EDIT_DOCUMENT | DELETE_DOCUMENT, _, Some(doc)) => {
                cx.push(Action::Select(Some(Item::Document(doc))));
                if command == DELETE_DOCUMENT {
                    self.ask_delete(cx.project, doc);
                }
            }
            _ => {}
        }
    }

    fn on_action(&mut self, action: &Action, _project: &Project) {
        match action {
            Action::OpenDocument { doc, .. } => self.open_doc = Some(*doc),
            Action::FocusComment => self.focus_comment = true,
            _ => {}
        }
    }
}

/// Adds an empty note on the passage and selects it, for the inspector to edit.
fn add_note(cx: &mut ViewCtx<'_>, sel: TextSel) {
    let memo = passage_note(sel, cx.coder);
    let id = memo.id;
    // Added first, then selected: a selection of a memo not yet there is dropped.
    cx.edit(Edit::AddMemo { memo, index: None });
    cx.push(Action::Select(Some(Item::Memo(id))));
}

/// The form for "this speaker is someone not in the project yet".
#[derive(Clone, Debug)]
struct NewSpeaker {
    doc: DocId,
    speaker: String,
    label: String,
    group: String,
}

impl Inspector {
    /// A labelled text field bound to `current`; returns the new text once the field loses
    /// focus with a changed value.
    fn field(
        &mut self,
        ui: &mut Ui,
        label: &str,
        key: impl std::hash::Hash + std::fmt::Debug,
        current: &str,
        rows: usize,
    ) -> Option<String> {
        let id = Id::unique(("inspector-field", label, key));
        crate::ui::widgets::draft_field(ui, &mut self.drafts, id, label, current, rows)
    }

    fn details(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui) {
        egui::ScrollArea::vertical().id_salt("inspector").auto_shrink([false, false]).show(ui, |ui| {
            if let Some(sel) = cx.selection.text {
                self.text_selection(cx, ui, sel.span);
                self.passage_tools(cx, ui, sel);
                ui.separator();
            }
            match cx.selection.item {
                Some(Item::Code(id)) => self.code(cx, ui, id),
                Some(Item::Coding(id)) => self.coding(cx, ui, id),
                Some(Item::Document(id)) => self.document(cx, ui, id),
                Some(Item::Participant(id)) => participant(cx, ui, id),
                Some(Item::Memo(id)) => self.memo(cx, ui, id),
                Some(Item::Theme(id)) => super::themes::inspector(cx, ui, id),
                None if cx.selection.text.is_none() => {
                    ui.label(
                        RichText::new("Select a passage, a code or a document to see it here.")
                            .color(cx.tokens.weak_text),
                    );
                }
                None => {}
            }
        });
    }

    fn text_selection(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, span: Span) {
        ui.label(RichText::new(format!("{} characters selected", span.len())).strong());
        let keys = format!(
            "{} to pick a code · {} in vivo · 1–9 recent codes",
            UiCommand::CodeSelection.shortcut_text(ui.ctx()),
            UiCommand::InVivoCode.shortcut_text(ui.ctx())
        );
        ui.label(RichText::new(keys).color(cx.tokens.weak_text).size(cx.tokens.small_size));
        ui.horizontal(|ui| {
            if ui
                .add_enabled(!cx.read_only, egui::Button::new("Code…"))
                .on_hover_text(UiCommand::CodeSelection.hover_text(ui.ctx()))
                .clicked()
            {
                cx.command(UiCommand::CodeSelection);
            }
            if ui
                .add_enabled(!cx.read_only, egui::Button::new("In vivo"))
                .on_hover_text(UiCommand::InVivoCode.hover_text(ui.ctx()))
                .clicked()
            {
                cx.command(UiCommand::InVivoCode);
            }
        });
        for (n, code) in cx.recent_codes.iter().take(9).enumerate() {
            let Some(c) = cx.project.codes.get(code) else { continue };
            ui.horizontal(|ui| {
                ui.label(RichText::new(format!("{}", n + 1)).monospace().color(cx.tokens.weak_text));
                swatch(ui, cx.tokens, c.props.colour, 12.0);
                if ui
                    .add_enabled(!cx.read_only, egui::Button::new(c.name()).frame(false))
                    .on_hover_text(format!("Apply “{}” (key {})", c.name(), n + 1))
                    .clicked()
                {
                    cx.push(Action::ApplyCode(*code));
                }
            });
        }
    }

    fn code(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, id: CodeId) {
        let p = cx.project;
        let Some(code) = p.codes.get(&id) else { return };
        let rows = cx.code_rows();
        let row = rows.rows.iter().find(|r| r.id == id).filter(|_| !rows.counting);
        ui.horizontal(|ui| {
            swatch(ui, cx.tokens, code.props.colour, 16.0);
            ui.heading(code.name());
        });
        if code.parent.is_some() {
            ui.label(RichText::new(p.code_path(id)).color(cx.tokens.weak_text));
        }
        if let Some(r) = row {
            ui.label(format!("{} codings ({} with sub-codes)", r.own, r.total));
        }
        ui.horizontal(|ui| {
            if ui.button("Show coded extracts").clicked() {
                cx.push(Action::Retrieve(id));
                cx.push(Action::ShowView(ViewKind::Retrieval));
            }
            if ui.button("Merge into…").clicked() {
                cx.push(Action::PickMergeTarget(id));
            }
            if ui.button(RichText::new("Delete…").color(cx.tokens.danger)).clicked() {
                cx.push(Action::ConfirmDeleteCode(id));
            }
        });
        ui.add_space(6.0);
        if let Some(name) = self.field(ui, "Name", id, code.name(), 1) {
            cx.edit(Edit::UpdateCode { id, props: CodeProps { name, ..code.props.clone() } });
        }
        ui.label(RichText::new("Colour").strong());
        ui.horizontal_wrapped(|ui| {
            for (i, colour) in PALETTE.iter().enumerate() {
                let r =
                    swatch(ui, cx.tokens, *colour, 18.0).interact(egui::Sense::click()).on_hover_text(PALETTE_NAMES[i]);
                r.widget_info(|| {
                    egui::WidgetInfo::labeled(egui::Role::Button, true, format!("Colour {}", PALETTE_NAMES[i]))
                });
                if *colour == code.props.colour {
                    ui.painter().rect_stroke(
                        r.rect,
                        3.0,
                        egui::Stroke::new(2.0, cx.tokens.focus),
                        egui::StrokeKind::Inside,
                    );
                }
                if r.clicked() && *colour != code.props.colour {
                    cx.edit(Edit::UpdateCode { id, props: CodeProps { colour: *colour, ..code.props.clone() } });
                }
            }
        });
        let d = &code.props.description;
        let fields = [
            ("Definition", &d.definition),
            ("Include when", &d.inclusion),
            ("Exclude when", &d.exclusion),
            ("Example", &d.example),
        ];
        for (n, (label, current)) in fields.into_iter().enumerate() {
            if let Some(text) = self.field(ui, label, id, current, 3) {
                let mut props = code.props.clone();
                let slot = match n {
                    0 => &mut props.description.definition,
                    1 => &mut props.description.inclusion,
                    2 => &mut props.description.exclusion,
                    _ => &mut props.description.example,
                };
                *slot = text;
                cx.edit_coalescing(Edit::UpdateCode { id, props }, format!("describe-{id}"));
            }
        }
        self.memo_on(cx, ui, MemoTarget::Code(id));
    }

    fn coding(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, id: CodingId) {
        let p = cx.project;
        let Some(c) = p.codings.get(&id) else { return };
        let Some(doc) = p.documents.get(&c.doc) else { return };
        ui.label(RichText::new("Coding").weak());
        if let Some(code) = p.codes.get(&c.code) {
            ui.horizontal(|ui| {
                swatch(ui, cx.tokens, code.props.colour, 16.0);
                ui.heading(p.code_path(code.id));
            });
        }
        let coder = p.coders.get(&c.coder).map(|k| k.name.as_str()).unwrap_or("?");
        let who = doc.turn_at(c.span.start).map(|t| t.speaker.clone()).unwrap_or_default();
        ui.label(
            RichText::new(format!("{} · {who} · coded by {coder} on {}", doc.name(), c.created.format("%Y-%m-%d")))
                .color(cx.tokens.weak_text),
        );
        let text = doc.slice(c.span).unwrap_or_default();
        egui::Frame::new().fill(cx.tokens.page).inner_margin(6.0).corner_radius(4.0).show(ui, |ui| {
            let shown: String = text.chars().take(600).collect();
            ui.label(if text.chars().count() > 600 { format!("{shown}…") } else { shown });
        });
        ui.horizontal(|ui| {
            if ui.button("Go to passage").clicked() {
                cx.push(Action::OpenDocument { doc: c.doc, reveal: Some(c.span), coding: Some(id) });
                cx.push(Action::ShowView(ViewKind::Document));
            }
            let fit = cx.selection.text.is_some_and(|t| t.doc == c.doc);
            let hover = UiCommand::FitCodingToSelection.hover_text(ui.ctx());
            if ui
                .add_enabled(fit && !cx.read_only, egui::Button::new("Fit to selection"))
                .on_hover_text(hover)
                .clicked()
            {
                cx.command(UiCommand::FitCodingToSelection);
            }
            let hover = UiCommand::RemoveCoding.hover_text(ui.ctx());
            if ui
                .add_enabled(!cx.read_only, egui::Button::new(RichText::new("Remove coding").color(cx.tokens.danger)))
                .on_hover_text(hover)
                .clicked()
            {
                cx.command(UiCommand::RemoveCoding);
            }
        });
        ui.label(
            RichText::new("Drag the handles at either end of the highlight to change where it starts or ends.")
                .color(cx.tokens.weak_text)
                .size(cx.tokens.small_size),
        );
        if self.focus_comment {
            ui.ctx().memory_mut(|m| m.request_focus(Id::unique(("inspector-field", "Comment", id))));
            self.focus_comment = false;
        }
        if let Some(comment) = self.field(ui, "Comment", id, &c.comment, 3) {
            cx.edit(Edit::UpdateCoding { id, props: CodingProps { comment, ..c.props() } });
        }
    }

    /// Opens the "Correct text" form for a passage (the palette's "Correct selected text…").
    pub fn start_correction(&mut self, p: &Project, sel: TextSel) {
        let text = p.documents.get(&sel.doc).and_then(|d| d.slice(sel.span)).unwrap_or_default();
        self.correction = Some((sel, text.to_string()));
    }

    /// Asks to confirm deleting a document (the palette's "Delete document…").
    pub fn ask_delete(&mut self, p: &Project, doc: DocId) {
        self.confirm_delete = Some((doc, DeletionCounts::of(p, doc)));
    }

    /// "Add note" and "Correct text…" for a selected passage. The correction shows which
    /// codings it touches (clamped or removed) before it is applied as one undoable edit.
    fn passage_tools(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, sel: TextSel) {
        let Some(d) = cx.project.documents.get(&sel.doc) else { return };
        let selected = d.slice(sel.span).unwrap_or_default().to_string();
        ui.horizontal(|ui| {
            if ui.add_enabled(!cx.read_only, egui::Button::new("Add note")).on_hover_text(ADD_NOTE.tooltip()).clicked()
            {
                add_note(cx, sel);
            }
            if ui
                .add_enabled(!cx.read_only, egui::Button::new("Correct text…"))
                .on_hover_text(CORRECT_TEXT.tooltip())
                .clicked()
            {
                self.start_correction(cx.project, sel);
            }
        });
        let Some((at, draft)) = &mut self.correction else { return };
        if *at != sel {
            self.correction = None;
            return;
        }
        let l = ui.label(RichText::new("Corrected text").strong());
        let r = ui.add(egui::TextEdit::multiline(draft).desired_rows(2).desired_width(f32::INFINITY)).labelled_by(l.id);
        r.on_hover_text("The selected passage is replaced by this text");
        let change = TextChange { span: sel.span, text: draft.clone() };
        let plan = plan_text_correction(cx.project, sel.doc, vec![change]);
        let mut apply = None;
        match &plan {
            Ok(c) => {
                if c.touched.is_empty() {
                    ui.label(RichText::new("No coding touches this passage.").color(cx.tokens.weak_text));
                }
                for t in &c.touched {
                    let Some(coding) = cx.project.codings.get(&t.coding) else { continue };
                    let code = cx.project.codes.get(&coding.code).map(|c| c.name()).unwrap_or("?");
                    let what = match t.after {
                        Some(s) => {
                            format!("“{code}” [{}, {}) becomes [{}, {})", t.before.start, t.before.end, s.start, s.end)
                        }
                        None => format!("“{code}” [{}, {}) is removed", t.before.start, t.before.end),
                    };
                    ui.label(RichText::new(what).color(cx.tokens.weak_text));
                }
                if c.quotes + c.turns > 0 {
                    ui.label(
                        RichText::new(format!("{} quotes and {} speaker turns adjusted", c.quotes, c.turns))
                            .color(cx.tokens.weak_text),
                    );
                }
            }
            Err(e) => {
                ui.label(RichText::new(e.to_string()).color(cx.tokens.danger));
            }
        }
        let ok = plan.is_ok() && *draft != selected;
        let mut cancel = false;
        ui.horizontal(|ui| {
            if ui.add_enabled(ok && !cx.read_only, egui::Button::new("Apply correction")).clicked() {
                apply = plan.ok().map(|c| c.edit);
            }
            cancel = ui.button("Cancel correction").clicked();
        });
        if cancel {
            self.correction = None;
        }
        if let Some(edit) = apply {
            cx.edit(edit);
            self.correction = None;
        }
    }

    fn document(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, id: DocId) {
        let p = cx.project;
        let Some(d) = p.documents.get(&id) else { return };
        ui.heading(d.name());
        ui.label(format!("{} · {} words · {} speaker turns", d.kind().label(), d.words, d.turns.len()));
        self.document_props(cx, ui, id);
        let coverage = cx.cache.coverage(p, id, None);
        ui.label(format!("{:.0}% of the text coded · {} codings", coverage * 100.0, p.codings_of_doc(id).count()));
        let readers: Vec<&str> = d.read_by.iter().filter_map(|c| p.coders.get(c)).map(|c| c.name.as_str()).collect();
        ui.label(if readers.is_empty() {
            "Not marked read by anyone".to_string()
        } else {
            format!("Read by {}", readers.join(", "))
        });
        if let Some(src) = &d.source {
            ui.label(RichText::new(format!("From {} ({})", src.file_name, src.format)).color(cx.tokens.weak_text));
        }
        self.speakers(cx, ui, id);
        self.memo_on(cx, ui, MemoTarget::Document(id));
        ui.add_space(8.0);
        self.delete_document(cx, ui, id);
    }

    /// Name, kind, language, sets and attributes of a document, each change one edit.
    fn document_props(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, id: DocId) {
        let p = cx.project;
        let Some(d) = p.documents.get(&id) else { return };
        let mut change = DocumentChange::default();
        if let Some(name) = self.field(ui, "Name", ("doc-name", id), d.name(), 1) {
            change.name = Some(name);
        }
        ui.horizontal(|ui| {
            ui.label(RichText::new("Kind").strong());
            let r = egui::ComboBox::from_id_salt(("doc-kind", id)).selected_text(d.kind().label()).show_ui(ui, |ui| {
                for k in DocKind::ALL {
                    if ui.selectable_label(d.kind() == k, k.label()).clicked() && k != d.kind() {
                        change.kind = Some(k);
                    }
                }
            });
            r.response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::ComboBox, true, "Kind"));
        });
        ui.horizontal(|ui| {
            ui.label(RichText::new("Language").strong());
            let project = p.settings.language;
            let shown = match d.props.language {
                Some(l) => l.label().to_string(),
                None => format!("{} (project)", project.label()),
            };
            egui::ComboBox::from_id_salt(("doc-language", id))
                .selected_text(shown)
                .show_ui(ui, |ui| {
                    let label = format!("As the project ({})", project.label());
                    if ui.selectable_label(d.props.language.is_none(), label).clicked() && d.props.language.is_some() {
                        change.language = Some(None);
                    }
                    for l in Language::ALL {
                        if ui.selectable_label(d.props.language == Some(l), l.label()).clicked()
                            && d.props.language != Some(l)
                        {
                            change.language = Some(Some(l));
                        }
                    }
                })
                .response
                .on_hover_text("The language the document's words are stemmed in for search")
                .widget_info(|| egui::WidgetInfo::labeled(egui::Role::ComboBox, true, "Language"));
        });
        let sets = d.props.sets.join(", ");
        if let Some(text) = self.field(ui, "Sets (comma-separated)", ("doc-sets", id), &sets, 1) {
            let wanted: Vec<String> =
                text.split([',', ';']).map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect();
            change.remove_sets = d.props.sets.clone();
            change.add_sets = wanted;
        }
        ui.label(RichText::new("Attributes").strong());
        let attrs: Vec<(String, String)> = d.props.metadata.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        for (k, v) in attrs {
            if let Some(value) = self.field(ui, &k, ("doc-attr", id), &v, 1) {
                change.attributes.push((k.clone(), value));
            }
        }
        let mut add = false;
        ui.horizontal(|ui| {
            let (key, value) = &mut self.new_attribute;
            ui.add(egui::TextEdit::singleline(key).hint_text("attribute").desired_width(80.0));
            ui.add(egui::TextEdit::singleline(value).hint_text("value").desired_width(100.0));
            add = ui
                .add_enabled(!key.trim().is_empty() && !value.trim().is_empty(), egui::Button::new("Add"))
                .on_hover_text("Add a document attribute (date, interviewer, site...)")
                .clicked();
        });
        if add {
            let (key, value) = std::mem::take(&mut self.new_attribute);
            change.attributes.push((key.trim().to_string(), value.trim().to_string()));
        }
        match change.edit(p, id) {
            Ok(Some(edit)) if !cx.read_only => cx.edit(edit),
            Ok(_) => {}
            Err(e) => cx.push(Action::Status { text: e.to_string(), error: true }),
        }
    }

    /// "Delete document…": a second click confirms, naming what goes with it.
    fn delete_document(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, id: DocId) {
        if self.confirm_delete.is_some_and(|(d, _)| d != id) {
            self.confirm_delete = None;
        }
        match self.confirm_delete {
            None => {
                if ui
                    .add_enabled(!cx.read_only, egui::Button::new("Delete document…"))
                    .on_hover_text("Delete the document with its codings, quotes and memos (undoable)")
                    .clicked()
                {
                    self.confirm_delete = Some((id, DeletionCounts::of(cx.project, id)));
                }
            }
            Some((_, counts)) => {
                ui.label(format!("Delete this document with {}? Undo brings it all back.", counts.describe()));
                ui.horizontal(|ui| {
                    if ui.button("Delete").clicked() {
                        cx.edit(Edit::RemoveDocument { id });
                        self.confirm_delete = None;
                    }
                    if ui.button("Keep it").clicked() {
                        self.confirm_delete = None;
                    }
                });
            }
        }
    }

    /// Who each speaker of the document is: the transcript's names ("Speaker 1", "Kari")
    /// with the participant their turns count for, changeable in one step per speaker.
    fn speakers(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, id: DocId) {
        let p = cx.project;
        let Some(d) = p.documents.get(&id) else { return };
        let speakers = d.speakers();
        if speakers.is_empty() {
            return;
        }
        ui.add_space(8.0);
        ui.label(RichText::new("Speakers").strong());
        let mut choice: Option<(String, Option<ParticipantId>)> = None;
        egui::Grid::new(("speakers", id)).num_columns(3).spacing([8.0, 4.0]).show(ui, |ui| {
            for s in &speakers {
                let l = ui.label(&s.label);
                ui.label(RichText::new(format!("{} turns", s.turns)).color(cx.tokens.weak_text));
                let current = match s.participants.as_slice() {
                    [Some(x)] => p.participants.get(x).map_or("?".to_string(), |x| x.label().to_string()),
                    [None] => "not attributed".to_string(),
                    _ => "mixed".to_string(),
                };
                let r = egui::ComboBox::from_id_salt(("speaker-is", id, &s.label))
                    .selected_text(current)
                    .height(420.0)
                    .show_ui(ui, |ui| {
                        if ui.selectable_label(s.participants == [None], "Nobody").clicked() {
                            choice = Some((s.label.clone(), None));
                        }
                        if ui.selectable_label(false, "New participant…").clicked() {
                            self.new_speaker = Some(NewSpeaker {
                                doc: id,
                                speaker: s.label.clone(),
                                label: String::new(),
                                group: String::new(),
                            });
                        }
                        ui.separator();
                        for x in p.participants.values() {
                            let name = if x.group().is_empty() {
                                x.label().to_string()
                            } else {
                                format!("{} ({})", x.label(), x.group())
                            };
                            if ui.selectable_label(s.participants == [Some(x.id)], name).clicked() {
                                choice = Some((s.label.clone(), Some(x.id)));
                            }
                        }
                    })
                    .response;
                let r = r.labelled_by(l.id);
                r.widget_info(|| egui::WidgetInfo::labeled(egui::Role::ComboBox, true, format!("Who is {}", s.label)));
                ui.end_row();
            }
        });
        if !cx.read_only
            && let Some((label, who)) = choice
            && let Some(turns) = d.turns_with_speaker(&label, who)
        {
            cx.edit(Edit::SetTurns { id, turns });
        }
        self.new_speaker_form(cx, ui, id);
    }

    /// Adds a participant for one speaker and attributes the speaker's turns to them, as one
    /// undoable step.
    fn new_speaker_form(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, id: DocId) {
        let Some(form) = self.new_speaker.as_mut().filter(|f| f.doc == id) else { return };
        ui.add_space(4.0);
        ui.label(RichText::new(format!("A new participant for “{}”", form.speaker)).color(cx.tokens.weak_text));
        let mut add = false;
        let mut cancel = false;
        egui::Grid::new(("new-speaker", id)).num_columns(2).show(ui, |ui| {
            labelled_line(ui, "Label", &mut form.label, "J7", 120.0);
            ui.end_row();
            labelled_line(ui, "Group", &mut form.group, "jobseeker", 120.0);
            ui.end_row();
        });
        let label = form.label.trim().to_string();
        let taken = cx.project.participant_by_label(&label).is_some();
        if taken {
            ui.label(RichText::new(format!("There is already a participant {label}")).color(cx.tokens.danger));
        }
        ui.horizontal(|ui| {
            add = ui
                .add_enabled(!label.is_empty() && !taken && !cx.read_only, egui::Button::new("Add and attribute"))
                .clicked();
            cancel = ui.button("Cancel").clicked();
        });
        if add {
            match crate::edit::participant_for_speaker(cx.project, id, &form.speaker, &label, &form.group) {
                Ok(edit) => cx.edit(edit),
                Err(e) => cx.push(Action::Status { text: e.to_string(), error: true }),
            }
            self.new_speaker = None;
        } else if cancel {
            self.new_speaker = None;
        }
    }

    fn memo(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, id: MemoId) {
        let p = cx.project;
        let Some(m) = p.memos.get(&id) else { return };
        ui.heading(crate::ui::views::navigator::memo_title(p, m));
        ui.label(RichText::new(format!("Written {}", m.created.format("%Y-%m-%d %H:%M"))).color(cx.tokens.weak_text));
        if let Some(title) = self.field(ui, "Title", id, &m.props.title, 1) {
            cx.edit(Edit::UpdateMemo {
                id,
                props: MemoProps { title, modified: chrono::Utc::now(), ..m.props.clone() },
            });
        }
        if let Some(body) = self.field(ui, "Text", id, &m.props.body, 10) {
            cx.edit_coalescing(
                Edit::UpdateMemo { id, props: MemoProps { body, modified: chrono::Utc::now(), ..m.props.clone() } },
                format!("memo-{id}"),
            );
        }
    }

    /// The memo on a document or code: edit it, or start it.
    fn memo_on(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, target: MemoTarget) {
        ui.add_space(8.0);
        let existing = cx.project.memos.values().find(|m| m.props.target == target);
        let current = existing.map(|m| m.props.body.as_str()).unwrap_or_default();
        let Some(body) = self.field(ui, "Memo", target, current, 6) else { return };
        let now = chrono::Utc::now();
        match existing {
            Some(m) => {
                let props = MemoProps { body, modified: now, ..m.props.clone() };
                cx.edit_coalescing(Edit::UpdateMemo { id: m.id, props }, format!("memo-{}", m.id));
            }
            None => {
                let memo = Memo {
                    id: MemoId::new(),
                    created: now,
                    author: cx.coder,
                    props: MemoProps { target, title: String::new(), body, modified: now },
                };
                cx.edit(Edit::AddMemo { memo, index: None });
            }
        }
    }
}

/// A new, empty note on a passage, by `author`.
pub fn passage_note(sel: TextSel, author: Option<CoderId>) -> Memo {
    let now = chrono::Utc::now();
    Memo {
        id: MemoId::new(),
        created: now,
        author,
        props: MemoProps {
            target: MemoTarget::Passage { doc: sel.doc, span: sel.span },
            title: String::new(),
            body: String::new(),
            modified: now,
        },
    }
}

fn participant(cx: &mut ViewCtx<'_>, ui: &mut Ui, id: ParticipantId) {
    let p = cx.project;
    let Some(x) = p.participants.get(&id) else { return };
    ui.heading(x.label());
    if !x.group().is_empty() {
        ui.label(x.group());
    }
    egui::Grid::new("participant-attributes").num_columns(2).striped(true).show(ui, |ui| {
        for (k, v) in &x.props.attributes {
            ui.label(RichText::new(k).color(cx.tokens.weak_text));
            ui.label(v);
            ui.end_row();
        }
        if !x.props.aliases.is_empty() {
            ui.label(RichText::new("also called").color(cx.tokens.weak_text));
            ui.label(x.props.aliases.join(", "));
            ui.end_row();
        }
    });
    ui.add_space(6.0);
    ui.label(RichText::new("Speaks in").strong());
    for d in p.documents.values() {
        let turns = d.turns.iter().filter(|t| t.participant == Some(id)).count();
        if turns > 0 && ui.link(format!("{} ({turns} turns)", d.name())).clicked() {
            cx.push(Action::OpenDocument { doc: d.id, reveal: None, coding: None });
            cx.push(Action::ShowView(ViewKind::Document));
        }
    }
}
