//! Exports for the paper: the Markdown as an exact snapshot, CSV parsed back, LaTeX and
//! HTML checked for structure and escaping, the DOCX checked for real Word styles and —
//! with TEMA_EXTERNAL_CHECKS=1 — opened by LibreOffice and turned into a PDF whose text a
//! reviewer would accept; every LaTeX export compiled by pdflatex. Paper and working copies,
//! quotation marks by language. Also progress and cancelling.

use std::io::Read;
use std::path::Path;
use tema::export::report::{self, Audience, ExportError, Format, Kind, Options, Request, Translations};
use tema::model::*;
use tema::progress::Progress;

mod external;
mod quotes_fixture;
use quotes_fixture::*;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn export(p: &Project, kind: Kind, format: Format) -> Result<Vec<u8>, ExportError> {
    report::export(p, &Request::new(kind, format), &Progress::new()).map(|(bytes, _)| bytes)
}

fn text(p: &Project, kind: Kind, format: Format) -> Result<String, Box<dyn std::error::Error>> {
    Ok(String::from_utf8(export(p, kind, format)?)?)
}

fn working(kind: Kind, format: Format) -> Request {
    Request { options: Options { audience: Audience::Working, ..Options::default() }, ..Request::new(kind, format) }
}

fn working_bytes(p: &Project, kind: Kind, format: Format) -> Result<Vec<u8>, ExportError> {
    report::export(p, &working(kind, format), &Progress::new()).map(|(bytes, _)| bytes)
}

const ALL_QUOTES: Kind = Kind::Quotes { theme: None };

/// Compares with a snapshot in tests/fixtures/quotes/; `UPDATE_SNAPSHOTS=1` rewrites it.
fn snapshot(name: &str, actual: &str) -> TestResult {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/quotes").join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().ok_or("no parent")?)?;
        std::fs::write(&path, actual)?;
        return Ok(());
    }
    let expected =
        std::fs::read_to_string(&path).map_err(|e| format!("{}: {e} (UPDATE_SNAPSHOTS=1 makes it)", path.display()))?;
    assert_eq!(actual, expected, "{name} differs from its snapshot");
    Ok(())
}

#[test]
fn markdown_snapshots() -> TestResult {
    let p = study();
    snapshot("report.md", &text(&p, Kind::Report, Format::Markdown)?)?;
    snapshot("quotes.md", &text(&p, ALL_QUOTES, Format::Markdown)?)?;
    snapshot("codebook.md", &text(&p, Kind::Codebook, Format::Markdown)?)?;
    snapshot("quotes-working.md", &String::from_utf8(working_bytes(&p, ALL_QUOTES, Format::Markdown)?)?)?;
    snapshot("codebook-working.md", &String::from_utf8(working_bytes(&p, Kind::Codebook, Format::Markdown)?)?)?;
    Ok(())
}

#[test]
fn report_reads_as_a_results_section() -> TestResult {
    let p = study();
    let md = text(&p, Kind::Report, Format::Markdown)?;
    // Main theme, then its subtheme, then the next main theme; the parked theme is left out.
    let voice = md.find("## Voice in the meeting").ok_or("main theme")?;
    let talked = md.find("### Talked about, not with").ok_or("subtheme")?;
    let waiting = md.find("## Waiting as a way of working").ok_or("second theme")?;
    assert!(voice < talked && talked < waiting);
    assert!(!md.contains("Money worries"));
    assert!(md.contains("**Central organising concept:** Jobseekers want to be spoken with, not about."));
    // Inline, block, trimmed, translated, focus group, field notes.
    assert!(md.contains("“They talked about me, not with me.” (J1)"));
    assert!(md.contains("“[the social worker] said I should wait [...] until I was better.” (J1)"));
    assert!(md.contains("> I wanted a job"), "a long quote is a block quote");
    assert!(md.contains("“I felt seen 😀 – for the first time in ages.” (J2)"));
    assert!(md.contains("_Original:_ “Jeg følte meg sett 😀 – for første gang på lenge.”"));
    assert!(md.contains("(FG1, E3/E5)"));
    assert!(md.contains("(FN1)"));
    // Only the translation, or only the original.
    let markdown = |translations| {
        let options = Options { translations, ..Options::default() };
        let request = Request { kind: Kind::Report, format: Format::Markdown, options };
        report::export(&p, &request, &Progress::new()).map(|(bytes, _)| String::from_utf8_lossy(&bytes).into_owned())
    };
    let only = markdown(Translations::Only)?;
    assert!(only.contains("I felt seen") && !only.contains("Jeg følte"));
    let hide = markdown(Translations::Hide)?;
    assert!(!hide.contains("I felt seen") && hide.contains("“Jeg følte meg sett 😀 – for første gang på lenge.” (J2)"));
    // One theme only.
    let one = text(&p, Kind::Quotes { theme: Some(WAITING) }, Format::Markdown)?;
    assert!(one.contains("Waiting as a way of working") && !one.contains("Voice in the meeting"));
    Ok(())
}

