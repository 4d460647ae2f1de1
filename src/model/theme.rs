//! Themes and subthemes: first-class objects with a life cycle, not parent codes.

use super::{CodeId, CodingId, ThemeId};
use super::{Named, Word, word};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
}

impl Named for ThemeStatus {
    const WHAT: &'static str = "status";
    const WORDS: &'static [Word<Self>] = &[
        word(ThemeStatus::Candidate, "candidate"),
        word(ThemeStatus::Reviewed, "reviewed"),
        word(ThemeStatus::Final, "final"),
        word(ThemeStatus::Parked, "parked").or(&["discarded"]),
    ];
}

/// Phase 5: what the theme is about, and where it stops.
/// Every field may be missing (older files, partial imports).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ThemeDefinition {
    /// The central organising concept, in one sentence.
    pub concept: String,
    /// Scope and boundaries: what the theme is and is not.
    pub scope: String,
    pub notes: String,
}

impl ThemeDefinition {
    pub fn is_empty(&self) -> bool {
        self.concept.trim().is_empty()
    }
}

/// The verdict on one coded extract when a theme is reviewed against its data (phase 4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fit {
    /// The extract supports the theme.
    Fits,
    /// The extract was coded into the theme but does not belong to it.
    DoesNotFit,
}

impl Fit {
    pub fn label(self) -> &'static str {
        match self {
            Fit::Fits => "fits",
            Fit::DoesNotFit => "does not fit",
        }
    }
}

/// Where a node sits on the thematic map, in map units (points at zoom 1). Whole numbers
/// keep the saved file stable and readable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub struct MapPos {
    pub x: i32,
    pub y: i32,
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
    /// Review marks on the extracts of this theme (and its subthemes), by coding. A mark on
    /// a coding that no longer exists is ignored, and counts again if an undo restores it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub review: BTreeMap<CodingId, Fit>,
    /// Where the researcher put the theme on the thematic map; `None` until it is arranged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub map_pos: Option<MapPos>,
    /// Where the researcher put each of the theme's codes on the map (a code in two themes
    /// has a node under each). Positions of codes no longer in the theme are kept and
    /// ignored, so putting a code back puts it back where it was.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub code_pos: BTreeMap<CodeId, MapPos>,
}

impl Theme {
    pub fn new(id: ThemeId, name: impl Into<String>) -> Self {
        Self {
            id,
            parent: None,
            props: ThemeProps { name: name.into(), ..Default::default() },
            codes: Vec::new(),
            review: BTreeMap::new(),
            map_pos: None,
            code_pos: BTreeMap::new(),
        }
    }

    pub fn name(&self) -> &str {
        &self.props.name
    }

    pub fn status(&self) -> ThemeStatus {
        self.props.status
    }

    /// The theme's props with a new name, the old one kept in its history (phase 5). The
    /// same name (ignoring case and spacing) changes nothing.
    pub fn renamed(&self, name: &str, at: DateTime<Utc>) -> ThemeProps {
        let mut props = self.props.clone();
        let name = name.trim();
        if super::name_key(name) != super::name_key(&props.name) {
            let old = std::mem::replace(&mut props.name, name.to_string());
            props.former_names.push(FormerName { name: old, until: at });
        } else {
            props.name = name.to_string();
        }
        props
    }
}
