//! Bringing the index in line with the project: documents added, removed or changed since
//! the last commit are (re)indexed by their id, the rest is left alone.
//! [`SearchIndex::sync`] runs on the caller's thread and reports on a [`Progress`]; the app
//! runs it as a job (`ui::jobs`), the command line in place.

use super::schema::{Fields, attr_key, key, stem_language};
use super::units::{Fingerprinter, Unit, units};
use super::vocabulary::Vocabulary;
use super::words::StemmedWords;
use super::{IndexError, IndexedDoc, Manifest, SearchIndex, commit};
use crate::model::{DocId, Document, Language, Named, ParticipantId, Project};
use crate::progress::Progress;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tantivy::indexer::UserOperation;
use tantivy::tokenizer::{PreTokenizedString, TextAnalyzer, TokenStream};
use tantivy::{TantivyDocument, Term};

/// What a sync did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Documents indexed (new ones and changed ones).
    pub indexed: usize,
    /// Documents taken out because they left the project.
    pub removed: usize,
    pub unchanged: usize,
    /// Units and bytes of text indexed by this sync.
    pub units: usize,
    pub bytes: u64,
    pub elapsed: Duration,
}

impl SyncReport {
    pub fn changed(&self) -> bool {
        self.indexed > 0 || self.removed > 0
    }
}

/// What a sync would do.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncPlan {
    /// Documents to index, in project order.
    pub index: Vec<DocId>,
    /// Indexed documents to take out, with their slots.
    pub remove: Vec<(DocId, u64)>,
    pub unchanged: usize,
}

impl SyncPlan {
    pub fn is_empty(&self) -> bool {
        self.index.is_empty() && self.remove.is_empty()
    }
}

impl SearchIndex {
    /// Compares the index with the project.
    pub fn plan(&self, project: &Project) -> SyncPlan {
        let snapshot = self.snapshot();
        plan(&snapshot.manifest, project).0
    }

    /// Whether the index holds exactly the project's documents as they are now.
    pub fn is_current(&self, project: &Project) -> bool {
        project.settings.language == self.language && self.plan(project).is_empty()
    }

