//! Members of the team who code.

use super::{CoderId, Colour};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coder {
    pub id: CoderId,
    pub name: String,
    pub colour: Colour,
    /// The stem of this coder's codings file (`codings/<slug>.json`); fixed at creation so a
    /// rename does not move the file under a sync tool's feet.
    pub slug: String,
}

/// The file-name stem a person's name gives: its ASCII letters and digits lower-cased, every
/// other run of characters one `-`, at most 48 characters (far below every file system's
/// limit); empty when the name has no ASCII letter or digit. The trail's files are named so,
/// as coders' codings files are.
pub fn name_slug(name: &str) -> String {
    let mut slug = String::new();
    for c in name.trim().chars() {
        let c = if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' };
        if !(c == '-' && (slug.is_empty() || slug.ends_with('-'))) {
            slug.push(c);
        }
    }
    let slug: String = slug.chars().take(48).collect();
    slug.trim_end_matches('-').to_string()
}
