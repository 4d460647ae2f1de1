//! The project folder under bad input and accidents: invalid edits, torn and damaged
//! journals, an interrupted snapshot, a second writer, a newer format, damaged files.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use tema::edit::{Edit, EditError};
use tema::model::*;
use tema::store::{Store, StoreError};

mod common;
use common::canonical;
use common::copy_dir;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn coder() -> Coder {
    Coder { id: CoderId::from_u128(1), name: "Ingrid".into(), colour: palette_colour(0), slug: "ingrid".into() }
}

/// A project with one Norwegian document, one coder and one code.
/// [`setup`] in a new temporary folder, which lives as long as the returned guard.
fn fresh() -> Result<(tempfile::TempDir, PathBuf, Store), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("p");
    let store = setup(&dir)?;
    Ok((tmp, dir, store))
}

/// [`fresh`] with `edits` applied and saved, the project closed: a folder as a sync tool or
/// a colleague receives it.
fn saved(edits: Vec<Edit>) -> Result<(tempfile::TempDir, PathBuf), Box<dyn std::error::Error>> {
    let (tmp, dir, store) = fresh()?;
    drop(store);
    session(&dir, edits, true)?;
    Ok((tmp, dir))
}

/// [`saved`] with nothing more, and a copy of its folder at `name` beside it: two copies of a
/// project about to diverge.
fn saved_and_copied(name: &str) -> Result<(tempfile::TempDir, PathBuf, PathBuf), Box<dyn std::error::Error>> {
    let (tmp, dir) = saved(vec![])?;
    let copy = tmp.path().join(name);
    copy_dir(&dir, &copy)?;
    Ok((tmp, dir, copy))
}

/// [`fresh`] with one coding (number 1, "Møtet" as Hope) applied and not saved.
fn fresh_coded() -> Result<(tempfile::TempDir, PathBuf, Store), Box<dyn std::error::Error>> {
    let (tmp, dir, mut store) = fresh()?;
    store.apply(coding(1, 4, 9, 20))?;
    Ok((tmp, dir, store))
}

fn setup(dir: &Path) -> Result<Store, Box<dyn std::error::Error>> {
    let mut store = Store::create(dir, "Test")?;
    let doc =
        Document::new(DocId::from_u128(10), "J4", DocKind::Interview, "J4: Møtet var bra 😀. Vi snakket om jobb.\n");
    store.apply(Edit::batch(
        "setup",
        vec![
            Edit::AddCoder { coder: coder(), index: None },
            Edit::AddDocument { document: Box::new(doc), index: None },
            Edit::CreateCode { code: Code::new(CodeId::from_u128(20), "Hope", palette_colour(0)), index: None },
        ],
    ))?;
    Ok(store)
}

/// Opens the project at `dir`, applies `edits`, saves when `save` says so, and closes it: what
/// another session on the same folder does between a test's steps.
fn session(dir: &Path, edits: Vec<Edit>, save: bool) -> TestResult {
    let mut store = Store::open(dir)?;
    for edit in edits {
        store.apply(edit)?;
    }
    if save {
        store.save()?;
    }
    Ok(())
}

/// The project at `dir` holds just coding 2, which arrived from another copy's save, and
/// warns that its own unsaved journal, made on the older files, was set aside, not replayed.
fn holds_only_the_arrived_coding(dir: &Path) -> TestResult {
    let store = Store::open(dir)?;
    let ids: Vec<_> = store.project().codings.keys().copied().collect();
    assert_eq!(ids, vec![CodingId::from_u128(2)], "the unsaved journal was replayed onto other files");
    assert!(store.warnings().iter().any(|w| w.contains("older version")), "{:?}", store.warnings());
    Ok(())
}

fn coding(n: u128, start: usize, end: usize, code: u128) -> Edit {
    Edit::AddCoding {
        coding: Coding {
            id: CodingId::from_u128(n),
            doc: DocId::from_u128(10),
            span: Span::new(start, end),
            code: CodeId::from_u128(code),
            coder: CoderId::from_u128(1),
            created: chrono::Utc::now(),
            comment: String::new(),
        },
    }
}

