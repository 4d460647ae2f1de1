//! Managing and correcting documents: text corrections (core, store, command line), document
//! sets and attributes, deletion with its count, notes on passages.

use proptest::prelude::*;
use std::path::Path;
use tema::edit::{DeletionCounts, DocumentChange, Edit, History, plan_text_correction};
use tema::model::*;
use tema::store::Store;

mod common;
use common::canonical;
use common::{json, tema};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const TEXT: &str =
    "I: Hvordan var møtet?\nJ4: Det var teh første gang 😀 jeg ble hørt.\nI: Og etterpå?\nJ4: Da snakket de om meg.\n";

const CODER: CoderId = CoderId::from_u128(1);
const DOC: DocId = DocId::from_u128(20);
const CODE: CodeId = CodeId::from_u128(30);

fn coding(n: u128, span: Span) -> Coding {
    Coding {
        id: CodingId::from_u128(n),
        doc: DOC,
        span,
        code: CODE,
        coder: CODER,
        created: chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default(),
        comment: String::new(),
    }
}

/// Position of the first `needle` in TEXT, in chars.
fn at(needle: &str) -> usize {
    TEXT.find(needle).map(|b| TEXT[..b].chars().count()).unwrap_or(usize::MAX)
}

/// A project with one Norwegian interview, one turn per line, and codings on it.
fn project(codings: &[(u128, Span)]) -> Project {
    let mut p = Project::new("Correct");
    let mut edits = vec![
        Edit::AddCoder {
            coder: Coder { id: CODER, name: "Ingrid".into(), colour: palette_colour(0), slug: "ingrid".into() },
            index: None,
        },
        Edit::CreateCode { code: Code::new(CODE, "Being heard", palette_colour(1)), index: None },
    ];
    let mut d = Document::new(DOC, "J4", DocKind::Interview, TEXT);
    let mut start = 0;
    for line in TEXT.split_inclusive('\n') {
        let len = line.chars().count();
        d.turns.push(Turn {
            span: Span::new(start, start + len),
            speaker: line.split(':').next().unwrap_or_default().into(),
            participant: None,
            start_ms: None,
            end_ms: None,
        });
        start += len;
    }
    edits.push(Edit::AddDocument { document: Box::new(d), index: None });
    edits.extend(codings.iter().map(|(n, s)| Edit::AddCoding { coding: coding(*n, *s) }));
    let r = p.apply(Edit::batch("base", edits));
    assert!(r.is_ok(), "{r:?}");
    p
}

fn text_of(p: &Project, id: CodingId) -> String {
    let c = &p.codings[&id];
    p.documents[&c.doc].slice(c.span).unwrap_or_default().to_string()
}

#[test]
fn a_correction_moves_later_codings_and_clamps_one_that_straddles_it() {
    let teh = at("teh");
    let heard = at("hørt");
    let meg = at("meg");
    // 1: "teh første gang" straddles... no: starts at the typo; 2: "Det var te" ends inside it;
    // 3: "hørt" after it; 4: "var" before it.
    let det = at("Det var");
    let mut p = project(&[
        (1, Span::new(teh, teh + 15)),
        (2, Span::new(det, teh + 2)),
        (3, Span::new(heard, heard + 4)),
        (4, Span::new(det + 4, det + 7)),
        (5, Span::new(meg, meg + 3)),
    ]);
    let start = canonical(&p);
    let plan = plan_text_correction(&p, DOC, vec![TextChange { span: Span::new(teh, teh + 3), text: "the".into() }]);
    let Ok(plan) = plan else { panic!("{plan:?}") };
    // Codings 1 and 2 touch the changed chars; 3, 4 and 5 do not.
    let touched: Vec<u128> = plan.touched.iter().map(|t| t.coding.0.as_u128()).collect();
    assert_eq!(touched, [1, 2]);
    // Same length, so nothing moves; 2 ended inside "teh" and now ends after "the".
    assert_eq!(plan.touched[1].after, Some(Span::new(det, teh + 3)));
    let undo = p.apply(plan.edit);
    let Ok(undo) = undo else { panic!("{undo:?}") };
    assert_eq!(text_of(&p, CodingId::from_u128(1)), "the første gang");
    assert_eq!(text_of(&p, CodingId::from_u128(2)), "Det var the");
    assert_eq!(text_of(&p, CodingId::from_u128(3)), "hørt");
    assert_eq!(text_of(&p, CodingId::from_u128(4)), "var");
    assert!(p.check_integrity().is_ok());
    assert!(p.apply(undo).is_ok());
    assert_eq!(canonical(&p), start, "undo gives back the text and every span");
}

