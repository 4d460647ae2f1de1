//! What the index holds, saved in the payload of each tantivy commit so that it can never
//! disagree with the segments it describes (a crash between two files could make it).

use crate::model::{DocId, Language};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// [`super::schema::SCHEMA_VERSION`] of the index that wrote it.
    pub schema: u32,
    /// The language the stemmed field was analysed with.
    pub language: Language,
    /// The slot the next indexed document gets. Slots are never reused, so a stale hit
    /// can never be taken for another document.
    pub next_slot: u64,
    pub docs: BTreeMap<DocId, IndexedDoc>,
}

/// One indexed document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexedDoc {
    pub slot: u64,
    /// [`super::units::Fingerprinter`] print of the document when it was indexed.
    pub fingerprint: String,
    pub units: u32,
    /// Bytes of text indexed.
    pub bytes: u64,
}

impl Manifest {
    pub fn new(language: Language) -> Self {
        Manifest { schema: super::schema::SCHEMA_VERSION, language, next_slot: 1, docs: BTreeMap::new() }
    }

    pub fn slot_map(&self) -> HashMap<u64, DocId> {
        self.docs.iter().map(|(id, d)| (d.slot, *id)).collect()
    }

    pub fn units(&self) -> u64 {
        self.docs.values().map(|d| u64::from(d.units)).sum()
    }

    pub fn bytes(&self) -> u64 {
        self.docs.values().map(|d| d.bytes).sum()
    }
}
