//! The app at scale (issue 21): the real app, headless (kittest), on a synthetic project of
//! `TEMA_SCALE=L` (default) 2 M words / 50,000 codings or `TEMA_SCALE=XL` 20 M words / 500,000
//! codings (`S`, 100,000 words, checks in a debug build that the benchmark runs). The project
//! is the one `benches/scale.rs` builds (`benches/common::build_scale_project`).
//!
//! Measures, and prints as a table:
//! - opening: from starting the app (`TemaApp::new_opening_in_background`, as a person starts
//!   it) to the window's first frames, to the documents list on screen, and to the first usable
//!   frame (the project loaded and its first document painted), and to the end of the jobs
//!   the opening leaves for after the first frame (the undo history, the codebook's counts;
//!   the views are measured after them, and the peak memory waits for every job);
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
//! Frames are run as the app runs them when no screen reader is on: kittest builds the window
//! (its first frames build the AccessKit tree), then AccessKit is turned off and every frame
//! is the app's own `logic` + `ui` in a plain `Context::run_ui`, timed. Kittest's own step
//! builds and reads the whole AccessKit tree each frame, about 10 ms at 2 M words and 36 ms at
//! 20 M (the navigator's 2,000 documents) before any view draws, which would hide the views'
//! cost; `TEMA_APP_ACCESSKIT=1` measures with kittest's steps instead (as with a screen
//! reader: an upper bound).
//!
//!     cargo bench --bench app                   # 2 M words
//!     TEMA_SCALE=XL cargo bench --bench app     # 20 M words
//!     TEMA_APP_ACCESSKIT=1 cargo bench --bench app   # frames with the AccessKit tree
//!     TEMA_APP_VIEWS=Document,Team cargo bench --bench app   # only these views (to profile them)
//!
//! `TEMA_APP_TRACE=1` prints each edit's two frames with their wall-clock start and end
//! (seconds since the epoch) to stderr, to pick them out of a profile taken with
//! `perf record -k realtime` on the measuring process.
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

/// Seconds since the epoch, as `perf record -k realtime` stamps its samples.
fn wall() -> f64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64())
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
    status_mb("VmHWM:")
}

/// Resident memory of this process now, in MB (`VmRSS`).
fn rss_mb() -> f64 {
    status_mb("VmRSS:")
}

fn status_mb(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// The window's size: the app's default window.
const WINDOW: egui::Vec2 = egui::vec2(1400.0, 900.0);

/// Runs the app's frames: kittest's steps (with the AccessKit tree) or the app's own frame in
/// a plain `Context::run_ui` with AccessKit off, as the app runs without a screen reader.
struct Frames {
    accesskit: bool,
    frame: eframe::Frame,
}

impl Frames {
    fn from_env() -> Frames {
        let accesskit = std::env::var("TEMA_APP_ACCESSKIT").is_ok_and(|v| v == "1");
        Frames { accesskit, frame: eframe::Frame::_new_kittest() }
    }

    /// Turns AccessKit off for the plain frames (kittest's first frames needed it on).
    fn start(&self, h: &Harness<'_, TemaApp>) {
        if !self.accesskit {
            h.ctx.disable_accesskit();
        }
    }

    /// One frame of the app, timed.
    fn run(&mut self, h: &mut Harness<'_, TemaApp>) -> Duration {
        if self.accesskit {
            let t = Instant::now();
            h.step();
            return t.elapsed();
        }
        let ctx = h.ctx.clone();
        let input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(egui::Pos2::ZERO, WINDOW)),
            predicted_dt: 1.0 / 60.0,
            ..Default::default()
        };
        let frame = &mut self.frame;
        let app = h.state_mut();
        let t = Instant::now();
        let _ = ctx.run_ui(input, |ui| {
            eframe::App::logic(app, ui.ctx(), frame);
            eframe::App::ui(app, ui, frame);
        });
        t.elapsed()
    }

    fn mode(&self) -> &'static str {
        if self.accesskit { "kittest steps, AccessKit tree built every frame" } else { "plain frames, AccessKit off" }
    }
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

const HEADER: &str = "| view | first frame ms | frame applying the edit p50 / p99 ms | frame after the edit p50 | p99 | max ms \
                      | resident MB after the view | peak MB so far |";

/// The moments of opening, from starting the app.
struct Open {
    window: Duration,
    list: Duration,
    usable: Duration,
    /// The work the opening leaves to jobs (the undo history, the codebook's counts) done.
    settled: Duration,
}

fn print_open(o: &Open) {
    println!("| open | ms |");
    println!("|---|---|");
    println!("| window painted (opening screen) | {:.0} |", ms(o.window));
    println!("| documents list on screen | {:.0} |", ms(o.list));
    println!("| first usable frame (project loaded, first document painted) | {:.0} |", ms(o.usable));
    println!("| undo history and codebook counts in (jobs after the first frame) | {:.0} |", ms(o.settled));
}

