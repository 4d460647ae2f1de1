//! `tema themes` and `tema theme add`, as a script would use them.

use std::path::Path;
use tema::edit::Edit;
use tema::model::*;
use tema::store::Store;

mod common;
use common::{json, stderr, tema};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// One Norwegian interview with two codes, each applied once.
fn project(dir: &Path) -> TestResult {
    let mut store = Store::create(dir, "Study")?;
    let text = "J4: Møtet 😀 var bra, men jeg ble snakket om.\n";
    let mut doc = Document::new(DocId::from_u128(1), "J4", DocKind::Interview, text);
    let j4 = Participant::new(ParticipantId::from_u128(4), "J4", "Jobseeker");
    doc.turns = vec![Turn {
        span: Span::new(0, text.chars().count()),
        speaker: "J4".into(),
        participant: Some(j4.id),
        start_ms: None,
        end_ms: None,
    }];
    let coder =
        Coder { id: CoderId::from_u128(1), name: "Ingrid".into(), colour: palette_colour(0), slug: "ingrid".into() };
    let mut edits = vec![
        Edit::AddCoder { coder, index: None },
        Edit::AddParticipant { participant: j4, index: None },
        Edit::AddDocument { document: Box::new(doc), index: None },
    ];
    for (n, name, (a, b)) in [(1, "Feeling talked about", (33, 43)), (2, "Good meetings", (4, 11))] {
        edits.push(Edit::CreateCode {
            code: Code::new(CodeId::from_u128(n), name, palette_colour(n as usize)),
            index: None,
        });
        edits.push(Edit::AddCoding {
            coding: Coding {
                id: CodingId::from_u128(n),
                doc: DocId::from_u128(1),
                span: Span::new(a, b),
                code: CodeId::from_u128(n),
                coder: CoderId::from_u128(1),
                created: chrono::Utc::now(),
                comment: String::new(),
            },
        });
    }
    store.apply(Edit::batch("setup", edits))?;
    Ok(())
}

#[test]
fn add_themes_and_list_them() -> TestResult {
    let (_tmp, dir, d) = common::project_path("study.tema")?;
    project(&dir)?;

    let out = tema(&["themes", &d])?;
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("No themes yet"));

    let made = json(&tema(&[
        "theme",
        "add",
        &d,
        "Talked about, not with",
        "--codes",
        "feeling TALKED about,Good meetings",
        "--status",
        "reviewed",
        "--definition",
        "Being discussed rather than spoken with.",
        "--json",
    ])?)?;
    assert_eq!(made["status"], "reviewed");
    assert_eq!(made["codes"], 2);
    let out = tema(&[
        "theme",
        "add",
        &d,
        "The language of the room",
        "--codes",
        "Feeling talked about",
        "--parent",
        "talked about, not with",
    ])?;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "Created candidate theme “The language of the room” under “talked about, not with” with 1 code"
    );

    let list = json(&tema(&["themes", &d, "--json"])?)?;
    let items = list.as_array().ok_or("an array")?;
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["name"], "Talked about, not with");
    assert_eq!(items[0]["depth"], 0);
    assert_eq!(items[0]["definition"]["concept"], "Being discussed rather than spoken with.");
    assert_eq!(items[0]["codes"], serde_json::json!(["Feeling talked about", "Good meetings"]));
    // Its subtheme's extracts count for it too (each coding once).
    assert_eq!((items[0]["extracts"].as_u64(), items[0]["participants"].as_u64()), (Some(2), Some(1)));
    assert_eq!(items[1]["parent"], "Talked about, not with");
    assert_eq!(items[1]["depth"], 1);
    assert_eq!(items[1]["status"], "candidate");
    assert_eq!(items[1]["extracts"], 1);

    let text = String::from_utf8_lossy(&tema(&["themes", &d])?.stdout).to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "Talked about, not with [reviewed] — 2 extracts, 1 participant, 1 document, 0 quotes");
    assert_eq!(lines[1], "    Being discussed rather than spoken with.");
    assert_eq!(lines[3], "  The language of the room [candidate] — 1 extract, 1 participant, 1 document, 0 quotes");

    // One undo takes the last theme back.
    assert!(tema(&["undo", &d])?.status.success());
    assert_eq!(json(&tema(&["themes", &d, "--json"])?)?.as_array().map(Vec::len), Some(1));
    Ok(())
}

#[test]
fn bad_input_is_refused_with_a_reason_and_changes_nothing() -> TestResult {
    let (_tmp, dir, d) = common::project_path("study.tema")?;
    project(&dir)?;
    let cases: [(&[&str], &str); 4] = [
        (&["--codes", "Nope"], "there is no code named \"Nope\""),
        (&["--parent", "Nope"], "there is no theme named \"Nope\""),
        (&["--status", "done"], "unknown status \"done\""),
        (&[], ""),
    ];
    for (extra, message) in cases {
        let mut args = vec!["theme", "add", &d, "Hope"];
        args.extend_from_slice(extra);
        let out = tema(&args)?;
        if message.is_empty() {
            assert!(out.status.success(), "{}", stderr(&out));
        } else {
            assert!(!out.status.success());
            assert!(stderr(&out).contains(message), "{}", stderr(&out));
        }
    }
    let out = tema(&["theme", "add", &d, " hope "])?;
    assert!(!out.status.success());
    assert!(stderr(&out).contains("already a theme named “Hope”"), "{}", stderr(&out));
    assert_eq!(json(&tema(&["themes", &d, "--json"])?)?.as_array().map(Vec::len), Some(1));
    Ok(())
}
