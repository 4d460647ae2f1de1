//! The participants sheet: who took part, in which group, with which attributes.
//!
//! A CSV (or TSV, or the first worksheet of an .xlsx workbook) with a header row. The first
//! column is the participant's label (`J1`, `T2`, `E13`), whatever its header says. The other
//! columns, by header (case, spaces, `-` and `_` do not matter):
//! - `group` (or `gruppe`): the participant group;
//! - `aliases` (or `alias`): other names the person goes by in transcripts, such as first
//!   names in a focus group, separated by `;` (or by `,` when the sheet itself uses `;`);
//! - `interviewer`: yes/no (also true/false, 1/0, x, ja/nei): interviewers and moderators
//!   are left out of group counts;
//! - `pseudonym`: a name to show in exports instead of the label;
//! - anything else (site, age band, gender, ...): an attribute, named as in the header, in
//!   the sheet's column order. Empty cells give no attribute.
//!
//! The delimiter of a CSV is found from the header line (`,`, `;` as Excel writes in many
//! European locales, or tab); the encoding like a text file's (UTF-8, UTF-16, Windows-1252).
//! Refused, with the line named: duplicate labels, empty labels, an alias that names two
//! participants, duplicate column names, unreadable flags.

use super::SheetError;
use crate::model::{ParticipantProps, name_key};
use std::collections::HashMap;
use std::io::Cursor;

/// One participant read from the sheet, with the line it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SheetRow {
    pub line: usize,
    pub props: ParticipantProps,
}

/// Reads a sheet by its extension.
pub fn parse_sheet(ext: &str, bytes: Vec<u8>) -> Result<Vec<SheetRow>, SheetError> {
    match ext.to_ascii_lowercase().as_str() {
        "csv" | "tsv" | "txt" => parse_csv(bytes),
        "xlsx" | "xlsm" => parse_xlsx(bytes),
        other => Err(SheetError::Unsupported { ext: other.to_string() }),
    }
}

/// Reads a CSV sheet.
pub fn parse_csv(bytes: Vec<u8>) -> Result<Vec<SheetRow>, SheetError> {
    let text = match super::txt::decode(bytes) {
        Ok(d) => d.text,
        Err(super::FileError::Empty) => return Err(SheetError::Empty),
        Err(e) => return Err(SheetError::Malformed { line: 1, reason: e.to_string() }),
    };
    let header = text.lines().find(|l| !l.trim().is_empty()).ok_or(SheetError::Empty)?;
    let delimiter =
        [b',', b';', b'\t'].into_iter().max_by_key(|d| header.bytes().filter(|b| b == d).count()).unwrap_or(b',');
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    // Line numbers as an editor shows them (the csv crate does not count blank lines).
    // A record's position may be the start of blank lines skipped before it.
    let line_of = |byte: u64| {
        let bytes = text.as_bytes();
        let mut at = (byte as usize).min(bytes.len());
        while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
            at += 1;
        }
        bytes[..at].iter().filter(|b| **b == b'\n').count() + 1
    };
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| SheetError::Malformed {
            line: e.position().map_or(0, |p| line_of(p.byte())),
            reason: e.to_string(),
        })?;
        let line = record.position().map_or(rows.len() + 1, |p| line_of(p.byte()));
        rows.push((line, record.iter().map(str::to_string).collect()));
    }
    table(rows, if delimiter == b';' { ',' } else { ';' })
}

/// Reads the first worksheet of an .xlsx workbook.
pub fn parse_xlsx(bytes: Vec<u8>) -> Result<Vec<SheetRow>, SheetError> {
    use calamine::{Data, Reader, Xlsx};
    if bytes.is_empty() {
        return Err(SheetError::Empty);
    }
    let malformed = |reason: String| SheetError::Malformed { line: 1, reason };
    let mut book: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes)).map_err(|e| malformed(format!("not a readable .xlsx workbook: {e}")))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| malformed("the workbook has no worksheet".into()))?
        .map_err(|e| malformed(format!("the first worksheet cannot be read: {e}")))?;
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let first_col = range.start().map_or(0, |(_, c)| c as usize);
    let rows = range
        .rows()
        .enumerate()
        .map(|(i, cells)| {
            // Columns left of the used range are empty, and the label column is the first.
            let mut row = vec![String::new(); first_col];
            row.extend(cells.iter().map(|c| match c {
                Data::Empty => String::new(),
                Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
                other => other.to_string(),
            }));
            (first_row + i + 1, row)
        })
        .collect();
    table(rows, ';')
}

