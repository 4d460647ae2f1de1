//! The triangulation view, driven as a researcher would: open the sample study, open the
//! view, click a cell, read its extracts, write the cell's summary and mark the row.

mod common;
#[path = "common/sample.rs"]
mod sample;

use egui_kittest::kittest::Queryable;
use tema::analysis::{Matrix, MatrixOptions};
use tema::ui::ViewKind;
use tema::ui::startup::Places;

#[test]
fn click_a_cell_see_its_extracts_and_write_its_summary() -> anyhow::Result<()> {
    let (_tmp, dir) = sample::built_sample()?;
    let mut h = common::app_on(Some(&dir), "Tester", Places::default(), (1600.0, 1000.0));
    h.run();

    // What the cell should hold, from the core.
    let p = h.state().project().expect("the sample opened").clone();
    let m = Matrix::build(&p, &MatrixOptions::default());
    let row = m.rows.iter().position(|r| r.label == "Money as a brake").expect("the sample has this theme");
    let col = m.columns.iter().position(|c| c.label == "Therapist").expect("the sample has therapists");
    let expected = m.extracts(&p, row, col);
    assert!(!expected.is_empty(), "the therapists speak of money");
    assert_eq!(m.rows[row].cells[col].participants_label(), "1 of 6");

    h.get_by_label("Triangulation").click();
    h.run();
    assert_eq!(h.state().state.view, ViewKind::Triangulation);
    h.get_by_label("Columns");
    h.get_by_label("Money as a brake × Therapist").click();
    h.run();

    // The panel names the cell and shows each extract with who says it.
    h.get_by_label("1 extract · 1 of 6");
    for e in &expected {
        let words: String = e.text().split_whitespace().take(6).collect::<Vec<_>>().join(" ");
        assert!(h.query_all_by_label_contains(&words).count() >= 1, "the extract starting {words:?} is shown");
        h.get_by_label(&format!(
            "{} · {} · {} · coded by {}",
            e.speakers_label(),
            e.doc_name,
            e.code_name,
            e.coders_label()
        ));
    }

    // Write the cell's summary: it is stored in the project, one undoable edit.
    h.get_by_label("Summary").click();
    h.run();
    h.get_by_label("Summary").type_text("Only one therapist raises money: a reservation about benefits.");
    h.run();
    let key = (m.rows[row].key, m.columns[col].key.clone());
    let p = h.state().project().expect("still open");
    assert_eq!(
        p.framework.summary(key.0, &key.1),
        Some("Only one therapist raises money: a reservation about benefits.")
    );

    // Undo takes the summary back.
    h.state_mut().state.actions.push(tema::ui::Action::Command(tema::ui::UiCommand::Undo));
    h.run();
    let p = h.state().project().expect("still open").clone();
    assert_eq!(p.framework.summary(key.0, &key.1), None);

    // Co-occurrence: click the busiest pair of codes, see where they meet.
    let co = tema::analysis::Cooccurrence::build(&p, &Default::default());
    let busiest = co.pairs.iter().max_by_key(|x| x.count).expect("codes of the sample overlap");
    let name = format!("{} + {}", co.codes[busiest.a].name, co.codes[busiest.b].name);
    h.get_by_label("Co-occurrence").click();
    h.run();
    // The table is symmetric: the pair is in two cells; either opens it.
    let cell = h.query_all_by_label(&name).next();
    assert!(cell.is_some(), "a cell for {name}");
    if let Some(cell) = cell {
        cell.click();
    }
    h.run();
    h.get_by_label(&format!("{} time{}", busiest.count, if busiest.count == 1 { "" } else { "s" }));
    let first = &busiest.occurrences[0];
    let text = p.documents[&first.doc].slice(first.span).unwrap_or_default();
    let words: String = text.split_whitespace().take(5).collect::<Vec<_>>().join(" ");
    assert!(h.query_all_by_label_contains(&words).count() >= 1, "the passage {words:?} is shown");
    Ok(())
}

#[test]
fn document_sets_are_columns_and_a_filter_in_the_view() -> anyhow::Result<()> {
    use tema::edit::Edit;
    use tema::model::Dimension;
    let (_tmp, dir) = sample::built_sample()?;
    // The first two documents go in "Wave 1", the rest in no set.
    {
        let mut store = tema::store::Store::open(&dir)?;
        let docs: Vec<_> = store.project().documents.values().take(2).cloned().collect();
        for d in docs {
            let mut props = d.props.clone();
            props.sets = vec!["Wave 1".into()];
            store.apply(Edit::UpdateDocument { id: d.id, props })?;
        }
        store.save()?;
    }
    let mut h = common::app_on(Some(&dir), "Tester", Places::default(), (1600.0, 1000.0));
    h.run();
    let p = h.state().project().expect("the sample opened").clone();
    let by_set = Matrix::build(&p, &MatrixOptions { columns: Dimension::DocumentSet, ..Default::default() });
    let labels: Vec<&str> = by_set.columns.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels, ["Wave 1", "No set"]);
    let row = &by_set.rows[0];

    h.get_by_label("Triangulation").click();
    h.run();
    // Columns → Document set: a cell per set, named "Row × Set".
    common::click_all(&mut h, &["Columns", "Document set"]);
    h.get_by_label(&format!("{} × Wave 1", row.label));
    h.get_by_label(&format!("{} × No set", row.label));
    // Documents → Wave 1: only that set's documents, so "No set" has none left.
    common::click_all(&mut h, &["Which documents", "Set “Wave 1”"]);
    h.get_by_label(&format!("{} × Wave 1", row.label));
    assert!(h.query_by_label(&format!("{} × No set", row.label)).is_none());
    Ok(())
}
