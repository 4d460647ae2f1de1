//! Property tests of merging two copies: two copies of one project diverge by random edits
//! (`tema::testing`'s codings, new codes with names that may collide, themes, removals); then merging is
//! idempotent (a second merge brings nothing) and commutative in content (A+B and B+A hold
//! the same codings, codes and themes by name), and the merged project passes every check.

use proptest::prelude::*;
use tema::model::*;
use tema::team::merge::plan_merge;
use tema::testing::{Action, DIVERGE, Fresh, action_in, base, edit_for};

fn diverge(copy: u32, actions: &[Action]) -> Project {
    let mut p = base();
    for (step, x) in actions.iter().enumerate() {
        if let Some(edit) = edit_for(&p, Fresh { copy, step: step as u64 }, x) {
            let _ = p.apply(edit); // refused edits (duplicate names, ...) leave it as it was
        }
    }
    p
}

fn merged(ours: &Project, theirs: &Project) -> Result<Project, TestCaseError> {
    let plan = plan_merge(ours, theirs);
    let mut p = ours.clone();
    if let Some(edit) = plan.edit {
        p.apply(edit).map_err(|e| TestCaseError::fail(format!("the merge edit was refused: {e}")))?;
    }
    Ok(p)
}

/// Codings, codes and themes by name and text: what both merges must agree on. Codes by their
/// own name, not their path: a merge keeps our copy's tree and matches the other's codes by
/// name, so a code nested in one copy and at the top in the other (or whose parent one copy
/// deleted) sits where the first copy had it.
fn content(p: &Project) -> (Vec<String>, Vec<String>, Vec<String>) {
    let code = |c: &CodeId| p.codes.get(c).map(|c| c.name().to_string()).unwrap_or_default();
    let mut codings: Vec<String> = p
        .codings
        .values()
        .map(|c| {
            format!("{} {:?} {} {}", p.documents[&c.doc].text_hash, c.span, code(&c.code), p.coders[&c.coder].name)
        })
        .collect();
    codings.sort();
    let mut codes: Vec<String> = p.codes.keys().map(code).collect();
    codes.sort();
    let mut themes: Vec<String> = p
        .themes
        .values()
        .map(|t| {
            let mut m: Vec<String> = t.codes.iter().map(code).collect();
            m.sort();
            format!("{} [{}]", t.name(), m.join(", "))
        })
        .collect();
    themes.sort();
    (codings, codes, themes)
}

fn actions() -> impl Strategy<Value = Vec<Action>> {
    prop::collection::vec(action_in(DIVERGE), 0..25)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, .. ProptestConfig::default() })]

    #[test]
    fn merge_is_idempotent_and_commutative_in_content(xa in actions(), xb in actions()) {
        let a = diverge(1, &xa);
        let b = diverge(2, &xb);
        let ab = merged(&a, &b)?;
        let ba = merged(&b, &a)?;
        prop_assert!(ab.check_integrity().is_ok());
        prop_assert!(ba.check_integrity().is_ok());
        prop_assert_eq!(content(&ab), content(&ba));
        // Nothing is lost: every coding of either copy is in the merge (by content).
        let (codings_ab, _, _) = content(&ab);
        for side in [&a, &b] {
            for c in content(side).0 {
                prop_assert!(codings_ab.contains(&c), "lost {}", c);
            }
        }
        // A second merge brings nothing in, either way round.
        let again = plan_merge(&ab, &b);
        prop_assert!(again.edit.is_none(), "{:?}", again.report);
        let again = plan_merge(&ba, &a);
        prop_assert!(again.edit.is_none(), "{:?}", again.report);
    }
}