#[test]
fn deleting_text_shifts_what_follows_and_removes_what_lay_inside() {
    let emoji = at("😀");
    let heard = at("hørt");
    // Delete "😀 " (2 chars): coding 1 is exactly the emoji (removed), coding 2 "hørt" moves
    // back by 2, turn 2 shrinks by 2 and the turns after it move back by 2.
    let mut p = project(&[(1, Span::new(emoji, emoji + 1)), (2, Span::new(heard, heard + 4))]);
    let turns_before: Vec<Span> = p.documents[&DOC].turns.iter().map(|t| t.span).collect();
    let plan =
        plan_text_correction(&p, DOC, vec![TextChange { span: Span::new(emoji, emoji + 2), text: String::new() }]);
    let Ok(plan) = plan else { panic!("{plan:?}") };
    assert_eq!(plan.touched.len(), 1);
    assert_eq!(plan.touched[0].after, None, "wholly inside the deleted text");
    assert!(p.apply(plan.edit).is_ok());
    assert!(!p.codings.contains_key(&CodingId::from_u128(1)));
    assert_eq!(p.codings[&CodingId::from_u128(2)].span, Span::new(heard - 2, heard + 2));
    assert_eq!(text_of(&p, CodingId::from_u128(2)), "hørt");
    let turns: Vec<Span> = p.documents[&DOC].turns.iter().map(|t| t.span).collect();
    assert_eq!(turns[0], turns_before[0]);
    assert_eq!(turns[1], Span::new(turns_before[1].start.get(), turns_before[1].end.get() - 2));
    assert_eq!(turns[2], Span::new(turns_before[2].start.get() - 2, turns_before[2].end.get() - 2));
    assert_eq!(p.documents[&DOC].char_len, TEXT.chars().count() - 2);
    assert_eq!(p.documents[&DOC].text_hash, text_hash(&p.documents[&DOC].text));
}

#[test]
fn a_bare_replacement_touching_a_coding_is_refused_and_changes_nothing() {
    let teh = at("teh");
    let mut p = project(&[(1, Span::new(teh, teh + 3))]);
    let before = canonical(&p);
    let bare = Edit::ReplaceText {
        doc: DOC,
        changes: vec![TextChange { span: Span::new(teh, teh + 3), text: "the".into() }],
        respans: Default::default(),
    };
    assert!(p.apply(bare).is_err());
    assert_eq!(canonical(&p), before);
    // Text that is not normalised is refused too.
    let crlf = Edit::ReplaceText {
        doc: DOC,
        changes: vec![TextChange { span: Span::new(0, 0), text: "a\r\n".into() }],
        respans: Default::default(),
    };
    assert!(p.apply(crlf).is_err());
}

