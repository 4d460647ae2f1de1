//! Property tests of merging two copies: two copies of one project diverge by random edits
//! (codings, new codes with names that may collide, themes, removals); then merging is
//! idempotent (a second merge brings nothing) and commutative in content (A+B and B+A hold
//! the same codings, codes and themes by name), and the merged project passes every check.

use proptest::prelude::*;
use tema::edit::Edit;
use tema::model::*;
use tema::team::merge::plan_merge;

const J1: &str = "Intervjuer: Hvordan var møtet?\nJ1: Greit 😀, men de snakket om meg, ikke med meg.\n";
const J2: &str = "Intervjuer: Hva håper du på?\nJ2: En jobb 🇳🇴 der jeg blir sett, ærlig talt.\n";
const NAMES: [&str; 6] = ["Stemme", "Håp", "Tillit", "Jobb", "Ærlighet", "Makt"];

fn base() -> Project {
    let mut p = Project::new("Base");
    let mut edits = Vec::new();
    for (i, name) in ["Ingrid", "Tom"].iter().enumerate() {
        let coder = Coder {
            id: CoderId::from_u128(i as u128 + 1),
            name: (*name).into(),
            colour: palette_colour(i),
            slug: name.to_lowercase(),
        };
        edits.push(Edit::AddCoder { coder, index: None });
    }
    for (i, text) in [J1, J2].iter().enumerate() {
        let d = Document::new(DocId::from_u128(10 + i as u128), format!("J{}", i + 1), DocKind::Interview, *text);
        edits.push(Edit::AddDocument { document: Box::new(d), index: None });
    }
    edits.push(Edit::CreateCode { code: Code::new(CodeId::from_u128(20), "Stemme", palette_colour(0)), index: None });
    edits.push(Edit::AddCoding {
        coding: Coding {
            id: CodingId::from_u128(30),
            doc: DocId::from_u128(10),
            span: Span::new(3, 12),
            code: CodeId::from_u128(20),
            coder: CoderId::from_u128(1),
            created: chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default(),
            comment: String::new(),
        },
    });
    let r = p.apply(Edit::batch("base", edits));
    assert!(r.is_ok(), "{r:?}");
    p
}

/// One random edit to a copy; `copy` keeps the two copies' fresh ids apart.
fn edit_for(p: &Project, copy: u128, step: usize, (kind, a, b, c): (u8, usize, usize, usize)) -> Option<Edit> {
    let fresh = (copy << 64) | (step as u128) << 8;
    let docs: Vec<DocId> = p.documents.keys().copied().collect();
    let codes: Vec<CodeId> = p.codes.keys().copied().collect();
    let codings: Vec<CodingId> = p.codings.keys().copied().collect();
    let pick = |v: &[CodeId], n: usize| if v.is_empty() { None } else { Some(v[n % v.len()]) };
    Some(match kind % 6 {
        0..=2 => {
            let doc = docs[a % docs.len()];
            let len = p.documents[&doc].char_len;
            let start = b % (len - 1);
            let end = (start + 1 + c % 25).min(len);
            Edit::AddCoding {
                coding: Coding {
                    id: CodingId::from_u128(fresh | 1),
                    doc,
                    span: Span::new(start, end),
                    code: pick(&codes, c)?,
                    coder: CoderId::from_u128(1 + (a % 2) as u128),
                    created: chrono::DateTime::from_timestamp(1_700_000_000 + step as i64, 0).unwrap_or_default(),
                    comment: String::new(),
                },
            }
        }
        3 => Edit::CreateCode {
            code: Code::new(CodeId::from_u128(fresh | 2), NAMES[a % NAMES.len()], palette_colour(b)),
            index: None,
        },
        4 => {
            let mut t = Theme::new(ThemeId::from_u128(fresh | 3), ["Å bli sett", "Systemet"][a % 2]);
            t.codes = codes.iter().copied().filter(|x| (x.0.as_u128() as usize + b).is_multiple_of(2)).collect();
            Edit::CreateTheme { theme: t, index: None }
        }
        _ => {
            if b.is_multiple_of(2) {
                Edit::RemoveCoding { id: *codings.get(a % codings.len().max(1))? }
            } else {
                Edit::DeleteCode { id: pick(&codes, a)? }
            }
        }
    })
}

fn diverge(copy: u128, actions: &[(u8, usize, usize, usize)]) -> Project {
    let mut p = base();
    for (step, x) in actions.iter().enumerate() {
        if let Some(edit) = edit_for(&p, copy, step, *x) {
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

/// Codings, codes and themes by name and text: what both merges must agree on.
fn content(p: &Project) -> (Vec<String>, Vec<String>, Vec<String>) {
    let code = |c: &CodeId| p.code_path(*c);
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

fn actions() -> impl Strategy<Value = Vec<(u8, usize, usize, usize)>> {
    prop::collection::vec((any::<u8>(), any::<usize>(), any::<usize>(), any::<usize>()), 0..25)
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
