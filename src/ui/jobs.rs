//! Work on worker threads: import, indexing, search over large corpora, export.
//!
//! A job runs a closure on its own thread with a [`Progress`] it updates and checks for
//! cancellation. When it finishes it hands back [`Action`]s, which the app applies on the
//! UI thread like any other action (edits go through `Store::apply`). The status bar shows
//! each running job with a progress bar, its counts and a Cancel button.

use super::Action;
use crate::progress::Progress;
use std::sync::mpsc;

pub struct Job {
    pub name: String,
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
        let (tx, rx) = mpsc::channel();
        let progress = Progress::new();
        let worker_progress = progress.clone();
        let ctx = ctx.clone();
        let name = name.into();
        let spawned = std::thread::Builder::new().name(format!("tema: {name}")).spawn(move || {
            let actions = work(&worker_progress);
            let _ = tx.send(actions);
            ctx.request_repaint();
        });
        if let Err(e) = spawned {
            // No thread: report it as the job's only result.
            let (tx, rx2) = mpsc::channel();
            let _ = tx.send(vec![Action::Status { text: format!("could not start “{name}”: {e}"), error: true }]);
            self.running.push(Job { name, progress: progress.clone(), rx: rx2 });
            return progress;
        }
        self.running.push(Job { name, progress: progress.clone(), rx });
        progress
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
                let msg = p.message();
                ui.label(if msg.is_empty() { job.name.clone() } else { format!("{}: {msg}", job.name) });
                let text = if p.total() > 0 { format!("{} of {}", p.done(), p.total()) } else { "…".into() };
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
        if !self.running.is_empty() {
            ui.ctx().request_repaint_after(std::time::Duration::from_millis(100));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let _ = go_tx.send(());
        let mut got = Vec::new();
        for _ in 0..200 {
            got = jobs.poll();
            if !got.is_empty() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        assert!(matches!(got.as_slice(), [Action::Status { text, .. }] if text == "counted"));
        assert_eq!(progress.fraction(), Some(1.0));
        assert!(jobs.is_empty());
    }

    #[test]
    fn cancel_reaches_the_worker() {
        let ctx = egui::Context::default();
        let mut jobs = Jobs::default();
        let progress = jobs.spawn(&ctx, "wait", |p| {
            while !p.is_cancelled() {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            Vec::new()
        });
        progress.cancel();
        for _ in 0..500 {
            if jobs.running().is_empty() {
                break;
            }
            let _ = jobs.poll();
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        assert!(jobs.running().is_empty());
    }
}
