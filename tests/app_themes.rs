//! The themes board, review, map and phase tracker, driven as a person would: by labels,
//! clicks, drags and keys, on a copy of the sample study (no GPU needed).

mod common;

use common::drag;
use common::project;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use tema::model::*;
use tema::ui::{TemaApp, ViewKind};

type Result<T = ()> = anyhow::Result<T>;

fn theme<'h>(h: &'h Harness<'_, TemaApp>, name: &str) -> &'h Theme {
    project(h).theme_by_name(name).expect("the theme exists")
}

/// The phase tracker's review figure, counted here from the themes themselves: themes not
/// set aside (parked) whose status is past Candidate, of all themes not set aside.
fn reviewed_label(h: &Harness<'_, TemaApp>) -> String {
    let live: Vec<&Theme> = project(h).themes.values().filter(|t| t.status() != ThemeStatus::Parked).collect();
    let reviewed = live.iter().filter(|t| t.status() != ThemeStatus::Candidate).count();
    format!("{reviewed} of {} themes reviewed", live.len())
}

/// What a theme's review lists, worked out from the codings and turns alone: its codes and
/// its subthemes' codes; codings of one code on overlapping or touching text in one document
/// are one extract; the participants are the non-interviewers whose speech (a turn after its
/// `Name: ` label) shares a word character with an extract.
fn review_figures(p: &Project, theme: ThemeId) -> (usize, usize, usize) {
    let mut codes = std::collections::HashSet::new();
    let mut stack = vec![theme];
    while let Some(t) = stack.pop() {
        codes.extend(p.themes[&t].codes.iter().copied());
        stack.extend(p.themes.values().filter(|x| x.parent == Some(t)).map(|x| x.id));
    }
    let mut by_key: std::collections::BTreeMap<(DocId, CodeId), Vec<Span>> = Default::default();
    for c in p.codings.values().filter(|c| codes.contains(&c.code)) {
        by_key.entry((c.doc, c.code)).or_default().push(c.span);
    }
    let mut extracts: Vec<(DocId, Span)> = Vec::new();
    for ((doc, _), mut spans) in by_key {
        spans.sort();
        let mut current: Option<Span> = None;
        for s in spans {
            match current {
                Some(c) if s.start <= c.end => current = Some(Span { start: c.start, end: c.end.max(s.end) }),
                Some(c) => {
                    extracts.push((doc, c));
                    current = Some(s);
                }
                None => current = Some(s),
            }
        }
        extracts.extend(current.map(|c| (doc, c)));
    }
    let docs: std::collections::HashSet<DocId> = extracts.iter().map(|(d, _)| *d).collect();
    let mut people = std::collections::HashSet::new();
    for (doc, span) in &extracts {
        let d = &p.documents[doc];
        for t in &d.turns {
            let Some(who) = t.participant.and_then(|id| p.participants.get(&id)) else { continue };
            if who.props.interviewer {
                continue;
            }
            let label = format!("{}:", t.speaker);
            let text = d.slice(t.span).unwrap_or_default();
            let speech_start = t.span.start.get() + if text.starts_with(&label) { label.chars().count() } else { 0 };
            let (a, b) = (span.start.get().max(speech_start), span.end.get().min(t.span.end.get()));
            if a < b && d.slice(Span::new(a, b)).is_some_and(|x| x.chars().any(char::is_alphanumeric)) {
                people.insert(who.id);
            }
        }
    }
    (extracts.len(), docs.len(), people.len())
}

#[test]
fn drag_a_code_onto_a_theme_then_undo() -> Result {
    let (_tmp, _, mut h) = common::sample_on(ViewKind::Themes, "Tester", (1600.0, 1000.0))?;
    let code = project(&h).code_by_name("Clear agenda and minutes").map(|c| c.id).expect("code");
    assert!(!theme(&h, "Meeting fatigue").codes.contains(&code));
    // From the tray of codes in no theme, by its drag handle, onto the theme's card.
    let from = h.get_by_label("Drag Clear agenda and minutes").rect().center();
    let to = h.get_by_label("Theme Meeting fatigue").rect().center();
    drag(&mut h, from, to);
    assert!(theme(&h, "Meeting fatigue").codes.contains(&code), "the code joined the theme");
    h.get_by_label("Code Clear agenda and minutes");
    assert!(h.query_by_label("Drag Clear agenda and minutes").is_none(), "it left the tray");

    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert!(!theme(&h, "Meeting fatigue").codes.contains(&code), "undo took it out again");

    // A chip dragged from one theme to another moves it, in one step.
    let money = project(&h).code_by_name("Financial stress").map(|c| c.id).expect("code");
    let from = h.get_by_label("Code Financial stress").rect().center();
    let to = h.get_by_label("Theme Meeting fatigue").rect().center();
    drag(&mut h, from, to);
    assert!(theme(&h, "Meeting fatigue").codes.contains(&money));
    assert!(!theme(&h, "Money as a brake").codes.contains(&money));
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert!(theme(&h, "Money as a brake").codes.contains(&money));
    assert!(!theme(&h, "Meeting fatigue").codes.contains(&money));
    Ok(())
}

