//! The app shell: state, panels, menus, dialogs, and the once-per-frame drain of actions.

use super::cache::Cache;
use super::command::{CommandSpec, CommandState, Menu, MenuEntry, menu_groups};
use super::dialogs::Dialog;
use super::dialogs::code_picker::{CodePicker, Purpose};
use super::dialogs::import::ImportDialog;
use super::dialogs::palette::Palette;
use super::dialogs::project::{CoderDialog, ProjectDialog, ProjectMode};
use super::jobs::{JobSpec, Jobs};
use super::prefs::Prefs;
use super::startup::{self, Places, Startup};
use super::views::document::DocumentView;
use super::views::inspector::Inspector;
use super::views::map::MapView;
use super::views::memos::MemosView;
use super::views::navigator::Navigator;
use super::views::phases::PhasesView;
use super::views::quotes::QuotesView;
use super::views::retrieval::RetrievalView;
use super::views::search::SearchView;
use super::views::team::TeamView;
use super::views::themes::ThemesView;
use super::views::trail::{TrailView, WhyOutcome, WhyPrompt};
use super::views::triangulation::TriangulationView;
use super::{Action, Item, Selection, Tokens, UiCommand, View, ViewCtx, ViewKind};
use crate::edit::{CodeRef, CoderRef, Edit};
use crate::model::*;
use crate::store::{Store, StoreError};
use egui::{RichText, Ui};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Save a snapshot after this long without changes.
const IDLE_SAVE: Duration = Duration::from_secs(20);

/// How the app starts.
#[derive(Clone, Debug, Default)]
pub struct Launch {
    /// A project to open (`tema open DIR`); else the last one, else the sample.
    pub project: Option<PathBuf>,
    /// The coder's name; else the preferences, else `$TEMA_CODER`, else ask.
    pub coder: Option<String>,
    pub places: Places,
    /// Read and write preferences in eframe's storage (off in tests).
    pub use_storage: bool,
}

/// The views of the centre area, in tab order. A new view is one line here.
pub fn main_views() -> Vec<Box<dyn View>> {
    vec![
        Box::new(DocumentView::default()),
        Box::new(RetrievalView::default()),
        Box::new(MemosView::default()),
        Box::new(SearchView::default()),
        Box::new(QuotesView::default()),
        Box::new(ThemesView::default()),
        Box::new(MapView::default()),
        Box::new(PhasesView::default()),
        Box::new(TeamView::default()),
        Box::new(TriangulationView::default()),
        Box::new(TrailView::default()),
        Box::new(super::views::pseudonyms::PseudonymsView::default()),
    ]
}

/// The side panels, left then right: views like the centre ones, drawn beside it.
pub fn side_panels() -> Vec<Box<dyn View>> {
    vec![Box::new(Navigator::default()), Box::new(Inspector::default())]
}

/// The views by the phase of the analysis they serve, in the order of the tab strip.
pub const VIEW_GROUPS: [(&str, &[ViewKind]); 4] = [
    ("Read and code", &[ViewKind::Document, ViewKind::Memos, ViewKind::Search, ViewKind::Retrieval]),
    ("Develop themes", &[ViewKind::Themes, ViewKind::ThemeMap, ViewKind::Phases]),
    ("Write up", &[ViewKind::Quotes, ViewKind::Triangulation, ViewKind::Trail, ViewKind::Pseudonyms]),
    ("Compare coders", &[ViewKind::Team]),
];

/// The zoom step after (or before) `z` in [`ZOOM_STEPS`](super::tokens::ZOOM_STEPS).
fn zoom_step(z: f32, up: bool) -> f32 {
    let steps = super::tokens::ZOOM_STEPS;
    let next = if up {
        steps.iter().copied().find(|s| *s > z + 0.01)
    } else {
        steps.iter().rev().copied().find(|s| *s < z - 0.01)
    };
    next.unwrap_or(if up { steps[steps.len() - 1] } else { steps[0] })
}

/// Whether the app's inspector belongs beside a view: the themes board has its own detail
/// column for the selected theme, and two right-hand panels would squeeze its columns; the
/// map, the phase tracker, the team view and the triangulation tables are wide pictures and
/// tables whose items open their own panels or views, so the inspector would only take their
/// width.
fn inspector_beside(view: ViewKind) -> bool {
    !matches!(
        view,
        ViewKind::Themes
            | ViewKind::ThemeMap
            | ViewKind::Phases
            | ViewKind::Team
            | ViewKind::Triangulation
            | ViewKind::Trail
            | ViewKind::Pseudonyms
    )
}

/// Everything the app knows between frames, apart from view state.
pub struct AppState {
    pub store: Option<Store>,
    pub selection: Selection,
    pub actions: Vec<Action>,
    pub prefs: Prefs,
    pub coder_name: Option<String>,
    /// Whose codings the views show and count (the status bar's "Coders" switch).
    pub coders: super::CoderChoice,
    /// Codes applied most recently, newest first.
    pub recent_codes: Vec<CodeId>,
    pub status: Option<(String, bool)>,
    pub jobs: Jobs,
    pub tokens: Tokens,
    pub view: ViewKind,
    pub open_doc: Option<DocId>,
    pub cache: Cache,
    places: Places,
    use_storage: bool,
    last_change: Option<Instant>,
    /// When the save now running in the background started.
    save_started: Option<Instant>,
    title: String,
    save_error: Option<String>,
    /// A text field had the keyboard at the end of the last frame: this frame's keys
    /// (Escape leaving the field, say) are still the field's, not shortcuts.
    field_had_keys: bool,
    /// The "why?" asked after a merge, a split or a status change (skippable).
    pub why: Option<WhyPrompt>,
    /// A project opening on a worker (see [`startup::Opening`]); the window shows its
    /// documents list and progress meanwhile.
    pub opening: Option<startup::Opening>,
    /// Open projects on a worker (the app as started by a person; tests open at once).
    open_in_background: bool,
}

pub struct TemaApp {
    pub state: AppState,
    /// The centre views ([`main_views`]).
    pub views: Vec<Box<dyn View>>,
    /// The side panels ([`side_panels`]).
    pub panels: Vec<Box<dyn View>>,
    dialog: Option<Dialog>,
}

impl TemaApp {
    /// The app with its project opened before the first frame (what the tests use: every
    /// frame they run sees the project).
    pub fn new(cc: &eframe::CreationContext<'_>, launch: Launch) -> Self {
        Self::start(cc, launch, false)
    }

    /// The app as a person starts it: the window paints at once and the project opens on a
    /// worker (see [`startup::Opening`]).
    pub fn new_opening_in_background(cc: &eframe::CreationContext<'_>, launch: Launch) -> Self {
        Self::start(cc, launch, true)
    }

