//! A small element tree over quick-xml, matched by local name.
//!
//! REFI-QDA files come with several namespace versions (`urn:QDA-XML:project:1.0`, `0:4`,
//! `0:10`, ...) and writers that ignore the schema's element order, so the reader keeps
//! only local names and lets callers look children up in any order.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use std::io::{BufRead, Read};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Element {
    /// The local name (no namespace prefix).
    pub name: String,
    /// Attributes by local name, values unescaped and normalised as XML 1.0 says.
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Element>,
    /// The element's own text (character data directly inside it), unescaped.
    pub text: String,
}

/// Why XML could not be parsed: the line it happened on and what went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError {
    pub line: usize,
    pub reason: String,
}

impl Element {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// An attribute with surrounding whitespace removed, `None` when missing or blank.
    pub fn attr_trimmed(&self, name: &str) -> Option<&str> {
        self.attr(name).map(str::trim).filter(|v| !v.is_empty())
    }

    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The text of a child element, if it has one.
    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.as_str())
    }
}

fn local(name: &str) -> String {
    match name.rsplit_once(':') {
        Some((_, l)) => l.to_string(),
        None => name.to_string(),
    }
}

fn start(e: &BytesStart<'_>) -> Result<Element, String> {
    let mut attrs = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|e| e.to_string())?;
        let key = local(a.key.as_ref());
        let value = a.normalized_value(quick_xml::XmlVersion::Implicit1_0).map_err(|e| e.to_string())?;
        attrs.push((key, value.into_owned()));
    }
    Ok(Element { name: local(e.local_name().as_ref()), attrs, children: Vec::new(), text: String::new() })
}

/// The input of a parse: skips a leading byte-order mark, counts the lines consumed (for
/// error messages) and checks as it goes that the bytes are UTF-8, so that a file can be read
/// once, in pieces, and never held whole.
struct Input<R> {
    inner: R,
    buf: Box<[u8]>,
    pos: usize,
    len: usize,
    /// Bytes handed to the parser so far (after the mark).
    consumed: u64,
    /// Line breaks among them.
    lines: usize,
    /// The first bytes of a UTF-8 sequence cut by the end of the last piece.
    carry: Vec<u8>,
    /// Where the first byte that is not UTF-8 is, once one was seen.
    not_utf8: Option<u64>,
    started: bool,
}

/// Checks one piece of the input (starting at byte `at`) for UTF-8, carrying a sequence cut
/// by its end over to the next piece.
fn check_utf8(carry: &mut Vec<u8>, not_utf8: &mut Option<u64>, at: u64, piece: &[u8]) {
    if not_utf8.is_some() {
        return;
    }
    let joined;
    let (bytes, start) = if carry.is_empty() {
        (piece, at)
    } else {
        joined = [carry.as_slice(), piece].concat();
        (joined.as_slice(), at - carry.len() as u64)
    };
    let mut cut = Vec::new();
    if let Err(e) = std::str::from_utf8(bytes) {
        match e.error_len() {
            None => cut.extend_from_slice(&bytes[e.valid_up_to()..]),
            Some(_) => *not_utf8 = Some(start + e.valid_up_to() as u64),
        }
    }
    *carry = cut;
}

impl<R: Read> Input<R> {
    fn new(inner: R) -> Self {
        Input {
            inner,
            buf: vec![0; 64 * 1024].into_boxed_slice(),
            pos: 0,
            len: 0,
            consumed: 0,
            lines: 0,
            carry: Vec::new(),
            not_utf8: None,
            started: false,
        }
    }

    fn line(&self) -> usize {
        self.lines + 1
    }

    /// When the parser fails on a character cut by the end of what it consumed: whether the
    /// bytes after it finish it (if not, that is the failure to report).
    fn settle(&mut self) {
        if self.not_utf8.is_some() || self.carry.is_empty() {
            return;
        }
        let next = match self.fill_buf() {
            Ok(next) => next.iter().take(3).copied().collect::<Vec<u8>>(),
            Err(_) => return,
        };
        let joined = [self.carry.as_slice(), &next].concat();
        let start = self.consumed - self.carry.len() as u64;
        match std::str::from_utf8(&joined) {
            Err(e) if e.error_len().is_some() && e.valid_up_to() < self.carry.len() => {
                self.not_utf8 = Some(start + e.valid_up_to() as u64);
            }
            Err(e) if e.error_len().is_none() && next.len() < 3 => self.not_utf8 = Some(start + e.valid_up_to() as u64),
            _ => {}
        }
    }

