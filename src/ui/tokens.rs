//! Design tokens: every colour, size and spacing the views use, for light and dark mode.
//! Views never write a literal colour; they ask the tokens.

use crate::model::Colour;
use egui::{Color32, FontId, Stroke, TextStyle, Visuals};

#[derive(Clone, Debug, PartialEq)]
pub struct Tokens {
    pub dark: bool,
    /// Body text of transcripts.
    pub text: Color32,
    /// Secondary text: counts, dates, hints (about 6.5:1 on the page and the panel, well
    /// above AA's 4.5:1, so it reads as quieter without reading as faint).
    pub weak_text: Color32,
    /// Speaker labels at the start of a turn.
    pub speaker: Color32,
    /// The reading surface behind a transcript.
    pub page: Color32,
    pub panel: Color32,
    /// The text selection in a transcript.
    pub selection: Color32,
    /// Outline of the selected coding.
    pub focus: Color32,
    /// Matches of find-in-document; the current one is stronger.
    pub find_match: Color32,
    pub find_current: Color32,
    pub danger: Color32,
    pub ok: Color32,
    pub read_mark: Color32,
    /// How strongly a coding's colour tints the text behind it (0–255).
    pub highlight_alpha: u8,
    /// Transcript font size, points.
    pub body_size: f32,
    /// Extra space between lines of a transcript, points.
    pub line_gap: f32,
    /// Space between paragraphs, and before a new speaker's turn.
    pub para_gap: f32,
    pub turn_gap: f32,
    /// The widest a transcript column gets (about 75 characters a line).
    pub max_text_width: f32,
    /// Width of one lane of coding stripes in the margin, and the most lanes drawn.
    pub stripe_width: f32,
    pub max_stripes: usize,
    /// The type scale, in logical px. Nothing a person must read is smaller than
    /// [`MIN_TEXT_SIZE`]; egui's own `Small` style (9 px by default) is raised to `small_size`,
    /// which is a step above that floor: secondary text (counts, card statistics, chart values,
    /// hints, participants' details) at the bare 12 px read as about 11 px in the 1280×720
    /// review, its x-height being small.
    pub small_size: f32,
    pub ui_size: f32,
    pub heading_size: f32,
    /// The border of text fields and other inputs (3:1 against the page and the panel).
    pub input_border: Color32,
    /// The ring around the focused widget (3:1 against the page and the panel).
    pub focus_ring: Color32,
    /// What a modal dialog lays over the app behind it.
    pub backdrop: Color32,
    /// Write the code's name beside each coding stripe (a preference, View menu).
    pub stripe_names: bool,
    /// The width of the margin column for those names.
    pub stripe_name_width: f32,
}

/// The smallest text a person must read, in logical px (about 12 pt on screen).
pub const MIN_TEXT_SIZE: f32 = 12.0;

/// The size of secondary text (`Small`), a step above [`MIN_TEXT_SIZE`].
pub const SECONDARY_TEXT_SIZE: f32 = 13.0;

/// What a fitted highlight depends on: the code's colour, the page, the text, the base tint.
type HighlightKey = (Colour, [u8; 4], [u8; 4], u8);

/// The least contrast between a code's highlight and the page, so that every code colour shows
/// behind text in both modes (the palette's pale yellow on the light page was 1.14:1).
pub const HIGHLIGHT_CONTRAST: f32 = 1.4;

/// The most a highlight covers the page, so the text on it stays the text's colour.
const MAX_HIGHLIGHT_ALPHA: u8 = 0xb0;

/// Zoom steps of View ▸ Zoom in / out, as factors of the system's scale.
pub const ZOOM_STEPS: [f32; 9] = [0.8, 0.9, 1.0, 1.1, 1.25, 1.4, 1.6, 1.8, 2.0];

impl Tokens {
    pub fn light() -> Self {
        Self {
            dark: false,
            text: Color32::from_rgb(0x1f, 0x23, 0x28),
            weak_text: Color32::from_rgb(0x50, 0x57, 0x5f),
            speaker: Color32::from_rgb(0x1d, 0x4f, 0x91),
            page: Color32::from_rgb(0xfd, 0xfd, 0xfb),
            panel: Color32::from_rgb(0xf3, 0xf3, 0xf1),
            selection: Color32::from_rgba_unmultiplied(0x33, 0x77, 0xdd, 0x50),
            focus: Color32::from_rgb(0x11, 0x11, 0x11),
            find_match: Color32::from_rgba_unmultiplied(0xff, 0xc8, 0x00, 0x70),
            find_current: Color32::from_rgb(0xff, 0x8c, 0x00),
            danger: Color32::from_rgb(0xb4, 0x23, 0x18),
            ok: Color32::from_rgb(0x1b, 0x7a, 0x2e),
            read_mark: Color32::from_rgb(0x1b, 0x7a, 0x2e),
            highlight_alpha: 0x48,
            body_size: 15.5,
            line_gap: 5.0,
            para_gap: 8.0,
            turn_gap: 14.0,
            max_text_width: 680.0,
            stripe_width: 5.0,
            max_stripes: 8,
            small_size: SECONDARY_TEXT_SIZE,
            ui_size: 13.5,
            heading_size: 19.0,
            input_border: Color32::from_rgb(0x76, 0x7d, 0x86),
            focus_ring: Color32::from_rgb(0x1d, 0x5f, 0xc4),
            stripe_names: false,
            stripe_name_width: 130.0,
            backdrop: Color32::from_black_alpha(0x73),
        }
    }

