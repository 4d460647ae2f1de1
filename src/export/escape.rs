//! Escaping, written once for every export: LaTeX, Markdown, HTML (and XML: SVG, Word),
//! and CSV cells. Report, table, codebook, map and chart exports all call these, so a
//! character that one format treats specially is handled the same way everywhere.

use std::borrow::Cow;

/// Text safe in a LaTeX document or table cell. Every special character (`\ { } $ & # % _
/// ^ ~`) is escaped, the ones T1 fonts set wrongly (`< > | "`) become their text commands,
/// brackets go in braces (after `\item` or `\\` a `[` would open an optional argument),
/// line breaks and control characters become spaces, and each run of emoji goes into
/// `\temaemoji{...}` (see [`latex_emoji_declarations`]).
pub fn latex(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut in_emoji = false;
    for c in text.chars() {
        let pictograph = is_pictograph(c);
        if pictograph != in_emoji {
            out.push_str(if pictograph { "\\temaemoji{" } else { "}" });
            in_emoji = pictograph;
        }
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '$' | '&' | '#' | '%' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '^' => out.push_str("\\textasciicircum{}"),
            '~' => out.push_str("\\textasciitilde{}"),
            '<' => out.push_str("\\textless{}"),
            '>' => out.push_str("\\textgreater{}"),
            '|' => out.push_str("\\textbar{}"),
            '"' => out.push_str("\\textquotedbl{}"),
            '[' => out.push_str("{[}"),
            ']' => out.push_str("{]}"),
            c if c.is_control() => out.push(' '),
            _ => out.push(c),
        }
    }
    if in_emoji {
        out.push('}');
    }
    out
}

/// Several lines of text in LaTeX, trimmed, each escaped and joined with `separator`
/// (`" \\newline "` in a paragraph column, `" "` where lines cannot break).
pub fn latex_lines(text: &str, separator: &str) -> String {
    text.trim().lines().map(latex).collect::<Vec<_>>().join(separator)
}

/// Pictographs pdfLaTeX cannot set: emoji, the older symbol blocks they grew from, and the
/// joiner and variation selector that glue them together.
pub fn is_pictograph(c: char) -> bool {
    matches!(c as u32, 0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0xFE0F | 0x200D)
}

/// The definition of `\temaemoji`, which [`latex`] wraps every run of emoji in, when `body`
/// uses it (else nothing): under pdfLaTeX, which has no way to draw emoji, a run prints as
/// "[emoji]" (its characters are dropped unread, so the run cannot stop pdfTeX); under XeLaTeX
/// or LuaLaTeX it prints as it is, with a font that has the emoji. `\ifdefined\pdftexversion`
/// is true under pdfTeX only. It is a `\providecommand`, so it works in a preamble and at the
/// top of a table pasted into a document's body (where `\DeclareUnicodeCharacter` is not
/// allowed), and two pasted tables do not clash.
pub fn latex_emoji_declarations(body: &str) -> String {
    if body.contains("\\temaemoji{") {
        "\\providecommand{\\temaemoji}[1]{\\ifdefined\\pdftexversion{[}emoji{]}\\else#1\\fi}\n".to_string()
    } else {
        String::new()
    }
}

/// Escapes what CommonMark (and GitHub's tables and strikethrough) would read as markup,
/// leaving the text readable: emphasis, code, HTML, pipes, tildes, and a bracket followed by
/// a parenthesis (which would make a link of `[...](...)`; `[...]` alone stays as it is).
/// Line breaks become spaces.
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut prev = '\0';
    for c in text.chars() {
        match c {
            '\\' | '*' | '_' | '`' | '<' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '(' if prev == ']' => out.push_str("\\("),
            '\n' | '\r' => out.push(' '),
            c if c.is_control() => out.push(' '),
            _ => out.push(c),
        }
        prev = c;
    }
    out
}

/// Markdown for text that starts a line: also escapes what would make it a heading, a list
/// item, a block quote or a rule.
pub fn markdown_line(text: &str) -> String {
    markdown_line_start(&markdown(text))
}

/// Escapes the start of an already escaped line.
pub fn markdown_line_start(s: &str) -> String {
    let trimmed = s.trim_start();
    let lead = &s[..s.len() - trimmed.len()];
    let digits: String = trimmed.chars().take_while(char::is_ascii_digit).collect();
    let list_number = !digits.is_empty() && matches!(trimmed[digits.len()..].chars().next(), Some('.' | ')'));
    if matches!(trimmed.chars().next(), Some('#' | '-' | '+' | '=' | '>')) {
        format!("{lead}\\{trimmed}")
    } else if list_number {
        format!("{lead}{digits}\\{}", &trimmed[digits.len()..])
    } else {
        s.to_string()
    }
}

/// Text in a Markdown table cell: trimmed, each line escaped as a line start, lines joined
/// with `<br>`.
pub fn markdown_cell(text: &str) -> String {
    text.trim().lines().map(|l| markdown_line(l.trim())).collect::<Vec<_>>().join("<br>")
}

/// Whether XML 1.0 can hold a character at all, even as a character reference: tab, line
/// feed, carriage return, and everything from U+0020 except the non-characters U+FFFE and
/// U+FFFF. Every XML writer (Word, SVG, HTML, REFI-QDA) drops what it cannot hold, so a stray
/// character in a name cannot make a file no reader opens.
pub fn xml_holds(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
}

/// Whether a character stays in text written for reading (Word, SVG, HTML): what XML can
/// hold, less the control characters other than tab and line feed.
fn readable(c: char) -> bool {
    xml_holds(c) && (!c.is_control() || matches!(c, '\t' | '\n'))
}

