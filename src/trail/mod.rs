//! The analysis trail: a permanent record of the analytic decisions made in a project.
//!
//! Every structural change — a code or theme created, renamed, merged, split, moved, nested,
//! deleted, its definition or status changed, a consensus decision, a text correction, a
//! pseudonymisation — becomes a [`Decision`]: who, when, what kind, which codes, themes or
//! documents, the value before and after, and an optional "why". Undoing a decision records
//! an [`Kind::Undone`] entry; nothing is ever deleted. Codings are not logged one by one:
//! the number added and removed per coder and day is ([`Kind::Codings`]).
//!
//! The trail lives in the project folder as `trail/<coder>.jsonl`, one compact JSON line per
//! decision, one file per person recording (so team copies merge without conflicts), only
//! ever appended to: saving and compacting the journal never touch it. The store records
//! (see `Store::apply`), so the app and the command line cannot record twice or forget to.
//! Text corrections and pseudonymisations record counts and documents, never the replaced
//! text: the trail is shared and must not leak what pseudonymisation removed.
//!
//! [`map`] rebuilds the thematic map as it was at any date from the trail alone, and
//! [`checklist`] gathers the evidence for Braun and Clarke's 15-point checklist.

pub mod checklist;
pub mod file;
pub mod history;
pub mod map;
pub mod record;

pub use file::{TRAIL_DIR, load, merge_from, trail_file_name};
pub use map::{MapChange, MapState, ThemeState, map_at};
pub use record::{Draft, Recorder};

use crate::model::Timestamp;
use crate::model::{Named, Word, word};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What kind of decision an entry records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    CodeCreated,
    CodeRenamed,
    /// The code's definition, inclusion or exclusion criteria or example changed.
    CodeDefined,
    /// Moved under another parent code (nested) or back to the top level.
    CodeMoved,
    CodeMerged,
    CodeDeleted,
    ThemeCreated,
    ThemeRenamed,
    /// The theme's central concept, scope or notes changed (phase 5).
    ThemeDefined,
    /// The status went down (final → reviewed, reviewed → candidate).
    ThemeStatus,
    /// Set aside during review.
    ThemeParked,
    /// The status went up (candidate → reviewed → final), or a parked theme was taken back.
    ThemePromoted,
    /// Made a subtheme of another theme, or a main theme again.
    ThemeMoved,
    /// Codes moved into or out of the theme.
    ThemeCodes,
    ThemeMerged,
    ThemeSplit,
    ThemeDeleted,
    /// How a difference between two coders was resolved.
    Consensus,
    /// A document's text was corrected (the count of replacements, never the text).
    TextCorrected,
    /// Names replaced in documents (the count of replacements and the documents, never the names).
    Pseudonymised,
    /// A decision was taken back (undo); `after` names it.
    Undone,
    /// An undone decision was made again (redo).
    Redone,
    /// Codings added and removed by one coder on one day.
    Codings,
    /// A reason given after the decision it `refers` to.
    Why,
    /// The first entry of a trail begun on a project that already had codes and themes: the
    /// map as it stood then, so the map through time starts from it.
    Started,
}

impl Kind {
    pub const ALL: [Kind; 25] = [
        Kind::CodeCreated,
        Kind::CodeRenamed,
        Kind::CodeDefined,
        Kind::CodeMoved,
        Kind::CodeMerged,
        Kind::CodeDeleted,
        Kind::ThemeCreated,
        Kind::ThemeRenamed,
        Kind::ThemeDefined,
        Kind::ThemeStatus,
        Kind::ThemeParked,
        Kind::ThemePromoted,
        Kind::ThemeMoved,
        Kind::ThemeCodes,
        Kind::ThemeMerged,
        Kind::ThemeSplit,
        Kind::ThemeDeleted,
        Kind::Consensus,
        Kind::TextCorrected,
        Kind::Pseudonymised,
        Kind::Undone,
        Kind::Redone,
        Kind::Codings,
        Kind::Why,
        Kind::Started,
    ];

    /// The words shown for it (`theme merged`).
    pub fn label(self) -> &'static str {
        match self {
            Kind::CodeCreated => "code created",
            Kind::CodeRenamed => "code renamed",
            Kind::CodeDefined => "code defined",
            Kind::CodeMoved => "code moved",
            Kind::CodeMerged => "codes merged",
            Kind::CodeDeleted => "code deleted",
            Kind::ThemeCreated => "theme created",
            Kind::ThemeRenamed => "theme renamed",
            Kind::ThemeDefined => "theme defined",
            Kind::ThemeStatus => "theme status",
            Kind::ThemeParked => "theme parked",
            Kind::ThemePromoted => "theme promoted",
            Kind::ThemeMoved => "theme moved",
            Kind::ThemeCodes => "theme codes",
            Kind::ThemeMerged => "themes merged",
            Kind::ThemeSplit => "theme split",
            Kind::ThemeDeleted => "theme deleted",
            Kind::Consensus => "consensus",
            Kind::TextCorrected => "text corrected",
            Kind::Pseudonymised => "pseudonymised",
            Kind::Undone => "undone",
            Kind::Redone => "redone",
            Kind::Codings => "codings",
            Kind::Why => "why",
            Kind::Started => "trail started",
        }
    }

    /// Whether a researcher may want to say why right after it (merges, splits, status changes).
    pub fn asks_why(self) -> bool {
        matches!(
            self,
            Kind::CodeMerged
                | Kind::ThemeMerged
                | Kind::ThemeSplit
                | Kind::ThemeStatus
                | Kind::ThemeParked
                | Kind::ThemePromoted
        )
    }
}