#[derive(Clone, Copy, PartialEq)]
enum Column {
    Group,
    Aliases,
    Interviewer,
    Pseudonym,
    Attribute(usize),
    Ignored,
}

fn header_key(h: &str) -> String {
    h.trim().to_lowercase().chars().filter(|c| !matches!(c, ' ' | '-' | '_')).collect()
}

fn flag(value: &str) -> Option<bool> {
    match value.trim().to_lowercase().as_str() {
        "" | "no" | "n" | "false" | "0" | "nei" => Some(false),
        "yes" | "y" | "true" | "1" | "x" | "ja" | "j" => Some(true),
        _ => None,
    }
}

/// Builds participants from the rows of a sheet (the first non-empty row is the header).
fn table(rows: Vec<(usize, Vec<String>)>, alias_separator: char) -> Result<Vec<SheetRow>, SheetError> {
    let mut rows = rows.into_iter().filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()));
    let (header_line, header) = rows.next().ok_or(SheetError::Empty)?;
    let mut columns = Vec::with_capacity(header.len());
    let mut attributes: Vec<String> = Vec::new();
    let mut seen = HashMap::new();
    for (i, h) in header.iter().enumerate().skip(1) {
        let key = header_key(h);
        if key.is_empty() {
            columns.push(Column::Ignored);
            continue;
        }
        if seen.insert(key.clone(), i).is_some() {
            return Err(SheetError::DuplicateColumn { column: h.trim().to_string() });
        }
        columns.push(match key.as_str() {
            "group" | "gruppe" | "participantgroup" => Column::Group,
            "aliases" | "alias" | "othernames" => Column::Aliases,
            "interviewer" | "isinterviewer" => Column::Interviewer,
            "pseudonym" => Column::Pseudonym,
            _ => {
                attributes.push(h.trim().to_string());
                Column::Attribute(attributes.len() - 1)
            }
        });
    }
    let mut out: Vec<SheetRow> = Vec::new();
    let mut labels: HashMap<String, usize> = HashMap::new(); // label key -> index in out
    for (line, cells) in rows {
        let label = cells.first().map(|c| c.trim()).unwrap_or_default();
        if label.is_empty() {
            return Err(SheetError::EmptyLabel { line });
        }
        if cells.len() > header.len() && cells[header.len()..].iter().any(|c| !c.trim().is_empty()) {
            return Err(SheetError::Malformed {
                line,
                reason: format!(
                    "it has {} cells but the header (line {header_line}) has {}",
                    cells.len(),
                    header.len()
                ),
            });
        }
        if let Some(&first) = labels.get(&name_key(label)) {
            return Err(SheetError::DuplicateLabel { label: label.to_string(), first: out[first].line, second: line });
        }
        let mut props = ParticipantProps { label: label.to_string(), ..Default::default() };
        for (col, value) in columns.iter().zip(cells.iter().skip(1)) {
            let value = value.trim();
            match col {
                Column::Group => props.group = value.to_string(),
                Column::Aliases => {
                    props.aliases = value
                        .split([alias_separator, '|'])
                        .map(str::trim)
                        .filter(|a| !a.is_empty() && name_key(a) != name_key(label))
                        .map(String::from)
                        .collect();
                }
                Column::Interviewer => {
                    props.interviewer =
                        flag(value).ok_or_else(|| SheetError::BadFlag { line, value: value.to_string() })?;
                }
                Column::Pseudonym => props.pseudonym = Some(value.to_string()).filter(|p| !p.is_empty()),
                Column::Attribute(i) => {
                    if !value.is_empty() {
                        props.attributes.insert(attributes[*i].clone(), value.to_string());
                    }
                }
                Column::Ignored => {}
            }
        }
        labels.insert(name_key(label), out.len());
        out.push(SheetRow { line, props });
    }
    if out.is_empty() {
        return Err(SheetError::NoRows);
    }
    check_aliases(&out)?;
    Ok(out)
}

