//! The analysis trail (issue 22): every kind of decision recorded once with the right before
//! and after, undo recorded rather than deleted, the trail byte-identical across save and
//! reopen, team copies merged to the union idempotently, the map at a date rebuilt from the
//! trail (property), and the checklist's figures computed independently for the sample.

mod common;
use common::{copy_dir, json, tema};

use proptest::prelude::*;
use std::path::{Path, PathBuf};
use tema::edit::{Edit, History, plan_text_correction};
use tema::model::*;
use tema::store::Store;
use tema::testing::{Fresh, MAP, Mix, Move, edit_for, moves};
use tema::trail::{self, Decision, Draft, Kind, MapState, Trail, map_at};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const TEXT: &str = "I: Hvordan var møtet?\nJ1: Jeg følte meg sett 😀 for første gang, sa Kari.\nI: Og pengene?\nJ1: Jeg er redd for å miste AAP, sa Kari.\n";

fn code(n: u128) -> CodeId {
    CodeId::from_u128(n)
}
fn theme(n: u128) -> ThemeId {
    ThemeId::from_u128(n)
}

/// A project with two coders, one document and four codes, made through the store.
fn setup(dir: &Path) -> Result<Store, Box<dyn std::error::Error>> {
    let mut store = Store::create(dir, "Trail")?;
    store.set_actor("Ingrid");
    let mut edits = Vec::new();
    for (n, name) in [(1, "Ingrid"), (2, "Tom")] {
        let coder = Coder {
            id: CoderId::from_u128(n),
            name: name.into(),
            colour: palette_colour(0),
            slug: name.to_lowercase(),
        };
        edits.push(Edit::AddCoder { coder, index: None });
    }
    edits.push(Edit::AddDocument {
        document: Box::new(Document::new(DocId::from_u128(1), "J1", DocKind::Interview, TEXT)),
        index: None,
    });
    store.apply(Edit::batch("Set up", edits))?;
    Ok(store)
}

/// [`setup`] in a new temporary folder, which lives as long as the returned guard.
fn fresh() -> Result<(tempfile::TempDir, PathBuf, Store), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("p");
    let store = setup(&dir)?;
    Ok((tmp, dir, store))
}

fn kinds(t: &Trail) -> Vec<Kind> {
    t.decisions.iter().map(|d| d.kind).collect()
}

/// The last decision, which must be of `kind`.
fn last(dir: &Path, kind: Kind) -> Result<Decision, Box<dyn std::error::Error>> {
    let t = trail::load(dir)?;
    let d = t.decisions.last().cloned().ok_or("the trail is empty")?;
    assert_eq!(d.kind, kind, "{:?}", kinds(&t));
    Ok(d)
}

fn ba(d: &Decision) -> (Option<&str>, Option<&str>) {
    (d.before.as_deref(), d.after.as_deref())
}

