//! Search over a project: the index's life cycle, the query language, keyword in context,
//! code all hits, similar passages.

use std::path::Path;
use std::sync::Arc;
use std::sync::Mutex;
use tema::edit::{Edit, History};
use tema::index::query::Filter;
use tema::index::*;
use tema::model::*;
use tema::progress::Progress;
use tema::store::{Store, snapshot};

type R = Result<(), Box<dyn std::error::Error>>;

fn participant(n: u128, label: &str, group: &str, site: &str) -> Participant {
    let mut p = Participant::new(ParticipantId::from_u128(n), label, group);
    if !site.is_empty() {
        p.props.attributes.insert("site".into(), site.into());
    }
    p
}

/// A transcript: a title line, then `Speaker: text` turns separated by blank lines.
fn transcript(p: &Project, id: u128, name: &str, kind: DocKind, turns: &[(&str, &str)]) -> Document {
    let mut text = format!("{name} — transcript\n\n");
    let mut spans = Vec::new();
    for (speaker, said) in turns {
        let start = text.chars().count();
        text.push_str(&format!("{speaker}: {said}\n\n"));
        let end = text.chars().count() - 2;
        spans.push(Turn {
            span: Span::new(start, end),
            speaker: speaker.to_string(),
            participant: p.participant_for_speaker(speaker).map(|x| x.id),
            start_ms: None,
            end_ms: None,
        });
    }
    let mut d = Document::new(DocId::from_u128(id), name, kind, text);
    d.turns = spans;
    d
}

fn add(p: &mut Project, e: Edit) {
    let r = p.apply(e);
    assert!(r.is_ok(), "{r:?}");
}

/// A small English study: two interviews, a focus group and field notes.
fn english() -> Project {
    let mut p = Project::new("Working together");
    for part in [
        participant(1, "J3", "jobseeker", "Nordby"),
        participant(2, "T1", "therapist", "Sørvik"),
        participant(3, "I", "", ""),
        {
            let mut e = participant(4, "E5", "employment specialist", "Nordby");
            e.props.aliases = vec!["Kari".into()];
            e
        },
        participant(5, "E6", "employment specialist", "Sørvik"),
    ] {
        add(&mut p, Edit::AddParticipant { participant: part, index: None });
    }
    let docs = [
        transcript(
            &p,
            10,
            "J3",
            DocKind::Interview,
            &[
                ("I", "How was the first meeting with your therapist?"),
                ("J3", "The meetings were hard. I met my boss at the meeting place and we talked about work."),
                ("I", "And the welfare office?"),
                ("J3", "They never called back. Nobody listened to me."),
            ],
        ),
        transcript(
            &p,
            11,
            "T1",
            DocKind::Interview,
            &[
                ("I", "Tell me about collaboration."),
                ("T1", "We meet every Tuesday. Collaboration meetings help the jobseeker find work."),
            ],
        ),
        transcript(
            &p,
            12,
            "FG1",
            DocKind::FocusGroup,
            &[
                ("Kari", "I chase everybody across three buildings before each meeting."),
                ("E6", "Our meetings are on screens, the therapist is an hour away."),
            ],
        ),
        Document::new(
            DocId::from_u128(13),
            "FN1",
            DocKind::FieldNotes,
            "Observation in Nordby\n\nThe meeting started late. The room was small.\n\nNobody wrote minutes.",
        ),
    ];
    for d in docs {
        add(&mut p, Edit::AddDocument { document: Box::new(d), index: None });
    }
    p
}

fn norwegian() -> Project {
    let mut p = Project::new("Samarbeid");
    p.settings.language = Language::Norwegian;
    add(&mut p, Edit::AddParticipant { participant: participant(1, "J4", "arbeidssøker", "Sørvik"), index: None });
    add(&mut p, Edit::AddParticipant { participant: participant(2, "Intervjuer", "", ""), index: None });
    let d = transcript(
        &p,
        20,
        "J4",
        DocKind::Interview,
        &[
            ("Intervjuer", "Hvordan var møtene på fredag? 😀"),
            ("J4", "Æsj, 👩‍👩‍👧 først var det lange møter. Så hadde vi et møte med NAV, og det gikk bra."),
        ],
    );
    add(&mut p, Edit::AddDocument { document: Box::new(d), index: None });
    p
}

fn indexed(p: &Project) -> Result<SearchIndex, IndexError> {
    let index = SearchIndex::in_memory(p.settings.language)?;
    index.sync(p, &Progress::new())?;
    Ok(index)
}

