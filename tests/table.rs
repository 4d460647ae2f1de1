//! Triangulation tables on a small study computed by hand: two interviews, a focus group
//! with a moderator and an unmapped speaker, and field notes; themes with subthemes; codings
//! that cross speaker turns. Checks the cells, the extracts behind them, co-occurrence, the
//! framework cells (undo, save and reopen), every export format read back, and the CLI.

mod external;
#[path = "common/sample.rs"]
mod sample;

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::process::Command;
use tema::analysis::*;
use tema::edit::{Edit, History};
use tema::export::table::{CellContent, TableFormat, TableText, export};
use tema::model::*;
use tema::store::Store;

mod common;
use common::tema;

type TestResult = Result<(), Box<dyn std::error::Error>>;
/// A participant of the fixture: id, label, group, attributes, aliases.
type Person<'a> = (u128, &'a str, &'a str, &'a [(&'a str, &'a str)], &'a [&'a str]);
/// The cells of a DOCX table (row by row), whether its first row is a header row, and the XML.
type DocxTable = (Vec<Vec<String>>, bool, String);

const J1_TEXT: &str = "Interviewer: How was the meeting?\n\
J1: They talked about me, not with me.\n\
Interviewer: And the words they used?\n\
J1: All that jargon, I did not follow.\n";

const J2_TEXT: &str = "Intervjuer: Hvordan var møtet?\n\
J2: AAP og NAV-språket 😀 – jeg forsto ingenting.\n\
Intervjuer: Ble du hørt?\n\
J2: Nei, ingen spurte hva jeg ønsket.\n";

const FG_TEXT: &str = "Moderator: Hva tenker dere?\n\
Kari: De snakker om brukeren, ikke med.\n\
Ola: Ja, det stemmer for meg.\n\
Per: Vi bruker for mye fagspråk.\n\
Kari: Ingen hører på jobbsøkeren.\n\
Gjest: Det er sant.\n\
Ola: Jeg håper på en jobb.\n\
Per: Lønn er viktig.\n";

const NOTES_TEXT: &str = "Observasjon: møtet var preget av fagspråk. Ingen snakket med brukeren.\n";

fn pid(n: u128) -> ParticipantId {
    ParticipantId::from_u128(100 + n)
}
fn did(n: u128) -> DocId {
    DocId::from_u128(200 + n)
}
fn cid(n: u128) -> CodeId {
    CodeId::from_u128(300 + n)
}
fn tid(n: u128) -> ThemeId {
    ThemeId::from_u128(400 + n)
}
fn kid(n: u128) -> CodingId {
    CodingId::from_u128(500 + n)
}

const INGRID: CoderId = CoderId::from_u128(1);
const TOM: CoderId = CoderId::from_u128(2);

// Participants.
const J1: u128 = 1;
const J2: u128 = 2;
const T1: u128 = 3;
const S1: u128 = 4;
const J3: u128 = 5;
const INTERVIEWER: u128 = 6;
const J4: u128 = 7;
// Codes.
const TALKED: u128 = 1;
const JARGON: u128 = 2;
const ACRONYMS: u128 = 3;
const VOICE: u128 = 4;
const HOPE: u128 = 5;
const MONEY: u128 = 6;
// Themes.
const A: u128 = 1;
const A1: u128 = 2;
const A1A: u128 = 3;
const A2: u128 = 4;
const B: u128 = 5;
const P: u128 = 6;

/// The char span of `phrase` in `text` (char offsets, not bytes).
fn find(text: &str, phrase: &str) -> Span {
    let byte = text.find(phrase).unwrap_or_else(|| panic!("{phrase:?} is not in the text"));
    let start = text[..byte].chars().count();
    Span::new(start, start + phrase.chars().count())
}

/// From the start of one phrase to the end of another.
fn between(text: &str, from: &str, to: &str) -> Span {
    Span { start: find(text, from).start, end: find(text, to).end }
}

/// A document with one turn per line, the speaker being what precedes the colon.
fn transcript(n: u128, name: &str, kind: DocKind, text: &str, p: &Project) -> Document {
    let mut d = Document::new(did(n), name, kind, text);
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let len = line.chars().count();
        let speaker = line.split(':').next().unwrap_or_default().to_string();
        let participant = p.participant_for_speaker(&speaker).map(|x| x.id);
        d.turns.push(Turn { span: Span::new(at, at + len), speaker, participant, start_ms: None, end_ms: None });
        at += len;
    }
    d
}

fn coding(n: u128, doc: u128, span: Span, code: u128, coder: CoderId) -> Edit {
    Edit::AddCoding {
        coding: Coding {
            id: kid(n),
            doc: did(doc),
            span,
            code: cid(code),
            coder,
            created: chrono::DateTime::from_timestamp(1_700_000_000 + n as i64, 0).unwrap_or_default(),
            comment: String::new(),
        },
    }
}

/// The study, as the edits that make it (so the store tests can replay them).
fn study_edits() -> Vec<Edit> {
    let mut p = Project::new("Study");
    let mut edits = Vec::new();
    let mut add = |p: &mut Project, e: Edit| {
        let r = p.apply(e.clone());
        assert!(r.is_ok(), "{r:?}");
        edits.push(e);
    };
    for (id, name, slug) in [(INGRID, "Ingrid", "ingrid"), (TOM, "Tom", "tom")] {
        add(
            &mut p,
            Edit::AddCoder {
                coder: Coder { id, name: name.into(), colour: palette_colour(0), slug: slug.into() },
                index: None,
            },
        );
    }
    let people: [Person; 7] = [
        (J1, "J1", "Jobseeker", &[("site", "Nordby"), ("gender", "F")], &[]),
        (J2, "J2", "Jobseeker", &[("site", "Sørvik"), ("gender", "M")], &[]),
        (T1, "T1", "Therapist", &[("site", "Nordby"), ("gender", "F")], &["Kari"]),
        (S1, "S1", "Social worker", &[("site", "Sørvik"), ("gender", "M")], &["Per"]),
        (J3, "J3", "Jobseeker", &[("site", "Nordby")], &["Ola"]),
        (INTERVIEWER, "Interviewer", "", &[], &["Intervjuer", "Moderator"]),
        (J4, "J4", "Jobseeker", &[("site", "Sørvik")], &[]),
    ];
    for (n, label, group, attrs, aliases) in people {
        let mut x = Participant::new(pid(n), label, group);
        x.props.attributes = attrs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        x.props.aliases = aliases.iter().map(|s| s.to_string()).collect();
        x.props.interviewer = n == INTERVIEWER;
        add(&mut p, Edit::AddParticipant { participant: x, index: None });
    }
    let docs = [
        transcript(1, "J1", DocKind::Interview, J1_TEXT, &p),
        transcript(2, "J2", DocKind::Interview, J2_TEXT, &p),
        transcript(3, "FG1", DocKind::FocusGroup, FG_TEXT, &p),
        Document::new(did(4), "Notes", DocKind::FieldNotes, NOTES_TEXT),
    ];
    for d in docs {
        add(&mut p, Edit::AddDocument { document: Box::new(d), index: None });
    }
    for (n, name, parent) in [
        (TALKED, "Talked about", None),
        (JARGON, "Jargon", None),
        (ACRONYMS, "Acronyms", Some(JARGON)),
        (VOICE, "Voice", None),
        (HOPE, "Hope", None),
        (MONEY, "Money", None),
    ] {
        let mut c = Code::new(cid(n), name, palette_colour(n as usize));
        c.parent = parent.map(cid);
        add(&mut p, Edit::CreateCode { code: c, index: None });
    }
    for (n, name, parent, codes, status) in [
        (A, "Being talked about", None, vec![TALKED], ThemeStatus::Final),
        (A1, "Jargon", Some(A), vec![JARGON], ThemeStatus::Final),
        (A1A, "Acronyms", Some(A1), vec![ACRONYMS], ThemeStatus::Reviewed),
        (A2, "Not heard", Some(A), vec![VOICE], ThemeStatus::Final),
        (B, "Hope", None, vec![HOPE], ThemeStatus::Candidate),
        (P, "Money", None, vec![MONEY], ThemeStatus::Parked),
    ] {
        let mut t = Theme::new(tid(n), name);
        t.parent = parent.map(tid);
        t.codes = codes.into_iter().map(cid).collect();
        t.props.status = status;
        add(&mut p, Edit::CreateTheme { theme: t, index: None });
    }
    let codings = [
        // J1's interview.
        coding(1, 1, find(J1_TEXT, "talked about me"), TALKED, INGRID),
        coding(2, 1, between(J1_TEXT, "the meeting?", "They talked"), TALKED, INGRID), // interviewer + J1
        coding(3, 1, find(J1_TEXT, "And the words"), HOPE, INGRID),                    // the interviewer only
        coding(4, 1, find(J1_TEXT, "jargon"), JARGON, INGRID),
        coding(14, 1, find(J1_TEXT, "I did not follow"), VOICE, INGRID), // same turn as 4
        // J2's interview (Norwegian, with an emoji before the coded words' end).
        coding(5, 2, find(J2_TEXT, "AAP og NAV-språket 😀"), ACRONYMS, INGRID),
        coding(6, 2, find(J2_TEXT, "ingen spurte hva jeg ønsket"), VOICE, TOM),
        // The focus group.
        coding(7, 3, between(FG_TEXT, "ikke med.", "Ja, det stemmer"), TALKED, INGRID), // Kari (T1) + Ola (J3)
        coding(8, 3, find(FG_TEXT, "fagspråk"), JARGON, INGRID),                        // Per (S1)
        coding(9, 3, between(FG_TEXT, "hører på jobbsøkeren", "Det er sant"), VOICE, INGRID), // Kari + unmapped
        coding(10, 3, find(FG_TEXT, "håper på en jobb"), HOPE, INGRID),                 // Ola
        coding(11, 3, find(FG_TEXT, "Lønn er viktig"), MONEY, INGRID),                  // Per; a parked theme
        // Field notes: no speakers.
        coding(12, 4, find(NOTES_TEXT, "Ingen snakket med brukeren"), TALKED, INGRID),
        coding(13, 4, find(NOTES_TEXT, "preget av fagspråk. Ingen snakket"), JARGON, INGRID),
    ];
    for e in codings {
        add(&mut p, e);
    }
    edits
}

