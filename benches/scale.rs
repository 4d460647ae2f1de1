//! Scale benchmark (issue 21): what a command costs on a large project, end to end.
//!
//! Builds a synthetic project through the store — `TEMA_SCALE=L` (default): 200 interviews
//! of 10,000 words (2 M words), 50,000 codings; `TEMA_SCALE=XL`: 2,000 interviews (20 M
//! words), 500,000 codings — two coders, the second repeating or overlapping part of the
//! first's codings, and saves it. Then measures:
//! - `Store::open_to_read` (what every read command does) in this process, against a
//!   reference: parsing the same JSON files into `serde_json::Value` (the floor any JSON
//!   reader pays);
//! - `tema info` and `tema search` end to end as processes (the release binary), with the
//!   peak memory of the children.
//!
//! Targets: `tema info` / `tema search` < 150 ms at 2 M words, < 1 s at 20 M words.
//! Run with `cargo bench --bench scale` (and `TEMA_SCALE=XL cargo bench --bench scale`);
//! `TEMA_SCALE_DIR=/some/where/L.tema` builds the project there once and keeps it.

mod common;
use common::{WORDS_PER_DOC, build_scale_project, scale_from_env};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use tema::edit::Edit;
use tema::model::*;
use tema::store::Store;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Peak resident memory of the finished children, in MB (Linux reports KB).
fn children_peak_mb() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    usage.ru_maxrss as f64 / 1024.0
}

/// Parses every JSON file of the project into `serde_json::Value`: the reference.
fn parse_json_files(dir: &Path) -> Result<usize, Box<dyn std::error::Error>> {
    let mut n = 0;
    let mut files = vec![dir.join("project.json"), dir.join("documents.json")];
    for e in std::fs::read_dir(dir.join("codings"))? {
        files.push(e?.path());
    }
    for f in files {
        let bytes = std::fs::read(&f)?;
        let v: serde_json::Value = serde_json::from_slice(&bytes)?;
        n += usize::from(!v.is_null());
    }
    Ok(n)
}

fn time_process(args: &[&str]) -> Result<Duration, Box<dyn std::error::Error>> {
    let t = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_tema")).args(args).output()?;
    let took = t.elapsed();
    if !out.status.success() {
        return Err(format!("tema {args:?} failed: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(took)
}

/// The app's save (issue 21: the UI thread blocked < 1 ms): what `Store::begin_save` costs on
/// the caller's thread, what the first edit made while the snapshot is written pays (it copies
/// the project the snapshot shares), `Store::finish_save`, and the save itself (the worker's
/// part), against a whole `Store::save` on one thread. Five saves, each after one new code.
fn save_off_the_ui_thread(dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let mut store = Store::open(dir)?;
    // Named by their ids: a project kept by TEMA_SCALE_DIR holds the codes of earlier runs.
    let new_code = |n: usize| {
        let id = CodeId::new();
        Edit::CreateCode { code: Code::new(id, format!("Saved {id}"), palette_colour(n)), index: None }
    };
    let (mut begin, mut first_edit, mut finish, mut run, mut whole) = (vec![], vec![], vec![], vec![], vec![]);
    for n in 0..5 {
        store.apply(new_code(2 * n))?;
        let t = Instant::now();
        let ticket = store.begin_save()?;
        begin.push(t.elapsed());
        let t = Instant::now();
        store.apply(new_code(2 * n + 1))?;
        first_edit.push(t.elapsed());
        let t = Instant::now();
        let done = ticket.run();
        run.push(t.elapsed());
        let t = Instant::now();
        store.finish_save(done)?;
        finish.push(t.elapsed());
        let t = Instant::now();
        store.save()?;
        whole.push(t.elapsed());
    }
    println!(
        "save off the UI thread: begin_save median {:.2} ms (target < 1 ms), finish_save {:.2} ms; the first edit \
         while the snapshot is written {:.1} ms (copies the project once); the snapshot written on the worker {:.0} ms; \
         a whole save on one thread {:.0} ms",
        ms(median(begin)),
        ms(median(finish)),
        ms(median(first_edit)),
        ms(median(run)),
        ms(median(whole))
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (size, docs, codings) = scale_from_env();
    let target = if size == "XL" { 1_000.0 } else { 150.0 };
    // TEMA_SCALE_DIR keeps the project (built once) for profiling a command by hand.
    let tmp = tempfile::tempdir()?;
    let dir = match std::env::var_os("TEMA_SCALE_DIR") {
        Some(d) => std::path::PathBuf::from(d),
        None => tmp.path().join("scale.tema"),
    };
    let t = Instant::now();
    if !dir.join("project.json").exists() {
        build_scale_project(&dir, docs, codings)?;
    }
    let d = dir.to_str().ok_or("temporary folder is not UTF-8")?;
    println!(
        "project: {docs} documents, {} M words, {codings} codings (two coders); built and saved in {:.1} s",
        docs * WORDS_PER_DOC / 1_000_000,
        t.elapsed().as_secs_f64()
    );
    // The search index, built once (not timed here: see benches/search.rs).
    time_process(&["index", d])?;

    let mut reference = Vec::new();
    let mut lean = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        parse_json_files(&dir)?;
        reference.push(t.elapsed());
        let t = Instant::now();
        let store = Store::open_to_read(&dir)?;
        lean.push(t.elapsed());
        assert_eq!(store.project().codings.len(), codings);
    }
    println!(
        "open to read, in process: median {:.0} ms; reference (the same JSON into serde_json::Value): {:.0} ms",
        ms(median(lean)),
        ms(median(reference))
    );
    // What a save off the UI thread would pay there if it copied the project (texts are
    // shared `Arc<str>`s; codings, turns and the rest are copied).
    let store = Store::open_to_read(&dir)?;
    let mut clones = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let copy = store.project().clone();
        clones.push(t.elapsed());
        assert_eq!(copy.codings.len(), codings);
    }
    println!("a copy of the whole project in memory: median {:.1} ms", ms(median(clones)));
    drop(store);
    save_off_the_ui_thread(&dir)?;
    for (what, args) in [("tema info", vec!["info", d]), ("tema search", vec!["search", d, "meeting therapist"])] {
        let mut runs = Vec::new();
        for _ in 0..3 {
            runs.push(time_process(&args)?);
        }
        println!("{what}, end to end: median {:.0} ms (3 runs; target < {target:.0} ms)", ms(median(runs)));
    }
    println!("peak memory of a command: {:.0} MB", children_peak_mb());
    Ok(())
}
