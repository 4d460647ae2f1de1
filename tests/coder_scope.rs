//! Counts that are right with a team: two coders who coded the same and overlapping
//! passages give one extract per passage ("coded by Ingrid, Tom"), in every count and for
//! every coder scope; and a quote is attributed to the same speakers as the coding it is
//! taken from. Expected numbers are worked out by hand in the comments.

#[path = "common/sample.rs"]
mod sample;

use std::path::Path;
use tema::analysis::themes::{GroupBy, review, summaries};
use tema::analysis::{AttributionIndex, CoderScope, Cooccurrence, CooccurrenceOptions, Matrix, MatrixOptions};
use tema::edit::Edit;
use tema::model::*;
use tema::store::Store;

mod common;
use common::{json, tema};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const INGRID: CoderId = CoderId::from_u128(1);
const TOM: CoderId = CoderId::from_u128(2);
const SEEN: CodeId = CodeId::from_u128(10);
const SAFE: CodeId = CodeId::from_u128(11);
const RECOGNITION: ThemeId = ThemeId::from_u128(20);
const SAFETY: ThemeId = ThemeId::from_u128(21);
const KARI: ParticipantId = ParticipantId::from_u128(31);
const OLA: ParticipantId = ParticipantId::from_u128(32);

/// A focus group: the moderator asks, Kari (Jobseeker) and Ola (Therapist) answer.
const TEXT: &str = "M: Hva tenker dere?\nKari: Jeg følte meg sett 😀 av veilederen.\nOla: Det var trygt og godt.\n";

/// The char offset of a piece of `TEXT`, and of its end.
fn at(s: &str) -> (usize, usize) {
    let b = TEXT.find(s).unwrap_or(0);
    let start = TEXT[..b].chars().count();
    (start, start + s.chars().count())
}

fn span(s: &str) -> Span {
    let (a, b) = at(s);
    Span::new(a, b)
}

/// The codings, with the extracts they make:
///
/// - Seen: Ingrid "Jeg følte meg sett" (1), Tom the same words (2), Tom "meg sett 😀 av
///   veilederen" (3) — 1, 2 and 3 overlap: one extract in Kari's turn, coded by both. Tom also
///   codes "godt" in Ola's turn with Seen (4): a second Seen extract, Tom's only.
/// - Safe: Ingrid "trygt og godt" (5), Tom "Det var trygt" (6) — overlapping: one extract in
///   Ola's turn, coded by both.
fn edits() -> Vec<Edit> {
    let mut moderator = Participant::new(ParticipantId::from_u128(30), "M", "");
    moderator.props.interviewer = true;
    let mut doc = Document::new(DocId::from_u128(40), "FG1", DocKind::FocusGroup, TEXT);
    let turn = |from: &str, to: Option<&str>, speaker: &str, who: ParticipantId| {
        let start = at(from).0;
        let end = to.map_or(TEXT.chars().count(), |t| at(t).0);
        Turn {
            span: Span::new(start, end),
            speaker: speaker.into(),
            participant: Some(who),
            start_ms: None,
            end_ms: None,
        }
    };
    doc.turns = vec![
        turn("M:", Some("Kari:"), "M", moderator.id),
        turn("Kari:", Some("Ola:"), "Kari", KARI),
        turn("Ola:", None, "Ola", OLA),
    ];
    let coder = |id, name: &str| Coder { id, name: name.into(), colour: palette_colour(0), slug: name.to_lowercase() };
    let coding = |n: u128, code, coder, text: &str| Coding {
        id: CodingId::from_u128(n),
        doc: DocId::from_u128(40),
        span: span(text),
        code,
        coder,
        created: chrono::DateTime::from_timestamp(1_700_000_000 + n as i64, 0).unwrap_or_default(),
        comment: String::new(),
    };
    let theme = |id, name: &str, code| {
        let mut t = Theme::new(id, name);
        t.codes = vec![code];
        Edit::CreateTheme { theme: t, index: None }
    };
    vec![
        Edit::AddCoder { coder: coder(INGRID, "Ingrid"), index: None },
        Edit::AddCoder { coder: coder(TOM, "Tom"), index: None },
        Edit::AddParticipant { participant: moderator, index: None },
        Edit::AddParticipant { participant: Participant::new(KARI, "Kari", "Jobseeker"), index: None },
        Edit::AddParticipant { participant: Participant::new(OLA, "Ola", "Therapist"), index: None },
        Edit::AddDocument { document: Box::new(doc), index: None },
        Edit::CreateCode { code: Code::new(SEEN, "Seen", palette_colour(1)), index: None },
        Edit::CreateCode { code: Code::new(SAFE, "Safe", palette_colour(2)), index: None },
        Edit::AddCoding { coding: coding(1, SEEN, INGRID, "Jeg følte meg sett") },
        Edit::AddCoding { coding: coding(2, SEEN, TOM, "Jeg følte meg sett") },
        Edit::AddCoding { coding: coding(3, SEEN, TOM, "meg sett 😀 av veilederen") },
        Edit::AddCoding { coding: coding(4, SEEN, TOM, "godt") },
        Edit::AddCoding { coding: coding(5, SAFE, INGRID, "trygt og godt") },
        Edit::AddCoding { coding: coding(6, SAFE, TOM, "Det var trygt") },
        theme(RECOGNITION, "Recognition", SEEN),
        theme(SAFETY, "Safety", SAFE),
    ]
}

