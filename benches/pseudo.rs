//! Pseudonymisation benchmark (issue 19): a synthetic study of 200 documents (2 M words) in
//! speaker turns, with 200 names, e-mail addresses and phone numbers sprinkled through it and
//! 20,000 codings. Measures the scan (targets: < 5 s) and planning plus applying a map of 200
//! replacements (< 5 s). Run with `cargo bench --bench pseudo`.

mod common;
use common::{WORDS, rng};
use std::time::Instant;
use tema::edit::Edit;
use tema::model::*;
use tema::progress::Progress;
use tema::pseudo::{self, Map, MapEntry, ScanOptions};

const DOCS: usize = 200;
const WORDS_PER_DOC: usize = 10_000;
const NAMES: usize = 200;
const CODINGS: usize = 20_000;

/// A made-up name from syllables: "Kalen", "Rinor", ... (capitalised, alphabetic).
fn name(i: usize) -> String {
    const SYL: [&str; 16] =
        ["ka", "ri", "lo", "ne", "vi", "sta", "mo", "tor", "en", "li", "dra", "bu", "sol", "fe", "gun", "ma"];
    let s = format!("{}{}{}", SYL[i % 16], SYL[(i / 16) % 16], SYL[(i * 7 + 3) % 16]);
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

fn transcript(seed: u64, names: &[String]) -> String {
    let mut s = seed;
    let mut out = String::new();
    let mut words = 0;
    while words < WORDS_PER_DOC {
        out.push_str(if rng(&mut s).is_multiple_of(2) { "Interviewer: " } else { "J1: " });
        for i in 0..(20 + rng(&mut s) % 60) {
            if i > 0 {
                out.push(' ');
            }
            let r = rng(&mut s) % 100;
            match r {
                0..=2 => out.push_str(&names[(rng(&mut s) % names.len() as u64) as usize]),
                3 => out.push_str(&format!("{}@example.no", names[(rng(&mut s) % 20) as usize].to_lowercase())),
                4 => out.push_str(&format!(
                    "9{:02} {:02} {:03}",
                    rng(&mut s) % 100,
                    rng(&mut s) % 100,
                    rng(&mut s) % 1000
                )),
                _ => out.push_str(WORDS[(rng(&mut s) % WORDS.len() as u64) as usize]),
            }
            if rng(&mut s).is_multiple_of(12) {
                out.push('.');
            }
            words += 1;
        }
        out.push_str(".\n");
    }
    out
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let names: Vec<String> = (0..NAMES).map(name).collect();
    let mut p = Project::new("bench");
    let coder = p.new_coder("c");
    let coder_id = coder.id;
    p.apply(Edit::AddCoder { coder, index: None })?;
    let code = Code::new(CodeId::from_u128(1), "code", Colour::rgb(0x20, 0x60, 0xa0));
    p.apply(Edit::CreateCode { code, index: None })?;
    let mut docs = Vec::new();
    let mut total_words = 0;
    for i in 0..DOCS {
        let text = transcript(i as u64 + 1, &names);
        let d = Document::new(DocId::new(), format!("doc {i}"), DocKind::Interview, text.as_str());
        total_words += d.words;
        docs.push((d.id, d.char_len));
        p.apply(Edit::AddDocument { document: Box::new(d), index: None })?;
    }
    let mut s = 99u64;
    for _ in 0..CODINGS {
        let (doc, len) = docs[(rng(&mut s) % DOCS as u64) as usize];
        let start = (rng(&mut s) % (len as u64 - 500)) as usize;
        let span = Span::new(start, start + 20 + (rng(&mut s) % 400) as usize);
        if p.find_coding(doc, span, CodeId::from_u128(1), coder_id).is_some() {
            continue;
        }
        let coding = Coding {
            id: CodingId::new(),
            doc,
            span,
            code: CodeId::from_u128(1),
            coder: coder_id,
            created: chrono::Utc::now(),
            comment: String::new(),
        };
        p.apply(Edit::AddCoding { coding })?;
    }
    println!("{DOCS} documents, {total_words} words, {} codings", p.codings.len());

    let t = Instant::now();
    let scan = pseudo::scan(&p, &ScanOptions::default(), &Progress::new())?;
    let scan_s = t.elapsed().as_secs_f64();
    let found_names = scan.candidates.iter().filter(|c| names.contains(&c.original)).count();
    println!(
        "scan: {scan_s:.2} s ({} candidates; {found_names} of the {NAMES} names, {} e-mail addresses, {} phone numbers)",
        scan.candidates.len(),
        scan.candidates.iter().filter(|c| c.kind == pseudo::Kind::Email).count(),
        scan.candidates.iter().filter(|c| c.kind == pseudo::Kind::Phone).count(),
    );

    let map = Map {
        entries: names
            .iter()
            .enumerate()
            .map(|(i, n)| MapEntry { original: n.clone(), replacement: format!("[person {i}]"), kind: None })
            .collect(),
    };
    let t = Instant::now();
    let plan = pseudo::plan(&p, &map, &Progress::new())?;
    let plan_s = t.elapsed().as_secs_f64();
    let edit = plan.edit.ok_or("nothing to replace")?;
    let t = Instant::now();
    p.apply(edit)?;
    let apply_s = t.elapsed().as_secs_f64();
    println!(
        "apply of {} replacements ({} occurrences in {} documents): plan {plan_s:.2} s + apply {apply_s:.2} s = {:.2} s",
        map.entries.len(),
        plan.replaced,
        plan.documents,
        plan_s + apply_s
    );
    Ok(())
}
