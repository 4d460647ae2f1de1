//! PDF (.pdf): the text layer, read with pdf-extract (over lopdf).
//!
//! Why pdf-extract: it is pure Rust (no Poppler or MuPDF to install), decodes the font
//! encodings real PDFs use (ToUnicode maps, CID fonts, the standard 14 fonts), and lets the
//! caller receive every glyph with its position, so Tema can put the lines of a paragraph
//! back together instead of keeping the PDF's hard line wraps. lopdf alone would leave the
//! font decoding to us. It is not panic-free on malformed files, so it runs inside
//! `catch_unwind` and a panic becomes a "damaged PDF" error.
//!
//! Lines are rebuilt from glyph positions (a new line when the baseline moves down and the
//! pen moves back left; a space when there is a gap between glyphs). Lines are joined into
//! paragraphs unless the gap between them is clearly larger than the document's usual line
//! spacing, the line above ends well short of the right margin, or the line starts with a
//! speaker label; a paragraph that runs over a page break is joined the same way.
//! A PDF with pages but no text is a scan: "no text layer".
//!
//! A hostile PDF can make the reader loop forever (a page that is its own parent) or inflate
//! a small stream to gigabytes. So the `tema` program reads PDFs in a child process — itself,
//! re-run with the hidden subcommand `__extract-pdf` — under a time limit ([`TIME_LIMIT`]) and
//! an address-space limit ([`MEMORY_LIMIT`], `setrlimit`), and either limit becomes a clear
//! error for that one file. [`use_child_process`] turns this on (the binary does it at start);
//! a library caller that does not reads in process.

use super::FileError;
use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};
use std::io::{Read, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

const FORMAT: &str = "PDF (.pdf)";

/// How long reading one PDF may take in the child process.
pub const TIME_LIMIT: Duration = Duration::from_secs(60);
/// How much address space the child process may use.
pub const MEMORY_LIMIT: u64 = 2 << 30;

/// How the child process is run, once [`use_child_process`] was called.
#[derive(Clone, Debug)]
pub struct ChildLimits {
    /// The program: `exe __extract-pdf` reads a PDF on its input.
    pub exe: PathBuf,
    /// Wall-clock time, after which the child is killed.
    pub time: Duration,
    /// Address space, in bytes.
    pub memory: u64,
}

static CHILD: OnceLock<ChildLimits> = OnceLock::new();

/// Reads PDFs in a child process under these limits from now on (once per process).
pub fn use_child_process(limits: ChildLimits) {
    let _ = CHILD.set(limits);
}

pub fn extract(bytes: &[u8]) -> Result<String, FileError> {
    if bytes.is_empty() {
        return Err(FileError::Empty);
    }
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        let hint = super::txt::known_binary(bytes).map(|w| format!(" (it is {w})")).unwrap_or_default();
        return Err(FileError::corrupt(FORMAT, format!("it has no PDF header{hint}")));
    }
    match CHILD.get() {
        Some(limits) => extract_in_child(limits, bytes),
        None => extract_here(bytes),
    }
}

/// The child's side: reads a PDF on `input`, writes one reply on `output` — `T` and the text,
/// `N` (no text layer), `P` (password) or `C` and the reason it is damaged.
pub fn serve_child(input: &mut impl Read, output: &mut impl Write) -> std::io::Result<()> {
    let mut bytes = Vec::new();
    input.read_to_end(&mut bytes)?;
    let reply = match extract_here(&bytes) {
        Ok(text) => format!("T{text}"),
        Err(FileError::NoTextLayer) => "N".to_string(),
        Err(FileError::Encrypted) => "P".to_string(),
        Err(FileError::Empty) => "E".to_string(),
        Err(e) => format!("C{}", corrupt_reason(&e)),
    };
    output.write_all(reply.as_bytes())?;
    output.flush()
}

fn corrupt_reason(e: &FileError) -> String {
    match e {
        FileError::Corrupt { reason, .. } => reason.clone(),
        other => other.to_string(),
    }
}

