//! The whole project as plain data: what the store saves and every view reads.
//!
//! Fields are public for reading; they change only through [`crate::edit`], which keeps the
//! invariants (names unique, references valid, trees acyclic, spans inside their text).

use super::cow::{Chunked, Shared};
use super::*;
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The language of the corpus (or of one document), which decides stemming in search: the
/// languages tantivy ships a Snowball stemmer for that Tema offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    #[default]
    English,
    Norwegian,
    Danish,
    Swedish,
    Finnish,
    German,
    Dutch,
    French,
    Spanish,
    Portuguese,
    Italian,
}

impl Language {
    pub const ALL: [Language; 11] = [
        Language::English,
        Language::Norwegian,
        Language::Danish,
        Language::Swedish,
        Language::Finnish,
        Language::German,
        Language::Dutch,
        Language::French,
        Language::Spanish,
        Language::Portuguese,
        Language::Italian,
    ];

    /// The name shown to people (`English`).
    pub fn label(self) -> &'static str {
        match self {
            Language::English => "English",
            Language::Norwegian => "Norwegian",
            Language::Danish => "Danish",
            Language::Swedish => "Swedish",
            Language::Finnish => "Finnish",
            Language::German => "German",
            Language::Dutch => "Dutch",
            Language::French => "French",
            Language::Spanish => "Spanish",
            Language::Portuguese => "Portuguese",
            Language::Italian => "Italian",
        }
    }
}

/// The name in files and on the command line (`english`), and the ISO 639-1 code (`en`).
impl super::Named for Language {
    const WHAT: &'static str = "language";
    const WORDS: &'static [super::Word<Self>] = &[
        super::word(Language::English, "english").or(&["en"]),
        super::word(Language::Norwegian, "norwegian").or(&["no", "nb", "nn", "norsk", "bokmål"]),
        super::word(Language::Danish, "danish").or(&["da"]),
        super::word(Language::Swedish, "swedish").or(&["sv"]),
        super::word(Language::Finnish, "finnish").or(&["fi"]),
        super::word(Language::German, "german").or(&["de"]),
        super::word(Language::Dutch, "dutch").or(&["nl"]),
        super::word(Language::French, "french").or(&["fr"]),
        super::word(Language::Spanish, "spanish").or(&["es"]),
        super::word(Language::Portuguese, "portuguese").or(&["pt"]),
        super::word(Language::Italian, "italian").or(&["it"]),
    ];
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Settings {
    pub name: String,
    #[serde(default)]
    pub language: Language,
    #[serde(default)]
    pub description: String,
    /// How quotes are attributed and laid out in exports.
    #[serde(default)]
    pub quotes: QuoteSettings,
    /// The author's answers to Braun and Clarke's checklist, by point ("1" to "15"; see
    /// `trail::checklist`). Keyed by text: the journal reads settings inside a tagged edit,
    /// where serde cannot read number keys back.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub checklist: std::collections::BTreeMap<String, String>,
}

/// Change counters for memoising derived views (layouts, tables, counts).
///
/// They are bookkeeping, not content: two projects with the same content compare equal
/// whatever their histories, so `PartialEq` ignores them.
#[derive(Clone, Debug, Default)]
pub struct Revisions {
    /// Bumped by every edit.
    pub all: u64,
    /// Bumped when a document's codings (or the codes drawn on it) change.
    pub docs: HashMap<DocId, u64>,
    /// Bumped when codes are created, renamed, recoloured, moved or deleted.
    pub codebook: u64,
    /// Bumped when themes or their memberships change.
    pub themes: u64,
    /// Bumped when documents, speaker turns, participants or the language change: what the
    /// search index holds.
    pub corpus: u64,
    /// Bumped when any document is added, removed, renamed or moved, or its codings or
    /// speaker turns change: one number to check instead of every entry of `docs`.
    pub documents: u64,
    /// Bumped when participants are added, changed or removed.
    pub participants: u64,
    /// Bumped when a framework summary or row mark changes.
    pub framework: u64,
}

