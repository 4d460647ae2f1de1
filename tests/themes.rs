//! Themes as first-class objects: splitting, review marks, map positions and renaming as
//! undoable edits, and the phase tracker measured on the sample study.

mod common;

use tema::analysis::phases::{Phase, Ref, tracker};
use tema::edit::{Edit, EditError, History};
use tema::model::*;
use tema::store::Store;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const TEXT: &str = "I: Hvordan var møtet?\nJ1: Jeg følte meg sett 😀 for første gang.\nI: Og pengene?\nJ1: Jeg er redd for å miste AAP.\n";

fn theme(n: u128) -> ThemeId {
    ThemeId::from_u128(n)
}
fn code(n: u128) -> CodeId {
    CodeId::from_u128(n)
}
fn coding(n: u128) -> CodingId {
    CodingId::from_u128(n)
}

/// One interview, four codes each applied once, a theme "Voice" with codes 1–3 and a
/// subtheme "Money" with code 4.
fn project() -> Result<Project, EditError> {
    let mut p = Project::new("Themes");
    let k = CoderId::from_u128(1);
    let mut edits = vec![Edit::AddCoder {
        coder: Coder { id: k, name: "Ingrid".into(), colour: palette_colour(0), slug: "ingrid".into() },
        index: None,
    }];
    edits.push(Edit::AddDocument {
        document: Box::new(Document::new(DocId::from_u128(1), "J1", DocKind::Interview, TEXT)),
        index: None,
    });
    for (n, name) in [(1, "Being seen"), (2, "First time"), (3, "Feeling heard"), (4, "Fear of losing benefits")] {
        edits.push(Edit::CreateCode { code: Code::new(code(n), name, palette_colour(n as usize)), index: None });
    }
    let mut voice = Theme::new(theme(1), "Voice");
    voice.codes = vec![code(1), code(2), code(3)];
    let mut money = Theme::new(theme(2), "Money");
    money.parent = Some(theme(1));
    money.codes = vec![code(4)];
    edits.push(Edit::CreateTheme { theme: voice, index: None });
    edits.push(Edit::CreateTheme { theme: money, index: None });
    for (n, (a, b)) in [(1, (30, 44)), (2, (47, 62)), (3, (26, 35)), (4, (90, 110))].into_iter() {
        edits.push(Edit::AddCoding {
            coding: Coding {
                id: coding(n),
                doc: DocId::from_u128(1),
                span: Span::new(a, b),
                code: code(n),
                coder: k,
                created: chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default(),
                comment: String::new(),
            },
        });
    }
    p.apply(Edit::batch("setup", edits))?;
    Ok(p)
}

fn at() -> Timestamp {
    chrono::DateTime::from_timestamp(1_750_000_000, 0).unwrap_or_default()
}

/// Applies an edit through a history, checks integrity, undoes it and checks the project is
/// back, then redoes it; returns the project after the edit.
fn apply_undo_redo(p: &mut Project, edit: Edit) -> Result<(), Box<dyn std::error::Error>> {
    let before = common::canonical(p);
    let mut h = History::default();
    h.apply(p, edit, None, at())?;
    p.check_integrity()?;
    let after = common::canonical(p);
    assert_ne!(before, after, "the edit changed nothing");
    h.undo(p, at())?;
    assert_eq!(common::canonical(p), before, "undo did not restore the project");
    h.redo(p, at())?;
    assert_eq!(common::canonical(p), after, "redo did not give the same project");
    Ok(())
}

