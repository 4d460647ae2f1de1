//! Design tokens: every colour, size and spacing the views use, for light and dark mode.
//! Views never write a literal colour; they ask the tokens.

use crate::model::Colour;
use egui::{Color32, FontId, Visuals};

#[derive(Clone, Debug, PartialEq)]
pub struct Tokens {
    pub dark: bool,
    /// Body text of transcripts.
    pub text: Color32,
    /// Secondary text: counts, dates, hints.
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
    pub small_size: f32,
}

impl Tokens {
    pub fn light() -> Self {
        Self {
            dark: false,
            text: Color32::from_rgb(0x1f, 0x23, 0x28),
            weak_text: Color32::from_rgb(0x5f, 0x67, 0x70),
            speaker: Color32::from_rgb(0x1d, 0x4f, 0x91),
            page: Color32::from_rgb(0xfd, 0xfd, 0xfb),
            panel: Color32::from_rgb(0xf3, 0xf3, 0xf1),
            selection: Color32::from_rgba_unmultiplied(0x33, 0x77, 0xdd, 0x50),
            focus: Color32::from_rgb(0x11, 0x11, 0x11),
            find_match: Color32::from_rgba_unmultiplied(0xff, 0xc8, 0x00, 0x70),
            find_current: Color32::from_rgb(0xff, 0x8c, 0x00),
            danger: Color32::from_rgb(0xb4, 0x23, 0x18),
            ok: Color32::from_rgb(0x22, 0x88, 0x33),
            read_mark: Color32::from_rgb(0x22, 0x88, 0x33),
            highlight_alpha: 0x48,
            body_size: 15.5,
            line_gap: 5.0,
            para_gap: 8.0,
            turn_gap: 14.0,
            max_text_width: 680.0,
            stripe_width: 5.0,
            max_stripes: 8,
            small_size: 12.0,
        }
    }

    pub fn dark() -> Self {
        Self {
            dark: true,
            text: Color32::from_rgb(0xdc, 0xdf, 0xe3),
            weak_text: Color32::from_rgb(0x9a, 0xa1, 0xa9),
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

    /// A code's colour as a translucent highlight behind text.
    pub fn highlight(&self, c: Colour) -> Color32 {
        Color32::from_rgba_unmultiplied(c.r, c.g, c.b, self.highlight_alpha)
    }

    pub fn body_font(&self) -> FontId {
        FontId::proportional(self.body_size)
    }

    pub fn small_font(&self) -> FontId {
        FontId::proportional(self.small_size)
    }

    /// egui's own visuals, tuned to the tokens.
    pub fn visuals(&self) -> Visuals {
        let mut v = if self.dark { Visuals::dark() } else { Visuals::light() };
        v.panel_fill = self.panel;
        v.extreme_bg_color = self.page;
        v.selection.bg_fill = self.selection.to_opaque().gamma_multiply(if self.dark { 0.6 } else { 0.35 });
        v
    }
}

/// Converts an egui colour back to a code colour (drops alpha).
pub fn to_colour(c: Color32) -> Colour {
    Colour::rgb(c.r(), c.g(), c.b())
}