#[test]
fn each_kind_of_decision_is_recorded_once_with_its_before_and_after() -> TestResult {
    let (_tmp, dir, mut store) = fresh()?;
    // Adding coders and a document decides nothing the trail keeps.
    assert!(trail::load(&dir)?.decisions.is_empty());

    for (n, name) in [(1, "Being seen"), (2, "First time"), (3, "Money worries"), (4, "Fear of AAP")] {
        store.apply(Edit::CreateCode { code: Code::new(code(n), name, palette_colour(n as usize)), index: None })?;
        let d = last(&dir, Kind::CodeCreated)?;
        assert_eq!((ba(&d), d.who.as_str()), ((None, Some(name)), "Ingrid"));
    }
    let p = store.project();
    let mut props = p.codes[&code(1)].props.clone();
    props.name = "Feeling seen".into();
    store.apply(Edit::UpdateCode { id: code(1), props: props.clone() })?;
    assert_eq!(ba(&last(&dir, Kind::CodeRenamed)?), (Some("Being seen"), Some("Feeling seen")));
    props.description.definition = "Being recognised as a person".into();
    store.apply(Edit::UpdateCode { id: code(1), props })?;
    assert_eq!(ba(&last(&dir, Kind::CodeDefined)?), (None, Some("Being recognised as a person")));
    store.apply(Edit::MoveCode { id: code(2), parent: Some(code(1)), index: 1 })?;
    assert_eq!(ba(&last(&dir, Kind::CodeMoved)?), (Some("top level"), Some("under “Feeling seen”")));

    // A theme, promoted, demoted, parked, defined, renamed, nested, its codes changed.
    let mut t = Theme::new(theme(1), "Voice");
    t.codes = vec![code(1), code(2)];
    store.apply(Edit::CreateTheme { theme: t, index: None })?;
    assert_eq!(ba(&last(&dir, Kind::ThemeCreated)?), (None, Some("Voice")));
    let status = |store: &mut Store, s: ThemeStatus| -> TestResult {
        let mut props = store.project().themes[&theme(1)].props.clone();
        props.status = s;
        store.apply(Edit::UpdateTheme { id: theme(1), props })?;
        Ok(())
    };
    status(&mut store, ThemeStatus::Reviewed)?;
    assert_eq!(ba(&last(&dir, Kind::ThemePromoted)?), (Some("Candidate"), Some("Reviewed")));
    status(&mut store, ThemeStatus::Candidate)?;
    assert_eq!(ba(&last(&dir, Kind::ThemeStatus)?), (Some("Reviewed"), Some("Candidate")));
    status(&mut store, ThemeStatus::Parked)?;
    assert_eq!(ba(&last(&dir, Kind::ThemeParked)?), (Some("Candidate"), Some("Parked")));
    status(&mut store, ThemeStatus::Candidate)?;
    assert_eq!(ba(&last(&dir, Kind::ThemePromoted)?), (Some("Parked"), Some("Candidate")));
    let mut props = store.project().themes[&theme(1)].props.clone();
    props.definition.concept = "Being heard in meetings".into();
    store.apply(Edit::UpdateTheme { id: theme(1), props })?;
    assert_eq!(ba(&last(&dir, Kind::ThemeDefined)?), (None, Some("Being heard in meetings")));
    let at = chrono::Utc::now();
    let props = store.project().themes[&theme(1)].renamed("Having a voice", at);
    store.apply(Edit::UpdateTheme { id: theme(1), props })?;
    assert_eq!(ba(&last(&dir, Kind::ThemeRenamed)?), (Some("Voice"), Some("Having a voice")));
    store.apply(Edit::SetThemeCodes { id: theme(1), codes: vec![code(1), code(2), code(3)] })?;
    let d = last(&dir, Kind::ThemeCodes)?;
    assert_eq!(ba(&d), (Some("Feeling seen, First time"), Some("Feeling seen, First time, Money worries")));
    // The code that came in is a subject, so filtering by it finds the decision.
    assert!(d.touches(code(3).0));
    let mut money = Theme::new(theme(2), "Money");
    money.codes = vec![code(4)];
    store.apply(Edit::CreateTheme { theme: money, index: None })?;
    store.apply(Edit::MoveTheme { id: theme(2), parent: Some(theme(1)), index: 1 })?;
    assert_eq!(ba(&last(&dir, Kind::ThemeMoved)?), (Some("a main theme"), Some("under “Having a voice”")));

    // Split, merge, delete.
    let mut split = Theme::new(theme(3), "Recognition");
    split.codes = vec![code(1)];
    store.apply(Edit::SplitTheme { id: theme(1), new: Box::new(split), subthemes: vec![] })?;
    let d = last(&dir, Kind::ThemeSplit)?;
    assert_eq!(ba(&d), (Some("Having a voice"), Some("“Having a voice” and “Recognition”")));
    store.apply(Edit::MergeThemes { from: theme(3), into: theme(1) })?;
    assert_eq!(
        ba(&last(&dir, Kind::ThemeMerged)?),
        (Some("“Recognition” and “Having a voice”"), Some("Having a voice"))
    );
    store.apply(Edit::DeleteTheme { id: theme(2) })?;
    assert_eq!(ba(&last(&dir, Kind::ThemeDeleted)?), (Some("Money"), None));
    store.apply(Edit::MergeCodes { from: code(4), into: code(3) })?;
    assert_eq!(ba(&last(&dir, Kind::CodeMerged)?), (Some("“Fear of AAP” and “Money worries”"), Some("Money worries")));
    store.apply(Edit::DeleteCode { id: code(2) })?;
    assert_eq!(ba(&last(&dir, Kind::CodeDeleted)?), (Some("First time"), None));

    // A consensus decision carries its resolution and the team's note as the reason.
    let entry = ConsensusEntry {
        id: ConsensusId::from_u128(1),
        doc: DocId::from_u128(1),
        coder_a: CoderId::from_u128(1),
        coder_b: CoderId::from_u128(2),
        kind: DifferenceKind::OnlyA,
        a: Some(CodingSnapshot {
            coding: CodingId::from_u128(9),
            span: Span::new(25, 29),
            code: code(1),
            code_name: "Feeling seen".into(),
        }),
        b: None,
        resolution: Resolution::KeepA,
        target: CoderId::from_u128(1),
        note: "Tom agreed it is about being seen".into(),
        author: None,
        at,
    };
    store.apply(Edit::AddConsensus { entry: Box::new(entry), index: None })?;
    let d = last(&dir, Kind::Consensus)?;
    assert_eq!(d.after.as_deref(), Some("Keep A"));
    assert_eq!(d.why.as_deref(), Some("Tom agreed it is about being seen"));

    // A text correction records the count, never the text.
    let kari = TEXT.chars().collect::<String>().find("Kari").map(|b| TEXT[..b].chars().count()).ok_or("no Kari")?;
    let fix = plan_text_correction(
        store.project(),
        DocId::from_u128(1),
        vec![TextChange { span: Span::new(kari, kari + 4), text: "Karin".into() }],
    )?;
    store.apply(fix.edit)?;
    let d = last(&dir, Kind::TextCorrected)?;
    assert_eq!((d.count, d.subjects[0].name.as_str()), (Some(1), "J1"));
    // A pseudonymisation (issue 19 labels its batch so): the count and documents only.
    let text = store.project().documents[&DocId::from_u128(1)].text.to_string();
    let second = text.rfind("Kari").map(|b| text[..b].chars().count()).ok_or("no second Kari")?;
    let pseudo = plan_text_correction(
        store.project(),
        DocId::from_u128(1),
        vec![TextChange { span: Span::new(second, second + 4), text: "P1".into() }],
    )?;
    store.apply(Edit::batch("Pseudonymise Kari as P1", vec![pseudo.edit]))?;
    let d = last(&dir, Kind::Pseudonymised)?;
    assert_eq!((d.count, d.subjects.len()), (Some(1), 1));
    let files: String = std::fs::read_to_string(dir.join("trail/ingrid.jsonl"))?;
    assert!(!files.contains("Kari"), "the trail must not hold the replaced names");

    // Codings are counted per coder and day, written when the project is saved.
    let coding = Coding {
        id: CodingId::new(),
        doc: DocId::from_u128(1),
        span: Span::new(3, 10),
        code: code(1),
        coder: CoderId::from_u128(2),
        created: at,
        comment: String::new(),
    };
    let id = coding.id;
    store.apply(Edit::AddCoding { coding: coding.clone() })?;
    store.apply(Edit::AddCoding { coding: Coding { id: CodingId::new(), span: Span::new(12, 20), ..coding } })?;
    store.apply(Edit::RemoveCoding { id })?;
    store.save()?;
    let d = last(&dir, Kind::Codings)?;
    assert_eq!((d.subjects[0].name.as_str(), d.count, d.removed), ("Tom", Some(2), Some(1)));

    // Every kind above, once each, in order (promoted twice: candidate → reviewed, parked →
    // candidate; four codes created; two themes created).
    let t = trail::load(&dir)?;
    let expected = [
        vec![Kind::CodeCreated; 4],
        vec![Kind::CodeRenamed, Kind::CodeDefined, Kind::CodeMoved, Kind::ThemeCreated, Kind::ThemePromoted],
        vec![Kind::ThemeStatus, Kind::ThemeParked, Kind::ThemePromoted, Kind::ThemeDefined, Kind::ThemeRenamed],
        vec![Kind::ThemeCodes, Kind::ThemeCreated, Kind::ThemeMoved, Kind::ThemeSplit, Kind::ThemeMerged],
        vec![Kind::ThemeDeleted, Kind::CodeMerged, Kind::CodeDeleted, Kind::Consensus, Kind::TextCorrected],
        vec![Kind::Pseudonymised, Kind::Codings],
    ]
    .concat();
    assert_eq!(kinds(&t), expected);
    Ok(())
}