fn study() -> Project {
    let mut p = Project::new("Study");
    let r = p.apply(Edit::batch("study", study_edits()));
    assert!(r.is_ok(), "{r:?}");
    p
}

/// A row as (label, depth, [(extracts, n, N)...], row extracts, row participants, left out).
type RowView = (String, usize, Vec<(usize, usize, usize)>, usize, usize, usize);

fn view(m: &Matrix) -> Vec<RowView> {
    m.rows
        .iter()
        .map(|r| {
            let cells = r.cells.iter().map(|c| (c.extracts.len(), c.n(), c.total)).collect();
            (r.label.clone(), r.depth, cells, r.extracts, r.participants, r.left_out)
        })
        .collect()
}

fn labels(m: &Matrix) -> Vec<&str> {
    m.columns.iter().map(|c| c.label.as_str()).collect()
}

fn row(
    label: &str,
    depth: usize,
    cells: &[(usize, usize, usize)],
    extracts: usize,
    n: usize,
    left_out: usize,
) -> RowView {
    (label.to_string(), depth, cells.to_vec(), extracts, n, left_out)
}

#[test]
fn themes_by_group_hand_computed() {
    let p = study();
    let m = Matrix::build(&p, &MatrixOptions::default());
    // J4 never speaks and the interviewer is not counted: Jobseeker N = J1, J2, J3.
    assert_eq!(labels(&m), ["Jobseeker", "Therapist", "Social worker", "Unattributed"]);
    assert_eq!(m.columns[0].participants, [pid(J1), pid(J2), pid(J3)]);
    assert_eq!(m.total_participants, 5);
    let expected = vec![
        // talked + jargon + acronyms + voice (subthemes aggregated). k1 and k2 are the same
        // code on overlapping text ("talked"), so one extract (docs/TABLES.md, "How extracts
        // are counted"): 6 extracts for jobseekers, not 7; 10 over the row, not 11.
        row("Being talked about", 0, &[(6, 3, 3), (2, 1, 1), (1, 1, 1), (3, 0, 0)], 10, 5, 0),
        // jargon and its child code acronyms: k4 (J1), k5 (J2), k8 (S1), k13 (notes).
        row("Jargon", 1, &[(2, 2, 3), (0, 0, 1), (1, 1, 1), (1, 0, 0)], 4, 3, 0),
        row("Acronyms", 2, &[(1, 1, 3), (0, 0, 1), (0, 0, 1), (0, 0, 0)], 1, 1, 0),
        // voice: k6 (J2), k9 (Kari + the unmapped guest), k14 (J1).
        row("Not heard", 1, &[(2, 2, 3), (1, 1, 1), (0, 0, 1), (1, 0, 0)], 3, 3, 0),
        // hope: k10 (Ola); k3 is the interviewer's words only, so left out.
        row("Hope", 0, &[(1, 1, 3), (0, 0, 1), (0, 0, 1), (0, 0, 0)], 1, 1, 1),
    ];
    assert_eq!(view(&m), expected);
    // Extracts in document order, then text order; the one crossing two speakers of one
    // group (none here) or two groups (k7) is in both columns once.
    // k1 ∪ k2 is known by its first coding in text order, k2.
    assert_eq!(m.rows[0].cells[0].extracts, [kid(2), kid(4), kid(14), kid(5), kid(6), kid(7)]);
    assert_eq!(m.rows[0].cells[1].extracts, [kid(7), kid(9)]);
    // In the notes k13 starts before k12.
    assert_eq!(m.rows[0].cells[3].extracts, [kid(9), kid(13), kid(12)]);
    assert_eq!(m.rows[0].cells[0].participants, [pid(J1), pid(J2), pid(J3)]);
    // Shading: n/N in group columns, against the busiest cell in the unattributed column.
    let shades: Vec<Vec<u8>> = m.rows.iter().map(|r| r.cells.iter().map(|c| c.shade).collect()).collect();
    assert_eq!(shades, [[4, 4, 4, 4], [3, 0, 4, 2], [2, 0, 0, 0], [3, 4, 0, 2], [2, 0, 0, 0]]);
    assert!((m.rows[1].cells[0].coverage - 2.0 / 3.0).abs() < 1e-6);
    assert_eq!(m.rows[0].cells[0].participants_label(), "3 of 3");
    assert_eq!(m.rows[0].cells[3].participants_label(), "3 extracts");
}

#[test]
fn options_parked_flat_coder_and_codes() {
    let p = study();
    let with_parked = Matrix::build(&p, &MatrixOptions { include_parked: true, ..Default::default() });
    let money = with_parked.rows.last().map(|r| (r.label.as_str(), r.cells[2].extracts.clone()));
    assert_eq!(money, Some(("Money", vec![kid(11)])));

    // Without aggregation a row holds only its own member codes.
    let flat = Matrix::build(&p, &MatrixOptions { aggregate: false, ..Default::default() });
    let first_two: Vec<RowView> = view(&flat).into_iter().take(2).collect();
    assert_eq!(
        first_two,
        [
            // Talked about: k1 ∪ k2 (J1), k7 (T1, J3), k12 (notes).
            row("Being talked about", 0, &[(2, 2, 3), (1, 1, 1), (0, 0, 1), (1, 0, 0)], 3, 3, 0),
            row("Jargon", 1, &[(1, 1, 3), (0, 0, 1), (1, 1, 1), (1, 0, 0)], 3, 2, 0),
        ]
    );

    // Only Ingrid's codings: Tom's k6 (J2, voice) drops out of "Not heard".
    let ingrid =
        Matrix::build(&p, &MatrixOptions { coders: tema::analysis::CoderScope::only(INGRID), ..Default::default() });
    assert_eq!(ingrid.rows[3].cells[0].extracts, [kid(14)]);

    // Codes in tree order; a parent code collects its children's codings. Talked about:
    // k1 ∪ k2, k7, k12.
    let codes = Matrix::build(&p, &MatrixOptions { rows: RowSource::Codes, ..Default::default() });
    let names: Vec<(&str, usize, usize)> = codes.rows.iter().map(|r| (r.label.as_str(), r.depth, r.extracts)).collect();
    assert_eq!(
        names,
        [
            ("Talked about", 0, 3),
            ("Jargon", 0, 4),
            ("Acronyms", 1, 1),
            ("Voice", 0, 3),
            ("Hope", 0, 1),
            ("Money", 0, 1)
        ]
    );
    assert_eq!(codes.rows[0].colour, Some(palette_colour(TALKED as usize)));
}