#[test]
fn invalid_edits_are_refused_with_clear_errors() -> TestResult {
    let (_tmp, dir, mut store) = fresh()?;
    let before = canonical(store.project());
    let journal_len = std::fs::metadata(dir.join("journal.jsonl"))?.len();

    // An offset past the end of the document (it has 41 characters).
    let err = store.apply(coding(1, 30, 99, 20)).err().ok_or("accepted a span past the end")?;
    let msg = err.to_string();
    assert!(msg.contains("outside document \"J4\"") && msg.contains("41 characters"), "{msg}");

    // An unknown code.
    let err = store.apply(coding(2, 0, 5, 777)).err().ok_or("accepted an unknown code")?;
    assert!(matches!(err, StoreError::Edit(EditError::Unknown { kind: "code", .. })), "{err}");

    // A cycle: Hope under its own child.
    let mut child = Code::new(CodeId::from_u128(21), "Hope for work", palette_colour(1));
    child.parent = Some(CodeId::from_u128(20));
    store.apply(Edit::CreateCode { code: child, index: None })?;
    let after_child = canonical(store.project());
    let err = store
        .apply(Edit::MoveCode { id: CodeId::from_u128(20), parent: Some(CodeId::from_u128(21)), index: 0 })
        .err()
        .ok_or("accepted a cycle")?;
    assert!(err.to_string().contains("inside itself"), "{err}");
    assert_eq!(canonical(store.project()), after_child);

    // A duplicate name, case and spacing aside.
    let err = store
        .apply(Edit::CreateCode { code: Code::new(CodeId::from_u128(22), "  hope ", palette_colour(2)), index: None })
        .err()
        .ok_or("accepted a duplicate name")?;
    assert!(err.to_string().contains("already exists"), "{err}");

    // A batch whose second edit fails leaves nothing of the first.
    let err = store.apply(Edit::batch("two", vec![coding(3, 0, 4, 20), coding(4, 0, 4, 999)]));
    assert!(err.is_err());
    assert!(store.project().codings.is_empty());

    // Refused edits are not journaled: only the child code was added.
    drop(store);
    let store = Store::open(&dir)?;
    assert_eq!(canonical(store.project()), after_child);
    assert_ne!(before, after_child);
    assert!(std::fs::metadata(dir.join("journal.jsonl"))?.len() > journal_len);
    Ok(())
}

#[test]
fn a_torn_last_journal_line_is_cut_off_and_earlier_edits_kept() -> TestResult {
    let (_tmp, dir, mut store) = fresh_coded()?;
    store.apply(coding(2, 10, 13, 20))?;
    let expected = canonical(store.project());
    drop(store);
    // A crash in the middle of writing a line leaves half of it.
    let mut f = OpenOptions::new().append(true).open(dir.join("journal.jsonl"))?;
    f.write_all(b"1234abcd {\"seq\":99,\"at\":\"2026-01-01T00:00:00Z\",\"op\":{\"kind\":\"do\",\"ed")?;
    drop(f);
    let mut store = Store::open(&dir)?;
    assert_eq!(canonical(store.project()), expected);
    assert!(store.warnings().iter().any(|w| w.contains("incomplete")), "{:?}", store.warnings());
    // The journal is usable again: a new edit lands and survives.
    store.apply(coding(3, 0, 2, 20))?;
    drop(store);
    assert_eq!(common::reopen_clean(&dir)?.project().codings.len(), 3);
    Ok(())
}

#[test]
fn a_line_damaged_in_the_middle_keeps_what_came_before_and_sets_the_journal_aside() -> TestResult {
    let (_tmp, dir, mut store) = fresh_coded()?;
    let after_first = canonical(store.project());
    store.apply(coding(2, 10, 13, 20))?;
    store.apply(coding(3, 14, 16, 20))?;
    drop(store);
    // Flip one byte inside the second coding's line.
    let path = dir.join("journal.jsonl");
    let text = std::fs::read_to_string(&path)?;
    let lines: Vec<&str> = text.lines().collect();
    let target = lines.iter().position(|l| l.contains(&CodingId::from_u128(2).to_string())).ok_or("line not found")?;
    let damaged: Vec<String> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| if i == target { l.replacen("\"seq\"", "\"sEq\"", 1) } else { l.to_string() })
        .collect();
    std::fs::write(&path, damaged.join("\n") + "\n")?;

    let store = Store::open(&dir)?;
    assert_eq!(canonical(store.project()), after_first);
    let w = store.warnings().join("\n");
    assert!(w.contains("damaged at line"), "{w}");
    let kept =
        std::fs::read_dir(&dir)?.flatten().any(|e| e.file_name().to_string_lossy().starts_with("journal.damaged-"));
    assert!(kept, "the damaged journal was not kept for inspection");
    drop(store);
    // What was recovered is now in the snapshot: reopening is clean and the same.
    assert_eq!(canonical(common::reopen_clean(&dir)?.project()), after_first);
    Ok(())
}

