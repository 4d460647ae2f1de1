//! Themes against their data (phase 4): every coded extract of a theme's codes, grouped by
//! subtheme, code or participant, with the review marks, counts of extracts and of
//! participants by participant group, and a warning when a theme rests on one participant or
//! one document. Also the one-line summary per theme that the board and `tema themes` show.

use super::attribution::AttributionIndex;
use super::counts::CodeCounts;
use super::extract::{CountsFor, Extract, ExtractBuilder};
use super::perdoc::PerDoc;
use super::retrieval::{self, Query};
use super::scope::{CoderScope, Merged};
use crate::model::*;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

/// How the review lists a theme's extracts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum GroupBy {
    /// Under the theme or subtheme whose code the extract carries.
    #[default]
    Subtheme,
    Code,
    /// Under the participant who said it (field notes and interviewers' turns under
    /// "Unattributed" and the interviewer's label).
    Participant,
}

impl GroupBy {
    pub const ALL: [GroupBy; 3] = [GroupBy::Subtheme, GroupBy::Code, GroupBy::Participant];

    pub fn label(self) -> &'static str {
        match self {
            GroupBy::Subtheme => "Subtheme",
            GroupBy::Code => "Code",
            GroupBy::Participant => "Participant",
        }
    }
}

/// One extract of the theme under review.
#[derive(Clone, Debug, PartialEq)]
pub struct ReviewExtract {
    pub extract: Extract,
    /// The theme or subtheme that holds the extract's code (the nearest to the reviewed theme).
    pub holder: ThemeId,
    pub mark: Option<Fit>,
}

/// A heading of the review and the extracts under it (indexes into [`ThemeReview::extracts`]).
#[derive(Clone, Debug, PartialEq)]
pub struct ReviewGroup {
    pub label: String,
    pub extracts: Vec<usize>,
    /// Distinct participants (not interviewers) among these extracts.
    pub participants: usize,
}

/// Extracts and participants of one participant group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupCount {
    /// The participant group; empty for extracts nobody (or an interviewer) said.
    pub group: String,
    pub extracts: usize,
    /// Participants of the group with at least one extract in the theme.
    pub participants: usize,
    /// Participants in the group in the whole project: "4 of 6".
    pub of: usize,
}

/// Why a theme may be thin.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Warning {
    /// No coded extract at all.
    NoExtracts,
    /// Every attributed extract comes from one participant.
    OneParticipant(String),
    /// Every extract comes from one document.
    OneDocument(String),
}

impl Warning {
    pub fn message(&self) -> String {
        match self {
            Warning::NoExtracts => "No coded extract supports this theme yet.".into(),
            Warning::OneParticipant(p) => format!("This theme rests on one participant ({p})."),
            Warning::OneDocument(d) => format!("This theme rests on one document ({d})."),
        }
    }
}

/// The review of one theme: what a researcher reads to decide whether it holds.
#[derive(Clone, Debug, PartialEq)]
pub struct ThemeReview {
    pub theme: ThemeId,
    pub extracts: Vec<ReviewExtract>,
    pub groups: Vec<ReviewGroup>,
    pub by_group: Vec<GroupCount>,
    pub documents: usize,
    /// Distinct participants (not interviewers) who said something in the theme.
    pub participants: usize,
    pub fits: usize,
    pub does_not_fit: usize,
    pub warnings: Vec<Warning>,
}

impl ThemeReview {
    pub fn unmarked(&self) -> usize {
        self.extracts.len() - self.fits - self.does_not_fit
    }
}

/// The codes of a theme and its subthemes, each with the nearest (sub)theme that holds it.
pub fn theme_codes(p: &Project, theme: ThemeId) -> Vec<(CodeId, ThemeId)> {
    let mut out: Vec<(CodeId, ThemeId)> = Vec::new();
    let mut seen = HashSet::new();
    for t in p.theme_subtree(theme) {
        let Some(t) = p.themes.get(&t) else { continue };
        for c in &t.codes {
            if seen.insert(*c) {
                out.push((*c, t.id));
            }
        }
    }
    out
}

