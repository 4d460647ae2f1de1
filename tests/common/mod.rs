//! Helpers shared by the integration tests: test projects built through edits from the
//! sample corpus's plain-text interviews, and a canonical form of a project for comparisons.
//! (Shared by the app tests and `examples/demo_project.rs`; the real importer is `tema import`.)
#![allow(dead_code)]

use egui_kittest::Harness;
use std::path::{Path, PathBuf};
use tema::edit::Edit;
use tema::model::*;
use tema::store::Store;
use tema::ui::startup::Places;
use tema::ui::{Launch, TemaApp};

/// Presses, moves in steps and releases the mouse, as a person dragging does (egui needs the
/// hover frames in between to see a drag rather than a click).
pub fn drag(h: &mut Harness<'_, TemaApp>, from: egui::Pos2, to: egui::Pos2) {
    h.hover_at(from);
    h.run();
    h.drag_at(from);
    h.run();
    for i in 1..=8 {
        h.hover_at(from + (to - from) * (i as f32 / 8.0));
        h.run();
    }
    h.drop_at(to);
    h.run();
    // One more frame, for drop targets that act on the frame after the release.
    h.run();
}

/// The app as a coder opens it — on a project, or on what `places` says at start-up — in a
/// window of `size`, with no state saved by earlier runs: where every app test starts.
pub fn app_on(project: Option<&Path>, coder: &str, places: Places, size: (f32, f32)) -> Harness<'static, TemaApp> {
    let launch =
        Launch { project: project.map(Path::to_path_buf), coder: Some(coder.into()), places, use_storage: false };
    Harness::builder().with_size(size).build_eframe(move |cc| TemaApp::new(cc, launch))
}

/// The project the app has open; every test that asks has opened one first.
pub fn project<'h>(h: &'h Harness<'_, TemaApp>) -> &'h Project {
    h.state().project().expect("a project is open")
}

/// The centre views that the visit-every-view tests walk (all but the trail and pseudonyms).
pub const VIEWS: [tema::ui::ViewKind; 10] = {
    use tema::ui::ViewKind::*;
    [Document, Retrieval, Memos, Search, Quotes, Themes, ThemeMap, Phases, Team, Triangulation]
};

/// A scratch copy of the sample study (see [`sample_copy`]) opened by `coder` in a window of
/// `size`, its first frame drawn: the opening of most app tests. The folder lives as long as
/// the returned `TempDir`.
pub fn sample_app(
    coder: &str,
    size: (f32, f32),
) -> anyhow::Result<(tempfile::TempDir, PathBuf, Harness<'static, TemaApp>)> {
    let tmp = tempfile::tempdir()?;
    let dir = sample_copy(&tmp.path().join("study.tema"))?;
    let mut h = app_on(Some(&dir), coder, Places::default(), size);
    h.run();
    Ok((tmp, dir, h))
}

/// A scratch study `study.tema` built by [`build`] from the corpus interviews `stems`
/// (`coded`: with the built-in codings), opened by `coder` in a window of `size`, its first
/// frame drawn. The folder lives as long as the returned `TempDir`.
pub fn study_app(
    stems: &[&str],
    coded: bool,
    coder: &str,
    size: (f32, f32),
) -> anyhow::Result<(tempfile::TempDir, PathBuf, Harness<'static, TemaApp>)> {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("study.tema");
    build(&dir, "Study", stems, coded)?;
    let mut h = app_on(Some(&dir), coder, Places::default(), size);
    h.run();
    Ok((tmp, dir, h))
}

/// [`sample_app`] switched to `view`, that view's first frame drawn.
pub fn sample_on(
    view: tema::ui::ViewKind,
    coder: &str,
    size: (f32, f32),
) -> anyhow::Result<(tempfile::TempDir, PathBuf, Harness<'static, TemaApp>)> {
    let (tmp, dir, mut h) = sample_app(coder, size)?;
    h.state_mut().state.view = view;
    h.run();
    Ok((tmp, dir, h))
}

/// Steps frames until `done` holds — work on worker threads (indexing, searching, reading
/// files, exchange) asks for frames while it runs — failing after a generous minute with the
/// accessibility tree, so a stuck test says what it saw.
pub fn run_until(h: &mut Harness<'_, TemaApp>, what: &str, done: impl Fn(&Harness<'_, TemaApp>) -> bool) {
    let start = std::time::Instant::now();
    while !done(h) {
        assert!(start.elapsed() < std::time::Duration::from_secs(60), "timed out waiting for {what}: {:#?}", h.root());
        std::thread::sleep(std::time::Duration::from_millis(20));
        // Steps, not runs: a progress bar keeps asking for frames while work goes on.
        h.step();
    }
}