fn on_disk(dir: &Path, p: &Project) -> Result<(SearchIndex, OpenReport), IndexError> {
    let (index, report) = SearchIndex::open(dir, p.settings.language)?;
    index.sync(p, &Progress::new())?;
    Ok((index, report))
}

fn find(index: &SearchIndex, p: &Project, q: &str) -> Result<SearchResults, IndexError> {
    search(index, p, &SearchRequest { order: Order::Document, ..SearchRequest::new(q) })
}

/// The matched texts, in order.
fn words(r: &SearchResults) -> Vec<String> {
    r.hits.iter().flat_map(|h| h.matches.iter().map(|m| m.text.clone())).collect()
}

/// `doc/speaker` of each hit.
fn who(r: &SearchResults) -> Vec<String> {
    r.hits.iter().map(|h| format!("{}/{}", h.doc_name, h.speaker.as_deref().unwrap_or("-"))).collect()
}

/// Every match's span must slice the document to exactly the matched text.
fn assert_spans_exact(p: &Project, r: &SearchResults) {
    for h in &r.hits {
        let Some(d) = p.documents.get(&h.doc) else { panic!("hit in an unknown document") };
        for m in &h.matches {
            assert_eq!(d.slice(m.span), Some(m.text.as_str()), "span {:?} in {}", m.span, d.name());
            assert!(h.passage.contains_span(&m.span));
        }
    }
}

/// Char position of the n-th occurrence of `needle`, counted independently of the index.
fn char_pos(text: &str, needle: &str, nth: usize) -> usize {
    let (byte, _) = text.match_indices(needle).nth(nth).unwrap_or((usize::MAX, ""));
    assert_ne!(byte, usize::MAX, "{needle:?} not found");
    text[..byte].chars().count()
}

#[test]
fn hits_map_to_exact_char_spans_on_norwegian_text_and_emoji() -> R {
    let p = norwegian();
    let index = indexed(&p)?;
    let r = find(&index, &p, "møte")?;
    assert_eq!(words(&r), ["møtene", "møter", "møte"]);
    let d = &p.documents[0];
    let text: &str = &d.text;
    let spans: Vec<Span> = r.hits.iter().flat_map(|h| h.matches.iter().map(|m| m.span)).collect();
    let expected = [
        Span::new(char_pos(text, "møtene", 0), char_pos(text, "møtene", 0) + 6),
        Span::new(char_pos(text, "møter", 0), char_pos(text, "møter", 0) + 5),
        Span::new(char_pos(text, "møte ", 0), char_pos(text, "møte ", 0) + 4),
    ];
    assert_eq!(spans, expected);
    assert_spans_exact(&p, &r);
    // The second turn starts after an emoji and a family emoji made of five chars.
    let hit = &r.hits[1];
    assert_eq!(hit.speaker.as_deref(), Some("J4"));
    assert_eq!(hit.group.as_deref(), Some("arbeidssøker"));
    assert_eq!(d.slice(hit.passage).map(|s| s.starts_with("Æsj, 👩‍👩‍👧 først")), Some(true));
    assert_eq!(hit.matches[0].context.before, "Æsj, 👩‍👩‍👧 først var det lange ");
    let nav = find(&index, &p, "NAV")?;
    assert_spans_exact(&p, &nav);
    assert_eq!(nav.hits[0].matches[0].span.start.get(), char_pos(text, "NAV", 0));
    Ok(())
}

#[test]
fn stemming_follows_the_project_language() -> R {
    let p = english();
    let index = indexed(&p)?;
    let r = find(&index, &p, "meeting")?;
    let w = words(&r);
    assert!(w.contains(&"meetings".to_string()) && w.contains(&"meeting".to_string()), "{w:?}");
    assert!(!w.contains(&"met".to_string()), "irregular forms are not stems: {w:?}");
    assert_spans_exact(&p, &r);
    let r = find(&index, &p, "meetings")?;
    assert!(words(&r).contains(&"meeting".to_string()));

    let no = norwegian();
    let index = indexed(&no)?;
    assert!(words(&find(&index, &no, "møte")?).contains(&"møtene".to_string()));
    assert!(words(&find(&index, &no, "møtene")?).contains(&"møte".to_string()));
    Ok(())
}