impl PartialEq for Revisions {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Revisions {
    pub fn doc(&self, id: DocId) -> u64 {
        self.docs.get(&id).copied().unwrap_or(0)
    }
}

/// The hasher of the look-up tables: SipHash (the default) was a twentieth of opening a large
/// project. foldhash is seeded at random per process too, so ids in a hostile project file
/// still cannot be chosen to collide.
type FastHash = foldhash::fast::RandomState;

/// What makes a coding unique within its document.
type CodingKey = (Span, CodeId, CoderId);

/// Look-up tables derived from the codings, kept in step by the edit functions. Like
/// [`Revisions`] they are not content, so `PartialEq` ignores them. Each document's and
/// code's table is [`Shared`]: a copy of the project (a background save's) shares them, and an
/// edit made meanwhile copies only the tables of what it touches.
#[derive(Clone, Debug, Default)]
pub struct Derived {
    /// Every coding of each document by what makes it unique: the same coder cannot apply the
    /// same code to the same span twice. Makes that check O(1) instead of a scan of all
    /// codings.
    coding_keys: HashMap<DocId, Shared<HashMap<CodingKey, CodingId, FastHash>>, FastHash>,
    /// The codings of each document, so per-document views and edits do not scan every
    /// coding (at 20 M words and 500,000 codings a scan per document made opening grow with
    /// documents × codings).
    by_doc: HashMap<DocId, Shared<Vec<CodingId>>, FastHash>,
    /// The codings of each code, for per-code queries and the edits that re-point codes.
    by_code: HashMap<CodeId, Shared<Vec<CodingId>>, FastHash>,
    /// How many codings each coder has: the Team view lists coders with their counts every
    /// frame, and agreement starts from the coders who have coded.
    by_coder: HashMap<CoderId, usize, FastHash>,
    /// How many codings the tables hold. A `Project` built by filling `codings` directly
    /// (tests, loaders) without [`Project::rebuild_derived`] has a different count, and the
    /// look-ups then fall back to a scan instead of answering wrongly.
    indexed: usize,
}

impl Derived {
    /// Records a coding added to the project.
    pub(crate) fn insert(&mut self, c: &Coding) {
        self.coding_keys.entry(c.doc).or_default().insert((c.span, c.code, c.coder), c.id);
        let fresh = insert_sorted(self.by_doc.entry(c.doc).or_default(), c.id);
        insert_sorted(self.by_code.entry(c.code).or_default(), c.id);
        if fresh {
            self.indexed += 1;
            *self.by_coder.entry(c.coder).or_default() += 1;
        }
    }

    /// Records that a coding of `doc` is now unique by `key` (its span moved).
    pub(crate) fn insert_key(&mut self, doc: DocId, key: CodingKey, id: CodingId) {
        self.coding_keys.entry(doc).or_default().insert(key, id);
    }

    /// Forgets what made a coding of `doc` unique (its span is about to move).
    pub(crate) fn remove_key(&mut self, doc: DocId, key: &CodingKey) {
        if let Some(keys) = self.coding_keys.get_mut(&doc) {
            keys.remove(key);
            if keys.is_empty() {
                self.coding_keys.remove(&doc);
            }
        }
    }

    /// Forgets a coding removed from the project (or about to change its key).
    pub(crate) fn remove(&mut self, c: &Coding) {
        self.remove_key(c.doc, &(c.span, c.code, c.coder));
        if remove_from(&mut self.by_doc, c.doc, c.id) {
            self.indexed = self.indexed.saturating_sub(1);
            if let Some(n) = self.by_coder.get_mut(&c.coder) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    self.by_coder.remove(&c.coder);
                }
            }
        }
        remove_from(&mut self.by_code, c.code, c.id);
    }
}

/// Inserts `id` into a list kept sorted (id order is creation order, so loading appends).
/// Sorted vectors rather than B-tree sets: a third of the memory, which a REFI-QDA import of
/// 50,000 codings feels; a document's or code's list is short enough to shift.
fn insert_sorted(list: &mut Vec<CodingId>, id: CodingId) -> bool {
    match list.binary_search(&id) {
        Ok(_) => false,
        Err(at) => {
            list.insert(at, id);
            true
        }
    }
}

/// Removes `id` from the list under `key`, dropping the list when it empties.
fn remove_from<K: std::hash::Hash + Eq>(
    map: &mut HashMap<K, Shared<Vec<CodingId>>, FastHash>,
    key: K,
    id: CodingId,
) -> bool {
    let Some(list) = map.get_mut(&key) else { return false };
    let removed = match list.binary_search(&id) {
        Ok(at) => {
            list.remove(at);
            true
        }
        Err(_) => false,
    };
    if list.is_empty() {
        map.remove(&key);
    }
    removed
}

