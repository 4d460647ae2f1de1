//! REFI-QDA exchange driven through the app: File → Import codebook… and File → Export →
//! REFI-QDA project, each on a worker with a report dialog.

mod common;

use common::run_until;

use egui_kittest::kittest::Queryable;
use std::path::{Path, PathBuf};
use tema::ui::startup::Places;

fn taguette() -> Option<PathBuf> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    [std::env::var_os("TEMA_SHARED").map(PathBuf::from), Some(repo.join("../shared")), Some(repo.join("../../shared"))]
        .into_iter()
        .flatten()
        .map(|s| s.join("refi-qda/qdc/taguette-1.4.1__uto_tag-codebook.qdc"))
        .find(|p| p.is_file())
}

#[test]
fn import_a_codebook_and_export_the_project_from_the_file_menu() -> anyhow::Result<()> {
    let qdc = taguette().ok_or_else(|| anyhow::anyhow!("the shared REFI-QDA files are missing (set TEMA_SHARED)"))?;
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("p.tema");
    drop(tema::store::Store::create(&dir, "P")?);
    let mut h = common::app_on(Some(&dir), "Tester", Places::default(), (1400.0, 900.0));
    h.run();
    h.get_by_label("File").click();
    h.run();
    h.get_by_label_contains("Import codebook").click();
    h.run();
    h.get_by_label("File path").click();
    h.run();
    h.get_by_label("File path").type_text(&qdc.display().to_string());
    h.run();
    h.get_by_label("Import").click();
    run_until(&mut h, "the report", |h| h.query_by_label("Imported codebook").is_some());
    let codes = h.state().project().map(|p| p.codes.len());
    assert_eq!(codes, Some(3), "Taguette's three codes came in");
    h.get_by_label("Close").click();
    h.run();

    // Export the project (now with its codes) through File → Export.
    common::click_all(&mut h, &["File", "Export"]);
    h.get_by_label_contains("REFI-QDA codebook").click();
    h.run();
    let out = tmp.path().join("out.qdc");
    h.get_by_label("File path").click();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("File path").type_text(&out.display().to_string());
    h.run();
    h.get_by_label("Export").click();
    run_until(&mut h, "the export report", |h| h.query_by_label("Exported").is_some());
    let text = std::fs::read_to_string(&out)?;
    assert_eq!(text.matches("<Code ").count(), 3, "{text}");
    Ok(())
}
