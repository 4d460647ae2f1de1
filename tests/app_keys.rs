//! Keys that never surprise (issue 17): the one-key coding shortcuts act only while the
//! transcript has the keyboard, every dialog and editor that opens takes the focus, and
//! Escape closes the innermost menu or dialog before it touches the selection.

mod common;

use common::drag;
use common::project;

use egui::accesskit::Role;
use egui::{Event, Key, Modifiers, pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use tema::model::*;
use tema::ui::{Action, TemaApp, UiCommand, ViewKind};

type Result<T = ()> = anyhow::Result<T>;

/// What opens a dialog: a shortcut, or a command as a menu would give it.
type Opener = Box<dyn Fn(&mut Harness<'_, TemaApp>)>;

/// What a person types into a field: each letter is a key press *and* text, as a keyboard
/// sends them. C, V, B, M, Q and 1 are all coding shortcuts in the document view.
const LETTERS: &str = "cvbmq1";

/// The codings and codes of the project, to compare before and after typing.
fn coding_state(h: &Harness<'_, TemaApp>) -> (Vec<CodingId>, usize) {
    let p = project(h);
    let mut codings: Vec<CodingId> = p.codings.keys().copied().collect();
    codings.sort();
    (codings, p.codes.len())
}

/// Types like a keyboard: key down, the character as text, key up, for each letter.
fn type_keys(h: &mut Harness<'_, TemaApp>, text: &str) {
    for ch in text.chars() {
        let key = Key::from_name(&ch.to_ascii_uppercase().to_string());
        if let Some(key) = key {
            h.key_down(key);
        }
        h.event(Event::Text(ch.to_string()));
        if let Some(key) = key {
            h.key_up(key);
        }
        h.run();
    }
}

/// Selects words at the start of the paragraph that begins with `text`.
fn select_in(h: &mut Harness<'_, TemaApp>, text: &str) {
    let rect = h.get_by_label_contains(text).rect();
    drag(h, pos2(rect.left() + 3.0, rect.top() + 8.0), pos2(rect.left() + 200.0, rect.top() + 8.0));
    assert!(h.state().state.selection.text.is_some(), "dragging over the text selects it");
}

/// The number of text fields on screen.
fn field_count(h: &Harness<'_, TemaApp>) -> usize {
    h.query_all_by_role(Role::TextInput).count() + h.query_all_by_role(Role::MultilineTextInput).count()
}

/// Focuses the n-th text field (single-line ones first), as Tab or a click would.
fn focus_field(h: &mut Harness<'_, TemaApp>, n: usize) -> String {
    let single: Vec<_> = h.query_all_by_role(Role::TextInput).collect();
    let multi: Vec<_> = h.query_all_by_role(Role::MultilineTextInput).collect();
    let node = single.into_iter().chain(multi).nth(n);
    let name = node.as_ref().and_then(|n| n.accesskit_node().label()).unwrap_or_default();
    if let Some(node) = node {
        node.focus();
    }
    h.run();
    name
}

fn selected(h: &Harness<'_, TemaApp>) -> Option<Span> {
    h.state().state.selection.text.map(|t| t.span)
}

fn a_focused_field(h: &Harness<'_, TemaApp>) -> bool {
    h.query_all_by_role(Role::TextInput).chain(h.query_all_by_role(Role::MultilineTextInput)).any(|n| n.is_focused())
}

/// A project with J3, one passage coded through the picker so that key 1 has a recent code
/// to apply, and another passage selected: any coding key that leaks would code it.
/// The scratch folder lives as long as the returned `TempDir`.
fn armed() -> Result<(tempfile::TempDir, Harness<'static, TemaApp>)> {
    let (tmp, _, mut h) = common::study_app(&["J3"], false, "Tester", (1280.0, 720.0))?;
    select_in(&mut h, "Interviewer: Thanks for coming in");
    common::pick_code(&mut h, "work and");
    assert_eq!(project(&h).codings.len(), 1, "the picker coded the passage");
    select_in(&mut h, "J3: Um. Okay.");
    Ok((tmp, h))
}

#[test]
fn letters_typed_into_any_field_of_any_view_never_code_text() -> Result {
    let (_tmp, mut h) = armed()?;
    let before = coding_state(&h);
    let mut fields_typed = 0;
    for view in common::VIEWS {
        h.state_mut().state.view = view;
        h.run();
        // With nothing focused, outside the document view, letters do nothing.
        if view != ViewKind::Document {
            type_keys(&mut h, LETTERS);
            assert_eq!(coding_state(&h), before, "letters in the {view:?} view coded text");
        }
        for n in 0..field_count(&h) {
            let name = focus_field(&mut h, n);
            assert!(a_focused_field(&h), "field {n} ({name:?}) of {view:?} takes the focus");
            type_keys(&mut h, LETTERS);
            assert_eq!(coding_state(&h), before, "typing into “{name}” in the {view:?} view coded text");
            assert!(h.query_by_label("Code name").is_none(), "typing into “{name}” opened the code picker");
            fields_typed += 1;
        }
        assert!(h.state().state.selection.text.is_some(), "the selection is still there to be coded");
    }
    // The inspector, codebook and the views' own forms: well over a dozen fields.
    assert!(fields_typed >= 12, "only {fields_typed} fields found");

    // The control: the same key in the transcript, with nothing else focused, does code.
    h.state_mut().state.view = ViewKind::Document;
    h.run();
    select_in(&mut h, "Interviewer: That's fine");
    h.key_press(Key::Num1);
    h.run();
    assert_eq!(project(&h).codings.len(), before.0.len() + 1, "key 1 codes in the document view");
    Ok(())
}

#[test]
fn every_dialog_takes_the_focus_and_escape_closes_it_without_coding() -> Result {
    let (_tmp, mut h) = armed()?;
    let before = coding_state(&h);
    let openers: [(&str, Opener); 6] = [
        ("Code picker", Box::new(|h| h.key_press(Key::C))),
        ("Command palette", Box::new(|h| h.key_press_modifiers(Modifiers::COMMAND, Key::K))),
        ("New project", Box::new(|h| h.key_press_modifiers(Modifiers::COMMAND, Key::N))),
        ("Open project", Box::new(|h| h.key_press_modifiers(Modifiers::COMMAND, Key::O))),
        ("Import", Box::new(|h| h.key_press_modifiers(Modifiers::COMMAND, Key::I))),
        ("Change coder", Box::new(|h| h.state_mut().state.actions.push(Action::Command(UiCommand::ChangeCoder)))),
    ];
    for (name, open) in openers {
        h.state_mut().state.view = ViewKind::Document;
        h.run();
        let fields = field_count(&h);
        open(&mut h);
        h.run();
        h.run();
        assert!(field_count(&h) > fields, "{name} opened");
        assert!(a_focused_field(&h), "{name} puts the keyboard in its field");
        type_keys(&mut h, LETTERS);
        assert_eq!(coding_state(&h), before, "typing in {name} coded text");
        h.key_press(Key::Escape);
        h.run();
        assert_eq!(field_count(&h), fields, "Escape closes {name}");
        assert_eq!(coding_state(&h), before, "closing {name} coded text");
        assert!(h.state().state.selection.text.is_some(), "Escape closed {name} and left the selection");
    }
    Ok(())
}

#[test]
fn a_new_journal_entry_takes_what_is_typed() -> Result {
    let (_tmp, mut h) = armed()?;
    let before = coding_state(&h);
    h.key_press_modifiers(Modifiers::COMMAND, Key::J);
    h.run();
    h.run();
    assert_eq!(h.state().state.view, ViewKind::Memos);
    type_keys(&mut h, "cv quiet 1");
    assert_eq!(coding_state(&h), before, "the letters went to the coding keys");
    let focused = h.query_all_by_role(Role::MultilineTextInput).find(|n| n.is_focused()).map(|n| n.value());
    assert_eq!(focused, Some(Some("cv quiet 1".to_string())), "the entry's text has the keyboard and the words");
    Ok(())
}

#[test]
fn escape_closes_an_open_menu_and_keeps_the_selection() -> Result {
    let (_tmp, mut h) = armed()?;
    h.get_by_label("View").click();
    h.run();
    h.run();
    let open = |h: &Harness<'_, TemaApp>| h.query_all_by_label_contains("Toggle dark mode").count() > 0;
    assert!(open(&h), "the View menu is open");
    h.key_press(Key::Escape);
    h.run();
    assert!(!open(&h), "Escape closed the menu");
    assert!(h.state().state.selection.text.is_some(), "the first Escape only closes the menu");
    // With nothing open, Escape clears the selection.
    h.key_press(Key::Escape);
    h.run();
    assert!(h.state().state.selection.text.is_none());
    Ok(())
}

/// The whole coding workflow without a mouse, checked through what a screen reader gets:
/// open a document, move by turn and by sentence, code the selection, review the extract.
#[test]
fn code_a_passage_with_the_keyboard_alone_and_hear_it() -> Result {
    let (_tmp, _, mut h) = common::study_app(&["J3", "J4"], false, "Tester", (1280.0, 720.0))?;
    // Open the next document: J4.
    h.key_press_modifiers(Modifiers::COMMAND, Key::PageDown);
    h.run();
    let j4 = project(&h).document_by_name("J4").map(|d| d.id);
    assert_eq!(h.state().state.open_doc, j4);
    let doc = project(&h).document_by_name("J4").cloned().ok_or_else(|| anyhow::anyhow!("J4"))?;
    let turns = tema::model::reading::turn_spans(&doc);
    let sentences = tema::model::reading::sentence_spans(&doc);

    // Alt+Down twice: the second turn's words, without its speaker label.
    h.key_press_modifiers(Modifiers::ALT, Key::ArrowDown);
    h.run();
    h.key_press_modifiers(Modifiers::ALT, Key::ArrowDown);
    h.run();
    assert_eq!(selected(&h), Some(turns[1]));
    let words = doc.slice(turns[1]).unwrap_or_default().to_string();
    assert!(!words.starts_with(&doc.turns[1].speaker), "{words}");
    // A screen reader hears the selection on the document's node.
    let heard = h.get_by_label("Text of J4").value().unwrap_or_default();
    assert_eq!(heard, format!("Selected: {words}"));

    // Alt+Right: into the turn's first sentence; Shift+Alt+Right: grown by the next one.
    h.key_press_modifiers(Modifiers::ALT, Key::ArrowRight);
    h.run();
    let first = sentences.iter().find(|s| s.start >= turns[1].start).copied();
    assert_eq!(selected(&h), first);
    h.key_press_modifiers(Modifiers::ALT | Modifiers::SHIFT, Key::ArrowRight);
    h.run();
    let grown = selected(&h).unwrap_or_default();
    assert_eq!(grown.start, turns[1].start);
    assert!(grown.end > first.unwrap_or_default().end);

    // C opens the picker with the keyboard in it; the code is typed and Enter applies it.
    h.key_press(Key::C);
    h.run();
    h.event(Event::Text("work and".into()));
    h.run();
    h.key_press(Key::Enter);
    h.run();
    let p = project(&h);
    let coding = p.codings.values().next().map(|c| (c.span, c.code));
    let work = p.code_by_name("Work and identity").map(|c| c.id);
    assert_eq!(coding, work.map(|w| (grown, w)));
    // The paragraph now says which code it carries, and so does the selection.
    h.get_by_label_contains("(coded Work and identity)");
    let heard = h.get_by_label("Text of J4").value().unwrap_or_default();
    assert!(heard.ends_with("(coded Work and identity)"), "{heard}");

    // Review: the new coding's code and its extracts (Ctrl+2), where the passage is listed.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Num2);
    h.run();
    assert_eq!(h.state().state.view, ViewKind::Retrieval);
    let start: String = doc.slice(grown).unwrap_or_default().chars().take(30).collect();
    assert!(h.query_all_by_label_contains(&start).count() > 0, "the extract “{start}…” is listed");
    Ok(())
}

/// The menu bar is drawn from the command registry: every command placed in a menu (the app's
/// own and each view's, the side panels' too) is listed when that menu opens, under the text
/// the app gives it now, and each submenu holds its commands.
#[test]
fn every_menu_lists_the_commands_placed_in_it() -> Result {
    use tema::ui::command::{Menu, MenuEntry, menu_groups};
    let (_tmp, mut h) = armed()?;
    let count = |h: &Harness<'_, TemaApp>, text: &str| h.query_all_by_label_contains(text).count();
    let mut checked = 0;
    for menu in Menu::ALL {
        let state = h.state().command_state();
        let groups = menu_groups(menu);
        let texts = |specs: &[&tema::ui::command::CommandSpec], h: &Harness<'_, TemaApp>| -> Vec<String> {
            specs.iter().filter(|s| (s.shown)(&state)).map(|s| h.state().menu_text(s)).collect()
        };
        let direct: Vec<_> = groups
            .iter()
            .flatten()
            .filter_map(|e| match e {
                MenuEntry::Command(s) => Some(*s),
                MenuEntry::Submenu(..) => None,
            })
            .collect();
        let expected = texts(&direct, &h);
        let before: Vec<usize> = expected.iter().map(|t| count(&h, t)).collect();
        h.get_by_label(menu.title()).click();
        h.run();
        h.run();
        for (text, before) in expected.iter().zip(before) {
            assert!(count(&h, text) > before, "the {} menu does not list “{text}”", menu.title());
            checked += 1;
        }
        for entry in groups.iter().flatten() {
            let MenuEntry::Submenu(name, specs) = entry else { continue };
            let expected = texts(specs, &h);
            let before: Vec<usize> = expected.iter().map(|t| count(&h, t)).collect();
            h.get_by_label(name).click();
            h.run();
            h.run();
            for (text, before) in expected.iter().zip(before) {
                assert!(count(&h, text) > before, "{} → {name} does not list “{text}”", menu.title());
                checked += 1;
            }
        }
        // Escape closes the innermost open menu; the menu is closed once its first entry is gone.
        let first = expected.first().cloned().unwrap_or_default();
        let shut = count(&h, &first) - 1;
        for _ in 0..3 {
            if count(&h, &first) == shut {
                break;
            }
            h.key_press(Key::Escape);
            h.run();
        }
        assert_eq!(count(&h, &first), shut, "Escape closed the {} menu", menu.title());
        assert!(h.state().state.selection.text.is_some(), "closing the {} menu kept the selection", menu.title());
    }
    // The views' commands are among them: the navigator's, the inspector's, the document view's.
    assert!(checked >= 50, "only {checked} menu entries checked");
    Ok(())
}
