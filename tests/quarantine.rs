//! A document whose text file changed outside Tema (issue 15): the project opens with the
//! document quarantined, and `tema repair` re-anchors each coding where its text is found
//! again. Every test edits a text in a copy of the sample study by hand, as a user or a sync
//! tool would: a paragraph inserted, one deleted, the end cut off.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use tema::model::*;
use tema::store::{Store, StoreError};

mod common;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A line added by hand (no speaker label, so it joins the turn before it).
const INSERTED: &str = "A paragraph someone added by hand, after the interview.\n";

/// The hand edits made to one document, in chars of its old text.
struct HandEdit {
    /// Where `INSERTED` goes (the start of a line).
    insert_at: usize,
    /// The line deleted, `\n` included.
    deleted: (usize, usize),
    /// Where the text is cut off (the start of a line): everything from here is gone.
    cut_at: usize,
}

impl HandEdit {
    /// Where an old position is in the edited text, worked out from the three edits alone:
    /// after the insertion it moves by the inserted length, after the deleted line back by its
    /// length. `None` for a position inside the deleted line or past the cut.
    fn map(&self, p: usize) -> Option<usize> {
        let (d1, d2) = self.deleted;
        if (p > d1 && p < d2) || p > self.cut_at {
            return None;
        }
        let mut q = p;
        if p >= self.insert_at {
            q += INSERTED.chars().count();
        }
        if p >= d2 {
            q -= d2 - d1;
        }
        Some(q)
    }

    /// Whether the text of `[s, e)` is still whole in the edited text: no edit inside it.
    fn intact(&self, s: usize, e: usize) -> bool {
        let (d1, d2) = self.deleted;
        let crosses_insertion = s < self.insert_at && self.insert_at < e;
        let touches_deletion = s < d2 && e > d1;
        !crosses_insertion && !touches_deletion && e <= self.cut_at
    }

    fn apply(&self, text: &str) -> String {
        let chars: Vec<char> = text.chars().collect();
        let part = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
        let (d1, d2) = self.deleted;
        format!("{}{INSERTED}{}{}", part(0, self.insert_at), part(self.insert_at, d1), part(d2, self.cut_at))
    }
}

/// Line starts of a text, in chars.
fn line_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    for (i, c) in text.chars().enumerate() {
        if c == '\n' {
            starts.push(i + 1);
        }
    }
    starts
}

/// A copy of the sample in a scratch folder (alive as long as the `TempDir`), saved once by
/// this Tema so that its codings carry fingerprints; the document with the most codings; and
/// the project as it then reads.
fn saved_sample() -> Result<(tempfile::TempDir, PathBuf, DocId, Project), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let dir = common::sample_copy(&tmp.path().join("study.tema"))?;
    let mut store = Store::open(&dir)?;
    store.save()?;
    let mut per_doc: BTreeMap<DocId, usize> = BTreeMap::new();
    for c in store.project().codings.values() {
        *per_doc.entry(c.doc).or_default() += 1;
    }
    let doc = per_doc.iter().max_by_key(|(_, n)| **n).map(|(d, _)| *d).ok_or("the sample has no codings")?;
    drop(store);
    let p0 = Store::open_read_only(&dir)?.project().clone();
    Ok((tmp, dir, doc, p0))
}

/// Chooses the three edits at about a third, two thirds and nine tenths of the lines.
fn plan_edit(text: &str) -> Result<HandEdit, Box<dyn std::error::Error>> {
    let starts = line_starts(text);
    let n = starts.len();
    if n < 10 {
        return Err("the document is too short to edit in three places".into());
    }
    let at = |f: usize| starts[n * f / 10];
    let deleted_line = n * 6 / 10;
    Ok(HandEdit { insert_at: at(3), deleted: (starts[deleted_line], starts[deleted_line + 1]), cut_at: at(9) })
}

fn text_file(dir: &Path, doc: DocId) -> PathBuf {
    dir.join("texts").join(format!("{doc}.txt"))
}

