//! Seeded mutation fuzzing on stable Rust (issue 15, item 7).
//!
//! Every importer (over the files in `tests/fixtures/import/`), the query parser and search,
//! and the project loader (over a small saved project) get inputs made by mutating good ones:
//! bits flipped, bytes inserted, ranges deleted, duplicated or cut off. Each must return
//! `Ok` or an error: a panic fails the test, and so does an input that takes longer than
//! [`HANG`] (a watchdog aborts). The input is first written to `target/fuzz-crashes/`, and
//! the message says where: copy it into `tests/fixtures/fuzz/<target>/`, where every file is
//! run again by each test run, forever.
//!
//! `TEMA_FUZZ_SECONDS` (default 40) is the whole budget, shared by the targets;
//! `TEMA_FUZZ_SEED` picks the sequence (the default is fixed, so CI runs the same inputs).
//! A longer run: `TEMA_FUZZ_SECONDS=3600 TEMA_FUZZ_SEED=$RANDOM cargo test --release --test fuzz`
//! (see docs/RELIABILITY.md).

mod common;

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tema::edit::Edit;
use tema::import::{self, Limits};
use tema::model::*;
use tema::store::Store;
use tema::testing::Rng;

/// Longest any one input may take.
const HANG: Duration = Duration::from_secs(30);

/// Bytes that make parsers take another branch.
const INTERESTING: &[&[u8]] = &[
    b"\0",
    b"\xff",
    b"\r\n",
    b"<",
    b">",
    b"</div>",
    b"<div>",
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b"\\",
    b"-->",
    b"00:00:01,000 --> ",
    b"NOT ",
    b"(",
    b")",
    b"obj",
    b"endobj",
    b"stream",
    b"/Parent",
    b"PK\x03\x04",
    b"{\\rtf1",
    b"\xc3\xa6",
    b"\xf0\x9f\x98\x80",
];

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        let len = out.len();
        match rng.below(7) {
            0 if len > 0 => {
                let i = rng.below(len);
                out[i] ^= 1 << rng.below(8);
            }
            1 => {
                let i = rng.below(len + 1);
                let b = rng.next_u64() as u8;
                out.insert(i, b);
            }
            2 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(64));
                out.drain(i..i + n);
            }
            3 if len > 0 => {
                let i = rng.below(len);
                let n = 1 + rng.below((len - i).min(256));
                let piece = out[i..i + n].to_vec();
                let at = rng.below(out.len() + 1);
                out.splice(at..at, piece);
            }
            4 if len > 0 => out.truncate(rng.below(len)),
            5 => {
                let token = INTERESTING[rng.below(INTERESTING.len())];
                let at = rng.below(len + 1);
                let most = if rng.below(8) == 0 { 2_000 } else { 3 };
                let times = 1 + rng.below(most);
                let piece = token.repeat(times);
                out.splice(at..at, piece);
            }
            _ if len > 0 => {
                let i = rng.below(len);
                out[i] = rng.next_u64() as u8;
            }
            _ => out.push(rng.next_u64() as u8),
        }
    }
    out
}

/// The input being run: its target and bytes.
type Current = Arc<std::sync::Mutex<Option<(String, Vec<u8>)>>>;

/// Aborts the test process if one input runs longer than [`HANG`], after saving it.
struct Watchdog {
    started: Arc<AtomicU64>,
    epoch: Instant,
    current: Current,
}

impl Watchdog {
    fn new() -> Watchdog {
        let started = Arc::new(AtomicU64::new(u64::MAX));
        let current: Current = Arc::default();
        let epoch = Instant::now();
        let (s, c) = (Arc::clone(&started), Arc::clone(&current));
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(Duration::from_millis(500));
                let at = s.load(Ordering::Relaxed);
                if at != u64::MAX && epoch.elapsed().as_millis() as u64 > at + HANG.as_millis() as u64 {
                    if let Ok(Some((target, input))) = c.lock().map(|g| g.clone()) {
                        let path = save_crash(&target, &input);
                        eprintln!("fuzz: {target} input ran longer than {HANG:?}; saved as {}", path.display());
                    }
                    std::process::abort();
                }
            }
        });
        Watchdog { started, epoch, current }
    }

    fn run(&self, target: &str, input: &[u8], f: impl FnOnce(&[u8])) -> Result<(), String> {
        if let Ok(mut c) = self.current.lock() {
            *c = Some((target.to_string(), input.to_vec()));
        }
        self.started.store(self.epoch.elapsed().as_millis() as u64, Ordering::Relaxed);
        let result = catch_unwind(AssertUnwindSafe(|| f(input)));
        self.started.store(u64::MAX, Ordering::Relaxed);
        result.map_err(|_| {
            let path = save_crash(target, input);
            format!("{target} panicked on an input saved as {}", path.display())
        })
    }
}

