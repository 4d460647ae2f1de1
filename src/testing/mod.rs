//! Random edits for tests: the one generator behind the property tests, the team-merge
//! properties, the trail's map property and the `tema stress` stream that the crash test kills.
//!
//! Built only with the cargo feature `testing` (the test suites turn it on through a
//! dev-dependency of the crate on itself), so none of it ships in `tema`.
//!
//! An [`Action`] is a kind and four numbers; [`edit_for`] interprets it against the project as
//! it is, so that most actions are valid edits on things that exist and some are invalid on
//! purpose (an unknown id, a span past the end, a cycle, a duplicate). Actions come from a
//! proptest strategy ([`action`], [`action_in`], [`moves`]) or from a seed ([`Action::seeded`],
//! [`Move::seeded`]); both draw the same kinds, so a property test and a seeded stream test
//! the same edits. Every `Edit` variant has a kind ([`kinds_of`] is an exhaustive match).

pub mod stress;

use crate::edit::Edit;
use crate::model::*;
use proptest::prelude::*;

/// The first interview of the base project.
pub const TEXT_A: &str = "Interviewer: How was the meeting?\nJ1: Fine, I guess. They talked about me, not with me.\n\
                          Interviewer: Who was there?\nJ1: My therapist, the social worker, Kari from IPS.\n";
/// The second interview: Norwegian, with an emoji and a dash, so that offsets are counted in
/// characters rather than bytes everywhere.
pub const TEXT_B: &str = "Intervjuer: Hvordan gikk møtet?\nJ4: Jeg følte meg sett 😀 — for første gang på lenge.\n\
                          Intervjuer: Og sosialarbeideren?\nJ4: Hun snakket om AAP og aktivitetsplikt, ord jeg ikke forstår.\n";

/// The coders of the base project; generated codings, memos and consensus entries name them.
pub const CODERS: [CoderId; 2] = [CoderId::from_u128(1), CoderId::from_u128(2)];

/// The edits that make the base project from an empty one: two coders, three participants
/// (one an interviewer), two interviews with a turn per line, and four codes, two of them
/// nested. As edits, so that a store-backed test can apply them through the journal.
pub fn base_edits() -> Vec<Edit> {
    let mut edits = Vec::new();
    for (id, name) in CODERS.iter().zip(["Ingrid", "Tom"]) {
        let coder =
            Coder { id: *id, name: name.into(), colour: palette_colour(edits.len()), slug: name.to_lowercase() };
        edits.push(Edit::AddCoder { coder, index: None });
    }
    for (n, label, group) in [(10, "J1", "Jobseeker"), (11, "J4", "Jobseeker"), (12, "Interviewer", "")] {
        let mut part = Participant::new(ParticipantId::from_u128(n), label, group);
        part.props.interviewer = group.is_empty();
        edits.push(Edit::AddParticipant { participant: part, index: None });
    }
    for (n, name, text, who) in [(20, "J1", TEXT_A, 10), (21, "J4", TEXT_B, 11)] {
        let mut d = Document::new(DocId::from_u128(n), name, DocKind::Interview, text);
        // One turn per line, alternating interviewer and participant.
        let mut start = 0;
        for (i, line) in text.split_inclusive('\n').enumerate() {
            let len = line.chars().count();
            let pid = if i % 2 == 0 { 12 } else { who };
            d.turns.push(Turn {
                span: Span::new(start, start + len),
                speaker: line.split(':').next().unwrap_or_default().to_string(),
                participant: Some(ParticipantId::from_u128(pid)),
                start_ms: None,
                end_ms: None,
            });
            start += len;
        }
        edits.push(Edit::AddDocument { document: Box::new(d), index: None });
    }
    for (i, name) in ["Voice", "Feeling talked about", "Jargon", "Hope"].iter().enumerate() {
        let mut c = Code::new(CodeId::from_u128(30 + i as u128), *name, palette_colour(i));
        c.parent = if i == 1 || i == 2 { Some(CodeId::from_u128(30)) } else { None };
        edits.push(Edit::CreateCode { code: c, index: None });
    }
    edits
}

/// The base project in memory (the [`base_edits`] applied as one batch).
pub fn base() -> Project {
    let mut p = Project::new("Random edits");
    if let Err(e) = p.apply(Edit::batch("base", base_edits())) {
        // The base is fixed data: a refusal means the model's rules changed under it.
        panic!("the base project of the random edits was refused: {e}");
    }
    p
}

