//! The life of each theme, read from the trail: its names, statuses, codes in and out, and
//! the merges, splits and deletions it went through — the theme history table of a methods
//! appendix and the "life of a theme" in the timeline.

use super::map::{MapChange, MapState};
use super::{Decision, Kind, SubjectKind, Trail};
use crate::model::{Memo, MemoTarget, Named, Project, ThemeId, ThemeStatus, Timestamp};
use serde::Serialize;
use std::collections::BTreeMap;

/// One thing that happened to a theme.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Event {
    pub at: Timestamp,
    pub what: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

/// A theme's life from the trail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ThemeLife {
    pub id: ThemeId,
    /// Every name it had, oldest first (the last is its name now, or when it ended).
    pub names: Vec<String>,
    /// Every status it had, oldest first.
    pub statuses: Vec<ThemeStatus>,
    pub events: Vec<Event>,
    /// Whether it is still in the project.
    pub exists: bool,
}

impl ThemeLife {
    pub fn name(&self) -> &str {
        self.names.last().map(String::as_str).unwrap_or("")
    }

    /// "Candidate → Reviewed → Final".
    pub fn status_path(&self) -> String {
        self.statuses.iter().map(|s| s.label()).collect::<Vec<_>>().join(" → ")
    }
}

fn life(lives: &mut BTreeMap<ThemeId, ThemeLife>, id: ThemeId) -> &mut ThemeLife {
    lives.entry(id).or_insert_with(|| ThemeLife {
        id,
        names: Vec::new(),
        statuses: Vec::new(),
        events: Vec::new(),
        exists: false,
    })
}

fn event(d: &Decision, what: String) -> Event {
    Event { at: d.at, what, why: d.why.clone() }
}

