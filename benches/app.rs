//! The app at scale (issue 21): the real app, headless (kittest), on a synthetic project of
//! `TEMA_SCALE=L` (default) 2 M words / 50,000 codings or `TEMA_SCALE=XL` 20 M words / 500,000
//! codings (`S`, 100,000 words, checks in a debug build that the benchmark runs). The project
//! is the one `benches/scale.rs` builds (`benches/common::build_scale_project`).
//!
//! Measures, and prints as a table:
//! - opening: from starting the app (`TemaApp::new_opening_in_background`, as a person starts
//!   it) to the window's first frames, to the documents list on screen, and to the first usable
//!   frame (the project loaded and its first document painted);
//! - every view in tab order: its first frame, then `TEMA_APP_EDITS` edits (default 20),
//!   alternately coding a span of the open document and renaming a code, each queued as the
//!   views queue them: the frame that applies the edit (journal append and fsync included)
//!   and the frame after it, which paints the changed project (p50/p99/max);
//! - the peak resident memory (VmHWM) of the process that ran the app.
//!
//! The project is built (and saved) in this process, then measured in a child process (this
//! same program, told by `TEMA_APP_BENCH_PROJECT` where the project is) so that the peak
//! memory is the app's alone. Everything is written in a temporary folder;
//! `TEMA_SCALE_DIR=/some/where/L.tema` builds the project there once and keeps it (the app
//! then works on a copy, so the kept project stays as built).
//!
//! Kittest builds the AccessKit tree every frame (as when a screen reader is on), which the
//! app without one does not: frame times here are an upper bound.
//!
//!     cargo bench --bench app                   # 2 M words
//!     TEMA_SCALE=XL cargo bench --bench app     # 20 M words
//!     TEMA_SCALE=S cargo bench --bench app --profile dev   # a quick check

mod common;
use common::{WORDS_PER_DOC, build_scale_project, scale_from_env};
use egui_kittest::Harness;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tema::edit::Edit;
use tema::model::*;
use tema::ui::app::VIEW_GROUPS;
use tema::ui::startup::{Places, copy_project};
use tema::ui::{Action, Launch, TemaApp, ViewKind};

/// Set for the child process: the project to open.
const CHILD: &str = "TEMA_APP_BENCH_PROJECT";
/// The coder the app acts as (the scale project's first coder).
const CODER: &str = "Ingrid";
/// How long opening may take before the benchmark gives up.
const OPEN_LIMIT: Duration = Duration::from_secs(600);

type Error = Box<dyn std::error::Error>;

fn main() -> Result<(), Error> {
    if let Some(dir) = std::env::var_os(CHILD) {
        return measure(Path::new(&dir));
    }
    let (size, docs, codings) = scale_from_env();
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("app.tema");
    let t = Instant::now();
    match std::env::var_os("TEMA_SCALE_DIR").map(PathBuf::from) {
        Some(kept) => {
            if !kept.join("project.json").exists() {
                build_scale_project(&kept, docs, codings)?;
            }
            copy_project(&kept, &dir)?;
        }
        None => build_scale_project(&dir, docs, codings)?,
    }
    println!(
        "project {size}: {docs} documents, {:.1} M words, {codings} codings (two coders); ready in {:.1} s",
        (docs * WORDS_PER_DOC) as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    let status = std::process::Command::new(std::env::current_exe()?).env(CHILD, &dir).status()?;
    if !status.success() {
        return Err(format!("the measuring process failed ({status})").into());
    }
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The `q` quantile of `v` (nearest rank), in ms.
fn pct(v: &mut [Duration], q: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort();
    ms(v[((v.len() as f64 - 1.0) * q).round() as usize])
}

/// Peak resident memory of this process so far, in MB (`VmHWM`, reported in kB).
fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// One step of the app, timed.
fn frame(h: &mut Harness<'_, TemaApp>) -> Duration {
    let t = Instant::now();
    h.step();
    t.elapsed()
}

/// A deterministic generator for the edits' places (xorshift64).
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: usize) -> usize {
        (common::rng(&mut self.0) % n.max(1) as u64) as usize
    }
}

/// The next edit: even ones code a span of the open document, odd ones rename a code.
fn edit(h: &Harness<'_, TemaApp>, n: usize, rng: &mut Rng) -> Result<Edit, Error> {
    let app = h.state();
    let p = app.project().ok_or("no project is open")?;
    let codes: Vec<CodeId> = p.codes.keys().copied().collect();
    let code = codes[rng.below(codes.len())];
    if n % 2 == 1 {
        let c = p.codes.get(&code).ok_or("a code went missing")?;
        let props = CodeProps { name: format!("Code renamed {n}"), ..c.props.clone() };
        return Ok(Edit::UpdateCode { id: code, props });
    }
    let doc = app.state.open_doc.or_else(|| p.documents.keys().next().copied()).ok_or("no document")?;
    let len = p.documents.get(&doc).map_or(0, |d| d.char_len);
    let coder = p.coder_by_name(CODER).ok_or("the coder is missing")?.id;
    // Near the top of the document, where the document view shows it.
    let start = rng.below(len.min(4_000).saturating_sub(300).max(1));
    let span = Span::new(start, (start + 40 + rng.below(200)).min(len));
    let coding =
        Coding { id: CodingId::new(), doc, span, code, coder, created: chrono::Utc::now(), comment: String::new() };
    Ok(Edit::AddCoding { coding })
}

