//! Saving from the app: the snapshot is written in the background, and the status says so.

mod common;

use egui::{Key, Modifiers};
use std::time::{Duration, Instant};
use tema::edit::Edit;
use tema::model::*;
use tema::store::Store;
use tema::ui::startup::Places;

type Result<T = ()> = anyhow::Result<T>;

fn store<'h>(h: &'h mut egui_kittest::Harness<'_, tema::ui::TemaApp>) -> Option<&'h mut Store> {
    h.state_mut().state.store.as_mut()
}

fn new_code(name: &str) -> Edit {
    Edit::CreateCode { code: Code::new(CodeId::new(), name, palette_colour(3)), index: None }
}

#[test]
fn ctrl_s_saves_in_the_background_and_the_status_shows_it() -> Result {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("study.tema");
    common::build(&dir, "Study", &["J3", "J4"], true)?;
    let mut h = common::app_on(Some(&dir), "Tester", Places::default(), (1400.0, 900.0));
    h.run();
    store(&mut h).ok_or_else(|| anyhow::anyhow!("no project"))?.apply(new_code("Before the save"))?;

    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.step();
    // The frame that started the save returned without taking its result in: the UI thread
    // only took the snapshot, and the status says a save is running.
    let running = store(&mut h).is_some_and(|s| s.is_saving());
    assert!(running, "the save runs after the frame that started it");
    let status = h.state().state.status.clone().map(|(text, _)| text).unwrap_or_default();
    assert_eq!(status, "Saving the project files…");
    // Edits go on while it runs.
    store(&mut h).ok_or_else(|| anyhow::anyhow!("no project"))?.apply(new_code("During the save"))?;

    let started = Instant::now();
    while store(&mut h).is_some_and(|s| s.is_saving()) {
        anyhow::ensure!(started.elapsed() < Duration::from_secs(60), "the save never finished");
        std::thread::sleep(Duration::from_millis(5));
        h.step();
    }
    let status = h.state().state.status.clone().map(|(text, _)| text).unwrap_or_default();
    assert!(status.starts_with("Saved the project files ("), "{status}");
    // The journal kept the edit made during the save, and only that one.
    assert_eq!(store(&mut h).map(|s| s.unsaved()), Some(1));
    let on_disk = Store::open_read_only(&dir)?;
    for name in ["Before the save", "During the save"] {
        assert!(on_disk.project().code_by_name(name).is_some(), "{name} is on disk");
    }
    drop(on_disk);

    // Closing waits for a running save and folds the rest in.
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.step();
    h.state_mut().close_project();
    let reopened = Store::open(&dir)?;
    assert_eq!(reopened.unsaved(), 0);
    assert!(reopened.project().code_by_name("During the save").is_some());
    Ok(())
}

/// The app's edits return once their journal line is written; the store's sync thread brings
/// them to disk, and the status bar says "saving…" until it has, then "all changes saved".
#[test]
fn the_app_syncs_on_a_thread_and_the_status_says_when_it_is_done() -> Result {
    use egui_kittest::kittest::Queryable;
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("study.tema");
    common::build(&dir, "Study", &["J3"], true)?;
    let mut h = common::app_on(Some(&dir), "Tester", Places::default(), (1400.0, 900.0));
    h.run();
    assert!(store(&mut h).is_some_and(|s| s.syncs_in_background()), "the app never waits for the disk");
    for i in 0..20 {
        h.state_mut()
            .state
            .actions
            .push(tema::ui::Action::Edit { edit: new_code(&format!("Code {i}")), coalesce: None });
        h.step();
    }
    // Every change is in the journal file already, whatever the sync thread has done.
    let journal = std::fs::read_to_string(dir.join("journal.jsonl"))?;
    assert!((0..20).all(|i| journal.contains(&format!("Code {i}\""))));
    let started = Instant::now();
    while !store(&mut h).is_some_and(|s| s.is_durable()) {
        anyhow::ensure!(started.elapsed() < Duration::from_secs(60), "the changes never reached the disk");
        std::thread::sleep(Duration::from_millis(2));
    }
    h.step();
    assert!(h.query_by_label("✔ all changes saved").is_some(), "the status says the changes are on disk");
    assert!(store(&mut h).and_then(|s| s.sync_failure()).is_none());
    Ok(())
}