    /// At the end of the input: a sequence left unfinished is not UTF-8 either.
    fn finish(&mut self) {
        if self.not_utf8.is_none() && !self.carry.is_empty() {
            self.not_utf8 = Some(self.consumed - self.carry.len() as u64);
        }
    }

    fn read_more(&mut self) -> std::io::Result<usize> {
        loop {
            match self.inner.read(&mut self.buf[self.len..]) {
                Ok(n) => {
                    self.len += n;
                    return Ok(n);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
}

impl<R: Read> Read for Input<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for Input<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if !self.started {
            self.started = true;
            // The mark may arrive in pieces: read until three bytes are there or the input ends.
            while self.len < 3 && self.read_more()? > 0 {}
            if self.buf[..self.len].starts_with("\u{FEFF}".as_bytes()) {
                self.pos = 3;
            }
        }
        if self.pos == self.len {
            self.pos = 0;
            self.len = 0;
            self.read_more()?;
        }
        Ok(&self.buf[self.pos..self.len])
    }

    fn consume(&mut self, amt: usize) {
        let end = (self.pos + amt).min(self.len);
        let piece = &self.buf[self.pos..end];
        self.lines += piece.iter().filter(|&&b| b == b'\n').count();
        check_utf8(&mut self.carry, &mut self.not_utf8, self.consumed, piece);
        self.consumed += piece.len() as u64;
        self.pos = end;
    }
}

/// Why a streamed parse stopped: the XML (or its bytes) was wrong, or the receiver of the
/// elements gave up.
#[derive(Debug)]
pub enum Stop<E> {
    Xml(XmlError),
    /// The bytes are not UTF-8, from this offset on.
    NotUtf8(u64),
    Sink(E),
}

/// Parses a whole document from `input` into its root element, element by element. Each
/// element, once complete, is handed to `keep` with the elements that are still open around
/// it (the root first): `Some` attaches it to its parent, `None` lets it go, so a caller can
/// take a large document one part at a time without ever holding all of it.
pub fn parse_reader<R: Read, E>(
    input: R,
    mut keep: impl FnMut(&[Element], Element) -> Result<Option<Element>, E>,
) -> Result<Element, Stop<E>> {
    let mut input = Input::new(input);
    let mut reader = Reader::from_reader(&mut input);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut buf = Vec::new();
    // The error of a failed step: bytes that are not UTF-8 explain any XML error they cause.
    fn fail<R: Read, E>(reader: &mut Reader<&mut Input<R>>, reason: String) -> Stop<E> {
        let input = reader.get_mut();
        input.settle();
        match input.not_utf8 {
            Some(at) => Stop::NotUtf8(at),
            None => Stop::Xml(XmlError { line: input.line(), reason }),
        }
    }
    loop {
        buf.clear();
        let event = match reader.read_event_into(&mut buf) {
            Ok(e) => e,
            Err(e) => return Err(fail(&mut reader, e.to_string())),
        };
        let done = match event {
            Event::Start(e) => {
                let el = start(&e).map_err(|r| fail(&mut reader, r))?;
                stack.push(el);
                None
            }
            Event::Empty(e) => Some(start(&e).map_err(|r| fail(&mut reader, r))?),
            Event::End(_) => match stack.pop() {
                Some(el) => Some(el),
                None => return Err(fail(&mut reader, "an end tag with no start".into())),
            },
            Event::Text(t) => {
                if let Some(el) = stack.last_mut() {
                    el.text.push_str(&t.xml10_content());
                }
                None
            }
            Event::CData(t) => {
                if let Some(el) = stack.last_mut() {
                    el.text.push_str(t.as_ref());
                }
                None
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().map_err(|e| fail(&mut reader, e.to_string()))? {
                    Some(c) => c.to_string(),
                    None => {
                        let name = r.xml10_content();
                        match quick_xml::escape::resolve_predefined_entity(&name) {
                            Some(s) => s.to_string(),
                            None => return Err(fail(&mut reader, format!("unknown entity &{name};"))),
                        }
                    }
                };
                if let Some(el) = stack.last_mut() {
                    el.text.push_str(&resolved);
                }
                None
            }
            Event::Eof => break,
            _ => None,
        };
        if let Some(el) = done {
            if stack.is_empty() {
                if root.is_some() {
                    return Err(fail(&mut reader, "a second root element".into()));
                }
                root = Some(el);
            } else if let Some(el) = keep(&stack, el).map_err(Stop::Sink)?
                && let Some(parent) = stack.last_mut()
            {
                parent.children.push(el);
            }
        }
    }
    let input = reader.into_inner();
    input.finish();
    if let Some(at) = input.not_utf8 {
        return Err(Stop::NotUtf8(at));
    }
    if let Some(open) = stack.last() {
        return Err(Stop::Xml(XmlError {
            line: input.line(),
            reason: format!("the file ends inside <{}> (it is cut short)", open.name),
        }));
    }
    root.ok_or_else(|| Stop::Xml(XmlError { line: 1, reason: "no root element".into() }))
}

/// Parses a whole document (a leading byte-order mark is skipped) into its root element.
pub fn parse(xml: &str) -> Result<Element, XmlError> {
    parse_reader(xml.as_bytes(), |_, el| Ok::<_, std::convert::Infallible>(Some(el))).map_err(|stop| match stop {
        Stop::Xml(e) => e,
        Stop::NotUtf8(at) => XmlError { line: 1, reason: format!("not UTF-8 at byte {at}") },
        Stop::Sink(never) => match never {},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_names_text_and_references() -> Result<(), XmlError> {
        let xml = "\u{FEFF}<?xml version=\"1.0\"?>\r\n<p:Project xmlns:p=\"urn:QDA-XML:project:0:10\" name=\"a &amp; b\">\
                   <p:Note>Stra&#xDF;e&lt;\r\nx</p:Note><Empty/></p:Project>";
        let root = parse(xml)?;
        assert_eq!(root.name, "Project");
        assert_eq!(root.attr("name"), Some("a & b"));
        // CRLF inside text becomes LF (XML 1.0 §2.11); &#xDF; is ß.
        assert_eq!(root.child_text("Note"), Some("Straße<\nx"));
        assert!(root.child("Empty").is_some());
        Ok(())
    }

    #[test]
    fn truncated_xml_is_an_error_with_a_line() {
        let Err(e) = parse("<Project name=\"x\">\n<Users>\n<User guid=\"1\"/>") else {
            panic!("a cut-short file parsed");
        };
        assert!(e.reason.contains("cut short"), "{}", e.reason);
        assert_eq!(e.line, 3);
    }

    /// A reader that hands out one byte at a time, so the mark, every multi-byte character
    /// and every tag arrive cut in pieces.
    struct Trickle<'a>(&'a [u8]);

    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            match (self.0.split_first(), out.is_empty()) {
                (Some((b, rest)), false) => {
                    out[0] = *b;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    #[test]
    fn a_stream_in_pieces_parses_as_the_whole_text() -> Result<(), XmlError> {
        let xml = "\u{FEFF}<Project name=\"Ærlighet 😀\">\n<Sources><TextSource name=\"å\"/><TextSource name=\"ø\"/></Sources>\
                   <Notes><Note name=\"n\">x</Note></Notes></Project>";
        let whole = parse(xml)?;
        let Ok(streamed) = parse_reader(Trickle(xml.as_bytes()), |_, el| Ok::<_, ()>(Some(el))) else {
            panic!("the trickled stream did not parse");
        };
        assert_eq!(streamed, whole);
        assert_eq!(whole.attr("name"), Some("Ærlighet 😀"));
        // Letting the sources go as they end keeps the rest and hands over each one.
        let mut seen = Vec::new();
        let Ok(rest) = parse_reader(Trickle(xml.as_bytes()), |open, el| {
            Ok::<_, ()>(if open.len() == 2 && open[1].name == "Sources" {
                seen.push(el.attr("name").unwrap_or("").to_string());
                None
            } else {
                Some(el)
            })
        }) else {
            panic!("the second stream did not parse");
        };
        assert_eq!(seen, ["å", "ø"]);
        assert_eq!(rest.child("Sources").map(|s| s.children.len()), Some(0));
        assert_eq!(rest.child("Notes").and_then(|n| n.child_text("Note")), Some("x"));
        Ok(())
    }

    #[test]
    fn bytes_that_are_not_utf8_are_found_where_they_are() {
        // "<P>ab" then "é" in Latin-1 (0xE9, not UTF-8) at byte 5; then a character cut short
        // at the very end (the first byte of "ø").
        let bad: &[u8] = b"<P>ab\xE9</P>";
        assert!(matches!(parse_reader(Trickle(bad), |_, el| Ok::<_, ()>(Some(el))), Err(Stop::NotUtf8(5))));
        let cut: &[u8] = b"<P>ab</P>\xC3";
        assert!(matches!(parse_reader(Trickle(cut), |_, el| Ok::<_, ()>(Some(el))), Err(Stop::NotUtf8(9))));
    }
}
