//! Core benchmark (issue 2): a synthetic project of 2 M words in 200 documents, 500 codes and
//! 50,000 codings. Measures open-to-ready, the latency of an acknowledged edit (journal append
//! and fsync), the same edits as the app makes them (the line written, the fsync on the
//! store's sync thread: `Store::sync_in_background`) with the wait for the last one to be on
//! disk, and a full save (snapshot). Run with `cargo bench --bench core`;
//! `TEMA_BENCH_DISK_LOAD=1` runs the edits while another thread writes and fsyncs 8 MB at a
//! time in the same folder (a disk shared with a sync client or a backup).
//!
//! Targets: open < 300 ms; edit p99 < 10 ms; save < 1 s.

mod common;
use common::{documents_and_codes, rng};
use std::time::{Duration, Instant};
use tema::edit::Edit;
use tema::model::*;
use tema::store::Store;

const DOCS: usize = 200;
const WORDS_PER_DOC: usize = 10_000;
const CODES: usize = 500;
const CODINGS: usize = 50_000;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("bench.tema");
    let build = Instant::now();
    let mut store = Store::create(&dir, "Benchmark")?;
    let coder = store.project().new_coder("Bench");
    let coder_id = coder.id;
    let mut edits = vec![Edit::AddCoder { coder, index: None }];
    let (docs, codes) = documents_and_codes(DOCS, WORDS_PER_DOC, CODES, &mut edits);
    store.apply(Edit::batch("documents and codes", edits))?;
    let mut s = 42u64;
    let mut codings = Vec::with_capacity(CODINGS);
    for _ in 0..CODINGS {
        let (doc, len) = docs[(rng(&mut s) % DOCS as u64) as usize];
        let start = (rng(&mut s) % (len as u64 - 400)) as usize;
        codings.push(Edit::AddCoding {
            coding: Coding {
                id: CodingId::new(),
                doc,
                span: Span::new(start, start + 20 + (rng(&mut s) % 300) as usize),
                code: codes[(rng(&mut s) % CODES as u64) as usize],
                coder: coder_id,
                created: chrono::Utc::now(),
                comment: String::new(),
            },
        });
    }
    store.apply(Edit::batch("codings", codings))?;
    store.save()?;
    let words = store.project().word_count();
    let bytes: usize = store.project().documents.values().map(|d| d.text.len()).sum();
    println!(
        "project: {} documents, {words} words ({:.1} MB of text), {} codes, {} codings; built in {:.1} s",
        DOCS,
        bytes as f64 / 1e6,
        store.project().codes.len(),
        store.project().codings.len(),
        build.elapsed().as_secs_f64()
    );
    drop(store);

    // Open to ready: load every file, verify every text, check every invariant.
    let mut opens = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        let store = Store::open(&dir)?;
        opens.push(t.elapsed());
        assert_eq!(store.project().codings.len(), CODINGS);
    }
    opens.sort();
    println!(
        "open to ready: median {:.0} ms, worst {:.0} ms (7 runs; target < 300 ms)",
        ms(percentile(&opens, 0.5)),
        ms(opens[6])
    );

    // Acknowledged edits: each returns after its journal line is fsynced; then the same edits
    // as the app makes them, each returning once its line is written.
    let load = std::env::var_os("TEMA_BENCH_DISK_LOAD").map(|_| DiskLoad::start(tmp.path()));
    let mut store = Store::open(&dir)?;
    let edit_at = |i: usize, s: &mut u64| {
        let (doc, len) = docs[i % DOCS];
        let start = (rng(s) % (len as u64 - 100)) as usize;
        Edit::AddCoding {
            coding: Coding {
                id: CodingId::new(),
                doc,
                span: Span::new(start, start + 50),
                code: codes[i % CODES],
                coder: coder_id,
                created: chrono::Utc::now(),
                comment: String::new(),
            },
        }
    };
    let mut lat = Vec::new();
    for i in 0..1_000 {
        let edit = edit_at(i, &mut s);
        let t = Instant::now();
        store.apply(edit)?;
        lat.push(t.elapsed());
    }
    lat.sort();
    println!(
        "acknowledged edit (apply + journal + fsync): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms (1000 edits; target p99 < 10 ms)",
        ms(percentile(&lat, 0.5)),
        ms(percentile(&lat, 0.99)),
        ms(lat[lat.len() - 1])
    );
    store.sync_in_background()?;
    let mut lat = Vec::new();
    let all = Instant::now();
    for i in 1_000..2_000 {
        let edit = edit_at(i, &mut s);
        let t = Instant::now();
        store.apply(edit)?;
        lat.push(t.elapsed());
    }
    let applied = all.elapsed();
    store.wait_durable()?;
    let durable = all.elapsed();
    lat.sort();
    println!(
        "edit as the app makes it (apply + journal, fsync on the sync thread): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; \
         1000 edits applied in {:.0} ms, all on disk after {:.0} ms{}",
        ms(percentile(&lat, 0.5)),
        ms(percentile(&lat, 0.99)),
        ms(lat[lat.len() - 1]),
        ms(applied),
        ms(durable),
        if load.is_some() { " (disk loaded)" } else { "" }
    );
    drop(load);

    // Save: serialise every concern, write changed files, commit, restart the journal.
    let mut saves = Vec::new();
    for (i, (doc, _)) in docs.iter().take(5).enumerate() {
        // Touch codings and the codebook so the big files really are rewritten.
        store.apply(Edit::AddCoding {
            coding: Coding {
                id: CodingId::new(),
                doc: *doc,
                span: Span::new(10, 30 + i),
                code: codes[0],
                coder: coder_id,
                created: chrono::Utc::now(),
                comment: String::new(),
            },
        })?;
        let t = Instant::now();
        store.save()?;
        saves.push(t.elapsed());
    }
    saves.sort();
    println!(
        "save (snapshot of 50k codings): median {:.0} ms, worst {:.0} ms (5 runs; target < 1 s)",
        ms(saves[2]),
        ms(saves[4])
    );
    Ok(())
}

/// Another program writing to the same disk: 8 MB at a time, each fsynced, until dropped.
struct DiskLoad {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl DiskLoad {
    fn start(dir: &std::path::Path) -> DiskLoad {
        use std::io::Write;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (flag, path) = (std::sync::Arc::clone(&stop), dir.join("disk-load.bin"));
        let thread = std::thread::spawn(move || {
            let chunk = vec![7u8; 8 << 20];
            while !flag.load(std::sync::atomic::Ordering::Relaxed) {
                let written =
                    std::fs::File::create(&path).and_then(|mut f| f.write_all(&chunk).and_then(|_| f.sync_all()));
                if written.is_err() {
                    return;
                }
            }
        });
        DiskLoad { stop, thread: Some(thread) }
    }
}

impl Drop for DiskLoad {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
