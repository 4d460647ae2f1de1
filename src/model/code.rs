//! Codes: the codebook tree.

use super::{CodeId, Colour};
use serde::{Deserialize, Serialize};

/// What a code means, written so a second coder could apply it the same way.
/// Every field may be missing (older files, partial imports).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct CodeDescription {
    pub definition: String,
    pub inclusion: String,
    pub exclusion: String,
    pub example: String,
}

impl CodeDescription {
    pub fn is_empty(&self) -> bool {
        self.definition.is_empty() && self.inclusion.is_empty() && self.exclusion.is_empty() && self.example.is_empty()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CodeProps {
    pub name: String,
    pub colour: Colour,
    #[serde(default)]
    pub description: CodeDescription,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Code {
    pub id: CodeId,
    /// The parent in the codebook tree; the order among siblings is the order of the codebook.
    #[serde(default)]
    pub parent: Option<CodeId>,
    #[serde(flatten)]
    pub props: CodeProps,
}

impl Code {
    pub fn new(id: CodeId, name: impl Into<String>, colour: Colour) -> Self {
        Self {
            id,
            parent: None,
            props: CodeProps { name: name.into(), colour, description: CodeDescription::default() },
        }
    }

    pub fn name(&self) -> &str {
        &self.props.name
    }
}
