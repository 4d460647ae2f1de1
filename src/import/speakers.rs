//! Finding speaker turns in a transcript's normalised text.
//!
//! A turn starts on a line that begins with a speaker label. The built-in shapes:
//!
//! | shape | example |
//! |---|---|
//! | name and colon | `Interviewer: So how did it go?`, `J1: Well...`, `INT: ...`, `Speaker 1: ...` |
//! | name in brackets | `[Kari] I think...`, `[Kari]: I think...` |
//! | timestamp first | `[00:01:02] Kari: I think...`, `(01:02) Kari: ...`, `00:01:02 - Kari: ...` |
//! | time after the name | `Kari (00:01:02): I think...` |
//! | header line | `Speaker 1  00:01:02` or `Kari (1:02)` alone on a line, the words on the lines below |
//! | table cell | `Kari<TAB>I think...` (a two-column transcript table from Word) |
//!
//! A label is 1–40 characters and at most four words; it starts with a capital letter (or a
//! letter of a script without case, or a digit-free role word like `interviewer`), and holds
//! letters, digits, spaces and `.-'’_()`. To keep "Note: ..." in field notes from becoming
//! a speaker, a label counts only if it occurs on at least two lines of the document or
//! names a known participant (label or alias) or a role (interviewer, moderator, respondent,
//! ...), and never if it is a common heading word (`Note`, `Date`, `Present`, `Tid`, ...).
//!
//! A custom pattern (a regular expression with a named group `speaker` and optionally
//! `time`) replaces the built-in shapes; it is matched at the start of each line and every
//! match counts.
//!
//! Turns are char spans over the text: a turn runs from the start of its label's line to the
//! start of the next turn (the last to the end of the text), so consecutive turns tile the
//! dialogue, label included. Text before the first label (a title, a preamble) is in no turn.

use crate::model::{Span, name_key};
use regex::Regex;

/// A speaker label at the start of a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label<'a> {
    pub speaker: &'a str,
    /// Media time written with the label, in milliseconds.
    pub time_ms: Option<u64>,
    /// The words after the label on the same line.
    pub rest: &'a str,
}

/// A turn found in a text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DetectedTurn {
    pub span: Span,
    /// The speaker as written (inner white space collapsed).
    pub speaker: String,
    pub start_ms: Option<u64>,
    pub end_ms: Option<u64>,
}

/// How labels are recognised.
#[derive(Clone, Debug, Default)]
pub enum SpeakerPattern {
    #[default]
    Builtin,
    /// Anchored at the start of the line; has a `speaker` group and maybe a `time` group.
    Custom(Regex),
}

impl SpeakerPattern {
    /// A custom pattern; it must have a named group `speaker`.
    pub fn custom(pattern: &str) -> Result<Self, String> {
        let re = Regex::new(&format!("^(?:{pattern})")).map_err(|e| e.to_string())?;
        if !re.capture_names().flatten().any(|n| n == "speaker") {
            return Err(format!("{pattern:?} has no named group (?P<speaker>...) for the speaker's name"));
        }
        Ok(SpeakerPattern::Custom(re))
    }

    fn label<'a>(&self, line: &'a str) -> Option<Label<'a>> {
        match self {
            SpeakerPattern::Builtin => parse_label(line),
            SpeakerPattern::Custom(re) => {
                let caps = re.captures(line)?;
                let speaker = caps.name("speaker")?.as_str().trim();
                if speaker.is_empty() {
                    return None;
                }
                let rest = &line[caps.get(0).map_or(0, |m| m.end())..];
                Some(Label { speaker, time_ms: caps.name("time").and_then(|t| parse_time(t.as_str())), rest })
            }
        }
    }
}

/// Words that name the one asking the questions; such speakers are flagged as interviewers.
const INTERVIEWER_WORDS: &[&str] = &[
    "interviewer",
    "intervjuer",
    "intervjuar",
    "moderator",
    "co-moderator",
    "facilitator",
    "researcher",
    "forsker",
    "ordstyrer",
    "i",
    "int",
    "q",
    "question",
];

