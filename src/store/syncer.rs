//! Bringing appended lines to disk off the caller's thread (the app's UI thread).
//!
//! An edit's journal line is written before [`super::Store::apply`] returns, so it is in the
//! file for every reader and survives the app crashing. What can still lose it is the machine
//! stopping (power, a kernel crash) before the operating system writes its cache out. The
//! synchronous path waits for that (`fdatasync`) before it returns, which on a busy disk takes
//! tens of milliseconds: a stall in every frame that applies an edit, one per keystroke while a
//! definition is typed. With a [`Syncer`] the store writes the line, hands this thread a handle
//! of the file (the journal's, and the trail file's when the edit recorded a decision), and
//! returns; the thread syncs them, a few milliseconds later. A failed sync is kept: the store
//! then refuses further changes and the app says "not saved". The app does not repaint when a
//! sync finishes (a wake from another thread in every edit would make frames run that nothing
//! asked for), so its status counts a change as saved once the line is written.
//! The command line keeps the synchronous path: it says a change is done only when it is.

use super::error::StoreError;
use crate::files::FileIo;
use std::fs::File;
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;

/// How a file is brought to disk: `File::sync_data`, or a stand-in in tests.
pub(crate) type SyncFn = Arc<dyn Fn(&File) -> std::io::Result<()> + Send + Sync>;

/// The thread that syncs appended files (see the module's documentation).
pub(crate) struct Syncer {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

struct Shared {
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Default)]
struct State {
    /// Files written and not yet synced, one entry a path (see [`Syncer::ask`]), each with how
    /// many asks it answers.
    queue: Vec<(u64, File, PathBuf)>,
    /// Asks so far, and asks answered by a finished sync: everything asked for is on disk
    /// when the two are equal.
    asked: u64,
    synced: u64,
    /// The first failure: once a sync failed, no later change counts as on disk.
    failed: Option<(PathBuf, std::io::ErrorKind, String)>,
    stop: bool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Syncer {
    /// Starts the thread.
    pub(crate) fn start(sync: SyncFn) -> Result<Syncer, StoreError> {
        let shared = Arc::new(Shared { state: Mutex::new(State::default()), changed: Condvar::new() });
        let worker = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("tema-sync".into())
            .spawn(move || run(&worker, &sync))
            .map_err(FileIo::on::<StoreError>("start a thread to sync", "the project's journal"))?;
        Ok(Syncer { shared, thread: Some(thread) })
    }

    /// Asks for what was written to `file` to be brought to disk.
    ///
    /// A newer handle of a path replaces the one waiting: it is the same open file, or (after
    /// the journal was started afresh on a new snapshot) the file that replaced it, whose
    /// earlier lines the snapshot and the fresh journal's own fsync already hold. So the queue
    /// holds one handle a path however long a sync takes, and a stalled disk cannot use up
    /// the process's file handles.
    pub(crate) fn ask(&self, file: File, path: PathBuf) {
        let mut state = self.shared.lock();
        state.asked += 1;
        match state.queue.iter_mut().find(|(_, _, p)| *p == path) {
            Some(waiting) => *waiting = (waiting.0 + 1, file, path),
            None => state.queue.push((1, file, path)),
        }
        drop(state);
        self.shared.changed.notify_all();
    }

    /// Whether everything asked for so far is on disk.
    pub(crate) fn is_done(&self) -> bool {
        let state = self.shared.lock();
        state.synced == state.asked
    }

    /// Why a sync failed, if one did.
    pub(crate) fn failure(&self) -> Option<StoreError> {
        self.shared.lock().failed.as_ref().map(failure)
    }

    /// Waits until everything asked for so far is on disk, or a sync fails.
    pub(crate) fn wait(&self) -> Result<(), StoreError> {
        let mut state = self.shared.lock();
        let target = state.asked;
        loop {
            if let Some(f) = &state.failed {
                return Err(failure(f));
            }
            if state.synced >= target {
                return Ok(());
            }
            state = self.shared.changed.wait(state).unwrap_or_else(PoisonError::into_inner);
        }
    }
}

impl std::fmt::Debug for Syncer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Syncer").field("done", &self.is_done()).finish_non_exhaustive()
    }
}

