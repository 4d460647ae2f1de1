//! The app at laptop size (issue 17, second round): what a review of every view at 1280×720
//! found, driven as a person would.

mod common;

use common::project;

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::path::Path;
use tema::ui::startup::Places;
use tema::ui::tokens::{MIN_TEXT_SIZE, contrast};
use tema::ui::{TemaApp, Tokens, ViewKind};

type Result<T = ()> = anyhow::Result<T>;

fn app(project: &Path) -> Harness<'static, TemaApp> {
    common::app_on(Some(project), "Tester", Places::default(), (1280.0, 720.0))
}

#[test]
fn the_palette_finds_a_command_by_one_of_its_words() -> Result {
    let (_tmp, _, mut h) = common::study_app(&["J3"], true, "Tester", (1280.0, 720.0))?;
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

/// Scrolls the content under the pointer at `at` by `delta` points (negative: towards the end).
fn scroll_at(h: &mut Harness<'_, TemaApp>, at: egui::Pos2, delta: egui::Vec2) {
    h.hover_at(at);
    h.run_steps(2);
    h.event(egui::Event::MouseWheel {
        unit: egui::MouseWheelUnit::Point,
        delta,
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Unknown,
        modifiers: Modifiers::NONE,
    });
    // Scrolling animates, and the pointer's tooltip keeps asking for frames: step, not settle.
    h.run_steps(30);
}

#[test]
fn the_cooccurrence_matrix_keeps_its_heads_in_view_while_it_scrolls() -> Result {
    let (_tmp, _, mut h) = common::sample_app("Tester", (1280.0, 720.0))?;
    common::click_all(&mut h, &["Triangulation", "Co-occurrence"]);
    let p = project(&h).clone();
    let co = tema::analysis::Cooccurrence::build(&p, &Default::default());
    // The codes that meet another code, as the table shows them (computed from the core).
    let shown: Vec<_> =
        (0..co.codes.len()).filter(|i| co.pairs.iter().any(|x| x.a == *i || x.b == *i)).map(|i| &co.codes[i]).collect();
    assert!(shown.len() > 15, "the sample's table is wider than a laptop's window: {} codes", shown.len());
    // Every column is named by the code's whole path, none cut to a "…".
    let heads: Vec<String> = h
        .query_all_by_role(egui::accesskit::Role::ColumnHeader)
        .filter_map(|n| egui_kittest::kittest::NodeT::accesskit_node(&n).label())
        .collect();
    let paths: Vec<String> = shown.iter().map(|c| c.path.clone()).collect();
    assert_eq!(heads, paths);

    // The rectangle of the row or column head named `path`.
    let head = |h: &Harness<'_, TemaApp>, role: egui::accesskit::Role, path: &str| {
        h.query_all_by_role(role)
            .find(|n| egui_kittest::kittest::NodeT::accesskit_node(n).label().as_deref() == Some(path))
            .map(|n| n.rect())
            .unwrap_or(egui::Rect::NOTHING)
    };
    let row_head = |h: &Harness<'_, TemaApp>, path: &str| head(h, egui::accesskit::Role::RowHeader, path);
    let column_head = |h: &Harness<'_, TemaApp>, path: &str| head(h, egui::accesskit::Role::ColumnHeader, path);
    let window = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1280.0, 720.0));
    let first_head = column_head(&h, &paths[0]);
    let last = shown[shown.len() - 1];
    let last_row = row_head(&h, &last.path);
    assert!(last_row.top() > window.bottom(), "the last row starts below the window: {last_row:?}");
    // Scroll to the bottom right over the counts.
    let body = egui::pos2(first_head.center().x + 100.0, first_head.bottom() + 150.0);
    scroll_at(&mut h, body, egui::vec2(-5000.0, -5000.0));
    // The last row's name is now in the window, at the left where the first one was; the
    // column heads are where they were, only moved sideways.
    let last_row_now = row_head(&h, &last.path);
    assert!(window.contains_rect(last_row_now), "{last_row_now:?} in the window");
    assert!((last_row_now.left() - last_row.left()).abs() < 1.0, "row names stay at the left");
    let last_head = column_head(&h, &paths[paths.len() - 1]);
    assert!(window.contains_rect(last_head), "the last column head {last_head:?} in the window");
    assert!((last_head.top() - first_head.top()).abs() < 1.0, "column heads stay at the top");
    // The count where the last code meets another is on screen, under its head.
    let pair = co.pairs.iter().find(|x| x.b == co.codes.iter().position(|c| c.id == last.id).unwrap_or(usize::MAX));
    if let Some(x) = pair {
        let name = format!("{} + {}", co.codes[x.a].name, co.codes[x.b].name);
        let on_screen = h.query_all_by_label(&name).any(|n| window.contains_rect(n.rect()));
        assert!(on_screen, "{name} is on screen");
    }
    Ok(())
}