/// Creates the themes Voice (1) and Money (2), then merges Money into Voice: three decisions.
fn merge_money_into_voice(store: &mut Store) -> Result<(), tema::store::StoreError> {
    store.apply(Edit::CreateTheme { theme: Theme::new(theme(1), "Voice"), index: None })?;
    store.apply(Edit::CreateTheme { theme: Theme::new(theme(2), "Money"), index: None })?;
    store.apply(Edit::MergeThemes { from: theme(2), into: theme(1) })?;
    Ok(())
}

#[test]
fn undo_and_redo_are_recorded_and_nothing_is_deleted() -> TestResult {
    let (_tmp, dir, mut store) = fresh()?;
    merge_money_into_voice(&mut store)?;
    let merge = store.last_decisions().first().map(|d| d.id).ok_or("no decision")?;
    store.note_why(merge, "Money is how voice is lost")?;
    store.undo()?;
    let d = last(&dir, Kind::Undone)?;
    assert_eq!(d.after.as_deref(), Some("Merge theme “Money” into “Voice”"));
    assert!(d.touches(theme(2).0));
    store.redo()?;
    assert_eq!(last(&dir, Kind::Redone)?.after.as_deref(), Some("Merge theme “Money” into “Voice”"));
    let t = trail::load(&dir)?;
    assert_eq!(kinds(&t), [Kind::ThemeCreated, Kind::ThemeCreated, Kind::ThemeMerged, Kind::Undone, Kind::Redone]);
    // The reason is an entry of its own in the file, attached to the merge when read.
    assert_eq!(t.decisions[2].why.as_deref(), Some("Money is how voice is lost"));
    let lines = std::fs::read_to_string(dir.join("trail/ingrid.jsonl"))?.lines().count();
    assert_eq!(lines, 6, "five decisions and one reason");
    // Undoing a step that decided nothing (a coding) records no decision.
    let coding = Coding {
        id: CodingId::new(),
        doc: DocId::from_u128(1),
        span: Span::new(3, 10),
        code: CodeId::from_u128(99),
        coder: CoderId::from_u128(1),
        created: chrono::Utc::now(),
        comment: String::new(),
    };
    store.apply(Edit::CreateCode { code: Code::new(CodeId::from_u128(99), "x", palette_colour(1)), index: None })?;
    store.apply(Edit::AddCoding { coding })?;
    store.undo()?;
    assert_eq!(last(&dir, Kind::CodeCreated)?.after.as_deref(), Some("x"));
    Ok(())
}

