//! Tema's agreement figures against independent implementations: scikit-learn's
//! `cohen_kappa_score` and the `krippendorff` package, run by `tests/reference/agreement.py`
//! on projects generated here, compared to 1e-9.
//!
//! Needs python3 with krippendorff, scikit-learn and numpy; `tests/external` decides whether
//! a missing one fails the test (`scripts/test`, CI) or is skipped and reported at exit.

use serde_json::{Value, json};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use tema::edit::Edit;
use tema::model::*;
use tema::team::agreement::{AgreementOptions, AgreementReport, Stats, agreement};
use tema::testing::Rng;

mod external;

type TestResult = Result<(), Box<dyn std::error::Error>>;

const WORDS: &[&str] = &[
    "møtet",
    "på",
    "NAV",
    "😀",
    "jeg",
    "følte",
    "meg",
    "sett",
    "ærlig",
    "talt",
    "sosialarbeideren",
    "snakket",
    "om",
    "AAP",
    "og",
    "aktivitetsplikt",
    "🇳🇴",
    "jobb",
    "håp",
    "å",
    "få",
    "være",
    "med",
];

/// A coding as drawn: (coder, code, start, end).
type Draw = (usize, usize, usize, usize);

struct Case {
    include_uncoded: bool,
    coders: usize,
    codes: usize,
    /// Per document: its length and codings (coder, code, start, end).
    docs: Vec<(usize, Vec<Draw>)>,
    project: Project,
}

fn generate(seed: u64) -> Case {
    let mut rng = Rng(seed);
    let coders = 2 + rng.below(3);
    let codes = 1 + rng.below(4);
    let ndocs = 1 + rng.below(3);
    let mut edits = Vec::new();
    for k in 0..coders {
        let name = ["Ingrid", "Tom", "Åse", "Kari"][k];
        edits.push(Edit::AddCoder {
            coder: Coder {
                id: CoderId::from_u128(k as u128 + 1),
                name: name.into(),
                colour: palette_colour(k),
                slug: format!("coder-{k}"),
            },
            index: None,
        });
    }
    for c in 0..codes {
        let code = Code::new(CodeId::from_u128(100 + c as u128), format!("Kode {c} æøå"), palette_colour(c));
        edits.push(Edit::CreateCode { code, index: None });
    }
    let mut p = Project::new("Reference");
    let r = p.apply(Edit::batch("setup", edits));
    assert!(r.is_ok(), "{r:?}");
    let mut docs = Vec::new();
    for d in 0..ndocs {
        let nwords = 8 + rng.below(70);
        let text: Vec<&str> = (0..nwords).map(|_| WORDS[rng.below(WORDS.len())]).collect();
        let text = text.join(" ");
        let len = text.chars().count();
        let doc = Document::new(DocId::from_u128(200 + d as u128), format!("D{d}"), DocKind::Interview, text);
        let r = p.apply(Edit::AddDocument { document: Box::new(doc), index: None });
        assert!(r.is_ok(), "{r:?}");
        let mut codings = Vec::new();
        // Sometimes a coder leaves a document uncoded (it is then left out).
        for k in 0..coders {
            let n = if rng.below(8) == 0 { 0 } else { 1 + rng.below(7) };
            for _ in 0..n {
                let code = rng.below(codes);
                let start = rng.below(len);
                let end = (start + 1 + rng.below(len / 2 + 1)).min(len);
                let coding = Coding {
                    id: CodingId::new(),
                    doc: DocId::from_u128(200 + d as u128),
                    span: Span::new(start, end),
                    code: CodeId::from_u128(100 + code as u128),
                    coder: CoderId::from_u128(k as u128 + 1),
                    created: chrono::Utc::now(),
                    comment: String::new(),
                };
                // The same coder, code and passage twice is refused; skip those draws.
                if p.apply(Edit::AddCoding { coding }).is_ok() {
                    codings.push((k, code, start, end));
                }
            }
        }
        docs.push((len, codings));
    }
    Case { include_uncoded: rng.below(3) == 0, coders, codes, docs, project: p }
}

fn report(case: &Case) -> AgreementReport {
    let opts = AgreementOptions {
        coders: (0..case.coders).map(|k| CoderId::from_u128(k as u128 + 1)).collect(),
        include_uncoded: case.include_uncoded,
        ..Default::default()
    };
    let r = agreement(&case.project, &opts);
    assert!(r.is_ok(), "{r:?}");
    r.unwrap_or_else(|_| unreachable!())
}

/// Figures that both sides defined (not null), so the comparison is not vacuous.
static DEFINED: AtomicUsize = AtomicUsize::new(0);

