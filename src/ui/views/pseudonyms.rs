//! The Pseudonymise view: the candidates `pseudo::scan` finds (on a worker, with progress),
//! each with its count, forms and contexts and a replacement to edit or reject; words and
//! patterns to add; then Apply in place (one undoable step), Make a copy (a new folder) and
//! Verify. Every decision is the core's (`pseudo::plan`, `write_copy`, `verify`); the view
//! holds the table and turns clicks into jobs and edits.

use crate::model::Project;
use crate::progress::Progress;
use crate::pseudo::{self, Candidate, Map, MapEntry, ScanOptions, Verification, key};
use crate::ui::widgets::labelled_line;
use crate::ui::{Action, View, ViewCtx, ViewKind};
use egui::{RichText, Ui};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

struct Row {
    candidate: Candidate,
    replacement: String,
    rejected: bool,
}

/// What a worker hands back.
enum Payload {
    Scanned { revision: u64, result: Result<pseudo::Scan, String> },
    Done { message: String, error: bool, report: Option<(PathBuf, Verification)> },
}

#[derive(Default)]
pub struct PseudonymsView {
    rows: Vec<Row>,
    /// The corpus revision the table was scanned at (or is being scanned at).
    scanned: Option<u64>,
    scanning: bool,
    words: Vec<String>,
    patterns: Vec<String>,
    new_word: String,
    new_pattern: String,
    selected: Option<usize>,
    key_path: String,
    copy_dir: String,
    summary: Option<(usize, usize)>,
    message: Option<(String, bool)>,
    report: Option<(PathBuf, Verification)>,
}

fn payload(p: Payload) -> Action {
    Action::ToView { view: ViewKind::Pseudonyms, payload: Box::new(Mutex::new(Some(p))) }
}

impl PseudonymsView {
    fn start_scan(&mut self, cx: &mut ViewCtx<'_>) {
        let revision = cx.project.revisions.corpus;
        self.scanned = Some(revision);
        self.scanning = true;
        let project: Arc<Project> = Arc::new(cx.project.clone());
        let options = ScanOptions { words: self.words.clone(), patterns: self.patterns.clone(), ..Default::default() };
        cx.push(Action::RunJob {
            name: "Looking for names".into(),
            work: Box::new(move |progress: &Progress| {
                let result = pseudo::scan(&project, &options, progress).map_err(|e| e.to_string());
                vec![payload(Payload::Scanned { revision, result })]
            }),
        });
    }

    fn take_scan(&mut self, scan: pseudo::Scan) {
        // Decisions already made survive a new scan.
        let old: HashMap<String, (String, bool)> =
            self.rows.drain(..).map(|r| (key(&r.candidate.original), (r.replacement, r.rejected))).collect();
        self.summary = Some((scan.documents, scan.words));
        self.rows = scan
            .candidates
            .into_iter()
            .map(|c| {
                let (replacement, rejected) =
                    old.get(&key(&c.original)).cloned().unwrap_or((c.suggestion.clone(), false));
                Row { candidate: c, replacement, rejected }
            })
            .collect();
        self.selected = self.selected.filter(|i| *i < self.rows.len());
    }

    /// The map of the rows that are not rejected.
    fn map(&self) -> Map {
        Map {
            entries: self
                .rows
                .iter()
                .filter(|r| !r.rejected)
                .map(|r| MapEntry {
                    original: r.candidate.original.clone(),
                    replacement: r.replacement.trim().to_string(),
                    kind: Some(r.candidate.kind),
                })
                .collect(),
        }
    }

    /// The map, checked, and the key's path; or why not.
    fn ready(&self) -> Result<(Map, PathBuf), String> {
        let map = self.map();
        if map.entries.is_empty() {
            return Err("Nothing to replace: every candidate is rejected.".into());
        }
        map.check().map_err(|e| e.to_string())?;
        if self.key_path.trim().is_empty() {
            return Err("Write where the key goes (a CSV file outside the project) first.".into());
        }
        Ok((map, PathBuf::from(self.key_path.trim())))
    }

