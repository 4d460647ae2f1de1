//! Lay-out of a transcript for the document view: one galley per paragraph, made only for
//! the paragraphs that are (nearly) on screen, with estimated heights for the rest.
//!
//! Why this shape (measured; see docs/ARCHITECTURE.md): one galley for a whole 60,000-word
//! transcript costs 60–100 ms to lay out and again on every width change, and a read-only
//! `TextEdit` over it adds ~10 ms a frame with AccessKit on. Per-paragraph galleys laid out
//! lazily keep opening, resizing and recolouring to a few milliseconds. Galleys hold only
//! text (no highlights), so coding a passage or recolouring a code never re-lays out text:
//! highlights are rectangles painted behind the glyphs. Positions are document char offsets
//! ([`CharPos`]); a galley's char index plus its paragraph's start is the document offset.

use crate::model::{CharPos, DocId, Document, Span};
use egui::text::{CCursor, LayoutJob, TextFormat};
use egui::{Color32, FontId, Galley, Pos2, Rect, Vec2, pos2};
use std::ops::Range;
use std::sync::Arc;

/// One line of the document's text (its `\n` excluded); blank lines make none.
#[derive(Clone, Debug, PartialEq)]
pub struct Para {
    pub span: Span,
    pub bytes: Range<usize>,
    /// Chars of the speaker label at its start (`J3:`), 0 when there is none.
    pub speaker_chars: usize,
    /// The first paragraph of a speaker turn (drawn with more space above).
    pub turn_start: bool,
}

/// Splits a document into paragraphs and finds the speaker labels of its turns.
pub fn paragraphs(doc: &Document) -> Vec<Para> {
    let text: &str = &doc.text;
    let mut out = Vec::new();
    let mut char_pos = 0;
    let mut byte_pos = 0;
    let mut turn = 0;
    for line in text.split('\n') {
        let chars = line.chars().count();
        let span = Span::new(char_pos, char_pos + chars);
        if chars > 0 && !line.trim().is_empty() {
            while turn < doc.turns.len() && doc.turns[turn].span.end.get() <= span.start.get() {
                turn += 1;
            }
            let t = doc.turns.get(turn);
            // A turn may begin after leading blanks of its first line.
            let lead = line.chars().take_while(|c| c.is_whitespace()).count();
            let starts_turn = t.is_some_and(|t| {
                t.span.start.get() >= span.start.get() && t.span.start.get() <= span.start.get() + lead
            });
            let speaker_chars = match t {
                Some(t) if starts_turn && !t.speaker.is_empty() => {
                    let rest = &line[line.char_indices().nth(lead).map_or(line.len(), |(b, _)| b)..];
                    if rest.starts_with(t.speaker.as_str()) {
                        let n = lead + t.speaker.chars().count();
                        let after = rest[t.speaker.len()..].chars().next();
                        if after == Some(':') { n + 1 } else { n }
                    } else {
                        0
                    }
                }
                _ => 0,
            };
            out.push(Para { span, bytes: byte_pos..byte_pos + line.len(), speaker_chars, turn_start: starts_turn });
        }
        char_pos += chars + 1;
        byte_pos += line.len() + 1;
    }
    out
}

/// What a lay-out depends on. Widths are quantised by the caller so a window resize
/// re-lays out only when it crosses a step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayoutStyle {
    pub width: f32,
    pub font_size: f32,
    pub line_gap: f32,
    pub para_gap: f32,
    pub turn_gap: f32,
    pub text: Color32,
    pub speaker: Color32,
}

pub struct DocLayout {
    pub doc: DocId,
    text: Arc<str>,
    pub paras: Vec<Para>,
    style: Option<LayoutStyle>,
    galleys: Vec<Option<Arc<Galley>>>,
    /// Height of each paragraph block (space above included): exact once laid out.
    heights: Vec<f32>,
    /// `tops[i]` is the y of block `i`; one more entry for the end.
    tops: Vec<f32>,
    tops_dirty: bool,
    chars_per_row: f32,
    row_height: f32,
    laid_out: usize,
    /// Measured lay-out so far (chars and rows), to improve the estimates.
    measured: (usize, usize),
    estimates_refined: bool,
}

/// Past this many laid-out paragraphs, those far from the viewport are dropped (their
/// heights stay exact); it bounds memory for very long documents.
const KEEP_GALLEYS: usize = 600;