/// Sets code `n`'s definition to `text` as one keystroke of the typing gesture `gesture`.
fn define(store: &mut Store, n: u128, text: &str, gesture: &str) -> TestResult {
    let mut props = store.project().codes.get(&code(n)).ok_or("no such code")?.props.clone();
    props.description.definition = text.into();
    store.apply_coalescing(Edit::UpdateCode { id: code(n), props }, gesture)?;
    Ok(())
}

#[test]
fn a_gesture_is_one_decision() -> TestResult {
    let (_tmp, dir, mut store) = fresh()?;
    store.apply(Edit::CreateCode { code: Code::new(code(1), "Being seen", palette_colour(1)), index: None })?;
    // Typing a definition: one edit per keystroke, one undo step, one decision.
    for text in ["B", "Be", "Being recognised"] {
        define(&mut store, 1, text, "describe")?;
    }
    // Written when the gesture ends (here: another change).
    assert_eq!(kinds(&trail::load(&dir)?), [Kind::CodeCreated]);
    store.apply(Edit::CreateCode { code: Code::new(code(2), "Money", palette_colour(2)), index: None })?;
    let t = trail::load(&dir)?;
    assert_eq!(kinds(&t), [Kind::CodeCreated, Kind::CodeDefined, Kind::CodeCreated]);
    assert_eq!(ba(&t.decisions[1]), (None, Some("Being recognised")));
    // A gesture still going on when the project is saved is written then.
    define(&mut store, 2, "Worries about money", "describe-2")?;
    store.save()?;
    assert_eq!(last(&dir, Kind::CodeDefined)?.after.as_deref(), Some("Worries about money"));
    Ok(())
}