#[test]
fn csv_parses_back_one_row_per_quote() -> TestResult {
    let p = study();
    let bytes = working_bytes(&p, ALL_QUOTES, Format::Csv)?;
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "a byte-order mark for Excel");
    let mut r = csv::Reader::from_reader(&bytes[3..]);
    let header: Vec<String> = r.headers()?.iter().map(str::to_string).collect();
    for col in [
        "theme",
        "theme_path",
        "document",
        "participants",
        "attribution",
        "groups",
        "site",
        "age_band",
        "text",
        "display_text",
        "translation",
        "starred",
        "words",
    ] {
        assert!(header.iter().any(|h| h == col), "no column {col} in {header:?}");
    }
    let col = |name: &str| header.iter().position(|h| h == name).unwrap_or(usize::MAX);
    let rows: Vec<csv::StringRecord> = r.records().collect::<Result<_, _>>()?;
    assert_eq!(rows.len(), 6, "one row per quote (the parked theme has none)");
    let get = |row: &csv::StringRecord, name: &str| row.get(col(name)).unwrap_or_default().to_string();
    let by_display =
        |needle: &str| rows.iter().find(|r| get(r, "display_text").contains(needle)).cloned().ok_or(needle.to_string());
    let trimmed = by_display("[the social worker]")?;
    assert_eq!(get(&trimmed, "text"), "She said I should wait, you know, until I was better.");
    assert_eq!(get(&trimmed, "theme_path"), "Voice in the meeting / Talked about, not with");
    assert_eq!(get(&trimmed, "participants"), "J1");
    assert_eq!(get(&trimmed, "groups"), "Jobseeker");
    assert_eq!(get(&trimmed, "site"), "Nordby");
    let no = by_display("Jeg følte")?;
    assert_eq!(get(&no, "translation"), "I felt seen 😀 – for the first time in ages.");
    assert_eq!(get(&no, "starred"), "yes");
    assert_eq!(get(&no, "site"), "Sørvik");
    assert_eq!(get(&no, "words"), "9");
    let fg = by_display("When the therapist")?;
    assert_eq!(get(&fg, "participants"), "E3; E5");
    assert_eq!(get(&fg, "attribution"), "FG1, E3/E5");
    assert_eq!(get(&fg, "document_kind"), "focus-group");
    assert!(get(&fg, "text").contains('\n'), "the source text keeps its line break");
    let fn1 = by_display("read from the screen")?;
    assert_eq!((get(&fn1, "participants"), get(&fn1, "attribution")), (String::new(), "FN1".to_string()));
    // Where each quote sits in its document, in characters (not bytes), counted by hand:
    // J1's first line "Interviewer: How was the meeting?\n" is 34 chars, "J1: " 4 more,
    // "Fine, I guess. " 15 and "They talked about me, not with me. " 35: "She" starts at 88;
    // the quote is 53 chars long. In J4, "Intervjuer: Hvordan gikk møtet?\n" is 32 chars (33
    // bytes) and "J4: " 4: "Jeg" starts at 36; the quote is 48 chars (the emoji is one).
    assert_eq!((get(&trimmed, "start"), get(&trimmed, "end")), ("88".to_string(), "141".to_string()));
    assert_eq!((get(&no, "start"), get(&no, "end")), ("36".to_string(), "84".to_string()));
    // And for every row, those offsets cut the row's text out of its document.
    for row in &rows {
        let doc = p.document_by_name(&get(row, "document")).ok_or("a row names an unknown document")?;
        let (start, end): (usize, usize) = (get(row, "start").parse()?, get(row, "end").parse()?);
        let cut: String = doc.text.chars().skip(start).take(end - start).collect();
        assert_eq!(cut, get(row, "text"), "start/end of {:?}", get(row, "quote_id"));
    }

    // The paper's CSV: what the paper prints and nothing else.
    let paper = export(&p, ALL_QUOTES, Format::Csv)?;
    let mut r = csv::Reader::from_reader(&paper[3..]);
    let header: Vec<String> = r.headers()?.iter().map(str::to_string).collect();
    assert_eq!(header, ["theme", "theme_path", "order", "quote", "translation", "attribution"]);
    let rows: Vec<csv::StringRecord> = r.records().collect::<Result<_, _>>()?;
    assert_eq!(rows.len(), 6);
    assert!(rows.iter().any(|r| r.get(3) == Some("[the social worker] said I should wait [...] until I was better.")
        && r.get(5) == Some("J1")));

    // The codebook CSV.
    let bytes = working_bytes(&p, Kind::Codebook, Format::Csv)?;
    let mut r = csv::Reader::from_reader(&bytes[3..]);
    let header: Vec<String> = r.headers()?.iter().map(str::to_string).collect();
    let rows: Vec<csv::StringRecord> = r.records().collect::<Result<_, _>>()?;
    assert_eq!(rows.len(), p.codes.len());
    let col = |name: &str| header.iter().position(|h| h == name).unwrap_or(usize::MAX);
    let waiting = rows.iter().find(|r| r.get(0) == Some("Waiting")).ok_or("Waiting")?;
    // Two codings in two documents: two extracts (the merge rule joins only overlapping text).
    assert_eq!(waiting.get(col("extracts")), Some("2"));
    assert_eq!(waiting.get(col("documents")), Some("2"));
    assert_eq!(waiting.get(col("participants")), Some("1"), "J1; the field notes have no speaker");
    assert_eq!(waiting.get(col("example_attribution_1")), Some("J1"));
    assert_eq!(waiting.get(col("example_attribution_2")), Some("FN1"), "examples from different documents");
    let child = rows.iter().find(|r| r.get(0) == Some("Waiting for the therapist")).ok_or("child")?;
    assert_eq!(
        (child.get(col("path")), child.get(col("level"))),
        (Some("Waiting / Waiting for the therapist"), Some("2"))
    );
    Ok(())
}

