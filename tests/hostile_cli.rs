//! Hostile inputs through the `tema` program (issue 15): files that hang or exhaust a reader,
//! queries that would overflow the stack, a read-only medium, a lock held elsewhere, names
//! with escape sequences. Each must end quickly with one clear line and a non-zero exit, and
//! touch nothing outside the scratch folder (a sentinel beside it is checksummed).

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use tema::edit::Edit;
use tema::model::*;
use tema::store::Store;

mod common;
use common::{stderr, tema};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Hashes of every file below `dir`.
fn sums(dir: &Path) -> std::io::Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            for (k, v) in sums(&path)? {
                out.insert(format!("{}/{k}", path.display()), v);
            }
        } else {
            out.insert(path.display().to_string(), blake3::hash(&fs::read(&path)?).to_hex().to_string());
        }
    }
    Ok(out)
}

fn sentinel(scratch: &Path) -> std::io::Result<(std::path::PathBuf, BTreeMap<String, String>)> {
    let dir = scratch.join("sentinel");
    fs::create_dir_all(&dir)?;
    fs::write(dir.join("victim"), "precious\n")?;
    Ok((dir.clone(), sums(&dir)?))
}

fn project(dir: &Path) -> TestResult {
    let mut store = Store::create(dir, "Study")?;
    let doc =
        Document::new(DocId::new(), "J4", DocKind::Interview, "J4: Møtet 😀 var bra, men jeg ble snakket om jobb.\n");
    store.apply(Edit::AddDocument { document: Box::new(doc), index: None })?;
    store.save()?;
    Ok(())
}

/// A minimal PDF with the given objects (numbered from 1, object 1 the catalogue) and a
/// correct cross-reference table.
fn pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes(),
    );
    out
}

/// `tema import dir file` with the environment variable `env` set, which must fail; what it
/// printed, stdout and stderr together.
fn refused_import(dir: &Path, file: &Path, env: (&str, &str)) -> Result<String, Box<dyn std::error::Error>> {
    let out = Command::new(env!("CARGO_BIN_EXE_tema"))
        .args(["import", &dir.to_string_lossy(), &file.to_string_lossy()])
        .env(env.0, env.1)
        .output()?;
    assert!(!out.status.success(), "the import of {} was not refused", file.display());
    Ok(format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out)))
}

#[test]
fn a_pdf_whose_page_is_its_own_parent_stops_at_the_time_limit() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let (sentinel_dir, before) = sentinel(tmp.path())?;
    let dir = tmp.path().join("p");
    project(&dir)?;
    // The page names itself as its parent and has no media box: looking the box up the
    // page tree never ends.
    let file = tmp.path().join("loop.pdf");
    fs::write(
        &file,
        pdf(&[
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 3 0 R /Contents 4 0 R >>".to_vec(),
            b"<< /Length 0 >>\nstream\n\nendstream".to_vec(),
        ]),
    )?;
    assert!(fs::metadata(&file)?.len() < 1000);
    let started = Instant::now();
    let msg = refused_import(&dir, &file, ("TEMA_PDF_SECONDS", "3"))?;
    let took = started.elapsed();
    assert!(msg.contains("loop.pdf") && msg.contains("took longer than 3 seconds"), "{msg}");
    assert!(took < Duration::from_secs(30), "{took:?}");
    assert_eq!(sums(&sentinel_dir)?, before);
    Ok(())
}

/// `tests/fixtures/hostile/stream-bomb.pdf`: 1 MB whose one content stream inflates to 1 GiB
/// of zeros (made with Python's zlib at level 9: 1,024 chunks of 1 MiB).
#[test]
fn a_pdf_stream_bomb_stops_at_the_memory_limit() -> TestResult {
    let (_tmp, dir, _) = common::project_made("p", project)?;
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile/stream-bomb.pdf");
    assert!(fs::metadata(&file)?.len() < 1_100_000);
    let msg = refused_import(&dir, &file, ("TEMA_PDF_MEMORY_MB", "512"))?;
    assert!(msg.contains("stream-bomb.pdf") && msg.contains("more than 512 MB of memory"), "{msg}");
    Ok(())
}