    fn start(cc: &eframe::CreationContext<'_>, launch: Launch, background: bool) -> Self {
        let prefs = if launch.use_storage { Prefs::load(cc.storage) } else { Prefs::default() };
        let dark = prefs.dark.unwrap_or(cc.egui_ctx.global_style().visuals.dark_mode);
        let tokens = Tokens { stripe_names: prefs.stripe_names, ..Tokens::for_dark_mode(dark) };
        tokens.install(&cc.egui_ctx);
        // Zoom is a command of ours (View menu, remembered in the preferences).
        cc.egui_ctx.options_mut(|o| o.zoom_with_keyboard = false);
        if let Some(z) = prefs.zoom {
            cc.egui_ctx.set_zoom_factor(z);
        }
        // The one rule for who codes (flag, remembered, $TEMA_CODER...); a guessed login name
        // is not taken as chosen: the app asks to confirm it.
        let (name, source) = crate::edit::default_coder(launch.coder.as_deref(), prefs.coder.as_deref());
        let coder_name = source.is_chosen().then_some(name);
        let mut app = Self {
            state: AppState {
                store: None,
                selection: Selection::default(),
                actions: Vec::new(),
                prefs,
                coder_name,
                coders: Default::default(),
                recent_codes: Vec::new(),
                status: None,
                jobs: Jobs::default(),
                tokens,
                view: ViewKind::Document,
                open_doc: None,
                cache: Cache::default(),
                places: launch.places.clone(),
                use_storage: launch.use_storage,
                last_change: None,
                save_started: None,
                title: String::new(),
                save_error: None,
                field_had_keys: false,
                why: None,
                opening: None,
                open_in_background: background,
            },
            views: main_views(),
            panels: side_panels(),
            dialog: None,
        };
        let target = match launch.project {
            Some(p) => Ok(Startup::Open(p)),
            None => startup::choose(app.state.prefs.last_project(), &app.state.places),
        };
        match target {
            Ok(Startup::Open(dir)) if background => app.start_opening(&cc.egui_ctx, &dir),
            Ok(Startup::Open(dir)) => app.open_project(&dir),
            Ok(Startup::Welcome) => {}
            Err(e) => app.state.status = Some((format!("{e:#}"), true)),
        }
        if app.state.coder_name.is_none() && app.state.store.is_some() {
            app.ask_coder();
        }
        app
    }

    pub fn project(&self) -> Option<&Project> {
        self.state.store.as_ref().map(Store::project)
    }

    fn ask_coder(&mut self) {
        let known: Vec<String> =
            self.project().map(|p| p.coders.values().map(|c| c.name.clone()).collect()).unwrap_or_default();
        let name = self.state.coder_name.clone().unwrap_or_else(|| crate::edit::default_coder(None, None).0);
        self.dialog = Some(Dialog::Coder(CoderDialog::new(name, known)));
    }

    /// Opens a project folder, closing (and saving) the one open before.
    pub fn open_project(&mut self, dir: &Path) {
        // Another Tema holding it, a read-only folder or damaged files: open read-only.
        self.state.opening = None;
        let opened = Store::open_or_read_only(dir);
        self.install_opened(dir, opened);
    }

    /// Starts opening a project folder on a worker; [`Self::poll_opening`] installs it.
    pub fn start_opening(&mut self, ctx: &egui::Context, dir: &Path) {
        self.state.opening = Some(startup::Opening::start(ctx, dir));
    }

    /// Installs the project opening on a worker once it is there (called every frame).
    fn poll_opening(&mut self) {
        let Some(opening) = &self.state.opening else { return };
        let Some(opened) = opening.poll() else { return };
        let dir = opening.dir.clone();
        self.state.opening = None;
        self.install_opened(&dir, opened);
        if self.state.coder_name.is_none() && self.state.store.is_some() {
            self.ask_coder();
        }
    }

    /// Whether a project is opening on a worker.
    pub fn is_opening(&self) -> bool {
        self.state.opening.is_some()
    }

    fn install_opened(&mut self, dir: &Path, opened: Result<(Store, bool), StoreError>) {
        match opened {
            Ok((mut store, read_only)) => {
                self.close_project();
                let warnings = store.take_warnings();
                let name = store.project().settings.name.clone();
                self.state.status = Some(if read_only {
                    let why = warnings.first().cloned().unwrap_or_default();
                    (format!("“{name}” opened read-only: {why}"), true)
                } else if let Some(w) = warnings.first() {
                    (format!("Opened “{name}”: {w}"), true)
                } else {
                    (format!("Opened “{name}”"), false)
                });
                self.state.prefs.add_recent(dir);
                let first = store.project().documents.keys().next().copied();
                if let Some(reader) = store.history_reader() {
                    // Tens of megabytes in a large project: read after the first frame.
                    let job = JobSpec::new("Reading the undo history", move |_| {
                        vec![Action::InstallHistory(Box::new(reader.read()))]
                    });
                    self.state.actions.push(Action::Job(job.keyed("undo history")));
                }
                self.state.store = Some(store);
                self.state.selection = Selection::default();
                self.state.recent_codes.clear();
                self.state.cache = Cache::default();
                self.views = main_views();
                // A project opens on its documents (an empty one on the Import call to action).
                self.state.view = ViewKind::Document;
                self.panels = side_panels();
                if let Some(doc) = first {
                    self.state.actions.push(Action::OpenDocument { doc, reveal: None, coding: None });
                }
            }
            Err(e) => self.state.status = Some((format!("Could not open {}: {e}", dir.display()), true)),
        }
    }

    /// Folds the journal into the project files and lets the folder go.
    pub fn close_project(&mut self) {
        if let Some(mut store) = self.state.store.take()
            && !store.is_read_only()
            // A save running in the background is waited for (the project is closing).
            && (store.wait_for_save().is_some_and(|r| r.is_err()) || store.unsaved() > 0)
            && let Err(e) = store.save()
        {
            self.state.status =
                Some((format!("Could not save a snapshot ({e}); your changes are safe in the journal"), true));
        }
        self.state.open_doc = None;
    }

    /// The name of the coder to act as: the one chosen, else the default rule's guess, kept
    /// as the choice (the planners find that coder or add them).
    fn acting_coder(&mut self) -> String {
        self.state.coder_name.get_or_insert_with(|| crate::edit::default_coder(None, None).0).clone()
    }

    fn status(&mut self, text: impl Into<String>, error: bool) {
        self.state.status = Some((text.into(), error));
    }

    // ---- applying actions ----