    fn apply_in_place(&mut self, cx: &mut ViewCtx<'_>) {
        let (map, key_file) = match self.ready() {
            Ok(x) => x,
            Err(e) => return self.message = Some((e, true)),
        };
        let project: Arc<Project> = Arc::new(cx.project.clone());
        let dir = cx.project_dir.to_path_buf();
        cx.push(Action::RunJob {
            name: "Pseudonymising".into(),
            work: Box::new(move |progress: &Progress| {
                let planned = pseudo::plan(&project, &map, progress)
                    .and_then(|plan| pseudo::write_key(&key_file, &plan.key, &[&dir]).map(|_| plan));
                match planned {
                    Ok(plan) => {
                        let mut out = Vec::new();
                        let message = match plan.edit {
                            Some(edit) => {
                                out.push(Action::Edit { edit, coalesce: None });
                                out.push(Action::RewriteTrail(map.clone()));
                                format!(
                                    "Replaced {} occurrences in {} documents; the key is in {}. Undo takes it back \
                                     until the project is saved: saving (Ctrl+S, or after a pause) clears the undo \
                                     history and the journal, so the originals leave the folder.",
                                    plan.replaced,
                                    plan.documents,
                                    key_file.display()
                                )
                            }
                            None => "None of the originals occurs in the project.".into(),
                        };
                        let message = match plan.left_in_place.len() {
                            0 => message,
                            n => format!(
                                "{message} Not changed: {n} import record(s) of where a text came from name an \
                                 original ({}); a copy replaces them.",
                                plan.left_in_place.join("; ")
                            ),
                        };
                        out.push(payload(Payload::Done { message, error: false, report: None }));
                        out
                    }
                    Err(e) => vec![payload(Payload::Done { message: e.to_string(), error: true, report: None })],
                }
            }),
        });
    }

    fn make_copy(&mut self, cx: &mut ViewCtx<'_>) {
        let (map, key_file) = match self.ready() {
            Ok(x) => x,
            Err(e) => return self.message = Some((e, true)),
        };
        if self.copy_dir.trim().is_empty() {
            self.message = Some(("Write the folder the copy goes into (a new folder) first.".into(), true));
            return;
        }
        let out = PathBuf::from(self.copy_dir.trim());
        let project: Arc<Project> = Arc::new(cx.project.clone());
        let dir = cx.project_dir.to_path_buf();
        cx.push(Action::RunJob {
            name: "Making a pseudonymised copy".into(),
            work: Box::new(move |progress: &Progress| {
                let originals: Vec<String> = map.entries.iter().map(|e| e.original.clone()).collect();
                let done = pseudo::plan(&project, &map, progress).and_then(|plan| {
                    pseudo::write_key(&key_file, &plan.key, &[&dir, &out])?;
                    pseudo::write_copy(&plan, &out)?;
                    let mut all = originals.clone();
                    all.extend(plan.key.iter().map(|r| r.original.clone()));
                    Ok((plan, pseudo::verify(&out, &all)?))
                });
                let p = match done {
                    Ok((plan, report)) => Payload::Done {
                        message: format!(
                            "Wrote the copy to {} ({} occurrences replaced) and the key to {}.",
                            out.display(),
                            plan.replaced,
                            key_file.display()
                        ),
                        error: false,
                        report: Some((out, report)),
                    },
                    Err(e) => Payload::Done { message: e.to_string(), error: true, report: None },
                };
                vec![payload(p)]
            }),
        });
    }

    fn verify(&mut self, cx: &mut ViewCtx<'_>, folder: &Path) {
        let mut originals: Vec<String> = self.map().entries.into_iter().map(|e| e.original).collect();
        let key_file = PathBuf::from(self.key_path.trim());
        let folder = folder.to_path_buf();
        cx.push(Action::RunJob {
            name: "Verifying".into(),
            work: Box::new(move |_progress: &Progress| {
                if key_file.is_file()
                    && let Ok(more) = pseudo::read_key(&key_file)
                {
                    originals.extend(more);
                }
                let p = match pseudo::verify(&folder, &originals) {
                    Ok(report) => {
                        Payload::Done { message: String::new(), error: false, report: Some((folder, report)) }
                    }
                    Err(e) => Payload::Done { message: e.to_string(), error: true, report: None },
                };
                vec![payload(p)]
            }),
        });
    }

