//! Reading parts of a zip container (.docx, .odt) without trusting it.
//!
//! A zip entry says how big it will be when unpacked, and may lie. Each part is refused if
//! its declared size is over the limit (before anything is inflated), and it is inflated
//! through a reader that stops one byte past what is left of the limit, so a lying entry
//! is caught after at most `limit` bytes of work and memory. The limit covers every part
//! read from one file together.

use super::{FileError, Limits};
use std::io::{Cursor, Read};
use zip::ZipArchive;
use zip::result::ZipError;

pub(crate) struct Zipped<'a> {
    archive: ZipArchive<Cursor<&'a [u8]>>,
    format: &'static str,
    limit: u64,
    unpacked: u64,
}

impl<'a> Zipped<'a> {
    /// Opens the container; `format` names it in error messages (`Word (.docx)`).
    pub fn open(bytes: &'a [u8], format: &'static str, limits: &Limits) -> Result<Self, FileError> {
        if bytes.is_empty() {
            return Err(FileError::Empty);
        }
        if bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
            return Err(FileError::corrupt(
                format,
                "it is an old-style Office file (.doc) or a password-protected document; \
                 save it as .docx without a password and import that",
            ));
        }
        if !bytes.starts_with(b"PK") {
            let hint = super::txt::known_binary(bytes).map(|w| format!(" (it is {w})")).unwrap_or_default();
            return Err(FileError::corrupt(format, format!("it is not a zip container{hint}")));
        }
        let archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| FileError::corrupt(format, zip_reason(&e)))?;
        Ok(Self { archive, format, limit: limits.max_unpacked_bytes, unpacked: 0 })
    }

    /// The unpacked bytes of a part, or `None` if the container has no such part.
    pub fn read(&mut self, name: &str) -> Result<Option<Vec<u8>>, FileError> {
        let left = self.limit.saturating_sub(self.unpacked);
        let entry = match self.archive.by_name(name) {
            Ok(entry) => entry,
            Err(ZipError::FileNotFound) => return Ok(None),
            Err(e) => return Err(FileError::corrupt(self.format, format!("{name}: {}", zip_reason(&e)))),
        };
        let declared = entry.size();
        if declared > left {
            return Err(FileError::Unpacked { entry: name.into(), size: declared, limit: self.limit, at_least: false });
        }
        // Capacity from the declared size, which has just been checked against the limit.
        let mut out = Vec::with_capacity(usize::try_from(declared).unwrap_or(0));
        entry
            .take(left + 1)
            .read_to_end(&mut out)
            .map_err(|e| FileError::corrupt(self.format, format!("{name} cannot be unpacked: {e}")))?;
        let got = out.len() as u64;
        if got > left {
            return Err(FileError::Unpacked {
                entry: name.into(),
                size: self.unpacked + got,
                limit: self.limit,
                at_least: true,
            });
        }
        self.unpacked += got;
        Ok(Some(out))
    }

    /// Like [`read`](Self::read), for a part that must be there, as UTF-8 text.
    pub fn read_xml(&mut self, name: &str) -> Result<String, FileError> {
        let bytes = self.read(name)?.ok_or_else(|| {
            FileError::corrupt(self.format, format!("it has no {name}; is it really this kind of file?"))
        })?;
        xml_text(bytes).map_err(|reason| FileError::corrupt(self.format, format!("{name}: {reason}")))
    }
}

/// Checks the declared unpacked sizes of every entry of a zip container against the limit,
/// for containers read by another crate (an .xlsx sheet read by calamine).
pub(crate) fn check_declared_sizes(bytes: &[u8], limits: &Limits) -> Result<(), FileError> {
    let format = "Excel (.xlsx)";
    let mut zip = Zipped::open(bytes, format, limits)?;
    let mut total = 0u64;
    for i in 0..zip.archive.len() {
        let entry = zip.archive.by_index_raw(i).map_err(|e| FileError::corrupt(format, zip_reason(&e)))?;
        total = total.saturating_add(entry.size());
        if total > limits.max_unpacked_bytes {
            return Err(FileError::Unpacked {
                entry: entry.name().map(|n| n.to_string()).unwrap_or_default(),
                size: total,
                limit: limits.max_unpacked_bytes,
                at_least: true,
            });
        }
    }
    Ok(())
}

/// XML parts are UTF-8 (or, rarely, UTF-16 with a byte-order mark).
pub(crate) fn xml_text(bytes: Vec<u8>) -> Result<String, String> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(&bytes) {
        let (text, _, bad) = encoding.decode(&bytes[bom..]);
        return if bad { Err("it is not valid text".into()) } else { Ok(text.into_owned()) };
    }
    String::from_utf8(bytes).map_err(|_| "it is not valid UTF-8".to_string())
}

fn zip_reason(e: &ZipError) -> String {
    match e {
        ZipError::InvalidArchive(why) => format!("the zip container is damaged ({why})"),
        ZipError::UnsupportedArchive(why) => format!("the zip container uses a feature Tema cannot read ({why})"),
        ZipError::InvalidPassword => "it is password-protected".into(),
        other => other.to_string(),
    }
}