#[test]
fn phrases_booleans_prefixes_and_fuzzy() -> R {
    let p = english();
    let index = indexed(&p)?;
    assert_eq!(words(&find(&index, &p, "\"meeting place\"")?), ["meeting place"]);
    assert_eq!(words(&find(&index, &p, "\"first meetings\"")?), ["first meeting"], "phrases are stemmed");
    assert!(find(&index, &p, "\"place meeting\"")?.hits.is_empty());
    assert_eq!(who(&find(&index, &p, "boss AND work")?), ["J3/J3"]);
    assert_eq!(who(&find(&index, &p, "boss OR Tuesday")?), ["J3/J3", "T1/T1"]);
    let not = find(&index, &p, "meeting NOT therapist")?;
    assert!(!who(&not).is_empty());
    for h in &not.hits {
        let text = p.documents.get(&h.doc).and_then(|d| d.slice(h.passage)).unwrap_or_default();
        assert!(!text.contains("therapist"), "{text}");
    }
    assert_eq!(find(&index, &p, "meeting -therapist")?.total, not.total);
    let prefix = find(&index, &p, "collab*")?;
    assert_eq!(words(&prefix), ["collaboration", "Collaboration"]);
    let fuzzy = find(&index, &p, "Tusday~")?;
    assert_eq!(words(&fuzzy), ["Tuesday"]);
    assert!(find(&index, &p, "Tusday")?.hits.is_empty());
    assert_eq!(words(&find(&index, &p, "(boss OR screens) work")?), ["boss", "work"]);
    Ok(())
}

#[test]
fn filters_by_group_document_speaker_kind_and_attribute() -> R {
    let p = english();
    let index = indexed(&p)?;
    assert_eq!(who(&find(&index, &p, "meeting group:therapist")?), ["T1/T1"]);
    assert_eq!(who(&find(&index, &p, "meeting group:\"Employment  Specialist\"")?), ["FG1/Kari", "FG1/E6"]);
    assert_eq!(who(&find(&index, &p, "meeting group:employ*")?), ["FG1/Kari", "FG1/E6"]);
    assert_eq!(who(&find(&index, &p, "meeting doc:\"FG1\"")?), ["FG1/Kari", "FG1/E6"]);
    assert_eq!(who(&find(&index, &p, "meeting doc:fg1")?), ["FG1/Kari", "FG1/E6"]);
    // A speaker filter takes the name in the transcript or the participant's label.
    assert_eq!(who(&find(&index, &p, "meeting speaker:Kari")?), ["FG1/Kari"]);
    assert_eq!(who(&find(&index, &p, "meeting speaker:E5")?), ["FG1/Kari"]);
    assert_eq!(who(&find(&index, &p, "meeting speaker:J3")?), ["J3/J3"]);
    assert_eq!(who(&find(&index, &p, "meeting kind:field-notes")?), ["FN1/-"]);
    assert_eq!(who(&find(&index, &p, "meeting kind:\"focus group\"")?), ["FG1/Kari", "FG1/E6"]);
    assert_eq!(who(&find(&index, &p, "meeting site:Nordby")?), ["J3/J3", "FG1/Kari"]);
    assert_eq!(who(&find(&index, &p, "meeting site:sørvik")?), ["T1/T1", "FG1/E6"]);
    // Filters alone list the passages.
    assert_eq!(who(&find(&index, &p, "speaker:T1")?), ["T1/T1"]);
    // Filters given apart from the query.
    let request = SearchRequest {
        filters: vec![Filter::new("group", "jobseeker"), Filter::new("doc", "J3")],
        order: Order::Document,
        ..SearchRequest::new("meeting")
    };
    assert_eq!(who(&search(&index, &p, &request)?), ["J3/J3"]);
    // An unknown attribute matches nothing; an unknown field in the query is text.
    let request = SearchRequest { filters: vec![Filter::new("planet", "Mars")], ..SearchRequest::new("meeting") };
    let r = search(&index, &p, &request)?;
    assert_eq!((r.total, r.notes.len()), (0, 1));
    let r = find(&index, &p, "wibble:meeting")?;
    assert_eq!(r.total, 0);
    assert_eq!(r.notes.len(), 1, "{:?}", r.notes);
    // Counts per document cover every passage, in project order.
    let r = search(&index, &p, &SearchRequest { limit: Some(1), ..SearchRequest::new("meeting") })?;
    assert_eq!(r.hits.len(), 1);
    let counts: Vec<(String, usize)> = r.documents.iter().map(|d| (d.name.clone(), d.passages)).collect();
    assert_eq!(counts, [("J3".into(), 2), ("T1".into(), 1), ("FG1".into(), 2), ("FN1".into(), 1)]);
    assert_eq!(r.total, 6);
    Ok(())
}

