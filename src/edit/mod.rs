//! Every change to a project is an [`Edit`] value.
//!
//! [`Project::apply`](crate::model::Project::apply) validates an edit, applies it and returns
//! its inverse; undo is applying the inverse. The store appends each applied edit to the
//! journal before acknowledging it, so the journal *is* the history of the project. Edits
//! carry every id and timestamp they need, so replaying the journal on the snapshot it
//! started from gives the same project, bit for bit.

mod apply;
pub mod codebook;
mod documents;
mod error;
mod framework;
mod history;
pub mod plan;
pub mod quotes;
mod text;
pub mod themes;

pub use documents::{
    DeletionCounts, DocumentChange, document_sets, documents_in_set, participant_for_speaker, toggle_read,
};
pub use error::EditError;
pub use history::{HISTORY_LIMIT, History, PSEUDONYMISE_PREFIX, Step};
pub use plan::{
    CodeRef, CoderRef, CoderSource, FALLBACK_CODER, Planned, code_or_new, coder_or_new, default_coder, fresh_name,
    one_edit, plan_coding,
};
pub use text::{Correction, Respans, TouchedCoding, plan_text_correction};

use crate::model::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Edit {
    /// Several edits applied as one step: all or nothing, undone together.
    Batch {
        label: String,
        edits: Vec<Edit>,
    },
    SetSettings {
        settings: Settings,
    },

    /// Add a document; its text travels in memory and is stored in its own file.
    AddDocument {
        document: Box<Document>,
        index: Option<usize>,
    },
    /// Remove a document with its codings, quotes and memos.
    RemoveDocument {
        id: DocId,
    },
    UpdateDocument {
        id: DocId,
        props: DocumentProps,
    },
    MoveDocument {
        id: DocId,
        index: usize,
    },
    SetDocumentRead {
        id: DocId,
        coder: CoderId,
        read: bool,
    },
    /// Correct a document's text: the chars of each change's span (positions in the text before
    /// the edit; changes in order, at least one char apart) are replaced by its text, and
    /// everything anchored in the document moves with the words it points at. Whatever has a
    /// boundary in or at the edge of a changed span is given its new place in `respans`
    /// ([`plan_text_correction`] decides those). The only edit that changes a text.
    ReplaceText {
        doc: DocId,
        changes: Vec<TextChange>,
        #[serde(default)]
        respans: Respans,
    },
    /// Replace a document's speaker turns (re-attribution, re-detection).
    SetTurns {
        id: DocId,
        turns: Vec<Turn>,
    },

    AddParticipant {
        participant: Participant,
        index: Option<usize>,
    },
    UpdateParticipant {
        id: ParticipantId,
        props: ParticipantProps,
    },
    /// Remove a participant; their turns become unattributed.
    RemoveParticipant {
        id: ParticipantId,
    },

    AddCoder {
        coder: Coder,
        index: Option<usize>,
    },
    UpdateCoder {
        id: CoderId,
        name: String,
        colour: Colour,
    },
    /// Remove a coder who has no codings.
    RemoveCoder {
        id: CoderId,
    },

    CreateCode {
        code: Code,
        index: Option<usize>,
    },
    UpdateCode {
        id: CodeId,
        props: CodeProps,
    },
    /// Re-parent a code and put it at `index` in codebook order.
    MoveCode {
        id: CodeId,
        parent: Option<CodeId>,
        index: usize,
    },
    /// Delete a code with its codings; its children move up to its parent.
    DeleteCode {
        id: CodeId,
    },
    /// Fold `from` into `into`: codings, theme memberships, children and memos move over.
    MergeCodes {
        from: CodeId,
        into: CodeId,
    },

    AddCoding {
        coding: Coding,
    },
    UpdateCoding {
        id: CodingId,
        props: CodingProps,
    },
    RemoveCoding {
        id: CodingId,
    },
    /// Add many codings in one edit (an import of 50,000): each is checked as
    /// [`Edit::AddCoding`] checks it, all or none are added, and the inverse is one
    /// [`Edit::RemoveCodings`] of their ids rather than an edit per coding.
    AddCodings {
        codings: Vec<Coding>,
    },
    /// Remove many codings in one edit (with the memos on them); the inverse of
    /// [`Edit::AddCodings`].
    RemoveCodings {
        ids: Vec<CodingId>,
    },

    CreateTheme {
        theme: Theme,
        index: Option<usize>,
    },
    UpdateTheme {
        id: ThemeId,
        props: ThemeProps,
    },
    MoveTheme {
        id: ThemeId,
        parent: Option<ThemeId>,
        index: usize,
    },
    SetThemeCodes {
        id: ThemeId,
        codes: Vec<CodeId>,
    },
    /// Delete a theme with its quotes and memos; its subthemes move up to its parent.
    DeleteTheme {
        id: ThemeId,
    },
    /// Fold `from` into `into`: member codes, subthemes, quotes, memos, review marks and
    /// map positions move over.
    MergeThemes {
        from: ThemeId,
        into: ThemeId,
    },
    /// Split a theme in two: `new` is created right after it and takes `new.codes` (which
    /// must be codes of `id`, and leave it) with the review marks on their extracts, and
    /// the listed subthemes of `id` move under `new`.
    SplitTheme {
        id: ThemeId,
        new: Box<Theme>,
        subthemes: Vec<ThemeId>,
    },
    /// Mark a coded extract as fitting the theme or not (phase 4); `None` clears the mark.
    SetReviewMark {
        theme: ThemeId,
        coding: CodingId,
        mark: Option<Fit>,
    },
    /// Put a theme's node (`code: None`) or one of its code nodes on the thematic map;
    /// `pos: None` forgets the position (the map places the node itself).
    SetMapPosition {
        theme: ThemeId,
        code: Option<CodeId>,
        pos: Option<MapPos>,
    },

    AddQuote {
        quote: Quote,
        index: Option<usize>,
    },
    UpdateQuote {
        id: QuoteId,
        props: QuoteProps,
    },
    /// Move a quote to a theme (possibly its own) at `index` in quote order.
    MoveQuote {
        id: QuoteId,
        theme: ThemeId,
        index: usize,
    },
    RemoveQuote {
        id: QuoteId,
    },

    AddMemo {
        memo: Memo,
        index: Option<usize>,
    },
    UpdateMemo {
        id: MemoId,
        props: MemoProps,
    },
    RemoveMemo {
        id: MemoId,
    },

    /// Record how a difference between two coders was resolved (the coding changes that carry
    /// the outcome travel beside it in the same batch; see `team::compare::resolve`).
    AddConsensus {
        entry: Box<ConsensusEntry>,
        index: Option<usize>,
    },
    /// Rewrite the note of a consensus entry (what the team said about the difference).
    UpdateConsensus {
        id: ConsensusId,
        note: String,
    },
    /// Remove an entry from the consensus log (the codings it changed stay as they are).
    RemoveConsensus {
        id: ConsensusId,
    },
    /// Write the researcher's summary of one cell of a triangulation table; an empty (or
    /// blank) text clears it.
    SetCellSummary {
        row: RowKey,
        column: ColumnKey,
        text: String,
    },
    /// Mark how the columns of a row compare in tables `across` one dimension (groups,
    /// sites...); `None` clears the mark.
    SetRowMark {
        row: RowKey,
        across: Dimension,
        mark: Option<RowMark>,
    },
}

