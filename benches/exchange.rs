//! REFI-QDA benchmark (issue 18): a synthetic project of 2 M words in 200 interviews, 500
//! codes and 50,000 codings, exported as a QDPX and imported back into a new project folder.
//! Run with `cargo bench --bench exchange`.
//!
//! Targets: import < 5 s, export < 3 s, and the memory either takes (peak RSS above what the
//! process held before it) under twice the project's own size in memory.

mod common;
use common::{WORDS, rng};
use std::time::Instant;
use tema::edit::Edit;
use tema::exchange::{Limits, Profile, export_project, import_into_new_project, plan_project_import};
use tema::model::*;

const DOCS: usize = 200;
const WORDS_PER_DOC: usize = 10_000;
const CODES: usize = 500;
const CODINGS: usize = 50_000;

fn transcript(seed: u64) -> String {
    let mut s = seed | 1;
    let mut text = String::new();
    let mut words = 0;
    let mut turn = 0;
    while words < WORDS_PER_DOC {
        text.push_str(if turn % 2 == 0 { "Interviewer: " } else { "J1: " });
        let n = 20 + rng(&mut s) % 80;
        for _ in 0..n {
            text.push_str(WORDS[(rng(&mut s) % WORDS.len() as u64) as usize]);
            text.push(' ');
        }
        // An emoji per turn: two UTF-16 units, so the nvivo profile's positions differ.
        text.push_str("😀\n\n");
        words += n as usize + 1;
        turn += 1;
    }
    text
}

/// A line of /proc/self/status in kB (VmRSS: now; VmHWM: the peak since the last reset).
fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// Returns freed memory to the system and resets VmHWM to the current RSS (Linux: writing 5
/// to clear_refs), so each phase's peak is its own and not hidden by memory an earlier phase
/// freed but the allocator kept.
fn reset_peak() {
    // SAFETY: malloc_trim only releases free heap pages; it has no preconditions.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    unsafe {
        libc::malloc_trim(0);
    }
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let before = status_kb("VmRSS:");
    let mut p = Project::new("Exchange benchmark");
    let coder = p.new_coder("Bench");
    let coder_id = coder.id;
    let mut edits = vec![Edit::AddCoder { coder, index: None }];
    let mut docs = Vec::new();
    for i in 0..DOCS {
        let d = Document::new(DocId::new(), format!("D{i:03}"), DocKind::Interview, transcript(i as u64 + 1));
        docs.push((d.id, d.char_len));
        edits.push(Edit::AddDocument { document: Box::new(d), index: None });
    }
    let mut codes = Vec::new();
    for i in 0..CODES {
        let mut c = Code::new(CodeId::new(), format!("Code {i}"), palette_colour(i));
        if i >= 50 {
            c.parent = Some(codes[i % 50]);
        }
        codes.push(c.id);
        edits.push(Edit::CreateCode { code: c, index: None });
    }
    let mut s = 42u64;
    for _ in 0..CODINGS {
        let (doc, len) = docs[(rng(&mut s) % DOCS as u64) as usize];
        let start = (rng(&mut s) % (len as u64 - 400)) as usize;
        edits.push(Edit::AddCoding {
            coding: Coding {
                id: CodingId::new(),
                doc,
                span: Span::new(start, start + 20 + (rng(&mut s) % 300) as usize),
                code: codes[(rng(&mut s) % CODES as u64) as usize],
                coder: coder_id,
                created: chrono::Utc::now(),
                comment: String::new(),
            },
        });
    }
    p.apply(Edit::batch("benchmark project", edits))?;
    let project_kb = status_kb("VmRSS:").saturating_sub(before);
    println!(
        "project: {DOCS} documents, {} words, {} codes, {} codings; {:.0} MB in memory",
        p.word_count(),
        p.codes.len(),
        p.codings.len(),
        mb(project_kb)
    );

    let tmp = tempfile::tempdir()?;
    for profile in [Profile::Standard, Profile::Nvivo] {
        reset_peak();
        let held = status_kb("VmRSS:");
        let t = Instant::now();
        let (bytes, _report) = export_project(&p, profile)?;
        let export_s = t.elapsed().as_secs_f64();
        let export_peak = status_kb("VmHWM:").saturating_sub(held);
        let file = tmp.path().join(format!("bench-{}.qdpx", profile.slug()));
        std::fs::write(&file, &bytes)?;
        drop(bytes);

        reset_peak();
        let held = status_kb("VmRSS:");
        let t = Instant::now();
        let plan = plan_project_import(&file, &Limits::default(), &tema::progress::Progress::new())?;
        let plan_s = t.elapsed().as_secs_f64();
        let plan_peak = status_kb("VmHWM:").saturating_sub(held);
        let store = import_into_new_project(&tmp.path().join(format!("imported-{}.tema", profile.slug())), plan)?;
        let import_s = t.elapsed().as_secs_f64();
        let import_peak = status_kb("VmHWM:").saturating_sub(held);
        println!(
            "{:>8}: reading and planning {plan_s:.2} s, peak +{:.0} MB; then applying and journaling {:.2} s",
            profile.slug(),
            mb(plan_peak),
            import_s - plan_s
        );
        assert_eq!(store.project().documents.len(), DOCS);
        assert_eq!(store.project().codes.len(), CODES);
        let imported = store.project().codings.len();
        drop(store);
        println!(
            "{:>8}: export {export_s:.2} s (target < 3 s), peak +{:.0} MB; import {import_s:.2} s (target < 5 s), \
             peak +{:.0} MB; {imported} codings back; RSS / project size: export {:.2}, import {:.2} (target < 2)",
            profile.slug(),
            mb(export_peak),
            mb(import_peak),
            export_peak as f64 / project_kb.max(1) as f64,
            import_peak as f64 / project_kb.max(1) as f64,
        );
    }
    Ok(())
}
