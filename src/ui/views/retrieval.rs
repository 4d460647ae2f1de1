//! Retrieval: every coded extract of a code (and its children), with speaker, document and
//! coders, filtered by group or attribute and by the status bar's coder scope; context on
//! demand; a jump to the source; "Export extracts…" writes them as CSV, Markdown, Word or JSON.

use crate::analysis::retrieval::{self, Extract, Filter};
use crate::export::extracts::{ExtractsFormat, export_to_file};
use crate::model::*;
use crate::ui::widgets::{Runs, choice, swatch};
use crate::ui::{Action, Item, UiCommand, View, ViewCtx, ViewKind};
use egui::{RichText, Ui};
use std::collections::HashSet;

#[derive(Default)]
pub struct RetrievalView {
    pub code: Option<CodeId>,
    pub filter: Filter,
    /// Extracts shown with their surrounding lines.
    expanded: HashSet<CodingId>,
    cached: Option<((CodeId, u64, Filter), Vec<Extract>)>,
    /// The "Export extracts…" panel, when open.
    export: Option<ExportPanel>,
}

/// Where and how to export the extracts shown.
struct ExportPanel {
    format: ExtractsFormat,
    path: String,
}

impl RetrievalView {
    fn extracts(&mut self, p: &Project, code: CodeId) -> &[Extract] {
        let key = (code, p.revisions.all, self.filter.clone());
        if self.cached.as_ref().is_none_or(|(k, _)| *k != key) {
            self.cached = Some((key, retrieval::extracts(p, code, &self.filter)));
        }
        self.cached.as_ref().map(|(_, v)| v.as_slice()).unwrap_or_default()
    }

    fn filters(&mut self, cx: &ViewCtx<'_>, ui: &mut Ui) {
        let p = cx.project;
        ui.horizontal_wrapped(|ui| {
            ui.checkbox(&mut self.filter.include_children, "Include sub-codes");
            let groups = retrieval::groups(p);
            let current = self.filter.group.clone().unwrap_or_else(|| "All groups".into());
            let l = ui.label("Group");
            egui::ComboBox::from_id_salt("retrieval-group")
                .selected_text(current)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.filter.group, None, "All groups");
                    for g in groups {
                        ui.selectable_value(&mut self.filter.group, Some(g.clone()), g);
                    }
                })
                .response
                .labelled_by(l.id);
            let attrs = retrieval::attributes(p);
            let current =
                self.filter.attribute.as_ref().map(|(k, v)| format!("{k} = {v}")).unwrap_or_else(|| "Any".into());
            let l = ui.label("Attribute");
            egui::ComboBox::from_id_salt("retrieval-attribute")
                .selected_text(current)
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.filter.attribute, None, "Any");
                    for (k, values) in attrs {
                        for v in values {
                            let label = format!("{k} = {v}");
                            ui.selectable_value(&mut self.filter.attribute, Some((k.clone(), v.clone())), label);
                        }
                    }
                })
                .response
                .labelled_by(l.id);
        });
    }

    /// The "Export extracts…" panel: a format and a file; the export runs on a worker.
    fn export_panel(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, code: CodeId, extracts: &[Extract]) {
        let Some(panel) = &mut self.export else { return };
        let p = cx.project;
        let mut close = false;
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                let before = panel.format;
                choice(ui, "extracts-format", "Format", &mut panel.format, &ExtractsFormat::ALL, ExtractsFormat::label);
                if panel.format != before {
                    let path = std::path::Path::new(&panel.path).with_extension(panel.format.extension());
                    panel.path = path.display().to_string();
                }
                let l = ui.label("File");
                ui.add(egui::TextEdit::singleline(&mut panel.path).desired_width(360.0)).labelled_by(l.id);
                if ui.button("Export").clicked() {
                    let path = std::path::PathBuf::from(panel.path.trim());
                    let title = format!("Coded extracts: {} · {}", p.code_path(code), cx.coders.label(p));
                    cx.push(export_job(p.clone(), extracts.to_vec(), title, panel.format, path));
                    close = true;
                }
                if ui.button("Close").clicked() {
                    close = true;
                }
            });
        });
        if close {
            self.export = None;
        }
    }
}

/// The export as a worker job; the status bar says how it went.
fn export_job(
    project: Project,
    extracts: Vec<Extract>,
    title: String,
    format: ExtractsFormat,
    path: std::path::PathBuf,
) -> Action {
    Action::RunJob {
        name: "Export extracts".into(),
        work: Box::new(move |_progress| {
            let (text, error) = match export_to_file(&project, &extracts, &title, format, &path) {
                Ok(()) => (format!("Exported {} extracts to {}", extracts.len(), path.display()), false),
                Err(e) => (format!("Export failed: {e}"), true),
            };
            vec![Action::Status { text, error }]
        }),
    }
}

impl View for RetrievalView {
    fn kind(&self) -> ViewKind {
        ViewKind::Retrieval
    }

