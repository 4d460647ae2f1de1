//! `tema stress`: a hidden command that applies a deterministic stream of edits and prints
//! each one as it is acknowledged. The crash test kills it at random moments and checks
//! that every acknowledged edit survived; it is also a handy manual durability check.
//!
//! Edit `k` of stream `seed` depends only on `(seed, k)` and the project it is applied to,
//! so a test can compute in-process what the project must look like after any prefix.

use crate::edit::{Edit, History};
use crate::model::*;
use crate::store::Store;
use anyhow::Result;
use std::io::Write;
use std::path::Path;

/// One step of the stream.
pub enum StressOp {
    Edit(Box<Edit>),
    Undo,
    Redo,
}

fn edit(e: Edit) -> StressOp {
    StressOp::Edit(Box::new(e))
}

/// SplitMix64: a tiny, good-enough generator that needs no crate and no state beyond a seed.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

const TEXT: &str = "Intervjuer: Hvordan var møtet?\nJ1: Det var fint 😀, men jeg følte meg snakket om.\n\
                    Interviewer: And the social worker?\nJ1: She asked what I wanted, for once.\n";

/// The project every stream starts from: one document, one coder.
pub fn base_edit() -> Edit {
    let doc = Document::new(DocId::from_u128(1), "J1", DocKind::Interview, TEXT);
    let coder =
        Coder { id: CoderId::from_u128(2), name: "Stress".into(), colour: palette_colour(0), slug: "stress".into() };
    Edit::batch(
        "Stress base",
        vec![Edit::AddCoder { coder, index: None }, Edit::AddDocument { document: Box::new(doc), index: None }],
    )
}

/// The `k`-th step of stream `seed` for the project as it is.
pub fn op(seed: u64, k: u64, p: &Project) -> StressOp {
    let r = |i: u64| mix(seed ^ mix(k.wrapping_mul(31).wrapping_add(i)));
    let at = chrono::DateTime::from_timestamp(1_700_000_000 + k as i64, 0).unwrap_or_default();
    let len = TEXT.chars().count() as u64;
    let codes: Vec<CodeId> = p.codes.keys().copied().collect();
    let codings: Vec<CodingId> = p.codings.keys().copied().collect();
    let uid = |n: u64| (seed as u128) << 64 | (k as u128) << 8 | n as u128;
    match r(0) % 10 {
        0 if p.codes.len() < 40 || codes.is_empty() => {
            let parent = if codes.is_empty() || r(1) % 2 == 0 {
                None
            } else {
                Some(codes[(r(2) % codes.len() as u64) as usize])
            };
            let mut code = Code::new(CodeId::from_u128(uid(1)), format!("code {seed}-{k}"), palette_colour(k as usize));
            code.parent = parent;
            edit(Edit::CreateCode { code, index: None })
        }
        1..=3 if !codes.is_empty() => {
            let start = r(3) % (len - 1);
            let end = (start + 1 + r(4) % 20).min(len);
            edit(Edit::AddCoding {
                coding: Coding {
                    id: CodingId::from_u128(uid(2)),
                    doc: DocId::from_u128(1),
                    span: Span::new(start as usize, end as usize),
                    code: codes[(r(5) % codes.len() as u64) as usize],
                    coder: CoderId::from_u128(2),
                    created: at,
                    comment: String::new(),
                },
            })
        }
        4 if !codings.is_empty() => edit(Edit::RemoveCoding { id: codings[(r(6) % codings.len() as u64) as usize] }),
        5 if !codes.is_empty() => {
            let id = codes[(r(7) % codes.len() as u64) as usize];
            let mut props = p.codes[&id].props.clone();
            props.description.definition = format!("defined at step {k}");
            edit(Edit::UpdateCode { id, props })
        }
        6 if codes.len() > 2 => {
            let from = codes[(r(8) % codes.len() as u64) as usize];
            let into = codes[(r(9) % codes.len() as u64) as usize];
            edit(Edit::MergeCodes { from, into })
        }
        7 => StressOp::Undo,
        8 => StressOp::Redo,
        _ => edit(Edit::AddMemo {
            memo: Memo {
                id: MemoId::from_u128(uid(3)),
                created: at,
                author: None,
                props: MemoProps {
                    target: MemoTarget::Journal,
                    title: format!("Entry {k}"),
                    body: "ø ✓".into(),
                    modified: at,
                },
            },
            index: None,
        }),
    }
}

/// Applies step `k` to an in-memory project and history, as the store would.
pub fn apply_in_memory(seed: u64, k: u64, p: &mut Project, h: &mut History) {
    let at = chrono::DateTime::from_timestamp(1_700_000_000 + k as i64, 0).unwrap_or_default();
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
