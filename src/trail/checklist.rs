//! Braun and Clarke's 15-point checklist of criteria for good thematic analysis (2006,
//! table 2), with the evidence the project holds for each point and the author's own answer.
//!
//! The evidence is figures the project can compute — coverage per document, participants
//! and documents per theme, review marks, extracts and quotes per theme, the trail's dates
//! per phase — never a verdict: whether the analysis is good is the author's to say, in the
//! answer stored with the project (`Settings::checklist`, changed by [`answer_edit`]).

use super::{Kind, Trail};
use crate::analysis::CoderScope;
use crate::analysis::coverage::coverage;
use crate::analysis::themes::summaries;
use crate::edit::Edit;
use crate::model::*;
use chrono::NaiveDate;
use serde::Serialize;

/// The checklist's points: (section, criterion), numbered from 1.
pub const POINTS: [(&str, &str); 15] = [
    (
        "Transcription",
        "The data have been transcribed to an appropriate level of detail, and the transcripts have been checked against the recordings for accuracy.",
    ),
    ("Coding", "Each data item has been given equal attention in the coding process."),
    (
        "Coding",
        "Themes have not been generated from a few vivid examples (an anecdotal approach), but instead the coding process has been thorough, inclusive and comprehensive.",
    ),
    ("Coding", "All relevant extracts for each theme have been collated."),
    ("Coding", "Themes have been checked against each other and back to the original data set."),
    ("Coding", "Themes are internally coherent, consistent, and distinctive."),
    ("Analysis", "Data have been analysed — interpreted, made sense of — rather than just paraphrased or described."),
    ("Analysis", "Analysis and data match each other: the extracts illustrate the analytic claims."),
    ("Analysis", "Analysis tells a convincing and well-organised story about the data and topic."),
    ("Analysis", "A good balance between analytic narrative and illustrative extracts is provided."),
    (
        "Overall",
        "Enough time has been allocated to complete all phases of the analysis adequately, without rushing a phase or giving it a once-over-lightly.",
    ),
    ("Written report", "The assumptions about, and specific approach to, thematic analysis are clearly explicated."),
    (
        "Written report",
        "There is a good fit between what you claim you do, and what you show you have done: described method and reported analysis are consistent.",
    ),
    (
        "Written report",
        "The language and concepts used in the report are consistent with the epistemological position of the analysis.",
    ),
    ("Written report", "The researcher is positioned as active in the research process; themes do not just 'emerge'."),
];

/// One figure the project holds for a point: `value` (of `of`, when it is a share).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Evidence {
    pub label: String,
    pub value: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub of: Option<usize>,
    /// Names or dates behind the figure (documents never coded, a phase's first and last day).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<String>,
}

impl Evidence {
    fn new(label: &str, value: usize, of: Option<usize>) -> Evidence {
        Evidence { label: label.to_string(), value, of, details: Vec::new() }
    }

    fn with(mut self, details: Vec<String>) -> Evidence {
        self.details = details;
        self
    }

    /// "12 of 18 documents coded".
    pub fn text(&self) -> String {
        let mut s = match self.of {
            Some(of) => format!("{} of {} {}", self.value, of, self.label),
            None => format!("{} {}", self.value, self.label),
        };
        if !self.details.is_empty() {
            s.push_str(": ");
            s.push_str(&self.details.join("; "));
        }
        s
    }
}

/// One point of the checklist with its evidence and the author's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Point {
    pub number: u8,
    pub section: &'static str,
    pub criterion: &'static str,
    /// Empty where the data cannot say (the written report): the author's answer is all there is.
    pub evidence: Vec<Evidence>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
}

/// The first and last day of one phase, as the trail dates it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PhaseDates {
    pub phase: &'static str,
    pub first: NaiveDate,
    pub last: NaiveDate,
    /// Days on which something of this phase was recorded.
    pub days: usize,
}

