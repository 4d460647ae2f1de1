//! Parsing a JSON object whose last member is a long list written one element per line, on
//! every core. A coder's codings file is such an object (see `coder_file_json` in
//! [`super::snapshot`]): at 20 M words one coder's file is 160 MB, and parsing it on one
//! thread was the longest part of opening the project, while the other core sat idle.
//!
//! JSON forbids a raw line break inside a string, so every line break in a file is between
//! tokens; a line that parses on its own as a complete value is a whole element. The fast
//! path takes a file apart only when it has exactly the layout Tema writes, and says "not
//! this layout" (`None`) otherwise, so the caller parses it whole as before: the result of
//! a file that passes is the one a whole parse gives, and a hand-edited, reformatted or
//! damaged file is read, or refused with serde's message, as it always was.

use rayon::prelude::*;
use serde::de::DeserializeOwned;

/// A file split at its list: `head` is everything up to the list's opening bracket with the
/// list and the object closed right after it (`…"codings": []}`), to be parsed as the object
/// with an empty list; `body` is the list's element lines.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub head: Vec<u8>,
    pub body: &'a [u8],
}

/// Splits `bytes` at the list named `key` when the file has the layout: the list opened at
/// the end of a line holding only `"key": [`, one element per line (each but the last
/// followed by a comma), and nothing after the list but its `]` and the object's `}`.
///
/// Whether the bracket really opens the top-level member `key` is settled by parsing
/// `head`: it is one complete object ending `]}` only if the line's `[` is the last member's
/// value at the top level (a line cannot start inside a string), and a second member of the
/// same name makes serde refuse the object.
pub fn split<'a>(bytes: &'a [u8], key: &str) -> Option<Split<'a>> {
    let opener = format!("\"{key}\": [");
    let mut start = 0;
    let open_end = loop {
        let end = memchr::memchr(b'\n', &bytes[start..]).map(|i| start + i)?;
        if bytes[start..end].trim_ascii() == opener.as_bytes() {
            break end;
        }
        start = end + 1;
    };
    // The bracket is the last byte of the trimmed line.
    let bracket = start + bytes[start..open_end].trim_ascii_end().len();
    let tail = bytes[open_end..].trim_ascii_end();
    let tail = tail.strip_suffix(b"}")?.trim_ascii_end().strip_suffix(b"]")?;
    let mut head = Vec::with_capacity(bracket + 2);
    head.extend_from_slice(&bytes[..bracket]);
    head.extend_from_slice(b"]}");
    Some(Split { head, body: &bytes[open_end..open_end + tail.len()] })
}

/// The elements of `body` (see [`split`]), parsed on every core; `None` if a line is not
/// one whole element followed by a comma (the last one by none).
pub fn parse_lines<C: DeserializeOwned + Send>(body: &[u8]) -> Option<Vec<C>> {
    let body = body.trim_ascii_end();
    if body.ends_with(b",") {
        return None;
    }
    // Pieces of about a megabyte, cut at line ends: enough of them that the cores share the
    // work evenly, few enough that each is worth a task.
    const PIECE: usize = 1 << 20;
    let mut cuts = vec![0];
    while let Some(&last) = cuts.last()
        && body.len() - last > PIECE
    {
        match memchr::memchr(b'\n', &body[last + PIECE..]) {
            Some(i) => cuts.push(last + PIECE + i + 1),
            None => break,
        }
    }
    cuts.push(body.len());
    let pieces: Vec<(usize, usize)> = cuts.windows(2).map(|w| (w[0], w[1])).collect();
    let parsed: Option<Vec<Vec<C>>> =
        pieces.par_iter().map(|&(from, to)| parse_piece(&body[from..to], to == body.len())).collect();
    let parsed = parsed?;
    let mut all = Vec::with_capacity(parsed.iter().map(Vec::len).sum());
    for piece in parsed {
        all.extend(piece);
    }
    Some(all)
}