    pub fn dark() -> Self {
        Self {
            dark: true,
            text: Color32::from_rgb(0xdc, 0xdf, 0xe3),
            weak_text: Color32::from_rgb(0xa9, 0xb0, 0xb8),
            speaker: Color32::from_rgb(0x8c, 0xb8, 0xf0),
            page: Color32::from_rgb(0x1c, 0x1e, 0x21),
            panel: Color32::from_rgb(0x25, 0x27, 0x2b),
            selection: Color32::from_rgba_unmultiplied(0x55, 0x99, 0xff, 0x60),
            focus: Color32::from_rgb(0xf5, 0xf5, 0xf5),
            find_match: Color32::from_rgba_unmultiplied(0xff, 0xc8, 0x00, 0x55),
            find_current: Color32::from_rgb(0xff, 0xa5, 0x30),
            danger: Color32::from_rgb(0xff, 0x6b, 0x5e),
            ok: Color32::from_rgb(0x6c, 0xc6, 0x7a),
            read_mark: Color32::from_rgb(0x6c, 0xc6, 0x7a),
            highlight_alpha: 0x5a,
            input_border: Color32::from_rgb(0x80, 0x88, 0x92),
            focus_ring: Color32::from_rgb(0x7a, 0xb4, 0xff),
            backdrop: Color32::from_black_alpha(0xa6),
            ..Self::light()
        }
    }

    pub fn for_dark_mode(dark: bool) -> Self {
        if dark { Self::dark() } else { Self::light() }
    }

    /// A code's own colour, as drawn in swatches and stripes.
    pub fn code(&self, c: Colour) -> Color32 {
        Color32::from_rgb(c.r, c.g, c.b)
    }

    /// A code's colour as a translucent highlight behind text: visible on the page (at least
    /// [`HIGHLIGHT_CONTRAST`] against it) with the text on it still AA. Pale colours on the
    /// light page and dark ones on the dark page get more of their colour, then a deeper
    /// (light mode) or lighter (dark mode) shade of it, until they show. Memoised per colour.
    pub fn highlight(&self, c: Colour) -> Color32 {
        thread_local! {
            static FITTED: std::cell::RefCell<std::collections::HashMap<HighlightKey, Color32>> = Default::default();
        }
        let key = (c, self.page.to_array(), self.text.to_array(), self.highlight_alpha);
        FITTED.with(|m| *m.borrow_mut().entry(key).or_insert_with(|| self.fit_highlight(c)))
    }

    fn fit_highlight(&self, c: Colour) -> Color32 {
        let toward = if self.dark { Color32::WHITE } else { Color32::BLACK };
        let mut base = Color32::from_rgb(c.r, c.g, c.b);
        let mut best = Color32::from_rgba_unmultiplied(c.r, c.g, c.b, self.highlight_alpha);
        for _ in 0..8 {
            let mut alpha = self.highlight_alpha;
            loop {
                let h = Color32::from_rgba_unmultiplied(base.r(), base.g(), base.b(), alpha);
                let shown = blend(h, self.page);
                if contrast(self.text, shown) < 4.5 {
                    return best;
                }
                best = h;
                if contrast(shown, self.page) >= HIGHLIGHT_CONTRAST {
                    return h;
                }
                if alpha >= MAX_HIGHLIGHT_ALPHA {
                    break;
                }
                alpha = alpha.saturating_add(8).min(MAX_HIGHLIGHT_ALPHA);
            }
            base = blend(toward.gamma_multiply(0.2), base);
        }
        best
    }

    pub fn body_font(&self) -> FontId {
        FontId::proportional(self.body_size)
    }

    pub fn small_font(&self) -> FontId {
        FontId::proportional(self.small_size)
    }

