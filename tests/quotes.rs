//! Quotes: display text and its round trip to the source, word counts, inline or block,
//! attribution labels, and the edits that change quotes and the attribution scheme.

use proptest::prelude::*;
use tema::edit::{Edit, EditError};
use tema::model::*;
use tema::quotes::{self, Attributor, Placement, QuoteText, SegmentKind};

mod quotes_fixture;
use quotes_fixture::*;

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Checks that a quote's display text is its source with exactly its edits applied:
/// - the kept, cut and replaced pieces tile the quoted span in order;
/// - kept pieces are the source text, char for char;
/// - every cut appears once (as `[...]` or replaced), every insertion once, at its position;
/// - the display text outside the marks is the kept source text, and every display char of
///   kept text maps back (source_pos) to the same char of the document.
fn check_round_trip(doc: &Document, props: &QuoteProps, text: &QuoteText) -> Result<(), String> {
    let chars: Vec<char> = doc.text.chars().collect();
    let mut at = props.span.start;
    let mut cuts_seen = Vec::new();
    let mut inserted_seen = Vec::new();
    let mut rebuilt = String::new();
    let mut kept_text = String::new();
    for s in &text.segments {
        match s.kind {
            SegmentKind::Inserted => {
                if !s.source.is_empty() || s.source.start != at {
                    return Err(format!("insertion {s:?} is not at the current position {at:?}"));
                }
                inserted_seen.push((s.source.start, s.text.clone()));
                continue;
            }
            _ => {
                if s.source.start != at {
                    return Err(format!("gap or overlap before {s:?} (expected start {at:?})"));
                }
                at = s.source.end;
            }
        }
        let src = doc.slice(s.source).ok_or("segment outside the document")?;
        rebuilt.push_str(src);
        match s.kind {
            SegmentKind::Kept => {
                if s.text != src {
                    return Err(format!("kept text {:?} differs from the source {src:?}", s.text));
                }
                kept_text.push_str(src);
            }
            SegmentKind::Cut => {
                if s.text != "[...]" {
                    return Err(format!("a cut shows {:?}", s.text));
                }
                cuts_seen.push(s.source);
            }
            SegmentKind::Speaker => {
                // A transcribed name shown as a label: exactly a turn's speaker, in brackets.
                let turn = doc.turns.iter().find(|t| t.span.start == s.source.start).ok_or("no turn there")?;
                if src != turn.speaker.trim() || !(s.text.starts_with('[') && s.text.ends_with(']')) {
                    return Err(format!("speaker label {:?} for {src:?}", s.text));
                }
            }
            SegmentKind::Replaced => {
                cuts_seen.push(s.source);
                inserted_seen.push((s.source.start, s.text.clone()));
            }
            SegmentKind::Inserted => {}
        }
    }
    if at != props.span.end {
        return Err(format!("the segments end at {at:?}, the quote at {:?}", props.span.end));
    }
    if Some(rebuilt.as_str()) != doc.slice(props.span) {
        return Err("the segments do not rebuild the source".into());
    }
    let mut cuts = props.cuts.clone();
    cuts.sort();
    if cuts_seen != cuts {
        return Err(format!("cuts shown {cuts_seen:?}, made {cuts:?}"));
    }
    let mut made: Vec<CharPos> = props.insertions.iter().map(|i| i.at).collect();
    made.sort();
    let shown: Vec<CharPos> = inserted_seen.iter().map(|(p, _)| *p).collect();
    for i in &props.insertions {
        if !inserted_seen.iter().any(|(p, t)| *p == i.at && t.contains(i.text.trim())) {
            return Err(format!("insertion {i:?} is not shown at its position"));
        }
    }
    if shown.len() > made.len() {
        return Err("more insertions shown than made".into());
    }
    // The display text without its marks is the kept source text.
    let display = text.display();
    let mut without_marks = String::new();
    let mut offset = 0;
    for s in &text.segments {
        let len = s.display().chars().count();
        if s.kind == SegmentKind::Kept {
            without_marks.push_str(&s.text);
            for (i, c) in s.text.chars().enumerate() {
                let src = text.source_pos(offset + i);
                if chars.get(src.get()) != Some(&c) {
                    return Err(format!("display char {c:?} at {} maps to {src:?}", offset + i));
                }
            }
        } else if !s.display().contains(&s.text) {
            return Err("a mark's display lost its text".into());
        }
        offset += len;
    }
    if without_marks != kept_text || offset != display.chars().count() {
        return Err("the display text disagrees with the source outside the edits".into());
    }
    Ok(())
}

