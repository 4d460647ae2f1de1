//! Search off the UI thread, for search-as-you-type.
//!
//! The app submits a request per keystroke; each gets a generation number. The worker runs
//! only the newest request waiting (older ones are skipped unread), and [`SearchWorker::poll`]
//! hands back only the outcome of the newest request submitted, so results never arrive
//! out of order and a frame never waits for a search.
//!
//! It is the one kind of slow work that is not a job of the app's `ui::jobs::Jobs`: a job
//! is one piece of work with a beginning and an end, while this is a long-lived thread that
//! answers a stream of requests and skips the stale ones by generation — a new thread and
//! a status-bar line per keystroke would be neither quick nor meaningful. It still reports
//! through the one [`Progress`] type: the phase is `searching` while a search runs (its
//! message the query) and empty when idle; the items count the generation answered of the
//! latest submitted.

use super::query::{SearchRequest, SearchResults, search};
use super::{IndexError, SearchIndex};
use crate::model::Project;
use crate::progress::Progress;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};

/// The result of one submitted request.
#[derive(Debug)]
pub struct SearchOutcome {
    pub generation: u64,
    pub request: SearchRequest,
    pub result: Result<SearchResults, IndexError>,
}

struct Job {
    generation: u64,
    index: Arc<SearchIndex>,
    project: Arc<Project>,
    request: SearchRequest,
}

pub struct SearchWorker {
    jobs: Sender<Job>,
    outcomes: Receiver<SearchOutcome>,
    latest: Arc<AtomicU64>,
    progress: Progress,
}

impl std::fmt::Debug for SearchWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchWorker").field("latest", &self.latest.load(Ordering::Relaxed)).finish()
    }
}

impl SearchWorker {
    /// Starts the worker thread; `notify` runs after each finished search (the app passes
    /// `ctx.request_repaint()`). The thread ends when the worker is dropped.
    pub fn spawn(notify: impl Fn() + Send + 'static) -> std::io::Result<SearchWorker> {
        let (jobs, job_rx) = channel::<Job>();
        let (out_tx, outcomes) = channel();
        let latest = Arc::new(AtomicU64::new(0));
        let newest = Arc::clone(&latest);
        let progress = Progress::new();
        let reporting = progress.clone();
        std::thread::Builder::new().name("tema-search".into()).spawn(move || {
            crate::progress::give_way_to_the_ui();
            run(&job_rx, &out_tx, &newest, &reporting, &notify);
            reporting.finish();
        })?;
        Ok(SearchWorker { jobs, outcomes, latest, progress })
    }

    /// Queues a search and returns its generation. The project is a snapshot: pass the
    /// same `Arc` as long as the project has not changed.
    pub fn submit(&self, index: Arc<SearchIndex>, project: Arc<Project>, request: SearchRequest) -> u64 {
        let generation = self.latest.fetch_add(1, Ordering::SeqCst) + 1;
        // A send fails only if the thread died; `poll` then never answers, which the app
        // shows as a search that does not finish rather than a crash.
        let _ = self.jobs.send(Job { generation, index, project, request });
        generation
    }

    /// The outcome of the newest request, once it is ready; outcomes of older requests are
    /// dropped.
    pub fn poll(&self) -> Option<SearchOutcome> {
        let latest = self.latest.load(Ordering::SeqCst);
        let mut found = None;
        while let Ok(outcome) = self.outcomes.try_recv() {
            if outcome.generation == latest {
                found = Some(outcome);
            }
        }
        found
    }

    /// Waits for the newest request's outcome (tests and scripts).
    pub fn wait(&self) -> Option<SearchOutcome> {
        let latest = self.latest.load(Ordering::SeqCst);
        while let Ok(outcome) = self.outcomes.recv() {
            if outcome.generation == latest {
                return Some(outcome);
            }
        }
        None
    }

    /// What the worker is doing (see the module doc).
    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// The generation of the newest request submitted.
    pub fn latest(&self) -> u64 {
        self.latest.load(Ordering::SeqCst)
    }
}

fn run(
    jobs: &Receiver<Job>,
    outcomes: &Sender<SearchOutcome>,
    latest: &AtomicU64,
    progress: &Progress,
    notify: &impl Fn(),
) {
    while let Ok(mut job) = jobs.recv() {
        // Skip to the newest request waiting.
        while let Ok(newer) = jobs.try_recv() {
            job = newer;
        }
        if job.generation < latest.load(Ordering::SeqCst) {
            continue;
        }
        progress.set_message(job.request.query.clone());
        progress.set_phase("searching");
        let result = search(&job.index, &job.project, &job.request);
        progress.set_item(job.generation, latest.load(Ordering::SeqCst));
        progress.set_phase("");
        let outcome = SearchOutcome { generation: job.generation, request: job.request, result };
        if outcomes.send(outcome).is_err() {
            return;
        }
        notify();
    }
}
