//! The egui app. No domain logic lives here: views read the [`Project`](crate::model::Project)
//! through a borrowed [`ViewCtx`] and change it only by queuing [`Action`]s, which the app
//! drains once per frame (edits through `Store::apply`). See `docs/ARCHITECTURE.md`.

pub mod app;
pub mod cache;
pub mod cold;
pub mod command;
mod ctx;
pub mod dialogs;
pub mod doc_layout;
pub mod fuzzy;
pub mod jobs;
pub mod prefs;
pub mod selection;
pub mod startup;
pub mod tokens;
pub mod view;
pub mod views;
pub mod widgets;

pub use app::{Launch, TemaApp};
pub use command::UiCommand;
pub use ctx::{CoderChoice, ViewCtx};
pub use selection::{Item, Selection, TextSel};
pub use tokens::Tokens;
pub use view::{View, ViewKind};

use crate::edit::Edit;
use crate::model::{CodeId, CodingId, DocId, Span};
use std::any::Any;
use std::path::PathBuf;

/// Work for a worker thread: it reports progress and returns the actions to apply.
pub type JobWork = Box<dyn FnOnce(&crate::progress::Progress) -> Vec<Action> + Send>;

/// Something a view (or a menu, a shortcut, a worker job) asks the app to do. Actions are
/// queued during a frame and applied together after it, in order.
///
/// An `Edit` is a few hundred bytes (a theme travels inline in it); actions are a handful
/// per frame, so boxing it would buy nothing but noise at every call site.
#[allow(clippy::large_enum_variant)]
pub enum Action {
    Command(UiCommand),
    /// A change to the project, applied through `Store::apply`.
    Edit {
        edit: Edit,
        coalesce: Option<String>,
    },
    /// After a pseudonymisation in place: replace the map's originals in the analysis trail
    /// too (`Store::rewrite_trail`), which names things as they were.
    RewriteTrail(crate::pseudo::Map),
    Select(Option<Item>),
    SelectText(Option<TextSel>),
    /// Open a document in the document view, scrolled to a span (and select a coding).
    OpenDocument {
        doc: DocId,
        reveal: Option<Span>,
        coding: Option<CodingId>,
    },
    ShowView(ViewKind),
    /// Show every coded extract of a code.
    Retrieve(CodeId),
    /// Apply a code to the selected text (recent codes move to the front).
    ApplyCode(CodeId),
    /// Create a code with this name and apply it to the selected text.
    CreateAndApplyCode(String),
    /// Create a code (without coding anything) and select it.
    CreateCode(String),
    OpenProject(PathBuf),
    /// Create a project folder with a name (empty: the folder's) and a language.
    CreateProject {
        dir: PathBuf,
        name: String,
        language: crate::model::Language,
    },
    SetCoder(String),
    /// Ask before deleting a code (it may have many codings).
    ConfirmDeleteCode(CodeId),
    /// Pick a code to merge this one into.
    PickMergeTarget(CodeId),
    StartRename(CodeId),
    /// Put keyboard focus in the comment field of the selected coding.
    FocusComment,
    Status {
        text: String,
        error: bool,
    },
    /// Show a report (what an exchange import or export carried and dropped) in a dialog.
    ShowReport {
        title: String,
        lines: Vec<String>,
    },
    /// Run slow work on a worker thread with a progress bar and Cancel in the status bar;
    /// the actions it returns are applied when it finishes (see [`jobs::Jobs`]).
    RunJob {
        name: String,
        work: JobWork,
    },
    /// The same with a key (a newer job of the key replaces the older one) or a value handed
    /// back to the view that started it (see [`jobs::JobSpec`]).
    Job(jobs::JobSpec),
    /// The undo history, read on a worker after the project opened (see
    /// [`crate::store::Store::install_history`]).
    InstallHistory(Box<crate::store::ReadHistory>),
    /// A result for one view, typically from a worker job (search hits, an import preview).
    ToView {
        view: ViewKind,
        payload: Box<dyn Any + Send>,
    },
}

impl std::fmt::Debug for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Action::Command(c) => write!(f, "Command({c:?})"),
            Action::Edit { edit, .. } => write!(f, "Edit({edit:?})"),
            Action::RewriteTrail(map) => write!(f, "RewriteTrail({} originals)", map.entries.len()),
            Action::Select(i) => write!(f, "Select({i:?})"),
            Action::SelectText(t) => write!(f, "SelectText({t:?})"),
            Action::OpenDocument { doc, reveal, .. } => write!(f, "OpenDocument({doc:?}, {reveal:?})"),
            Action::ShowView(v) => write!(f, "ShowView({v:?})"),
            Action::Retrieve(c) => write!(f, "Retrieve({c:?})"),
            Action::ApplyCode(c) => write!(f, "ApplyCode({c:?})"),
            Action::CreateAndApplyCode(n) => write!(f, "CreateAndApplyCode({n:?})"),
            Action::CreateCode(n) => write!(f, "CreateCode({n:?})"),
            Action::OpenProject(p) => write!(f, "OpenProject({p:?})"),
            Action::CreateProject { dir, name, language } => {
                write!(f, "CreateProject({dir:?}, {name:?}, {language:?})")
            }
            Action::SetCoder(n) => write!(f, "SetCoder({n:?})"),
            Action::ConfirmDeleteCode(c) => write!(f, "ConfirmDeleteCode({c:?})"),
            Action::PickMergeTarget(c) => write!(f, "PickMergeTarget({c:?})"),
            Action::StartRename(c) => write!(f, "StartRename({c:?})"),
            Action::FocusComment => write!(f, "FocusComment"),
            Action::Status { text, error } => write!(f, "Status({text:?}, error: {error})"),
            Action::ShowReport { title, .. } => write!(f, "ShowReport({title:?})"),
            Action::RunJob { name, .. } => write!(f, "RunJob({name:?})"),
            Action::Job(spec) => write!(f, "Job({:?}, key {:?})", spec.name, spec.key),
            Action::InstallHistory(_) => write!(f, "InstallHistory"),
            Action::ToView { view, .. } => write!(f, "ToView({view:?})"),
        }
    }
}

/// Opens the app: on `project` if given, else on the last project or the sample study.
pub fn run(project: Option<PathBuf>) -> anyhow::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Tema")
            .with_app_id("tema")
            .with_inner_size([1400.0, 900.0])
            .with_min_inner_size([720.0, 480.0]),
        renderer: eframe::Renderer::Glow,
        ..Default::default()
    };
    let launch = Launch { project, coder: None, places: startup::Places::discover(), use_storage: true };
    eframe::run_native(
        "Tema",
        options,
        Box::new(move |cc| Ok(Box::new(TemaApp::new_opening_in_background(cc, launch)))),
    )
    .map_err(|e| anyhow::anyhow!("the app could not start: {e}"))
}
