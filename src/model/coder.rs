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
