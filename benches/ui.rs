//! The document view at transcript scale, headless: egui context runs plus tessellation, no
//! GPU. A generated 60,000-word interview with 1,000 codings; prints frame times.
//!
//!     cargo bench --bench ui

use egui::{Event, MouseWheelUnit, RawInput, Rect, pos2, vec2};
use std::time::{Duration, Instant};
use tema::edit::{Edit, History};
use tema::model::*;
use tema::ui::cache::Cache;
use tema::ui::views::document::DocumentView;
use tema::ui::{Selection, Tokens, View, ViewCtx};

const WORDS: usize = 60_000;
const CODINGS: usize = 1_000;

/// A small deterministic generator (no dependency needed for this).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn project() -> Result<(Project, DocId), tema::edit::EditError> {
    let vocab = [
        "the",
        "meeting",
        "and",
        "I",
        "was",
        "job",
        "social",
        "worker",
        "therapist",
        "we",
        "talked",
        "about",
        "møtet",
        "på",
        "fredag",
        "gikk",
        "bra",
        "they",
        "didn't",
        "listen",
        "really",
        "money",
        "benefits",
        "plan",
        "næringsliv",
        "employer",
        "scared",
        "work",
        "again",
        "Åse",
        "said",
        "that",
        "it",
        "would",
        "be",
        "fine",
        "😀",
        "because",
    ];
    let mut rng = Rng(0x9e3779b97f4a7c15);
    let mut text = String::new();
    let mut turns = Vec::new();
    let mut words = 0;
    let mut chars = 0;
    let mut speaker = 0;
    while words < WORDS {
        let label = if speaker % 2 == 0 { "Interviewer" } else { "P1" };
        let start = chars;
        let mut para = format!("{label}:");
        let n = 15 + rng.below(if speaker % 2 == 0 { 30 } else { 220 });
        for i in 0..n {
            para.push(' ');
            para.push_str(vocab[rng.below(vocab.len())]);
            if i % 17 == 16 {
                para.push('.');
            }
        }
        para.push_str(".\n\n");
        words += n;
        chars += para.chars().count();
        text.push_str(&para);
        turns.push(Turn {
            span: Span::new(start, chars - 1),
            speaker: label.into(),
            participant: None,
            start_ms: None,
            end_ms: None,
        });
        speaker += 1;
    }
    let mut p = Project::new("bench");
    let coder = p.new_coder("Bench");
    let coder_id = coder.id;
    p.apply(Edit::AddCoder { coder, index: None })?;
    let mut d = Document::new(DocId::new(), "Long interview", DocKind::Interview, text);
    d.turns = turns;
    let (doc, len) = (d.id, d.char_len);
    p.apply(Edit::AddDocument { document: Box::new(d), index: None })?;
    for n in 0..20 {
        p.apply(Edit::CreateCode {
            code: Code::new(CodeId::new(), format!("Code {n}"), palette_colour(n)),
            index: None,
        })?;
    }
    let codes: Vec<CodeId> = p.codes.keys().copied().collect();
    let mut made = 0;
    while made < CODINGS {
        let start = rng.below(len - 2000);
        let span = Span::new(start, start + 20 + rng.below(600));
        let coding = Coding {
            id: CodingId::new(),
            doc,
            span,
            code: codes[rng.below(codes.len())],
            coder: coder_id,
            created: chrono::Utc::now(),
            comment: String::new(),
        };
        if p.apply(Edit::AddCoding { coding }).is_ok() {
            made += 1;
        }
    }
    Ok((p, doc))
}

struct Bench {
    ctx: egui::Context,
    view: DocumentView,
    cache: Cache,
    tokens: Tokens,
    history: History,
    selection: Selection,
    size: egui::Vec2,
}

impl Bench {
    fn frame(&mut self, p: &Project, events: Vec<Event>) -> Duration {
        let input = RawInput {
            screen_rect: Some(Rect::from_min_size(pos2(0.0, 0.0), self.size)),
            events,
            ..Default::default()
        };
        let started = Instant::now();
        let mut actions = Vec::new();
        let out = self.ctx.run_ui(input, |ui| {
            egui::CentralPanel::default().show(ui, |ui| {
                let mut cx =
                    ViewCtx::new(p, &self.history, &self.selection, &self.tokens, None, &mut self.cache, &mut actions);
                self.view.ui(&mut cx, ui);
            });
        });
        let mut out = out;
        let _ = self.ctx.tessellate(std::mem::take(&mut out.shapes), out.pixels_per_point);
        out.textures_delta.clear();
        started.elapsed()
    }
}

