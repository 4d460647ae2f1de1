//! The quote commands as a script uses them: `quote add`, `quote list`, `attribution`,
//! and the `quotes`, `report` and `codebook` exports.

use std::path::Path;
use std::process::Output;
use tema::edit::Edit;
use tema::store::Store;

mod quotes_fixture;
use quotes_fixture::*;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn ok(out: &Output) -> Result<String, Box<dyn std::error::Error>> {
    assert!(out.status.success(), "failed: {}", String::from_utf8_lossy(&out.stderr));
    Ok(String::from_utf8(out.stdout.clone())?)
}

fn err(out: &Output) -> String {
    assert!(!out.status.success(), "succeeded but should not have");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn study_on_disk(dir: &Path) -> TestResult {
    let mut store = Store::create(dir, "Working together")?;
    store.apply(Edit::batch("Study", study_edits()))?;
    Ok(())
}

/// `tema quote add` of the passage `start..end` of `doc` to `theme`, with `more` arguments.
fn add_quote(d: &str, theme: &str, doc: &str, (start, end): (&str, &str), more: &[&str]) -> std::io::Result<Output> {
    let args = ["quote", "add", d, "--theme", theme, "--doc", doc, "--start", start, "--end", end];
    tema(&[&args[..], more].concat())
}

#[test]
fn add_a_trimmed_quote_and_list_it() -> TestResult {
    let (_tmp, dir, d) = common::project_path("study.tema")?;
    study_on_disk(&dir)?;
    let span = span_of(J1_TEXT, "Fine, I guess. They talked about me, not with me.");
    let cut = span_of(J1_TEXT, " I guess.");
    let (start, end) = (span.start.get().to_string(), span.end.get().to_string());
    let cut = format!("{}:{}", cut.start, cut.end);
    let insert = format!("{}:in the meeting", pos(J1_TEXT, ", not with me."));
    let out = add_quote(
        &d,
        "talked about, NOT with",
        "j1",
        (&start, &end),
        &["--cut", &cut, "--insert", &insert, "--translation", "Greit nok.", "--star", "--json"],
    )?;
    let q = json(&out)?;
    assert_eq!(q["display"], "Fine, [...] They talked about me [in the meeting], not with me.");
    assert_eq!(q["text"], "Fine, I guess. They talked about me, not with me.");
    assert_eq!(q["attribution"], "J1");
    assert_eq!(q["starred"], true);
    assert_eq!(q["placement"], "inline");
    assert_eq!(q["theme_path"], "Voice in the meeting / Talked about, not with");
    assert!(q["coding"].is_null(), "no coding holds the whole passage");
    assert_eq!(q["segments"].as_array().map(Vec::len), Some(5));

    // Inside a coding of the theme's code, the quote names that coding.
    let inner = span_of(J1_TEXT, "talked about me");
    let inner = (inner.start.to_string(), inner.end.to_string());
    let out = add_quote(&d, "Talked about, not with", "J1", (&inner.0, &inner.1), &["--json"])?;
    assert_eq!(json(&out)?["coding"], CodingId::from_u128(50).to_string());

    let list = json(&tema(&["quote", "list", &d, "--theme", "Talked about, not with", "--json"])?)?;
    let displays: Vec<&str> = list.as_array().ok_or("array")?.iter().filter_map(|q| q["display"].as_str()).collect();
    assert_eq!(displays.len(), 4, "{displays:?}");
    assert_eq!(displays[0], "They talked about me, not with me.");
    let plain = ok(&tema(&["quote", "list", &d])?)?;
    assert!(plain.contains("★ “Fine, [...] They talked"), "{plain}");

    // Refused: a cut outside the passage, an unknown theme; nothing is written.
    let journal = std::fs::read(dir.join("journal.jsonl"))?;
    let e = err(&add_quote(&d, "Talked about, not with", "J1", (&start, &end), &["--cut", "0:3"])?);
    assert!(e.contains("a cut must be a non-empty part of the quoted passage"), "{e}");
    let e = err(&tema(&["quote", "add", &d, "--theme", "Nope", "--doc", "J1", "--start", "0", "--end", "3"])?);
    assert!(e.contains("no theme named \"Nope\""), "{e}");
    let e = err(&tema(&[
        "quote", "add", &d, "--theme", "Nope", "--doc", "J1", "--start", "0", "--end", "3", "--cut", "x",
    ])?);
    assert!(e.contains("no theme named") || e.contains("START:END"), "{e}");
    assert_eq!(std::fs::read(dir.join("journal.jsonl"))?, journal);

    // Undo takes the last quote back.
    assert_eq!(json(&tema(&["undo", &d, "--json"])?)?["undone"], "Add quote to “Talked about, not with”");
    Ok(())
}

#[test]
fn attribution_scheme_from_the_command_line() -> TestResult {
    let (_tmp, dir, d) = common::project_path("study.tema")?;
    study_on_disk(&dir)?;
    let shown = json(&tema(&["attribution", &d, "--json"])?)?;
    assert_eq!(shown["block_words"], 40);
    let out = tema(&[
        "attribution",
        &d,
        "--group",
        "Therapist=CLI",
        "--group",
        "Employment specialist=EMP{n}",
        "--pseudonyms",
        "yes",
        "--block-words",
        "30",
        "--json",
    ])?;
    let v = json(&out)?;
    let label = |who: &str| {
        v["participants"]
            .as_array()
            .and_then(|a| a.iter().find(|x| x["label"] == who))
            .map(|x| x["attribution"].clone())
    };
    assert_eq!(label("T1"), Some("CLI".into()));
    assert_eq!(label("E5"), Some("EMP2".into()));
    assert_eq!(label("J4"), Some("Åse".into()), "pseudonyms on");
    assert_eq!(v["block_words"], 30);
    let e = err(&tema(&["attribution", &d, "--group", "Therapist=T{nr}"])?);
    assert!(e.contains("unknown placeholder {nr}"), "{e}");
    let plain = ok(&tema(&["attribution", &d])?)?;
    assert!(plain.contains("Therapist") && plain.contains("→ CLI"), "{plain}");
    Ok(())
}

#[test]
fn exports_from_the_command_line() -> TestResult {
    let (tmp, dir, d) = common::project_path("study.tema")?;
    study_on_disk(&dir)?;

    let md = ok(&tema(&["quotes", &d, "--format", "md"])?)?;
    assert!(md.starts_with("# Working together") && md.contains("## Voice in the meeting"));
    assert!(md.contains("(FG1, E3/E5)"));

    let csv_path = tmp.path().join("waiting.csv");
    let out = tema(&[
        "quotes",
        &d,
        "--theme",
        "Waiting as a way of working",
        "--format",
        "csv",
        "-o",
        &csv_path.to_string_lossy(),
    ])?;
    ok(&out)?;
    assert!(String::from_utf8_lossy(&out.stderr).contains("2 quotes in 1 themes"));
    let bytes = std::fs::read(&csv_path)?;
    let mut r = csv::Reader::from_reader(bytes.strip_prefix("\u{feff}".as_bytes()).ok_or("no BOM")?);
    assert_eq!(r.records().count(), 2);

    // The format from the file name.
    let docx = tmp.path().join("results.docx");
    ok(&tema(&["report", &d, "-o", &docx.to_string_lossy()])?)?;
    assert!(std::fs::read(&docx)?.starts_with(b"PK"), "a DOCX is a zip");
    let tex = ok(&tema(&["report", &d, "--format", "tex", "--translations", "only"])?)?;
    assert!(tex.contains("\\section*{Voice in the meeting}") && !tex.contains("Jeg følte"));

    let codebook = ok(&tema(&["codebook", &d, "--format", "csv", "--examples", "1"])?)?;
    assert!(codebook.contains("Feeling talked about"));
    let codebook_md = ok(&tema(&["codebook", &d, "--format", "md"])?)?;
    assert!(codebook_md.contains("**Definition:** The jobseeker feels discussed rather than included."));

    let e = err(&tema(&["report", &d, "--format", "csv"])?);
    assert!(e.contains("cannot be written as CSV") && e.contains("docx, md, tex, html"), "{e}");
    let e = err(&tema(&["quotes", &d])?);
    assert!(e.contains("give --format"), "{e}");
    let e = err(&tema(&["quotes", &d, "--format", "md", "--theme", "Nope"])?);
    assert!(e.contains("no theme named \"Nope\""), "{e}");
    Ok(())
}

use tema::model::CodingId;

mod common;
use common::{json, tema};
