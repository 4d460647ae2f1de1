//! Team coding end to end: two coders in two clones of a project under git, `tema merge`
//! between copies, and the `agreement` and `compare` commands.

use std::path::Path;
use std::process::{Command, Output};
use tema::edit::Edit;
use tema::model::*;
use tema::store::Store;

mod common;
use common::copy_dir;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const J1: &str = "Intervjuer: Hvordan var møtet?\nJ1: Greit 😀, men de snakket om meg, ikke med meg.\n\
                  Intervjuer: Hvem var der?\nJ1: Terapeuten min, sosialarbeideren og Kari fra IPS.\n";
const J2: &str = "Intervjuer: Hva håper du på?\nJ2: En jobb 🇳🇴 der jeg blir sett, ærlig talt.\n";

fn tema(coder: &str, args: &[&str]) -> std::io::Result<Output> {
    Command::new(env!("CARGO_BIN_EXE_tema")).args(args).env("TEMA_CODER", coder).output()
}

fn ok(out: Output) -> Result<String, Box<dyn std::error::Error>> {
    if !out.status.success() {
        return Err(format!("command failed: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(String::from_utf8(out.stdout)?)
}

fn json(out: Output) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
    Ok(serde_json::from_str(&ok(out)?)?)
}

fn git(dir: &Path, args: &[&str]) -> Result<String, Box<dyn std::error::Error>> {
    // Identity on the command line: the test leaves every git configuration alone.
    let out = Command::new("git")
        .args(["-c", "user.name=Tema Test", "-c", "user.email=test@example.org", "-c", "init.defaultBranch=main"])
        .args(args)
        .current_dir(dir)
        .output()?;
    if !out.status.success() {
        return Err(format!(
            "git {args:?} failed in {}:\n{}{}",
            dir.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
        .into());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A project with two transcripts and a starting codebook, as a lead would set it up.
fn base_project(dir: &Path) -> TestResult {
    let mut store = Store::create(dir, "IPS-studien")?;
    let mut edits = Vec::new();
    for (name, text) in [("J1", J1), ("J2", J2)] {
        edits.push(Edit::AddDocument {
            document: Box::new(Document::new(DocId::new(), name, DocKind::Interview, text)),
            index: None,
        });
    }
    for (i, name) in ["Stemme", "Håp"].iter().enumerate() {
        edits.push(Edit::CreateCode { code: Code::new(CodeId::new(), *name, palette_colour(i)), index: None });
    }
    store.apply(Edit::batch("setup", edits))?;
    store.save()?;
    Ok(())
}

/// `tema code` with character positions found from the text itself.
fn code(dir: &Path, coder: &str, doc: &str, text: &str, phrase: &str, code: &str) -> TestResult {
    let byte = text.find(phrase).ok_or("phrase not in text")?;
    let start = text[..byte].chars().count();
    let end = start + phrase.chars().count();
    let d = dir.to_string_lossy();
    ok(tema(
        coder,
        &["code", &d, "--doc", doc, "--start", &start.to_string(), "--end", &end.to_string(), "--code", code],
    )?)?;
    Ok(())
}

#[test]
fn two_coders_in_two_git_clones_merge_without_conflicts() -> TestResult {
    if Command::new("git").arg("--version").output().is_err() {
        return Err("git is needed for this test".into());
    }
    let tmp = tempfile::tempdir()?;
    let lead = tmp.path().join("lead");
    base_project(&lead)?;
    git(&lead, &["init", "-q"])?;
    git(&lead, &["add", "-A"])?;
    git(&lead, &["commit", "-q", "-m", "Transcripts and codebook"])?;
    git(tmp.path(), &["clone", "-q", "--bare", "lead", "shared.git"])?;
    git(tmp.path(), &["clone", "-q", "shared.git", "ingrid"])?;
    git(tmp.path(), &["clone", "-q", "shared.git", "tom"])?;
    let (ingrid, tom) = (tmp.path().join("ingrid"), tmp.path().join("tom"));

    // Each codes independently in their own clone; each becomes a coder there.
    code(&ingrid, "Ingrid", "J1", J1, "de snakket om meg, ikke med meg", "Stemme")?;
    code(&ingrid, "Ingrid", "J2", J2, "der jeg blir sett", "Håp")?;
    code(&tom, "Tom", "J1", J1, "snakket om meg, ikke med meg", "Stemme")?;
    code(&tom, "Tom", "J2", J2, "En jobb 🇳🇴 der jeg blir sett", "Håp")?;
    code(&tom, "Tom", "J1", J1, "Kari fra IPS", "Stemme")?;

    // Save, commit, share: Ingrid first, then Tom pulls (a real merge) and pushes.
    for (dir, who) in [(&ingrid, "Ingrid"), (&tom, "Tom")] {
        ok(tema(who, &["save", &dir.to_string_lossy()])?)?;
        git(dir, &["add", "-A"])?;
        git(dir, &["commit", "-q", "-m", &format!("{who}'s coding")])?;
    }
    git(&ingrid, &["push", "-q", "origin", "main"])?;
    git(&tom, &["pull", "-q", "--no-rebase", "--no-edit", "origin", "main"])?;
    let status = git(&tom, &["status", "--porcelain"])?;
    assert!(status.is_empty(), "the merge left changes or conflicts:\n{status}");
    let log = git(&tom, &["log", "--oneline"])?;
    assert!(log.lines().next().is_some_and(|l| l.contains("Merge")), "expected a merge commit:\n{log}");
    git(&tom, &["push", "-q", "origin", "main"])?;
    git(&ingrid, &["pull", "-q", "--no-rebase", "origin", "main"])?;

    // Both clones now hold both coders' work, and Tema opens them without complaint.
    for (dir, who) in [(&ingrid, "Ingrid"), (&tom, "Tom")] {
        let out = tema(who, &["info", &dir.to_string_lossy(), "--json"])?;
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        let info = json(out)?;
        assert_eq!((info["coders"].as_u64(), info["codings"].as_u64()), (Some(2), Some(5)), "{}", dir.display());
        assert!(stderr.is_empty(), "warnings on opening {}: {stderr}", dir.display());
    }
    let files = git(&tom, &["ls-files", "codings"])?;
    assert_eq!(files.lines().collect::<Vec<_>>(), ["codings/ingrid.json", "codings/tom.json"]);

    // And the team can compare and compute agreement right away.
    let d = tom.to_string_lossy();
    let cmp = json(tema("Tom", &["compare", &d, "--doc", "J1", "--coders", "Ingrid,Tom", "--json"])?)?;
    let c = &cmp["comparisons"][0];
    assert_eq!(c["summary"]["boundaries"], 1);
    assert_eq!(c["summary"]["only_b"], 1);
    let report = json(tema("Tom", &["agreement", &d, "--json"])?)?;
    assert_eq!(report["documents"].as_array().map(Vec::len), Some(2));

    // A second round: each codes more, saves and syncs again; still no conflicts.
    code(&ingrid, "Ingrid", "J1", J1, "Terapeuten min", "Håp")?;
    code(&tom, "Tom", "J2", J2, "Hva håper du på?", "Håp")?;
    for (dir, who) in [(&ingrid, "Ingrid"), (&tom, "Tom")] {
        ok(tema(who, &["save", &dir.to_string_lossy()])?)?;
        git(dir, &["commit", "-q", "-am", &format!("{who}, round two")])?;
    }
    git(&tom, &["push", "-q", "origin", "main"])?;
    git(&ingrid, &["pull", "-q", "--no-rebase", "--no-edit", "origin", "main"])?;
    let info = json(tema("Ingrid", &["info", &ingrid.to_string_lossy(), "--json"])?)?;
    assert_eq!(info["codings"], 7);
    Ok(())
}

#[test]
fn merge_agreement_and_compare_commands() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let ours = tmp.path().join("ingrid.tema");
    base_project(&ours)?;
    let theirs = tmp.path().join("tom.tema");
    copy_dir(&ours, &theirs)?;
    code(&ours, "Ingrid", "J1", J1, "de snakket om meg, ikke med meg", "Stemme")?;
    code(&ours, "Ingrid", "J2", J2, "der jeg blir sett", "Håp")?;
    code(&theirs, "Tom", "J1", J1, "snakket om meg, ikke med meg", "Stemme")?;
    code(&theirs, "Tom", "J2", J2, "der jeg blir sett", "Håp")?;
    // Tom also makes a code of his own; his changes stay in his journal (not saved).
    code(&theirs, "Tom", "J1", J1, "Kari fra IPS", "Samarbeid")?;
    let (o, t) = (ours.to_string_lossy().to_string(), theirs.to_string_lossy().to_string());

    let dry = json(tema("Ingrid", &["merge", &o, &t, "--dry-run", "--json"])?)?;
    assert_eq!((dry["dry_run"].as_bool(), dry["applied"].as_bool()), (Some(true), Some(false)));
    assert_eq!(dry["added"]["codings"], 3);
    assert_eq!(json(tema("Ingrid", &["info", &o, "--json"])?)?["codings"], 2, "a dry run changes nothing");

    let text = ok(tema("Ingrid", &["merge", &o, &t])?)?;
    assert!(text.contains("Brought in") && text.contains("3 codings, 1 codes"), "{text}");
    let info = json(tema("Ingrid", &["info", &o, "--json"])?)?;
    assert_eq!(
        (info["codings"].as_u64(), info["coders"].as_u64(), info["codes"].as_u64()),
        (Some(5), Some(2), Some(3))
    );
    let again = json(tema("Ingrid", &["merge", &o, &t, "--json"])?)?;
    assert_eq!((again["applied"].as_bool(), again["added"]["codings"].as_u64()), (Some(false), Some(0)));
    // The merge is one step.
    let undone = json(tema("Ingrid", &["undo", &o, "--json"])?)?;
    assert!(undone["undone"].as_str().is_some_and(|s| s.starts_with("Merge")), "{undone}");
    assert_eq!(json(tema("Ingrid", &["info", &o, "--json"])?)?["codings"], 2);
    ok(tema("Ingrid", &["redo", &o])?)?;

    // Agreement in each format.
    let table = ok(tema("Ingrid", &["agreement", &o, "--coders", "Ingrid,Tom"])?)?;
    assert!(table.contains("All documents") && table.contains("(pooled)"), "{table}");
    let csv = ok(tema("Ingrid", &["agreement", &o, "--format", "csv", "--doc", "J2"])?)?;
    assert!(csv.starts_with("scope,document,code,coders,units,percent_agreement,cohen_kappa,krippendorff_alpha\n"));
    // In J2 they coded the same passage with the same code: perfect agreement on "Håp".
    assert!(csv.contains("document,J2,Håp,Ingrid + Tom,17,100,"), "{csv}");
    let md = ok(tema("Ingrid", &["agreement", &o, "--format", "md", "--include-uncoded"])?)?;
    assert!(md.contains("every character of each document"), "{md}");
    let out = tema("Ingrid", &["agreement", &o, "--coders", "Ingrid,Per"])?;
    assert!(String::from_utf8_lossy(&out.stderr).contains("no coder named \"Per\""));

    let cmp = ok(tema("Ingrid", &["compare", &o, "--doc", "J1", "--coders", "Ingrid,Tom"])?)?;
    assert!(cmp.contains("Different boundaries") && cmp.contains("Only B"), "{cmp}");
    let out = tema("Ingrid", &["compare", &o, "--doc", "J1", "--coders", "Ingrid"])?;
    assert!(String::from_utf8_lossy(&out.stderr).contains("two or more coder names"));
    Ok(())
}
