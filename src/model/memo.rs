//! Memos and the reflexive journal.

use super::{CodeId, CoderId, CodingId, DocId, MemoId, Span, ThemeId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What a memo is about. Journal entries are about the analysis as a whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum MemoTarget {
    Journal,
    Document(DocId),
    Code(CodeId),
    Theme(ThemeId),
    Coding(CodingId),
    /// A note on a passage of a document (an annotation), not tied to any coding. Text
    /// corrections move its span with the text.
    Passage {
        doc: DocId,
        span: Span,
    },
}

impl MemoTarget {
    /// The document a memo is about, directly or through a passage.
    pub fn document(&self) -> Option<DocId> {
        match self {
            MemoTarget::Document(d) | MemoTarget::Passage { doc: d, .. } => Some(*d),
            _ => None,
        }
    }
}

/// The parts of a memo that change as it is written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoProps {
    pub target: MemoTarget,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
    pub modified: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Memo {
    pub id: MemoId,
    pub created: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<CoderId>,
    #[serde(flatten)]
    pub props: MemoProps,
}