/// Clicks the widgets labelled `labels` one after another, a frame drawn after each, as a
/// person opens a menu or a drop-down and picks from it (`["File", "Export"]`).
pub fn click_all(h: &mut Harness<'_, TemaApp>, labels: &[&str]) {
    use egui_kittest::kittest::Queryable;
    for label in labels {
        h.get_by_label(label).click();
        h.run();
    }
}

/// Codes the selected text through the code picker as a person does: C, the name typed,
/// Enter (the first code the name matches, or a new code of that name).
pub fn pick_code(h: &mut Harness<'_, TemaApp>, name: &str) {
    use egui_kittest::kittest::Queryable;
    h.key_press(egui::Key::C);
    h.run();
    h.get_by_label("Code name").type_text(name);
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
}

/// Clicks into the text field labelled `label` and types `text`, as a person does.
pub fn type_into(h: &mut Harness<'_, TemaApp>, label: &str, text: &str) {
    use egui_kittest::kittest::Queryable;
    h.get_by_label(label).click();
    h.run();
    h.get_by_label(label).type_text(text);
    h.run();
}

/// A store at `dir` holding one interview "J4" with `text`, the coder Ingrid and the code
/// Hope under fixed ids (document 10, coder 1, code 20) that [`j4_coding`] points at: the small
/// project the hostile-file and fuzz tests build, damage and open again.
pub fn j4_store(dir: &Path, name: &str, text: &str) -> anyhow::Result<Store> {
    let mut store = Store::create(dir, name)?;
    let doc = Document::new(DocId::from_u128(10), "J4", DocKind::Interview, text);
    let coder =
        Coder { id: CoderId::from_u128(1), name: "Ingrid".into(), colour: palette_colour(0), slug: "ingrid".into() };
    store.apply(Edit::batch(
        "setup",
        vec![
            Edit::AddCoder { coder, index: None },
            Edit::AddDocument { document: Box::new(doc), index: None },
            Edit::CreateCode { code: Code::new(CodeId::from_u128(20), "Hope", palette_colour(0)), index: None },
        ],
    ))?;
    Ok(store)
}

/// Ingrid's coding `id` of `start..end` in the [`j4_store`] project with the code Hope.
pub fn j4_coding(id: u128, start: usize, end: usize) -> Coding {
    Coding {
        id: CodingId::from_u128(id),
        doc: DocId::from_u128(10),
        span: Span::new(start, end),
        code: CodeId::from_u128(20),
        coder: CoderId::from_u128(1),
        created: chrono::Utc::now(),
        comment: String::new(),
    }
}

/// Opens the project at `dir` for writing again, failing the test with the warnings if the
/// opening gave any: the "reopened, and clean" step after a save, a replay or a repair.
pub fn reopen_clean(dir: &Path) -> anyhow::Result<Store> {
    let store = Store::open(dir)?;
    assert!(store.warnings().is_empty(), "{:?}", store.warnings());
    Ok(store)
}

pub fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-corpus")
}

/// Speaker turns: a line starting `Name:` opens a turn; other lines continue it.
pub fn turns(text: &str, p: &Project) -> Vec<Turn> {
    let mut out: Vec<Turn> = Vec::new();
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let n = line.chars().count();
        let speaker = line.split_once(':').map(|(s, _)| s.trim()).filter(|s| {
            !s.is_empty() && s.chars().count() <= 24 && s.chars().all(|c| c.is_alphanumeric() || c == ' ' || c == '-')
        });
        match speaker {
            Some(s) => out.push(Turn {
                span: Span::new(pos, pos + n),
                speaker: s.to_string(),
                participant: p.participant_for_speaker(s).map(|x| x.id),
                start_ms: None,
                end_ms: None,
            }),
            None => {
                if let Some(last) = out.last_mut()
                    && !line.trim().is_empty()
                {
                    last.span.end = CharPos(pos + n);
                }
            }
        }
        pos += n;
    }
    out
}

