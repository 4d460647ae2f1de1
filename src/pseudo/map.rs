//! The map: each original with the replacement chosen for it, once for the whole corpus.
//!
//! On disk it is a CSV with the columns `original` and `replacement`, and optionally `kind`
//! (as `tema pseudo scan` names it) and `reject` (any of `x`, `yes`, `1`, `true` leaves the
//! original as it is: a false positive). `tema pseudo scan --template MAP.csv` writes one to
//! start from, with the suggestions filled in.

use super::{Candidate, Kind, Matcher, PseudoError, key};
use crate::model::Named;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::Path;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MapEntry {
    pub original: String,
    /// A pseudonym ("Anne"), a role ("[the therapist]") or a category ("[place]").
    pub replacement: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<Kind>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Map {
    pub entries: Vec<MapEntry>,
}

impl Map {
    /// A map with every candidate replaced by its suggestion (what a user edits).
    pub fn suggested(candidates: &[Candidate]) -> Map {
        Map {
            entries: candidates
                .iter()
                .map(|c| MapEntry {
                    original: c.original.clone(),
                    replacement: c.suggestion.clone(),
                    kind: Some(c.kind),
                })
                .collect(),
        }
    }

    /// Checks that the map can be applied and verified: no original twice, every replacement
    /// given, and no replacement that contains an original (it would be found again).
    pub fn check(&self) -> Result<(), PseudoError> {
        let mut seen = HashSet::new();
        for e in &self.entries {
            if key(&e.original).is_empty() {
                return Err(PseudoError::Map("a row has no original".into()));
            }
            if !seen.insert(key(&e.original)) {
                return Err(PseudoError::Map(format!("{:?} is listed twice", e.original)));
            }
            if e.replacement.trim().is_empty() {
                return Err(PseudoError::Map(format!(
                    "{:?} has no replacement: write one, or mark the row rejected",
                    e.original
                )));
            }
        }
        let originals: Vec<&str> = self.entries.iter().map(|e| e.original.as_str()).collect();
        let matcher = Matcher::new(&originals)?;
        for e in &self.entries {
            if let Some(o) = matcher.find(&e.replacement).first() {
                return Err(PseudoError::Map(format!(
                    "the replacement {:?} for {:?} contains the original {:?}, which would remain",
                    e.replacement, e.original, originals[o.original]
                )));
            }
        }
        Ok(())
    }

    /// Reads a map CSV (see the module docs) and checks it.
    pub fn read(path: &Path) -> Result<Map, PseudoError> {
        let bytes = std::fs::read(path).map_err(PseudoError::io("read", path))?;
        Map::parse(&bytes).map_err(|reason| PseudoError::Sheet { path: path.to_path_buf(), reason })
    }

    /// Parses a map CSV; the error names the line.
    pub fn parse(bytes: &[u8]) -> Result<Map, String> {
        let text = String::from_utf8_lossy(bytes);
        let text = text.trim_start_matches('\u{feff}');
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
        let headers = reader.headers().map_err(|e| e.to_string())?.clone();
        let column = |names: &[&str]| headers.iter().position(|h| names.contains(&key(h).as_str()));
        let (Some(original), Some(replacement)) = (column(&["original"]), column(&["replacement", "pseudonym"])) else {
            return Err("the first line must name the columns `original` and `replacement`".into());
        };
        let kind = column(&["kind"]);
        let reject = column(&["reject", "rejected"]);
        let mut map = Map::default();
        for (n, row) in reader.records().enumerate() {
            let row = row.map_err(|e| format!("line {}: {e}", n + 2))?;
            let cell = |i: Option<usize>| i.and_then(|i| row.get(i)).unwrap_or("").trim().to_string();
            let orig = cell(Some(original));
            if orig.is_empty() {
                continue;
            }
            if matches!(cell(reject).to_lowercase().as_str(), "x" | "yes" | "1" | "true" | "y") {
                continue;
            }
            let kind = match cell(kind) {
                k if k.is_empty() => None,
                k => Some(Kind::named(&k).map_err(|e| format!("line {}: {e}", n + 2))?),
            };
            map.entries.push(MapEntry { original: orig, replacement: cell(Some(replacement)), kind });
        }
        map.check().map_err(|e| e.to_string())?;
        Ok(map)
    }

    /// The map as CSV, with `rejected` naming candidates left as they are.
    pub fn to_csv(&self, rejected: &[(String, Kind)]) -> Result<String, PseudoError> {
        let mut w = csv::Writer::from_writer(Vec::new());
        let err = |e: csv::Error| PseudoError::Map(e.to_string());
        w.write_record(["original", "replacement", "kind", "reject"]).map_err(err)?;
        for e in &self.entries {
            w.write_record([e.original.as_str(), &e.replacement, e.kind.map_or("", Kind::slug), ""]).map_err(err)?;
        }
        for (o, k) in rejected {
            w.write_record([o.as_str(), "", k.slug(), "x"]).map_err(err)?;
        }
        let bytes = w.into_inner().map_err(|e| PseudoError::Map(e.to_string()))?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rows_skips_rejected_and_refuses_a_replacement_holding_an_original() {
        let csv = "original,replacement,kind,reject\nKari,Anne,participant,\nNordby,[place],,\nMarch,,proper-noun,x\n";
        let map = Map::parse(csv.as_bytes());
        assert_eq!(
            map.map(|m| m.entries.iter().map(|e| (e.original.clone(), e.replacement.clone())).collect::<Vec<_>>()),
            Ok(vec![("Kari".into(), "Anne".into()), ("Nordby".into(), "[place]".into())])
        );
        let bad = "original,replacement\nKari,Anne\nAnne,Berit\n";
        assert!(Map::parse(bad.as_bytes()).is_err_and(|e| e.contains("contains the original")));
        let empty = "original,replacement\nKari,\n";
        assert!(Map::parse(empty.as_bytes()).is_err_and(|e| e.contains("no replacement")));
    }
}