#[test]
fn an_interrupted_snapshot_is_finished_on_open() -> TestResult {
    let (tmp, dir, mut store) = fresh_coded()?;
    store.save()?;
    store.apply(coding(2, 10, 13, 20))?;
    let expected = canonical(store.project());
    drop(store);

    // Stage a snapshot by hand the way `save` does, and stop after the commit point with
    // only some files renamed: a crash mid-commit.
    let copy = tmp.path().join("copy");
    copy_dir(&dir, &copy)?;
    session(&copy, vec![], true)?;
    let staged = ["codings/ingrid.json", "project.json"];
    for f in staged {
        std::fs::copy(copy.join(f), dir.join(format!("{f}.new")))?;
    }
    std::fs::write(
        dir.join("commit.json"),
        serde_json::to_vec(&serde_json::json!({"install": staged, "delete": []}))?,
    )?;
    // One file was renamed before the crash.
    std::fs::rename(dir.join("codings/ingrid.json.new"), dir.join("codings/ingrid.json"))?;

    let store = Store::open(&dir)?;
    assert_eq!(canonical(store.project()), expected);
    assert!(!dir.join("commit.json").exists());
    assert!(store.warnings().iter().any(|w| w.contains("interrupted save")), "{:?}", store.warnings());
    Ok(())
}

#[test]
fn staged_files_without_a_commit_are_discarded() -> TestResult {
    let (_tmp, dir, store) = fresh_coded()?;
    let expected = canonical(store.project());
    drop(store);
    // A crash before the commit point leaves staged files with garbage in them.
    std::fs::write(dir.join("codebook.json.new"), b"[{\"half")?;
    let store = Store::open(&dir)?;
    assert_eq!(canonical(store.project()), expected);
    assert!(!dir.join("codebook.json.new").exists());
    Ok(())
}

#[test]
fn a_second_writer_gets_a_clear_error_and_can_read() -> TestResult {
    let (_tmp, dir, first) = fresh_coded()?;
    let err = Store::open(&dir).err().ok_or("a second writer was let in")?;
    let msg = err.to_string();
    assert!(matches!(err, StoreError::Locked { .. }), "{msg}");
    assert!(msg.contains("open in another Tema") && msg.contains(&format!("process {}", std::process::id())), "{msg}");
    let mut reader = Store::open_read_only(&dir)?;
    assert_eq!(reader.project().codings.len(), 1);
    assert!(matches!(reader.apply(coding(2, 0, 3, 20)), Err(StoreError::ReadOnly)));
    drop(first);
    // Once the first closes, the project opens for writing again.
    Store::open(&dir)?;
    Ok(())
}

#[test]
fn a_project_from_a_newer_tema_is_refused_untouched() -> TestResult {
    let (_tmp, dir, store) = fresh()?;
    drop(store);
    let path = dir.join("project.json");
    let current = format!("\"format\": {}", tema::store::snapshot::FORMAT);
    let text = std::fs::read_to_string(&path)?.replace(&current, "\"format\": 9");
    assert!(text.contains("\"format\": 9"));
    std::fs::write(&path, &text)?;
    let err = Store::open(&dir).err().ok_or("opened a newer format")?;
    assert!(matches!(err, StoreError::NewerFormat { found: 9, .. }), "{err}");
    assert!(err.to_string().contains("update Tema"));
    assert_eq!(std::fs::read_to_string(&path)?, text);
    Ok(())
}

#[test]
fn a_changed_text_file_is_reported_by_name() -> TestResult {
    let (_tmp, dir, store) = fresh()?;
    drop(store);
    session(&dir, vec![], true)?;
    let text = dir.join("texts").join(format!("{}.txt", DocId::from_u128(10)));
    std::fs::write(&text, "J4: Møtet var dårlig.\n")?;
    // Not opened for writing (a save would make the change permanent unasked)...
    let err = Store::open(&dir).err().ok_or("opened a project with a changed text for writing")?;
    let msg = err.to_string();
    let file = format!("texts/{}.txt", DocId::from_u128(10));
    assert!(msg.contains("“J4”") && msg.contains(&file) && msg.contains("tema repair"), "{msg}");
    // ...but opened read-only, the document marked damaged and named in the warnings.
    let (store, read_only) = Store::open_or_read_only(&dir)?;
    assert!(read_only);
    assert_eq!(store.changed_documents(), &[DocId::from_u128(10)]);
    assert!(store.warnings().iter().any(|w| w.contains("“J4”")), "{:?}", store.warnings());
    assert_eq!(&*store.project().documents[&DocId::from_u128(10)].text, "J4: Møtet var dårlig.");
    Ok(())
}

