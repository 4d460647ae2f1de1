//! The append-only journal of edits.
//!
//! One line per entry: eight hex digits of CRC-32 over the JSON, a space, the JSON. A line is
//! written and fsynced before the edit it records is acknowledged. On open, a last line that
//! is incomplete is the trace of a crash mid-write and is cut off; a complete last line that
//! fails its checksum (a flipped bit) is cut off too but first copied to a side file, so no
//! byte of the journal is ever dropped unseen. A damaged line with good lines after it is real
//! damage: the good prefix is kept and the file is set aside for a human to look at. A line
//! repeated word for word (a sync tool or an editor duplicated it) is applied once.

use super::atomic;
use super::error::{Result, StoreError};
use super::safe;
use crate::edit::Edit;
use crate::model::Timestamp;
use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

pub const JOURNAL_FILE: &str = "journal.jsonl";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub seq: u64,
    pub at: Timestamp,
    pub op: Op,
}

// Entries are transient (one per edit), so the size of `Do` does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Op {
    Do {
        edit: Edit,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        coalesce: Option<String>,
    },
    Undo,
    Redo,
}

pub fn encode(entry: &Entry) -> Result<String> {
    line(entry)
}

/// An [`Entry`] with a borrowed edit: the same JSON, without copying the edit (an import's
/// batch holds every coding of a project).
#[derive(Serialize)]
struct EntryRef<'a> {
    seq: u64,
    at: &'a Timestamp,
    op: OpRef<'a>,
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum OpRef<'a> {
    Do {
        edit: &'a Edit,
        #[serde(skip_serializing_if = "Option::is_none")]
        coalesce: Option<&'a String>,
    },
}

/// The line of `Entry { seq, at, op: Op::Do { edit, coalesce } }`, from a borrowed edit.
pub fn encode_do(seq: u64, at: &Timestamp, edit: &Edit, coalesce: Option<&String>) -> Result<String> {
    line(&EntryRef { seq, at, op: OpRef::Do { edit, coalesce } })
}

/// Checksum, space, JSON, newline, serialised once into the line's own buffer.
fn line(value: &impl Serialize) -> Result<String> {
    let mut out = b"00000000 ".to_vec();
    serde_json::to_writer(&mut out, value)
        .map_err(|e| StoreError::Corrupt { path: PathBuf::from(JOURNAL_FILE), reason: e.to_string() })?;
    let crc = format!("{:08x}", crc32fast::hash(&out[9..]));
    out[..8].copy_from_slice(crc.as_bytes());
    out.push(b'\n');
    String::from_utf8(out).map_err(|e| StoreError::Corrupt { path: PathBuf::from(JOURNAL_FILE), reason: e.to_string() })
}

/// A line's value, if its checksum holds and it parses (an entry or the header alike); `None`
/// for a torn or damaged line.
fn decode<T: serde::de::DeserializeOwned>(line: &[u8]) -> Option<T> {
    let line = std::str::from_utf8(line).ok()?;
    let (crc, json) = line.split_once(' ')?;
    let crc = u32::from_str_radix(crc, 16).ok()?;
    if crc32fast::hash(json.as_bytes()) != crc {
        return None;
    }
    serde_json::from_str(json).ok()
}

/// The first line of a journal: which snapshot its entries were made on top of. A journal
/// whose base is not the snapshot on disk (the snapshot files were replaced by a sync tool or
/// `git pull`) cannot be replayed safely and is set aside instead.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub tema_journal: u32,
    pub base: String,
    pub seq: u64,
}

pub fn encode_header(base: &str, seq: u64) -> String {
    let json = serde_json::to_string(&Header { tema_journal: 1, base: base.to_string(), seq }).unwrap_or_default();
    format!("{:08x} {json}\n", crc32fast::hash(json.as_bytes()))
}