fn save_crash(target: &str, input: &[u8]) -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fuzz-crashes").join(target);
    let _ = fs::create_dir_all(&dir);
    let path = dir.join(&blake3::hash(input).to_hex()[..16]);
    let _ = fs::write(&path, input);
    path
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Regression inputs kept for a target: every file in `tests/fixtures/fuzz/<target>/`.
fn regressions(target: &str) -> Vec<Vec<u8>> {
    let dir = fixtures().join("fuzz").join(target);
    let Ok(entries) = fs::read_dir(dir) else { return Vec::new() };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).filter(|p| p.is_file()).collect();
    paths.sort();
    paths.iter().filter_map(|p| fs::read(p).ok()).collect()
}

fn budget() -> Duration {
    let secs = std::env::var("TEMA_FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(40);
    Duration::from_secs(secs)
}

fn seed(salt: u64) -> Rng {
    let seed = std::env::var("TEMA_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x7e3a_2026);
    Rng(seed ^ salt.wrapping_mul(0x9E37_79B9))
}

/// Runs one importer on its fixtures and on mutations of them for `time`; returns how many
/// inputs ran.
fn fuzz_target(
    dog: &Watchdog,
    target: &str,
    seeds: &[Vec<u8>],
    time: Duration,
    salt: u64,
    f: &dyn Fn(&[u8]),
) -> Result<usize, String> {
    let mut ran = 0;
    for input in regressions(target).iter().chain(seeds) {
        dog.run(target, input, f)?;
        ran += 1;
    }
    if seeds.is_empty() {
        return Ok(ran);
    }
    let mut rng = seed(salt);
    let until = Instant::now() + time;
    while Instant::now() < until {
        let base = &seeds[rng.below(seeds.len())];
        let input = mutate(&mut rng, base);
        dog.run(target, &input, f)?;
        ran += 1;
    }
    Ok(ran)
}

fn seeds_with(ext: &[&str]) -> Vec<Vec<u8>> {
    let Ok(entries) = fs::read_dir(fixtures().join("import")) else { return Vec::new() };
    let mut paths: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| ext.contains(&e.to_string_lossy().to_ascii_lowercase().as_str())))
        .collect();
    paths.sort();
    paths.iter().filter_map(|p| fs::read(p).ok()).collect()
}

#[test]
fn importers_survive_mutated_files() {
    let dog = Watchdog::new();
    // PDFs are read the way the program reads them: in a child process with limits.
    import::pdf::use_child_process(import::pdf::ChildLimits {
        exe: PathBuf::from(env!("CARGO_BIN_EXE_tema")),
        time: Duration::from_secs(10),
        memory: 1 << 30,
    });
    let limits = Limits::default();
    let text = |b: &[u8]| import::txt::decode(b.to_vec()).map(|d| d.text).unwrap_or_default();
    type Target<'a> = (&'a str, Vec<Vec<u8>>, Box<dyn Fn(&[u8]) + 'a>);
    let targets: Vec<Target> = vec![
        ("txt", seeds_with(&["txt"]), Box::new(|b: &[u8]| drop(import::txt::decode(b.to_vec())))),
        ("html", seeds_with(&["html"]), Box::new(move |b: &[u8]| drop(import::html::html_text(&text(b))))),
        ("md", seeds_with(&["md", "txt"]), Box::new(move |b: &[u8]| drop(import::md::markdown_text(&text(b))))),
        ("vtt", seeds_with(&["vtt"]), Box::new(move |b: &[u8]| drop(import::vtt::parse(&text(b))))),
        ("srt", seeds_with(&["srt"]), Box::new(move |b: &[u8]| drop(import::srt::parse(&text(b))))),
        ("rtf", seeds_with(&["rtf"]), Box::new(|b: &[u8]| drop(import::rtf::extract(b)))),
        ("docx", seeds_with(&["docx"]), Box::new(|b: &[u8]| drop(import::docx::extract(b, &limits)))),
        ("odt", seeds_with(&["odt"]), Box::new(|b: &[u8]| drop(import::odt::extract(b, &limits)))),
        ("pdf", seeds_with(&["pdf"]), Box::new(|b: &[u8]| drop(import::pdf::extract(b)))),
        ("csv", seeds_with(&["csv"]), Box::new(|b: &[u8]| drop(import::participants::parse_csv(b.to_vec())))),
        ("normalise", seeds_with(&["txt"]), Box::new(move |b: &[u8]| drop(import::normalise::normalise(text(b))))),
    ];
    let share = budget().mul_f64(0.6) / targets.len() as u32;
    let mut total = 0;
    for (i, (name, seeds, f)) in targets.iter().enumerate() {
        assert!(!seeds.is_empty(), "no fixtures for {name}");
        match fuzz_target(&dog, name, seeds, share, i as u64, f.as_ref()) {
            Ok(n) => total += n,
            Err(e) => panic!("{e}"),
        }
    }
    println!("fuzz: {total} import inputs");
}