#[test]
fn splitting_a_theme_moves_codes_marks_and_subthemes_in_one_undoable_step() -> TestResult {
    let mut p = project()?;
    p.apply(Edit::SetReviewMark { theme: theme(1), coding: coding(2), mark: Some(Fit::Fits) })?;
    p.apply(Edit::SetReviewMark { theme: theme(1), coding: coding(1), mark: Some(Fit::DoesNotFit) })?;
    p.apply(Edit::SetReviewMark { theme: theme(1), coding: coding(4), mark: Some(Fit::Fits) })?;
    let mut new = Theme::new(theme(3), "First times");
    new.codes = vec![code(2)];
    let split = Edit::SplitTheme { id: theme(1), new: Box::new(new), subthemes: vec![theme(2)] };
    assert_eq!(split.describe(&p), "Split “First times” off theme “Voice”");
    apply_undo_redo(&mut p, split)?;
    let voice = &p.themes[&theme(1)];
    let first = &p.themes[&theme(3)];
    assert_eq!(voice.codes, [code(1), code(3)]);
    assert_eq!(first.codes, [code(2)]);
    // The new theme sits right after the one it came from; the subtheme moved under it.
    let order: Vec<&str> = p.themes.values().map(|t| t.name()).collect();
    assert_eq!(order, ["Voice", "First times", "Money"]);
    assert_eq!(p.themes[&theme(2)].parent, Some(theme(3)));
    // Marks follow their extracts: on code 2 and on the subtheme's code 4.
    assert_eq!(voice.review.get(&coding(1)), Some(&Fit::DoesNotFit));
    assert_eq!(voice.review.len(), 1);
    assert_eq!(first.review.get(&coding(2)), Some(&Fit::Fits));
    assert_eq!(first.review.get(&coding(4)), Some(&Fit::Fits));
    Ok(())
}

#[test]
fn a_split_that_takes_nothing_or_something_foreign_is_refused() -> TestResult {
    let mut p = project()?;
    let before = common::canonical(&p);
    let empty = Edit::SplitTheme { id: theme(1), new: Box::new(Theme::new(theme(3), "Empty")), subthemes: vec![] };
    assert!(matches!(p.apply(empty), Err(EditError::EmptySplit { .. })));
    let mut foreign = Theme::new(theme(3), "Foreign");
    foreign.codes = vec![code(4)];
    let e = Edit::SplitTheme { id: theme(1), new: Box::new(foreign), subthemes: vec![] };
    assert_eq!(
        p.apply(e).map(|_| ()).map_err(|e| e.to_string()),
        Err("code \"Fear of losing benefits\" is not in theme \"Voice\"".to_string())
    );
    let mut not_sub = Theme::new(theme(3), "Not sub");
    not_sub.codes = vec![code(4)];
    let e = Edit::SplitTheme { id: theme(2), new: Box::new(not_sub), subthemes: vec![theme(1)] };
    assert!(matches!(p.apply(e), Err(EditError::NotASubtheme { .. })));
    let mut taken = Theme::new(theme(3), "Voice");
    taken.codes = vec![code(1)];
    let e = Edit::SplitTheme { id: theme(1), new: Box::new(taken), subthemes: vec![] };
    assert!(matches!(p.apply(e), Err(EditError::DuplicateName { .. })));
    assert_eq!(common::canonical(&p), before, "a refused split changed the project");
    Ok(())
}

#[test]
fn review_marks_are_edits_with_an_undo() -> TestResult {
    let mut p = project()?;
    let mark = Edit::SetReviewMark { theme: theme(1), coding: coding(3), mark: Some(Fit::DoesNotFit) };
    assert_eq!(mark.describe(&p), "Mark an extract of “Voice” as “does not fit”");
    apply_undo_redo(&mut p, mark)?;
    assert_eq!(p.themes[&theme(1)].review.get(&coding(3)), Some(&Fit::DoesNotFit));
    apply_undo_redo(&mut p, Edit::SetReviewMark { theme: theme(1), coding: coding(3), mark: Some(Fit::Fits) })?;
    apply_undo_redo(&mut p, Edit::SetReviewMark { theme: theme(1), coding: coding(3), mark: None })?;
    assert!(p.themes[&theme(1)].review.is_empty());
    let unknown = Edit::SetReviewMark { theme: theme(1), coding: coding(99), mark: Some(Fit::Fits) };
    assert!(matches!(p.apply(unknown), Err(EditError::Unknown { kind: "coding", .. })));
    let no_theme = Edit::SetReviewMark { theme: theme(9), coding: coding(1), mark: Some(Fit::Fits) };
    assert!(matches!(p.apply(no_theme), Err(EditError::Unknown { kind: "theme", .. })));
    // A mark outlives a removed coding harmlessly and counts again when the coding is back.
    p.apply(Edit::SetReviewMark { theme: theme(1), coding: coding(1), mark: Some(Fit::Fits) })?;
    let undo_remove = p.apply(Edit::RemoveCoding { id: coding(1) })?;
    p.check_integrity()?;
    let r = tema::analysis::themes::review(&p, theme(1), Default::default(), &Default::default());
    assert_eq!((r.extracts.len(), r.fits), (3, 0));
    p.apply(undo_remove)?;
    let r = tema::analysis::themes::review(&p, theme(1), Default::default(), &Default::default());
    assert_eq!((r.extracts.len(), r.fits), (4, 1));
    Ok(())
}

