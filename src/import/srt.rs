//! SubRip (.srt): numbered cues with `00:00:01,000 --> 00:00:04,000` timings. SRT has no
//! voice tags, so speakers come from a `Name:` (or `[Name]`) label at the start of a cue;
//! formatting tags (`<i>`, `<font ...>`) and position codes (`{\an8}`) are dropped.

use super::FileError;
use super::cues::{Cue, carry_speakers, label_from_text};
use super::vtt::{blocks, timing_line};

const FORMAT: &str = "SubRip (.srt)";

/// The cues of an SRT file (already decoded and normalised to LF line endings).
pub fn parse(text: &str) -> Result<Vec<Cue>, FileError> {
    let mut cues = Vec::new();
    for (line_no, block) in blocks(text) {
        let Some(timing) = block.iter().position(|l| l.contains("-->")) else {
            return Err(FileError::corrupt(FORMAT, format!("line {line_no}: a cue without a timing line")));
        };
        let (start_ms, end_ms) = timing_line(block[timing]).ok_or_else(|| {
            FileError::corrupt(FORMAT, format!("line {}: bad cue timing “{}”", line_no + timing, block[timing]))
        })?;
        let words = strip_tags(&block[timing + 1..].join(" "));
        let (speaker, words) = label_from_text(words.trim());
        if !words.trim().is_empty() {
            cues.push(Cue { start_ms, end_ms, speaker, text: words });
        }
    }
    carry_speakers(&mut cues);
    Ok(cues)
}

fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    loop {
        let next = rest.find(['<', '{']);
        let Some(i) = next else { break };
        let close = if rest[i..].starts_with('<') { '>' } else { '}' };
        let Some(j) = rest[i..].find(close) else { break };
        let tag = &rest[i + 1..i + j];
        let is_tag = if close == '>' {
            tag.trim_start_matches('/').chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        } else {
            tag.starts_with('\\')
        };
        out.push_str(&rest[..i]);
        if !is_tag {
            out.push_str(&rest[i..i + j + 1]);
        }
        rest = &rest[i + j + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cues_labels_and_tags() -> Result<(), FileError> {
        let srt = "1\n00:00:01,000 --> 00:00:04,500\nIntervjuer: <i>Hvordan</i> gikk det?\n\n\
                   2\n00:00:05,000 --> 00:00:07,000\n{\\an8}J4: Bra, takk.\nPå ny linje 😀\n\n\
                   3\n00:00:07,000 --> 00:00:08,000\nfortsatt J4 (a < b)";
        let cues = parse(srt)?;
        let got: Vec<(u64, u64, Option<&str>, &str)> =
            cues.iter().map(|c| (c.start_ms, c.end_ms, c.speaker.as_deref(), c.text.as_str())).collect();
        assert_eq!(
            got,
            [
                (1_000, 4_500, Some("Intervjuer"), "Hvordan gikk det?"),
                (5_000, 7_000, Some("J4"), "Bra, takk. På ny linje 😀"),
                (7_000, 8_000, Some("J4"), "fortsatt J4 (a < b)"),
            ]
        );
        Ok(())
    }

    #[test]
    fn broken_timing_is_refused() {
        assert!(matches!(parse("1\n00:00:01 --> x\nhi"), Err(FileError::Corrupt { .. })));
        assert!(matches!(parse("just some text\n"), Err(FileError::Corrupt { .. })));
    }
}