/// What reading the journal found.
#[derive(Debug, Default)]
pub struct ReadOutcome {
    pub header: Option<Header>,
    /// Good entries, in order, each with its encoded line.
    pub entries: Vec<(Entry, String)>,
    /// Byte length of the good prefix.
    pub good_len: u64,
    /// Bytes after the good prefix that were the torn tail of a crash.
    pub torn_tail: bool,
    /// The line number of real damage (good lines follow a bad one).
    pub damaged_at: Option<usize>,
    /// The bytes cut off as a torn tail, when they hold a complete line: a line that was
    /// written whole and later damaged, to be kept in a side file rather than dropped.
    pub damaged_tail: Option<Vec<u8>>,
    /// Lines that repeated the line before them word for word, skipped.
    pub duplicates: usize,
}

pub fn read(path: &Path) -> Result<ReadOutcome> {
    let Some(bytes) = safe::read(path)? else { return Ok(ReadOutcome::default()) };
    Ok(parse(&bytes))
}

fn parse(bytes: &[u8]) -> ReadOutcome {
    let mut out = ReadOutcome::default();
    let mut pos = 0usize;
    let mut line_no = 0usize;
    let mut last_seq = 0u64;
    if let Some(end) = bytes.iter().position(|&b| b == b'\n')
        && let Some(h) = decode::<Header>(&bytes[..end])
    {
        last_seq = h.seq;
        out.header = Some(h);
        pos = end + 1;
        out.good_len = pos as u64;
        line_no = 1;
    }
    while pos < bytes.len() {
        line_no += 1;
        let end = bytes[pos..].iter().position(|&b| b == b'\n').map(|i| pos + i);
        let Some(end) = end else {
            out.torn_tail = true; // no newline: the write never finished
            break;
        };
        let decoded = decode::<Entry>(&bytes[pos..end]);
        let repeated = |entry: &Entry| {
            entry.seq == last_seq && out.entries.last().is_some_and(|(_, l)| l.as_bytes() == &bytes[pos..=end])
        };
        match decoded {
            Some(entry) if repeated(&entry) => {
                out.duplicates += 1;
                pos = end + 1;
                out.good_len = pos as u64;
            }
            Some(entry) if entry.seq > last_seq => {
                last_seq = entry.seq;
                let line = String::from_utf8_lossy(&bytes[pos..=end]).into_owned();
                out.entries.push((entry, line));
                pos = end + 1;
                out.good_len = pos as u64;
            }
            _ => {
                // Bad line. If nothing good follows, it is a torn tail; otherwise damage.
                let rest_has_good = bytes[end + 1..].split(|&b| b == b'\n').any(|l| decode::<Entry>(l).is_some());
                if rest_has_good {
                    out.damaged_at = Some(line_no);
                } else {
                    out.torn_tail = true;
                    out.damaged_tail = Some(bytes[pos..].to_vec());
                }
                break;
            }
        }
    }
    out
}

/// The open journal, appending.
#[derive(Debug)]
pub struct JournalWriter {
    path: PathBuf,
    file: File,
    len: u64,
    /// While a snapshot is written on another thread: the lines appended since it was taken,
    /// which the journal must keep when it restarts on top of that snapshot.
    tail: Option<Vec<String>>,
}

impl JournalWriter {
    /// Opens for appending, first cutting the file to `good_len` (dropping a torn tail).
    pub fn open(path: &Path, good_len: u64) -> Result<JournalWriter> {
        let existed = path.exists();
        let file = safe::open_write(path, OpenOptions::new().create(true).append(true))?;
        let len = file.metadata().map_err(StoreError::io("read", path))?.len();
        if len != good_len {
            file.set_len(good_len).map_err(StoreError::io("repair", path))?;
            file.sync_all().map_err(StoreError::io("flush to disk", path))?;
        }
        if !existed {
            atomic::sync_parent(path)?;
        }
        Ok(JournalWriter { path: path.to_path_buf(), file, len: good_len, tail: None })
    }

    /// Appends one encoded line and waits until it is on disk.
    pub fn append(&mut self, line: &str) -> Result<()> {
        self.write_line(line, true)
    }

    /// Appends one encoded line without waiting for the disk: it is in the file for every
    /// reader, and [`JournalWriter::handle`] lets another thread bring it to disk.
    pub fn write(&mut self, line: &str) -> Result<()> {
        self.write_line(line, false)
    }

