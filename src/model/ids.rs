//! Typed identifiers. Every entity gets a UUID so that two copies of a project made by
//! different coders can be merged without their ids colliding; the newtypes stop a code id
//! from being passed where a theme id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A fresh id. Version 7 UUIDs sort by creation time, so files that list
            /// entities by id read in the order they were made.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            /// A deterministic id, for tests and for reproducible builds of the sample project.
            pub const fn from_u128(n: u128) -> Self {
                Self(Uuid::from_u128(n))
            }

            /// The first eight hex digits: enough to tell ids apart in messages and file names.
            pub fn short(&self) -> String {
                self.0.simple().to_string()[..8].to_string()
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.short())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// A document (transcript, field notes, ...).
    DocId
);
id_type!(
    /// A research participant (or an interviewer).
    ParticipantId
);
id_type!(
    /// A code in the codebook.
    CodeId
);
id_type!(
    /// A theme or subtheme.
    ThemeId
);
id_type!(
    /// One application of a code to a span of a document by a coder.
    CodingId
);
id_type!(
    /// A quote chosen for a theme.
    QuoteId
);
id_type!(
    /// A memo or a reflexive-journal entry.
    MemoId
);
id_type!(
    /// A member of the research team who codes.
    CoderId
);
id_type!(
    /// An entry of the consensus log (how a difference between coders was resolved).
    ConsensusId
);
