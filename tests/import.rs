//! Import: the sample corpus end to end, every format on the same Norwegian transcript, and
//! each kind of bad input with a real file.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tema::import::*;
use tema::model::*;
use tema::progress::Progress;
use tema::store::Store;

mod common;
use common::tema;

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/import").join(name)
}

fn plan(project: &Project, paths: &[PathBuf], options: &ImportOptions) -> Result<ImportPlan, ImportError> {
    plan_import(project, paths, options, &Progress::new())
}

fn with_sheet(sheet: &str) -> ImportOptions {
    ImportOptions { participants: Some(fixture(sheet)), ..Default::default() }
}

/// The one document a plan imports.
fn only_doc(plan: &ImportPlan) -> Result<&Document, String> {
    match plan.documents() {
        [d] => Ok(d),
        docs => Err(format!("expected one document, got {}: {:?}", docs.len(), plan.files)),
    }
}

/// The file error a plan reports for its only file.
fn only_error(plan: &ImportPlan) -> Result<(&Path, &FileError), String> {
    match plan.files.as_slice() {
        [FileReport { path, outcome: FileOutcome::Failed { error } }] => Ok((path, error)),
        other => Err(format!("expected one failed file, got {other:?}")),
    }
}

/// Every turn starts with its speaker's label and turns tile: each ends where the next begins.
fn check_turns(d: &Document) {
    for t in &d.turns {
        let s = d.slice(t.span).unwrap_or_default();
        let first_line = s.lines().next().unwrap_or_default();
        assert!(
            first_line.trim_start().starts_with(&t.speaker)
                || first_line.starts_with(&format!("[{}", t.speaker))
                || (first_line.starts_with(['[', '(']) || first_line.starts_with(|c: char| c.is_ascii_digit()))
                    && first_line.contains(&t.speaker),
            "turn {:?} of {} does not start with {:?}: {:?}",
            t.span,
            d.name(),
            t.speaker,
            s.chars().take(40).collect::<String>()
        );
    }
    for w in d.turns.windows(2) {
        assert_eq!(w[0].span.end, w[1].span.start, "turns of {} tile", d.name());
    }
    if let Some(last) = d.turns.last() {
        assert_eq!(last.span.end.get(), d.char_len, "the last turn of {} runs to the end", d.name());
    }
}

fn label_of(p: &Project, id: Option<ParticipantId>) -> Option<&str> {
    id.and_then(|id| p.participants.get(&id)).map(|p| p.label())
}