fn pct(v: &mut [Duration], q: f64) -> f64 {
    v.sort();
    let i = ((v.len() as f64 - 1.0) * q).round() as usize;
    v[i].as_secs_f64() * 1000.0
}

fn main() -> Result<(), tema::edit::EditError> {
    // Without AccessKit, then with its tree built every frame (as when a screen reader is on,
    // or in any kittest run): the same document, the same frames.
    for accesskit in [false, true] {
        measure(accesskit)?;
    }
    Ok(())
}

fn measure(accesskit: bool) -> Result<(), tema::edit::EditError> {
    let built = Instant::now();
    let (mut p, doc) = project()?;
    let words = p.documents.get(&doc).map(|d| d.words).unwrap_or(0);
    println!(
        "\nAccessKit {}; document: {words} words, {} codings (built in {:?})",
        if accesskit { "on" } else { "off" },
        p.codings.len(),
        built.elapsed()
    );
    let ctx = egui::Context::default();
    if accesskit {
        ctx.enable_accesskit();
    }
    let mut b = Bench {
        ctx,
        view: DocumentView::default(),
        cache: Cache::default(),
        tokens: Tokens::light(),
        history: History::default(),
        selection: Selection::default(),
        size: vec2(1200.0, 900.0),
    };
    // Warm up fonts (the glyph atlas) on another document-free frame.
    b.frame(&p, Vec::new());
    b.view.open(doc, None);
    let first = b.frame(&p, Vec::new());
    // Let the estimates settle (a couple of frames re-anchor the scroll position).
    for _ in 0..5 {
        b.frame(&p, Vec::new());
    }
    let mut steady: Vec<Duration> = (0..300).map(|_| b.frame(&p, Vec::new())).collect();
    let mut scroll = Vec::new();
    b.frame(&p, vec![Event::PointerMoved(pos2(600.0, 450.0))]);
    for i in 0..600 {
        let down = if (i / 150) % 2 == 0 { -120.0 } else { 100.0 };
        let wheel = Event::MouseWheel {
            unit: MouseWheelUnit::Point,
            delta: vec2(0.0, down),
            phase: egui::TouchPhase::Move,
            source: egui::MouseWheelSource::Wheel,
            modifiers: egui::Modifiers::NONE,
        };
        scroll.push(b.frame(&p, vec![wheel]));
    }
    // Coding a passage on screen, then recolouring a code: one frame each.
    let mut coding = Vec::new();
    let mut recolour = Vec::new();
    let coder = p.coders.keys().next().copied();
    let codes: Vec<CodeId> = p.codes.keys().copied().collect();
    for n in 0..20 {
        let start = 1000 + n * 37;
        if let Some(coder) = coder {
            let c = Coding {
                id: CodingId::new(),
                doc,
                span: Span::new(start, start + 80),
                code: codes[n % codes.len()],
                coder,
                created: chrono::Utc::now(),
                comment: String::new(),
            };
            p.apply(Edit::AddCoding { coding: c })?;
        }
        coding.push(b.frame(&p, Vec::new()));
        let id = codes[n % codes.len()];
        if let Some(c) = p.codes.get(&id) {
            let props = CodeProps { colour: palette_colour(n + 3), ..c.props.clone() };
            p.apply(Edit::UpdateCode { id, props })?;
        }
        recolour.push(b.frame(&p, Vec::new()));
    }
    // Resizing the window: a drag over many widths.
    let mut resize = Vec::new();
    for w in (700..1400).step_by(13) {
        b.size = vec2(w as f32, 900.0);
        resize.push(b.frame(&p, Vec::new()));
    }
    println!("| measure | p50 ms | p99 ms | max ms |");
    println!("|---|---|---|---|");
    println!("| first paint (open document) | {:.2} | | |", first.as_secs_f64() * 1000.0);
    for (name, v) in [
        ("steady frame", &mut steady),
        ("scrolling frame", &mut scroll),
        ("frame after coding a passage", &mut coding),
        ("frame after recolouring a code", &mut recolour),
        ("frame while resizing", &mut resize),
    ] {
        let max = pct(v, 1.0);
        println!("| {name} | {:.3} | {:.3} | {:.3} |", pct(v, 0.5), pct(v, 0.99), max);
    }
    Ok(())
}