fn project() -> Result<Project, Box<dyn std::error::Error>> {
    let mut p = Project::new("Team");
    p.apply(Edit::batch("setup", edits()))?;
    Ok(p)
}

fn scopes() -> [(&'static str, CoderScope); 4] {
    [
        ("all", CoderScope::All),
        ("Ingrid", CoderScope::only(INGRID)),
        ("Tom", CoderScope::only(TOM)),
        ("both", CoderScope::of([INGRID, TOM])),
    ]
}

#[test]
fn review_lists_a_passage_coded_by_two_coders_once_with_both_names() -> TestResult {
    let p = project()?;
    let r = review(&p, RECOGNITION, GroupBy::Subtheme, &CoderScope::All);
    // Codings 1, 2, 3 are one extract (Kari's "Jeg følte meg sett 😀 av veilederen"), 4 another.
    let got: Vec<(String, Vec<String>, usize)> =
        r.extracts.iter().map(|e| (e.extract.text(), e.extract.coders.clone(), e.extract.codings.len())).collect();
    assert_eq!(
        got,
        [
            ("Jeg følte meg sett 😀 av veilederen".to_string(), vec!["Ingrid".to_string(), "Tom".to_string()], 3),
            ("godt".to_string(), vec!["Tom".to_string()], 1),
        ]
    );
    assert_eq!(r.extracts[0].extract.coders_label(), "Ingrid, Tom");
    // Kari and Ola (the moderator never counts); one extract each in their group.
    assert_eq!(r.participants, 2);
    let by_group: Vec<(&str, usize, usize)> =
        r.by_group.iter().map(|g| (g.group.as_str(), g.extracts, g.participants)).collect();
    assert_eq!(by_group, [("Jobseeker", 1, 1), ("Therapist", 1, 1)]);
    // Ingrid alone: only her coding 1, the words she coded.
    let ingrid = review(&p, RECOGNITION, GroupBy::Subtheme, &CoderScope::only(INGRID));
    let texts: Vec<String> = ingrid.extracts.iter().map(|e| e.extract.text()).collect();
    assert_eq!(texts, ["Jeg følte meg sett"]);
    Ok(())
}

#[test]
fn board_counts_for_every_scope() -> TestResult {
    let p = project()?;
    // (scope, Recognition (extracts, participants), Safety (extracts, participants)):
    // all / both: Seen = {1,2,3} + {4} = 2 extracts (Kari, Ola); Safe = {5,6} = 1 (Ola).
    // Ingrid: Seen {1} (Kari), Safe {5} (Ola). Tom: Seen {2,3} + {4} = 2; Safe {6} = 1.
    let expected =
        [("all", (2, 2), (1, 1)), ("Ingrid", (1, 1), (1, 1)), ("Tom", (2, 2), (1, 1)), ("both", (2, 2), (1, 1))];
    for ((name, scope), (_, recognition, safety)) in scopes().into_iter().zip(expected) {
        let s = summaries(&p, &scope);
        let of = |t: ThemeId| s.iter().find(|x| x.id == t).map(|x| (x.extracts, x.participants));
        assert_eq!(of(RECOGNITION), Some(recognition), "Recognition, {name}");
        assert_eq!(of(SAFETY), Some(safety), "Safety, {name}");
    }
    Ok(())
}

#[test]
fn triangulation_extract_counts_for_every_scope() -> TestResult {
    let p = project()?;
    // Columns by group: Jobseeker (Kari), Therapist (Ola). Rows: Recognition, Safety.
    // all / both: Recognition 1 in Jobseeker (the merged 1-2-3) and 1 in Therapist (4); Safety 1
    // in Therapist. Ingrid: Recognition 1 | 0, Safety 0 | 1. Tom: 1 | 1 and 0 | 1.
    let expected = [
        ("all", [[1, 1], [0, 1]]),
        ("Ingrid", [[1, 0], [0, 1]]),
        ("Tom", [[1, 1], [0, 1]]),
        ("both", [[1, 1], [0, 1]]),
    ];
    for ((name, scope), (_, cells)) in scopes().into_iter().zip(expected) {
        let m = Matrix::build(&p, &MatrixOptions { coders: scope, ..Default::default() });
        let labels: Vec<&str> = m.columns.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, ["Jobseeker", "Therapist"], "{name}");
        let got: Vec<Vec<usize>> = m.rows.iter().map(|r| r.cells.iter().map(|c| c.extracts.len()).collect()).collect();
        assert_eq!(got, cells.map(|r| r.to_vec()).to_vec(), "{name}");
        // A cell opens the merged extract, with everyone who coded it.
        if name == "all" {
            let opened = m.extracts(&p, 0, 0);
            assert_eq!(opened.len(), 1);
            assert_eq!(opened[0].coders_label(), "Ingrid, Tom");
        }
    }
    Ok(())
}

