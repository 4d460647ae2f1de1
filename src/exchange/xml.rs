//! A small element tree over quick-xml, matched by local name.
//!
//! REFI-QDA files come with several namespace versions (`urn:QDA-XML:project:1.0`, `0:4`,
//! `0:10`, ...) and writers that ignore the schema's element order, so the reader keeps
//! only local names and lets callers look children up in any order.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

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

fn line_of(xml: &str, byte: usize) -> usize {
    let byte = byte.min(xml.len());
    xml.as_bytes()[..byte].iter().filter(|&&b| b == b'\n').count() + 1
}

/// Parses a whole document (a leading byte-order mark is skipped) into its root element.
pub fn parse(xml: &str) -> Result<Element, XmlError> {
    let xml = xml.strip_prefix('\u{FEFF}').unwrap_or(xml);
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let err = |reader: &Reader<&[u8]>, reason: String| XmlError {
        line: line_of(xml, usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX)),
        reason,
    };
    loop {
        let event = reader.read_event().map_err(|e| err(&reader, e.to_string()))?;
        match event {
            Event::Start(e) => {
                let el = start(&e).map_err(|r| err(&reader, r))?;
                stack.push(el);
            }
            Event::Empty(e) => {
                let el = start(&e).map_err(|r| err(&reader, r))?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None if root.is_none() => root = Some(el),
                    None => return Err(err(&reader, "a second root element".into())),
                }
            }
            Event::End(_) => {
                let Some(el) = stack.pop() else { return Err(err(&reader, "an end tag with no start".into())) };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None if root.is_none() => root = Some(el),
                    None => return Err(err(&reader, "a second root element".into())),
                }
            }
            Event::Text(t) => {
                if let Some(el) = stack.last_mut() {
                    el.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(el) = stack.last_mut() {
                    el.text.push_str(t.as_ref());
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref().map_err(|e| err(&reader, e.to_string()))? {
                    Some(c) => c.to_string(),
                    None => {
                        let name = r.xml10_content();
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .map(str::to_string)
                            .ok_or_else(|| err(&reader, format!("unknown entity &{name};")))?
                    }
                };
                if let Some(el) = stack.last_mut() {
                    el.text.push_str(&resolved);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(XmlError {
            line: line_of(xml, xml.len()),
            reason: format!("the file ends inside <{}> (it is cut short)", open.name),
        });
    }
    root.ok_or_else(|| XmlError { line: 1, reason: "no root element".into() })
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
}
