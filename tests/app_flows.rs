//! The editors and actions of the app that other app tests do not reach, driven by clicks,
//! drags and keys on widgets found by their labels: selecting Norwegian and emoji text by
//! dragging, a coding's comment, a memo, a quote's cuts and translation, splitting, merging
//! and deleting a theme, marking a row and exporting from Triangulation. Expected values
//! come from the test's own text or from the core, never from what the app showed.

mod common;
mod quotes_fixture;

use egui::{Key, Modifiers, pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::Path;
use tema::edit::Edit;
use tema::model::*;
use tema::store::Store;
use tema::ui::startup::Places;
use tema::ui::{TemaApp, ViewKind};

type Result<T = ()> = anyhow::Result<T>;

fn app(dir: &Path) -> Harness<'static, TemaApp> {
    common::app_on(Some(dir), "Tester", Places::default(), (1400.0, 900.0))
}

fn project<'h>(h: &'h Harness<'_, TemaApp>) -> &'h Project {
    h.state().project().expect("a project is open")
}

/// Presses, moves in steps and releases the mouse, as a person dragging does.
fn drag(h: &mut Harness<'_, TemaApp>, from: egui::Pos2, to: egui::Pos2) {
    h.hover_at(from);
    h.run();
    h.drag_at(from);
    h.run();
    for i in 1..=6 {
        h.hover_at(from + (to - from) * (i as f32 / 6.0));
        h.run();
    }
    h.drop_at(to);
    h.run();
}

fn undo(h: &mut Harness<'_, TemaApp>) {
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
}

/// Clicks into a field, types, and leaves it with Tab (fields commit when they lose focus).
fn type_into(h: &mut Harness<'_, TemaApp>, label: &str, text: &str) {
    h.get_by_label(label).click();
    h.run();
    h.get_by_label(label).type_text(text);
    h.run();
    h.key_press(Key::Tab);
    h.run();
}

const NORWEGIAN: &str = "Intervjuer: Hvordan gikk møtet på NAV-kontoret i Sørvik?\n\
J4: Jeg følte meg sett 😀 – for første gang på lenge. Ærlig talt, det var godt å bli hørt.\n\
Intervjuer: Og sosialarbeideren?\n\
J4: Hun snakket om AAP 🙂 og aktivitetsplikt, ord jeg ikke forstår.\n";

/// A one-document project in Norwegian with emoji, with one code and one coding on it.
fn norwegian_project(dir: &Path) -> Result<(DocId, CodingId)> {
    let mut store = Store::create(dir, "Norsk")?;
    let coder = store.project().new_coder("Tester");
    let coder_id = coder.id;
    store.apply(Edit::AddCoder { coder, index: None })?;
    let doc = Document::new(DocId::new(), "J4", DocKind::Interview, NORWEGIAN);
    let doc_id = doc.id;
    store.apply(Edit::AddDocument { document: Box::new(doc), index: None })?;
    let code = Code::new(CodeId::new(), "Å bli hørt", PALETTE[0]);
    let code_id = code.id;
    store.apply(Edit::CreateCode { code, index: None })?;
    let start = NORWEGIAN.find("Ærlig").map(|b| NORWEGIAN[..b].chars().count()).unwrap_or(0);
    let coding = Coding {
        id: CodingId::new(),
        doc: doc_id,
        span: Span::new(start, start + "Ærlig talt, det var godt å bli hørt.".chars().count()),
        code: code_id,
        coder: coder_id,
        created: chrono::Utc::now(),
        comment: String::new(),
    };
    let coding_id = coding.id;
    store.apply(Edit::AddCoding { coding })?;
    store.save()?;
    Ok((doc_id, coding_id))
}

#[test]
fn select_norwegian_and_emoji_text_by_dragging() -> Result {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("norsk.tema");
    let (doc, _) = norwegian_project(&dir)?;
    let mut h = app(&dir);
    h.run();
    assert_eq!(h.state().state.open_doc, Some(doc));
    // The second line, from its first character: it starts after the first line, which is
    // 57 characters but 60 bytes (ø, å, ø): a byte offset would land three characters late.
    let line = NORWEGIAN.lines().nth(1).unwrap_or_default();
    let line_start = NORWEGIAN.lines().next().map(|l| l.chars().count() + 1).unwrap_or(0);
    assert_eq!(line_start, 57);
    let rect = h.get_by_label_contains("J4: Jeg følte meg sett").rect();
    drag(&mut h, pos2(rect.left() + 1.0, rect.top() + 8.0), pos2(rect.right() - 1.0, rect.top() + 8.0));
    let sel = h.state().state.selection.text.map(|s| s.span).ok_or_else(|| anyhow::anyhow!("nothing selected"))?;
    assert_eq!(sel.start, CharPos(line_start), "the selection starts where the line does, in characters");
    let selected: String = NORWEGIAN.chars().skip(sel.start.get()).take(sel.len()).collect();
    assert!(selected.starts_with("J4: Jeg følte meg sett 😀 – for"), "{selected:?}");
    assert!(line.starts_with(&selected), "{selected:?} is the start of {line:?}");

    // Coding the selection codes exactly those characters.
    h.key_press(Key::C);
    h.run();
    h.get_by_label("Code name").type_text("Å bli");
    h.run();
    h.key_press(Key::Enter);
    h.run();
    let p = project(&h);
    let coded = p.codings.values().find(|c| c.span == sel).ok_or_else(|| anyhow::anyhow!("no coding of {sel:?}"))?;
    assert_eq!(p.documents[&doc].slice(coded.span), Some(selected.as_str()));
    Ok(())
}