#[test]
fn sample_corpus_imports_with_every_turn_attributed() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let mut store = Store::create(&tmp.path().join("study"), "Working together")?;
    let corpus = root().join("sample-corpus");
    let paths: Vec<PathBuf> = ["interviews", "focus-groups", "field-notes"].iter().map(|d| corpus.join(d)).collect();
    let options = ImportOptions { participants: Some(corpus.join("participants.csv")), ..Default::default() };
    let plan = plan(store.project(), &paths, &options)?;
    let failures: Vec<String> = plan.failures().filter_map(FileReport::error_message).collect();
    assert!(failures.is_empty(), "{failures:?}");
    let edit = plan.edit().ok_or("nothing to import")?;
    store.apply(edit)?;
    let p = store.project();

    // 18 interviews, 2 focus groups, 3 field notes.
    assert_eq!(p.documents.len(), 23);
    let count = |k: DocKind| p.documents.values().filter(|d| d.kind() == k).count();
    assert_eq!((count(DocKind::Interview), count(DocKind::FocusGroup), count(DocKind::FieldNotes)), (18, 2, 3));
    // 31 from the sheet, and the interviewers as they are named in the transcripts.
    let interviewers: Vec<&str> = p.participants.values().filter(|x| x.props.interviewer).map(|x| x.label()).collect();
    assert_eq!(interviewers, ["Interviewer", "Intervjuer", "Moderator"]);
    assert_eq!(p.participants.len(), 34);

    for d in p.documents.values() {
        check_turns(d);
        match d.kind() {
            DocKind::FieldNotes => assert!(d.turns.is_empty(), "{} has turns", d.name()),
            _ => {
                assert!(d.turns.len() >= 10, "{} has {} turns", d.name(), d.turns.len());
                let unattributed: Vec<&str> =
                    d.turns.iter().filter(|t| t.participant.is_none()).map(|t| t.speaker.as_str()).collect();
                assert!(unattributed.is_empty(), "{}: unattributed {unattributed:?}", d.name());
            }
        }
        if d.kind() == DocKind::Interview {
            // The interviewee is the participant the file is named after.
            for t in &d.turns {
                let who = label_of(p, t.participant).unwrap_or_default();
                assert!(who == d.name() || who == "Interviewer" || who == "Intervjuer", "{}: {who}", d.name());
            }
        }
    }
    let doc = |name: &str| p.document_by_name(name).ok_or(format!("no {name}"));
    let speakers_of = |d: &Document| {
        let mut v: Vec<&str> = d.turns.iter().filter_map(|t| label_of(p, t.participant)).collect();
        v.sort();
        v.dedup();
        v
    };
    assert_eq!(speakers_of(doc("FG1")?), ["E1", "E2", "E3", "E4", "E5", "E6", "E7", "Moderator"]);
    assert_eq!(speakers_of(doc("FG2")?), ["E10", "E11", "E12", "E13", "E8", "E9", "Moderator"]);
    let fg2 = doc("FG2")?;
    assert!(fg2.turns.iter().all(|t| t.start_ms.is_some() && t.end_ms.is_some()));
    assert_eq!(fg2.turns[0].start_ms, Some(5_120));
    assert!(fg2.turns.iter().any(|t| t.speaker == "Ole"));
    let t5 = doc("T5")?;
    assert_eq!(t5.source.as_ref().and_then(|s| s.encoding.as_deref()), Some("windows-1252"));
    assert!(t5.text.contains("I’m a psychiatric nurse") && t5.text.contains("the islands and the villages"));
    assert!(t5.text.contains(" – ") && !t5.text.contains('\u{FFFD}'));
    let j4 = doc("J4")?;
    assert!(j4.text.contains("Sørvik") && j4.turns[0].speaker == "Intervjuer");
    let e1 = p.participant_by_label("E1").ok_or("no E1")?;
    assert_eq!(e1.props.aliases, ["Kari"]);
    assert_eq!(e1.attribute("site"), Some("Nordby"));
    assert_eq!(e1.attribute("years_in_role"), Some("6"));
    assert_eq!(p.participant_by_label("J1").and_then(|j| j.attribute("years_in_role")), None);
    for name in ["T4", "S5", "J6", "J1", "FN1-Nordby-meeting", "FN2-Sorvik-digital-meeting"] {
        let d = doc(name)?;
        assert!(d.words > 700, "{name}: {} words", d.words);
    }
    // The field notes in Markdown keep no markup.
    assert!(!doc("FN2-Sorvik-digital-meeting")?.text.contains("*"));

    // One undo step takes the whole import back.
    assert_eq!(store.undo()?.as_deref(), Some("Import 23 documents"));
    assert!(store.project().documents.is_empty() && store.project().participants.is_empty());
    Ok(())
}

#[test]
fn one_norwegian_transcript_in_every_format() -> TestResult {
    let expected = std::fs::read_to_string(fixture("norsk.txt"))?;
    let expected = expected.trim_end();
    let no_emoji: String = expected.replace(" 😬", "").replace(" 🙂", "");
    for (file, want, encoding) in [
        ("norsk.txt", expected, Some("UTF-8")),
        ("norsk-utf16.txt", expected, Some("UTF-16LE")),
        ("norsk-cp1252.txt", no_emoji.as_str(), Some("windows-1252")),
        ("norsk.html", expected, Some("UTF-8")),
        ("norsk.docx", expected, None),
        ("norsk.odt", expected, None),
        ("norsk.rtf", expected, None),
        ("norsk.pdf", expected, None),
    ] {
        let plan = plan(&Project::new("t"), &[fixture(file)], &with_sheet("participants.csv"))?;
        let d = only_doc(&plan)?;
        if file.ends_with(".pdf") {
            // pdf-extract decodes the second emoji of LibreOffice's PDF as the first (see
            // docs/IMPORT.md); everything else, paragraphs included, comes back exactly.
            let mask = |s: &str| s.chars().map(|c| if c > '\u{1F000}' { '□' } else { c }).collect::<String>();
            assert_eq!(mask(&d.text), mask(want), "{file}");
        } else {
            assert_eq!(&*d.text, want, "{file}");
        }
        assert_eq!(d.source.as_ref().and_then(|s| s.encoding.as_deref()), encoding, "{file}");
        assert_eq!(d.kind(), DocKind::Interview, "{file}");
        check_turns(d);
        let speakers: Vec<&str> = d.turns.iter().map(|t| t.speaker.as_str()).collect();
        assert_eq!(speakers, ["Intervjuer", "N1", "Intervjuer", "N1", "Intervjuer", "N1"], "{file}");
        // Offsets count chars: the first answer, with its æ, ø and emoji, is exactly this.
        let answer = d.slice(d.turns[1].span).unwrap_or_default();
        assert!(answer.starts_with("N1: Ærlig talt? Jeg var nervøs."), "{file}: {answer:?}");
        assert!(answer.ends_with("det hadde ingen spurt om før.\n\n"), "{file}: {answer:?}");
        let title = "Intervju N1 — arbeidssøker, Sørvik\n\n".chars().count();
        assert_eq!(d.turns[0].span.start.get(), title, "{file}");
        // Intervjuer is an alias of an interviewer in the sheet; N1 is a label.
        let report = plan.imported().next().ok_or("no report")?;
        assert_eq!(report.speakers[0].mapping, Mapping::Alias { participant: "Kari-int".into() }, "{file}");
        assert_eq!(report.speakers[1].mapping, Mapping::Label { participant: "N1".into() }, "{file}");
    }
    // The emoji survives into char offsets: after it, positions are one char per emoji.
    let plan = plan(&Project::new("t"), &[fixture("norsk.txt")], &ImportOptions::default())?;
    let d = only_doc(&plan)?;
    let at = d.text.chars().position(|c| c == '😬').ok_or("no emoji")?;
    assert_eq!(d.slice(Span::new(at, at + 2)), Some("😬 "));
    let idx = TextIndex::new(&d.text);
    assert_eq!(&d.text[idx.byte_range(&d.text, Span::new(at, at + 1))], "😬");
    Ok(())
}

