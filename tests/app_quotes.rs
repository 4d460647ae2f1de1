//! The Quotes view, driven as a person would: open a study with quotes, read them by theme,
//! star one, make a new quote from a coded extract, and export the quotes as Markdown.

mod common;

use common::project;

mod quotes_fixture;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::time::{Duration, Instant};
use tema::model::*;
use tema::store::Store;
use tema::ui::startup::Places;
use tema::ui::{TemaApp, ViewKind};

type Result<T = ()> = anyhow::Result<T>;

/// The quotes study of the export tests as a project folder in a scratch directory, open in
/// the app on the Quotes tab.
fn quotes_app() -> Result<(tempfile::TempDir, Harness<'static, TemaApp>)> {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("study.tema");
    let mut store = Store::create(&dir, "Working together")?;
    for edit in quotes_fixture::study_edits() {
        store.apply(edit)?;
    }
    store.save()?;
    drop(store);
    let mut h = common::app_on(Some(&dir), "Tester", Places::default(), (1400.0, 900.0));
    h.run();
    h.get_by_label("Quotes").click();
    h.run();
    Ok((tmp, h))
}

#[test]
fn read_star_make_and_export_quotes() -> Result {
    // The Quotes tab: themes in reading order, quotes attributed as printed.
    let (tmp, mut h) = quotes_app()?;
    assert_eq!(h.state().state.view, ViewKind::Quotes);
    // The view lists every theme (with or without quotes) and counts the quotes in them; an
    // export holds the quotes of themes not set aside (parked) and counts the themes they
    // illustrate.
    let shown = |h: &Harness<'_, TemaApp>, exported: bool| {
        let p = project(h);
        let kept = |q: &&Quote| !exported || p.themes.get(&q.theme).is_some_and(|t| t.status() != ThemeStatus::Parked);
        let quotes: Vec<&Quote> = p.quotes.values().filter(kept).collect();
        let themes: std::collections::HashSet<ThemeId> = quotes.iter().map(|q| q.theme).collect();
        let themes = if exported { themes.len() } else { p.themes.len() };
        format!("{} quotes in {themes} themes", quotes.len())
    };
    let heading = shown(&h, false);
    h.get_by_label_contains(&heading);
    h.get_by_label("Voice in the meeting");
    h.get_by_label("Talked about, not with");
    h.get_by_label("“They talked about me, not with me.” (J1)");
    h.get_by_label("“[the social worker] said I should wait [...] until I was better.” (J1)");
    h.get_by_label_contains("I felt seen 😀 – for the first time in ages.” (J2)\nOriginal: “Jeg følte meg sett");

    // Star the first quote not yet starred: the long one in "Voice in the meeting".
    let starred = |h: &Harness<'_, TemaApp>| project(h).quotes.values().filter(|q| q.props.starred).count();
    assert_eq!(starred(&h), 1);
    h.get_all_by_label("Star as the strongest quote").next().ok_or_else(|| anyhow::anyhow!("no star button"))?.click();
    h.run();
    assert_eq!(starred(&h), 2);
    assert!(project(&h).quotes[&QuoteId::from_u128(4)].props.starred, "the first unstarred quote in reading order");

    // Make a quote from a coded extract: the code "Waiting for the therapist" sits under
    // "Waiting", which belongs to one theme, so the quote goes there at once.
    h.get_by_label("Waiting for the therapist").click();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::Num2);
    h.run();
    assert_eq!(h.state().state.view, ViewKind::Retrieval);
    h.get_by_label("Make quote").click();
    h.run();
    h.run();
    assert_eq!(h.state().state.view, ViewKind::Quotes);
    let p = project(&h);
    assert_eq!(p.quotes.len(), 7);
    let new = p.quotes.values().last().ok_or_else(|| anyhow::anyhow!("no quote"))?;
    assert_eq!((new.theme, new.coding), (quotes_fixture::WAITING, Some(CodingId::from_u128(52))));
    h.get_by_label("“And when she does not, we wait for weeks.” (FG1, E5)");

    // Export the quotes as Markdown into a folder of our own.
    let out = tmp.path().join("exports");
    std::fs::create_dir(&out)?;
    let file = out.join("quotes.md");
    common::click_all(&mut h, &["Export…", "Format", "Markdown"]);
    // The preview lays out the first page: the subtitle, and the new quote again, in its
    // marks with its attribution (the Quotes view behind shows it once).
    h.get_by_label("Quotes by theme");
    let quote = "“And when she does not, we wait for weeks.” (FG1, E5)";
    assert_eq!(h.query_all_by_label(quote).count(), 2, "the quote in the view and on the previewed page");
    h.get_by_label("Save to").click();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.get_by_label("Save to").type_text(&file.display().to_string());
    h.run();
    h.get_by_label("Export").click();
    // The export runs on a worker, which asks for frames while it runs: step frames rather
    // than wait for the UI to settle, until the file is there and the job has reported.
    h.run_steps(2);
    let started = Instant::now();
    while !file.exists() && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(20));
        h.step();
    }
    for _ in 0..5 {
        std::thread::sleep(Duration::from_millis(20));
        h.step();
    }
    let md = std::fs::read_to_string(&file)?;
    assert!(md.contains("Voice in the meeting") && md.contains("Waiting as a way of working"), "{md}");
    assert!(md.contains("“They talked about me, not with me.” (J1)"), "{md}");
    assert!(md.contains("“And when she does not, we wait for weeks.” (FG1, E5)"), "the new quote is exported:\n{md}");
    assert!(!md.contains("Money worries"), "parked themes are left out");
    assert_eq!(std::fs::read_dir(&out)?.count(), 1, "no partial file is left behind");
    let exported = shown(&h, true);
    h.get_by_label_contains(&format!("Exported {exported} to"));
    Ok(())
}

#[test]
fn attribution_labels_are_set_in_the_app_and_undone() -> Result {
    let (_tmp, mut h) = quotes_app()?;
    h.get_by_label("“They talked about me, not with me.” (J1)");
    h.get_by_label("Attribution…").click();
    h.run();

    // The study numbers jobseekers J{n}; a template with a broken placeholder is refused
    // before it can be applied.
    let field = || (egui::accesskit::Role::TextInput, "Jobseeker");
    assert_eq!(h.get_by_role_and_label(field().0, field().1).value().as_deref(), Some("J{n}"));
    h.get_by_role_and_label(field().0, field().1).click();
    h.run();
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.run();
    h.get_by_role_and_label(field().0, field().1).type_text("P{n");
    h.run();
    h.get_by_label_contains("Cannot apply: the template for \"Jobseeker\" has a '{' without a '}'");
    h.get_by_role_and_label(field().0, field().1).type_text("}");
    h.run();
    // The example and the preview follow the typing.
    h.get_by_label("J1 as P1");
    h.get_by_label_contains("Your quotes would read: (P1)");
    h.get_by_label("Apply").click();
    h.run();
    let a = &project(&h).settings.quotes.attribution;
    assert_eq!(a.template_for("jobseeker"), "P{n}");
    h.get_by_label("“They talked about me, not with me.” (P1)");

    assert_eq!(project(&h).settings.quotes.block_words, 40, "the threshold is kept as it was");

    // One undo brings the old labels back, and the panel follows.
    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    assert_eq!(project(&h).settings.quotes.attribution.template_for("jobseeker"), "J{n}");
    h.get_by_label("“They talked about me, not with me.” (J1)");
    h.get_by_label("J1 as J1");
    Ok(())
}
