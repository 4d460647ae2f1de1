//! Triangulation benchmark (issue 7): a synthetic study of 2 M words — 150 interviews, 30
//! focus groups of 6–8 speakers with a moderator, 20 field notes — with 170 participants in
//! 8 groups, 500 codes, 40 themes (10 main themes with 3 subthemes each) and 50,000 codings,
//! a tenth of them crossing a speaker turn. Run with `cargo bench --bench matrix`
//! (`TEMA_BENCH_WORDS=200000` for a smaller study with the codings scaled alike, to try it in
//! a debug build).
//!
//! Target: the full matrix of 40 themes × 8 groups in < 20 ms, and cached between edits that
//! do not touch it. The same project then times the theme analyses (board counts, review,
//! phase tracker, thematic map), and what each figure the app keeps per document costs after
//! an edit against its full recomputation in the same process (issue 21).

mod common;
use common::{WORDS, rng};
use std::time::{Duration, Instant};
use tema::analysis::themes::GroupBy;
use tema::analysis::*;
use tema::edit::Edit;
use tema::export::table::{CellContent, TableFormat, export};
use tema::model::*;

/// Words in the whole study (`TEMA_BENCH_WORDS`, 2 M by default); codings scale with it.
fn words() -> usize {
    std::env::var("TEMA_BENCH_WORDS").ok().and_then(|w| w.parse().ok()).unwrap_or(2_000_000)
}

fn words_per_doc() -> usize {
    (words() / (INTERVIEWS + FOCUS_GROUPS + FIELD_NOTES)).max(500)
}

fn coding_count() -> usize {
    (CODINGS as f64 * words() as f64 / 2_000_000.0).round() as usize
}

const INTERVIEWS: usize = 150;
const FOCUS_GROUPS: usize = 30;
const FIELD_NOTES: usize = 20;
const GROUPS: usize = 8;
const PER_GROUP: usize = 21;
const CODES: usize = 500;
const MAIN_THEMES: usize = 10;
const SUBTHEMES: usize = 3;
const CODINGS: usize = 50_000;

/// A transcript of ~10,000 words whose turns go round `speakers` (`None`: field notes, one
/// paragraph after another with no turns).
fn transcript(seed: u64, speakers: Option<&[(String, ParticipantId)]>) -> (String, Vec<Turn>) {
    let mut s = seed | 1;
    let (mut text, mut turns, mut words, mut chars, mut k) = (String::new(), Vec::new(), 0, 0, 0);
    while words < words_per_doc() {
        let who = speakers.map(|list| &list[k % list.len()]);
        let mut line = who.map(|(name, _)| format!("{name}: ")).unwrap_or_default();
        let n = 20 + rng(&mut s) % 80;
        for _ in 0..n {
            line.push_str(WORDS[(rng(&mut s) % WORDS.len() as u64) as usize]);
            line.push(' ');
        }
        line.push_str("\n\n");
        let len = line.chars().count();
        if let Some((name, id)) = who {
            turns.push(Turn {
                span: Span::new(chars, chars + len),
                speaker: name.clone(),
                participant: Some(*id),
                start_ms: None,
                end_ms: None,
            });
        }
        chars += len;
        words += n as usize;
        text.push_str(&line);
        k += 1;
    }
    (text, turns)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Median and worst of `runs` timings of `f`.
fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, f64, T) {
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let out = f();
        times.push(t.elapsed());
        last = Some(out);
    }
    times.sort();
    let out = last.unwrap_or_else(f);
    (ms(times[times.len() / 2]), ms(times[times.len() - 1]), out)
}

/// Timings of one figure after each edit: kept (parts of the edited document worked again)
/// and recomputed from scratch.
#[derive(Default)]
struct KeptVsFull {
    kept: Vec<Duration>,
    full: Vec<Duration>,
}

impl KeptVsFull {
    fn line(&mut self, what: &str) {
        self.kept.sort();
        self.full.sort();
        let (n, k, f) = (self.kept.len(), &self.kept, &self.full);
        println!(
            "{what} after one new coding: kept {:.2} ms (worst {:.2}), from scratch {:.1} ms (worst {:.1})",
            ms(k[n / 2]),
            ms(k[n - 1]),
            ms(f[n / 2]),
            ms(f[n - 1])
        );
    }
}