#[test]
fn the_triangulation_table_fits_a_laptop_window_with_its_marks() -> Result {
    let (_tmp, _, mut h) = common::sample_app("Tester", (1280.0, 720.0))?;
    h.get_by_label("Triangulation").click();
    h.run();
    let p = project(&h).clone();
    let m = tema::analysis::Matrix::build(&p, &tema::analysis::MatrixOptions::default());
    let window = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1280.0, 720.0));
    // Every group's column and the triangulation marks are in the window, not scrolled off
    // (the inspector, which took 340 px, is not beside this view).
    for col in &m.columns {
        let rect = h.get_by_label(&format!("{} × {}", m.rows[0].label, col.label)).rect();
        assert!(window.contains_rect(rect), "{} at {rect:?}", col.label);
    }
    // One mark per row (the option bar's boxes are above the table, the coder's in the status
    // bar left of it), all of them whole in the window: the sample's 12 rows fit in 720 px.
    let first = h.get_by_label(&format!("{} × {}", m.rows[0].label, m.columns[0].label)).rect();
    let marks: Vec<egui::Rect> = h
        .query_all_by_role(egui::accesskit::Role::ComboBox)
        .map(|n| n.rect())
        .filter(|r| r.bottom() > first.top() && r.left() > first.left())
        .collect();
    assert_eq!(marks.len(), m.rows.len());
    assert!(marks.iter().all(|r| window.contains_rect(*r)), "{marks:?}");
    Ok(())
}

