//! The import dialog: choose files and folders (and a participants sheet, a documents sheet,
//! whether to keep duplicates), read them as an app job with a progress bar, look at what
//! was found — speakers and who they map to, files that could not be read and why, what the
//! documents sheet sets — and only then import, as one undoable step.

use crate::import::document_sheet::{DocumentSheetPlan, plan_after_import, with_import};
use crate::import::{FileOutcome, ImportOptions, ImportPlan, Mapping, plan_import};
use crate::model::{DocKind, Project};
use crate::ui::Action;
use crate::ui::jobs::{JobSpec, Jobs, Pending};
use crate::ui::widgets::{kind_options, labelled_line, optional_choice};
use egui::{Id, RichText};
use std::path::PathBuf;
use std::sync::Arc;

/// The files read, and what the documents sheet (if one was given) changes.
type Planned = (ImportPlan, Option<DocumentSheetPlan>);

enum Stage {
    Choosing,
    /// The files are being read by an app job.
    Reading(Pending<Result<Planned, String>>),
    Preview(Box<Planned>),
}

pub struct ImportDialog {
    /// Files or folders, one per line.
    pub paths: String,
    pub participants: String,
    /// A documents sheet: attributes, sets, kind and language by document name.
    pub documents_sheet: String,
    /// Import files whose text is already in the project instead of skipping them.
    pub keep_duplicates: bool,
    pub kind: Option<DocKind>,
    /// Import the files that could be read even when others could not.
    pub skip_failed: bool,
    project: Arc<Project>,
    stage: Stage,
    message: Option<String>,
    /// The paths field takes the keyboard when the dialog opens.
    focus: bool,
}

impl ImportDialog {
    pub fn new(project: &Project) -> Self {
        Self {
            paths: String::new(),
            participants: String::new(),
            documents_sheet: String::new(),
            keep_duplicates: false,
            kind: None,
            skip_failed: false,
            project: Arc::new(project.clone()),
            stage: Stage::Choosing,
            message: None,
            focus: true,
        }
    }

    fn paths(&self) -> Vec<PathBuf> {
        self.paths.lines().map(str::trim).filter(|l| !l.is_empty()).map(PathBuf::from).collect()
    }

    /// Starts reading the chosen files as an app job; the UI thread never waits for it.
    pub fn start(&mut self, jobs: &mut Jobs, ctx: &egui::Context) {
        let paths = self.paths();
        if paths.is_empty() {
            self.message = Some("Choose at least one file or folder.".into());
            return;
        }
        let options = ImportOptions {
            kind: self.kind,
            participants: Some(self.participants.trim()).filter(|s| !s.is_empty()).map(PathBuf::from),
            keep_duplicates: self.keep_duplicates,
            detect_language: true,
            ..Default::default()
        };
        let sheet = Some(self.documents_sheet.trim()).filter(|s| !s.is_empty()).map(PathBuf::from);
        let project = Arc::clone(&self.project);
        let (job, pending) = JobSpec::returning("Reading files", move |progress| {
            let plan = plan_import(&project, &paths, &options, progress).map_err(|e| e.to_string())?;
            match &sheet {
                Some(sheet) => match plan_after_import(&project, plan.edit().as_ref(), sheet) {
                    Ok(s) => Ok((plan, Some(s))),
                    Err(e) => Err(e.to_string()),
                },
                None => Ok((plan, None)),
            }
        });
        jobs.start(ctx, job.keyed("import"));
        self.message = None;
        self.stage = Stage::Reading(pending);
    }

    /// Whether the files are being read.
    pub fn is_reading(&self) -> bool {
        matches!(self.stage, Stage::Reading(_))
    }

    fn finish_reading(&mut self, got: Result<Planned, String>) {
        match got {
            Ok(plan) => self.stage = Stage::Preview(Box::new(plan)),
            Err(e) => {
                self.message = Some(e);
                self.stage = Stage::Choosing;
            }
        }
    }