/// Every extract of a theme's codes (its subthemes' included) with its review mark, for a
/// coder scope: codings of one code on overlapping text are one extract (see
/// [`super::scope`]), listed once with everyone who coded it.
pub fn review(p: &Project, theme: ThemeId, by: GroupBy, coders: &CoderScope) -> ThemeReview {
    let holders: HashMap<CodeId, ThemeId> = theme_codes(p, theme).into_iter().collect();
    let query = Query { codes: Some(holders.keys().copied().collect()), coders: coders.clone(), ..Default::default() };
    let extracts =
        retrieval::query(p, &query).into_iter().filter_map(|e| Some((holders.get(&e.code).copied()?, e))).collect();
    assemble(p, theme, by, extracts)
}

/// What a theme's review parts depend on besides their document: the theme and which of its
/// (sub)themes holds each code, whose codings, and the names an extract carries (codes,
/// coders, participants' labels).
#[derive(Clone, Debug, PartialEq)]
struct ReviewKey {
    theme: ThemeId,
    holders: Vec<(CodeId, ThemeId)>,
    coders: CoderScope,
    codebook: u64,
    participants: u64,
    coder_names: Vec<(CoderId, String)>,
}

/// Keeps each document's extracts of the theme under review ([`PerDoc`]), so a review after
/// an edit cuts out only the edited document's extracts again and puts the review together
/// from the kept ones; marks, grouping and counts are worked out at that step (a mark or a
/// switch of grouping cuts out nothing). Held to [`review`] by a property test.
#[derive(Default)]
pub struct ReviewCache {
    parts: PerDoc<ReviewKey, Vec<(ThemeId, Extract)>>,
    last: Option<(Shown, Arc<ThemeReview>)>,
}

/// What the last review shows: the theme, its grouping and scope, at a revision.
type Shown = (ThemeId, GroupBy, CoderScope, u64);

impl ReviewCache {
    /// The review of a theme, the same as [`review`] gives.
    pub fn get(&mut self, p: &Project, theme: ThemeId, by: GroupBy, coders: &CoderScope) -> Arc<ThemeReview> {
        let shown = (theme, by, coders.clone(), p.revisions.all);
        if let Some((k, r)) = &self.last
            && *k == shown
        {
            return Arc::clone(r);
        }
        let holders = theme_codes(p, theme);
        let of: HashMap<CodeId, ThemeId> = holders.iter().copied().collect();
        let key = ReviewKey {
            theme,
            holders,
            coders: coders.clone(),
            codebook: p.revisions.codebook,
            participants: p.revisions.participants,
            coder_names: p.coders.values().map(|c| (c.id, c.name.clone())).collect(),
        };
        self.parts.refresh(p, key, |doc| doc_extracts(p, doc.id, &of, coders), |_, _, _| {});
        let parts = &self.parts;
        let extracts = p
            .documents
            .values()
            .filter_map(|d| Some((d, parts.get(d.id)?)))
            .flat_map(|(d, list)| {
                list.iter().map(move |(holder, e)| {
                    // A renamed document changes no revision of its own: its name is set here.
                    let mut e = e.clone();
                    if e.doc_name != d.name() {
                        e.doc_name = d.name().to_string();
                    }
                    (*holder, e)
                })
            })
            .collect();
        let r = Arc::new(assemble(p, theme, by, extracts));
        self.last = Some((shown, Arc::clone(&r)));
        r
    }
}

/// One document's extracts of a theme's codes, each with the (sub)theme that holds its code:
/// what [`retrieval::query`] gives for the document.
fn doc_extracts(
    p: &Project,
    doc: DocId,
    holders: &HashMap<CodeId, ThemeId>,
    coders: &CoderScope,
) -> Vec<(ThemeId, Extract)> {
    let mut builder = ExtractBuilder::new(p, coders);
    let chosen: Vec<Merged> = builder.merged(doc).iter().filter(|m| holders.contains_key(&m.code)).cloned().collect();
    chosen.iter().filter_map(|m| Some((*holders.get(&m.code)?, builder.build(doc, m, &CountsFor::Everyone)?))).collect()
}