/// The name of a table row, for descriptions.
fn row_name(p: &Project, row: RowKey) -> String {
    match row {
        RowKey::Theme(id) => p.themes.get(&id).map(|t| t.name().to_string()),
        RowKey::Code(id) => p.codes.get(&id).map(|c| c.name().to_string()),
    }
    .unwrap_or_default()
}

/// The name of a table column, for descriptions.
fn column_name(p: &Project, column: &ColumnKey) -> String {
    match column {
        ColumnKey::Value { attribute, value } if value.is_empty() => format!("no {attribute}"),
        ColumnKey::Value { value, .. } => format!("“{value}”"),
        ColumnKey::Unattributed { .. } => "unattributed extracts".into(),
        ColumnKey::Document { id } => format!("“{}”", p.documents.get(id).map(|d| d.name()).unwrap_or_default()),
        ColumnKey::DocumentSet { set } if set.is_empty() => "documents in no set".into(),
        ColumnKey::DocumentSet { set } => format!("set “{set}”"),
    }
}

impl Edit {
    pub fn batch(label: impl Into<String>, edits: Vec<Edit>) -> Edit {
        Edit::Batch { label: label.into(), edits }
    }

    /// A short description for the undo menu and the command line, naming what it touches.
    pub fn describe(&self, p: &Project) -> String {
        let doc = |id: &DocId| p.documents.get(id).map(|d| d.name().to_string()).unwrap_or_default();
        let code = |id: &CodeId| p.codes.get(id).map(|c| c.name().to_string()).unwrap_or_default();
        let theme = |id: &ThemeId| p.themes.get(id).map(|t| t.name().to_string()).unwrap_or_default();
        match self {
            Edit::Batch { label, .. } => label.clone(),
            Edit::SetSettings { .. } => "Change project settings".into(),
            Edit::AddDocument { document, .. } => format!("Add document “{}”", document.name()),
            Edit::RemoveDocument { id } => format!("Remove document “{}”", doc(id)),
            Edit::UpdateDocument { props, .. } => format!("Edit document “{}”", props.name),
            Edit::MoveDocument { id, .. } => format!("Move document “{}”", doc(id)),
            Edit::SetDocumentRead { id, read, .. } => {
                format!("Mark “{}” as {}", doc(id), if *read { "read" } else { "unread" })
            }
            Edit::SetTurns { id, .. } => format!("Change speaker turns of “{}”", doc(id)),
            Edit::ReplaceText { doc: id, .. } => format!("Correct the text of “{}”", doc(id)),
            Edit::AddParticipant { participant, .. } => format!("Add participant {}", participant.label()),
            Edit::UpdateParticipant { props, .. } => format!("Edit participant {}", props.label),
            Edit::RemoveParticipant { id } => {
                format!("Remove participant {}", p.participants.get(id).map(|x| x.label()).unwrap_or_default())
            }
            Edit::AddCoder { coder, .. } => format!("Add coder {}", coder.name),
            Edit::UpdateCoder { name, .. } => format!("Edit coder {name}"),
            Edit::RemoveCoder { id } => {
                format!("Remove coder {}", p.coders.get(id).map(|c| c.name.as_str()).unwrap_or_default())
            }
            Edit::CreateCode { code, .. } => format!("Create code “{}”", code.name()),
            Edit::UpdateCode { id, props } => rename_or_edit("code", &code(id), &props.name),
            Edit::MoveCode { id, .. } => format!("Move code “{}”", code(id)),
            Edit::DeleteCode { id } => format!("Delete code “{}”", code(id)),
            Edit::MergeCodes { from, into } => format!("Merge code “{}” into “{}”", code(from), code(into)),
            Edit::AddCoding { coding } => format!("Code passage in “{}” as “{}”", doc(&coding.doc), code(&coding.code)),
            Edit::UpdateCoding { id, .. } => {
                let d = p.codings.get(id).map(|c| doc(&c.doc)).unwrap_or_default();
                format!("Change coding in “{d}”")
            }
            Edit::RemoveCoding { id } => {
                let (d, c) = p.codings.get(id).map(|c| (doc(&c.doc), code(&c.code))).unwrap_or_default();
                format!("Remove “{c}” from passage in “{d}”")
            }
            Edit::AddCodings { codings } => format!("Code {} passages", codings.len()),
            Edit::RemoveCodings { ids } => format!("Remove {} codings", ids.len()),
            Edit::CreateTheme { theme, .. } => format!("Create theme “{}”", theme.name()),
            Edit::UpdateTheme { id, props } => rename_or_edit("theme", &theme(id), &props.name),
            Edit::MoveTheme { id, .. } => format!("Move theme “{}”", theme(id)),
            Edit::SetThemeCodes { id, .. } => format!("Change codes of theme “{}”", theme(id)),
            Edit::DeleteTheme { id } => format!("Delete theme “{}”", theme(id)),
            Edit::MergeThemes { from, into } => format!("Merge theme “{}” into “{}”", theme(from), theme(into)),
            Edit::SplitTheme { id, new, .. } => format!("Split “{}” off theme “{}”", new.name(), theme(id)),
            Edit::SetReviewMark { theme: t, mark, .. } => match mark {
                Some(m) => format!("Mark an extract of “{}” as “{}”", theme(t), m.label()),
                None => format!("Clear the review mark on an extract of “{}”", theme(t)),
            },
            Edit::SetMapPosition { theme: t, code: c, .. } => match c {
                Some(c) => format!("Move “{}” on the map of “{}”", code(c), theme(t)),
                None => format!("Move theme “{}” on the map", theme(t)),
            },
            Edit::AddQuote { quote, .. } => format!("Add quote to “{}”", theme(&quote.theme)),
            Edit::UpdateQuote { .. } => "Edit quote".into(),
            Edit::MoveQuote { .. } => "Move quote".into(),
            Edit::RemoveQuote { .. } => "Remove quote".into(),
            Edit::AddMemo { memo, .. } => {
                if memo.props.target == MemoTarget::Journal {
                    "Add journal entry".into()
                } else {
                    "Add memo".into()
                }
            }
            Edit::UpdateMemo { .. } => "Edit memo".into(),
            Edit::RemoveMemo { .. } => "Delete memo".into(),
            Edit::AddConsensus { entry, .. } => {
                format!("Resolve difference in “{}”: {}", doc(&entry.doc), entry.resolution.label())
            }
            Edit::UpdateConsensus { .. } => "Edit consensus note".into(),
            Edit::RemoveConsensus { id } => {
                let d = p.consensus.get(id).map(|e| doc(&e.doc)).unwrap_or_default();
                format!("Remove consensus entry for “{d}”")
            }
            Edit::SetCellSummary { row, column, text } => {
                let verb = if text.trim().is_empty() { "Clear" } else { "Write" };
                format!("{verb} summary of “{}” for {}", row_name(p, *row), column_name(p, column))
            }
            Edit::SetRowMark { row, mark, .. } => match mark {
                Some(m) => format!("Mark “{}” as {}", row_name(p, *row), m.label().to_lowercase()),
                None => format!("Clear the mark of “{}”", row_name(p, *row)),
            },
        }
    }