#[test]
fn a_fifo_given_to_import_is_refused_at_once() -> TestResult {
    let (tmp, dir, _) = common::project_made("p", project)?;
    let fifo = tmp.path().join("pipe.txt");
    let made = Command::new("mkfifo").arg(&fifo).status()?;
    assert!(made.success());
    let started = Instant::now();
    let msg = refused_import(&dir, &fifo, ("TEMA_CODER", "Ingrid"))?;
    assert!(started.elapsed() < Duration::from_secs(20), "{:?}", started.elapsed());
    assert!(msg.contains("named pipe") && msg.contains("only regular files"), "{msg}");
    Ok(())
}

#[test]
fn deep_or_long_queries_are_refused_with_a_clear_error() -> TestResult {
    let (_tmp, _, d) = common::project_made("p", project)?;
    for (query, expect) in [
        ("NOT ".repeat(1_000) + "jobb", "more than 64 deep"),
        ("(".repeat(20_000) + "jobb", "at most 10000"),
        ("(".repeat(5_000) + "jobb", "more than 64 deep"),
    ] {
        let out = tema(&["search", &d, &query])?;
        // Exit code 1 (an error), not a signal (a stack overflow aborts).
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(stderr(&out).contains(expect), "{}", stderr(&out));
    }
    let out = tema(&["search", &d, "jobb"])?;
    assert!(out.status.success(), "{}", stderr(&out));
    Ok(())
}

#[test]
fn read_commands_work_while_another_tema_writes_and_writers_can_wait() -> TestResult {
    let (_tmp, dir, d) = common::project_made("p", project)?;
    let holder = Store::open(&dir)?;
    let out = tema(&["info", &d, "--json"])?;
    assert!(out.status.success(), "{}", stderr(&out));
    let info: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(info["read_only"], true);
    let held = info["held_by"].as_str().unwrap_or_default().to_string();
    assert!(held.contains(&format!("process {}", std::process::id())), "{held}");
    // A writer without --wait fails at once, naming the holder.
    let out = tema(&["code", &d, "--doc", "J4", "--start", "0", "--end", "2", "--code", "A"])?;
    assert!(!out.status.success());
    assert!(stderr(&out).contains(&format!("process {}", std::process::id())), "{}", stderr(&out));
    // With --wait it gets the project once the holder lets go.
    let release = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(500));
        drop(holder);
    });
    let out = tema(&["--wait", "30", "code", &d, "--doc", "J4", "--start", "0", "--end", "2", "--code", "A"])?;
    release.join().map_err(|_| "release thread failed")?;
    assert!(out.status.success(), "{}", stderr(&out));
    Ok(())
}

#[test]
fn a_damaged_project_is_read_and_repaired_on_the_command_line() -> TestResult {
    let (_tmp, dir, d) = common::project_made("p", project)?;
    for end in [2, 4, 6] {
        let out = tema(&["code", &d, "--doc", "J4", "--start", "0", "--end", &end.to_string(), "--code", "A"])?;
        assert!(out.status.success(), "{}", stderr(&out));
    }
    assert!(tema(&["save", &d])?.status.success());
    fs::write(dir.join("codings/ingrid.json"), "")?;
    let out = tema(&["info", &d, "--json"])?;
    let info: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(info["codings"], 0);
    assert_eq!(info["damaged"][0], "codings/ingrid.json held 3 codings at the last save and is empty");
    let out = tema(&["code", &d, "--doc", "J4", "--start", "0", "--end", "8", "--code", "A"])?;
    assert!(!out.status.success());
    assert!(stderr(&out).contains("tema repair"), "{}", stderr(&out));
    let out = tema(&["repair", &d])?;
    assert!(!out.status.success());
    let out = tema(&["repair", &d, "--accept-loss"])?;
    assert!(out.status.success(), "{}", stderr(&out));
    let out = tema(&["code", &d, "--doc", "J4", "--start", "0", "--end", "8", "--code", "A"])?;
    assert!(out.status.success(), "{}", stderr(&out));
    Ok(())
}

