//! The analysis trail in the app (issue 22): a decision made on the board appears once in the
//! timeline, the "why?" prompt records a reason or is skipped, undo is recorded, a theme's
//! life, the map through time and the checklist's answers — by labels and clicks, no GPU.

mod common;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use tema::trail::Kind;
use tema::ui::{TemaApp, ViewKind};

type Result<T = ()> = anyhow::Result<T>;

fn promote(h: &mut Harness<'static, TemaApp>) {
    common::click_all(h, &["Theme Meeting fatigue", "Promote to Reviewed ⏵"]);
}

#[test]
fn a_promotion_with_its_reason_appears_once_in_the_timeline_and_undo_is_recorded() -> Result {
    let (_tmp, dir, mut h) = common::sample_on(ViewKind::Themes, "Tester", (1600.0, 1000.0))?;
    promote(&mut h);
    // The prompt asks why; the reason goes into the trail beside the decision.
    h.get_by_label("Reason").click();
    h.get_by_label("Reason").type_text("Present in every group once re-read");
    h.run();
    h.get_by_label("Record reason").click();
    h.run();
    assert!(h.query_by_label("Record reason").is_none(), "the prompt closes");
    // The sample had themes before its trail began: the trail starts with the map as it was.
    let t = tema::trail::load(&dir)?;
    assert_eq!(t.decisions.iter().map(|d| d.kind).collect::<Vec<_>>(), [Kind::Started, Kind::ThemePromoted]);
    let d = &t.decisions[1];
    assert_eq!((d.kind, d.who.as_str()), (Kind::ThemePromoted, "Tester"));
    assert_eq!((d.before.as_deref(), d.after.as_deref()), (Some("Candidate"), Some("Reviewed")));
    assert_eq!(d.why.as_deref(), Some("Present in every group once re-read"));

    h.state_mut().state.view = ViewKind::Trail;
    h.run();
    h.get_by_label("theme promoted");
    h.get_by_label("Candidate ⏵ Reviewed");
    h.get_by_label_contains("why: Present in every group once re-read");

    h.key_press_modifiers(Modifiers::COMMAND, Key::Z);
    h.run();
    let t = tema::trail::load(&dir)?;
    assert_eq!(
        t.decisions.iter().map(|d| d.kind).collect::<Vec<_>>(),
        [Kind::Started, Kind::ThemePromoted, Kind::Undone]
    );
    h.get_by_label("undone");
    h.get_by_label("theme promoted");

    // Clicking the theme shows its life: the status went up and back.
    h.query_all_by_label("Meeting fatigue").next().expect("a link to the theme").click();
    h.run();
    h.get_by_label("Status: Candidate ⏵ Reviewed ⏵ Candidate");
    h.get_by_label_contains("why: Present in every group once re-read");
    Ok(())
}

#[test]
fn the_why_prompt_can_be_skipped() -> Result {
    let (_tmp, dir, mut h) = common::sample_on(ViewKind::Themes, "Tester", (1600.0, 1000.0))?;
    promote(&mut h);
    h.get_by_label("Skip").click();
    h.run();
    assert!(h.query_by_label("Skip").is_none());
    let t = tema::trail::load(&dir)?;
    assert_eq!(t.decisions.len(), 2);
    assert_eq!(t.decisions[1].why, None);
    Ok(())
}

#[test]
fn the_map_through_time_and_the_checklist() -> Result {
    let (_tmp, _dir, mut h) = common::sample_on(ViewKind::Themes, "Tester", (1600.0, 1000.0))?;
    promote(&mut h);
    h.get_by_label("Skip").click();
    h.run();
    h.state_mut().state.view = ViewKind::Trail;
    h.run();
    h.get_by_label("Map through time").click();
    h.run();
    // The start of the trail and one change: the map at that moment holds the promoted theme.
    h.get_by_label("(change 2 of 2)");
    h.get_by_label("Meeting fatigue · Reviewed");
    h.get_by_label("Checklist").click();
    h.run();
    h.get_by_label_contains("of 23 documents coded");
    h.get_by_label("Answer to point 1").click();
    h.get_by_label("Answer to point 1").type_text("Reflexive TA");
    h.run();
    let p = h.state().project().expect("open");
    assert_eq!(p.settings.checklist.get("1").map(String::as_str), Some("Reflexive TA"));
    Ok(())
}