impl Drop for Syncer {
    /// Syncs what was asked for before the thread ends: closing a project waits for its
    /// last change to be on disk.
    fn drop(&mut self) {
        self.shared.lock().stop = true;
        self.shared.changed.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn failure((path, kind, message): &(PathBuf, std::io::ErrorKind, String)) -> StoreError {
    FileIo::on::<StoreError>("bring to disk", path)(std::io::Error::new(*kind, message.clone()))
}

fn run(shared: &Shared, sync: &SyncFn) {
    loop {
        let batch = {
            let mut state = shared.lock();
            while state.queue.is_empty() && !state.stop {
                state = shared.changed.wait(state).unwrap_or_else(PoisonError::into_inner);
            }
            if state.queue.is_empty() {
                return;
            }
            std::mem::take(&mut state.queue)
        };
        let answered: u64 = batch.iter().map(|(asks, ..)| asks).sum();
        let result = batch
            .iter()
            .try_for_each(|(_, file, path)| sync(file).map_err(|e| (path.clone(), e.kind(), e.to_string())));
        let mut state = shared.lock();
        match result {
            Ok(()) => state.synced += answered,
            Err(f) => {
                state.failed.get_or_insert(f);
            }
        }
        drop(state);
        shared.changed.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::super::Store;
    use super::*;
    use crate::edit::Edit;
    use crate::model::{Code, CodeId, Colour};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    /// A disk that syncs only when the test opens the gate (or after half a minute, so a
    /// regression fails an assertion instead of hanging), counting syncs and naming the
    /// threads they ran on.
    #[derive(Default)]
    struct Gate {
        open: Mutex<bool>,
        opened: Condvar,
        syncs: AtomicUsize,
        threads: Mutex<Vec<String>>,
    }

    impl Gate {
        fn sync_fn(gate: &Arc<Gate>, fail: bool) -> SyncFn {
            let gate = Arc::clone(gate);
            Arc::new(move |file: &File| {
                let open = gate.open.lock().unwrap_or_else(PoisonError::into_inner);
                let _ = gate.opened.wait_timeout_while(open, Duration::from_secs(30), |open| !*open);
                let name = std::thread::current().name().unwrap_or("").to_string();
                gate.threads.lock().unwrap_or_else(PoisonError::into_inner).push(name);
                gate.syncs.fetch_add(1, Ordering::SeqCst);
                if fail { Err(std::io::Error::other("the disk is gone")) } else { file.sync_data() }
            })
        }

        fn open(&self) {
            *self.open.lock().unwrap_or_else(PoisonError::into_inner) = true;
            self.opened.notify_all();
        }
    }

    fn code(name: &str) -> Edit {
        Edit::CreateCode { code: Code::new(CodeId::new(), name, Colour::rgb(1, 2, 3)), index: None }
    }

    #[test]
    fn a_change_returns_before_the_disk_and_is_on_disk_after() -> Result<(), Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        let dir = tmp.path().join("study.tema");
        let gate = Arc::new(Gate::default());
        let mut store = Store::create(&dir, "Study")?;
        store.sync_with(Gate::sync_fn(&gate, false))?;
        assert!(store.is_durable());
        store.apply(code("Trust"))?;
        store.apply(code("Distrust"))?;
        // Both changes returned while the disk was held: written, not yet synced.
        assert!(!store.is_durable());
        let journal = std::fs::read_to_string(dir.join(super::super::journal::JOURNAL_FILE))?;
        assert!(journal.contains("Trust") && journal.contains("Distrust"), "{journal}");
        gate.open();
        store.wait_durable()?;
        assert!(store.is_durable());
        assert!(gate.syncs.load(Ordering::SeqCst) >= 1);
        let threads = gate.threads.lock().map(|t| t.clone()).unwrap_or_default();
        assert!(threads.iter().all(|t| t == "tema-sync"), "{threads:?}");
        // Closing waits for what is still to sync; while the disk is held, a hundred changes
        // wait as one handle of the journal (and one of the trail file).
        *gate.open.lock().unwrap_or_else(PoisonError::into_inner) = false;
        for i in 0..100 {
            store.apply(code(&format!("Hope {i}")))?;
        }
        let waiting = store.syncer.as_ref().map(|s| s.shared.lock().queue.len()).unwrap_or_default();
        assert!(waiting <= 2, "{waiting} handles wait");
        let before = gate.syncs.load(Ordering::SeqCst);
        let opener = {
            let gate = Arc::clone(&gate);
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(50));
                gate.open();
            })
        };
        drop(store);
        assert!(gate.syncs.load(Ordering::SeqCst) > before, "dropping the store synced the last change");
        let _ = opener.join();
        let store = Store::open(&dir)?;
        assert_eq!(store.project().codes.len(), 102);
        Ok(())
    }

    #[test]
    fn a_failed_sync_is_reported_and_stops_further_changes() -> Result<(), Box<dyn std::error::Error>> {
        let tmp = tempfile::tempdir()?;
        let gate = Arc::new(Gate::default());
        gate.open();
        let mut store = Store::create(&tmp.path().join("study.tema"), "Study")?;
        store.sync_with(Gate::sync_fn(&gate, true))?;
        store.apply(code("Trust"))?;
        let err = store.wait_durable().err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("could not bring to disk") && err.contains("the disk is gone"), "{err}");
        assert!(store.sync_failure().is_some());
        assert!(!store.is_durable());
        let refused = store.apply(code("Distrust")).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(refused.contains("the disk is gone"), "{refused}");
        assert_eq!(store.project().codes.len(), 1, "the refused change is not in the project");
        Ok(())
    }
}