#[test]
fn other_attributes_and_documents_as_columns() {
    let p = study();
    let site = Matrix::build(&p, &MatrixOptions { columns: Dimension::attribute("site"), ..Default::default() });
    assert_eq!(labels(&site), ["Nordby", "Sørvik", "Unattributed"]);
    // Nordby: J1, T1, J3; Sørvik: J2, S1 (J4 never speaks).
    // (k1 ∪ k2 is one extract: 5 in Nordby.)
    assert_eq!(view(&site)[0].2, [(5, 3, 3), (3, 2, 2), (3, 0, 0)]);

    // J3 has no gender: a column of their own.
    let gender = Matrix::build(&p, &MatrixOptions { columns: Dimension::attribute("gender"), ..Default::default() });
    assert_eq!(labels(&gender), ["F", "M", "No gender", "Unattributed"]);
    assert_eq!(gender.columns[2].participants, [pid(J3)]);

    // By document every coding counts in its document (even the interviewer's), n of the
    // participants who speak there.
    let docs = Matrix::build(&p, &MatrixOptions { columns: Dimension::Document, ..Default::default() });
    assert_eq!(labels(&docs), ["J1", "J2", "FG1", "Notes"]);
    assert_eq!(docs.columns[2].participants, [pid(T1), pid(S1), pid(J3)]);
    // J1: k1 ∪ k2, k4, k14 — 3 extracts (k1 and k2 are one).
    assert_eq!(view(&docs)[0].2, [(3, 1, 1), (2, 1, 1), (3, 3, 3), (2, 0, 0)]);
    let hope = &view(&docs)[4];
    assert_eq!((hope.2.clone(), hope.5), (vec![(1, 0, 1), (0, 0, 1), (1, 1, 3), (0, 0, 0)], 0));
    assert_eq!(docs.rows[0].cells[3].shade, 4, "the busiest document without speakers");
}

#[test]
fn a_cells_extracts_carry_speaker_labels() {
    let p = study();
    let m = Matrix::build(&p, &MatrixOptions::default());
    let therapist = m.extracts(&p, 0, 1);
    assert_eq!(therapist.len(), 2);
    let k7 = &therapist[0];
    assert_eq!(k7.doc_name, "FG1");
    assert_eq!(k7.speakers_label(), "T1, J3");
    let parts: Vec<(&str, Option<&str>, bool)> =
        k7.parts.iter().map(|x| (x.text.as_str(), x.speaker.as_deref(), x.counts_here)).collect();
    assert_eq!(parts, [("ikke med.\n", Some("Kari"), true), ("Ola: Ja, det stemmer", Some("Ola"), false)]);
    // The unattributed column's extract from the focus group: the guest's words count there.
    let unattributed = m.extracts(&p, 0, 3);
    let k9: Vec<(&str, bool)> = unattributed[0].parts.iter().map(|x| (x.text.as_str(), x.counts_here)).collect();
    assert_eq!(k9, [("hører på jobbsøkeren.\n", false), ("Gjest: Det er sant", true)]);
    assert_eq!(unattributed[1].parts[0].speaker, None);
    assert_eq!(unattributed[1].text(), "preget av fagspråk. Ingen snakket");
    assert_eq!(unattributed[2].text(), "Ingen snakket med brukeren");
    // The interviewer's part of k2 is marked as such.
    let jobseekers = m.extracts(&p, 0, 0);
    assert!(jobseekers[0].parts[0].interviewer);
    assert_eq!(jobseekers[0].parts[0].text, "the meeting?\n");
    assert_eq!(jobseekers[3].text(), "AAP og NAV-språket 😀");
}

#[test]
fn cooccurrence_overlap_and_turn() {
    let p = study();
    let overlap = Cooccurrence::build(&p, &CooccurrenceOptions::default());
    let names: Vec<&str> = overlap.codes.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Talked about", "Jargon", "Acronyms", "Voice", "Hope", "Money"]);
    // Only the field notes' two codings share text ("Ingen snakket"); k1 and k2 overlap but
    // are the same code.
    assert_eq!(overlap.pairs.len(), 1);
    let pair = overlap.pair(cid(TALKED), cid(JARGON)).map(|x| (x.count, x.occurrences.clone()));
    let shared = find(NOTES_TEXT, "Ingen snakket");
    assert_eq!(
        pair,
        Some((
            1,
            vec![tema::analysis::cooccurrence::Occurrence {
                doc: did(4),
                span: shared,
                codings: vec![kid(13), kid(12)]
            }]
        ))
    );
    assert_eq!(overlap.count(cid(JARGON), cid(TALKED)), 1);
    // k1 and k2 are one extract: talked about has 3 (k1 ∪ k2, k7, k12), not 4 codings.
    assert_eq!(overlap.count(cid(TALKED), cid(TALKED)), 3, "the diagonal is the code's own extracts");

    let turn = Cooccurrence::build(&p, &CooccurrenceOptions { scope: Scope::Turn, ..Default::default() });
    // Jargon and voice in J1's last answer; talked and jargon in the one line of notes.
    let pairs: Vec<(&str, &str, usize)> =
        turn.pairs.iter().map(|x| (turn.codes[x.a].name.as_str(), turn.codes[x.b].name.as_str(), x.count)).collect();
    assert_eq!(pairs, [("Talked about", "Jargon", 1), ("Jargon", "Voice", 1)]);
    let jv = turn.pair(cid(VOICE), cid(JARGON)).map(|x| x.occurrences[0].clone());
    assert_eq!(
        jv.map(|o| (o.span, o.codings)),
        Some((find(J1_TEXT, "J1: All that jargon, I did not follow.\n"), vec![kid(4), kid(14)]))
    );
    // Talked about is in J1's first answer twice (k1, k2) but counts once per turn: J1's
    // question and answer, Kari's and Ola's turns, the notes.
    assert_eq!(turn.count(cid(TALKED), cid(TALKED)), 5);
    let counts = turn.counts();
    assert_eq!(counts[1][3], 1);
    assert_eq!(counts[3][1], 1);
}

#[test]
fn framework_cells_undo_rename_and_show_in_the_matrix() -> TestResult {
    let mut p = study();
    let start = p.clone();
    let mut history = History::default();
    let at = chrono::Utc::now();
    let jobseekers = ColumnKey::value("group", "Jobseeker");
    let a = RowKey::Theme(tid(A));
    history.apply(
        &mut p,
        Edit::SetCellSummary { row: a, column: jobseekers.clone(), text: "Feel talked over | *not* heard".into() },
        None,
        at,
    )?;
    history.apply(
        &mut p,
        Edit::SetRowMark { row: a, across: Dimension::group(), mark: Some(RowMark::Diverge) },
        None,
        at,
    )?;
    // A rename keeps the summary: it is keyed by the theme's id.
    let mut props = p.themes[&tid(A)].props.clone();
    props.name = "Talked about, not with".into();
    history.apply(&mut p, Edit::UpdateTheme { id: tid(A), props }, None, at)?;
    let m = Matrix::build(&p, &MatrixOptions::default());
    assert_eq!(m.rows[0].label, "Talked about, not with");
    assert_eq!(m.rows[0].cells[0].summary, "Feel talked over | *not* heard");
    assert_eq!(m.rows[0].mark, Some(RowMark::Diverge));
    // Marks and summaries belong to a dimension: the table by site has neither.
    let site = Matrix::build(&p, &MatrixOptions { columns: Dimension::attribute("site"), ..Default::default() });
    assert_eq!(site.rows[0].mark, None);
    assert!(site.rows[0].cells.iter().all(|c| c.summary.is_empty()));
    // A summary for a value no participant has is kept and reported, not shown.
    history.apply(
        &mut p,
        Edit::SetCellSummary { row: a, column: ColumnKey::value("group", "Employer"), text: "x".into() },
        None,
        at,
    )?;
    assert_eq!(Matrix::build(&p, &MatrixOptions::default()).hidden_summaries, 1);
    while history.undo(&mut p, at)?.is_some() {}
    assert_eq!(p, start);
    Ok(())
}