    fn table(&mut self, ui: &mut Ui, cx: &ViewCtx<'_>) {
        let tk = cx.tokens;
        egui::Grid::new("pseudo-candidates").striped(true).num_columns(6).spacing([12.0, 4.0]).show(ui, |ui| {
            for h in ["Original", "Kind", "Occurrences", "Forms", "Replacement", ""] {
                ui.label(RichText::new(h).strong());
            }
            ui.end_row();
            for (i, row) in self.rows.iter_mut().enumerate() {
                let c = &row.candidate;
                let text = if row.rejected {
                    RichText::new(&c.original).strikethrough().color(tk.weak_text)
                } else {
                    RichText::new(&c.original)
                };
                let name = ui.selectable_label(self.selected == Some(i), text).on_hover_text("Show it in context");
                if name.clicked() {
                    self.selected = Some(i);
                }
                ui.label(c.kind.label());
                let docs = if c.documents == 1 { "doc" } else { "docs" };
                ui.label(format!("{} in {} {docs}", c.count, c.documents));
                let forms: Vec<&str> = c.forms.iter().take(3).map(|(f, _)| f.as_str()).collect();
                ui.label(RichText::new(forms.join(", ")).color(tk.weak_text));
                let edit = egui::TextEdit::singleline(&mut row.replacement);
                let size = [220.0, ui.spacing().interact_size.y];
                let field = ui
                    .add_enabled_ui(!row.rejected, |ui| ui.add_sized(size, edit))
                    .inner
                    .labelled_by(name.id)
                    .on_hover_text(format!("Replacement for {}", c.original));
                // Editing a replacement shows where the original stands.
                if field.gained_focus() {
                    self.selected = Some(i);
                }
                let (label, tip) = if row.rejected {
                    ("Keep", "Replace it after all")
                } else {
                    ("Reject", "Not a name: leave it as it is")
                };
                let button = ui.button(label).on_hover_text(format!("{tip} ({})", c.original));
                // Its accessible name says which row it belongs to ("Reject Nordby").
                let full = format!("{label} {}", c.original);
                button.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &full));
                if button.clicked() {
                    row.rejected = !row.rejected;
                }
                ui.end_row();
            }
        });
    }
}

impl View for PseudonymsView {
    fn kind(&self) -> ViewKind {
        ViewKind::Pseudonyms
    }

