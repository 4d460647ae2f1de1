//! Word (DOCX), the one writer of every Word file Tema makes (quotes, results skeleton,
//! codebook, tables): WordprocessingML written with quick-xml into a zip.
//!
//! Every paragraph, run and table carries a real Word style, so an author restyles a whole
//! document for a journal by changing a style, not by hand: Word's built-in `Title`,
//! `Subtitle`, `heading 1`–`heading 3` (with outline levels, so they show in the navigation
//! pane and a table of contents), `Quote` and `caption`; and Tema's own `Quote Original`
//! (the source under a translation), `Quote Source` (the working copy's small print),
//! `Attribution` and `Edit Mark` (character styles for the label and the `[...]` marks),
//! `Table Text`, `Table Note` and the table style `Tema Table` (rules above and below the
//! table and under its header, as booktabs draws them).
//!
//! Why by hand and not docx-rs: docx-rs 0.4 cannot mark a table row as a header row (which
//! Word repeats on every page and screen readers announce), cannot define a table style,
//! and depends on an older major version of `zip` than the spreadsheet writer, which built
//! two copies of it. The package parts Word needs are few and fixed (below).

use super::ExportError;
use super::escape::xml_text;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;

pub const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

pub const TITLE: &str = "Title";
pub const SUBTITLE: &str = "Subtitle";
pub const HEADINGS: [&str; 3] = ["Heading1", "Heading2", "Heading3"];
pub const QUOTE: &str = "Quote";
pub const QUOTE_ORIGINAL: &str = "QuoteOriginal";
pub const QUOTE_SOURCE: &str = "QuoteSource";
pub const ATTRIBUTION: &str = "Attribution";
pub const EDIT_MARK: &str = "EditMark";
pub const CAPTION: &str = "Caption";
pub const TABLE_TEXT: &str = "TableText";
pub const TABLE_NOTE: &str = "TableNote";
pub const TABLE: &str = "TemaTable";

/// A4 in twentieths of a point, with 2.54 cm margins.
pub const PAGE_LONG: u32 = 16838;
pub const PAGE_SHORT: u32 = 11906;
pub const MARGIN: u32 = 1440;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>
"#;

const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>
"#;

const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>
"#;

/// The styles every Tema Word file carries. Sizes are in half-points, spacing in
/// twentieths of a point: body 11 pt with 8 pt after each paragraph; a block quote indented
/// 1.27 cm on both sides with 6 pt above and below; table text 10 pt, single-spaced.
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Calibri" w:hAnsi="Calibri" w:eastAsia="Calibri" w:cs="Calibri"/><w:sz w:val="22"/><w:szCs w:val="22"/><w:lang w:val="en-GB"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="160" w:line="264" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style><w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style><w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="10"/><w:qFormat/><w:pPr><w:spacing w:after="120"/></w:pPr><w:rPr><w:sz w:val="52"/><w:szCs w:val="52"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Subtitle"><w:name w:val="Subtitle"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="11"/><w:qFormat/><w:pPr><w:spacing w:after="240"/></w:pPr><w:rPr><w:color w:val="595959"/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="9"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="360" w:after="120"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:color w:val="1F3864"/><w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="9"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="240" w:after="120"/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/><w:color w:val="1F3864"/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Heading3"><w:name w:val="heading 3"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="9"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="200" w:after="80"/><w:outlineLvl w:val="2"/></w:pPr><w:rPr><w:b/><w:color w:val="1F3864"/><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Quote"><w:name w:val="Quote"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="29"/><w:qFormat/><w:pPr><w:spacing w:before="120" w:after="160"/><w:ind w:left="720" w:right="720"/></w:pPr></w:style><w:style w:type="paragraph" w:styleId="QuoteOriginal"><w:name w:val="Quote Original"/><w:basedOn w:val="Quote"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:before="0" w:after="200"/></w:pPr><w:rPr><w:color w:val="595959"/><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="QuoteSource"><w:name w:val="Quote Source"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:after="200"/></w:pPr><w:rPr><w:color w:val="595959"/><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style><w:style w:type="character" w:styleId="Attribution"><w:name w:val="Attribution"/><w:basedOn w:val="DefaultParagraphFont"/><w:qFormat/></w:style><w:style w:type="character" w:styleId="EditMark"><w:name w:val="Edit Mark"/><w:basedOn w:val="DefaultParagraphFont"/><w:qFormat/><w:rPr><w:color w:val="595959"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="Caption"><w:name w:val="caption"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:uiPriority w:val="35"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:after="120"/></w:pPr><w:rPr><w:i/><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="TableText"><w:name w:val="Table Text"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style><w:style w:type="paragraph" w:styleId="TableNote"><w:name w:val="Table Note"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:spacing w:before="80" w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style><w:style w:type="table" w:styleId="TemaTable"><w:name w:val="Tema Table"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="12" w:space="0" w:color="000000"/><w:bottom w:val="single" w:sz="12" w:space="0" w:color="000000"/><w:insideH w:val="nil"/><w:insideV w:val="nil"/></w:tblBorders><w:tblCellMar><w:top w:w="40" w:type="dxa"/><w:left w:w="85" w:type="dxa"/><w:bottom w:w="40" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblStylePr w:type="firstRow"><w:rPr><w:b/></w:rPr><w:tcPr><w:tcBorders><w:bottom w:val="single" w:sz="6" w:space="0" w:color="000000"/></w:tcBorders><w:vAlign w:val="bottom"/></w:tcPr></w:tblStylePr></w:style></w:styles>
"#;