/// A step of a sequence: which kind of edit, and numbers to pick things with.
#[derive(Clone, Debug)]
pub struct Action {
    pub kind: u8,
    pub a: usize,
    pub b: usize,
    pub c: usize,
    pub d: usize,
}

/// The number of action kinds: `0..KINDS` are the generators of [`edit_for`]; 52 is a batch.
pub const KINDS: u8 = 55;

/// Every kind, for a seeded stream over all edits.
pub const ALL: &[u8] = &{
    let mut all = [0u8; KINDS as usize];
    let mut k = 0;
    while k < KINDS {
        all[k as usize] = k;
        k += 1;
    }
    all
};

/// The kinds of a team copy diverging from its original: codings added (six times as often as
/// each of the others) and removed, codes created (with names that may collide across copies)
/// and deleted, themes created.
pub const DIVERGE: &[u8] = &[6, 7, 8, 6, 7, 8, 0, 12, 11, 4];

/// The kinds that change the thematic map: codes created (twice as often), renamed, merged and
/// deleted; themes created (twice as often), renamed or given a status, nested, given codes,
/// merged, split and deleted.
pub const MAP: &[u8] = &[0, 1, 2, 5, 4, 12, 13, 14, 15, 16, 17, 18, 35];

/// Any action, every kind equally likely.
pub fn action() -> impl Strategy<Value = Action> {
    (0u8..KINDS, any::<usize>(), any::<usize>(), any::<usize>(), any::<usize>()).prop_map(|(kind, a, b, c, d)| Action {
        kind,
        a,
        b,
        c,
        d,
    })
}

/// An action of one of `kinds` (a kind listed twice is drawn twice as often).
pub fn action_in(kinds: &'static [u8]) -> impl Strategy<Value = Action> {
    (0..kinds.len(), any::<usize>(), any::<usize>(), any::<usize>(), any::<usize>())
        .prop_map(|(i, a, b, c, d)| Action { kind: kinds[i], a, b, c, d })
}

/// SplitMix64: a tiny, good-enough generator that needs no state beyond a seed, so that step
/// `k` of a stream can be drawn without drawing the steps before it.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A sequential SplitMix64 generator ([`mix`] over a counter) for the tests that draw many
/// numbers from one seed — the fuzzers, the agreement reference comparison — so that a
/// failure is reproduced from the seed it prints.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        let out = mix(self.0);
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        out
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next_u64() % n as u64) as usize }
    }
}

/// The `i`-th number of step `k` of stream `seed`.
fn draw(seed: u64, k: u64, i: u64) -> u64 {
    mix(seed ^ mix(k.wrapping_mul(31).wrapping_add(i)))
}

impl Action {
    /// Step `k` of the stream `seed`, of one of `kinds`: a function of `(seed, k)` alone.
    pub fn seeded(seed: u64, k: u64, kinds: &[u8]) -> Action {
        let n = |i: u64| draw(seed, k, i) as usize;
        Action { kind: kinds[n(0) % kinds.len().max(1)], a: n(1), b: n(2), c: n(3), d: n(4) }
    }
}

/// A step of a session: an edit, or undo or redo of the history.
#[derive(Clone, Debug)]
pub enum Move {
    Edit(Action),
    Undo,
    Redo,
}

/// What a session does: the kinds of its edits, and how often in a hundred it undoes or redoes.
#[derive(Clone, Copy, Debug)]
pub struct Mix {
    pub kinds: &'static [u8],
    pub undo: u32,
    pub redo: u32,
}

impl Mix {
    /// The move for a roll in `0..100`: undo and redo first, then the edit.
    fn pick(self, roll: u32, action: Action) -> Move {
        if roll < self.undo {
            Move::Undo
        } else if roll < self.undo + self.redo {
            Move::Redo
        } else {
            Move::Edit(action)
        }
    }
}

impl Move {
    /// Step `k` of the stream `seed` in the session `mix`: a function of `(seed, k)` alone.
    pub fn seeded(seed: u64, k: u64, mix: Mix) -> Move {
        mix.pick((draw(seed, k, 5) % 100) as u32, Action::seeded(seed, k, mix.kinds))
    }
}

/// Moves of the session `mix`, for proptest.
pub fn moves(mix: Mix) -> impl Strategy<Value = Move> {
    (0u32..100, action_in(mix.kinds)).prop_map(move |(roll, action)| mix.pick(roll, action))
}

