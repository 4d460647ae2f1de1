//! WebVTT (.vtt): auto-transcripts from Teams, Zoom, YouTube and transcription services.
//!
//! Speakers come from voice tags (`<v Ole>...</v>`, `<v.loud Ole>`), or else from a
//! `Name:` label at the start of the cue text (the `Speaker 1: ...` style). Other tags
//! (`<c>`, `<i>`, inline timestamps) are dropped and the character references decoded.
//! NOTE, STYLE and REGION blocks are skipped. Cues become turns in [`super::cues`].

use super::FileError;
use super::cues::{Cue, carry_speakers, label_from_text};
use super::speakers::parse_time;

const FORMAT: &str = "WebVTT (.vtt)";

/// The cues of a WebVTT file (already decoded and normalised to LF line endings).
pub fn parse(text: &str) -> Result<Vec<Cue>, FileError> {
    if !text.starts_with("WEBVTT") {
        return Err(FileError::corrupt(FORMAT, "it does not start with WEBVTT"));
    }
    let mut cues = Vec::new();
    for (line_no, block) in blocks(text) {
        let first = block[0];
        if first.starts_with("WEBVTT")
            || first.starts_with("NOTE")
            || first.starts_with("STYLE")
            || first.starts_with("REGION")
        {
            continue;
        }
        let Some(timing) = block.iter().position(|l| l.contains("-->")) else { continue };
        let (start_ms, end_ms) = timing_line(block[timing]).ok_or_else(|| {
            FileError::corrupt(FORMAT, format!("line {}: bad cue timing “{}”", line_no + timing, block[timing]))
        })?;
        let payload = block[timing + 1..].join("\n");
        for (voice, words) in voices(&payload) {
            let (speaker, words) = match voice {
                Some(v) => (Some(v), words),
                None => label_from_text(words.trim()),
            };
            if !words.trim().is_empty() {
                cues.push(Cue { start_ms, end_ms, speaker, text: words });
            }
        }
    }
    carry_speakers(&mut cues);
    Ok(cues)
}

/// Blocks of non-blank lines, with the line number (from 1) of each block's first line.
pub(crate) fn blocks(text: &str) -> Vec<(usize, Vec<&str>)> {
    let mut out = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    let mut start = 0;
    for (i, line) in text.split('\n').enumerate() {
        if line.trim().is_empty() {
            if !cur.is_empty() {
                out.push((start, std::mem::take(&mut cur)));
            }
        } else {
            if cur.is_empty() {
                start = i + 1;
            }
            cur.push(line.trim_end());
        }
    }
    if !cur.is_empty() {
        out.push((start, cur));
    }
    out
}

/// `00:00:05.120 --> 00:00:15.061 align:start` (SRT's `,` before the milliseconds too).
pub(crate) fn timing_line(line: &str) -> Option<(u64, u64)> {
    let (a, b) = line.split_once("-->")?;
    let start = parse_time(a.trim())?;
    let end = parse_time(b.split_whitespace().next()?)?;
    Some((start, end.max(start)))
}

/// Splits a cue payload by voice: `(speaker, words)` pieces, tags removed.
fn voices(payload: &str) -> Vec<(Option<String>, String)> {
    let mut out: Vec<(Option<String>, String)> = vec![(None, String::new())];
    let mut rest = payload;
    while let Some(lt) = rest.find('<') {
        push_text(&mut out, &rest[..lt]);
        let Some(gt) = rest[lt..].find('>') else {
            push_text(&mut out, &rest[lt..]);
            rest = "";
            break;
        };
        let tag = &rest[lt + 1..lt + gt];
        rest = &rest[lt + gt + 1..];
        if let Some(v) = tag.strip_prefix('v').filter(|t| t.starts_with([' ', '.', '\t'])) {
            // <v Name> or <v.class Name>
            let name = v.trim_start_matches(|c: char| c != ' ' && c != '\t').trim();
            out.push((Some(decode_entities(name)).filter(|n| !n.is_empty()), String::new()));
        } else if tag == "/v" {
            out.push((None, String::new()));
        }
    }
    push_text(&mut out, rest);
    out.into_iter()
        .filter(|(_, t)| !t.trim().is_empty())
        .map(|(v, t)| (v, t.replace('\n', " ").trim().to_string()))
        .collect()
}

fn push_text(out: &mut [(Option<String>, String)], s: &str) {
    if let Some(last) = out.last_mut() {
        last.1.push_str(&decode_entities(s));
    }
}

/// The character references WebVTT allows (and the numeric ones).
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest.find(';').filter(|semi| *semi <= 10).and_then(|semi| {
            let name = &rest[1..semi];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "nbsp" => Some('\u{A0}'),
                "lrm" => Some('\u{200E}'),
                "rlm" => Some('\u{200F}'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                n if n.starts_with("#x") || n.starts_with("#X") => {
                    u32::from_str_radix(&n[2..], 16).ok().and_then(char::from_u32)
                }
                n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            c.map(|c| (c, semi))
        });
        match decoded {
            Some((c, semi)) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn voices_notes_and_labels() -> Result<(), FileError> {
        let vtt = "WEBVTT - test\n\nNOTE a comment\nover two lines\n\nSTYLE\n::cue { color: red }\n\n\
                   id-1\n00:00:05.120 --> 00:00:15.061 align:start\n<v Moderator>OK, <i>velkommen</i> &amp; hei.</v>\n\n\
                   00:15.250 --> 00:17.000\n<v.loud Ole Hansen>Jeg</v>\n<v Åse>Og jeg 😀</v>\n\n\
                   00:00:18.000 --> 00:00:19.000\nSpeaker 1: plain label\n\n\
                   00:00:19.000 --> 00:00:20.000\ncarried on";
        let cues = parse(vtt)?;
        let got: Vec<(u64, Option<&str>, &str)> =
            cues.iter().map(|c| (c.start_ms, c.speaker.as_deref(), c.text.as_str())).collect();
        assert_eq!(
            got,
            [
                (5_120, Some("Moderator"), "OK, velkommen & hei."),
                (15_250, Some("Ole Hansen"), "Jeg"),
                (15_250, Some("Åse"), "Og jeg 😀"),
                (18_000, Some("Speaker 1"), "plain label"),
                (19_000, Some("Speaker 1"), "carried on"),
            ]
        );
        assert_eq!(cues[0].end_ms, 15_061);
        Ok(())
    }

    #[test]
    fn bad_files() {
        assert!(matches!(parse("hello"), Err(FileError::Corrupt { .. })));
        assert!(matches!(parse("WEBVTT\n\n00:00:01.000 --> soon\nhi"), Err(FileError::Corrupt { .. })));
    }
}
