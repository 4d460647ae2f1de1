//! The copy-on-write parts of a project (issue 21).
//!
//! A background save shares the project with its worker (`Store::begin_save` hands it an
//! `Arc<Project>`), so the first edit made meanwhile copies the project (`Arc::make_mut`).
//! Copying every map of a 2 M-word project took 6.3 ms. The large parts are therefore shared
//! between copies of a project: [`Shared`] holds a map behind its own `Arc` (a copy of the
//! project shares it; the first change through it copies that map only), and [`Chunked`]
//! holds the codings in shared chunks, so the first change copies one chunk of at most
//! [`CHUNK`] codings, not every coding. Both read and change like the maps they hold; nothing
//! outside `crate::edit` and the loaders changes them (`Project::apply`).

use std::collections::BTreeMap;
use std::ops::{Deref, DerefMut};
use std::sync::Arc;

/// A value shared between copies of a project, copied on its first change in a copy.
#[derive(Default)]
pub struct Shared<T>(Arc<T>);

impl<T> Shared<T> {
    pub fn new(value: T) -> Self {
        Shared(Arc::new(value))
    }
}

impl<T> From<T> for Shared<T> {
    fn from(value: T) -> Self {
        Shared::new(value)
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// A change copies the value first when another copy of the project shares it.
impl<T: Clone> DerefMut for Shared<T> {
    fn deref_mut(&mut self) -> &mut T {
        Arc::make_mut(&mut self.0)
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(Arc::clone(&self.0))
    }
}

impl<T: std::fmt::Debug> std::fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl<T: PartialEq> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || *self.0 == *other.0
    }
}

impl<'a, T> IntoIterator for &'a Shared<T>
where
    &'a T: IntoIterator,
{
    type Item = <&'a T as IntoIterator>::Item;
    type IntoIter = <&'a T as IntoIterator>::IntoIter;
    fn into_iter(self) -> Self::IntoIter {
        (&*self.0).into_iter()
    }
}

/// Most entries a chunk of a [`Chunked`] map holds before it is split in two: the most the
/// first change during a save copies.
pub const CHUNK: usize = 1024;

/// An ordered map held in chunks of neighbouring keys, each shared between copies of the
/// project: a copy of the map copies only the list of chunks, and a change copies the one
/// chunk it touches. Reads and iterates in key order like a `BTreeMap`.
#[derive(Clone)]
pub struct Chunked<K, V> {
    /// Each chunk by its smallest key; no chunk is empty.
    chunks: BTreeMap<K, Arc<BTreeMap<K, V>>>,
    len: usize,
}

impl<K, V> Default for Chunked<K, V> {
    fn default() -> Self {
        Chunked { chunks: BTreeMap::new(), len: 0 }
    }
}

