//! The app, driven as a person would: by labels, clicks, drags and keys (no GPU needed).

mod common;

use common::drag;
use common::project;

use egui::{Key, Modifiers, pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::Path;
use tema::model::*;
use tema::ui::startup::{Places, SAMPLE_NAME};
use tema::ui::{TemaApp, ViewKind};

type Result<T = ()> = anyhow::Result<T>;

fn app(project: Option<&Path>, places: Places) -> Harness<'static, TemaApp> {
    common::app_on(project, "Tester", places, (1400.0, 900.0))
}

/// Types `name` over the name in the code's name field (open, with the keyboard) and
/// presses Enter.
fn name_the_code(h: &mut Harness<'_, TemaApp>, name: &str) {
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label("Code name").type_text(name);
    h.run();
    h.key_press(Key::Enter);
    h.run();
}

fn count_of(h: &Harness<'_, TemaApp>, code: &str) -> usize {
    let p = project(h);
    let id = p.code_by_name(code).map(|c| c.id);
    p.codings.values().filter(|c| Some(c.code) == id).count()
}

/// Selects words at the start of the paragraph that begins with `text`.
fn select_in(h: &mut Harness<'_, TemaApp>, text: &str) -> Span {
    let rect = h.get_by_label_contains(text).rect();
    drag(h, pos2(rect.left() + 3.0, rect.top() + 8.0), pos2(rect.left() + 240.0, rect.top() + 8.0));
    let sel = h.state().state.selection.text;
    assert!(sel.is_some(), "dragging over the text selects it");
    sel.map(|s| s.span).unwrap_or_default()
}

fn select_some_text(h: &mut Harness<'_, TemaApp>) -> Span {
    select_in(h, "Interviewer: Thanks for coming in")
}

#[test]
fn opens_a_project_and_shows_its_documents_and_codebook() -> Result {
    let (_tmp, _, mut h) = common::study_app(&["J3", "J4"], true, "Tester", (1400.0, 900.0))?;
    assert!(h.query_all_by_label("J3").count() >= 2, "in the navigator and as the open document's title");
    h.get_by_label("J4");
    h.get_by_label("Text of J3");
    h.get_by_label("Work and identity");
    assert!(h.state().title().starts_with("Study — saved"), "{}", h.state().title());
    // The stripes in the margin name the codes of the codings on screen.
    assert!(h.query_all_by_label_contains("Coding: ").count() > 0);
    h.get_by_label("J4").click();
    h.run();
    assert_eq!(h.state().state.open_doc, project(&h).document_by_name("J4").map(|d| d.id));
    Ok(())
}

#[test]
fn select_text_and_code_it_through_the_picker_then_undo_and_redo() -> Result {
    let (_tmp, dir, mut h) = common::study_app(&["J3"], false, "Tester", (1400.0, 900.0))?;
    h.get_by_label("Work and identity: 0 codings");
    let span = select_some_text(&mut h);
    assert!(span.len() > 5, "{span:?}");
    common::pick_code(&mut h, "wo");
    assert_eq!(count_of(&h, "Work and identity"), 1);
    let p = project(&h);
    let coding = p.codings.values().next().map(|c| (c.span, c.coder));
    assert_eq!(coding.map(|c| c.0), Some(span));
    assert_eq!(coding.and_then(|c| p.coders.get(&c.1)).map(|c| c.name.as_str()), Some("Tester"));
    h.get_by_label("Work and identity: 1 codings");

    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(count_of(&h, "Work and identity"), 0);
    h.get_by_label("Work and identity: 0 codings");
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    h.run();
    assert_eq!(count_of(&h, "Work and identity"), 1);

    // The change is on disk: a fresh open sees it.
    drop(h);
    let store = tema::store::Store::open(&dir)?;
    assert_eq!(store.project().codings.len(), 1);
    Ok(())
}