    /// Applies every queued action, in order, including those queued while applying.
    pub fn drain_actions(&mut self, ctx: &egui::Context) {
        // The analysis trail names the coder the app acts for.
        if let (Some(store), Some(name)) = (self.state.store.as_mut(), self.state.coder_name.as_deref()) {
            store.set_actor(name);
        }
        let mut rounds = 0;
        while !self.state.actions.is_empty() && rounds < 8 {
            rounds += 1;
            let actions = std::mem::take(&mut self.state.actions);
            for a in actions {
                self.apply(a, ctx);
            }
        }
    }

    fn notify(&mut self, action: &Action) {
        if let Some(p) = self.state.store.as_ref().map(Store::project) {
            for v in self.views.iter_mut().chain(self.panels.iter_mut()) {
                v.on_action(action, p);
            }
        }
    }

    fn apply(&mut self, action: Action, ctx: &egui::Context) {
        let action = match action {
            Action::RunJob { name, work } => {
                self.state.jobs.spawn(ctx, name, work);
                return;
            }
            Action::Job(spec) => {
                self.state.jobs.start(ctx, spec);
                return;
            }
            Action::InstallHistory(read) => {
                if let Some(store) = self.state.store.as_mut() {
                    store.install_history(*read);
                }
                return;
            }
            other => other,
        };
        match &action {
            Action::Command(c) => self.command(*c, ctx),
            Action::RewriteTrail(map) => {
                let Some(store) = self.state.store.as_mut() else { return };
                let rewritten = crate::pseudo::json_replacer(map)
                    .map_err(|e| e.to_string())
                    .and_then(|replace| store.rewrite_trail(&replace).map_err(|e| e.to_string()));
                if let Err(e) = rewritten {
                    self.status(format!("The analysis trail could not be pseudonymised: {e}"), true);
                }
            }
            Action::Edit { edit, coalesce } => {
                let Some(store) = self.state.store.as_mut() else { return };
                let result = match coalesce {
                    Some(k) => store.apply_coalescing(edit.clone(), k.clone()),
                    None => store.apply(edit.clone()),
                };
                match result {
                    Ok(label) => {
                        if coalesce.is_none() {
                            self.state.why = WhyPrompt::after(store.last_decisions());
                        }
                        self.state.last_change = Some(Instant::now());
                        self.state.save_error = None;
                        self.status(label, false);
                        ctx.request_repaint_after(IDLE_SAVE + Duration::from_secs(1));
                    }
                    Err(e) => {
                        if matches!(e, StoreError::Io { .. }) {
                            self.state.save_error = Some(e.to_string());
                        }
                        self.status(e.to_string(), true);
                        return;
                    }
                }
            }
            Action::Select(item) => self.state.selection.item = *item,
            Action::SelectText(t) => self.state.selection.text = *t,
            Action::OpenDocument { doc, coding, .. } => {
                self.state.open_doc = Some(*doc);
                self.state.view = ViewKind::Document;
                if let Some(c) = coding {
                    self.state.selection.item = Some(Item::Coding(*c));
                }
                if self.state.selection.text.is_some_and(|t| t.doc != *doc) {
                    self.state.selection.text = None;
                }
            }
            Action::ShowView(v) => self.state.view = *v,
            Action::Retrieve(c) => {
                self.state.selection.item = Some(Item::Code(*c));
                self.state.view = ViewKind::Retrieval;
            }
            Action::ApplyCode(code) => self.code_selection(Some(*code), None),
            Action::CreateAndApplyCode(name) => self.code_selection(None, Some(name.clone())),
            Action::CreateCode(name) => match self.project().map(|p| crate::edit::code_or_new(p, name, None)) {
                Some(Ok((id, create))) => {
                    if let Some(edit) = create {
                        self.state.actions.push(Action::Edit { edit, coalesce: None });
                    }
                    self.state.actions.push(Action::Select(Some(Item::Code(id))));
                }
                Some(Err(e)) => self.status(e.to_string(), true),
                None => {}
            },
            Action::OpenProject(dir) => {
                let dir = dir.clone();
                if self.state.open_in_background {
                    // Let go of the open project first: it may be the one opening again,
                    // and its lock would make the worker open it read-only.
                    self.close_project();
                    self.start_opening(ctx, &dir);
                } else {
                    self.open_project(&dir);
                }
            }
            Action::CreateProject { dir, name, language } => {
                let name = Some(name.clone()).filter(|n| !n.is_empty()).unwrap_or_else(|| {
                    dir.file_stem()
                        .map(|s| s.to_string_lossy().trim_end_matches(".tema").to_string())
                        .unwrap_or_default()
                });
                let created = Store::create(dir, &name).and_then(|mut store| {
                    if store.project().settings.language != *language {
                        let settings = Settings { language: *language, ..store.project().settings.clone() };
                        store.apply(Edit::SetSettings { settings })?;
                        store.save()?;
                    }
                    Ok(store)
                });
                match created {
                    Ok(store) => {
                        drop(store);
                        let dir = dir.clone();
                        self.open_project(&dir);
                    }
                    Err(e) => self.status(format!("Could not create the project: {e}"), true),
                }
            }
            Action::SetCoder(name) => {
                self.state.coder_name = Some(name.clone());
                self.state.prefs.coder = Some(name.clone());
                self.status(format!("Coding as {name}"), false);
            }
            Action::ConfirmDeleteCode(code) => self.dialog = Some(Dialog::ConfirmDelete { code: *code }),
            Action::PickMergeTarget(code) => {
                self.dialog = Some(Dialog::Picker(CodePicker::new(Purpose::MergeFrom(*code))))
            }
            // The side panels take these (`View::on_action`, below).
            Action::StartRename(_) | Action::FocusComment => {}
            Action::Status { text, error } => self.status(text.clone(), *error),
            Action::ShowReport { title, lines } => {
                let d = crate::ui::dialogs::refi::RefiDialog::report(title.clone(), lines.clone());
                self.dialog = Some(Dialog::Refi(Box::new(d)));
            }
            Action::RunJob { .. } | Action::Job(_) | Action::InstallHistory(_) | Action::ToView { .. } => {}
        }
        if let Some(store) = &self.state.store {
            self.state.selection.drop_stale(store.project());
        }
        self.notify(&action);
    }

