//! DOCX: a real Word table whose first row is a header row (`w:tblHeader`: Word repeats it
//! on every page and screen readers announce it as the header), ruled like a booktabs table
//! (a rule above and below the table and under the header), subthemes indented.
//!
//! Written as WordprocessingML with quick-xml into a zip rather than with docx-rs: docx-rs
//! 0.4 cannot mark a row as a header row, and it depends on an older major version of `zip`
//! than the XLSX writer and reader, which would build two copies of it.

use super::{ExportError, TableText};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>
"#;

const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>
"#;

const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>
"#;

/// Compact defaults for a table: 10 pt, single spacing, no space after paragraphs.
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/><w:lang w:val="en-GB"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style><w:style w:type="paragraph" w:styleId="Caption"><w:name w:val="caption"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:after="120"/></w:pPr><w:rPr><w:i/></w:rPr></w:style></w:styles>
"#;

/// A4 in twentieths of a point, with 2.54 cm margins.
const PAGE_LONG: u32 = 16838;
const PAGE_SHORT: u32 = 11906;
const MARGIN: u32 = 1440;
/// Indentation per level of a subtheme.
const INDENT: usize = 284;

pub(super) fn render(t: &TableText) -> Result<Vec<u8>, ExportError> {
    let document = document_xml(t)?;
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in [
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", RELS.as_bytes()),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.as_bytes()),
        ("word/styles.xml", STYLES.as_bytes()),
        ("word/document.xml", document.as_slice()),
    ] {
        zip.start_file(name, options)?;
        zip.write_all(bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}

type Xml = Writer<Vec<u8>>;
type R = std::io::Result<()>;

fn document_xml(t: &TableText) -> std::io::Result<Vec<u8>> {
    // Summaries need the width of a landscape page.
    let landscape = t.prose && t.columns.len() > 2;
    let (page_w, page_h) = if landscape { (PAGE_LONG, PAGE_SHORT) } else { (PAGE_SHORT, PAGE_LONG) };
    let text_width = (page_w - 2 * MARGIN) as usize;
    let ncols = t.columns.len() + 1;
    let label_width = if ncols == 1 { text_width } else { text_width * 3 / 10 };
    let other_width = if ncols > 1 { (text_width - label_width) / (ncols - 1) } else { 0 };
    let widths: Vec<usize> = std::iter::once(label_width).chain(std::iter::repeat_n(other_width, ncols - 1)).collect();

    let mut w = Writer::new(Vec::new());
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), Some("yes"))))?;
    w.create_element("w:document").with_attribute(("xmlns:w", W)).write_inner_content(|w| {
        w.create_element("w:body").write_inner_content(|w| {
            // The caption, above the table as APA and most journals place it.
            w.create_element("w:p").write_inner_content(|w| {
                w.create_element("w:pPr").write_inner_content(|w| empty(w, "w:pStyle", &[("w:val", "Caption")]))?;
                run(w, &t.caption, false)
            })?;
            w.create_element("w:tbl").write_inner_content(|w| {
                table_properties(w)?;
                w.create_element("w:tblGrid").write_inner_content(|w| {
                    for width in &widths {
                        empty(w, "w:gridCol", &[("w:w", &width.to_string())])?;
                    }
                    Ok(())
                })?;
                // The header row.
                w.create_element("w:tr").write_inner_content(|w| {
                    w.create_element("w:trPr").write_inner_content(|w| {
                        empty(w, "w:cantSplit", &[])?;
                        empty(w, "w:tblHeader", &[])
                    })?;
                    let labels = std::iter::once(&t.corner).chain(&t.columns);
                    for (i, (label, width)) in labels.zip(&widths).enumerate() {
                        let align = if i > 0 && t.numeric { "right" } else { "left" };
                        cell(w, *width, label, CellStyle { bold: true, indent: 0, align, header: true })?;
                    }
                    Ok(())
                })?;
                for row in &t.rows {
                    w.create_element("w:tr").write_inner_content(|w| {
                        w.create_element("w:trPr").write_inner_content(|w| empty(w, "w:cantSplit", &[]))?;
                        let bold = t.hierarchical && row.depth == 0;
                        let style = CellStyle { bold, indent: row.depth * INDENT, align: "left", header: false };
                        cell(w, widths[0], &row.label, style)?;
                        for (text, width) in row.cells.iter().zip(&widths[1..]) {
                            let align = if t.numeric { "right" } else { "left" };
                            cell(w, *width, text, CellStyle { bold: false, indent: 0, align, header: false })?;
                        }
                        Ok(())
                    })?;
                }
                Ok(())
            })?;
            w.create_element("w:sectPr").write_inner_content(|w| {
                let (pw, ph) = (page_w.to_string(), page_h.to_string());
                let mut size = vec![("w:w", pw.as_str()), ("w:h", ph.as_str())];
                if landscape {
                    size.push(("w:orient", "landscape"));
                }
                empty(w, "w:pgSz", &size)?;
                let m = MARGIN.to_string();
                let margins = [("w:top", m.as_str()), ("w:right", &m), ("w:bottom", &m), ("w:left", &m)];
                empty(w, "w:pgMar", &margins)
            })?;
            Ok(())
        })?;
        Ok(())
    })?;
    Ok(w.into_inner())
}