#[test]
fn latex_has_its_environments_and_escapes() -> TestResult {
    let mut p = study();
    // A theme definition full of LaTeX specials.
    let mut props = p.themes[&VOICE].props.clone();
    props.definition.concept = r"Being heard: 100% & more_than $5 #1 {x} ~ ^ \ ".into();
    p.apply(tema::edit::Edit::UpdateTheme { id: VOICE, props })?;
    let tex = text(&p, Kind::Report, Format::Latex)?;
    assert!(tex.starts_with("\\documentclass"));
    assert!(tex.contains("\\begin{document}") && tex.trim_end().ends_with("\\end{document}"));
    assert!(tex.contains(
        r"Being heard: 100\% \& more\_than \$5 \#1 \{x\} \textasciitilde{} \textasciicircum{} \textbackslash{}"
    ));
    assert!(tex.contains("\\section*{Voice in the meeting}"));
    assert!(tex.contains("\\subsection*{Talked about, not with}"));
    assert!(tex.contains("\\begin{quote}\nI wanted a job"), "the long quote is a quote environment");
    assert!(tex.contains("“{[}the social worker{]} said I should wait {[}...{]} until I was better.” (J1)"));
    assert!(tex.contains("Jeg følte meg sett \\temaemoji{😀}"), "UTF-8 passes through, emoji marked");
    assert_eq!(tex.matches("\\begin{").count(), tex.matches("\\end{").count(), "environments are balanced");
    // Every brace is balanced once escaped braces are set aside.
    let unescaped = tex.replace("\\{", "").replace("\\}", "");
    assert_eq!(unescaped.matches('{').count(), unescaped.matches('}').count());
    assert!(!tex.contains("\\\\["), "no line break before a bracket");
    // A block quote of two paragraphs is a quotation.
    let mut settings = p.settings.clone();
    settings.quotes.block_words = 3;
    p.apply(tema::edit::Edit::SetSettings { settings })?;
    let tex = text(&p, Kind::Report, Format::Latex)?;
    assert!(
        tex.contains(
            "\\begin{quotation}\nWhen the therapist comes, we can plan together.\n\\par\n{[}E5{]}: And when she"
        ),
        "{tex}"
    );
    Ok(())
}