#[test]
fn subtitle_and_auto_transcript_shapes() -> TestResult {
    let p = Project::new("t");
    // WebVTT with voice tags: three specialists and a moderator make a focus group.
    let plan1 = plan(&p, &[fixture("fg-voices.vtt")], &ImportOptions::default())?;
    let d = only_doc(&plan1)?;
    check_turns(d);
    assert_eq!(d.kind(), DocKind::FocusGroup);
    let turns: Vec<(&str, Option<u64>, Option<u64>)> =
        d.turns.iter().map(|t| (t.speaker.as_str(), t.start_ms, t.end_ms)).collect();
    assert_eq!(
        turns,
        [
            ("Moderator", Some(5_120), Some(12_000)),
            ("Ole", Some(13_000), Some(16_500)),
            ("Fatima", Some(17_000), Some(20_250)),
            ("Ingvild", Some(20_500), Some(22_000)),
        ]
    );
    assert!(d.text.starts_with("Moderator: Welcome, everyone. Shall we start with a round? Say who you are"));
    assert!(d.text.ends_with("Ingvild: Ingvild & I'm new."));
    let report = plan1.imported().next().ok_or("no report")?;
    assert_eq!(report.speakers[0].mapping, Mapping::Interviewer { participant: "Moderator".into(), created: true });
    assert_eq!(report.speakers[1].mapping, Mapping::Unmapped);

    // WebVTT with "Speaker 1:" lines; an unlabelled cue continues the speaker before it.
    let plan2 = plan(&p, &[fixture("fg-speakers.vtt")], &ImportOptions::default())?;
    let d = only_doc(&plan2)?;
    check_turns(d);
    let who: Vec<&str> = d.turns.iter().map(|t| t.speaker.as_str()).collect();
    assert_eq!(who, ["Speaker 1", "Speaker 2", "Speaker 3", "Speaker 1"]);
    assert_eq!(
        d.slice(d.turns[0].span),
        Some("Speaker 1: Okay, the recording is on. Let's begin with the meetings.\n\n")
    );
    assert_eq!(d.kind(), DocKind::FocusGroup);

    // SRT with Norwegian labels.
    let plan3 = plan(&p, &[fixture("interview.srt")], &with_sheet("participants.csv"))?;
    let d = only_doc(&plan3)?;
    check_turns(d);
    assert_eq!(d.turns.len(), 3);
    assert_eq!(
        d.slice(d.turns[1].span),
        Some(
            "N1: Ærlig talt? Jeg var nervøs. Det satt fire personer rundt bordet. 😬 Men så spurte hun hva jeg ville.\n\n"
        )
    );
    assert_eq!((d.turns[1].start_ms, d.turns[1].end_ms), (Some(4_500), Some(12_000)));

    // Header lines with times (Otter-style exports), and times in brackets before the name.
    let plan4 = plan(&p, &[fixture("header-lines.txt"), fixture("bracket-times.txt")], &ImportOptions::default())?;
    let [a, b] = plan4.documents() else { return Err("two documents expected".into()) };
    check_turns(a);
    check_turns(b);
    let times: Vec<Option<u64>> = a.turns.iter().map(|t| t.start_ms).collect();
    assert_eq!(times, [Some(3_000), Some(9_000), Some(21_000), Some(62_000)]);
    assert_eq!(a.slice(a.turns[3].span), Some("Speaker 2  00:01:02\nThe room, I mean. 😅"));
    assert_eq!(
        b.turns.iter().map(|t| t.speaker.as_str()).collect::<Vec<_>>(),
        ["Interviewer", "J1", "Interviewer", "J1"]
    );
    assert_eq!(b.turns[3].start_ms, Some(15_000));
    assert!(b.slice(b.turns[0].span).is_some_and(|s| s.starts_with("[00:00:03] Interviewer:")));
    Ok(())
}