fn info(p: &Project, id: u128) -> Result<quotes::QuoteInfo, Box<dyn std::error::Error>> {
    let q = p.quotes.get(&qid(id)).ok_or("no such quote")?;
    Ok(quotes::describe_one(p, q)?)
}

#[test]
fn a_trimmed_quote_round_trips_to_its_source() -> TestResult {
    let p = study();
    let q = &p.quotes[&qid(2)];
    let i = info(&p, 2)?;
    assert_eq!(i.display, "[the social worker] said I should wait [...] until I was better.");
    assert_eq!(i.source, "She said I should wait, you know, until I was better.");
    let kinds: Vec<SegmentKind> = i.text.segments.iter().map(|s| s.kind).collect();
    assert_eq!(kinds, [SegmentKind::Replaced, SegmentKind::Kept, SegmentKind::Cut, SegmentKind::Kept]);
    check_round_trip(&p.documents[&J1], &q.props, &i.text)?;
    // The replaced word and the cut map to where they were made.
    assert_eq!(i.text.segments[0].source, span_of(J1_TEXT, "She"));
    assert_eq!(i.text.segments[2].source, span_of(J1_TEXT, ", you know,"));
    // Clicking in the display text finds the source: "said" and the cut mark.
    let said = i.display.find("said").map(|b| i.display[..b].chars().count()).ok_or("said")?;
    assert_eq!(i.text.source_pos(said).get(), pos(J1_TEXT, "said I should"));
    let mark = i.display.find("[...]").map(|b| i.display[..b].chars().count()).ok_or("mark")?;
    assert_eq!(i.text.source_pos(mark), span_of(J1_TEXT, ", you know,").start);
    // Words: the insertion counts, the cut mark does not.
    assert_eq!(i.words, 11);
    assert!(i.text.is_edited());
    assert!(!info(&p, 1)?.text.is_edited());
    Ok(())
}

#[test]
fn marks_are_spaced_like_a_paper_spaces_them() -> TestResult {
    let text = "she walk to the neighbor, and then, well, nothing.";
    let doc = Document::new(DocId::from_u128(1), "d", DocKind::Interview, text);
    let full = doc.full_span();
    let show = |cuts: Vec<Span>, insertions: Vec<(usize, &str)>| -> Result<String, String> {
        let props = QuoteProps {
            span: full,
            cuts,
            insertions: insertions.into_iter().map(|(at, t)| Insertion { at: CharPos(at), text: t.into() }).collect(),
            ..Default::default()
        };
        let t = QuoteText::new(&doc, &props).map_err(|e| e.to_string())?;
        check_round_trip(&doc, &props, &t)?;
        Ok(t.display())
    };
    // An insertion at the end of a word before a space, and one inside a word.
    assert_eq!(
        show(vec![], vec![(3, "the social worker"), (pos(text, "r,"), "u")])?,
        "she [the social worker] walk to the neighbo[u]r, and then, well, nothing."
    );
    // Before a comma.
    assert_eq!(
        show(vec![], vec![(pos(text, ", and"), "Kari")])?,
        "she walk to the neighbor [Kari], and then, well, nothing."
    );
    // An insertion after a space before a word.
    assert_eq!(show(vec![], vec![(4, "would")])?, "she [would] walk to the neighbor, and then, well, nothing.");
    // A cut between words, one before a full stop, and one at the start.
    let well = span_of(text, ", well,");
    assert_eq!(show(vec![well], vec![])?, "she walk to the neighbor, and then [...] nothing.");
    let tail = span_of(text, ", nothing");
    assert_eq!(show(vec![tail], vec![])?, "she walk to the neighbor, and then, well [...].");
    let head = span_of(text, "she walk to the neighbor, ");
    assert_eq!(show(vec![head], vec![])?, "[...] and then, well, nothing.");
    // A capital by replacement.
    assert_eq!(show(vec![Span::new(0, 1)], vec![(0, "S")])?, "[S]he walk to the neighbor, and then, well, nothing.");
    Ok(())
}