pub type Xml = Writer<Vec<u8>>;
pub type R = std::io::Result<()>;

/// Page orientation of a document's one section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Orientation {
    Portrait,
    Landscape,
}

impl Orientation {
    /// Page width and height.
    pub fn page(self) -> (u32, u32) {
        match self {
            Orientation::Portrait => (PAGE_SHORT, PAGE_LONG),
            Orientation::Landscape => (PAGE_LONG, PAGE_SHORT),
        }
    }

    /// The width between the margins.
    pub fn text_width(self) -> u32 {
        self.page().0 - 2 * MARGIN
    }
}

/// A Word file whose body `body` writes (paragraphs, tables), on A4 pages of `orientation`.
pub fn document(
    title: &str,
    orientation: Orientation,
    body: impl FnOnce(&mut Xml) -> R,
) -> Result<Vec<u8>, ExportError> {
    let xml = document_xml(orientation, body).map_err(|e| ExportError::format("Word file", e))?;
    package(&xml, title)
}

fn document_xml(orientation: Orientation, body: impl FnOnce(&mut Xml) -> R) -> std::io::Result<Vec<u8>> {
    let mut w = Writer::new(Vec::new());
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), Some("yes"))))?;
    w.create_element("w:document").with_attribute(("xmlns:w", W)).write_inner_content(|w| {
        w.create_element("w:body").write_inner_content(|w| {
            body(w)?;
            w.create_element("w:sectPr").write_inner_content(|w| {
                let (pw, ph) = orientation.page();
                let (pw, ph) = (pw.to_string(), ph.to_string());
                let mut size = vec![("w:w", pw.as_str()), ("w:h", ph.as_str())];
                if orientation == Orientation::Landscape {
                    size.push(("w:orient", "landscape"));
                }
                empty(w, "w:pgSz", &size)?;
                let m = MARGIN.to_string();
                empty(w, "w:pgMar", &[("w:top", &m), ("w:right", &m), ("w:bottom", &m), ("w:left", &m)])
            })?;
            Ok(())
        })?;
        Ok(())
    })?;
    Ok(w.into_inner())
}

fn package(document: &[u8], title: &str) -> Result<Vec<u8>, ExportError> {
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let core = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<cp:coreProperties \
         xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><dc:title>{}</dc:title><dc:creator>Tema</dc:creator>\
         <dcterms:created xsi:type=\"dcterms:W3CDTF\">{now}</dcterms:created></cp:coreProperties>\n",
        super::escape::html(title)
    );
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in [
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", RELS.as_bytes()),
        ("docProps/core.xml", core.as_bytes()),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.as_bytes()),
        ("word/styles.xml", STYLES.as_bytes()),
        ("word/document.xml", document),
    ] {
        zip.start_file(name, options)?;
        zip.write_all(bytes).map_err(|e| ExportError::format("Word file", e))?;
    }
    Ok(zip.finish()?.into_inner())
}

/// How a run of text looks: a character style, or bold.
#[derive(Clone, Copy, Debug, Default)]
pub struct RunStyle<'a> {
    pub style: Option<&'a str>,
    pub bold: bool,
}

impl<'a> RunStyle<'a> {
    pub fn styled(style: &'a str) -> Self {
        RunStyle { style: Some(style), bold: false }
    }

    pub fn bold() -> Self {
        RunStyle { style: None, bold: true }
    }
}

