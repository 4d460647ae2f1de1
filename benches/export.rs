//! Export benchmark (issue 16), in process: every export of the sample study in every format
//! (target < 1 s in all), then the quotes, results skeleton and tables of a synthetic study of
//! 2 M words (target < 3 s in all). Run with `cargo bench --bench export`.
//!
//! The large study: 200 interviews of 10,000 words between an interviewer and one of 168
//! participants in 8 groups, 500 codes, 40 themes (10 main themes with 3 subthemes each),
//! 50,000 codings and 1,000 quotes (25 a theme, each one of the theme's codings).

mod common;
use common::{WORDS, rng};
use std::path::Path;
use std::time::Instant;
use tema::analysis::retrieval::{Query, query};
use tema::analysis::{Matrix, MatrixOptions};
use tema::edit::Edit;
use tema::exchange::{Profile, export_codebook, export_project};
use tema::export::extracts::ExtractsFormat;
use tema::export::report::{self, Audience, Kind, Request};
use tema::export::table::{self, CellContent, TableFormat};
use tema::export::{chart, image, map, memos};
use tema::model::*;
use tema::progress::Progress;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// Runs `f` once and prints its time and size; returns the seconds.
fn timed(label: &str, f: impl FnOnce() -> Res<usize>) -> Res<f64> {
    let t = Instant::now();
    let bytes = f()?;
    let s = t.elapsed().as_secs_f64();
    println!("  {label:<44} {:>8.1} ms {:>10} bytes", s * 1000.0, bytes);
    Ok(s)
}

/// Every export a user can make of `p`: quotes, results skeleton and codebook in each of
/// their formats and both kinds, the triangulation table in each format and content, the
/// charts and map as SVG and 300 dpi PNG, the coding report, the memos, REFI-QDA.
fn every_export(p: &Project) -> Res<f64> {
    let mut total = 0.0;
    let progress = Progress::new();
    for kind in [Kind::Quotes { theme: None }, Kind::Report, Kind::Codebook] {
        for &format in kind.formats() {
            for audience in [Audience::Paper, Audience::Working] {
                let mut request = Request::new(kind, format);
                request.options.audience = audience;
                let label = format!("{} {} ({audience:?})", kind.label(), format.extension());
                total += timed(&label, || Ok(report::export(p, &request, &progress)?.0.len()))?;
            }
        }
    }
    total += tables(p)?;
    for kind in [chart::ChartKind::ThemesByGroup, chart::ChartKind::CodesByGroup, chart::ChartKind::Progress] {
        total += timed(&format!("chart {} svg + png 300 dpi", kind.slug()), || {
            let svg = chart::svg(&chart::Chart::build(p, kind), kind.label());
            Ok(svg.len() + image::svg_to_png(&svg, 300.0 / 96.0)?.len())
        })?;
    }
    total += timed("thematic map svg", || {
        Ok(map::svg(&tema::analysis::map::ThematicMap::build(p, false), &p.settings.name).len())
    })?;
    let extracts = query(p, &Query::default());
    for format in [ExtractsFormat::Csv, ExtractsFormat::Md, ExtractsFormat::Docx, ExtractsFormat::Json] {
        total += timed(&format!("coding report {} ({} extracts)", format.extension(), extracts.len()), || {
            Ok(tema::export::extracts::export(p, &extracts, "Coded extracts", format)?.len())
        })?;
    }
    total += timed("memos md", || Ok(memos::memos_markdown(p).len()))?;
    total += timed("REFI-QDA project qdpx", || Ok(export_project(p, Profile::Standard)?.0.len()))?;
    total += timed("REFI-QDA codebook qdc", || Ok(export_codebook(p)?.0.len()))?;
    Ok(total)
}

/// The triangulation table in every format and cell content.
fn tables(p: &Project) -> Res<f64> {
    let t = Instant::now();
    let matrix = Matrix::build(p, &MatrixOptions::default());
    let mut total = t.elapsed().as_secs_f64();
    println!("  {:<44} {:>8.1} ms", "triangulation matrix (built once)", total * 1000.0);
    for content in CellContent::ALL {
        for format in TableFormat::ALL {
            total += timed(&format!("table {} {}", content.label(), format.extension()), || {
                Ok(table::export(&matrix, content, format)?.len())
            })?;
        }
    }
    Ok(total)
}

const DOCS: usize = 200;
const WORDS_PER_DOC: usize = 10_000;
const PER_GROUP: usize = 21;
const CODES: usize = 500;
const CODINGS: usize = 50_000;
const QUOTES_PER_THEME: usize = 25;

fn transcript(seed: u64, who: (&str, ParticipantId), interviewer: ParticipantId) -> (String, Vec<Turn>) {
    let mut s = seed | 1;
    let (mut text, mut turns, mut words, mut chars, mut k) = (String::new(), Vec::new(), 0, 0, 0);
    while words < WORDS_PER_DOC {
        let (name, id) = if k % 2 == 0 { ("Interviewer", interviewer) } else { who };
        let mut line = format!("{name}: ");
        let n = 20 + rng(&mut s) % 80;
        for _ in 0..n {
            line.push_str(WORDS[(rng(&mut s) % WORDS.len() as u64) as usize]);
            line.push(' ');
        }
        line.push_str("😀\n\n");
        let len = line.chars().count();
        turns.push(Turn {
            span: Span::new(chars, chars + len),
            speaker: name.into(),
            participant: Some(id),
            start_ms: None,
            end_ms: None,
        });
        chars += len;
        words += n as usize + 1;
        text.push_str(&line);
        k += 1;
    }
    (text, turns)
}

