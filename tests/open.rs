//! Opening a project as a person starts the app (issue 21): the window paints at once and the
//! project opens on a worker, showing its documents list meanwhile; what the worker opens is
//! the same project, with the same checks, as opening it on the UI thread.

mod common;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tema::store::snapshot;
use tema::ui::startup::{Opening, Places};
use tema::ui::{Action, Launch, TemaApp};

type Result<T = ()> = anyhow::Result<T>;

fn app_in_background(project: &Path) -> Harness<'static, TemaApp> {
    let launch = Launch {
        project: Some(project.to_path_buf()),
        coder: Some("Ingrid".into()),
        places: Places::default(),
        use_storage: false,
    };
    Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |cc| TemaApp::new_opening_in_background(cc, launch))
}

/// Runs frames, as the app would while a worker opens the project, until it is open.
/// A study of these sample transcripts (coded or not) in a folder that lives as long as the
/// returned guard.
fn study(stems: &[&str], coded: bool) -> anyhow::Result<(tempfile::TempDir, PathBuf)> {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("study");
    common::build(&dir, "Study", stems, coded)?;
    Ok((tmp, dir))
}

fn until_open(h: &mut Harness<'_, TemaApp>) -> Result {
    let started = Instant::now();
    while h.state().is_opening() {
        anyhow::ensure!(started.elapsed() < Duration::from_secs(60), "the project did not open");
        std::thread::sleep(Duration::from_millis(2));
        h.step();
    }
    // The frame that paints the opened project.
    h.step();
    Ok(())
}

#[test]
fn the_documents_list_is_read_alone_and_names_every_document() -> Result {
    let (_tmp, dir) = study(&["J3", "J4"], true)?;
    let (name, heads) = snapshot::document_list(&dir)?;
    let store = tema::store::Store::open_read_only(&dir)?;
    assert_eq!(name, "Study");
    let mut names: Vec<&str> = heads.iter().map(|h| h.name.as_str()).collect();
    let mut full: Vec<&str> = store.project().documents.values().map(|d| d.name()).collect();
    names.sort();
    full.sort();
    assert_eq!(names, full);
    for h in &heads {
        let d = &store.project().documents[&h.id];
        assert_eq!((h.kind, h.words), (d.kind(), d.words));
    }
    Ok(())
}

#[test]
fn a_worker_opens_the_project_and_shows_its_list_first() -> Result {
    let (_tmp, dir) = study(&["J3"], true)?;
    let ctx = egui::Context::default();
    let opening = Opening::start(&ctx, &dir);
    let started = Instant::now();
    let opened = loop {
        if let Some(result) = opening.poll() {
            break result;
        }
        anyhow::ensure!(started.elapsed() < Duration::from_secs(60), "the worker did not finish");
        std::thread::sleep(Duration::from_millis(2));
    };
    // The list is read before the project, so it is there when the project is.
    assert!(opening.has_list());
    let (store, read_only) = opened?;
    assert!(!read_only);
    assert_eq!(store.project().settings.name, "Study");
    Ok(())
}

#[test]
fn the_app_opens_on_a_worker_onto_the_first_document() -> Result {
    let (_tmp, dir) = study(&["J3", "J4"], true)?;
    let mut h = app_in_background(&dir);
    until_open(&mut h)?;
    let app = h.state();
    let p = app.project().ok_or_else(|| anyhow::anyhow!("no project"))?;
    assert_eq!(p.documents.len(), 2);
    assert!(app.state.store.as_ref().is_some_and(|s| !s.is_read_only()), "{:?}", app.state.status);
    let first = p.documents.keys().next().copied();
    assert_eq!(app.state.open_doc, first, "it opens on its first document, as a project opened at once does");
    // The coder was given: nobody is asked who they are.
    assert!(h.query_by_label_contains("Who is coding").is_none());
    Ok(())
}

#[test]
fn opening_the_open_project_again_keeps_it_writable() -> Result {
    let (_tmp, dir) = study(&["J3"], true)?;
    let mut h = app_in_background(&dir);
    until_open(&mut h)?;
    // The app lets go of it (its lock) before the worker opens it again.
    h.state_mut().state.actions.push(Action::OpenProject(dir.clone()));
    h.step();
    assert!(h.state().is_opening());
    until_open(&mut h)?;
    let store = h.state().state.store.as_ref().ok_or_else(|| anyhow::anyhow!("no project"))?;
    assert!(!store.is_read_only(), "{:?}", h.state().state.status);
    Ok(())
}

#[test]
fn a_project_that_cannot_be_opened_says_why_after_the_worker() -> Result {
    let (_tmp, dir) = study(&["J3"], false)?;
    std::fs::write(dir.join("codebook.json"), "{ not json")?;
    let mut h = app_in_background(&dir);
    until_open(&mut h)?;
    assert!(h.state().project().is_none());
    let (text, error) = h.state().state.status.clone().unwrap_or_default();
    assert!(error && text.contains("codebook.json"), "{text}");
    // Back on the welcome screen.
    assert!(h.query_by_label("Open project…").is_some());
    Ok(())
}