#[test]
fn write_a_comment_on_a_coding_and_a_memo_on_a_document() -> Result {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("norsk.tema");
    let (doc, coding) = norwegian_project(&dir)?;
    let mut h = app(&dir);
    h.run();
    // Click the coding's stripe in the margin, then type its comment.
    h.get_by_label("Coding: Å bli hørt").click();
    h.run();
    assert_eq!(h.state().state.selection.item, Some(tema::ui::Item::Coding(coding)));
    type_into(&mut h, "Comment", "Sterkt sitat 😀");
    assert_eq!(project(&h).codings[&coding].comment, "Sterkt sitat 😀");
    undo(&mut h);
    assert_eq!(project(&h).codings[&coding].comment, "");

    // The document's memo, from the inspector of the document.
    h.state_mut().state.actions.push(tema::ui::Action::Select(Some(tema::ui::Item::Document(doc))));
    h.run();
    type_into(&mut h, "Memo", "Første intervju i Sørvik.");
    let memo = |h: &Harness<'_, TemaApp>| {
        project(h).memos.values().find(|m| m.props.target == MemoTarget::Document(doc)).map(|m| m.props.body.clone())
    };
    assert_eq!(memo(&h).as_deref(), Some("Første intervju i Sørvik."));
    undo(&mut h);
    assert_eq!(memo(&h), None);
    // Both are on disk for the next opening (the last state: no memo, no comment), and the
    // comment's edit is in the undo history there.
    drop(h);
    let store = Store::open(&dir)?;
    assert!(store.project().memos.is_empty() && store.project().codings[&coding].comment.is_empty());
    Ok(())
}

#[test]
fn cut_words_from_a_quote_and_translate_it() -> Result {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("study.tema");
    let mut store = Store::create(&dir, "Working together")?;
    for edit in quotes_fixture::study_edits() {
        store.apply(edit)?;
    }
    store.save()?;
    drop(store);
    let mut h = app(&dir);
    h.run();
    h.get_by_label("Quotes").click();
    h.run();
    assert_eq!(h.state().state.view, ViewKind::Quotes);
    // The first quote of the first theme is "Jeg følte meg sett 😀 – …" (q3, Voice in the
    // meeting); open its editor.
    let q3 = QuoteId::from_u128(3);
    h.get_all_by_label("Edit").next().ok_or_else(|| anyhow::anyhow!("no Edit button"))?.click();
    h.run();
    // Select "meg sett 😀 " in the source passage by keys: Home, then shift+right arrows.
    let source = project(&h).quotes[&q3].props.span;
    h.get_by_label("Source passage").click();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::Home);
    let skip = "Jeg følte ".chars().count();
    for _ in 0..skip {
        h.key_press(Key::ArrowRight);
    }
    let take = "meg sett 😀 ".chars().count();
    for _ in 0..take {
        h.key_press_modifiers(Modifiers::SHIFT, Key::ArrowRight);
    }
    h.run();
    h.get_by_label("Cut selection").click();
    h.run();
    h.get_by_label("Translation").click();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label("Translation").type_text("I felt [...] – for the first time in ages.");
    h.run();
    h.get_by_label("Save quote").click();
    h.run();
    let q = &project(&h).quotes[&q3];
    let cut_start = source.start.get() + skip;
    assert_eq!(q.props.cuts, [Span::new(cut_start, cut_start + take)]);
    assert_eq!(q.props.translation, "I felt [...] – for the first time in ages.");
    undo(&mut h);
    let q = &project(&h).quotes[&q3];
    assert!(q.props.cuts.is_empty());
    assert_eq!(q.props.translation, "I felt seen 😀 – for the first time in ages.");
    Ok(())
}

/// The sample study, copied without local state, open on `view`.
fn sample_on(view: ViewKind) -> Result<(tempfile::TempDir, Harness<'static, TemaApp>)> {
    let tmp = tempfile::tempdir()?;
    let dir = common::sample_copy(&tmp.path().join("study.tema"))?;
    let mut h = app(&dir);
    h.run();
    h.state_mut().state.view = view;
    h.run();
    Ok((tmp, h))
}