/// The phases of Braun and Clarke dated by the kinds of decision recorded in them.
pub fn phase_dates(trail: &Trail) -> Vec<PhaseDates> {
    let phases: [(&'static str, &[Kind]); 4] = [
        ("Generating initial codes", &[Kind::Codings, Kind::CodeCreated, Kind::CodeMerged, Kind::CodeRenamed]),
        ("Generating themes", &[Kind::ThemeCreated, Kind::ThemeCodes, Kind::ThemeMoved]),
        (
            "Reviewing themes",
            &[
                Kind::ThemeMerged,
                Kind::ThemeSplit,
                Kind::ThemeParked,
                Kind::ThemePromoted,
                Kind::ThemeStatus,
                Kind::ThemeDeleted,
            ],
        ),
        ("Defining and naming themes", &[Kind::ThemeDefined, Kind::ThemeRenamed, Kind::CodeDefined]),
    ];
    let mut out = Vec::new();
    for (phase, kinds) in phases {
        let mut days: Vec<NaiveDate> =
            trail.decisions.iter().filter(|d| kinds.contains(&d.kind)).map(|d| d.at.date_naive()).collect();
        days.sort();
        days.dedup();
        if let (Some(first), Some(last)) = (days.first(), days.last()) {
            out.push(PhaseDates { phase, first: *first, last: *last, days: days.len() });
        }
    }
    out
}

/// The checklist for a project and its trail.
pub fn checklist(p: &Project, trail: &Trail) -> Vec<Point> {
    let scope = CoderScope::All;
    let docs = p.documents.len();
    let themes = summaries(p, &scope);
    let n_themes = themes.len();
    let theme_name = |id: ThemeId| p.themes.get(&id).map(|t| t.name().to_string()).unwrap_or_default();
    let count = |k: Kind| trail.decisions.iter().filter(|d| d.kind == k).count();
    let mut ev: Vec<Vec<Evidence>> = vec![Vec::new(); 15];

    // 1. Transcription.
    let read = p.documents.values().filter(|d| !d.read_by.is_empty()).count();
    ev[0].push(Evidence::new("documents read through by a coder", read, Some(docs)));
    ev[0].push(Evidence::new("text corrections recorded in the trail", count(Kind::TextCorrected), None));

    // 2. Equal attention: coverage per document, documents never coded.
    let mut covered: Vec<(f32, &str)> = p.documents.values().map(|d| (coverage(p, d.id, None), d.name())).collect();
    covered.sort_by(|a, b| a.0.total_cmp(&b.0));
    let never: Vec<String> = covered.iter().filter(|(c, _)| *c == 0.0).map(|(_, n)| n.to_string()).collect();
    ev[1].push(Evidence::new("documents coded", docs - never.len(), Some(docs)));
    ev[1].push(Evidence::new("documents never coded", never.len(), Some(docs)).with(never));
    if let Some((low, name)) = covered.first() {
        let percent = |c: f32| (c * 100.0).round() as usize;
        let median = covered[covered.len() / 2].0;
        ev[1].push(
            Evidence::new("% of the text coded in the least coded document", percent(*low), None)
                .with(vec![name.to_string()]),
        );
        ev[1].push(Evidence::new("% of the text coded in the median document", percent(median), None));
    }

    // 3. Not from a few vivid examples: participants and documents per theme.
    let participants = p.participants.len();
    let fewest = themes.iter().min_by_key(|t| (t.participants, t.documents));
    ev[2].push(Evidence::new("codes", p.codes.len(), None));
    ev[2].push(Evidence::new("codings", p.codings.len(), None));
    if let Some(t) = fewest {
        ev[2].push(
            Evidence::new("participants in the theme with the fewest", t.participants, Some(participants))
                .with(vec![format!("“{}” ({} documents)", theme_name(t.id), t.documents)]),
        );
    }
    ev[2].push(
        Evidence::new("themes", n_themes, None).with(
            themes
                .iter()
                .map(|t| format!("{}: {} participants, {} documents", theme_name(t.id), t.participants, t.documents))
                .collect(),
        ),
    );

    // 4. All relevant extracts collated.
    let empty: Vec<String> = themes.iter().filter(|t| t.extracts == 0).map(|t| theme_name(t.id)).collect();
    ev[3].push(Evidence::new("extracts collated in themes", themes.iter().map(|t| t.extracts).sum(), None));
    ev[3].push(Evidence::new("themes without extracts", empty.len(), Some(n_themes)).with(empty));

    // 5. Checked against each other and the data: review marks, statuses.
    let marked = p.themes.values().filter(|t| !t.review.is_empty()).count();
    let fits = p.themes.values().flat_map(|t| t.review.values()).filter(|f| **f == Fit::Fits).count();
    let misfits = p.themes.values().flat_map(|t| t.review.values()).filter(|f| **f == Fit::DoesNotFit).count();
    let reviewed =
        p.themes.values().filter(|t| matches!(t.status(), ThemeStatus::Reviewed | ThemeStatus::Final)).count();
    ev[4].push(Evidence::new("themes with extracts reviewed", marked, Some(n_themes)));
    ev[4].push(Evidence::new("extracts marked as fitting", fits, None));
    ev[4].push(Evidence::new("extracts marked as not fitting", misfits, None));
    ev[4].push(Evidence::new("themes reviewed or final", reviewed, Some(n_themes)));
    ev[4].push(Evidence::new(
        "merges, splits and parkings recorded",
        count(Kind::ThemeMerged) + count(Kind::ThemeSplit) + count(Kind::ThemeParked),
        None,
    ));

    // 6. Coherent and distinctive: definitions with a scope.
    let defined = p.themes.values().filter(|t| !t.props.definition.is_empty()).count();
    let scoped = p.themes.values().filter(|t| !t.props.definition.scope.trim().is_empty()).count();
    ev[5].push(Evidence::new("themes with a central concept", defined, Some(n_themes)));
    ev[5].push(Evidence::new("themes with a scope and boundaries", scoped, Some(n_themes)));

    // 7. Interpreted: memos and the journal.
    let journal = p.memos.values().filter(|m| m.props.target == MemoTarget::Journal).count();
    ev[6].push(Evidence::new("analytic memos", p.memos.len() - journal, None));
    ev[6].push(Evidence::new("reflexive journal entries", journal, None));

    // 8. Analysis and data match: extracts and quotes per claim (theme).
    let quoted = themes.iter().filter(|t| t.quotes > 0).count();
    let unquoted: Vec<String> = themes.iter().filter(|t| t.quotes == 0).map(|t| theme_name(t.id)).collect();
    let unquoted = if unquoted.is_empty() { Vec::new() } else { vec![format!("not yet {}", unquoted.join(", "))] };
    ev[7].push(Evidence::new("themes illustrated by quotes", quoted, Some(n_themes)).with(unquoted));
    ev[7].push(Evidence::new("quotes", p.quotes.len(), None));

    // 9. A well-organised story: final themes and their structure.
    let finals = p.themes.values().filter(|t| t.status() == ThemeStatus::Final).count();
    let subs = p.themes.values().filter(|t| t.parent.is_some()).count();
    ev[8].push(Evidence::new("final themes", finals, Some(n_themes)));
    ev[8].push(Evidence::new("subthemes", subs, None));

    // 10. Balance of narrative and extracts: quotes per final theme (the narrative is the paper's).
    ev[9].push(Evidence::new("quotes chosen", p.quotes.len(), None));

    // 11. Time per phase, from the trail.
    for ph in phase_dates(trail) {
        ev[10].push(
            Evidence::new(&format!("days with work on {}", ph.phase.to_lowercase()), ph.days, None)
                .with(vec![format!("{} to {}", ph.first, ph.last)]),
        );
    }
    ev[10].push(Evidence::new("decisions in the trail", trail.decisions.len(), None));

    // 12–14 are the written report's: the author's answer only.

    // 15. The researcher as active: the journal and the reasons given.
    ev[14].push(Evidence::new("reflexive journal entries", journal, None));
    ev[14].push(Evidence::new(
        "decisions with a reason given",
        trail.decisions.iter().filter(|d| d.why.is_some()).count(),
        None,
    ));

    POINTS
        .iter()
        .zip(ev)
        .enumerate()
        .map(|(i, ((section, criterion), evidence))| {
            let number = i as u8 + 1;
            Point {
                number,
                section,
                criterion,
                evidence,
                answer: p.settings.checklist.get(&number.to_string()).filter(|a| !a.trim().is_empty()).cloned(),
            }
        })
        .collect()
}

/// The edit that sets the author's answer to point `number` (1–15); an empty answer clears it.
/// `None` for a number outside the checklist or an answer that is already so.
pub fn answer_edit(p: &Project, number: u8, answer: &str) -> Option<Edit> {
    if !(1..=15).contains(&number) {
        return None;
    }
    let mut settings = p.settings.clone();
    let answer = answer.trim();
    if answer.is_empty() {
        settings.checklist.remove(&number.to_string());
    } else {
        settings.checklist.insert(number.to_string(), answer.to_string());
    }
    (settings != p.settings).then_some(Edit::SetSettings { settings })
}