    /// A handle of the file (the same open file, for syncing elsewhere) and its path.
    pub fn handle(&self) -> Result<(File, PathBuf)> {
        let file = self.file.try_clone().map_err(StoreError::io("open again", &self.path))?;
        Ok((file, self.path.clone()))
    }

    fn write_line(&mut self, line: &str, sync: bool) -> Result<()> {
        let result = self
            .file
            .write_all(line.as_bytes())
            .and_then(|_| if sync { self.file.sync_data() } else { Ok(()) })
            .map_err(StoreError::io("write to", &self.path));
        match result {
            Ok(()) => {
                self.len += line.len() as u64;
                if let Some(tail) = &mut self.tail {
                    tail.push(line.to_string());
                }
                Ok(())
            }
            Err(e) => {
                // Leave no half line behind for the next append to follow.
                let _ = self.file.set_len(self.len);
                Err(e)
            }
        }
    }

    /// Starts the journal afresh on top of a new snapshot, keeping `lines` (entries made
    /// after the snapshot was taken).
    pub fn rewrite(&mut self, base: &str, seq: u64, lines: &[String]) -> Result<()> {
        let body: String = std::iter::once(encode_header(base, seq)).chain(lines.iter().cloned()).collect();
        atomic::write_atomic(&self.path, body.as_bytes())?;
        self.file = safe::open_write(&self.path, OpenOptions::new().append(true))?;
        self.len = body.len() as u64;
        Ok(())
    }

    /// Starts keeping the lines appended from now on: a snapshot of the project as it is now
    /// is being written, and the journal restarted on top of it must keep them.
    pub fn keep_tail(&mut self) {
        self.tail = Some(Vec::new());
    }

    /// Stops keeping appended lines (the snapshot they were kept for was not committed).
    pub fn drop_tail(&mut self) {
        self.tail = None;
    }

    /// Starts the journal afresh on top of the snapshot taken when [`Self::keep_tail`] was
    /// called (which covers entries up to `seq`), keeping the lines appended since.
    pub fn restart(&mut self, base: &str, seq: u64) -> Result<()> {
        let lines = self.tail.take().unwrap_or_default();
        let result = self.rewrite(base, seq, &lines);
        if result.is_err() {
            self.tail = Some(lines);
        }
        result
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// Starts the journal file at `path` afresh on top of a snapshot that holds its entries up to
/// `seq` (finishing a snapshot commit cut short): a header naming snapshot `base`, then the
/// entries after `seq` as they are, and whatever followed the good lines (a torn or damaged
/// tail, for opening to report). So an edit made while the snapshot was written is neither
/// lost nor applied twice.
pub fn restart_file(path: &Path, base: &str, seq: u64) -> Result<()> {
    let bytes = safe::read(path)?.unwrap_or_default();
    let outcome = parse(&bytes);
    let mut body = encode_header(base, seq).into_bytes();
    for (entry, line) in &outcome.entries {
        if entry.seq > seq {
            body.extend_from_slice(line.as_bytes());
        }
    }
    body.extend_from_slice(bytes.get(outcome.good_len as usize..).unwrap_or_default());
    atomic::write_atomic(path, &body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Code, CodeId, Colour};

    /// The borrowed form must write exactly the line the owned entry writes, or a journal
    /// written by one would not read back as the other.
    #[test]
    fn a_borrowed_edit_encodes_as_the_owned_entry() -> Result<()> {
        let at = chrono::Utc::now();
        let edit = Edit::CreateCode { code: Code::new(CodeId::new(), "Trust", Colour::rgb(1, 2, 3)), index: None };
        for coalesce in [None, Some("typing".to_string())] {
            let owned = encode(&Entry { seq: 7, at, op: Op::Do { edit: edit.clone(), coalesce: coalesce.clone() } })?;
            assert_eq!(encode_do(7, &at, &edit, coalesce.as_ref())?, owned);
            // And it reads back (checksum and JSON).
            let back = decode::<Entry>(owned.trim_end().as_bytes()).map(|e| e.op);
            assert_eq!(back, Some(Op::Do { edit: edit.clone(), coalesce }));
        }
        Ok(())
    }
}