#[test]
fn document_order_and_relevance_order() -> R {
    let p = english();
    let index = indexed(&p)?;
    let by_doc = find(&index, &p, "meeting OR meetings")?;
    let starts: Vec<(String, usize)> =
        by_doc.hits.iter().map(|h| (h.doc_name.clone(), h.passage.start.get())).collect();
    let mut sorted = starts.clone();
    sorted.sort_by_key(|(d, s)| (["J3", "T1", "FG1", "FN1"].iter().position(|x| x == d), *s));
    assert_eq!(starts, sorted);
    let by_score = search(&index, &p, &SearchRequest::new("meeting"))?;
    assert_eq!(by_score.total, by_doc.total);
    assert!(by_score.hits.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(by_score.hits[0].score > 0.0);
    // Moving a document moves its hits.
    let mut moved = p.clone();
    add(&mut moved, Edit::MoveDocument { id: DocId::from_u128(13), index: 0 });
    assert_eq!(find(&index, &moved, "meeting")?.hits[0].doc_name, "FN1");
    Ok(())
}

#[test]
fn uncoded_and_within_code_filters() -> R {
    let mut p = english();
    let coder = p.new_coder("Ingrid");
    let coder_id = coder.id;
    add(&mut p, Edit::AddCoder { coder, index: None });
    let code = Code::new(CodeId::new(), "Meetings", p.next_code_colour());
    let code_id = code.id;
    add(&mut p, Edit::CreateCode { code, index: None });
    let child = Code { parent: Some(code_id), ..Code::new(CodeId::new(), "Hard meetings", p.next_code_colour()) };
    let child_id = child.id;
    add(&mut p, Edit::CreateCode { code: child, index: None });
    let index = indexed(&p)?;
    let all = find(&index, &p, "meeting")?;
    // Code the J3 turn's first sentence with the child code.
    let j3 = p.documents.get(&DocId::from_u128(10)).map(|d| d.text.to_string()).unwrap_or_default();
    let start = char_pos(&j3, "The meetings were hard.", 0);
    let coding = Coding {
        id: CodingId::new(),
        doc: DocId::from_u128(10),
        span: Span::new(start, start + "The meetings were hard.".len()),
        code: child_id,
        coder: coder_id,
        created: chrono::Utc::now(),
        comment: String::new(),
    };
    add(&mut p, Edit::AddCoding { coding });

    let within = |coder| SearchRequest {
        coding: CodingFilter::WithinCode { code: code_id, coder },
        order: Order::Document,
        ..SearchRequest::new("meeting")
    };
    let r = search(&index, &p, &within(None))?;
    assert_eq!(words(&r), ["meetings"], "the parent code includes its children");
    assert_eq!(r.total, 1);
    assert_eq!(search(&index, &p, &within(Some(CoderId::from_u128(99))))?.total, 0);

    let uncoded = SearchRequest {
        coding: CodingFilter::Uncoded { coder: None },
        order: Order::Document,
        ..SearchRequest::new("meeting")
    };
    let r = search(&index, &p, &uncoded)?;
    let mut expected = words(&all);
    let pos = expected.iter().position(|w| w == "meetings");
    expected.remove(pos.unwrap_or(usize::MAX).min(expected.len() - 1));
    assert_eq!(words(&r), expected);
    assert_eq!(r.total, all.total, "the J3 turn still has an uncoded match");
    assert_spans_exact(&p, &r);
    Ok(())
}

#[test]
fn incremental_sync_indexes_only_what_changed() -> R {
    let mut p = english();
    let index = SearchIndex::in_memory(Language::English)?;
    let first = index.sync(&p, &Progress::new())?;
    assert_eq!((first.indexed, first.removed, first.unchanged), (4, 0, 0));
    assert!(index.is_current(&p));
    assert!(!index.sync(&p, &Progress::new())?.changed());

    let extra = transcript(&p, 14, "T2", DocKind::Interview, &[("T2", "Weekly meetings with the employer.")]);
    add(&mut p, Edit::AddDocument { document: Box::new(extra), index: None });
    assert_eq!(index.plan(&p).index, [DocId::from_u128(14)]);
    let r = index.sync(&p, &Progress::new())?;
    assert_eq!((r.indexed, r.removed, r.unchanged), (1, 0, 4));
    assert!(words(&find(&index, &p, "employer")?).contains(&"employer".to_string()), "seen right after commit");

    add(&mut p, Edit::RemoveDocument { id: DocId::from_u128(11) });
    let r = index.sync(&p, &Progress::new())?;
    assert_eq!((r.indexed, r.removed), (0, 1));
    assert_eq!(find(&index, &p, "Tuesday")?.total, 0);

    // A participant changing group re-indexes the documents they speak in.
    let mut props = p.participant_by_label("J3").map(|x| x.props.clone()).unwrap_or_default();
    props.group = "former jobseeker".into();
    add(&mut p, Edit::UpdateParticipant { id: ParticipantId::from_u128(1), props });
    assert_eq!(index.plan(&p).index, [DocId::from_u128(10)]);
    index.sync(&p, &Progress::new())?;
    assert_eq!(who(&find(&index, &p, "boss group:\"former jobseeker\"")?), ["J3/J3"]);
    assert_eq!(find(&index, &p, "boss group:jobseeker")?.total, 0);
    Ok(())
}

#[test]
fn rebuilt_after_the_index_folder_is_deleted() -> R {
    let dir = tempfile::tempdir()?;
    let p = english();
    let (index, report) = on_disk(dir.path(), &p)?;
    assert_eq!(report.rebuilt, Some(Rebuilt::Missing));
    assert_eq!(report.notice(), None, "a first build is not news");
    assert_eq!(find(&index, &p, "boss")?.total, 1);
    drop(index);

    let (index, report) = SearchIndex::open(dir.path(), Language::English)?;
    assert_eq!(report.rebuilt, None, "a good index is reused");
    assert!(index.is_current(&p));
    // Words as written come from the vocabulary read back from the index folder.
    assert_eq!(words(&find(&index, &p, "bos*")?), ["boss"]);
    assert!(index.snapshot().vocabulary().stem("boss").is_some());
    drop(index);

    std::fs::remove_dir_all(dir.path().join(INDEX_DIR))?;
    let (index, report) = SearchIndex::open(dir.path(), Language::English)?;
    assert_eq!(report.rebuilt, Some(Rebuilt::Missing));
    assert_eq!(index.plan(&p).index.len(), 4);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    let progress = Progress::observed(move |pr| {
        if let Ok(mut l) = log.lock() {
            l.push((pr.item(), pr.items(), pr.phase()));
        }
    });
    index.sync(&p, &progress)?;
    let last = seen.lock().map_err(|e| e.to_string())?.last().cloned();
    assert_eq!(last, Some((4, 4, "writing".to_string())));
    assert_eq!(progress.fraction(), Some(1.0));
    assert_eq!(find(&index, &p, "boss")?.total, 1);

    // `tema index --rebuild` empties the index and its vocabulary, then indexes everything.
    index.clear()?;
    assert_eq!(find(&index, &p, "bos*")?.total, 0);
    assert!(index.snapshot().vocabulary().is_empty());
    index.sync(&p, &Progress::new())?;
    assert_eq!(words(&find(&index, &p, "bos*")?), ["boss"]);
    drop(index);
    let (index, report) = SearchIndex::open(dir.path(), Language::English)?;
    assert_eq!(report.rebuilt, None);
    assert_eq!(words(&find(&index, &p, "bos*")?), ["boss"], "the vocabulary on disk followed");
    Ok(())
}

/// Flips bytes in the middle of the largest file of each kind given.
fn damage(dir: &Path, extension: &str) -> R {
    let mut files: Vec<(u64, std::path::PathBuf)> = std::fs::read_dir(dir.join(INDEX_DIR).join(TANTIVY_DIR))?
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == extension))
        .map(|e| (e.metadata().map(|m| m.len()).unwrap_or(0), e.path()))
        .collect();
    files.sort();
    let Some((_, path)) = files.pop() else { return Err(format!("no .{extension} file").into()) };
    let mut bytes = std::fs::read(&path)?;
    let mid = bytes.len() / 3;
    for b in &mut bytes[mid..mid + 8] {
        *b ^= 0xA5;
    }
    std::fs::write(&path, bytes)?;
    Ok(())
}

