//! The app shell: state, panels, menus, dialogs, and the once-per-frame drain of actions.

use super::cache::Cache;
use super::dialogs::Dialog;
use super::dialogs::code_picker::{CodePicker, Purpose};
use super::dialogs::import::ImportDialog;
use super::dialogs::palette::Palette;
use super::dialogs::project::{CoderDialog, ProjectDialog, ProjectMode};
use super::jobs::Jobs;
use super::prefs::Prefs;
use super::startup::{self, Places, Startup};
use super::views::codebook::Codebook;
use super::views::document::DocumentView;
use super::views::inspector::Inspector;
use super::views::map::MapView;
use super::views::memos::{MemosView, new_entry};
use super::views::navigator::Navigator;
use super::views::phases::PhasesView;
use super::views::quotes::{NewQuote, QuotesView};
use super::views::retrieval::RetrievalView;
use super::views::search::SearchView;
use super::views::team::TeamView;
use super::views::themes::ThemesView;
use super::views::trail::{TrailView, WhyOutcome, WhyPrompt};
use super::views::triangulation::TriangulationView;
use super::{Action, Item, Selection, Tokens, UiCommand, View, ViewCtx, ViewKind};
use crate::edit::Edit;
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

/// The views by the phase of the analysis they serve, in the order of the tab strip.
pub const VIEW_GROUPS: [(&str, &[ViewKind]); 4] = [
    ("Read and code", &[ViewKind::Document, ViewKind::Memos, ViewKind::Search, ViewKind::Retrieval]),
    ("Develop themes", &[ViewKind::Themes, ViewKind::ThemeMap, ViewKind::Phases]),
    ("Write up", &[ViewKind::Quotes, ViewKind::Triangulation, ViewKind::Trail, ViewKind::Pseudonyms]),
    ("Compare coders", &[ViewKind::Team]),
];

/// The command that shows a view (its tooltip and shortcut describe the tab).
pub fn view_command(kind: ViewKind) -> UiCommand {
    match kind {
        ViewKind::Document => UiCommand::ShowDocument,
        ViewKind::Retrieval => UiCommand::ShowRetrieval,
        ViewKind::Memos => UiCommand::ShowMemos,
        ViewKind::Search => UiCommand::ShowSearch,
        ViewKind::Quotes => UiCommand::ShowQuotes,
        ViewKind::Themes => UiCommand::ShowThemes,
        ViewKind::ThemeMap => UiCommand::ShowThemeMap,
        ViewKind::Phases => UiCommand::ShowPhases,
        ViewKind::Team => UiCommand::ShowTeam,
        ViewKind::Triangulation => UiCommand::ShowTriangulation,
        ViewKind::Trail => UiCommand::ShowTrail,
        ViewKind::Pseudonyms => UiCommand::ShowPseudonyms,
    }
}

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
}

pub struct TemaApp {
    pub state: AppState,
    pub views: Vec<Box<dyn View>>,
    navigator: Navigator,
    codebook: Codebook,
    inspector: Inspector,
    dialog: Option<Dialog>,
}

fn default_coder() -> Option<String> {
    std::env::var("TEMA_CODER").ok().filter(|s| !s.trim().is_empty())
}

fn user_name() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_default()
}