fn table_properties(w: &mut Xml) -> R {
    w.create_element("w:tblPr").write_inner_content(|w| {
        empty(w, "w:tblW", &[("w:w", "5000"), ("w:type", "pct")])?;
        w.create_element("w:tblBorders").write_inner_content(|w| {
            // Rules above and below the table only (booktabs style); the header's own
            // bottom border is set on its cells.
            empty(w, "w:top", &[("w:val", "single"), ("w:sz", "12"), ("w:space", "0"), ("w:color", "000000")])?;
            empty(w, "w:bottom", &[("w:val", "single"), ("w:sz", "12"), ("w:space", "0"), ("w:color", "000000")])?;
            empty(w, "w:insideH", &[("w:val", "nil")])?;
            empty(w, "w:insideV", &[("w:val", "nil")])
        })?;
        empty(w, "w:tblLayout", &[("w:type", "fixed")])?;
        w.create_element("w:tblCellMar").write_inner_content(|w| {
            empty(w, "w:top", &[("w:w", "40"), ("w:type", "dxa")])?;
            empty(w, "w:left", &[("w:w", "85"), ("w:type", "dxa")])?;
            empty(w, "w:bottom", &[("w:w", "40"), ("w:type", "dxa")])?;
            empty(w, "w:right", &[("w:w", "85"), ("w:type", "dxa")])
        })?;
        empty(w, "w:tblLook", &[("w:val", "0020"), ("w:firstRow", "1"), ("w:firstColumn", "0"), ("w:noHBand", "1")])
    })?;
    Ok(())
}

#[derive(Clone, Copy)]
struct CellStyle {
    bold: bool,
    indent: usize,
    align: &'static str,
    header: bool,
}

/// A table cell; each line of its text is a paragraph of its own.
fn cell(w: &mut Xml, width: usize, text: &str, style: CellStyle) -> R {
    w.create_element("w:tc").write_inner_content(|w| {
        w.create_element("w:tcPr").write_inner_content(|w| {
            empty(w, "w:tcW", &[("w:w", &width.to_string()), ("w:type", "dxa")])?;
            if style.header {
                w.create_element("w:tcBorders").write_inner_content(|w| {
                    empty(w, "w:bottom", &[("w:val", "single"), ("w:sz", "6"), ("w:space", "0"), ("w:color", "000000")])
                })?;
                empty(w, "w:vAlign", &[("w:val", "bottom")])?;
            }
            Ok(())
        })?;
        let lines: Vec<&str> = if text.is_empty() { vec![""] } else { text.lines().collect() };
        for line in lines {
            w.create_element("w:p").write_inner_content(|w| {
                w.create_element("w:pPr").write_inner_content(|w| {
                    if style.indent > 0 {
                        empty(w, "w:ind", &[("w:left", &style.indent.to_string())])?;
                    }
                    empty(w, "w:jc", &[("w:val", style.align)])
                })?;
                if !line.is_empty() {
                    run(w, line, style.bold)?;
                }
                Ok(())
            })?;
        }
        Ok(())
    })?;
    Ok(())
}

fn run(w: &mut Xml, text: &str, bold: bool) -> R {
    // XML 1.0 cannot hold most control characters, even escaped.
    let text: String = text.chars().filter(|c| !c.is_control() || *c == '\t').collect();
    w.create_element("w:r").write_inner_content(|w| {
        if bold {
            w.create_element("w:rPr").write_inner_content(|w| empty(w, "w:b", &[]))?;
        }
        w.create_element("w:t").with_attribute(("xml:space", "preserve")).write_text_content(BytesText::new(&text))?;
        Ok(())
    })?;
    Ok(())
}

fn empty(w: &mut Xml, name: &str, attrs: &[(&str, &str)]) -> R {
    w.create_element(name).with_attributes(attrs.iter().copied()).write_empty()?;
    Ok(())
}
