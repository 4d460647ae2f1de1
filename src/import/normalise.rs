//! Normalising a document's text once, on import, so that character offsets mean the same
//! thing forever after.
//!
//! What changes:
//! - line endings become LF (`\r\n` and a lone `\r`, and the other line separators: vertical
//!   tab and form feed from Word and PDF exports, NEL, U+2028 and U+2029);
//! - control characters are removed (C0 except tab and LF, DEL, C1, the byte-order mark
//!   U+FEFF and the non-characters U+FFFE/U+FFFF);
//! - the text is put in Unicode NFC, so `å` is one char whether the file spelled it as one
//!   code point or as `a` + combining ring;
//! - blank lines at the very start and whitespace at the very end are dropped.
//!
//! Everything else is kept exactly: spaces and tabs inside lines, blank lines between
//! paragraphs, punctuation, the U+FFFD of a byte that could not be decoded.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Normalises `text` (see the module docs). Reuses the allocation when the text is already
/// clean, which is the common case for UTF-8 transcripts.
pub fn normalise(text: String) -> String {
    let mut text = if needs_cleaning(&text) { clean(&text) } else { text };
    if !text.is_ascii() && is_nfc_quick(text.chars()) != IsNormalized::Yes {
        text = text.nfc().collect();
    }
    trim_edges(text)
}

/// Normalises a piece of text that goes into an existing document (a correction): like
/// [`normalise`], but nothing is trimmed, since the spaces at its edges are part of it.
pub fn normalise_fragment(text: &str) -> String {
    let mut text = if needs_cleaning(text) { clean(text) } else { text.to_string() };
    if !text.is_ascii() && is_nfc_quick(text.chars()) != IsNormalized::Yes {
        text = text.nfc().collect();
    }
    text
}

/// Whether a char is a line separator that becomes `\n`.
fn is_line_separator(c: char) -> bool {
    matches!(c, '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// Whether a char is removed.
fn is_removed(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t' && !is_line_separator(c))
        || matches!(c, '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}')
}

fn needs_cleaning(text: &str) -> bool {
    let bytes_dirty = text.bytes().any(|b| (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7F);
    bytes_dirty || (!text.is_ascii() && text.chars().any(|c| !c.is_ascii() && (is_removed(c) || is_line_separator(c))))
}

fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push('\n');
                }
            }
            c if is_line_separator(c) => out.push('\n'),
            c if is_removed(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Drops whole blank lines at the start and any whitespace at the end.
fn trim_edges(mut text: String) -> String {
    let end = text.trim_end().len();
    text.truncate(end);
    // Start of the first line that has something on it.
    let first = text.find(|c: char| !c.is_whitespace()).unwrap_or(text.len());
    let start = text[..first].rfind('\n').map_or(0, |i| i + 1);
    if start > 0 {
        text.drain(..start);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> String {
        normalise(s.to_string())
    }

    #[test]
    fn line_endings_become_lf() {
        assert_eq!(n("a\r\nb\rc\nd"), "a\nb\nc\nd");
        assert_eq!(n("a\u{2028}b\u{0C}c\u{85}d"), "a\nb\nc\nd");
        assert_eq!(n("a\r\n\r\nb"), "a\n\nb");
    }

    #[test]
    fn controls_removed_tabs_kept() {
        assert_eq!(n("\u{FEFF}Hei\u{0}\u{7}\tpå\u{7F}\u{9B} deg"), "Hei\tpå deg");
    }

    #[test]
    fn nfc_composes_norwegian_letters() {
        let decomposed = "Ga\u{030A}rd og sma\u{030A} ting 😀";
        let out = n(decomposed);
        assert_eq!(out, "Gård og små ting 😀");
        assert_eq!(out.chars().count(), 18);
    }

    #[test]
    fn inner_whitespace_kept_edges_trimmed() {
        assert_eq!(n("\n  \n  Title  \n\nText  with   spaces \n\n\n"), "  Title  \n\nText  with   spaces");
        assert_eq!(n("   \n \t\n"), "");
    }

    #[test]
    fn clean_text_keeps_its_allocation() {
        let s = String::from("Interviewer: Hello.\n\nJ1: Hi.");
        let ptr = s.as_ptr();
        let out = normalise(s);
        assert_eq!(out.as_ptr(), ptr);
    }
}