#[test]
fn a_corrupt_index_is_rebuilt_with_only_a_notice() -> R {
    let p = english();
    for (what, harm) in [
        ("postings", Box::new(|d: &Path| damage(d, "idx")) as Box<dyn Fn(&Path) -> R>),
        ("positions", Box::new(|d: &Path| damage(d, "pos"))),
        ("fast fields", Box::new(|d: &Path| damage(d, "fast"))),
        (
            "meta.json",
            Box::new(|d: &Path| {
                Ok(std::fs::write(d.join(INDEX_DIR).join(TANTIVY_DIR).join("meta.json"), "{not json")?)
            }),
        ),
        (
            "the vocabulary",
            Box::new(|d: &Path| {
                Ok(std::fs::write(d.join(INDEX_DIR).join(vocabulary::FILE), "tema-vocabulary 1\nb\n")?)
            }),
        ),
        ("no vocabulary", Box::new(|d: &Path| Ok(std::fs::remove_file(d.join(INDEX_DIR).join(vocabulary::FILE))?))),
    ] {
        let dir = tempfile::tempdir()?;
        drop(on_disk(dir.path(), &p)?);
        harm(dir.path())?;
        let (index, report) = SearchIndex::open(dir.path(), Language::English)?;
        assert!(matches!(report.rebuilt, Some(Rebuilt::Corrupt { .. })), "{what}: {:?}", report.rebuilt);
        assert_eq!(report.notice().as_deref(), Some("the search index was damaged; rebuilding it"), "{what}");
        index.sync(&p, &Progress::new())?;
        assert_eq!(find(&index, &p, "boss")?.total, 1, "{what}");
        assert_eq!(words(&find(&index, &p, "bos*")?), ["boss"], "{what}");
    }
    Ok(())
}