/// Every piece of text drawn in the last frame: (text, size in px, colour).
fn drawn_text(h: &Harness<'_, TemaApp>) -> Vec<(String, f32, egui::Color32)> {
    fn walk(shape: &egui::Shape, out: &mut Vec<(String, f32, egui::Color32)>) {
        match shape {
            egui::Shape::Vec(shapes) => shapes.iter().for_each(|s| walk(s, out)),
            egui::Shape::Text(t) => {
                let job = &t.galley.job;
                for s in &job.sections {
                    let text = job.text.get(s.byte_range.start.0..s.byte_range.end.0).unwrap_or_default();
                    if text.trim().is_empty() {
                        continue;
                    }
                    let colour = if let Some(c) = t.override_text_color {
                        c
                    } else if s.format.color == egui::Color32::PLACEHOLDER {
                        t.fallback_color
                    } else {
                        s.format.color
                    };
                    out.push((text.to_string(), s.format.font_id.size, colour));
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for clipped in &h.output().shapes {
        walk(&clipped.shape, &mut out);
    }
    out
}

#[test]
fn every_view_draws_its_text_at_twelve_px_or_more_and_aa_contrast_in_both_modes() -> Result {
    let (_tmp, _, mut h) = common::sample_app("Tester", (1280.0, 720.0))?;
    let mut bad = Vec::new();
    let mut secondary = 0;
    for dark in [true, false] {
        let t = Tokens::for_dark_mode(dark);
        for view in common::VIEWS {
            h.state_mut().state.actions.push(tema::ui::Action::ShowView(view));
            h.run_steps(4);
            for (text, size, colour) in drawn_text(&h) {
                if size < MIN_TEXT_SIZE - 0.01 {
                    bad.push(format!("{view:?} dark={dark}: {text:?} at {size} px"));
                }
                // The map's theme labels are dark ink on the status colour's box (checked in
                // ui::views::map's tests); everything else is on the page or the panel.
                if view == ViewKind::ThemeMap && colour == egui::Color32::from_gray(0x11) {
                    continue;
                }
                let c = contrast(colour.to_opaque(), t.panel).min(contrast(colour.to_opaque(), t.page));
                if c < 4.5 || colour.a() < 255 {
                    bad.push(format!("{view:?} dark={dark}: {text:?} in {colour:?}: {c:.2}:1"));
                }
                if colour == t.weak_text {
                    secondary += 1;
                    if size < t.small_size - 0.01 {
                        bad.push(format!("{view:?} dark={dark}: secondary {text:?} at {size} px"));
                    }
                }
            }
        }
        h.state_mut().state.actions.push(tema::ui::Action::Command(tema::ui::UiCommand::ToggleDarkMode));
        h.run_steps(4);
    }
    assert!(secondary > 50, "secondary text was drawn ({secondary} pieces)");
    assert!(bad.is_empty(), "{} texts too small or too pale:\n{}", bad.len(), bad.join("\n"));
    Ok(())
}

/// Whether the last frame laid the dialog backdrop of the current mode over the whole window.
fn backdrop_drawn(h: &Harness<'_, TemaApp>) -> bool {
    let dark = h.ctx.global_style().visuals.dark_mode;
    let backdrop = Tokens::for_dark_mode(dark).backdrop;
    let window = h.ctx.content_rect();
    h.output().shapes.iter().any(|c| match &c.shape {
        egui::Shape::Rect(r) => r.fill == backdrop && r.rect.contains_rect(window),
        _ => false,
    })
}

#[test]
fn the_code_picker_opens_beside_the_passage_and_dialogs_dim_the_app() -> Result {
    let (_tmp, _, mut h) = common::study_app(&["J3"], true, "Tester", (1280.0, 720.0))?;
    // Select the first words of a turn in the middle of the window, where a picker centred
    // in the window would lie over them, and press C.
    let para = h.get_by_label_contains("J3: So, I was doing electrician").rect();
    assert!(para.top() > 250.0 && para.top() < 450.0, "the turn is mid-window: {para:?}");
    common::drag(
        &mut h,
        egui::pos2(para.left() + 3.0, para.top() + 8.0),
        egui::pos2(para.left() + 240.0, para.top() + 8.0),
    );
    assert!(h.state().state.selection.text.is_some());
    // The selected words are on the paragraph's first line.
    let line = egui::Rect::from_min_max(para.left_top(), egui::pos2(para.left() + 240.0, para.top() + 20.0));
    h.key_press(Key::C);
    h.run();
    let field = h.get_by_label("Code name").rect();
    let hint = h.get_by_label_contains("Enter to apply").rect();
    let picker = field.union(hint);
    assert!(!picker.intersects(line), "the picker {picker:?} covers the selected words {line:?}");
    assert!(h.ctx.content_rect().contains_rect(picker), "the picker {picker:?} is in the window");
    h.key_press(Key::Escape);
    h.run();

    // The Import dialog lays the backdrop over the app; without a dialog there is none.
    assert!(!backdrop_drawn(&h));
    h.key_press_modifiers(Modifiers::COMMAND, Key::I);
    h.run();
    h.get_by_label("Import documents");
    assert!(backdrop_drawn(&h), "the Import dialog dims the app");
    Ok(())
}

#[test]
fn the_first_run_dialog_dims_the_app() -> Result {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("study.tema");
    common::build(&dir, "Study", &["J3"], false)?;
    let launch = tema::ui::Launch { project: Some(dir), coder: None, places: Places::default(), use_storage: false };
    let mut h = Harness::builder().with_size((1280.0, 720.0)).build_eframe(move |cc| TemaApp::new(cc, launch));
    h.run();
    h.get_by_label("Who is coding?");
    assert!(backdrop_drawn(&h), "the name dialog dims the app behind it");
    Ok(())
}

/// Shows a view: the action is drained at the end of a frame, the view drawn in the next.
fn show(h: &mut Harness<'_, TemaApp>, view: ViewKind) {
    h.state_mut().state.actions.push(tema::ui::Action::ShowView(view));
    h.run_steps(2);
    assert_eq!(h.state().state.view, view);
}

fn disabled(h: &Harness<'_, TemaApp>, label: &str) -> bool {
    egui_kittest::kittest::NodeT::accesskit_node(&h.get_by_label(label)).is_disabled()
}

#[test]
fn an_empty_project_shows_the_way_in_not_zeros_or_exports_of_nothing() -> Result {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("empty.tema");
    drop(tema::store::Store::create(&dir, "Empty")?);
    let mut h = app(&dir);
    h.run();
    for view in [ViewKind::Phases, ViewKind::ThemeMap, ViewKind::Triangulation] {
        show(&mut h, view);
        h.get_by_label("Import documents…");
        assert_eq!(h.query_all_by_label_contains("0 of 0").count(), 0, "{view:?}");
        assert_eq!(h.query_all_by_label_contains("Export").count(), 0, "{view:?} offers no export");
    }
    show(&mut h, ViewKind::Themes);
    h.get_by_label_contains("No code is applied yet");
    assert_eq!(h.query_all_by_label_contains("Every applied code is in a theme").count(), 0);

    // Documents but no themes: the views show themselves, their exports are off.
    let (_tmp, _, mut h) = common::study_app(&["J3"], false, "Tester", (1280.0, 720.0))?;
    assert!(project(&h).themes.is_empty());
    show(&mut h, ViewKind::ThemeMap);
    assert!(disabled(&h, "Export SVG") && disabled(&h, "Export PNG"));
    show(&mut h, ViewKind::Triangulation);
    assert!(disabled(&h, "Export table"));
    show(&mut h, ViewKind::Phases);
    h.get_by_label("no themes reviewed yet");
    h.get_by_label_contains("0 of 1 documents read");
    Ok(())
}

#[test]
fn the_thematic_map_opens_whole_with_no_box_over_another() -> Result {
    let (_tmp, _, mut h) = common::sample_app("Tester", (1280.0, 720.0))?;
    show(&mut h, ViewKind::ThemeMap);
    h.run();
    let nodes: Vec<(String, egui::Rect)> = h
        .query_all_by_role(egui::accesskit::Role::Button)
        .filter_map(|n| {
            let label = egui_kittest::kittest::NodeT::accesskit_node(&n).label()?;
            label.starts_with("Map node").then(|| (label, n.rect()))
        })
        .collect();
    // The sample maps 12 themes; their codes add more nodes (each once per cluster).
    let p = project(&h).clone();
    let map = tema::analysis::map::ThematicMap::build(&p, false);
    assert_eq!(nodes.len(), map.nodes.len());
    assert!(nodes.iter().filter(|(l, _)| l.starts_with("Map node theme")).count() >= 12);
    // Whole in the window, below the toolbar, and no two boxes meet.
    let window = egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1280.0, 720.0));
    for (label, r) in &nodes {
        assert!(window.contains_rect(*r), "{label} at {r:?}");
    }
    for (i, (a, ra)) in nodes.iter().enumerate() {
        for (b, rb) in &nodes[i + 1..] {
            assert!(!ra.shrink(0.5).intersects(rb.shrink(0.5)), "{a} {ra:?} and {b} {rb:?} overlap");
        }
    }
    Ok(())
}

#[test]
fn ctrl_k_opens_the_palette_from_a_text_field() -> Result {
    let (_tmp, _, mut h) = common::study_app(&["J3"], true, "Tester", (1280.0, 720.0))?;
    show(&mut h, ViewKind::Search);
    // The search box has the keyboard (the view focuses it); a word typed goes into it.
    h.get_by_label("Search for").click();
    h.run_steps(10);
    h.get_by_label("Search for").type_text("money");
    // The search runs on a worker that asks for frames until it is done (longer under
    // load): step frames rather than wait for the app to settle.
    h.run_steps(10);
    assert!(h.ctx.text_edit_focused());
    h.key_press_modifiers(Modifiers::COMMAND, Key::K);
    h.run_steps(10);
    h.get_by_label("Command").type_text("map");
    h.run_steps(10);
    h.key_press(Key::Enter);
    h.run_steps(10);
    assert_eq!(h.state().state.view, ViewKind::ThemeMap);
    Ok(())
}