impl PartialEq for Derived {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Project {
    pub settings: Settings,
    /// Shared with copies of the project (a background save's) until changed.
    pub documents: Shared<IndexMap<DocId, Document>>,
    pub participants: IndexMap<ParticipantId, Participant>,
    pub coders: IndexMap<CoderId, Coder>,
    pub codes: IndexMap<CodeId, Code>,
    pub themes: IndexMap<ThemeId, Theme>,
    /// In shared chunks: a copy of the project shares them, and an edit copies only the chunk
    /// it touches.
    pub codings: Chunked<CodingId, Coding>,
    pub quotes: IndexMap<QuoteId, Quote>,
    pub memos: IndexMap<MemoId, Memo>,
    /// The team's consensus log, oldest first.
    pub consensus: IndexMap<ConsensusId, ConsensusEntry>,
    /// Summaries and marks written into triangulation tables.
    pub framework: Framework,
    pub revisions: Revisions,
    pub(crate) derived: Derived,
}

/// Case- and space-insensitive form of a name, for uniqueness and look-up.
pub fn name_key(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Whether two names have the same [`name_key`], without building the keys when both are
/// ASCII (the common case): checking a new code's name against every other code's, and the
/// whole codebook's on every open, would otherwise allocate a key per name per check.
pub fn same_name(a: &str, b: &str) -> bool {
    if !(a.is_ascii() && b.is_ascii()) {
        return name_key(a) == name_key(b);
    }
    let (mut x, mut y) = (a.split_whitespace(), b.split_whitespace());
    loop {
        match (x.next(), y.next()) {
            (None, None) => return true,
            (Some(v), Some(w)) if v.eq_ignore_ascii_case(w) => {}
            _ => return false,
        }
    }
}

impl Project {
    pub fn new(name: impl Into<String>) -> Self {
        Self { settings: Settings { name: name.into(), ..Default::default() }, ..Default::default() }
    }

    /// Rebuilds the derived look-up tables after the fields were filled directly (loading).
    ///
    /// The codings come in id order (a `BTreeMap`), so each list is built by pushing, already
    /// sorted, rather than by [`Derived::insert`]'s binary search: this runs on every open.
    pub fn rebuild_derived(&mut self) {
        use rayon::prelude::*;
        // Plain lists first (by document with each coding's key; by code and by coder on
        // another core), then each document's key table made at its final size, documents
        // on every core: grown from empty, 2,000 tables of a 20 M-word project were each
        // rehashed several times, and on one thread this was a tenth of opening it.
        let codings = &self.codings;
        let (by_doc, (by_code, by_coder)) = rayon::join(
            || {
                let mut by_doc: HashMap<DocId, Vec<(CodingId, CodingKey)>, FastHash> = HashMap::default();
                for c in codings.values() {
                    by_doc.entry(c.doc).or_default().push((c.id, (c.span, c.code, c.coder)));
                }
                by_doc
            },
            || {
                let mut by_code: HashMap<CodeId, Vec<CodingId>, FastHash> = HashMap::default();
                let mut by_coder: HashMap<CoderId, usize, FastHash> = HashMap::default();
                for c in codings.values() {
                    by_code.entry(c.code).or_default().push(c.id);
                    *by_coder.entry(c.coder).or_default() += 1;
                }
                (by_code, by_coder)
            },
        );
        type Tables = (DocId, Shared<Vec<CodingId>>, Shared<HashMap<CodingKey, CodingId, FastHash>>);
        let per_doc: Vec<Tables> = by_doc
            .into_par_iter()
            .map(|(doc, keyed)| {
                let mut keys = HashMap::with_capacity_and_hasher(keyed.len(), FastHash::default());
                let mut ids = Vec::with_capacity(keyed.len());
                for (id, key) in keyed {
                    keys.insert(key, id);
                    ids.push(id);
                }
                (doc, Shared::new(ids), Shared::new(keys))
            })
            .collect();
        let mut coding_keys = HashMap::with_capacity_and_hasher(per_doc.len(), FastHash::default());
        let mut by_doc = HashMap::with_capacity_and_hasher(per_doc.len(), FastHash::default());
        for (doc, ids, keys) in per_doc {
            by_doc.insert(doc, ids);
            coding_keys.insert(doc, keys);
        }
        self.derived = Derived {
            coding_keys,
            by_doc,
            by_code: by_code.into_iter().map(|(code, ids)| (code, Shared::new(ids))).collect(),
            by_coder,
            indexed: self.codings.len(),
        };
    }

    /// Whether two codings may share what makes a coding unique (see
    /// [`Derived::coding_keys`]): the tables hold fewer keys than codings, or are not in step
    /// (a project filled directly), so only a scan can tell.
    pub(crate) fn may_have_duplicate_codings(&self) -> bool {
        !self.indexed() || self.derived.coding_keys.values().map(|keys| keys.len()).sum::<usize>() < self.codings.len()
    }

    /// Whether the look-up tables kept by the edits equal tables rebuilt from scratch: the
    /// property tests check this after every random edit (not run on open: it costs a
    /// rebuild).
    pub fn derived_in_step(&self) -> bool {
        let mut fresh = self.clone();
        fresh.rebuild_derived();
        let (a, b) = (&self.derived, &fresh.derived);
        a.coding_keys == b.coding_keys
            && a.by_doc == b.by_doc
            && a.by_code == b.by_code
            && a.by_coder == b.by_coder
            && a.indexed == b.indexed
    }

    /// Whether the look-up tables describe `codings` (see [`Derived::indexed`]).
    fn indexed(&self) -> bool {
        self.derived.indexed == self.codings.len()
    }

    /// The codings of one document, in id order (creation order): from the index when it is
    /// in step, else by a scan.
    pub fn codings_of_doc(&self, doc: DocId) -> Box<dyn Iterator<Item = &Coding> + '_> {
        self.codings_listed(self.derived.by_doc.get(&doc), move |c| c.doc == doc)
    }

    /// The codings of one code (not its children), in id order.
    pub fn codings_of_code(&self, code: CodeId) -> Box<dyn Iterator<Item = &Coding> + '_> {
        self.codings_listed(self.derived.by_code.get(&code), move |c| c.code == code)
    }