#[test]
fn queries_survive_mutation() {
    let dog = Watchdog::new();
    let mut project = Project::new("fuzz");
    let doc =
        Document::new(DocId::from_u128(1), "J4", DocKind::Interview, "J4: Møtet var bra 😀, vi snakket om jobb.\n");
    if let Err(e) = project.apply(Edit::AddDocument { document: Box::new(doc), index: None }) {
        panic!("{e}");
    }
    let index = match tema::index::SearchIndex::in_memory(project.settings.language) {
        Ok(i) => i,
        Err(e) => panic!("{e}"),
    };
    if let Err(e) = index.sync(&project, &tema::progress::Progress::new()) {
        panic!("{e}");
    }
    let seeds: Vec<Vec<u8>> = [
        "jobb",
        "\"møtet var\"~2",
        "jobb* OR møt~1 AND NOT (bra -vi)",
        "speaker:J4 group:\"jobb søker\" doc:J4*",
        "((a OR b) AND (c OR NOT d))",
        "NOT NOT NOT jobb",
    ]
    .iter()
    .map(|s| s.as_bytes().to_vec())
    .collect();
    let run = |b: &[u8]| {
        let q = String::from_utf8_lossy(b);
        let _ = tema::index::query::try_parse(&q);
        let _ = tema::index::search(&index, &project, &tema::index::SearchRequest::new(q.into_owned()));
    };
    match fuzz_target(&dog, "query", &seeds, budget().mul_f64(0.15), 99, &run) {
        Ok(n) => println!("fuzz: {n} queries"),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn the_project_loader_survives_mutated_files() {
    let dog = Watchdog::new();
    let tmp = match tempfile::tempdir() {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    };
    let good = tmp.path().join("good");
    if let Err(e) = saved_project(&good) {
        panic!("{e}");
    }
    // The document's text too: a changed text is quarantined and repaired, never a panic.
    let text = format!("texts/{}.txt", DocId::from_u128(10));
    let files = [
        "project.json",
        "documents.json",
        "codebook.json",
        "codings/ingrid.json",
        "memos.json",
        "journal.jsonl",
        "manifest.json",
        "history.json",
        text.as_str(),
    ];
    let mut rng = seed(7);
    let until = Instant::now() + budget().mul_f64(0.25);
    let mut ran = 0;
    let work = tmp.path().join("work");
    // Regression inputs name the file they replace on their first line.
    let mut inputs: Vec<(String, Vec<u8>)> = regressions("loader")
        .into_iter()
        .filter_map(|b| {
            let nl = b.iter().position(|&c| c == b'\n')?;
            Some((String::from_utf8_lossy(&b[..nl]).into_owned(), b[nl + 1..].to_vec()))
        })
        .collect();
    loop {
        let (file, bytes) = match inputs.pop() {
            Some(x) => x,
            None if Instant::now() < until => {
                let file = files[rng.below(files.len())];
                let Ok(original) = fs::read(good.join(file)) else { continue };
                (file.to_string(), mutate(&mut rng, &original))
            }
            None => break,
        };
        let _ = fs::remove_dir_all(&work);
        if let Err(e) = copy_dir(&good, &work).and_then(|_| fs::write(work.join(&file), &bytes)) {
            panic!("{e}");
        }
        let saved = [file.as_bytes(), b"\n", &bytes].concat();
        let result = dog.run("loader", &saved, |_| {
            let _ = Store::open_read_only(&work).map(|s| s.project().codings.len());
            if let Ok(mut s) = Store::open(&work) {
                let _ = s.save();
            }
            let _ = Store::open_repairing(&work, false).map(|s| s.unanchored().len());
        });
        if let Err(e) = result {
            panic!("{e}");
        }
        ran += 1;
    }
    println!("fuzz: {ran} damaged projects");
}

fn saved_project(dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let mut store = common::j4_store(dir, "Fuzz", "J4: Møtet var bra 😀. Vi snakket om jobb.\n")?;
    for n in 0..5 {
        let start = n * 5;
        store.apply(Edit::AddCoding { coding: common::j4_coding(100 + n as u128, start, start + 3) })?;
    }
    store.save()?;
    // Two more, left in the journal.
    let unsaved = Coding { comment: "unsaved".into(), ..common::j4_coding(200, 30, 35) };
    store.apply(Edit::AddCoding { coding: unsaved })?;
    store.undo()?;
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else if entry.file_type()?.is_file() {
            fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}