#[test]
fn a_hand_edited_file_that_breaks_an_invariant_is_refused() -> TestResult {
    let (_tmp, dir) = saved(vec![coding(1, 4, 9, 20)])?;
    // Someone edits a coding's end past the text.
    let path = dir.join("codings/ingrid.json");
    let text = std::fs::read_to_string(&path)?.replace("\"end\":9}", "\"end\":900}");
    std::fs::write(&path, text)?;
    let err = Store::open(&dir).err().ok_or("opened a coding past the end of its text")?;
    assert!(err.to_string().contains("outside document \"J4\""), "{err}");
    Ok(())
}

#[test]
fn a_coding_written_twice_is_refused_naming_its_file() -> TestResult {
    let (_tmp, dir) = saved(vec![coding(1, 4, 9, 20), coding(2, 10, 14, 20)])?;
    // A merge tool keeps both sides' copy of the first coding.
    let path = dir.join("codings/ingrid.json");
    let text = std::fs::read_to_string(&path)?;
    let line = text.lines().find(|l| l.contains("\"end\":9}")).ok_or("no coding line")?;
    let doubled = text.replacen(line, &format!("{line}\n{}", line.trim_end_matches(',').to_string() + ","), 1);
    std::fs::write(&path, doubled)?;
    for err in [Store::open(&dir).err(), Store::open_read_only(&dir).err()] {
        let err = err.ok_or("opened a project with a coding twice")?.to_string();
        assert!(err.contains("appears twice") && err.contains("ingrid.json"), "{err}");
    }
    Ok(())
}

#[test]
fn a_journal_made_on_another_version_is_set_aside() -> TestResult {
    // Two copies diverge: this one keeps a journal entry; the other saves and its files
    // arrive here through a sync tool.
    let (_tmp, dir, other) = saved_and_copied("other")?;
    session(&dir, vec![coding(1, 4, 9, 20)], false)?;
    session(&other, vec![coding(2, 10, 13, 20)], true)?;
    for f in ["project.json", "codings/ingrid.json", "history.json"] {
        std::fs::copy(other.join(f), dir.join(f))?;
    }
    holds_only_the_arrived_coding(&dir)
}

#[test]
fn undo_and_redo_survive_a_restart() -> TestResult {
    let (_tmp, dir, mut store) = fresh_coded()?;
    store.apply(Edit::MergeCodes { from: CodeId::from_u128(20), into: CodeId::from_u128(20) }).err();
    store.save()?;
    store.apply(coding(2, 10, 13, 20))?;
    drop(store);
    let mut store = Store::open(&dir)?;
    assert_eq!(store.undo()?.as_deref(), Some("Code passage in “J4” as “Hope”"));
    drop(store);
    let mut store = Store::open(&dir)?;
    assert_eq!(store.project().codings.len(), 1);
    store.redo()?;
    store.save()?;
    drop(store);
    let mut store = Store::open(&dir)?;
    assert_eq!(store.project().codings.len(), 2);
    store.undo()?;
    store.undo()?;
    assert!(store.project().codings.is_empty());
    Ok(())
}