fn theme_named<'h>(h: &'h Harness<'_, TemaApp>, name: &str) -> Option<&'h Theme> {
    project(h).theme_by_name(name)
}

#[test]
fn split_merge_and_delete_a_theme() -> Result {
    let (_tmp, mut h) = sample_on(ViewKind::Themes)?;
    let before = common::canonical(project(&h));
    let money = theme_named(&h, "Money as a brake").ok_or_else(|| anyhow::anyhow!("no theme"))?.clone();
    assert!(money.codes.len() >= 2, "the sample's theme has codes to split off");
    let first_code = project(&h).codes[&money.codes[0]].name().to_string();

    // Split: the first code goes to a new theme.
    h.get_by_label("Theme Money as a brake").click();
    h.run();
    h.get_by_label("Split…").click();
    h.run();
    h.get_by_label(&first_code).click();
    h.run();
    h.get_by_label("Split").click();
    h.run();
    let split = theme_named(&h, "Money as a brake (split)").ok_or_else(|| anyhow::anyhow!("no split theme"))?;
    assert_eq!(split.codes, [money.codes[0]]);
    let rest = theme_named(&h, "Money as a brake").map(|t| t.codes.clone()).unwrap_or_default();
    assert_eq!(rest, money.codes[1..]);
    undo(&mut h);
    assert_eq!(common::canonical(project(&h)), before, "undo takes the split back whole");

    // Merge into another theme: its codes join that theme, and it is gone.
    h.get_by_label("Theme Money as a brake").click();
    h.run();
    h.get_by_label("Merge into").click();
    h.run();
    h.get_by_label("Meeting fatigue").click();
    h.run();
    h.get_by_label("Merge").click();
    h.run();
    assert!(theme_named(&h, "Money as a brake").is_none());
    let fatigue = theme_named(&h, "Meeting fatigue").map(|t| t.codes.clone()).unwrap_or_default();
    assert!(money.codes.iter().all(|c| fatigue.contains(c)), "{fatigue:?} holds {:?}", money.codes);
    undo(&mut h);
    assert_eq!(common::canonical(project(&h)), before, "undo takes the merge back whole");

    // Delete, with its quotes; undo brings both back.
    let quotes = project(&h).quotes.values().filter(|q| q.theme == money.id).count();
    h.get_by_label("Theme Money as a brake").click();
    h.run();
    h.get_by_label("Delete theme").click();
    h.run();
    assert!(theme_named(&h, "Money as a brake").is_none());
    assert!(project(&h).quotes.values().all(|q| q.theme != money.id));
    undo(&mut h);
    assert_eq!(project(&h).quotes.values().filter(|q| q.theme == money.id).count(), quotes);
    assert_eq!(common::canonical(project(&h)), before);
    Ok(())
}

#[test]
fn mark_a_row_and_export_the_table_from_triangulation() -> Result {
    use calamine::{Data, Reader, Xlsx};
    use tema::analysis::{Matrix, MatrixOptions};
    let (tmp, mut h) = sample_on(ViewKind::Triangulation)?;
    let m = Matrix::build(project(&h), &MatrixOptions::default());
    // Mark the first row that has no mark yet, through its picker (the n-th "—" picker is
    // the n-th unmarked row).
    let (row, nth) = m
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.mark.is_none())
        .map(|(i, _)| i)
        .zip(0..)
        .next()
        .ok_or_else(|| anyhow::anyhow!("every row is marked"))?;
    h.get_all_by_label("—").nth(nth).ok_or_else(|| anyhow::anyhow!("no mark picker"))?.click();
    h.run();
    h.get_by_label("Diverge").click();
    h.run();
    let m2 = Matrix::build(project(&h), &MatrixOptions::default());
    assert_eq!(m2.rows[row].mark, Some(RowMark::Diverge), "row {}", m.rows[row].label);
    undo(&mut h);
    assert_eq!(Matrix::build(project(&h), &MatrixOptions::default()).rows[row].mark, None);

    // Export the counts as XLSX to a typed path; calamine reads back the core's numbers.
    let path = tmp.path().join("table1.xlsx");
    h.get_by_label("File").click();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label("File").type_text(&path.display().to_string());
    h.run();
    h.get_by_label("Export table").click();
    h.run();
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(std::fs::read(&path)?))?;
    let sheet = book.worksheet_range("Table")?;
    for (r, mrow) in m.rows.iter().enumerate() {
        assert_eq!(sheet.get((r + 1, 0)), Some(&Data::String(mrow.label.clone())));
        for (c, cell) in mrow.cells.iter().enumerate() {
            assert_eq!(
                sheet.get((r + 1, c + 1)),
                Some(&Data::Float(cell.extracts.len() as f64)),
                "{} × {}",
                mrow.label,
                m.columns[c].label
            );
        }
    }
    Ok(())
}
