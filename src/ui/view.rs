//! The views, behind one small trait: the centre views (themes board, triangulation, quotes,
//! team comparison, search, ...) and the side panels (navigator, inspector) alike. A new view
//! is one file implementing [`View`] (its drawing, its commands and what they do), one
//! [`ViewKind`] variant, and one line in [`super::app::main_views`].

use super::command::CommandSpec;
use super::{Action, UiCommand, ViewCtx};

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
}

pub trait View {
    fn kind(&self) -> ViewKind;

    /// The tab title.
    fn title(&self) -> String;

    /// Draws the view. It reads the project through `cx` and changes it only by pushing
    /// actions (edits among them) onto `cx`.
    fn ui(&mut self, cx: &mut ViewCtx<'_>, ui: &mut egui::Ui);

    /// The commands this view contributes: a centre view's [`UiCommand::Show`], and the
    /// [`UiCommand::Of`] commands it handles in [`View::on_command`]. The menu bar, the
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
