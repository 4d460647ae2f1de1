//! Undo and redo on top of inverses.
//!
//! A step holds the edit that undoes it. Typing into a memo or dragging a boundary produces
//! many edits; those that share a coalescing key within a short window become one step, so
//! one undo takes back the whole gesture.

use super::{Edit, EditError};
use crate::model::{Project, Timestamp};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Edits with the same key closer together than this become one undo step.
const COALESCE_WINDOW_SECS: i64 = 60;
/// Steps kept; older ones are forgotten when the history is saved.
pub const HISTORY_LIMIT: usize = 500;
/// How the label of a pseudonymisation step starts (`pseudo::plan`): saving forgets the undo
/// history up to the newest such step, so the originals its inverse holds leave the disk.
pub const PSEUDONYMISE_PREFIX: &str = "Pseudonymise";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub label: String,
    /// The edit that takes this step back. Shared: a background save holds the history while
    /// edits go on, and the first edit's copy of the history then copies each step's label
    /// and this pointer, not its edit (a batch of 500,000 codings' inverse cost 90 ms to copy).
    pub inverse: Arc<Edit>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coalesce: Option<String>,
    pub at: Timestamp,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    pub undo: Vec<Step>,
    pub redo: Vec<Step>,
}

impl History {
    /// Applies an edit and records its inverse. Returns the step's label.
    pub fn apply(
        &mut self,
        project: &mut Project,
        edit: Edit,
        coalesce: Option<String>,
        at: Timestamp,
    ) -> Result<String, EditError> {
        let label = edit.describe(project);
        let inverse = project.apply(edit)?;
        Ok(self.record(label, inverse, coalesce, at))
    }

    /// Records an applied edit's inverse as a new step, or folds it into the newest step
    /// when both belong to the same gesture. Returns the step's label.
    pub fn record(&mut self, label: String, inverse: Edit, coalesce: Option<String>, at: Timestamp) -> String {
        self.redo.clear();
        if let (Some(key), Some(top)) = (&coalesce, self.undo.last_mut())
            && top.coalesce.as_ref() == Some(key)
            && (at - top.at).num_seconds().abs() < COALESCE_WINDOW_SECS
        {
            // The older inverse already restores the state before the whole gesture.
            top.at = at;
            return top.label.clone();
        }
        self.undo.push(Step { label: label.clone(), inverse: Arc::new(inverse), coalesce, at });
        label
    }

    /// Takes back the newest step. `Ok(None)` when there is nothing to undo.
    pub fn undo(&mut self, project: &mut Project, at: Timestamp) -> Result<Option<String>, EditError> {
        shift(&mut self.undo, &mut self.redo, project, at)
    }

    /// Re-applies the newest undone step. `Ok(None)` when there is nothing to redo.
    pub fn redo(&mut self, project: &mut Project, at: Timestamp) -> Result<Option<String>, EditError> {
        shift(&mut self.redo, &mut self.undo, project, at)
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    pub fn undo_label(&self) -> Option<&str> {
        self.undo.last().map(|s| s.label.as_str())
    }

    pub fn redo_label(&self) -> Option<&str> {
        self.redo.last().map(|s| s.label.as_str())
    }

    /// Forgets the oldest steps beyond the limit.
    pub fn trim(&mut self) {
        for steps in [&mut self.undo, &mut self.redo] {
            let over = steps.len().saturating_sub(HISTORY_LIMIT);
            steps.drain(..over);
        }
    }

    /// Whether [`History::trim`] or [`History::forget_pseudonymised`] would change anything:
    /// a save asks first, so that a history it shares with the last save is not copied.
    pub fn needs_tidying(&self) -> bool {
        self.undo.len() > HISTORY_LIMIT
            || self.redo.len() > HISTORY_LIMIT
            || self.undo.iter().any(|s| s.label.starts_with(PSEUDONYMISE_PREFIX))
    }

    /// Forgets the newest pseudonymisation step and every older one: their inverses hold the
    /// original names. Returns whether there was one.
    pub fn forget_pseudonymised(&mut self) -> bool {
        match self.undo.iter().rposition(|s| s.label.starts_with(PSEUDONYMISE_PREFIX)) {
            Some(i) => {
                self.undo.drain(..=i);
                true
            }
            None => false,
        }
    }

    /// Every edit held by the history, for the store to find the texts they refer to.
    pub fn edits(&self) -> impl Iterator<Item = &Edit> {
        self.undo.iter().chain(self.redo.iter()).map(|s| &*s.inverse)
    }

    /// [`History::edits`] for filling in what they hold (a step shared with another copy of
    /// the history is copied first).
    pub fn edits_mut(&mut self) -> impl Iterator<Item = &mut Edit> {
        self.undo.iter_mut().chain(self.redo.iter_mut()).map(|s| Arc::make_mut(&mut s.inverse))
    }
}

/// Applies the newest step of `from` and moves it, holding the inverse that applying gave, onto
/// `to`; a step that fails to apply stays where it was. Undo is this from the undo stack to the
/// redo stack, redo the other way. `Ok(None)` when `from` is empty.
fn shift(
    from: &mut Vec<Step>,
    to: &mut Vec<Step>,
    project: &mut Project,
    at: Timestamp,
) -> Result<Option<String>, EditError> {
    let Some(step) = from.pop() else { return Ok(None) };
    match project.apply(Edit::clone(&step.inverse)) {
        Ok(inverse) => {
            let label = step.label.clone();
            to.push(Step { label: step.label, inverse: Arc::new(inverse), coalesce: None, at });
            Ok(Some(label))
        }
        Err(e) => {
            from.push(step);
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(label: &str) -> Step {
        let inverse = Arc::new(Edit::Batch { label: label.into(), edits: Vec::new() });
        Step { label: label.into(), inverse, coalesce: None, at: chrono::Utc::now() }
    }

    /// A save tidies the history only when asked to: each case is untidy until tidied.
    #[test]
    fn needs_tidying_exactly_when_trim_or_forget_would_change_it() {
        let mut h = History::default();
        assert!(!h.needs_tidying(), "an empty history");
        h.undo = (0..HISTORY_LIMIT).map(|i| step(&format!("Code {i}"))).collect();
        h.redo = (0..HISTORY_LIMIT).map(|i| step(&format!("Code {i}"))).collect();
        assert!(!h.needs_tidying(), "full but within the limit");
        h.undo.push(step("One more"));
        assert!(h.needs_tidying(), "one undo step over the limit");
        h.trim();
        assert!(!h.needs_tidying());
        h.redo.push(step("One more"));
        assert!(h.needs_tidying(), "one redo step over the limit");
        h.trim();
        h.undo.insert(3, step(&format!("{PSEUDONYMISE_PREFIX} 2 names")));
        assert!(h.needs_tidying(), "a pseudonymisation step");
        assert!(h.forget_pseudonymised());
        assert!(!h.needs_tidying());
        assert_eq!(h.undo.len(), HISTORY_LIMIT + 1 - 4, "the step and the three before it are gone");
    }
}
