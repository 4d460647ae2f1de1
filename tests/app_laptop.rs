//! The app at laptop size (issue 17, second round): what a review of every view at 1280×720
//! found, driven as a person would.

mod common;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::Path;
use tema::model::*;
use tema::ui::startup::Places;
use tema::ui::{TemaApp, ViewKind};

type Result<T = ()> = anyhow::Result<T>;

fn app(project: &Path) -> Harness<'static, TemaApp> {
    common::app_on(Some(project), "Tester", Places::default(), (1280.0, 720.0))
}

#[allow(dead_code)]
fn project<'h>(h: &'h Harness<'_, TemaApp>) -> &'h Project {
    h.state().project().expect("a project is open")
}

#[test]
fn the_palette_finds_a_command_by_one_of_its_words() -> Result {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("study.tema");
    common::build(&dir, "Study", &["J3"], true)?;
    let mut h = app(&dir);
    h.run();
    for (query, view) in [("map", ViewKind::ThemeMap), ("graph", ViewKind::ThemeMap), ("kappa", ViewKind::Team)] {
        h.key_press_modifiers(Modifiers::COMMAND, Key::K);
        h.run();
        h.get_by_label("Command").type_text(query);
        h.run();
        h.key_press(Key::Enter);
        h.run();
        assert_eq!(h.state().state.view, view, "\"{query}\" then Enter");
    }
    Ok(())
}