    /// Indexes what changed in the project since the last sync and commits it. `progress`
    /// counts bytes of text indexed, its items are the documents, and its phase is
    /// `indexing` then `writing` (tantivy writing and committing the segments); cancelling
    /// it stops the sync and leaves the index as it was before it started.
    pub fn sync(&self, project: &Project, progress: &Progress) -> Result<SyncReport, IndexError> {
        let started = Instant::now();
        if project.settings.language != self.language {
            return Err(IndexError::LanguageChanged);
        }
        let mut writer = self.writer()?;
        let mut manifest = (*self.snapshot().manifest).clone();
        let (plan, mut prints) = plan(&manifest, project);
        let mut report = SyncReport { unchanged: plan.unchanged, ..Default::default() };
        if plan.is_empty() {
            report.elapsed = started.elapsed();
            return Ok(report);
        }
        let path = self.path().to_path_buf();
        let f = self.fields;
        let old = self.snapshot();
        // Words reported by an earlier, cancelled sync are harmless but not needed.
        self.new_words.lock().unwrap_or_else(|p| p.into_inner()).clear();
        for (doc, slot) in &plan.remove {
            writer.delete_term(Term::from_field_u64(f.doc_slot, *slot));
            manifest.docs.remove(doc);
            if !project.documents.contains_key(doc) {
                report.removed += 1;
            }
        }
        let docs: Vec<&Document> = plan.index.iter().filter_map(|id| project.documents.get(id)).collect();
        let mut stemmers: HashMap<Language, TextAnalyzer> = HashMap::new();
        let docs_total = docs.len() as u64;
        progress.set_total(docs.iter().map(|d| d.text.len() as u64).sum());
        progress.set_item(0, docs_total);
        progress.set_phase("indexing");
        let mut bytes_done = 0u64;
        for (n, doc) in docs.into_iter().enumerate() {
            if progress.is_cancelled() {
                writer.rollback().map_err(IndexError::tantivy(&path))?;
                return Err(IndexError::Cancelled);
            }
            let slot = manifest.next_slot;
            manifest.next_slot += 1;
            let units = units(doc);
            let keywords = Keywords::new(project, doc);
            // A document in another language than the index's is stemmed in its own language
            // (its words reach the vocabulary with those stems too).
            let mut own = doc.props.language.filter(|l| *l != self.language).map(|l| {
                stemmers.entry(l).or_insert_with(|| {
                    TextAnalyzer::from(StemmedWords::reporting_to(stem_language(l), Arc::clone(&self.new_words)))
                })
            });
            let ops: Vec<UserOperation> = units
                .iter()
                .map(|unit| UserOperation::Add(unit_document(&f, &keywords, doc, slot, unit, own.as_deref_mut())))
                .collect();
            let bytes: u64 = units.iter().map(|u| (u.bytes.end - u.bytes.start) as u64).sum();
            if !ops.is_empty() {
                writer.run(ops).map_err(IndexError::tantivy(&path))?;
            }
            manifest.docs.insert(
                doc.id,
                IndexedDoc {
                    slot,
                    fingerprint: prints.remove(&doc.id).unwrap_or_default(),
                    units: units.len() as u32,
                    bytes,
                },
            );
            report.indexed += 1;
            report.units += units.len();
            report.bytes += bytes;
            bytes_done += doc.text.len() as u64;
            progress.set_item(n as u64 + 1, docs_total);
            progress.set_done(bytes_done);
        }
        if progress.is_cancelled() {
            writer.rollback().map_err(IndexError::tantivy(&path))?;
            return Err(IndexError::Cancelled);
        }
        progress.set_phase("writing");
        let root = self.root.clone();
        let vocabulary = match commit(&mut writer, &manifest, root.as_deref(), || self.take_new_words(&old.vocabulary))
        {
            Ok(v) => v.unwrap_or_else(|| Arc::clone(&old.vocabulary)),
            Err(e) => {
                // Leave the writer clean for the next attempt.
                let _ = writer.rollback();
                return Err(e);
            }
        };
        drop(writer);
        self.publish(manifest, vocabulary)?;
        report.elapsed = started.elapsed();
        Ok(report)
    }

    /// Empties the index (the next sync indexes every document again).
    pub fn clear(&self) -> Result<(), IndexError> {
        let mut writer = self.writer()?;
        let path = self.path().to_path_buf();
        writer.delete_all_documents().map_err(IndexError::tantivy(&path))?;
        let old = self.snapshot();
        let manifest = Manifest { next_slot: old.manifest.next_slot, ..Manifest::new(self.language) };
        // The emptied list is written only once the empty index is committed: until then the
        // old list stays a superset of what the index holds, crash or not.
        // If it cannot be written, the old list stays, on disk and here: a superset is safe.
        commit(&mut writer, &manifest, self.root.as_deref(), || None)?;
        let empty = Arc::new(Vocabulary::default());
        let written = self.root.as_ref().is_none_or(|root| empty.write(&root.join(super::vocabulary::FILE)).is_ok());
        drop(writer);
        self.publish(manifest, if written { empty } else { Arc::clone(&old.vocabulary) })
    }
}

/// The keyword values of one document's units, worked out once per document.
struct Keywords {
    doc_name: String,
    kind: &'static str,
    /// Document metadata as attributes, shared by every unit.
    doc_attrs: Vec<String>,
    /// Per turn: speaker keys, group key, participant attributes.
    turns: Vec<TurnKeywords>,
}

#[derive(Clone, Default)]
struct TurnKeywords {
    speakers: Vec<String>,
    group: Option<String>,
    attrs: Vec<String>,
}