#[test]
fn the_trail_is_byte_identical_after_save_and_reopen() -> TestResult {
    let (_tmp, dir, mut store) = fresh()?;
    merge_money_into_voice(&mut store)?;
    store.save()?;
    drop(store);
    let before = std::fs::read(dir.join("trail/ingrid.jsonl"))?;
    {
        let mut store = Store::open(&dir)?;
        store.save()?;
    }
    let store = Store::open(&dir)?;
    drop(store);
    assert_eq!(std::fs::read(dir.join("trail/ingrid.jsonl"))?, before);
    // The manifest counts its lines, so a trail file that goes missing is damage.
    std::fs::remove_file(dir.join("trail/ingrid.jsonl"))?;
    match Store::open(&dir) {
        Err(tema::store::StoreError::Damaged { damage, .. }) => {
            assert!(damage.iter().any(|d| d.contains("trail/ingrid.jsonl held 3 decisions")), "{damage:?}")
        }
        other => panic!("a missing trail must be damage, got {other:?}"),
    }
    Ok(())
}

/// Two team copies `a` and `b` of the set-up project with `first` applied and saved, the second
/// sent as a person sends a copy (without the lock).
fn two_copies(tmp: &Path, first: Vec<Edit>) -> Result<(PathBuf, PathBuf), Box<dyn std::error::Error>> {
    let (a, b) = (tmp.join("a"), tmp.join("b"));
    let mut store = setup(&a)?;
    for edit in first {
        store.apply(edit)?;
    }
    store.save()?;
    drop(store);
    copy_dir(&a, &b)?;
    Ok((a, b))
}

#[test]
fn two_team_copies_merge_their_trails_to_the_union_idempotently() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let (a, b) = two_copies(tmp.path(), vec![Edit::CreateTheme { theme: Theme::new(theme(1), "Voice"), index: None }])?;
    {
        let mut ours = Store::open(&a)?;
        ours.set_actor("Ingrid");
        ours.apply(Edit::CreateTheme { theme: Theme::new(theme(2), "Money"), index: None })?;
        let mut theirs = Store::open(&b)?;
        theirs.set_actor("Tom");
        theirs.apply(Edit::CreateTheme { theme: Theme::new(theme(3), "Work"), index: None })?;
        let mut props = theirs.project().themes[&theme(1)].props.clone();
        props.status = ThemeStatus::Reviewed;
        theirs.apply(Edit::UpdateTheme { id: theme(1), props })?;
    }
    let ids = |dir: &Path| -> Result<Vec<uuid::Uuid>, Box<dyn std::error::Error>> {
        let mut v: Vec<uuid::Uuid> = trail::load(dir)?.decisions.iter().map(|d| d.id).collect();
        v.sort();
        Ok(v)
    };
    let mut union = [ids(&a)?, ids(&b)?].concat();
    union.sort();
    union.dedup();
    // Ours has the shared creation of Voice and Money; theirs the shared one, Work and a
    // promotion: four distinct decisions.
    assert_eq!(union.len(), 4);
    assert_eq!(trail::merge_from(&a, &b)?, 2);
    assert_eq!(ids(&a)?, union);
    assert_eq!(std::fs::read_to_string(a.join("trail/tom.jsonl"))?.lines().count(), 2);
    let once = std::fs::read(a.join("trail/ingrid.jsonl"))?;
    assert_eq!(trail::merge_from(&a, &b)?, 0, "merging again adds nothing");
    assert_eq!(std::fs::read(a.join("trail/ingrid.jsonl"))?, once);
    assert_eq!(ids(&a)?, union);
    Ok(())
}

#[test]
fn tema_merge_brings_the_other_copys_trail_in() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let (a, b) = two_copies(tmp.path(), Vec::new())?;
    {
        let mut theirs = Store::open(&b)?;
        theirs.set_actor("Tom");
        theirs.apply(Edit::CreateTheme { theme: Theme::new(theme(3), "Work"), index: None })?;
        theirs.save()?;
    }
    let run = || tema(&["merge", &a.to_string_lossy(), &b.to_string_lossy(), "--json"]);
    assert_eq!(json(&run()?)?["trail_decisions"], 1);
    assert_eq!(json(&run()?)?["trail_decisions"], 0);
    let t = trail::load(&a)?;
    // Tom's decision, and Ingrid's own record of the merge creating the theme here.
    assert_eq!(t.decisions.iter().filter(|d| d.who == "Tom").count(), 1);
    assert_eq!(t.decisions.iter().filter(|d| d.who == "Ingrid" && d.kind == Kind::ThemeCreated).count(), 1);
    Ok(())
}