/// The life of every theme the trail knows, in order of creation (ids are UUID v7).
pub fn theme_lives(trail: &Trail, p: &Project) -> Vec<ThemeLife> {
    let mut lives: BTreeMap<ThemeId, ThemeLife> = BTreeMap::new();
    let mut map = MapState::default();
    for d in &trail.decisions {
        let themes: Vec<(ThemeId, &str)> = d
            .subjects
            .iter()
            .filter(|s| s.kind == SubjectKind::Theme)
            .map(|s| (ThemeId(s.id), s.name.as_str()))
            .collect();
        match d.kind {
            Kind::ThemeMerged if themes.len() == 2 => {
                let ((from, from_name), (into, into_name)) = (themes[0], themes[1]);
                life(&mut lives, into).events.push(event(d, format!("“{from_name}” merged into it")));
                life(&mut lives, from).events.push(event(d, format!("merged into “{into_name}”")));
            }
            Kind::ThemeSplit if themes.len() == 2 => {
                let ((old, old_name), (new, new_name)) = (themes[0], themes[1]);
                life(&mut lives, old).events.push(event(d, format!("“{new_name}” split off")));
                life(&mut lives, new).events.push(event(d, format!("split off “{old_name}”")));
            }
            Kind::ThemeCreated | Kind::ThemeDeleted | Kind::ThemeRenamed | Kind::ThemeDefined | Kind::ThemeMoved => {
                for (id, _) in &themes {
                    let l = life(&mut lives, *id);
                    if let (Kind::ThemeRenamed, true, Some(before)) = (d.kind, l.names.is_empty(), &d.before) {
                        l.names.push(before.clone());
                    }
                    let what = match (d.kind, &d.before, &d.after) {
                        (Kind::ThemeRenamed, Some(b), Some(a)) => format!("renamed from “{b}” to “{a}”"),
                        (Kind::ThemeDefined, _, Some(a)) => format!("defined: {a}"),
                        (Kind::ThemeMoved, _, Some(a)) => format!("moved: now {a}"),
                        _ => d.kind.label().to_string(),
                    };
                    life(&mut lives, *id).events.push(event(d, what));
                }
            }
            Kind::ThemeParked | Kind::ThemePromoted | Kind::ThemeStatus => {
                for (id, _) in &themes {
                    // A theme made before the trail began: its status before this decision.
                    let l = life(&mut lives, *id);
                    if let (true, Some(before)) =
                        (l.statuses.is_empty(), d.before.as_deref().and_then(ThemeStatus::parse))
                    {
                        l.statuses.push(before);
                    }
                    let what = format!(
                        "status {} → {}",
                        d.before.as_deref().unwrap_or("?"),
                        d.after.as_deref().unwrap_or("?")
                    );
                    life(&mut lives, *id).events.push(event(d, what));
                }
            }
            Kind::Undone | Kind::Redone => {
                for (id, _) in &themes {
                    let what = format!("{}: {}", d.kind.label(), d.after.as_deref().unwrap_or(""));
                    life(&mut lives, *id).events.push(event(d, what));
                }
            }
            _ => {}
        }
        for change in &d.map {
            if let MapChange::Theme { id, state } = change {
                let before = map.themes.get(id).cloned();
                let l = life(&mut lives, *id);
                if let Some(s) = state {
                    if l.names.last() != Some(&s.name) {
                        l.names.push(s.name.clone());
                    }
                    if l.statuses.last() != Some(&s.status) {
                        l.statuses.push(s.status);
                    }
                    if let Some(b) = before
                        && d.kind == Kind::ThemeCodes
                    {
                        let names = |ids: Vec<&crate::model::CodeId>| {
                            ids.iter().map(|c| format!("“{}”", map.code_name(**c))).collect::<Vec<_>>().join(", ")
                        };
                        let added: Vec<_> = s.codes.iter().filter(|c| !b.codes.contains(c)).collect();
                        let removed: Vec<_> = b.codes.iter().filter(|c| !s.codes.contains(c)).collect();
                        let mut parts = Vec::new();
                        if !added.is_empty() {
                            parts.push(format!("codes in: {}", names(added)));
                        }
                        if !removed.is_empty() {
                            parts.push(format!("codes out: {}", names(removed)));
                        }
                        if !parts.is_empty() {
                            l.events.push(event(d, parts.join("; ")));
                        }
                    }
                }
            }
            map.apply(change);
        }
    }
    for (id, l) in lives.iter_mut() {
        l.exists = p.themes.contains_key(id);
        if let Some(t) = p.themes.get(id) {
            // Names it had before the trail began (themes keep their former names).
            let older: Vec<String> =
                t.props.former_names.iter().map(|f| f.name.clone()).filter(|n| !l.names.contains(n)).collect();
            l.names.splice(0..0, older);
            if l.names.last().map(String::as_str) != Some(t.name()) {
                l.names.push(t.name().to_string());
            }
            if l.statuses.last() != Some(&t.status()) {
                l.statuses.push(t.status());
            }
        }
    }
    // Themes made before the trail began still have a life: their state now.
    for t in p.themes.values() {
        lives.entry(t.id).or_insert_with(|| ThemeLife {
            id: t.id,
            names: t.props.former_names.iter().map(|f| f.name.clone()).chain([t.name().to_string()]).collect(),
            statuses: vec![t.status()],
            events: Vec::new(),
            exists: true,
        });
    }
    // Themes in the project's order (as the board shows them), then those no longer there.
    let mut out: Vec<ThemeLife> = lives.into_values().collect();
    out.sort_by_key(|l| (p.themes.get_index_of(&l.id).unwrap_or(usize::MAX), l.events.first().map(|e| e.at)));
    out
}

/// Journal entries written within `days` days of `at`, oldest first.
pub fn journal_near(p: &Project, at: Timestamp, days: i64) -> Vec<&Memo> {
    let mut out: Vec<&Memo> = p
        .memos
        .values()
        .filter(|m| m.props.target == MemoTarget::Journal && (m.created - at).num_days().abs() <= days)
        .collect();
    out.sort_by_key(|m| m.created);
    out
}
