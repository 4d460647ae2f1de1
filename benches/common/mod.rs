//! What the benchmarks share: the synthetic corpus's word list (English and Norwegian, so
//! multi-byte characters are exercised) and a small deterministic generator, so that every
//! benchmark builds the same kind of text from a seed.
#![allow(dead_code)]

pub const WORDS: &[&str] = &[
    "meeting",
    "therapist",
    "social",
    "worker",
    "job",
    "benefits",
    "felt",
    "talked",
    "about",
    "me",
    "and",
    "the",
    "specialist",
    "møtet",
    "jobb",
    "følte",
    "å",
    "være",
    "sett",
    "I",
    "we",
    "they",
    "said",
    "work",
    "hope",
];

/// xorshift64: deterministic, fast, and good enough to spread words and spans.
pub fn rng(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// A transcript of about `words` words: an interviewer and J1 taking turns.
pub fn transcript(seed: u64, words: usize) -> (String, Vec<tema::model::Turn>) {
    let mut s = seed | 1;
    let (mut text, mut turns, mut count, mut chars, mut turn) = (String::new(), Vec::new(), 0, 0, 0);
    while count < words {
        let speaker = if turn % 2 == 0 { "Interviewer" } else { "J1" };
        let mut line = format!("{speaker}: ");
        let n = 20 + rng(&mut s) % 80;
        for _ in 0..n {
            line.push_str(WORDS[(rng(&mut s) % WORDS.len() as u64) as usize]);
            line.push(' ');
        }
        line.push_str("\n\n");
        let len = line.chars().count();
        turns.push(tema::model::Turn {
            span: tema::model::Span::new(chars, chars + len),
            speaker: speaker.into(),
            participant: None,
            start_ms: None,
            end_ms: None,
        });
        chars += len;
        count += n as usize + 1;
        text.push_str(&line);
        turn += 1;
    }
    (text, turns)
}

/// Edits that add `docs` interviews of about `words` words each (named `D000`…) and a
/// codebook of `codes` codes, the 51st and later nested under the first 50. Returns each
/// document's id and length in chars, and the codes' ids.
#[allow(clippy::type_complexity)]
pub fn documents_and_codes(
    docs: usize,
    words: usize,
    codes: usize,
    edits: &mut Vec<tema::edit::Edit>,
) -> (Vec<(tema::model::DocId, usize)>, Vec<tema::model::CodeId>) {
    use tema::edit::Edit;
    use tema::model::*;
    let mut places = Vec::with_capacity(docs);
    for i in 0..docs {
        let (text, turns) = transcript(i as u64 + 1, words);
        let mut d = Document::new(DocId::new(), format!("D{i:03}"), DocKind::Interview, text);
        d.turns = turns;
        places.push((d.id, d.char_len));
        edits.push(Edit::AddDocument { document: Box::new(d), index: None });
    }
    let mut ids = Vec::with_capacity(codes);
    for i in 0..codes {
        let mut c = Code::new(CodeId::new(), format!("Code {i}"), palette_colour(i));
        if i >= 50 {
            c.parent = Some(ids[i % 50]);
        }
        ids.push(c.id);
        edits.push(Edit::CreateCode { code: c, index: None });
    }
    (places, ids)
}

/// Words in each document of the scale projects (`benches/scale.rs`, `benches/app.rs`).
pub const WORDS_PER_DOC: usize = 10_000;
/// Codes in the scale projects' codebook.
pub const SCALE_CODES: usize = 500;

/// The scale sizes of issue 21 by name (`TEMA_SCALE`): documents of [`WORDS_PER_DOC`] words
/// and codings. `S` is small enough for a debug build (a check that the benchmark runs), `L`
/// is 2 M words / 50,000 codings (the default), `XL` 20 M words / 500,000 codings.
pub fn scale_from_env() -> (&'static str, usize, usize) {
    match std::env::var("TEMA_SCALE").unwrap_or_default().to_ascii_uppercase().as_str() {
        "S" => ("S", 10, 2_500),
        "XL" => ("XL", 2_000, 500_000),
        _ => ("L", 200, 50_000),
    }
}

fn scale_coding(
    doc: tema::model::DocId,
    span: tema::model::Span,
    code: tema::model::CodeId,
    coder: tema::model::CoderId,
) -> tema::model::Coding {
    tema::model::Coding {
        id: tema::model::CodingId::new(),
        doc,
        span,
        code,
        coder,
        created: chrono::Utc::now(),
        comment: String::new(),
    }
}

/// Builds a scale project in `dir` through the store and saves it: `docs` interviews of
/// [`WORDS_PER_DOC`] words, [`SCALE_CODES`] codes and `codings` codings by two coders
/// (Ingrid and Tom), every fourth coding Tom's, repeating or overlapping the one before it.
pub fn build_scale_project(
    dir: &std::path::Path,
    docs: usize,
    codings: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    use tema::edit::Edit;
    use tema::model::*;
    let mut store = tema::store::Store::create(dir, "Scale")?;
    let ingrid = store.project().new_coder("Ingrid");
    let (a, mut tom) = (ingrid.id, store.project().new_coder("Tom"));
    tom.slug = "tom".into();
    let b = tom.id;
    let mut edits = vec![Edit::AddCoder { coder: ingrid, index: None }, Edit::AddCoder { coder: tom, index: None }];
    let (places, codes) = documents_and_codes(docs, WORDS_PER_DOC, SCALE_CODES, &mut edits);
    store.apply(Edit::batch("documents and codes", edits))?;
    let mut s = 42u64;
    let mut batch = Vec::with_capacity(codings);
    let mut last: Option<(DocId, Span, CodeId)> = None;
    for i in 0..codings {
        // Every fourth coding is Tom's, on a span near the one before it (a repeat or an
        // overlap with the same code), as in a real double-coded study.
        let coding = match (i % 4, last) {
            (3, Some((doc, span, code))) => {
                let shift = (rng(&mut s) % 30) as usize;
                scale_coding(doc, Span::new(span.start.0 + shift, span.end.0 + shift), code, b)
            }
            _ => {
                let (doc, len) = places[(rng(&mut s) % docs as u64) as usize];
                let start = (rng(&mut s) % (len as u64 - 400)) as usize;
                let span = Span::new(start, start + 20 + (rng(&mut s) % 300) as usize);
                scale_coding(doc, span, codes[(rng(&mut s) % SCALE_CODES as u64) as usize], a)
            }
        };
        last = Some((coding.doc, coding.span, coding.code));
        batch.push(Edit::AddCoding { coding });
    }
    store.apply(Edit::batch("codings", batch))?;
    store.save()?;
    Ok(())
}