impl<K: Ord + Copy, V: Clone> Chunked<K, V> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The key of the chunk that holds (or would hold) `key`: the last chunk starting at or
    /// before it.
    fn chunk_of(&self, key: &K) -> Option<K> {
        self.chunks.range(..=*key).next_back().map(|(k, _)| *k)
    }

    pub fn get(&self, key: &K) -> Option<&V> {
        let start = self.chunk_of(key)?;
        self.chunks.get(&start)?.get(key)
    }

    pub fn contains_key(&self, key: &K) -> bool {
        self.get(key).is_some()
    }

    /// The value under `key`, to change in place (its chunk is copied first when shared).
    pub fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        let start = self.chunk_of(key)?;
        let chunk = self.chunks.get_mut(&start)?;
        if !chunk.contains_key(key) {
            return None;
        }
        Arc::make_mut(chunk).get_mut(key)
    }

    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        let start = match self.chunk_of(&key) {
            Some(start) => start,
            // Before every chunk: the first chunk takes it and starts at it.
            None => match self.chunks.pop_first() {
                Some((_, first)) => {
                    self.chunks.insert(key, first);
                    key
                }
                None => {
                    self.chunks.insert(key, Arc::new(BTreeMap::new()));
                    key
                }
            },
        };
        let chunk = Arc::make_mut(self.chunks.get_mut(&start)?);
        let old = chunk.insert(key, value);
        if old.is_none() {
            self.len += 1;
        }
        if chunk.len() > CHUNK {
            let middle = chunk.keys().nth(chunk.len() / 2).copied();
            if let Some(middle) = middle {
                let upper = chunk.split_off(&middle);
                self.chunks.insert(middle, Arc::new(upper));
            }
        }
        old
    }

    pub fn remove(&mut self, key: &K) -> Option<V> {
        let start = self.chunk_of(key)?;
        let chunk = self.chunks.get_mut(&start)?;
        if !chunk.contains_key(key) {
            return None;
        }
        let chunk = Arc::make_mut(chunk);
        let old = chunk.remove(key);
        let first = chunk.keys().next().copied();
        if old.is_some() {
            self.len -= 1;
        }
        // Keep every chunk non-empty and keyed by its smallest key.
        match first {
            None => {
                self.chunks.remove(&start);
            }
            Some(first) if first != start => {
                if let Some(chunk) = self.chunks.remove(&start) {
                    self.chunks.insert(first, chunk);
                }
            }
            Some(_) => {}
        }
        old
    }

    /// The map of entries already in key order, each key once (`Err` with the first key
    /// found out of order or twice), built a chunk at a time: a project's loader hands in
    /// half a million codings, and inserting them one by one looked up the chunk of each.
    pub fn from_sorted(entries: impl IntoIterator<Item = (K, V)>) -> Result<Self, K> {
        let mut map = Chunked::new();
        let mut chunk: Vec<(K, V)> = Vec::with_capacity(CHUNK);
        let mut last: Option<K> = None;
        let close = |chunk: &mut Vec<(K, V)>, map: &mut Chunked<K, V>| {
            if let Some(first) = chunk.first().map(|(k, _)| *k) {
                map.len += chunk.len();
                // From sorted entries a BTreeMap is built in bulk.
                map.chunks.insert(first, Arc::new(chunk.drain(..).collect()));
            }
        };
        for (k, v) in entries {
            if last.is_some_and(|l| l >= k) {
                return Err(k);
            }
            last = Some(k);
            chunk.push((k, v));
            if chunk.len() == CHUNK {
                close(&mut chunk, &mut map);
            }
        }
        close(&mut chunk, &mut map);
        Ok(map)
    }

    /// Entries in key order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> + Clone {
        self.chunks.values().flat_map(|c| c.iter())
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + Clone {
        self.chunks.values().flat_map(|c| c.keys())
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + Clone {
        self.chunks.values().flat_map(|c| c.values())
    }

    /// Every value, to change in place (every chunk is copied first when shared).
    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.chunks.values_mut().flat_map(|c| Arc::make_mut(c).values_mut())
    }

    /// Keeps the entries `keep` says yes to.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        let all = std::mem::take(self);
        for (k, mut v) in all.into_entries() {
            if keep(&k, &mut v) {
                self.insert(k, v);
            }
        }
    }

    fn into_entries(self) -> impl Iterator<Item = (K, V)> {
        self.chunks.into_values().flat_map(|c| Arc::try_unwrap(c).unwrap_or_else(|shared| (*shared).clone()))
    }

    /// Whether every chunk is non-empty, keyed by its smallest key and the count is right (the
    /// unit tests check this after every change).
    #[cfg(test)]
    fn in_order(&self) -> bool {
        self.chunks.iter().all(|(k, c)| c.keys().next() == Some(k) && c.len() <= CHUNK)
            && self.chunks.values().map(|c| c.len()).sum::<usize>() == self.len
    }
}

impl<K: Ord + Copy, V: Clone> FromIterator<(K, V)> for Chunked<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut map = Chunked::new();
        map.extend(iter);
        map
    }
}

impl<K: Ord + Copy, V: Clone> Extend<(K, V)> for Chunked<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl<K: Ord + Copy, V: Clone + PartialEq> PartialEq for Chunked<K, V> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.iter().eq(other.iter())
    }
}

impl<K: Ord + Copy + std::fmt::Debug, V: Clone + std::fmt::Debug> std::fmt::Debug for Chunked<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// As a `BTreeMap`'s: panics when the key is absent (for tests and callers that have just
/// checked it).
impl<K: Ord + Copy, V: Clone> std::ops::Index<&K> for Chunked<K, V> {
    type Output = V;
    fn index(&self, key: &K) -> &V {
        match self.get(key) {
            Some(v) => v,
            None => panic!("no entry for the key in the map"),
        }
    }
}

