//! Progress and cancellation of long work: the one type every slow operation reports through.
//!
//! Import, indexing, export, REFI-QDA exchange and pseudonymisation take `&Progress`. The
//! app runs them as jobs (`ui::jobs::Jobs`, on a worker thread) and reads the same value each
//! frame to draw a bar with counts and a Cancel button; the command line builds one with
//! [`Progress::observed`] to print a line on the terminal as it moves. Nothing here knows
//! about a user interface.
//!
//! What a [`Progress`] carries:
//! - `done` of `total` steps, for the bar (bytes read, bytes of text indexed, quotes laid
//!   out; `total` 0 while unknown);
//! - `item` of `items`, the things a person counts, when they differ from the steps (file 2
//!   of 5 while the bar counts bytes, document 40 of 120);
//! - a phase (a short word such as `reading` or `writing`) and a message (what is being
//!   done now, such as the file's name);
//! - a cancel flag the worker checks between steps ([`Progress::check`]);
//! - whether the work has finished, set by whoever ran it, so a caller that only holds the
//!   progress can tell a job that ended (even by a panic) from one still running.

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// Called when the counts or the phase move (see [`Progress::observed`]).
type Observer = Box<dyn Fn(&Progress) + Send + Sync>;

#[derive(Default)]
struct Inner {
    done: AtomicU64,
    total: AtomicU64,
    item: AtomicU64,
    items: AtomicU64,
    cancelled: AtomicBool,
    finished: AtomicBool,
    text: Mutex<Text>,
    observer: OnceLock<Observer>,
}

#[derive(Clone, Debug, Default)]
struct Text {
    phase: String,
    message: String,
}

/// A shared progress counter with a cancel flag. Cloning shares it.
#[derive(Clone, Default)]
pub struct Progress {
    inner: Arc<Inner>,
}

impl fmt::Debug for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Progress")
            .field("done", &self.done())
            .field("total", &self.total())
            .field("items", &(self.item(), self.items()))
            .field("phase", &self.phase())
            .field("message", &self.message())
            .field("cancelled", &self.is_cancelled())
            .field("finished", &self.is_finished())
            .finish()
    }
}

/// The work stopped because [`Progress::cancel`] was called.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("cancelled")]
pub struct Cancelled;

impl Progress {
    pub fn new() -> Self {
        Self::default()
    }

    /// A progress that calls `observer` whenever the counts or the phase move, on the thread
    /// that moved them. The command line uses it to redraw a line on the terminal. Set the
    /// message and the items before the count, so the observer sees them together.
    pub fn observed(observer: impl Fn(&Progress) + Send + Sync + 'static) -> Self {
        let progress = Self::new();
        progress.observe(observer);
        progress
    }

    /// Gives a progress made without one its observer (see [`Progress::observed`]); false if it
    /// has one already. The app's job runner sets one that asks for a repaint, so a job's bar
    /// moves while it runs and no frame is drawn while nothing moves.
    pub fn observe(&self, observer: impl Fn(&Progress) + Send + Sync + 'static) -> bool {
        self.inner.observer.set(Box::new(observer)).is_ok()
    }

    fn moved(&self) {
        if let Some(observe) = self.inner.observer.get() {
            observe(self);
        }
    }

    /// Sets how many steps there are (0 when unknown).
    pub fn set_total(&self, total: u64) {
        self.inner.total.store(total, Ordering::Relaxed);
    }

    pub fn set_done(&self, done: u64) {
        self.inner.done.store(done, Ordering::Relaxed);
        self.moved();
    }

    /// Counts `n` more steps as done.
    pub fn advance(&self, n: u64) {
        self.inner.done.fetch_add(n, Ordering::Relaxed);
        self.moved();
    }

    /// Which of how many things (files, documents) is being worked on, counted from 0; shown
    /// as "file `item + 1` of `items`" while the bar counts finer steps such as bytes.
    pub fn set_item(&self, item: u64, items: u64) {
        self.inner.item.store(item, Ordering::Relaxed);
        self.inner.items.store(items, Ordering::Relaxed);
    }

    /// The phase of the work (`reading`, `indexing`, `writing`): a short word a test or a
    /// front end can match, where the message is free text.
    pub fn set_phase(&self, phase: impl Into<String>) {
        if let Ok(mut t) = self.inner.text.lock() {
            t.phase = phase.into();
        }
        self.moved();
    }

    /// What is being done now, for the status line (`Reading J3.docx`).
    pub fn set_message(&self, message: impl Into<String>) {
        if let Ok(mut t) = self.inner.text.lock() {
            t.message = message.into();
        }
    }