#[test]
fn many_replacements_are_one_step() {
    // What pseudonymisation will do: every "J4" becomes "Kari" in one edit, one undo.
    let mut p = project(&[]);
    let start = canonical(&p);
    let spans: Vec<TextChange> = TEXT
        .match_indices("J4")
        .map(|(b, _)| {
            let c = TEXT[..b].chars().count();
            TextChange { span: Span::new(c, c + 2), text: "Kari".into() }
        })
        .collect();
    assert_eq!(spans.len(), 2);
    let Ok(plan) = plan_text_correction(&p, DOC, spans) else { panic!("plan") };
    let mut history = History::default();
    let now = chrono::Utc::now();
    assert!(history.apply(&mut p, plan.edit, None, now).is_ok());
    assert_eq!(p.documents[&DOC].text.matches("Kari").count(), 2);
    // Each "J4: " turn starts at the replaced label and still does.
    assert!(
        p.documents[&DOC]
            .turns
            .iter()
            .filter(|t| t.speaker == "J4")
            .all(|t| { p.documents[&DOC].slice(t.span).is_some_and(|s| s.starts_with("Kari:")) })
    );
    assert!(matches!(history.undo(&mut p, now), Ok(Some(_))));
    assert_eq!(canonical(&p), start);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    /// Random corrections, then undo all: the same project. After each, every coding the
    /// correction did not touch still covers the same words, and every one it touched is
    /// reported.
    #[test]
    fn corrections_keep_untouched_codings_and_undo_exactly(
        codings in prop::collection::vec((0usize..95, 1usize..20), 0..8),
        edits in prop::collection::vec((0usize..100, 0usize..6, 0usize..6), 1..6),
    ) {
        let len = TEXT.chars().count();
        let mut list = Vec::new();
        for (i, (s, l)) in codings.iter().enumerate() {
            let s = s % len;
            list.push((100 + i as u128, Span::new(s, (s + l).min(len))));
        }
        list.sort_by_key(|(_, s)| *s);
        list.dedup_by_key(|(_, s)| *s);
        let mut p = project(&list);
        let start = canonical(&p);
        let mut history = History::default();
        let now = chrono::Utc::now();
        let texts = ["", "ø", "the", "møte 😀\n", "Kari Nordmann"];
        for (s, l, t) in edits {
            let d = &p.documents[&DOC];
            let s = s % (d.char_len + 1);
            let span = Span::new(s, (s + l).min(d.char_len));
            let before: Vec<(CodingId, Span, String)> =
                p.codings.values().map(|c| (c.id, c.span, text_of(&p, c.id))).collect();
            let new_text = texts[t % texts.len()];
            let plan = plan_text_correction(&p, DOC, vec![TextChange { span, text: new_text.into() }]);
            let plan = match plan { Ok(plan) => plan, Err(e) => return Err(TestCaseError::fail(e.to_string())) };
            let mut touched: Vec<CodingId> = plan.touched.iter().map(|t| t.coding).collect();
            let applied = history.apply(&mut p, plan.edit, None, now);
            prop_assert!(applied.is_ok(), "{:?}", applied);
            prop_assert!(p.check_integrity().is_ok());
            prop_assert!(p.derived_in_step(), "the codings index drifted after a correction");
            // Reported: exactly the codings with a boundary in or at the edge of the change.
            let mut expected: Vec<CodingId> = before
                .iter()
                .filter(|(_, c, _)| [c.start, c.end].iter().any(|x| span.start <= *x && *x <= span.end))
                .map(|(id, _, _)| *id)
                .collect();
            touched.sort();
            expected.sort();
            prop_assert_eq!(&touched, &expected);
            for (id, old_span, old_text) in before {
                if touched.contains(&id) {
                    continue;
                }
                let now_text = text_of(&p, id);
                if old_span.start < span.start && span.end < old_span.end {
                    // It contains the change: the words around it are the same, the change is in.
                    let chars: Vec<char> = old_text.chars().collect();
                    let cut = |a: usize, b: usize| chars[a - old_span.start.get()..b - old_span.start.get()].iter().collect::<String>();
                    let expect = format!("{}{new_text}{}", cut(old_span.start.get(), span.start.get()), cut(span.end.get(), old_span.end.get()));
                    prop_assert_eq!(now_text, expect);
                } else {
                    prop_assert_eq!(now_text, old_text, "an untouched coding changed words");
                }
            }
        }
        while let Ok(Some(_)) = history.undo(&mut p, now) {}
        prop_assert_eq!(canonical(&p), start);
    }
}

#[test]
fn the_store_saves_a_corrected_text_and_undoes_it_after_reopening() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("p.tema");
    let mut store = Store::create(&dir, "Store")?;
    let base = project(&[(1, Span::new(at("hørt"), at("hørt") + 4))]);
    let mut edits: Vec<Edit> = base.coders.values().map(|c| Edit::AddCoder { coder: c.clone(), index: None }).collect();
    edits.extend(base.codes.values().map(|c| Edit::CreateCode { code: c.clone(), index: None }));
    edits.extend(base.documents.values().map(|d| Edit::AddDocument { document: Box::new(d.clone()), index: None }));
    edits.extend(base.codings.values().map(|c| Edit::AddCoding { coding: c.clone() }));
    store.apply(Edit::batch("base", edits))?;
    let original = canonical(store.project());
    let teh = at("teh");
    let plan = plan_text_correction(
        store.project(),
        DOC,
        vec![TextChange { span: Span::new(teh, teh + 3), text: "den aller".into() }],
    )?;
    store.apply(plan.edit)?;
    let corrected = canonical(store.project());
    // Through the journal.
    drop(store);
    let mut store = Store::open(&dir)?;
    assert_eq!(canonical(store.project()), corrected);
    // Through the snapshot: the text file is rewritten.
    store.save()?;
    let on_disk = std::fs::read_to_string(dir.join("texts").join(format!("{DOC}.txt")))?;
    assert!(on_disk.contains("den aller første gang"), "{on_disk}");
    drop(store);
    let mut store = common::reopen_clean(&dir)?;
    assert_eq!(canonical(store.project()), corrected);
    assert_eq!(text_of(store.project(), CodingId::from_u128(1)), "hørt");
    // Undo after reopening, save, reopen: the original text.
    store.undo()?;
    store.save()?;
    drop(store);
    assert_eq!(canonical(common::reopen_clean(&dir)?.project()), original);
    Ok(())
}