    /// Codes the selected text with a code, or with a new code of that name.
    fn code_selection(&mut self, code: Option<CodeId>, new_name: Option<String>) {
        let Some(sel) = self.state.selection.text else {
            self.status("Select some text first", true);
            return;
        };
        let code = match (code, new_name.as_deref()) {
            (Some(c), _) => CodeRef::Id(c),
            (None, Some(name)) => CodeRef::Name(name),
            (None, None) => return,
        };
        let name = self.acting_coder();
        let Some(p) = self.project() else { return };
        let plan = match crate::edit::plan_coding(p, sel.doc, sel.span, code, CoderRef::Name(&name), "") {
            Ok(plan) => plan,
            Err(e) => {
                self.status(e.to_string(), true);
                return;
            }
        };
        self.state.actions.push(Action::Edit { edit: plan.edit, coalesce: None });
        self.state.actions.push(Action::Select(Some(Item::Coding(plan.coding))));
        self.state.recent_codes.retain(|c| *c != plan.code);
        self.state.recent_codes.insert(0, plan.code);
        self.state.recent_codes.truncate(9);
    }

    /// A code name taken from the selected words (in-vivo coding).
    fn in_vivo_name(&self) -> Option<String> {
        let sel = self.state.selection.text?;
        let doc = self.project()?.documents.get(&sel.doc)?;
        let text = doc.slice(sel.span)?;
        let words: Vec<&str> = text.split_whitespace().collect();
        let mut name = words.join(" ");
        name = name.trim_matches(|c: char| !c.is_alphanumeric()).to_string();
        if name.chars().count() > 60 {
            name = name.chars().take(59).collect::<String>() + "…";
        }
        (!name.is_empty()).then_some(name)
    }

    /// What the commands' rules (enabled, shown, checked) look at, from the app's state now.
    pub fn command_state(&self) -> CommandState {
        let store = self.state.store.as_ref();
        let history = store.map(Store::history);
        let sel = &self.state.selection;
        CommandState {
            open: store.is_some(),
            writable: store.is_some_and(|s| !s.is_read_only()),
            text: sel.text.is_some(),
            coding: sel.coding().is_some(),
            code: sel.code().is_some(),
            anything: sel.text.is_some() || sel.item.is_some(),
            document: self.state.open_doc.is_some(),
            view: self.state.view,
            can_undo: history.is_some_and(|h| h.can_undo()),
            can_redo: history.is_some_and(|h| h.can_redo()),
            recent_codes: self.state.recent_codes.len(),
            needs_repair: self.needs_repair(),
            navigator_shown: !self.state.prefs.hide_navigator,
            inspector_shown: !self.state.prefs.hide_inspector,
            stripe_names: self.state.prefs.stripe_names,
        }
    }

    /// Whether a command can run now (its [`CommandSpec::enabled`] rule).
    pub fn enabled(&self, c: UiCommand) -> bool {
        c.spec().is_some_and(|spec| (spec.enabled)(&self.command_state()))
    }

    fn command(&mut self, c: UiCommand, ctx: &egui::Context) {
        if !self.enabled(c) {
            if matches!(c, UiCommand::CodeSelection | UiCommand::InVivoCode | UiCommand::RecentCode(_))
                && self.state.selection.text.is_none()
            {
                self.status("Select some text first, then press a key to code it", true);
            }
            return;
        }
        let recent = self.state.prefs.recent.clone();
        match c {
            UiCommand::NewProject => self.dialog = Some(Dialog::Project(ProjectDialog::new(ProjectMode::New, recent))),
            UiCommand::OpenProject => {
                self.dialog = Some(Dialog::Project(ProjectDialog::new(ProjectMode::Open, recent)))
            }
            UiCommand::SaveNow => self.save_now(ctx),
            UiCommand::RepairProject => self.repair_project(),
            UiCommand::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
            UiCommand::Undo | UiCommand::Redo => {
                let Some(store) = self.state.store.as_mut() else { return };
                let result = if c == UiCommand::Undo { store.undo() } else { store.redo() };
                match result {
                    Ok(Some(label)) => {
                        let verb = if c == UiCommand::Undo { "Undone" } else { "Redone" };
                        self.status(format!("{verb}: {label}"), false);
                        self.state.last_change = Some(Instant::now());
                    }
                    // Opening reads the older steps on a job: say so rather than nothing.
                    Ok(None) if store.history_pending() => {
                        self.status("The undo history is still being read; try again in a moment", false)
                    }
                    Ok(None) => {}
                    Err(e) => self.status(e.to_string(), true),
                }
            }
            UiCommand::CommandPalette => self.dialog = Some(Dialog::Palette(Palette::new())),
            UiCommand::CodeSelection => self.dialog = Some(Dialog::Picker(CodePicker::new(Purpose::Apply))),
            UiCommand::InVivoCode => {
                if let Some(name) = self.in_vivo_name() {
                    self.code_selection(None, Some(name));
                }
            }
            UiCommand::RecentCode(n) => {
                if let Some(code) = usize::from(n).checked_sub(1).and_then(|i| self.state.recent_codes.get(i)).copied()
                {
                    self.code_selection(Some(code), None);
                }
            }
            UiCommand::RemoveCoding => {
                if let Some(id) = self.state.selection.coding() {
                    self.state.actions.push(Action::Edit { edit: Edit::RemoveCoding { id }, coalesce: None });
                }
            }
            UiCommand::FitCodingToSelection => {
                let (Some(id), Some(sel)) = (self.state.selection.coding(), self.state.selection.text) else { return };
                let edit = self.project().and_then(|p| crate::edit::plan::resize_coding(p, id, sel.doc, sel.span));
                if let Some(edit) = edit {
                    self.state.actions.push(Action::Edit { edit, coalesce: None });
                }
            }
            UiCommand::ClearSelection => {
                if self.state.selection.text.is_some() {
                    self.state.selection.text = None;
                } else {
                    self.state.selection.item = None;
                }
            }
            UiCommand::ToggleRead => {
                let Some(doc) = self.state.open_doc else { return };
                let name = self.acting_coder();
                let Some(p) = self.project() else { return };
                match crate::edit::toggle_read(p, doc, CoderRef::Name(&name)) {
                    Ok(edit) => self.state.actions.push(Action::Edit { edit, coalesce: None }),
                    Err(e) => self.status(e.to_string(), true),
                }
            }
            UiCommand::ImportFiles => {
                if let Some(p) = self.project() {
                    self.dialog = Some(Dialog::Import(Box::new(ImportDialog::new(p))));
                }
            }
            UiCommand::ImportRefiProject
            | UiCommand::ImportRefiCodebook
            | UiCommand::ExportRefiProject
            | UiCommand::ExportRefiCodebook => {
                if let Some(mode) = crate::ui::dialogs::refi::RefiMode::of(c) {
                    let dir = self.state.store.as_ref().map(|s| s.dir().to_path_buf());
                    let d = crate::ui::dialogs::refi::RefiDialog::new(mode, self.project(), dir.as_deref());
                    self.dialog = Some(Dialog::Refi(Box::new(d)));
                }
            }
            UiCommand::ChangeCoder => self.ask_coder(),
            UiCommand::ToggleDarkMode => {
                let dark = !self.state.tokens.dark;
                self.state.prefs.dark = Some(dark);
                self.state.tokens =
                    Tokens { stripe_names: self.state.prefs.stripe_names, ..Tokens::for_dark_mode(dark) };
                self.state.tokens.install(ctx);
            }
            UiCommand::ToggleNavigator => self.state.prefs.hide_navigator = !self.state.prefs.hide_navigator,
            UiCommand::ToggleInspector => self.state.prefs.hide_inspector = !self.state.prefs.hide_inspector,
            UiCommand::ToggleStripeNames => {
                self.state.prefs.stripe_names = !self.state.prefs.stripe_names;
                self.state.tokens.stripe_names = self.state.prefs.stripe_names;
            }
            UiCommand::ZoomIn | UiCommand::ZoomOut | UiCommand::ZoomReset => {
                let zoom = match c {
                    UiCommand::ZoomIn => zoom_step(ctx.zoom_factor(), true),
                    UiCommand::ZoomOut => zoom_step(ctx.zoom_factor(), false),
                    _ => 1.0,
                };
                ctx.set_zoom_factor(zoom);
                self.state.prefs.zoom = Some(zoom);
                self.status(format!("Zoom {:.0} %", zoom * 100.0), false);
            }
            UiCommand::Show(kind) | UiCommand::Of(kind, _) => self.view_command(c, kind, ctx),
        }
    }

