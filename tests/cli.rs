//! The command line as a script would use it: exit codes, messages, JSON.

use std::path::Path;
use tema::edit::Edit;
use tema::model::*;
use tema::store::Store;

mod common;
use common::{json, tema};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A project with one document, added through the library (import has its own tests).
fn project_with_document(dir: &Path) -> TestResult {
    let mut store = Store::create(dir, "Study")?;
    let doc = Document::new(DocId::new(), "J4", DocKind::Interview, "J4: Møtet 😀 var bra, men jeg ble snakket om.\n");
    store.apply(Edit::AddDocument { document: Box::new(doc), index: None })?;
    Ok(())
}

#[test]
fn new_info_code_undo_redo() -> TestResult {
    let (_tmp, dir, d) = common::project_path("study.tema")?;

    let out = tema(&["new", &d, "--name", "IPS study", "--language", "norwegian", "--json"])?;
    assert_eq!(json(&out)?["name"], "IPS study");
    let info = json(&tema(&["info", &d, "--json"])?)?;
    assert_eq!(info["language"], "norwegian");
    assert_eq!(info["documents"], 0);

    // A second `new` in the same folder is refused.
    let out = tema(&["new", &d])?;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists and is not empty"));

    std::fs::remove_dir_all(&dir)?;
    project_with_document(&dir)?;
    // "snakket om" is characters 33..43 (the emoji counts as one character).
    let out =
        tema(&["code", &d, "--doc", "J4", "--start", "33", "--end", "43", "--code", "Feeling talked about", "--json"])?;
    let coded = json(&out)?;
    assert_eq!(coded["text"], "snakket om");
    assert_eq!(coded["code_created"], true);
    assert_eq!(coded["coder_created"], true);
    let out =
        tema(&["code", &d, "--doc", "j4", "--start", "4", "--end", "9", "--code", "feeling TALKED about", "--json"])?;
    let coded = json(&out)?;
    assert_eq!(coded["text"], "Møtet");
    assert_eq!(coded["code_created"], false, "code names match regardless of case");

    let info = json(&tema(&["info", &d, "--json"])?)?;
    assert_eq!(
        (info["codes"].as_u64(), info["codings"].as_u64(), info["coders"].as_u64()),
        (Some(1), Some(2), Some(1))
    );
    assert_eq!(info["words"], 9, "the emoji is not a word");

    assert_eq!(json(&tema(&["undo", &d, "--json"])?)?["undone"], "Code passage in “J4” as “Feeling talked about”");
    assert_eq!(json(&tema(&["info", &d, "--json"])?)?["codings"], 1);
    assert_eq!(json(&tema(&["redo", &d, "--json"])?)?["redone"], "Code passage in “J4” as “Feeling talked about”");
    assert_eq!(json(&tema(&["info", &d, "--json"])?)?["codings"], 2);
    // Undo the first coding too: the batch that made the code and the coder goes in one step.
    tema(&["undo", &d])?;
    tema(&["undo", &d])?;
    let info = json(&tema(&["info", &d, "--json"])?)?;
    assert_eq!((info["codes"].as_u64(), info["codings"].as_u64()), (Some(0), Some(0)));
    let out = tema(&["undo", &d, "--json"])?;
    assert_eq!(json(&out)?["undone"], "Add document “J4”");
    assert!(json(&tema(&["undo", &d, "--json"])?)?["undone"].is_null());
    Ok(())
}

#[test]
fn bad_arguments_get_clear_errors_and_change_nothing() -> TestResult {
    let (tmp, dir, d) = common::project_made("p.tema", project_with_document)?;
    let journal = std::fs::read(dir.join("journal.jsonl"))?;

    let out = tema(&["code", &d, "--doc", "J4", "--start", "40", "--end", "400", "--code", "X"])?;
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("past the end of document \"J4\"") && err.contains("45 characters"), "{err}");

    let out = tema(&["code", &d, "--doc", "J9", "--start", "0", "--end", "4", "--code", "X"])?;
    assert!(String::from_utf8_lossy(&out.stderr).contains("no document named \"J9\""));

    let out = tema(&["info", tmp.path().join("missing").to_string_lossy().as_ref()])?;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a Tema project"));

    assert_eq!(std::fs::read(dir.join("journal.jsonl"))?, journal, "a refused command wrote to the journal");
    Ok(())
}

