//! Text from a project folder or an imported file, made safe to print on a terminal.
//!
//! Names (of coders, codes, documents, participants) come from files that other people
//! wrote. Printed raw, an escape sequence in one could move the cursor, recolour or retitle
//! the terminal, or hide the rest of a line. [`clean_line`] replaces every control character
//! (C0, DEL, C1 — the escape byte among them) by U+FFFD, so what the terminal shows is exactly
//! what the name holds; [`clean`] keeps line breaks and tabs, for multi-line text.

use std::borrow::Cow;

fn is_unsafe(c: char, keep_breaks: bool) -> bool {
    c.is_control() && !(keep_breaks && matches!(c, '\n' | '\t'))
}

fn replace(s: &str, keep_breaks: bool) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe(c, keep_breaks)) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().map(|c| if is_unsafe(c, keep_breaks) { '\u{FFFD}' } else { c }).collect())
}

/// One line: every control character (line breaks and tabs too) becomes U+FFFD.
pub fn clean_line(s: &str) -> Cow<'_, str> {
    replace(s, false)
}

/// Several lines: control characters other than `\n` and `\t` become U+FFFD.
pub fn clean(s: &str) -> Cow<'_, str> {
    replace(s, true)
}

/// Cleans a byte stream on its way to a terminal, as [`clean`] does for a string: C0 controls
/// other than `\n` and `\t`, DEL and the C1 controls (U+0080–U+009F, two bytes in UTF-8)
/// become U+FFFD. Bytes may arrive cut anywhere; a lead byte at the end of one piece waits for
/// the next.
#[derive(Debug, Default)]
pub struct StreamCleaner {
    pending: Option<u8>,
}

const REPLACEMENT: &[u8] = "\u{FFFD}".as_bytes();

impl StreamCleaner {
    pub fn push(&mut self, input: &[u8], out: &mut Vec<u8>) {
        let mut bytes = input.iter().copied();
        if let Some(lead) = self.pending.take() {
            match bytes.next() {
                Some(b) => self.byte_pair(lead, b, out),
                None => {
                    self.pending = Some(lead);
                    return;
                }
            }
        }
        while let Some(b) = bytes.next() {
            if b == 0xC2 {
                match bytes.next() {
                    Some(next) => self.byte_pair(b, next, out),
                    None => self.pending = Some(b),
                }
            } else {
                self.byte(b, out);
            }
        }
    }

    /// What is left at the end of the stream.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        if let Some(b) = self.pending.take() {
            out.push(b);
        }
    }

    fn byte(&mut self, b: u8, out: &mut Vec<u8>) {
        if (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7F {
            out.extend_from_slice(REPLACEMENT);
        } else {
            out.push(b);
        }
    }

    /// `lead` is 0xC2: with a second byte 0x80–0x9F it is a C1 control.
    fn byte_pair(&mut self, lead: u8, b: u8, out: &mut Vec<u8>) {
        if (0x80..=0x9F).contains(&b) {
            out.extend_from_slice(REPLACEMENT);
        } else if b == 0xC2 {
            out.push(lead);
            self.pending = Some(b);
        } else {
            out.push(lead);
            self.byte(b, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_is_cleaned_wherever_it_is_cut() {
        let text = "Ærlig\u{1b}[2J \u{9b}31m ok\n\tå\u{7f}°";
        let expected = clean(text).into_owned();
        // ° (U+00B0) is printable, and its UTF-8 form starts with 0xC2 like a C1 control's.
        assert!(expected.ends_with("\u{FFFD}°"), "{expected}");
        for cut in 0..=text.len() {
            let mut cleaner = StreamCleaner::default();
            let mut out = Vec::new();
            cleaner.push(&text.as_bytes()[..cut], &mut out);
            cleaner.push(&text.as_bytes()[cut..], &mut out);
            cleaner.finish(&mut out);
            assert_eq!(String::from_utf8_lossy(&out), expected, "cut at {cut}");
        }
    }

    #[test]
    fn escape_sequences_are_made_visible_not_obeyed() {
        // ESC [ 2 J clears the screen; ESC ] 0 ; … BEL retitles the window; U+009B is the
        // one-character C1 form of ESC [.
        let name = "Anna\u{1b}[2J\u{1b}]0;pwned\u{7}\u{9b}31m";
        let shown = clean_line(name);
        assert_eq!(shown, "Anna\u{FFFD}[2J\u{FFFD}]0;pwned\u{FFFD}\u{FFFD}31m");
        assert!(!shown.chars().any(char::is_control));
        assert_eq!(clean("a\n\tb\u{1b}"), "a\n\tb\u{FFFD}");
        assert!(matches!(clean_line("Ærlig talt"), Cow::Borrowed(_)));
    }
}