#[test]
fn a_hand_edited_text_is_quarantined_then_repaired_with_every_coding_on_its_own_words() -> TestResult {
    let (_tmp, dir, doc, _) = saved_sample()?;
    let before = Store::open_read_only(&dir)?;
    let p0 = before.project().clone();
    drop(before);
    let coding_file = std::fs::read_to_string(dir.join("codings").read_dir()?.next().ok_or("no coder file")??.path())?;
    assert!(coding_file.contains("\"fingerprint\""), "the first save adds fingerprints to an old project's codings");
    let old = p0.documents[&doc].clone();
    let edit = plan_edit(&old.text)?;
    let original: BTreeMap<CodingId, (Span, String)> = p0
        .codings
        .values()
        .filter(|c| c.doc == doc)
        .map(|c| (c.id, (c.span, old.slice(c.span).unwrap_or_default().to_string())))
        .collect();
    std::fs::write(text_file(&dir, doc), edit.apply(&old.text))?;

    // Opening for writing is refused: a save would accept the change unasked.
    let err = Store::open(&dir).err().ok_or("opened a changed text for writing")?;
    assert!(matches!(err, StoreError::TextsChanged { .. }), "{err}");
    assert!(err.to_string().contains(old.name()), "{err}");

    // Opened read-only: the document is named, in-place codings stay, the rest is unanchored.
    let (store, read_only) = Store::open_or_read_only(&dir)?;
    assert!(read_only);
    assert_eq!(store.changed_documents(), &[doc]);
    assert!(
        store.warnings().iter().any(|w| w.contains(old.name()) && w.contains("tema repair")),
        "{:?}",
        store.warnings()
    );
    // Only codings wholly before the insertion are where they were (their text did not move).
    let in_place: BTreeSet<CodingId> =
        original.iter().filter(|(_, (span, _))| span.end.get() <= edit.insert_at).map(|(id, _)| *id).collect();
    let anchored: BTreeSet<CodingId> =
        store.project().codings.values().filter(|c| c.doc == doc).map(|c| c.id).collect();
    assert_eq!(anchored, in_place);
    let held: BTreeSet<CodingId> = store.unanchored().codings.iter().map(|h| h.coding.id).collect();
    let expected_held: BTreeSet<CodingId> = original.keys().filter(|id| !in_place.contains(id)).copied().collect();
    assert_eq!(held, expected_held);
    assert!(!held.is_empty() && !in_place.is_empty(), "the edit must leave some codings in place and move others");
    // Not counted: the project's codings are the others plus those in place.
    assert_eq!(store.project().codings.len(), p0.codings.len() - held.len());
    drop(store);

    // Repair: every coding whose words were not touched is back, on exactly its words.
    let store = Store::open_repairing(&dir, false)?;
    let p = store.project();
    let new_text = edit.apply(&old.text);
    assert_eq!(&*p.documents[&doc].text, new_text.trim_end());
    let mut expected_back = 0;
    for (id, (span, words)) in &original {
        let (s, e) = (span.start.get(), span.end.get());
        if edit.intact(s, e) {
            expected_back += 1;
            let c = p.codings.get(id).ok_or_else(|| format!("coding {words:?} was not re-anchored"))?;
            let expected = Span::new(edit.map(s).ok_or("mapped")?, edit.map(e).ok_or("mapped")?);
            assert_eq!(c.span, expected, "{words:?}");
            assert_eq!(p.documents[&doc].slice(c.span), Some(words.as_str()));
        } else {
            assert!(!p.codings.contains_key(id), "coding {words:?} had its words edited and must stay unanchored");
        }
    }
    let report = store.anchoring();
    let moved = original
        .iter()
        .filter(|(id, (span, _))| !in_place.contains(id) && edit.intact(span.start.get(), span.end.get()))
        .count();
    assert_eq!(report.reanchored.len(), moved);
    assert_eq!(report.unanchored.len() - report_other_items(report), original.len() - expected_back);
    assert!(report.reanchored.iter().all(|r| r.contains(old.name()) && r.contains("now at chars")));
    assert!(report.unanchored.iter().filter(|r| r.contains("no longer in the document")).count() > 0);
    // Nothing is lost: what stays unanchored is kept and listed.
    assert_eq!(store.unanchored().codings.len(), original.len() - expected_back);
    assert_eq!(p.codings.len() + store.unanchored().codings.len(), p0.codings.len());
    // Every quote still in the project shows the same words as before.
    for q in p.quotes.values().filter(|q| q.doc == doc) {
        let was = &p0.quotes[&q.id];
        assert_eq!(p.documents[&doc].slice(q.props.span), old.slice(was.props.span));
    }
    assert_eq!(
        p.quotes.len() + store.unanchored().quotes.len(),
        p0.quotes.len(),
        "a quote is either moved or kept unanchored"
    );
    drop(store);

    // Saved: the project opens for writing again, and the unanchored codings are still kept.
    let store = Store::open(&dir)?;
    assert!(store.changed_documents().is_empty());
    assert_eq!(store.unanchored().codings.len(), original.len() - expected_back);
    assert!(store.warnings().iter().any(|w| w.contains("unanchored")), "{:?}", store.warnings());
    assert!(dir.join("unanchored.json").is_file());
    Ok(())
}