    /// The planned import, once the files have been read.
    pub fn plan(&self) -> Option<&ImportPlan> {
        match &self.stage {
            Stage::Preview(p) => Some(&p.0),
            _ => None,
        }
    }

    /// What the documents sheet changes, once the files have been read (with a sheet).
    pub fn sheet_plan(&self) -> Option<&DocumentSheetPlan> {
        match &self.stage {
            Stage::Preview(p) => p.1.as_ref(),
            _ => None,
        }
    }

    /// The actions that carry out the import (empty when there is nothing to do).
    pub fn confirm(&self) -> Vec<Action> {
        let Some(plan) = self.plan() else { return Vec::new() };
        let sheet = self.sheet_plan().and_then(|s| s.edit.clone());
        let updated = self.sheet_plan().map_or(0, |s| s.updated.len());
        let Some(edit) = with_import(plan.edit(), sheet) else { return Vec::new() };
        let docs = plan.imported().count();
        let mut out = vec![Action::Edit { edit, coalesce: None }];
        let failed = plan.failures().count();
        let mut text = format!("Imported {docs} document{}", if docs == 1 { "" } else { "s" });
        if updated > 0 {
            text.push_str(&format!("; the documents sheet set {updated}"));
        }
        if failed > 0 {
            text.push_str(&format!("; {failed} file{} could not be read", if failed == 1 { "" } else { "s" }));
        }
        out.push(Action::Status { text, error: failed > 0 });
        if let Some(first) = plan.imported().next() {
            out.push(Action::OpenDocument { doc: first.id, reveal: None, coding: None });
        }
        out
    }

    /// Draws the dialog; `Some(actions)` when it closes.
    pub fn show(&mut self, ctx: &egui::Context, jobs: &mut Jobs) -> Option<Vec<Action>> {
        if let Stage::Reading(pending) = &mut self.stage
            && let Some(got) = pending.poll()
        {
            self.finish_reading(got.unwrap_or_else(|lost| Err(format!("Reading the files failed: {lost}"))));
        }
        let mut result = None;
        let modal = super::modal(ctx, Id::unique("import-dialog")).show(ctx, |ui| {
            ui.set_width(720.0);
            ui.heading("Import documents");
            match &self.stage {
                Stage::Choosing => result = self.choosing(ui, jobs),
                Stage::Reading(pending) => {
                    let p = pending.progress();
                    if p.items() > 0 {
                        ui.label(format!("Reading file {} of {}: {}", p.item() + 1, p.items(), p.message()));
                        ui.add(egui::ProgressBar::new(p.fraction().unwrap_or(0.0)).show_percentage());
                    } else {
                        ui.label("Looking for files…");
                        ui.add(egui::ProgressBar::new(0.0).animate(true));
                    }
                    // Not "Cancel": the status bar's line for the same job has that button.
                    let stop = ui.add_enabled(!p.is_cancelled(), egui::Button::new("Stop reading"));
                    if stop.on_hover_text("Stop reading the files; nothing is imported").clicked() {
                        pending.cancel();
                    }
                    ui.ctx().request_repaint_after(std::time::Duration::from_millis(100));
                }
                Stage::Preview(planned) => {
                    let (go, back, close) = preview(ui, &planned.0, planned.1.as_ref(), &mut self.skip_failed);
                    if go {
                        result = Some(self.confirm());
                    } else if close {
                        result = Some(Vec::new());
                    } else if back {
                        self.stage = Stage::Choosing;
                    }
                }
            }
        });
        if modal.should_close() && result.is_none() && matches!(self.stage, Stage::Choosing) {
            result = Some(Vec::new());
        }
        result
    }

