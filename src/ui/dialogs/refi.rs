//! REFI-QDA exchange in the app: import a project (`.qdpx`/`.qde`) as a new project, import
//! a codebook (`.qdc`) into the open one, export either; and the report afterwards.
//!
//! The dialog only gathers paths and the profile; the work runs on a worker job that calls
//! the core (`crate::exchange`) and hands back actions: open the new project, apply the
//! codebook edit, and show the report in this dialog's report mode.

use crate::exchange::{self, Limits, Profile};
use crate::model::Project;
use crate::ui::{Action, UiCommand};
use egui::{Id, RichText};
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefiMode {
    ImportProject,
    ImportCodebook,
    ExportProject,
    ExportCodebook,
}

impl RefiMode {
    pub fn of(c: UiCommand) -> Option<RefiMode> {
        match c {
            UiCommand::ImportRefiProject => Some(RefiMode::ImportProject),
            UiCommand::ImportRefiCodebook => Some(RefiMode::ImportCodebook),
            UiCommand::ExportRefiProject => Some(RefiMode::ExportProject),
            UiCommand::ExportRefiCodebook => Some(RefiMode::ExportCodebook),
            _ => None,
        }
    }

    fn title(self) -> &'static str {
        match self {
            RefiMode::ImportProject => "Import a REFI-QDA project",
            RefiMode::ImportCodebook => "Import a REFI-QDA codebook",
            RefiMode::ExportProject => "Export as a REFI-QDA project",
            RefiMode::ExportCodebook => "Export the codebook (REFI-QDA)",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            RefiMode::ImportProject | RefiMode::ExportProject => "qdpx",
            RefiMode::ImportCodebook | RefiMode::ExportCodebook => "qdc",
        }
    }
}

pub enum RefiDialog {
    Ask {
        mode: RefiMode,
        /// The file to read or write.
        file: String,
        /// Where an imported project goes (a new folder).
        folder: String,
        profile: Profile,
        message: Option<String>,
        /// The open project, copied for an export or a codebook import (texts are shared).
        project: Option<Box<Project>>,
    },
    Report {
        title: String,
        lines: Vec<String>,
    },
}

impl RefiDialog {
    pub fn new(mode: RefiMode, project: Option<&Project>, project_dir: Option<&Path>) -> Self {
        let file = match (mode, project_dir) {
            (RefiMode::ExportProject | RefiMode::ExportCodebook, Some(dir)) => {
                let stem =
                    dir.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "project".into());
                let parent = dir.parent().map(Path::to_path_buf).unwrap_or_default();
                parent.join(format!("{}.{}", stem.trim_end_matches(".tema"), mode.extension())).display().to_string()
            }
            _ => String::new(),
        };
        RefiDialog::Ask {
            mode,
            file,
            folder: String::new(),
            profile: Profile::Standard,
            message: None,
            project: project.map(|p| Box::new(p.clone())),
        }
    }

    pub fn report(title: String, lines: Vec<String>) -> Self {
        RefiDialog::Report { title, lines }
    }

    /// Draws the dialog; `Some(actions)` when it closes.
    pub fn show(&mut self, ctx: &egui::Context) -> Option<Vec<Action>> {
        let mut result = None;
        let modal = super::modal(ctx, Id::unique("refi-dialog")).show(ctx, |ui| {
            ui.set_width(560.0);
            match self {
                RefiDialog::Report { title, lines } => {
                    ui.heading(title.as_str());
                    egui::ScrollArea::vertical().max_height(360.0).show(ui, |ui| {
                        for l in lines.iter() {
                            ui.label(l.as_str());
                        }
                    });
                    if ui.button("Close").clicked() {
                        result = Some(Vec::new());
                    }
                }
                RefiDialog::Ask { mode, file, folder, profile, message, project } => {
                    let mode = *mode;
                    ui.heading(mode.title());
                    let hint = match mode {
                        RefiMode::ImportProject => {
                            "A .qdpx (or .qde) from NVivo, ATLAS.ti, MAXQDA, QualCoder or another tool becomes a new Tema project"
                        }
                        RefiMode::ImportCodebook => "The codes of a .qdc are added to this project, matched by name (one undo step)",
                        RefiMode::ExportProject => "Documents, codes, codings, themes, memos and participants, for other tools",
                        RefiMode::ExportCodebook => "The code tree and the themes (as sets)",
                    };
                    ui.label(RichText::new(hint).weak());
                    ui.horizontal(|ui| {
                        let l = ui.label("File path");
                        ui.add(egui::TextEdit::singleline(file).desired_width(380.0)).labelled_by(l.id);
                        if ui.button("Browse…").on_hover_text("Choose the file with your system's file dialog").clicked() {
                            let d = rfd::FileDialog::new();
                            let picked = match mode {
                                RefiMode::ImportProject => d.add_filter("REFI-QDA project", &["qdpx", "qde"]).pick_file(),
                                RefiMode::ImportCodebook => d.add_filter("REFI-QDA codebook", &["qdc"]).pick_file(),
                                RefiMode::ExportProject => d.add_filter("REFI-QDA project", &["qdpx"]).save_file(),
                                RefiMode::ExportCodebook => d.add_filter("REFI-QDA codebook", &["qdc"]).save_file(),
                            };
                            match picked {
                                Some(p) => *file = p.display().to_string(),
                                None => *message = Some("No file chosen: type the path instead.".into()),
                            }
                        }
                    });
                    if mode == RefiMode::ImportProject {
                        if folder.is_empty() && !file.trim().is_empty() {
                            *folder = default_folder(Path::new(file.trim())).display().to_string();
                        }
                        ui.horizontal(|ui| {
                            let l = ui.label("New project folder");
                            ui.add(egui::TextEdit::singleline(folder).desired_width(330.0)).labelled_by(l.id);
                        });
                    }
                    if mode == RefiMode::ExportProject {
                        ui.horizontal(|ui| {
                            ui.label("Profile");
                            ui.radio_value(profile, Profile::Standard, "Standard")
                                .on_hover_text("Positions in characters, LF line ends (what the standard says)");
                            ui.radio_value(profile, Profile::Nvivo, "NVivo")
                                .on_hover_text("Positions in UTF-16 units, CRLF line ends (how NVivo counts)");
                        });
                    }
                    if let Some(m) = message.as_ref() {
                        ui.label(RichText::new(m.as_str()).weak());
                    }
                    ui.add_space(8.0);
                    ui.horizontal(|ui| {
                        let verb = match mode {
                            RefiMode::ImportProject | RefiMode::ImportCodebook => "Import",
                            _ => "Export",
                        };
                        if ui.button(verb).clicked() {
                            match job(mode, file.trim(), folder.trim(), *profile, project.take()) {
                                Ok(action) => result = Some(vec![action]),
                                Err((m, p)) => {
                                    *message = Some(m);
                                    *project = p;
                                }
                            }
                        }
                        if ui.button("Cancel").clicked() {
                            result = Some(Vec::new());
                        }
                    });
                }
            }
        });
        if modal.should_close() && result.is_none() {
            result = Some(Vec::new());
        }
        result
    }
}