#[test]
fn html_is_self_contained_and_escaped() -> TestResult {
    let mut p = study();
    let mut props = p.themes[&VOICE].props.clone();
    props.definition.concept = "<script>alert('x')</script> & co".into();
    p.apply(tema::edit::Edit::UpdateTheme { id: VOICE, props })?;
    let html = text(&p, Kind::Report, Format::Html)?;
    assert!(
        html.starts_with("<!DOCTYPE html>") && html.contains("<meta charset=\"utf-8\">") && html.contains("<style>")
    );
    assert!(!html.contains("<script") && html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"));
    assert!(!html.contains("src=") && !html.contains("href="), "nothing loaded from outside");
    assert!(html.contains("<h2>Voice in the meeting</h2>") && html.contains("<h3>Talked about, not with</h3>"));
    assert!(html.contains("<blockquote class=\"quote\">\n<p>I wanted a job"));
    assert!(html.contains("<span class=\"mark\" title=\"edited for the paper\">[the social worker]</span>"));
    assert!(html.contains("<span class=\"attribution\">(FG1, E3/E5)</span>"));
    // Read back by an HTML parser: the text a browser shows, escaped exactly once.
    let doc = scraper::Html::parse_document(&html);
    let sel = |css: &str| scraper::Selector::parse(css).map_err(|e| format!("{css}: {e}"));
    let texts = |css: &str| -> Result<Vec<String>, String> {
        Ok(doc.select(&sel(css)?).map(|e| e.text().collect::<String>().trim().to_string()).collect())
    };
    assert!(doc.select(&sel("script")?).next().is_none(), "a script element");
    assert!(texts("h2")?.contains(&"Voice in the meeting".to_string()), "{:?}", texts("h2")?);
    assert!(texts("h3")?.contains(&"Talked about, not with".to_string()), "{:?}", texts("h3")?);
    let body = texts("body")?.concat();
    assert!(body.contains("<script>alert('x')</script> & co"), "the definition as typed:\n{body}");
    assert!(!body.contains("&lt;") && !body.contains("&amp;"), "escaped twice:\n{body}");
    assert!(texts(".attribution")?.contains(&"(FG1, E3/E5)".to_string()), "{:?}", texts(".attribution")?);
    assert!(texts(".mark")?.contains(&"[the social worker]".to_string()), "{:?}", texts(".mark")?);
    assert!(body.contains("Jeg følte meg sett 😀 – for første gang på lenge."), "{body}");
    Ok(())
}

/// The parts of a DOCX file.
fn docx_part(bytes: &[u8], name: &str) -> Result<String, Box<dyn std::error::Error>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))?;
    let mut s = String::new();
    zip.by_name(name)?.read_to_string(&mut s)?;
    Ok(s)
}