#[test]
fn deleting_a_document_counts_what_goes_with_it_and_undo_brings_it_back() {
    let mut p = project(&[(1, Span::new(0, 5)), (2, Span::new(5, 9))]);
    let now = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default();
    let memo = |n: u128, target| Memo {
        id: MemoId::from_u128(n),
        created: now,
        author: None,
        props: MemoProps { target, title: String::new(), body: "note".into(), modified: now },
    };
    for m in [
        memo(1, MemoTarget::Passage { doc: DOC, span: Span::new(3, 8) }),
        memo(2, MemoTarget::Document(DOC)),
        memo(3, MemoTarget::Coding(CodingId::from_u128(1))),
    ] {
        assert!(p.apply(Edit::AddMemo { memo: m, index: None }).is_ok());
    }
    let counts = DeletionCounts::of(&p, DOC);
    // Two codings; the passage note and the document memo; the memo on coding 1.
    assert_eq!((counts.codings, counts.memos, counts.coding_memos), (2, 2, 1));
    assert_eq!(counts.describe(), "2 codings and 3 memos");
    let before = canonical(&p);
    let Ok(undo) = p.apply(Edit::RemoveDocument { id: DOC }) else { panic!("remove") };
    assert!(p.memos.is_empty() && p.codings.is_empty() && p.documents.is_empty());
    assert!(p.apply(undo).is_ok());
    assert_eq!(canonical(&p), before);
}

#[test]
fn a_note_on_a_passage_moves_with_a_correction_before_it() {
    let mut p = project(&[]);
    let heard = at("hørt");
    let now = chrono::Utc::now();
    let note = Memo {
        id: MemoId::from_u128(1),
        created: now,
        author: Some(CODER),
        props: MemoProps {
            target: MemoTarget::Passage { doc: DOC, span: Span::new(heard, heard + 4) },
            title: String::new(),
            body: "Listen to the recording".into(),
            modified: now,
        },
    };
    assert!(p.apply(Edit::AddMemo { memo: note, index: None }).is_ok());
    let teh = at("teh");
    let Ok(plan) =
        plan_text_correction(&p, DOC, vec![TextChange { span: Span::new(teh, teh + 3), text: "den".into() }])
    else {
        panic!("plan")
    };
    assert!(p.apply(plan.edit).is_ok());
    let MemoTarget::Passage { span, .. } = p.memos[&MemoId::from_u128(1)].props.target else { panic!("target") };
    assert_eq!(p.documents[&DOC].slice(span), Some("hørt"));
}

#[test]
fn document_changes_are_one_undoable_edit() {
    let mut p = project(&[]);
    let before = canonical(&p);
    let change = DocumentChange {
        name: Some("J4 (wave 1)".into()),
        kind: Some(DocKind::FocusGroup),
        language: Some(Some(Language::Norwegian)),
        attributes: vec![("interviewer".into(), "Ingrid".into())],
        add_sets: vec!["Wave 1".into()],
        remove_sets: vec![],
    };
    let Ok(Some(edit)) = change.edit(&p, DOC) else { panic!("edit") };
    let Ok(undo) = p.apply(edit) else { panic!("apply") };
    let d = &p.documents[&DOC];
    assert_eq!(
        (d.name(), d.kind(), d.props.language, d.props.sets.clone()),
        ("J4 (wave 1)", DocKind::FocusGroup, Some(Language::Norwegian), vec!["Wave 1".to_string()])
    );
    assert!(p.apply(undo).is_ok());
    assert_eq!(canonical(&p), before);
}

fn cli_project(dir: &Path) -> TestResult {
    let mut store = Store::create(dir, "Study")?;
    let doc = Document::new(DocId::new(), "J4", DocKind::Interview, TEXT);
    store.apply(Edit::AddDocument { document: Box::new(doc), index: None })?;
    Ok(())
}

