//! The one context every view borrows each frame.

use super::cache::Cache;
use super::{Action, Selection, Tokens};
use crate::analysis::CoderScope;
use crate::edit::{Edit, History};
use crate::model::{CodeId, CoderId, Project};
use std::collections::BTreeSet;

/// The status bar's "Coders" switch, as the person chose it; [`CoderChoice::scope`] turns it
/// into the core's [`CoderScope`] each frame (so "only me" follows a change of coder).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum CoderChoice {
    #[default]
    All,
    OnlyMe,
    Chosen(BTreeSet<CoderId>),
}

impl CoderChoice {
    pub fn scope(&self, me: Option<CoderId>) -> CoderScope {
        match self {
            Self::All => CoderScope::All,
            Self::OnlyMe => CoderScope::Coders(me.into_iter().collect()),
            Self::Chosen(set) => CoderScope::Coders(set.clone()),
        }
    }
}

pub struct ViewCtx<'a> {
    pub project: &'a Project,
    pub history: &'a History,
    pub selection: &'a Selection,
    pub tokens: &'a Tokens,
    /// The coder codings are made for, once they exist in the project.
    pub coder: Option<CoderId>,
    pub coder_name: &'a str,
    /// Whose codings every view shows and counts (the status bar's "Coders" switch).
    pub coders: CoderScope,
    /// Most recently applied codes, newest first (number keys 1–9).
    pub recent_codes: &'a [CodeId],
    pub read_only: bool,
    /// The project folder (empty for a project held only in memory).
    pub project_dir: &'a std::path::Path,
    pub cache: &'a mut Cache,
    pub(super) actions: &'a mut Vec<Action>,
}

impl<'a> ViewCtx<'a> {
    /// A context over a project, for benchmarks and tools that drive a view without the app.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        project: &'a Project,
        history: &'a History,
        selection: &'a Selection,
        tokens: &'a Tokens,
        coder: Option<CoderId>,
        cache: &'a mut Cache,
        actions: &'a mut Vec<Action>,
    ) -> Self {
        Self {
            project,
            history,
            selection,
            tokens,
            coder,
            coder_name: "",
            coders: CoderScope::All,
            recent_codes: &[],
            read_only: false,
            project_dir: std::path::Path::new(""),
            cache,
            actions,
        }
    }

    /// The codebook's rows with their counts, from the app's shared cache (see
    /// [`Cache::code_rows`](super::cache::Cache::code_rows)).
    pub fn code_rows(&mut self) -> super::cache::CodeRows {
        self.cache.code_rows(self.project, &self.coders, self.actions)
    }

    /// The themes board's figures, from the app's shared cache; `None` while they are counted
    /// on a worker.
    pub fn theme_summaries(
        &mut self,
    ) -> Option<std::rc::Rc<std::collections::HashMap<crate::model::ThemeId, crate::analysis::themes::ThemeSummary>>>
    {
        self.cache.theme_summaries(self.project, &self.coders, self.actions)
    }

    pub fn push(&mut self, action: Action) {
        self.actions.push(action);
    }

    /// Queues an edit; the app applies it through the store after the frame.
    pub fn edit(&mut self, edit: Edit) {
        self.actions.push(Action::Edit { edit, coalesce: None });
    }

    /// Queues an edit that belongs to one gesture (typing a memo): edits with the same key
    /// become one undo step.
    pub fn edit_coalescing(&mut self, edit: Edit, key: impl Into<String>) {
        self.actions.push(Action::Edit { edit, coalesce: Some(key.into()) });
    }

    pub fn command(&mut self, command: super::UiCommand) {
        self.actions.push(Action::Command(command));
    }
}