/// Hundreds of applied codes in no theme, at 1280×720: the tray lists them all in its title
/// but lays out only the rows in view and scrolls, the board's three columns stay on screen
/// (a tray laid out in one line once pushed two of them off), each chip carries the
/// codebook's extract count, and a code ticked there starts a theme.
#[test]
fn a_tray_of_hundreds_of_codes_scrolls_and_leaves_the_board_its_room() -> Result {
    let (_tmp, _, mut h) = common::study_app(&["J3"], true, "Ingrid", (1280.0, 720.0))?;
    let names = common::many_codes(&mut h, 300)?;
    h.state_mut().state.view = ViewKind::Themes;
    h.run();
    let p = project(&h);
    let themed: std::collections::HashSet<CodeId> = p.themes.values().flat_map(|t| t.codes.iter().copied()).collect();
    let applied: std::collections::HashSet<CodeId> = p.codings.values().map(|c| c.code).collect();
    let loose = applied.iter().filter(|c| !themed.contains(c)).count();
    assert!(loose >= names.len());
    h.get_by_label(&format!("Codes in no theme ({loose})"));
    let shown = names.iter().filter(|n| h.query_by_label(&format!("Drag {n}")).is_some()).count();
    assert!(shown > 0 && shown < 40, "only the tray's rows in view are laid out ({shown} of {})", names.len());
    assert!(h.query_by_label(&format!("Drag {}", names[names.len() - 1])).is_none(), "the last code is out of view");
    for column in ["Candidate (", "Reviewed (", "Final ("] {
        let r = h.get_by_label_contains(column).rect();
        assert!(r.right() <= 1280.0 && r.bottom() <= 720.0, "the {column}…) column is on screen: {r:?}");
    }
    // Each of these codes is applied once: one extract, as the codebook counts it.
    h.get_by_label(&format!("{} (1)", names[0])).click();
    h.run();
    h.get_by_label("New theme from 1 ticked code").click();
    h.run();
    let code = project(&h).code_by_name(&names[0]).map(|c| c.id).expect("the code exists");
    assert!(project(&h).themes.values().any(|t| t.codes.contains(&code)), "the ticked code started a theme");
    h.get_by_label(&format!("Codes in no theme ({})", loose - 1));
    Ok(())
}

#[test]
fn promote_a_theme_to_reviewed_then_undo() -> Result {
    let (_tmp, _, mut h) = common::sample_on(ViewKind::Themes, "Tester", (1600.0, 1000.0))?;
    h.get_by_label("Candidate (1)");
    common::click_all(&mut h, &["Theme Meeting fatigue", "Promote to Reviewed ⏵"]);
    assert_eq!(theme(&h, "Meeting fatigue").status(), ThemeStatus::Reviewed);
    h.get_by_label("Candidate (0)");
    h.get_by_label("Reviewed (2)");
    // The phase tracker sees it at once.
    h.state_mut().state.view = ViewKind::Phases;
    h.run();
    let all_reviewed = reviewed_label(&h);
    h.get_by_label_contains(&all_reviewed);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(theme(&h, "Meeting fatigue").status(), ThemeStatus::Candidate);
    let one_less = reviewed_label(&h);
    assert_ne!(one_less, all_reviewed, "undo takes one theme back to Candidate");
    h.get_by_label_contains(&one_less);

    // Dragging a card onto the parked area parks it.
    h.state_mut().state.view = ViewKind::Themes;
    h.run();
    let from = h.get_by_label("Theme Meeting fatigue").rect().center();
    // Beside the parked card already there, not on it (that would nest it).
    let to = h.get_by_label("Parked (1)").rect().left_center() + egui::vec2(600.0, 40.0);
    drag(&mut h, from, to);
    assert_eq!(theme(&h, "Meeting fatigue").status(), ThemeStatus::Parked);
    assert_eq!(theme(&h, "Meeting fatigue").parent, None);
    // And onto another theme's card, it becomes a subtheme of it.
    let from = h.get_by_label("Theme Meeting fatigue").rect().center();
    let to = h.get_by_label("Theme Money as a brake").rect().center();
    drag(&mut h, from, to);
    let money = theme(&h, "Money as a brake").id;
    assert_eq!(theme(&h, "Meeting fatigue").parent, Some(money));
    Ok(())
}