#[test]
fn norwegian_text_and_emoji_keep_their_places() -> TestResult {
    let p = study();
    let i = info(&p, 3)?;
    assert_eq!(i.display, "Jeg følte meg sett 😀 – for første gang på lenge.");
    assert_eq!(i.words, 9, "the emoji and the dash are not words");
    assert_eq!(i.translation.as_deref(), Some("I felt seen 😀 – for the first time in ages."));
    assert_eq!(i.translation_words, 9);
    assert!(i.starred);
    // Trim it: cut "😀 – " and replace "lenge" with a clarification.
    let mut props = p.quotes[&qid(3)].props.clone();
    let emoji = span_of(J4_TEXT, "😀 – ");
    let lenge = span_of(J4_TEXT, "lenge");
    props.cuts = vec![emoji, lenge];
    props.insertions = vec![
        Insertion { at: lenge.start, text: "en god stund".into() },
        Insertion { at: span_of(J4_TEXT, "første").start, text: "aller".into() },
    ];
    let t = QuoteText::new(&p.documents[&J4], &props)?;
    check_round_trip(&p.documents[&J4], &props, &t)?;
    assert_eq!(t.display(), "Jeg følte meg sett [...] for [aller] første gang på [en god stund].");
    let at_ø = t.display().find("første").map(|b| t.display()[..b].chars().count()).ok_or("første")?;
    assert_eq!(t.source_pos(at_ø), span_of(J4_TEXT, "første").start);
    Ok(())
}

#[test]
fn inline_or_block_by_the_word_threshold() -> TestResult {
    let mut p = study();
    assert_eq!(p.settings.quotes.block_words, 40, "APA's threshold by default");
    let long = info(&p, 4)?;
    assert!(long.words >= 40, "{}", long.words);
    assert_eq!(long.placement, Placement::Block);
    assert_eq!(info(&p, 1)?.placement, Placement::Inline);
    assert_eq!(Placement::for_words(39, 40), Placement::Inline);
    assert_eq!(Placement::for_words(40, 40), Placement::Block);
    let mut settings = p.settings.clone();
    settings.quotes.block_words = 5;
    p.apply(Edit::SetSettings { settings })?;
    assert_eq!(info(&p, 1)?.placement, Placement::Block);
    Ok(())
}

#[test]
fn names_written_at_turn_starts_inside_a_quote_print_as_labels() -> TestResult {
    let mut p = study();
    // Quote 5 runs from Amina's turn into Sofie's: "Sofie" is E5's transcribed first name.
    let i = info(&p, 5)?;
    assert_eq!(
        i.display,
        "When the therapist comes, we can plan together.\n[E5]: And when she does not, we wait for weeks."
    );
    assert!(!i.display.contains("Sofie"));
    assert_eq!(i.attribution.label, "FG1, E3/E5", "the attribution is unchanged");
    check_round_trip(&p.documents[&FG1], &p.quotes[&qid(5)].props, &i.text)?;
    let name = i.text.segments.iter().find(|s| s.kind == SegmentKind::Speaker).ok_or("no label")?;
    assert_eq!(name.source, span_of(FG1_TEXT, "Sofie"));

    // A quote that starts with the name too; labels follow the scheme (pseudonyms here).
    let span = Span::new(pos(FG1_TEXT, "Amina: When"), pos(FG1_TEXT, "Sofie: And") + "Sofie: And".len());
    p.apply(Edit::AddQuote { quote: quote(8, VOICE, FG1, span), index: None })?;
    assert_eq!(info(&p, 8)?.display, "[E3]: When the therapist comes, we can plan together.\n[E5]: And");
    let mut settings = p.settings.clone();
    settings.quotes.attribution.use_pseudonyms = true;
    p.apply(Edit::SetSettings { settings })?;
    // E3's pseudonym is the name the transcript writes, so it is left as written.
    assert_eq!(info(&p, 8)?.display, "Amina: When the therapist comes, we can plan together.\n[E5]: And");

    // A name the researcher cut stays cut; a label equal to the name is left as written.
    let mut props = p.quotes[&qid(5)].props.clone();
    props.cuts = vec![Span::new(pos(FG1_TEXT, "Sofie"), pos(FG1_TEXT, " And when"))];
    p.apply(Edit::UpdateQuote { id: qid(5), props })?;
    assert_eq!(
        info(&p, 5)?.display,
        "When the therapist comes, we can plan together.\n[...] And when she does not, we wait for weeks."
    );
    let span = Span::new(pos(J1_TEXT, "better."), pos(J1_TEXT, "J1: I wanted") + "J1: I wanted".len());
    p.apply(Edit::AddQuote { quote: quote(9, VOICE, J1, span), index: None })?;
    assert!(info(&p, 9)?.display.ends_with("J1: I wanted"));
    assert!(info(&p, 9)?.display.contains("\nInterviewer: And what did you want?\n"), "labelled as written");
    Ok(())
}

