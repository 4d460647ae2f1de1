//! Progress and cancellation for long work on a worker thread (import, indexing, export).
//!
//! The worker owns a clone of a [`Progress`] and updates it; the app reads the same value
//! each frame to draw a progress bar with counts and a Cancel button. Nothing here knows
//! about a user interface, so the core's long operations can take `&Progress` directly.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Debug, Default)]
struct Inner {
    done: AtomicU64,
    total: AtomicU64,
    cancelled: AtomicBool,
    message: Mutex<String>,
}

/// A shared progress counter with a cancel flag. Cloning shares it.
#[derive(Clone, Debug, Default)]
pub struct Progress {
    inner: Arc<Inner>,
}

impl Progress {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets how many steps there are (0 when unknown).
    pub fn set_total(&self, total: u64) {
        self.inner.total.store(total, Ordering::Relaxed);
    }

    pub fn set_done(&self, done: u64) {
        self.inner.done.store(done, Ordering::Relaxed);
    }

    /// Counts `n` more steps as done.
    pub fn advance(&self, n: u64) {
        self.inner.done.fetch_add(n, Ordering::Relaxed);
    }

    /// What is being done now, for the status line (`Reading J3.docx`).
    pub fn set_message(&self, message: impl Into<String>) {
        if let Ok(mut m) = self.inner.message.lock() {
            *m = message.into();
        }
    }

    pub fn message(&self) -> String {
        self.inner.message.lock().map(|m| m.clone()).unwrap_or_default()
    }

    pub fn done(&self) -> u64 {
        self.inner.done.load(Ordering::Relaxed)
    }

    pub fn total(&self) -> u64 {
        self.inner.total.load(Ordering::Relaxed)
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
        worker.set_message("Reading J3.docx");
        assert_eq!(p.fraction(), Some(0.25));
        assert_eq!(p.message(), "Reading J3.docx");
        assert!(!worker.is_cancelled());
        p.cancel();
        assert!(worker.is_cancelled());
    }
}