impl Named for Kind {
    const WHAT: &'static str = "kind";

    /// The names the trail's files store (`theme_merged`), taken on the command line too; a
    /// label (`themes merged`) reads as its name or as an alias.
    const WORDS: &'static [Word<Self>] = &[
        word(Kind::CodeCreated, "code_created"),
        word(Kind::CodeRenamed, "code_renamed"),
        word(Kind::CodeDefined, "code_defined"),
        word(Kind::CodeMoved, "code_moved"),
        word(Kind::CodeMerged, "code_merged").or(&["codes_merged"]),
        word(Kind::CodeDeleted, "code_deleted"),
        word(Kind::ThemeCreated, "theme_created"),
        word(Kind::ThemeRenamed, "theme_renamed"),
        word(Kind::ThemeDefined, "theme_defined"),
        word(Kind::ThemeStatus, "theme_status"),
        word(Kind::ThemeParked, "theme_parked"),
        word(Kind::ThemePromoted, "theme_promoted"),
        word(Kind::ThemeMoved, "theme_moved"),
        word(Kind::ThemeCodes, "theme_codes"),
        word(Kind::ThemeMerged, "theme_merged").or(&["themes_merged"]),
        word(Kind::ThemeSplit, "theme_split"),
        word(Kind::ThemeDeleted, "theme_deleted"),
        word(Kind::Consensus, "consensus"),
        word(Kind::TextCorrected, "text_corrected"),
        word(Kind::Pseudonymised, "pseudonymised"),
        word(Kind::Undone, "undone"),
        word(Kind::Redone, "redone"),
        word(Kind::Codings, "codings"),
        word(Kind::Why, "why"),
        word(Kind::Started, "started").or(&["trail_started"]),
    ];
}

/// What a subject of a decision is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    Code,
    Theme,
    Document,
    Coder,
}

/// A code, theme, document or coder a decision is about, with its name at the time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    pub kind: SubjectKind,
    pub id: Uuid,
    pub name: String,
}

/// One entry of the trail.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// Unique (UUID v7, so creation order): what merging two copies' trails compares.
    pub id: Uuid,
    pub at: Timestamp,
    /// The person who made it (the coder name the app or command line acts for).
    pub who: String,
    pub kind: Kind,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subjects: Vec<Subject>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
    /// For [`Kind::Why`]: the decision the reason is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refers: Option<Uuid>,
    /// Codings added ([`Kind::Codings`]) or replacements made (corrections, pseudonymisation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// Codings removed ([`Kind::Codings`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed: Option<u64>,
    /// How the thematic map changed (themes and codes as they are after the decision), so
    /// the map at any date can be rebuilt from the trail alone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub map: Vec<MapChange>,
}

impl Decision {
    pub fn new(at: Timestamp, who: &str, kind: Kind) -> Decision {
        Decision {
            id: Uuid::now_v7(),
            at,
            who: who.to_string(),
            kind,
            subjects: Vec::new(),
            before: None,
            after: None,
            why: None,
            refers: None,
            count: None,
            removed: None,
            map: Vec::new(),
        }
    }

    /// Whether it is about this code, theme or document (as a subject or a change on the map).
    pub fn touches(&self, id: Uuid) -> bool {
        self.subjects.iter().any(|s| s.id == id)
            || self.map.iter().any(|c| match c {
                MapChange::Theme { id: t, .. } => t.0 == id,
                MapChange::Code { id: c, .. } => c.0 == id,
            })
    }

    /// One line for people: "theme renamed: “Being heard” → “Being seen”".
    pub fn summary(&self) -> String {
        let names: Vec<&str> = self.subjects.iter().map(|s| s.name.as_str()).filter(|n| !n.is_empty()).collect();
        let mut out = self.kind.label().to_string();
        if !names.is_empty() {
            out.push_str(": ");
            out.push_str(&names.iter().map(|n| format!("“{n}”")).collect::<Vec<_>>().join(", "));
        }
        match (&self.before, &self.after) {
            (Some(b), Some(a)) => out.push_str(&format!(" ({b} → {a})")),
            (None, Some(a)) if self.kind != Kind::Undone && self.kind != Kind::Redone => {
                out.push_str(&format!(" ({a})"))
            }
            (None, Some(a)) => out.push_str(&format!(" — {a}")),
            (Some(b), None) => out.push_str(&format!(" (was {b})")),
            (None, None) => {}
        }
        match (self.kind, self.count, self.removed) {
            (Kind::Codings, a, r) => out.push_str(&format!(" +{} −{}", a.unwrap_or(0), r.unwrap_or(0))),
            (_, Some(n), _) => out.push_str(&format!(", {n} replacement{}", if n == 1 { "" } else { "s" })),
            _ => {}
        }
        out
    }
}

