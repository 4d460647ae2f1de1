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

/// [`normalise`], also telling where each char of the input went: `map[i]` is the char
/// offset in the output of the input's char `i` (or, for a char that was dropped, of the
/// char that followed it); `map[n]` is the output's length. The map is monotonic, so a span
/// of the input maps to the span of the output that holds what is left of it. REFI-QDA
/// import uses it to carry selections counted over a source file onto the normalised text.
pub fn normalise_with_map(text: &str) -> (String, Vec<usize>) {
    // 1. Line endings and control characters, as `clean` does.
    let mut cleaned = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len() + 1);
    let mut out_len = 0usize;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        map.push(out_len);
        let kept = match c {
            '\r' if chars.peek() == Some(&'\n') => None,
            '\r' => Some('\n'),
            c if is_line_separator(c) => Some('\n'),
            c if is_removed(c) => None,
            c => Some(c),
        };
        if let Some(k) = kept {
            cleaned.push(k);
            out_len += 1;
        }
    }
    map.push(out_len);
    // 2. NFC, one run at a time: a run starts at an ASCII char (which never composes with
    // what precedes it nor reorders), so composing each run alone equals composing the
    // whole text, and chars outside changed runs keep exact positions.
    let (composed, nfc_map) = nfc_with_map(cleaned);
    if let Some(nfc_map) = nfc_map {
        for m in map.iter_mut() {
            *m = nfc_map[*m];
        }
    }
    // 3. Blank lines at the start and whitespace at the end.
    let before = composed.chars().count();
    let end_bytes = composed.trim_end().len();
    let first = composed[..end_bytes].find(|c: char| !c.is_whitespace()).unwrap_or(end_bytes);
    let start_bytes = composed[..first].rfind('\n').map_or(0, |i| i + 1);
    let dropped_front = composed[..start_bytes].chars().count();
    let kept = composed[start_bytes..end_bytes].chars().count();
    debug_assert!(dropped_front + kept <= before);
    for m in map.iter_mut() {
        *m = m.saturating_sub(dropped_front).min(kept);
    }
    (composed[start_bytes..end_bytes].to_string(), map)
}

/// NFC of `text` and, when anything changed, the map from its char offsets (0..=n) to the
/// result's.
fn nfc_with_map(text: String) -> (String, Option<Vec<usize>>) {
    if text.is_ascii() || is_nfc_quick(text.chars()) == IsNormalized::Yes {
        return (text, None);
    }
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len() + 1);
    let mut out_len = 0usize;
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String, map: &mut Vec<usize>, out_len: &mut usize| {
        if run.is_empty() {
            return;
        }
        let n = run.chars().count();
        let composed: String =
            if is_nfc_quick(run.chars()) == IsNormalized::Yes { run.clone() } else { run.nfc().collect() };
        let m = composed.chars().count();
        for k in 0..n {
            map.push(*out_len + k.min(m));
        }
        *out_len += m;
        out.push_str(&composed);
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii() {
            flush(&mut run, &mut out, &mut map, &mut out_len);
        }
        run.push(c);
    }
    flush(&mut run, &mut out, &mut map, &mut out_len);
    map.push(out_len);
    (out, Some(map))
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
    fn map_follows_every_change() {
        let input = "\u{FEFF}\r\n  \r\nGa\u{030A}rd\r\nok\u{7} \r\n";
        let (out, map) = normalise_with_map(input);
        assert_eq!(out, normalise(input.to_string()));
        assert_eq!(out, "Gård\nok");
        // Input chars: 0 BOM, 1 CR, 2 LF, 3-4 spaces, 5 CR, 6 LF, 7 G, 8 a, 9 ring, 10 r,
        // 11 d, 12 CR, 13 LF, 14 o, 15 k, 16 BEL, 17 space, 18 CR, 19 LF, end 20.
        assert_eq!(map[7], 0); // G starts the output once the blank lines are gone
        assert_eq!(map[10], 2); // r follows the composed å
        assert_eq!(map[12], 4); // the CR of a CRLF maps to the LF it became
        assert_eq!(map[13], 4);
        assert_eq!(map[14], 5); // o
        assert_eq!(map[20], 7); // the end, trailing whitespace dropped
    }

    #[test]
    fn clean_text_keeps_its_allocation() {
        let s = String::from("Interviewer: Hello.\n\nJ1: Hi.");
        let ptr = s.as_ptr();
        let out = normalise(s);
        assert_eq!(out.as_ptr(), ptr);
    }
}
