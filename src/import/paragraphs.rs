//! Building a document's text out of paragraphs, for the formats that have them (Word,
//! OpenDocument, RTF, HTML, Markdown, PDF).
//!
//! Paragraphs are separated by one blank line, as in the plain-text transcripts researchers
//! type; empty paragraphs (used for spacing) are dropped; a line break inside a paragraph is
//! one `\n`. A table row is one paragraph with its cells separated by tabs, so a two-column
//! transcript table (speaker | words) reads `Speaker<TAB>words`.

#[derive(Debug, Default)]
pub(crate) struct TextBuilder {
    out: String,
    para: String,
    /// A paragraph ended inside a table cell: a `\n` is due if more text follows in the cell.
    pending_break: bool,
}

impl TextBuilder {
    pub fn push_str(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        self.flush_pending();
        self.para.push_str(s);
    }

    pub fn push(&mut self, c: char) {
        self.flush_pending();
        self.para.push(c);
    }

    /// An explicit line break inside a paragraph.
    pub fn line_break(&mut self) {
        self.flush_pending();
        self.para.push('\n');
    }

    /// The end of a paragraph inside a table cell: a line break if the cell goes on.
    pub fn soft_break(&mut self) {
        if !self.para.is_empty() && !self.para.ends_with('\t') {
            self.pending_break = true;
        }
    }

    /// The end of a table cell; the next cell starts after a tab.
    pub fn end_cell(&mut self) {
        self.pending_break = false;
        self.para.push('\t');
    }

    /// The end of a table row (with its trailing cell tab removed) or of a paragraph.
    pub fn end_row(&mut self) {
        if self.para.ends_with('\t') {
            self.para.pop();
        }
        self.end_paragraph();
    }

    pub fn end_paragraph(&mut self) {
        self.pending_break = false;
        if self.para.trim().is_empty() {
            self.para.clear();
            return;
        }
        if !self.out.is_empty() {
            self.out.push_str("\n\n");
        }
        self.out.push_str(&self.para);
        self.para.clear();
    }

    /// Adds text under the white-space rule of HTML and ODF: a run of spaces, tabs and
    /// newlines is one space, and none at the start of a line.
    pub fn push_collapsed(&mut self, text: &str) {
        for c in text.chars() {
            if matches!(c, ' ' | '\t' | '\n' | '\r' | '\u{0C}') {
                let cur = &self.para;
                if !(cur.is_empty() || cur.ends_with([' ', '\n', '\t']) || self.pending_break) {
                    self.para.push(' ');
                }
            } else {
                self.push(c);
            }
        }
    }

    /// An XML character or entity reference in running text (`&#233;`, `&amp;`) as the
    /// character it stands for — the same for Word and OpenDocument; a reference to an entity
    /// XML does not define adds nothing, as there is no text to add.
    pub fn push_xml_ref(&mut self, r: &quick_xml::events::BytesRef<'_>) -> Result<(), quick_xml::Error> {
        if let Some(c) = r.resolve_char_ref()? {
            self.push(c);
        } else if let Some(s) = quick_xml::escape::resolve_predefined_entity(&r.xml10_content()) {
            self.push_str(s);
        }
        Ok(())
    }

    pub fn finish(mut self) -> String {
        self.end_paragraph();
        self.out
    }

    fn flush_pending(&mut self) {
        if self.pending_break {
            self.para.push('\n');
            self.pending_break = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_cells_and_breaks() {
        let mut b = TextBuilder::default();
        b.push_str("Title");
        b.end_paragraph();
        b.end_paragraph(); // empty paragraph dropped
        b.push_str("Interviewer");
        b.end_cell();
        b.push_str("First line.");
        b.soft_break();
        b.push_str("Second paragraph in the cell.");
        b.soft_break();
        b.end_cell();
        b.end_row();
        b.push_str("A");
        b.line_break();
        b.push_str("B");
        assert_eq!(b.finish(), "Title\n\nInterviewer\tFirst line.\nSecond paragraph in the cell.\n\nA\nB");
    }
}
