//! Rich Text Format (.rtf): the text of the document body.
//!
//! RTF text extraction is small and well specified, and the crates that do it were young or
//! dropped code-page handling, so this is a reader written to the RTF 1.9 spec: groups,
//! control words, `\'hh` bytes in the document's code page (or the current font's charset),
//! `\uN` Unicode escapes with their `\ucN` fallbacks and surrogate pairs, paragraphs, line
//! breaks, tabs, tables (`\cell`, `\row`) and the typographic symbols (`\emdash`,
//! `\ldblquote`, ...). Destinations that are not body text are skipped: font, colour and
//! style tables, document info, pictures, objects, headers, footers, footnotes, comments,
//! field instructions (the shown field result is kept), list numbers and every `{\*...}`
//! group Tema does not know.

use super::FileError;
use super::paragraphs::TextBuilder;
use encoding_rs::{Encoding, WINDOWS_1252};
use std::collections::HashMap;

const FORMAT: &str = "RTF (.rtf)";

/// Destinations whose content is not body text.
const SKIP: &[&str] = &[
    "annotation",
    "atnauthor",
    "atnid",
    "author",
    "bkmkend",
    "bkmkstart",
    "colortbl",
    "colorschememapping",
    "comment",
    "datastore",
    "docvar",
    "fldinst",
    "footer",
    "footerf",
    "footerl",
    "footerr",
    "footnote",
    "ftncn",
    "ftnsep",
    "ftnsepc",
    "generator",
    "header",
    "headerf",
    "headerl",
    "headerr",
    "info",
    "latentstyles",
    "listoverridetable",
    "listtable",
    "listtext",
    "mmathPr",
    "nonshppict",
    "object",
    "objdata",
    "operator",
    "pgdsctbl",
    "pict",
    "pntext",
    "pntxta",
    "pntxtb",
    "private",
    "revtbl",
    "rsidtbl",
    "stylesheet",
    "tc",
    "template",
    "themedata",
    "title",
    "txe",
    "userprops",
    "xe",
    "xmlnstbl",
];

#[derive(Clone, Copy)]
struct Group {
    /// Skipping this group's content.
    skip: bool,
    /// Inside the font table: collecting font charsets.
    font_table: bool,
    /// Number of fallback chars after `\uN`.
    uc: usize,
    /// Inside a table paragraph (`\intbl`).
    in_table: bool,
    /// The encoding of the current font, if its charset says one.
    font_encoding: Option<&'static Encoding>,
    /// The next control word names a destination (`{\*\dest ...}`).
    star: bool,
    /// Nothing but the group's opening brace has been read yet.
    at_start: bool,
}

struct Reader<'a> {
    src: &'a [u8],
    pos: usize,
    out: TextBuilder,
    code_page: &'static Encoding,
    fonts: HashMap<i32, &'static Encoding>,
    font_in_table: Option<i32>,
    /// `\'hh` bytes waiting to be decoded together (a double-byte code page needs pairs).
    bytes: Vec<u8>,
    bytes_encoding: Option<&'static Encoding>,
    /// Fallback chars still to skip after `\uN`.
    skip_chars: usize,
    /// A high surrogate from `\uN` waiting for its low half.
    high_surrogate: Option<u16>,
}

pub fn extract(bytes: &[u8]) -> Result<String, FileError> {
    if bytes.is_empty() {
        return Err(FileError::Empty);
    }
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(0);
    if !bytes[start..].starts_with(b"{\\rtf") {
        let hint = super::txt::known_binary(bytes).map(|w| format!(" (it is {w})")).unwrap_or_default();
        return Err(FileError::corrupt(FORMAT, format!("it does not start with {{\\rtf{hint}")));
    }
    let mut r = Reader {
        src: bytes,
        pos: start,
        out: TextBuilder::default(),
        code_page: WINDOWS_1252,
        fonts: HashMap::new(),
        font_in_table: None,
        bytes: Vec::new(),
        bytes_encoding: None,
        skip_chars: 0,
        high_surrogate: None,
    };
    r.run()?;
    Ok(r.out.finish())
}