/// Quotes, notes and consensus records in the report's unanchored list (not codings).
fn report_other_items(report: &tema::store::AnchorReport) -> usize {
    report
        .unanchored
        .iter()
        .filter(|l| {
            l.starts_with("quote ")
                || l.starts_with("note ")
                || l.starts_with("memo ")
                || l.starts_with("a consensus record")
        })
        .count()
}

#[test]
fn a_truncated_text_keeps_every_coding_before_the_cut() -> TestResult {
    let (_tmp, dir, doc, p0) = saved_sample()?;
    let old = &p0.documents[&doc];
    // Cut in the middle of a line, as an interrupted copy does (in bytes, not at a char).
    let bytes = std::fs::read(text_file(&dir, doc))?;
    let cut = bytes.len() / 2;
    std::fs::write(text_file(&dir, doc), &bytes[..cut])?;
    let kept_chars = String::from_utf8_lossy(&bytes[..cut]).trim_end().chars().count();
    // A coding may end before the last (possibly broken) char and the trimmed white space.
    let expected: BTreeSet<CodingId> =
        p0.codings.values().filter(|c| c.doc == doc && c.span.end.get() < kept_chars).map(|c| c.id).collect();
    let store = Store::open_repairing(&dir, false)?;
    let anchored: BTreeSet<CodingId> =
        store.project().codings.values().filter(|c| c.doc == doc).map(|c| c.id).collect();
    assert_eq!(anchored, expected);
    for id in &anchored {
        assert_eq!(store.project().codings[id].span, p0.codings[id].span, "before the cut nothing moves");
    }
    let total = p0.codings.values().filter(|c| c.doc == doc).count();
    assert_eq!(store.unanchored().codings.len(), total - expected.len());
    assert!(store.anchoring().reanchored.is_empty());
    assert!(old.char_len > store.project().documents[&doc].char_len);
    Ok(())
}

#[test]
fn codings_saved_without_fingerprints_are_unanchored_not_guessed() -> TestResult {
    let tmp = tempfile::tempdir()?;
    // The sample as committed, saved by a Tema before fingerprints: none in its files.
    let dir = common::sample_copy(&tmp.path().join("study.tema"))?;
    let p0 = Store::open_read_only(&dir)?.project().clone();
    let doc = p0.codings.values().next().map(|c| c.doc).ok_or("no codings")?;
    let text = std::fs::read_to_string(text_file(&dir, doc))?;
    std::fs::write(text_file(&dir, doc), format!("{INSERTED}{text}"))?;
    let store = Store::open_repairing(&dir, false)?;
    let on_doc = p0.codings.values().filter(|c| c.doc == doc).count();
    assert_eq!(store.unanchored().codings.len(), on_doc);
    assert!(store.unanchored().codings.iter().all(|h| h.reason.contains("without a fingerprint")));
    Ok(())
}

