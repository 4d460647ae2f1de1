//! Derived figures whose first build is slow, built on a worker (issue 21).
//!
//! The keepers of derived figures (`MatrixCache`, `CooccurrenceCache`, `KeptAgreement`) keep
//! each document's part, so after an edit they work one document again, which fits in a frame.
//! Their first build (or a build for another coder scope, other coders, another co-occurrence
//! scope) works every document: 50–100 ms at 2 M words in release, seconds in a debug build.
//! [`Warm`] sends exactly that build to a worker: the keeper moves into a keyed job with a
//! snapshot of the project, the view shows its last figure or "Counting…" meanwhile, and the
//! keeper comes back warm on a later frame, where its next refresh catches up with whatever
//! was edited during the build (only those documents, since the snapshot's revisions are the
//! project's own). Views keep drawing only.

use super::jobs::{JobLost, JobSpec, Pending};
use super::{Action, Tokens, ViewCtx};
use crate::model::Project;

/// Below this many codings a cold build runs in the frame: at 50,000 codings the slowest one
/// (attribution and matrix) takes 58 ms in release (docs/BENCHMARKS.md), so under 2,000 it
/// takes a few milliseconds, less than the frames a worker round trip and a "Counting…" flash
/// would cost.
pub const INLINE_CODINGS: usize = 2_000;

/// A keeper of derived figures that is built on a worker when cold (see the module doc).
pub struct Warm<T> {
    /// `None` while a worker has it.
    keeper: Option<T>,
    building: Option<Pending<T>>,
    /// The project revision at which a build was lost (it panicked): not tried again until
    /// the project changes, so a failing build does not start a job every frame.
    lost_at: Option<u64>,
    inline_below: usize,
}

impl<T: Default> Default for Warm<T> {
    fn default() -> Self {
        Self { keeper: Some(T::default()), building: None, lost_at: None, inline_below: INLINE_CODINGS }
    }
}

impl<T: Default + Send + 'static> Warm<T> {
    /// A keeper whose cold builds go to a worker from `codings` codings on (tests use 0).
    pub fn with_threshold(codings: usize) -> Self {
        Self { inline_below: codings, ..Self::default() }
    }

    /// The keeper, ready to be brought up to date in the frame; `None` while a worker builds
    /// it. `cold` says whether bringing it up to date would work every document; if so, and
    /// the project is large enough, it goes to a worker (job `name`, keyed `key`) where `build`
    /// warms it on a snapshot of the project.
    pub fn get(
        &mut self,
        cx: &mut ViewCtx<'_>,
        name: &str,
        key: &str,
        cold: impl FnOnce(&T, &Project) -> bool,
        build: impl FnOnce(&mut T, &Project) + Send + 'static,
    ) -> Option<&mut T> {
        self.get_in(cx.project, cx.actions, name, key, cold, build)
    }

    /// [`Warm::get`] for a keeper held in the [`ViewCtx`] itself (the app's shared cache):
    /// the project and the queue the job goes to, borrowed apart.
    pub fn get_in(
        &mut self,
        p: &Project,
        actions: &mut Vec<Action>,
        name: &str,
        key: &str,
        cold: impl FnOnce(&T, &Project) -> bool,
        build: impl FnOnce(&mut T, &Project) + Send + 'static,
    ) -> Option<&mut T> {
        if let Some(pending) = &mut self.building {
            match pending.poll() {
                None => return None,
                Some(Ok(warm)) => self.keeper = Some(warm),
                Some(Err(JobLost::Stopped)) => {
                    self.keeper = Some(T::default());
                    self.lost_at = Some(p.revisions.all);
                }
            }
            self.building = None;
        }
        let keeper = self.keeper.as_ref()?;
        if p.codings.len() < self.inline_below || !cold(keeper, p) {
            return self.keeper.as_mut();
        }
        if self.lost(p) {
            // Not in the frame either: what panicked on the worker would panic here.
            return None;
        }
        let mut keeper = self.keeper.take().unwrap_or_default();
        // One copy of the project per cold build (5.7 ms at 2 M words), not per frame.
        let snapshot = p.clone();
        let (job, pending) = JobSpec::returning(name, move |_| {
            build(&mut keeper, &snapshot);
            keeper
        });
        actions.push(Action::Job(job.keyed(key)));
        self.building = Some(pending);
        None
    }

    /// Whether a worker is building the keeper now.
    pub fn is_building(&self) -> bool {
        self.building.is_some()
    }

    /// Whether the last cold build was lost (its job stopped unexpectedly; the status bar says
    /// why) and the project has not changed since.
    pub fn lost(&self, p: &Project) -> bool {
        self.lost_at == Some(p.revisions.all)
    }
}

/// What a view says while a worker builds its figures (the last ones, if any, stay below it).
pub fn counting(ui: &mut egui::Ui, t: &Tokens) {
    ui.horizontal(|ui| {
        ui.spinner();
        ui.label(egui::RichText::new("Counting…").color(t.weak_text));
    });
}
