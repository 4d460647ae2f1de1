//! A small study built in code for the quote and export tests: an English interview, a
//! Norwegian interview with a translated quote, a focus group with several speakers, field
//! notes, codes with descriptions, themes with subthemes, codings and quotes — all through
//! edits, as the app would make them.
#![allow(dead_code)]

use tema::edit::Edit;
use tema::model::*;

pub const J1_TEXT: &str = "Interviewer: How was the meeting?\n\
J1: Fine, I guess. They talked about me, not with me. She said I should wait, you know, until I was better.\n\
Interviewer: And what did you want?\n\
J1: I wanted a job, a real one, with colleagues and a reason to get up in the morning. Not another course, \
not another plan written by people who never ask what I think about it. When they finally asked, everything \
changed, and I started to believe it could happen for me too.\n";

pub const J4_TEXT: &str = "Intervjuer: Hvordan gikk møtet?\n\
J4: Jeg følte meg sett 😀 – for første gang på lenge. Hun snakket om AAP og aktivitetsplikt, ord jeg ikke forstår.\n";

pub const FG1_TEXT: &str = "Moderator: What makes the meetings work?\n\
Amina: When the therapist comes, we can plan together.\n\
Sofie: And when she does not, we wait for weeks.\n\
Amina: Exactly.\n";

pub const FN1_TEXT: &str = "The meeting started late. The social worker read from the screen while J1 waited.\n";

pub fn pid(n: u128) -> ParticipantId {
    ParticipantId::from_u128(n)
}
pub fn did(n: u128) -> DocId {
    DocId::from_u128(n)
}
pub fn cid(n: u128) -> CodeId {
    CodeId::from_u128(n)
}
pub fn tid(n: u128) -> ThemeId {
    ThemeId::from_u128(n)
}
pub fn qid(n: u128) -> QuoteId {
    QuoteId::from_u128(n)
}

pub const J1: DocId = DocId::from_u128(20);
pub const J4: DocId = DocId::from_u128(21);
pub const FG1: DocId = DocId::from_u128(22);
pub const FN1: DocId = DocId::from_u128(23);

pub const VOICE: ThemeId = ThemeId::from_u128(40);
pub const TALKED_ABOUT: ThemeId = ThemeId::from_u128(41);
pub const WAITING: ThemeId = ThemeId::from_u128(42);
pub const PARKED: ThemeId = ThemeId::from_u128(43);

/// The char position of the first occurrence of `needle` in `text`.
pub fn pos(text: &str, needle: &str) -> usize {
    let byte = text.find(needle).unwrap_or_else(|| panic!("{needle:?} is not in the text"));
    text[..byte].chars().count()
}

/// The span of the first occurrence of `needle`.
pub fn span_of(text: &str, needle: &str) -> Span {
    let start = pos(text, needle);
    Span::new(start, start + needle.chars().count())
}

/// One turn per line; the speaker is whatever precedes the first colon.
fn turns(p: &Project, text: &str) -> Vec<Turn> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let len = line.chars().count();
        if let Some((speaker, _)) = line.split_once(':') {
            out.push(Turn {
                span: Span::new(start, start + len),
                speaker: speaker.to_string(),
                participant: p.participant_for_speaker(speaker).map(|x| x.id),
                start_ms: None,
                end_ms: None,
            });
        }
        start += len;
    }
    out
}

/// The project being built and the edits that built it.
struct Build {
    p: Project,
    edits: Vec<Edit>,
}

fn apply(b: &mut Build, e: Edit) {
    let r = b.p.apply(e.clone());
    assert!(r.is_ok(), "fixture edit refused: {r:?}");
    b.edits.push(e);
}

pub fn quote(id: u128, theme: ThemeId, doc: DocId, span: Span) -> Quote {
    Quote { id: qid(id), theme, doc, coding: None, props: QuoteProps { span, ..Default::default() } }
}

/// The study. Quotes, in order: in "Talked about, not with": q1 (J1, inline), q2 (J1,
/// trimmed: a replacement and a cut); in "Voice in the meeting": q3 (J4, translated,
/// starred), q4 (J1, long: a block quote); in "Waiting as a way of working": q5 (FG1, two
/// speakers), q6 (FN1, field notes, no speaker).
pub fn study() -> Project {
    build().0
}

