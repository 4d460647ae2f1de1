//! Exports: one module per kind of output. Each writes from a `&Project` on the calling
//! thread, reports progress through [`crate::progress::Progress`] and stops when it is
//! cancelled, so the app runs them on a worker thread.

pub mod report;