/// An alias must name exactly one participant: not another's label, not two people.
fn check_aliases(rows: &[SheetRow]) -> Result<(), SheetError> {
    let labels: HashMap<String, &str> =
        rows.iter().map(|r| (name_key(&r.props.label), r.props.label.as_str())).collect();
    let mut aliases: HashMap<String, &str> = HashMap::new();
    for row in rows {
        for alias in &row.props.aliases {
            let key = name_key(alias);
            let clash = labels
                .get(&key)
                .map(|l| format!("the label of {l}"))
                .or_else(|| aliases.get(&key).filter(|l| **l != row.props.label).map(|l| format!("an alias of {l}")));
            if let Some(other) = clash {
                return Err(SheetError::AmbiguousAlias {
                    line: row.line,
                    alias: alias.clone(),
                    label: row.props.label.clone(),
                    other,
                });
            }
            aliases.insert(key, &row.props.label);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_groups_attributes_and_aliases() -> Result<(), SheetError> {
        let csv = "label,group,site,age_band,years_in_role,aliases,interviewer\n\
                   J4,Jobseeker,Sørvik,45-54,,,\n\
                   E1,Employment specialist,Nordby,35-44,6,Kari; Kari N.,no\n\
                   \n\
                   INT,Research team,,,,,yes\n";
        let rows = parse_csv(csv.as_bytes().to_vec())?;
        assert_eq!(rows.len(), 3);
        let j4 = &rows[0].props;
        assert_eq!((j4.label.as_str(), j4.group.as_str()), ("J4", "Jobseeker"));
        assert_eq!(
            j4.attributes.iter().collect::<Vec<_>>(),
            [(&"site".to_string(), &"Sørvik".to_string()), (&"age_band".to_string(), &"45-54".to_string())]
        );
        assert_eq!(rows[1].props.aliases, ["Kari", "Kari N."]);
        assert_eq!(rows[1].props.attributes.get("years_in_role").map(String::as_str), Some("6"));
        assert!(rows[2].props.interviewer && !rows[1].props.interviewer);
        assert_eq!(rows[2].line, 5);
        Ok(())
    }

    #[test]
    fn semicolon_sheets_from_excel() -> Result<(), SheetError> {
        // Windows-1252, as Excel saves "CSV (semicolon)" in a Norwegian locale.
        let csv = b"Deltaker;Gruppe;Sted;Alias\r\nE8;Spesialist;S\xF8rvik;Ole, Ole H.\r\n".to_vec();
        let rows = parse_csv(csv)?;
        assert_eq!(rows[0].props.group, "Spesialist");
        assert_eq!(rows[0].props.attributes.get("Sted").map(String::as_str), Some("Sørvik"));
        assert_eq!(rows[0].props.aliases, ["Ole", "Ole H."]);
        Ok(())
    }

    #[test]
    fn bad_sheets_name_the_line() {
        let dup = "label,group\nJ1,Jobseeker\nJ2,Jobseeker\nj1,Therapist\n";
        assert_eq!(
            parse_csv(dup.as_bytes().to_vec()),
            Err(SheetError::DuplicateLabel { label: "j1".into(), first: 2, second: 4 })
        );
        let empty_label = "label,group\nJ1,Jobseeker\n,Therapist\n";
        assert_eq!(parse_csv(empty_label.as_bytes().to_vec()), Err(SheetError::EmptyLabel { line: 3 }));
        let alias = "label,aliases\nE1,Kari\nE2,Kari\n";
        assert!(matches!(parse_csv(alias.as_bytes().to_vec()), Err(SheetError::AmbiguousAlias { line: 3, .. })));
        let alias_label = "label,aliases\nE1,E2\nE2,\n";
        assert!(matches!(parse_csv(alias_label.as_bytes().to_vec()), Err(SheetError::AmbiguousAlias { line: 2, .. })));
        let flag = "label,interviewer\nI,maybe\n";
        assert!(matches!(parse_csv(flag.as_bytes().to_vec()), Err(SheetError::BadFlag { line: 2, .. })));
        let cols = "label,site,Site\nJ1,a,b\n";
        assert!(matches!(parse_csv(cols.as_bytes().to_vec()), Err(SheetError::DuplicateColumn { .. })));
        let wide = "label,group\nJ1,a,b\n";
        assert!(matches!(parse_csv(wide.as_bytes().to_vec()), Err(SheetError::Malformed { line: 2, .. })));
        assert_eq!(parse_csv(b"label,group\n".to_vec()), Err(SheetError::NoRows));
        assert_eq!(parse_csv(Vec::new()), Err(SheetError::Empty));
    }
}