#[test]
fn kinds_from_folders_flags_and_file_names() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let notes = tmp.path().join("Field notes");
    std::fs::create_dir_all(&notes)?;
    std::fs::copy(fixture("norsk.txt"), notes.join("labelled.txt"))?;
    std::fs::write(tmp.path().join("N1.txt"), "Jeg skriver dette selv, uten intervjuer.\n\nDet var en fin dag.")?;
    std::fs::write(tmp.path().join("observation.txt"), "The meeting started at ten.\n\nNobody spoke for a while.")?;
    let paths = vec![notes.clone(), tmp.path().join("N1.txt"), tmp.path().join("observation.txt")];
    let plan1 = plan(&Project::new("t"), &paths, &with_sheet("participants.csv"))?;
    let kinds: Vec<(&str, DocKind, &KindSource)> =
        plan1.imported().map(|d| (d.name.as_str(), d.kind, &d.kind_from)).collect();
    assert_eq!(
        kinds,
        [
            ("labelled", DocKind::FieldNotes, &KindSource::Folder { folder: "Field notes".into() }),
            ("N1", DocKind::Interview, &KindSource::FileName),
            ("observation", DocKind::FieldNotes, &KindSource::NoSpeakers),
        ]
    );
    // A text with no labels, named after a participant, is one turn of theirs.
    let n1 = &plan1.documents()[1];
    assert_eq!(n1.turns.len(), 1);
    assert_eq!(n1.turns[0].span, n1.full_span());
    assert!(plan1.documents()[2].turns.is_empty());

    let given = ImportOptions { kind: Some(DocKind::Other), ..Default::default() };
    let plan2 = plan(&Project::new("t"), &[notes.join("labelled.txt")], &given)?;
    assert_eq!(only_doc(&plan2)?.kind(), DocKind::Other);
    Ok(())
}

#[test]
fn duplicates_are_reported_and_skipped() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let copy = tmp.path().join("kopi.txt");
    std::fs::copy(fixture("norsk.txt"), &copy)?;
    let mut project = Project::new("t");
    let plan1 = plan(&project, &[fixture("norsk.txt"), copy.clone()], &ImportOptions::default())?;
    assert_eq!(plan1.documents().len(), 1);
    assert!(matches!(&plan1.files[1].outcome, FileOutcome::Duplicate { duplicate_of, .. } if duplicate_of == "norsk"));
    project.apply(plan1.edit().ok_or("no edit")?)?;
    // Again, into a project that has it: skipped; a different file with a taken name is numbered.
    let other = tmp.path().join("norsk.txt");
    std::fs::write(&other, "Intervjuer: Noe annet.\n\nN1: Ja.")?;
    let plan2 = plan(&project, &[copy, other], &ImportOptions::default())?;
    assert!(matches!(&plan2.files[0].outcome, FileOutcome::Duplicate { duplicate_of, .. } if duplicate_of == "norsk"));
    let d = only_doc(&plan2)?;
    assert_eq!(d.name(), "norsk (2)");
    assert!(plan2.imported().next().is_some_and(|r| r.renamed));
    Ok(())
}

#[test]
fn participants_from_xlsx() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let path = tmp.path().join("deltakere.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in [
        ["label", "group", "site", "years_in_role", "aliases"],
        ["N1", "Jobseeker", "Sørvik", "", ""],
        ["E20", "Employment specialist", "Sørvik", "9", "Øyvind; Øy"],
    ]
    .iter()
    .enumerate()
    {
        for (c, v) in row.iter().enumerate() {
            if r > 0 && c == 3 && !v.is_empty() {
                sheet.write_number(r as u32, c as u16, v.parse::<f64>()?)?;
            } else if !v.is_empty() {
                sheet.write_string(r as u32, c as u16, *v)?;
            }
        }
    }
    book.save(&path)?;
    let options = ImportOptions { participants: Some(path), ..Default::default() };
    let plan = plan(&Project::new("t"), &[], &options)?;
    let mut p = Project::new("t");
    p.apply(plan.edit().ok_or("no edit")?)?;
    let e20 = p.participant_by_label("E20").ok_or("no E20")?;
    assert_eq!(e20.props.aliases, ["Øyvind", "Øy"]);
    assert_eq!(e20.attribute("years_in_role"), Some("9"));
    assert_eq!(p.participant_by_label("N1").and_then(|x| x.attribute("site")), Some("Sørvik"));
    assert_eq!(p.participant_for_speaker("øyvind").map(|x| x.label()), Some("E20"));
    Ok(())
}