/// Where a generated edit's fresh ids and time come from: the step (ids are unique per step,
/// so that a sequence never reuses one by accident) and the copy of the project (two team
/// copies that diverge must not invent the same id).
#[derive(Clone, Copy, Debug, Default)]
pub struct Fresh {
    pub copy: u32,
    pub step: u64,
}

impl Fresh {
    /// Step `step` of the only copy.
    pub fn at(step: u64) -> Fresh {
        Fresh { copy: 0, step }
    }

    /// A fresh id, `n` telling apart the ids one step makes. The top bit keeps it clear of
    /// the base project's small ids; the low 64 bits are the step and `n`, which the
    /// generator uses to pick members.
    fn id(self, n: u128) -> u128 {
        1 << 127 | (self.copy as u128) << 80 | (self.step as u128) << 16 | n
    }

    /// The time of the step: a second per step from a fixed moment, so that runs repeat.
    pub fn time(self) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::from_timestamp(1_700_000_000 + (self.step % (1 << 40)) as i64, 0).unwrap_or_default()
    }

    fn later(self, by: u64) -> Fresh {
        Fresh { step: self.step + by, ..self }
    }
}

fn pick<T: Copy>(items: &[T], n: usize) -> Option<T> {
    if items.is_empty() { None } else { Some(items[n % items.len()]) }
}