    fn ui(&mut self, cx: &mut ViewCtx<'_>, ui: &mut Ui) {
        let tk = cx.tokens;
        if !self.scanning && self.scanned != Some(cx.project.revisions.corpus) {
            self.start_scan(cx);
        }
        ui.horizontal(|ui| {
            ui.heading("Names and identifiers");
            match (self.scanning, self.summary) {
                (true, _) => {
                    ui.spinner();
                    ui.label("Looking for names…");
                }
                (false, Some((docs, words))) => {
                    ui.label(
                        RichText::new(format!("{} candidates in {docs} documents ({words} words)", self.rows.len()))
                            .color(tk.weak_text),
                    );
                }
                _ => {}
            }
        });
        ui.label(
            "Names, places and identifiers Tema found. Give each a replacement (a pseudonym, \"[role]\" or \
             \"[category]\"), reject what is not identifying, then replace them everywhere.",
        );
        ui.horizontal(|ui| {
            labelled_line(ui, "Word", &mut self.new_word, "", 160.0);
            if ui.button("Add word").on_hover_text("List this word or phrase too").clicked()
                && !self.new_word.trim().is_empty()
            {
                self.words.push(std::mem::take(&mut self.new_word).trim().to_string());
                self.scanned = None;
            }
            labelled_line(ui, "Pattern", &mut self.new_pattern, "", 160.0);
            if ui.button("Add pattern").on_hover_text("List every match of this regular expression").clicked()
                && !self.new_pattern.trim().is_empty()
            {
                self.patterns.push(std::mem::take(&mut self.new_pattern).trim().to_string());
                self.scanned = None;
            }
            if ui.add_enabled(!self.scanning, egui::Button::new("Scan again")).on_hover_text("Look again").clicked() {
                self.scanned = None;
            }
        });
        ui.separator();

        // Room below the table for the contexts, the files, the buttons and the outcome, so
        // the verification never falls off the window.
        let line = ui.text_style_height(&egui::TextStyle::Body) + ui.spacing().item_spacing.y;
        let contexts = self.selected.and_then(|i| self.rows.get(i)).map_or(0, |r| 1 + r.candidate.contexts.len());
        let outcome = usize::from(self.message.is_some())
            + self.report.as_ref().map_or(0, |(_, r)| 1 + r.findings.len().min(8) + r.unreadable.len());
        let bottom = 4.0 * ui.spacing().interact_size.y + 24.0 + line * (contexts + outcome) as f32;
        let height = (ui.available_height() - bottom).max(120.0);
        egui::ScrollArea::both()
            .id_salt("pseudo-table")
            .max_height(height)
            .auto_shrink([false, true])
            .show(ui, |ui| self.table(ui, cx));
        if let Some(row) = self.selected.and_then(|i| self.rows.get(i)) {
            ui.label(RichText::new(format!("“{}” in context", row.candidate.original)).strong());
            for x in &row.candidate.contexts {
                ui.horizontal_wrapped(|ui| {
                    ui.spacing_mut().item_spacing.x = 0.0;
                    ui.label(RichText::new(format!("{}:  ", x.doc)).color(tk.weak_text));
                    ui.label(format!("…{}", x.before));
                    ui.label(RichText::new(&x.hit).strong().color(tk.danger));
                    ui.label(format!("{}…", x.after));
                });
            }
        }
        ui.separator();
        egui::Grid::new("pseudo-files").num_columns(2).spacing([8.0, 4.0]).show(ui, |ui| {
            labelled_line(ui, "Key file", &mut self.key_path, "/safe/place/key.csv", 360.0)
                .on_hover_text("The originals with their replacements and places: kept apart, never in the project");
            ui.end_row();
            labelled_line(ui, "Copy folder", &mut self.copy_dir, "a new folder", 360.0);
            ui.end_row();
        });
        ui.horizontal(|ui| {
            let busy = self.scanning;
            let apply = ui
                .add_enabled(!busy && !cx.read_only, egui::Button::new("Apply in place"))
                .on_hover_text("Replace them in this project, as one step that Undo takes back until it is saved");
            if apply.clicked() {
                self.apply_in_place(cx);
            }
            let copy = ui
                .add_enabled(!busy, egui::Button::new("Make a copy"))
                .on_hover_text("Write a pseudonymised copy of the project into the copy folder; this one is unchanged");
            if copy.clicked() {
                self.make_copy(cx);
            }
            let verify = ui
                .button("Verify")
                .on_hover_text("Search every file of the copy (or, without one, of this project) for the originals");
            if verify.clicked() {
                let folder = match self.copy_dir.trim() {
                    "" => cx.project_dir.to_path_buf(),
                    d if Path::new(d).is_dir() => PathBuf::from(d),
                    _ => cx.project_dir.to_path_buf(),
                };
                self.verify(cx, &folder);
            }
        });
        if let Some((text, error)) = &self.message {
            let colour = if *error { tk.danger } else { tk.text };
            ui.label(RichText::new(text).color(colour));
        }
        if let Some((folder, report)) = &self.report {
            if report.is_clean() {
                ui.label(
                    RichText::new(format!("Verified: no original in {} files of {}", report.files, folder.display()))
                        .color(tk.ok),
                );
            } else {
                ui.label(
                    RichText::new(format!(
                        "{} occurrences of originals remain in {}:",
                        report.occurrences(),
                        folder.display()
                    ))
                    .color(tk.danger),
                );
                for f in report.findings.iter().take(8) {
                    ui.label(format!("{}: {} ×{}", f.file, f.original, f.count));
                }
                for u in &report.unreadable {
                    ui.label(format!("{u}: cannot be read as text and may hold originals"));
                }
            }
        }
    }

    fn on_action(&mut self, action: &Action, _project: &Project) {
        let Action::ToView { view: ViewKind::Pseudonyms, payload } = action else { return };
        let Some(p) = (**payload).downcast_ref::<Mutex<Option<Payload>>>().and_then(|m| m.lock().ok()?.take()) else {
            return;
        };
        match p {
            Payload::Scanned { revision, result } => {
                // A scan for words since added (or an older corpus) is dropped; the next frame
                // starts the one that is due.
                self.scanning = false;
                match result {
                    Ok(scan) if self.scanned == Some(revision) => self.take_scan(scan),
                    Ok(_) => {}
                    Err(e) => self.message = Some((format!("The scan failed: {e}"), true)),
                }
            }
            Payload::Done { message, error, report } => {
                if !message.is_empty() {
                    self.message = Some((message, error));
                }
                if report.is_some() {
                    self.report = report;
                }
            }
        }
    }
}
