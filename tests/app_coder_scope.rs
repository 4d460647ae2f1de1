//! The status bar's Coders switch, driven as a person would: on a team project where Ingrid and
//! Tom coded the same passage, the themes board counts it once; "Only me" counts Ingrid's
//! codings only. The project is the one tests/coder_scope.rs computes the numbers for by hand.

mod common;

use egui_kittest::kittest::{NodeT, Queryable};
use tema::edit::Edit;
use tema::model::*;
use tema::store::Store;
use tema::ui::ViewKind;
use tema::ui::startup::Places;

const TEXT: &str = "Kari: Jeg følte meg sett av veilederen. Det hjalp.\n";

/// Kari's one turn; Ingrid codes "Jeg følte meg sett" Seen; Tom the same words, "sett av
/// veilederen" (overlapping) and "Det hjalp" (apart), all Seen. All coders: the first three
/// are one extract, "Det hjalp" another — 2 extracts from 4 codings. Only Ingrid: 1.
fn team(dir: &std::path::Path) -> anyhow::Result<()> {
    let mut store = Store::create(dir, "Team")?;
    let kari = Participant::new(ParticipantId::from_u128(1), "Kari", "Jobseeker");
    let mut doc = Document::new(DocId::from_u128(2), "I1", DocKind::Interview, TEXT);
    doc.turns = vec![Turn {
        span: Span::new(0, TEXT.chars().count()),
        speaker: "Kari".into(),
        participant: Some(kari.id),
        start_ms: None,
        end_ms: None,
    }];
    let at = |s: &str| {
        let b = TEXT.find(s).unwrap_or(0);
        let a = TEXT[..b].chars().count();
        Span::new(a, a + s.chars().count())
    };
    let seen = CodeId::from_u128(3);
    let mut edits = vec![
        Edit::AddParticipant { participant: kari, index: None },
        Edit::AddDocument { document: Box::new(doc), index: None },
        Edit::CreateCode { code: Code::new(seen, "Seen", palette_colour(1)), index: None },
    ];
    let mut theme = Theme::new(ThemeId::from_u128(4), "Recognition");
    theme.codes = vec![seen];
    edits.push(Edit::CreateTheme { theme, index: None });
    for (n, name, text) in [
        (5, "Ingrid", "Jeg følte meg sett"),
        (6, "Tom", "Jeg følte meg sett"),
        (7, "Tom", "sett av veilederen"),
        (8, "Tom", "Det hjalp"),
    ] {
        let coder = store.project().coder_by_name(name).map(|c| c.id);
        let id = match coder {
            Some(id) => id,
            None => {
                let c = store.project().new_coder(name);
                let id = c.id;
                store.apply(Edit::AddCoder { coder: c, index: None })?;
                id
            }
        };
        edits.push(Edit::AddCoding {
            coding: Coding {
                id: CodingId::from_u128(n),
                doc: DocId::from_u128(2),
                span: at(text),
                code: seen,
                coder: id,
                created: chrono::Utc::now(),
                comment: String::new(),
            },
        });
    }
    store.apply(Edit::batch("team", edits))?;
    store.save()?;
    Ok(())
}

#[test]
fn the_coders_switch_changes_every_count() -> anyhow::Result<()> {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("team.tema");
    team(&dir)?;
    let mut h = common::app_on(Some(&dir), "Ingrid", Places::default(), (1400.0, 900.0));
    h.run();
    h.state_mut().state.view = ViewKind::Themes;
    h.run();
    // Four codings, two extracts: Ingrid's and Tom's overlapping ones are one.
    h.get_by_label("2 extracts · 1 participants · 1 docs");
    common::click_all(&mut h, &["Coders", "Only me"]);
    // Ingrid alone: her one coding.
    h.get_by_label("1 extracts · 1 participants · 1 docs");
    assert_eq!(h.state().state.coders, tema::ui::CoderChoice::OnlyMe);
    Ok(())
}

#[test]
fn export_extracts_from_the_coded_extracts_view() -> anyhow::Result<()> {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("team.tema");
    team(&dir)?;
    let mut h = common::app_on(Some(&dir), "Ingrid", Places::default(), (1400.0, 900.0));
    h.run();
    h.state_mut().state.selection.item = Some(tema::ui::Item::Code(CodeId::from_u128(3)));
    h.state_mut().state.view = ViewKind::Retrieval;
    h.run();
    // All coders: the overlapping codings are one card, coded by both.
    h.get_by_label("2 extracts from 1 documents, coded by all coders");
    h.get_by_label("Export extracts…").click();
    h.run();
    h.get_by_label("Export").click();
    // The export runs on a worker, which asks for frames until it is done: step frames
    // rather than wait for the UI to settle. The default file is beside the project
    // folder, as CSV.
    h.run_steps(2);
    let file = tmp.path().join("extracts-Seen.csv");
    for _ in 0..100 {
        if file.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        h.step();
    }
    let csv = std::fs::read_to_string(&file)?;
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(
        rows,
        [
            "I1,Kari,Jobseeker,Ingrid; Tom,Seen,6,38,Jeg følte meg sett av veilederen,3,",
            "I1,Kari,Jobseeker,Tom,Seen,40,49,Det hjalp,1,"
        ]
    );
    Ok(())
}

#[test]
fn the_codebook_export_follows_the_coders_switch() -> anyhow::Result<()> {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("team.tema");
    team(&dir)?;
    let mut h = common::app_on(Some(&dir), "Ingrid", Places::default(), (1400.0, 900.0));
    h.run();
    h.state_mut().state.view = ViewKind::Quotes;
    h.run();
    common::click_all(&mut h, &["Export…", "What to export", "Codebook"]);
    // All coders: the example of Seen is the merged passage, and the title names no coder.
    h.get_by_label("Coders: all coders");
    // The preview lays the first page out as labels (title, subtitle, headings, examples):
    // everything the window shows, joined (the Quotes view behind holds no passage of it).
    let preview = |h: &egui_kittest::Harness<'_, tema::ui::TemaApp>| {
        h.query_all_by_label_contains("")
            .filter_map(|n| n.accesskit_node().value().or_else(|| n.accesskit_node().label()))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let all = preview(&h);
    assert!(all.contains("Jeg følte meg sett av veilederen") && !all.contains("coded by"), "{all}");
    // Only me (Ingrid): her extract only, and the title says whose.
    common::click_all(&mut h, &["Coders", "Only me"]);
    h.get_by_label("Coders: Ingrid");
    let mine = preview(&h);
    assert!(mine.contains("Codebook (coded by Ingrid)"), "{mine}");
    assert!(mine.contains("Jeg følte meg sett") && !mine.contains("av veilederen"), "{mine}");
    Ok(())
}
