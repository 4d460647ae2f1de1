//! Cold figures on a worker (issue 21): on a project large enough (`ui::cold::INLINE_CODINGS`
//! codings or more), the Team view's agreement and the Triangulation view's matrix are first
//! built by a job while the view says "Counting…"; the figures that land equal the core's, and
//! after an edit they are brought up to date in the frame, with no job.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use std::time::{Duration, Instant};
use tema::analysis::{Matrix, MatrixOptions};
use tema::edit::Edit;
use tema::model::*;
use tema::team::agreement::{AgreementOptions, agreement};
use tema::ui::cold::INLINE_CODINGS;
use tema::ui::startup::Places;
use tema::ui::{Action, Launch, TemaApp, ViewKind};

type Result<T = ()> = anyhow::Result<T>;

const DOCS: usize = 4;
const CODES: [&str; 5] = ["Waiting", "Money", "Voice", "Hope", "Work"];

/// Four documents coded by Ingrid and Tom with `INLINE_CODINGS` codings between them (Tom's
/// every third coding shifted by a character, so they disagree a little), and a theme.
fn big_project() -> Result<Project> {
    let mut p = Project::new("Cold");
    let mut edits = Vec::new();
    for (i, name) in ["Ingrid", "Tom"].iter().enumerate() {
        let coder = Coder {
            id: CoderId::from_u128(10 + i as u128),
            name: (*name).into(),
            colour: palette_colour(i),
            slug: name.to_lowercase(),
        };
        edits.push(Edit::AddCoder { coder, index: None });
    }
    for (i, name) in CODES.iter().enumerate() {
        let code = Code::new(CodeId::from_u128(100 + i as u128), *name, palette_colour(i));
        edits.push(Edit::CreateCode { code, index: None });
    }
    let per_doc = INLINE_CODINGS / DOCS / 2;
    let text = "Vi venter på svar fra NAV, sa hun. ".repeat(per_doc / 3 + 1);
    let mut n = 0u128;
    for d in 0..DOCS {
        let doc = DocId::from_u128(1000 + d as u128);
        let document = Document::new(doc, format!("J{d}"), DocKind::Interview, text.as_str());
        edits.push(Edit::AddDocument { document: Box::new(document), index: None });
        for coder in 0..2usize {
            for k in 0..per_doc {
                let shift = usize::from(coder == 1 && k % 3 == 0);
                n += 1;
                edits.push(Edit::AddCoding {
                    coding: Coding {
                        id: CodingId::from_u128(10_000 + n),
                        doc,
                        span: Span::new(k * 8 + shift, k * 8 + 6 + shift),
                        code: CodeId::from_u128(100 + (k % CODES.len()) as u128),
                        coder: CoderId::from_u128(10 + coder as u128),
                        created: chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default(),
                        comment: String::new(),
                    },
                });
            }
        }
    }
    let theme = ThemeId::from_u128(7);
    edits.push(Edit::CreateTheme { theme: Theme::new(theme, "Waiting for the system"), index: None });
    edits.push(Edit::SetThemeCodes { id: theme, codes: vec![CodeId::from_u128(100)] });
    p.apply(Edit::batch("cold project", edits))?;
    Ok(p)
}

fn open(dir: &std::path::Path) -> Harness<'static, TemaApp> {
    let launch = Launch {
        project: Some(dir.to_path_buf()),
        coder: Some("Ingrid".into()),
        places: Places::default(),
        use_storage: false,
    };
    Harness::builder().with_size((1400.0, 900.0)).build_eframe(move |cc| TemaApp::new(cc, launch))
}

fn project<'h>(h: &'h Harness<'_, TemaApp>) -> Result<&'h Project> {
    h.state().project().ok_or_else(|| anyhow::anyhow!("no project is open"))
}

fn job_running(h: &Harness<'_, TemaApp>, name: &str) -> bool {
    h.state().state.jobs.running().iter().any(|j| j.name == name)
}

