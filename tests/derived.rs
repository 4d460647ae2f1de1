//! Property test of the derived figures the app keeps per document (issue 21): after any random
//! session of edits, undo and redo from the one generator (`tema::testing`), and across
//! switches of the coder scope, every kept figure equals the same figure recomputed from
//! scratch (`kept::check`); a second run of mostly codings makes the kept sums (agreement
//! between the two coders, the board's themes) subtract and add many parts.

use proptest::prelude::*;
use tema::analysis::CoderScope;
use tema::edit::History;
use tema::testing::{ALL, CODERS, Fresh, Mix, Move, base, edit_for, moves};

mod kept;
use kept::{Kept, check};

/// Mostly codings, so that both coders code the same documents and the kept sums (agreement,
/// the board's themes) see many parts subtracted and added: codings added (alone and in
/// batches), moved and removed, codes renamed, merged and deleted, themes created and given
/// codes, documents added or removed and texts corrected.
const CODING: &[u8] = &[6, 7, 8, 9, 6, 7, 8, 9, 6, 7, 8, 9, 10, 11, 53, 54, 12, 16, 16, 17, 2, 4, 5, 29, 46];

/// Plays a session, asking every kept figure after each step (the coder scope moves between
/// every coder, Ingrid and Tom every few steps: a new scope recomputes every part, the steps
/// in between keep them), then undoes everything one step at a time (removals of what the
/// kept parts hold).
fn play(session: &[Move]) -> Result<(), TestCaseError> {
    let mut p = base();
    let mut history = History::default();
    let mut kept = Kept::default();
    let scopes = [CoderScope::All, CoderScope::only(CODERS[0]), CoderScope::only(CODERS[1])];
    for (step, m) in session.iter().enumerate() {
        let fresh = Fresh::at(step as u64);
        match m {
            Move::Edit(x) => {
                if let Some(edit) = edit_for(&p, fresh, x) {
                    let _ = history.apply(&mut p, edit, None, fresh.time());
                }
            }
            Move::Undo => {
                let _ = history.undo(&mut p, fresh.time());
            }
            Move::Redo => {
                let _ = history.redo(&mut p, fresh.time());
            }
        }
        check(&mut kept, &p, &scopes[(step / 4) % scopes.len()], step)?;
    }
    let at = Fresh::at(1 << 20).time();
    let mut step = session.len();
    while let Ok(Some(_)) = history.undo(&mut p, at) {
        check(&mut kept, &p, &CoderScope::All, step)?;
        step += 1;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, .. ProptestConfig::default() })]

    /// Random sessions of edits of every kind, undo and redo from the one generator.
    #[test]
    fn kept_figures_equal_a_full_recomputation(
        session in prop::collection::vec(moves(Mix { kinds: ALL, undo: 15, redo: 5 }), 1..40),
    ) {
        play(&session)?;
    }

    /// Random sessions of mostly codings by both coders, undo and redo.
    #[test]
    fn kept_sums_equal_a_full_recomputation_while_coding(
        session in prop::collection::vec(moves(Mix { kinds: CODING, undo: 15, redo: 5 }), 1..60),
    ) {
        play(&session)?;
    }
}