#[test]
fn map_positions_are_edits_and_codes_must_belong_to_the_theme() -> TestResult {
    let mut p = project()?;
    let pos = MapPos { x: 120, y: -40 };
    apply_undo_redo(&mut p, Edit::SetMapPosition { theme: theme(1), code: None, pos: Some(pos) })?;
    apply_undo_redo(&mut p, Edit::SetMapPosition { theme: theme(1), code: Some(code(2)), pos: Some(pos) })?;
    assert_eq!(p.themes[&theme(1)].map_pos, Some(pos));
    assert_eq!(p.themes[&theme(1)].code_pos.get(&code(2)), Some(&pos));
    let foreign = Edit::SetMapPosition { theme: theme(1), code: Some(code(4)), pos: Some(pos) };
    assert!(matches!(p.apply(foreign), Err(EditError::NotAMember { .. })));
    apply_undo_redo(&mut p, Edit::SetMapPosition { theme: theme(1), code: Some(code(2)), pos: None })?;
    assert!(p.themes[&theme(1)].code_pos.is_empty());
    Ok(())
}

#[test]
fn merging_carries_marks_and_positions_over() -> TestResult {
    let mut p = project()?;
    p.apply(Edit::SetReviewMark { theme: theme(2), coding: coding(4), mark: Some(Fit::DoesNotFit) })?;
    p.apply(Edit::SetMapPosition { theme: theme(2), code: Some(code(4)), pos: Some(MapPos { x: 5, y: 6 }) })?;
    apply_undo_redo(&mut p, Edit::MergeThemes { from: theme(2), into: theme(1) })?;
    let voice = &p.themes[&theme(1)];
    assert_eq!(voice.codes, [code(1), code(2), code(3), code(4)]);
    assert_eq!(voice.review.get(&coding(4)), Some(&Fit::DoesNotFit));
    assert_eq!(voice.code_pos.get(&code(4)), Some(&MapPos { x: 5, y: 6 }));
    Ok(())
}

#[test]
fn renaming_keeps_the_old_name_in_the_history() -> TestResult {
    let mut p = project()?;
    let props = p.themes[&theme(1)].renamed("Being heard", at());
    apply_undo_redo(&mut p, Edit::UpdateTheme { id: theme(1), props })?;
    let t = &p.themes[&theme(1)];
    assert_eq!(t.name(), "Being heard");
    assert_eq!(t.props.former_names, [FormerName { name: "Voice".into(), until: at() }]);
    // Changing only case or spacing is a correction, not a new name.
    let props = t.renamed("being  heard", at());
    assert_eq!(props.former_names.len(), 1);
    Ok(())
}

#[test]
fn marks_and_positions_survive_the_journal_and_the_snapshot_and_old_files_still_load() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("t.tema");
    let mut store = Store::create(&dir, "Themes")?;
    let p = project()?;
    let mut edits: Vec<Edit> = p.coders.values().map(|c| Edit::AddCoder { coder: c.clone(), index: None }).collect();
    edits.extend(p.documents.values().map(|d| Edit::AddDocument { document: Box::new(d.clone()), index: None }));
    edits.extend(p.codes.values().map(|c| Edit::CreateCode { code: c.clone(), index: None }));
    edits.extend(p.themes.values().map(|t| Edit::CreateTheme { theme: t.clone(), index: None }));
    edits.extend(p.codings.values().map(|c| Edit::AddCoding { coding: c.clone() }));
    store.apply(Edit::batch("setup", edits))?;
    store.apply(Edit::SetReviewMark { theme: theme(1), coding: coding(1), mark: Some(Fit::Fits) })?;
    store.apply(Edit::SetMapPosition { theme: theme(1), code: None, pos: Some(MapPos { x: 1, y: 2 }) })?;
    store.apply(Edit::SetMapPosition { theme: theme(1), code: Some(code(3)), pos: Some(MapPos { x: 3, y: 4 }) })?;
    let expected = common::canonical(store.project());
    drop(store);
    let mut store = Store::open(&dir)?;
    assert_eq!(common::canonical(store.project()), expected, "journal replay");
    store.save()?;
    drop(store);
    let store = Store::open(&dir)?;
    assert_eq!(common::canonical(store.project()), expected, "snapshot");
    let json = std::fs::read_to_string(dir.join("themes.json"))?;
    assert!(json.contains("\"review\"") && json.contains("\"map_pos\"") && json.contains("\"code_pos\""));
    // A theme written before these fields existed loads with none of them.
    let old = r#"{"id":"00000000-0000-0000-0000-000000000007","parent":null,"name":"Old","status":"final","codes":[]}"#;
    let t: Theme = serde_json::from_str(old)?;
    assert!(t.review.is_empty() && t.map_pos.is_none() && t.code_pos.is_empty());
    Ok(())
}

