//! The app on a project whose text file was changed outside Tema (issue 15): it opens
//! read-only with a banner naming the document, and the banner's Repair button re-anchors
//! every coding on its own words. Expected places come from the test's own edit.

mod common;

use common::{project, run_until};

use egui_kittest::kittest::{NodeT, Queryable};
use std::collections::BTreeMap;
use tema::model::*;
use tema::store::Store;
use tema::ui::startup::Places;

type Result<T = ()> = anyhow::Result<T>;

/// Added by hand at the start of the text: every position after it moves by its length.
const ADDED: &str = "A note typed into the file by hand.\n";

#[test]
fn the_banner_names_a_changed_text_and_repair_puts_every_coding_back_on_its_words() -> Result {
    let tmp = tempfile::tempdir()?;
    let dir = common::sample_copy(&tmp.path().join("study.tema"))?;
    // Saved once by this Tema, so the codings carry fingerprints of their text.
    Store::open(&dir)?.save()?;
    let p0 = Store::open_read_only(&dir)?.project().clone();
    let doc = p0.documents.values().find(|d| d.name() == "J2").ok_or_else(|| anyhow::anyhow!("no J2"))?;
    let words: BTreeMap<CodingId, String> = p0
        .codings
        .values()
        .filter(|c| c.doc == doc.id)
        .map(|c| (c.id, doc.slice(c.span).unwrap_or_default().to_string()))
        .collect();
    assert!(words.len() > 5, "J2 has codings");
    std::fs::write(dir.join("texts").join(format!("{}.txt", doc.id)), format!("{ADDED}{}", doc.text))?;

    let mut h = common::app_on(Some(&dir), "Ingrid", Places::default(), (1400.0, 900.0));
    h.run();
    assert!(h.state().state.store.as_ref().is_some_and(Store::is_read_only));
    h.get_by_label_contains("The text of “J2” changed outside Tema");
    // Unanchored codings are not in the project, so nothing shows or counts them.
    assert_eq!(project(&h).codings.len(), p0.codings.len() - words.len());

    h.get_by_label("Repair changed texts…").click();
    for _ in 0..4 {
        h.run();
    }
    assert!(h.state().state.store.as_ref().is_some_and(|s| !s.is_read_only()), "writable again");
    // The report lists them (the status bar sums them up too).
    h.get_by_label_contains(&format!("Re-anchored {} codings:", words.len()));
    let p = project(&h);
    let shift = ADDED.chars().count();
    let j2 = &p.documents[&doc.id];
    for (id, text) in &words {
        let c = p.codings.get(id).ok_or_else(|| anyhow::anyhow!("{text:?} was not re-anchored"))?;
        let was = p0.codings[id].span;
        assert_eq!(c.span, Span::new(was.start.get() + shift, was.end.get() + shift));
        assert_eq!(j2.slice(c.span), Some(text.as_str()));
    }
    assert_eq!(p.codings.len(), p0.codings.len());
    assert!(h.query_by_label_contains("The text of “J2” changed").is_none(), "no longer quarantined");
    Ok(())
}

#[test]
fn a_search_on_a_damaged_index_rebuilds_it_and_finds_the_passages() -> Result {
    use egui::{Key, Modifiers};
    use std::io::{Seek, SeekFrom, Write};
    let (_tmp, dir, mut h) = common::sample_app("Ingrid", (1400.0, 900.0))?;
    h.key_press_modifiers(Modifiers::COMMAND | Modifiers::SHIFT, Key::F);
    h.run();
    // The view builds the index (there is none in a fresh copy) and lets it settle.
    run_until(&mut h, "the first indexing", |h| {
        std::fs::read_dir(dir.join("index/tantivy"))
            .is_ok_and(|d| d.flatten().any(|e| e.path().extension().is_some_and(|x| x == "idx")))
            && h.query_by_label_contains("Updating the search index").is_none()
    });
    for _ in 0..3 {
        h.run();
    }
    // Damage the index under the open view: the middle of every postings file overwritten in
    // place (the files keep their length, as a disk error or a bad sync would leave them).
    let mut damaged = 0;
    for entry in std::fs::read_dir(dir.join("index/tantivy"))? {
        let path = entry?.path();
        if path.extension().is_some_and(|x| x == "idx") {
            let len = std::fs::metadata(&path)?.len();
            let mut f = std::fs::OpenOptions::new().write(true).open(&path)?;
            f.seek(SeekFrom::Start(len / 4))?;
            f.write_all(&vec![0xA5u8; (len / 2) as usize])?;
            damaged += 1;
        }
    }
    assert!(damaged > 0);
    h.get_by_label("Search for").click();
    h.get_by_label("Search for").type_text("meeting");
    h.run();
    run_until(&mut h, "results after the rebuild", |h| h.query_by_label_contains("passages in").is_some());
    h.get_by_label_contains("and was rebuilt");
    // The oracle: the same search on a clean index built from the project in memory.
    let p = project(&h).clone();
    let clean = tema::index::SearchIndex::in_memory(p.settings.language)?;
    clean.sync(&p, &tema::progress::Progress::new())?;
    let expected = tema::index::search(&clean, &p, &tema::index::SearchRequest::new("meeting"))?;
    assert!(expected.total > 0);
    let summary = h.get_by_label_contains("passages in").accesskit_node().value().unwrap_or_default();
    assert!(
        summary.starts_with(&format!("{} passages in {} documents", expected.total, expected.documents.len())),
        "{summary}"
    );
    // The index on disk is whole again: it opens without being rebuilt.
    drop(h);
    let (_, report) = tema::index::SearchIndex::open(&dir, p.settings.language)?;
    assert!(report.rebuilt.is_none(), "{:?}", report.rebuilt);
    Ok(())
}