#[test]
fn framework_cells_survive_save_and_reopen_and_old_projects_load() -> TestResult {
    let (_tmp, dir, _, mut store) = study_folder()?;
    let a = RowKey::Theme(tid(A));
    let fg = ColumnKey::Document { id: did(3) };
    store.apply(Edit::SetCellSummary { row: a, column: fg.clone(), text: "Alle var enige 😀".into() })?;
    store.apply(Edit::SetRowMark { row: a, across: Dimension::Document, mark: Some(RowMark::Converge) })?;
    let expected = store.project().framework.clone();
    drop(store);
    // From the journal.
    let store = Store::open(&dir)?;
    assert_eq!(store.project().framework, expected);
    drop(store);
    // From the snapshot.
    let mut store = Store::open(&dir)?;
    store.save()?;
    drop(store);
    let json = std::fs::read_to_string(dir.join("framework.json"))?;
    assert!(json.contains("Alle var enige 😀") && json.contains("\"converge\""), "{json}");
    let mut store = common::reopen_clean(&dir)?;
    assert_eq!(store.project().framework, expected);
    // Undo works after the round trip.
    store.undo()?;
    assert_eq!(store.project().framework.mark(a, &Dimension::Document), None);
    store.save()?;
    drop(store);

    // A project saved before framework.json existed has no such file: it loads empty.
    std::fs::remove_file(dir.join("framework.json"))?;
    let store = Store::open(&dir)?;
    assert!(store.project().framework.is_empty());
    drop(store);

    // One written by a Tema that did not know about framework cells can hold summaries of
    // themes it has since deleted: they are dropped with a warning, the project opens.
    let stale = r#"{"summaries":[{"row":{"theme":"00000000-0000-0000-0000-0000000003e7"},"column":{"kind":"value","attribute":"group","value":"Jobseeker"},"text":"gone"}],"marks":[]}"#;
    std::fs::write(dir.join("framework.json"), stale)?;
    let store = Store::open(&dir)?;
    assert!(store.project().framework.is_empty());
    assert!(store.warnings().iter().any(|w| w.contains("framework.json")), "{:?}", store.warnings());
    Ok(())
}

#[test]
fn cache_rebuilds_only_after_edits_that_touch_the_table() -> TestResult {
    let mut p = study();
    let mut cache = MatrixCache::new();
    let options = MatrixOptions::default();
    let first = cache.get(&p, &options);
    assert!(std::sync::Arc::ptr_eq(&first, &cache.get(&p, &options)), "nothing changed: the same matrix");
    // A memo does not touch the table.
    let at = chrono::DateTime::from_timestamp(0, 0).unwrap_or_default();
    let memo = Memo {
        id: MemoId::from_u128(9),
        created: at,
        author: None,
        props: MemoProps { target: MemoTarget::Journal, title: "t".into(), body: "b".into(), modified: at },
    };
    p.apply(Edit::AddMemo { memo, index: None })?;
    assert!(std::sync::Arc::ptr_eq(&first, &cache.get(&p, &options)));
    // A coding does, and only its document is attributed again.
    p.apply(coding(15, 2, find(J2_TEXT, "jeg forsto ingenting"), JARGON, INGRID))?;
    let second = cache.get(&p, &options);
    assert_eq!(second.rows[1].cells[0].extracts.len(), 3);
    assert_eq!(*second, Matrix::build(&p, &options));
    // Re-attributing a turn (the guest turns out to be J4) moves k9 out of Unattributed.
    let mut turns = p.documents[&did(3)].turns.clone();
    turns[5].participant = Some(pid(J4));
    p.apply(Edit::SetTurns { id: did(3), turns })?;
    let third = cache.get(&p, &options);
    assert_eq!(third.rows[0].cells[0].participants, [pid(J1), pid(J2), pid(J3), pid(J4)]);
    assert_eq!(third.rows[0].cells[0].total, 4);
    assert_eq!(*third, Matrix::build(&p, &options));
    // An interviewer flag changes who counts, with no document revision.
    let mut props = p.participants[&pid(J1)].props.clone();
    props.interviewer = true;
    p.apply(Edit::UpdateParticipant { id: pid(J1), props })?;
    assert_eq!(*cache.get(&p, &options), Matrix::build(&p, &options));
    assert_eq!(cache.get(&p, &options).columns[0].total(), 3);
    Ok(())
}

// ---- exports ----

fn with_summaries() -> Result<Project, Box<dyn std::error::Error>> {
    let mut p = study();
    let a = RowKey::Theme(tid(A));
    for (col, text) in [
        (ColumnKey::value("group", "Jobseeker"), "Talked over, not with.\nFeel «snakket om»."),
        (ColumnKey::value("group", "Therapist"), "See it too"),
        (ColumnKey::Unattributed { attribute: "group".into() }, "Observed: 50% jargon & {acronyms}"),
    ] {
        p.apply(Edit::SetCellSummary { row: a, column: col, text: text.into() })?;
    }
    p.apply(Edit::SetRowMark { row: a, across: Dimension::group(), mark: Some(RowMark::Converge) })?;
    p.apply(Edit::SetRowMark { row: RowKey::Theme(tid(B)), across: Dimension::group(), mark: Some(RowMark::Silent) })?;
    Ok(p)
}

#[test]
fn markdown_counts_exactly() -> TestResult {
    let p = study();
    let m = Matrix::build(&p, &MatrixOptions::default());
    let md = String::from_utf8(export(&m, CellContent::Counts, TableFormat::Markdown)?)?;
    let expected = "\
| Theme | Jobseeker | Therapist | Social worker | Unattributed | Total |
|---|---:|---:|---:|---:|---:|
| **Being talked about** | 6 | 2 | 1 | 3 | 10 |
| &emsp;Jargon | 2 | 0 | 1 | 1 | 4 |
| &emsp;&emsp;Acronyms | 1 | 0 | 0 | 0 | 1 |
| &emsp;Not heard | 2 | 1 | 0 | 1 | 3 |
| **Hope** | 1 | 0 | 0 | 0 | 1 |

Table: Coded extracts per theme and group
";
    assert_eq!(md, expected);
    Ok(())
}

#[test]
fn markdown_participants_summaries_and_names_exactly() -> TestResult {
    let p = with_summaries()?;
    let m = Matrix::build(&p, &MatrixOptions::default());
    let md = |c| export(&m, c, TableFormat::Markdown).map(String::from_utf8);
    assert_eq!(
        md(CellContent::Participants)??,
        "\
| Theme | Jobseeker | Therapist | Social worker | Unattributed: extracts | Total |
|---|---|---|---|---|---|
| **Being talked about** | 3 of 3 | 1 of 1 | 1 of 1 | 3 | 5 of 5 |
| &emsp;Jargon | 2 of 3 | 0 of 1 | 1 of 1 | 1 | 3 of 5 |
| &emsp;&emsp;Acronyms | 1 of 3 | 0 of 1 | 0 of 1 | 0 | 1 of 5 |
| &emsp;Not heard | 2 of 3 | 1 of 1 | 0 of 1 | 1 | 3 of 5 |
| **Hope** | 1 of 3 | 0 of 1 | 0 of 1 | 0 | 1 of 5 |

Table: Participants per theme and group (n of N)

_Note._ Unattributed: coded extracts with no known speaker (field notes, unmapped speakers), counted as extracts; the other columns count participants (n of N).

_Note._ Total: distinct participants over all columns (n of N).
"
    );
    assert_eq!(
        md(CellContent::Summaries)??,
        "\
| Theme | Jobseeker | Therapist | Social worker | Unattributed | Triangulation |
|---|---|---|---|---|---|
| **Being talked about** | Talked over, not with.<br>Feel «snakket om». | See it too |  | Observed: 50% jargon & {acronyms} | Converge |
| &emsp;Jargon |  |  |  |  |  |
| &emsp;&emsp;Acronyms |  |  |  |  |  |
| &emsp;Not heard |  |  |  |  |  |
| **Hope** |  |  |  |  | Silent |

Table: Summaries per theme and group
"
    );
    assert_eq!(
        md(CellContent::Names)??,
        "\
| Theme | Jobseeker | Therapist | Social worker | Unattributed |
|---|---|---|---|---|
| **Being talked about** | Being talked about | Being talked about | Being talked about | Being talked about |
| &emsp;Jargon | Jargon |  | Jargon | Jargon |
| &emsp;&emsp;Acronyms | Acronyms |  |  |  |
| &emsp;Not heard | Not heard | Not heard |  | Not heard |
| **Hope** | Hope |  |  |  |

Table: Themes and subthemes by group
"
    );
    Ok(())
}

