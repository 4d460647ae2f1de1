//! The one way the app runs slow work: import, indexing, exports, REFI-QDA exchange, coding
//! every search hit, pseudonymisation, reading another copy for a merge.
//!
//! A job runs a closure on its own thread with a [`Progress`] it updates and checks for
//! cancellation. The status bar shows each running job with a bar, its counts and a Cancel
//! button; the UI thread never waits for one (it polls [`Jobs::poll`] each frame, and the
//! worker asks for a repaint when it ends).
//!
//! A job hands its result back in one of two ways:
//! - as [`Action`]s ([`Jobs::spawn`], [`JobSpec::new`]), which the app applies on the UI
//!   thread like any other action (edits go through `Store::apply`);
//! - as a value to the code that started it ([`JobSpec::returning`] gives a [`Pending`]),
//!   for a dialog or a view that keeps the result as its own state (the import preview, a
//!   synced search index).
//!
//! A job may have a key ([`JobKey`]): starting a job with the key of one still running
//! cancels the older one and forgets it, so its results are never applied. Work that is
//! redone whenever its input changes — the search index after an edit, derived figures
//! after each edit — starts every run under one key and only the newest result lands.
//! [`Jobs::cancel`] stops the job of a key.
//!
//! A job that panics is reported as an error in the status bar (with the panic's message)
//! and its [`Pending`] answers [`JobLost`]; nothing waits for it.

use super::{Action, JobWork};
use crate::progress::Progress;
use std::sync::{Mutex, mpsc};
use std::time::{Duration, Instant};

/// How often a running job's progress may ask for a frame.
const REPAINT_EVERY: Duration = Duration::from_millis(100);

/// Names a kind of job of which only the newest should run (see the module doc).
pub type JobKey = String;

/// A job described before it runs. Views push one as [`Action::Job`]; code that holds
/// [`Jobs`] calls [`Jobs::start`].
pub struct JobSpec {
    pub name: String,
    pub key: Option<JobKey>,
    /// Asks for no frame of its own (see [`JobSpec::quiet`]).
    pub quiet: bool,
    progress: Progress,
    work: JobWork,
}

impl JobSpec {
    /// A job whose results come back as actions.
    pub fn new(name: impl Into<String>, work: impl FnOnce(&Progress) -> Vec<Action> + Send + 'static) -> Self {
        Self { name: name.into(), key: None, quiet: false, progress: Progress::new(), work: Box::new(work) }
    }

    /// A job whose value comes back to the caller through the [`Pending`] (and no actions).
    pub fn returning<T: Send + 'static>(
        name: impl Into<String>,
        work: impl FnOnce(&Progress) -> T + Send + 'static,
    ) -> (Self, Pending<T>) {
        let (tx, rx) = mpsc::channel();
        let spec = Self::new(name, move |p| {
            let _ = tx.send(work(p));
            Vec::new()
        });
        let pending = Pending { rx, progress: spec.progress.clone(), over: false };
        (spec, pending)
    }

    /// Housekeeping the person did not ask for (keeping the search index in step): the job
    /// asks for no frame while it runs or when it ends; its result is taken at the next frame
    /// drawn for any other reason. So a background job never keeps the app drawing, and a
    /// person who is idle sees nothing move.
    pub fn quiet(mut self) -> Self {
        self.quiet = true;
        self
    }

    /// Runs under `key`: a newer job with the same key replaces this one.
    pub fn keyed(mut self, key: impl Into<JobKey>) -> Self {
        self.key = Some(key.into());
        self
    }

    /// The job's progress (shared): to draw it or cancel it from where it was started.
    pub fn progress(&self) -> Progress {
        self.progress.clone()
    }
}

/// Why a [`Pending`] job gave no value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum JobLost {
    /// It panicked, or its thread could not be started (the status bar says which).
    #[error("the work stopped unexpectedly")]
    Stopped,
}

/// The value of a job started with [`JobSpec::returning`], once it is ready.
pub struct Pending<T> {
    rx: mpsc::Receiver<T>,
    progress: Progress,
    over: bool,
}

impl<T> Pending<T> {
    /// `None` while the job runs; then its value once, or why there is none.
    pub fn poll(&mut self) -> Option<Result<T, JobLost>> {
        if self.over {
            return None;
        }
        match self.rx.try_recv() {
            Ok(value) => {
                self.over = true;
                Some(Ok(value))
            }
            Err(mpsc::TryRecvError::Empty) => None,
            Err(mpsc::TryRecvError::Disconnected) => {
                self.over = true;
                Some(Err(JobLost::Stopped))
            }
        }
    }

    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// Asks the job to stop; it still answers (typically with its own "cancelled" error).
    pub fn cancel(&self) {
        self.progress.cancel();
    }
}