#[test]
fn a_restored_text_brings_unanchored_codings_back_on_the_next_repair() -> TestResult {
    let (_tmp, dir, doc, p0) = saved_sample()?;
    let old = p0.documents[&doc].text.to_string();
    let on_doc = p0.codings.values().filter(|c| c.doc == doc).count();
    // The whole text replaced by something else: every coding on it is unanchored.
    std::fs::write(text_file(&dir, doc), "Something else entirely.\n")?;
    let store = Store::open_repairing(&dir, false)?;
    assert_eq!(store.unanchored().codings.len(), on_doc);
    drop(store);
    // The user restores the file from a backup (it is a change again, from Tema's view) and
    // repairs once more: every coding is back where it was.
    std::fs::write(text_file(&dir, doc), &old)?;
    let store = Store::open_repairing(&dir, false)?;
    assert!(store.unanchored().codings.is_empty(), "{:?}", store.anchoring().unanchored);
    assert_eq!(store.anchoring().reanchored.len(), on_doc);
    for c in p0.codings.values() {
        assert_eq!(store.project().codings.get(&c.id).map(|c| c.span), Some(c.span));
    }
    // The restored text is the one everything was anchored in: quotes, notes and consensus
    // records come back in place too (maps compare regardless of order).
    assert_eq!(store.project().quotes, p0.quotes);
    assert_eq!(store.project().memos, p0.memos);
    assert_eq!(store.project().consensus, p0.consensus);
    let left = std::fs::read_to_string(dir.join("unanchored.json")).unwrap_or_default();
    assert!(!dir.join("unanchored.json").exists(), "an empty list is not kept: {left}");
    Ok(())
}

fn tema(args: &[&str]) -> std::io::Result<std::process::Output> {
    Command::new(env!("CARGO_BIN_EXE_tema")).args(args).env("TEMA_CODER", "Ingrid").output()
}

#[test]
fn info_names_the_damaged_document_and_repair_reports_by_name() -> TestResult {
    let (_tmp, dir, doc, p0) = saved_sample()?;
    let old = &p0.documents[&doc];
    let edit = plan_edit(&old.text)?;
    std::fs::write(text_file(&dir, doc), edit.apply(&old.text))?;
    let d = dir.to_string_lossy();

    let out = tema(&["info", &d])?;
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains(old.name()) && stderr.contains("tema repair"), "{stderr}");
    assert!(stdout.contains(&format!("damaged: the text of “{}”", old.name())), "{stdout}");
    assert!(stdout.contains("unanchored"), "{stdout}");

    let out = tema(&["repair", &d, "--json"])?;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let list = |k: &str| report[k].as_array().map(|a| a.len()).unwrap_or(0);
    assert_eq!(list("changed_texts"), 1);
    assert!(list("reanchored") > 0 && list("unanchored") > 0, "{report}");
    assert_eq!(report["saved"], true);

    let out = tema(&["info", &d, "--json"])?;
    let info: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(info["read_only"], false);
    // `tema info` lists the same items as the repair left unanchored.
    assert_eq!(info["unanchored"], report["unanchored"]);
    Ok(())
}

#[test]
fn unsaved_changes_made_before_a_text_changed_are_kept_aside_not_replayed_by_guess() -> TestResult {
    let (_tmp, dir, doc, p0) = saved_sample()?;
    let memos = p0.memos.len();
    // An acknowledged change still in the journal (no save after it).
    {
        let mut store = Store::open(&dir)?;
        let memo = Memo {
            id: MemoId::new(),
            created: chrono::Utc::now(),
            author: None,
            props: MemoProps {
                target: MemoTarget::Journal,
                title: "Unsaved".into(),
                body: String::new(),
                modified: chrono::Utc::now(),
            },
        };
        store.apply(tema::edit::Edit::AddMemo { memo, index: None })?;
    }
    let text = std::fs::read_to_string(text_file(&dir, doc))?;
    std::fs::write(text_file(&dir, doc), format!("{INSERTED}{text}"))?;
    let store = Store::open_repairing(&dir, false)?;
    assert_eq!(store.project().memos.len(), memos, "not applied");
    let warning = store.warnings().iter().find(|w| w.contains("journal.quarantined-")).cloned();
    let warning = warning.ok_or_else(|| format!("{:?}", store.warnings()))?;
    assert!(warning.starts_with("1 unsaved changes"), "{warning}");
    let kept = std::fs::read_dir(&dir)?
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("journal.quarantined-"))
        .count();
    assert_eq!(kept, 1, "the journal is kept beside the project");
    Ok(())
}