const HEADER: &str =
    "| view | first frame ms | frame applying the edit p50 / p99 ms | frame after the edit p50 | p99 | max ms |";

fn print_open(window: Duration, list: Duration, usable: Duration) {
    println!("| open | ms |");
    println!("|---|---|");
    println!("| window painted (opening screen) | {:.0} |", ms(window));
    println!("| documents list on screen | {:.0} |", ms(list));
    println!("| first usable frame (project loaded, first document painted) | {:.0} |", ms(usable));
}

fn print_row(row: &mut ViewRow) {
    println!(
        "| {:?} | {:.1} | {:.1} / {:.1} | {:.1} | {:.1} | {:.1} |",
        row.kind,
        ms(row.first),
        pct(&mut row.applying, 0.5),
        pct(&mut row.applying, 0.99),
        pct(&mut row.after, 0.5),
        pct(&mut row.after, 0.99),
        pct(&mut row.after, 1.0),
    );
}

struct ViewRow {
    kind: ViewKind,
    first: Duration,
    applying: Vec<Duration>,
    after: Vec<Duration>,
}

fn measure(dir: &Path) -> Result<(), Error> {
    let edits: usize = std::env::var("TEMA_APP_EDITS").ok().and_then(|s| s.parse().ok()).unwrap_or(20);
    let launch = Launch {
        project: Some(dir.to_path_buf()),
        coder: Some(CODER.into()),
        places: Places::default(),
        use_storage: false,
    };
    let rss_before = peak_rss_mb();
    let started = Instant::now();
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |cc| TemaApp::new_opening_in_background(cc, launch));
    let window = started.elapsed();
    // Frames as the app would paint them while a worker opens the project: when asked to.
    let mut list = None;
    while h.state().is_opening() || h.state().state.open_doc.is_none() {
        if started.elapsed() > OPEN_LIMIT {
            return Err("the project did not open in time".into());
        }
        if list.is_none() && h.state().state.opening.as_ref().is_some_and(|o| o.has_list()) {
            list = Some(started.elapsed());
        }
        if h.state().project().is_some() && h.state().state.open_doc.is_none() {
            // Opened without a document to show (an empty project) is usable as it is.
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
        h.step();
    }
    // The frame that paints the opened project and its first document.
    h.step();
    let usable = started.elapsed();
    let list = list.unwrap_or(usable);
    let rss_open = peak_rss_mb();
    let p = h.state().project().ok_or("no project is open")?;
    let words: usize = p.documents.values().map(|d| d.words).sum();
    println!(
        "opened: {} documents, {words} words, {} codings; warnings: {:?}",
        p.documents.len(),
        p.codings.len(),
        h.state().state.status
    );

    print_open(window, list, usable);
    println!();
    println!("{HEADER}");
    println!("|---|---|---|---|---|---|");
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut rows = Vec::new();
    let mut n = 0;
    for kind in VIEW_GROUPS.iter().flat_map(|(_, kinds)| kinds.iter().copied()) {
        h.state_mut().state.actions.push(Action::ShowView(kind));
        // The switch is applied at the end of this frame; the next one paints the view.
        frame(&mut h);
        let first = frame(&mut h);
        for _ in 0..3 {
            frame(&mut h);
        }
        let mut row = ViewRow { kind, first, applying: Vec::new(), after: Vec::new() };
        for _ in 0..edits {
            let e = edit(&h, n, &mut rng)?;
            n += 1;
            h.state_mut().state.actions.push(Action::Edit { edit: e, coalesce: None });
            row.applying.push(frame(&mut h));
            row.after.push(frame(&mut h));
        }
        if let Some((text, true)) = &h.state().state.status {
            eprintln!("{kind:?}: the app reported: {text}");
        }
        // Each row as soon as it is measured: a slow view at 20 M words shows up at once.
        print_row(&mut row);
        rows.push(row);
    }
    let peak = peak_rss_mb();

    // The whole table again, in one piece to copy into docs/BENCHMARKS.md.
    println!();
    print_open(window, list, usable);
    println!();
    println!("{HEADER}");
    println!("|---|---|---|---|---|---|");
    for row in &mut rows {
        print_row(row);
    }
    println!();
    println!(
        "peak RSS (VmHWM): {peak:.0} MB ({:.0} MB when the first frame was usable; {rss_before:.0} MB before opening); \
         {edits} edits per view",
        rss_open
    );
    Ok(())
}