impl Reader<'_> {
    fn run(&mut self) -> Result<(), FileError> {
        let base = Group {
            skip: false,
            font_table: false,
            uc: 1,
            in_table: false,
            font_encoding: None,
            star: false,
            at_start: false,
        };
        let mut stack: Vec<Group> = Vec::new();
        let mut g = base;
        while self.pos < self.src.len() {
            let b = self.src[self.pos];
            self.pos += 1;
            match b {
                b'{' => {
                    self.flush_bytes();
                    if stack.len() > 10_000 {
                        return Err(FileError::corrupt(FORMAT, "groups are nested too deeply"));
                    }
                    stack.push(g);
                    g.at_start = true;
                    g.star = false;
                    self.skip_chars = 0;
                }
                b'}' => {
                    self.flush_bytes();
                    let leaving_font_table = g.font_table;
                    match stack.pop() {
                        Some(prev) => g = prev,
                        None => break, // the document's closing brace; anything after is ignored
                    }
                    if leaving_font_table && !g.font_table {
                        self.font_in_table = None;
                    }
                    self.skip_chars = 0;
                }
                b'\\' => self.control(&mut g)?,
                b'\r' | b'\n' => {}
                _ => {
                    g.at_start = false;
                    if g.font_table || g.skip {
                        continue;
                    }
                    if self.skip_chars > 0 {
                        self.skip_chars -= 1;
                        continue;
                    }
                    if b.is_ascii() {
                        self.flush_bytes();
                        self.out.push(b as char);
                    } else {
                        self.push_byte(b, &g);
                    }
                }
            }
        }
        self.flush_bytes();
        Ok(())
    }

    fn control(&mut self, g: &mut Group) -> Result<(), FileError> {
        let Some(&c) = self.src.get(self.pos) else { return Ok(()) };
        let at_start = std::mem::replace(&mut g.at_start, false);
        if c.is_ascii_alphabetic() {
            let start = self.pos;
            while self.src.get(self.pos).is_some_and(u8::is_ascii_alphabetic) {
                self.pos += 1;
            }
            let word = std::str::from_utf8(&self.src[start..self.pos]).unwrap_or_default().to_string();
            let num_start = self.pos;
            if self.src.get(self.pos) == Some(&b'-') {
                self.pos += 1;
            }
            while self.src.get(self.pos).is_some_and(u8::is_ascii_digit) {
                self.pos += 1;
            }
            let param = std::str::from_utf8(&self.src[num_start..self.pos]).ok().and_then(|s| s.parse::<i64>().ok());
            if self.src.get(self.pos) == Some(&b' ') {
                self.pos += 1;
            }
            self.word(g, &word, param, at_start);
            return Ok(());
        }
        self.pos += 1;
        match c {
            b'\'' => {
                let hex = self.src.get(self.pos..self.pos + 2).and_then(|h| std::str::from_utf8(h).ok());
                let byte = hex.and_then(|h| u8::from_str_radix(h, 16).ok());
                self.pos = (self.pos + 2).min(self.src.len());
                if let Some(byte) = byte
                    && !g.skip
                    && !g.font_table
                {
                    if self.skip_chars > 0 {
                        self.skip_chars -= 1;
                    } else {
                        self.push_byte(byte, g);
                    }
                }
            }
            b'*' => {
                g.star = true;
                g.at_start = at_start;
            }
            b'\r' | b'\n' => self.word(g, "par", None, false),
            _ if g.skip || g.font_table => {}
            b'\\' | b'{' | b'}' => self.text_char(c as char),
            b'~' => self.text_char('\u{A0}'),
            b'_' => self.text_char('\u{2011}'),
            _ => {} // \- optional hyphen, \: index subentry, \| formula
        }
        Ok(())
    }

    fn word(&mut self, g: &mut Group, word: &str, param: Option<i64>, at_start: bool) {
        // A destination: the first control word of a group.
        if at_start && (g.star || SKIP.contains(&word)) {
            self.flush_bytes();
            if word == "fonttbl" {
                g.font_table = true;
            } else if g.star && !matches!(word, "fldrslt" | "shptxt") || SKIP.contains(&word) {
                g.skip = true;
            }
            g.star = false;
            return;
        }
        if word == "fonttbl" {
            g.font_table = true;
            return;
        }
        g.star = false;
        if g.font_table {
            match word {
                "f" => self.font_in_table = param.and_then(|p| i32::try_from(p).ok()),
                "fcharset" => {
                    if let (Some(f), Some(enc)) = (self.font_in_table, param.and_then(charset_encoding)) {
                        self.fonts.insert(f, enc);
                    }
                }
                _ => {}
            }
            return;
        }
        match word {
            "ansicpg" => {
                if let Some(enc) = param.and_then(code_page_encoding) {
                    self.code_page = enc;
                }
            }
            "mac" => self.code_page = encoding_rs::MACINTOSH,
            "uc" => g.uc = param.and_then(|p| usize::try_from(p).ok()).unwrap_or(1).min(16),
            "bin" => {
                // Binary data of the given length follows.
                let n = param.and_then(|p| usize::try_from(p).ok()).unwrap_or(0);
                self.pos = self.pos.saturating_add(n).min(self.src.len());
            }
            _ if g.skip => {}
            "f" => {
                g.font_encoding = param.and_then(|p| i32::try_from(p).ok()).and_then(|f| self.fonts.get(&f).copied())
            }
            "pard" => g.in_table = false,
            "intbl" => g.in_table = true,
            "u" => {
                self.flush_bytes();
                if let Some(p) = param {
                    // Parameters are signed 16-bit; negatives stand for code units above 0x7FFF.
                    let unit = if p < 0 { (p + 65_536) as u16 } else { p.min(0xFFFF) as u16 };
                    self.unicode(unit);
                }
                self.skip_chars = g.uc;
            }
            "par" | "sect" => {
                self.flush_bytes();
                if g.in_table { self.out.soft_break() } else { self.out.end_paragraph() }
            }
            "line" => {
                self.flush_bytes();
                self.out.line_break();
            }
            "tab" => self.text_char('\t'),
            "cell" | "nestcell" => {
                self.flush_bytes();
                self.out.end_cell();
            }
            "row" | "nestrow" => {
                self.flush_bytes();
                self.out.end_row();
            }
            "emdash" => self.text_char('—'),
            "endash" => self.text_char('–'),
            "emspace" => self.text_char('\u{2003}'),
            "enspace" => self.text_char('\u{2002}'),
            "qmspace" => self.text_char('\u{2005}'),
            "bullet" => self.text_char('•'),
            "lquote" => self.text_char('‘'),
            "rquote" => self.text_char('’'),
            "ldblquote" => self.text_char('“'),
            "rdblquote" => self.text_char('”'),
            "zwj" => self.text_char('\u{200D}'),
            "zwnj" => self.text_char('\u{200C}'),
            _ => {}
        }
    }

    fn text_char(&mut self, c: char) {
        self.flush_bytes();
        self.out.push(c);
    }

    fn unicode(&mut self, unit: u16) {
        match unit {
            0xD800..=0xDBFF => self.high_surrogate = Some(unit),
            0xDC00..=0xDFFF => {
                if let Some(high) = self.high_surrogate.take() {
                    let c = 0x10000 + ((u32::from(high) - 0xD800) << 10) + (u32::from(unit) - 0xDC00);
                    if let Some(c) = char::from_u32(c) {
                        self.out.push(c);
                    }
                }
            }
            _ => {
                self.high_surrogate = None;
                if let Some(c) = char::from_u32(u32::from(unit)) {
                    self.out.push(c);
                }
            }
        }
    }

    fn push_byte(&mut self, byte: u8, g: &Group) {
        let enc = g.font_encoding.unwrap_or(self.code_page);
        if self.bytes_encoding.is_some_and(|e| e != enc) {
            self.flush_bytes();
        }
        self.bytes_encoding = Some(enc);
        self.bytes.push(byte);
    }

    fn flush_bytes(&mut self) {
        if self.bytes.is_empty() {
            return;
        }
        let enc = self.bytes_encoding.take().unwrap_or(self.code_page);
        let (text, _) = enc.decode_without_bom_handling(&self.bytes);
        self.out.push_str(&text);
        self.bytes.clear();
    }
}