/// Participants from `participants.csv`, plus an interviewer.
pub fn participants() -> anyhow::Result<Vec<Participant>> {
    let csv = std::fs::read_to_string(corpus().join("participants.csv"))?;
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').collect();
    let mut out = Vec::new();
    for (i, line) in lines.enumerate() {
        let cells: Vec<&str> = line.split(',').collect();
        let mut p =
            Participant::new(ParticipantId::from_u128(100 + i as u128), cells[0], cells.get(1).copied().unwrap_or(""));
        for (k, v) in header.iter().zip(&cells).skip(2) {
            if *k == "aliases" {
                p.props.aliases = v.split(';').filter(|a| !a.is_empty()).map(str::to_string).collect();
            } else if !v.is_empty() {
                p.props.attributes.insert(k.to_string(), v.to_string());
            }
        }
        out.push(p);
    }
    let mut i = Participant::new(ParticipantId::from_u128(99), "Interviewer", "");
    i.props.interviewer = true;
    out.push(i);
    Ok(out)
}

pub const CODES: [(&str, Option<&str>); 8] = [
    ("Meeting practice", None),
    ("Preparing for the meeting", Some("Meeting practice")),
    ("Voice and power", None),
    ("Being heard", Some("Voice and power")),
    ("Work and identity", None),
    ("Fear of failing", Some("Work and identity")),
    ("Money and benefits", None),
    ("Roles and coordination", None),
];

/// A project with the given interviews (file stems in `sample-corpus/interviews`), the
/// participants, a small codebook and, when `coded`, a few codings by two coders.
pub fn build(dir: &Path, name: &str, stems: &[&str], coded: bool) -> anyhow::Result<()> {
    let mut store = Store::create(dir, name)?;
    for p in participants()? {
        store.apply(Edit::AddParticipant { participant: p, index: None })?;
    }
    let ingrid = store.project().new_coder("Ingrid");
    let ingrid_id = ingrid.id;
    store.apply(Edit::AddCoder { coder: ingrid, index: None })?;
    let tom = store.project().new_coder("Tom");
    let tom_id = tom.id;
    store.apply(Edit::AddCoder { coder: tom, index: None })?;
    for (n, (code, parent)) in CODES.iter().enumerate() {
        let mut c = Code::new(CodeId::from_u128(1 + n as u128), *code, PALETTE[n % PALETTE.len()]);
        c.parent = parent.and_then(|p| store.project().code_by_name(p)).map(|p| p.id);
        store.apply(Edit::CreateCode { code: c, index: None })?;
    }
    for stem in stems {
        let text = std::fs::read_to_string(corpus().join("interviews").join(format!("{stem}.txt")))?;
        let text = text.replace("\r\n", "\n");
        let mut d = Document::new(DocId::new(), *stem, DocKind::Interview, text.as_str());
        d.turns = turns(&text, store.project());
        let id = d.id;
        store.apply(Edit::AddDocument { document: Box::new(d), index: None })?;
        if coded {
            code_some(&mut store, id, &[ingrid_id, tom_id])?;
        }
    }
    store.save()?;
    Ok(())
}

/// Codes a few sentences that mention the codes' themes, alternating coders.
fn code_some(store: &mut Store, doc: DocId, coders: &[CoderId]) -> anyhow::Result<()> {
    let p = store.project();
    let Some(d) = p.documents.get(&doc) else { return Ok(()) };
    let text = d.text.clone();
    let words = [
        ("meeting", 1u128),
        ("job", 5),
        ("money", 7),
        ("scared", 6),
        ("listen", 4),
        ("prepare", 2),
        ("social worker", 8),
    ];
    let mut n = 0;
    for (word, code) in words {
        for (b, _) in text.match_indices(word).take(3) {
            let start = text[..b].rfind(['.', '\n', '?']).map_or(0, |i| i + 1);
            let end = text[b..].find(['.', '\n', '?']).map_or(text.len(), |i| b + i + 1);
            let start = start + text[start..].len() - text[start..].trim_start().len();
            let span = Span::new(text[..start].chars().count(), text[..end].chars().count());
            if span.is_empty() {
                continue;
            }
            let coder = coders[n % coders.len()];
            n += 1;
            if store.project().find_coding(doc, span, CodeId::from_u128(code), coder).is_some() {
                continue;
            }
            let coding = Coding {
                id: CodingId::new(),
                doc,
                span,
                code: CodeId::from_u128(code),
                coder,
                created: chrono::Utc::now(),
                comment: String::new(),
            };
            store.apply(Edit::AddCoding { coding })?;
        }
    }
    Ok(())
}