impl TemaApp {
    pub fn new(cc: &eframe::CreationContext<'_>, launch: Launch) -> Self {
        let prefs = if launch.use_storage { Prefs::load(cc.storage) } else { Prefs::default() };
        let dark = prefs.dark.unwrap_or(cc.egui_ctx.global_style().visuals.dark_mode);
        let tokens = Tokens { stripe_names: prefs.stripe_names, ..Tokens::for_dark_mode(dark) };
        tokens.install(&cc.egui_ctx);
        // Zoom is a command of ours (View menu, remembered in the preferences).
        cc.egui_ctx.options_mut(|o| o.zoom_with_keyboard = false);
        if let Some(z) = prefs.zoom {
            cc.egui_ctx.set_zoom_factor(z);
        }
        let coder_name = launch.coder.clone().or_else(|| prefs.coder.clone()).or_else(default_coder);
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
            },
            views: main_views(),
            navigator: Navigator::default(),
            codebook: Codebook::default(),
            inspector: Inspector::default(),
            dialog: None,
        };
        let target = match launch.project {
            Some(p) => Ok(Startup::Open(p)),
            None => startup::choose(app.state.prefs.last_project(), &app.state.places),
        };
        match target {
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
        let name = self.state.coder_name.clone().unwrap_or_else(user_name);
        self.dialog = Some(Dialog::Coder(CoderDialog::new(name, known)));
    }

    /// Opens a project folder, closing (and saving) the one open before.
    pub fn open_project(&mut self, dir: &Path) {
        // Another Tema holding it, a read-only folder or damaged files: open read-only.
        let opened = Store::open_or_read_only(dir);
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
                self.state.store = Some(store);
                self.state.selection = Selection::default();
                self.state.recent_codes.clear();
                self.state.cache = Cache::default();
                self.views = main_views();
                // A project opens on its documents (an empty one on the Import call to action).
                self.state.view = ViewKind::Document;
                self.navigator = Navigator::default();
                self.codebook = Codebook::default();
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

    fn coder_id(&self) -> Option<CoderId> {
        let p = self.project()?;
        p.coder_by_name(self.state.coder_name.as_deref()?).map(|c| c.id)
    }

    /// The coder to act as, and the edit that adds them to the project if they are new.
    fn ensure_coder(&mut self) -> Option<(CoderId, Option<Edit>)> {
        let name = match &self.state.coder_name {
            Some(n) => n.clone(),
            None => {
                let n = user_name();
                let n = if n.is_empty() { "researcher".to_string() } else { n };
                self.state.coder_name = Some(n.clone());
                n
            }
        };
        let p = self.project()?;
        if let Some(c) = p.coder_by_name(&name) {
            return Some((c.id, None));
        }
        let coder = p.new_coder(&name);
        Some((coder.id, Some(Edit::AddCoder { coder, index: None })))
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
            for v in &mut self.views {
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
                self.navigator.open_doc = Some(*doc);
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
            Action::CreateCode(name) => {
                if let Some(p) = self.project() {
                    let code = Code::new(CodeId::new(), name.trim(), p.next_code_colour());
                    let id = code.id;
                    self.state
                        .actions
                        .push(Action::Edit { edit: Edit::CreateCode { code, index: None }, coalesce: None });
                    self.state.actions.push(Action::Select(Some(Item::Code(id))));
                }
            }
            Action::OpenProject(dir) => {
                let dir = dir.clone();
                self.open_project(&dir);
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
            Action::StartRename(code) => {
                if let Some(p) = self.state.store.as_ref().map(Store::project) {
                    self.codebook.start_rename(p, *code);
                }
            }
            Action::FocusComment => self.inspector.focus_comment = true,
            Action::Status { text, error } => self.status(text.clone(), *error),
            Action::ShowReport { title, lines } => {
                let d = crate::ui::dialogs::refi::RefiDialog::report(title.clone(), lines.clone());
                self.dialog = Some(Dialog::Refi(Box::new(d)));
            }
            Action::RunJob { .. } | Action::ToView { .. } => {}
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
        let Some((coder, add_coder)) = self.ensure_coder() else { return };
        let Some(p) = self.project() else { return };
        let mut edits: Vec<Edit> = add_coder.into_iter().collect();
        let code = match (code, new_name) {
            (Some(c), _) => c,
            (None, Some(name)) => match p.code_by_name(&name) {
                Some(c) => c.id,
                None => {
                    let c = Code::new(CodeId::new(), name.trim(), p.next_code_colour());
                    let id = c.id;
                    edits.push(Edit::CreateCode { code: c, index: None });
                    id
                }
            },
            (None, None) => return,
        };
        if p.find_coding(sel.doc, sel.span, code, coder).is_some() {
            let name = p.codes.get(&code).map(|c| c.name().to_string()).unwrap_or_default();
            self.status(format!("This passage is already coded “{name}”"), true);
            return;
        }
        let coding = Coding {
            id: CodingId::new(),
            doc: sel.doc,
            span: sel.span,
            code,
            coder,
            created: chrono::Utc::now(),
            comment: String::new(),
        };
        let id = coding.id;
        edits.push(Edit::AddCoding { coding });
        let edit = if edits.len() == 1 {
            edits.remove(0)
        } else {
            let name = match edits.iter().find_map(|e| match e {
                Edit::CreateCode { code, .. } => Some(code.name().to_string()),
                _ => None,
            }) {
                Some(n) => n,
                None => p.codes.get(&code).map(|c| c.name().to_string()).unwrap_or_default(),
            };
            Edit::batch(format!("Code passage as “{name}”"), edits)
        };
        self.state.actions.push(Action::Edit { edit, coalesce: None });
        self.state.actions.push(Action::Select(Some(Item::Coding(id))));
        self.state.recent_codes.retain(|c| *c != code);
        self.state.recent_codes.insert(0, code);
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

    pub fn enabled(&self, c: UiCommand) -> bool {
        let open = self.state.store.is_some();
        let writable = self.state.store.as_ref().is_some_and(|s| !s.is_read_only());
        let text = self.state.selection.text.is_some();
        let coding = self.state.selection.coding().is_some();
        let history = self.state.store.as_ref().map(Store::history);
        match c {
            UiCommand::NewProject | UiCommand::OpenProject | UiCommand::Quit | UiCommand::CommandPalette => true,
            UiCommand::ImportRefiProject => true,
            UiCommand::ImportRefiCodebook => writable,
            UiCommand::ExportRefiProject | UiCommand::ExportRefiCodebook => open,
            UiCommand::ToggleDarkMode | UiCommand::ChangeCoder => true,
            UiCommand::ZoomIn | UiCommand::ZoomOut | UiCommand::ZoomReset => true,
            UiCommand::NextTurn
            | UiCommand::PreviousTurn
            | UiCommand::NextSentence
            | UiCommand::PreviousSentence
            | UiCommand::ExtendBySentence => self.state.open_doc.is_some() && self.state.view == ViewKind::Document,
            UiCommand::ToggleNavigator | UiCommand::ToggleInspector | UiCommand::ToggleStripeNames => open,
            UiCommand::SaveNow => writable,
            UiCommand::RepairProject => self.needs_repair(),
            UiCommand::Undo => writable && history.is_some_and(|h| h.can_undo()),
            UiCommand::Redo => writable && history.is_some_and(|h| h.can_redo()),
            UiCommand::CodeSelection | UiCommand::InVivoCode => writable && text,
            UiCommand::RecentCode(n) => writable && text && self.state.recent_codes.len() >= usize::from(n),
            UiCommand::RemoveCoding | UiCommand::CommentOnCoding => writable && coding,
            UiCommand::FitCodingToSelection => writable && coding && text,
            UiCommand::ClearSelection => text || self.state.selection.item.is_some(),
            UiCommand::ToggleRead => writable && self.state.open_doc.is_some(),
            UiCommand::FindInDocument | UiCommand::FindNext | UiCommand::FindPrevious => self.state.open_doc.is_some(),
            UiCommand::NextDocument | UiCommand::PreviousDocument => open,
            UiCommand::EditDocument | UiCommand::DeleteDocument => writable && self.state.open_doc.is_some(),
            UiCommand::CorrectText | UiCommand::AddNote => writable && text,
            UiCommand::NewCode | UiCommand::NewJournalEntry | UiCommand::ImportFiles => writable,
            UiCommand::RenameCode => writable && self.state.selection.code().is_some(),
            UiCommand::FocusCodeSearch
            | UiCommand::ShowDocument
            | UiCommand::ShowRetrieval
            | UiCommand::ShowMemos
            | UiCommand::ShowSearch => open,
            UiCommand::ShowQuotes | UiCommand::ExportQuotes => open,
            UiCommand::MakeQuote => writable && (coding || text),
            UiCommand::ShowThemes | UiCommand::ShowThemeMap | UiCommand::ShowPhases => open,
            UiCommand::ShowTeam | UiCommand::ShowTriangulation | UiCommand::ShowTrail | UiCommand::ShowPseudonyms => {
                open
            }
        }
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
                let edit = self
                    .project()
                    .and_then(|p| p.codings.get(&id))
                    .filter(|c| c.doc == sel.doc)
                    .map(|c| Edit::UpdateCoding { id, props: CodingProps { span: sel.span, ..c.props() } });
                if let Some(edit) = edit {
                    self.state.actions.push(Action::Edit { edit, coalesce: None });
                }
            }
            UiCommand::CommentOnCoding => self.inspector.focus_comment = true,
            UiCommand::ClearSelection => {
                if self.state.selection.text.is_some() {
                    self.state.selection.text = None;
                } else {
                    self.state.selection.item = None;
                }
            }
            UiCommand::ToggleRead => {
                let Some(doc) = self.state.open_doc else { return };
                let Some((coder, add)) = self.ensure_coder() else { return };
                let read =
                    self.project().and_then(|p| p.documents.get(&doc)).is_some_and(|d| d.read_by.contains(&coder));
                let mut edits: Vec<Edit> = add.into_iter().collect();
                edits.push(Edit::SetDocumentRead { id: doc, coder, read: !read });
                let edit = if edits.len() == 1 { edits.remove(0) } else { Edit::batch("Mark document as read", edits) };
                self.state.actions.push(Action::Edit { edit, coalesce: None });
            }
            UiCommand::FindInDocument | UiCommand::FindNext | UiCommand::FindPrevious => {
                self.state.view = ViewKind::Document;
            }
            UiCommand::NextDocument | UiCommand::PreviousDocument => {
                let Some(p) = self.project() else { return };
                let n = p.documents.len();
                if n == 0 {
                    return;
                }
                let cur = self.state.open_doc.and_then(|d| p.documents.get_index_of(&d));
                let next = match (cur, c == UiCommand::NextDocument) {
                    (None, _) => 0,
                    (Some(i), true) => (i + 1) % n,
                    (Some(i), false) => (i + n - 1) % n,
                };
                let target = p.documents.get_index(next).map(|(id, _)| *id);
                if let Some(doc) = target {
                    self.state.actions.push(Action::OpenDocument { doc, reveal: None, coding: None });
                }
            }
            UiCommand::NewCode => {
                let state = &mut self.state;
                let codebook = &mut self.codebook;
                with_cx(state, |cx| codebook.new_code(cx, None));
            }
            UiCommand::RenameCode => {
                if let (Some(code), Some(store)) = (self.state.selection.code(), &self.state.store) {
                    self.codebook.start_rename(store.project(), code);
                }
            }
            UiCommand::FocusCodeSearch => self.codebook.focus_filter = true,
            UiCommand::ShowDocument => self.state.view = ViewKind::Document,
            UiCommand::ShowRetrieval => {
                // With a coding selected (just made, say), its code's extracts.
                let code =
                    self.state.selection.coding().and_then(|id| self.project()?.codings.get(&id)).map(|c| c.code);
                match code {
                    Some(code) => self.state.actions.push(Action::Retrieve(code)),
                    None => self.state.view = ViewKind::Retrieval,
                }
            }
            UiCommand::ShowMemos => self.state.view = ViewKind::Memos,
            UiCommand::ShowSearch => {
                self.state.view = ViewKind::Search;
                self.state.actions.push(Action::ShowView(ViewKind::Search));
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
            UiCommand::ShowQuotes | UiCommand::ExportQuotes => self.state.view = ViewKind::Quotes,
            UiCommand::MakeQuote => {
                let new = self.project().and_then(|p| NewQuote::from_selection(&self.state.selection, p));
                if let Some(new) = new {
                    self.state.actions.push(Action::ToView { view: ViewKind::Quotes, payload: Box::new(new) });
                    self.state.view = ViewKind::Quotes;
                    ctx.request_repaint();
                }
            }
            UiCommand::ShowThemes => self.state.view = ViewKind::Themes,
            UiCommand::ShowThemeMap => self.state.view = ViewKind::ThemeMap,
            UiCommand::ShowPhases => self.state.view = ViewKind::Phases,
            UiCommand::ShowTeam => self.state.view = ViewKind::Team,
            UiCommand::ShowTriangulation => self.state.view = ViewKind::Triangulation,
            UiCommand::ShowTrail => self.state.view = ViewKind::Trail,
            UiCommand::ShowPseudonyms => self.state.view = ViewKind::Pseudonyms,
            UiCommand::EditDocument | UiCommand::DeleteDocument => {
                let Some(doc) = self.state.open_doc else { return };
                self.state.actions.push(Action::Select(Some(Item::Document(doc))));
                if c == UiCommand::DeleteDocument
                    && let Some(p) = self.state.store.as_ref().map(Store::project)
                {
                    self.inspector.ask_delete(p, doc);
                }
            }
            UiCommand::CorrectText | UiCommand::AddNote => {
                let Some(sel) = self.state.selection.text else { return };
                match (c, self.state.store.as_ref().map(Store::project)) {
                    (UiCommand::CorrectText, Some(p)) => self.inspector.start_correction(p, sel),
                    (_, Some(_)) => {
                        let memo = crate::ui::views::inspector::passage_note(sel, self.coder_id());
                        self.state.actions.push(Action::Select(Some(Item::Memo(memo.id))));
                        self.state
                            .actions
                            .push(Action::Edit { edit: Edit::AddMemo { memo, index: None }, coalesce: None });
                    }
                    _ => {}
                }
            }
            UiCommand::NewJournalEntry => {
                let memo = new_entry(self.coder_id());
                let id = memo.id;
                // Added first, then selected: a selection of a memo not yet there is dropped.
                self.state.actions.push(Action::Edit { edit: Edit::AddMemo { memo, index: None }, coalesce: None });
                self.state.actions.push(Action::Select(Some(Item::Memo(id))));
                self.state.view = ViewKind::Memos;
            }
            UiCommand::ChangeCoder => self.ask_coder(),
            UiCommand::ToggleDarkMode => {
                let dark = !self.state.tokens.dark;
                self.state.prefs.dark = Some(dark);
                self.state.tokens =
                    Tokens { stripe_names: self.state.prefs.stripe_names, ..Tokens::for_dark_mode(dark) };
                self.state.tokens.install(ctx);
            }
            UiCommand::NextTurn
            | UiCommand::PreviousTurn
            | UiCommand::NextSentence
            | UiCommand::PreviousSentence
            | UiCommand::ExtendBySentence => self.step_selection(c),
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
        }
    }

    /// Moves the text selection by a turn or a sentence (see [`crate::model::reading`]),
    /// scrolls to it and says what it selected in the status bar, which screen readers read.
    fn step_selection(&mut self, c: UiCommand) {
        use crate::model::reading;
        let Some(doc) = self.state.open_doc.and_then(|d| self.project()?.documents.get(&d)) else { return };
        let current = self.state.selection.text.filter(|t| t.doc == doc.id).map(|t| t.span);
        let next = match c {
            UiCommand::NextTurn | UiCommand::PreviousTurn => {
                reading::step(&reading::turn_spans(doc), current, c == UiCommand::NextTurn)
            }
            UiCommand::ExtendBySentence => {
                let sentences = reading::sentence_spans(doc);
                match current {
                    Some(cur) => reading::extend(&sentences, cur),
                    None => reading::step(&sentences, None, true),
                }
            }
            _ => reading::step(&reading::sentence_spans(doc), current, c == UiCommand::NextSentence),
        };
        let Some(span) = next else {
            self.status("No more in this direction", false);
            return;
        };
        let doc_id = doc.id;
        let words = doc.slice(span).unwrap_or_default();
        let who = doc.turn_at(span.start).map(|t| format!("{}: ", t.speaker)).unwrap_or_default();
        let shown: String = words.chars().take(140).collect();
        let more = if words.chars().count() > 140 { "…" } else { "" };
        self.status(format!("Selected {who}“{shown}{more}”"), false);
        self.state.actions.push(Action::SelectText(Some(super::TextSel { doc: doc_id, span })));
        self.state.actions.push(Action::OpenDocument { doc: doc_id, reveal: Some(span), coding: None });
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

    fn menu_bar(&mut self, ui: &mut Ui) {
        let ctx = ui.ctx().clone();
        let chosen: std::cell::RefCell<Vec<Action>> = Default::default();
        egui::MenuBar::new().ui(ui, |ui| {
            let item = |ui: &mut Ui, c: UiCommand, label: Option<String>| {
                let text = label.unwrap_or_else(|| c.label());
                let button = egui::Button::new(text).shortcut_text(c.shortcut_text(&ctx));
                if ui.add_enabled(self.enabled(c), button).on_hover_text(c.hover_text(&ctx)).clicked() {
                    chosen.borrow_mut().push(Action::Command(c));
                }
            };
            ui.menu_button("File", |ui| {
                item(ui, UiCommand::NewProject, None);
                item(ui, UiCommand::OpenProject, None);
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
                ui.separator();
                item(ui, UiCommand::ImportFiles, None);
                item(ui, UiCommand::ImportRefiProject, Some("Import project…".into()));
                item(ui, UiCommand::ImportRefiCodebook, Some("Import codebook…".into()));
                ui.menu_button("Export", |ui| {
                    item(ui, UiCommand::ExportRefiProject, Some("REFI-QDA project (.qdpx)…".into()));
                    item(ui, UiCommand::ExportRefiCodebook, Some("REFI-QDA codebook (.qdc)…".into()));
                });
                ui.separator();
                item(ui, UiCommand::SaveNow, None);
                if self.needs_repair() {
                    item(ui, UiCommand::RepairProject, None);
                }
                item(ui, UiCommand::ExportQuotes, None);
                item(ui, UiCommand::ChangeCoder, None);
                ui.separator();
                item(ui, UiCommand::Quit, None);
            });
            ui.menu_button("Edit", |ui| {
                let history = self.state.store.as_ref().map(Store::history);
                let undo = history.and_then(|h| h.undo_label()).map(|l| format!("Undo {l}"));
                let redo = history.and_then(|h| h.redo_label()).map(|l| format!("Redo {l}"));
                item(ui, UiCommand::Undo, undo);
                item(ui, UiCommand::Redo, redo);
                ui.separator();
                item(ui, UiCommand::CommandPalette, None);
                item(ui, UiCommand::ClearSelection, None);
            });
            ui.menu_button("Code", |ui| {
                item(ui, UiCommand::CodeSelection, None);
                item(ui, UiCommand::InVivoCode, None);
                let names: Vec<String> = self
                    .state
                    .recent_codes
                    .iter()
                    .filter_map(|c| self.project().and_then(|p| p.codes.get(c)).map(|c| c.name().to_string()))
                    .collect();
                for (n, name) in names.into_iter().enumerate() {
                    item(ui, UiCommand::RecentCode(n as u8 + 1), Some(format!("Apply “{name}”")));
                }
                ui.separator();
                item(ui, UiCommand::RemoveCoding, None);
                item(ui, UiCommand::FitCodingToSelection, None);
                item(ui, UiCommand::CommentOnCoding, None);
                item(ui, UiCommand::MakeQuote, None);
                ui.separator();
                item(ui, UiCommand::NewCode, None);
                item(ui, UiCommand::RenameCode, None);
                item(ui, UiCommand::FocusCodeSearch, None);
            });
            ui.menu_button("Text", |ui| {
                item(ui, UiCommand::ToggleRead, None);
                item(ui, UiCommand::FindInDocument, None);
                item(ui, UiCommand::FindNext, None);
                item(ui, UiCommand::FindPrevious, None);
                ui.separator();
                item(ui, UiCommand::NextDocument, None);
                item(ui, UiCommand::PreviousDocument, None);
                ui.separator();
                item(ui, UiCommand::CorrectText, None);
                item(ui, UiCommand::AddNote, None);
                item(ui, UiCommand::EditDocument, None);
                item(ui, UiCommand::DeleteDocument, None);
            });
            ui.menu_button("View", |ui| {
                item(ui, UiCommand::ShowDocument, None);
                item(ui, UiCommand::ShowRetrieval, None);
                item(ui, UiCommand::ShowMemos, None);
                item(ui, UiCommand::ShowSearch, None);
                item(ui, UiCommand::ShowQuotes, None);
                item(ui, UiCommand::ShowThemes, None);
                item(ui, UiCommand::ShowThemeMap, None);
                item(ui, UiCommand::ShowPhases, None);
                item(ui, UiCommand::ShowTeam, None);
                item(ui, UiCommand::ShowTriangulation, None);
                item(ui, UiCommand::ShowTrail, None);
                item(ui, UiCommand::ShowPseudonyms, None);
                item(ui, UiCommand::NewJournalEntry, None);
                ui.separator();
                let check = |on: bool, c: UiCommand| Some(format!("{} {}", if on { "☑" } else { "☐" }, c.label()));
                item(
                    ui,
                    UiCommand::ToggleNavigator,
                    check(!self.state.prefs.hide_navigator, UiCommand::ToggleNavigator),
                );
                item(
                    ui,
                    UiCommand::ToggleInspector,
                    check(!self.state.prefs.hide_inspector, UiCommand::ToggleInspector),
                );
                item(
                    ui,
                    UiCommand::ToggleStripeNames,
                    check(self.state.prefs.stripe_names, UiCommand::ToggleStripeNames),
                );
                ui.separator();
                item(ui, UiCommand::ZoomIn, None);
                item(ui, UiCommand::ZoomOut, None);
                item(ui, UiCommand::ZoomReset, None);
                item(ui, UiCommand::ToggleDarkMode, None);
            });
            if self.state.store.is_some() {
                ui.separator();
                self.view_tabs(ui);
            }
        });
        self.state.actions.extend(chosen.into_inner());
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
            self.state.jobs.ui(ui);
            if let Some((text, error)) = &self.state.status {
                let colour = if *error { t.danger } else { t.weak_text };
                ui.label(RichText::new(text).color(colour));
            }
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
            Dialog::Import(d) => d.show(ctx),
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
                            let Some(v) = self.views.iter().find(|v| v.kind() == *kind) else { continue };
                            listed.push(*kind);
                            let hover = format!("{phase}: {}", view_command(*kind).hover_text(ui.ctx()));
                            if ui.selectable_label(self.state.view == *kind, v.title()).on_hover_text(hover).clicked() {
                                chosen = Some(*kind);
                            }
                        }
                    }
                    // A view no group names yet still gets its tab, at the end.
                    for v in self.views.iter().filter(|v| !listed.contains(&v.kind())) {
                        if ui.selectable_label(self.state.view == v.kind(), v.title()).clicked() {
                            chosen = Some(v.kind());
                        }
                    }
                });
            });
        if let Some(kind) = chosen {
            self.state.view = kind;
        }
    }

    fn centre(&mut self, ui: &mut Ui) {
        let state = &mut self.state;
        let kind = state.view;
        if let Some(view) = self.views.iter_mut().find(|v| v.kind() == kind) {
            with_cx(state, |cx| view.ui(cx, ui));
        }
        let ctx = ui.ctx().clone();
        for view in &mut self.views {
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
        let done = self.state.jobs.poll();
        self.state.actions.extend(done);
        if let Some(result) = self.state.store.as_mut().and_then(|s| s.poll_save()) {
            self.save_finished(result);
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
            // Side panels: resizable within readable widths (egui's memory keeps the width),
            // closable from the View menu (the preferences keep that).
            if !self.state.prefs.hide_navigator {
                let nav = egui::Panel::left("navigator").resizable(true).default_size(260.0);
                nav.size_range(220.0..=520.0).frame(panel).show(ui, |ui| {
                    let state = &mut self.state;
                    let codebook = &mut self.codebook;
                    let navigator = &mut self.navigator;
                    let half = (ui.available_height() * 0.55).max(160.0);
                    egui::Panel::bottom("codebook").resizable(true).default_size(half).min_size(120.0).show(ui, |ui| {
                        with_cx(state, |cx| codebook.ui(cx, ui));
                    });
                    with_cx(state, |cx| navigator.ui(cx, ui));
                });
            }
            if !self.state.prefs.hide_inspector && inspector_beside(self.state.view) {
                let right = egui::Panel::right("inspector").resizable(true).default_size(270.0);
                right.size_range(220.0..=520.0).frame(panel).show(ui, |ui| {
                    let view = self.state.view;
                    let inspector = &mut self.inspector;
                    // The text selection is the document view's: other views don't show it.
                    let mut selection = self.state.selection.clone();
                    if view != ViewKind::Document {
                        selection.text = None;
                    }
                    let shown = std::mem::replace(&mut self.state.selection, selection);
                    with_cx(&mut self.state, |cx| inspector.ui(cx, ui));
                    self.state.selection = shown;
                });
            }
            let frame = egui::Frame::central_panel(ui.style()).fill(self.state.tokens.page);
            egui::CentralPanel::default().frame(frame).show(ui, |ui| self.centre(ui));
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
                for v in &mut self.views {
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