pub struct Job {
    pub name: String,
    pub key: Option<JobKey>,
    pub progress: Progress,
    rx: mpsc::Receiver<Vec<Action>>,
}

#[derive(Default)]
pub struct Jobs {
    running: Vec<Job>,
}

impl Jobs {
    /// Starts `work` on a new thread. It returns the actions to apply when it is done (an
    /// empty list when it was cancelled or had nothing to report).
    pub fn spawn(
        &mut self,
        ctx: &egui::Context,
        name: impl Into<String>,
        work: impl FnOnce(&Progress) -> Vec<Action> + Send + 'static,
    ) -> Progress {
        self.start(ctx, JobSpec::new(name, work))
    }

    /// Starts `work` under `key`, replacing a running job of the same key: the older one is
    /// cancelled and its results are dropped (see the module doc). For work redone on every
    /// change of its input, such as derived figures recomputed after each edit.
    pub fn spawn_keyed(
        &mut self,
        ctx: &egui::Context,
        key: impl Into<JobKey>,
        name: impl Into<String>,
        work: impl FnOnce(&Progress) -> Vec<Action> + Send + 'static,
    ) -> Progress {
        self.start(ctx, JobSpec::new(name, work).keyed(key))
    }

    /// Starts a described job (the one place a job's thread is made).
    pub fn start(&mut self, ctx: &egui::Context, spec: JobSpec) -> Progress {
        let JobSpec { name, key, quiet, progress, work } = spec;
        if let Some(key) = &key {
            self.cancel(key);
        }
        // The bar moves when the work does: the worker's progress asks for a repaint, at most
        // ten a second (a frame on a timer while a job runs would keep the app drawing, and
        // tests stepping frames waiting, for nothing).
        let repaint = ctx.clone();
        let last = Mutex::new(None::<Instant>);
        let repaint_on_progress = !quiet;
        progress.observe(move |_| {
            if !repaint_on_progress {
                return;
            }
            let Ok(mut last) = last.lock() else { return };
            if last.is_none_or(|t| t.elapsed() >= REPAINT_EVERY) {
                *last = Some(Instant::now());
                repaint.request_repaint();
            }
        });
        let (tx, rx) = mpsc::channel();
        let worker_progress = progress.clone();
        let ctx = ctx.clone();
        let job_name = name.clone();
        let spawned = std::thread::Builder::new().name(format!("tema: {name}")).spawn(move || {
            crate::progress::give_way_to_the_ui();
            // A panic is the job's failure, not the app's: report it by name.
            let ran = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&worker_progress)));
            let actions = ran.unwrap_or_else(|panic| {
                let why = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "no message".into());
                vec![Action::Status { text: format!("“{job_name}” failed: {why}"), error: true }]
            });
            worker_progress.finish();
            let _ = tx.send(actions);
            if !quiet {
                ctx.request_repaint();
            }
        });
        let rx = match spawned {
            Ok(_) => rx,
            Err(e) => {
                // No thread: report it as the job's only result (the work is dropped unrun,
                // so a `Pending` answers `JobLost`).
                progress.finish();
                let (tx, rx) = mpsc::channel();
                let _ =
                    tx.send(vec![Action::Status { text: format!("could not start “{name}”: {e}"), error: true }]);
                rx
            }
        };
        self.running.push(Job { name, key, progress: progress.clone(), rx });
        progress
    }

    /// Cancels the running job of `key` and forgets it: whatever it returns is dropped.
    /// Whether there was one.
    pub fn cancel(&mut self, key: &str) -> bool {
        let before = self.running.len();
        self.running.retain(|job| {
            let replaced = job.key.as_deref() == Some(key);
            if replaced {
                job.progress.cancel();
            }
            !replaced
        });
        self.running.len() != before
    }

    /// Whether a job of `key` is running.
    pub fn is_running(&self, key: &str) -> bool {
        self.running.iter().any(|job| job.key.as_deref() == Some(key))
    }

    /// Actions of the jobs that finished since the last call.
    pub fn poll(&mut self) -> Vec<Action> {
        let mut out = Vec::new();
        self.running.retain(|job| match job.rx.try_recv() {
            Ok(actions) => {
                out.extend(actions);
                false
            }
            Err(mpsc::TryRecvError::Empty) => true,
            Err(mpsc::TryRecvError::Disconnected) => {
                out.push(Action::Status { text: format!("“{}” stopped unexpectedly", job.name), error: true });
                false
            }
        });
        out
    }

    pub fn is_empty(&self) -> bool {
        self.running.is_empty()
    }

    pub fn running(&self) -> &[Job] {
        &self.running
    }

    /// One line per running job: name, bar with counts, Cancel.
    pub fn ui(&self, ui: &mut egui::Ui) {
        for job in &self.running {
            ui.horizontal(|ui| {
                let p = &job.progress;
                ui.label(describe(&job.name, p));
                // Things counted are in the line; the bar's steps (often bytes) read better as
                // a percentage then.
                let text = match p.fraction() {
                    Some(f) if p.items() > 0 => format!("{:.0}%", f * 100.0),
                    Some(_) => format!("{} of {}", p.done(), p.total()),
                    None => "…".into(),
                };
                let bar = egui::ProgressBar::new(p.fraction().unwrap_or(0.0)).desired_width(140.0).text(text);
                ui.add(bar);
                let cancel = ui
                    .add_enabled(!p.is_cancelled(), egui::Button::new("Cancel"))
                    .on_hover_text(format!("Stop “{}”", job.name));
                if cancel.clicked() {
                    p.cancel();
                }
            });
        }
    }
}

