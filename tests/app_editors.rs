//! The app's editors and actions driven by keys and clicks as a person would (issue 23): the
//! memo editor, a coding's comment, a quote's translation and cuts, a theme merge, a
//! triangulation row's mark and the triangulation export. Each test checks the project state
//! that results, against values the test works out itself.

mod common;

use common::project;

use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use tema::model::*;
use tema::ui::{TemaApp, ViewKind};

type Result<T = ()> = anyhow::Result<T>;

/// The first "Edit" button of the view (below the menu bar, whose Edit menu has that name too).
fn first_edit_button<'h>(h: &'h Harness<'_, TemaApp>) -> Result<egui_kittest::Node<'h>> {
    h.query_all_by_label("Edit").find(|n| n.rect().top() > 40.0).ok_or_else(|| anyhow::anyhow!("no Edit button"))
}

fn frames(h: &mut Harness<'_, TemaApp>, n: usize) {
    for _ in 0..n {
        h.run();
    }
}

#[test]
fn write_a_journal_entry_in_the_memo_editor() -> Result {
    let (_tmp, _, mut h) = common::sample_app("Ingrid", (1400.0, 900.0))?;
    let before: Vec<MemoId> = project(&h).memos.keys().copied().collect();
    // Ctrl+J: a new journal entry, shown first in the journal.
    h.key_press_modifiers(Modifiers::COMMAND, Key::J);
    frames(&mut h, 2);
    assert_eq!(h.state().state.view, ViewKind::Memos);
    let new: Vec<&Memo> = project(&h).memos.values().filter(|m| !before.contains(&m.id)).collect();
    assert_eq!(new.len(), 1);
    let id = new[0].id;
    assert_eq!(h.state().state.selection.item, Some(tema::ui::Item::Memo(id)), "the new entry is selected");
    // The new entry opens in the Memos view's editor (the inspector shows the same fields on
    // the right): write its title and text there, then Done.
    for (role, label, text) in [
        (Role::TextInput, "Title", "After J2"),
        (Role::MultilineTextInput, "Text", "I expected anger about money; I heard relief."),
    ] {
        for step in 0..2 {
            let node = h
                .query_all_by(|n| n.role() == role && n.label().is_some_and(|l| l == label))
                .min_by(|a, b| a.rect().left().total_cmp(&b.rect().left()))
                .ok_or_else(|| anyhow::anyhow!("no {label} field"))?;
            if step == 0 {
                node.click();
            } else {
                node.type_text(text);
            }
            h.run();
        }
    }
    h.get_by_label("Done").click();
    frames(&mut h, 2);
    let memo = &project(&h).memos[&id];
    assert_eq!(memo.props.title, "After J2");
    assert_eq!(memo.props.body, "I expected anger about money; I heard relief.");
    assert_eq!(memo.props.target, MemoTarget::Journal);
    Ok(())
}

#[test]
fn comment_on_a_coding_from_its_extract() -> Result {
    let (_tmp, _, mut h) = common::sample_app("Ingrid", (1400.0, 900.0))?;
    // A top-level code with codings, as the codebook lists it.
    let p = project(&h);
    let code = p
        .codes
        .values()
        .find(|c| p.codings.values().any(|x| x.code == c.id))
        .ok_or_else(|| anyhow::anyhow!("no coded code"))?
        .clone();
    // The code's context menu: its extracts. Go to the first one's source: it is selected.
    h.get_by_label(code.name()).click_secondary();
    h.run();
    h.get_by_label("Show coded extracts").click();
    frames(&mut h, 2);
    assert_eq!(h.state().state.view, ViewKind::Retrieval);
    h.query_all_by_label("Go to source").next().ok_or_else(|| anyhow::anyhow!("no extract"))?.click();
    frames(&mut h, 3);
    let coding = h.state().state.selection.coding().ok_or_else(|| anyhow::anyhow!("no coding selected"))?;
    assert_eq!(project(&h).codings[&coding].code, code.id);
    // M puts the keyboard in the comment field; typing and leaving it saves the comment.
    h.key_press(Key::M);
    h.run();
    h.event(egui::Event::Text("Said twice, the second time laughing.".into()));
    h.run();
    h.key_press(Key::Tab);
    frames(&mut h, 2);
    assert_eq!(project(&h).codings[&coding].comment, "Said twice, the second time laughing.");
    Ok(())
}

#[test]
fn cut_and_translate_a_quote() -> Result {
    let (_tmp, _, mut h) = common::sample_app("Ingrid", (1400.0, 900.0))?;
    let before = project(&h).quotes.clone();
    h.key_press_modifiers(Modifiers::COMMAND, Key::Num5);
    frames(&mut h, 2);
    assert_eq!(h.state().state.view, ViewKind::Quotes);
    first_edit_button(&h)?.click();
    frames(&mut h, 3);
    // Click at the very start of the source passage, then select its first word and the
    // space after it with Shift+Right, as a person would with the keyboard.
    let rect = h.get_by_label("Source passage").rect();
    let at = rect.left_top() + egui::vec2(3.0, 8.0);
    h.hover_at(at);
    h.run();
    h.drag_at(at);
    h.run();
    h.drop_at(at);
    h.run();
    let source = h.get_by_label("Source passage").value().unwrap_or_default();
    let first_word = source.split(' ').next().unwrap_or_default();
    let k = first_word.chars().count() + 1;
    assert!(k > 1 && k < source.chars().count(), "{source:?}");
    for _ in 0..k {
        h.key_press_modifiers(Modifiers::SHIFT, Key::ArrowRight);
    }
    h.run();
    h.get_by_label("Cut selection").click();
    h.run();
    h.get_by_label("Translation").click();
    h.get_by_label("Translation").type_text("Oversatt sitat.");
    h.run();
    h.get_by_label("Save quote").click();
    frames(&mut h, 2);
    // Exactly one quote changed: the one edited, whose passage is the source shown.
    let after = &project(&h).quotes;
    let changed: Vec<&Quote> = after.values().filter(|q| before.get(&q.id) != Some(*q)).collect();
    assert_eq!(changed.len(), 1);
    let q = changed[0];
    let doc = &project(&h).documents[&q.doc];
    assert_eq!(doc.slice(q.props.span), Some(source.as_str()));
    let start = q.props.span.start.get();
    assert_eq!(q.props.cuts, vec![Span::new(start, start + k)], "the first {k} chars: {first_word:?} and a space");
    assert_eq!(q.props.translation, "Oversatt sitat.");
    let was = &before[&q.id];
    assert_eq!(
        (q.props.span, &q.props.insertions, q.props.starred),
        (was.props.span, &was.props.insertions, was.props.starred)
    );
    Ok(())
}

