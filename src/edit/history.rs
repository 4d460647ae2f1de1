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
#[serde(from = "StoredStep")]
pub struct Step {
    pub label: String,
    /// The edit that takes this step back. Shared: a background save holds the history while
    /// edits go on, and the first edit's copy of the history then copies each step's label
    /// and this pointer, not its edit (a batch of 500,000 codings' inverse cost 90 ms to copy).
    /// Never replaced: [`Step::adds_documents`] is worked out from it once.
    pub inverse: Arc<Edit>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coalesce: Option<String>,
    pub at: Timestamp,
    /// Whether `inverse` adds a document (back): every save asks which texts the history
    /// would add back, and walking a batch of 500,000 codings to find none cost a save 7 ms
    /// of the UI thread at 20 M words.
    #[serde(skip_serializing)]
    adds_documents: bool,
}

/// A [`Step`] as the history file holds it.
#[derive(Deserialize)]
struct StoredStep {
    label: String,
    inverse: Arc<Edit>,
    #[serde(default)]
    coalesce: Option<String>,
    at: Timestamp,
}

impl From<StoredStep> for Step {
    fn from(s: StoredStep) -> Self {
        Step::new(s.label, s.inverse, s.coalesce, s.at)
    }
}

impl Step {
    pub fn new(label: String, inverse: Arc<Edit>, coalesce: Option<String>, at: Timestamp) -> Self {
        let adds_documents = inverse.added_documents().next().is_some();
        Step { label, inverse, coalesce, at, adds_documents }
    }

    /// Whether taking this step back adds a document (back).
    pub fn adds_documents(&self) -> bool {
        self.adds_documents
    }
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
        self.undo.push(Step::new(label.clone(), Arc::new(inverse), coalesce, at));
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

    /// The edits held by the history that add documents (back): those whose texts must stay
    /// on disk. The others are passed over without walking them.
    pub fn document_edits(&self) -> impl Iterator<Item = &Edit> {
        self.undo.iter().chain(self.redo.iter()).filter(|s| s.adds_documents).map(|s| &*s.inverse)
    }

    /// [`History::document_edits`] for filling in the texts they hold (a step shared with
    /// another copy of the history is copied first).
    pub fn document_edits_mut(&mut self) -> impl Iterator<Item = &mut Edit> {
        let steps = self.undo.iter_mut().chain(self.redo.iter_mut()).filter(|s| s.adds_documents);
        steps.map(|s| Arc::make_mut(&mut s.inverse))
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
            to.push(Step::new(step.label, Arc::new(inverse), None, at));
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
        Step::new(label.into(), inverse, None, chrono::Utc::now())
    }

    /// Whether a step adds a document back is worked out from its inverse, however deep in
    /// batches the document is, and again when the history is read back from its file.
    #[test]
    fn a_step_knows_whether_it_adds_a_document() -> Result<(), serde_json::Error> {
        use crate::model::{DocId, DocKind, Document};
        let doc = Document::new(DocId::from_u128(1), "J1", DocKind::Interview, "J1: Hei.\n");
        let add = Edit::AddDocument { document: Box::new(doc), index: None };
        let nested = Edit::batch("outer", vec![Edit::batch("inner", vec![Edit::batch("empty", vec![]), add])]);
        let mut h = History::default();
        h.undo.push(Step::new("Remove J1".into(), Arc::new(nested), None, chrono::Utc::now()));
        h.undo.push(step("Code 1"));
        assert_eq!(h.undo.iter().map(Step::adds_documents).collect::<Vec<_>>(), [true, false]);
        assert_eq!(h.document_edits().count(), 1);
        let mut read: History = serde_json::from_str(&serde_json::to_string(&h)?)?;
        let flags = |h: &History| h.undo.iter().map(Step::adds_documents).collect::<Vec<_>>();
        assert_eq!(flags(&read), [true, false], "not stored, worked out again");
        assert_eq!(read.document_edits_mut().count(), 1);
        Ok(())
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