/// A job's line: its name, which thing of how many, and what it is doing now.
pub fn describe(name: &str, p: &Progress) -> String {
    let mut line = name.to_string();
    if p.items() > 0 {
        line.push_str(&format!(" ({} of {})", (p.item() + 1).min(p.items()), p.items()));
    }
    let msg = p.message();
    if !msg.is_empty() {
        line.push_str(&format!(": {msg}"));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    /// Polls until the jobs are done, failing after a generous limit (never hangs).
    fn settle(jobs: &mut Jobs) -> Vec<Action> {
        let mut got = Vec::new();
        for _ in 0..2000 {
            got.extend(jobs.poll());
            if jobs.is_empty() {
                return got;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        panic!("the jobs did not finish: {:?}", jobs.running().iter().map(|j| &j.name).collect::<Vec<_>>());
    }

    /// Work that waits to be cancelled, then reports `text`.
    fn until_cancelled(p: &Progress, text: &str) -> Vec<Action> {
        while !p.is_cancelled() {
            std::thread::sleep(Duration::from_millis(1));
        }
        vec![Action::Status { text: text.into(), error: false }]
    }

    fn statuses(actions: &[Action]) -> Vec<(String, bool)> {
        actions
            .iter()
            .filter_map(|a| match a {
                Action::Status { text, error } => Some((text.clone(), *error)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_job_reports_progress_and_its_actions() {
        let ctx = egui::Context::default();
        let mut jobs = Jobs::default();
        let (go_tx, go_rx) = mpsc::channel::<()>();
        let progress = jobs.spawn(&ctx, "count", move |p| {
            p.set_total(3);
            for _ in 0..3 {
                p.advance(1);
            }
            let _ = go_rx.recv();
            vec![Action::Status { text: "counted".into(), error: false }]
        });
        assert!(!progress.is_finished());
        let _ = go_tx.send(());
        let got = settle(&mut jobs);
        assert_eq!(statuses(&got), [("counted".to_string(), false)]);
        assert_eq!(progress.fraction(), Some(1.0));
        assert!(progress.is_finished());
    }

    /// A context that has drawn its start-up frames and wants no other.
    fn idle_context() -> egui::Context {
        let ctx = egui::Context::default();
        for _ in 0..3 {
            let mut output = ctx.run_ui(egui::RawInput::default(), |_| {});
            output.textures_delta.clear();
        }
        assert!(!ctx.has_requested_repaint());
        ctx
    }

    #[test]
    fn a_job_asks_for_a_frame_when_it_moves_and_ends_and_a_quiet_one_does_not() {
        for quiet in [false, true] {
            let ctx = idle_context();
            let mut jobs = Jobs::default();
            let spec = JobSpec::new("count", |p| {
                p.set_total(2);
                p.advance(2);
                Vec::new()
            });
            let spec = if quiet { spec.quiet() } else { spec };
            jobs.start(&ctx, spec);
            settle(&mut jobs);
            assert_eq!(ctx.has_requested_repaint(), !quiet, "quiet: {quiet}");
        }
    }

    #[test]
    fn cancel_reaches_the_worker() {
        let ctx = egui::Context::default();
        let mut jobs = Jobs::default();
        let progress = jobs.spawn(&ctx, "wait", |p| until_cancelled(p, "stopped"));
        progress.cancel();
        assert_eq!(statuses(&settle(&mut jobs)), [("stopped".to_string(), false)]);
    }

    #[test]
    fn a_newer_job_of_a_key_replaces_the_older_one() {
        let ctx = egui::Context::default();
        let mut jobs = Jobs::default();
        let older = jobs.spawn_keyed(&ctx, "figures", "figures", |p| until_cancelled(p, "old figures"));
        let other = jobs.spawn_keyed(&ctx, "other", "other", |_| Vec::new());
        let newer = jobs.spawn_keyed(&ctx, "figures", "figures", |_| {
            vec![Action::Status { text: "new figures".into(), error: false }]
        });
        assert!(older.is_cancelled(), "the older job is asked to stop");
        assert!(!newer.is_cancelled() && !other.is_cancelled());
        assert_eq!(jobs.running().iter().filter(|j| j.key.as_deref() == Some("figures")).count(), 1);
        // Only the newest result lands, though the older job also returned one.
        assert_eq!(statuses(&settle(&mut jobs)), [("new figures".to_string(), false)]);
        for _ in 0..1000 {
            if older.is_finished() {
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        assert!(older.is_finished(), "the replaced job's thread stops");
    }

    #[test]
    fn cancel_by_key_stops_and_forgets_the_job() {
        let ctx = egui::Context::default();
        let mut jobs = Jobs::default();
        let progress = jobs.spawn_keyed(&ctx, "save", "saving", |p| until_cancelled(p, "saved"));
        assert!(jobs.is_running("save"));
        assert!(!jobs.cancel("nothing"));
        assert!(jobs.cancel("save"));
        assert!(progress.is_cancelled());
        assert!(!jobs.is_running("save") && jobs.is_empty());
        assert!(settle(&mut jobs).is_empty());
    }

    #[test]
    fn a_panicking_job_is_reported_as_an_error() {
        let ctx = egui::Context::default();
        let mut jobs = Jobs::default();
        let progress = jobs.spawn(&ctx, "broken", |_| -> Vec<Action> { panic!("index out of range") });
        let (spec, mut pending) = JobSpec::returning("broken value", |_| -> u32 { panic!("no value") });
        jobs.start(&ctx, spec);
        let got = statuses(&settle(&mut jobs));
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got.iter().all(|(_, error)| *error));
        assert!(got.iter().any(|(t, _)| t.contains("“broken” failed: index out of range")), "{got:?}");
        assert!(got.iter().any(|(t, _)| t.contains("no value")), "{got:?}");
        assert!(progress.is_finished());
        assert_eq!(pending.poll(), Some(Err(JobLost::Stopped)));
        assert_eq!(pending.poll(), None, "answered once");
    }

    /// A job's thread runs at a lower priority than the thread that started it (Linux keeps
    /// a nice value per thread), so its work gives way to the UI thread.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_job_runs_below_the_ui_thread() {
        // SAFETY: getpriority reads no memory of ours; `who` 0 is the calling thread.
        let nice = || unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) };
        let ctx = egui::Context::default();
        let mut jobs = Jobs::default();
        let (spec, mut pending) = JobSpec::returning("priority", move |_| nice());
        jobs.start(&ctx, spec);
        assert!(settle(&mut jobs).is_empty());
        let here = nice();
        match pending.poll() {
            Some(Ok(there)) => assert_eq!(
                there,
                (here + crate::progress::WORKER_NICE).min(19),
                "the job's nice value, the caller's being {here}"
            ),
            other => panic!("the job did not answer: {other:?}"),
        }
    }

    #[test]
    fn a_returning_job_hands_its_value_to_the_caller() {
        let ctx = egui::Context::default();
        let mut jobs = Jobs::default();
        let (spec, mut pending) = JobSpec::returning("sum", |p| {
            p.set_item(0, 1);
            p.set_message("adding");
            (1..=10u32).sum::<u32>()
        });
        let spec = spec.keyed("sum");
        let shown = spec.progress();
        jobs.start(&ctx, spec);
        assert!(settle(&mut jobs).is_empty(), "no actions: the value goes to the caller");
        assert_eq!(pending.poll(), Some(Ok(55)));
        assert_eq!(describe("Sum", &shown), "Sum (1 of 1): adding");
        assert!(pending.progress().is_finished());
    }
}
