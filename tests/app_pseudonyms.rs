//! The Pseudonymise view, driven as a researcher would: open it, wait for the scan, give a
//! participant a pseudonym, reject a place, make a copy with the key outside, read the
//! verification; then apply in place and undo it.

mod common;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::Path;
use tema::edit::Edit;
use tema::model::*;
use tema::store::Store;
use tema::ui::startup::Places;
use tema::ui::{TemaApp, ViewKind};

type Result<T = ()> = anyhow::Result<T>;

const TEXT: &str = "Interviewer: Who helped you?\n\
P1: I'm Kari. Write to kari@example.no. Kari's friend Henrik lives in Nordby, and Henrik drives me to Nordby.\n";

fn study(dir: &Path) -> Result {
    let mut store = Store::create(dir, "Study")?;
    let mut p1 = Participant::new(ParticipantId::new(), "P1", "jobseeker");
    p1.props.attributes.insert("name".into(), "Kari Nordmann".into());
    p1.props.aliases = vec!["Kari".into()];
    let p1_id = p1.id;
    store.apply(Edit::AddParticipant { participant: p1, index: None })?;
    let mut d = Document::new(DocId::new(), "interview", DocKind::Interview, TEXT);
    let first = "Interviewer: Who helped you?\n".chars().count();
    d.turns = vec![
        Turn {
            span: Span::new(0, first),
            speaker: "Interviewer".into(),
            participant: None,
            start_ms: None,
            end_ms: None,
        },
        Turn {
            span: Span::new(first, TEXT.chars().count()),
            speaker: "P1".into(),
            participant: Some(p1_id),
            start_ms: None,
            end_ms: None,
        },
    ];
    store.apply(Edit::AddDocument { document: Box::new(d), index: None })?;
    store.save()?;
    Ok(())
}

/// Runs frames until `done` holds (workers finish between frames), for up to ten seconds.
fn wait(h: &mut Harness<'_, TemaApp>, what: &str, done: impl Fn(&Harness<'_, TemaApp>) -> bool) -> Result {
    for _ in 0..1000 {
        h.step();
        if done(h) {
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    anyhow::bail!("waited in vain for {what}")
}

fn text(h: &Harness<'_, TemaApp>) -> String {
    h.state().project().and_then(|p| p.documents.values().next()).map(|d| d.text.to_string()).unwrap_or_default()
}

fn type_into(h: &mut Harness<'_, TemaApp>, label: &str, value: &str) -> Result {
    let field = h.query_all_by_role_and_label(Role::TextInput, label).next();
    field.ok_or_else(|| anyhow::anyhow!("a field {label}"))?.focus();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    let field = h.query_all_by_role_and_label(Role::TextInput, label).next();
    field.ok_or_else(|| anyhow::anyhow!("a field {label}"))?.type_text(value);
    h.run();
    Ok(())
}

#[test]
fn a_researcher_makes_a_pseudonymised_copy_and_applies_in_place() -> Result {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("study.tema");
    study(&dir)?;
    let mut h = common::app_on(Some(&dir), "Ingrid", Places::default(), (1400.0, 900.0));
    h.run();
    h.get_by_label("Pseudonymise").click();
    h.step();
    assert_eq!(h.state().state.view, ViewKind::Pseudonyms);

    // The scan runs on a worker; its candidates come with counts and suggestions.
    wait(&mut h, "the candidates", |h| h.query_all_by_label("Henrik").count() > 0)?;
    // Each original is a label and names its replacement field.
    for original in ["Kari Nordmann", "kari@example.no", "Nordby", "Henrik"] {
        assert_eq!(h.query_all_by_role_and_label(Role::TextInput, original).count(), 1, "{original}");
    }
    // "Kari" alone: "I'm Kari" and "Kari's" (the e-mail is its own candidate) = 2 in 1 document.
    assert!(h.query_all_by_label("2 in 1 doc").count() >= 1);
    // Editing a replacement shows the original in context.
    type_into(&mut h, "Kari", "Anne")?;
    h.get_by_label("“Kari” in context");
    h.get_by_label("Reject Nordby").click();
    h.run();
    let key = tmp.path().join("key.csv");
    let copy = tmp.path().join("shared");
    type_into(&mut h, "Key file", &key.to_string_lossy())?;
    type_into(&mut h, "Copy folder", &copy.to_string_lossy())?;

    h.get_by_label("Make a copy").click();
    h.step();
    wait(&mut h, "the verified copy", |h| h.query_all_by_label_contains("Verified: no original").count() > 0)?;
    let copied = std::fs::read_to_string(
        std::fs::read_dir(copy.join("texts"))?.next().ok_or_else(|| anyhow::anyhow!("a text in the copy"))??.path(),
    )?;
    assert_eq!(
        copied,
        "Interviewer: Who helped you?\nP1: I'm Anne. Write to [e-mail]. Anne's friend [name] lives in Nordby, \
         and [name] drives me to Nordby.\n",
        "Nordby was rejected, so it stays"
    );
    assert!(std::fs::read_to_string(&key)?.contains("Kari,Kari's,Anne,interview,"));
    assert_eq!(text(&h), TEXT, "a copy leaves the project as it was");

    // In place: one step, undone by one undo.
    h.get_by_label("Apply in place").click();
    h.step();
    wait(&mut h, "the replaced text", |h| text(h).contains("Anne's friend"))?;
    assert!(
        h.state()
            .state
            .store
            .as_ref()
            .is_some_and(|s| s.history().undo_label().is_some_and(|l| l.starts_with("Pseudonymise")))
    );
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    wait(&mut h, "the undone text", |h| text(h) == TEXT)?;
    Ok(())
}
