//! Opening a project as a person starts the app (issue 21): the window paints at once and the
//! project opens on a worker, showing its documents list meanwhile; what the worker opens is
//! the same project, with the same checks, as opening it on the UI thread.

mod common;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tema::edit::Edit;
use tema::model::{DocId, DocKind, Document, DocumentProps};
use tema::store::Store;
use tema::store::snapshot::DocumentHead;
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
fn the_documents_list_is_told_first_and_names_every_document() -> Result {
    let (_tmp, dir) = study(&["J3", "J4"], true)?;
    let told: std::sync::Mutex<Vec<(String, Vec<DocumentHead>)>> = Default::default();
    let tell = |name: &str, docs: &[Document]| {
        if let Ok(mut t) = told.lock() {
            t.push((name.to_string(), docs.iter().map(DocumentHead::of).collect()));
        }
    };
    let (store, read_only) = Store::open_for_app(&dir, &tell)?;
    assert!(!read_only);
    let told = told.into_inner().map_err(|_| anyhow::anyhow!("poisoned"))?;
    assert_eq!(told.len(), 1, "told once");
    let (name, heads) = &told[0];
    assert_eq!(name, "Study");
    let mut names: Vec<&str> = heads.iter().map(|h| h.name.as_str()).collect();
    let mut full: Vec<&str> = store.project().documents.values().map(|d| d.name()).collect();
    names.sort();
    full.sort();
    assert_eq!(names, full);
    for h in heads {
        let d = &store.project().documents[&h.id];
        assert_eq!((h.kind, h.words), (d.kind(), d.words));
    }
    Ok(())
}

/// A project with two undo steps on disk (adding J5, then coding J4) and J5 removed: the
/// removal's undo step is the only thing that refers to J5's text. In a folder that lives
/// as long as the returned guard, with the undo labels as saved.
fn with_history() -> Result<(tempfile::TempDir, PathBuf, Vec<String>)> {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("h.tema");
    let mut store = common::j4_store(&dir, "History", "J4: Møtet var bra. Vi snakket om jobb.\n")?;
    let j5 = Document::new(DocId::from_u128(11), "J5", DocKind::Interview, "J5: Ventetiden var lang.\n");
    store.apply(Edit::AddDocument { document: Box::new(j5), index: None })?;
    store.apply(Edit::AddCoding { coding: common::j4_coding(1, 4, 9) })?;
    store.apply(Edit::RemoveDocument { id: DocId::from_u128(11) })?;
    store.save()?;
    let labels = undo_labels(&store);
    Ok((tmp, dir, labels))
}

/// Opened as the app opens it (the undo history left unread), writable.
fn for_app(dir: &Path) -> Result<Store> {
    let (store, read_only) = Store::open_for_app(dir, &|_, _| {})?;
    anyhow::ensure!(!read_only, "opened read-only: {:?}", store.warnings());
    Ok(store)
}

fn undo_labels(store: &Store) -> Vec<String> {
    store.history().undo.iter().map(|s| s.label.clone()).collect()
}

/// The app opens without reading the undo history and a worker reads it after: edits made
/// meanwhile come after its steps, a save in the background meanwhile leaves the history
/// file and the texts only it refers to alone, and undo then reaches back past the opening.
#[test]
fn the_undo_history_read_after_opening_goes_before_this_sessions_steps() -> Result {
    let (_tmp, dir, before) = with_history()?;
    assert_eq!(before.len(), 4, "setup, J5, the coding, J5 removed: {before:?}");
    let history_file = std::fs::read(dir.join("history.json"))?;
    let j5_text = dir.join("texts").join(format!("{}.txt", DocId::from_u128(11)));
    assert!(j5_text.exists(), "kept for the removal's undo");

    let mut store = for_app(&dir)?;
    assert!(store.history_pending());
    assert!(store.history().undo.is_empty(), "not read at opening");
    let reader = store.history_reader().ok_or_else(|| anyhow::anyhow!("no reader"))?;
    store.apply(Edit::AddCoding { coding: common::j4_coding(2, 10, 18) })?;
    store.save_in_background(|| {})?;
    assert!(store.wait_for_save().is_some_and(|r| r.is_ok()));
    assert_eq!(std::fs::read(dir.join("history.json"))?, history_file, "the history file is left alone");
    assert!(j5_text.exists(), "a text only the unread history refers to stays");

    store.install_history(reader.read());
    assert!(!store.history_pending());
    let mut after = before.clone();
    after.extend(undo_labels(&store).into_iter().skip(before.len()));
    assert_eq!(undo_labels(&store), after);
    assert_eq!(undo_labels(&store).len(), before.len() + 1, "the older steps, then this session's");
    store.undo()?; // this session's coding
    store.undo()?; // J5's removal, from before the opening
    assert_eq!(store.project().documents[&DocId::from_u128(11)].text.as_ref(), "J5: Ventetiden var lang.\n");
    assert_eq!(store.project().codings.len(), 1);
    // A blocking save writes the whole history: a plain reopening sees every step.
    store.save()?;
    drop(store);
    let reopened = Store::open(&dir)?;
    assert_eq!(reopened.history().undo.len(), before.len() - 1);
    assert_eq!(reopened.history().redo.len(), 2);
    Ok(())
}

/// A save that blocks (closing the project) reads the history first, so no step is lost;
/// a history read for an earlier opening is not taken in.
#[test]
fn a_blocking_save_reads_the_history_first_and_a_stale_one_is_refused() -> Result {
    let (_tmp, dir, before) = with_history()?;
    let stale = for_app(&dir)?.history_reader().ok_or_else(|| anyhow::anyhow!("no reader"))?.read();
    let mut store = for_app(&dir)?;
    store.install_history(stale);
    assert!(store.history_pending(), "a history read for another opening is refused");
    store.apply(Edit::AddCoding { coding: common::j4_coding(2, 10, 18) })?;
    store.save()?;
    assert!(!store.history_pending());
    drop(store);
    let reopened = Store::open(&dir)?;
    assert_eq!(undo_labels(&reopened).len(), before.len() + 1);
    assert_eq!(undo_labels(&reopened)[..before.len()], before[..]);
    Ok(())
}

/// Pseudonymising while the older steps are still unread: they hold the original names, so
/// when they arrive after the save forgot the pseudonymisation step, they are dropped.
#[test]
fn older_steps_arriving_after_a_pseudonymisation_was_saved_are_dropped() -> Result {
    let (_tmp, dir, _) = with_history()?;
    let mut store = for_app(&dir)?;
    let reader = store.history_reader().ok_or_else(|| anyhow::anyhow!("no reader"))?;
    let j4 = store.project().documents[&DocId::from_u128(10)].props.clone();
    let rename = Edit::UpdateDocument { id: DocId::from_u128(10), props: DocumentProps { name: "P1".into(), ..j4 } };
    let label = format!("{} 1 name", tema::edit::PSEUDONYMISE_PREFIX);
    store.apply(Edit::batch(label, vec![rename]))?;
    store.save_in_background(|| {})?;
    assert!(store.wait_for_save().is_some_and(|r| r.is_ok()));
    store.install_history(reader.read());
    assert!(store.history().undo.is_empty(), "no step that could bring the original names back");
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
    // The undo history comes after, from a job, with the steps that built the study.
    common::run_until(&mut h, "the undo history", |h| {
        h.state().state.store.as_ref().is_some_and(|s| !s.history_pending())
    });
    let store = h.state().state.store.as_ref().ok_or_else(|| anyhow::anyhow!("no store"))?;
    assert!(!store.history().undo.is_empty(), "the steps from before the opening can be undone");
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
