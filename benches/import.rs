//! Import throughput on a synthetic corpus (not a timed test: it prints figures).
//!
//!     cargo bench --bench import
//!
//! Makes 200 plain-text transcripts of 10,000 words each (2 M words, two speakers, Norwegian
//! letters here and there) and the same transcripts as .docx files, then times
//! `plan_import` over each set: reading, decoding, extraction, normalisation, turn detection
//! and building the documents (hashes, word counts), and applying the edit to a project.
//! Targets (docs/BENCHMARKS.md): ≥ 20 MB/s for the text files, ≥ 5 MB/s of text for .docx.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;
use tema::import::{ImportOptions, plan_import};
use tema::model::Project;

const FILES: usize = 200;
const WORDS_PER_FILE: usize = 10_000;

/// Words the transcripts are made of, separated by spaces.
const VOCABULARY: &str = "the meeting was long and I felt that they talked about me not with work benefits \
    therapist social worker specialist job sleep money fear hope møtet på fredag gikk bra jeg var nervøs søvn \
    økonomi arbeid tålmodig um, well, really. you know? it depends. [laughs] — sometimes always";

/// A transcript of about `words` words in turns of 20–120 words.
fn transcript(seed: usize, words: usize) -> Vec<(String, String)> {
    let mut turns = Vec::new();
    let mut state = seed as u64 * 2_654_435_761 + 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state as usize
    };
    let vocabulary: Vec<&str> = VOCABULARY.split_whitespace().collect();
    let mut left = words;
    let mut interviewer = true;
    while left > 0 {
        let n = (20 + next() % 100).min(left);
        let body: Vec<&str> = (0..n).map(|_| vocabulary[next() % vocabulary.len()]).collect();
        let speaker = if interviewer { "Interviewer".to_string() } else { format!("J{}", seed % 6 + 1) };
        turns.push((speaker, body.join(" ")));
        left -= n;
        interviewer = !interviewer;
    }
    turns
}

fn write_txt(dir: &Path, i: usize, turns: &[(String, String)]) -> std::io::Result<PathBuf> {
    let path = dir.join(format!("T{i:03}.txt"));
    let text: String = turns.iter().map(|(s, t)| format!("{s}: {t}\n\n")).collect();
    std::fs::write(&path, text)?;
    Ok(path)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// A minimal but real .docx: one paragraph per turn, the label in a bold run.
fn write_docx(dir: &Path, i: usize, turns: &[(String, String)]) -> Result<PathBuf, Box<dyn std::error::Error>> {
    let path = dir.join(format!("D{i:03}.docx"));
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path)?);
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("[Content_Types].xml", options)?;
    zip.write_all(br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#)?;
    zip.start_file("word/document.xml", options)?;
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"#,
    );
    for (s, t) in turns {
        xml.push_str(&format!(
            r#"<w:p><w:pPr><w:pStyle w:val="TextBody"/></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t>{}:</w:t></w:r><w:r><w:t xml:space="preserve"> {}</w:t></w:r></w:p>"#,
            escape(s),
            escape(t)
        ));
    }
    xml.push_str("</w:body></w:document>");
    zip.write_all(xml.as_bytes())?;
    zip.finish()?;
    Ok(path)
}

fn run(label: &str, paths: &[PathBuf], bytes_label: &str) -> Result<(), Box<dyn std::error::Error>> {
    let on_disk: u64 = paths.iter().map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)).sum();
    let mut best = f64::MAX;
    let mut text_bytes = 0usize;
    let mut words = 0usize;
    let mut turns = 0usize;
    let mut apply_secs = 0.0;
    for _ in 0..3 {
        let t = Instant::now();
        let plan =
            plan_import(&Project::new("bench"), paths, &ImportOptions::default(), &tema::progress::Progress::new())?;
        let secs = t.elapsed().as_secs_f64();
        if plan.has_failures() {
            return Err(format!("{label}: some files failed").into());
        }
        text_bytes = plan.documents().iter().map(|d| d.text.len()).sum();
        words = plan.documents().iter().map(|d| d.words).sum();
        turns = plan.documents().iter().map(|d| d.turns.len()).sum();
        let edit = plan.edit().ok_or("nothing to import")?;
        let mut project = Project::new("bench");
        let t = Instant::now();
        project.apply(edit).map_err(|e| e.to_string())?;
        apply_secs = t.elapsed().as_secs_f64();
        best = best.min(secs);
    }
    let mb = |b: f64| b / 1_000_000.0;
    let measured = if bytes_label == "text" { text_bytes as f64 } else { on_disk as f64 };
    println!(
        "{label:<6} {} files, {:.1} MB on disk, {:.1} MB of text, {words} words, {turns} turns: \
         plan {:.3} s (best of 3) = {:.1} MB/s of {bytes_label}, {:.0} k words/s; apply {:.3} s",
        paths.len(),
        mb(on_disk as f64),
        mb(text_bytes as f64),
        best,
        mb(measured) / best,
        words as f64 / best / 1000.0,
        apply_secs
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let (txt_dir, docx_dir) = (dir.path().join("txt"), dir.path().join("docx"));
    std::fs::create_dir_all(&txt_dir)?;
    std::fs::create_dir_all(&docx_dir)?;
    let mut txt = Vec::new();
    let mut docx = Vec::new();
    for i in 0..FILES {
        let turns = transcript(i, WORDS_PER_FILE);
        txt.push(write_txt(&txt_dir, i, &turns)?);
        docx.push(write_docx(&docx_dir, i, &turns)?);
    }
    println!("import benchmark: {FILES} transcripts of {WORDS_PER_FILE} words each");
    run("txt", &txt, "files")?;
    run("docx", &docx, "text")?;
    Ok(())
}