#[test]
fn an_outdated_or_foreign_language_index_is_rebuilt() -> R {
    let dir = tempfile::tempdir()?;
    let p = english();
    drop(on_disk(dir.path(), &p)?);
    std::fs::write(dir.path().join(INDEX_DIR).join(VERSION_FILE), "tema-search-index 0\n")?;
    let (index, report) = SearchIndex::open(dir.path(), Language::English)?;
    assert_eq!(report.rebuilt, Some(Rebuilt::Outdated { found: Some(0) }));
    assert!(report.notice().is_some_and(|n| n.contains("another version")));
    index.sync(&p, &Progress::new())?;
    drop(index);

    let mut no = p.clone();
    no.settings.language = Language::Norwegian;
    let (index, report) = SearchIndex::open(dir.path(), Language::Norwegian)?;
    assert_eq!(report.rebuilt, Some(Rebuilt::LanguageChanged { was: Language::English }));
    index.sync(&no, &Progress::new())?;
    assert!(matches!(index.sync(&p, &Progress::new()), Err(IndexError::LanguageChanged)));
    Ok(())
}

#[test]
fn a_cancelled_sync_leaves_the_index_as_it_was() -> R {
    let p = english();
    let index = SearchIndex::in_memory(Language::English)?;
    // Cancelled once two documents are indexed, as the Cancel button would.
    let cancel_at_two = Progress::observed(|pr| {
        if pr.item() == 2 {
            pr.cancel();
        }
    });
    let r = index.sync(&p, &cancel_at_two);
    assert!(matches!(r, Err(IndexError::Cancelled)), "{r:?}");
    assert_eq!(find(&index, &p, "boss")?.total, 0);
    assert_eq!(index.plan(&p).index.len(), 4);
    index.sync(&p, &Progress::new())?;
    assert_eq!(find(&index, &p, "boss")?.total, 1);
    Ok(())
}

#[test]
fn a_sync_on_another_thread_reports_through_the_shared_progress() -> R {
    let p = english();
    let index = SearchIndex::in_memory(Language::English)?;
    let progress = Progress::new();
    let report = std::thread::scope(|s| s.spawn(|| index.sync(&p, &progress.clone())).join())
        .map_err(|_| "the sync panicked")??;
    assert_eq!(report.indexed, 4);
    assert_eq!((progress.item(), progress.items()), (4, 4));
    assert_eq!(progress.fraction(), Some(1.0));
    assert_eq!(progress.phase(), "writing");
    assert_eq!(find(&index, &p, "boss")?.total, 1);
    Ok(())
}

