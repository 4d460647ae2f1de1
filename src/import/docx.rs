//! Word (.docx): the main document part of the Office Open XML container.
//!
//! Read: paragraphs and headings (one paragraph each), runs of text, tabs, line breaks,
//! non-breaking hyphens, symbols from ordinary fonts, tables (a row per paragraph, cells
//! separated by tabs), text boxes, inserted text of tracked changes and the shown result of
//! fields. Left out: deleted text of tracked changes, field instructions, the fallback copy
//! of drawings (Word stores a text box twice), headers, footers, footnotes and comments.

use super::paragraphs::TextBuilder;
use super::zipped::Zipped;
use super::{FileError, Limits};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

const FORMAT: &str = "Word (.docx)";

/// Elements whose whole content is skipped.
const SKIP: &[&str] = &["pPr", "rPr", "sectPr", "tblPr", "trPr", "tcPr", "Fallback", "del", "moveFrom", "instrText"];

pub fn extract(bytes: &[u8], limits: &Limits) -> Result<String, FileError> {
    let mut zip = Zipped::open(bytes, FORMAT, limits)?;
    let main = main_part(&mut zip)?;
    let xml = zip.read_xml(&main)?;
    document_text(&xml).map_err(|e| FileError::corrupt(FORMAT, format!("{main}: {e}")))
}

/// The main document part named by the package relationships (usually word/document.xml).
fn main_part(zip: &mut Zipped) -> Result<String, FileError> {
    let Some(rels) = zip.read("_rels/.rels")? else { return Ok("word/document.xml".into()) };
    let rels = super::zipped::xml_text(rels).map_err(|e| FileError::corrupt(FORMAT, format!("_rels/.rels: {e}")))?;
    let mut reader = Reader::from_str(&rels);
    loop {
        match reader.read_event() {
            Ok(Event::Empty(e) | Event::Start(e)) if e.local_name().as_ref() == "Relationship" => {
                let ty = attr(&e, "Type").unwrap_or_default();
                if ty.ends_with("/officeDocument")
                    && let Some(target) = attr(&e, "Target")
                {
                    return Ok(target.trim_start_matches('/').to_string());
                }
            }
            Ok(Event::Eof) | Err(_) => return Ok("word/document.xml".into()),
            Ok(_) => {}
        }
    }
}

pub(crate) fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes().flatten().find(|a| a.key.local_name().as_ref() == name).map(|a| {
        let raw = a.value.clone().into_owned();
        quick_xml::escape::unescape(&raw).map(|s| s.into_owned()).unwrap_or(raw)
    })
}

/// How deep the reader is inside an element whose whole content is skipped (a header, a
/// deleted run, a note), for the XML formats (Word, OpenDocument).
#[derive(Default)]
pub(crate) struct Skipping(usize);

impl Skipping {
    /// At the start tag of an element to skip.
    pub(crate) fn start(&mut self) {
        self.0 = 1;
    }

    /// Whether `event` lies inside the skipped element (its end tag included), following the
    /// depth. The end of the file is never swallowed: the caller's loop ends on it.
    pub(crate) fn swallows(&mut self, event: &Event<'_>) -> bool {
        if self.0 == 0 || matches!(event, Event::Eof) {
            return false;
        }
        match event {
            Event::Start(_) => self.0 += 1,
            Event::End(_) => self.0 -= 1,
            _ => {}
        }
        true
    }
}

/// The text of a WordprocessingML document part.
pub(crate) fn document_text(xml: &str) -> Result<String, quick_xml::Error> {
    let mut reader = Reader::from_str(xml);
    let mut out = TextBuilder::default();
    let mut skip = Skipping::default();
    let mut in_text = false; // inside <w:t>
    let mut in_run = 0usize; // inside <w:r>
    let mut cells = 0usize; // depth of table cells
    loop {
        let event = reader.read_event()?;
        if skip.swallows(&event) {
            continue;
        }
        match event {
            Event::Start(e) => {
                let name = e.local_name();
                match name.as_ref() {
                    n if SKIP.contains(&n) => skip.start(),
                    "t" => in_text = true,
                    "r" => in_run += 1,
                    "tc" => cells += 1,
                    _ => {}
                }
            }
            Event::Empty(e) => match e.local_name().as_ref() {
                "tab" if in_run > 0 => out.push('\t'),
                "br" | "cr" if in_run > 0 => out.line_break(),
                "noBreakHyphen" => out.push('\u{2011}'),
                "sym" => {
                    let code = attr(&e, "char").and_then(|c| u32::from_str_radix(&c, 16).ok());
                    // Codes from F000 up are glyphs of symbol fonts, not characters.
                    if let Some(c) = code.filter(|c| *c < 0xF000).and_then(char::from_u32) {
                        out.push(c);
                    }
                }
                "p" if cells > 0 => out.soft_break(),
                "p" => out.end_paragraph(),
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "t" => in_text = false,
                "r" => in_run = in_run.saturating_sub(1),
                "p" if cells > 0 => out.soft_break(),
                "p" => out.end_paragraph(),
                "tc" => {
                    cells = cells.saturating_sub(1);
                    out.end_cell();
                }
                "tr" => out.end_row(),
                _ => {}
            },
            Event::Text(t) if in_text => out.push_str(&t.xml10_content()),
            Event::CData(t) if in_text => out.push_str(t.as_ref()),
            Event::GeneralRef(r) if in_text => out.push_xml_ref(&r)?,
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrap(body: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="urn:w" xmlns:mc="urn:mc"><w:body>{body}</w:body></w:document>"#
        )
    }

    #[test]
    fn paragraphs_runs_tabs_breaks() -> Result<(), quick_xml::Error> {
        let xml = wrap(
            r#"<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t>J4:</w:t></w:r><w:r><w:t xml:space="preserve"> Jeg &amp; du</w:t></w:r><w:r><w:tab/><w:t>på</w:t><w:br/><w:t>møtet 😀</w:t></w:r></w:p>
               <w:p></w:p>
               <w:p><w:r><w:t>Second</w:t></w:r><w:r><w:delText>gone</w:delText></w:r><w:ins><w:r><w:t> added</w:t></w:r></w:ins></w:p>"#,
        );
        assert_eq!(document_text(&xml)?, "J4: Jeg & du\tpå\nmøtet 😀\n\nSecond added");
        Ok(())
    }

    #[test]
    fn tables_fields_and_textboxes() -> Result<(), quick_xml::Error> {
        let xml = wrap(
            r#"<w:tbl><w:tblPr/><w:tr><w:tc><w:p><w:r><w:t>Interviewer</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>One.</w:t></w:r></w:p><w:p><w:r><w:t>Two.</w:t></w:r></w:p></w:tc></w:tr>
               <w:tr><w:tc><w:p><w:r><w:t>J1</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Three.</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
               <w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>7</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>
               <w:p><w:r><mc:AlternateContent><mc:Choice><w:txbxContent><w:p><w:r><w:t>Box</w:t></w:r></w:p></w:txbxContent></mc:Choice><mc:Fallback><w:txbxContent><w:p><w:r><w:t>Box</w:t></w:r></w:p></w:txbxContent></mc:Fallback></mc:AlternateContent></w:r></w:p>"#,
        );
        assert_eq!(document_text(&xml)?, "Interviewer\tOne.\nTwo.\n\nJ1\tThree.\n\n7\n\nBox");
        Ok(())
    }
}