#[test]
fn merge_one_theme_into_another() -> Result {
    let (_tmp, _, mut h) = common::sample_app("Ingrid", (1400.0, 900.0))?;
    h.state_mut().state.view = ViewKind::Themes;
    h.run();
    let p0 = project(&h).clone();
    // Two main themes of the sample: the first merges into the second.
    let mains: Vec<&Theme> = p0.themes.values().filter(|t| t.parent.is_none()).collect();
    let (from, into) = (mains[0].clone(), mains[1].clone());
    common::click_all(&mut h, &[&format!("Theme {}", from.name()), "Merge into"]);
    // The target is picked from the list that opened (its card is labelled "Theme …").
    h.get_by_label(into.name()).click();
    h.run();
    h.get_by_label("Merge").click();
    frames(&mut h, 2);
    let p = project(&h);
    assert!(!p.themes.contains_key(&from.id), "the merged theme is gone");
    // The target keeps its codes and gains the merged theme's, each once.
    let mut expected: Vec<CodeId> = into.codes.clone();
    expected.extend(from.codes.iter().filter(|c| !into.codes.contains(c)));
    let mut got = p.themes[&into.id].codes.clone();
    got.sort();
    expected.sort();
    assert_eq!(got, expected);
    // Its quotes now illustrate the target; nothing else moved.
    for q in p0.quotes.values() {
        let theme = if q.theme == from.id { into.id } else { q.theme };
        assert_eq!(p.quotes[&q.id].theme, theme);
    }
    // Subthemes of the merged theme now sit under the target.
    for t in p0.themes.values().filter(|t| t.parent == Some(from.id)) {
        assert_eq!(p.themes[&t.id].parent, Some(into.id));
    }
    Ok(())
}

#[test]
fn mark_a_triangulation_row_and_export_the_table() -> Result {
    let (tmp, _, mut h) = common::sample_app("Ingrid", (1400.0, 900.0))?;
    h.get_by_label("Triangulation").click();
    frames(&mut h, 2);
    assert_eq!(h.state().state.view, ViewKind::Triangulation);
    let p0 = project(&h).clone();
    let m = tema::analysis::Matrix::build(&p0, &tema::analysis::MatrixOptions::default());
    let row = m.rows.iter().find(|r| r.mark.is_none()).ok_or_else(|| anyhow::anyhow!("every row is marked"))?;
    let (key, label) = (row.key, row.label.clone());

    // Mark the row: its box, then "Converge" in the list.
    h.get_by_label(&format!("Mark of “{label}”")).click();
    h.run();
    h.get_by_label("Converge").click();
    frames(&mut h, 2);
    assert_eq!(project(&h).framework.mark(key, &m.options.columns), Some(RowMark::Converge));

    // Export as CSV to a file typed into the path field.
    common::click_all(&mut h, &["Export", "CSV"]);
    let out = tmp.path().join("table.csv");
    let file = h.get_by_role_and_label(Role::TextInput, "File");
    file.click();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_role_and_label(Role::TextInput, "File").type_text(&out.display().to_string());
    h.run();
    h.get_by_label("Export table").click();
    frames(&mut h, 2);
    let mut reader = csv::Reader::from_path(&out)?;
    let records: Vec<csv::StringRecord> = reader.records().collect::<std::result::Result<_, _>>()?;
    // One line per row of the table the core builds for the project as it is now (marked),
    // in its order, each with its label first.
    let m = tema::analysis::Matrix::build(project(&h), &tema::analysis::MatrixOptions::default());
    assert_eq!(records.len(), m.rows.len());
    for (record, row) in records.iter().zip(&m.rows) {
        assert_eq!(record.get(0), Some(row.label.as_str()));
    }
    let marked = records
        .iter()
        .find(|r| r.get(0) == Some(label.as_str()))
        .ok_or_else(|| anyhow::anyhow!("the marked row is missing"))?;
    // Each cell is the number of extracts of the core's cell (the view's model), then the total.
    let row = m.rows.iter().find(|r| r.label == label).ok_or_else(|| anyhow::anyhow!("row"))?;
    let counts: Vec<String> = row.cells.iter().map(|c| c.extracts.len().to_string()).collect();
    let exported: Vec<&str> = marked.iter().skip(2).take(counts.len()).collect();
    assert_eq!(exported, counts.iter().map(String::as_str).collect::<Vec<_>>(), "{marked:?}");
    Ok(())
}