/// Text safe in HTML and XML content and attribute values. Characters XML 1.0 cannot hold,
/// and control characters, are dropped.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if !readable(c) => {}
            _ => out.push(c),
        }
    }
    out
}

/// Text for an XML writer that escapes `& < >` itself (Word files): without the control
/// characters XML 1.0 cannot hold, even escaped.
pub fn xml_text(text: &str) -> Cow<'_, str> {
    if !text.chars().all(readable) {
        Cow::Owned(text.chars().filter(|&c| readable(c)).collect())
    } else {
        Cow::Borrowed(text)
    }
}

/// A CSV cell that a spreadsheet will not run as a formula: a cell starting with `=`, `+`,
/// `-`, `@`, a tab or a carriage return (what Excel, LibreOffice and Google Sheets read as
/// the start of a formula) gets a leading apostrophe, which spreadsheets show as text and
/// do not display. A plain number (`-3`, `+4.5`) is left as it is: no formula can hide in
/// it. Quoting the cell is the CSV writer's job.
pub fn csv_cell(text: &str) -> Cow<'_, str> {
    let risky = matches!(text.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r'));
    let rest = text.get(1..).unwrap_or("");
    let number = matches!(text.chars().next(), Some('+' | '-'))
        && rest.chars().any(|c| c.is_ascii_digit())
        && rest.chars().all(|c| c.is_ascii_digit() || c == '.');
    if risky && !number { Cow::Owned(format!("'{text}")) } else { Cow::Borrowed(text) }
}

/// A CSV writer into memory that starts with a byte-order mark, so Excel reads æ, ø, å and
/// emoji right; [`write_row`] neutralises every cell.
pub fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new().from_writer("\u{feff}".as_bytes().to_vec())
}

/// Writes one CSV record, each cell through [`csv_cell`].
pub fn write_row<I, S>(w: &mut csv::Writer<Vec<u8>>, cells: I) -> Result<(), csv::Error>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let cells: Vec<String> = cells.into_iter().map(|c| csv_cell(c.as_ref()).into_owned()).collect();
    w.write_record(&cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latex_escapes_every_special_character() {
        assert_eq!(
            latex(r"50% & $5 #1 a_b {x} ~ ^ \ < > |"),
            r"50\% \& \$5 \#1 a\_b \{x\} \textasciitilde{} \textasciicircum{} \textbackslash{} \textless{} \textgreater{} \textbar{}"
        );
        // Brackets in braces: "[E5]" after `\item` or `\\` would be an optional argument.
        assert_eq!(latex("[...] Møte 😀"), "{[}...{]} Møte \\temaemoji{😀}");
        // A run of emoji (joined by a zero-width joiner) is one argument.
        assert_eq!(latex("a 👩\u{200D}👩 b ❤\u{FE0F}"), "a \\temaemoji{👩\u{200D}👩} b \\temaemoji{❤\u{FE0F}}");
        assert_eq!(latex("say \"hi\"\u{7}"), "say \\textquotedbl{}hi\\textquotedbl{} ");
        assert_eq!(latex_lines("Første\nlinje", " \\newline "), "Første \\newline linje");
    }

    #[test]
    fn emoji_macro_is_defined_only_when_used() {
        assert_eq!(latex_emoji_declarations("no emoji here"), "");
        let d = latex_emoji_declarations(&latex("😀"));
        assert_eq!(d, "\\providecommand{\\temaemoji}[1]{\\ifdefined\\pdftexversion{[}emoji{]}\\else#1\\fi}\n");
    }

    #[test]
    fn markdown_keeps_text_readable() {
        assert_eq!(markdown("a *b* _c_ [...] [x](y) 2 < 3"), "a \\*b\\* \\_c\\_ [...] [x]\\(y) 2 \\< 3");
        assert_eq!(markdown("# mid-line is fine | ~~x~~"), "# mid-line is fine \\| \\~\\~x\\~\\~");
        assert_eq!(markdown_line("# not a heading"), "\\# not a heading");
        assert_eq!(markdown_line("1. not a list"), "1\\. not a list");
        assert_eq!(markdown_line("> not a quote"), "\\> not a quote");
        assert_eq!(markdown_cell("  A | B\n- next "), "A \\| B<br>\\- next");
        assert_eq!(markdown("Møte 😀"), "Møte 😀");
    }

    #[test]
    fn html_escapes_markup_and_drops_what_xml_cannot_hold() {
        assert_eq!(html("<a href=\"x\">'&'</a>\u{1}"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
        assert_eq!(xml_text("a\u{0}b\tc"), "ab\tc");
        // Non-characters: no XML 1.0 reader takes them, escaped or not.
        assert_eq!(html("a\u{FFFE}b\u{FFFF}\r\n"), "ab\n");
        assert_eq!(xml_text("Møte\u{FFFE} 😀"), "Møte 😀");
        assert!(['\t', '\n', '\r', ' ', 'ø', '\u{FFFD}', '😀'].into_iter().all(xml_holds));
        assert!(!['\u{0}', '\u{1F}', '\u{FFFE}', '\u{FFFF}'].into_iter().any(xml_holds));
    }

    #[test]
    fn csv_cells_never_start_a_formula() {
        for risky in ["=SUM(A1:A9)", "+cmd", "-2+3", "-inf", "-", "@SUM(1)", "\tx", "\r=1"] {
            assert_eq!(csv_cell(risky), format!("'{risky}"), "{risky:?}");
        }
        for safe in ["12", "-3", "+4.5", "Jobseeker", "", "a=b", "4 of 6"] {
            assert_eq!(csv_cell(safe), safe);
        }
    }
}