/// Steps (not runs: a spinner asks for frames) until `done`, failing after a minute.
fn step_until(h: &mut Harness<'_, TemaApp>, what: &str, done: impl Fn(&Harness<'_, TemaApp>) -> bool) {
    let start = Instant::now();
    while !done(h) {
        assert!(start.elapsed() < Duration::from_secs(60), "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(10));
        h.step();
    }
}

/// Shows a view: the switch lands at the end of one frame, the next paints the view.
fn show(h: &mut Harness<'_, TemaApp>, view: ViewKind) {
    h.state_mut().state.actions.push(Action::ShowView(view));
    h.step();
    h.step();
}

/// Codes a span as a view would, `(coding, document, code, coder)` by number, and runs the
/// frame that applies it and the one that paints it.
fn add_coding(h: &mut Harness<'_, TemaApp>, (id, doc, code, coder): (u128, u128, u128, u128), span: Span) {
    let coding = Coding {
        id: CodingId::from_u128(id),
        doc: DocId::from_u128(doc),
        span,
        code: CodeId::from_u128(code),
        coder: CoderId::from_u128(coder),
        created: chrono::Utc::now(),
        comment: String::new(),
    };
    h.state_mut().state.actions.push(Action::Edit { edit: Edit::AddCoding { coding }, coalesce: None });
    h.step();
    h.step();
}

/// The pooled κ as the Team view prints it.
fn pooled_kappa(p: &Project) -> Result<String> {
    let report = agreement(p, &AgreementOptions::default())?;
    let kappa = report.overall.pooled.kappa.ok_or_else(|| anyhow::anyhow!("no pooled κ"))?;
    Ok(format!("{kappa:.3}"))
}

#[test]
fn first_figures_are_counted_on_a_worker_then_kept_in_the_frame() -> Result {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("cold.tema");
    drop(tema::store::Store::create_from(&dir, big_project()?)?);
    let mut h = open(&dir);
    step_until(&mut h, "the codebook's counts", |h| !job_running(h, "Counting codings"));
    assert!(project(&h)?.codings.len() >= INLINE_CODINGS);

    // Team: the first frame hands the counting to a job and says so.
    show(&mut h, ViewKind::Team);
    assert!(job_running(&h, "Counting agreement"), "the agreement is counted on a worker");
    h.get_by_label("Counting…");
    step_until(&mut h, "the agreement", |h| h.query_by_label("Counting…").is_none());
    let kappa = pooled_kappa(project(&h)?)?;
    assert!(h.query_all_by_label(&kappa).count() >= 1, "the pooled κ {kappa} is shown");

    // An edit: counted again in the frame (one document), no job.
    add_coding(&mut h, (99_999, 1000, 101, 11), Span::new(2, 30));
    assert!(!job_running(&h, "Counting agreement"), "an edit is counted in the frame");
    assert!(h.query_by_label("Counting…").is_none());
    let after = pooled_kappa(project(&h)?)?;
    assert_ne!(after, kappa, "the edit changes the pooled κ");
    assert!(h.query_all_by_label(&after).count() >= 1, "the pooled κ after the edit, {after}, is shown");

    // Triangulation: the attribution index and the matrix are built on a worker too.
    show(&mut h, ViewKind::Triangulation);
    assert!(job_running(&h, "Building the triangulation table"));
    h.get_by_label("Counting…");
    step_until(&mut h, "the matrix", |h| h.query_by_label("Counting…").is_none());
    let m = Matrix::build(project(&h)?, &MatrixOptions::default());
    assert_eq!(m.rows.len(), 1);
    h.get_by_label("Waiting for the system");
    Ok(())
}

/// The codebook's counts in the app: on opening a large project the rows are there at once
/// and their counts arrive (from a worker); what lands equals the core's count, and an edit
/// of one document is counted again at once.
#[test]
fn codebook_counts_come_from_a_worker_on_open() -> Result {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("cold.tema");
    drop(tema::store::Store::create_from(&dir, big_project()?)?);
    let mut h = open(&dir);
    // Whether the first frame shows the count depends on how fast the job is: the unit test
    // in ui::cache checks that it goes to one.
    h.get_by_label("Waiting");
    let label = |p: &Project| -> Result<String> {
        let counts = tema::analysis::scope::extract_counts(p, &tema::analysis::CoderScope::All);
        let n = counts.get(&CodeId::from_u128(100)).copied().unwrap_or(0);
        Ok(format!("Waiting: {n} codings"))
    };
    let expected = label(project(&h)?)?;
    step_until(&mut h, "the counts", |h| h.query_by_label(&expected).is_some());

    // Past the coded part of the text: a new extract.
    add_coding(&mut h, (99_998, 1001, 100, 10), Span::new(2_500, 2_530));
    let after = label(project(&h)?)?;
    assert_ne!(after, expected, "the edit adds an extract of Waiting");
    h.get_by_label(&after);
    Ok(())
}
