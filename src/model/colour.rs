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

/// The code palette: twelve hues chosen to stay apart for the common colour-vision
/// deficiencies (after Paul Tol's "muted" and "light" schemes) and readable as a translucent
/// highlight on both light and dark backgrounds. New codes take the next colour in turn.
pub const PALETTE: [Colour; 12] = [
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
];

/// The palette colour for the n-th code.
pub fn palette_colour(n: usize) -> Colour {
    PALETTE[n % PALETTE.len()]
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

    #[test]
    fn palette_colours_are_distinct() {
        for (i, a) in PALETTE.iter().enumerate() {
            for b in &PALETTE[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }
}
