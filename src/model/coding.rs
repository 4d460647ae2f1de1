//! Codings: a code applied to a span of a document by a coder.

use super::{CodeId, CoderId, CodingId, DocId, Span};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coding {
    pub id: CodingId,
    pub doc: DocId,
    pub span: Span,
    pub code: CodeId,
    pub coder: CoderId,
    pub created: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub comment: String,
}

/// The parts of a coding that can change after it is made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodingProps {
    pub span: Span,
    pub code: CodeId,
    #[serde(default)]
    pub comment: String,
}

impl Coding {
    pub fn props(&self) -> CodingProps {
        CodingProps { span: self.span, code: self.code, comment: self.comment.clone() }
    }
}