/// The session of the map property: the generator's structural edits (codes and themes
/// created, renamed, nested, merged, split and deleted), one step in eight an undo and one in
/// sixteen a redo.
const SESSION: Mix = Mix { kinds: MAP, undo: 12, redo: 6 };

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// The map at the time of each decision, rebuilt from the trail alone, is the map the
    /// project had right after that step — deleted, merged and undone themes included.
    #[test]
    fn the_map_at_a_date_equals_the_map_rebuilt_from_the_trail(steps in prop::collection::vec(moves(SESSION), 1..40)) {
        let mut p = Project::new("Prop");
        let mut history = History::default();
        let start = chrono::DateTime::from_timestamp(1_750_000_000, 0).unwrap_or_default();
        let mut decisions = Vec::new();
        let mut expected: Vec<(chrono::DateTime<chrono::Utc>, MapState)> = Vec::new();
        for (i, s) in steps.iter().enumerate() {
            // Each step a minute after the last, so a date picks exactly the steps before it.
            let at = start + chrono::Duration::minutes(i as i64);
            match s {
                Move::Edit(x) => {
                    let Some(edit) = edit_for(&p, Fresh::at(i as u64), x) else { continue };
                    let draft = Draft::prepare(&p, &edit);
                    let label = edit.describe(&p);
                    let Ok(inverse) = p.apply(edit) else { continue };
                    history.record(label, inverse, None, at);
                    decisions.extend(draft.finish(&p, "prop", at));
                }
                Move::Undo => {
                    let Some(top) = history.undo.last() else { continue };
                    let draft = Draft::prepare(&p, &top.inverse);
                    let Ok(Some(label)) = history.undo(&mut p, at) else { continue };
                    decisions.extend(draft.finish_step(&p, "prop", at, Kind::Undone, &label));
                }
                Move::Redo => {
                    let Some(top) = history.redo.last() else { continue };
                    let draft = Draft::prepare(&p, &top.inverse);
                    let Ok(Some(label)) = history.redo(&mut p, at) else { continue };
                    decisions.extend(draft.finish_step(&p, "prop", at, Kind::Redone, &label));
                }
            }
            expected.push((at, MapState::of(&p)));
        }
        let trail = Trail::from_decisions(decisions, Vec::new());
        for (at, map) in &expected {
            prop_assert_eq!(&map_at(&trail, *at), map);
        }
        // Before anything was decided, the map was empty.
        prop_assert_eq!(map_at(&trail, start - chrono::Duration::minutes(1)), MapState::default());
    }
}

/// Coverage of a document computed here with a mask of its characters, independently of
/// `analysis::coverage`.
fn coverage_by_mask(p: &Project, doc: DocId) -> f64 {
    let len = p.documents[&doc].char_len;
    let mut mask = vec![false; len];
    for c in p.codings.values().filter(|c| c.doc == doc) {
        for m in &mut mask[c.span.start.get()..c.span.end.get()] {
            *m = true;
        }
    }
    mask.iter().filter(|m| **m).count() as f64 / len.max(1) as f64
}

