//! Team benchmark (issue 9): a synthetic study of 200 documents (2 M words) coded by two
//! coders with 25,000 codings each over 100 codes. Measures the agreement report over all
//! documents (from scratch, and kept per document after one new coding, as the Team view keeps
//! it), comparing two coders on one document, and planning a merge of one coder's copy into the
//! other's. Run with `cargo bench --bench team`.

mod common;
use common::rng;
use std::time::{Duration, Instant};
use tema::edit::Edit;
use tema::model::*;
use tema::team::agreement::{AgreementOptions, KeptAgreement, agreement};
use tema::team::compare::Comparison;
use tema::team::merge::plan_merge;

const DOCS: usize = 200;
const CHARS_PER_DOC: usize = 60_000;
const CODES: usize = 100;
const CODINGS_PER_CODER: usize = 25_000;

fn median(mut v: Vec<Duration>) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64() * 1000.0
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        last = Some(f());
        times.push(t.elapsed());
    }
    (median(times), last.unwrap_or_else(|| unreachable!()))
}

/// Codings for one coder: codes and spans drawn so that the two coders overlap often.
fn codings(coder: CoderId, docs: &[DocId], codes: &[CodeId], seed: u64) -> Vec<Edit> {
    let mut s = seed;
    let mut shared = 7u64;
    (0..CODINGS_PER_CODER)
        .map(|_| {
            // Both coders walk the same positions; each shifts the boundaries a little.
            let doc = docs[(rng(&mut shared) % DOCS as u64) as usize];
            let start = (rng(&mut shared) % (CHARS_PER_DOC as u64 - 600)) as usize + (rng(&mut s) % 30) as usize;
            let len = 40 + (rng(&mut shared) % 300) as usize + (rng(&mut s) % 30) as usize;
            let code = if rng(&mut s).is_multiple_of(5) { rng(&mut s) } else { rng(&mut shared) };
            Edit::AddCoding {
                coding: Coding {
                    id: CodingId::new(),
                    doc,
                    span: Span::new(start, start + len),
                    code: codes[(code % CODES as u64) as usize],
                    coder,
                    created: chrono::Utc::now(),
                    comment: String::new(),
                },
            }
        })
        .collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let build = Instant::now();
    let mut base = Project::new("Benchmark");
    let mut edits = Vec::new();
    let mut coders = Vec::new();
    for name in ["Ingrid", "Tom"] {
        let c = base.new_coder(name);
        coders.push(c.id);
        base.apply(Edit::AddCoder { coder: c, index: None })?;
    }
    let line = "Intervjuer: Hvordan gikk møtet på NAV? J1: Jeg følte meg sett 😀, men de snakket om meg.\n";
    let mut docs = Vec::new();
    for i in 0..DOCS {
        let mut text = String::with_capacity(CHARS_PER_DOC * 2);
        let mut n = 0;
        while n < CHARS_PER_DOC {
            let piece = format!("{i} {line}");
            n += piece.chars().count();
            text.push_str(&piece);
        }
        let text: String = text.chars().take(CHARS_PER_DOC).collect();
        let d = Document::new(DocId::new(), format!("D{i:03}"), DocKind::Interview, text);
        docs.push(d.id);
        edits.push(Edit::AddDocument { document: Box::new(d), index: None });
    }
    let mut codes = Vec::new();
    for i in 0..CODES {
        let c = Code::new(CodeId::new(), format!("Kode {i}"), palette_colour(i));
        codes.push(c.id);
        edits.push(Edit::CreateCode { code: c, index: None });
    }
    base.apply(Edit::batch("documents and codes", edits))?;
    let mut ingrid = base.clone();
    ingrid.apply(Edit::batch("Ingrid", codings(coders[0], &docs, &codes, 11)))?;
    let mut tom = base.clone();
    tom.apply(Edit::batch("Tom", codings(coders[1], &docs, &codes, 23)))?;
    let mut both = ingrid.clone();
    let plan = plan_merge(&ingrid, &tom);
    both.apply(plan.edit.ok_or("nothing to merge")?)?;
    println!(
        "project: {DOCS} documents of {CHARS_PER_DOC} characters, {CODES} codes, {} codings by 2 coders; built in {:.1} s",
        both.codings.len(),
        build.elapsed().as_secs_f64()
    );

    let (t, report) = time(5, || agreement(&both, &AgreementOptions::default()));
    let report = report?;
    println!(
        "agreement report, all documents: median {t:.0} ms (5 runs); pooled kappa {:.3}, alpha {:.3}",
        report.overall.pooled.kappa.unwrap_or(f64::NAN),
        report.overall.pooled.alpha.unwrap_or(f64::NAN)
    );
    // Kept per document (issue 21): after one new coding only its document is counted again.
    let opts = AgreementOptions::default();
    let mut kept = KeptAgreement::default();
    let (t, _) = time(1, || kept.report(&both, &opts));
    println!("kept agreement report, cold (every document counted): {t:.0} ms");
    let (mut kept_times, mut fresh_times) = (Vec::new(), Vec::new());
    let mut edited = both.clone();
    for n in 0..11 {
        let coding = Coding {
            id: CodingId::new(),
            doc: docs[n * 7 % DOCS],
            span: Span::new(100 * n, 100 * n + 250),
            code: codes[n % CODES],
            coder: coders[n % 2],
            created: chrono::Utc::now(),
            comment: String::new(),
        };
        edited.apply(Edit::AddCoding { coding })?;
        let t = Instant::now();
        let kept_report = kept.report(&edited, &opts)?;
        kept_times.push(t.elapsed());
        let t = Instant::now();
        let fresh = agreement(&edited, &opts)?;
        fresh_times.push(t.elapsed());
        assert_eq!(kept_report, fresh, "the kept report equals a full recount");
    }
    println!(
        "agreement report after one new coding: kept {:.1} ms, from scratch {:.1} ms (medians of 11)",
        median(kept_times),
        median(fresh_times)
    );
    let (t, cmp) = time(20, || Comparison::build(&both, docs[0], coders[0], coders[1]));
    let cmp = cmp?;
    println!(
        "compare one document ({} + {} codings): median {t:.1} ms (20 runs); {} differences",
        cmp.a.codings.len(),
        cmp.b.codings.len(),
        cmp.differences.len()
    );
    let (t, plan) = time(3, || plan_merge(&ingrid, &tom));
    println!("plan a merge of 25,000 codings: median {t:.0} ms (3 runs); {} added", plan.report.added.codings);
    let (t, plan) = time(3, || plan_merge(&both, &tom));
    println!("merge again (nothing to do): median {t:.0} ms (3 runs); edit: {}", plan.edit.is_some());
    Ok(())
}
