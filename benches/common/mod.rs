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