/// Turns an action into an edit for the current project, or `None` when the project has
/// nothing to pick. Sometimes the edit is invalid on purpose (the pick wraps past the known
/// ids into a fresh one, a span runs off the end); applying it must then change nothing.
pub fn edit_for(p: &Project, fresh: Fresh, x: &Action) -> Option<Edit> {
    let docs: Vec<DocId> = p.documents.keys().copied().collect();
    let codes: Vec<CodeId> = p.codes.keys().copied().collect();
    let themes: Vec<ThemeId> = p.themes.keys().copied().collect();
    let codings: Vec<CodingId> = p.codings.keys().copied().collect();
    let quotes: Vec<QuoteId> = p.quotes.keys().copied().collect();
    let memos: Vec<MemoId> = p.memos.keys().copied().collect();
    let parts: Vec<ParticipantId> = p.participants.keys().copied().collect();
    let coders = CODERS;
    let at = fresh.time();
    let uid = |n: u128| fresh.id(n);
    let names = ["Voice", "Hope", "Money", "Jargon", "Trust", "Roles", "møte", "Ærlighet"];
    let span_in = |doc: DocId, a: usize, b: usize| {
        let len = p.documents.get(&doc).map(|d| d.char_len).unwrap_or(10);
        // One time in sixteen the span runs past the end of the text.
        let limit = if a.is_multiple_of(16) { len + 5 } else { len };
        let start = a % limit.max(1);
        let end = (start + 1 + b % 40).min(limit);
        Span::new(start, end)
    };
    let some_code = |n: usize| if n.is_multiple_of(23) { Some(CodeId::from_u128(uid(999))) } else { pick(&codes, n) };
    Some(match x.kind {
        0 | 1 => Edit::CreateCode {
            code: Code {
                id: CodeId::from_u128(uid(1)),
                parent: if x.b.is_multiple_of(3) { pick(&codes, x.c) } else { None },
                props: CodeProps { name: format!("{} {}", names[x.a % names.len()], x.d % 5), ..Default::default() },
            },
            index: if x.c.is_multiple_of(4) { Some(x.d % (codes.len() + 2)) } else { None },
        },
        2 => {
            let id = pick(&codes, x.a)?;
            let mut props = p.codes[&id].props.clone();
            props.name = format!("{} {}", names[x.b % names.len()], x.c % 7);
            props.colour = palette_colour(x.d);
            props.description.definition = "Passages where the jobseeker's voice is at stake.".into();
            Edit::UpdateCode { id, props }
        }
        3 => Edit::MoveCode {
            id: pick(&codes, x.a)?,
            parent: if x.b.is_multiple_of(3) { None } else { pick(&codes, x.c) },
            index: x.d % (codes.len() + 1),
        },
        4 => Edit::DeleteCode { id: pick(&codes, x.a)? },
        5 => Edit::MergeCodes { from: pick(&codes, x.a)?, into: pick(&codes, x.b)? },
        6..=9 => {
            let doc = pick(&docs, x.a)?;
            Edit::AddCoding {
                coding: Coding {
                    id: CodingId::from_u128(uid(2)),
                    doc,
                    span: span_in(doc, x.b, x.c),
                    code: some_code(x.d)?,
                    coder: coders[x.d % 2],
                    created: at,
                    comment: if x.a.is_multiple_of(5) { "in vivo 😀".into() } else { String::new() },
                },
            }
        }
        10 => {
            let id = pick(&codings, x.a)?;
            let c = &p.codings[&id];
            Edit::UpdateCoding {
                id,
                props: CodingProps { span: span_in(c.doc, x.b, x.c), code: some_code(x.d)?, comment: "moved".into() },
            }
        }
        11 => Edit::RemoveCoding { id: pick(&codings, x.a)? },
        12 | 13 => Edit::CreateTheme {
            theme: Theme {
                id: ThemeId::from_u128(uid(3)),
                parent: if x.b.is_multiple_of(2) { pick(&themes, x.c) } else { None },
                props: ThemeProps { name: format!("Theme {}", x.a % 9), ..Default::default() },
                codes: codes.iter().copied().filter(|c| (c.0.as_u128() as usize + x.d).is_multiple_of(3)).collect(),
                ..Theme::new(ThemeId::from_u128(0), "")
            },
            index: None,
        },
        14 => {
            let id = pick(&themes, x.a)?;
            let mut props = p.themes[&id].props.clone();
            if x.b.is_multiple_of(2) {
                props.former_names.push(FormerName { name: props.name.clone(), until: at });
                props.name = format!("Renamed {}", x.c % 9);
            }
            props.status = ThemeStatus::ALL[x.d % 4];
            props.definition.concept = "A central organising concept.".into();
            Edit::UpdateTheme { id, props }
        }
        15 => Edit::MoveTheme {
            id: pick(&themes, x.a)?,
            parent: if x.b.is_multiple_of(2) { None } else { pick(&themes, x.c) },
            index: x.d % (themes.len() + 1),
        },
        16 => {
            let mut list: Vec<CodeId> =
                codes.iter().copied().filter(|c| (c.0.as_u128() as usize ^ x.b).is_multiple_of(2)).collect();
            if x.c.is_multiple_of(9) {
                list.extend(list.first().copied()); // a duplicate member: refused
            }
            Edit::SetThemeCodes { id: pick(&themes, x.a)?, codes: list }
        }
        17 => Edit::DeleteTheme { id: pick(&themes, x.a)? },
        18 => Edit::MergeThemes { from: pick(&themes, x.a)?, into: pick(&themes, x.b)? },
        19 => {
            let doc = pick(&docs, x.b)?;
            let span = span_in(doc, x.c, x.d);
            let cut = Span::new(span.start.get() + 1, (span.start.get() + 3).min(span.end.get()));
            Edit::AddQuote {
                quote: Quote {
                    id: QuoteId::from_u128(uid(4)),
                    theme: pick(&themes, x.a)?,
                    doc,
                    coding: pick(&codings, x.c),
                    props: QuoteProps {
                        span,
                        cuts: if x.a.is_multiple_of(2) && !cut.is_empty() { vec![cut] } else { vec![] },
                        insertions: vec![Insertion { at: span.start, text: "the specialist".into() }],
                        translation: "I felt seen".into(),
                        starred: x.d.is_multiple_of(2),
                        note: String::new(),
                    },
                },
                index: None,
            }
        }
        20 => {
            let id = pick(&quotes, x.a)?;
            let mut props = p.quotes[&id].props.clone();
            props.starred = !props.starred;
            props.translation = format!("v{}", x.b % 5);
            Edit::UpdateQuote { id, props }
        }
        21 => Edit::MoveQuote { id: pick(&quotes, x.a)?, theme: pick(&themes, x.b)?, index: x.c % (quotes.len() + 1) },
        22 => Edit::RemoveQuote { id: pick(&quotes, x.a)? },
        23 => {
            let target = match x.b % 5 {
                0 => MemoTarget::Journal,
                1 => MemoTarget::Document(pick(&docs, x.c)?),
                2 => MemoTarget::Code(pick(&codes, x.c)?),
                3 => MemoTarget::Theme(pick(&themes, x.c)?),
                _ => MemoTarget::Coding(pick(&codings, x.c)?),
            };
            Edit::AddMemo {
                memo: Memo {
                    id: MemoId::from_u128(uid(5)),
                    created: at,
                    author: Some(coders[x.d % 2]),
                    props: MemoProps { target, title: "Note".into(), body: "Refleksjon: møtet".into(), modified: at },
                },
                index: None,
            }
        }
        24 => {
            let id = pick(&memos, x.a)?;
            let mut props = p.memos[&id].props.clone();
            props.body.push_str(" more");
            props.modified = at;
            Edit::UpdateMemo { id, props }
        }
        25 => Edit::RemoveMemo { id: pick(&memos, x.a)? },
        26 => {
            let doc = pick(&docs, x.a)?;
            let mut turns = p.documents[&doc].turns.clone();
            if let Some(t) = turns.get_mut(x.b % 4) {
                t.participant = if x.c.is_multiple_of(2) { None } else { pick(&parts, x.d) };
            }
            Edit::SetTurns { id: doc, turns }
        }
        27 => Edit::SetDocumentRead { id: pick(&docs, x.a)?, coder: coders[x.b % 2], read: x.c.is_multiple_of(2) },
        28 => {
            let id = pick(&parts, x.a)?;
            if x.b.is_multiple_of(3) {
                Edit::RemoveParticipant { id }
            } else {
                let mut props = p.participants[&id].props.clone();
                props.attributes.insert("site".into(), ["Nordby", "Sørvik"][x.c % 2].into());
                Edit::UpdateParticipant { id, props }
            }
        }
        29 => {
            if x.b.is_multiple_of(2) {
                Edit::RemoveDocument { id: pick(&docs, x.a)? }
            } else {
                let text = if x.c.is_multiple_of(2) { TEXT_A } else { TEXT_B };
                Edit::AddDocument {
                    document: Box::new(Document::new(
                        DocId::from_u128(uid(6)),
                        format!("Doc {}", x.d % 4),
                        DocKind::FieldNotes,
                        text,
                    )),
                    index: Some(x.a % (docs.len() + 1)),
                }
            }
        }
        30 => {
            // Rename, change the kind and the metadata of a document; sometimes to an empty
            // name (refused).
            let id = pick(&docs, x.a)?;
            let mut props = p.documents[&id].props.clone();
            props.name =
                if x.b.is_multiple_of(11) { "  ".into() } else { format!("{} {}", names[x.b % names.len()], x.c % 4) };
            props.kind = [DocKind::Interview, DocKind::FocusGroup, DocKind::FieldNotes][x.c % 3];
            props.metadata.insert("sted".into(), ["Nordby", "Sørvik 😀"][x.d % 2].into());
            Edit::UpdateDocument { id, props }
        }
        31 => {
            // Sometimes one place past the end (refused).
            Edit::MoveDocument { id: pick(&docs, x.a)?, index: x.b % (docs.len() + 1) }
        }
        32 => {
            // Display edits on a quote: a replacement, a cut and an insertion; one time in
            // four the insertion falls inside the cut (refused).
            let id = pick(&quotes, x.a)?;
            let mut props = p.quotes[&id].props.clone();
            let (s, e) = (props.span.start.get(), props.span.end.get());
            let len = e - s;
            let c1 = s + x.b % len.max(1);
            let c2 = (c1 + 1 + x.c % 6).min(e);
            props.cuts = if c2 > c1 { vec![Span::new(c1, c2)] } else { vec![] };
            let at = if x.d.is_multiple_of(4) && c2 > c1 + 1 { c1 + 1 } else { s + x.d % (len + 1) };
            props.insertions = vec![
                Insertion { at: CharPos(c1), text: "sosialarbeideren".into() },
                Insertion { at: CharPos(at), text: "😀 ja".into() },
            ];
            Edit::UpdateQuote { id, props }
        }
        33 | 34 => {
            // The attribution scheme; sometimes with an unknown placeholder or a zero
            // threshold (refused).
            let mut settings = p.settings.clone();
            let q = &mut settings.quotes;
            let templates = ["J{n}", "T{n}", "CLI", "{pseudonym} ({attr:site})", "{label}", "X{nr}"];
            q.attribution.set_group(["Jobseeker", "Therapist", "Employer"][x.a % 3], templates[x.b % templates.len()]);
            q.attribution.use_pseudonyms = x.c.is_multiple_of(2);
            q.attribution.focus_group_template =
                ["{doc}, {speakers}", "{speakers}", "{doc}: {speakers"][x.d % 3].into();
            q.block_words = x.a % 60;
            Edit::SetSettings { settings }
        }
        35 => {
            // Split off some of a theme's codes (sometimes none, or a code it does not
            // have: refused) and maybe one of its subthemes.
            let id = pick(&themes, x.a)?;
            let t = &p.themes[&id];
            let mut new = Theme::new(ThemeId::from_u128(uid(7)), format!("Split {}", x.b % 9));
            new.codes = t.codes.iter().copied().filter(|c| (c.0.as_u128() as usize ^ x.c).is_multiple_of(2)).collect();
            if x.d.is_multiple_of(7) {
                new.codes.extend(some_code(x.d));
            }
            new.parent = if x.b.is_multiple_of(3) { t.parent } else { Some(id) };
            let subs: Vec<ThemeId> = p.theme_children(Some(id)).map(|s| s.id).collect();
            let subthemes = if x.d.is_multiple_of(2) { pick(&subs, x.c).into_iter().collect() } else { Vec::new() };
            Edit::SplitTheme { id, new: Box::new(new), subthemes }
        }
        36 => Edit::SetReviewMark {
            theme: pick(&themes, x.a)?,
            coding: if x.b.is_multiple_of(13) { CodingId::from_u128(uid(8)) } else { pick(&codings, x.b)? },
            mark: [None, Some(Fit::Fits), Some(Fit::DoesNotFit)][x.c % 3],
        },
        37 => {
            let id = pick(&themes, x.a)?;
            let code = if x.b.is_multiple_of(2) { None } else { some_code(x.b) };
            let pos = if x.c.is_multiple_of(5) {
                None
            } else {
                Some(MapPos { x: (x.c % 800) as i32 - 400, y: (x.d % 600) as i32 })
            };
            Edit::SetMapPosition { theme: id, code, pos }
        }
        38 => {
            // A consensus entry; sometimes invalid (sides that do not fit the kind, a span
            // past the end of the text, a coder compared with themself).
            let doc = pick(&docs, x.a)?;
            let kind = DifferenceKind::ALL[x.b % 4];
            let (has_a, has_b) = kind.sides();
            let has_a = if x.c.is_multiple_of(7) { !has_a } else { has_a };
            let snapshot = |n: usize, m: usize, k: u128| CodingSnapshot {
                coding: CodingId::from_u128(uid(k)),
                span: span_in(doc, n, m),
                code: pick(&codes, n).unwrap_or(CodeId::from_u128(30)),
                code_name: "Stemme".into(),
            };
            let resolution = match x.d % 4 {
                0 => Resolution::KeepA,
                1 => Resolution::KeepB,
                2 => Resolution::Both,
                _ => Resolution::NewCode {
                    code: some_code(x.d)?,
                    code_name: "Ærlighet".into(),
                    span: span_in(doc, x.d, x.c),
                },
            };
            Edit::AddConsensus {
                entry: Box::new(ConsensusEntry {
                    id: ConsensusId::from_u128(uid(7)),
                    doc,
                    coder_a: coders[0],
                    coder_b: coders[usize::from(!x.d.is_multiple_of(19))],
                    kind,
                    a: has_a.then(|| snapshot(x.b, x.c, 8)),
                    b: has_b.then(|| snapshot(x.c, x.d, 9)),
                    resolution,
                    target: coders[x.a % 2],
                    note: if x.b.is_multiple_of(2) { "Vi ble enige 😀".into() } else { String::new() },
                    author: Some(coders[x.c % 2]),
                    at,
                }),
                index: if x.c.is_multiple_of(3) { Some(x.d % (p.consensus.len() + 2)) } else { None },
            }
        }
        39 => {
            let id = pick(&p.consensus.keys().copied().collect::<Vec<_>>(), x.a)?;
            Edit::UpdateConsensus { id, note: format!("Ny merknad {}", x.b % 5) }
        }
        40 => Edit::RemoveConsensus { id: pick(&p.consensus.keys().copied().collect::<Vec<_>>(), x.a)? },
        41 => {
            // A summary of a cell; sometimes of an unknown theme or document (refused).
            let row = if x.a.is_multiple_of(3) {
                RowKey::Code(pick(&codes, x.b)?)
            } else if x.a.is_multiple_of(17) {
                RowKey::Theme(ThemeId::from_u128(uid(998)))
            } else {
                RowKey::Theme(pick(&themes, x.b)?)
            };
            let column = match x.c % 5 {
                0 => ColumnKey::value("group", "Jobseeker"),
                1 => ColumnKey::value("site", ["Nordby", "Sørvik", ""][x.d % 3]),
                2 => ColumnKey::Unattributed { attribute: "group".into() },
                3 => ColumnKey::Document { id: pick(&docs, x.d)? },
                _ => ColumnKey::Document { id: DocId::from_u128(uid(997)) },
            };
            let text = ["", "They feel talked about 😀", "Ærlig: møtene hjelper", "  "][x.d % 4];
            Edit::SetCellSummary { row, column, text: text.into() }
        }
        42 => {
            let row = if x.a.is_multiple_of(3) {
                RowKey::Code(pick(&codes, x.b)?)
            } else {
                RowKey::Theme(pick(&themes, x.b)?)
            };
            let across = match x.c % 3 {
                0 => Dimension::group(),
                1 => Dimension::attribute("site"),
                _ => Dimension::Document,
            };
            let mark = if x.d.is_multiple_of(5) { None } else { Some(RowMark::ALL[x.d % 4]) };
            Edit::SetRowMark { row, across, mark }
        }
        43 => {
            // A new coder; one time in five with a slug that is not a file name (refused).
            let slug = if x.b.is_multiple_of(5) { "../out".to_string() } else { format!("coder-{}", fresh.step) };
            Edit::AddCoder {
                coder: Coder {
                    id: CoderId::from_u128(uid(10)),
                    name: format!("{} {}", ["Åse", "Ola", "Kari"][x.a % 3], x.c % 4),
                    colour: palette_colour(x.d),
                    slug,
                },
                index: if x.c.is_multiple_of(2) { Some(x.d % (p.coders.len() + 2)) } else { None },
            }
        }
        44 => {
            // Rename or recolour a coder, or remove one (refused while it has codings).
            let all: Vec<CoderId> = p.coders.keys().copied().collect();
            let id = pick(&all, x.a)?;
            if x.b.is_multiple_of(3) {
                Edit::RemoveCoder { id }
            } else {
                let name = if x.c.is_multiple_of(13) { String::new() } else { format!("Koder {}", x.c % 6) };
                Edit::UpdateCoder { id, name, colour: palette_colour(x.d) }
            }
        }
        45 => {
            let mut part = Participant::new(
                ParticipantId::from_u128(uid(11)),
                format!("{}{}", ["J", "T", "S"][x.a % 3], x.b % 9),
                ["Jobseeker", "Therapist", ""][x.c % 3],
            );
            part.props.aliases = if x.d.is_multiple_of(2) { vec!["Ærlig".into()] } else { Vec::new() };
            Edit::AddParticipant {
                participant: part,
                index: if x.b.is_multiple_of(2) { Some(x.d % (parts.len() + 2)) } else { None },
            }
        }
        46..=48 => {
            // A text correction: one or two replacements planned by the core (which clamps
            // what they touch); one time in seven the bare edit without new places for what
            // it touches (refused when anything touches the changed text).
            let doc = pick(&docs, x.a)?;
            let len = p.documents[&doc].char_len;
            let texts = ["", "ø", "the specialist", "møte 😀\n", "x", "J9: "];
            let first = span_in(doc, x.b, x.c % 8);
            let mut changes = vec![TextChange { span: first, text: texts[x.d % texts.len()].into() }];
            if x.b.is_multiple_of(3) && len > 0 {
                let at = (first.end.get() + 2 + x.c % 30).min(len);
                changes.push(TextChange { span: Span::new(at, at), text: texts[(x.d / 7) % texts.len()].into() });
            }
            if x.d.is_multiple_of(7) {
                Edit::ReplaceText { doc, changes, respans: Default::default() }
            } else {
                crate::edit::plan_text_correction(p, doc, changes).ok()?.edit
            }
        }
        49 => {
            let doc = pick(&docs, x.a)?;
            let change = crate::edit::DocumentChange {
                name: x.b.is_multiple_of(3).then(|| format!("Renamed {}", x.c % 3)),
                kind: Some(DocKind::ALL[x.c % 4]),
                language: Some([None, Some(Language::Norwegian), Some(Language::English)][x.d % 3]),
                attributes: vec![("site".into(), ["Nordby", "", "Sørvik"][x.b % 3].into())],
                add_sets: vec![["Wave 1", "Site Nordby"][x.c % 2].into()],
                remove_sets: if x.d.is_multiple_of(2) { vec!["wave 1".into()] } else { vec![] },
            };
            change.edit(p, doc).ok()??
        }
        50 => {
            // A note on a passage (sometimes past the end of the text: refused).
            let doc = pick(&docs, x.a)?;
            Edit::AddMemo {
                memo: Memo {
                    id: MemoId::from_u128(uid(7)),
                    created: at,
                    author: Some(coders[x.d % 2]),
                    props: MemoProps {
                        target: MemoTarget::Passage { doc, span: span_in(doc, x.b, x.c) },
                        title: String::new(),
                        body: "Check the recording here".into(),
                        modified: at,
                    },
                },
                index: None,
            }
        }
        51 => Edit::MoveDocument { id: pick(&docs, x.a)?, index: x.b % (docs.len() + 1) },
        53 => {
            // Two codings in one edit (as an import adds them); equal ids or a clash make
            // the whole edit fail and change nothing.
            let mut codings = Vec::new();
            for (k, y) in [(0, x.clone()), (1, Action { a: x.b, b: x.c, c: x.d, d: x.a, ..x.clone() })] {
                if let Some(Edit::AddCoding { coding }) =
                    edit_for(p, fresh.later(2_000_000 + k), &Action { kind: 6, ..y })
                {
                    codings.push(coding);
                }
            }
            Edit::AddCodings { codings }
        }
        54 => {
            // Up to two existing codings (memos on them go too).
            let mut ids = vec![pick(&codings, x.a)?];
            if let Some(second) = pick(&codings, x.b).filter(|b| !ids.contains(b)) {
                ids.push(second);
            }
            Edit::RemoveCodings { ids }
        }
        _ => {
            // A batch of two coding actions: both apply or neither does.
            let first = edit_for(p, fresh, &Action { kind: 6, ..x.clone() })?;
            let second = edit_for(p, fresh.later(1_000_000), &Action { kind: 11, a: x.b, ..x.clone() })
                .unwrap_or_else(|| Edit::SetDocumentRead { id: DocId::from_u128(20), coder: coders[0], read: true });
            Edit::batch("two at once", vec![first, second])
        }
    })
}

