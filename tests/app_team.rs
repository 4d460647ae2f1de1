//! The Team view, driven as a researcher would: open a project two people coded, open Team,
//! read the agreement figures, find a difference with its text, settle it with a note, and
//! jump to the passage.

mod common;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use tema::model::*;
use tema::team::agreement::{AgreementOptions, agreement};
use tema::team::compare::Comparison;
use tema::ui::{TemaApp, ViewKind};

type Result<T = ()> = anyhow::Result<T>;

fn project<'h>(h: &'h Harness<'_, TemaApp>) -> Result<&'h Project> {
    h.state().project().ok_or_else(|| anyhow::anyhow!("no project is open"))
}

/// The comparison of Ingrid and Tom on J3, as the core computes it.
fn comparison(p: &Project) -> Result<Comparison> {
    let id = |name: &str| p.coder_by_name(name).map(|c| c.id).ok_or_else(|| anyhow::anyhow!("no coder {name}"));
    let doc = p.document_by_name("J3").map(|d| d.id).ok_or_else(|| anyhow::anyhow!("no J3"))?;
    Ok(Comparison::build(p, doc, id("Ingrid")?, id("Tom")?)?)
}

#[test]
fn a_team_settles_a_difference_and_jumps_to_it() -> Result {
    let (_tmp, _, mut h) = common::study_app(&["J3"], true, "Ingrid", (1400.0, 900.0))?;

    h.get_by_label("Team").click();
    h.run();
    assert_eq!(h.state().state.view, ViewKind::Team);

    // The agreement table: a row per code and the pooled row, with the figures the core
    // computes for Ingrid and Tom.
    h.get_by_label("Cohen's κ");
    h.get_by_label("Krippendorff's α");
    h.get_by_label("All codes (pooled)");
    let report = agreement(project(&h)?, &AgreementOptions::default())?;
    let pooled = &report.overall.pooled;
    let kappa = pooled.kappa.ok_or_else(|| anyhow::anyhow!("a pooled κ"))?;
    let alpha = pooled.alpha.ok_or_else(|| anyhow::anyhow!("a pooled α"))?;
    h.get_by_label(&format!("{kappa:.3}"));
    h.get_by_label(&format!("{alpha:.3}"));
    for code in &report.overall.codes {
        assert!(h.query_all_by_label(&code.name).count() >= 1, "a row for “{}”", code.name);
    }

    // The first open difference is listed with its kind and its text.
    let before = comparison(project(&h)?)?;
    let first = before.differences.first().ok_or_else(|| anyhow::anyhow!("Ingrid and Tom differ somewhere"))?;
    let kind = match first.kind {
        DifferenceKind::OnlyA => "Only Ingrid".to_string(),
        DifferenceKind::OnlyB => "Only Tom".to_string(),
        other => other.label().to_string(),
    };
    assert!(h.query_all_by_label(&kind).count() >= 1, "the difference's kind “{kind}” is shown");
    let words: String = first.text.split_whitespace().take(4).collect::<Vec<_>>().join(" ");
    assert!(h.query_all_by_label_contains(&words).count() >= 1, "the passage “{words}” is shown");

    // Write why, and keep both sides (or the one coder's coding, for a one-sided difference).
    let note = h.query_all_by_role_and_label(Role::TextInput, "Note").next();
    note.ok_or_else(|| anyhow::anyhow!("a note field"))?.focus();
    h.run();
    let note = h.query_all_by_role_and_label(Role::TextInput, "Note").next();
    note.ok_or_else(|| anyhow::anyhow!("a note field"))?.type_text("Agreed after discussion");
    h.run();
    let button = match first.kind {
        DifferenceKind::OnlyA => "Keep Ingrid's",
        DifferenceKind::OnlyB => "Keep Tom's",
        _ => "Keep both",
    };
    h.query_all_by_label(button).next().ok_or_else(|| anyhow::anyhow!("a “{button}” button"))?.click();
    h.run();

    let p = project(&h)?;
    assert_eq!(p.consensus.len(), 1, "the decision is in the consensus log");
    let entry = p.consensus.values().next().ok_or_else(|| anyhow::anyhow!("an entry"))?;
    assert_eq!(entry.note, "Agreed after discussion");
    assert_eq!(entry.kind, first.kind);
    let consensus = p.coder_by_name("Consensus").ok_or_else(|| anyhow::anyhow!("a Consensus coder"))?;
    assert_eq!(entry.target, consensus.id, "by default the outcome goes to a separate Consensus coder");
    assert!(p.codings.values().any(|c| c.coder == consensus.id), "the agreed coding is the Consensus coder's");
    let after = comparison(p)?;
    assert_eq!(after.summary.resolved, 1);
    assert_eq!(after.differences.len(), before.differences.len(), "the independent codings are untouched");
    // Resolved differences are hidden until asked for.
    h.get_by_label("Show resolved").click();
    h.run();
    assert!(h.query_all_by_label_contains("Agreed after discussion").count() >= 1, "the note is shown");

    // Undo takes the whole decision back in one step.
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    assert!(project(&h)?.consensus.is_empty());

    // Jump to the passage of the first difference: the document view opens it there.
    h.query_all_by_label("Go to passage").next().ok_or_else(|| anyhow::anyhow!("a jump button"))?.click();
    h.run();
    assert_eq!(h.state().state.view, ViewKind::Document);
    assert_eq!(h.state().state.open_doc, Some(before.doc));
    let selected = h.state().state.selection.item;
    let side = first.a.as_ref().or(first.b.as_ref()).map(|c| c.coding);
    assert_eq!(selected, side.map(tema::ui::Item::Coding), "the difference's coding is selected");
    Ok(())
}