    /// A view's command: a centre view comes to the front (its own commands are about what it
    /// shows), then the view runs it.
    fn view_command(&mut self, c: UiCommand, kind: ViewKind, ctx: &egui::Context) {
        if !kind.is_panel() {
            self.state.view = kind;
            // The view's own signal that it was asked for (the search view focuses its query).
            self.state.actions.push(Action::ShowView(kind));
        }
        let state = &mut self.state;
        if let Some(view) = self.views.iter_mut().chain(self.panels.iter_mut()).find(|v| v.kind() == kind) {
            with_cx(state, |cx| view.on_command(c, cx));
        }
        ctx.request_repaint();
    }

    /// Whether a text changed outside Tema, or something is still unanchored since one did.
    fn needs_repair(&self) -> bool {
        self.state.store.as_ref().is_some_and(|s| !s.changed_documents().is_empty() || !s.unanchored().is_empty())
    }

    /// Re-anchors what points into texts changed outside Tema (the store decides everything:
    /// `Store::open_repairing`), reopens the project and shows what was placed again and what
    /// stays unanchored.
    fn repair_project(&mut self) {
        let Some(dir) = self.state.store.as_ref().map(|s| s.dir().to_path_buf()) else { return };
        // Let go of the project (a writable one holds the lock), repair it, open it again.
        self.close_project();
        self.state.store = None;
        // The report only: the repairing store lets go of the lock before the project reopens.
        let repaired = Store::open_repairing(&dir, false).map(|store| store.anchoring().clone());
        self.open_project(&dir);
        match repaired {
            Ok(r) => {
                let mut lines: Vec<String> = r.damaged.iter().map(|d| format!("Text {d}.")).collect();
                lines.push(format!("Re-anchored {} codings:", r.reanchored.len()));
                lines.extend(r.reanchored.iter().map(|l| format!("  {l}")));
                lines.extend(r.moved.iter().map(|l| format!("Moved: {l}")));
                lines.push(format!("Still unanchored ({}; kept, not shown or counted):", r.unanchored.len()));
                lines.extend(r.unanchored.iter().map(|l| format!("  {l}")));
                self.status(
                    format!("Re-anchored {} codings; {} items stay unanchored", r.reanchored.len(), r.unanchored.len()),
                    !r.unanchored.is_empty(),
                );
                self.state.actions.push(Action::ShowReport { title: "Repair".into(), lines });
            }
            Err(e) => self.status(format!("Could not repair {}: {e}", dir.display()), true),
        }
    }