impl<'a, K: Ord + Copy, V: Clone> IntoIterator for &'a Chunked<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Box<dyn DoubleEndedIterator<Item = (&'a K, &'a V)> + 'a>;
    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Built from sorted entries: the same map as inserting them one by one, in order and
    /// ready for changes; keys out of order or twice are refused.
    #[test]
    fn from_sorted_builds_the_same_map_and_refuses_disorder() {
        let entries: Vec<(u32, u32)> = (0..5_000).map(|i| (i * 3, i)).collect();
        let mut built = Chunked::from_sorted(entries.clone()).unwrap_or_default();
        let inserted: Chunked<u32, u32> = entries.iter().copied().collect();
        assert!(built.in_order() && built == inserted && built.len() == 5_000);
        assert!(built.chunks.len() >= 5_000 / CHUNK);
        assert_eq!(built.insert(4, 9), None, "a key between chunks");
        assert_eq!(built.remove(&0), Some(0));
        assert!(built.in_order() && built.get(&4) == Some(&9) && built.len() == 5_000);
        assert_eq!(Chunked::from_sorted([(1, 0), (3, 0), (3, 1)]).err(), Some(3), "twice");
        assert_eq!(Chunked::from_sorted([(1, 0), (5, 0), (2, 0)]).err(), Some(2), "out of order");
        assert!(Chunked::<u32, u32>::from_sorted([]).is_ok_and(|m| m.is_empty() && m.in_order()));
    }

    /// Against a `BTreeMap` under inserts, replacements and removals in a scrambled order,
    /// through splits and emptied chunks; a copy taken midway is untouched by later changes.
    #[test]
    fn behaves_as_an_ordered_map_and_copies_share() {
        let mut map: Chunked<u32, u32> = Chunked::new();
        let mut reference: BTreeMap<u32, u32> = BTreeMap::new();
        let scrambled = |i: u32| i.wrapping_mul(2_654_435_761) % 10_007;
        for i in 0..6_000 {
            let k = scrambled(i);
            assert_eq!(map.insert(k, i), reference.insert(k, i));
        }
        let copy = map.clone();
        let frozen = reference.clone();
        for i in 0..4_000 {
            let k = scrambled(i * 3);
            assert_eq!(map.remove(&k), reference.remove(&k));
            if let Some(v) = map.get_mut(&scrambled(i * 7)) {
                *v += 1;
            }
            if let Some(v) = reference.get_mut(&scrambled(i * 7)) {
                *v += 1;
            }
        }
        assert!(map.in_order() && copy.in_order());
        assert_eq!(map.len(), reference.len());
        assert!(map.iter().eq(reference.iter()), "the changed map reads as the reference");
        assert!(copy.iter().eq(frozen.iter()), "the copy did not change");
        assert!(map.chunks.len() > 2, "the map was split into chunks");
        assert_eq!(map.get(&10_008), None);
        assert_eq!(map.keys().next_back(), reference.keys().next_back());
        map.retain(|k, _| k % 2 == 0);
        reference.retain(|k, _| k % 2 == 0);
        assert!(map.in_order() && map.iter().eq(reference.iter()));
    }

    #[test]
    fn a_shared_value_is_copied_on_change_only() {
        let a: Shared<Vec<u8>> = Shared::new(vec![1, 2]);
        let mut b = a.clone();
        assert!(Arc::ptr_eq(&a.0, &b.0));
        b.push(3);
        assert_eq!((&*a, &*b), (&vec![1, 2], &vec![1, 2, 3]));
    }

    /// A copy of a project (what a background save holds) shares its codings' chunks and its
    /// documents; an edit to the other copy copies one chunk and leaves the documents shared.
    #[test]
    fn an_edit_after_a_copy_copies_one_chunk() -> Result<(), crate::edit::EditError> {
        use crate::edit::Edit;
        use crate::model::*;
        let mut p = Project::new("t");
        let coder = p.new_coder("Åse");
        let (k, code) = (coder.id, CodeId::from_u128(7));
        let doc = DocId::from_u128(1);
        let text = "ord ".repeat(3_000);
        let mut edits = vec![
            Edit::AddCoder { coder, index: None },
            Edit::CreateCode { code: Code::new(code, "Kode", PALETTE[0]), index: None },
            Edit::AddDocument {
                document: Box::new(Document::new(doc, "D", DocKind::Interview, text.as_str())),
                index: None,
            },
        ];
        let coding = |n: usize| Coding {
            id: CodingId::from_u128(1_000 + n as u128),
            doc,
            span: Span::new(n, n + 3),
            code,
            coder: k,
            created: chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default(),
            comment: String::new(),
        };
        edits.extend((0..5 * CHUNK).map(|n| Edit::AddCoding { coding: coding(n) }));
        p.apply(Edit::batch("codings", edits))?;
        let saved = p.clone();
        p.apply(Edit::AddCoding { coding: coding(5 * CHUNK + 1) })?;
        let shared = |a: &Chunked<CodingId, Coding>, b: &Chunked<CodingId, Coding>| {
            a.chunks.values().filter(|x| b.chunks.values().any(|y| Arc::ptr_eq(x, y))).count()
        };
        assert!(saved.codings.chunks.len() >= 5);
        assert_eq!(shared(&saved.codings, &p.codings), saved.codings.chunks.len() - 1);
        assert!(Arc::ptr_eq(&saved.documents.0, &p.documents.0), "the documents were not copied");
        assert_eq!(saved.codings.len() + 1, p.codings.len());
        assert!(p.derived_in_step());
        Ok(())
    }
}
