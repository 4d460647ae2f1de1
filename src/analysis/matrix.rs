//! The triangulation matrix: themes (or codes) × participant groups (or any attribute, or
//! documents), as a pure view model. A view renders it; exports turn it into tables.
//!
//! Each cell holds its extracts (coding ids, in document and text order), the distinct
//! participants they count for (n) against the column's participants (N), a coverage ratio
//! and shading level, and the researcher's summary; each row its convergence mark. How an
//! extract is attributed is [`super::attribution`]'s job.
//!
//! Building reads an [`AttributionIndex`], so a [`MatrixCache`] that keeps one recomputes
//! only what an edit touched and returns the same matrix while nothing it shows changed.

use super::attribution::{Attribution, AttributionIndex, is_counted};
use super::extract::{CountsFor, Extract, ExtractBuilder};
use super::scope::CoderScope;
use crate::model::*;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// What the rows of a table are.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum RowSource {
    /// Main themes, each followed by its subthemes (and theirs), in the researcher's order.
    #[default]
    Themes,
    /// The codebook in tree order.
    Codes,
}

impl Named for RowSource {
    const WHAT: &'static str = "rows";
    const WORDS: &'static [Word<Self>] = &[
        word(RowSource::Themes, "themes").about("Main themes, each followed by its subthemes"),
        word(RowSource::Codes, "codes").about("The codebook in tree order"),
    ];
}

/// What to build.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MatrixOptions {
    pub rows: RowSource,
    pub columns: Dimension,
    /// Themes set aside in review (parked), and everything under them, are left out unless set.
    pub include_parked: bool,
    /// A row also collects what lies below it: a main theme its subthemes' extracts, a code
    /// (or a theme's member code) its child codes' codings.
    pub aggregate: bool,
    /// Whose codings; codings of one code on overlapping text are one extract.
    #[serde(default)]
    pub coders: CoderScope,
    /// Only the documents of this set (matched ignoring case and spacing); every document
    /// when `None`. Participants (N) are then those who speak in the set's documents.
    #[serde(default)]
    pub set: Option<String>,
}

impl Default for MatrixOptions {
    fn default() -> Self {
        Self {
            rows: RowSource::Themes,
            columns: Dimension::group(),
            include_parked: false,
            aggregate: true,
            coders: CoderScope::All,
            set: None,
        }
    }
}

/// What kind of column this is, which decides what its n and N mean.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    /// Participants sharing a value of the attribute (or all lacking one).
    Participants,
    /// Extracts no participant speaks; it has no N.
    Unattributed,
    /// One document; N is the participants who speak in it.
    Document,
    /// The documents of a set (or in no set); N is the participants who speak in them.
    DocumentSet,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Column {
    pub key: ColumnKey,
    pub label: String,
    pub kind: ColumnKind,
    /// The column's participants (N of them), in the participants list's order; interviewers
    /// and participants who speak in no document are not counted.
    pub participants: Vec<ParticipantId>,
    /// Distinct extracts over the whole column.
    pub extracts: usize,
}

