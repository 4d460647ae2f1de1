//! Collecting hits from tantivy's segments: counting, keeping the best or the first units,
//! reading their columns once per segment.

use super::*;

// ---------------------------------------------------------------------------------------
// Collecting

#[derive(Clone, Copy, Debug)]
pub(crate) enum Keep {
    /// Count only.
    None,
    /// The `n` best scored.
    Best(usize),
    /// The first `n` in document order.
    First(usize),
    /// Every unit, with its score when `scored`.
    All { scored: bool },
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct RawUnit {
    pub rank: u32,
    pub start: u64,
    pub score: Score,
    pub addr: DocAddress,
}

impl RawUnit {
    fn doc_order(&self) -> (u32, u64, DocAddress) {
        (self.rank, self.start, self.addr)
    }
}

/// Orders units so that the one to drop first is the greatest: by document order, or by
/// score (a lower score is "greater"; ties go to document order).
#[derive(Clone, Copy, Debug)]
struct Ranked {
    unit: RawUnit,
    by_score: bool,
}

impl PartialEq for Ranked {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == std::cmp::Ordering::Equal
    }
}
impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, o: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Ranked {
    fn cmp(&self, o: &Self) -> std::cmp::Ordering {
        if self.by_score {
            o.unit.score.total_cmp(&self.unit.score).then(self.unit.doc_order().cmp(&o.unit.doc_order()))
        } else {
            self.unit.doc_order().cmp(&o.unit.doc_order())
        }
    }
}

/// Counts matching units per document slot and keeps some of them, reading the slot and
/// start columns. Units of documents no longer in the project are skipped.
pub(crate) struct UnitCollector {
    rank: Arc<Vec<u32>>,
    keep: Keep,
}

impl UnitCollector {
    pub fn new(ranks: &Ranks, keep: Keep) -> Self {
        UnitCollector { rank: Arc::clone(&ranks.rank), keep }
    }
}

pub(crate) struct UnitSegment {
    ord: SegmentOrdinal,
    slot: Column<u64>,
    start: Column<u64>,
    rank: Arc<Vec<u32>>,
    keep: Keep,
    heap: BinaryHeap<Ranked>,
    all: Vec<RawUnit>,
    counts: Vec<u32>,
}

impl Collector for UnitCollector {
    type Fruit = (Vec<RawUnit>, Vec<u32>);
    type Child = UnitSegment;

    fn for_segment(&self, ord: SegmentOrdinal, segment: &SegmentReader) -> tantivy::Result<UnitSegment> {
        let ff = segment.fast_fields();
        Ok(UnitSegment {
            ord,
            slot: ff.u64(columns::DOC_SLOT)?,
            start: ff.u64(columns::START)?,
            rank: Arc::clone(&self.rank),
            keep: self.keep,
            heap: BinaryHeap::new(),
            all: Vec::new(),
            counts: vec![0; self.rank.len()],
        })
    }

    fn requires_scoring(&self) -> bool {
        matches!(self.keep, Keep::All { scored: true } | Keep::Best(_))
    }

    fn merge_fruits(&self, fruits: Vec<(Vec<RawUnit>, Vec<u32>)>) -> tantivy::Result<Self::Fruit> {
        let mut counts = vec![0u32; self.rank.len()];
        let mut units = Vec::new();
        for (u, c) in fruits {
            units.extend(u);
            for (a, b) in counts.iter_mut().zip(c) {
                *a += b;
            }
        }
        match self.keep {
            Keep::First(n) => {
                sort_units(&mut units, Order::Document);
                units.truncate(n);
            }
            Keep::Best(n) => {
                sort_units(&mut units, Order::Relevance);
                units.truncate(n);
            }
            Keep::None | Keep::All { .. } => {}
        }
        Ok((units, counts))
    }
}

impl SegmentCollector for UnitSegment {
    type Fruit = (Vec<RawUnit>, Vec<u32>);

    fn collect(&mut self, doc: tantivy::DocId, score: Score) {
        let Some(slot) = self.slot.first(doc) else { return };
        let rank = self.rank.get(slot as usize).copied().unwrap_or(u32::MAX);
        if rank == u32::MAX {
            return;
        }
        self.counts[slot as usize] += 1;
        let unit = |start| RawUnit { rank, start, score, addr: DocAddress::new(self.ord, doc) };
        let (n, by_score) = match self.keep {
            Keep::None => return,
            Keep::All { .. } => {
                let u = unit(self.start.first(doc).unwrap_or(0));
                self.all.push(u);
                return;
            }
            Keep::First(n) => (n, false),
            Keep::Best(n) => (n, true),
        };
        // With scores, the start is only a tie-break: read it only when the unit gets in.
        let full = self.heap.len() >= n;
        if by_score && full && self.heap.peek().is_some_and(|worst| score < worst.unit.score) {
            return;
        }
        let u = Ranked { unit: unit(self.start.first(doc).unwrap_or(0)), by_score };
        if !full {
            self.heap.push(u);
        } else if self.heap.peek().is_some_and(|worst| u < *worst) {
            self.heap.pop();
            self.heap.push(u);
        }
    }

    fn harvest(self) -> Self::Fruit {
        let mut units = self.all;
        units.extend(self.heap.into_vec().into_iter().map(|r| r.unit));
        (units, self.counts)
    }
}

/// FAST columns of each segment, opened once per search.
pub(crate) struct ColumnCache<'s> {
    snapshot: &'s Snapshot,
    segments: HashMap<SegmentOrdinal, UnitColumns>,
}

struct UnitColumns {
    slot: Column<u64>,
    turn: Column<i64>,
    start: Column<u64>,
    end: Column<u64>,
    start_byte: Column<u64>,
    end_byte: Column<u64>,
}

impl<'s> ColumnCache<'s> {
    pub fn new(snapshot: &'s Snapshot) -> Self {
        ColumnCache { snapshot, segments: HashMap::new() }
    }

    /// The unit at an address, or `None` when its document left the project.
    pub fn unit(&mut self, addr: DocAddress, score: Score, ranks: &Ranks) -> tantivy::Result<Option<UnitRef>> {
        let cols = match self.segments.entry(addr.segment_ord) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => {
                let ff = self.snapshot.searcher.segment_reader(addr.segment_ord).fast_fields();
                v.insert(UnitColumns {
                    slot: ff.u64(columns::DOC_SLOT)?,
                    turn: ff.i64(columns::TURN)?,
                    start: ff.u64(columns::START)?,
                    end: ff.u64(columns::END)?,
                    start_byte: ff.u64(columns::START_BYTE)?,
                    end_byte: ff.u64(columns::END_BYTE)?,
                })
            }
        };
        let d = addr.doc_id;
        let Some(slot) = cols.slot.first(d) else { return Ok(None) };
        let Some(Some(doc)) = ranks.docs.get(slot as usize) else { return Ok(None) };
        let get = |c: &Column<u64>| c.first(d).unwrap_or(0) as usize;
        Ok(Some(UnitRef {
            doc: *doc,
            slot,
            turn: cols.turn.first(d).filter(|t| *t >= 0).map(|t| t as usize),
            span: Span::new(get(&cols.start), get(&cols.end)),
            bytes: get(&cols.start_byte)..get(&cols.end_byte),
            score,
        }))
    }
}