#[test]
fn csv_reads_back() -> TestResult {
    let p = with_summaries()?;
    let m = Matrix::build(&p, &MatrixOptions::default());
    for content in CellContent::ALL {
        let bytes = export(&m, content, TableFormat::Csv)?;
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        let header: Vec<String> = reader.headers()?.iter().map(String::from).collect();
        let records: Vec<Vec<String>> =
            reader.records().map(|r| r.map(|r| r.iter().map(String::from).collect())).collect::<Result<_, _>>()?;
        let text = TableText::new(&m, content);
        let mut expected_header = vec!["Theme".to_string(), "Level".to_string()];
        expected_header.extend(text.columns.clone());
        assert_eq!(header, expected_header);
        assert_eq!(records.len(), 5);
        for (record, row) in records.iter().zip(&text.rows) {
            assert_eq!(record[0], row.label);
            assert_eq!(record[1], (row.depth + 1).to_string());
            assert_eq!(record[2..], row.cells[..]);
        }
    }
    // The whole counts and participants tables against the hand-computed figures of
    // `themes_by_group_hand_computed` (extracts, participants of N per group column;
    // extracts in the unattributed column; the total is distinct extracts and participants).
    let read = |content| -> Result<Vec<Vec<String>>, Box<dyn std::error::Error>> {
        let bytes = export(&m, content, TableFormat::Csv)?;
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        let mut rows = vec![reader.headers()?.iter().map(String::from).collect::<Vec<_>>()];
        for r in reader.records() {
            rows.push(r?.iter().map(String::from).collect());
        }
        Ok(rows)
    };
    let header = ["Theme", "Level", "Jobseeker", "Therapist", "Social worker", "Unattributed", "Total"];
    // Extracts, not codings: k1 and k2 (Ingrid, both "talked about", overlapping) are one
    // extract by the rule in TABLES.md, so the jobseekers' cell is 6 (not 7) and the row 10.
    let counts = [
        ("Being talked about", 1, [6, 2, 1, 3, 10]),
        ("Jargon", 2, [2, 0, 1, 1, 4]),
        ("Acronyms", 3, [1, 0, 0, 0, 1]),
        ("Not heard", 2, [2, 1, 0, 1, 3]),
        ("Hope", 1, [1, 0, 0, 0, 1]),
    ];
    let mut expected = vec![header.map(String::from).to_vec()];
    for (name, level, cells) in counts {
        let mut row = vec![name.to_string(), level.to_string()];
        row.extend(cells.iter().map(|n| n.to_string()));
        expected.push(row);
    }
    assert_eq!(read(CellContent::Counts)?, expected);
    // Participants: n of N with N = 3 jobseekers, 1 therapist, 1 social worker, 5 in all.
    let people = [
        ("Being talked about", 1, [3, 1, 1], 3, 5),
        ("Jargon", 2, [2, 0, 1], 1, 3),
        ("Acronyms", 3, [1, 0, 0], 0, 1),
        ("Not heard", 2, [2, 1, 0], 1, 3),
        ("Hope", 1, [1, 0, 0], 0, 1),
    ];
    // The unattributed column counts extracts, so its header says so and its cells are
    // plain counts (never mixed with "n of N" under an unlabelled header).
    let mut expected = vec![
        header.map(|h| if h == "Unattributed" { "Unattributed: extracts".to_string() } else { h.to_string() }).to_vec(),
    ];
    for (name, level, [j, t, s], unattributed, total) in people {
        expected.push(vec![
            name.to_string(),
            level.to_string(),
            format!("{j} of 3"),
            format!("{t} of 1"),
            format!("{s} of 1"),
            unattributed.to_string(),
            format!("{total} of 5"),
        ]);
    }
    assert_eq!(read(CellContent::Participants)?, expected);
    // Spot checks against the hand-computed table.
    let bytes = export(&m, CellContent::Counts, TableFormat::Csv)?;
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let jargon: Vec<String> =
        reader.records().nth(1).transpose()?.map(|r| r.iter().map(String::from).collect()).unwrap_or_default();
    assert_eq!(jargon, ["Jargon", "2", "2", "0", "1", "1", "4"]);
    let bytes = export(&m, CellContent::Summaries, TableFormat::Csv)?;
    let first = csv::Reader::from_reader(bytes.as_slice()).records().next().transpose()?;
    let first: Vec<String> = first.map(|r| r.iter().map(String::from).collect()).unwrap_or_default();
    assert_eq!(first[2], "Talked over, not with.\nFeel «snakket om».", "a line break survives in a quoted field");
    Ok(())
}

#[test]
fn xlsx_reads_back_with_calamine() -> TestResult {
    use calamine::{Data, Reader, Xlsx};
    let p = with_summaries()?;
    let m = Matrix::build(&p, &MatrixOptions::default());
    let bytes = export(&m, CellContent::Counts, TableFormat::Xlsx)?;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes))?;
    let sheet = book.worksheet_range("Table")?;
    assert_eq!(sheet.get_size(), (6, 6));
    let s = |r: usize, c: usize| sheet.get((r, c)).cloned();
    assert_eq!(s(0, 0), Some(Data::String("Theme".into())));
    assert_eq!(s(0, 3), Some(Data::String("Social worker".into())));
    assert_eq!(s(1, 0), Some(Data::String("Being talked about".into())));
    assert_eq!(s(1, 1), Some(Data::Float(6.0)), "counts are numbers");
    assert_eq!(s(2, 5), Some(Data::Float(4.0)));
    assert_eq!(s(5, 0), Some(Data::String("Hope".into())));

    let bytes = export(&m, CellContent::Summaries, TableFormat::Xlsx)?;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes))?;
    let sheet = book.worksheet_range("Table")?;
    assert_eq!(sheet.get((1, 1)).cloned(), Some(Data::String("Talked over, not with.\nFeel «snakket om».".into())));
    assert_eq!(sheet.get((1, 5)).cloned(), Some(Data::String("Converge".into())));
    assert_eq!(sheet.get((5, 5)).cloned(), Some(Data::String("Silent".into())));
    let bytes = export(&m, CellContent::Participants, TableFormat::Xlsx)?;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes))?;
    let sheet = book.worksheet_range("Table")?;
    assert_eq!(sheet.get((2, 1)).cloned(), Some(Data::String("2 of 3".into())));
    Ok(())
}