/// The action kinds that generate each `Edit` variant. The match is exhaustive on purpose:
/// a new variant does not compile until it is given a kind here (and a case in [`edit_for`],
/// which the property tests check by applying every variant at least once).
pub fn kinds_of(edit: &Edit) -> &'static [u8] {
    match edit {
        Edit::Batch { .. } => &[52],
        Edit::ReplaceText { .. } => &[46, 47, 48],
        Edit::SetSettings { .. } => &[33, 34],
        Edit::AddDocument { .. } | Edit::RemoveDocument { .. } => &[29],
        Edit::UpdateDocument { .. } => &[30, 49],
        Edit::MoveDocument { .. } => &[31, 51],
        Edit::SetDocumentRead { .. } => &[27],
        Edit::SetTurns { .. } => &[26],
        Edit::AddParticipant { .. } => &[45],
        Edit::UpdateParticipant { .. } | Edit::RemoveParticipant { .. } => &[28],
        Edit::AddCoder { .. } => &[43],
        Edit::UpdateCoder { .. } | Edit::RemoveCoder { .. } => &[44],
        Edit::CreateCode { .. } => &[0, 1],
        Edit::UpdateCode { .. } => &[2],
        Edit::MoveCode { .. } => &[3],
        Edit::DeleteCode { .. } => &[4],
        Edit::MergeCodes { .. } => &[5],
        Edit::AddCoding { .. } => &[6, 7, 8, 9],
        Edit::UpdateCoding { .. } => &[10],
        Edit::RemoveCoding { .. } => &[11],
        Edit::AddCodings { .. } => &[53],
        Edit::RemoveCodings { .. } => &[54],
        Edit::CreateTheme { .. } => &[12, 13],
        Edit::UpdateTheme { .. } => &[14],
        Edit::MoveTheme { .. } => &[15],
        Edit::SetThemeCodes { .. } => &[16],
        Edit::DeleteTheme { .. } => &[17],
        Edit::MergeThemes { .. } => &[18],
        Edit::SplitTheme { .. } => &[35],
        Edit::SetReviewMark { .. } => &[36],
        Edit::SetMapPosition { .. } => &[37],
        Edit::AddQuote { .. } => &[19],
        Edit::UpdateQuote { .. } => &[20, 32],
        Edit::MoveQuote { .. } => &[21],
        Edit::RemoveQuote { .. } => &[22],
        Edit::AddMemo { .. } => &[23, 50],
        Edit::UpdateMemo { .. } => &[24],
        Edit::RemoveMemo { .. } => &[25],
        Edit::AddConsensus { .. } => &[38],
        Edit::UpdateConsensus { .. } => &[39],
        Edit::RemoveConsensus { .. } => &[40],
        Edit::SetCellSummary { .. } => &[41],
        Edit::SetRowMark { .. } => &[42],
    }
}