    /// The primitive edits inside, nested batches flattened, in the order they apply; an edit
    /// that is not a batch is its own only primitive. Every edit the store applies is walked
    /// this way (for the documents it adds), an import's batch of 50,000 codings too, so the
    /// walk keeps a stack of slice iterators and allocates nothing per edit.
    pub fn primitives(&self) -> Primitives<&Edit> {
        Primitives::new(self)
    }

    /// [`Edit::primitives`], to change.
    pub fn primitives_mut(&mut self) -> Primitives<&mut Edit> {
        Primitives::new(self)
    }

    /// The documents this edit adds, nested batches included (which texts an undo history
    /// still needs).
    pub fn added_documents(&self) -> impl Iterator<Item = &Document> {
        self.primitives().filter_map(|e| match e {
            Edit::AddDocument { document, .. } => Some(&**document),
            _ => None,
        })
    }

    /// [`Edit::added_documents`], to change: the store writes their texts before journaling
    /// and fills them in when replaying.
    pub fn added_documents_mut(&mut self) -> impl Iterator<Item = &mut Document> {
        self.primitives_mut().filter_map(|e| match e {
            Edit::AddDocument { document, .. } => Some(&mut **document),
            _ => None,
        })
    }

    /// Number of primitive edits inside (for progress and statistics).
    pub fn len(&self) -> usize {
        match self {
            Edit::Batch { .. } => self.primitives().count(),
            _ => 1,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A shared or a mutable reference to an edit: what [`Primitives`] walks.
pub trait EditRef: Sized {
    type Children: Iterator<Item = Self>;
    /// A batch's edits, or the edit itself when it is not a batch.
    fn children(self) -> Result<Self::Children, Self>;
}

impl<'a> EditRef for &'a Edit {
    type Children = std::slice::Iter<'a, Edit>;
    fn children(self) -> Result<Self::Children, Self> {
        match self {
            Edit::Batch { edits, .. } => Ok(edits.iter()),
            e => Err(e),
        }
    }
}

impl<'a> EditRef for &'a mut Edit {
    type Children = std::slice::IterMut<'a, Edit>;
    fn children(self) -> Result<Self::Children, Self> {
        match self {
            Edit::Batch { edits, .. } => Ok(edits.iter_mut()),
            e => Err(e),
        }
    }
}

/// The iterator of [`Edit::primitives`] and [`Edit::primitives_mut`]: depth first, with a
/// stack of the batches it is inside.
pub struct Primitives<R: EditRef> {
    first: Option<R>,
    stack: Vec<R::Children>,
}

impl<R: EditRef> Primitives<R> {
    fn new(edit: R) -> Self {
        match edit.children() {
            Ok(children) => Primitives { first: None, stack: vec![children] },
            Err(leaf) => Primitives { first: Some(leaf), stack: Vec::new() },
        }
    }
}

impl<R: EditRef> Iterator for Primitives<R> {
    type Item = R;

    fn next(&mut self) -> Option<R> {
        if let Some(e) = self.first.take() {
            return Some(e);
        }
        loop {
            match self.stack.last_mut()?.next().map(EditRef::children) {
                None => {
                    self.stack.pop();
                }
                Some(Ok(children)) => self.stack.push(children),
                Some(Err(leaf)) => return Some(leaf),
            }
        }
    }
}

/// The label of an edit to a code's or a theme's properties: a rename when the name changes.
fn rename_or_edit(what: &str, old: &str, new: &str) -> String {
    if old != new { format!("Rename {what} “{old}” to “{new}”") } else { format!("Edit {what} “{new}”") }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Code, CodeId, Colour};

    fn code(name: &str) -> Edit {
        Edit::CreateCode { code: Code::new(CodeId::new(), name, Colour::rgb(1, 2, 3)), index: None }
    }

    fn names<'a>(edits: impl Iterator<Item = &'a Edit>) -> Vec<String> {
        edits
            .map(|e| match e {
                Edit::CreateCode { code, .. } => code.name().to_string(),
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn primitives_flatten_nested_batches_in_order() {
        let single = code("A");
        assert_eq!(names(single.primitives()), ["A"]);
        let nested = Edit::batch(
            "outer",
            vec![
                code("A"),
                Edit::batch("empty", vec![]),
                Edit::batch("inner", vec![code("B"), Edit::batch("deeper", vec![code("C")]), code("D")]),
                code("E"),
            ],
        );
        assert_eq!(names(nested.primitives()), ["A", "B", "C", "D", "E"]);
        assert_eq!(nested.len(), 5);
        assert!(Edit::batch("empty", vec![]).is_empty());
        let mut nested = nested;
        for e in nested.primitives_mut() {
            if let Edit::CreateCode { code, .. } = e {
                code.props.name = code.props.name.to_lowercase();
            }
        }
        assert_eq!(names(nested.primitives()), ["a", "b", "c", "d", "e"]);
    }
}