#[test]
fn cooccurrence_for_every_scope() -> TestResult {
    let p = project()?;
    // Seen and Safe meet only where Tom's Seen "godt" (4) lies inside the Safe extract: with
    // all coders (or both) that extract is 5 ∪ 6 = "Det var trygt og godt", so they meet once.
    // Ingrid alone: Seen "Jeg følte meg sett" never meets Safe. Tom alone: "godt" does not
    // touch his Safe "Det var trygt". So 1, 0, 0, 1; and Safe's own total is 1 extract in
    // every scope (not 2 codings).
    for ((name, scope), expected) in scopes().into_iter().zip([1, 0, 0, 1]) {
        let co = Cooccurrence::build(&p, &CooccurrenceOptions { coders: scope, ..Default::default() });
        assert_eq!(co.count(SEEN, SAFE), expected, "{name}");
        assert_eq!(co.count(SAFE, SAFE), 1, "{name}");
    }
    Ok(())
}

fn saved(dir: &Path) -> TestResult {
    saved_with(dir, Vec::new())
}

/// The team project with `more` edits applied after the setup, saved.
fn saved_with(dir: &Path, more: Vec<Edit>) -> TestResult {
    let mut store = Store::create(dir, "Team")?;
    store.apply(Edit::batch("setup", edits()))?;
    for edit in more {
        store.apply(edit)?;
    }
    store.save()?;
    Ok(())
}

/// `tema args…`, narrowed to `coders` (`--coders`) when given.
fn tema_for(coders: Option<&str>, args: &[&str]) -> std::io::Result<std::process::Output> {
    let mut args = args.to_vec();
    if let Some(c) = coders {
        args.extend(["--coders", c]);
    }
    tema(&args)
}

#[test]
fn themes_json_counts_for_every_scope() -> TestResult {
    let (_tmp, _, d) = common::project_made("team.tema", saved)?;
    // The same hand-computed numbers as the board: (Recognition, Safety) extracts.
    for (coders, expected) in
        [(None, (2, 1)), (Some("Ingrid"), (1, 1)), (Some("tom"), (2, 1)), (Some("Tom,Ingrid"), (2, 1))]
    {
        let v = json(&tema_for(coders, &["themes", d.as_str(), "--json"])?)?;
        let of = |name: &str| {
            v.as_array().and_then(|a| a.iter().find(|t| t["name"] == name)).and_then(|t| t["extracts"].as_u64())
        };
        assert_eq!((of("Recognition"), of("Safety")), (Some(expected.0), Some(expected.1)), "{coders:?}");
    }
    let unknown = tema(&["themes", d.as_str(), "--coders", "Åse"])?;
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no coder named \"Åse\""));
    Ok(())
}