/// The edits that make the study from an empty project (for a project on disk).
pub fn study_edits() -> Vec<Edit> {
    build().1
}

/// Id, label, group, site, aliases, pseudonym, interviewer.
type Person = (u128, &'static str, &'static str, &'static str, &'static [&'static str], Option<&'static str>, bool);

fn build() -> (Project, Vec<Edit>) {
    let mut b = Build { p: Project::new("Working together"), edits: Vec::new() };
    let p = &mut b;
    apply(
        p,
        Edit::AddCoder {
            coder: Coder {
                id: CoderId::from_u128(1),
                name: "Ingrid".into(),
                colour: palette_colour(0),
                slug: "ingrid".into(),
            },
            index: None,
        },
    );
    let people: [Person; 7] = [
        (10, "J1", "Jobseeker", "Nordby", &[], None, false),
        (11, "J4", "Jobseeker", "Sørvik", &[], Some("Åse"), false),
        (12, "T1", "Therapist", "Nordby", &[], None, false),
        (13, "E3", "Employment specialist", "Nordby", &["Amina"], Some("Amina"), false),
        (14, "E5", "Employment specialist", "Nordby", &["Sofie"], None, false),
        (15, "Interviewer", "", "", &["Intervjuer"], None, true),
        (16, "Moderator", "", "", &[], None, true),
    ];
    for (n, label, group, site, aliases, pseudonym, interviewer) in people {
        let mut x = Participant::new(pid(n), label, group);
        if !site.is_empty() {
            x.props.attributes.insert("site".into(), site.into());
            x.props.attributes.insert("age_band".into(), if n % 2 == 0 { "25-34" } else { "45-54" }.into());
        }
        x.props.aliases = aliases.iter().map(|s| s.to_string()).collect();
        x.props.pseudonym = pseudonym.map(str::to_string);
        x.props.interviewer = interviewer;
        apply(p, Edit::AddParticipant { participant: x, index: None });
    }
    for (id, name, kind, text) in [
        (J1, "J1", DocKind::Interview, J1_TEXT),
        (J4, "J4", DocKind::Interview, J4_TEXT),
        (FG1, "FG1", DocKind::FocusGroup, FG1_TEXT),
        (FN1, "FN1", DocKind::FieldNotes, FN1_TEXT),
    ] {
        let mut d = Document::new(id, name, kind, text);
        if kind != DocKind::FieldNotes {
            d.turns = turns(&p.p, text);
        }
        apply(p, Edit::AddDocument { document: Box::new(d), index: None });
    }
    let codes = [
        (
            30,
            "Feeling talked about",
            None,
            "The jobseeker feels discussed rather than included.",
            "Being spoken of in the third person; plans made without asking.",
            "Disagreement the jobseeker voices openly.",
            "\"They talked about me, not with me.\"",
        ),
        (31, "Waiting", None, "Time spent waiting for a meeting, a decision or a person.", "", "", ""),
        (32, "Waiting for the therapist", Some(31), "Plans held up until the therapist can come.", "", "", ""),
        (33, "Being seen", None, "Feeling recognised as a person.", "", "", ""),
        (34, "Jargon", None, "", "", "", ""),
    ];
    for (i, (n, name, parent, def, inc, exc, ex)) in codes.into_iter().enumerate() {
        let mut c = Code::new(cid(n), name, palette_colour(i));
        c.parent = parent.map(cid);
        c.props.description = CodeDescription {
            definition: def.into(),
            inclusion: inc.into(),
            exclusion: exc.into(),
            example: ex.into(),
        };
        apply(p, Edit::CreateCode { code: c, index: None });
    }
    let at = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default();
    let codings = [
        (50, J1, span_of(J1_TEXT, "They talked about me, not with me."), 30),
        (51, J1, span_of(J1_TEXT, "She said I should wait, you know, until I was better."), 31),
        (52, FG1, span_of(FG1_TEXT, "And when she does not, we wait for weeks."), 32),
        (53, J4, span_of(J4_TEXT, "Jeg følte meg sett 😀 – for første gang på lenge."), 33),
        (54, FN1, span_of(FN1_TEXT, "The social worker read from the screen while J1 waited."), 31),
    ];
    for (n, doc, span, code) in codings {
        apply(
            p,
            Edit::AddCoding {
                coding: Coding {
                    id: CodingId::from_u128(n),
                    doc,
                    span,
                    code: cid(code),
                    coder: CoderId::from_u128(1),
                    created: at,
                    comment: String::new(),
                },
            },
        );
    }
    let themes = [
        (
            VOICE,
            None,
            "Voice in the meeting",
            ThemeStatus::Final,
            "Jobseekers want to be spoken with, not about.",
            "Covers how the meeting is run, not its outcome.",
            vec![cid(30), cid(33)],
        ),
        (
            TALKED_ABOUT,
            Some(VOICE),
            "Talked about, not with",
            ThemeStatus::Final,
            "Plans are made over the jobseeker's head.",
            "",
            vec![cid(30)],
        ),
        (
            WAITING,
            None,
            "Waiting as a way of working",
            ThemeStatus::Reviewed,
            "Waiting is how the services coordinate.",
            "",
            vec![cid(31)],
        ),
        (PARKED, None, "Money worries", ThemeStatus::Parked, "", "", vec![]),
    ];
    for (id, parent, name, status, concept, scope, codes) in themes {
        let mut t = Theme::new(id, name);
        t.parent = parent;
        t.props.status = status;
        t.props.definition.concept = concept.into();
        t.props.definition.scope = scope.into();
        t.codes = codes;
        apply(p, Edit::CreateTheme { theme: t, index: None });
    }

    // q1: a short quote, inline.
    let mut q1 = quote(1, TALKED_ABOUT, J1, span_of(J1_TEXT, "They talked about me, not with me."));
    q1.coding = Some(CodingId::from_u128(50));
    // q2: trimmed: "She" replaced by "[the social worker]", ", you know," cut.
    let s2 = span_of(J1_TEXT, "She said I should wait, you know, until I was better.");
    let mut q2 = quote(2, TALKED_ABOUT, J1, s2);
    let she = span_of(J1_TEXT, "She said");
    q2.props.cuts = vec![Span::new(she.start.get(), she.start.get() + 3), span_of(J1_TEXT, ", you know,")];
    q2.props.insertions = vec![Insertion { at: she.start, text: "the social worker".into() }];
    // q3: Norwegian, translated, starred.
    let mut q3 = quote(3, VOICE, J4, span_of(J4_TEXT, "Jeg følte meg sett 😀 – for første gang på lenge."));
    q3.props.translation = "I felt seen 😀 – for the first time in ages.".into();
    q3.props.starred = true;
    // q4: long enough for a block quote.
    let long = "I wanted a job, a real one, with colleagues and a reason to get up in the morning. Not another course, \
                not another plan written by people who never ask what I think about it. When they finally asked, \
                everything changed, and I started to believe it could happen for me too.";
    let mut q4 = quote(4, VOICE, J1, span_of(J1_TEXT, long));
    q4.props.note = "Use in the discussion too.".into();
    // q5: a focus-group exchange over two speakers' turns.
    let s5 = Span::new(
        pos(FG1_TEXT, "When the therapist"),
        pos(FG1_TEXT, "we wait for weeks.") + "we wait for weeks.".len(),
    );
    let q5 = quote(5, WAITING, FG1, s5);
    // q6: field notes: no speaker.
    let q6 = quote(6, WAITING, FN1, span_of(FN1_TEXT, "The social worker read from the screen while J1 waited."));
    for q in [q1, q2, q3, q4, q5, q6] {
        apply(p, Edit::AddQuote { quote: q, index: None });
    }

    let mut settings = p.p.settings.clone();
    settings.quotes.attribution.set_group("Jobseeker", "J{n}");
    settings.quotes.attribution.set_group("Therapist", "T{n}");
    apply(p, Edit::SetSettings { settings });
    (b.p, b.edits)
}