impl DocLayout {
    pub fn new(doc: &Document) -> Self {
        let paras = paragraphs(doc);
        let n = paras.len();
        Self {
            doc: doc.id,
            text: doc.text.clone(),
            paras,
            style: None,
            galleys: vec![None; n],
            heights: vec![0.0; n],
            tops: vec![0.0; n + 1],
            tops_dirty: true,
            chars_per_row: 80.0,
            row_height: 20.0,
            laid_out: 0,
            measured: (0, 0),
            estimates_refined: false,
        }
    }

    pub fn style(&self) -> Option<&LayoutStyle> {
        self.style.as_ref()
    }

    /// Sets the style; a new one drops the galleys (they are laid out again as they come
    /// into view) and re-estimates every height.
    pub fn set_style(&mut self, style: LayoutStyle) {
        if self.style.as_ref() == Some(&style) {
            return;
        }
        let width_changed = self.style.is_none_or(|s| s.width != style.width || s.font_size != style.font_size);
        self.style = Some(style);
        self.galleys.iter_mut().for_each(|g| *g = None);
        self.laid_out = 0;
        self.row_height = style.font_size + style.line_gap;
        if width_changed {
            // About half an em per char in a proportional face; refined after lay-out.
            self.chars_per_row = (style.width / (style.font_size * 0.48)).max(10.0);
            self.measured = (0, 0);
            self.estimates_refined = false;
        }
        for i in 0..self.paras.len() {
            self.heights[i] = self.estimate(i);
        }
        self.tops_dirty = true;
    }

    fn gap(&self, i: usize) -> f32 {
        let Some(s) = &self.style else { return 0.0 };
        if i == 0 {
            0.0
        } else if self.paras[i].turn_start {
            s.turn_gap
        } else {
            s.para_gap
        }
    }

    fn estimate(&self, i: usize) -> f32 {
        let chars = self.paras[i].span.len() as f32;
        let rows = (chars / self.chars_per_row).ceil().max(1.0);
        self.gap(i) + rows * self.row_height
    }

    fn job(&self, i: usize, s: &LayoutStyle) -> LayoutJob {
        let p = &self.paras[i];
        let text = self.text.get(p.bytes.clone()).unwrap_or_default();
        let mut job = LayoutJob::default();
        job.wrap.max_width = s.width;
        let format = |color| TextFormat {
            font_id: FontId::proportional(s.font_size),
            color,
            line_height: Some(s.font_size + s.line_gap),
            ..Default::default()
        };
        if p.speaker_chars > 0 {
            let split = text.char_indices().nth(p.speaker_chars).map_or(text.len(), |(b, _)| b);
            job.append(&text[..split], 0.0, format(s.speaker));
            job.append(&text[split..], 0.0, format(s.text));
        } else {
            job.append(text, 0.0, format(s.text));
        }
        job
    }

    /// Lays out the paragraphs in `range` that have no galley yet. Returns true when any
    /// height changed (the caller then re-anchors the scroll position).
    pub fn ensure(&mut self, range: Range<usize>, layout: &mut dyn FnMut(LayoutJob) -> Arc<Galley>) -> bool {
        let Some(style) = self.style else { return false };
        let mut changed = false;
        for i in range.start.min(self.paras.len())..range.end.min(self.paras.len()) {
            if self.galleys[i].is_some() {
                continue;
            }
            let galley = layout(self.job(i, &style));
            self.measured.0 += self.paras[i].span.len();
            self.measured.1 += galley.rows.len();
            let h = self.gap(i) + galley.size().y;
            if (h - self.heights[i]).abs() > 0.01 {
                self.heights[i] = h;
                changed = true;
            }
            self.galleys[i] = Some(galley);
            self.laid_out += 1;
        }
        if changed {
            self.tops_dirty = true;
        }
        // After the first screenful, estimate the rest from what was measured.
        if !self.estimates_refined && self.measured.1 >= 8 {
            self.estimates_refined = true;
            let long_rows = self.measured.0 as f32 / self.measured.1 as f32;
            self.chars_per_row = (long_rows * 1.05).max(10.0);
            for i in 0..self.paras.len() {
                if self.galleys[i].is_none() {
                    self.heights[i] = self.estimate(i);
                }
            }
            self.tops_dirty = true;
            changed = true;
        }
        if self.laid_out > KEEP_GALLEYS {
            let keep = range.start.saturating_sub(KEEP_GALLEYS / 4)..range.end + KEEP_GALLEYS / 4;
            for (i, g) in self.galleys.iter_mut().enumerate() {
                if !keep.contains(&i) && g.take().is_some() {
                    self.laid_out -= 1;
                }
            }
        }
        changed
    }

