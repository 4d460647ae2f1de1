//! Character coverage as sorted, disjoint intervals: the arithmetic behind comparison and
//! agreement, linear in the number of codings rather than in the length of the text.

use crate::model::Span;

/// The characters covered by a set of spans, as sorted disjoint `[start, end)` intervals
/// (spans that touch or overlap are joined).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Coverage(Vec<(usize, usize)>);

impl Coverage {
    pub fn new(spans: impl IntoIterator<Item = Span>) -> Self {
        let mut v: Vec<(usize, usize)> =
            spans.into_iter().filter(|s| !s.is_empty()).map(|s| (s.start.get(), s.end.get())).collect();
        v.sort_unstable();
        let mut out: Vec<(usize, usize)> = Vec::with_capacity(v.len());
        for (s, e) in v {
            match out.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => out.push((s, e)),
            }
        }
        Coverage(out)
    }

    pub fn intervals(&self) -> &[(usize, usize)] {
        &self.0
    }

    /// Number of characters covered.
    pub fn len(&self) -> u64 {
        self.0.iter().map(|(s, e)| (e - s) as u64).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Characters covered by both.
    pub fn intersection_len(&self, other: &Coverage) -> u64 {
        let (a, b) = (&self.0, &other.0);
        let (mut i, mut j, mut n) = (0, 0, 0u64);
        while i < a.len() && j < b.len() {
            let start = a[i].0.max(b[j].0);
            let end = a[i].1.min(b[j].1);
            if start < end {
                n += (end - start) as u64;
            }
            if a[i].1 < b[j].1 { i += 1 } else { j += 1 }
        }
        n
    }

    /// Characters covered by either.
    pub fn union(&self, other: &Coverage) -> Coverage {
        let spans = self.0.iter().chain(&other.0).map(|&(s, e)| Span::new(s, e));
        Coverage::new(spans)
    }

    /// Jaccard index of the two coverages: shared characters over characters in either.
    pub fn jaccard(&self, other: &Coverage) -> f64 {
        let both = self.intersection_len(other);
        let either = self.len() + other.len() - both;
        if either == 0 { 0.0 } else { both as f64 / either as f64 }
    }
}

/// For several coverages, `h[k]` = the number of characters covered by exactly `k` of them,
/// for `k` in `1..=n` (`h[0]` is left 0: it depends on which characters count as units).
pub fn depth_histogram(covers: &[&Coverage]) -> Vec<u64> {
    let mut events: Vec<(usize, i32)> = Vec::new();
    for c in covers {
        for &(s, e) in c.intervals() {
            events.push((s, 1));
            events.push((e, -1));
        }
    }
    events.sort_unstable();
    let mut h = vec![0u64; covers.len() + 1];
    let mut depth = 0i32;
    let mut prev = 0usize;
    for (pos, delta) in events {
        if depth > 0 && pos > prev {
            h[depth as usize] += (pos - prev) as u64;
        }
        depth += delta;
        prev = pos;
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_overlapping_and_touching_spans() {
        let c = Coverage::new([Span::new(5, 8), Span::new(0, 3), Span::new(3, 4), Span::new(7, 10), Span::new(2, 2)]);
        assert_eq!(c.intervals(), &[(0, 4), (5, 10)]);
        assert_eq!(c.len(), 9);
    }

    #[test]
    fn intersection_union_jaccard() {
        let a = Coverage::new([Span::new(0, 10), Span::new(20, 30)]);
        let b = Coverage::new([Span::new(5, 25)]);
        assert_eq!(a.intersection_len(&b), 10);
        assert_eq!(a.union(&b).len(), 30);
        assert!((a.jaccard(&b) - 10.0 / 30.0).abs() < 1e-12);
        assert_eq!(a.jaccard(&Coverage::default()), 0.0);
    }

    #[test]
    fn histogram_counts_characters_by_depth() {
        let a = Coverage::new([Span::new(0, 10)]);
        let b = Coverage::new([Span::new(5, 15)]);
        let c = Coverage::new([Span::new(8, 9)]);
        // 0..5 one, 5..8 two, 8..9 three, 9..10 two, 10..15 one.
        assert_eq!(depth_histogram(&[&a, &b, &c]), vec![0, 10, 4, 1]);
    }
}
