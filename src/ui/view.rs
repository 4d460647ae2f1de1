//! The views, behind one small trait: the centre views (themes board, triangulation, quotes,
//! team comparison, search, ...) and the side panels (navigator, inspector) alike. A new view
//! is one file implementing [`View`] (its drawing, its own commands and what they do), one
//! [`ViewKind`] variant with its title and its "Show" command here ([`ViewKind::title`],
//! [`SHOW`]), and one line in [`super::app::main_views`].

use super::command::{CommandSpec, key, mods::*, show};
use super::{Action, UiCommand, ViewCtx};
use egui::Key;

/// The views: those that can fill the centre of the window, then the side panels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ViewKind {
    Document,
    Retrieval,
    Memos,
    Search,
    Quotes,
    Themes,
    ThemeMap,
    Phases,
    Team,
    Triangulation,
    Trail,
    Pseudonyms,
    /// The left panel: documents, participants, memos, and the codebook.
    Navigator,
    /// The right panel: the details of what is selected.
    Inspector,
}

impl ViewKind {
    /// A side panel, drawn beside the centre view rather than in it.
    pub fn is_panel(self) -> bool {
        matches!(self, ViewKind::Navigator | ViewKind::Inspector)
    }

    /// The tab title (a side panel's name).
    pub const fn title(self) -> &'static str {
        match self {
            ViewKind::Document => "Document",
            ViewKind::Retrieval => "Coded extracts",
            ViewKind::Memos => "Memos and journal",
            ViewKind::Search => "Search",
            ViewKind::Quotes => "Quotes",
            ViewKind::Themes => "Themes",
            ViewKind::ThemeMap => "Thematic map",
            ViewKind::Phases => "Phases",
            ViewKind::Team => "Team",
            ViewKind::Triangulation => "Triangulation",
            ViewKind::Trail => "Trail",
            ViewKind::Pseudonyms => "Pseudonymise",
            ViewKind::Navigator => "Navigator",
            ViewKind::Inspector => "Inspector",
        }
    }

    /// The command that brings this view to the centre (from [`SHOW`]); a side panel has none,
    /// the app's own commands show and hide it.
    pub fn show_command(self) -> Option<&'static CommandSpec> {
        SHOW.iter().find(|s| s.command == UiCommand::Show(self))
    }
}

/// Each centre view's [`UiCommand::Show`]: label, tooltip, palette words and shortcut, in the
/// tab order of [`super::app::main_views`]. The registry lists each before the view's own commands.
pub const SHOW: &[CommandSpec] = &[
    show(ViewKind::Document, "Show document", "Read and code the open document")
        .words(&["transcript", "read", "text"])
        .keys(&[key(CMD, Key::Num1)]),
    show(ViewKind::Retrieval, "Show coded extracts", "Every coded extract of the selected code, with who said it")
        .words(&["retrieval", "passages", "segments", "quotes"])
        .keys(&[key(CMD, Key::Num2)]),
    show(ViewKind::Memos, "Show memos and journal", "The reflexive journal and the memos on documents and codes")
        .words(&["notes", "reflexive", "diary"])
        .keys(&[key(CMD, Key::Num3)]),
    show(ViewKind::Search, "Search the documents", "Every passage that says a word or phrase, in context, with who said it")
        .words(&["find", "full", "text", "query"])
        .keys(&[key(CMD_SHIFT, Key::F), key(CMD, Key::Num4)]),
    show(ViewKind::Quotes, "Show quotes", "The quotes of each theme, attributed as the paper will print them")
        .words(&["illustrative", "extracts", "writing"])
        .keys(&[key(CMD, Key::Num5)]),
    show(
        ViewKind::Themes,
        "Show themes board",
        "Candidate, reviewed and final themes: cluster codes, define, review, merge and split",
    )
    .words(&["board", "candidate", "review", "subthemes"]),
    show(
        ViewKind::ThemeMap,
        "Show thematic map",
        "Themes, subthemes and codes as a graph you arrange; export as SVG or PNG",
    )
    .words(&["graph", "network", "diagram", "mind"]),
    show(ViewKind::Phases, "Show phase tracker", "How far each of the six phases has come, measured from the project")
        .words(&["progress", "braun", "clarke", "six", "steps"]),
    show(
        ViewKind::Team,
        "Show team comparison",
        "Compare coders: agreement per code, differences to settle, merging another copy",
    )
    .words(&["coders", "agreement", "kappa", "compare", "merge"]),
    show(
        ViewKind::Triangulation,
        "Show triangulation table",
        "Themes or codes by participant group, attribute or document, with extracts and summaries",
    )
    .words(&["groups", "converge", "diverge", "matrix", "cooccurrence", "co", "occurrence"]),
    show(
        ViewKind::Trail,
        "Show analysis trail, timeline and checklist",
        "Every decision about codes and themes with the journal on one timeline, the map at any date, and Braun & Clarke's checklist",
    )
    .words(&["audit", "decisions", "history", "timeline", "checklist", "appendix", "methods"]),
    show(
        ViewKind::Pseudonyms,
        "Pseudonymise…",
        "Find names and identifiers, replace them consistently in place or in a copy, keep the key apart, verify",
    )
    .words(&["anonymise", "anonymize", "pseudonymize", "names", "gdpr", "deidentify", "privacy"]),
];

pub trait View {
    /// Which view this is: its title and its "Show" command come from the kind
    /// ([`ViewKind::title`], [`ViewKind::show_command`]).
    fn kind(&self) -> ViewKind;

    /// Draws the view. It reads the project through `cx` and changes it only by pushing
    /// actions (edits among them) onto `cx`.
    fn ui(&mut self, cx: &mut ViewCtx<'_>, ui: &mut egui::Ui);

    /// Whether the view has nothing to show in a project without documents: the app then
    /// shows the first steps (import, or open the sample) in its place.
    fn needs_documents(&self) -> bool {
        false
    }

    /// The commands this view contributes beyond its [`UiCommand::Show`] (which is in [`SHOW`]):
    /// the [`UiCommand::Of`] commands it handles in [`View::on_command`]. The menu bar, the
    /// palette and the shortcuts pick them up from here (`command::registry`); they do not
    /// depend on the view's state.
    fn commands(&self) -> &'static [CommandSpec] {
        &[]
    }

    /// Runs a command of this view's (one of [`View::commands`]) once the app has found it
    /// enabled; a centre view is already in front when it runs.
    fn on_command(&mut self, _command: UiCommand, _cx: &mut ViewCtx<'_>) {}

    /// Lets the view react to an action the app has just applied (a document to open, a
    /// code whose extracts to show, results from a worker job). Most views ignore most actions.
    fn on_action(&mut self, _action: &Action, _project: &crate::model::Project) {}

    /// Runs every frame whether or not the view is shown, for upkeep that should not wait
    /// for the researcher to open the view (the search view keeps its index in step).
    fn background(&mut self, _cx: &mut ViewCtx<'_>, _ctx: &egui::Context) {}

    /// Something was added to the analysis trail without an edit (a reason for a decision).
    fn trail_changed(&mut self) {}
}