#[test]
fn switching_the_current_coder_from_the_team_view() -> Result {
    let (_tmp, _, mut h) = common::study_app(&["J3"], true, "Ingrid", (1400.0, 900.0))?;
    h.get_by_label("Team").click();
    h.run();
    h.get_by_role_and_label(Role::ComboBox, "Coding as").click();
    h.run();
    // The list opens on top; its entries are the project's coders.
    h.get_by_role_and_label(Role::Button, "Tom").click();
    h.run();
    assert_eq!(h.state().state.coder_name.as_deref(), Some("Tom"));
    h.get_by_label("Coder: Tom");
    Ok(())
}

/// An agreement table of hundreds of codes lays out only the rows in view (all of them every
/// frame was most of the view's frame at 2 M words), while the rows out of view keep their
/// place: the pooled row below them sits where it would with every row drawn.
#[test]
fn a_long_agreement_table_lays_out_the_rows_in_view() -> Result {
    let (_tmp, _, mut h) = common::study_app(&["J3"], true, "Ingrid", (1400.0, 900.0))?;
    let names = common::many_codes(&mut h, 300)?;
    h.get_by_label("Team").click();
    h.run();
    // The table's rows name their code in a label (the codebook beside it, in buttons).
    let row = |h: &Harness<'_, TemaApp>, name: &str| h.query_by_role_and_label(Role::Label, name).map(|r| r.rect());
    let rows: Vec<egui::Rect> = names.iter().filter_map(|n| row(&h, n)).collect();
    assert!(rows.len() >= 2 && rows.len() < 100, "only the rows in view are laid out ({} of 300)", rows.len());
    assert!(row(&h, &names[names.len() - 1]).is_none(), "the last code's row is far below the view");
    // Rows are evenly spaced, so the pooled row sits one step below the last code's row.
    let step = rows[1].top() - rows[0].top();
    let first = names.iter().position(|n| row(&h, n).is_some()).unwrap_or(0);
    let pooled = h.get_by_label("All codes (pooled)").rect();
    let expected = rows[0].top() + (names.len() - first) as f32 * step;
    assert!((pooled.top() - expected).abs() < 2.0, "pooled row at {} rather than {expected}", pooled.top());
    Ok(())
}