#[test]
fn cli_corrects_a_text_and_manages_documents() -> TestResult {
    let (_tmp, dir, d) = common::project_path("study.tema")?;
    cli_project(&dir)?;
    let teh = at("teh");
    // Code "teh første" (10 chars), then correct "teh" → "the" and see it reported.
    let (s, e) = (teh.to_string(), (teh + 10).to_string());
    json(&tema(&["code", &d, "--doc", "J4", "--start", &s, "--end", &e, "--code", "First time", "--json"])?)?;
    let (s, e) = (teh.to_string(), (teh + 3).to_string());
    let dry = json(&tema(&[
        "correct",
        &d,
        "--doc",
        "J4",
        "--start",
        &s,
        "--end",
        &e,
        "--text",
        "the",
        "--dry-run",
        "--json",
    ])?)?;
    assert_eq!(dry["applied"], false);
    assert_eq!(dry["codings"][0]["after"], serde_json::json!([teh, teh + 10]));
    let done = json(&tema(&["correct", &d, "--doc", "J4", "--start", &s, "--end", &e, "--text", "the", "--json"])?)?;
    assert_eq!(done["old"], "teh");
    let text = String::from_utf8(tema(&["text", &d, "J4"])?.stdout)?;
    assert!(text.contains("Det var the første gang"), "{text}");

    // Sets, attributes, kind and language, then `docs --json` shows them.
    json(&tema(&[
        "doc",
        "set",
        &d,
        "J4",
        "--kind",
        "field-notes",
        "--language",
        "norwegian",
        "--attr",
        "site=Nordby",
        "--add-set",
        "Wave 1",
        "--json",
    ])?)?;
    let docs = json(&tema(&["docs", &d, "--json"])?)?;
    assert_eq!(docs[0]["kind"], "field-notes");
    assert_eq!(docs[0]["language"], "norwegian");
    assert_eq!(docs[0]["attributes"]["site"], "Nordby");
    assert_eq!(docs[0]["sets"], serde_json::json!(["Wave 1"]));
    assert_eq!(json(&tema(&["docs", &d, "--set", "wave 2", "--json"])?)?, serde_json::json!([]));

    json(&tema(&["doc", "rename", &d, "J4", "J4 interview", "--json"])?)?;
    // Deleting a document with a coding needs --yes; the message counts what goes.
    let refused = tema(&["doc", "delete", &d, "J4 interview"])?;
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("1 coding"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    let deleted = json(&tema(&["doc", "delete", &d, "J4 interview", "--yes", "--json"])?)?;
    assert_eq!(deleted["with"]["codings"], 1);
    json(&tema(&["undo", &d, "--json"])?)?;
    let docs = json(&tema(&["docs", &d, "--json"])?)?;
    assert_eq!(docs[0]["name"], "J4 interview");
    Ok(())
}

#[test]
fn import_with_a_documents_sheet_is_one_step() -> TestResult {
    let (tmp, _, d) = common::project_path("study.tema")?;
    assert!(tema(&["new", d.as_str()])?.status.success());
    let file = tmp.path().join("FN1.txt");
    std::fs::write(&file, "Observerte møtet. Alle var der.\n")?;
    let sheet = tmp.path().join("docs.csv");
    std::fs::write(&sheet, "name,site,sets\nFN1,Nordby,Wave 1;Site Nordby\nJ9,Sørvik,\n")?;
    let f = file.to_string_lossy().to_string();
    let s = sheet.to_string_lossy().to_string();
    let v = json(&tema(&["import", d.as_str(), f.as_str(), "--documents", s.as_str(), "--json"])?)?;
    // FN1 is being imported, so the sheet finds it; J9 is nowhere.
    assert_eq!(v["documents_sheet"]["updated"], serde_json::json!(["FN1"]));
    assert_eq!(v["documents_sheet"]["unknown"], serde_json::json!(["J9"]));
    let docs = json(&tema(&["docs", d.as_str(), "--json"])?)?;
    assert_eq!(docs[0]["sets"], serde_json::json!(["Wave 1", "Site Nordby"]));
    // One undo takes back the import and the sheet together.
    assert!(tema(&["undo", d.as_str()])?.status.success());
    let docs = json(&tema(&["docs", d.as_str(), "--json"])?)?;
    assert_eq!(docs.as_array().map(Vec::len), Some(0));
    Ok(())
}