#[test]
fn write_a_definition_and_rename_with_history_then_undo() -> Result {
    let (_tmp, _, mut h) = common::sample_on(ViewKind::Themes, "Tester", (1600.0, 1000.0))?;
    h.get_by_label("Theme Meeting fatigue").click();
    h.run();
    let concept = "Too many meetings wear jobseekers down before work even starts.";
    h.get_by_label("Central organising concept").click();
    h.run();
    h.get_by_label("Central organising concept").type_text(concept);
    h.run();
    h.key_press(Key::Tab);
    h.run();
    assert_eq!(theme(&h, "Meeting fatigue").props.definition.concept, concept);

    h.get_by_label("Theme name").click();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label("Theme name").type_text("Worn down by meetings");
    h.run();
    h.key_press(Key::Tab);
    h.run();
    let t = theme(&h, "Worn down by meetings");
    assert_eq!(t.props.former_names.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(), ["Meeting fatigue"]);
    h.get_by_label_contains("Earlier names: Meeting fatigue");

    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    let t = theme(&h, "Meeting fatigue");
    assert!(t.props.definition.concept.is_empty() && t.props.former_names.is_empty());
    Ok(())
}

#[test]
fn review_marks_an_extract_and_shows_the_counts() -> Result {
    let (_tmp, _, mut h) = common::sample_on(ViewKind::Themes, "Tester", (1600.0, 1000.0))?;
    common::click_all(&mut h, &["Theme Screens and rooms", "Review its extracts"]);
    let (extracts, documents, participants) = review_figures(project(&h), theme(&h, "Screens and rooms").id);
    assert!(extracts > 1, "the sample's theme has extracts to review");
    h.get_by_label_contains(&format!("{extracts} extracts from {documents} documents, {participants} participants"));
    let fits = h.query_all_by_label_contains("Fits: ").count();
    assert_eq!(fits, extracts, "a fits button per extract");
    h.query_all_by_label_contains("Fits: ").next().expect("a fits button").click();
    h.run();
    let t = theme(&h, "Screens and rooms");
    assert_eq!(t.review.values().copied().collect::<Vec<_>>(), [Fit::Fits]);
    h.get_by_label_contains(&format!("1 fit, 0 do not fit, {} not yet marked", extracts - 1));
    h.get_by_label("Participant").click();
    h.run();
    h.get_by_label_contains("Unattributed");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert!(theme(&h, "Screens and rooms").review.is_empty());
    Ok(())
}

#[test]
fn drag_a_node_on_the_map_saves_its_position() -> Result {
    let (_tmp, _, mut h) = common::sample_on(ViewKind::ThemeMap, "Tester", (1600.0, 1000.0))?;
    assert!(theme(&h, "Talked about, not with").map_pos.is_none());
    let from = h.get_by_label("Map node theme Talked about, not with").rect().center();
    drag(&mut h, from, from + egui::vec2(60.0, 40.0));
    let pos = theme(&h, "Talked about, not with").map_pos.expect("a saved position");
    h.run();
    let after = h.get_by_label("Map node theme Talked about, not with").rect().center();
    assert!((after - from - egui::vec2(60.0, 40.0)).length() < 2.0, "the node stays where it was dropped");
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert!(theme(&h, "Talked about, not with").map_pos.is_none(), "undo forgets {pos:?}");
    Ok(())
}

#[test]
fn a_phase_figure_opens_to_the_items_behind_it() -> Result {
    let (_tmp, _, mut h) = common::sample_on(ViewKind::Phases, "Tester", (1600.0, 1000.0))?;
    let label = reviewed_label(&h);
    h.get_by_label_contains(&label);
    let waiting = project(&h).themes.values().filter(|t| t.status() == ThemeStatus::Candidate).count();
    assert_eq!(waiting, 1, "the sample has one candidate theme, Meeting fatigue");
    common::click_all(&mut h, &[&format!("{waiting} not yet reviewed"), "Meeting fatigue"]);
    let id = theme(&h, "Meeting fatigue").id;
    assert_eq!(h.state().state.view, ViewKind::Themes);
    assert_eq!(h.state().state.selection.item, Some(tema::ui::Item::Theme(id)));
    // The board opens with that theme in the detail panel.
    h.get_by_label("Promote to Reviewed ⏵");
    Ok(())
}
