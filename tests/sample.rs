//! The committed sample project is exactly what `tema sample build` makes from the corpus,
//! and it is the coded study the app promises on first run.

mod common;

use std::path::Path;
use std::process::Command;
use tema::store::Store;

type TestResult = Result<(), Box<dyn std::error::Error>>;

#[test]
fn the_committed_sample_is_what_the_build_makes() -> TestResult {
    let corpus = common::corpus();
    let tmp = tempfile::tempdir()?;
    let out = tmp.path().join("sample.tema");
    let run = Command::new(env!("CARGO_BIN_EXE_tema"))
        .args(["sample", "build", "--corpus"])
        .arg(&corpus)
        .arg("--out")
        .arg(&out)
        .output()?;
    assert!(run.status.success(), "build failed: {}", String::from_utf8_lossy(&run.stderr));
    let built = Store::open_read_only(&out)?;
    // The committed files only: a journal left by a local run must not count.
    let committed = Store::open_read_only(&common::sample_copy(&tmp.path().join("committed.tema"))?)?;
    assert!(
        common::canonical(built.project()) == common::canonical(committed.project()),
        "sample-corpus/IPS-collaboration.tema is out of date: run `cargo run -- sample build --force`"
    );
    // Nothing local to one copy is shipped.
    for local in ["journal.jsonl", "history.json", ".lock", "trail"] {
        assert!(!out.join(local).exists(), "{local} left in the built sample");
    }
    Ok(())
}

#[test]
fn the_sample_is_a_coded_study() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let store = Store::open_read_only(&common::sample_copy(&tmp.path().join("sample.tema"))?)?;
    let p = store.project();
    assert_eq!(p.documents.len(), 23);
    assert!(p.codings.len() >= 500, "{} codings", p.codings.len());
    assert_eq!(p.coders.len(), 2);
    assert!(p.themes.len() >= 10 && p.quotes.len() >= 30 && p.memos.len() >= 20);
    // Every interview's jobseeker, therapist or social worker turns are attributed.
    let j4 = p.documents.values().find(|d| d.name() == "J4").ok_or("no J4")?;
    let attributed = j4.turns.iter().filter(|t| t.participant.is_some()).count();
    assert_eq!(attributed, j4.turns.len(), "J4 has unattributed turns");
    assert!(j4.text.contains('ø'), "J4 is the Norwegian interview");
    Ok(())
}

#[test]
fn building_over_an_existing_sample_needs_force() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let out = tmp.path().join("s.tema");
    std::fs::create_dir(&out)?;
    let run = Command::new(env!("CARGO_BIN_EXE_tema"))
        .args(["sample", "build", "--corpus"])
        .arg(common::corpus())
        .arg("--out")
        .arg(&out)
        .output()?;
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("--force"));
    assert!(Path::new(&out).read_dir()?.next().is_none(), "the existing folder was touched");
    Ok(())
}