    fn ui(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui) {
        if let Some(c) = cx.selection.code() {
            self.code = Some(c);
        }
        let p = cx.project;
        let Some(code) = self.code.and_then(|c| p.codes.get(&c)) else {
            ui.add_space(40.0);
            ui.vertical_centered(|ui| {
                ui.label(
                    RichText::new("Select a code in the codebook to see its coded extracts.")
                        .color(cx.tokens.weak_text),
                )
            });
            return;
        };
        ui.horizontal(|ui| {
            swatch(ui, cx.tokens, code.props.colour, 16.0);
            ui.heading(p.code_path(code.id));
        });
        if !code.props.description.definition.is_empty() {
            ui.label(RichText::new(&code.props.description.definition).italics().color(cx.tokens.weak_text));
        }
        self.filter.coders = cx.coders.clone();
        self.filters(cx, ui);
        let code_id = code.id;
        let extracts = self.extracts(p, code_id).to_vec();
        let docs: HashSet<DocId> = extracts.iter().map(|e| e.doc).collect();
        ui.horizontal(|ui| {
            ui.label(
                RichText::new(format!(
                    "{} extracts from {} documents, coded by {}",
                    extracts.len(),
                    docs.len(),
                    cx.coders.label(p)
                ))
                .strong(),
            );
            let button = ui.add_enabled(!extracts.is_empty(), egui::Button::new("Export extracts…"));
            if button.on_hover_text("Write these extracts as CSV, Markdown, Word or JSON").clicked() {
                let slug: String = code.name().chars().map(|c| if c.is_alphanumeric() { c } else { '-' }).collect();
                // Beside the project folder, not in it: the folder holds only Tema's own files.
                let beside = cx.project_dir.parent().unwrap_or(cx.project_dir);
                let path = beside.join(format!("extracts-{slug}.csv"));
                self.export = Some(ExportPanel { format: ExtractsFormat::Csv, path: path.display().to_string() });
            }
        });
        self.export_panel(cx, ui, code_id, &extracts);
        ui.separator();
        egui::ScrollArea::vertical().id_salt("retrieval").auto_shrink(false).show(ui, |ui| {
            ui.set_max_width(ui.available_width().min(760.0));
            for e in &extracts {
                self.card(cx, ui, e);
            }
        });
    }

    /// "Show coded extracts" with a coding selected (one just made, say) shows its code's.
    fn on_command(&mut self, command: UiCommand, cx: &mut ViewCtx<'_>) {
        let code = cx.selection.coding().and_then(|id| cx.project.codings.get(&id)).map(|c| c.code);
        if let (UiCommand::Show(ViewKind::Retrieval), Some(code)) = (command, code) {
            cx.push(Action::Retrieve(code));
        }
    }

    fn on_action(&mut self, action: &Action, _project: &Project) {
        if let Action::Retrieve(code) = action {
            self.code = Some(*code);
        }
    }
}

impl RetrievalView {
    fn card(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui, e: &Extract) {
        let p = cx.project;
        let t = cx.tokens;
        let Some(doc) = p.documents.get(&e.doc) else { return };
        let people: Vec<String> = e
            .counted(p)
            .map(
                |x| if x.group().is_empty() { x.label().to_string() } else { format!("{} ({})", x.label(), x.group()) },
            )
            .collect();
        let who = if people.is_empty() {
            let speakers = e.speakers_label();
            if speakers.is_empty() { "unattributed".to_string() } else { speakers }
        } else {
            people.join(", ")
        };
        let text = e.text();
        egui::Frame::new().fill(t.page).inner_margin(8.0).corner_radius(4.0).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                ui.label(RichText::new(who).strong());
                ui.label(RichText::new(format!("· {}", doc.name())).color(t.weak_text));
                ui.label(RichText::new(format!("· coded by {}", e.coders_label())).color(t.weak_text));
                if e.code != self.code.unwrap_or(e.code)
                    && let Some(c) = p.codes.get(&e.code)
                {
                    swatch(ui, t, c.props.colour, 10.0);
                    ui.label(RichText::new(c.name()).color(t.weak_text).size(t.small_size));
                }
            });
            let open = self.expanded.contains(&e.coding);
            if open {
                let ctx_span = retrieval::context_span(&doc.text, e.span, 1);
                let before = doc.slice(Span { start: ctx_span.start, end: e.span.start }).unwrap_or_default();
                let after = doc.slice(Span { start: e.span.end, end: ctx_span.end }).unwrap_or_default();
                let mut line = Runs::new(t.body_size - 1.0);
                line.text(before, t.weak_text);
                let colour = p.codes.get(&e.code).map(|c| t.highlight(c.props.colour)).unwrap_or(t.selection);
                line.marked(&text, t.text, colour);
                line.text(after, t.weak_text);
                ui.label(line.job());
            } else {
                ui.label(RichText::new(&text).size(t.body_size - 1.0).color(t.text));
            }
            if !e.comment.is_empty() {
                ui.label(RichText::new(format!("Comment: {}", e.comment)).italics().color(t.weak_text));
            }
            ui.horizontal(|ui| {
                let label = if open { "Less context" } else { "More context" };
                if ui.small_button(label).on_hover_text("Show the lines around the extract").clicked() {
                    if open {
                        self.expanded.remove(&e.coding);
                    } else {
                        self.expanded.insert(e.coding);
                    }
                }
                if ui.small_button("Go to source").on_hover_text("Open the document at this passage").clicked() {
                    cx.push(Action::OpenDocument { doc: e.doc, reveal: Some(e.span), coding: Some(e.coding) });
                    cx.push(Action::Select(Some(Item::Coding(e.coding))));
                    cx.push(Action::ShowView(ViewKind::Document));
                }
                if ui.small_button("Make quote").on_hover_text(super::quotes::MAKE_QUOTE.tooltip()).clicked() {
                    cx.push(Action::Select(Some(Item::Coding(e.coding))));
                    cx.command(super::quotes::MAKE_QUOTE);
                }
            });
        });
        ui.add_space(6.0);
    }
}