/// The encoding of a Windows code page number (`\ansicpg1252`).
fn code_page_encoding(cp: i64) -> Option<&'static Encoding> {
    let label = match cp {
        65001 => "utf-8",
        932 => "shift_jis",
        936 => "gbk",
        949 => "euc-kr",
        950 => "big5",
        10000 => "macintosh",
        874 | 1250..=1258 => return Encoding::for_label(format!("windows-{cp}").as_bytes()),
        _ => return None,
    };
    Encoding::for_label(label.as_bytes())
}

/// The encoding of a font charset (`\fcharset204`).
fn charset_encoding(charset: i64) -> Option<&'static Encoding> {
    let cp = match charset {
        0 => 1252,
        77 => 10000,
        128 => 932,
        129 => 949,
        134 => 936,
        136 => 950,
        161 => 1253,
        162 => 1254,
        163 => 1258,
        177 => 1255,
        178 => 1256,
        186 => 1257,
        204 => 1251,
        222 => 874,
        238 => 1250,
        _ => return None,
    };
    code_page_encoding(cp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_escapes_and_destinations() -> Result<(), FileError> {
        let rtf = br"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\froman\fcharset0 Times;}{\f1\fcharset204 Cyr;}}
{\colortbl;\red0\green0\blue0;}{\*\generator Writer}{\info{\title T}}
\pard\plain{\b Intervjuer:} Hvordan gikk m\'f8tet p\u229\'e5 fredag?\par
\pard{\b J4:} Bra \u-10179\u-8704?, sa \f1\'c4\f0  hun\emdash {\*\unknown skip me}og {\field{\*\fldinst HYPERLINK x}{\fldrslt lenke}}.\line Ny linje\tab slutt\par
{\footnote Fotnote}\pard\intbl A\cell B\cell\row
}";
        let text = extract(rtf)?;
        assert_eq!(
            text,
            "Intervjuer: Hvordan gikk møtet på fredag?\n\nJ4: Bra 😀, sa Д hun—og lenke.\nNy linje\tslutt\n\nA\tB"
        );
        Ok(())
    }

    #[test]
    fn not_rtf_is_refused() {
        assert!(matches!(extract(b"Hello"), Err(FileError::Corrupt { .. })));
        assert!(matches!(extract(b""), Err(FileError::Empty)));
    }
}
