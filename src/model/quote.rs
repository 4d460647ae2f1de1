//! Quotes: coded extracts chosen to illustrate a theme, with the display edits a paper makes.

use super::{CharPos, CodingId, DocId, QuoteId, Span, ThemeId};
use serde::{Deserialize, Serialize};

/// An insertion shown in square brackets, e.g. `[the social worker]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Insertion {
    /// Where in the source text the bracketed words go.
    pub at: CharPos,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct QuoteProps {
    /// The extract in its source document; display edits never change it.
    pub span: Span,
    /// Parts of the span left out, shown as `[...]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cuts: Vec<Span>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub insertions: Vec<Insertion>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub translation: String,
    /// The strongest quote of its theme.
    #[serde(default)]
    pub starred: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    pub id: QuoteId,
    pub theme: ThemeId,
    pub doc: DocId,
    /// The coding the quote was taken from, when it was taken from one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coding: Option<CodingId>,
    #[serde(flatten)]
    pub props: QuoteProps,
}