#[test]
fn attribution_labels_follow_the_scheme() -> TestResult {
    let mut p = study();
    let label = |p: &Project, n: u128| info(p, n).map(|i| i.attribution.label);
    assert_eq!(label(&p, 1)?, "J1");
    assert_eq!(label(&p, 3)?, "J2", "{{n}} numbers J4 as the second jobseeker in the participants list");
    assert_eq!(label(&p, 5)?, "FG1, E3/E5", "a focus-group quote over two speakers' turns");
    assert_eq!(label(&p, 6)?, "FN1", "field notes have no speaker");
    assert_eq!(info(&p, 5)?.attribution.speakers, [pid(13), pid(14)]);

    // A focus-group quote cut down to one speaker's words is that speaker's.
    let mut props = p.quotes[&qid(5)].props.clone();
    props.cuts = vec![Span::new(pos(FG1_TEXT, " And when"), props.span.end.get())];
    p.apply(Edit::UpdateQuote { id: qid(5), props })?;
    assert_eq!(label(&p, 5)?, "FG1, E3");

    // The interviewer's question in a quote does not make it the interviewer's.
    let span = Span::new(pos(J1_TEXT, "And what did you want?"), pos(J1_TEXT, "Not another course"));
    p.apply(Edit::AddQuote { quote: quote(7, VOICE, J1, span), index: None })?;
    assert_eq!(label(&p, 7)?, "J1");

    // Fixed labels, pseudonyms, attributes and another focus-group form.
    let mut settings = p.settings.clone();
    let a = &mut settings.quotes.attribution;
    a.set_group("jobseeker", "JS-{n} ({attr:site})");
    a.set_group("Employment specialist", "EMP");
    a.use_pseudonyms = true;
    a.focus_group_template = "{speakers} in {doc}".into();
    a.speaker_separator = " & ".into();
    p.apply(Edit::SetSettings { settings })?;
    assert_eq!(label(&p, 1)?, "JS-1 (Nordby)");
    assert_eq!(label(&p, 3)?, "Åse", "J4 has a pseudonym");
    assert_eq!(label(&p, 5)?, "Amina in FG1", "E3's pseudonym");
    let a = Attributor::new(&p);
    assert_eq!(a.participant_label(&p.participants[&pid(14)], None), "EMP");
    Ok(())
}

#[test]
fn bad_schemes_and_edits_are_refused_and_undo_restores() -> TestResult {
    let mut p = study();
    let before = p.clone();
    let mut settings = p.settings.clone();
    settings.quotes.attribution.set_group("Therapist", "T{num}");
    let err = p.apply(Edit::SetSettings { settings: settings.clone() });
    assert!(matches!(&err, Err(EditError::InvalidSettings { reason }) if reason.contains("{num}")), "{err:?}");
    assert_eq!(p, before);
    settings.quotes.attribution.set_group("Therapist", "CLI");
    let inverse = p.apply(Edit::SetSettings { settings })?;
    assert_eq!(p.settings.quotes.attribution.template_for("therapist"), "CLI");
    p.apply(inverse)?;
    assert_eq!(p, before);

    // An insertion inside a cut would be invisible: refused.
    let mut props = p.quotes[&qid(2)].props.clone();
    let cut = span_of(J1_TEXT, ", you know,");
    props.insertions.push(Insertion { at: CharPos(cut.start.get() + 2), text: "um".into() });
    let err = p.apply(Edit::UpdateQuote { id: qid(2), props });
    assert!(matches!(&err, Err(EditError::InvalidQuote { reason }) if reason.contains("inside a cut")), "{err:?}");
    let mut props = p.quotes[&qid(2)].props.clone();
    props.insertions[0].text = "the [social] worker".into();
    assert!(p.apply(Edit::UpdateQuote { id: qid(2), props }).is_err(), "brackets inside an insertion");
    assert_eq!(p, before);
    Ok(())
}