fn study() -> Res<Project> {
    let mut p = Project::new("Export benchmark");
    let mut s = 11u64;
    let coder = p.new_coder("Bench");
    let coder_id = coder.id;
    let mut edits = vec![Edit::AddCoder { coder, index: None }];
    let groups =
        ["Jobseeker", "Therapist", "Social worker", "Employer", "Supervisor", "Counsellor", "Mentor", "Family"];
    let mut people = Vec::new();
    for (g, group) in groups.iter().enumerate() {
        for i in 0..PER_GROUP {
            let x = Participant::new(ParticipantId::new(), format!("{}{}", &group[..1], g * 100 + i), *group);
            people.push((x.props.label.clone(), x.id));
            edits.push(Edit::AddParticipant { participant: x, index: None });
        }
    }
    let interviewer = Participant {
        id: ParticipantId::new(),
        props: ParticipantProps { label: "Interviewer".into(), interviewer: true, ..Default::default() },
    };
    let interviewer_id = interviewer.id;
    edits.push(Edit::AddParticipant { participant: interviewer, index: None });
    let mut docs = Vec::new();
    for i in 0..DOCS {
        let (label, id) = &people[i % people.len()];
        let (text, turns) = transcript(i as u64 + 1, (label, *id), interviewer_id);
        let mut d = Document::new(DocId::new(), format!("Interview {i:03} {label}"), DocKind::Interview, text);
        d.turns = turns;
        docs.push((d.id, d.char_len));
        edits.push(Edit::AddDocument { document: Box::new(d), index: None });
    }
    let mut codes = Vec::new();
    for i in 0..CODES {
        let mut c = Code::new(CodeId::new(), format!("Code {i}"), palette_colour(i));
        if i >= 50 {
            c.parent = Some(codes[i % 50]);
        }
        codes.push(c.id);
        edits.push(Edit::CreateCode { code: c, index: None });
    }
    // 40 themes of 10 codes each (codes 50-449), main themes first, then their subthemes.
    let mut themes = Vec::new();
    for m in 0..10 {
        let main = ThemeId::new();
        let mut t = Theme::new(main, format!("Theme {m}"));
        t.codes = (0..10).map(|k| codes[50 + themes.len() * 10 + k]).collect();
        themes.push((main, t.codes.clone()));
        edits.push(Edit::CreateTheme { theme: t, index: None });
        for sub in 0..3 {
            let mut t = Theme::new(ThemeId::new(), format!("Theme {m}.{sub}"));
            t.parent = Some(main);
            t.codes = (0..10).map(|k| codes[50 + themes.len() * 10 + k]).collect();
            themes.push((t.id, t.codes.clone()));
            edits.push(Edit::CreateTheme { theme: t, index: None });
        }
    }
    let mut codings = Vec::with_capacity(CODINGS);
    let mut taken = std::collections::HashSet::new();
    while codings.len() < CODINGS {
        let (doc, len) = docs[(rng(&mut s) % DOCS as u64) as usize];
        let start = (rng(&mut s) % (len as u64 - 400)) as usize;
        let span = Span::new(start, start + 20 + (rng(&mut s) % 300) as usize);
        let code = codes[(rng(&mut s) % CODES as u64) as usize];
        if taken.insert((doc, span, code)) {
            codings.push(Coding {
                id: CodingId::new(),
                doc,
                span,
                code,
                coder: coder_id,
                created: chrono::Utc::now(),
                comment: String::new(),
            });
        }
    }
    for (theme, theme_codes) in &themes {
        for c in codings.iter().filter(|c| theme_codes.contains(&c.code)).take(QUOTES_PER_THEME) {
            edits.push(Edit::AddQuote {
                quote: Quote {
                    id: QuoteId::new(),
                    theme: *theme,
                    doc: c.doc,
                    coding: Some(c.id),
                    props: QuoteProps { span: c.span, ..Default::default() },
                },
                index: None,
            });
        }
    }
    // Codings before the quotes that point at them.
    let quotes = edits.split_off(edits.iter().position(|e| matches!(e, Edit::AddQuote { .. })).unwrap_or(edits.len()));
    edits.push(Edit::AddCodings { codings });
    edits.extend(quotes);
    p.apply(Edit::batch("study", edits))?;
    Ok(p)
}

fn main() -> Res<()> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-corpus/IPS-collaboration.tema");
    let store = tema::store::Store::open_read_only(&dir)?;
    let sample = store.project();
    println!(
        "sample study: {} documents, {} words, {} codings, {} themes, {} quotes",
        sample.documents.len(),
        sample.word_count(),
        sample.codings.len(),
        sample.themes.len(),
        sample.quotes.len()
    );
    let all = every_export(sample)?;
    println!("sample study, every export: {:.0} ms in all (target < 1 s)", all * 1000.0);

    let t = Instant::now();
    let p = study()?;
    println!(
        "large study: {} documents, {} words, {} codings, {} themes, {} quotes; built in {:.1} s",
        p.documents.len(),
        p.word_count(),
        p.codings.len(),
        p.themes.len(),
        p.quotes.len(),
        t.elapsed().as_secs_f64()
    );
    let progress = Progress::new();
    let mut large = 0.0;
    for kind in [Kind::Quotes { theme: None }, Kind::Report] {
        for &format in kind.formats() {
            let request = Request::new(kind, format);
            large += timed(&format!("{} {}", kind.label(), format.extension()), || {
                Ok(report::export(&p, &request, &progress)?.0.len())
            })?;
        }
    }
    large += tables(&p)?;
    println!("large study, quotes, results skeleton and tables: {:.0} ms in all (target < 3 s)", large * 1000.0);
    Ok(())
}