/// A theme's review from its extracts (in document and text order, each with its holder):
/// marks, groups, counts by participant group and warnings.
fn assemble(p: &Project, theme: ThemeId, by: GroupBy, extracts: Vec<(ThemeId, Extract)>) -> ThemeReview {
    let marks = p.themes.get(&theme).map(|t| &t.review);
    let extracts: Vec<ReviewExtract> = extracts
        .into_iter()
        .map(|(holder, e)| {
            let mark = marks.and_then(|m| e.codings.iter().find_map(|c| m.get(c).copied()));
            ReviewExtract { extract: e, holder, mark }
        })
        .collect();
    // The one the list files it under: the first participant who counts, else an interviewer.
    let speaker =
        |e: &ReviewExtract| e.extract.attribution.label_speakers(p).first().and_then(|id| p.participants.get(id));
    let counted = |e: &ReviewExtract| e.extract.counted(p).map(|x| x.id).collect::<Vec<_>>();

    // Headings in a stable order: the theme tree, the theme's code order, the participants list.
    let mut groups: Vec<ReviewGroup> = Vec::new();
    let mut keyed: Vec<(String, usize, Vec<usize>)> = Vec::new();
    let key_of = |e: &ReviewExtract| -> (String, usize) {
        match by {
            GroupBy::Subtheme => {
                let order = p.themes.get_index_of(&e.holder).unwrap_or(usize::MAX);
                (p.themes.get(&e.holder).map(|t| t.name().to_string()).unwrap_or_default(), order)
            }
            GroupBy::Code => {
                let order = p.codes.get_index_of(&e.extract.code).unwrap_or(usize::MAX);
                (p.code_path(e.extract.code), order)
            }
            GroupBy::Participant => match speaker(e) {
                Some(x) => (x.label().to_string(), p.participants.get_index_of(&x.id).unwrap_or(usize::MAX)),
                None => ("Unattributed".to_string(), usize::MAX),
            },
        }
    };
    for (i, e) in extracts.iter().enumerate() {
        let (label, order) = key_of(e);
        match keyed.iter_mut().find(|(l, _, _)| *l == label) {
            Some((_, _, v)) => v.push(i),
            None => keyed.push((label, order, vec![i])),
        }
    }
    keyed.sort_by_key(|(l, o, _)| (*o, l.clone()));
    for (label, _, idx) in keyed {
        let participants = idx.iter().filter_map(|i| extracts.get(*i)).flat_map(counted).collect::<HashSet<_>>().len();
        groups.push(ReviewGroup { label, extracts: idx, participants });
    }

    // Counts by participant group, against the size of each group in the project.
    let mut size: BTreeMap<String, usize> = BTreeMap::new();
    for x in p.participants.values().filter(|x| !x.props.interviewer) {
        *size.entry(x.group().trim().to_string()).or_default() += 1;
    }
    let mut per: BTreeMap<String, (usize, BTreeSet<ParticipantId>)> = BTreeMap::new();
    for e in &extracts {
        // An extract counts once in each group one of its speakers belongs to.
        let mut groups: BTreeMap<String, Vec<ParticipantId>> = BTreeMap::new();
        for x in e.extract.counted(p) {
            groups.entry(x.group().trim().to_string()).or_default().push(x.id);
        }
        if groups.is_empty() {
            groups.insert(String::new(), Vec::new());
        }
        for (group, who) in groups {
            let entry = per.entry(group).or_default();
            entry.0 += 1;
            entry.1.extend(who);
        }
    }
    let mut by_group: Vec<GroupCount> = size
        .iter()
        .filter(|(g, _)| !g.is_empty())
        .map(|(g, n)| {
            let (extracts, who) = per.remove(g).unwrap_or_default();
            GroupCount { group: g.clone(), extracts, participants: who.len(), of: *n }
        })
        .collect();
    // Participants with no group, and extracts nobody is counted for, come last.
    if let Some((extracts, who)) = per.remove("") {
        by_group.push(GroupCount {
            group: String::new(),
            extracts,
            participants: who.len(),
            of: size.get("").copied().unwrap_or(0),
        });
    }

    let docs: BTreeSet<DocId> = extracts.iter().map(|e| e.extract.doc).collect();
    let people: BTreeSet<ParticipantId> = extracts.iter().flat_map(counted).collect();
    let mut warnings = Vec::new();
    if extracts.is_empty() {
        warnings.push(Warning::NoExtracts);
    } else {
        if people.len() == 1
            && let Some(x) = people.first().and_then(|id| p.participants.get(id))
        {
            warnings.push(Warning::OneParticipant(x.label().to_string()));
        }
        if docs.len() == 1
            && let Some(d) = docs.first().and_then(|id| p.documents.get(id))
        {
            warnings.push(Warning::OneDocument(d.name().to_string()));
        }
    }
    let fits = extracts.iter().filter(|e| e.mark == Some(Fit::Fits)).count();
    let does_not_fit = extracts.iter().filter(|e| e.mark == Some(Fit::DoesNotFit)).count();
    ThemeReview {
        theme,
        extracts,
        groups,
        by_group,
        documents: docs.len(),
        participants: people.len(),
        fits,
        does_not_fit,
        warnings,
    }
}

