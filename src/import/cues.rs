//! Timed cues of subtitle-style transcripts (WebVTT, SRT) merged into speaker turns.
//!
//! Auto-transcripts cut speech into cues of a few seconds each. Consecutive cues of the same
//! speaker become one turn, written as one paragraph `Speaker: words words ...`, with the
//! media time of its first cue's start and its last cue's end. A cue without a speaker
//! continues the previous cue's speaker (tools label only changes of speaker). Cues before
//! any speaker are plain paragraphs, broken where the recording pauses for two seconds or
//! more.

use super::normalise::normalise;
use super::speakers::{self, DetectedTurn};
use crate::model::{Span, name_key};

/// A pause that starts a new paragraph in text without speakers.
const PARAGRAPH_PAUSE_MS: u64 = 2_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cue {
    pub start_ms: u64,
    pub end_ms: u64,
    pub speaker: Option<String>,
    pub text: String,
}

/// Splits a `Speaker: words` label off a cue's text when the cue names no speaker itself.
pub(crate) fn label_from_text(text: &str) -> (Option<String>, String) {
    match speakers::parse_label(text) {
        Some(l) if !l.rest.is_empty() => (Some(l.speaker.to_string()), l.rest.to_string()),
        _ => (None, text.to_string()),
    }
}

/// Gives unlabelled cues the speaker of the cue before them.
pub(crate) fn carry_speakers(cues: &mut [Cue]) {
    let mut last: Option<String> = None;
    for cue in cues {
        match &cue.speaker {
            Some(s) => last = Some(s.clone()),
            None => cue.speaker = last.clone(),
        }
    }
}

/// The document text and its turns (see the module docs).
pub fn merge(cues: Vec<Cue>) -> (String, Vec<DetectedTurn>) {
    let mut text = String::new();
    let mut chars = 0usize;
    let mut turns: Vec<DetectedTurn> = Vec::new();
    // Start of each paragraph, and whether it is a turn.
    let mut paragraphs: Vec<(usize, bool)> = Vec::new();
    let mut prev: Option<(Option<String>, u64)> = None; // speaker key and end time of the last cue
    for cue in cues {
        let words = normalise(cue.text.split_whitespace().collect::<Vec<_>>().join(" "));
        if words.is_empty() {
            continue;
        }
        let speaker = cue.speaker.map(|s| normalise(s.split_whitespace().collect::<Vec<_>>().join(" ")));
        let key = speaker.as_deref().map(name_key);
        let same = match &prev {
            Some((k, end)) => *k == key && (key.is_some() || cue.start_ms.saturating_sub(*end) < PARAGRAPH_PAUSE_MS),
            None => false,
        };
        if same {
            text.push(' ');
            chars += 1;
            if let Some(t) = turns.last_mut().filter(|_| key.is_some()) {
                t.end_ms = Some(cue.end_ms);
            }
        } else {
            if !text.is_empty() {
                text.push_str("\n\n");
                chars += 2;
            }
            paragraphs.push((chars, speaker.is_some()));
            if let Some(s) = &speaker {
                turns.push(DetectedTurn {
                    span: Span::new(chars, chars),
                    speaker: s.clone(),
                    start_ms: Some(cue.start_ms),
                    end_ms: Some(cue.end_ms),
                });
                text.push_str(s);
                text.push_str(": ");
                chars += s.chars().count() + 2;
            }
        }
        text.push_str(&words);
        chars += words.chars().count();
        prev = Some((key, cue.end_ms));
    }
    // A turn runs to the start of the next paragraph, the last to the end of the text.
    let mut turn = 0;
    for (i, (start, is_turn)) in paragraphs.iter().enumerate() {
        if !is_turn {
            continue;
        }
        let end = paragraphs.get(i + 1).map_or(chars, |p| p.0);
        if let Some(t) = turns.get_mut(turn) {
            t.span = Span::new(*start, end);
        }
        turn += 1;
    }
    (text, turns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::text::slice;

    fn cue(a: u64, b: u64, who: Option<&str>, text: &str) -> Cue {
        Cue { start_ms: a, end_ms: b, speaker: who.map(String::from), text: text.into() }
    }

    #[test]
    fn consecutive_cues_of_a_speaker_become_one_turn() {
        let (text, turns) = merge(vec![
            cue(0, 1000, None, "Før opptaket."),
            cue(5000, 7000, Some("Moderator"), "Velkommen alle,"),
            cue(7000, 9000, Some("Moderator"), "la oss  starte."),
            cue(9500, 12000, Some("Ole"), "Jeg kan begynne 😀"),
            cue(12000, 13000, Some("moderator"), "Takk, Åse."),
        ]);
        assert_eq!(
            text,
            "Før opptaket.\n\nModerator: Velkommen alle, la oss starte.\n\nOle: Jeg kan begynne 😀\n\nmoderator: Takk, Åse."
        );
        assert_eq!(turns.len(), 3);
        assert_eq!(slice(&text, turns[0].span), Some("Moderator: Velkommen alle, la oss starte.\n\n"));
        assert_eq!((turns[0].start_ms, turns[0].end_ms), (Some(5000), Some(9000)));
        assert_eq!(slice(&text, turns[1].span), Some("Ole: Jeg kan begynne 😀\n\n"));
        assert_eq!(slice(&text, turns[2].span), Some("moderator: Takk, Åse."));
        assert_eq!(turns[2].span.end.get(), text.chars().count());
    }

    #[test]
    fn unlabelled_cues_break_at_pauses() {
        let (text, turns) =
            merge(vec![cue(0, 1000, None, "one"), cue(1500, 2000, None, "two"), cue(9000, 9500, None, "three")]);
        assert_eq!(text, "one two\n\nthree");
        assert!(turns.is_empty());
    }
}
