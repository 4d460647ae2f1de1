//! The search commands as a script uses them: `tema index`, `tema search --json`,
//! `tema code-hits`, `tema similar`.

use serde_json::Value;
use std::path::Path;
use tema::edit::Edit;
use tema::model::*;
use tema::store::Store;

mod common;

type R = Result<(), Box<dyn std::error::Error>>;

/// [`common::tema`]: whether it succeeded, and what it printed on stdout and stderr.
fn tema(args: &[&str]) -> Result<(bool, String, String), Box<dyn std::error::Error>> {
    let out = common::tema(args)?;
    Ok((out.status.success(), String::from_utf8(out.stdout)?, String::from_utf8(out.stderr)?))
}

fn json(args: &[&str]) -> Result<Value, Box<dyn std::error::Error>> {
    let (ok, out, err) = tema(args)?;
    assert!(ok, "tema {args:?} failed: {err}");
    Ok(serde_json::from_str(&out)?)
}

/// A Norwegian project with one focus group, made through the store as the app would.
fn project(dir: &Path) -> R {
    let mut store = Store::create(dir, "Samarbeid")?;
    let settings = Settings { language: Language::Norwegian, ..store.project().settings.clone() };
    store.apply(Edit::SetSettings { settings })?;
    let mut kari = Participant::new(ParticipantId::from_u128(1), "E5", "jobbspesialist");
    kari.props.aliases = vec!["Kari".into()];
    kari.props.attributes.insert("sted".into(), "Nordby".into());
    let ole = Participant::new(ParticipantId::from_u128(2), "E6", "jobbspesialist");
    let leder = Participant::new(ParticipantId::from_u128(3), "Leder", "");
    for p in [kari, ole, leder] {
        store.apply(Edit::AddParticipant { participant: p, index: None })?;
    }
    let turns = [
        ("Leder", ParticipantId::from_u128(3), "Hvordan går møtene? 😀"),
        ("Kari", ParticipantId::from_u128(1), "Møtene går bra. Vi har et møte hver uke med NAV."),
        ("E6", ParticipantId::from_u128(2), "Våre møter er på skjerm, og det er tungt."),
    ];
    let mut text = String::from("FG1 – Nordby\n\n");
    let mut spans = Vec::new();
    for (who, id, said) in turns {
        let start = text.chars().count();
        text.push_str(&format!("{who}: {said}"));
        spans.push(Turn {
            span: Span::new(start, text.chars().count()),
            speaker: who.into(),
            participant: Some(id),
            start_ms: None,
            end_ms: None,
        });
        text.push_str("\n\n");
    }
    let mut d = Document::new(DocId::from_u128(9), "FG1", DocKind::FocusGroup, text);
    d.turns = spans;
    store.apply(Edit::AddDocument { document: Box::new(d), index: None })?;
    store.save()?;
    Ok(())
}

type Files = Vec<(String, Vec<u8>)>;

/// The project's content as the store writes it.
fn state(dir: &Path) -> Result<Files, Box<dyn std::error::Error>> {
    let store = Store::open_read_only(dir)?;
    Ok(tema::store::snapshot::serialize(store.project(), &tema::edit::History::default())?)
}