#[test]
fn the_checklist_figures_for_the_sample_match_an_independent_count() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let dir = common::sample_copy(&tmp.path().join("sample"))?;
    let store = Store::open_read_only(&dir)?;
    let p = store.project();
    let points = tema::trail::checklist::checklist(p, &Trail::default());
    let figure = |n: usize, label: &str| -> Option<(usize, Option<usize>)> {
        points[n - 1].evidence.iter().find(|e| e.label == label).map(|e| (e.value, e.of))
    };
    let docs = p.documents.len();
    let read = p.documents.values().filter(|d| !d.read_by.is_empty()).count();
    assert_eq!(figure(1, "documents read through by a coder"), Some((read, Some(docs))));
    let coded: std::collections::HashSet<DocId> = p.codings.values().map(|c| c.doc).collect();
    assert_eq!(figure(2, "documents coded"), Some((coded.len(), Some(docs))));
    let mut cov: Vec<f64> = p.documents.keys().map(|d| coverage_by_mask(p, *d)).collect();
    cov.sort_by(f64::total_cmp);
    let lowest = (cov[0] * 100.0).round() as usize;
    assert_eq!(figure(2, "% of the text coded in the least coded document").map(|f| f.0), Some(lowest));
    assert_eq!(figure(3, "codes"), Some((p.codes.len(), None)));
    assert_eq!(figure(3, "codings"), Some((p.codings.len(), None)));
    let reviewed =
        p.themes.values().filter(|t| matches!(t.status(), ThemeStatus::Reviewed | ThemeStatus::Final)).count();
    assert_eq!(figure(5, "themes reviewed or final"), Some((reviewed, Some(p.themes.len()))));
    let concept = p.themes.values().filter(|t| !t.props.definition.concept.trim().is_empty()).count();
    assert_eq!(figure(6, "themes with a central concept"), Some((concept, Some(p.themes.len()))));
    let journal = p.memos.values().filter(|m| m.props.target == MemoTarget::Journal).count();
    assert_eq!(figure(7, "reflexive journal entries"), Some((journal, None)));
    assert_eq!(figure(7, "analytic memos"), Some((p.memos.len() - journal, None)));
    let quoted: std::collections::HashSet<ThemeId> = p.quotes.values().map(|q| q.theme).collect();
    assert_eq!(figure(8, "themes illustrated by quotes"), Some((quoted.len(), Some(p.themes.len()))));
    let finals = p.themes.values().filter(|t| t.status() == ThemeStatus::Final).count();
    assert_eq!(figure(9, "final themes"), Some((finals, Some(p.themes.len()))));
    assert_eq!(figure(9, "subthemes"), Some((p.themes.values().filter(|t| t.parent.is_some()).count(), None)));
    // The sample as committed: 23 documents, all coded; 13 themes, 11 with quotes (counted
    // with `tema themes`), 10 final.
    assert_eq!((docs, coded.len(), p.themes.len(), quoted.len(), finals), (23, 23, 13, 11, 10));
    // The written report's points hold no figures: the author answers them.
    assert!(points[11..14].iter().all(|p| p.evidence.is_empty()));
    Ok(())
}

#[test]
fn a_trail_begun_on_an_existing_project_starts_from_its_map() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let dir = common::sample_copy(&tmp.path().join("sample"))?;
    let mut store = Store::open(&dir)?;
    store.set_actor("Ingrid");
    let before = MapState::of(store.project());
    let id = store.project().theme_by_name("Meeting fatigue").map(|t| t.id).ok_or("no theme")?;
    let props = store.project().themes[&id].renamed("Worn down by meetings", chrono::Utc::now());
    store.apply(Edit::UpdateTheme { id, props })?;
    let t = trail::load(&dir)?;
    assert_eq!(kinds(&t), [Kind::Started, Kind::ThemeRenamed]);
    // The first entry holds every theme and code the sample had (13 and 31).
    assert_eq!(tema::trail::map::fold(t.decisions[..1].iter()), before);
    assert_eq!((before.themes.len(), before.codes.len()), (13, 31));
    assert_eq!(map_at(&t, chrono::Utc::now()), MapState::of(store.project()));
    // Only the first decision starts a trail.
    store.apply(Edit::UpdateTheme {
        id,
        props: store.project().themes[&id].renamed("Meeting fatigue", chrono::Utc::now()),
    })?;
    assert_eq!(kinds(&trail::load(&dir)?), [Kind::Started, Kind::ThemeRenamed, Kind::ThemeRenamed]);
    Ok(())
}

#[test]
fn the_authors_answer_is_an_edit_stored_with_the_project() -> TestResult {
    let (_tmp, dir, mut store) = fresh()?;
    let edit =
        tema::trail::checklist::answer_edit(store.project(), 12, "Reflexive TA, critical realist").ok_or("no edit")?;
    store.apply(edit)?;
    assert!(tema::trail::checklist::answer_edit(store.project(), 12, "Reflexive TA, critical realist").is_none());
    assert!(tema::trail::checklist::answer_edit(store.project(), 16, "x").is_none());
    drop(store);
    // Replayed from the journal (not saved yet), then from the snapshot.
    let mut store = common::reopen_clean(&dir)?;
    assert_eq!(
        store.project().settings.checklist.get("12").map(String::as_str),
        Some("Reflexive TA, critical realist")
    );
    store.save()?;
    drop(store);
    let mut store = Store::open(&dir)?;
    let points = tema::trail::checklist::checklist(store.project(), &Trail::default());
    assert_eq!(points[11].answer.as_deref(), Some("Reflexive TA, critical realist"));
    store.undo()?;
    assert!(store.project().settings.checklist.is_empty());
    Ok(())
}