    pub fn phase(&self) -> String {
        self.inner.text.lock().map(|t| t.phase.clone()).unwrap_or_default()
    }

    pub fn message(&self) -> String {
        self.inner.text.lock().map(|t| t.message.clone()).unwrap_or_default()
    }

    pub fn done(&self) -> u64 {
        self.inner.done.load(Ordering::Relaxed)
    }

    pub fn total(&self) -> u64 {
        self.inner.total.load(Ordering::Relaxed)
    }

    pub fn item(&self) -> u64 {
        self.inner.item.load(Ordering::Relaxed)
    }

    /// How many things there are to count (0 when the work counts none).
    pub fn items(&self) -> u64 {
        self.inner.items.load(Ordering::Relaxed)
    }

    /// Done as a fraction in `[0, 1]`, or `None` while the total is unknown.
    pub fn fraction(&self) -> Option<f32> {
        let total = self.total();
        (total > 0).then(|| (self.done().min(total) as f64 / total as f64) as f32)
    }

    /// Asks the worker to stop; it checks [`Progress::is_cancelled`] between steps.
    pub fn cancel(&self) {
        self.inner.cancelled.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        self.inner.cancelled.load(Ordering::Relaxed)
    }

    /// `Err(Cancelled)` once the work was asked to stop: `progress.check()?` between steps.
    pub fn check(&self) -> Result<(), Cancelled> {
        if self.is_cancelled() { Err(Cancelled) } else { Ok(()) }
    }

    /// Marks the work as over, however it ended. The runner calls it (the app's jobs do,
    /// also after a panic), not the work itself.
    pub fn finish(&self) {
        self.inner.finished.store(true, Ordering::Release);
    }

    pub fn is_finished(&self) -> bool {
        self.inner.finished.load(Ordering::Acquire)
    }
}

/// How much lower than the app's own threads a worker runs, in nice steps (the highest nice
/// value is 19).
pub const WORKER_NICE: i32 = 10;

/// Lowers the calling thread's scheduling priority, for a thread that does slow work while a
/// person waits on another one: the app's jobs and search worker, beside its UI thread. On
/// two cores at 20 M words, a scan over every text on one of them slowed every frame drawn
/// on the other; at a lower priority the work takes what the UI thread leaves. Linux keeps a
/// nice value per thread; elsewhere this does nothing. Raising it back needs privileges, so
/// only a thread that ends with its work may call it.
pub fn give_way_to_the_ui() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority reads and writes no memory of ours; with PRIO_PROCESS and `who` 0
    // Linux changes the calling thread's nice value only. A failure leaves it as it was.
    unsafe {
        let now = libc::getpriority(libc::PRIO_PROCESS, 0);
        let _ = libc::setpriority(libc::PRIO_PROCESS, 0, (now + WORKER_NICE).min(19));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_between_clones() {
        let p = Progress::new();
        let worker = p.clone();
        assert_eq!(p.fraction(), None);
        worker.set_total(4);
        worker.advance(1);
        worker.set_item(1, 3);
        worker.set_phase("reading");
        worker.set_message("Reading J3.docx");
        assert_eq!(p.fraction(), Some(0.25));
        assert_eq!((p.item(), p.items()), (1, 3));
        assert_eq!(p.phase(), "reading");
        assert_eq!(p.message(), "Reading J3.docx");
        assert!(!worker.is_cancelled());
        assert_eq!(worker.check(), Ok(()));
        p.cancel();
        assert!(worker.is_cancelled());
        assert_eq!(worker.check(), Err(Cancelled));
        assert!(!p.is_finished());
        worker.finish();
        assert!(p.is_finished());
    }

    #[test]
    fn an_observer_sees_counts_and_phases_as_they_move() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        let p = Progress::observed(move |p| {
            if let Ok(mut l) = log.lock() {
                l.push((p.phase(), p.done(), p.message()));
            }
        });
        p.set_total(10);
        p.set_message("a.txt");
        p.set_phase("reading");
        p.set_done(4);
        p.advance(6);
        // A message alone does not call the observer: it is read with the next count.
        p.set_message("b.txt");
        let seen = seen.lock().map(|s| s.clone()).unwrap_or_default();
        let expected = [("reading", 0, "a.txt"), ("reading", 4, "a.txt"), ("reading", 10, "a.txt")]
            .map(|(a, b, c)| (a.to_string(), b, c.to_string()));
        assert_eq!(seen, expected);
    }
}