/// A read-only bind mount in a private mount namespace (`unshare -m`, which works as root).
#[test]
fn a_project_on_a_read_only_mount_can_be_read() -> TestResult {
    let (_tmp, _, d) = common::project_made("p", project)?;
    let exe = env!("CARGO_BIN_EXE_tema");
    let script = format!(
        "mount --bind '{d}' '{d}' && mount -o remount,bind,ro '{d}' || exit 77; \
         '{exe}' info '{d}' --json && '{exe}' search '{d}' jobb --json >/dev/null && \
         '{exe}' code '{d}' --doc J4 --start 0 --end 2 --code A"
    );
    let out = match Command::new("unshare").args(["-m", "sh", "-c", &script]).output() {
        Ok(out) => out,
        Err(e) => {
            println!("skipped: unshare is not available ({e})");
            return Ok(());
        }
    };
    if out.status.code() == Some(77) || stderr(&out).contains("unshare failed") {
        println!("skipped: no read-only bind mount here ({})", stderr(&out));
        return Ok(());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("\"documents\": 1"), "{text}\n{}", stderr(&out));
    // The write is refused with a message about the folder, not a hang or a crash.
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("Read-only file system") || stderr(&out).contains("read-only"), "{}", stderr(&out));
    Ok(())
}

#[test]
fn escape_sequences_in_names_do_not_reach_the_terminal() -> TestResult {
    let (_tmp, dir, d) = common::project_path("p")?;
    let mut store = Store::create(&dir, "Study")?;
    let name = "J4\u{1b}]0;pwned\u{7}\u{1b}[2J";
    let doc = Document::new(DocId::new(), name, DocKind::Interview, "J4: hei.\n");
    store.apply(Edit::AddDocument { document: Box::new(doc), index: None })?;
    drop(store);
    // Through a pseudo-terminal, as a person would see it (`script` from util-linux).
    let exe = env!("CARGO_BIN_EXE_tema");
    let out = match Command::new("script").args(["-qec", &format!("'{exe}' docs '{d}'"), "/dev/null"]).output() {
        Ok(out) => out,
        Err(e) => {
            println!("skipped: `script` is not available ({e})");
            return Ok(());
        }
    };
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("J4\u{FFFD}]0;pwned\u{FFFD}\u{FFFD}[2J"), "{shown:?}");
    assert!(!shown.contains('\u{1b}') && !shown.contains('\u{7}'), "{shown:?}");
    // Output to a pipe is data and stays exact; JSON escapes the characters.
    let out = tema(&["docs", &d, "--json"])?;
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(rows[0]["name"], name);
    Ok(())
}

#[test]
fn an_error_is_one_clean_line_and_a_failure() -> TestResult {
    // A path holding an escape sequence: the message names it, made visible, on one line.
    let out = tema(&["info", "/nonexistent/\u{1b}[2J"])?;
    assert_eq!(out.status.code(), Some(1));
    let msg = stderr(&out);
    assert_eq!(msg.lines().count(), 1, "{msg}");
    assert!(msg.starts_with("error: ") && msg.contains("\u{FFFD}[2J") && !msg.contains('\u{1b}'), "{msg}");
    Ok(())
}

/// A real panic, provoked from outside the process through the test hook (an environment
/// variable with a long explicit name and value, see docs/RELIABILITY.md): the user sees one
/// line, not Rust's message and backtrace, and the exit code is 70 (EX_SOFTWARE); the
/// project is untouched.
#[test]
fn an_internal_error_is_reported_in_one_line_with_exit_code_70() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("p");
    let store = Store::create(&dir, "Panics")?;
    let before = store.project().clone();
    drop(store);
    let d = dir.to_string_lossy();
    let run = |value: &str, backtrace: bool| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_tema"));
        cmd.args(["info", &d]).env("TEMA_PANIC_ON_PURPOSE_TO_TEST_THE_REPORT", value).env_remove("RUST_BACKTRACE");
        if backtrace {
            cmd.env("RUST_BACKTRACE", "1");
        }
        cmd.output()
    };
    let out = run("yes, panic", false)?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(70), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line, nothing else: {stderr}");
    assert!(lines[0].starts_with("error: Tema stopped on an internal error (a panic on purpose"), "{stderr}");
    assert!(lines[0].contains("src/main.rs:") && lines[0].ends_with("Please report it."), "{stderr}");
    assert!(!stderr.contains("panicked at") && !stderr.contains("backtrace"), "{stderr}");
    assert!(out.stdout.is_empty());
    // RUST_BACKTRACE brings Rust's own report back, for a developer.
    let out = run("yes, panic", true)?;
    assert_eq!(out.status.code(), Some(70));
    assert!(String::from_utf8_lossy(&out.stderr).contains("panicked at"));
    // Any other value is not the hook: the command runs.
    let out = run("1", false)?;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(Store::open(&dir)?.project(), &before);
    Ok(())
}
