//! Saying who "Speaker 1" is, as a researcher does after importing an auto-transcript: open
//! the document, pick the participant for each speaker in the inspector (or add a new one),
//! and take it back with one undo.

mod common;

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::Path;
use tema::edit::Edit;
use tema::model::*;
use tema::store::Store;
use tema::ui::TemaApp;
use tema::ui::startup::Places;

type Result<T = ()> = anyhow::Result<T>;

const TEXT: &str = "Speaker 1: So how did the meeting go?\n\nSpeaker 2: Better than the last one. They asked me first.\n\n\
Speaker 1: What did they ask?\n\nSpeaker 2: What I wanted to do.\n";

/// A project with one participant, J7, and an auto-transcript no one is attributed in.
fn build(dir: &Path) -> Result {
    let mut store = Store::create(dir, "Auto-transcripts")?;
    let j7 = Participant::new(ParticipantId::from_u128(7), "J7", "jobseeker");
    store.apply(Edit::AddParticipant { participant: j7, index: None })?;
    let mut d = Document::new(DocId::from_u128(1), "Teams call", DocKind::Interview, TEXT);
    let mut at = 0;
    for para in TEXT.split_inclusive("\n\n") {
        let len = para.trim_end().chars().count();
        let speaker = para.split(':').next().unwrap_or_default().to_string();
        d.turns.push(Turn { span: Span::new(at, at + len), speaker, participant: None, start_ms: None, end_ms: None });
        at += para.chars().count();
    }
    store.apply(Edit::AddDocument { document: Box::new(d), index: None })?;
    store.save()?;
    Ok(())
}

fn app(project: &Path) -> Harness<'static, TemaApp> {
    common::app_on(Some(project), "Ingrid", Places::default(), (1400.0, 900.0))
}

fn turns_of(h: &Harness<'_, TemaApp>) -> Result<Vec<(String, Option<String>)>> {
    let p = h.state().project().ok_or_else(|| anyhow::anyhow!("no project"))?;
    let d = p.documents.values().next().ok_or_else(|| anyhow::anyhow!("no document"))?;
    Ok(d.turns
        .iter()
        .map(|t| {
            (t.speaker.clone(), t.participant.and_then(|id| p.participants.get(&id)).map(|x| x.label().to_string()))
        })
        .collect())
}

fn who_is(h: &Harness<'_, TemaApp>, speaker: &str) -> Result<Vec<Option<String>>> {
    Ok(turns_of(h)?.into_iter().filter(|(s, _)| s == speaker).map(|(_, w)| w).collect())
}

#[test]
fn attribute_a_speaker_then_add_a_new_participant_for_another() -> Result {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("auto.tema");
    build(&dir)?;
    let mut h = app(&dir);
    h.run();
    // The document in the navigator (its name is also the open document's heading).
    h.query_all_by_label("Teams call").next().ok_or_else(|| anyhow::anyhow!("the document"))?.click();
    h.run();
    h.get_by_label("Speakers");
    // The document's header says there is something to do.
    h.get_by_label("2 speakers not attributed");

    // Speaker 2 is J7: every one of their turns, in one step.
    h.get_by_role_and_label(Role::ComboBox, "Who is Speaker 2").click();
    h.run();
    h.get_by_label("J7 (jobseeker)").click();
    h.run();
    assert_eq!(who_is(&h, "Speaker 2")?, [Some("J7".to_string()), Some("J7".to_string())]);
    assert_eq!(who_is(&h, "Speaker 1")?, [None, None], "the other speaker is untouched");
    h.get_by_label("“Speaker 1” not attributed");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    assert_eq!(who_is(&h, "Speaker 2")?, [None, None], "one undo takes it back");
    h.key_press_modifiers(egui::Modifiers::COMMAND | egui::Modifiers::SHIFT, egui::Key::Z);
    h.run();
    assert_eq!(who_is(&h, "Speaker 2")?, [Some("J7".to_string()), Some("J7".to_string())]);

    // Speaker 1 is someone new: the interviewer, added and attributed in one step.
    h.get_by_role_and_label(Role::ComboBox, "Who is Speaker 1").click();
    h.run();
    h.get_by_label("New participant…").click();
    h.run();
    for (field, text) in [("Label", "I2"), ("Group", "interviewer")] {
        h.get_by_role_and_label(Role::TextInput, field).click();
        h.run();
        h.get_by_role_and_label(Role::TextInput, field).type_text(text);
        h.run();
    }
    h.get_by_label("Add and attribute").click();
    h.run();
    assert_eq!(who_is(&h, "Speaker 1")?, [Some("I2".to_string()), Some("I2".to_string())]);
    assert!(h.query_by_label_contains("not attributed").is_none(), "nothing left to say");
    let p = h.state().project().ok_or_else(|| anyhow::anyhow!("no project"))?;
    assert_eq!(p.participant_by_label("I2").map(|x| x.group().to_string()), Some("interviewer".into()));
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    let p = h.state().project().ok_or_else(|| anyhow::anyhow!("no project"))?;
    assert!(p.participant_by_label("I2").is_none(), "one undo removes the participant too");
    assert_eq!(who_is(&h, "Speaker 1")?, [None, None]);
    Ok(())
}