    fn choosing(&mut self, ui: &mut egui::Ui, jobs: &mut Jobs) -> Option<Vec<Action>> {
        ui.label(
            RichText::new(
                "Word (.docx), OpenDocument, RTF, PDF, plain text in any encoding, Markdown, HTML, \
                 WebVTT and SRT. Folders are searched; a folder named interviews, focus-groups or \
                 field-notes gives its files that kind.",
            )
            .weak(),
        );
        let l = ui.label("Files and folders, one per line");
        let r = ui
            .add(egui::TextEdit::multiline(&mut self.paths).desired_rows(4).desired_width(f32::INFINITY))
            .labelled_by(l.id);
        if std::mem::take(&mut self.focus) {
            r.request_focus();
        }
        ui.horizontal(|ui| {
            if ui.button("Add files…").on_hover_text("Choose files with your system's file dialog").clicked() {
                match rfd::FileDialog::new().set_title("Files to import").pick_files() {
                    Some(files) => self.add_paths(files),
                    None => self.message = Some("No files chosen: type their paths above instead.".into()),
                }
            }
            if ui.button("Add a folder…").on_hover_text("Import every document in a folder").clicked() {
                match rfd::FileDialog::new().set_title("A folder to import").pick_folder() {
                    Some(dir) => self.add_paths(vec![dir]),
                    None => self.message = Some("No folder chosen: type its path above instead.".into()),
                }
            }
        });
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            labelled_line(
                ui,
                "Participants sheet (optional)",
                &mut self.participants,
                ".csv, .tsv or .xlsx with a label and group column",
                340.0,
            );
            if ui.button("Browse…").clicked()
                && let Some(f) = rfd::FileDialog::new()
                    .add_filter("participants sheet", &["csv", "tsv", "xlsx"])
                    .set_title("Participants sheet")
                    .pick_file()
            {
                self.participants = f.display().to_string();
            }
        });
        ui.horizontal(|ui| {
            labelled_line(
                ui,
                "Documents sheet (optional)",
                &mut self.documents_sheet,
                ".csv, .tsv or .xlsx: document name, then kind, language, sets, attributes",
                340.0,
            );
            if ui.button("Browse…").on_hover_text("Choose the documents sheet").clicked()
                && let Some(f) = rfd::FileDialog::new()
                    .add_filter("documents sheet", &["csv", "tsv", "xlsx"])
                    .set_title("Documents sheet")
                    .pick_file()
            {
                self.documents_sheet = f.display().to_string();
            }
        });
        ui.checkbox(&mut self.keep_duplicates, "Keep duplicates").on_hover_text(
            "Import files whose text is already in the project (or in another file of this import) \
             instead of skipping them",
        );
        ui.horizontal(|ui| {
            let none = "found from folder and speakers";
            optional_choice(ui, "import-kind", "Kind", &mut self.kind, none, &kind_options());
        });
        if let Some(m) = &self.message {
            ui.label(RichText::new(m).color(ui.visuals().error_fg_color));
        }
        let mut out = None;
        ui.horizontal(|ui| {
            if ui.button("Read files").on_hover_text("Read the files and show what would be imported").clicked() {
                let ctx = ui.ctx().clone();
                self.start(jobs, &ctx);
            }
            if ui.button("Cancel").clicked() {
                out = Some(Vec::new());
            }
        });
        out
    }

    fn add_paths(&mut self, paths: Vec<PathBuf>) {
        for p in paths {
            if !self.paths.is_empty() && !self.paths.ends_with('\n') {
                self.paths.push('\n');
            }
            self.paths.push_str(&p.display().to_string());
        }
    }
}