impl Keywords {
    fn new(project: &Project, doc: &Document) -> Keywords {
        let mut by_participant: HashMap<ParticipantId, TurnKeywords> = HashMap::new();
        let turns = doc
            .turns
            .iter()
            .map(|turn| {
                let mut k = match turn.participant.and_then(|p| project.participants.get(&p)) {
                    Some(p) => by_participant
                        .entry(p.id)
                        .or_insert_with(|| TurnKeywords {
                            speakers: std::iter::once(p.label())
                                .chain(p.props.aliases.iter().map(String::as_str))
                                .map(key)
                                .collect(),
                            group: Some(key(p.group())).filter(|g| !g.is_empty()),
                            attrs: p.props.attributes.iter().map(|(k, v)| attr_key(k, v)).collect(),
                        })
                        .clone(),
                    None => TurnKeywords::default(),
                };
                k.speakers.push(key(&turn.speaker));
                k.speakers.sort();
                k.speakers.dedup();
                k.speakers.retain(|s| !s.is_empty());
                k
            })
            .collect();
        Keywords {
            doc_name: key(doc.name()),
            kind: doc.kind().slug(),
            // Sets are filterable like attributes: `set:"Wave 1"`.
            doc_attrs: doc
                .props
                .metadata
                .iter()
                .map(|(k, v)| attr_key(k, v))
                .chain(doc.props.sets.iter().map(|s| attr_key("set", s)))
                .collect(),
            turns,
        }
    }
}

/// One unit as a tantivy document. `stem` is the analyser of the document's own language
/// when it is not the index's: its words are then stemmed here and handed over pre-tokenized.
fn unit_document(
    f: &Fields,
    k: &Keywords,
    doc: &Document,
    slot: u64,
    unit: &Unit,
    stem: Option<&mut TextAnalyzer>,
) -> TantivyDocument {
    let text = &doc.text[unit.bytes.clone()];
    let mut d = TantivyDocument::new();
    d.add_u64(f.doc_slot, slot);
    d.add_i64(f.turn, unit.turn.map_or(-1, |t| t as i64));
    d.add_u64(f.start, unit.span.start.get() as u64);
    d.add_u64(f.end, unit.span.end.get() as u64);
    d.add_u64(f.start_byte, unit.bytes.start as u64);
    d.add_u64(f.end_byte, unit.bytes.end as u64);
    match stem {
        Some(analyzer) => {
            let mut tokens = Vec::new();
            let mut stream = analyzer.token_stream(text);
            while stream.advance() {
                tokens.push(stream.token().clone());
            }
            d.add_pre_tokenized_text(f.text, PreTokenizedString { text: text.to_string(), tokens });
        }
        None => d.add_text(f.text, text),
    }
    d.add_text(f.doc_name, &k.doc_name);
    d.add_text(f.kind, k.kind);
    for a in &k.doc_attrs {
        d.add_text(f.attr, a);
    }
    if let Some(t) = unit.turn.and_then(|t| k.turns.get(t)) {
        for s in &t.speakers {
            d.add_text(f.speaker, s);
        }
        if let Some(g) = &t.group {
            d.add_text(f.group, g);
        }
        for a in &t.attrs {
            d.add_text(f.attr, a);
        }
    }
    d
}

/// The plan, and the fingerprint of each document to index.
fn plan(manifest: &Manifest, project: &Project) -> (SyncPlan, HashMap<DocId, String>) {
    let fingerprints = Fingerprinter::new(project);
    let mut out = SyncPlan::default();
    let mut prints = HashMap::new();
    for (id, doc) in &project.documents {
        let print = fingerprints.of(doc);
        match manifest.docs.get(id) {
            Some(indexed) if indexed.fingerprint == print => {
                out.unchanged += 1;
                continue;
            }
            Some(indexed) => out.remove.push((*id, indexed.slot)),
            None => {}
        }
        out.index.push(*id);
        prints.insert(*id, print);
    }
    for (id, indexed) in &manifest.docs {
        if !project.documents.contains_key(id) {
            out.remove.push((*id, indexed.slot));
        }
    }
    (out, prints)
}
