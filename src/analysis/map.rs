//! The thematic map as data: themes, subthemes and their codes as nodes with positions (the
//! researcher's where saved, a radial layout elsewhere) and edges. The app draws it;
//! `export::map` writes it as SVG and PNG from the same positions, so the exports agree with
//! each other and with the screen.

use crate::model::*;
use std::collections::HashMap;

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
        // Rows about 1.6 times as wide as the clusters are tall, for a landscape map.
        let (mut x, mut y, mut row_h) = (0.0f32, 0.0f32, 0.0f32);
        let total: f32 = mains.len() as f32;
        let row_w = 900.0 * total.sqrt().ceil().max(1.0) * 1.1;
        for t in mains {
            let first = map.nodes.len();
            map.add_theme(p, t, (0.0, 0.0), None, 0, &shown);
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
        let n = subs.len() + t.codes.len();
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
        for (k, c) in t.codes.iter().enumerate() {
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
        // A code in two themes has a node under each; the parked theme is left out.
        assert_eq!(labels, ["Å bli sett", "<Håp>", "Møter & makt", "Håp 😀", "Møter & makt"]);
        assert_eq!(map.edges, [(1, 2), (1, 3), (0, 1), (0, 4)]);
        assert!(map.nodes.iter().all(|n| !n.placed));
        assert_eq!(ThematicMap::build(&p, true).nodes.len(), 6);
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
}