#[test]
fn outline_order_and_paths() {
    let p = study();
    let outline = quotes::theme_outline(&p, None, false);
    assert_eq!(outline, [(VOICE, 0), (TALKED_ABOUT, 1), (WAITING, 0)], "main theme, its subtheme, next main theme");
    assert_eq!(quotes::theme_outline(&p, None, true).len(), 4, "parked themes on request");
    assert_eq!(quotes::theme_outline(&p, Some(VOICE), false), [(VOICE, 0), (TALKED_ABOUT, 1)]);
    assert_eq!(quotes::theme_path(&p, TALKED_ABOUT), "Voice in the meeting / Talked about, not with");
    let ids: Vec<QuoteId> = quotes::quotes_of(&p, VOICE).map(|q| q.id).collect();
    assert_eq!(ids, [qid(3), qid(4)]);
    // A quote inside a coding of one of the theme's codes names that coding.
    let inside = span_of(J1_TEXT, "talked about me");
    assert_eq!(quotes::source_coding(&p, TALKED_ABOUT, J1, inside), Some(CodingId::from_u128(50)));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    /// Any valid set of edits over Norwegian text with emoji round-trips.
    #[test]
    fn any_valid_edits_round_trip(
        start in 0usize..60,
        len in 1usize..60,
        cut_points in prop::collection::vec(0usize..200, 0..6),
        ins in prop::collection::vec((0usize..200, "[a-zæøå😀 ]{1,8}"), 0..4),
    ) {
        let doc = Document::new(DocId::from_u128(1), "J4", DocKind::Interview, J4_TEXT);
        let n = doc.char_len;
        let start = start.min(n - 1);
        let end = (start + len).min(n);
        let span = Span::new(start, end);
        let mut pts: Vec<usize> = cut_points.iter().map(|c| start + c % (end - start + 1)).collect();
        pts.sort();
        pts.dedup();
        let cuts: Vec<Span> = pts.chunks(2).filter(|c| c.len() == 2).map(|c| Span::new(c[0], c[1])).collect();
        let insertions: Vec<Insertion> = ins
            .iter()
            .map(|(at, t)| Insertion { at: CharPos(start + at % (end - start + 1)), text: t.clone() })
            .filter(|i| !i.text.trim().is_empty())
            .filter(|i| !cuts.iter().any(|c| c.start < i.at && i.at < c.end))
            .collect();
        let props = QuoteProps { span, cuts, insertions, ..Default::default() };
        // What validation accepts, display can show.
        let mut p = Project::new("P");
        let added_doc = p.apply(Edit::AddDocument { document: Box::new(doc.clone()), index: None });
        prop_assert!(added_doc.is_ok(), "{:?}", added_doc);
        let added_theme = p.apply(Edit::CreateTheme { theme: Theme::new(ThemeId::from_u128(2), "T"), index: None });
        prop_assert!(added_theme.is_ok(), "{:?}", added_theme);
        let added = p.apply(Edit::AddQuote {
            quote: Quote { id: QuoteId::from_u128(3), theme: ThemeId::from_u128(2), doc: doc.id, coding: None, props: props.clone() },
            index: None,
        });
        prop_assert!(added.is_ok(), "{:?}", added);
        let text = QuoteText::new(&doc, &props);
        prop_assert!(text.is_ok());
        let text = text.map_err(|e| TestCaseError::fail(e.to_string()))?;
        let checked = check_round_trip(&doc, &props, &text);
        prop_assert!(checked.is_ok(), "{:?} for {:?}", checked, props);
    }
}