    /// The banner over everything while a text changed outside Tema is quarantined, or
    /// something is still unanchored since one was.
    fn damage_banner(&mut self, ui: &mut Ui) {
        let Some(store) = &self.state.store else { return };
        let p = store.project();
        let changed: Vec<String> = store
            .changed_documents()
            .iter()
            .filter_map(|d| p.documents.get(d))
            .map(|d| format!("“{}”", d.name()))
            .collect();
        let held = store.unanchored().len();
        if changed.is_empty() && held == 0 {
            return;
        }
        let t = self.state.tokens.clone();
        let text = if changed.is_empty() {
            format!(
                "{held} codings, quotes or notes are unanchored since a text changed outside Tema: not shown or counted."
            )
        } else {
            format!(
                "The text of {} changed outside Tema. The project is read-only; {held} codings, quotes or notes no longer \
                 match and are unanchored (not shown or counted).",
                changed.join(", ")
            )
        };
        let mut show = false;
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(text).color(t.danger));
            let repair = ui.button(UiCommand::RepairProject.label()).on_hover_text(UiCommand::RepairProject.tooltip());
            if repair.clicked() {
                self.state.actions.push(Action::Command(UiCommand::RepairProject));
            }
            show = ui.button("List unanchored").on_hover_text("Show what is unanchored, by name").clicked();
        });
        if show {
            let lines = store.unanchored().describe(p);
            self.state.actions.push(Action::ShowReport { title: "Unanchored".into(), lines });
        }
    }

    /// Starts writing the snapshot in the background (the UI thread only takes it, see
    /// `Store::begin_save`); [`Self::save_finished`] reports the result.
    fn save_now(&mut self, ctx: &egui::Context) {
        let Some(store) = self.state.store.as_mut() else { return };
        if store.is_saving() {
            return; // the running save is reported when it finishes
        }
        let ctx = ctx.clone();
        match store.save_in_background(move || ctx.request_repaint()) {
            Ok(()) => {
                self.state.save_started = Some(Instant::now());
                self.state.last_change = None;
                self.status("Saving the project files…", false);
            }
            Err(e) => self.save_finished(Err(e)),
        }
    }

    fn save_finished(&mut self, result: Result<(), StoreError>) {
        let took = self.state.save_started.take().map(|t| t.elapsed().as_millis()).unwrap_or_default();
        match result {
            Ok(()) => {
                self.state.save_error = None;
                self.status(format!("Saved the project files ({took} ms)"), false);
            }
            Err(e) => {
                self.state.save_error = Some(e.to_string());
                self.status(format!("Could not save a snapshot ({e}); your changes are safe in the journal"), true);
            }
        }
    }

    // ---- drawing ----

    /// The menu bar, drawn from the command registry: each menu's groups in order with a
    /// separator between them (`command::menu_groups`), every entry with its shortcut, tooltip
    /// and enabled state from its definition. Only the labels that say something about now
    /// (what Undo takes back, which code a number key applies) and the recent projects are
    /// added here.
    fn menu_bar(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        let state = self.command_state();
        let chosen: std::cell::RefCell<Vec<Action>> = Default::default();
        egui::MenuBar::new().ui(ui, |ui| {
            let item = |ui: &mut Ui, spec: &CommandSpec| {
                if !(spec.shown)(&state) {
                    return;
                }
                let button = egui::Button::new(self.menu_text(spec)).shortcut_text(spec.shortcut_text(&ctx));
                if ui.add_enabled((spec.enabled)(&state), button).on_hover_text(spec.hover_text(&ctx)).clicked() {
                    chosen.borrow_mut().push(Action::Command(spec.command));
                }
            };
            for menu in Menu::ALL {
                ui.menu_button(menu.title(), |ui| {
                    for (n, group) in menu_groups(menu).iter().enumerate() {
                        if n > 0 {
                            ui.separator();
                        }
                        for entry in group {
                            match entry {
                                MenuEntry::Command(spec) => {
                                    item(ui, spec);
                                    if spec.command == UiCommand::OpenProject {
                                        self.recent_projects_menu(ui, &chosen);
                                    }
                                }
                                MenuEntry::Submenu(name, specs) => {
                                    ui.menu_button(*name, |ui| specs.iter().for_each(|spec| item(ui, spec)));
                                }
                            }
                        }
                    }
                });
            }
            if self.state.store.is_some() {
                ui.separator();
                self.view_tabs(ui);
            }
        });
        self.state.actions.extend(chosen.into_inner());
    }

    /// A command's text in the menu: a switch with its check box, Undo and Redo with what they
    /// take back or re-apply, a recent code under its name.
    pub fn menu_text(&self, spec: &CommandSpec) -> String {
        let label = spec.menu_label.unwrap_or(spec.label);
        if let Some(on) = spec.checked {
            return format!("{} {label}", if on(&self.command_state()) { "☑" } else { "☐" });
        }
        let history = self.state.store.as_ref().map(Store::history);
        let dynamic = match spec.command {
            UiCommand::Undo => history.and_then(|h| h.undo_label()).map(|l| format!("Undo {l}")),
            UiCommand::Redo => history.and_then(|h| h.redo_label()).map(|l| format!("Redo {l}")),
            UiCommand::RecentCode(n) => usize::from(n)
                .checked_sub(1)
                .and_then(|i| self.state.recent_codes.get(i))
                .and_then(|c| self.project()?.codes.get(c))
                .map(|c| format!("Apply “{}”", c.name())),
            _ => None,
        };
        dynamic.unwrap_or_else(|| label.to_string())
    }

    /// File → Open recent: the projects opened lately.
    fn recent_projects_menu(&self, ui: &mut Ui, chosen: &std::cell::RefCell<Vec<Action>>) {
        ui.menu_button("Open recent", |ui| {
            if self.state.prefs.recent.is_empty() {
                ui.label("No recent projects");
            }
            for p in &self.state.prefs.recent {
                if ui.button(p.display().to_string()).clicked() {
                    chosen.borrow_mut().push(Action::OpenProject(p.clone()));
                }
            }
        });
    }

    fn status_bar(&mut self, ui: &mut Ui) {
        let t = self.state.tokens.clone();
        ui.horizontal(|ui| {
            let coder = self.state.coder_name.clone().unwrap_or_else(|| "nobody yet".into());
            let r = ui.button(format!("Coder: {coder}")).on_hover_text(UiCommand::ChangeCoder.tooltip());
            if r.clicked() {
                self.state.actions.push(Action::Command(UiCommand::ChangeCoder));
            }
            if let Some(store) = &self.state.store {
                let p = store.project();
                let me = self.state.coder_name.as_deref().and_then(|n| p.coder_by_name(n)).map(|c| c.id);
                coders_switch(ui, p, me, &mut self.state.coders);
            }
            ui.separator();
            // The right-hand figures are laid out first, so that jobs and the status message
            // get the width between and are cut short there rather than drawn over them.
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if let Some(store) = &self.state.store {
                    let p = store.project();
                    let saved = match (&self.state.save_error, store.is_read_only()) {
                        (Some(_), _) => RichText::new("⚠ not saved").color(t.danger),
                        (None, true) => RichText::new("read-only").color(t.danger),
                        (None, false) if store.is_saving() => RichText::new("✔ saving…").color(t.ok),
                        (None, false) => RichText::new("✔ all changes saved").color(t.ok),
                    };
                    ui.label(saved)
                        .on_hover_text("Each change is written to the project's journal the moment you make it");
                    ui.label(
                        RichText::new(format!(
                            "{} documents · {} codes · {} codings",
                            p.documents.len(),
                            p.codes.len(),
                            p.codings.len()
                        ))
                        .color(t.weak_text),
                    );
                }
                ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                    self.state.jobs.ui(ui);
                    if let Some((text, error)) = &self.state.status {
                        let colour = if *error { t.danger } else { t.weak_text };
                        ui.add(egui::Label::new(RichText::new(text).color(colour)).truncate())
                            .on_hover_text(text.as_str());
                    }
                });
            });
        });
    }

    fn welcome(&mut self, ui: &mut Ui) {
        ui.add_space(60.0);
        ui.vertical_centered(|ui| {
            ui.heading(RichText::new("Tema").size(32.0));
            ui.label("A workbench for thematic analysis of interviews, focus groups and field notes.");
            ui.add_space(20.0);
            if ui.button("New project…").on_hover_text(UiCommand::NewProject.tooltip()).clicked() {
                self.state.actions.push(Action::Command(UiCommand::NewProject));
            }
            if ui.button("Open project…").on_hover_text(UiCommand::OpenProject.tooltip()).clicked() {
                self.state.actions.push(Action::Command(UiCommand::OpenProject));
            }
            if let Some(sample) = self.state.places.sample.clone()
                && ui
                    .button("Open the sample study")
                    .on_hover_text("A coded copy of the “Working together” sample study")
                    .clicked()
            {
                match self.state.places.data_dir.clone() {
                    Some(data) => {
                        let copy = data.join(startup::SAMPLE_NAME);
                        let result =
                            if startup::is_project(&copy) { Ok(()) } else { startup::copy_project(&sample, &copy) };
                        match result {
                            Ok(()) => self.state.actions.push(Action::OpenProject(copy)),
                            Err(e) => self.status(format!("{e:#}"), true),
                        }
                    }
                    None => self.status("There is no data folder to copy the sample into", true),
                }
            }
            if !self.state.prefs.recent.is_empty() {
                ui.add_space(16.0);
                ui.label(RichText::new("Recent projects").strong());
                for p in self.state.prefs.recent.clone() {
                    if ui.link(p.display().to_string()).clicked() {
                        self.state.actions.push(Action::OpenProject(p));
                    }
                }
            }
        });
    }

    fn dialogs(&mut self, ctx: &egui::Context) {
        let Some(dialog) = &mut self.dialog else { return };
        let project = self.state.store.as_ref().map(Store::project);
        let t = &self.state.tokens;
        let outcome: Option<Vec<Action>> = match dialog {
            Dialog::Picker(picker) => match project {
                Some(p) => picker.show(ctx, p, &self.state.recent_codes, t).map(|a| a.into_iter().collect()),
                None => Some(Vec::new()),
            },
            Dialog::Palette(palette) => palette.show(ctx, project, t),
            Dialog::Project(d) => d.show(ctx).map(|a| a.into_iter().collect()),
            Dialog::Coder(d) => d.show(ctx).map(|a| a.into_iter().collect()),
            Dialog::ConfirmDelete { code } => confirm_delete(ctx, project, *code, t),
            Dialog::Import(d) => d.show(ctx, &mut self.state.jobs),
            Dialog::Refi(d) => d.show(ctx),
        };
        if let Some(actions) = outcome {
            self.dialog = None;
            self.state.actions.extend(actions);
        }
    }

    /// The views as one row of tabs in the menu bar, grouped by the phase of the analysis they
    /// serve (see [`VIEW_GROUPS`]); it scrolls sideways rather than wrap on a narrow window.
    fn view_tabs(&mut self, ui: &mut Ui) {
        let mut chosen = None;
        egui::ScrollArea::horizontal()
            .id_salt("view-tabs")
            .scroll_bar_visibility(egui::scroll_area::ScrollBarVisibility::AlwaysHidden)
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    let mut listed: Vec<ViewKind> = Vec::new();
                    for (n, (phase, kinds)) in VIEW_GROUPS.iter().enumerate() {
                        if n > 0 {
                            ui.separator();
                        }
                        for kind in *kinds {
                            if !self.views.iter().any(|v| v.kind() == *kind) {
                                continue;
                            }
                            listed.push(*kind);
                            let hover = format!("{phase}: {}", UiCommand::Show(*kind).hover_text(ui.ctx()));
                            if ui
                                .selectable_label(self.state.view == *kind, kind.title())
                                .on_hover_text(hover)
                                .clicked()
                            {
                                chosen = Some(*kind);
                            }
                        }
                    }
                    // A view no group names yet still gets its tab, at the end.
                    for v in self.views.iter().filter(|v| !listed.contains(&v.kind())) {
                        if ui.selectable_label(self.state.view == v.kind(), v.kind().title()).clicked() {
                            chosen = Some(v.kind());
                        }
                    }
                });
            });
        if let Some(kind) = chosen {
            self.state.view = kind;
        }
    }

    /// The side panels, each a [`View`]: resizable within readable widths (egui's memory
    /// keeps the width), closable from the View menu (the preferences keep that).
    fn side_panels(&mut self, ui: &mut Ui, frame: egui::Frame) {
        let view = self.state.view;
        for panel in &mut self.panels {
            let kind = panel.kind();
            let (side, width) = match kind {
                ViewKind::Navigator if !self.state.prefs.hide_navigator => (egui::Panel::left("navigator"), 260.0),
                ViewKind::Inspector if !self.state.prefs.hide_inspector && inspector_beside(view) => {
                    (egui::Panel::right("inspector"), 270.0)
                }
                _ => continue,
            };
            let state = &mut self.state;
            side.resizable(true).default_size(width).size_range(220.0..=520.0).frame(frame).show(ui, |ui| {
                // The text selection is the document view's: the inspector beside another view
                // does not offer to code or correct it.
                let mut selection = state.selection.clone();
                if kind == ViewKind::Inspector && view != ViewKind::Document {
                    selection.text = None;
                }
                let shown = std::mem::replace(&mut state.selection, selection);
                with_cx(state, |cx| panel.ui(cx, ui));
                state.selection = shown;
            });
        }
    }

    fn centre(&mut self, ui: &mut Ui) {
        let state = &mut self.state;
        let kind = state.view;
        if let Some(view) = self.views.iter_mut().find(|v| v.kind() == kind) {
            with_cx(state, |cx| {
                if view.needs_documents() && cx.project.documents.is_empty() {
                    crate::ui::views::document::first_steps(cx, ui);
                } else {
                    view.ui(cx, ui);
                }
            });
        }
        let ctx = ui.ctx().clone();
        for view in self.views.iter_mut().chain(self.panels.iter_mut()) {
            with_cx(state, |cx| view.background(cx, &ctx));
        }
    }
}