#[test]
fn extracts_command_exports_rows_with_coders() -> TestResult {
    let (tmp, _, d) = common::project_made("team.tema", saved)?;
    let v = json(&tema(&["extracts", d.as_str(), "--json"])?)?;
    let rows = v.as_array().ok_or("not a list")?;
    // Seen: the merged 1-2-3 and Tom's "godt"; Safe: the merged 5-6. Codebook order, then text.
    let got: Vec<(String, String, String, String, u64, u64)> = rows
        .iter()
        .map(|r| {
            let join = |k: &str| {
                r[k].as_array()
                    .map(|a| a.iter().filter_map(|x| x.as_str()).collect::<Vec<_>>().join(","))
                    .unwrap_or_default()
            };
            (
                r["code"].as_str().unwrap_or_default().to_string(),
                r["text"].as_str().unwrap_or_default().to_string(),
                join("coders"),
                join("participant"),
                r["start"].as_u64().unwrap_or(0),
                r["end"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let row = |code: &str, text: &str, coders: &str, who: &str| {
        let (a, b) = at(text);
        (code.to_string(), text.to_string(), coders.to_string(), who.to_string(), a as u64, b as u64)
    };
    assert_eq!(
        got,
        [
            row("Seen", "Jeg følte meg sett 😀 av veilederen", "Ingrid,Tom", "Kari"),
            row("Seen", "godt", "Tom", "Ola"),
            row("Safe", "Det var trygt og godt", "Ingrid,Tom", "Ola"),
        ]
    );
    assert_eq!(rows[0]["group"][0], "Jobseeker");

    // Filters: Ingrid's extracts of the Recognition theme, as CSV to a file.
    let out = tmp.path().join("ingrid.csv");
    let o = out.to_string_lossy().to_string();
    let run = tema(&["extracts", d.as_str(), "--theme", "recognition", "--coders", "Ingrid", "-o", o.as_str()])?;
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let csv = std::fs::read_to_string(&out)?;
    let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines[0], "document,participant,group,coders,code,start,end,text,codings,comment");
    let (a, b) = at("Jeg følte meg sett");
    assert_eq!(lines[1..], [format!("FG1,Kari,Jobseeker,Ingrid,Seen,{a},{b},Jeg følte meg sett,1,")]);

    // Markdown on stdout, by group: only Ola's extracts.
    let md = tema(&["extracts", d.as_str(), "--group", "therapist", "--format", "md"])?;
    let md = String::from_utf8(md.stdout)?;
    assert!(md.contains("# Coded extracts: Therapist · all coders"), "{md}");
    assert!(md.contains("> godt (FG1, Ola)") && md.contains("> Det var trygt og godt (FG1, Ola)"), "{md}");
    assert!(md.contains("coded by Ingrid, Tom") && !md.contains("Kari"), "{md}");

    // Word needs a file; with one, it is a zip package.
    assert!(!tema(&["extracts", d.as_str(), "--format", "docx"])?.status.success());
    let docx = tmp.path().join("all.docx");
    let x = docx.to_string_lossy().to_string();
    assert!(tema(&["extracts", d.as_str(), "-o", x.as_str()])?.status.success());
    assert!(std::fs::read(&docx)?.starts_with(b"PK"));
    Ok(())
}

#[test]
fn info_counts_read_and_coded_documents_as_the_phases_do() -> TestResult {
    // A second document nobody coded; Tom marks the first one read.
    let doc = Document::new(DocId::from_u128(41), "Notes", DocKind::FieldNotes, "Observerte møtet.");
    let more = vec![
        Edit::AddDocument { document: Box::new(doc), index: None },
        Edit::SetDocumentRead { id: DocId::from_u128(40), coder: TOM, read: true },
    ];
    let (_tmp, dir, d) = common::project_made("team.tema", |dir| saved_with(dir, more))?;
    let p = Store::open(&dir)?.project().clone();
    // all: 1 of 2 read (Tom's mark), 1 coded. Ingrid: 0 read, 1 coded (she coded FG1).
    for (coders, read, coded) in [(None, 1, 1), (Some("Ingrid"), 0, 1), (Some("Tom"), 1, 1)] {
        let v = json(&tema_for(coders, &["info", d.as_str(), "--json"])?)?;
        assert_eq!((v["documents_read"].as_u64(), v["documents_coded"].as_u64()), (Some(read), Some(coded)));
        let scope = CoderScope::parse(&p, coders.unwrap_or(""))?;
        let phases = tema::analysis::phases::tracker(&p, &scope);
        let familiarisation = &phases[0].figures[0];
        assert_eq!((familiarisation.done.len(), familiarisation.total()), (read as usize, 2));
        let nav = tema::analysis::phases::DocProgress::all(&p, &scope);
        assert_eq!((nav.read, nav.coded), (read as usize, coded as usize));
        // The navigator's folders: each kind as if counted alone.
        for (kind, f) in tema::analysis::phases::DocProgress::by_kind(&p, &scope) {
            let alone = p.documents.values().filter(|d| d.kind() == kind);
            assert_eq!(f, tema::analysis::phases::DocProgress::of(&p, alone, &scope), "{kind:?}");
        }
    }
    // Extracts over the project: Seen 2 + Safe 1 with everyone's codings, not 6 codings.
    let v = json(&tema(&["info", d.as_str(), "--json"])?)?;
    assert_eq!((v["codings"].as_u64(), v["extracts"].as_u64()), (Some(6), Some(3)));
    Ok(())
}

#[test]
fn a_quote_and_its_coding_are_attributed_to_the_same_speakers_in_the_sample_study() -> TestResult {
    let (_tmp, dir) = sample::built_sample()?;
    let store = Store::open(&dir)?;
    let p = store.project();
    let index = AttributionIndex::build(p);
    let attributor = tema::quotes::Attributor::new(p);
    let theme = p.themes.keys().next().copied().ok_or("the sample has no theme")?;
    let mut checked = 0;
    for c in p.codings.values() {
        let q = Quote {
            id: QuoteId::from_u128(1),
            theme,
            doc: c.doc,
            coding: Some(c.id),
            props: QuoteProps { span: c.span, ..Default::default() },
        };
        let quote = tema::quotes::describe(p, &attributor, &q)?;
        let coding = index.of(p, c.id).ok_or("a coding without attribution")?;
        assert_eq!(quote.attribution.speakers, coding.label_speakers(p), "coding {} in {}", c.id, c.doc);
        checked += 1;
    }
    assert!(checked > 100, "the sample study has {checked} codings");
    Ok(())
}

/// The rows of a CSV export (after the byte-order mark) as maps from column to value.
fn csv_rows(bytes: &[u8]) -> Result<Vec<std::collections::HashMap<String, String>>, Box<dyn std::error::Error>> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let mut r = csv::Reader::from_reader(bytes);
    let header: Vec<String> = r.headers()?.iter().map(str::to_string).collect();
    let mut out = Vec::new();
    for row in r.records() {
        out.push(header.iter().cloned().zip(row?.iter().map(str::to_string)).collect());
    }
    Ok(out)
}

#[test]
fn codebook_export_counts_extracts_for_every_scope() -> TestResult {
    let (_tmp, _, d) = common::project_made("team.tema", saved)?;
    // (Seen (extracts, participants), Safe (extracts, participants)), all in the one document:
    // all / both: Seen {1,2,3} (Kari) + {4} (Ola) = 2 extracts from 2 participants, not 4
    // codings; Safe {5,6} (Ola) = 1, not 2. Ingrid: Seen {1} (Kari), Safe {5} (Ola).
    // Tom: Seen {2,3} (Kari) + {4} (Ola) = 2; Safe {6} (Ola) = 1.
    for (coders, seen, safe) in [
        (None, ("2", "2"), ("1", "1")),
        (Some("Ingrid"), ("1", "1"), ("1", "1")),
        (Some("Tom"), ("2", "2"), ("1", "1")),
        (Some("Ingrid,Tom"), ("2", "2"), ("1", "1")),
    ] {
        let out = tema_for(coders, &["codebook", d.as_str(), "--format", "csv", "--working"])?;
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let rows = csv_rows(&out.stdout)?;
        let of = |code: &str| {
            rows.iter()
                .find(|r| r["code"] == code)
                .map(|r| (r["extracts"].as_str(), r["participants"].as_str(), r["documents"].as_str()))
        };
        assert_eq!(of("Seen"), Some((seen.0, seen.1, "1")), "Seen, {coders:?}");
        assert_eq!(of("Safe"), Some((safe.0, safe.1, "1")), "Safe, {coders:?}");
        // The examples come from the scope's extracts: Seen's first is the merged passage
        // with everyone, only Ingrid's words with Ingrid.
        let first = rows.iter().find(|r| r["code"] == "Seen").map(|r| r["example_extract_1"].clone());
        let expected =
            if coders == Some("Ingrid") { "Jeg følte meg sett" } else { "Jeg følte meg sett 😀 av veilederen" };
        assert_eq!(first.as_deref(), Some(expected), "{coders:?}");
    }
    // The working Markdown says the same in words, and names the coders under the title.
    let md = tema(&["codebook", d.as_str(), "--format", "md", "--working", "--coders", "tom"])?;
    let md = String::from_utf8(md.stdout)?;
    assert!(md.contains("2 extracts in 1 document from 2 participants"), "{md}");
    assert!(md.contains("Codebook (coded by Tom)"), "{md}");
    Ok(())
}

#[test]
fn quotes_and_report_keep_the_quotes_of_the_scope() -> TestResult {
    // "følte meg sett" lies in Ingrid's Seen coding 1 and Tom's 2 and 3; "godt" only in
    // Tom's Seen coding 4 (Ingrid's "trygt og godt" is Safe, not a Recognition code).
    let quotes = [(50, "følte meg sett"), (51, "godt")].map(|(n, text)| {
        let quote = Quote {
            id: QuoteId::from_u128(n),
            theme: RECOGNITION,
            doc: DocId::from_u128(40),
            coding: None,
            props: QuoteProps { span: span(text), ..Default::default() },
        };
        Edit::AddQuote { quote, index: None }
    });
    let (_tmp, _, d) = common::project_made("team.tema", |dir| saved_with(dir, quotes.into()))?;
    for (coders, expected) in [
        (None, vec!["følte meg sett", "godt"]),
        (Some("Ingrid"), vec!["følte meg sett"]),
        (Some("Tom"), vec!["følte meg sett", "godt"]),
    ] {
        let out = tema_for(coders, &["quotes", d.as_str(), "--format", "csv"])?;
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let rows = csv_rows(&out.stdout)?;
        let quotes: Vec<&str> = rows.iter().map(|r| r["quote"].as_str()).collect();
        assert_eq!(quotes, expected, "{coders:?}");
    }
    let report = tema(&["report", d.as_str(), "--format", "md", "--coders", "Ingrid"])?;
    assert!(report.status.success(), "{}", String::from_utf8_lossy(&report.stderr));
    let md = String::from_utf8(report.stdout)?;
    assert!(md.contains("følte meg sett") && !md.contains("godt"), "{md}");
    assert!(md.contains("Results (coded by Ingrid)"), "{md}");
    Ok(())
}

#[test]
fn themes_json_counts_review_marks_per_extract() -> TestResult {
    // Fits on Tom's codings 2 and 3 (both in the merged extract 1-2-3), does not fit on
    // Tom's 4. Per coding that would be 2 fits and 1 misfit.
    let marks = [(2, Fit::Fits), (3, Fit::Fits), (4, Fit::DoesNotFit)].map(|(n, mark)| Edit::SetReviewMark {
        theme: RECOGNITION,
        coding: CodingId::from_u128(n),
        mark: Some(mark),
    });
    let (_tmp, _, d) = common::project_made("team.tema", |dir| saved_with(dir, marks.into()))?;
    // all: the extract {1,2,3} fits (its marked codings), {4} does not: (1, 1).
    // Ingrid: her extract {1} carries no mark: (0, 0). Tom: {2,3} fits, {4} does not: (1, 1).
    for (coders, expected) in [(None, (1, 1)), (Some("Ingrid"), (0, 0)), (Some("Tom"), (1, 1))] {
        let v = json(&tema_for(coders, &["themes", d.as_str(), "--json"])?)?;
        let t = v.as_array().and_then(|a| a.iter().find(|t| t["name"] == "Recognition")).ok_or("no Recognition")?;
        assert_eq!(
            (t["fits"].as_u64(), t["does_not_fit"].as_u64()),
            (Some(expected.0), Some(expected.1)),
            "{coders:?}"
        );
    }
    Ok(())
}