#[test]
fn the_command_line_records_lists_answers_and_writes_the_appendix() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let dir = common::sample_copy(&tmp.path().join("sample"))?;
    let d = dir.to_string_lossy().to_string();
    let ok = |o: std::process::Output| -> Result<String, Box<dyn std::error::Error>> {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        Ok(String::from_utf8(o.stdout)?)
    };
    ok(tema(&["theme", "add", &d, "Being believed", "--codes", "Consent to share"])?)?;
    ok(tema(&["undo", &d])?)?;
    let out = ok(tema(&["trail", &d, "--json"])?)?;
    let v: serde_json::Value = serde_json::from_str(&out)?;
    let kinds: Vec<&str> = v.as_array().ok_or("a list")?.iter().filter_map(|d| d["kind"].as_str()).collect();
    assert_eq!(kinds, ["started", "theme_created", "undone"]);
    assert_eq!(v[1]["who"], "Ingrid");
    // Filtered by theme name: the theme no longer exists, its decisions are still found.
    let out = ok(tema(&["trail", &d, "--theme", "Being believed"])?)?;
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.contains("theme created: “Being believed”"), "{out}");
    let bad = tema(&["trail", &d, "--kind", "nonsense"])?;
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("theme_merged, theme_split"), "{bad:?}");
    // `--kind` takes the kinds as `--json` writes them, and as the app shows them.
    for (words, expected) in [
        ("started", &["started"][..]),
        ("theme_created,undone", &["theme_created", "undone"]),
        ("Theme created", &["theme_created"]),
    ] {
        let out = ok(tema(&["trail", &d, "--kind", words, "--json"])?)?;
        let v: serde_json::Value = serde_json::from_str(&out)?;
        let kinds: Vec<&str> = v.as_array().ok_or("a list")?.iter().filter_map(|d| d["kind"].as_str()).collect();
        assert_eq!(kinds, expected, "--kind {words}");
    }
    // The map on a day before the trail began is empty; today it holds the sample's 13 themes.
    let early = ok(tema(&["trail", &d, "--map-at", "2020-01-01", "--json"])?)?;
    let v: serde_json::Value = serde_json::from_str(&early)?;
    assert_eq!(v["themes"].as_array().map(Vec::len), Some(0));
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let now = ok(tema(&["trail", &d, "--map-at", &today, "--json"])?)?;
    let v: serde_json::Value = serde_json::from_str(&now)?;
    assert_eq!(v["themes"].as_array().map(Vec::len), Some(13));

    ok(tema(&["checklist", &d, "--answer", "12", "--text", "Reflexive TA"])?)?;
    let out = ok(tema(&["checklist", &d, "--json"])?)?;
    let v: serde_json::Value = serde_json::from_str(&out)?;
    assert_eq!(v[11]["answer"], "Reflexive TA");
    assert_eq!(v.as_array().map(Vec::len), Some(15));
    assert!(!tema(&["checklist", &d, "--answer", "16", "--text", "x"])?.status.success());

    for ext in ["md", "tex", "docx"] {
        let file = tmp.path().join(format!("appendix.{ext}"));
        ok(tema(&["appendix", &d, "-o", &file.to_string_lossy(), "--journal"])?)?;
        let bytes = std::fs::read(&file)?;
        assert!(bytes.len() > 1000, "{ext}");
        if ext == "md" {
            let md = String::from_utf8(bytes)?;
            assert!(md.contains("## Theme history") && md.contains("Being believed (no longer a theme)"), "{md}");
            assert!(md.contains("*Author:* Reflexive TA") && md.contains("## Reflexive journal"), "{md}");
        }
    }
    // Never inside the project folder.
    assert!(!tema(&["appendix", &d, "-o", &dir.join("a.md").to_string_lossy()])?.status.success());
    Ok(())
}
