//! New and Open project (a native dialog when the desktop offers one, and always a typed
//! path), and choosing the coder.

use crate::model::Language;
use crate::ui::Action;
use crate::ui::widgets::choice;
use egui::{Id, RichText};
use std::path::PathBuf;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProjectMode {
    New,
    Open,
}

pub struct ProjectDialog {
    pub mode: ProjectMode,
    pub path: String,
    pub recent: Vec<PathBuf>,
    /// New project: its name (empty: the folder's name) and the language of its documents.
    pub name: String,
    pub language: Language,
    message: Option<String>,
    /// The folder field takes the keyboard when the dialog opens.
    focus: bool,
}

impl ProjectDialog {
    pub fn new(mode: ProjectMode, recent: Vec<PathBuf>) -> Self {
        let path = match (mode, dirs::document_dir().or_else(dirs::home_dir)) {
            (ProjectMode::New, Some(d)) => d.join("My study.tema").display().to_string(),
            _ => String::new(),
        };
        Self { mode, path, recent, name: String::new(), language: Language::default(), message: None, focus: true }
    }

    /// Draws the dialog; `Some(action)` when it closes (`None` inside when cancelled).
    pub fn show(&mut self, ctx: &egui::Context) -> Option<Option<Action>> {
        let mut result = None;
        let modal = super::modal(ctx, Id::unique("project-dialog")).show(ctx, |ui| {
            ui.set_width(520.0);
            let (title, verb) = match self.mode {
                ProjectMode::New => ("New project", "Create"),
                ProjectMode::Open => ("Open project", "Open"),
            };
            ui.heading(title);
            let hint = match self.mode {
                ProjectMode::New => "A new folder for the project (it must not exist, or be empty)",
                ProjectMode::Open => "The project folder (it holds project.json)",
            };
            ui.label(RichText::new(hint).weak());
            ui.horizontal(|ui| {
                let l = ui.label("Folder");
                let r = ui.add(egui::TextEdit::singleline(&mut self.path).desired_width(360.0)).labelled_by(l.id);
                if std::mem::take(&mut self.focus) {
                    r.request_focus();
                }
                if r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                    result = self.finish();
                }
                if ui.button("Browse…").on_hover_text("Choose the folder with your system's file dialog").clicked() {
                    let dialog = rfd::FileDialog::new();
                    let picked = match self.mode {
                        ProjectMode::New => dialog.set_title("New project folder").pick_folder(),
                        ProjectMode::Open => dialog.set_title("Open a Tema project folder").pick_folder(),
                    };
                    match picked {
                        Some(p) => self.path = p.display().to_string(),
                        None => self.message = Some("No folder chosen: type the path above instead.".into()),
                    }
                }
            });
            if self.mode == ProjectMode::New {
                ui.horizontal(|ui| {
                    let l = ui.label("Name");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.name).hint_text("the folder's name").desired_width(360.0),
                    )
                    .labelled_by(l.id);
                });
                ui.horizontal(|ui| {
                    choice(ui, "new-project-language", "Language", &mut self.language, &Language::ALL, Language::label)
                        .on_hover_text(
                            "How words are stemmed in search; documents in another language are detected on import",
                        );
                });
            }
            if let Some(m) = &self.message {
                ui.label(RichText::new(m).weak());
            }
            if self.mode == ProjectMode::Open && !self.recent.is_empty() {
                ui.add_space(6.0);
                ui.label(RichText::new("Recent").strong());
                for p in self.recent.clone() {
                    if ui.link(p.display().to_string()).clicked() {
                        result = Some(Some(Action::OpenProject(p)));
                    }
                }
            }
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button(verb).clicked() {
                    result = self.finish();
                }
                if ui.button("Cancel").clicked() {
                    result = Some(None);
                }
            });
        });
        if modal.should_close() && result.is_none() {
            result = Some(None);
        }
        result
    }

    fn finish(&mut self) -> Option<Option<Action>> {
        let path = self.path.trim();
        if path.is_empty() {
            self.message = Some("Type a folder path first.".into());
            return None;
        }
        let path = PathBuf::from(path);
        Some(Some(match self.mode {
            ProjectMode::New => {
                Action::CreateProject { dir: path, name: self.name.trim().to_string(), language: self.language }
            }
            ProjectMode::Open => Action::OpenProject(path),
        }))
    }
}

/// Asks who is coding: the name goes on every coding made in the app.
pub struct CoderDialog {
    pub name: String,
    pub known: Vec<String>,
    focus: bool,
}

impl CoderDialog {
    pub fn new(name: String, known: Vec<String>) -> Self {
        Self { name, known, focus: true }
    }

    pub fn show(&mut self, ctx: &egui::Context) -> Option<Option<Action>> {
        let mut result = None;
        let modal = super::modal(ctx, Id::unique("coder-dialog")).show(ctx, |ui| {
            ui.set_width(380.0);
            ui.heading("Who is coding?");
            ui.label(RichText::new("Your codings and read marks carry this name, so a team can compare them.").weak());
            let l = ui.label("Your name");
            let r = ui.add(egui::TextEdit::singleline(&mut self.name)).labelled_by(l.id);
            if self.focus {
                r.request_focus();
                self.focus = false;
            }
            let enter = r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if !self.known.is_empty() {
                ui.label(RichText::new("Coders in this project").strong());
                ui.horizontal_wrapped(|ui| {
                    for k in self.known.clone() {
                        if ui.button(&k).clicked() {
                            result = Some(Some(Action::SetCoder(k)));
                        }
                    }
                });
            }
            if (ui.button("OK").clicked() || enter) && !self.name.trim().is_empty() {
                result = Some(Some(Action::SetCoder(self.name.trim().to_string())));
            }
        });
        // Escape or a click beside it keeps the coder as it was (nobody yet codes under the
        // login name, see `TemaApp::acting_coder`).
        if modal.should_close() && result.is_none() {
            result = Some(None);
        }
        result
    }
}