/// The whole content of a project as one string, order included (maps compare equal
/// regardless of order, but order is content: the codebook's order is the researcher's).
pub fn canonical(p: &Project) -> String {
    let docs: Vec<_> = p.documents.values().map(|d| (d, d.text.to_string())).collect();
    let parts: Vec<_> = p.participants.values().collect();
    let coders: Vec<_> = p.coders.values().collect();
    let codes: Vec<_> = p.codes.values().collect();
    let themes: Vec<_> = p.themes.values().collect();
    let codings: Vec<_> = p.codings.values().collect();
    let quotes: Vec<_> = p.quotes.values().collect();
    let memos: Vec<_> = p.memos.values().collect();
    let consensus: Vec<_> = p.consensus.values().collect();
    serde_json::to_string(&(
        &p.settings,
        docs,
        parts,
        coders,
        codes,
        themes,
        codings,
        quotes,
        memos,
        consensus,
        &p.framework,
    ))
    .unwrap_or_else(|e| format!("unserialisable: {e}"))
}

/// Copies the committed sample project to `to` (which must not exist) without what is local
/// to one copy — the names its own `.gitignore` lists: the journal, the undo history, the
/// lock, the search index, half-written files — so that a test sees what the repository
/// holds, not what a developer's own run of the app left in `sample-corpus/`. Returns `to`.
pub fn sample_copy(to: &Path) -> anyhow::Result<PathBuf> {
    let from = corpus().join(tema::ui::startup::SAMPLE_NAME);
    let ignore = std::fs::read_to_string(from.join(".gitignore"))?;
    let patterns: Vec<&str> = ignore.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
    let local = |name: &str, is_dir: bool| {
        patterns.iter().any(|p| match p.strip_suffix('/') {
            Some(dir) => is_dir && name == dir,
            None => match p.split_once('*') {
                Some((head, tail)) => {
                    name.len() >= head.len() + tail.len() && name.starts_with(head) && name.ends_with(tail)
                }
                None => name == *p,
            },
        })
    };
    fn copy(from: &Path, to: &Path, top: bool, local: &dyn Fn(&str, bool) -> bool) -> anyhow::Result<()> {
        std::fs::create_dir(to)?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let is_dir = entry.file_type()?.is_dir();
            if top && local(&name, is_dir) {
                continue;
            }
            if is_dir {
                copy(&entry.path(), &to.join(&name), false, local)?;
            } else {
                std::fs::copy(entry.path(), to.join(&name))?;
            }
        }
        Ok(())
    }
    copy(&from, to, true, &local)?;
    Ok(to.to_path_buf())
}

// The command-line helpers need the test binary's `CARGO_BIN_EXE_tema`, which examples
// sharing this module (examples/demo_project.rs) do not have.
#[cfg(test)]
mod cli;
#[cfg(test)]
#[allow(unused_imports)] // each test binary uses some of them
pub use cli::{copy_dir, json, project_made, project_path, stderr, tema};

/// Hundreds of codes, each applied once by the study's coder Ingrid on J3 (a batch edit, as a
/// large codebook arrives): what the codebook and the Team view's agreement table list.
pub fn many_codes(h: &mut Harness<'_, TemaApp>, n: usize) -> anyhow::Result<Vec<String>> {
    let p = project(h);
    let doc = p.document_by_name("J3").ok_or_else(|| anyhow::anyhow!("no J3"))?;
    let coder = p.coder_by_name("Ingrid").ok_or_else(|| anyhow::anyhow!("no Ingrid"))?.id;
    let (doc, len) = (doc.id, doc.char_len);
    let names: Vec<String> = (0..n).map(|i| format!("Many code {i:03}")).collect();
    let mut edits = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let code = Code::new(CodeId::new(), name, palette_colour(i));
        let start = (i * 7) % len.saturating_sub(20).max(1);
        let span = Span::new(start, (start + 12).min(len));
        let coding = Coding {
            id: CodingId::new(),
            doc,
            span,
            code: code.id,
            coder,
            created: chrono::Utc::now(),
            comment: String::new(),
        };
        edits.push(Edit::CreateCode { code, index: None });
        edits.push(Edit::AddCoding { coding });
    }
    let edit = Edit::batch("many codes", edits);
    h.state_mut().state.actions.push(tema::ui::Action::Edit { edit, coalesce: None });
    // Applied at the end of a frame; the next one draws the project with the codes.
    h.run();
    h.step();
    h.run();
    Ok(names)
}
