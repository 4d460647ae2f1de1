//! The thematic map as data, and the map at any date rebuilt from the trail.
//!
//! [`MapState`] is what the map shows: every theme with its name, status, main theme and
//! member codes, and every code's name. Each decision carries the [`MapChange`]s it made
//! (the new state of every theme and code it changed, or their removal), found by comparing
//! the state before and after the edit, so folding the changes up to a date gives the map
//! as it was then — even for themes deleted or merged away since.

use super::{Decision, Trail};
use crate::model::{CodeId, Project, ThemeId, ThemeStatus, Timestamp};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One theme as the map shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThemeState {
    pub name: String,
    pub status: ThemeStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<ThemeId>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub codes: Vec<CodeId>,
}

/// A change to the map: the new state of a theme or code, `None` when it was removed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "of", rename_all = "snake_case")]
pub enum MapChange {
    Theme {
        id: ThemeId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        state: Option<ThemeState>,
    },
    Code {
        id: CodeId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
}

/// A main theme with its subthemes, as [`MapState::outline`] lists them.
pub type Branch<'a> = (ThemeId, &'a ThemeState, Vec<(ThemeId, &'a ThemeState)>);

/// Themes and code names, by id (ids are UUID v7, so this is creation order).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MapState {
    pub themes: BTreeMap<ThemeId, ThemeState>,
    pub codes: BTreeMap<CodeId, String>,
}

impl MapState {
    /// The map of a project as it is now.
    pub fn of(p: &Project) -> MapState {
        MapState {
            themes: p
                .themes
                .values()
                .map(|t| {
                    let state = ThemeState {
                        name: t.name().to_string(),
                        status: t.status(),
                        parent: t.parent,
                        codes: t.codes.clone(),
                    };
                    (t.id, state)
                })
                .collect(),
            codes: p.codes.values().map(|c| (c.id, c.name().to_string())).collect(),
        }
    }

    /// What changed from `self` to `after`, themes first.
    pub fn diff(&self, after: &MapState) -> Vec<MapChange> {
        let mut out = Vec::new();
        for (id, state) in &after.themes {
            if self.themes.get(id) != Some(state) {
                out.push(MapChange::Theme { id: *id, state: Some(state.clone()) });
            }
        }
        for id in self.themes.keys().filter(|id| !after.themes.contains_key(id)) {
            out.push(MapChange::Theme { id: *id, state: None });
        }
        for (id, name) in &after.codes {
            if self.codes.get(id) != Some(name) {
                out.push(MapChange::Code { id: *id, name: Some(name.clone()) });
            }
        }
        for id in self.codes.keys().filter(|id| !after.codes.contains_key(id)) {
            out.push(MapChange::Code { id: *id, name: None });
        }
        out
    }

    /// Applies one change.
    pub fn apply(&mut self, change: &MapChange) {
        match change {
            MapChange::Theme { id, state: Some(s) } => {
                self.themes.insert(*id, s.clone());
            }
            MapChange::Theme { id, state: None } => {
                self.themes.remove(id);
            }
            MapChange::Code { id, name: Some(n) } => {
                self.codes.insert(*id, n.clone());
            }
            MapChange::Code { id, name: None } => {
                self.codes.remove(id);
            }
        }
    }

    /// The name of a code on this map, else its name in `p` now, else "a deleted code".
    pub fn code_label(&self, p: &Project, id: CodeId) -> String {
        match self.codes.get(&id) {
            Some(n) => n.clone(),
            None => p.codes.get(&id).map(|c| c.name().to_string()).unwrap_or_else(|| "a deleted code".into()),
        }
    }

    /// The name of a code on this map ("" if it is not on it).
    pub fn code_name(&self, id: CodeId) -> &str {
        self.codes.get(&id).map(String::as_str).unwrap_or("")
    }

    /// The main themes with their subthemes, in id order, for drawing and exporting.
    pub fn outline(&self) -> Vec<Branch<'_>> {
        let mut out = Vec::new();
        for (id, t) in &self.themes {
            let parent_known = t.parent.is_some_and(|p| self.themes.contains_key(&p));
            if parent_known {
                continue;
            }
            let subs = self.themes.iter().filter(|(_, s)| s.parent == Some(*id)).map(|(i, s)| (*i, s)).collect();
            out.push((*id, t, subs));
        }
        out
    }
}

/// Whether two changes are to the same theme or code (the later one replaces the earlier).
pub fn same_target(a: &MapChange, b: &MapChange) -> bool {
    match (a, b) {
        (MapChange::Theme { id: x, .. }, MapChange::Theme { id: y, .. }) => x == y,
        (MapChange::Code { id: x, .. }, MapChange::Code { id: y, .. }) => x == y,
        _ => false,
    }
}

/// The map as it was at `at` (inclusive), rebuilt from the decisions in order.
pub fn map_at(trail: &Trail, at: Timestamp) -> MapState {
    fold(trail.decisions.iter().take_while(|d| d.at <= at))
}

/// Folds the map changes of `decisions` (oldest first) into a map.
pub fn fold<'a>(decisions: impl Iterator<Item = &'a Decision>) -> MapState {
    let mut map = MapState::default();
    for d in decisions {
        for c in &d.map {
            map.apply(c);
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diff_applied_to_the_old_map_gives_the_new() {
        let t1 = ThemeId::from_u128(1);
        let t2 = ThemeId::from_u128(2);
        let c = CodeId::from_u128(3);
        let state =
            |name: &str| ThemeState { name: name.into(), status: ThemeStatus::Candidate, parent: None, codes: vec![] };
        let mut old = MapState::default();
        old.themes.insert(t1, state("A"));
        old.codes.insert(c, "x".into());
        let mut new = MapState::default();
        new.themes.insert(t2, state("B"));
        let changes = old.diff(&new);
        // t2 added, t1 removed, code removed: three changes.
        assert_eq!(changes.len(), 3);
        let mut folded = old.clone();
        for ch in &changes {
            folded.apply(ch);
        }
        assert_eq!(folded, new);
    }
}