#[test]
fn docx_uses_real_word_styles() -> TestResult {
    let p = study();
    let bytes = export(&p, Kind::Report, Format::Docx)?;
    let styles = docx_part(&bytes, "word/styles.xml")?;
    let document = docx_part(&bytes, "word/document.xml")?;
    // Word's built-in styles by their built-in names, headings with outline levels.
    for (id, name, level) in [
        ("Heading1", "heading 1", Some(0)),
        ("Heading2", "heading 2", Some(1)),
        ("Title", "Title", None),
        ("Quote", "Quote", None),
    ] {
        let at = styles.find(&format!("w:styleId=\"{id}\"")).ok_or(format!("no style {id}"))?;
        let style = &styles[at..at + styles[at..].find("</w:style>").ok_or("unclosed")?];
        assert!(style.contains(&format!("<w:name w:val=\"{name}\"/>")), "{id}: {style}");
        if let Some(level) = level {
            assert!(style.contains(&format!("<w:outlineLvl w:val=\"{level}\"/>")), "{id}: {style}");
        }
    }
    assert!(styles.contains("w:type=\"character\" w:styleId=\"Attribution\""));
    // Every style the document uses is defined.
    for used in document.split("<w:pStyle w:val=\"").skip(1).chain(document.split("<w:rStyle w:val=\"").skip(1)) {
        let id = &used[..used.find('"').ok_or("unclosed")?];
        assert!(styles.contains(&format!("w:styleId=\"{id}\"")), "style {id} is used but not defined");
    }
    assert!(document.contains("<w:pStyle w:val=\"Heading1\"/>"));
    assert!(document.contains("<w:pStyle w:val=\"Heading2\"/>"));
    assert!(document.contains("<w:pStyle w:val=\"Quote\"/>"));
    assert!(document.contains("<w:rStyle w:val=\"Attribution\"/>"));
    // Spacing comes from the styles: no empty paragraphs between quotes.
    assert!(!document.contains("<w:p></w:p>") && !document.contains("<w:p/>"));
    assert!(document.contains("Jeg følte meg sett 😀"));
    Ok(())
}

/// `soffice` converts a file; `None` when LibreOffice is missing and outside programs are
/// not required (see `tests/external`).
fn soffice_convert(input: &Path, to: &str, out_dir: &Path) -> Result<Option<String>, Box<dyn std::error::Error>> {
    if !external::available(&[&external::SOFFICE]) {
        return Ok(None);
    }
    let converted = external::soffice_convert(input, to, out_dir)?;
    Ok(Some(std::fs::read_to_string(&converted).map_err(|e| format!("{}: {e}", converted.display()))?))
}

#[test]
fn libreoffice_opens_the_docx() -> TestResult {
    let p = study();
    let tmp = tempfile::tempdir()?;
    let docx = tmp.path().join("results.docx");
    report::export_to_file(&p, &Request::new(Kind::Report, Format::Docx), &docx, &Progress::new())?;
    let Some(txt) = soffice_convert(&docx, "txt:Text (encoded):UTF8", tmp.path())? else { return Ok(()) };
    for expected in [
        "Working together",
        "Voice in the meeting",
        "Talked about, not with",
        "Waiting as a way of working",
        "Jobseekers want to be spoken with, not about.",
        "“They talked about me, not with me.” (J1)",
        "[the social worker] said I should wait [...] until I was better.",
        "I felt seen 😀 – for the first time in ages.",
        "Jeg følte meg sett 😀 – for første gang på lenge.",
        "(FG1, E3/E5)",
    ] {
        assert!(txt.contains(expected), "LibreOffice's text lacks {expected:?}:\n{txt}");
    }
    // LibreOffice reads the headings as headings: they come out as <h1>/<h2> in HTML.
    let quotes_docx = tmp.path().join("quotes.docx");
    report::export_to_file(&p, &Request::new(ALL_QUOTES, Format::Docx), &quotes_docx, &Progress::new())?;
    let Some(html) = soffice_convert(&quotes_docx, "html", tmp.path())? else { return Ok(()) };
    let heading_with = |tag: &str, text: &str| {
        html.split(&format!("<{tag}"))
            .skip(1)
            .any(|h| h.split(&format!("</{tag}>")).next().is_some_and(|h| h.contains(text)))
    };
    assert!(heading_with("h1", "Voice in the meeting"), "no <h1> with the main theme in LibreOffice's HTML:\n{html}");
    assert!(heading_with("h2", "Talked about, not with"), "no <h2> with the subtheme:\n{html}");
    Ok(())
}

#[test]
fn unsupported_formats_and_unknown_themes_are_refused() {
    let p = study();
    assert!(matches!(export(&p, Kind::Report, Format::Csv), Err(ExportError::Unsupported { .. })));
    let missing = Kind::Quotes { theme: Some(ThemeId::from_u128(999)) };
    assert!(matches!(export(&p, missing, Format::Markdown), Err(ExportError::UnknownTheme(_))));
}