/// What the board and `tema themes` show about a theme, without the extracts' text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThemeSummary {
    pub id: ThemeId,
    /// Extracts of its codes and its subthemes' codes in the coder scope, merged by the rule
    /// in [`super::scope`].
    pub extracts: usize,
    /// Participants (not interviewers) who speak in them.
    pub participants: usize,
    pub documents: usize,
    pub quotes: usize,
}

/// Counts for every theme, attributing every coding from scratch (and each theme's figures
/// as the union of its codes', not from the kept themes' totals).
pub fn summaries(p: &Project, coders: &CoderScope) -> Vec<ThemeSummary> {
    CodeCounts::build(p, coders).summaries_from_codes(p)
}

/// Counts for every theme from an up-to-date index (the app keeps a [`CodeCounts`] instead,
/// which after an edit counts only the edited document again).
pub fn summaries_with(p: &Project, index: &AttributionIndex, coders: &CoderScope) -> Vec<ThemeSummary> {
    let mut counts = CodeCounts::default();
    counts.refresh_with(p, index, coders);
    counts.summaries(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::{Edit, EditError};

    /// Two interviews (one in Norwegian with emoji), one field note; a theme with a
    /// subtheme over three codes.
    fn project() -> Result<Project, EditError> {
        let mut p = Project::new("t");
        let coder = p.new_coder("Åse");
        let k = coder.id;
        let mut edits = vec![Edit::AddCoder { coder, index: None }];
        for (n, label, group, interviewer) in [
            (1, "J1", "Jobbsøker", false),
            (2, "T1", "Terapeut", false),
            (3, "I", "", true),
            (4, "J2", "Jobbsøker", false),
        ] {
            let mut x = Participant::new(ParticipantId::from_u128(n), label, group);
            x.props.interviewer = interviewer;
            edits.push(Edit::AddParticipant { participant: x, index: None });
        }
        for (n, name, who) in [(1, "J1", 1), (2, "T1", 2)] {
            let text = format!("I: Hvordan gikk det?\n{name}: Møtet var bra 😀 og trygt.\n");
            let mut d = Document::new(DocId::from_u128(n), name, DocKind::Interview, text.as_str());
            d.turns = vec![
                Turn {
                    span: Span::new(0, 21),
                    speaker: "I".into(),
                    participant: Some(ParticipantId::from_u128(3)),
                    start_ms: None,
                    end_ms: None,
                },
                Turn {
                    span: Span::new(21, text.chars().count()),
                    speaker: name.into(),
                    participant: Some(ParticipantId::from_u128(who)),
                    start_ms: None,
                    end_ms: None,
                },
            ];
            edits.push(Edit::AddDocument { document: Box::new(d), index: None });
        }
        edits.push(Edit::AddDocument {
            document: Box::new(Document::new(DocId::from_u128(3), "Notes", DocKind::FieldNotes, "Stemningen var god.")),
            index: None,
        });
        for (n, name) in [(1, "Trygghet"), (2, "Glede"), (3, "Stemning")] {
            edits.push(Edit::CreateCode {
                code: Code::new(CodeId::from_u128(n), name, PALETTE[n as usize]),
                index: None,
            });
        }
        let mut main = Theme::new(ThemeId::from_u128(1), "Å bli sett");
        main.codes = vec![CodeId::from_u128(1), CodeId::from_u128(3)];
        let mut sub = Theme::new(ThemeId::from_u128(2), "Glede");
        sub.parent = Some(main.id);
        sub.codes = vec![CodeId::from_u128(2), CodeId::from_u128(1)];
        edits.push(Edit::CreateTheme { theme: main, index: None });
        edits.push(Edit::CreateTheme { theme: sub, index: None });
        // "trygt" in J1 and T1, "😀" in J1, "Stemningen" in the notes, the question in J1.
        for (n, doc, code, a, b) in
            [(1, 1, 1, 44, 49), (2, 2, 1, 44, 49), (3, 1, 2, 39, 40), (4, 3, 3, 0, 10), (5, 1, 1, 3, 10)]
        {
            edits.push(Edit::AddCoding {
                coding: Coding {
                    id: CodingId::from_u128(n),
                    doc: DocId::from_u128(doc),
                    span: Span::new(a, b),
                    code: CodeId::from_u128(code),
                    coder: k,
                    created: chrono::DateTime::from_timestamp(0, 0).unwrap_or_default(),
                    comment: String::new(),
                },
            });
        }
        p.apply(Edit::batch("setup", edits))?;
        Ok(p)
    }

    #[test]
    fn review_groups_counts_and_marks() -> Result<(), EditError> {
        let mut p = project()?;
        let main = ThemeId::from_u128(1);
        p.apply(Edit::SetReviewMark { theme: main, coding: CodingId::from_u128(3), mark: Some(Fit::DoesNotFit) })?;
        p.apply(Edit::SetReviewMark { theme: main, coding: CodingId::from_u128(1), mark: Some(Fit::Fits) })?;
        let r = review(&p, main, GroupBy::Subtheme, &CoderScope::All);
        let texts: Vec<String> = r.extracts.iter().map(|e| e.extract.text()).collect();
        assert_eq!(texts, ["Hvordan", "😀", "trygt", "trygt", "Stemningen"]);
        // "Trygghet" is in both; it counts for the main theme, the nearer holder.
        let groups: Vec<(&str, usize, usize)> =
            r.groups.iter().map(|g| (g.label.as_str(), g.extracts.len(), g.participants)).collect();
        assert_eq!(groups, [("Å bli sett", 4, 2), ("Glede", 1, 1)]);
        assert_eq!((r.fits, r.does_not_fit, r.unmarked()), (1, 1, 3));
        assert_eq!((r.documents, r.participants), (3, 2));
        assert!(r.warnings.is_empty());
        let counts: Vec<(&str, usize, usize, usize)> =
            r.by_group.iter().map(|g| (g.group.as_str(), g.extracts, g.participants, g.of)).collect();
        // The interviewer's question and the field note count for nobody.
        assert_eq!(counts, [("Jobbsøker", 2, 1, 2), ("Terapeut", 1, 1, 1), ("", 2, 0, 0)]);
        let by_person = review(&p, main, GroupBy::Participant, &CoderScope::All);
        let labels: Vec<&str> = by_person.groups.iter().map(|g| g.label.as_str()).collect();
        assert_eq!(labels, ["J1", "T1", "I", "Unattributed"]);
        let by_code = review(&p, main, GroupBy::Code, &CoderScope::All);
        let labels: Vec<&str> = by_code.groups.iter().map(|g| g.label.as_str()).collect();
        assert_eq!(labels, ["Trygghet", "Glede", "Stemning"]);
        Ok(())
    }

    #[test]
    fn thin_themes_are_flagged() -> Result<(), EditError> {
        let p = project()?;
        let sub = review(&p, ThemeId::from_u128(2), GroupBy::Subtheme, &CoderScope::All);
        // Glede holds "Trygghet" too, so J1 and T1 both speak in it.
        assert!(sub.warnings.is_empty(), "{:?}", sub.warnings);
        let mut p = p;
        let mut lonely = Theme::new(ThemeId::from_u128(3), "Glede alene");
        lonely.codes = vec![CodeId::from_u128(2)];
        p.apply(Edit::CreateTheme { theme: lonely, index: None })?;
        let r = review(&p, ThemeId::from_u128(3), GroupBy::Code, &CoderScope::All);
        assert_eq!(r.warnings, [Warning::OneParticipant("J1".into()), Warning::OneDocument("J1".into())]);
        p.apply(Edit::CreateTheme { theme: Theme::new(ThemeId::from_u128(4), "Tom"), index: None })?;
        assert_eq!(review(&p, ThemeId::from_u128(4), GroupBy::Code, &CoderScope::All).warnings, [Warning::NoExtracts]);
        let s = summaries(&p, &CoderScope::All);
        let counts: Vec<(usize, usize, usize)> = s.iter().map(|s| (s.extracts, s.participants, s.documents)).collect();
        assert_eq!(counts, [(5, 2, 3), (4, 2, 2), (1, 1, 1), (0, 0, 0)]);
        Ok(())
    }
}