#[test]
fn the_phase_tracker_on_the_sample_study() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let store = Store::open_read_only(&common::sample_copy(&tmp.path().join("sample.tema"))?)?;
    let p = store.project();
    let phases = tracker(p, &Default::default());
    assert_eq!(phases.iter().map(|x| x.phase).collect::<Vec<_>>(), Phase::ALL);
    let lines: Vec<String> = phases.iter().flat_map(|x| x.figures.iter().map(|f| f.text())).collect();
    assert_eq!(
        lines,
        [
            "22 of 23 documents read",
            "23 of 23 documents with codings",
            "25 of 31 codes applied to a passage",
            "24 of 25 applied codes in a theme",
            "12 of 12 themes with coded extracts",
            "11 of 12 themes reviewed",
            "11 of 12 themes with a definition",
            "10 of 12 themes final",
            "10 of 10 final themes with quotes",
            "5 quotes for “Talked about, not with”",
            "3 quotes for “Preparing my voice”",
            "4 quotes for “The language of the room”",
            "2 quotes for “Guarding and sharing”",
            "4 quotes for “Consent as an ongoing conversation”",
            "3 quotes for “Different rules, same person”",
            "5 quotes for “From patient to worker”",
            "1 quote for “Who holds the thread?”",
            "4 quotes for “The specialist as hub”",
            "4 quotes for “Falling between chairs”",
        ]
    );
    // The items behind the figures: what a click shows.
    let name = |r: &Ref| match r {
        Ref::Document(d) => p.documents.get(d).map(|d| d.name().to_string()),
        Ref::Code(c) => p.codes.get(c).map(|c| c.name().to_string()),
        Ref::Theme(t) => p.themes.get(t).map(|t| t.name().to_string()),
        Ref::Quote(q) => p.quotes.get(q).map(|q| q.id.to_string()),
    };
    let todo = |phase: usize, fig: usize| -> Vec<String> {
        phases[phase].figures[fig].todo.iter().filter_map(&name).collect()
    };
    assert_eq!(todo(0, 0), ["T6"]);
    assert_eq!(todo(2, 0), ["Clear agenda and minutes"]);
    assert_eq!(todo(3, 0), ["Meeting fatigue"]);
    assert_eq!(todo(4, 0), ["Meeting fatigue"]);
    assert_eq!(todo(4, 1), ["Money as a brake", "Meeting fatigue"]);
    assert_eq!(phases[1].figures[1].todo.len(), 6, "the six headings of the codebook tree are never applied");
    // The parked theme ("Screens and rooms") counts nowhere.
    let parked = p.theme_by_name("Screens and rooms").map(|t| Ref::Theme(t.id));
    let parked = parked.ok_or("no parked theme in the sample")?;
    assert!(phases.iter().flat_map(|x| &x.figures).all(|f| !f.done.contains(&parked) && !f.todo.contains(&parked)));
    assert_eq!(phases[5].figures[1].done.len(), 5);
    Ok(())
}

#[test]
fn the_phase_tracker_of_an_empty_project_says_nothing_yet_not_zero_of_zero() {
    let p = Project::new("empty");
    let lines: Vec<String> =
        tracker(&p, &Default::default()).iter().flat_map(|x| x.figures.iter().map(|f| f.text())).collect();
    assert_eq!(
        lines,
        [
            "no documents read yet",
            "no documents with codings yet",
            "no codes applied to a passage yet",
            "no applied codes in a theme yet",
            "no themes with coded extracts yet",
            "no themes reviewed yet",
            "no themes with a definition yet",
            "no themes final yet",
            "no final themes with quotes yet",
        ]
    );
}