#[test]
fn progress_counts_and_cancel_leaves_no_file() -> TestResult {
    let p = study();
    let tmp = tempfile::tempdir()?;
    let progress = Progress::new();
    let summary =
        report::export_to_file(&p, &Request::new(ALL_QUOTES, Format::Docx), &tmp.path().join("q.docx"), &progress)?;
    assert_eq!((summary.themes, summary.quotes), (3, 6));
    assert_eq!(progress.total(), 3 + 6 + 1);
    assert_eq!(progress.done(), progress.total());

    // Cancelled on a worker thread: an error, and no file, not even a partial one.
    let path = tmp.path().join("cancelled.docx");
    let progress = Progress::new();
    progress.cancel();
    let (project, target) = (p.clone(), path.clone());
    let handle = std::thread::spawn(move || {
        report::export_to_file(&project, &Request::new(Kind::Report, Format::Docx), &target, &progress)
    });
    let result = handle.join().map_err(|_| "the export thread panicked")?;
    assert!(matches!(result, Err(ExportError::Cancelled)), "{result:?}");
    assert!(!path.exists());
    assert_eq!(std::fs::read_dir(tmp.path())?.count(), 1, "only the first export is there");

    // A worker that finishes reports through the shared progress.
    let progress = Progress::new();
    let (shared, target) = (progress.clone(), tmp.path().join("c.md"));
    let handle = std::thread::spawn(move || {
        report::export_to_file(&p, &Request::new(Kind::Codebook, Format::Markdown), &target, &shared)
    });
    let summary = handle.join().map_err(|_| "the export thread panicked")??;
    assert_eq!(summary.codes, 5);
    assert_eq!(progress.fraction(), Some(1.0));
    Ok(())
}

/// The report compiles with pdflatex — emoji included, which pdfTeX cannot draw and the
/// export declares as "[emoji]" for it — and pdftotext reads the text back. Whether a
/// missing program fails or skips is `tests/external`'s rule.
#[test]
fn the_latex_report_compiles_with_pdflatex() -> TestResult {
    if !external::available(&[&external::PDFLATEX, &external::PDFTOTEXT]) {
        return Ok(());
    }
    let p = study();
    let tex = text(&p, Kind::Report, Format::Latex)?;
    assert!(tex.contains("\\temaemoji{😀}"), "the study quotes an emoji");
    assert!(tex.contains("\\providecommand{\\temaemoji}[1]{\\ifdefined\\pdftexversion{[}emoji{]}\\else#1\\fi}"));
    let tmp = tempfile::tempdir()?;
    std::fs::write(tmp.path().join("report.tex"), &tex)?;
    let out = std::process::Command::new("pdflatex")
        .args(["-interaction=nonstopmode", "-halt-on-error", "report.tex"])
        .current_dir(tmp.path())
        .output()?;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    // What a reader of the PDF sees, read by poppler: Norwegian letters, the emoji's
    // declared stand-in, and the brackets that mark a clarification and a cut.
    let text = external::pdf_text(&tmp.path().join("report.pdf"))?;
    for expected in [
        "Working together",
        "Voice in the meeting",
        // (Not the dash or the "fi" ligature: with pdfTeX's default OT1 fonts the PDF has no
        // Unicode for them, so a reader copies "the rst time" — a limit of the export noted
        // in docs/QUOTES.md, not checked here.)
        "Jeg følte meg sett [emoji]",
        "for første gang på lenge.",
        "[the social worker] said I should wait [...] until I was better.",
        "(FG1, E3/E5)",
    ] {
        assert!(text.contains(expected), "pdftotext's text lacks {expected:?}:\n{text}");
    }
    assert!(!text.contains("\\"), "a LaTeX command leaked into the PDF's text:\n{text}");
    Ok(())
}