/// The text of every cell of every table row in a DOCX, in order, and whether the first row
/// is marked as a header row.
fn docx_table(bytes: &[u8]) -> Result<DocxTable, Box<dyn std::error::Error>> {
    use quick_xml::events::Event;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))?;
    for part in ["[Content_Types].xml", "_rels/.rels", "word/_rels/document.xml.rels", "word/styles.xml"] {
        assert!(zip.by_name(part).is_ok(), "{part} is missing");
    }
    let mut xml = String::new();
    zip.by_name("word/document.xml")?.read_to_string(&mut xml)?;
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut rows, mut header) = (Vec::new(), false);
    let mut row: Vec<String> = Vec::new();
    let mut cell: Option<String> = None;
    let mut in_text = false;
    let mut paragraphs_in_cell = 0;
    loop {
        match reader.read_event()? {
            Event::Start(e) => match e.name().as_ref() {
                "w:tr" => row.clear(),
                "w:tc" => {
                    cell = Some(String::new());
                    paragraphs_in_cell = 0;
                }
                "w:p" if cell.is_some() => {
                    paragraphs_in_cell += 1;
                    if paragraphs_in_cell > 1
                        && let Some(c) = cell.as_mut()
                    {
                        c.push('\n');
                    }
                }
                "w:t" => in_text = true,
                _ => {}
            },
            Event::Empty(e) if e.name().as_ref() == "w:tblHeader" => header = rows.is_empty(),
            Event::Text(t) if in_text => {
                if let Some(c) = cell.as_mut() {
                    c.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) if in_text => {
                if let Some(c) = cell.as_mut() {
                    let name = r.xml10_content();
                    c.push_str(match name.as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        other => panic!("unexpected entity {other}"),
                    });
                }
            }
            Event::End(e) => match e.name().as_ref() {
                "w:t" => in_text = false,
                "w:tc" => row.extend(cell.take()),
                "w:tr" => rows.push(std::mem::take(&mut row)),
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok((rows, header, xml))
}

#[test]
fn docx_is_a_word_table_with_a_header_row() -> TestResult {
    let p = with_summaries()?;
    let m = Matrix::build(&p, &MatrixOptions::default());
    let (rows, header, xml) = docx_table(&export(&m, CellContent::Counts, TableFormat::Docx)?)?;
    assert!(header, "the first row repeats as a header row");
    assert!(xml.contains("Coded extracts per theme and group"), "the caption");
    let expected: Vec<Vec<&str>> = vec![
        vec!["Theme", "Jobseeker", "Therapist", "Social worker", "Unattributed", "Total"],
        vec!["Being talked about", "6", "2", "1", "3", "10"],
        vec!["Jargon", "2", "0", "1", "1", "4"],
        vec!["Acronyms", "1", "0", "0", "0", "1"],
        vec!["Not heard", "2", "1", "0", "1", "3"],
        vec!["Hope", "1", "0", "0", "0", "1"],
    ];
    assert_eq!(rows, expected);
    // Subthemes are indented, deeper ones more.
    assert!(xml.contains(r#"<w:ind w:left="284"/>"#) && xml.contains(r#"<w:ind w:left="568"/>"#));

    let (rows, _, xml) = docx_table(&export(&m, CellContent::Summaries, TableFormat::Docx)?)?;
    assert_eq!(rows[1][1], "Talked over, not with.\nFeel «snakket om».", "one paragraph per line");
    assert_eq!(rows[1][4], "Observed: 50% jargon & {acronyms}");
    assert_eq!(rows[1][5], "Converge");
    assert!(xml.contains(r#"w:orient="landscape""#), "summaries get a landscape page");
    Ok(())
}

#[test]
fn latex_is_booktabs_and_escaped() -> TestResult {
    let mut p = with_summaries()?;
    let mut props = p.themes[&tid(B)].props.clone();
    props.name = "Hope & 100% {future}_x #1 ~$".into();
    p.apply(Edit::UpdateTheme { id: tid(B), props })?;
    let m = Matrix::build(&p, &MatrixOptions::default());
    for content in CellContent::ALL {
        let tex = String::from_utf8(export(&m, content, TableFormat::Latex)?)?;
        let rule = |r: &str| tex.match_indices(r).map(|(i, _)| i).collect::<Vec<_>>();
        let (top, mid, bottom) = (rule("\\toprule"), rule("\\midrule"), rule("\\bottomrule"));
        assert_eq!((top.len(), mid.len(), bottom.len()), (1, 1, 1), "{tex}");
        assert!(top[0] < mid[0] && mid[0] < bottom[0]);
        // A header and five rows, each ending in \\.
        let rows: Vec<&str> = tex.lines().filter(|l| l.trim_end().ends_with("\\\\")).collect();
        assert_eq!(rows.len(), 6, "{tex}");
        let columns = TableText::new(&m, content).columns.len() + 1;
        for r in &rows {
            assert_eq!(r.matches(" & ").count(), columns - 1, "{r}");
        }
        assert!(rows[5].contains(r"\textbf{Hope \& 100\% \{future\}\_x \#1 \textasciitilde{}\$}"), "{}", rows[5]);
        assert!(rows[3].trim_start().starts_with(r"\quad \quad Acronyms"), "{}", rows[3]);
    }
    let tex = String::from_utf8(export(&m, CellContent::Summaries, TableFormat::Latex)?)?;
    assert!(
        tex.contains(r"Talked over, not with. \newline Feel «snakket om».")
            && tex.contains(r"50\% jargon \& \{acronyms\}")
    );
    Ok(())
}

/// Compiles the LaTeX table with pdflatex when it is installed (`texlive-latex-recommended`
/// has booktabs) and reads the PDF's text back with pdftotext; see `tests/external` for
/// when a missing program fails or skips.
#[test]
fn latex_compiles_with_pdflatex() -> TestResult {
    if !external::available(&[&external::PDFLATEX, &external::PDFTOTEXT]) {
        return Ok(());
    }
    let mut p = with_summaries()?;
    let mut props = p.themes[&tid(B)].props.clone();
    props.name = "Hope & 100% {future}_x #1 ~$ ^ \\ <>| 😀 ❤️".into();
    p.apply(Edit::UpdateTheme { id: tid(B), props })?;
    let m = Matrix::build(&p, &MatrixOptions::default());
    let tmp = tempfile::tempdir()?;
    for content in CellContent::ALL {
        let table = String::from_utf8(export(&m, content, TableFormat::Latex)?)?;
        let doc = format!(
            "\\documentclass{{article}}\n\\usepackage[T1]{{fontenc}}\n\\usepackage{{booktabs,tabularx,pdflscape}}\n\\begin{{document}}\n{table}\\end{{document}}\n"
        );
        let path = tmp.path().join(format!("{content:?}.tex"));
        std::fs::write(&path, doc)?;
        let out = Command::new("pdflatex")
            .args(["-interaction=nonstopmode", "-halt-on-error"])
            .arg(&path)
            .current_dir(tmp.path())
            .output()?;
        assert!(out.status.success(), "{content:?}: {}", String::from_utf8_lossy(&out.stdout));
        // poppler reads the theme's name back with every special character as typed
        // (T1 encoding has real glyphs for them), and no escaping is left in the text.
        let text = external::pdf_text(&tmp.path().join(format!("{content:?}.pdf")))?;
        // Word by word: narrow cells wrap the name over lines.
        let words: Vec<&str> = text.split(' ').collect();
        for word in "Hope & 100% {future}_x #1 ~$ ^ \\ <>|".split(' ') {
            assert!(words.contains(&word), "{content:?}: {word:?} is not in {text}");
        }
        assert!(!text.contains("\\&") && !text.contains("\\%"), "{content:?}: escaping leaked: {text}");
    }
    Ok(())
}

// ---- the command line ----

/// A new project at `dir` holding the study (in its journal until a save).
fn saved_study(dir: &Path) -> Result<Store, Box<dyn std::error::Error>> {
    let mut store = Store::create(dir, "Study")?;
    store.apply(Edit::batch("study", study_edits()))?;
    Ok(store)
}

/// [`saved_study`] in a new temporary folder as `study.tema`, with that path as the CLI
/// takes it; the folder lives as long as the returned `TempDir`.
fn study_folder() -> Result<(tempfile::TempDir, PathBuf, String, Store), Box<dyn std::error::Error>> {
    let (tmp, dir, d) = common::project_path("study.tema")?;
    let store = saved_study(&dir)?;
    Ok((tmp, dir, d, store))
}

#[test]
fn cli_table_formats_and_files() -> TestResult {
    let (tmp, _, d, _) = study_folder()?;

    let out = tema(&["table", &d])?;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let md = String::from_utf8(out.stdout)?;
    assert!(md.starts_with("| Theme | Jobseeker | Therapist | Social worker | Unattributed | Total |\n"), "{md}");
    assert!(md.contains("| **Being talked about** | 6 | 2 | 1 | 3 | 10 |"));

    let out = tema(&["table", &d, "--cols", "site", "--cells", "participants", "--format", "csv"])?;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let csv_text = String::from_utf8(out.stdout)?;
    // A byte-order mark for Excel; the unattributed column says it counts extracts.
    assert!(csv_text.starts_with("\u{feff}Theme,Level,Nordby,Sørvik,Unattributed: extracts,Total\n"), "{csv_text}");
    assert!(csv_text.contains("Being talked about,1,3 of 3,2 of 2,3,5 of 5\n"), "{csv_text}");

    // Binary formats need a file; the format follows the file's extension.
    let out = tema(&["table", &d, "--format", "xlsx"])?;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("-o table.xlsx"));
    let docx = tmp.path().join("table1.docx");
    let out = tema(&["table", &d, "--cells", "names", "-o", &docx.to_string_lossy()])?;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (rows, header, _) = docx_table(&std::fs::read(&docx)?)?;
    assert!(header);
    assert_eq!(rows[2], ["Jargon", "Jargon", "", "Jargon", "Jargon"]);

    let out = tema(&["table", &d, "--rows", "codes", "--cols", "document", "--format", "json"])?;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(v["columns"][2]["label"], "FG1");
    assert_eq!(v["rows"][0]["label"], "Talked about");
    assert_eq!(v["rows"][0]["cells"][2]["extracts"].as_array().map(Vec::len), Some(1));

    // A misspelt attribute names the ones there are.
    let out = tema(&["table", &d, "--cols", "sight"])?;
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("group, label, site, gender"), "{err}");
    Ok(())
}

#[test]
fn cli_summary_mark_and_cooccurrence() -> TestResult {
    let (_tmp, _, d, _) = study_folder()?;
    let ok = |out: std::process::Output| -> Result<String, Box<dyn std::error::Error>> {
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        Ok(String::from_utf8(out.stdout)?)
    };
    ok(tema(&[
        "summary",
        &d,
        "--theme",
        "being talked about",
        "--col",
        "group=Jobseeker",
        "--text",
        "Snakket om, ikke med",
    ])?)?;
    ok(tema(&["summary", &d, "--theme", "Hope", "--col", "unattributed", "--text", "Nothing in the notes"])?)?;
    ok(tema(&["mark", &d, "--theme", "Being talked about", "--mark", "diverge"])?)?;
    let csv_text = ok(tema(&["table", &d, "--cells", "summaries", "--format", "csv"])?)?;
    assert!(csv_text.contains("Being talked about,1,\"Snakket om, ikke med\",,,,Diverge\n"), "{csv_text}");
    assert!(csv_text.contains("Hope,1,,,,Nothing in the notes,\n"), "{csv_text}");
    let undone = ok(tema(&["undo", &d, "--json"])?)?;
    assert!(undone.contains("Mark"), "{undone}");
    let out = tema(&["mark", &d, "--theme", "Hope", "--mark", "sometimes"])?;
    assert!(!out.status.success());

    let text = ok(tema(&["cooccurrence", &d, "--scope", "turn"])?)?;
    assert_eq!(
        text,
        "Codes that meet in the same speaker turn: 2 pairs\n     1  Talked about  ×  Jargon\n     1  Jargon  ×  Voice\n"
    );
    let v: serde_json::Value = serde_json::from_str(&ok(tema(&["cooccurrence", &d, "--json"])?)?)?;
    assert_eq!(v["scope"], "overlap");
    assert_eq!(v["pairs"][0]["a_name"], "Talked about");
    assert_eq!(v["pairs"][0]["occurrences"][0]["text"], "Ingen snakket");
    assert_eq!(v["pairs"][0]["occurrences"][0]["doc_name"], "Notes");
    Ok(())
}

/// LibreOffice opens the DOCX we write by hand and finds a table in it, cells in order (a
/// second reader besides our own parse, since the file is WordprocessingML written directly).
/// See `tests/external` for when a missing soffice fails or skips.
#[test]
fn docx_opens_in_libreoffice() -> TestResult {
    if !external::available(&[&external::SOFFICE]) {
        return Ok(());
    }
    let p = with_summaries()?;
    let m = Matrix::build(&p, &MatrixOptions::default());
    let tmp = tempfile::tempdir()?;
    let docx = tmp.path().join("table.docx");
    std::fs::write(&docx, export(&m, CellContent::Summaries, TableFormat::Docx)?)?;
    let html = std::fs::read_to_string(external::soffice_convert(&docx, "html", tmp.path())?)?;
    assert!(html.to_lowercase().contains("<table"), "no table in {html}");
    // LibreOffice wraps its HTML source lines anywhere between words.
    let html = html.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut at = 0;
    for text in [
        "Theme",
        "Triangulation",
        "Being talked about",
        "Talked over, not with.",
        "Converge",
        "Jargon",
        "Acronyms",
        "Not heard",
        "Hope",
        "Silent",
    ] {
        let found = html[at..].find(text).map(|i| at + i);
        assert!(found.is_some(), "{text:?} is missing or out of order in {html}");
        at = found.unwrap_or(at);
    }
    Ok(())
}

/// The sample study's participants table as a reader gets it: DOCX → PDF (LibreOffice) →
/// text (`pdftotext -layout`). Every word of every header appears whole on a line — no
/// "Jobseek/er" — and the unattributed column says it counts extracts.
#[test]
fn docx_headers_are_never_broken_inside_a_word() -> TestResult {
    if !external::available(&[&external::SOFFICE, &external::PDFTOTEXT]) {
        return Ok(());
    }
    let (tmp, project) = sample::built_sample()?;
    let store = Store::open_read_only(&project)?;
    let m = Matrix::build(store.project(), &MatrixOptions::default());
    let text = TableText::new(&m, CellContent::Participants);
    assert!(text.columns.iter().any(|c| c == "Unattributed: extracts"), "{:?}", text.columns);
    for (name, content) in [("participants", CellContent::Participants), ("names", CellContent::Names)] {
        let docx = tmp.path().join(format!("{name}.docx"));
        std::fs::write(&docx, export(&m, content, TableFormat::Docx)?)?;
        let pdf_text = external::pdf_lines(&external::soffice_convert(&docx, "pdf", tmp.path())?, true)?;
        let words: Vec<&str> = pdf_text.split_whitespace().collect();
        for header in TableText::new(&m, content).columns.iter().chain(std::iter::once(&text.corner)) {
            for word in header.split_whitespace() {
                assert!(words.contains(&word), "{name}: header word {word:?} is broken:\n{pdf_text}");
            }
        }
    }
    Ok(())
}

/// The study with J1 and J2 in "Wave 1" (J2 spelt "wave 1": the same set), the focus group
/// in "Wave 2" and "Wave 1", and the field notes in no set.
fn with_sets(p: &Project) -> Result<Vec<Edit>, Box<dyn std::error::Error>> {
    let mut edits = Vec::new();
    for (doc, sets) in [(did(1), vec!["Wave 1"]), (did(2), vec!["wave 1"]), (did(3), vec!["Wave 2", "Wave 1"])] {
        let mut props = p.documents.get(&doc).ok_or("no such document")?.props.clone();
        props.sets = sets.into_iter().map(String::from).collect();
        edits.push(Edit::UpdateDocument { id: doc, props });
    }
    Ok(edits)
}

#[test]
fn document_sets_as_columns_and_as_a_filter() -> TestResult {
    let mut p = study();
    p.apply(Edit::batch("sets", with_sets(&p)?))?;
    // A set column holds its documents' extracts, so its cells are the sums of the document
    // columns above (themes_by_attribute_and_document): row 0 by document was J1 (3, 1, 1),
    // J2 (2, 1, 1), FG1 (3, 3, 3), Notes (2, 0, 0); Hope was (1, 0, 1), (0, 0, 1), (1, 1, 3),
    // (0, 0, 0). Wave 1 = J1 + J2 + FG1 (participants J1, J2, T1, S1, J3: N = 5), Wave 2 = FG1,
    // "No set" = Notes. An FG1 extract counts in both waves, but once in the row.
    let sets = Matrix::build(&p, &MatrixOptions { columns: Dimension::DocumentSet, ..Default::default() });
    assert_eq!(labels(&sets), ["Wave 1", "Wave 2", "No set"]);
    assert_eq!(sets.columns[0].participants, [pid(J1), pid(J2), pid(T1), pid(S1), pid(J3)]);
    let docs = Matrix::build(&p, &MatrixOptions { columns: Dimension::Document, ..Default::default() });
    assert_eq!(view(&sets)[0].2, [(8, 5, 5), (3, 3, 3), (2, 0, 0)]);
    assert_eq!(view(&sets)[4].2, [(2, 1, 5), (1, 1, 3), (0, 0, 0)]);
    for (by_set, by_doc) in view(&sets).iter().zip(view(&docs)) {
        assert_eq!((by_set.3, by_set.4), (by_doc.3, by_doc.4), "row totals of {}", by_set.0);
    }
    // A cell of a set opens its documents' extracts.
    let opened = sets.extracts(&p, 0, 1);
    assert_eq!(opened.len(), 3);
    assert!(opened.iter().all(|e| e.doc == did(3)));

    // Only Wave 2 (the focus group): by document, one column equal to FG1's above; by group,
    // N is who speaks in FG1: Kari = T1, Per = S1, Ola = J3 (the moderator is not counted).
    let wave2 = |columns| MatrixOptions { columns, set: Some("WAVE 2".into()), ..Default::default() };
    let fg = Matrix::build(&p, &wave2(Dimension::Document));
    assert_eq!(labels(&fg), ["FG1"]);
    assert_eq!(view(&fg)[0].2, [(3, 3, 3)]);
    let groups = Matrix::build(&p, &wave2(Dimension::group()));
    let n: Vec<(&str, usize)> = groups.columns.iter().map(|c| (c.label.as_str(), c.total())).collect();
    // Columns come in the order of their first counted participant: T1, S1, then J3.
    assert_eq!(n, [("Therapist", 1), ("Social worker", 1), ("Jobseeker", 1), ("Unattributed", 0)]);
    assert_eq!(groups.total_participants, 3);

    // Co-occurrence of one set is that of a project holding only the set's documents: here
    // the focus group alone (the others removed).
    let mut only_fg = p.clone();
    for d in [did(1), did(2), did(4)] {
        only_fg.apply(Edit::RemoveDocument { id: d })?;
    }
    for scope in [Scope::Overlap, Scope::Turn] {
        let pairs = |co: &Cooccurrence| -> Vec<(usize, usize, usize)> {
            let mut v: Vec<_> = co.pairs.iter().map(|x| (x.a, x.b, x.count)).collect();
            v.sort();
            v
        };
        let by_set =
            Cooccurrence::build(&p, &CooccurrenceOptions { scope, set: Some("wave 2".into()), ..Default::default() });
        let alone = Cooccurrence::build(&only_fg, &CooccurrenceOptions { scope, ..Default::default() });
        assert_eq!(pairs(&by_set), pairs(&alone), "{scope:?}");
        let totals = |co: &Cooccurrence| co.codes.iter().map(|c| c.total).collect::<Vec<_>>();
        assert_eq!(totals(&by_set), totals(&alone), "{scope:?}");
        // And it is not the whole project's.
        let whole = Cooccurrence::build(&p, &CooccurrenceOptions { scope, ..Default::default() });
        assert_ne!(totals(&by_set), totals(&whole), "{scope:?}");
    }
    Ok(())
}

#[test]
fn table_and_extracts_commands_take_sets() -> TestResult {
    let (_tmp, _, d, mut store) = study_folder()?;
    let edits = with_sets(store.project())?;
    store.apply(Edit::batch("sets", edits))?;
    store.save()?;
    drop(store);
    let out = tema(&["table", d.as_str(), "--cols", "set", "--format", "json"])?;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let m: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let cols: Vec<&str> =
        m["columns"].as_array().ok_or("columns")?.iter().filter_map(|c| c["label"].as_str()).collect();
    assert_eq!(cols, ["Wave 1", "Wave 2", "No set"]);
    // The same numbers as the view model above: row 0 has 8, 3 and 2 extracts.
    let cells: Vec<usize> = m["rows"][0]["cells"]
        .as_array()
        .ok_or("cells")?
        .iter()
        .map(|c| c["extracts"].as_array().map_or(0, Vec::len))
        .collect();
    assert_eq!(cells, [8, 3, 2]);
    // A summary for a set's cell, named `set=NAME`.
    let theme = m["rows"][0]["label"].as_str().ok_or("label")?.to_string();
    let s = tema(&["summary", d.as_str(), "--theme", theme.as_str(), "--col", "set=wave 2", "--text", "Alle enige"])?;
    assert!(s.status.success(), "{}", String::from_utf8_lossy(&s.stderr));
    let again = tema(&["table", d.as_str(), "--cols", "set", "--cells", "summaries", "--format", "md"])?;
    assert!(String::from_utf8(again.stdout)?.contains("Alle enige"));
    // --set filters: only the focus group's columns by document; an unknown set is refused.
    let fg = tema(&["table", d.as_str(), "--cols", "document", "--set", "wave 2", "--format", "json"])?;
    let fg: serde_json::Value = serde_json::from_slice(&fg.stdout)?;
    assert_eq!(fg["columns"].as_array().map(Vec::len), Some(1));
    let unknown = tema(&["table", d.as_str(), "--set", "Wave 3"])?;
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("the sets are: Wave 1, Wave 2"));
    // tema extracts --set: only the documents of the set.
    let rows = tema(&["extracts", d.as_str(), "--set", "Wave 2", "--json"])?;
    assert!(rows.status.success(), "{}", String::from_utf8_lossy(&rows.stderr));
    let rows: serde_json::Value = serde_json::from_slice(&rows.stdout)?;
    let rows = rows.as_array().ok_or("rows")?;
    assert!(!rows.is_empty() && rows.iter().all(|r| r["document"] == "FG1"), "{rows:?}");
    // tema agreement --set: the set's documents, so "Wave 2" is the same as naming FG1.
    let by_set = tema(&["agreement", d.as_str(), "--set", "wave 2", "--json"])?;
    let by_doc = tema(&["agreement", d.as_str(), "--doc", "FG1", "--json"])?;
    assert!(by_set.status.success(), "{}", String::from_utf8_lossy(&by_set.stderr));
    assert_eq!(String::from_utf8(by_set.stdout)?, String::from_utf8(by_doc.stdout)?);
    let all = tema(&["agreement", d.as_str(), "--json"])?;
    assert_ne!(
        String::from_utf8(all.stdout)?,
        String::from_utf8(tema(&["agreement", d.as_str(), "--set", "wave 2", "--json"])?.stdout)?
    );
    Ok(())
}

/// Headers of wide capitals, which a count of characters underestimates (a bold "W" is
/// twice an average letter): five columns headed "WWWWWWWWW 1" to "WWWWWWWWW 5". Sized by
/// characters (7 pt each) the five would fit a portrait page at about 80 pt each, less than
/// the 90 pt the word needs in Carlito bold and cell margins, so Word and LibreOffice broke
/// it inside; measured in the fonts, the table turns landscape and each word stays whole.
/// DOCX → PDF (LibreOffice) → text (`pdftotext -layout`): the word appears whole five times.
#[test]
fn docx_headers_of_wide_capitals_stay_whole() -> TestResult {
    if !external::available(&[&external::SOFFICE, &external::PDFTOTEXT]) {
        return Ok(());
    }
    let wide = "WWWWWWWWW";
    let columns: Vec<String> = (1..=5).map(|i| format!("{wide} {i}")).collect();
    let rows = ["Being heard", "Trust", "Jargon"]
        .iter()
        .map(|label| tema::export::table::TextRow {
            label: label.to_string(),
            depth: 0,
            cells: (0..5).map(|i| (i * 3 + 1).to_string()).collect(),
        })
        .collect();
    let table = TableText {
        caption: "Coded extracts per theme and group".into(),
        corner: "Theme".into(),
        columns,
        rows,
        hierarchical: false,
        numeric: true,
        prose: false,
        notes: Vec::new(),
    };
    let tmp = tempfile::tempdir()?;
    let docx = tmp.path().join("wide.docx");
    std::fs::write(&docx, table.render(TableFormat::Docx)?)?;
    let pdf_text = external::pdf_lines(&external::soffice_convert(&docx, "pdf", tmp.path())?, true)?;
    let whole = pdf_text.split_whitespace().filter(|w| *w == wide).count();
    assert_eq!(whole, 5, "a header word of capitals is broken:\n{pdf_text}");
    Ok(())
}