/// The status bar's "Coders" switch: all coders, only me, or chosen coders.
fn coders_switch(ui: &mut Ui, p: &Project, me: Option<CoderId>, choice: &mut super::ctx::CoderChoice) {
    use super::ctx::CoderChoice;
    let text = match choice {
        CoderChoice::All => "all".to_string(),
        CoderChoice::OnlyMe => "only me".to_string(),
        CoderChoice::Chosen(_) => choice.scope(me).label(p),
    };
    egui::ComboBox::from_label("Coders")
        .selected_text(text)
        .show_ui(ui, |ui| {
            ui.selectable_value(choice, CoderChoice::All, "All coders");
            ui.selectable_value(choice, CoderChoice::OnlyMe, "Only me");
            ui.separator();
            ui.label("Chosen coders:");
            for c in p.coders.values() {
                let mut on = matches!(choice, CoderChoice::Chosen(set) if set.contains(&c.id));
                if ui.checkbox(&mut on, c.name.as_str()).changed() {
                    let mut set = match choice {
                        CoderChoice::Chosen(set) => set.clone(),
                        _ => Default::default(),
                    };
                    if on {
                        set.insert(c.id);
                    } else {
                        set.remove(&c.id);
                    }
                    *choice = if set.is_empty() { CoderChoice::All } else { CoderChoice::Chosen(set) };
                }
            }
        })
        .response
        .on_hover_text(
            "Whose codings every view shows and counts. Codings of one code on overlapping text are one extract",
        );
}

