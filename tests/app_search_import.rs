//! Searching, coding all hits and importing, driven through the app as a person would.

mod common;

use common::{project, run_until, type_into};

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use std::path::Path;
use tema::ui::startup::Places;
use tema::ui::{TemaApp, ViewKind};

type Result<T = ()> = anyhow::Result<T>;

fn app(project: &Path) -> Harness<'static, TemaApp> {
    common::app_on(Some(project), "Tester", Places::default(), (1400.0, 900.0))
}

/// A new, empty project `empty.tema` in `tmp`.
fn empty_project(tmp: &Path) -> Result<std::path::PathBuf> {
    let dir = tmp.join("empty.tema");
    drop(tema::store::Store::create(&dir, "Empty")?);
    Ok(dir)
}

fn codings_of(h: &Harness<'_, TemaApp>, code: &str) -> usize {
    let p = project(h);
    let id = p.code_by_name(code).map(|c| c.id);
    p.codings.values().filter(|c| id == Some(c.code)).count()
}

#[test]
fn search_then_code_all_hits_in_one_undoable_step() -> Result {
    let (_tmp, _, mut h) = common::study_app(&["J3", "S2"], false, "Tester", (1400.0, 900.0))?;
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::F);
    h.run();
    h.get_by_label("Search for").type_text("meeting");
    h.run();
    run_until(&mut h, "search results", |h| h.query_by_label_contains("passages in").is_some());
    // Every hit is listed with its document and the word in context.
    let summary = h.get_by_label_contains("passages in").accesskit_node().value().unwrap_or_default();
    let passages: usize = summary.split_whitespace().next().unwrap_or("0").parse()?;
    assert!(passages >= 3, "{summary}");
    assert!(h.query_all_by_label_contains("meeting").count() >= passages.min(3));

    type_into(&mut h, "Code all hits as", "Meetings");
    h.get_by_label(&format!("Code {passages} hits")).click();
    run_until(&mut h, "the coding job", |h| codings_of(h, "Meetings") > 0);
    let coded = codings_of(&h, "Meetings");
    assert!(coded >= passages, "each passage has at least one coded match: {coded} < {passages}");
    let p = project(&h);
    let code = p.code_by_name("Meetings").map(|c| c.id);
    for c in p.codings.values().filter(|c| Some(c.code) == code) {
        let text = p.documents.get(&c.doc).and_then(|d| d.slice(c.span)).unwrap_or_default().to_lowercase();
        assert!(text.starts_with("meet"), "coded {text:?}: a stem of “meeting”");
    }

    // One undo takes back the code and every coding.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(codings_of(&h, "Meetings"), 0);
    assert!(project(&h).code_by_name("Meetings").is_none());
    Ok(())
}

#[test]
fn clicking_a_hit_opens_the_document_with_the_match_selected() -> Result {
    let (_tmp, _, mut h) = common::study_app(&["J3", "S2"], false, "Tester", (1400.0, 900.0))?;
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::F);
    h.run();
    h.get_by_label("Search for").type_text("\"collaboration meeting\"");
    h.run();
    run_until(&mut h, "search results", |h| h.query_by_label_contains("passages in").is_some());
    let hit = h.query_all_by_label_contains("collaboration meeting").last();
    hit.ok_or_else(|| anyhow::anyhow!("no hit listed"))?.click();
    h.run();
    let sel = h.state().state.selection.text.ok_or_else(|| anyhow::anyhow!("nothing selected"))?;
    let p = project(&h);
    let text = p.documents.get(&sel.doc).and_then(|d| d.slice(sel.span)).unwrap_or_default();
    assert!(text.to_lowercase().starts_with("collaboration meeting"), "{text:?}");
    assert_eq!(h.state().state.open_doc, Some(sel.doc));
    Ok(())
}

/// Views with nothing to show before the first import show the first steps in their place;
/// the codebook, memos and search do not need documents and draw themselves.
#[test]
fn an_empty_project_offers_the_first_steps_where_documents_are_needed() -> Result {
    let tmp = tempfile::tempdir()?;
    let dir = empty_project(tmp.path())?;
    let mut h = app(&dir);
    for view in [ViewKind::Document, ViewKind::ThemeMap, ViewKind::Phases, ViewKind::Triangulation, ViewKind::Memos] {
        h.state_mut().state.view = view;
        h.run();
        let first_steps = h.query_by_label("No documents yet").is_some();
        assert_eq!(first_steps, view != ViewKind::Memos, "{view:?}");
    }
    h.state_mut().state.view = ViewKind::Phases;
    h.run();
    h.get_by_label("Import documents…").click();
    h.run();
    assert!(h.query_by_label("Files and folders, one per line").is_some(), "the import dialog opens");
    Ok(())
}