impl Column {
    /// N: how many participants the column stands for.
    pub fn total(&self) -> usize {
        self.participants.len()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cell {
    /// The coded extracts, in document order and then text order; each once.
    pub extracts: Vec<CodingId>,
    /// The distinct participants they count for (n), in the participants list's order.
    pub participants: Vec<ParticipantId>,
    /// N: the column's participants.
    pub total: usize,
    /// For shading, 0.0–1.0: n / N where the column has participants; elsewhere (unattributed
    /// extracts, field notes) the extracts against the busiest such cell in the table.
    pub coverage: f32,
    /// Coverage in five steps: 0 for an empty cell, then 1–4 by quarters.
    pub shade: u8,
    /// The researcher's summary of the cell ("" when none).
    pub summary: String,
}

impl Cell {
    /// n: distinct participants.
    pub fn n(&self) -> usize {
        self.participants.len()
    }

    pub fn is_empty(&self) -> bool {
        self.extracts.is_empty()
    }

    /// "4 of 6" (a column of participants), else "3 extracts".
    pub fn participants_label(&self) -> String {
        if self.total > 0 {
            format!("{} of {}", self.n(), self.total)
        } else {
            let n = self.extracts.len();
            format!("{n} extract{}", if n == 1 { "" } else { "s" })
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Row {
    pub key: RowKey,
    pub label: String,
    /// 0 for a main theme (top-level code), 1 for a subtheme, 2 below that...
    pub depth: usize,
    /// The code's colour (rows of codes only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub colour: Option<Colour>,
    pub mark: Option<RowMark>,
    /// One per column.
    pub cells: Vec<Cell>,
    /// Distinct extracts over the row that count in some column (each once, however many
    /// columns it counts in).
    pub extracts: usize,
    /// Distinct participants over the row.
    pub participants: usize,
    /// Extracts of the row that count in no column: only interviewers speak in them.
    pub left_out: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Matrix {
    pub options: MatrixOptions,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// Participants counted anywhere in the table (N of a total column).
    pub total_participants: usize,
    /// Summaries written for rows of this table whose column is not shown (an attribute
    /// value no participant has any more). They are kept, not lost.
    pub hidden_summaries: usize,
}

/// A row being set up: its place and what feeds it.
struct RowSpec {
    key: RowKey,
    label: String,
    depth: usize,
    colour: Option<Colour>,
}

impl Matrix {
    /// Builds a matrix from scratch (attributing every coding).
    pub fn build(project: &Project, options: &MatrixOptions) -> Matrix {
        Self::build_with(project, &AttributionIndex::build(project), options)
    }

    /// Builds a matrix from an up-to-date attribution index.
    pub fn build_with(project: &Project, index: &AttributionIndex, options: &MatrixOptions) -> Matrix {
        let (specs, rows_of_code) = match options.rows {
            RowSource::Themes => theme_rows(project, options),
            RowSource::Codes => code_rows(project, options),
        };
        let dimension = &options.columns;
        let in_filter = |d: &Document| options.set.as_deref().is_none_or(|s| d.props.in_set(s));
        let counted: HashSet<ParticipantId> = counted_speakers(project, index, &in_filter);
        let mut columns = Vec::new();
        // Column of each counted participant (attribute tables); None for the uncounted.
        let mut col_of: HashMap<ParticipantId, usize> = HashMap::new();
        // Columns of each document (tables by document or by set).
        let mut cols_of_doc: HashMap<DocId, Vec<usize>> = HashMap::new();
        let mut unattributed_col = None;
        match dimension {
            Dimension::Attribute { name } => {
                let mut by_value: HashMap<String, usize> = HashMap::new();
                let mut missing = Vec::new();
                for p in project.participants.values().filter(|p| counted.contains(&p.id)) {
                    let value = p.attribute(name).map(str::trim).unwrap_or_default();
                    if value.is_empty() {
                        missing.push(p.id);
                        continue;
                    }
                    let i = *by_value.entry(value.to_string()).or_insert_with(|| {
                        columns.push(Column {
                            key: ColumnKey::value(name.as_str(), value),
                            label: value.to_string(),
                            kind: ColumnKind::Participants,
                            participants: Vec::new(),
                            extracts: 0,
                        });
                        columns.len() - 1
                    });
                    columns[i].participants.push(p.id);
                    col_of.insert(p.id, i);
                }
                if !missing.is_empty() {
                    for id in &missing {
                        col_of.insert(*id, columns.len());
                    }
                    columns.push(Column {
                        key: ColumnKey::value(name.as_str(), ""),
                        label: format!("No {name}"),
                        kind: ColumnKind::Participants,
                        participants: missing,
                        extracts: 0,
                    });
                }
                unattributed_col = Some(columns.len());
                columns.push(Column {
                    key: ColumnKey::Unattributed { attribute: name.clone() },
                    label: "Unattributed".into(),
                    kind: ColumnKind::Unattributed,
                    participants: Vec::new(),
                    extracts: 0,
                });
            }
            Dimension::Document => {
                for d in project.documents.values().filter(|d| in_filter(d)) {
                    cols_of_doc.insert(d.id, vec![columns.len()]);
                    let mut participants: Vec<ParticipantId> =
                        index.speakers(d.id).iter().copied().filter(|p| counted.contains(p)).collect();
                    participants.sort_by_key(|p| project.participants.get_index_of(p));
                    columns.push(Column {
                        key: ColumnKey::Document { id: d.id },
                        label: d.name().to_string(),
                        kind: ColumnKind::Document,
                        participants,
                        extracts: 0,
                    });
                }
            }
            Dimension::DocumentSet => {
                // Sets in the order they first appear in the documents list; "No set" last.
                let mut set_col: HashMap<String, usize> = HashMap::new();
                let mut speakers: Vec<HashSet<ParticipantId>> = Vec::new();
                let mut unset: Vec<DocId> = Vec::new();
                for d in project.documents.values().filter(|d| in_filter(d)) {
                    let mut cols: Vec<usize> = Vec::new();
                    for set in d.props.sets.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
                        let i = *set_col.entry(name_key(set)).or_insert_with(|| {
                            columns.push(Column {
                                key: ColumnKey::DocumentSet { set: set.to_string() },
                                label: set.to_string(),
                                kind: ColumnKind::DocumentSet,
                                participants: Vec::new(),
                                extracts: 0,
                            });
                            speakers.push(HashSet::new());
                            columns.len() - 1
                        });
                        if !cols.contains(&i) {
                            cols.push(i);
                            speakers[i].extend(index.speakers(d.id).iter().copied().filter(|p| counted.contains(p)));
                        }
                    }
                    if cols.is_empty() {
                        unset.push(d.id);
                    } else {
                        cols_of_doc.insert(d.id, cols);
                    }
                }
                if !unset.is_empty() {
                    let i = columns.len();
                    columns.push(Column {
                        key: ColumnKey::DocumentSet { set: String::new() },
                        label: "No set".into(),
                        kind: ColumnKind::DocumentSet,
                        participants: Vec::new(),
                        extracts: 0,
                    });
                    speakers.push(HashSet::new());
                    for d in unset {
                        speakers[i].extend(index.speakers(d).iter().copied().filter(|p| counted.contains(p)));
                        cols_of_doc.insert(d, vec![i]);
                    }
                }
                for (col, who) in columns.iter_mut().zip(speakers) {
                    col.participants = who.into_iter().collect();
                    col.participants.sort_by_key(|p| project.participants.get_index_of(p));
                }
            }
        }
        // Participants as small numbers in the participants list's order, for sorting.
        let order: HashMap<ParticipantId, u32> =
            project.participants.keys().enumerate().map(|(i, id)| (*id, i as u32)).collect();

        let ncols = columns.len();
        let nrows = specs.len();
        let mut acc: Vec<CellAcc> = (0..nrows * ncols).map(|_| CellAcc::default()).collect();
        let mut row_acc: Vec<RowAcc> = (0..nrows).map(|_| RowAcc::default()).collect();
        let mut col_extracts: Vec<usize> = vec![0; ncols];
        let mut col_last: Vec<Option<CodingId>> = vec![None; ncols];
        // (column, participant) pairs an extract counts for; reused.
        let mut hits: Vec<(usize, Option<u32>)> = Vec::new();
        for doc in project.documents.values().filter(|d| in_filter(d)) {
            for c in index.extracts_ref(project, doc.id, &options.coders).iter() {
                let Some(rows) = rows_of_code.get(&c.code) else { continue };
                hits.clear();
                match dimension {
                    Dimension::Attribute { .. } => {
                        columns_for(&c.attribution, &col_of, &order, unattributed_col, &mut hits)
                    }
                    Dimension::Document | Dimension::DocumentSet => {
                        for &col in cols_of_doc.get(&doc.id).map(Vec::as_slice).unwrap_or_default() {
                            hits.push((col, None));
                            for p in c.attribution.speakers.iter().filter(|p| counted.contains(p)) {
                                hits.push((col, order.get(p).copied()));
                            }
                        }
                    }
                }
                for &r in rows {
                    let racc = &mut row_acc[r];
                    if hits.is_empty() {
                        racc.left_out += 1;
                        continue;
                    }
                    racc.extracts += 1;
                    for &(col, who) in &hits {
                        let cell = &mut acc[r * ncols + col];
                        if cell.extracts.last() != Some(&c.id) {
                            cell.extracts.push(c.id);
                        }
                        if let Some(who) = who {
                            cell.participants.push(who);
                            racc.participants.push(who);
                        }
                    }
                }
                for &(col, _) in &hits {
                    if col_last[col] != Some(c.id) {
                        col_last[col] = Some(c.id);
                        col_extracts[col] += 1;
                    }
                }
            }
        }
        for (col, n) in columns.iter_mut().zip(col_extracts) {
            col.extracts = n;
        }

        // Cells of columns without participants (unattributed extracts, documents no
        // participant speaks in) are shaded against the busiest such cell.
        let busiest_without_n = (0..nrows * ncols)
            .filter(|i| columns[i % ncols].total() == 0)
            .map(|i| acc[i].extracts.len())
            .max()
            .unwrap_or(0);
        let ids: Vec<ParticipantId> = project.participants.keys().copied().collect();
        let framework = &project.framework;
        let mut rows = Vec::with_capacity(nrows);
        let mut acc = acc.into_iter();
        for (spec, mut racc) in specs.into_iter().zip(row_acc) {
            let mut cells = Vec::with_capacity(ncols);
            for col in &columns {
                let Some(mut a) = acc.next() else { break };
                a.participants.sort_unstable();
                a.participants.dedup();
                let total = col.total();
                let coverage = if total > 0 {
                    a.participants.len() as f32 / total as f32
                } else if busiest_without_n > 0 {
                    a.extracts.len() as f32 / busiest_without_n as f32
                } else {
                    0.0
                };
                cells.push(Cell {
                    participants: a.participants.iter().filter_map(|i| ids.get(*i as usize).copied()).collect(),
                    total,
                    shade: shade(coverage, a.extracts.is_empty()),
                    coverage,
                    summary: framework.summary(spec.key, &col.key).unwrap_or_default().to_string(),
                    extracts: a.extracts,
                });
            }
            racc.participants.sort_unstable();
            racc.participants.dedup();
            rows.push(Row {
                key: spec.key,
                label: spec.label,
                depth: spec.depth,
                colour: spec.colour,
                mark: framework.mark(spec.key, dimension),
                cells,
                extracts: racc.extracts,
                participants: racc.participants.len(),
                left_out: racc.left_out,
            });
        }

        // The unattributed column stays only when something is in it or written about it.
        if let Some(u) = unattributed_col {
            let used = rows.iter().any(|r| !r.cells[u].is_empty() || !r.cells[u].summary.is_empty());
            if !used {
                columns.remove(u);
                for r in &mut rows {
                    r.cells.remove(u);
                }
            }
        }
        let shown: HashSet<&ColumnKey> = columns.iter().map(|c| &c.key).collect();
        let in_table: HashSet<RowKey> = rows.iter().map(|r| r.key).collect();
        let hidden_summaries = framework
            .summaries
            .keys()
            .filter(|(row, col)| in_table.contains(row) && col.dimension() == *dimension && !shown.contains(col))
            .count();
        let total_participants = match dimension {
            Dimension::Attribute { .. } => col_of.len(),
            Dimension::Document | Dimension::DocumentSet => counted.len(),
        };
        Matrix { options: options.clone(), columns, rows, total_participants, hidden_summaries }
    }

    /// The cell at a row and column, if both exist.
    pub fn cell(&self, row: usize, col: usize) -> Option<&Cell> {
        self.rows.get(row)?.cells.get(col)
    }

    pub fn row_index(&self, key: RowKey) -> Option<usize> {
        self.rows.iter().position(|r| r.key == key)
    }

    pub fn column_index(&self, key: &ColumnKey) -> Option<usize> {
        self.columns.iter().position(|c| &c.key == key)
    }

    /// The extracts of a cell, cut at speaker turns and labelled with their speakers; the
    /// parts that put each extract into this column are marked `counts_here`.
    pub fn extracts(&self, project: &Project, row: usize, col: usize) -> Vec<Extract> {
        let (Some(cell), Some(column)) = (self.cell(row, col), self.columns.get(col)) else { return Vec::new() };
        let counts = match column.kind {
            ColumnKind::Participants => CountsFor::Participants(column.participants.clone()),
            ColumnKind::Unattributed => CountsFor::Unattributed,
            ColumnKind::Document | ColumnKind::DocumentSet => CountsFor::Everyone,
        };
        let mut builder = ExtractBuilder::new(project, &self.options.coders);
        cell.extracts.iter().filter_map(|id| builder.extract(*id, &counts)).collect()
    }

    /// Whether any row has subthemes (or child codes) shown under it.
    pub fn is_hierarchical(&self) -> bool {
        self.rows.iter().any(|r| r.depth > 0)
    }
}

/// Shading level of a coverage ratio.
fn shade(coverage: f32, empty: bool) -> u8 {
    if empty {
        return 0;
    }
    match coverage {
        c if c > 0.75 => 4,
        c if c > 0.5 => 3,
        c if c > 0.25 => 2,
        _ => 1,
    }
}

#[derive(Default)]
struct CellAcc {
    extracts: Vec<CodingId>,
    participants: Vec<u32>,
}

#[derive(Default)]
struct RowAcc {
    extracts: usize,
    left_out: usize,
    participants: Vec<u32>,
}

/// The columns (and participants) an extract counts for in a table by an attribute.
fn columns_for(
    c: &Attribution,
    col_of: &HashMap<ParticipantId, usize>,
    order: &HashMap<ParticipantId, u32>,
    unattributed: Option<usize>,
    hits: &mut Vec<(usize, Option<u32>)>,
) {
    for p in &c.speakers {
        if let Some(&col) = col_of.get(p) {
            hits.push((col, order.get(p).copied()));
        }
    }
    if c.unattributed
        && let Some(u) = unattributed
    {
        hits.push((u, None));
    }
}

/// Participants who count (not interviewers) and speak in at least one document the table
/// looks at.
fn counted_speakers(
    project: &Project,
    index: &AttributionIndex,
    in_filter: &dyn Fn(&Document) -> bool,
) -> HashSet<ParticipantId> {
    let mut out = HashSet::new();
    for d in project.documents.values().filter(|d| in_filter(d)) {
        for p in index.speakers(d.id) {
            if project.participants.get(p).is_some_and(is_counted) {
                out.insert(*p);
            }
        }
    }
    out
}

/// Row indices each code feeds.
type RowsOfCode = HashMap<CodeId, Vec<usize>>;

fn code_rows(project: &Project, options: &MatrixOptions) -> (Vec<RowSpec>, RowsOfCode) {
    let (specs, feeds) = tree_rows(project.codes.values().map(|c| (c.id, c.parent)), options.aggregate, |id, depth| {
        let code = project.codes.get(&id)?;
        Some(RowSpec { key: RowKey::Code(id), label: code.name().to_string(), depth, colour: Some(code.props.colour) })
    });
    (specs, feeds.into_iter().collect())
}

fn theme_rows(project: &Project, options: &MatrixOptions) -> (Vec<RowSpec>, RowsOfCode) {
    let (specs, feeds) =
        tree_rows(project.themes.values().map(|t| (t.id, t.parent)), options.aggregate, |id, depth| {
            let theme = project.themes.get(&id)?;
            if theme.status() == ThemeStatus::Parked && !options.include_parked {
                return None;
            }
            Some(RowSpec { key: RowKey::Theme(id), label: theme.name().to_string(), depth, colour: None })
        });
    let code_children = children_of(project.codes.values().map(|c| (c.id, c.parent)));
    let mut rows_of_code: RowsOfCode = HashMap::new();
    for (id, rows) in feeds {
        let Some(theme) = project.themes.get(&id) else { continue };
        for member in &theme.codes {
            let codes = if options.aggregate { subtree(&code_children, *member) } else { vec![*member] };
            for code in codes {
                let list = rows_of_code.entry(code).or_default();
                for &r in &rows {
                    if !list.contains(&r) {
                        list.push(r);
                    }
                }
            }
        }
    }
    (specs, rows_of_code)
}

/// The rows of a tree of codes or themes: depth-first in the collection's order, each node
/// once. `row` makes a node's row, or `None` to leave the node and everything below it out.
/// With each row's node comes the rows it feeds: itself, and with `aggregate` the rows above
/// it too (topmost first).
fn tree_rows<K: Copy + Eq + std::hash::Hash>(
    items: impl Iterator<Item = (K, Option<K>)>,
    aggregate: bool,
    mut row: impl FnMut(K, usize) -> Option<RowSpec>,
) -> (Vec<RowSpec>, Vec<(K, Vec<usize>)>) {
    let children = children_of(items);
    let mut specs = Vec::new();
    let mut feeds = Vec::new();
    let mut stack: Vec<(K, usize)> = children.get(&None).into_iter().flatten().rev().map(|k| (*k, 0)).collect();
    // The rows above the current one.
    let mut path: Vec<usize> = Vec::new();
    let mut seen = HashSet::new();
    while let Some((id, depth)) = stack.pop() {
        if !seen.insert(id) {
            continue;
        }
        let Some(spec) = row(id, depth) else { continue };
        path.truncate(depth);
        path.push(specs.len());
        feeds.push((id, if aggregate { path.clone() } else { vec![specs.len()] }));
        specs.push(spec);
        stack.extend(children.get(&Some(id)).into_iter().flatten().rev().map(|k| (*k, depth + 1)));
    }
    (specs, feeds)
}

/// Children of each node (and of the top level, `None`), in the collection's order.
fn children_of<K: Copy + Eq + std::hash::Hash>(
    items: impl Iterator<Item = (K, Option<K>)>,
) -> HashMap<Option<K>, Vec<K>> {
    let mut out: HashMap<Option<K>, Vec<K>> = HashMap::new();
    for (id, parent) in items {
        out.entry(parent).or_default().push(id);
    }
    out
}

fn subtree(children: &HashMap<Option<CodeId>, Vec<CodeId>>, root: CodeId) -> Vec<CodeId> {
    let mut out = vec![root];
    let mut i = 0;
    while i < out.len() {
        for c in children.get(&Some(out[i])).into_iter().flatten() {
            if !out.contains(c) {
                out.push(*c);
            }
        }
        i += 1;
    }
    out
}

/// What a cached matrix was built from.
#[derive(Clone, Debug, PartialEq, Eq)]
struct CacheKey {
    documents: u64,
    participants: u64,
    codebook: u64,
    themes: u64,
    framework: u64,
    options: MatrixOptions,
}

/// Keeps the attribution index and the last matrix, so a view can ask for the matrix every
/// frame: it is rebuilt only after an edit to what it shows (codings, turns, documents,
/// participants, codes, themes, summaries, marks) or with other options. One cache belongs to
/// one open project; [`MatrixCache::clear`] it when another is opened.
#[derive(Default)]
pub struct MatrixCache {
    index: AttributionIndex,
    last: Option<(CacheKey, Arc<Matrix>)>,
    /// The index has been built: from now on a refresh works only edited documents.
    warm: bool,
}

impl MatrixCache {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn get(&mut self, project: &Project, options: &MatrixOptions) -> Arc<Matrix> {
        let r = &project.revisions;
        let key = CacheKey {
            documents: r.documents,
            participants: r.participants,
            codebook: r.codebook,
            themes: r.themes,
            framework: r.framework,
            options: options.clone(),
        };
        if let Some((k, m)) = &self.last
            && *k == key
        {
            return Arc::clone(m);
        }
        self.index.refresh(project);
        self.warm = true;
        let matrix = Arc::new(Matrix::build_with(project, &self.index, options));
        self.last = Some((key, Arc::clone(&matrix)));
        matrix
    }

    /// The attribution index (up to date after the last [`MatrixCache::get`]).
    pub fn index(&self) -> &AttributionIndex {
        &self.index
    }

    /// The attribution index brought up to date with the project — only the documents edited
    /// since are worked again — without building a matrix (for views that need only the
    /// index, such as co-occurrence).
    pub fn fresh_index(&mut self, project: &Project) -> &AttributionIndex {
        self.index.refresh(project);
        self.warm = true;
        &self.index
    }

    /// Whether the next [`MatrixCache::get`] or [`MatrixCache::fresh_index`] attributes every
    /// coding (the index was never built): the slow first build a view runs on a worker.
    pub fn is_cold(&self) -> bool {
        !self.warm
    }

    pub fn clear(&mut self) {
        *self = Self::default();
    }
}