/// Words that name the one answering; in a file named after a participant (J1.docx) such a
/// speaker is that participant.
const RESPONDENT_WORDS: &[&str] =
    &["respondent", "r", "a", "answer", "participant", "p", "interviewee", "ip", "informant", "deltaker", "deltakar"];

/// Heading words that are not speakers even when they recur.
const NOT_SPEAKERS: &[&str] = &[
    "note",
    "notes",
    "nb",
    "ps",
    "p.s",
    "obs",
    "date",
    "time",
    "place",
    "location",
    "setting",
    "present",
    "participants",
    "attendees",
    "absent",
    "subject",
    "re",
    "topic",
    "agenda",
    "summary",
    "title",
    "source",
    "duration",
    "transcript",
    "transcribed by",
    "recording",
    "file",
    "context",
    "aim",
    "purpose",
    "observation",
    "observations",
    "reflection",
    "reflections",
    "memo",
    "todo",
    "update",
    "example",
    "e.g",
    "i.e",
    "dato",
    "tid",
    "sted",
    "til stede",
    "tema",
    "merknad",
    "kilde",
    "varighet",
    "mandag",
    "tirsdag",
    "onsdag",
    "torsdag",
    "fredag",
    "lørdag",
    "søndag",
];

/// The English weekdays, in lower case: a heading in field notes ("Monday:") and a
/// capitalised word that is not a name (the pseudonymisation scan) alike.
pub(crate) const WEEKDAYS: &[&str] = &["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

/// The role word of a speaker name, ignoring case, a trailing number (`Interviewer 2`) and a
/// trailing full stop (`Int.`).
fn role_word(speaker: &str) -> String {
    let key = name_key(speaker);
    let key = key.trim_end_matches('.');
    let base = match key.rsplit_once(' ') {
        Some((head, tail)) if tail.chars().all(|c| c.is_ascii_digit()) => head,
        _ => key,
    };
    base.to_string()
}

/// Whether a speaker name is an interviewer's role (`Interviewer`, `Intervjuer`, `Moderator`,
/// `I`, `INT`, `Q`, ...).
pub fn is_interviewer_name(speaker: &str) -> bool {
    INTERVIEWER_WORDS.contains(&role_word(speaker).as_str())
}

/// Whether a speaker name is the answering side's role (`Respondent`, `R`, `Participant`, ...).
pub fn is_respondent_name(speaker: &str) -> bool {
    RESPONDENT_WORDS.contains(&role_word(speaker).as_str())
}

fn is_not_speaker(speaker: &str) -> bool {
    let key = name_key(speaker);
    let key = key.trim_end_matches('.');
    NOT_SPEAKERS.contains(&key) || WEEKDAYS.contains(&key)
}

/// Whether `s` can be a speaker's name.
fn valid_label(s: &str) -> bool {
    let len = s.chars().count();
    if !(1..=40).contains(&len) || s.split_whitespace().count() > 4 {
        return false;
    }
    let Some(first) = s.chars().next() else { return false };
    if !first.is_alphabetic() || (first.is_lowercase() && !is_interviewer_name(s) && !is_respondent_name(s)) {
        return false;
    }
    // A number with a point in it is a time or a section number (`At 13.00`, `Step 2.1`).
    let numbered = s
        .as_bytes()
        .windows(2)
        .any(|w| (w[0].is_ascii_digit() && w[1] == b'.') || (w[0] == b'.' && w[1].is_ascii_digit()));
    !numbered && s.chars().all(|c| c.is_alphanumeric() || matches!(c, ' ' | '.' | '-' | '\'' | '’' | '_' | '(' | ')'))
}

/// Parses `H:MM:SS`, `MM:SS` or either with `.mmm`/`,mmm` into milliseconds.
pub fn parse_time(s: &str) -> Option<u64> {
    let s = s.trim();
    let (main, frac) = match s.find(['.', ',']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let parts: Vec<&str> = main.split(':').collect();
    if !(2..=3).contains(&parts.len())
        || parts.iter().any(|p| p.is_empty() || p.len() > 2 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let nums: Vec<u64> = parts.iter().filter_map(|p| p.parse().ok()).collect();
    let (h, m, sec) = match nums.as_slice() {
        [m, s] => (0, *m, *s),
        [h, m, s] => (*h, *m, *s),
        _ => return None,
    };
    if sec >= 60 || (parts.len() == 3 && m >= 60) {
        return None;
    }
    let ms = match frac {
        None => 0,
        Some(f) if !f.is_empty() && f.len() <= 3 && f.bytes().all(|b| b.is_ascii_digit()) => {
            f.parse::<u64>().ok()? * 10u64.pow(3 - f.len() as u32)
        }
        Some(_) => return None,
    };
    Some(((h * 60 + m) * 60 + sec) * 1000 + ms)
}

/// Splits a time-looking prefix (`[00:01:02]`, `(1:02)`, `00:01:02 -`) off a line.
fn time_prefix(line: &str) -> Option<(u64, &str)> {
    let (inner, rest) = if let Some(r) = line.strip_prefix('[') {
        let end = r.find(']')?;
        (&r[..end], &r[end + 1..])
    } else if let Some(r) = line.strip_prefix('(') {
        let end = r.find(')')?;
        (&r[..end], &r[end + 1..])
    } else {
        let end = line.find(|c: char| c.is_whitespace())?;
        (&line[..end], &line[end..])
    };
    let ms = parse_time(inner)?;
    let rest = rest.trim_start();
    let rest = rest.strip_prefix("- ").or_else(|| rest.strip_prefix("– ")).unwrap_or(rest).trim_start();
    Some((ms, rest))
}

/// A name with a time after it: `Kari (00:01:02)` or `Speaker 1  00:01:02`.
fn name_and_time(s: &str) -> Option<(&str, u64)> {
    let s = s.trim_end();
    if let Some(open) = s.strip_suffix(')').and_then(|r| r.rfind('(')) {
        let time = parse_time(&s[open + 1..s.len() - 1])?;
        let name = s[..open].trim_end();
        return valid_label(name).then_some((name, time));
    }
    // The whitespace found may be more than one byte (a no-break space): split after it.
    let (split, space) = s.char_indices().rev().find(|(_, c)| c.is_whitespace())?;
    let time = parse_time(&s[split + space.len_utf8()..])?;
    let name = s[..split].trim_end();
    valid_label(name).then_some((name, time))
}

/// The speaker label at the start of a line, in any of the built-in shapes (module docs).
pub fn parse_label(line: &str) -> Option<Label<'_>> {
    let line = line.trim_start_matches([' ', '\t']);
    let first = line.chars().next()?;
    if !(first.is_alphanumeric() || first == '[' || first == '(') {
        return None;
    }
    let (time_ms, rest) = match time_prefix(line) {
        Some((ms, rest)) => (Some(ms), rest),
        None => (None, line),
    };
    // [Name] words
    if let Some(r) = rest.strip_prefix('[') {
        let end = r.find(']')?;
        let name = r[..end].trim();
        let after = &r[end + 1..];
        let after = after.strip_prefix(':').unwrap_or(after);
        if valid_label(name) && (after.is_empty() || after.starts_with([' ', '\t'])) {
            return Some(Label { speaker: name, time_ms, rest: after.trim_start() });
        }
        return None;
    }
    // Name: words   /   Name (00:01:02): words
    let head_len = (0..=rest.len().min(64)).rev().find(|i| rest.is_char_boundary(*i)).unwrap_or(0);
    let head = &rest[..head_len];
    // The first colon that ends a label: followed by white space or the end of the line.
    let colon = head.match_indices(':').map(|(i, _)| i).find(|i| {
        let after = &rest[i + 1..];
        after.is_empty() || after.starts_with([' ', '\t'])
    });
    if let Some(colon) = colon {
        let after = &rest[colon + 1..];
        {
            let name = rest[..colon].trim_end();
            if valid_label(name) {
                return Some(Label { speaker: name, time_ms, rest: after.trim_start() });
            }
            if time_ms.is_none()
                && let Some((name, t)) = name_and_time(name)
            {
                return Some(Label { speaker: name, time_ms: Some(t), rest: after.trim_start() });
            }
        }
    }
    if time_ms.is_some() {
        return None;
    }
    // Name<TAB>words
    if let Some(tab) = head.find('\t') {
        let name = rest[..tab].trim_end();
        if valid_label(name) && !rest[tab..].trim().is_empty() {
            return Some(Label { speaker: name, time_ms: None, rest: rest[tab..].trim_start() });
        }
    }
    // Header line: Speaker 1  00:01:02
    if rest.len() <= 64
        && let Some((name, t)) = name_and_time(rest)
    {
        return Some(Label { speaker: name, time_ms: Some(t), rest: "" });
    }
    None
}

fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Finds the speaker turns of a normalised text (see the module docs). `is_known` says
/// whether a name is a known participant's label or alias; such labels count even once.
pub fn detect_turns(text: &str, pattern: &SpeakerPattern, is_known: &dyn Fn(&str) -> bool) -> Vec<DetectedTurn> {
    struct Candidate {
        start: usize,
        speaker: String,
        time_ms: Option<u64>,
    }
    let ascii = text.is_ascii();
    let mut candidates = Vec::new();
    let mut chars = 0usize;
    for line in text.split('\n') {
        if let Some(label) = pattern.label(line) {
            candidates.push(Candidate { start: chars, speaker: collapse(label.speaker), time_ms: label.time_ms });
        }
        chars += if ascii { line.len() } else { line.chars().count() } + 1;
    }
    let char_len = chars.saturating_sub(1);
    if matches!(pattern, SpeakerPattern::Builtin) {
        let mut counts = std::collections::HashMap::<String, usize>::new();
        for c in &candidates {
            *counts.entry(name_key(&c.speaker)).or_insert(0) += 1;
        }
        candidates.retain(|c| {
            !is_not_speaker(&c.speaker)
                && (c.time_ms.is_some()
                    || counts.get(&name_key(&c.speaker)).copied().unwrap_or(0) >= 2
                    || is_known(&c.speaker)
                    || is_interviewer_name(&c.speaker)
                    || is_respondent_name(&c.speaker))
        });
    }
    let ends: Vec<usize> = candidates.iter().skip(1).map(|c| c.start).chain(std::iter::once(char_len)).collect();
    candidates
        .into_iter()
        .zip(ends)
        .map(|(c, end)| DetectedTurn {
            span: Span::new(c.start, end),
            speaker: c.speaker,
            start_ms: c.time_ms,
            end_ms: None,
        })
        .filter(|t| !t.span.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::text::slice;

    fn label(line: &str) -> Option<(String, Option<u64>)> {
        parse_label(line).map(|l| (l.speaker.to_string(), l.time_ms))
    }

    #[test]
    fn label_shapes() {
        let s = |x: &str| Some((x.to_string(), None));
        assert_eq!(label("Interviewer: So how did it go?"), s("Interviewer"));
        assert_eq!(label("J1: Well, um."), s("J1"));
        assert_eq!(label("INT: Yes"), s("INT"));
        assert_eq!(label("Speaker 1: hello"), s("Speaker 1"));
        assert_eq!(label("Intervjuer:"), s("Intervjuer"));
        assert_eq!(label("[Kari] Jeg tror"), s("Kari"));
        assert_eq!(label("[Kari]: Jeg tror"), s("Kari"));
        assert_eq!(label("Kari\tJeg tror"), s("Kari"));
        assert_eq!(label("[00:01:02] Kari: Jeg tror"), Some(("Kari".into(), Some(62_000))));
        assert_eq!(label("(01:02) Kari: ja"), Some(("Kari".into(), Some(62_000))));
        assert_eq!(label("00:01:02.5 - Kari: ja"), Some(("Kari".into(), Some(62_500))));
        assert_eq!(label("Kari (00:01:02): ja"), Some(("Kari".into(), Some(62_000))));
        assert_eq!(label("Speaker 1  00:01:02"), Some(("Speaker 1".into(), Some(62_000))));
        assert_eq!(label("Ole Hansen (1:02:03)"), Some(("Ole Hansen".into(), Some(3_723_000))));
        assert_eq!(label("  Åse: hei"), s("Åse"));
    }

    #[test]
    fn not_labels() {
        for line in [
            "so: lowercase start",
            "see https://example.org for more",
            "At 13.00: the meeting began",
            "[laughs] and then",
            "This is a very long sentence that happens to have a colon: here",
            "12:30 the meeting",
            "",
            "Kari",
            "[00:01:02] just words",
        ] {
            assert_eq!(label(line), None, "{line:?}");
        }
    }

    #[test]
    fn times() {
        assert_eq!(parse_time("00:00:05.120"), Some(5_120));
        assert_eq!(parse_time("1:02"), Some(62_000));
        assert_eq!(parse_time("01:02:03,4"), Some(3_723_400));
        assert_eq!(parse_time("1:60"), None);
        assert_eq!(parse_time("a:02"), None);
        assert_eq!(parse_time("13.00"), None);
    }

    #[test]
    fn turns_tile_the_dialogue_on_norwegian_and_emoji() {
        let text = "Intervju J4 — Sørvik\n\nIntervjuer: Hvordan gikk møtet? 😀\n\nJ4: Æsj, det var tungt.\nMen vi fikk det til.\n\nIntervjuer: Og så?\n\nJ4: Så gikk vi hjem 🏠";
        let turns = detect_turns(text, &SpeakerPattern::Builtin, &|_| false);
        let who: Vec<&str> = turns.iter().map(|t| t.speaker.as_str()).collect();
        assert_eq!(who, ["Intervjuer", "J4", "Intervjuer", "J4"]);
        for w in turns.windows(2) {
            assert_eq!(w[0].span.end, w[1].span.start, "turns tile");
        }
        let n = text.chars().count();
        assert_eq!(turns.last().map(|t| t.span.end.get()), Some(n));
        assert_eq!(slice(text, turns[0].span), Some("Intervjuer: Hvordan gikk møtet? 😀\n\n"));
        assert_eq!(slice(text, turns[1].span), Some("J4: Æsj, det var tungt.\nMen vi fikk det til.\n\n"));
        assert_eq!(slice(text, turns[3].span), Some("J4: Så gikk vi hjem 🏠"));
        // The title is in no turn.
        assert_eq!(turns[0].span.start.get(), "Intervju J4 — Sørvik\n\n".chars().count());
    }

    #[test]
    fn one_off_headings_are_not_speakers() {
        let text = "Present: J2, T2, S1 and E3.\n\nDate: 12 March\n\nNote: the room was cold.\n\nNote: coffee.\n\nThe meeting began late.";
        assert!(detect_turns(text, &SpeakerPattern::Builtin, &|_| false).is_empty());
        // A known participant's label counts even once.
        let turns = detect_turns("Kari: hei\n\nsomething", &SpeakerPattern::Builtin, &|s| s == "Kari");
        assert_eq!(turns.len(), 1);
    }

    #[test]
    fn header_lines_give_times() {
        let text = "Speaker 1  00:00:03\nHello there.\n\nSpeaker 2  00:00:07\nHi.\nHow are you?";
        let turns = detect_turns(text, &SpeakerPattern::Builtin, &|_| false);
        assert_eq!(turns.len(), 2);
        assert_eq!((turns[0].speaker.as_str(), turns[0].start_ms), ("Speaker 1", Some(3_000)));
        assert_eq!(slice(text, turns[1].span), Some("Speaker 2  00:00:07\nHi.\nHow are you?"));
    }

    #[test]
    fn custom_pattern() -> Result<(), String> {
        let p = SpeakerPattern::custom(r"(?P<speaker>[A-Z]{2,3}) >>")?;
        let turns = detect_turns("MOD >> hi\nKA >> hello\nnot this", &p, &|_| false);
        assert_eq!(turns.iter().map(|t| t.speaker.as_str()).collect::<Vec<_>>(), ["MOD", "KA"]);
        assert!(SpeakerPattern::custom("(no group)").is_err());
        assert!(SpeakerPattern::custom("(").is_err());
        Ok(())
    }

    #[test]
    fn roles() {
        assert!(is_interviewer_name("Interviewer"));
        assert!(is_interviewer_name("INTERVJUER"));
        assert!(is_interviewer_name("Moderator 2"));
        assert!(is_interviewer_name("Int."));
        assert!(is_interviewer_name("I"));
        assert!(!is_interviewer_name("Kari"));
        assert!(is_respondent_name("R"));
        assert!(is_respondent_name("Respondent"));
    }
}