#[test]
fn search_json_gives_char_offsets_speakers_and_context() -> R {
    let (_tmp, dir, d) = common::project_made("p", project)?;
    let v = json(&["search", &d, "møte", "--order", "document", "--json"])?;
    assert_eq!(v["passages"], 3);
    assert_eq!(v["documents"][0]["document"], "FG1");
    let hits = v["hits"].as_array().ok_or("hits")?;
    let texts: Vec<&str> = hits.iter().filter_map(|h| h["text"].as_str()).collect();
    assert_eq!(texts, ["møtene", "Møtene", "møte", "møter"]);
    let store = Store::open_read_only(&dir)?;
    let doc = store.project().document_by_name("FG1").ok_or("doc")?;
    for h in hits {
        let span = Span::new(h["start"].as_u64().unwrap_or(0) as usize, h["end"].as_u64().unwrap_or(0) as usize);
        assert_eq!(doc.slice(span), h["text"].as_str());
    }
    let kari = &hits[1];
    assert_eq!((kari["speaker"].as_str(), kari["participant"].as_str()), (Some("Kari"), Some("E5")));
    assert_eq!(kari["group"], "jobbspesialist");
    // The example in docs/CLI.md.
    assert_eq!((kari["start"].as_u64(), kari["end"].as_u64(), kari["turn"].as_u64()), (Some(50), Some(56), Some(1)));
    assert_eq!((kari["passage"]["start"].as_u64(), kari["passage"]["end"].as_u64()), (Some(50), Some(98)));
    assert_eq!(kari["context"], "**Møtene** går bra. Vi har et møte hver uke med NAV.");
    assert_eq!(hits[0]["before"], "Hvordan går ");

    // Filters, limit, and the index is reused on the second run.
    let v = json(&["search", &d, "møte", "--speaker", "Kari", "--limit", "1", "--json"])?;
    assert_eq!(v["hits"].as_array().map(Vec::len), Some(1));
    assert_eq!(v["passages"], 1);
    let v = json(&["search", &d, "møte sted:Nordby", "--json"])?;
    assert_eq!(v["passages"], 1);
    let (ok, out, _) = tema(&["search", &d, "skjerm"])?;
    assert!(ok);
    assert!(out.starts_with("1 passage in 1 document"), "{out}");
    assert!(out.contains("**skjerm**"), "{out}");
    Ok(())
}

#[test]
fn index_rebuild_and_code_hits_with_undo() -> R {
    let (_tmp, dir, d) = common::project_made("p", project)?;
    let v = json(&["index", &d, "--json"])?;
    assert_eq!((v["documents"].as_u64(), v["passages"].as_u64(), v["indexed"].as_u64()), (Some(1), Some(4), Some(1)));
    let v = json(&["index", &d, "--json"])?;
    assert_eq!(v["indexed"], 0, "nothing changed");
    std::fs::remove_dir_all(dir.join("index"))?;
    let v = json(&["index", &d, "--rebuild", "--json"])?;
    assert_eq!(v["indexed"], 1);

    let before = state(&dir)?;
    let v = json(&["code-hits", &d, "møte", "--code", "Møter", "--scope", "sentence", "--json"])?;
    assert_eq!(
        (v["coded"].as_u64(), v["skipped"].as_u64(), v["code_created"].as_bool()),
        (Some(4), Some(0), Some(true))
    );
    let texts: Vec<&str> =
        v["passages"].as_array().ok_or("passages")?.iter().filter_map(|p| p["text"].as_str()).collect();
    assert_eq!(texts[1], "Møtene går bra.");
    let v = json(&["code-hits", &d, "møte", "--code", "Møter", "--scope", "sentence", "--json"])?;
    assert_eq!((v["coded"].as_u64(), v["skipped"].as_u64()), (Some(0), Some(4)));
    let v = json(&["search", &d, "møte", "--within", "Møter", "--json"])?;
    assert_eq!(v["passages"], 3);
    let v = json(&["search", &d, "møte", "--uncoded", "--json"])?;
    assert_eq!(v["passages"], 0);

    let (ok, out, err) = tema(&["undo", &d])?;
    assert!(ok, "{err}");
    assert!(out.contains("Code 4 search hits as “Møter”"), "{out}");
    let (ok, _, err) = tema(&["save", &d])?;
    assert!(ok, "{err}");
    assert_eq!(state(&dir)?, before, "undo restores the exact state");
    let store = Store::open_read_only(&dir)?;
    assert!(store.project().codings.is_empty());
    assert!(store.project().code_by_name("Møter").is_none());
    Ok(())
}

#[test]
fn similar_lists_passages_not_yet_coded() -> R {
    let (_tmp, dir, d) = common::project_made("p", project)?;
    json(&["code-hits", &d, "\"møte hver uke\"", "--code", "Møter", "--scope", "turn", "--json"])?;
    let store = Store::open_read_only(&dir)?;
    let coding = store.project().codings.values().next().cloned().ok_or("no coding")?;
    drop(store);
    let (start, end) = (coding.span.start.to_string(), coding.span.end.to_string());
    let v = json(&["similar", &d, "--doc", "FG1", "--start", &start, "--end", &end, "--code", "Møter", "--json"])?;
    let found = v["similar"].as_array().ok_or("similar")?;
    assert!(!found.is_empty());
    for f in found {
        assert_ne!(f["start"].as_u64(), Some(coding.span.start.get() as u64));
    }
    Ok(())
}