#[test]
fn enter_creates_a_new_code_and_number_keys_reapply_recent_codes() -> Result {
    let (_tmp, _, mut h) = common::study_app(&["J3"], false, "Tester", (1400.0, 900.0))?;
    select_some_text(&mut h);
    common::pick_code(&mut h, "Gaming at night");
    assert_eq!(count_of(&h, "Gaming at night"), 1);
    // Another passage, coded with the recent code on key 1.
    select_in(&mut h, "J3: Um. Okay.");
    h.key_press(Key::Num1);
    h.run();
    assert_eq!(count_of(&h, "Gaming at night"), 2);
    // In vivo: the selected words become the code.
    select_in(&mut h, "Interviewer: That's fine");
    let words = {
        let p = project(&h);
        let sel = h.state().state.selection.text.map(|s| s.span).unwrap_or_default();
        let doc = p.document_by_name("J3").map(|d| d.slice(sel).unwrap_or_default().to_string()).unwrap_or_default();
        doc.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    h.key_press(Key::V);
    h.run();
    let p = project(&h);
    assert!(p.codes.values().any(|c| words.contains(c.name())), "an in-vivo code named after “{words}”");
    Ok(())
}

#[test]
fn create_rename_and_merge_codes() -> Result {
    let (_tmp, _, mut h) = common::study_app(&["J3"], true, "Tester", (1400.0, 900.0))?;
    let before = project(&h).codes.len();
    h.get_by_label("New code").click();
    h.run();
    assert_eq!(project(&h).codes.len(), before + 1);
    // The new code's name is ready to be typed over.
    name_the_code(&mut h, "Trust");
    assert!(project(&h).code_by_name("Trust").is_some(), "renamed");

    // Rename again through the context menu.
    h.key_press(Key::Escape);
    h.run();
    h.get_by_label("Trust").click_secondary();
    h.run();
    h.get_by_label("Rename…").click();
    h.run();
    name_the_code(&mut h, "Trust in staff");
    assert!(project(&h).code_by_name("Trust in staff").is_some());

    // Merge "Money and benefits" into "Work and identity": its codings move over.
    let money = count_of(&h, "Money and benefits");
    let work = count_of(&h, "Work and identity");
    h.key_press(Key::Escape);
    h.run();
    h.get_by_label("Money and benefits").click_secondary();
    h.run();
    h.get_by_label("Merge into…").click();
    h.run();
    h.get_by_label("Code name").type_text("work and");
    h.run();
    h.key_press(Key::Enter);
    h.run();
    assert!(project(&h).code_by_name("Money and benefits").is_none());
    assert_eq!(count_of(&h, "Work and identity"), money + work);
    // One undo brings it back whole.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(count_of(&h, "Money and benefits"), money);
    Ok(())
}

#[test]
fn delete_a_code_after_a_warning_with_its_count() -> Result {
    let (_tmp, _, mut h) = common::study_app(&["J3"], true, "Tester", (1400.0, 900.0))?;
    let n = count_of(&h, "Work and identity");
    assert!(n > 0);
    h.get_by_label("Work and identity").click_secondary();
    h.run();
    h.get_by_label("Delete…").click();
    h.run();
    h.get_by_label_contains(&format!("applied to {n} passage"));
    h.get_by_label("Delete").click();
    h.run();
    assert!(project(&h).code_by_name("Work and identity").is_none());
    Ok(())
}

#[test]
fn palette_find_and_mark_read() -> Result {
    let (_tmp, _, mut h) = common::study_app(&["J3"], true, "Tester", (1400.0, 900.0))?;
    h.key_press_modifiers(Modifiers::COMMAND, Key::K);
    h.run();
    h.get_by_label("Command").type_text("memos and journal");
    h.run();
    h.key_press(Key::Enter);
    h.run();
    assert_eq!(h.state().state.view, ViewKind::Memos);
    h.get_by_label("New entry").click();
    h.run();
    assert_eq!(project(&h).memos.len(), 1);

    h.get_by_label("Document").click();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run();
    h.get_by_label("Find text").type_text("henrik");
    h.run();
    // The find count ("1 of 2"), not a job's line in the status bar ("… (1 of 1)").
    // (A label's text is its accessibility value.)
    assert!(h.query_all_by(|n| n.value().is_some_and(|l| l.starts_with("1 of "))).next().is_some(), "no find count");

    h.get_by_label("Mark as read").click();
    h.run();
    let p = project(&h);
    let tester = p.coder_by_name("Tester").map(|c| c.id);
    assert!(p.document_by_name("J3").is_some_and(|d| tester.is_some_and(|t| d.read_by.contains(&t))));
    h.get_by_label("✔ Read");
    Ok(())
}

#[test]
fn first_run_opens_a_copy_of_the_sample() -> Result {
    let tmp = tempfile::tempdir()?;
    let sample = tmp.path().join("sample-corpus").join(SAMPLE_NAME);
    common::build(&sample, "Working together", &["J3"], true)?;
    let data = tmp.path().join("data");
    let mut h = app(None, Places { sample: Some(sample.clone()), data_dir: Some(data.clone()) });
    h.run();
    assert!(h.state().title().starts_with("Working together"), "{}", h.state().title());
    assert!(data.join(SAMPLE_NAME).join("project.json").is_file());
    drop(h);
    // Without a sample, the welcome screen offers New and Open.
    let mut h = app(None, Places { sample: None, data_dir: Some(tmp.path().join("empty")) });
    h.run();
    h.get_by_label("New project…");
    common::click_all(&mut h, &["Open project…", "Folder"]);
    h.get_by_label("Folder").type_text(&sample.display().to_string());
    h.run();
    h.get_by_label("Open").click();
    h.run();
    assert!(h.state().project().is_some());
    Ok(())
}

/// A codebook of hundreds of codes lays out only the rows in view (all of them every frame
/// was most of a frame after an edit at 2 M words), and a new code, added at the end far
/// below the view, is scrolled to with its name field ready to type into.
#[test]
fn a_long_codebook_shows_the_rows_in_view_and_scrolls_to_a_new_code() -> Result {
    let (_tmp, _, mut h) = common::study_app(&["J3"], true, "Ingrid", (1400.0, 900.0))?;
    let names = common::many_codes(&mut h, 300)?;
    let total = project(&h).codes.len();
    h.get_by_label(&format!("Codebook ({total})"));
    let first = names.iter().position(|n| h.query_by_label(n).is_some());
    let shown = names.iter().filter(|n| h.query_by_label(n).is_some()).count();
    assert!(first.is_some() && shown < 100, "only the codes in view are laid out ({shown} of {})", names.len());
    assert!(h.query_by_label(&names[names.len() - 1]).is_none(), "the last code is far below the view");

    h.get_by_label("New code").click();
    // The codebook scrolls to the new code smoothly: step until it has.
    h.run_steps(12);
    assert_eq!(project(&h).codes.len(), total + 1);
    name_the_code(&mut h, "Trust at the end");
    assert!(project(&h).code_by_name("Trust at the end").is_some(), "the new code was renamed in place");
    Ok(())
}
