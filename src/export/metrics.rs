//! How wide text prints in the fonts the exports name, from the fonts' own advance widths
//! (a table generated from the installed font files by `cargo run --example font_metrics`,
//! in `font_widths.txt`). Table columns are sized with these widths, so that a header of
//! wide capitals gets the room it needs and no word is broken.
//!
//! A Word file names Calibri; Word has it, LibreOffice sets Carlito (the same widths) or,
//! where Carlito is missing, DejaVu Sans, which is wider. [`Faces::WORD`] measures with the
//! wider of the two at each character. LaTeX sets Latin Modern (or Computer Modern, which
//! has the same widths). Kerning is left out: it only ever narrows a word a little.

use std::sync::LazyLock;

/// One font at one weight.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Face {
    Carlito,
    CarlitoBold,
    DejaVuSans,
    DejaVuSansBold,
    LatinModern,
    LatinModernBold,
}

impl Face {
    /// The face's name in `font_widths.txt`.
    fn key(self) -> &'static str {
        match self {
            Face::Carlito => "CARLITO",
            Face::CarlitoBold => "CARLITO_BOLD",
            Face::DejaVuSans => "DEJAVU_SANS",
            Face::DejaVuSansBold => "DEJAVU_SANS_BOLD",
            Face::LatinModern => "LATIN_MODERN",
            Face::LatinModernBold => "LATIN_MODERN_BOLD",
        }
    }

    /// A character's advance in thousandths of an em; `None` outside the measured ranges or
    /// where the font has no glyph.
    pub fn advance(self, c: char) -> Option<u16> {
        let widths = WIDTHS.faces.iter().find(|(key, _)| *key == self.key())?;
        let cp = u32::from(c);
        let mut at = 0usize;
        for &(first, end) in &WIDTHS.ranges {
            if (first..end).contains(&cp) {
                let w = widths.1.get(at + (cp - first) as usize).copied()?;
                return (w > 0).then_some(w);
            }
            at += (end - first) as usize;
        }
        None
    }
}

/// The widths table, read once from the text the generator writes.
static WIDTHS: LazyLock<Widths> = LazyLock::new(|| Widths::parse(include_str!("font_widths.txt")));

/// The advance widths of every face, for the characters of `ranges` in order.
struct Widths {
    /// The character ranges measured, as (first, past the last).
    ranges: Vec<(u32, u32)>,
    /// Each face's name and its widths (0 where it has no glyph).
    faces: Vec<(&'static str, Vec<u16>)>,
}

impl Widths {
    /// Reads `ranges A..B ...`, then `face NAME description` lines each followed by its
    /// widths; `#` starts a comment line. The file is built in and checked by the tests.
    fn parse(text: &'static str) -> Widths {
        let mut out = Widths { ranges: Vec::new(), faces: Vec::new() };
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            if let Some(ranges) = line.strip_prefix("ranges ") {
                out.ranges = ranges
                    .split_whitespace()
                    .filter_map(|r| r.split_once(".."))
                    .filter_map(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)))
                    .collect();
            } else if let Some(face) = line.strip_prefix("face ") {
                out.faces.push((face.split_whitespace().next().unwrap_or(""), Vec::new()));
            } else if let Some((_, widths)) = out.faces.last_mut() {
                widths.extend(line.split_whitespace().map(|w| w.parse::<u16>().unwrap_or(0)));
            }
        }
        out
    }
}

/// The faces a reader may see a text in: it is as wide as the widest of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Faces(pub &'static [Face]);

/// A character no measured font has (CJK, emoji) is taken as a full em: as wide as the
/// widest Latin capitals, so a column is never too narrow for it.
const UNKNOWN: u16 = 1000;

impl Faces {
    /// Regular Word text: Calibri (Carlito) or DejaVu Sans.
    pub const WORD: Faces = Faces(&[Face::Carlito, Face::DejaVuSans]);
    pub const WORD_BOLD: Faces = Faces(&[Face::CarlitoBold, Face::DejaVuSansBold]);
    /// LaTeX's Latin Modern (Computer Modern's widths).
    pub const LATEX: Faces = Faces(&[Face::LatinModern]);
    pub const LATEX_BOLD: Faces = Faces(&[Face::LatinModernBold]);

    /// The width of `text` on one line at `size` points, in points.
    pub fn width(self, text: &str, size: f64) -> f64 {
        let per_mille: u64 =
            text.chars().map(|c| u64::from(self.0.iter().filter_map(|f| f.advance(c)).max().unwrap_or(UNKNOWN))).sum();
        per_mille as f64 * size / 1000.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_are_the_fonts_own() {
        // Carlito, like Calibri, has figures of 1038/2048 em (506.8, rounded up to 507) and
        // a space of 463/2048 (226.1 → 227).
        assert_eq!(Face::Carlito.advance('0'), Some(507));
        assert_eq!(Face::Carlito.advance(' '), Some(227));
        // DejaVu Sans is wider: its figures are 1303/2048 em = 636.2, rounded up.
        assert_eq!(Face::DejaVuSans.advance('0'), Some(637));
        // Latin Modern's figures are half an em, as Computer Modern's.
        assert_eq!(Face::LatinModern.advance('0'), Some(500));
        // Norwegian letters are measured; an emoji is not.
        assert!(Face::Carlito.advance('ø').is_some() && Face::CarlitoBold.advance('Å').is_some());
        assert_eq!(Face::Carlito.advance('😀'), None);
    }

    #[test]
    fn every_face_has_a_width_for_every_measured_character() {
        let chars: u32 = WIDTHS.ranges.iter().map(|(first, end)| end - first).sum();
        assert_eq!(WIDTHS.ranges, [(0x20, 0x250), (0x2000, 0x2070)]);
        for face in [
            Face::Carlito,
            Face::CarlitoBold,
            Face::DejaVuSans,
            Face::DejaVuSansBold,
            Face::LatinModern,
            Face::LatinModernBold,
        ] {
            let widths = WIDTHS.faces.iter().find(|(key, _)| *key == face.key()).map(|(_, w)| w.len());
            assert_eq!(widths, Some(chars as usize), "{face:?}");
        }
        // A glyph of the second range, and one of the last table.
        assert_eq!(Face::DejaVuSansBold.advance('‰'), Some(1440));
        assert_eq!(Face::Carlito.advance('—'), Some(906));
        assert_eq!(Face::LatinModernBold.advance('Z'), Some(703));
    }

    #[test]
    fn a_word_file_is_measured_in_the_wider_font() {
        // "10": Carlito 2 × 507, DejaVu Sans 2 × 637 → the wider, at 10 pt: 12.74 pt.
        assert!((Faces::WORD.width("10", 10.0) - 12.74).abs() < 1e-9);
        // An unknown character counts a full em.
        assert!((Faces::LATEX.width("😀", 10.0) - 10.0).abs() < 1e-9);
        // Capitals are wider than small letters, which a count of characters cannot see.
        assert!(Faces::WORD_BOLD.width("WWWW", 10.0) > 1.5 * Faces::WORD_BOLD.width("iiii", 10.0) * 2.0);
    }
}
