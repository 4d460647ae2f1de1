//! The consensus log: how a team settled each difference between two coders' codings.
//!
//! An entry is a historical record. It keeps a copy of the two codings as they stood when the
//! difference was discussed (with the code names of that moment), so it still reads correctly
//! after codes are renamed, merged or deleted; only the document and the coders it names are
//! live references.

use super::{CodeId, CoderId, CodingId, ConsensusId, DocId, Span, Timestamp};
use serde::{Deserialize, Serialize};

/// How two coders' codings of one passage differ.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DifferenceKind {
    /// Only the first coder coded the passage (with this code).
    OnlyA,
    /// Only the second coder coded the passage (with this code).
    OnlyB,
    /// Both applied the same code to overlapping passages with different boundaries.
    Boundaries,
    /// Both coded the same or an overlapping passage, with different codes.
    DifferentCode,
}

impl DifferenceKind {
    pub const ALL: [DifferenceKind; 4] =
        [DifferenceKind::OnlyA, DifferenceKind::OnlyB, DifferenceKind::Boundaries, DifferenceKind::DifferentCode];

    pub fn label(self) -> &'static str {
        match self {
            DifferenceKind::OnlyA => "Only A",
            DifferenceKind::OnlyB => "Only B",
            DifferenceKind::Boundaries => "Different boundaries",
            DifferenceKind::DifferentCode => "Different code",
        }
    }

    /// Which sides a difference of this kind has: (first coder, second coder).
    pub fn sides(self) -> (bool, bool) {
        match self {
            DifferenceKind::OnlyA => (true, false),
            DifferenceKind::OnlyB => (false, true),
            DifferenceKind::Boundaries | DifferenceKind::DifferentCode => (true, true),
        }
    }
}

/// One coder's side of a difference, as it was when the difference was resolved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodingSnapshot {
    pub coding: CodingId,
    pub span: Span,
    pub code: CodeId,
    /// The code's name at the time, so the log reads the same after a rename.
    pub code_name: String,
}

/// What the team decided.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Resolution {
    /// The first coder's coding stands (for "only B", that means: not coded).
    KeepA,
    /// The second coder's coding stands (for "only A", that means: not coded).
    KeepB,
    /// Both codings stand.
    Both,
    /// Neither: the passage gets another code (often one created in the discussion).
    NewCode { code: CodeId, code_name: String, span: Span },
}

impl Resolution {
    pub fn label(&self) -> &'static str {
        match self {
            Resolution::KeepA => "Keep A",
            Resolution::KeepB => "Keep B",
            Resolution::Both => "Keep both",
            Resolution::NewCode { .. } => "New code",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsensusEntry {
    pub id: ConsensusId,
    pub doc: DocId,
    /// The two coders compared: "A" and "B" in `kind` and `resolution` refer to them.
    pub coder_a: CoderId,
    pub coder_b: CoderId,
    pub kind: DifferenceKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub a: Option<CodingSnapshot>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub b: Option<CodingSnapshot>,
    pub resolution: Resolution,
    /// The coder whose codings were changed to carry the outcome: a separate consensus coder
    /// (so both independent codings stay as they were), or one of the two.
    pub target: CoderId,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<CoderId>,
    pub at: Timestamp,
}

impl ConsensusEntry {
    /// Whether this entry names a coder (as one of the pair, the target or the author).
    pub fn names_coder(&self, coder: CoderId) -> bool {
        self.coder_a == coder || self.coder_b == coder || self.target == coder || self.author == Some(coder)
    }
}
