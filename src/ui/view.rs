//! The views of the centre area, behind one small trait: a new view (themes board,
//! triangulation, quotes, team comparison, search, ...) is one file implementing [`View`]
//! and one line in [`super::app::main_views`].

use super::{Action, ViewCtx};

/// The views that can fill the centre of the window.
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
}

pub trait View {
    fn kind(&self) -> ViewKind;

    /// The tab title.
    fn title(&self) -> String;

    /// Draws the view. It reads the project through `cx` and changes it only by pushing
    /// actions (edits among them) onto `cx`.
    fn ui(&mut self, cx: &mut ViewCtx<'_>, ui: &mut egui::Ui);

    /// Lets the view react to an action the app has just applied (a document to open, a
    /// code whose extracts to show, results from a worker job). Most views ignore most actions.
    fn on_action(&mut self, _action: &Action, _project: &crate::model::Project) {}

    /// Runs every frame whether or not the view is shown, for upkeep that should not wait
    /// for the researcher to open the view (the search view keeps its index in step).
    fn background(&mut self, _cx: &mut ViewCtx<'_>, _ctx: &egui::Context) {}

    /// Something was added to the analysis trail without an edit (a reason for a decision).
    fn trail_changed(&mut self) {}
}