    /// egui's own visuals, tuned to the tokens: text in the tokens' colours, every input
    /// (text fields first) with a visible border, and a focus ring that stands out.
    pub fn visuals(&self) -> Visuals {
        let mut v = if self.dark { Visuals::dark() } else { Visuals::light() };
        v.panel_fill = self.panel;
        v.extreme_bg_color = self.page;
        v.override_text_color = Some(self.text);
        v.weak_text_color = Some(self.weak_text);
        v.selection.bg_fill = self.selection.to_opaque().gamma_multiply(if self.dark { 0.6 } else { 0.35 });
        // The focused text field's outline and the text of selected tabs and list rows.
        v.selection.stroke = Stroke::new(2.0, self.focus_ring);
        v.widgets.inactive.bg_stroke = Stroke::new(1.0, self.input_border);
        v.widgets.hovered.bg_stroke = Stroke::new(1.5, self.focus_ring);
        v.widgets.active.bg_stroke = Stroke::new(2.0, self.focus_ring);
        v.widgets.noninteractive.fg_stroke.color = self.text;
        v.widgets.inactive.fg_stroke.color = self.text;
        v.error_fg_color = self.danger;
        // Dialogs, menus and popups stand out from what is behind them, dimmed or not.
        v.window_stroke = Stroke::new(1.0, self.input_border);
        v
    }

    /// The app's page and panel as seen through a dialog's backdrop.
    pub fn dimmed(&self) -> [Color32; 2] {
        [self.page, self.panel].map(|bg| blend(self.backdrop, bg))
    }

    /// The type scale as egui text styles: `Small` (9 px in egui) becomes readable.
    pub fn text_styles(&self) -> Vec<(TextStyle, FontId)> {
        vec![
            (TextStyle::Small, FontId::proportional(self.small_size)),
            (TextStyle::Body, FontId::proportional(self.ui_size)),
            (TextStyle::Button, FontId::proportional(self.ui_size)),
            (TextStyle::Monospace, FontId::monospace(self.ui_size - 1.0)),
            (TextStyle::Heading, FontId::proportional(self.heading_size)),
        ]
    }

    /// Puts the tokens into effect for the whole app: visuals, type scale and the focus ring.
    pub fn install(&self, ctx: &egui::Context) {
        ctx.set_visuals(self.visuals());
        let styles = self.text_styles();
        ctx.all_styles_mut(|style| {
            for (s, f) in &styles {
                style.text_styles.insert(s.clone(), f.clone());
            }
            // Scroll bars take their own room rather than float over counts and names.
            style.spacing.scroll = egui::style::ScrollStyle::solid();
        });
    }

    /// The pairs of colours that must stay legible: (what, foreground, background, the
    /// least contrast WCAG AA asks: 4.5 for text, 3 for input borders and focus rings).
    pub fn contrast_pairs(&self) -> Vec<(&'static str, Color32, Color32, f32)> {
        let mut pairs = Vec::new();
        // Popups, menus and dialogs (the code picker's hint line) are on egui's window fill.
        for bg in [self.page, self.panel, self.visuals().window_fill] {
            pairs.extend([
                ("text", self.text, bg, 4.5),
                ("weak text", self.weak_text, bg, 4.5),
                ("speaker", self.speaker, bg, 4.5),
                ("danger", self.danger, bg, 4.5),
                ("ok", self.ok, bg, 4.5),
                ("input border", self.input_border, bg, 3.0),
                ("focus ring", self.focus_ring, bg, 3.0),
            ]);
        }
        pairs
    }
}