fn extract_in_child(limits: &ChildLimits, bytes: &[u8]) -> Result<String, FileError> {
    use std::process::{Command, Stdio};
    let limit = limits.time;
    let mut command = Command::new(&limits.exe);
    command.arg("__extract-pdf").stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::null());
    limit_child(&mut command, limits.memory, limit);
    let mut child = command.spawn().map_err(FileError::Io)?;
    let mut stdin = child.stdin.take();
    let input = bytes.to_vec();
    let writer = std::thread::spawn(move || {
        if let Some(s) = stdin.as_mut() {
            // The child may stop reading (it crashed, or was killed): that is seen below.
            let _ = s.write_all(&input);
        }
    });
    let mut stdout = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        if let Some(s) = stdout.as_mut() {
            let _ = s.read_to_end(&mut out);
        }
        out
    });
    let started = Instant::now();
    let status = loop {
        match child.try_wait().map_err(FileError::Io)? {
            Some(status) => break Some(status),
            None if started.elapsed() >= limit => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            None => std::thread::sleep(Duration::from_millis(20)),
        }
    };
    let _ = writer.join();
    let out = reader.join().unwrap_or_default();
    let Some(status) = status else {
        return Err(FileError::corrupt(
            FORMAT,
            format!("reading it took longer than {} seconds, so it was stopped", limit.as_secs()),
        ));
    };
    match (status.success(), out.split_first()) {
        (true, Some((b'T', text))) => Ok(String::from_utf8_lossy(text).into_owned()),
        (true, Some((b'N', _))) => Err(FileError::NoTextLayer),
        (true, Some((b'P', _))) => Err(FileError::Encrypted),
        (true, Some((b'E', _))) => Err(FileError::Empty),
        (true, Some((b'C', reason))) => Err(FileError::corrupt(FORMAT, String::from_utf8_lossy(reason))),
        _ => Err(FileError::corrupt(
            FORMAT,
            format!(
                "the PDF reader stopped without reading it (it needed more than {} MB of memory, or crashed on it)",
                limits.memory >> 20
            ),
        )),
    }
}