fn same(what: &str, ours: Option<f64>, theirs: &Value, failures: &mut Vec<String>) {
    let theirs = theirs.as_f64();
    let ok = match (ours, theirs) {
        (Some(a), Some(b)) => {
            DEFINED.fetch_add(1, Ordering::Relaxed);
            (a - b).abs() <= 1e-9
        }
        (None, None) => true,
        _ => false,
    };
    if !ok {
        failures.push(format!("{what}: Tema {ours:?}, reference {theirs:?}"));
    }
}

fn compare_stats(what: &str, ours: &Stats, theirs: &Value, failures: &mut Vec<String>) {
    let null = Value::Null;
    let get = |k: &str| if theirs.is_null() { &null } else { &theirs[k] };
    same(&format!("{what} percent agreement"), ours.percent_agreement, get("percent_agreement"), failures);
    same(&format!("{what} kappa"), ours.kappa, get("kappa"), failures);
    same(&format!("{what} alpha"), ours.alpha, get("alpha"), failures);
    for (i, pair) in ours.pairs.iter().enumerate() {
        let p = if theirs.is_null() { &null } else { &theirs["pairs"][i] };
        let at = |k: usize| if p.is_null() { &null } else { &p[k] };
        same(&format!("{what} pair {i} percent agreement"), pair.percent_agreement, at(0), failures);
        same(&format!("{what} pair {i} kappa"), pair.kappa, at(1), failures);
    }
}

fn compare_figures(what: &str, ours: &tema::team::agreement::Figures, theirs: &Value, failures: &mut Vec<String>) {
    if theirs["units"].as_u64() != Some(ours.units) {
        failures.push(format!("{what}: units Tema {}, reference {}", ours.units, theirs["units"]));
    }
    let listed = theirs["codes"].as_object().map(|o| o.len()).unwrap_or(0);
    if listed != ours.codes.len() {
        failures.push(format!("{what}: Tema lists {} codes, reference {listed}", ours.codes.len()));
    }
    for c in &ours.codes {
        let index = (c.code.0.as_u128() - 100).to_string();
        compare_stats(&format!("{what} code {index}"), &c.stats, &theirs["codes"][&index], failures);
    }
    compare_stats(&format!("{what} pooled"), &ours.pooled, &theirs["pooled"], failures);
}

#[test]
fn figures_match_scikit_learn_and_krippendorff() -> TestResult {
    if !external::available(&[&external::PYTHON_REFERENCE]) {
        return Ok(());
    }

    let cases: Vec<Case> = (0..60).map(|seed| generate(seed * 7919 + 1)).collect();
    let input = json!({
        "cases": cases.iter().map(|c| json!({
            "include_uncoded": c.include_uncoded,
            "n_coders": c.coders,
            "n_codes": c.codes,
            "docs": c.docs.iter().map(|(len, codings)| json!({"len": len, "codings": codings})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    let tmp = tempfile::tempdir()?;
    let path = tmp.path().join("cases.json");
    std::fs::write(&path, serde_json::to_vec(&input)?)?;
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/reference/agreement.py");
    let out = Command::new("python3").arg(script).arg(&path).output()?;
    assert!(out.status.success(), "the reference script failed: {}", String::from_utf8_lossy(&out.stderr));
    let reference: Value = serde_json::from_slice(&out.stdout)?;

    let mut failures = Vec::new();
    let mut compared = 0;
    for (i, case) in cases.iter().enumerate() {
        let r = report(case);
        let theirs = &reference["cases"][i];
        compare_figures(&format!("case {i} overall"), &r.overall, &theirs["overall"], &mut failures);
        // Documents in order; the reference has null for those left out.
        let mut ours = r.documents.iter();
        for (d, doc) in theirs["documents"].as_array().into_iter().flatten().enumerate() {
            if doc.is_null() {
                assert!(r.skipped.iter().any(|s| s.name == format!("D{d}")), "case {i}: D{d} should be left out");
                continue;
            }
            match ours.next() {
                Some(f) => compare_figures(&format!("case {i} D{d}"), &f.figures, doc, &mut failures),
                None => failures.push(format!("case {i}: Tema left out D{d}")),
            }
            compared += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "{} differences, first ones:\n{}",
        failures.len(),
        failures[..failures.len().min(20)].join("\n")
    );
    assert!(compared > 60, "too few documents compared: {compared}");
    let defined = DEFINED.load(Ordering::Relaxed);
    assert!(defined > 1000, "too few defined figures compared: {defined}");
    println!(
        "{} cases, {compared} documents, {defined} defined figures: every one within 1e-9 of the reference",
        cases.len()
    );
    Ok(())
}