#[test]
fn the_search_worker_answers_only_the_newest_request() -> R {
    let p = Arc::new(english());
    let index = Arc::new(indexed(&p)?);
    let worker = SearchWorker::spawn(|| {})?;
    for q in ["b", "bo", "bos", "boss"] {
        worker.submit(Arc::clone(&index), Arc::clone(&p), SearchRequest::new(q));
    }
    let outcome = worker.wait().ok_or("no outcome")?;
    assert_eq!(outcome.generation, 4);
    assert_eq!(outcome.request.query, "boss");
    assert_eq!(outcome.result?.total, 1);
    assert!(worker.poll().is_none(), "older outcomes are dropped");
    Ok(())
}

type Files = Vec<(String, Vec<u8>)>;

/// The project's files as the store would write them, for comparing states.
fn serialised(p: &Project) -> Result<Files, Box<dyn std::error::Error>> {
    Ok(snapshot::serialize(p, &History::default())?)
}

#[test]
fn code_all_hits_is_one_step_and_undo_restores_the_exact_state() -> R {
    let dir = tempfile::tempdir()?;
    let project_dir = dir.path().join("study");
    let mut store = Store::create(&project_dir, "Working together")?;
    let source = english();
    for part in source.participants.values() {
        store.apply(Edit::AddParticipant { participant: part.clone(), index: None })?;
    }
    for d in source.documents.values() {
        store.apply(Edit::AddDocument { document: Box::new(d.clone()), index: None })?;
    }
    let coder = store.project().new_coder("Ingrid");
    let coder_id = coder.id;
    store.apply(Edit::AddCoder { coder, index: None })?;
    let code = Code::new(CodeId::new(), "Meetings", store.project().next_code_colour());
    let code_id = code.id;
    store.apply(Edit::CreateCode { code, index: None })?;

    let (index, _) = on_disk(&project_dir, store.project())?;
    let all = SearchRequest { limit: None, order: Order::Document, ..SearchRequest::new("meeting") };
    let before = serialised(store.project())?;
    let codings_before = store.project().codings.len();

    for scope in [Scope::Match, Scope::Sentence, Scope::Turn] {
        let hits = search(&index, store.project(), &all)?.hits;
        let options = |setup| CodeHitsOptions {
            code: code_id,
            code_name: "Meetings".into(),
            coder: coder_id,
            scope,
            setup,
            created: chrono::Utc::now(),
        };
        let plan = plan_code_hits(store.project(), &hits, options(Vec::new()));
        let Some(edit) = plan.edit.clone() else { return Err("nothing to code".into()) };
        let expected = match scope {
            // "meet" in "We meet every Tuesday" is a match too: the same stem.
            Scope::Match => 8,
            Scope::Sentence => 8,
            Scope::Turn => 6,
        };
        assert_eq!(plan.spans.len(), expected, "{scope:?}: {:?}", plan.spans);
        store.apply(edit)?;
        let p = store.project();
        assert_eq!(p.codings.len(), codings_before + expected);
        for (doc, span) in &plan.spans {
            let text = p.documents.get(doc).and_then(|d| d.slice(*span)).unwrap_or_default();
            assert!(text.to_lowercase().contains("meet"), "{scope:?}: {text:?}");
            if scope == Scope::Sentence {
                assert!(text.ends_with(['.', '?']), "{text:?}");
            }
        }
        if scope == Scope::Turn {
            let texts: Vec<&str> =
                plan.spans.iter().filter_map(|(d, s)| p.documents.get(d).and_then(|d| d.slice(*s))).collect();
            assert!(
                texts.contains(&"The meetings were hard. I met my boss at the meeting place and we talked about work.")
            );
        }
        // Coding the same hits again codes nothing new.
        let again = plan_code_hits(p, &search(&index, p, &all)?.hits, options(Vec::new()));
        assert_eq!((again.edit.is_none(), again.skipped), (true, expected));
        assert_eq!(store.undo()?.as_deref(), plan.edit.as_ref().map(|e| e.describe(store.project())).as_deref());
        assert_eq!(serialised(store.project())?, before, "{scope:?}: undo restores the exact state");
    }
    // The same holds across a reopen: the undo was journaled.
    drop(store);
    let store = Store::open(&project_dir)?;
    assert_eq!(serialised(store.project())?, before);
    Ok(())
}