    fn update_tops(&mut self) {
        if !self.tops_dirty {
            return;
        }
        let mut y = 0.0;
        for (i, h) in self.heights.iter().enumerate() {
            self.tops[i] = y;
            y += h;
        }
        if let Some(last) = self.tops.last_mut() {
            *last = y;
        }
        self.tops_dirty = false;
    }

    pub fn total_height(&mut self) -> f32 {
        self.update_tops();
        self.tops.last().copied().unwrap_or(0.0)
    }

    /// The y of paragraph block `i` (its space above included).
    pub fn top(&mut self, i: usize) -> f32 {
        self.update_tops();
        self.tops.get(i).copied().unwrap_or(0.0)
    }

    /// The y where paragraph `i`'s text starts.
    pub fn text_top(&mut self, i: usize) -> f32 {
        self.top(i) + self.gap(i)
    }

    /// The paragraph whose block contains `y` (clamped to the first and last).
    pub fn para_at_y(&mut self, y: f32) -> usize {
        self.update_tops();
        let n = self.paras.len();
        if n == 0 {
            return 0;
        }
        self.tops[..n].partition_point(|t| *t <= y).saturating_sub(1).min(n - 1)
    }

    /// Paragraphs whose blocks cross `[y0, y1)`.
    pub fn range_for(&mut self, y0: f32, y1: f32) -> Range<usize> {
        if self.paras.is_empty() {
            return 0..0;
        }
        let a = self.para_at_y(y0);
        let b = self.para_at_y(y1);
        a..(b + 1).min(self.paras.len())
    }

    pub fn galley(&self, i: usize) -> Option<&Arc<Galley>> {
        self.galleys.get(i).and_then(Option::as_ref)
    }

    /// The paragraph holding a char position: the one it is in, or the one it ends; a
    /// position on a blank line belongs to the next paragraph.
    pub fn para_of(&self, pos: CharPos) -> usize {
        let i = self.paras.partition_point(|p| p.span.end < pos);
        i.min(self.paras.len().saturating_sub(1))
    }

    /// The char at a point of the text column (x from the column's left, y from the top of
    /// the document).
    pub fn hit(&mut self, pos: Pos2) -> CharPos {
        if self.paras.is_empty() {
            return CharPos(0);
        }
        let i = self.para_at_y(pos.y);
        let top = self.text_top(i);
        let p = &self.paras[i];
        match self.galley(i) {
            _ if pos.y < top => p.span.start,
            Some(g) => {
                let c = g.cursor_from_pos(Vec2::new(pos.x, pos.y - top));
                CharPos(p.span.start.get() + c.index.0.min(p.span.len()))
            }
            None => p.span.start,
        }
    }

    /// The zero-width rect of a char position, in document coordinates.
    pub fn char_rect(&mut self, pos: CharPos) -> Rect {
        if self.paras.is_empty() {
            return Rect::from_min_size(Pos2::ZERO, Vec2::ZERO);
        }
        let i = self.para_of(pos);
        let top = self.text_top(i);
        let p = &self.paras[i];
        let local = pos.get().clamp(p.span.start.get(), p.span.end.get()) - p.span.start.get();
        match self.galley(i) {
            Some(g) => g.pos_from_cursor(CCursor::new(local)).translate(Vec2::new(0.0, top)),
            None => Rect::from_min_size(pos2(0.0, top), Vec2::new(0.0, self.row_height)),
        }
    }