/// `study.qdpx` → `study.tema` beside it.
fn default_folder(file: &Path) -> PathBuf {
    let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "Imported".into());
    file.with_file_name(format!("{stem}.tema"))
}

type Refused = (String, Option<Box<Project>>);

fn report_action(title: String, lines: Vec<String>) -> Action {
    Action::ShowReport { title, lines }
}

fn failed(title: &str, e: impl std::fmt::Display) -> Vec<Action> {
    vec![
        Action::Status { text: format!("{title}: {e}"), error: true },
        report_action(title.to_string(), vec![e.to_string()]),
    ]
}

/// The worker job for a confirmed dialog, or why it cannot start.
fn job(
    mode: RefiMode,
    file: &str,
    folder: &str,
    profile: Profile,
    project: Option<Box<Project>>,
) -> Result<Action, Refused> {
    if file.is_empty() {
        return Err(("Type a file path first.".into(), project));
    }
    let file = PathBuf::from(file);
    let work: crate::ui::JobWork = match mode {
        RefiMode::ImportProject => {
            if folder.is_empty() {
                return Err(("Type the new project's folder.".into(), project));
            }
            let dir = PathBuf::from(folder);
            Box::new(move |progress| {
                progress.set_message(format!("reading {}", file.display()));
                let plan = match exchange::plan_project_import(&file, &Limits::default(), progress) {
                    Ok(p) => p,
                    Err(e) => return failed("Import failed", e),
                };
                let lines = plan.report.lines();
                progress.set_message("writing the project");
                match exchange::import_into_new_project(&dir, plan) {
                    Ok(store) => {
                        drop(store);
                        vec![Action::OpenProject(dir), report_action("Imported project".into(), lines)]
                    }
                    Err(e) => failed("Import failed", e),
                }
            })
        }
        RefiMode::ImportCodebook => {
            let Some(p) = project else { return Err(("Open a project first.".into(), None)) };
            Box::new(move |_| match exchange::plan_codebook_import(&p, &file, &Limits::default()) {
                Ok(plan) => {
                    let lines = plan.report.lines();
                    vec![
                        Action::Edit { edit: plan.edit, coalesce: None },
                        report_action("Imported codebook".into(), lines),
                    ]
                }
                Err(e) => failed("Codebook import failed", e),
            })
        }
        RefiMode::ExportProject | RefiMode::ExportCodebook => {
            let Some(p) = project else { return Err(("Open a project first.".into(), None)) };
            Box::new(move |_| {
                let out = if mode == RefiMode::ExportProject {
                    exchange::export_project(&p, profile)
                } else {
                    exchange::export_codebook(&p)
                };
                match out.and_then(|(bytes, report)| exchange::write_file(&file, &bytes).map(|()| report)) {
                    Ok(report) => {
                        let mut lines = vec![format!("Wrote {}", file.display())];
                        lines.extend(report.lines());
                        vec![
                            Action::Status { text: format!("Exported {}", file.display()), error: false },
                            report_action("Exported".into(), lines),
                        ]
                    }
                    Err(e) => failed("Export failed", e),
                }
            })
        }
    };
    Ok(Action::RunJob { name: mode.title().to_string(), work })
}
