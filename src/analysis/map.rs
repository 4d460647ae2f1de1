//! The thematic map as data: themes, subthemes and their codes as nodes with positions (the
//! researcher's where saved, a radial layout elsewhere) and edges. The automatic layout never
//! lets two boxes overlap (nor the labels in them), and a code appears once per cluster: under
//! the most specific theme that holds it. The app draws it;
//! `export::map` writes it as SVG and PNG from the same positions, so the exports agree with
//! each other and with the screen.

use crate::model::*;
use std::collections::{HashMap, HashSet};

/// The least room between two boxes of the automatic layout, in map units.
pub const NODE_GAP: f32 = 10.0;

/// What a node stands for. A code in two themes has a node under each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeKey {
    Theme(ThemeId),
    Code { theme: ThemeId, code: CodeId },
}

#[derive(Clone, Debug, PartialEq)]
pub enum NodeKind {
    Theme { status: ThemeStatus, sub: bool },
    Code { colour: Colour },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub key: NodeKey,
    pub label: String,
    pub kind: NodeKind,
    /// Centre, in map units.
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
    /// The position is the researcher's, not the automatic layout's.
    pub placed: bool,
}

impl Node {
    pub fn font_size(&self) -> f32 {
        match self.kind {
            NodeKind::Theme { sub: false, .. } => 16.0,
            NodeKind::Theme { sub: true, .. } => 14.0,
            NodeKind::Code { .. } => 12.0,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct ThematicMap {
    pub nodes: Vec<Node>,
    /// Pairs of node indexes: theme to subtheme, theme to code.
    pub edges: Vec<(usize, usize)>,
}

/// Status colours shared by the app's map and the exports (readable on white and on dark
/// backgrounds, and told apart by lightness as well as hue).
pub fn status_colour(status: ThemeStatus) -> Colour {
    match status {
        ThemeStatus::Candidate => Colour::rgb(0xf2, 0xc0, 0x5c),
        ThemeStatus::Reviewed => Colour::rgb(0x7f, 0xb3, 0xe8),
        ThemeStatus::Final => Colour::rgb(0x5c, 0xb8, 0x7a),
        ThemeStatus::Parked => Colour::rgb(0xbd, 0xbd, 0xbd),
    }
}

/// A label's width in map units, estimated from its length (the app measures nothing here
/// so that the exports, made without a window, get the same boxes).
pub fn label_width(label: &str, size: f32) -> f32 {
    label.chars().count() as f32 * size * 0.56 + size * 1.6
}

fn pos(p: Option<MapPos>) -> Option<(f32, f32)> {
    p.map(|p| (p.x as f32, p.y as f32))
}

impl ThematicMap {
    /// The map of every theme that is not parked (or of all, with `parked`). Main themes
    /// the researcher has not placed are packed in rows, each with its subthemes and codes
    /// around it, so that clusters do not overlap.
    pub fn build(p: &Project, parked: bool) -> ThematicMap {
        let mut map = ThematicMap::default();
        let shown = |t: &Theme| parked || t.status() != ThemeStatus::Parked;
        let mains: Vec<&Theme> = p.theme_children(None).filter(|t| shown(t)).collect();
        // Lay out each cluster where it stands, then pack them in rows about 2.6 times as
        // wide as the map is tall: clusters are taller than wide, and windows are landscape.
        let (mut x, mut y, mut row_h) = (0.0f32, 0.0f32, 0.0f32);
        let area: f32 = mains
            .iter()
            .map(|t| {
                let mut one = ThematicMap::default();
                one.add_theme(p, t, (0.0, 0.0), None, 0, &shown);
                one.separate(0);
                let (_, _, w, h) = one.bounds(25.0);
                w * h
            })
            .sum();
        let row_w = (area * 2.6).sqrt().max(600.0);
        for t in mains {
            let first = map.nodes.len();
            map.add_theme(p, t, (0.0, 0.0), None, 0, &shown);
            map.separate(first);
            // Move the cluster's automatic nodes to the next free place in the row. A theme
            // the researcher placed keeps its place (its automatic nodes are around it) but
            // still takes its slot, so moving one theme does not shuffle the others.
            let auto: Vec<usize> = (first..map.nodes.len()).filter(|i| *i == first || !map.nodes[*i].placed).collect();
            let (mut l, mut top, mut r, mut b) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
            for n in auto.iter().map(|i| &map.nodes[*i]) {
                l = l.min(n.x - n.w / 2.0);
                r = r.max(n.x + n.w / 2.0);
                top = top.min(n.y - n.h / 2.0);
                b = b.max(n.y + n.h / 2.0);
            }
            let (w, h) = (r - l, b - top);
            if x > 0.0 && x + w > row_w {
                x = 0.0;
                y += row_h + 50.0;
                row_h = 0.0;
            }
            if t.map_pos.is_none() {
                for n in map.nodes[first..].iter_mut().filter(|n| !n.placed) {
                    n.x += x - l;
                    n.y += y - top;
                }
            }
            x += w + 50.0;
            row_h = row_h.max(h);
        }
        map
    }

    fn push(&mut self, key: NodeKey, label: &str, kind: NodeKind, at: (f32, f32), placed: bool) -> usize {
        let size = match kind {
            NodeKind::Theme { sub: false, .. } => 16.0,
            NodeKind::Theme { sub: true, .. } => 14.0,
            NodeKind::Code { .. } => 12.0,
        };
        let h = match kind {
            NodeKind::Theme { .. } => size * 2.4,
            NodeKind::Code { .. } => size * 2.0,
        };
        self.nodes.push(Node {
            key,
            label: label.to_string(),
            kind,
            x: at.0,
            y: at.1,
            w: label_width(label, size),
            h,
            placed,
        });
        self.nodes.len() - 1
    }

    /// Adds a theme at its saved position or `auto`, then its subthemes and codes around it,
    /// spread over the half circle that faces away from its parent (`away`, radians).
    fn add_theme(
        &mut self,
        p: &Project,
        t: &Theme,
        auto: (f32, f32),
        away: Option<f32>,
        depth: usize,
        shown: &dyn Fn(&Theme) -> bool,
    ) -> usize {
        let at = pos(t.map_pos).unwrap_or(auto);
        let kind = NodeKind::Theme { status: t.status(), sub: t.parent.is_some() };
        let me = self.push(NodeKey::Theme(t.id), t.name(), kind, at, t.map_pos.is_some());
        let subs: Vec<&Theme> = p.theme_children(Some(t.id)).filter(|s| shown(s)).collect();
        // A code that a subtheme (at any depth) also holds is drawn there, not twice.
        let below: HashSet<CodeId> = subs.iter().flat_map(|s| descendant_codes(p, s, shown)).collect();
        let codes: Vec<CodeId> = t.codes.iter().copied().filter(|c| !below.contains(c)).collect();
        let n = subs.len() + codes.len();
        let (start, spread) = match away {
            None => (-std::f32::consts::FRAC_PI_2, std::f32::consts::TAU),
            Some(a) => (a - 1.3, 2.6),
        };
        let step = if away.is_none() { spread / n.max(1) as f32 } else { spread / (n.max(2) - 1) as f32 };
        // Far enough out that neighbouring labels (about 150 units wide) do not touch.
        let radius = if depth == 0 { (n as f32 * 36.0).max(200.0) } else { (n as f32 * 42.0).max(120.0) };
        let angle = |k: usize| if n == 1 && away.is_some() { away.unwrap_or(0.0) } else { start + step * k as f32 };
        for (k, s) in subs.iter().enumerate() {
            let a = angle(k);
            // Subthemes go further out than codes: their own codes fan out beyond them.
            let auto = (at.0 + 1.25 * radius * a.cos(), at.1 + 1.25 * radius * a.sin());
            if depth < p.themes.len() {
                let child = self.add_theme(p, s, auto, Some(a), depth + 1, shown);
                self.edges.push((me, child));
            }
        }
        for (k, c) in codes.iter().enumerate() {
            let Some(code) = p.codes.get(c) else { continue };
            let a = angle(subs.len() + k);
            let r = radius * if k % 2 == 1 && away.is_none() { 0.8 } else { 1.0 };
            let saved = t.code_pos.get(c).copied();
            let at = pos(saved).unwrap_or((at.0 + r * a.cos(), at.1 + r * a.sin()));
            let key = NodeKey::Code { theme: t.id, code: *c };
            let node = self.push(key, code.name(), NodeKind::Code { colour: code.props.colour }, at, saved.is_some());
            self.edges.push((me, node));
        }
        me
    }

    /// Pushes apart the overlapping boxes of the cluster that starts at node `first` (a main
    /// theme and everything after it; see [`separate`]). The cluster's main theme and the
    /// nodes the researcher placed stay where they are; only automatic nodes move.
    fn separate(&mut self, first: usize) {
        let mut boxes: Vec<LayoutBox> = self.nodes[first..]
            .iter()
            .enumerate()
            .map(|(k, n)| LayoutBox { x: n.x, y: n.y, w: n.w, h: n.h, fixed: k == 0 || n.placed })
            .collect();
        separate(&mut boxes, NODE_GAP);
        for (n, b) in self.nodes[first..].iter_mut().zip(&boxes) {
            (n.x, n.y) = (b.x, b.y);
        }
    }

    /// Pairs of nodes whose boxes overlap (or come closer than `gap`): empty for an automatic
    /// layout with `gap` up to [`NODE_GAP`].
    pub fn overlaps(&self, gap: f32) -> Vec<(usize, usize)> {
        let boxes: Vec<LayoutBox> =
            self.nodes.iter().map(|n| LayoutBox { x: n.x, y: n.y, w: n.w, h: n.h, fixed: false }).collect();
        overlapping(&boxes, gap)
    }

    pub fn index(&self) -> HashMap<NodeKey, usize> {
        self.nodes.iter().enumerate().map(|(i, n)| (n.key, i)).collect()
    }

    /// The smallest box holding every node, with a margin: (left, top, width, height).
    pub fn bounds(&self, margin: f32) -> (f32, f32, f32, f32) {
        if self.nodes.is_empty() {
            return (0.0, 0.0, 2.0 * margin, 2.0 * margin);
        }
        let (mut l, mut t, mut r, mut b) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for n in &self.nodes {
            l = l.min(n.x - n.w / 2.0);
            r = r.max(n.x + n.w / 2.0);
            t = t.min(n.y - n.h / 2.0);
            b = b.max(n.y + n.h / 2.0);
        }
        (l - margin, t - margin, r - l + 2.0 * margin, b - t + 2.0 * margin)
    }
}

/// A box to keep clear of the others: its centre and size, and whether it must stay put. The
/// map's layout uses it in map units; the app, in screen units, for labels that keep a
/// readable size when the map is zoomed out (and so outgrow their boxes).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LayoutBox {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
    pub fixed: bool,
}

/// How far `a` and `b` overlap along x and y, `gap` included (both positive: they overlap).
fn overlap(a: &LayoutBox, b: &LayoutBox, gap: f32) -> (f32, f32) {
    ((a.w + b.w) / 2.0 + gap - (b.x - a.x).abs(), (a.h + b.h) / 2.0 + gap - (b.y - a.y).abs())
}

/// Moves the boxes that may move until no two overlap or come closer than `gap`: each
/// overlapping pair is pushed apart by the least move that ends it (along x or y, the way they
/// already lie from each other), shared when both may move. Fixed boxes may still overlap each
/// other: that was someone's choice.
pub fn separate(boxes: &mut [LayoutBox], gap: f32) {
    for _ in 0..2000 {
        let mut moved = false;
        for i in 0..boxes.len() {
            for j in i + 1..boxes.len() {
                let (a, b) = (boxes[i], boxes[j]);
                if a.fixed && b.fixed {
                    continue;
                }
                let (ox, oy) = overlap(&a, &b, gap);
                if ox <= 0.0 || oy <= 0.0 {
                    continue;
                }
                let (dx, dy) = (b.x - a.x, b.y - a.y);
                let (sx, sy) = if ox < oy {
                    (if dx < 0.0 { -ox } else { ox }, 0.0)
                } else {
                    (0.0, if dy < 0.0 { -oy } else { oy })
                };
                // A little past the edge, so rounding cannot leave the two touching.
                let share = if a.fixed || b.fixed { 1.001 } else { 0.5005 };
                if !a.fixed {
                    boxes[i].x -= sx * share;
                    boxes[i].y -= sy * share;
                }
                if !b.fixed {
                    boxes[j].x += sx * share;
                    boxes[j].y += sy * share;
                }
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }
}

/// Pairs of boxes that overlap or come closer than `gap`.
pub fn overlapping(boxes: &[LayoutBox], gap: f32) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (i, a) in boxes.iter().enumerate() {
        for (j, b) in boxes.iter().enumerate().skip(i + 1) {
            let (ox, oy) = overlap(a, b, gap);
            if ox > 0.01 && oy > 0.01 {
                out.push((i, j));
            }
        }
    }
    out
}

/// The codes of a theme and of its shown subthemes, at any depth.
fn descendant_codes(p: &Project, t: &Theme, shown: &dyn Fn(&Theme) -> bool) -> HashSet<CodeId> {
    let mut out: HashSet<CodeId> = t.codes.iter().copied().collect();
    let mut stack: Vec<ThemeId> = vec![t.id];
    let mut seen: HashSet<ThemeId> = HashSet::new();
    while let Some(id) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        for s in p.theme_children(Some(id)).filter(|s| shown(s)) {
            out.extend(s.codes.iter().copied());
            stack.push(s.id);
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::edit::{Edit, EditError};

    pub(crate) fn project() -> Result<Project, EditError> {
        let mut p = Project::new("t");
        let mut edits = Vec::new();
        for (n, name) in [(1, "Møter & makt"), (2, "Håp 😀")] {
            edits.push(Edit::CreateCode {
                code: Code::new(CodeId::from_u128(n), name, PALETTE[n as usize]),
                index: None,
            });
        }
        let mut main = Theme::new(ThemeId::from_u128(1), "Å bli sett");
        main.codes = vec![CodeId::from_u128(1)];
        let mut sub = Theme::new(ThemeId::from_u128(2), "<Håp>");
        sub.parent = Some(main.id);
        sub.codes = vec![CodeId::from_u128(1), CodeId::from_u128(2)];
        let mut parked = Theme::new(ThemeId::from_u128(3), "Parkert");
        parked.props.status = ThemeStatus::Parked;
        edits.push(Edit::CreateTheme { theme: main, index: None });
        edits.push(Edit::CreateTheme { theme: sub, index: None });
        edits.push(Edit::CreateTheme { theme: parked, index: None });
        p.apply(Edit::batch("setup", edits))?;
        Ok(p)
    }

    #[test]
    fn nodes_edges_and_saved_positions() -> Result<(), EditError> {
        let mut p = project()?;
        let map = ThematicMap::build(&p, false);
        let labels: Vec<&str> = map.nodes.iter().map(|n| n.label.as_str()).collect();
        // "Møter & makt" is in the main theme and in its subtheme: it is drawn once, under the
        // subtheme (the edge main → subtheme says the rest). The parked theme is left out.
        assert_eq!(labels, ["Å bli sett", "<Håp>", "Møter & makt", "Håp 😀"]);
        assert_eq!(map.edges, [(1, 2), (1, 3), (0, 1)]);
        assert!(map.nodes.iter().all(|n| !n.placed));
        assert_eq!(ThematicMap::build(&p, true).nodes.len(), 5);
        p.apply(Edit::SetMapPosition {
            theme: ThemeId::from_u128(2),
            code: Some(CodeId::from_u128(2)),
            pos: Some(MapPos { x: -300, y: 250 }),
        })?;
        let map = ThematicMap::build(&p, false);
        let n = &map.nodes[map.index()[&NodeKey::Code { theme: ThemeId::from_u128(2), code: CodeId::from_u128(2) }]];
        assert_eq!((n.x, n.y, n.placed), (-300.0, 250.0, true));
        // Placing one main theme moves its own cluster and leaves the others where they were.
        let parked = NodeKey::Theme(ThemeId::from_u128(3));
        let at =
            |m: &ThematicMap, k: NodeKey| m.index().get(&k).map(|i| (m.nodes[*i].x.round(), m.nodes[*i].y.round()));
        let before = ThematicMap::build(&p, true);
        p.apply(Edit::SetMapPosition {
            theme: ThemeId::from_u128(1),
            code: None,
            pos: Some(MapPos { x: 900, y: 900 }),
        })?;
        let after = ThematicMap::build(&p, true);
        assert_eq!(at(&after, parked), at(&before, parked));
        assert_eq!(at(&after, NodeKey::Theme(ThemeId::from_u128(1))), Some((900.0, 900.0)));
        let sub = NodeKey::Theme(ThemeId::from_u128(2));
        assert_ne!(at(&after, sub), at(&before, sub), "its subtheme moved with it");
        Ok(())
    }

    /// A main theme with many long-named codes and subthemes, and a second cluster sharing a
    /// code: crowded enough that the radial layout alone puts boxes on top of each other.
    fn crowded() -> Result<Project, EditError> {
        let mut p = Project::new("t");
        let mut edits = Vec::new();
        for n in 1..=40u128 {
            let name = format!("Code {n} with a long name about meetings, {}", "ø".repeat((n % 7) as usize));
            edits.push(Edit::CreateCode { code: Code::new(CodeId::from_u128(n), name, PALETTE[0]), index: None });
        }
        let mut main = Theme::new(ThemeId::from_u128(1), "A main theme with a long name");
        main.codes = (1..=22).map(CodeId::from_u128).collect();
        edits.push(Edit::CreateTheme { theme: main, index: None });
        for s in 0..3u128 {
            let mut sub = Theme::new(ThemeId::from_u128(10 + s), format!("Subtheme {s} of the first"));
            sub.parent = Some(ThemeId::from_u128(1));
            sub.codes = (23 + s * 5..28 + s * 5).map(CodeId::from_u128).collect();
            // Two of the main theme's codes belong to each subtheme as well.
            sub.codes.extend([CodeId::from_u128(1 + s * 2), CodeId::from_u128(2 + s * 2)]);
            edits.push(Edit::CreateTheme { theme: sub, index: None });
        }
        let mut other = Theme::new(ThemeId::from_u128(2), "Another cluster");
        other.codes = vec![CodeId::from_u128(1), CodeId::from_u128(39), CodeId::from_u128(40)];
        edits.push(Edit::CreateTheme { theme: other, index: None });
        p.apply(Edit::batch("setup", edits))?;
        Ok(p)
    }

    #[test]
    fn the_automatic_layout_has_no_overlaps_and_no_code_twice_in_a_cluster() -> Result<(), EditError> {
        let p = crowded()?;
        let map = ThematicMap::build(&p, false);
        assert_eq!(map.overlaps(NODE_GAP - 0.01), Vec::<(usize, usize)>::new());
        // The radial layout alone (no separation) overlapped here: the check can fail.
        let mut raw = ThematicMap::default();
        raw.add_theme(&p, &p.themes[&ThemeId::from_u128(1)], (0.0, 0.0), None, 0, &|_| true);
        assert!(!raw.overlaps(0.0).is_empty(), "the crowded fixture is crowded");
        // Each code once per cluster: 22 of the main theme's codes less the 6 its subthemes
        // also hold (16), plus 3 subthemes × 7 codes (21), plus the main theme and its 3
        // subthemes (4) = 41 nodes; the other cluster: its theme and its 3 codes = 4. Code 1
        // is in both clusters, so it has a node in each.
        assert_eq!(map.nodes.len(), 41 + 4);
        let code_1 =
            map.nodes.iter().filter(|n| matches!(n.key, NodeKey::Code { code, .. } if code == CodeId::from_u128(1)));
        assert_eq!(code_1.count(), 2);
        let mut per_cluster: HashMap<(ThemeId, CodeId), usize> = HashMap::new();
        let root = |t: ThemeId| p.themes.get(&t).and_then(|t| t.parent).unwrap_or(t);
        for n in &map.nodes {
            if let NodeKey::Code { theme, code } = n.key {
                *per_cluster.entry((root(theme), code)).or_default() += 1;
            }
        }
        assert!(per_cluster.values().all(|n| *n == 1), "{per_cluster:?}");
        // Every edge still joins a theme to what it holds.
        assert_eq!(map.edges.len(), map.nodes.len() - 2, "a tree per cluster");
        Ok(())
    }

    #[test]
    fn placed_nodes_stay_where_the_researcher_put_them() -> Result<(), EditError> {
        let mut p = crowded()?;
        // Put a code right on top of its main theme: the layout moves the others, not it.
        p.apply(Edit::SetMapPosition {
            theme: ThemeId::from_u128(1),
            code: Some(CodeId::from_u128(20)),
            pos: Some(MapPos { x: 0, y: 0 }),
        })?;
        let map = ThematicMap::build(&p, false);
        let at = map.index()[&NodeKey::Code { theme: ThemeId::from_u128(1), code: CodeId::from_u128(20) }];
        assert_eq!((map.nodes[at].x, map.nodes[at].y), (0.0, 0.0));
        // Only the researcher's own choice overlaps: the placed code and its main theme.
        let main = map.index()[&NodeKey::Theme(ThemeId::from_u128(1))];
        for (a, b) in map.overlaps(0.0) {
            assert!([a, b].contains(&at), "{} and {}", map.nodes[a].label, map.nodes[b].label);
            assert!([a, b].contains(&main) || map.nodes[a].placed || map.nodes[b].placed);
        }
        Ok(())
    }
}