#[test]
fn the_paper_export_holds_only_what_the_paper_prints() -> TestResult {
    let mut p = study();
    // A candidate theme with no quotes: left out of the paper, kept in the working copy.
    p.apply(tema::edit::Edit::CreateTheme {
        theme: Theme::new(ThemeId::from_u128(77), "Empty candidate"),
        index: None,
    })?;
    let paper = text(&p, ALL_QUOTES, Format::Markdown)?;
    let work = String::from_utf8(working_bytes(&p, ALL_QUOTES, Format::Markdown)?)?;
    // The working lines: "Interview J1, characters 34–70 · 8 words · inline · ★ strongest".
    for working_only in ["characters ", " words", "· inline", "· block", "★", "Empty candidate", "0 quotes", "theme ·"]
    {
        assert!(!paper.contains(working_only), "{working_only:?} in the paper export:\n{paper}");
        assert!(work.contains(working_only.trim()), "{working_only:?} missing from the working copy:\n{work}");
    }
    // Every quote of the paper is there, followed by its attribution.
    for quote in ["“They talked about me, not with me.” (J1)", "(FG1, E3/E5)", "(FN1)", "> I wanted a job"] {
        assert!(paper.contains(quote), "{quote:?} missing:\n{paper}");
    }
    let report = text(&p, Kind::Report, Format::Markdown)?;
    assert!(!report.contains("Empty candidate"));
    let report_working = String::from_utf8(working_bytes(&p, Kind::Report, Format::Markdown)?)?;
    assert!(report_working.contains("Empty candidate"));
    // The codebook for the paper has no counts.
    let codebook = text(&p, Kind::Codebook, Format::Markdown)?;
    assert!(!codebook.contains("extracts in"), "{codebook}");
    let codebook_working = String::from_utf8(working_bytes(&p, Kind::Codebook, Format::Markdown)?)?;
    assert!(codebook_working.contains("2 extracts in 2 documents from 1 participant"), "{codebook_working}");
    Ok(())
}

#[test]
fn quotation_marks_follow_the_language_and_inner_quotes_turn() -> TestResult {
    let mut p = study();
    // A translation with straight quotes inside, as people type them.
    let q3 = qid(3);
    let mut props = p.quotes[&q3].props.clone();
    props.translation = r#"I felt "seen" 😀 – for the first time in ages."#.into();
    p.apply(tema::edit::Edit::UpdateQuote { id: q3, props })?;
    let en = text(&p, Kind::Report, Format::Markdown)?;
    assert!(en.contains("“I felt ‘seen’ 😀 – for the first time in ages.” (J2)"), "{en}");
    let mut settings = p.settings.clone();
    settings.language = Language::Norwegian;
    p.apply(tema::edit::Edit::SetSettings { settings })?;
    for format in [Format::Markdown, Format::Latex, Format::Html] {
        let no = text(&p, Kind::Report, format)?;
        let emoji = if format == Format::Latex { "\\temaemoji{😀}" } else { "😀" };
        assert!(no.contains(&format!("«I felt ‘seen’ {emoji} – for the first time in ages.»")), "{format:?}: {no}");
        assert!(!no.contains('“') && !no.contains('”'), "{format:?}: English marks in a Norwegian export");
    }
    let docx = docx_part(&export(&p, Kind::Report, Format::Docx)?, "word/document.xml")?;
    assert!(docx.contains(">«</w:t>") && docx.contains(">»</w:t>") && docx.contains("‘seen’"));
    Ok(())
}

/// The paper's quotes as a reader gets them: DOCX → PDF (LibreOffice) → text (pdftotext).
/// No positions, word counts or stars; every quote followed by its attribution; no straight
/// double quote in a quote.
#[test]
fn the_paper_docx_reads_right_as_a_pdf() -> TestResult {
    if !external::available(&[&external::SOFFICE, &external::PDFTOTEXT]) {
        return Ok(());
    }
    let mut p = study();
    let q1 = qid(1);
    let mut props = p.quotes[&q1].props.clone();
    props.translation = r#"They talked "about" me, not with me."#.into();
    p.apply(tema::edit::Edit::UpdateQuote { id: q1, props })?;
    let tmp = tempfile::tempdir()?;
    let docx = tmp.path().join("quotes.docx");
    report::export_to_file(&p, &Request::new(ALL_QUOTES, Format::Docx), &docx, &Progress::new())?;
    let pdf = external::soffice_convert(&docx, "pdf", tmp.path())?;
    let text = external::pdf_lines(&pdf, false)?;
    for absent in ["characters", " words", "inline", "★", "strongest", "Candidate theme", "\""] {
        assert!(!text.contains(absent), "{absent:?} in the paper's PDF:\n{text}");
    }
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for quote in [
        "“They talked ‘about’ me, not with me.” (J1)",
        "“[the social worker] said I should wait [...] until I was better.” (J1)",
        "(FG1, E3/E5)",
        "(FN1)",
    ] {
        assert!(flat.contains(quote), "{quote:?} missing from the PDF's text:\n{flat}");
    }
    Ok(())
}

