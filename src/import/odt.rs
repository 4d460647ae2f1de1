//! OpenDocument text (.odt): the body of content.xml.
//!
//! Read: paragraphs and headings, spans and links, runs of spaces (`text:s`), tabs, line
//! breaks, lists, tables (a row per paragraph, cells separated by tabs), frames and text
//! boxes. Left out: footnotes and endnotes, comments, tracked-change records. White space
//! inside paragraphs follows the ODF rule: a run of spaces, tabs and newlines in the XML
//! counts as one space, and leading white space of a paragraph is dropped; the real spaces
//! a writer typed are stored as `text:s` and kept.

use super::docx::{Skipping, attr};
use super::paragraphs::TextBuilder;
use super::zipped::Zipped;
use super::{FileError, Limits};
use quick_xml::Reader;
use quick_xml::events::Event;

const FORMAT: &str = "OpenDocument (.odt)";

const SKIP: &[&str] = &["note", "annotation", "tracked-changes", "sequence-decls", "forms", "table-columns"];

pub fn extract(bytes: &[u8], limits: &Limits) -> Result<String, FileError> {
    let mut zip = Zipped::open(bytes, FORMAT, limits)?;
    let xml = zip.read_xml("content.xml")?;
    content_text(&xml).map_err(|e| FileError::corrupt(FORMAT, format!("content.xml: {e}")))
}

pub(crate) fn content_text(xml: &str) -> Result<String, quick_xml::Error> {
    let mut reader = Reader::from_str(xml);
    let mut out = TextBuilder::default();
    let mut skip = Skipping::default();
    let mut para = 0usize; // depth of text:p / text:h
    let mut cells = 0usize;
    let end_para = |out: &mut TextBuilder, cells: usize| {
        if cells > 0 { out.soft_break() } else { out.end_paragraph() }
    };
    loop {
        let event = reader.read_event()?;
        if skip.swallows(&event) {
            continue;
        }
        match event {
            Event::Start(e) => match e.local_name().as_ref() {
                n if SKIP.contains(&n) => skip.start(),
                "p" | "h" => para += 1,
                "table-cell" => cells += 1,
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                "s" if para > 0 => {
                    let n = attr(&e, "c").and_then(|c| c.parse::<usize>().ok()).unwrap_or(1).min(1000);
                    out.push_str(&" ".repeat(n));
                }
                "tab" if para > 0 => out.push('\t'),
                "line-break" if para > 0 => out.line_break(),
                "p" | "h" => end_para(&mut out, cells),
                "table-cell" => out.end_cell(),
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "p" | "h" => {
                    para = para.saturating_sub(1);
                    end_para(&mut out, cells);
                }
                "table-cell" => {
                    cells = cells.saturating_sub(1);
                    out.end_cell();
                }
                "table-row" => out.end_row(),
                _ => {}
            },
            Event::Text(t) if para > 0 => out.push_collapsed(&t.xml10_content()),
            Event::CData(t) if para > 0 => out.push_collapsed(t.as_ref()),
            Event::GeneralRef(r) if para > 0 => out.push_xml_ref(&r)?,
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_lists_tables_notes() -> Result<(), quick_xml::Error> {
        let xml = r#"<?xml version="1.0"?><office:document-content xmlns:office="o" xmlns:text="t" xmlns:table="tb"><office:body><office:text>
            <text:sequence-decls><text:sequence-decl text:name="Table"/></text:sequence-decls>
            <text:h>Intervju J4</text:h>
            <text:p><text:span>Intervjuer:</text:span> Hva   skjedde<text:s text:c="2"/>da?<text:note><text:note-citation>1</text:note-citation><text:note-body><text:p>Fotnote</text:p></text:note-body></text:note></text:p>
            <text:list><text:list-item><text:p>J4: Det var <text:line-break/>tungt.<text:tab/>Ja 😀</text:p></text:list-item></text:list>
            <table:table><table:table-column/><table:table-row><table:table-cell><text:p>A</text:p></table:table-cell><table:table-cell><text:p>B</text:p></table:table-cell></table:table-row></table:table>
            <office:annotation><text:p>comment</text:p></office:annotation>
            </office:text></office:body></office:document-content>"#;
        assert_eq!(
            content_text(xml)?,
            "Intervju J4\n\nIntervjuer: Hva skjedde  da?\n\nJ4: Det var \ntungt.\tJa 😀\n\nA\tB"
        );
        Ok(())
    }
}