#[test]
fn info_reads_a_project_open_elsewhere() -> TestResult {
    let (_tmp, dir, _) = common::project_made("p.tema", project_with_document)?;
    let holder = Store::open(&dir)?;
    let info = json(&tema(&["info", &dir.to_string_lossy(), "--json"])?)?;
    assert_eq!(info["read_only"], true);
    assert_eq!(info["documents"], 1);
    let out = tema(&["undo", &dir.to_string_lossy()])?;
    assert!(String::from_utf8_lossy(&out.stderr).contains("open in another Tema"));
    drop(holder);
    Ok(())
}

/// `tema speakers`: list who each written speaker is, and attribute one speaker's turns.
#[test]
fn speakers_are_listed_and_attributed() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("p");
    let text = "Speaker 1: How was it?\nSpeaker 2: Fine.\nSpeaker 1: Really?\n";
    {
        let mut store = Store::create(&dir, "Auto")?;
        let j7 = Participant::new(ParticipantId::from_u128(7), "J7", "jobseeker");
        store.apply(Edit::AddParticipant { participant: j7, index: None })?;
        let mut d = Document::new(DocId::from_u128(1), "Call", DocKind::Interview, text);
        let mut at = 0;
        for line in text.lines() {
            let n = line.chars().count();
            let speaker = line.split(':').next().unwrap_or_default().to_string();
            d.turns.push(Turn {
                span: Span::new(at, at + n),
                speaker,
                participant: None,
                start_ms: None,
                end_ms: None,
            });
            at += n + 1;
        }
        store.apply(Edit::AddDocument { document: Box::new(d), index: None })?;
        store.save()?;
    }
    let d = dir.to_string_lossy().to_string();
    let out = tema(&["speakers", &d, "Call", "--json"])?;
    let v = json(&out)?;
    assert_eq!(v["speakers"][0]["speaker"], "Speaker 1");
    assert_eq!(v["speakers"][0]["turns"], 2);
    assert_eq!(v["speakers"][0]["participants"], serde_json::json!([null]));

    let out = tema(&["speakers", &d, "Call", "--speaker", "Speaker 1", "--participant", "J7"])?;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Attributed the 2 turns of \"Speaker 1\""));
    let p = Store::open_read_only(&dir)?.project().clone();
    let who: Vec<Option<ParticipantId>> =
        p.documents.values().flat_map(|d| d.turns.iter().map(|t| t.participant)).collect();
    assert_eq!(who, [Some(ParticipantId::from_u128(7)), None, Some(ParticipantId::from_u128(7))]);

    // Unknown speakers and participants are refused, naming what there is; nothing changes.
    let out = tema(&["speakers", &d, "Call", "--speaker", "Speaker 9", "--participant", "J7"])?;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("its speakers are: Speaker 1, Speaker 2"));
    let out = tema(&["speakers", &d, "Call", "--speaker", "Speaker 2", "--participant", "J99"])?;
    assert!(String::from_utf8_lossy(&out.stderr).contains("no participant \"J99\""));
    let out = tema(&["speakers", &d, "Call", "--speaker", "Speaker 2"])?;
    assert!(String::from_utf8_lossy(&out.stderr).contains("--nobody"));

    // One undo takes the attribution back.
    assert!(tema(&["undo", &d])?.status.success());
    let p = Store::open_read_only(&dir)?.project().clone();
    assert!(p.documents.values().all(|d| d.turns.iter().all(|t| t.participant.is_none())));
    Ok(())
}