/// Times `f`, returning what it made.
fn timed<T>(into: &mut Vec<Duration>, f: impl FnOnce() -> T) -> T {
    let t = Instant::now();
    let out = f();
    into.push(t.elapsed());
    out
}

/// Each kept figure after a new coding, against its recomputation from scratch (issue 21).
fn kept_after_edits(
    p: &mut Project,
    docs: &[(DocId, usize, Vec<Span>)],
    coder: CoderId,
    theme: Option<ThemeId>,
    s: &mut u64,
) -> Result<(), Box<dyn std::error::Error>> {
    use tema::analysis::cooccurrence::CooccurrenceCache;
    use tema::analysis::themes::{ReviewCache, review, summaries};
    let Some(theme) = theme else { return Ok(()) };
    let all = CoderScope::All;
    let theme_code = tema::analysis::themes::theme_codes(p, theme).first().map(|(c, _)| *c);
    let Some(code) = theme_code else { return Ok(()) };
    let matrix_options = MatrixOptions::default();
    let turn = CooccurrenceOptions { scope: Scope::Turn, ..Default::default() };
    let overlap = CooccurrenceOptions { scope: Scope::Overlap, ..Default::default() };
    // The keepers as the app holds them, warmed by a first look (the cold build).
    let mut index = AttributionIndex::default();
    let mut counts = CodeCounts::default();
    let mut matrix = MatrixCache::new();
    let (mut co_turn, mut co_overlap) = (CooccurrenceCache::default(), CooccurrenceCache::default());
    let mut kept_review = ReviewCache::default();
    let t = Instant::now();
    counts.refresh(p, &mut index, &all);
    matrix.get(p, &matrix_options);
    co_turn.get(p, matrix.index(), &turn);
    co_overlap.get(p, matrix.index(), &overlap);
    kept_review.get(p, theme, GroupBy::Subtheme, &all);
    println!("every kept figure built cold (two attribution indexes, as the app has): {:.1} ms", ms(t.elapsed()));
    let [mut attribution, mut codebook, mut board, mut m, mut ct, mut co, mut rv, mut ph] =
        std::array::from_fn(|_| KeptVsFull::default());
    for i in 0..11 {
        let (doc, len, _) = &docs[(i * 19 + 11) % docs.len()];
        let start = (rng(s) % (*len as u64 - 100)) as usize;
        p.apply(Edit::AddCoding {
            coding: Coding {
                id: CodingId::new(),
                doc: *doc,
                span: Span::new(start, start + 70),
                code,
                coder,
                created: chrono::Utc::now(),
                comment: String::new(),
            },
        })?;
        let p: &Project = p;
        timed(&mut attribution.kept, || index.refresh(p));
        timed(&mut attribution.full, || AttributionIndex::build(p));
        let kept = timed(&mut codebook.kept, || {
            counts.refresh(p, &mut index, &all);
            counts.extracts()
        });
        let full = timed(&mut codebook.full, || tema::analysis::scope::extract_counts(p, &all));
        assert_eq!(kept, full, "codebook counts");
        let kept = timed(&mut board.kept, || counts.summaries(p));
        let full = timed(&mut board.full, || summaries(p, &all));
        assert_eq!(kept, full, "board counts");
        let kept = timed(&mut m.kept, || matrix.get(p, &matrix_options));
        let full = timed(&mut m.full, || Matrix::build(p, &matrix_options));
        assert_eq!(*kept, full, "matrix");
        for (options, cache, times) in [(&turn, &mut co_turn, &mut ct), (&overlap, &mut co_overlap, &mut co)] {
            let kept = timed(&mut times.kept, || cache.get(p, matrix.fresh_index(p), options));
            let full = timed(&mut times.full, || Cooccurrence::build(p, options));
            assert_eq!(*kept, full, "co-occurrence");
        }
        let kept = timed(&mut rv.kept, || kept_review.get(p, theme, GroupBy::Subtheme, &all));
        let full = timed(&mut rv.full, || review(p, theme, GroupBy::Subtheme, &all));
        assert_eq!(*kept, full, "review");
        // The phase tracker keeps nothing: it asks the codings indexes, once per edit.
        timed(&mut ph.kept, || tema::analysis::phases::tracker(p, &all));
        timed(&mut ph.full, || tema::analysis::phases::tracker(p, &all));
    }
    attribution.line("attribution index (one document re-attributed)");
    codebook.line("codebook counts (index refresh included)");
    board.line("board counts (from the kept code totals)");
    m.line("matrix (index refresh included)");
    ct.line("co-occurrence, same turn");
    co.line("co-occurrence, overlap");
    let extracts = kept_review.get(p, theme, GroupBy::Subtheme, &all).extracts.len();
    rv.line(&format!("review of the largest theme ({extracts} extracts)"));
    ph.line("phase tracker (nothing kept; both columns recompute)");
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let built = Instant::now();
    let mut p = Project::new("Benchmark");
    let mut s = 7u64;
    let coder = p.new_coder("Bench");
    let coder_id = coder.id;
    let mut edits = vec![Edit::AddCoder { coder, index: None }];
    let groups =
        ["Jobseeker", "Therapist", "Social worker", "Employer", "Supervisor", "Counsellor", "Mentor", "Family"];
    let mut by_group: Vec<Vec<ParticipantId>> = vec![Vec::new(); GROUPS];
    for (g, group) in groups.iter().enumerate() {
        for i in 0..PER_GROUP {
            let mut x = Participant::new(ParticipantId::new(), format!("{}{}", &group[..1], g * 100 + i), *group);
            x.props.attributes.insert("site".into(), ["Nordby", "Sørvik", "Vestby"][i % 3].into());
            by_group[g].push(x.id);
            edits.push(Edit::AddParticipant { participant: x, index: None });
        }
    }
    let interviewer = Participant {
        id: ParticipantId::new(),
        props: ParticipantProps { label: "Interviewer".into(), interviewer: true, ..Default::default() },
    };
    let interviewer_id = interviewer.id;
    edits.push(Edit::AddParticipant { participant: interviewer, index: None });
    let mut docs: Vec<(DocId, usize, Vec<Span>)> = Vec::new();
    let total_docs = INTERVIEWS + FOCUS_GROUPS + FIELD_NOTES;
    for i in 0..total_docs {
        let (kind, speakers): (DocKind, Option<Vec<(String, ParticipantId)>>) = if i < INTERVIEWS {
            let who = by_group[i % GROUPS][(i / GROUPS) % PER_GROUP];
            (DocKind::Interview, Some(vec![("Interviewer".into(), interviewer_id), ("P".into(), who)]))
        } else if i < INTERVIEWS + FOCUS_GROUPS {
            let n = 6 + rng(&mut s) as usize % 3;
            let mut list = vec![("Moderator".to_string(), interviewer_id)];
            for k in 0..n {
                let g = (i + k) % GROUPS;
                list.push((format!("S{k}"), by_group[g][(i + 3 * k) % PER_GROUP]));
            }
            (DocKind::FocusGroup, Some(list))
        } else {
            (DocKind::FieldNotes, None)
        };
        let (text, turns) = transcript(i as u64 + 1, speakers.as_deref());
        let mut d = Document::new(DocId::new(), format!("D{i:03}"), kind, text);
        d.turns = turns;
        docs.push((d.id, d.char_len, d.turns.iter().map(|t| t.span).collect()));
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
    // 40 themes: each main theme and subtheme holds 10 codes; codes 400–499 are in none.
    let mut themes = 0;
    for m in 0..MAIN_THEMES {
        let main = ThemeId::new();
        let mut t = Theme::new(main, format!("Theme {m}"));
        t.codes = (0..10).map(|k| codes[50 + themes * 10 + k]).collect();
        themes += 1;
        edits.push(Edit::CreateTheme { theme: t, index: None });
        for sub in 0..SUBTHEMES {
            let mut t = Theme::new(ThemeId::new(), format!("Theme {m}.{sub}"));
            t.parent = Some(main);
            t.codes = (0..10).map(|k| codes[50 + themes * 10 + k]).collect();
            themes += 1;
            edits.push(Edit::CreateTheme { theme: t, index: None });
        }
    }
    p.apply(Edit::batch("study", edits))?;
    let mut codings = Vec::with_capacity(coding_count());
    // A coder codes a passage with a code once: redraw the code on a repeat.
    let mut taken = std::collections::HashSet::new();
    for n in 0..coding_count() {
        let (doc, len, turns) = &docs[(rng(&mut s) % total_docs as u64) as usize];
        let span = if n % 10 == 0 && turns.len() > 2 {
            // Across a turn boundary: the end of one turn into the next.
            let k = (rng(&mut s) as usize) % (turns.len() - 1);
            Span::new(turns[k].end.get() - 30, turns[k].end.get() + 40)
        } else {
            let start = (rng(&mut s) % (*len as u64 - 400)) as usize;
            Span::new(start, start + 20 + (rng(&mut s) % 300) as usize)
        };
        let mut code = codes[(rng(&mut s) % CODES as u64) as usize];
        while !taken.insert((*doc, span, code)) {
            code = codes[(rng(&mut s) % CODES as u64) as usize];
        }
        codings.push(Edit::AddCoding {
            coding: Coding {
                id: CodingId::new(),
                doc: *doc,
                span,
                code,
                coder: coder_id,
                created: chrono::Utc::now(),
                comment: String::new(),
            },
        });
    }
    p.apply(Edit::batch("codings", codings))?;
    println!(
        "project: {} documents, {} words, {} participants, {} codes, {} themes, {} codings; built in {:.1} s",
        p.documents.len(),
        p.word_count(),
        p.participants.len(),
        p.codes.len(),
        p.themes.len(),
        p.codings.len(),
        built.elapsed().as_secs_f64()
    );

    let options = MatrixOptions::default();
    let (med, worst, index) = time(7, || AttributionIndex::build(&p));
    println!("attribute every coding (index, cold): median {med:.1} ms, worst {worst:.1} ms");
    let (med, worst, m) = time(21, || Matrix::build_with(&p, &index, &options));
    println!(
        "matrix {} themes × {} columns from the index: median {med:.1} ms, worst {worst:.1} ms (target < 20 ms)",
        m.rows.len(),
        m.columns.len()
    );
    let (med, worst, _) = time(7, || Matrix::build(&p, &options));
    println!("matrix from scratch (index + matrix): median {med:.1} ms, worst {worst:.1} ms");
    let by_site = MatrixOptions { columns: Dimension::attribute("site"), ..Default::default() };
    let (med, _, _) = time(7, || Matrix::build_with(&p, &index, &by_site));
    println!("matrix by site: median {med:.1} ms");
    let by_doc = MatrixOptions { columns: Dimension::Document, ..Default::default() };
    let (med, _, m) = time(7, || Matrix::build_with(&p, &index, &by_doc));
    println!("matrix by document ({} columns): median {med:.1} ms", m.columns.len());
    let codes_opts = MatrixOptions { rows: RowSource::Codes, ..Default::default() };
    let (med, _, m) = time(7, || Matrix::build_with(&p, &index, &codes_opts));
    println!("matrix of {} codes × groups: median {med:.1} ms", m.rows.len());

    // The cache, as a view calls it every frame.
    let mut cache = MatrixCache::new();
    cache.get(&p, &options);
    let (med, worst, _) = time(1001, || cache.get(&p, &options));
    println!("cached matrix, nothing changed: median {:.4} ms, worst {:.4} ms", med, worst);
    let mut after_edit = Vec::new();
    for i in 0..21 {
        let (doc, len, _) = &docs[i * 7 % total_docs];
        let start = (rng(&mut s) % (*len as u64 - 100)) as usize;
        p.apply(Edit::AddCoding {
            coding: Coding {
                id: CodingId::new(),
                doc: *doc,
                span: Span::new(start, start + 50),
                code: codes[50 + i],
                coder: coder_id,
                created: chrono::Utc::now(),
                comment: String::new(),
            },
        })?;
        let t = Instant::now();
        cache.get(&p, &options);
        after_edit.push(t.elapsed());
    }
    after_edit.sort();
    println!(
        "matrix after one new coding (re-attribute one document + rebuild): median {:.1} ms, worst {:.1} ms",
        ms(after_edit[10]),
        ms(after_edit[20])
    );

    let m = cache.get(&p, &options);
    let (row, col) = (0..m.rows.len())
        .flat_map(|r| (0..m.columns.len()).map(move |c| (r, c)))
        .max_by_key(|(r, c)| m.rows[*r].cells[*c].extracts.len())
        .unwrap_or((0, 0));
    let (med, _, extracts) = time(7, || m.extracts(&p, row, col));
    println!("open the largest cell ({} extracts with speaker labels): median {med:.1} ms", extracts.len());

    for scope in [Scope::Overlap, Scope::Turn] {
        let o = CooccurrenceOptions { scope, ..Default::default() };
        let (med, _, co) = time(5, || Cooccurrence::build_with(&p, cache.index(), &o));
        println!("co-occurrence ({scope:?}): {} pairs, median {med:.1} ms", co.pairs.len());
    }
    // What the co-occurrence tab pays after an edit: the index refreshed for the one
    // document touched, then the table (same-turn, the dearer scope).
    let turn = CooccurrenceOptions { scope: Scope::Turn, ..Default::default() };
    let mut after = Vec::new();
    for i in 0..11 {
        let (doc, len, _) = &docs[(i * 13 + 5) % total_docs];
        let start = (rng(&mut s) % (*len as u64 - 100)) as usize;
        p.apply(Edit::AddCoding {
            coding: Coding {
                id: CodingId::new(),
                doc: *doc,
                span: Span::new(start, start + 60),
                code: codes[100 + i],
                coder: coder_id,
                created: chrono::Utc::now(),
                comment: String::new(),
            },
        })?;
        let t = Instant::now();
        std::hint::black_box(Cooccurrence::build_with(&p, cache.fresh_index(&p), &turn));
        after.push(t.elapsed());
    }
    after.sort();
    println!(
        "co-occurrence (Turn) after one new coding, as the tab rebuilds it: median {:.1} ms, worst {:.1} ms",
        ms(after[5]),
        ms(after[10])
    );
    let m = cache.get(&p, &options);
    for format in TableFormat::ALL {
        let (med, _, bytes) = time(5, || export(&m, CellContent::Participants, format));
        println!("export {:?} ({} bytes): median {med:.1} ms", format, bytes?.len());
    }

    // The theme analyses (issue 6) on the same project: what the Themes board, Review mode,
    // the Phase tracker and the Thematic map compute.
    println!();
    let (med, worst, sums) = time(7, || tema::analysis::themes::summaries(&p, &Default::default()));
    println!(
        "counts for all {} themes (board), attributing every coding from scratch: median {med:.1} ms, worst {worst:.1} ms",
        sums.len()
    );
    // What the board pays after an edit: its index refreshed for the one document touched
    // (re-attributed and merged again), then the counts from the extracts the index keeps.
    let mut board = cache.index().clone();
    let mut after = Vec::new();
    for i in 0..11 {
        let (doc, len, _) = &docs[(i * 17 + 3) % total_docs];
        let start = (rng(&mut s) % (*len as u64 - 100)) as usize;
        p.apply(Edit::AddCoding {
            coding: Coding {
                id: CodingId::new(),
                doc: *doc,
                span: Span::new(start, start + 40),
                code: codes[150 + i],
                coder: coder_id,
                created: chrono::Utc::now(),
                comment: String::new(),
            },
        })?;
        let t = Instant::now();
        board.refresh(&p);
        let counts = tema::analysis::themes::summaries_with(&p, &board, &Default::default());
        after.push(t.elapsed());
        assert_eq!(counts, tema::analysis::themes::summaries(&p, &Default::default()), "the same figures");
    }
    after.sort();
    println!(
        "board counts after one new coding (refresh one document + counts): median {:.1} ms, worst {:.1} ms",
        ms(after[5]),
        ms(after[10])
    );
    let largest = sums.iter().max_by_key(|s| s.extracts).map(|s| s.id);
    if let Some(theme) = largest {
        for by in [GroupBy::Subtheme, GroupBy::Code, GroupBy::Participant] {
            let (med, worst, r) = time(7, || tema::analysis::themes::review(&p, theme, by, &Default::default()));
            println!(
                "review of the largest theme by {by:?} ({} extracts, {} groups): median {med:.1} ms, worst {worst:.1} ms",
                r.extracts.len(),
                r.groups.len()
            );
        }
    }
    let (med, worst, phases) = time(7, || tema::analysis::phases::tracker(&p, &Default::default()));
    println!("phase tracker ({} phases): median {med:.1} ms, worst {worst:.1} ms", phases.len());
    let (med, worst, map) = time(7, || tema::analysis::map::ThematicMap::build(&p, false));
    println!("thematic map layout ({} nodes): median {med:.2} ms, worst {worst:.2} ms", map.nodes.len());
    let (med, _, svg) = time(7, || tema::export::map::svg(&map, "Benchmark"));
    println!("thematic map SVG ({} bytes): median {med:.2} ms", svg.len());
    let (med, _, png) = time(3, || tema::export::image::svg_to_png(&svg, 2.0));
    println!("thematic map PNG at 2× ({} bytes, on a worker in the app): median {med:.0} ms", png?.len());

    // Kept figures after an edit (issue 21): each figure the app keeps per document, asked
    // after one new coding as the open view asks, against its full recomputation, checked
    // equal every time. The coding goes to a code of the largest theme, so the review changes.
    println!();
    kept_after_edits(&mut p, &docs, coder_id, largest, &mut s)?;

    // Coder scope (issue 14): a second coder, Tom, codes 10,000 passages Ingrid coded with the
    // same code — 3,000 identically, 7,000 shifted by 10 characters (overlapping) — so
    // extracts merge across coders. Then the cost of switching the status bar's Coders switch:
    // every analysis an open view shows, recomputed for the new scope from the attribution
    // index the app keeps.
    println!();
    let tom = p.new_coder("Tom");
    let tom_id = tom.id;
    p.apply(Edit::AddCoder { coder: tom, index: None })?;
    let ingrid: Vec<Coding> =
        p.codings.values().filter(|c| c.coder == coder_id).step_by(4).take(10_000).cloned().collect();
    let mut again = Vec::with_capacity(ingrid.len());
    for (i, c) in ingrid.iter().enumerate() {
        let shift = if i % 10 < 3 { 0 } else { 10 };
        let len = p.documents.get(&c.doc).map_or(0, |d| d.char_len);
        let span = Span::new(c.span.start.get() + shift, (c.span.end.get() + shift).min(len));
        again.push(Edit::AddCoding {
            coding: Coding { id: CodingId::new(), span, coder: tom_id, created: chrono::Utc::now(), ..c.clone() },
        });
    }
    p.apply(Edit::batch("Tom's codings", again))?;
    let mut index = AttributionIndex::build(&p);
    index.refresh(&p);
    let all = CoderScope::All;
    let total: usize = tema::analysis::scope::extract_counts(&p, &all).values().sum();
    assert_eq!(CodeCounts::build(&p, &all).extracts().values().sum::<usize>(), total);
    println!("{} codings by two coders make {total} extracts", p.codings.len());
    for (name, scope) in
        [("all coders", all), ("only Tom", CoderScope::only(tom_id)), ("only Ingrid", CoderScope::only(coder_id))]
    {
        let (m_med, m_worst, _) =
            time(7, || Matrix::build_with(&p, &index, &MatrixOptions { coders: scope.clone(), ..Default::default() }));
        let (b_med, b_worst, _) = time(7, || tema::analysis::themes::summaries_with(&p, &index, &scope));
        // The codebook's counts as the app's cache computes them after a switch: every
        // document's part counted again from its attribution index.
        let (c_med, c_worst, _) = time(7, || {
            let mut counts = CodeCounts::default();
            counts.refresh_with(&p, &index, &scope);
            counts.extracts()
        });
        let (o_med, o_worst, _) = time(5, || {
            Cooccurrence::build_with(&p, &index, &CooccurrenceOptions { coders: scope.clone(), ..Default::default() })
        });
        let (t_med, t_worst, _) = time(7, || tema::analysis::phases::tracker(&p, &scope));
        println!(
            "switch to {name}: matrix {m_med:.1} ms (worst {m_worst:.1}), board counts {b_med:.1} ({b_worst:.1}), \
             codebook counts {c_med:.1} ({c_worst:.1}), co-occurrence {o_med:.1} ({o_worst:.1}), phases {t_med:.1} ({t_worst:.1}); \
             all of them {:.1} ms (worst {:.1})",
            m_med + b_med + c_med + o_med + t_med,
            m_worst + b_worst + c_worst + o_worst + t_worst
        );
    }
    Ok(())
}