#[test]
fn a_sheet_updates_participants_already_in_the_project() -> TestResult {
    let mut p = Project::new("t");
    let mut n1 = Participant::new(ParticipantId::new(), "N1", "Old group");
    n1.props.attributes.insert("note".into(), "kept".into());
    p.apply(tema::edit::Edit::AddParticipant { participant: n1, index: None })?;
    let plan = plan(&p, &[], &with_sheet("participants.csv"))?;
    let actions: Vec<(&str, ParticipantAction)> =
        plan.participants.iter().map(|c| (c.label.as_str(), c.action)).collect();
    assert_eq!(
        actions,
        [("N1", ParticipantAction::Updated), ("E20", ParticipantAction::Added), ("Kari-int", ParticipantAction::Added)]
    );
    p.apply(plan.edit().ok_or("no edit")?)?;
    let n1 = p.participant_by_label("N1").ok_or("no N1")?;
    assert_eq!((n1.group(), n1.attribute("note"), n1.attribute("site")), ("Jobseeker", Some("kept"), Some("Sørvik")));
    Ok(())
}

// ---- bad input: each a clear error naming the file, nothing imported ----

#[test]
fn corrupt_docx() -> TestResult {
    let plan = plan(&Project::new("t"), &[fixture("corrupt.docx")], &ImportOptions::default())?;
    let (path, error) = only_error(&plan)?;
    assert!(matches!(error, FileError::Corrupt { format: "Word (.docx)", .. }), "{error:?}");
    assert!(path.ends_with("corrupt.docx"));
    let message = plan.files[0].error_message().unwrap_or_default();
    assert!(message.contains("corrupt.docx: this is not a valid Word (.docx) file"), "{message}");
    assert!(plan.edit().is_none());
    Ok(())
}

#[test]
fn zip_bomb_refused_before_inflating() -> TestResult {
    let plan = plan(&Project::new("t"), &[fixture("zip-bomb.docx")], &ImportOptions::default())?;
    let (_, error) = only_error(&plan)?;
    // Refused on the size the entry declares (300 MiB against the default 256 MiB), before a
    // byte is inflated: `at_least: false` is the answer of the declared-size check only; the
    // inflating reader reports `at_least: true`.
    match error {
        FileError::Unpacked { entry, size, limit, at_least } => {
            assert_eq!((entry.as_str(), *size, *limit, *at_least), ("word/document.xml", 300 << 20, 256 << 20, false));
        }
        other => return Err(format!("expected Unpacked, got {other:?}").into()),
    }
    assert_eq!(
        error.to_string(),
        "“word/document.xml” inside the file would unpack to 314572800 bytes, more than the limit of \
         268435456; refused as a possible zip bomb"
    );
    Ok(())
}

#[test]
fn zip_bomb_lying_about_its_size_is_stopped_at_the_cap() -> TestResult {
    // The part claims 2,000 bytes and unpacks to 64 MiB. The zip reader itself stops one
    // byte past the declared size, so this is refused as damaged, naming the lie, after
    // about 2 KB of work (Tema's own cap of 16 MiB + 1 inflated bytes is the second line).
    let cap: u64 = 16 << 20;
    let limits = Limits { max_unpacked_bytes: cap, ..Default::default() };
    let options = ImportOptions { limits, ..Default::default() };
    let plan = plan(&Project::new("t"), &[fixture("zip-bomb-lying.docx")], &options)?;
    let (_, error) = only_error(&plan)?;
    match error {
        FileError::Corrupt { format, reason } => assert_eq!(
            (*format, reason.as_str()),
            (
                "Word (.docx)",
                "word/document.xml cannot be unpacked: File is larger than its declared uncompressed size"
            )
        ),
        other => return Err(format!("expected the lie to be named, got {other:?}").into()),
    }
    Ok(())
}

