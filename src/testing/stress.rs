//! `tema stress`: a hidden command (built only with the `testing` feature) that applies a
//! deterministic stream of random edits, undos and redos, and prints each step as it is
//! acknowledged. The crash test kills it at random moments and checks that every acknowledged
//! edit survived; it is also a handy manual durability check.
//!
//! Step `k` of stream `seed` depends only on `(seed, k)` and the project it is applied to,
//! so a test can compute in-process what the project must look like after any prefix.

use super::{ALL, Fresh, Mix, Move, base_edits, edit_for};
use crate::edit::{Edit, History};
use crate::model::*;
use crate::store::Store;
use anyhow::Result;
use std::io::Write;
use std::path::Path;

/// The stream's session: every kind of edit (the invalid ones too, which the store must
/// refuse without a trace), one step in ten an undo and one in ten a redo.
pub const STREAM: Mix = Mix { kinds: ALL, undo: 10, redo: 10 };

/// One step of the stream, as the store or a history takes it.
pub enum StressOp {
    Edit(Box<Edit>),
    Undo,
    Redo,
}

/// The project every stream starts from: the generator's base project, as one step.
pub fn base_edit() -> Edit {
    Edit::batch("Stress base", base_edits())
}

/// The `k`-th step of stream `seed` for the project as it is. An action that finds nothing
/// to pick (no quote to move yet), or whose edit would be accepted and change nothing,
/// becomes a redo (which does nothing on an empty redo list).
pub fn op(seed: u64, k: u64, p: &Project) -> StressOp {
    // The seed's low bits keep the ids of two streams on one project apart.
    let fresh = Fresh { copy: seed as u32, step: k };
    match Move::seeded(seed, k, STREAM) {
        Move::Edit(action) => match edit_for(p, fresh, &action) {
            Some(e) if !accepted_unchanged(p, &e) => StressOp::Edit(Box::new(e)),
            _ => StressOp::Redo,
        },
        Move::Undo => StressOp::Undo,
        Move::Redo => StressOp::Redo,
    }
}

/// Whether `edit` would be accepted (and so take a place in the undo history) without
/// changing the project: a read mark cleared that was not set, say. After a crash such a step
/// cannot be told from the step before it by the project on disk, which is how the crash test
/// tells how far a killed stream got; refused edits record nothing and stay in the stream.
fn accepted_unchanged(p: &Project, edit: &Edit) -> bool {
    let mut after = p.clone();
    if after.apply(edit.clone()).is_err() {
        return false;
    }
    after.revisions = p.revisions.clone();
    after == *p
}

/// Applies step `k` to an in-memory project and history, as the store would.
pub fn apply_in_memory(seed: u64, k: u64, p: &mut Project, h: &mut History) {
    let at = Fresh::at(k).time();
    // Refused edits (a merge of a code into its own child, say) are part of the stream too:
    // they must leave the project unchanged, here and in the store.
    let _ = match op(seed, k, p) {
        StressOp::Edit(e) => h.apply(p, *e, None, at).map(|_| ()),
        StressOp::Undo => h.undo(p, at).map(|_| ()),
        StressOp::Redo => h.redo(p, at).map(|_| ()),
    };
}

/// When `tema stress` saves a snapshot.
#[derive(Clone, Copy, Debug, Default)]
pub struct Saves {
    /// Every this many steps (0: never).
    pub every: u64,
    /// On a thread of its own ([`Store::begin_save`], [`crate::store::SaveTicket::run_with`],
    /// [`Store::finish_save`]) while the stream goes on.
    pub background: bool,
}

/// Prints one line and flushes it, so a kill right after it still leaves it read.
fn say(line: &str) -> std::io::Result<()> {
    let out = std::io::stdout();
    let mut lock = out.lock();
    writeln!(lock, "{line}")?;
    lock.flush()
}

/// Runs the stream from step `start` on the project in `dir` (created if missing), printing
/// `ack K` after step K is durable. Saves a snapshot every `saves.every` steps, between the
/// lines `save` and `saved`; in the background, the writing thread prints `phase NAME` as it
/// reaches each [`crate::store::SavePhase`], pausing `TEMA_STRESS_PHASE_PAUSE_US`
/// microseconds after each (so kills land in every phase) while steps go on. With
/// `TEMA_STRESS_ACK_DELAY_US=N` it waits N microseconds between a step being durable and its
/// `ack` (the crash test uses it so that some kills surely land in that window).
pub fn run(dir: &Path, seed: u64, start: u64, count: u64, saves: Saves) -> Result<()> {
    let micros =
        |name: &str| std::env::var(name).ok().and_then(|v| v.parse::<u64>().ok()).map(std::time::Duration::from_micros);
    let ack_delay = micros("TEMA_STRESS_ACK_DELAY_US");
    let phase_pause = micros("TEMA_STRESS_PHASE_PAUSE_US");
    let mut store = if dir.join("project.json").exists() { Store::open(dir)? } else { Store::create(dir, "stress")? };
    // A fresh project (no document and no history) gets the base; one whose base step was
    // undone by the stream (an empty project with history) must not get it again.
    let history = store.history();
    if store.project().documents.is_empty() && history.undo.is_empty() && history.redo.is_empty() {
        store.apply(base_edit())?;
    }
    say("ready")?;
    let mut worker: Option<std::thread::JoinHandle<crate::store::Result<crate::store::SaveDone>>> = None;
    for k in start..start + count {
        let result = match op(seed, k, store.project()) {
            StressOp::Edit(e) => store.apply(*e).map(|_| ()),
            StressOp::Undo => store.undo().map(|_| ()),
            StressOp::Redo => store.redo().map(|_| ()),
        };
        match result {
            Ok(()) | Err(crate::store::StoreError::Edit(_)) => {}
            Err(e) => return Err(e.into()),
        }
        if let Some(delay) = ack_delay {
            std::thread::sleep(delay);
        }
        say(&format!("ack {k}"))?;
        if worker.as_ref().is_some_and(|w| w.is_finished())
            && let Some(w) = worker.take()
        {
            let done = w.join().map_err(|_| anyhow::anyhow!("the save thread panicked"))?;
            store.finish_save(done)?;
            say("saved")?;
        }
        if saves.every == 0 || (k + 1) % saves.every != 0 {
            continue;
        }
        if !saves.background {
            say("save")?;
            store.save()?;
            say("saved")?;
        } else if worker.is_none() {
            say("save")?;
            let ticket = store.begin_save()?;
            worker = Some(std::thread::spawn(move || {
                ticket.run_with(&mut |phase| {
                    let _ = say(&format!("phase {phase:?}"));
                    if let Some(pause) = phase_pause {
                        std::thread::sleep(pause);
                    }
                })
            }));
        }
    }
    if let Some(w) = worker.take() {
        let done = w.join().map_err(|_| anyhow::anyhow!("the save thread panicked"))?;
        store.finish_save(done)?;
        say("saved")?;
    }
    Ok(())
}
