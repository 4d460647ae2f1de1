//! The model: plain data and the invariants that hold between its parts.
//!
//! Nothing here does I/O or knows about a user interface; changes go through
//! [`crate::edit::Edit`].

pub mod anchor;
mod attribution;
mod code;
mod coder;
mod coding;
mod colour;
mod consensus;
pub mod cow;
mod document;
mod framework;
mod ids;
mod memo;
mod named;
mod participant;
mod project;
mod quote;
pub mod reading;
pub mod text;
mod theme;

pub use anchor::{AnchorMap, Fingerprint, Located};
pub use attribution::{AttributionScheme, GroupTemplate, QuoteSettings, TemplatePart, template_parts};
pub use code::{Code, CodeDescription, CodeProps};
pub use coder::{Coder, name_slug};
pub use coding::{Coding, CodingProps};
pub use colour::{Colour, PALETTE, PALETTE_NAMES, palette_colour, pick_colour};
pub use consensus::{CodingSnapshot, ConsensusEntry, DifferenceKind, Resolution};
pub use cow::{Chunked, Shared};
pub use document::{
    DocKind, Document, DocumentProps, SourceInfo, SpeakerLabel, TextChange, Turn, count_words, text_hash,
};
pub use framework::{ColumnKey, Dimension, Framework, RowKey, RowMark};
pub use ids::{CodeId, CoderId, CodingId, ConsensusId, DocId, MemoId, ParticipantId, QuoteId, ThemeId};
pub use memo::{Memo, MemoProps, MemoTarget};
pub use named::{Named, UnknownName, Word, word};
pub use participant::{Participant, ParticipantProps};
pub use project::{Language, Project, Revisions, Settings, name_key, same_name};
pub use quote::{Insertion, Quote, QuoteProps};
pub use text::{CharPos, Span, TextIndex};
pub use theme::{Fit, FormerName, MapPos, Theme, ThemeDefinition, ThemeProps, ThemeStatus};

/// Timestamps are UTC, stored as RFC 3339 text.
pub type Timestamp = chrono::DateTime<chrono::Utc>;