#[test]
fn a_file_over_the_size_limit_is_refused_with_its_size() -> TestResult {
    // 13 bytes against a limit of 12: refused, naming both numbers, before it is parsed.
    let tmp = tempfile::tempdir()?;
    let path = tmp.path().join("long.txt");
    std::fs::write(&path, "Hei, møtet!\n")?; // 12 chars, 13 bytes (ø is two)
    let limits = Limits { max_file_bytes: 12, ..Default::default() };
    let over = plan(&Project::new("t"), std::slice::from_ref(&path), &ImportOptions { limits, ..Default::default() })?;
    let (_, error) = only_error(&over)?;
    assert!(matches!(error, FileError::TooLarge { size: 13, limit: 12 }), "{error:?}");
    assert_eq!(error.to_string(), "the file is 13 bytes, more than the limit of 12 bytes");
    // At the limit it is read.
    let limits = Limits { max_file_bytes: 13, ..Default::default() };
    let at = plan(&Project::new("t"), &[path], &ImportOptions { limits, ..Default::default() })?;
    assert!(at.failures().next().is_none());
    Ok(())
}

#[test]
fn binary_file_named_txt() -> TestResult {
    let plan = plan(&Project::new("t"), &[fixture("binary.txt")], &ImportOptions::default())?;
    let (_, error) = only_error(&plan)?;
    assert!(matches!(error, FileError::Binary { .. }), "{error:?}");
    assert!(plan.files[0].error_message().unwrap_or_default().contains("binary.txt: this is not a text file"));
    Ok(())
}

#[test]
fn empty_file() -> TestResult {
    let plan = plan(&Project::new("t"), &[fixture("empty.txt")], &ImportOptions::default())?;
    assert!(matches!(only_error(&plan)?.1, FileError::Empty));
    assert_eq!(
        plan.files[0].error_message().unwrap_or_default(),
        format!("{}: the file is empty", fixture("empty.txt").display())
    );
    Ok(())
}

#[test]
fn pdf_without_a_text_layer() -> TestResult {
    let plan = plan(&Project::new("t"), &[fixture("scanned.pdf")], &ImportOptions::default())?;
    assert!(matches!(only_error(&plan)?.1, FileError::NoTextLayer));
    assert!(plan.files[0].error_message().unwrap_or_default().contains("scanned.pdf: the PDF has no text layer"));
    Ok(())
}

#[test]
fn unsupported_extension() -> TestResult {
    let plan = plan(&Project::new("t"), &[fixture("participants.csv")], &ImportOptions::default())?;
    assert!(matches!(only_error(&plan)?.1, FileError::Unsupported { ext } if ext == "csv"));
    Ok(())
}

#[test]
fn sheet_with_duplicate_labels() {
    let result = plan(&Project::new("t"), &[fixture("norsk.txt")], &with_sheet("participants-duplicate.csv"));
    match result {
        Err(ImportError::Sheet { path, reason }) => {
            assert!(path.ends_with("participants-duplicate.csv"));
            assert_eq!(reason, SheetError::DuplicateLabel { label: "N1".into(), first: 2, second: 4 });
            let message = ImportError::Sheet { path, reason }.to_string();
            assert!(
                message.contains("participants-duplicate.csv: the label “N1” is used twice, on lines 2 and 4"),
                "{message}"
            );
        }
        other => panic!("expected a sheet error, got {other:?}"),
    }
}

#[test]
fn sheet_without_some_speakers() -> TestResult {
    // Without --strict: imported, N1's turns unattributed and reported.
    let plan1 = plan(&Project::new("t"), &[fixture("norsk.txt")], &with_sheet("participants-unknown.csv"))?;
    let d = only_doc(&plan1)?;
    assert!(d.turns.iter().filter(|t| t.speaker == "N1").all(|t| t.participant.is_none()));
    let report = plan1.imported().next().ok_or("no report")?;
    assert_eq!(report.speakers[1].mapping, Mapping::Unmapped);
    assert_eq!(report.unattributed_turns, 3);
    // With --strict: the file fails, naming the speaker.
    let strict = ImportOptions { strict_speakers: true, ..with_sheet("participants-unknown.csv") };
    let plan2 = plan(&Project::new("t"), &[fixture("norsk.txt")], &strict)?;
    let (_, error) = only_error(&plan2)?;
    assert!(matches!(error, FileError::UnmappedSpeakers(s) if s == &["N1".to_string()]));
    assert!(error.to_string().contains("the speaker “N1” matches no participant"));
    assert!(plan2.edit().is_some_and(|e| e.len() == 1), "only the sheet's participant");
    Ok(())
}

#[test]
fn bad_speaker_pattern_and_missing_path() {
    let options = ImportOptions { speaker_pattern: Some("(unclosed".into()), ..Default::default() };
    assert!(matches!(plan(&Project::new("t"), &[fixture("norsk.txt")], &options), Err(ImportError::BadPattern(_))));
    assert!(matches!(
        plan(&Project::new("t"), &[fixture("no-such-file.docx")], &ImportOptions::default()),
        Err(ImportError::NotFound { .. })
    ));
}