#[test]
fn import_a_transcript_through_the_dialog() -> Result {
    let tmp = tempfile::tempdir()?;
    let dir = empty_project(tmp.path())?;
    let mut h = app(&dir);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::I);
    h.run();
    let corpus = common::corpus();
    let files = format!(
        "{}\n{}",
        corpus.join("interviews").join("J3.txt").display(),
        tmp.path().join("not-there.docx").display()
    );
    type_into(&mut h, "Files and folders, one per line", &files);
    type_into(&mut h, "Participants sheet (optional)", &corpus.join("participants.csv").display().to_string());
    h.get_by_label("Read files").click();
    // A path that does not exist stops the whole import with its name.
    run_until(&mut h, "the error", |h| h.query_by_label_contains("not-there.docx").is_some());
    assert!(project(&h).documents.is_empty());

    // Without it, the preview shows the speakers and who they map to.
    h.get_by_label("Files and folders, one per line").click();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run();
    h.get_by_label("Files and folders, one per line")
        .type_text(&corpus.join("interviews").join("J3.txt").display().to_string());
    h.run();
    h.get_by_label("Read files").click();
    run_until(&mut h, "the preview", |h| h.query_by_label("Import 1 document").is_some());
    h.run(); // let the dialog settle at its new size before clicking in it
    h.get_by_label_contains("J3 · Interview · 2105 words");
    h.get_by_label("J3: 24 turns, attributed to J3");
    h.get_by_label("Interviewer: 24 turns, interviewer Interviewer (new)");
    h.get_by_label("Import 1 document").click();
    h.run();
    let p = project(&h);
    assert_eq!(p.documents.len(), 1, "status: {:?}", h.state().state.status);
    let j3 = p.document_by_name("J3").ok_or_else(|| anyhow::anyhow!("J3 not imported"))?;
    assert!(j3.turns.iter().any(|t| t.participant.is_some()), "turns are attributed");
    assert_eq!(h.state().state.open_doc, Some(j3.id));
    // One undo takes the import back.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert!(project(&h).documents.is_empty());
    Ok(())
}

#[test]
fn cancelling_an_import_leaves_the_project_untouched() -> Result {
    let tmp = tempfile::tempdir()?;
    let dir = empty_project(tmp.path())?;
    // A transcript long enough that reading it outlasts the frames before the click.
    let long = tmp.path().join("long.txt");
    let pair = "Interviewer: How did the meeting go yesterday?\n\nJ3: It went well, I think. We talked about sleep, \
                work and money, and nobody talked over my head.\n\n";
    std::fs::write(&long, pair.repeat((24 << 20) / pair.len()))?;
    let mut h = app(&dir);
    h.run();
    let journal = std::fs::read(dir.join("journal.jsonl")).unwrap_or_default();
    h.key_press_modifiers(Modifiers::COMMAND, Key::I);
    h.run();
    type_into(&mut h, "Files and folders, one per line", &long.display().to_string());
    h.get_by_label("Read files").click();
    run_until(&mut h, "the reading job", |h| h.query_by_label("Stop reading").is_some());
    // The reading runs as an app job: the status bar lists it while the dialog shows it.
    assert!(h.state().state.jobs.running().iter().any(|j| j.name == "Reading files"));
    // Let the dialog settle at its new, shorter size before clicking in it.
    for _ in 0..3 {
        h.step();
    }
    h.get_by_label("Stop reading").click();
    run_until(&mut h, "the cancelled reading", |h| h.query_by_label_contains("was cancelled").is_some());
    run_until(&mut h, "the job to end", |h| h.state().state.jobs.is_empty());
    // Back at the choice, with nothing imported, journaled or written.
    h.get_by_label("Read files");
    assert!(project(&h).documents.is_empty());
    assert!(!matches!(h.state().state.status, Some((_, true))), "no error: {:?}", h.state().state.status);
    assert_eq!(std::fs::read(dir.join("journal.jsonl")).unwrap_or_default(), journal);
    let texts = std::fs::read_dir(dir.join("texts")).map(|d| d.count()).unwrap_or(0);
    assert_eq!(texts, 0, "no text was written");
    Ok(())
}

#[test]
fn import_with_a_documents_sheet_and_duplicates_kept_through_the_dialog() -> Result {
    let tmp = tempfile::tempdir()?;
    let dir = empty_project(tmp.path())?;
    // The same transcript twice (a copy under another name) and a sheet naming both, plus a
    // name no document has.
    let files = tmp.path().join("files");
    std::fs::create_dir_all(&files)?;
    let j3 = std::fs::read(common::corpus().join("interviews").join("J3.txt"))?;
    std::fs::write(files.join("J3.txt"), &j3)?;
    std::fs::write(files.join("J3 copy.txt"), &j3)?;
    let sheet = tmp.path().join("documents.csv");
    std::fs::write(&sheet, "document,site,sets\nJ3,Nordby,Wave 1\nJ3 copy,Sørvik,Wave 2\nNobody,Nordby,\n")?;

    let mut h = app(&dir);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::I);
    h.run();
    type_into(&mut h, "Files and folders, one per line", &files.display().to_string());
    type_into(&mut h, "Documents sheet (optional)", &sheet.display().to_string());
    h.get_by_label("Keep duplicates").click();
    h.run();
    h.get_by_label("Read files").click();
    // Kept, the copy is a second document (skipped it would be "Import 1 document").
    run_until(&mut h, "the preview", |h| h.query_by_label("Import 2 documents").is_some());
    h.run();
    h.get_by_label("The documents sheet sets attributes, sets, kind or language of 2 documents");
    h.get_by_label("No document is named: Nobody");
    h.get_by_label("Import 2 documents").click();
    h.run();
    let p = project(&h);
    let got: Vec<(String, Vec<String>, Option<String>)> = p
        .documents
        .values()
        .map(|d| (d.name().to_string(), d.props.sets.clone(), d.props.metadata.get("site").cloned()))
        .collect();
    assert_eq!(
        got,
        [
            ("J3 copy".to_string(), vec!["Wave 2".to_string()], Some("Sørvik".to_string())),
            ("J3".to_string(), vec!["Wave 1".to_string()], Some("Nordby".to_string())),
        ],
        "status: {:?}",
        h.state().state.status
    );
    // The import and the sheet are one step: one undo takes both back.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert!(project(&h).documents.is_empty());
    Ok(())
}