/// A run of text. Line breaks in `text` become `w:br` line breaks.
pub fn run(w: &mut Xml, text: &str, style: RunStyle<'_>) -> R {
    let text = xml_text(text);
    w.create_element("w:r").write_inner_content(|w| {
        if style.style.is_some() || style.bold {
            w.create_element("w:rPr").write_inner_content(|w| {
                if let Some(s) = style.style {
                    empty(w, "w:rStyle", &[("w:val", s)])?;
                }
                if style.bold {
                    empty(w, "w:b", &[])?;
                }
                Ok(())
            })?;
        }
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                empty(w, "w:br", &[])?;
            }
            if !line.is_empty() {
                w.create_element("w:t")
                    .with_attribute(("xml:space", "preserve"))
                    .write_text_content(BytesText::new(line))?;
            }
        }
        Ok(())
    })?;
    Ok(())
}

/// A paragraph in a paragraph style (`None`: Normal) whose runs `runs` writes.
pub fn para(w: &mut Xml, style: Option<&str>, runs: impl FnOnce(&mut Xml) -> R) -> R {
    w.create_element("w:p").write_inner_content(|w| {
        if let Some(s) = style {
            w.create_element("w:pPr").write_inner_content(|w| empty(w, "w:pStyle", &[("w:val", s)]))?;
        }
        runs(w)
    })?;
    Ok(())
}

/// A paragraph of plain text in a style.
pub fn text_para(w: &mut Xml, style: Option<&str>, text: &str) -> R {
    para(w, style, |w| run(w, text, RunStyle::default()))
}

pub fn empty(w: &mut Xml, name: &str, attrs: &[(&str, &str)]) -> R {
    w.create_element(name).with_attributes(attrs.iter().copied()).write_empty()?;
    Ok(())
}

/// What every table Tema writes to Word shares: the Tema table style at full width, a fixed
/// layout on the given column widths (twips) so Word keeps the widths measured for the
/// content, and the first row styled as a header.
pub fn table_start(w: &mut Xml, widths: &[usize]) -> R {
    w.create_element("w:tblPr").write_inner_content(|w| {
        empty(w, "w:tblStyle", &[("w:val", TABLE)])?;
        empty(w, "w:tblW", &[("w:w", "5000"), ("w:type", "pct")])?;
        empty(w, "w:tblLayout", &[("w:type", "fixed")])?;
        empty(w, "w:tblLook", &[("w:val", "0020"), ("w:firstRow", "1"), ("w:firstColumn", "0"), ("w:noHBand", "1")])
    })?;
    w.create_element("w:tblGrid").write_inner_content(|w| {
        for width in widths {
            empty(w, "w:gridCol", &[("w:w", &width.to_string())])?;
        }
        Ok(())
    })?;
    Ok(())
}

/// A table row's properties: never split across a page; a header row repeats on every page.
pub fn row_props(w: &mut Xml, header: bool) -> R {
    w.create_element("w:trPr").write_inner_content(|w| {
        empty(w, "w:cantSplit", &[])?;
        if header {
            empty(w, "w:tblHeader", &[])?;
        }
        Ok(())
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn a_document_is_a_package_with_its_styles() -> Result<(), Box<dyn std::error::Error>> {
        let bytes = document("T & U", Orientation::Landscape, |w| text_para(w, Some(QUOTE), "a < b\nnext\u{1}"))?;
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes))?;
        let mut doc = String::new();
        zip.by_name("word/document.xml")?.read_to_string(&mut doc)?;
        assert!(doc.contains(r#"<w:pStyle w:val="Quote"/>"#));
        assert!(doc.contains("a &lt; b</w:t><w:br/><w:t xml:space=\"preserve\">next</w:t>"), "{doc}");
        assert!(doc.contains(r#"w:orient="landscape""#));
        let mut styles = String::new();
        zip.by_name("word/styles.xml")?.read_to_string(&mut styles)?;
        for id in [TITLE, SUBTITLE, QUOTE, QUOTE_ORIGINAL, QUOTE_SOURCE, ATTRIBUTION, EDIT_MARK, CAPTION, TABLE]
            .iter()
            .chain(&HEADINGS)
        {
            assert!(styles.contains(&format!("w:styleId=\"{id}\"")), "{id}");
        }
        let mut core = String::new();
        zip.by_name("docProps/core.xml")?.read_to_string(&mut core)?;
        assert!(core.contains("<dc:title>T &amp; U</dc:title>"));
        Ok(())
    }
}