#[test]
fn a_format_1_project_is_read_and_saved_in_the_current_layout() -> TestResult {
    use tema::store::journal::{Entry, Op, encode, encode_header};
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("old");
    std::fs::create_dir_all(dir.join("texts"))?;
    std::fs::create_dir_all(dir.join("codings"))?;
    let mut doc =
        Document::new(DocId::from_u128(10), "J4", DocKind::Interview, "J4: Møtet var bra 😀. Vi snakket om jobb.\n");
    doc.read_by.insert(CoderId::from_u128(1));
    std::fs::write(dir.join("texts").join(format!("{}.txt", doc.id)), doc.text.as_bytes())?;
    let code = Code::new(CodeId::from_u128(20), "Hope", palette_colour(0));
    let first = match coding(1, 4, 9, 20) {
        Edit::AddCoding { coding } => coding,
        _ => return Err("not a coding".into()),
    };
    let write = |name: &str, v: serde_json::Value| std::fs::write(dir.join(name), serde_json::to_vec_pretty(&v)?);
    // Format 1: the snapshot id in project.json, coders in coders.json, read marks in
    // documents.json, each codings file a bare list.
    write(
        "project.json",
        serde_json::json!({"format": 1, "snapshot": "0123abcd", "seq": 0, "generator": "Tema 0.1.0",
                           "settings": {"name": "Old", "language": "norwegian", "description": ""}}),
    )?;
    write("documents.json", serde_json::json!([doc]))?;
    write("coders.json", serde_json::json!([coder()]))?;
    write("codebook.json", serde_json::json!([code]))?;
    for f in ["participants.json", "themes.json", "quotes.json", "memos.json"] {
        write(f, serde_json::json!([]))?;
    }
    write("codings/ingrid.json", serde_json::json!([first]))?;
    // A journal written by format 1 on top of that snapshot, with one unsaved coding.
    let entry = Entry { seq: 1, at: chrono::Utc::now(), op: Op::Do { edit: coding(2, 10, 13, 20), coalesce: None } };
    std::fs::write(dir.join("journal.jsonl"), format!("{}{}", encode_header("0123abcd", 0), encode(&entry)?))?;

    let store = common::reopen_clean(&dir)?;
    let p = store.project();
    assert_eq!(p.codings.len(), 2, "the format-1 journal was replayed");
    assert!(p.documents[&DocId::from_u128(10)].read_by.contains(&CoderId::from_u128(1)));
    assert_eq!(p.settings.language, Language::Norwegian);
    let expected = canonical(p);
    drop(store);
    // Saved at once in format 2.
    assert!(!dir.join("coders.json").exists());
    let project: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("project.json"))?)?;
    assert_eq!(project["format"], 2);
    assert!(project.get("legacy_snapshot").is_none() && project.get("snapshot").is_none());
    let file: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("codings/ingrid.json"))?)?;
    assert_eq!(file["coder"]["name"], "Ingrid");
    assert_eq!(file["read"], serde_json::json!([DocId::from_u128(10)]));
    assert_eq!(file["codings"].as_array().map(Vec::len), Some(2));
    assert!(!std::fs::read_to_string(dir.join("documents.json"))?.contains("read_by"));
    assert_eq!(canonical(common::reopen_clean(&dir)?.project()), expected);
    Ok(())
}

#[test]
fn saving_changes_only_the_files_whose_content_changed() -> TestResult {
    // What keeps two clones under git from conflicting: project.json and the other shared
    // files stay byte for byte the same when only a coder's codings change.
    let (_tmp, dir, mut store) = fresh()?;
    store.save()?;
    let shared = ["project.json", "documents.json", "codebook.json", "consensus.json"];
    let before: Vec<Vec<u8>> = shared.iter().map(|f| std::fs::read(dir.join(f))).collect::<Result<_, _>>()?;
    let coder_file = std::fs::read(dir.join("codings/ingrid.json"))?;
    store.apply(coding(1, 4, 9, 20))?;
    store.apply(Edit::SetDocumentRead { id: DocId::from_u128(10), coder: CoderId::from_u128(1), read: true })?;
    store.save()?;
    store.save()?;
    let after: Vec<Vec<u8>> = shared.iter().map(|f| std::fs::read(dir.join(f))).collect::<Result<_, _>>()?;
    assert!(before == after, "a shared file changed");
    assert_ne!(std::fs::read(dir.join("codings/ingrid.json"))?, coder_file);
    Ok(())
}

#[test]
fn a_copy_without_a_journal_gets_one_and_notices_new_files() -> TestResult {
    // A fresh git clone has no journal (it is ignored); later a pull replaces the files.
    let (_tmp, dir, clone) = saved_and_copied("clone")?;
    std::fs::remove_file(clone.join("journal.jsonl"))?;
    let warnings = Store::open(&clone)?.warnings().to_vec();
    assert!(warnings.is_empty(), "{warnings:?}");
    session(&clone, vec![coding(1, 4, 9, 20)], true)?;
    // The original codes something else, saves, and its files arrive in the clone while the
    // clone has an unsaved change of its own.
    session(&dir, vec![coding(2, 10, 13, 20)], true)?;
    session(&clone, vec![coding(3, 0, 2, 20)], false)?;
    std::fs::copy(dir.join("codings/ingrid.json"), clone.join("codings/ingrid.json"))?;
    holds_only_the_arrived_coding(&clone)
}

