//! Plain text: finding out how the bytes are encoded and decoding them.
//!
//! Transcripts typed on Windows machines are often Windows-1252 rather than UTF-8, and some
//! tools write UTF-16. The order of the checks:
//! 1. a byte-order mark (UTF-8, UTF-16LE, UTF-16BE) decides;
//! 2. files that look like a known binary format (zip, PDF, images, old Office) are refused
//!    with a hint at what they are;
//! 3. NUL bytes: UTF-16 without a mark if every other byte is NUL, else a binary file;
//! 4. valid UTF-8 is UTF-8;
//! 5. otherwise chardetng guesses a legacy encoding (Windows-1252 for Western European text).
//!
//! Text with many control characters after decoding is refused as binary.

use super::FileError;
use chardetng::EncodingDetector;
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE};

/// Text and the encoding it was read as.
#[derive(Debug)]
pub struct Decoded {
    pub text: String,
    /// The encoding's WHATWG name (`UTF-8`, `UTF-16LE`, `windows-1252`, ...).
    pub encoding: &'static str,
}

/// Decodes a text file's bytes.
pub fn decode(bytes: Vec<u8>) -> Result<Decoded, FileError> {
    if bytes.is_empty() {
        return Err(FileError::Empty);
    }
    if let Some((encoding, bom)) = Encoding::for_bom(&bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        return checked(text.into_owned(), encoding);
    }
    if let Some(what) = known_binary(&bytes) {
        return Err(FileError::Binary { why: format!("it is {what}") });
    }
    if memchr::memchr(0, &bytes).is_some() {
        return match utf16_without_bom(&bytes) {
            Some(encoding) => {
                let (text, _) = encoding.decode_without_bom_handling(&bytes);
                checked(text.into_owned(), encoding)
            }
            None => Err(FileError::Binary { why: "it contains NUL bytes".into() }),
        };
    }
    match String::from_utf8(bytes) {
        Ok(text) => checked(text, encoding_rs::UTF_8),
        Err(e) => {
            let bytes = e.into_bytes();
            let mut detector = EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
            detector.feed(&bytes, true);
            let encoding = detector.guess(None, chardetng::Utf8Detection::Deny);
            let (text, _) = encoding.decode_without_bom_handling(&bytes);
            checked(text.into_owned(), encoding)
        }
    }
}

/// Refuses decoded text that is mostly control characters or undecodable bytes.
fn checked(text: String, encoding: &'static Encoding) -> Result<Decoded, FileError> {
    let sample = text.chars().take(65_536);
    let (mut total, mut bad) = (0usize, 0usize);
    for c in sample {
        total += 1;
        if (c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{0C}' | '\u{0B}')) || c == '\u{FFFD}' {
            bad += 1;
        }
    }
    if total > 0 && bad * 100 > total * 2 {
        return Err(FileError::Binary {
            why: format!("{bad} of its first {total} characters are control characters or undecodable bytes"),
        });
    }
    Ok(Decoded { text, encoding: encoding.name() })
}

/// UTF-16 without a byte-order mark: in text that is mostly Latin script, every other byte
/// is NUL. Looks at the first 4 KiB.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 4 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let sample = &bytes[..bytes.len().min(4096)];
    let pairs = sample.len() / 2;
    let zero_even = sample.iter().step_by(2).filter(|b| **b == 0).count();
    let zero_odd = sample.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
    if zero_odd * 10 >= pairs * 9 && zero_even * 10 <= pairs {
        Some(UTF_16LE)
    } else if zero_even * 10 >= pairs * 9 && zero_odd * 10 <= pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Names a binary format by its first bytes.
pub(crate) fn known_binary(bytes: &[u8]) -> Option<&'static str> {
    const MAGIC: &[(&[u8], &str)] = &[
        (b"PK\x03\x04", "a zip archive (a .docx, .odt or .xlsx file is one)"),
        (b"%PDF-", "a PDF"),
        (b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", "an old-style Office file (.doc, .xls) or a password-protected one"),
        (b"\x89PNG", "a PNG image"),
        (b"\xFF\xD8\xFF", "a JPEG image"),
        (b"GIF8", "a GIF image"),
        (b"\x7FELF", "a program"),
        (b"\x1F\x8B", "a gzip archive"),
        (b"ID3", "an MP3 recording"),
        (b"RIFF", "a WAV recording or AVI video"),
        (b"OggS", "an Ogg recording"),
        (b"fLaC", "a FLAC recording"),
    ];
    MAGIC.iter().find(|(magic, _)| bytes.starts_with(magic)).map(|(_, what)| *what).or_else(|| {
        // MP4/M4A/MOV: "ftyp" at byte 4.
        (bytes.len() > 8 && &bytes[4..8] == b"ftyp").then_some("an MP4/M4A recording or video")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() -> Result<(), FileError> {
        let d = decode("Hei på deg 😀".as_bytes().to_vec())?;
        assert_eq!((d.text.as_str(), d.encoding), ("Hei på deg 😀", "UTF-8"));
        let d = decode(b"\xEF\xBB\xBFHei".to_vec())?;
        assert_eq!((d.text.as_str(), d.encoding), ("Hei", "UTF-8"));
        Ok(())
    }

    #[test]
    fn utf16_with_and_without_bom() -> Result<(), FileError> {
        let le: Vec<u8> = "Intervjuer: Hvordan går det?".encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = "Intervjuer: Hvordan går det?".encode_utf16().flat_map(u16::to_be_bytes).collect();
        let d = decode([b"\xFF\xFE".to_vec(), le.clone()].concat())?;
        assert_eq!((d.text.as_str(), d.encoding), ("Intervjuer: Hvordan går det?", "UTF-16LE"));
        let d = decode([b"\xFE\xFF".to_vec(), be.clone()].concat())?;
        assert_eq!((d.text.as_str(), d.encoding), ("Intervjuer: Hvordan går det?", "UTF-16BE"));
        assert_eq!(decode(le)?.encoding, "UTF-16LE");
        assert_eq!(decode(be)?.encoding, "UTF-16BE");
        Ok(())
    }

    #[test]
    fn windows_1252_is_detected() -> Result<(), FileError> {
        // “Jeg var på møtet” – sa hun. (curly quotes and en dash in cp1252)
        let bytes =
            b"\x93Jeg var p\xE5 m\xF8tet\x94 \x96 sa hun. Det var b\xE5de godt og vondt \xE5 v\xE6re der.".to_vec();
        let d = decode(bytes)?;
        assert_eq!(d.encoding, "windows-1252");
        assert_eq!(d.text, "“Jeg var på møtet” – sa hun. Det var både godt og vondt å være der.");
        Ok(())
    }

    #[test]
    fn binary_is_refused() {
        assert!(matches!(decode(vec![]), Err(FileError::Empty)));
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        assert!(matches!(decode(png), Err(FileError::Binary { why }) if why.contains("PNG")));
        let mut noise: Vec<u8> = (0..2000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        noise[7] = 0;
        assert!(matches!(decode(noise), Err(FileError::Binary { .. })));
        let controls: Vec<u8> = b"abc\x01\x02\x03\x04\x05\x06".repeat(50);
        assert!(matches!(decode(controls), Err(FileError::Binary { .. })));
    }
}