/// WCAG 2 relative luminance of an sRGB colour.
pub fn luminance(c: Color32) -> f32 {
    let lin = |v: u8| {
        let v = f32::from(v) / 255.0;
        if v <= 0.04045 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * lin(c.r()) + 0.7152 * lin(c.g()) + 0.0722 * lin(c.b())
}

/// WCAG 2 contrast ratio between two opaque colours (1 to 21).
pub fn contrast(a: Color32, b: Color32) -> f32 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// `over` (with its alpha) laid on the opaque `under`, as the screen shows it.
pub fn blend(over: Color32, under: Color32) -> Color32 {
    let [r, g, b, a] = over.to_srgba_unmultiplied();
    let a = f32::from(a) / 255.0;
    let mix = |o: u8, u: u8| (f32::from(o) * a + f32::from(u) * (1.0 - a)).round() as u8;
    Color32::from_rgb(mix(r, under.r()), mix(g, under.g()), mix(b, under.b()))
}

/// Converts an egui colour back to a code colour (drops alpha).
pub fn to_colour(c: Color32) -> Colour {
    Colour::rgb(c.r(), c.g(), c.b())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_matches_the_wcag_examples() {
        // Black on white is the maximum, 21:1; a colour against itself is 1:1.
        assert!((contrast(Color32::BLACK, Color32::WHITE) - 21.0).abs() < 0.01);
        assert!((contrast(Color32::from_gray(0x77), Color32::from_gray(0x77)) - 1.0).abs() < 1e-6);
        // #767676 on white is the classic lightest grey that passes AA: 4.54:1.
        assert!((contrast(Color32::from_gray(0x76), Color32::WHITE) - 4.54).abs() < 0.01);
    }

    #[test]
    fn every_token_pair_meets_wcag_aa_in_light_and_dark() {
        for t in [Tokens::light(), Tokens::dark()] {
            for (what, fg, bg, least) in t.contrast_pairs() {
                let c = contrast(fg, bg);
                assert!(c >= least, "{what} {fg:?} on {bg:?} in {} mode: {c:.2}:1 < {least}:1", mode(&t));
            }
        }
    }

    #[test]
    fn nothing_to_read_is_below_twelve_px() {
        for t in [Tokens::light(), Tokens::dark()] {
            assert!(t.small_size >= MIN_TEXT_SIZE && t.ui_size >= MIN_TEXT_SIZE && t.body_size >= MIN_TEXT_SIZE);
            for (style, font) in t.text_styles() {
                assert!(font.size >= MIN_TEXT_SIZE, "{style:?} is {} px", font.size);
            }
            // Installed, egui's own styles follow (its Small is 9 px out of the box).
            let ctx = egui::Context::default();
            t.install(&ctx);
            let small = ctx.global_style().text_styles.get(&TextStyle::Small).map(|f| f.size);
            assert_eq!(small, Some(SECONDARY_TEXT_SIZE));
            const { assert!(SECONDARY_TEXT_SIZE > MIN_TEXT_SIZE) };
        }
    }

    #[test]
    fn text_fields_have_a_visible_border() {
        for t in [Tokens::light(), Tokens::dark()] {
            let v = t.visuals();
            assert!(v.widgets.inactive.bg_stroke.width >= 1.0);
            assert!(contrast(v.widgets.inactive.bg_stroke.color, v.extreme_bg_color) >= 3.0);
            assert!(v.selection.stroke.width >= 2.0, "the focused field's ring is 2 px");
        }
    }

    #[test]
    fn every_code_colour_shows_as_a_highlight_with_legible_text_in_both_modes() {
        let mut fitted = 0;
        for t in [Tokens::light(), Tokens::dark()] {
            for c in crate::model::PALETTE {
                let shown = blend(t.highlight(c), t.page);
                let seen = contrast(shown, t.page);
                assert!(seen >= HIGHLIGHT_CONTRAST, "{c:?} in {} mode: {seen:.2}:1 on the page", mode(&t));
                let read = contrast(t.text, shown);
                assert!(read >= 4.5, "text on {c:?} in {} mode: {read:.2}:1", mode(&t));
                if t.highlight(c) != Color32::from_rgba_unmultiplied(c.r, c.g, c.b, t.highlight_alpha) {
                    fitted += 1;
                }
            }
        }
        // The plain tint was too faint for some: pale ones in light mode, dark ones in dark.
        assert!(fitted > 0);
        // The review's case: pale yellow #ddcc77 at the plain light-mode tint is 1.14:1.
        let t = Tokens::light();
        let pale = Colour::rgb(0xdd, 0xcc, 0x77);
        let plain = blend(Color32::from_rgba_unmultiplied(0xdd, 0xcc, 0x77, t.highlight_alpha), t.page);
        assert!((contrast(plain, t.page) - 1.14).abs() < 0.02);
        assert!(contrast(blend(t.highlight(pale), t.page), t.page) >= HIGHLIGHT_CONTRAST);
    }

    #[test]
    fn a_dialog_stands_out_from_the_dimmed_app() {
        // Black at alpha 0x80 over white is mid grey 0x7f (255 * 127/255, rounded).
        assert_eq!(blend(Color32::from_black_alpha(0x80), Color32::WHITE), Color32::from_gray(0x7f));
        for t in [Tokens::light(), Tokens::dark()] {
            let v = t.visuals();
            for dim in t.dimmed() {
                // The backdrop dims what is behind by a visible step in light mode...
                if !t.dark {
                    assert!(contrast(dim, t.page).min(contrast(dim, t.panel)) >= 1.5, "{dim:?}");
                }
                // ...and in both modes the dialog's edge reads against it (3:1, as for input
                // borders): its fill in light mode, its border in dark mode, where dimming a
                // dark page changes little.
                let border = v.window_stroke.color;
                assert!(v.window_stroke.width >= 1.0);
                let edge = contrast(border, dim).max(contrast(v.window_fill, dim));
                assert!(edge >= 3.0, "{} dialog on {dim:?}: {edge:.2}:1", mode(&t));
                assert!(contrast(border, v.window_fill) >= 3.0, "{} border on the fill", mode(&t));
            }
        }
    }

    fn mode(t: &Tokens) -> &'static str {
        if t.dark { "dark" } else { "light" }
    }
}