/// Limits the child's address space (and its processor time, as a backstop to the wall-clock
/// limit).
#[cfg(unix)]
fn limit_child(command: &mut std::process::Command, memory: u64, time: Duration) {
    use std::os::unix::process::CommandExt;
    let cpu = time.as_secs().max(1) * 2;
    // SAFETY: the closure runs in the child between fork and exec and calls only setrlimit,
    // which is async-signal-safe; it allocates nothing and touches no lock.
    unsafe {
        command.pre_exec(move || {
            let memory = libc::rlimit { rlim_cur: memory as libc::rlim_t, rlim_max: memory as libc::rlim_t };
            if libc::setrlimit(libc::RLIMIT_AS, &memory) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            let time = libc::rlimit { rlim_cur: cpu as libc::rlim_t, rlim_max: cpu as libc::rlim_t };
            if libc::setrlimit(libc::RLIMIT_CPU, &time) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

#[cfg(not(unix))]
fn limit_child(_: &mut std::process::Command, _: u64, _: Duration) {}

fn extract_here(bytes: &[u8]) -> Result<String, FileError> {
    let run = || -> Result<(Vec<Line>, usize), FileError> {
        let mut doc = pdf_extract::Document::load_mem(bytes).map_err(|e| FileError::corrupt(FORMAT, e))?;
        if doc.is_encrypted() && doc.decrypt("").is_err() {
            return Err(FileError::Encrypted);
        }
        let pages = doc.get_pages().len();
        let mut collector = Collector::default();
        pdf_extract::output_doc(&doc, &mut collector).map_err(|e| FileError::corrupt(FORMAT, describe(&e)))?;
        collector.end_line();
        Ok((collector.lines, pages))
    };
    let (lines, pages) = match catch_unwind(AssertUnwindSafe(run)) {
        Ok(result) => result?,
        Err(_) => return Err(FileError::corrupt(FORMAT, "the PDF reader gave up on its structure")),
    };
    if pages == 0 {
        return Err(FileError::corrupt(FORMAT, "it has no pages"));
    }
    let text = paragraphs(&lines);
    if text.trim().is_empty() {
        return Err(FileError::NoTextLayer);
    }
    Ok(text)
}

fn describe(e: &OutputError) -> String {
    match e {
        OutputError::PdfError(e) => e.to_string(),
        other => format!("{other:?}"),
    }
}

/// One line of text as laid out on a page. Coordinates grow rightwards and downwards.
#[derive(Debug, Default, Clone)]
struct Line {
    page: u32,
    text: String,
    /// Baseline.
    y: f64,
    x_end: f64,
    font_size: f64,
}

#[derive(Default)]
struct Collector {
    lines: Vec<Line>,
    cur: Line,
    page: u32,
    page_height: f64,
    /// The next glyph starts a word (a gap before it may be a space).
    word_start: bool,
    has_glyph: bool,
}

impl Collector {
    fn end_line(&mut self) {
        if self.has_glyph && !self.cur.text.trim().is_empty() {
            self.lines.push(std::mem::take(&mut self.cur));
        }
        self.cur = Line { page: self.page, ..Line::default() };
        self.has_glyph = false;
    }
}

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        page_num: u32,
        media_box: &MediaBox,
        _: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.end_line();
        self.page = page_num;
        self.cur.page = page_num;
        self.page_height = media_box.ury - media_box.lly;
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        self.end_line();
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _: f64,
        font_size: f64,
        s: &str,
    ) -> Result<(), OutputError> {
        let x = trm.m31;
        let y = self.page_height - trm.m32;
        // The side of a square with the area of the transformed em box.
        let (vx, vy) = (font_size * (trm.m11 + trm.m21), font_size * (trm.m12 + trm.m22));
        let size = (vx * vy).abs().sqrt().max(0.1);
        if self.has_glyph {
            // A new line: down and back to the left, or far down.
            let dy = (y - self.cur.y).abs();
            if (dy > size * 0.5 && x < self.cur.x_end) || dy > size * 1.5 {
                self.end_line();
            } else if self.word_start && x > self.cur.x_end + size * 0.1 && !self.cur.text.ends_with(' ') {
                self.cur.text.push(' ');
            }
        }
        if !self.has_glyph {
            self.cur.y = y;
            self.cur.font_size = size;
            self.has_glyph = true;
        }
        self.cur.text.push_str(s);
        self.cur.x_end = x + width * size;
        self.word_start = false;
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        self.word_start = true;
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}

/// Joins lines into paragraphs (see the module docs).
fn paragraphs(lines: &[Line]) -> String {
    // The usual distance between consecutive lines of a page: a low percentile, so that the
    // larger gaps between paragraphs do not count.
    let mut gaps: Vec<f64> =
        lines.windows(2).filter(|w| w[0].page == w[1].page && w[1].y > w[0].y).map(|w| w[1].y - w[0].y).collect();
    gaps.sort_by(f64::total_cmp);
    let line_gap = gaps.get(gaps.len() / 5).copied();
    // The right margin: the longest lines of each page end there.
    let mut right = std::collections::HashMap::<u32, f64>::new();
    for l in lines {
        let r = right.entry(l.page).or_insert(0.0);
        *r = r.max(l.x_end);
    }
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        let text = line.text.trim_end();
        if i > 0 {
            let prev = &lines[i - 1];
            let margin = right.get(&prev.page).copied().unwrap_or(0.0);
            let short = prev.x_end < margin - 6.0 * prev.font_size;
            let wide_gap = if prev.page == line.page {
                let gap = line.y - prev.y;
                gap <= 0.0 || line_gap.is_some_and(|g| gap > g * 1.25 + 0.5)
            } else {
                false
            };
            let label = super::speakers::parse_label(text.trim_start()).is_some();
            if short || wide_gap || label {
                out.push_str("\n\n");
            } else if !(out.ends_with('-') || out.ends_with('\u{AD}')) {
                out.push(' ');
            }
        }
        out.push_str(text);
    }
    out
}