/// Runs frames (as the app does while jobs work: they ask for one when done) until no job
/// runs and the undo history is read.
fn settle(h: &mut Harness<'_, TemaApp>, frames: &mut Frames) -> Result<(), Error> {
    let started = Instant::now();
    let busy = |h: &Harness<'_, TemaApp>| {
        !h.state().state.jobs.is_empty() || h.state().state.store.as_ref().is_some_and(|s| s.history_pending())
    };
    while busy(h) {
        if started.elapsed() > OPEN_LIMIT {
            return Err("background work did not finish in time".into());
        }
        std::thread::sleep(Duration::from_millis(2));
        frames.run(h);
    }
    Ok(())
}

fn print_row(row: &mut ViewRow) {
    println!(
        "| {:?} | {:.1} | {:.1} / {:.1} | {:.1} | {:.1} | {:.1} | {:.0} | {:.0} |",
        row.kind,
        ms(row.first),
        pct(&mut row.applying, 0.5),
        pct(&mut row.applying, 0.99),
        pct(&mut row.after, 0.5),
        pct(&mut row.after, 0.99),
        pct(&mut row.after, 1.0),
        row.rss,
        row.peak,
    );
}

struct ViewRow {
    kind: ViewKind,
    first: Duration,
    applying: Vec<Duration>,
    after: Vec<Duration>,
    /// Resident and peak memory when the view's edits were done, in MB.
    rss: f64,
    peak: f64,
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
    let mut h =
        Harness::builder().with_size(WINDOW).build_eframe(move |cc| TemaApp::new_opening_in_background(cc, launch));
    let window = started.elapsed();
    let mut frames = Frames::from_env();
    frames.start(&h);
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
        let was = h.state().is_opening();
        let d = frames.run(&mut h);
        if std::env::var_os("TEMA_TRACE").is_some() && (d.as_millis() > 15 || was != h.state().is_opening()) {
            eprintln!(
                "frame at {:.0} ms took {:.1} ms; opening {was} -> {}",
                started.elapsed().as_secs_f64() * 1e3,
                ms(d),
                h.state().is_opening()
            );
        }
    }
    // The frame that paints the opened project and its first document.
    frames.run(&mut h);
    let usable = started.elapsed();
    let list = list.unwrap_or(usable);
    let rss_open = peak_rss_mb();
    // The views are measured on a settled app, as a person meets it a moment later.
    settle(&mut h, &mut frames)?;
    let open = Open { window, list, usable, settled: started.elapsed() };
    let p = h.state().project().ok_or("no project is open")?;
    let words: usize = p.documents.values().map(|d| d.words).sum();
    println!(
        "opened: {} documents, {words} words, {} codings; warnings: {:?}",
        p.documents.len(),
        p.codings.len(),
        h.state().state.status
    );
    println!("frames: {}", frames.mode());

    print_open(&open);
    println!();
    println!("{HEADER}");
    println!("|---|---|---|---|---|---|---|---|");
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut rows = Vec::new();
    let mut n = 0;
    // Only the views named in `TEMA_APP_VIEWS` (as the table names them), when it is set.
    let only = std::env::var("TEMA_APP_VIEWS").ok().filter(|o| !o.trim().is_empty());
    let trace = std::env::var_os("TEMA_APP_TRACE").is_some();
    let chosen = |kind: &ViewKind| only.as_ref().is_none_or(|o| o.split(',').any(|v| v.trim() == format!("{kind:?}")));
    for kind in VIEW_GROUPS.iter().flat_map(|(_, kinds)| kinds.iter().copied()).filter(chosen) {
        h.state_mut().state.actions.push(Action::ShowView(kind));
        // The switch is applied at the end of this frame; the next one paints the view.
        frames.run(&mut h);
        let first = frames.run(&mut h);
        for _ in 0..3 {
            frames.run(&mut h);
        }
        let mut row = ViewRow { kind, first, applying: Vec::new(), after: Vec::new(), rss: 0.0, peak: 0.0 };
        for _ in 0..edits {
            let e = edit(&h, n, &mut rng)?;
            n += 1;
            h.state_mut().state.actions.push(Action::Edit { edit: e, coalesce: None });
            let t0 = wall();
            row.applying.push(frames.run(&mut h));
            let t1 = wall();
            row.after.push(frames.run(&mut h));
            if trace {
                eprintln!("TRACE {kind:?} apply {t0:.6} {t1:.6} after {t1:.6} {:.6}", wall());
            }
        }
        (row.rss, row.peak) = (rss_mb(), peak_rss_mb());
        if let Some((text, true)) = &h.state().state.status {
            eprintln!("{kind:?}: the app reported: {text}");
        }
        // Each row as soon as it is measured: a slow view at 20 M words shows up at once.
        print_row(&mut row);
        rows.push(row);
    }
    // Figures the views handed to jobs count towards the peak too.
    settle(&mut h, &mut frames)?;
    let peak = peak_rss_mb();

    // The whole table again, in one piece to copy into docs/BENCHMARKS.md.
    println!();
    print_open(&open);
    println!();
    println!("{HEADER}");
    println!("|---|---|---|---|---|---|---|---|");
    for row in &mut rows {
        print_row(row);
    }
    println!();
    println!(
        "peak RSS (VmHWM): {peak:.0} MB ({:.0} MB when the first frame was usable; {rss_before:.0} MB before opening); \
         {edits} edits per view; {}",
        rss_open,
        frames.mode()
    );
    Ok(())
}
