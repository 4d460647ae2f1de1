//! How wide text prints in the fonts the exports name, from the fonts' own advance widths
//! (a table generated from the installed font files by `cargo run --example font_metrics`,
//! in `metrics_data.rs`). Table columns are sized with these widths, so that a header of
//! wide capitals gets the room it needs and no word is broken.
//!
//! A Word file names Calibri; Word has it, LibreOffice sets Carlito (the same widths) or,
//! where Carlito is missing, DejaVu Sans, which is wider. [`Faces::WORD`] measures with the
//! wider of the two at each character. LaTeX sets Latin Modern (or Computer Modern, which
//! has the same widths). Kerning is left out: it only ever narrows a word a little.

#[rustfmt::skip]
#[path = "metrics_data.rs"]
mod data;

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
    fn table(self) -> &'static [u16] {
        match self {
            Face::Carlito => &data::CARLITO,
            Face::CarlitoBold => &data::CARLITO_BOLD,
            Face::DejaVuSans => &data::DEJAVU_SANS,
            Face::DejaVuSansBold => &data::DEJAVU_SANS_BOLD,
            Face::LatinModern => &data::LATIN_MODERN,
            Face::LatinModernBold => &data::LATIN_MODERN_BOLD,
        }
    }

    /// A character's advance in thousandths of an em; `None` outside the measured ranges or
    /// where the font has no glyph.
    pub fn advance(self, c: char) -> Option<u16> {
        let cp = u32::from(c);
        let mut at = 0usize;
        for (first, end) in data::RANGES {
            if (first..end).contains(&cp) {
                let w = self.table().get(at + (cp - first) as usize).copied()?;
                return (w > 0).then_some(w);
            }
            at += (end - first) as usize;
        }
        None
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
    fn a_word_file_is_measured_in_the_wider_font() {
        // "10": Carlito 2 × 507, DejaVu Sans 2 × 637 → the wider, at 10 pt: 12.74 pt.
        assert!((Faces::WORD.width("10", 10.0) - 12.74).abs() < 1e-9);
        // An unknown character counts a full em.
        assert!((Faces::LATEX.width("😀", 10.0) - 10.0).abs() < 1e-9);
        // Capitals are wider than small letters, which a count of characters cannot see.
        assert!(Faces::WORD_BOLD.width("WWWW", 10.0) > 1.5 * Faces::WORD_BOLD.width("iiii", 10.0) * 2.0);
    }
}