/// The elements on the lines of one piece; `last`: the piece ends the list, so its last
/// line has no comma.
fn parse_piece<C: DeserializeOwned>(piece: &[u8], last: bool) -> Option<Vec<C>> {
    let lines: Vec<&[u8]> = piece.split(|b| *b == b'\n').map(<[u8]>::trim_ascii).filter(|l| !l.is_empty()).collect();
    let mut out = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        let element = match line.strip_suffix(b",") {
            Some(element) => element,
            None if last && i + 1 == lines.len() => line,
            None => return None,
        };
        out.push(serde_json::from_slice(element).ok()?);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Deserialize)]
    struct File {
        name: String,
        #[serde(default)]
        items: Vec<Item>,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Item {
        n: u32,
        s: String,
    }

    /// The fast path's reading of `text`, or `None` where it leaves the file to a whole parse.
    fn fast(text: &str) -> Option<File> {
        let split = split(text.as_bytes(), "items")?;
        let mut file: File = serde_json::from_slice(&split.head).ok()?;
        file.items = parse_lines(split.body)?;
        Some(file)
    }

    fn item(n: u32, s: &str) -> String {
        format!("{{\"n\":{n},\"s\":{}}}", serde_json::to_string(s).unwrap_or_default())
    }

    #[test]
    fn the_written_layout_reads_as_a_whole_parse_does() {
        // Enough elements for several pieces, with strings holding brackets, commas, quotes
        // and escaped line breaks.
        let words = ["plain", "a \"quote\", and ]}", "line\nbreak", "[", "æøå – ünïcode", ""];
        let items: Vec<String> = (0..100_000).map(|i| item(i, words[i as usize % words.len()])).collect();
        let text = format!("{{\n  \"name\": \"x\",\n  \"items\": [\n    {}\n  ]\n}}\n", items.join(",\n    "));
        assert!(text.len() > 2 * (1 << 20), "the list spans several pieces");
        let whole: File = serde_json::from_str(&text).expect("valid JSON");
        assert_eq!(fast(&text), Some(whole));
        // Line ends converted to CRLF (git on Windows) are still the layout.
        let crlf = text.replace('\n', "\r\n");
        let whole: File = serde_json::from_str(&crlf).expect("valid JSON");
        assert_eq!(fast(&crlf), Some(whole));
    }

    #[test]
    fn an_empty_or_one_element_list_reads_as_a_whole_parse_does() {
        for text in [
            "{\n  \"name\": \"x\",\n  \"items\": [\n  ]\n}\n".to_string(),
            format!("{{\n  \"name\": \"x\",\n  \"items\": [\n    {}\n  ]\n}}", item(7, "one")),
        ] {
            let whole: File = serde_json::from_str(&text).expect("valid JSON");
            assert_eq!(fast(&text), Some(whole), "{text}");
        }
    }

    /// Every other shape is left to the whole parse (which reads it or refuses it with its
    /// own message): reformatted, hand-edited, truncated, or with the list's name elsewhere.
    #[test]
    fn any_other_shape_is_left_to_the_whole_parse() {
        let a = item(1, "a");
        let b = item(2, "b");
        let cases = [
            // Compact, or the list on one line.
            format!("{{\"name\":\"x\",\"items\":[{a},{b}]}}"),
            format!("{{\n  \"name\": \"x\",\n  \"items\": [{a}, {b}]\n}}"),
            // Two elements on a line; an element over two lines.
            format!("{{\n  \"name\": \"x\",\n  \"items\": [\n    {a}, {b}\n  ]\n}}"),
            format!("{{\n  \"name\": \"x\",\n  \"items\": [\n    {a},\n    {{\"n\": 2,\n \"s\": \"b\"}}\n  ]\n}}"),
            // A member after the list; a missing or a trailing comma; cut short.
            format!("{{\n  \"items\": [\n    {a}\n  ],\n  \"name\": \"x\"\n}}"),
            format!("{{\n  \"name\": \"x\",\n  \"items\": [\n    {a}\n    {b}\n  ]\n}}"),
            format!("{{\n  \"name\": \"x\",\n  \"items\": [\n    {a},\n    {b},\n  ]\n}}"),
            format!("{{\n  \"name\": \"x\",\n  \"items\": [\n    {a},\n    {b}"),
            // The list's name inside another member, and a second list of the same name.
            format!("{{\n  \"name\": \"x\",\n  \"other\": {{\n  \"items\": [\n    {a}\n  ]\n}}"),
            format!("{{\n  \"name\": \"x\",\n  \"items\": [],\n  \"items\": [\n    {a}\n  ]\n}}"),
            // A bad element.
            format!("{{\n  \"name\": \"x\",\n  \"items\": [\n    {a},\n    {{\"n\": \"two\", \"s\": \"b\"}}\n  ]\n}}"),
        ];
        for text in &cases {
            assert_eq!(fast(text), None, "{text}");
        }
    }

    /// Whatever the bytes, the fast path gives the whole parse's result or leaves the file to
    /// it: thousands of files made from a written one by random cuts, insertions and
    /// changes of one to three bytes.
    #[test]
    fn a_damaged_file_is_never_read_differently_from_a_whole_parse() {
        let items: Vec<String> = (0..6).map(|i| item(i, if i % 2 == 0 { "a, [b]" } else { "c\"d" })).collect();
        let text = format!("{{\n  \"name\": \"x\",\n  \"items\": [\n    {}\n  ]\n}}\n", items.join(",\n    "));
        let source = text.as_bytes();
        let alphabet = b"{}[],:\" \n\\0123456789abns";
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = |below: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % below as u64) as usize
        };
        let (mut taken, mut left) = (0, 0);
        for _ in 0..20_000 {
            let mut bytes = source.to_vec();
            for _ in 0..=next(3) {
                let at = next(bytes.len());
                match next(3) {
                    0 => {
                        bytes.remove(at);
                    }
                    1 => bytes.insert(at, alphabet[next(alphabet.len())]),
                    _ => bytes[at] = alphabet[next(alphabet.len())],
                }
            }
            let Ok(text) = std::str::from_utf8(&bytes) else { continue };
            match fast(text) {
                Some(file) => {
                    taken += 1;
                    let whole: File =
                        serde_json::from_str(text).unwrap_or_else(|e| panic!("read {text:?}, refused whole: {e}"));
                    assert_eq!(file, whole, "{text:?}");
                }
                None => left += 1,
            }
        }
        assert!(taken > 100 && left > 100, "both paths were taken ({taken} fast, {left} left)");
    }
}