#[test]
fn cancelling_stops_the_import() {
    let cancel = Progress::new();
    cancel.cancel();
    let result = plan_import(&Project::new("t"), &[fixture("norsk.txt")], &ImportOptions::default(), &cancel);
    assert!(matches!(result, Err(ImportError::Cancelled)));
}

#[test]
fn hundred_megabyte_transcript_with_progress() -> TestResult {
    let tmp = tempfile::tempdir()?;
    let path = tmp.path().join("big.txt");
    let pair = "Intervjuer: Hvordan gikk det på møtet i går, og hva sa de andre?\n\n\
                N1: Det gikk bra, synes jeg. Vi snakket om søvn, om jobb og om økonomi. 😀 Ingen snakket over hodet på meg.\n\n";
    let repeats = (100 << 20) / pair.len() + 1;
    std::fs::write(&path, pair.repeat(repeats))?;
    let size = std::fs::metadata(&path)?.len();
    assert!(size >= 100 << 20);
    let events = std::sync::Arc::new(Mutex::new(Vec::new()));
    let log = std::sync::Arc::clone(&events);
    let record = Progress::observed(move |p| {
        if let Ok(mut e) = log.lock() {
            e.push((p.phase(), p.done(), p.total(), p.item(), p.items(), p.message()));
        }
    });
    let plan = plan_import(&Project::new("t"), &[path], &ImportOptions::default(), &record)?;
    let d = only_doc(&plan)?;
    assert_eq!(d.turns.len(), repeats * 2);
    assert_eq!(d.char_len, pair.chars().count() * repeats - 2, "the trailing blank line is trimmed");
    let events = events.lock().map_err(|e| e.to_string())?.clone();
    let reading: Vec<u64> = events.iter().filter(|e| e.0 == Stage::Reading.label()).map(|e| e.1).collect();
    assert!(reading.len() >= 25, "progress while reading: {} reports", reading.len());
    assert!(reading.windows(2).all(|w| w[0] <= w[1]), "progress only grows");
    let mut stages: Vec<&str> = events.iter().map(|e| e.0.as_str()).filter(|s| *s != Stage::Reading.label()).collect();
    stages.dedup();
    let expected = [Stage::Extracting, Stage::Normalising, Stage::Speakers, Stage::Done].map(Stage::label);
    assert_eq!(stages, expected);
    assert_eq!(events.last().map(|e| (e.1, e.2)), Some((size, size)));
    assert!(events.iter().all(|e| (e.3, e.4) == (0, 1) && e.5 == "big.txt"), "one file, named: {:?}", events.last());
    let mut p = Project::new("t");
    p.apply(plan.edit().ok_or("no edit")?)?;
    assert_eq!(p.documents.len(), 1);
    Ok(())
}

// ---- the command line ----

fn text_of(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// An empty project made by `tema new` in a scratch folder (alive as long as the `TempDir`),
/// and its path as the command line takes it.
fn new_project() -> Result<(tempfile::TempDir, String), Box<dyn std::error::Error>> {
    let (tmp, _, arg) = common::project_path("p")?;
    assert!(tema(&["new", &arg])?.status.success());
    Ok((tmp, arg))
}

#[test]
fn cli_import_docs_text_and_undo() -> TestResult {
    let (_tmp, proj_s) = new_project()?;
    let docx = fixture("norsk.docx").to_string_lossy().into_owned();
    let vtt = fixture("fg-voices.vtt").to_string_lossy().into_owned();
    let sheet = fixture("participants.csv").to_string_lossy().into_owned();

    // A dry run shows speakers and their mapping and changes nothing.
    let out = tema(&["import", &proj_s, &docx, &vtt, "--participants", &sheet, "--dry-run", "--json"])?;
    assert!(out.status.success(), "{}", text_of(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(v["applied"], false);
    let files = v["plan"]["files"].as_array().ok_or("files")?;
    assert_eq!(files[0]["status"], "imported");
    assert_eq!(files[0]["document"]["speakers"][1]["speaker"], "N1");
    assert_eq!(files[0]["document"]["speakers"][1]["mapping"]["by"], "label");
    assert_eq!(files[1]["document"]["speakers"][0]["mapping"]["by"], "interviewer");
    assert_eq!(files[1]["document"]["kind"], "focus_group");
    let out = tema(&["docs", &proj_s, "--json"])?;
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&out.stdout)?, serde_json::json!([]));

    // The import, then the listing and the exact text.
    let out = tema(&["import", &proj_s, &docx, &vtt, "--participants", &sheet])?;
    assert!(out.status.success(), "{}", text_of(&out.stderr));
    assert!(text_of(&out.stdout).contains("Imported 2 documents"));
    let out = tema(&["docs", &proj_s, "--json"])?;
    let docs: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    assert_eq!(docs[0]["name"], "norsk");
    assert_eq!(docs[0]["kind"], "interview");
    assert_eq!(docs[0]["turns"], 6);
    assert_eq!(docs[0]["participants"], serde_json::json!(["N1"]));
    assert_eq!(docs[0]["interviewers"], serde_json::json!(["Kari-int"]));
    let out = tema(&["text", &proj_s, "norsk"])?;
    let expected = std::fs::read_to_string(fixture("norsk.txt"))?;
    assert_eq!(text_of(&out.stdout), expected.trim_end(), "exactly the text, no trailing newline");

    // One undo takes the whole import back.
    assert!(tema(&["undo", &proj_s])?.status.success());
    let out = tema(&["docs", &proj_s, "--json"])?;
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&out.stdout)?, serde_json::json!([]));
    Ok(())
}

