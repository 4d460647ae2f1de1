//! Themes and subthemes: first-class objects with a life cycle, not parent codes.

use super::{CodeId, ThemeId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where a theme stands in Braun and Clarke's phases 3–5.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ThemeStatus {
    #[default]
    Candidate,
    Reviewed,
    Final,
    /// Set aside during review; kept with its history rather than deleted.
    Parked,
}

impl ThemeStatus {
    pub const ALL: [ThemeStatus; 4] =
        [ThemeStatus::Candidate, ThemeStatus::Reviewed, ThemeStatus::Final, ThemeStatus::Parked];

    pub fn label(self) -> &'static str {
        match self {
            ThemeStatus::Candidate => "Candidate",
            ThemeStatus::Reviewed => "Reviewed",
            ThemeStatus::Final => "Final",
            ThemeStatus::Parked => "Parked",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_lowercase().as_str() {
            "candidate" => Some(ThemeStatus::Candidate),
            "reviewed" => Some(ThemeStatus::Reviewed),
            "final" => Some(ThemeStatus::Final),
            "parked" | "discarded" => Some(ThemeStatus::Parked),
            _ => None,
        }
    }
}

/// Phase 5: what the theme is about, and where it stops.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ThemeDefinition {
    /// The central organising concept, in one sentence.
    #[serde(default)]
    pub concept: String,
    /// Scope and boundaries: what the theme is and is not.
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub notes: String,
}

impl ThemeDefinition {
    pub fn is_empty(&self) -> bool {
        self.concept.trim().is_empty()
    }
}

/// A name the theme had before it was renamed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormerName {
    pub name: String,
    /// When it stopped being the name.
    pub until: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ThemeProps {
    pub name: String,
    #[serde(default)]
    pub status: ThemeStatus,
    #[serde(default)]
    pub definition: ThemeDefinition,
    /// Earlier names, oldest first: naming is part of the analysis (phase 5).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub former_names: Vec<FormerName>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Theme {
    pub id: ThemeId,
    /// The main theme of a subtheme.
    #[serde(default)]
    pub parent: Option<ThemeId>,
    #[serde(flatten)]
    pub props: ThemeProps,
    /// Member codes, in the order the researcher arranged them; a code may sit in several themes.
    #[serde(default)]
    pub codes: Vec<CodeId>,
}

impl Theme {
    pub fn new(id: ThemeId, name: impl Into<String>) -> Self {
        Self { id, parent: None, props: ThemeProps { name: name.into(), ..Default::default() }, codes: Vec::new() }
    }

    pub fn name(&self) -> &str {
        &self.props.name
    }

    pub fn status(&self) -> ThemeStatus {
        self.props.status
    }
}