/// Every LaTeX export — quotes (paper and working), results, codebook — of a project whose
/// text holds emoji and every LaTeX special character compiles with pdflatex.
#[test]
fn every_latex_export_compiles_with_pdflatex() -> TestResult {
    if !external::available(&[&external::PDFLATEX]) {
        return Ok(());
    }
    let mut p = study();
    let nasty = r"50% & $5 #1 a_b {x} ~ ^ \ 😀 ❤️ [...] “x” «y»";
    let mut props = p.themes[&VOICE].props.clone();
    props.definition.concept = nasty.into();
    props.definition.scope = nasty.into();
    p.apply(tema::edit::Edit::UpdateTheme { id: VOICE, props })?;
    let q3 = qid(3);
    let mut qp = p.quotes[&q3].props.clone();
    qp.translation = nasty.into();
    qp.note = nasty.into();
    p.apply(tema::edit::Edit::UpdateQuote { id: q3, props: qp })?;
    let tmp = tempfile::tempdir()?;
    for (name, request) in [
        ("quotes", Request::new(ALL_QUOTES, Format::Latex)),
        ("quotes-working", working(ALL_QUOTES, Format::Latex)),
        ("report", Request::new(Kind::Report, Format::Latex)),
        ("codebook", working(Kind::Codebook, Format::Latex)),
    ] {
        let (bytes, _) = report::export(&p, &request, &Progress::new())?;
        let file = format!("{name}.tex");
        std::fs::write(tmp.path().join(&file), &bytes)?;
        let out = std::process::Command::new("pdflatex")
            .args(["-interaction=nonstopmode", "-halt-on-error", &file])
            .current_dir(tmp.path())
            .output()?;
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stdout));
    }
    Ok(())
}

/// The export dialog's first page: the blocks that fit an A4 page in the export's fonts.
#[test]
fn the_first_page_holds_what_fits_on_a_page() -> TestResult {
    use report::{Block, FirstPage};
    let mut p = study();
    // The study's six quotes fit on one page, after the title.
    let FirstPage::Page { doc, more } = report::first_page(&p, &Request::new(ALL_QUOTES, Format::Docx))? else {
        panic!("a Word export previews as a page");
    };
    assert!(!more, "six quotes fit on the first page");
    assert_eq!(doc.blocks.iter().filter(|b| matches!(b, Block::Quote(_))).count(), 6);
    // 100 more one-line quotes of q1 ("I felt they talked about me, not with me.", inline)
    // in its theme. Each takes a line of 11 pt at 1.2 (13.2 pt) and 11 pt after it: 24.2 pt,
    // so an A4 page (697 pt between the margins) holds at most 697 / 24.2 = 28 of them;
    // the title, the headings and the other themes take some of that.
    let Some(q1) = p.quotes.values().next().cloned() else { panic!("the study has quotes") };
    let edits = (0..100)
        .map(|i| tema::edit::Edit::AddQuote {
            quote: Quote { id: QuoteId::from_u128(5000 + i), ..q1.clone() },
            index: None,
        })
        .collect();
    p.apply(tema::edit::Edit::batch("more quotes", edits))?;
    let FirstPage::Page { doc, more } = report::first_page(&p, &Request::new(ALL_QUOTES, Format::Docx))? else {
        panic!("a Word export previews as a page");
    };
    let quotes = doc.blocks.iter().filter(|b| matches!(b, Block::Quote(_))).count();
    assert!(more, "106 quotes do not fit on one page");
    assert!((15..=28).contains(&quotes), "{quotes} quotes on the first page");
    // CSV previews as its first rows: the header and then one row per quote.
    let FirstPage::Rows { rows, more } = report::first_page(&p, &Request::new(ALL_QUOTES, Format::Csv))? else {
        panic!("a CSV export previews as rows");
    };
    assert!(more && rows.len() == 30, "{} rows", rows.len());
    assert_eq!(rows[0].first().map(String::as_str), Some("theme"));
    Ok(())
}
