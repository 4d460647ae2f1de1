//! Text correction benchmark (issue 14): correcting a word in a 60,000-word transcript with
//! 1,000 codings on it, in a project of 50 documents (about 550,000 words) whose search index
//! is up to date. One correction is what "Edit text" and `tema correct` do: plan it
//! (`plan_text_correction`: remap every span of the document), apply it through the store
//! (journaled and fsynced before it returns), and bring the search index up to date (that
//! document re-indexed and committed). Run with `cargo bench --bench correct`.
//!
//! Target: < 50 ms for the whole correction, re-indexing included.

mod common;
use common::{rng, transcript};
use std::time::{Duration, Instant};
use tema::edit::{Edit, plan_text_correction};
use tema::index::SearchIndex;
use tema::model::*;
use tema::store::Store;

const OTHER_DOCS: usize = 49;
const OTHER_WORDS: usize = 10_000;
const BIG_WORDS: usize = 60_000;
const CODINGS: usize = 1_000;
const RUNS: usize = 25;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("bench.tema");
    let mut store = Store::create(&dir, "Benchmark")?;
    let coder = store.project().new_coder("Bench");
    let coder_id = coder.id;
    let code = Code::new(CodeId::new(), "Code", palette_colour(1));
    let code_id = code.id;
    let mut edits = vec![Edit::AddCoder { coder, index: None }, Edit::CreateCode { code, index: None }];
    let (text, turns) = transcript(7, BIG_WORDS);
    let mut big = Document::new(DocId::new(), "Big", DocKind::Interview, text.as_str());
    big.turns = turns;
    let (big_id, big_len) = (big.id, big.char_len);
    edits.push(Edit::AddDocument { document: Box::new(big), index: None });
    for i in 0..OTHER_DOCS {
        let (text, turns) = transcript(i as u64 + 100, OTHER_WORDS);
        let mut d = Document::new(DocId::new(), format!("D{i:02}"), DocKind::Interview, text.as_str());
        d.turns = turns;
        edits.push(Edit::AddDocument { document: Box::new(d), index: None });
    }
    store.apply(Edit::batch("documents", edits))?;
    let mut s = 42u64;
    let mut codings = Vec::with_capacity(CODINGS);
    for _ in 0..CODINGS {
        let start = (rng(&mut s) % (big_len as u64 - 400)) as usize;
        let len = 20 + (rng(&mut s) % 300) as usize;
        codings.push(Edit::AddCoding {
            coding: Coding {
                id: CodingId::new(),
                doc: big_id,
                span: Span::new(start, start + len),
                code: code_id,
                coder: coder_id,
                created: chrono::Utc::now(),
                comment: String::new(),
            },
        });
    }
    store.apply(Edit::batch("codings", codings))?;
    store.save()?;
    let (index, _) = SearchIndex::open(&dir, store.project().settings.language)?;
    let built = Instant::now();
    index.sync(store.project(), &tema::progress::Progress::new())?;
    let words: usize = store.project().documents.values().map(|d| d.words).sum();
    println!(
        "project: {} documents, {words} words, {} codings on the {}-word document; index built in {:.0} ms",
        store.project().documents.len(),
        store.project().codings.len(),
        store.project().documents.get(&big_id).map_or(0, |d| d.words),
        ms(built.elapsed())
    );

    let (mut plan_t, mut apply_t, mut sync_t, mut total_t) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..RUNS {
        // A word somewhere in the document, replaced by a longer one (every later span moves).
        let p = store.project();
        let doc = p.documents.get(&big_id).ok_or("the document is gone")?;
        let at = (rng(&mut s) % (doc.char_len as u64 - 100)) as usize;
        let chars: Vec<char> = doc.text.chars().skip(at).take(60).collect();
        let from = chars.iter().position(|c| *c == ' ').map_or(0, |i| i + 1);
        let to = from + chars[from..].iter().position(|c| *c == ' ').unwrap_or(0);
        let change = TextChange { span: Span::new(at + from, at + to), text: "corrected".into() };
        let started = Instant::now();
        let correction = plan_text_correction(p, big_id, vec![change])?;
        let planned = Instant::now();
        store.apply(correction.edit)?;
        let applied = Instant::now();
        index.sync(store.project(), &tema::progress::Progress::new())?;
        let synced = Instant::now();
        plan_t.push(ms(planned - started));
        apply_t.push(ms(applied - planned));
        sync_t.push(ms(synced - applied));
        total_t.push(ms(synced - started));
    }
    let worst = total_t.iter().copied().fold(0.0, f64::max);
    println!(
        "correct one word ({RUNS} runs): plan {:.1} ms, apply and journal {:.1} ms, re-index {:.1} ms; \
         total median {:.1} ms, worst {worst:.1} ms (target < 50 ms)",
        median(&mut plan_t),
        median(&mut apply_t),
        median(&mut sync_t),
        median(&mut total_t)
    );
    Ok(())
}