#[test]
fn similar_passages_leave_out_those_already_coded() -> R {
    let mut p = english();
    let coder = p.new_coder("Ingrid");
    let coder_id = coder.id;
    add(&mut p, Edit::AddCoder { coder, index: None });
    let code = Code::new(CodeId::new(), "Not listened to", p.next_code_colour());
    let code_id = code.id;
    add(&mut p, Edit::CreateCode { code, index: None });
    let extra = transcript(
        &p,
        15,
        "J5",
        DocKind::Interview,
        &[
            ("J5", "The welfare office never called me back and nobody listened."),
            ("J5", "My sister listened, she always called back."),
            ("J5", "I like bikes and games."),
        ],
    );
    add(&mut p, Edit::AddDocument { document: Box::new(extra), index: None });
    let index = indexed(&p)?;
    let j3 = p.documents.get(&DocId::from_u128(10)).map(|d| d.text.to_string()).unwrap_or_default();
    let said = "They never called back. Nobody listened to me.";
    let start = char_pos(&j3, said, 0);
    let coding = Coding {
        id: CodingId::new(),
        doc: DocId::from_u128(10),
        span: Span::new(start, start + said.chars().count()),
        code: code_id,
        coder: coder_id,
        created: chrono::Utc::now(),
        comment: String::new(),
    };
    add(&mut p, Edit::AddCoding { coding: coding.clone() });
    let found = similar(&index, &p, &SimilarRequest::for_coding(&coding, 5))?;
    let texts: Vec<&str> =
        found.iter().filter_map(|h| p.documents.get(&h.doc).and_then(|d| d.slice(h.passage))).collect();
    assert_eq!(texts.first().copied(), Some("The welfare office never called me back and nobody listened."));
    assert!(!texts.contains(&said), "the source passage is not its own neighbour");
    assert!(!texts.contains(&"I like bikes and games."));
    let shared: Vec<&str> = found[0].matches.iter().map(|m| m.text.as_str()).collect();
    assert!(shared.contains(&"listened") && shared.contains(&"called"), "{shared:?}");

    // Once the best candidate is coded too, it drops out.
    let best = &found[0];
    let second = Coding { id: CodingId::new(), doc: best.doc, span: best.passage, ..coding.clone() };
    add(&mut p, Edit::AddCoding { coding: second });
    let again = similar(&index, &p, &SimilarRequest::for_coding(&coding, 5))?;
    assert!(again.iter().all(|h| h.passage != best.passage));
    assert!(!again.is_empty());
    Ok(())
}

#[test]
fn a_norwegian_document_is_stemmed_in_norwegian_in_an_english_project() -> R {
    let mut p = english();
    let text = "Notater — Sørvik\n\nHun sa at søvnen var dårlig etter møtene med NAV.";
    let doc = Document::new(DocId::from_u128(900), "FN-no", DocKind::FieldNotes, text);
    add(&mut p, Edit::AddDocument { document: Box::new(doc), index: None });
    let index = indexed(&p)?;
    // Stemmed as English, "søvnen" is not a form of "søvn".
    assert!(!words(&find(&index, &p, "søvn")?).contains(&"søvnen".to_string()));
    // Marked Norwegian, the document is indexed again with Norwegian stems.
    let props =
        DocumentProps { language: Some(Language::Norwegian), ..p.documents[&DocId::from_u128(900)].props.clone() };
    add(&mut p, Edit::UpdateDocument { id: DocId::from_u128(900), props });
    let report = index.sync(&p, &Progress::new())?;
    assert_eq!(report.indexed, 1, "only the document whose language changed");
    let r = find(&index, &p, "søvn")?;
    assert_eq!(who(&r), ["FN-no/-"]);
    // ...and highlighted: the passage is stemmed in its document's language ("søvnen" →
    // "søvn", "møtene" → "møt", as "møte" is), not the project's English, which would leave
    // both words unmarked.
    assert_eq!(words(&r), ["søvnen"]);
    assert_spans_exact(&p, &r);
    let r = find(&index, &p, "møte doc:FN-no")?;
    assert_eq!(words(&r), ["møtene"]);
    // English words in the English documents are still found with English stems.
    assert!(words(&find(&index, &p, "meeting")?).contains(&"meetings".to_string()));
    // And sets are filters: both passages of FN-no (its title line and its paragraph).
    let props = DocumentProps { sets: vec!["Wave 1".into()], ..p.documents[&DocId::from_u128(900)].props.clone() };
    add(&mut p, Edit::UpdateDocument { id: DocId::from_u128(900), props });
    index.sync(&p, &Progress::new())?;
    assert_eq!(find(&index, &p, "set:\"wave 1\"")?.total, 2);
    Ok(())
}