/// The whole trail of a project: every coder's file, in time order, reasons attached.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Trail {
    /// Oldest first; [`Kind::Why`] entries are folded into the decision they refer to.
    pub decisions: Vec<Decision>,
    /// Lines that could not be read (a torn last line, a damaged file), each as a sentence.
    pub warnings: Vec<String>,
    /// The latest entry read (a reason included), by time then id: what [`Trail::extend`]
    /// needs newer entries to come after.
    last: Option<(Timestamp, Uuid)>,
    /// Reasons whose decision is not held, in time order: attached if it comes later.
    orphans: Vec<(Uuid, String)>,
}

impl Trail {
    /// Orders decisions by time (then id) and attaches each reason to its decision.
    pub fn from_decisions(mut all: Vec<Decision>, warnings: Vec<String>) -> Trail {
        all.sort_by_key(|d| (d.at, d.id));
        all.dedup_by(|a, b| a.id == b.id);
        let mut trail = Trail { last: all.last().map(|d| (d.at, d.id)), warnings, ..Trail::default() };
        trail.fold(all);
        trail
    }

    /// Adds entries read after the trail (`file::read_appended`), as [`Trail::from_decisions`]
    /// over all of them would hold them. False, and nothing added, when one is not later than
    /// every entry held (another copy's trail merged in, a clock set back): read the whole
    /// trail again then.
    pub fn extend(&mut self, mut new: Vec<Decision>, warnings: Vec<String>) -> bool {
        new.sort_by_key(|d| (d.at, d.id));
        if new.first().is_some_and(|d| self.last.is_some_and(|l| (d.at, d.id) <= l)) {
            return false;
        }
        new.dedup_by(|a, b| a.id == b.id);
        if let Some(d) = new.last() {
            self.last = Some((d.at, d.id));
        }
        for w in warnings {
            // A torn last line is read again once it is ended.
            if !self.warnings.contains(&w) {
                self.warnings.push(w);
            }
        }
        self.fold(new);
        true
    }

    /// Appends entries later than those held (in time order), reasons attached to their
    /// decision; a later reason for the same decision replaces an earlier one.
    fn fold(&mut self, entries: Vec<Decision>) {
        let mut reasons = std::mem::take(&mut self.orphans);
        for d in entries {
            if d.kind == Kind::Why {
                if let (Some(r), Some(w)) = (d.refers, &d.why) {
                    reasons.push((r, w.clone()));
                }
            } else {
                self.decisions.push(d);
            }
        }
        if reasons.is_empty() {
            return;
        }
        let index: std::collections::HashMap<Uuid, usize> =
            self.decisions.iter().enumerate().map(|(i, d)| (d.id, i)).collect();
        for (r, w) in reasons {
            match index.get(&r) {
                Some(&i) => self.decisions[i].why = Some(w),
                None => self.orphans.push((r, w)),
            }
        }
    }

    /// The decisions a filter lets through, oldest first.
    pub fn filter<'a>(&'a self, f: &'a Filter) -> impl Iterator<Item = &'a Decision> + 'a {
        self.decisions.iter().filter(move |d| f.matches(d))
    }

    /// The people who recorded decisions, in order of first appearance.
    pub fn people(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for d in &self.decisions {
            if !out.contains(&d.who) {
                out.push(d.who.clone());
            }
        }
        out
    }
}

/// Which decisions to show. Empty fields let everything through.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    /// Only decisions about this code, theme or document (by id).
    pub subject: Option<Uuid>,
    /// Only decisions naming a subject with this name (ignoring case): for things that no
    /// longer exist, or names a theme had before.
    pub name: Option<String>,
    pub who: Option<String>,
    pub kinds: Vec<Kind>,
    /// Only decisions on or after this day (UTC).
    pub since: Option<NaiveDate>,
    /// Only decisions before the end of this day (UTC).
    pub until: Option<NaiveDate>,
    /// Leave out the per-day coding counts.
    pub hide_codings: bool,
}

impl Filter {
    pub fn matches(&self, d: &Decision) -> bool {
        if self.hide_codings && d.kind == Kind::Codings {
            return false;
        }
        if !self.kinds.is_empty() && !self.kinds.contains(&d.kind) {
            return false;
        }
        let day = d.at.date_naive();
        if self.since.is_some_and(|s| day < s) || self.until.is_some_and(|u| day > u) {
            return false;
        }
        if let Some(w) = &self.who
            && !d.who.eq_ignore_ascii_case(w)
        {
            return false;
        }
        match (&self.subject, &self.name) {
            (Some(id), Some(name)) => d.touches(*id) || names(d, name),
            (Some(id), None) => d.touches(*id),
            (None, Some(name)) => names(d, name),
            (None, None) => true,
        }
    }
}

fn names(d: &Decision, name: &str) -> bool {
    let key = crate::model::name_key(name);
    d.subjects.iter().any(|s| crate::model::name_key(&s.name) == key)
        || [&d.before, &d.after].into_iter().flatten().any(|v| crate::model::name_key(v) == key)
}