/// A command that only reads (`Store::open_to_read`) skips the undo history, but still
/// replays an undo left in the journal, against the history read for it then.
#[test]
fn reading_without_the_history_gives_the_same_project() -> TestResult {
    let (_tmp, dir, mut store) = fresh()?;
    store.apply(coding(1, 0, 5, 20))?;
    store.save()?; // history.json now holds the setup and the first coding
    store.apply(coding(2, 6, 11, 20))?;
    drop(store);
    let full = Store::open_read_only(&dir)?;
    let lean = Store::open_to_read(&dir)?;
    assert_eq!(canonical(lean.project()), canonical(full.project()));
    assert_eq!(lean.project().codings.len(), 2);
    // Full: setup, first coding (history.json) and second coding (journal); lean: only the
    // journal's step, which replaying it records.
    assert_eq!(full.history().undo.len(), 3);
    assert_eq!(lean.history().undo.len(), 1, "the history was read for a command that only reads");

    // An undo in the journal of a step saved in the snapshot needs the saved history.
    {
        let mut store = Store::open(&dir)?;
        store.undo()?; // the second coding (journal)
        store.undo()?; // the first coding (from history.json)
    }
    let full = Store::open_read_only(&dir)?;
    let lean = Store::open_to_read(&dir)?;
    assert_eq!(full.project().codings.len(), 0);
    assert_eq!(canonical(lean.project()), canonical(full.project()));
    assert!(lean.warnings().is_empty(), "{:?}", lean.warnings());
    Ok(())
}

/// A save in three steps with edits between them (as the app saves in the background): every
/// edit survives reopening, none twice; and a crash at each moment of the save — the folder
/// copied as it is when the save reaches each phase — opens to the edits made until then.
#[test]
fn a_save_in_the_background_keeps_the_edits_made_while_it_runs() -> TestResult {
    let (tmp, dir, mut store) = fresh_coded()?;
    let ticket = store.begin_save()?;
    assert_eq!(ticket.seq(), store.seq());
    assert!(store.is_saving());
    assert!(matches!(store.begin_save(), Err(StoreError::SaveRunning)));
    // Made while the snapshot is written: journaled as usual.
    store.apply(coding(2, 10, 13, 20))?;
    store.undo()?;
    store.redo()?;
    let at_run = canonical(store.project());
    let undo_at_run = store.history().undo.len();
    let mut crashes = Vec::new();
    let done = ticket.run_with(&mut |phase| {
        let copy = tmp.path().join(format!("{phase:?}"));
        crashes.push((phase, copy_dir(&dir, &copy).map(|_| copy).map_err(|e| e.to_string())));
    });
    // Made after the snapshot was written but before the store took the result in.
    store.apply(coding(3, 0, 2, 20))?;
    store.finish_save(done)?;
    assert!(!store.is_saving());
    assert_eq!(store.unsaved(), 4, "the journal keeps the four entries made after the snapshot");
    store.apply(coding(4, 14, 17, 20))?;
    let expected = canonical(store.project());
    let undo_steps = store.history().undo.len();
    drop(store);

    let store = common::reopen_clean(&dir)?;
    assert_eq!(canonical(store.project()), expected);
    assert_eq!(store.project().codings.len(), 4);
    assert_eq!(store.history().undo.len(), undo_steps);
    drop(store);

    let phases: Vec<_> = crashes.iter().map(|(p, _)| *p).collect();
    use tema::store::SavePhase::*;
    assert_eq!(phases, [Staged, Committed, Installed, Restarted]);
    for (phase, copy) in crashes {
        let copy = copy?;
        // From the commit point until the end of the save, commit.json names the snapshot.
        assert_eq!(copy.join("commit.json").exists(), phase != Staged, "commit.json at {phase:?}");
        // Read-only first: it cannot finish the commit, but reads what it committed and the
        // journal's entries after it.
        let reader = Store::open_read_only(&copy)?;
        assert_eq!(canonical(reader.project()), at_run, "read-only after a crash at {phase:?}");
        drop(reader);
        let store = Store::open(&copy)?;
        assert_eq!(canonical(store.project()), at_run, "after a crash at {phase:?}");
        assert_eq!(store.history().undo.len(), undo_at_run, "undo steps after a crash at {phase:?}");
        let warnings = store.warnings();
        assert!(warnings.iter().all(|w| w.contains("interrupted save")), "{phase:?}: {warnings:?}");
        assert!(!copy.join("commit.json").exists());
        drop(store);
        // And again: finishing the commit twice applies nothing twice.
        let store = Store::open(&copy)?;
        assert_eq!(canonical(store.project()), at_run, "reopened after a crash at {phase:?}");
    }
    Ok(())
}