/// The preview of a planned import; returns (import, back, close).
fn preview(
    ui: &mut egui::Ui,
    plan: &ImportPlan,
    sheet: Option<&DocumentSheetPlan>,
    skip_failed: &mut bool,
) -> (bool, bool, bool) {
    let docs = plan.imported().count();
    let failed = plan.failures().count();
    let dups = plan.duplicates();
    let mut summary = format!("{docs} document{} to import", if docs == 1 { "" } else { "s" });
    if dups > 0 {
        summary.push_str(&format!(", {dups} already in the project (skipped)"));
    }
    if failed > 0 {
        summary.push_str(&format!(", {failed} could not be read"));
    }
    ui.label(RichText::new(summary).strong());
    let added = plan.participants.iter().filter(|c| c.action != crate::import::ParticipantAction::Unchanged).count();
    if added > 0 {
        ui.label(format!("{added} participants added or updated from the sheet and the transcripts"));
    }
    if let Some(s) = sheet {
        let n = s.updated.len();
        ui.label(format!(
            "The documents sheet sets attributes, sets, kind or language of {n} document{}",
            if n == 1 { "" } else { "s" }
        ));
        if !s.unknown.is_empty() {
            ui.label(
                RichText::new(format!("No document is named: {}", s.unknown.join(", ")))
                    .color(ui.visuals().warn_fg_color),
            );
        }
    }
    let sheet_changes = sheet.is_some_and(|s| s.edit.is_some());
    // A handful of files: show their speakers at once; many: one line each, opened on demand.
    let few = plan.files.len() <= 6;
    egui::ScrollArea::vertical().max_height(420.0).auto_shrink([false, true]).show(ui, |ui| {
        for f in &plan.files {
            match &f.outcome {
                FileOutcome::Imported { document: d } => {
                    let head = format!(
                        "{} · {} · {} words · {} turns{}",
                        d.name,
                        d.kind.label(),
                        d.words,
                        d.turns,
                        if d.unattributed_turns > 0 {
                            format!(" ({} unattributed)", d.unattributed_turns)
                        } else {
                            String::new()
                        }
                    );
                    egui::CollapsingHeader::new(head).id_salt(("import-file", &f.path)).default_open(few).show(
                        ui,
                        |ui| {
                            if d.speakers.is_empty() {
                                ui.label(RichText::new("No speakers: one account or field notes").weak());
                            }
                            for s in &d.speakers {
                                let who = match &s.mapping {
                                    Mapping::Label { participant } => format!("attributed to {participant}"),
                                    Mapping::Alias { participant } => format!("attributed to {participant} (alias)"),
                                    Mapping::FileName { participant } => {
                                        format!("attributed to {participant} (from the file name)")
                                    }
                                    Mapping::Interviewer { participant, created } => {
                                        format!("interviewer {participant}{}", if *created { " (new)" } else { "" })
                                    }
                                    Mapping::Unmapped => "nobody: the turns stay unattributed".into(),
                                };
                                let text = format!("{}: {} turns, {who}", s.speaker, s.turns);
                                if matches!(s.mapping, Mapping::Unmapped) {
                                    ui.label(RichText::new(text).color(ui.visuals().warn_fg_color));
                                } else {
                                    ui.label(text);
                                }
                            }
                        },
                    );
                }
                FileOutcome::Duplicate { duplicate_of, same_text } => {
                    let what = if *same_text { "same text as" } else { "already imported as" };
                    ui.label(RichText::new(format!("{}: {what} {duplicate_of}, skipped", f.path.display())).weak());
                }
                FileOutcome::Failed { .. } => {
                    let msg = f.error_message().unwrap_or_default();
                    ui.label(RichText::new(msg).color(ui.visuals().error_fg_color));
                }
            }
        }
    });
    if failed > 0 {
        ui.checkbox(skip_failed, "Import the readable files even if some fail");
    }
    let blocked = failed > 0 && !*skip_failed;
    if blocked {
        ui.label(
            RichText::new(
                "Some files could not be read. Fix them, or tick “Import the readable files even if some fail”.",
            )
            .color(ui.visuals().warn_fg_color),
        );
    }
    let mut out = (false, false, false);
    ui.horizontal(|ui| {
        let can = docs > 0 || added > 0 || sheet_changes;
        let label = format!("Import {docs} document{}", if docs == 1 { "" } else { "s" });
        out.0 = ui
            .add_enabled(can && !blocked, egui::Button::new(label))
            .on_hover_text("One step: Undo takes the whole import back")
            .clicked();
        out.1 = ui.button("Back").clicked();
        out.2 = ui.button("Cancel").clicked();
    });
    out
}
