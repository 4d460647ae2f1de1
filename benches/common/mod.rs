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