    /// Rectangles covering `span` within the laid-out paragraphs of `range`, in document
    /// coordinates, one per row.
    pub fn span_rects(&mut self, span: Span, range: Range<usize>, out: &mut Vec<Rect>) {
        self.update_tops();
        let first = self.paras.partition_point(|p| p.span.end <= span.start).max(range.start);
        for i in first..range.end.min(self.paras.len()) {
            let p = &self.paras[i];
            if p.span.start >= span.end {
                break;
            }
            let Some(g) = self.galleys[i].as_ref() else { continue };
            let a = span.start.get().max(p.span.start.get()) - p.span.start.get();
            let b = span.end.get().min(p.span.end.get()) - p.span.start.get();
            let top = self.tops[i] + self.gap(i);
            row_rects(g, a, b, top, out);
        }
    }
}

/// Rectangles of chars `[a, b)` of a one-paragraph galley, shifted down by `top`.
fn row_rects(g: &Galley, a: usize, b: usize, top: f32, out: &mut Vec<Rect>) {
    let mut start = 0;
    for row in &g.rows {
        let n = row.char_count_excluding_newline().0;
        let end = start + n;
        if a < end.max(start + 1) && b > start {
            let x0 = row.pos.x + row.x_offset(egui::text::CharIndex(a.saturating_sub(start)));
            let x1 =
                if b >= end { row.rect().right() } else { row.pos.x + row.x_offset(egui::text::CharIndex(b - start)) };
            if x1 > x0 {
                out.push(Rect::from_min_max(pos2(x0, row.min_y() + top), pos2(x1, row.max_y() + top)));
            }
        }
        start = end + usize::from(row.ends_with_newline);
        if start >= b {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DocKind, Turn};

    fn doc() -> Document {
        let text = "Intervju med J4\n\nIntervjuer: Hvordan går det?\nJ4: Bra, takk 😀. Møtet var nyttig.\nMen langt.\n";
        let mut d = Document::new(DocId::from_u128(1), "J4", DocKind::Interview, text);
        let t = |a, b, who: &str| Turn {
            span: Span::new(a, b),
            speaker: who.into(),
            participant: None,
            start_ms: None,
            end_ms: None,
        };
        d.turns = vec![t(17, 46, "Intervjuer"), t(46, 92, "J4")];
        d
    }

    #[test]
    fn paragraphs_skip_blank_lines_and_find_speakers() {
        let d = doc();
        let paras = paragraphs(&d);
        let texts: Vec<&str> = paras.iter().map(|p| &d.text[p.bytes.clone()]).collect();
        assert_eq!(
            texts,
            ["Intervju med J4", "Intervjuer: Hvordan går det?", "J4: Bra, takk 😀. Møtet var nyttig.", "Men langt."]
        );
        assert_eq!(paras.iter().map(|p| p.speaker_chars).collect::<Vec<_>>(), [0, 11, 3, 0]);
        assert_eq!(paras.iter().map(|p| p.turn_start).collect::<Vec<_>>(), [false, true, true, false]);
        // Char spans agree with the text.
        for p in &paras {
            assert_eq!(crate::model::text::slice(&d.text, p.span), Some(&d.text[p.bytes.clone()]));
        }
    }

    #[test]
    fn hit_and_rects_round_trip_on_norwegian_text() {
        let d = doc();
        let ctx = egui::Context::default();
        let mut layout = DocLayout::new(&d);
        let mut out = ctx.run_ui(egui::RawInput::default(), |ui| {
            layout.set_style(LayoutStyle {
                width: 120.0,
                font_size: 14.0,
                line_gap: 4.0,
                para_gap: 6.0,
                turn_gap: 12.0,
                text: Color32::BLACK,
                speaker: Color32::BLUE,
            });
            let n = layout.paras.len();
            layout.ensure(0..n, &mut |job| ui.fonts_mut(|f| f.layout_job(job)));
        });
        out.textures_delta.clear();
        // Every char position maps to a rect from which a hit finds it again.
        for pos in [17, 30, 46, 60, 62, 80, 91] {
            let r = layout.char_rect(CharPos(pos));
            let hit = layout.hit(pos2(r.min.x + 0.5, r.center().y));
            assert_eq!(hit, CharPos(pos), "char {pos}");
        }
        // A span over a wrapped paragraph gives one rect per row it touches.
        let mut rects = Vec::new();
        let n = layout.paras.len();
        layout.span_rects(Span::new(46, 82), 0..n, &mut rects);
        assert!(rects.len() >= 2, "{rects:?}");
        assert!(rects.windows(2).all(|w| w[0].top() < w[1].top()));
        assert!(layout.total_height() > 4.0 * 14.0);
    }
}