#[test]
fn cli_refuses_a_batch_with_a_bad_file_and_leaves_the_project_untouched() -> TestResult {
    let (_tmp, proj_s) = new_project()?;
    let good = fixture("norsk.txt").to_string_lossy().into_owned();
    let bad = fixture("scanned.pdf").to_string_lossy().into_owned();
    let out = tema(&["import", &proj_s, &good, &bad])?;
    assert!(!out.status.success());
    let stdout = text_of(&out.stdout);
    assert!(stdout.contains("scanned.pdf: the PDF has no text layer"), "{stdout}");
    assert!(text_of(&out.stderr).contains("nothing was imported"));
    let info: serde_json::Value = serde_json::from_slice(&tema(&["info", &proj_s, "--json"])?.stdout)?;
    assert_eq!((info["documents"].as_u64(), info["participants"].as_u64()), (Some(0), Some(0)));
    // --skip-failed imports the good one.
    let out = tema(&["import", &proj_s, &good, &bad, "--skip-failed"])?;
    assert!(out.status.success());
    let info: serde_json::Value = serde_json::from_slice(&tema(&["info", &proj_s, "--json"])?.stdout)?;
    assert_eq!(info["documents"].as_u64(), Some(1));
    // A bad sheet stops everything.
    let dup = fixture("participants-duplicate.csv").to_string_lossy().into_owned();
    let out = tema(&["import", &proj_s, &good, "--participants", &dup])?;
    assert!(!out.status.success());
    assert!(text_of(&out.stderr).contains("participants-duplicate.csv: the label “N1” is used twice"));
    Ok(())
}

#[test]
fn the_same_text_in_another_format_and_encoding_is_one_document() -> TestResult {
    // norsk.rtf and norsk-utf16.txt are the same interview: different bytes, the same text
    // once extracted and normalised.
    let files = [fixture("norsk.rtf"), fixture("norsk-utf16.txt")];
    let p = plan(&Project::new("t"), &files, &ImportOptions::default())?;
    assert_eq!(p.documents().len(), 1);
    assert!(
        matches!(&p.files[1].outcome, FileOutcome::Duplicate { duplicate_of, same_text: true } if duplicate_of == "norsk"),
        "{:?}",
        p.files[1].outcome
    );
    // Against a project that has it, too.
    let mut project = Project::new("t");
    project.apply(p.edit().ok_or("no edit")?)?;
    let again = plan(&project, &[fixture("norsk.txt")], &ImportOptions::default())?;
    assert!(again.documents().is_empty());
    assert!(matches!(&again.files[0].outcome, FileOutcome::Duplicate { same_text: true, .. }));
    // Unless asked to keep duplicates.
    let keep = ImportOptions { keep_duplicates: true, ..Default::default() };
    assert_eq!(plan(&Project::new("t"), &files, &keep)?.documents().len(), 2);
    Ok(())
}

#[test]
fn a_norwegian_document_in_an_english_project_gets_its_language() -> TestResult {
    let options = ImportOptions { detect_language: true, ..Default::default() };
    let p = plan(&Project::new("t"), &[fixture("norsk.txt")], &options)?;
    assert_eq!(only_doc(&p)?.props.language, Some(Language::Norwegian));
    // In a Norwegian project it follows the project (nothing is recorded).
    let mut no = Project::new("t");
    let settings = Settings { language: Language::Norwegian, ..no.settings.clone() };
    no.apply(tema::edit::Edit::SetSettings { settings })?;
    let p = plan(&no, &[fixture("norsk.txt")], &options)?;
    assert_eq!(only_doc(&p)?.props.language, None);
    Ok(())
}