    /// The codings a look-up table lists (`listed`) when the tables are in step, else those a
    /// scan finds `belonging`.
    fn codings_listed<'a>(
        &'a self,
        listed: Option<&'a Shared<Vec<CodingId>>>,
        belonging: impl Fn(&Coding) -> bool + 'a,
    ) -> Box<dyn Iterator<Item = &'a Coding> + 'a> {
        if !self.indexed() {
            return Box::new(self.codings.values().filter(move |c| belonging(c)));
        }
        Box::new(listed.into_iter().flat_map(|ids| ids.iter()).filter_map(|id| self.codings.get(id)))
    }

    /// How many codings a document has: from the index when it is in step, else by a scan.
    pub fn coding_count_of_doc(&self, doc: DocId) -> usize {
        if !self.indexed() {
            return self.codings.values().filter(|c| c.doc == doc).count();
        }
        self.derived.by_doc.get(&doc).map_or(0, |ids| ids.len())
    }

    /// How many codings a coder has: from the index when it is in step, else by a scan.
    pub fn coding_count_of_coder(&self, coder: CoderId) -> usize {
        if !self.indexed() {
            return self.codings.values().filter(|c| c.coder == coder).count();
        }
        self.derived.by_coder.get(&coder).copied().unwrap_or(0)
    }

    /// The coding that applies `code` by `coder` to exactly `span`, if there is one.
    pub fn find_coding(&self, doc: DocId, span: Span, code: CodeId, coder: CoderId) -> Option<CodingId> {
        self.derived.coding_keys.get(&doc)?.get(&(span, code, coder)).copied()
    }

    pub fn document_by_name(&self, name: &str) -> Option<&Document> {
        let key = name_key(name);
        self.documents.values().find(|d| name_key(d.name()) == key)
    }

    pub fn code_by_name(&self, name: &str) -> Option<&Code> {
        let key = name_key(name);
        self.codes.values().find(|c| name_key(c.name()) == key)
    }

    pub fn theme_by_name(&self, name: &str) -> Option<&Theme> {
        let key = name_key(name);
        self.themes.values().find(|t| name_key(t.name()) == key)
    }

    pub fn coder_by_name(&self, name: &str) -> Option<&Coder> {
        let key = name_key(name);
        self.coders.values().find(|c| name_key(&c.name) == key)
    }

    pub fn participant_by_label(&self, label: &str) -> Option<&Participant> {
        let key = name_key(label);
        self.participants.values().find(|p| name_key(p.label()) == key)
    }

    /// The participant a transcript's speaker name refers to, by label or alias.
    pub fn participant_for_speaker(&self, speaker: &str) -> Option<&Participant> {
        self.participant_by_label(speaker).or_else(|| self.participants.values().find(|p| p.answers_to(speaker)))
    }

    /// Children of a code (or the top level), in codebook order.
    pub fn code_children(&self, parent: Option<CodeId>) -> impl Iterator<Item = &Code> {
        self.codes.values().filter(move |c| c.parent == parent)
    }

    /// A code and every code below it.
    pub fn code_subtree(&self, root: CodeId) -> Vec<CodeId> {
        subtree(root, |id| self.code_children(Some(id)).map(|c| c.id))
    }

    /// `Parent / Child` path of a code, for messages and exports.
    pub fn code_path(&self, id: CodeId) -> String {
        let mut parts = Vec::new();
        let mut cur = Some(id);
        let mut guard = 0;
        while let Some(c) = cur.and_then(|id| self.codes.get(&id)) {
            parts.push(c.name().to_string());
            cur = c.parent;
            guard += 1;
            if guard > self.codes.len() {
                break;
            }
        }
        parts.reverse();
        parts.join(" / ")
    }

    /// Depth of a code in the tree (top level is 0).
    pub fn code_depth(&self, id: CodeId) -> usize {
        let mut depth = 0;
        let mut cur = self.codes.get(&id).and_then(|c| c.parent);
        while let Some(p) = cur {
            depth += 1;
            if depth > self.codes.len() {
                break;
            }
            cur = self.codes.get(&p).and_then(|c| c.parent);
        }
        depth
    }

    pub fn theme_children(&self, parent: Option<ThemeId>) -> impl Iterator<Item = &Theme> {
        self.themes.values().filter(move |t| t.parent == parent)
    }

    /// A theme and every subtheme below it.
    pub fn theme_subtree(&self, root: ThemeId) -> Vec<ThemeId> {
        subtree(root, |id| self.theme_children(Some(id)).map(|t| t.id))
    }

    /// Codings of one document, in text order.
    pub fn codings_in(&self, doc: DocId) -> Vec<&Coding> {
        let mut v: Vec<&Coding> = self.codings_of_doc(doc).collect();
        v.sort_by_key(|c| (c.span.start, c.span.end, c.id));
        v
    }

    /// Number of codings per code (not counting children): from the index when it is in step
    /// (one entry per code, not a scan of every coding), else by a scan.
    pub fn coding_counts(&self) -> HashMap<CodeId, usize> {
        if self.indexed() {
            return self.derived.by_code.iter().map(|(code, ids)| (*code, ids.len())).collect();
        }
        let mut m = HashMap::new();
        for c in self.codings.values() {
            *m.entry(c.code).or_insert(0) += 1;
        }
        m
    }

    /// Total words over all documents.
    pub fn word_count(&self) -> usize {
        self.documents.values().map(|d| d.words).sum()
    }

    /// The speaker turn a coding starts in, and its participant.
    pub fn participant_at(&self, doc: DocId, pos: CharPos) -> Option<&Participant> {
        let d = self.documents.get(&doc)?;
        let pid = d.turn_at(pos)?.participant?;
        self.participants.get(&pid)
    }

    /// A new coder (not yet added) with a codings-file name not yet taken.
    pub fn new_coder(&self, name: &str) -> Coder {
        let base = super::name_slug(name);
        let base = if base.is_empty() { "coder" } else { &base };
        let mut slug = base.to_string();
        let mut n = 2;
        while self.coders.values().any(|c| c.slug.eq_ignore_ascii_case(&slug)) {
            slug = format!("{base}-{n}");
            n += 1;
        }
        Coder { id: CoderId::new(), name: name.trim().to_string(), colour: palette_colour(self.coders.len() + 3), slug }
    }

    /// A palette colour for a new top-level code, unlike the other top-level codes'.
    pub fn next_code_colour(&self) -> Colour {
        self.code_colour_under(None)
    }

    /// A palette colour for a new code under `parent`: unlike its siblings' and its parent's
    /// while the palette lasts, so neighbours in the codebook and the margin stay apart.
    pub fn code_colour_under(&self, parent: Option<CodeId>) -> Colour {
        let mut taken: Vec<Colour> = self.code_children(parent).map(|c| c.props.colour).collect();
        taken.extend(parent.and_then(|p| self.codes.get(&p)).map(|p| p.props.colour));
        super::colour::pick_colour(self.codes.len(), &taken)
    }
}

/// `root` and everything below it, breadth first, by `children` (codes and themes are trees
/// of the same shape).
fn subtree<K: Copy, I: Iterator<Item = K>>(root: K, children: impl Fn(K) -> I) -> Vec<K> {
    let mut out = vec![root];
    let mut i = 0;
    while let Some(&id) = out.get(i) {
        out.extend(children(id));
        i += 1;
    }
    out
}