/// Builds the frame's [`ViewCtx`] from the state and runs `f` with it.
fn with_cx<R>(state: &mut AppState, f: impl FnOnce(&mut ViewCtx<'_>) -> R) -> Option<R> {
    let store = state.store.as_ref()?;
    let project = store.project();
    let coder = state.coder_name.as_deref().and_then(|n| project.coder_by_name(n)).map(|c| c.id);
    let mut cx = ViewCtx {
        project,
        history: store.history(),
        selection: &state.selection,
        tokens: &state.tokens,
        coder,
        coder_name: state.coder_name.as_deref().unwrap_or(""),
        coders: state.coders.scope(coder),
        recent_codes: &state.recent_codes,
        read_only: store.is_read_only(),
        project_dir: store.dir(),
        cache: &mut state.cache,
        actions: &mut state.actions,
    };
    Some(f(&mut cx))
}

fn confirm_delete(ctx: &egui::Context, p: Option<&Project>, code: CodeId, t: &Tokens) -> Option<Vec<Action>> {
    let p = p?;
    let Some(c) = p.codes.get(&code) else { return Some(Vec::new()) };
    let own = p.codings_of_code(code).count();
    let children = p.code_children(Some(code)).count();
    let mut result = None;
    let modal = super::dialogs::modal(ctx, egui::Id::unique("confirm-delete")).show(ctx, |ui| {
        ui.set_width(420.0);
        ui.heading(format!("Delete “{}”?", c.name()));
        let mut text = match own {
            0 => "It is not applied to any passage.".to_string(),
            1 => "It is applied to 1 passage, which will be uncoded.".to_string(),
            n => format!("It is applied to {n} passages, which will be uncoded."),
        };
        if children > 0 {
            text.push_str(&format!(" Its {children} sub-codes move up one level."));
        }
        ui.label(text);
        ui.label(RichText::new("You can undo this.").color(t.weak_text));
        ui.horizontal(|ui| {
            if ui.button(RichText::new("Delete").color(t.danger)).clicked() {
                result = Some(vec![Action::Edit { edit: Edit::DeleteCode { id: code }, coalesce: None }]);
            }
            if ui.button("Cancel").clicked() {
                result = Some(Vec::new());
            }
        });
    });
    if modal.should_close() && result.is_none() {
        result = Some(Vec::new());
    }
    result
}

impl eframe::App for TemaApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.poll_opening();
        let done = self.state.jobs.poll();
        self.state.actions.extend(done);
        if let Some(result) = self.state.store.as_mut().and_then(|s| s.poll_save()) {
            self.save_finished(result);
        }
        if let Some(store) = self.state.store.as_mut() {
            // No frame waits for the disk: a change's line is written at once and synced on a
            // thread of the store's. Asked before this frame's edits are applied.
            if !store.syncs_in_background()
                && !store.is_read_only()
                && let Err(e) = store.sync_in_background()
            {
                self.state.save_error = Some(e.to_string());
            }
            if let Some(e) = store.sync_failure() {
                self.state.save_error = Some(e.to_string());
            }
        }
        // Fold the journal into the snapshot once the researcher pauses.
        if let Some(at) = self.state.last_change
            && at.elapsed() >= IDLE_SAVE
            && self.state.store.as_ref().is_some_and(|s| s.unsaved() > 0 && !s.is_read_only() && !s.is_saving())
            && !ctx.input(|i| i.pointer.any_down())
        {
            self.save_now(ctx);
        }
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        if let Some(store) = &self.state.store {
            self.state.selection.drop_stale(store.project());
        }
        // The document view notes anew where the selected passage is, if it is on screen.
        super::dialogs::code_picker::note_selection_on_screen(&ctx, None);
        if self.dialog.is_none() {
            let commands = if self.state.field_had_keys {
                UiCommand::palette_from_input(&ctx)
            } else {
                UiCommand::from_input(&ctx, self.document_has_keyboard(&ctx))
            };
            self.state.actions.extend(commands.into_iter().map(Action::Command));
        }
        egui::Panel::top("menu").show(ui, |ui| self.menu_bar(ui));
        egui::Panel::bottom("status").show(ui, |ui| self.status_bar(ui));
        if self.needs_repair() {
            egui::Panel::top("damage").show(ui, |ui| self.damage_banner(ui));
        }
        if self.state.store.is_some() {
            let panel = egui::Frame::side_top_panel(ui.style()).fill(self.state.tokens.panel);
            self.side_panels(ui, panel);
            let frame = egui::Frame::central_panel(ui.style()).fill(self.state.tokens.page);
            egui::CentralPanel::default().frame(frame).show(ui, |ui| self.centre(ui));
        } else if let Some(opening) = &self.state.opening {
            egui::CentralPanel::default().show(ui, |ui| opening.ui(ui));
        } else {
            egui::CentralPanel::default().show(ui, |ui| self.welcome(ui));
        }
        self.dialogs(&ctx);
        self.why_prompt(&ctx);
        self.drain_actions(&ctx);
        self.update_title(&ctx);
        self.state.field_had_keys = ctx.text_edit_focused();
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if self.state.use_storage {
            self.state.prefs.store(storage);
        }
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.close_project();
    }
}

impl TemaApp {
    /// Shows the "why?" prompt, and records the reason in the trail when one is given.
    fn why_prompt(&mut self, ctx: &egui::Context) {
        let Some(prompt) = self.state.why.as_mut() else { return };
        match prompt.show(ctx) {
            Some(WhyOutcome::Save(decision, why)) => {
                self.state.why = None;
                if let Some(store) = self.state.store.as_mut() {
                    match store.note_why(decision, &why) {
                        Ok(()) => self.status("Reason recorded in the analysis trail", false),
                        Err(e) => self.status(format!("Could not record the reason: {e}"), true),
                    }
                }
                for v in self.views.iter_mut().chain(self.panels.iter_mut()) {
                    v.trail_changed();
                }
            }
            Some(WhyOutcome::Skip) => self.state.why = None,
            None => {}
        }
    }

    fn update_title(&mut self, ctx: &egui::Context) {
        let title = match &self.state.store {
            None => "Tema".to_string(),
            Some(s) => {
                let state = if self.state.save_error.is_some() {
                    "NOT SAVED"
                } else if s.is_read_only() {
                    "read-only"
                } else {
                    "saved"
                };
                format!("{} — {state} — Tema", s.project().settings.name)
            }
        };
        if title != self.state.title {
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.state.title = title;
        }
    }

    /// Whether the keyboard talks to the transcript: the document view is showing a document
    /// and no other widget (a field, a button reached with Tab) holds the keyboard focus.
    /// Only then do the one-key coding shortcuts act.
    pub fn document_has_keyboard(&self, ctx: &egui::Context) -> bool {
        let Some(doc) = self.state.open_doc.filter(|_| self.state.view == ViewKind::Document) else {
            return false;
        };
        match ctx.memory(|m| m.focused()) {
            None => true,
            Some(id) => id == DocumentView::text_id(doc),
        }
    }

    /// The window title as last set.
    pub fn title(&self) -> &str {
        &self.state.title
    }
}
