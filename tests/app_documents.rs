//! Managing and correcting documents in the app: the inspector's "Correct text…" with its
//! preview, and deleting a document with its codings (one undoable step).

mod common;

use common::drag;
use common::project;

use egui::{Key, Modifiers, pos2};
use egui_kittest::kittest::Queryable;

type Result<T = ()> = anyhow::Result<T>;

#[test]
fn a_selected_passage_is_corrected_in_one_undoable_step() -> Result {
    let (_tmp, _, mut h) = common::study_app(&["J3"], false, "Tester", (1400.0, 900.0))?;
    let rect = h.get_by_label_contains("Interviewer: Thanks for coming in").rect();
    drag(&mut h, pos2(rect.left() + 3.0, rect.top() + 8.0), pos2(rect.left() + 240.0, rect.top() + 8.0));
    let sel = h.state().state.selection.text.ok_or_else(|| anyhow::anyhow!("no selection"))?;
    let doc = sel.doc;
    let before = project(&h).documents[&doc].text.to_string();
    let selected = project(&h).documents[&doc].slice(sel.span).unwrap_or_default().to_string();
    h.get_by_label("Correct text…").click();
    h.run();
    // The form starts with the selected words; typing adds to them.
    h.get_by_label("Corrected text").click();
    h.run();
    h.key_press(Key::End);
    h.get_by_label("Corrected text").type_text("XY");
    h.run();
    h.get_by_label("No coding touches this passage.");
    h.get_by_label("Apply correction").click();
    h.run();
    let d = &project(&h).documents[&doc];
    assert_eq!(d.char_len, before.chars().count() + 2, "two characters added");
    assert!(d.text.contains(&format!("{selected}XY")), "the correction is in the text");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(&*project(&h).documents[&doc].text, before.as_str(), "undo gives the old text back");
    Ok(())
}

#[test]
fn deleting_a_document_names_what_goes_with_it_and_undo_brings_it_back() -> Result {
    let (_tmp, _, mut h) = common::study_app(&["J3", "J4"], true, "Tester", (1400.0, 900.0))?;
    let id = project(&h).document_by_name("J4").map(|d| d.id).ok_or_else(|| anyhow::anyhow!("no J4"))?;
    let codings = project(&h).codings.values().filter(|c| c.doc == id).count();
    assert!(codings > 0, "the built study codes J4");
    common::click_all(&mut h, &["J4", "Delete document…"]);
    h.get_by_label_contains(&format!("Delete this document with {codings} codings"));
    h.get_by_label("Delete").click();
    h.run();
    assert!(project(&h).document_by_name("J4").is_none());
    assert!(project(&h).codings.values().all(|c| c.doc != id));
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert!(project(&h).document_by_name("J4").is_some());
    assert_eq!(project(&h).codings.values().filter(|c| c.doc == id).count(), codings);
    Ok(())
}

/// The navigator's documents are listed under a header per kind that folds them away and
/// back; the list lays out only the rows in view, and a folded kind's rows are not laid out.
#[test]
fn a_kind_of_documents_folds_away_and_back() -> Result {
    let (_tmp, _, mut h) = common::study_app(&["J3", "J4"], false, "Tester", (1400.0, 900.0))?;
    assert!(h.query_by_label("J4").is_some(), "J4 is listed");
    h.get_by_label_contains("Interviews (2, ").click();
    h.run();
    assert!(h.query_by_label("J4").is_none(), "folded: J4 is not listed");
    h.get_by_label_contains("Interviews (2, ").click();
    h.run();
    assert!(h.query_by_label("J4").is_some(), "unfolded: J4 is listed again");
    Ok(())
}
