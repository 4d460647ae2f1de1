//! The QDPX container: a zip with one `*.qde` and a flat `sources/` folder, opened without
//! trusting it. A bare `.qde` is accepted too, its sources looked up beside it.
//!
//! - Every entry name is checked when the archive is opened: one that climbs out (`../x`,
//!   `/etc/x`, `C:\x`) refuses the whole archive, since no honest exporter writes one.
//! - Members are read one at a time through a reader that stops one byte past what may be
//!   unpacked, so a lying size header costs at most the limit: a member over 2³¹−1 bytes
//!   (the spec's ceiling), a member that inflates more than `max_ratio` times its packed
//!   size (a zip bomb), or more than `max_total` bytes over the whole import is refused with
//!   an error naming the entry.
//! - Names are matched case-insensitively (`Sources/` from NVivo on Windows, `sources/`
//!   elsewhere; `project.qde` or `Trial.qde`).

use super::ExchangeError;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use zip::ZipArchive;

/// How much a container may unpack.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest single member (the spec's 2³¹−1 bytes).
    pub max_member: u64,
    /// Most bytes unpacked over the whole file.
    pub max_total: u64,
    /// Largest unpacked/packed ratio of a member bigger than `ratio_floor`.
    pub max_ratio: u64,
    /// Members up to this size are not held to `max_ratio` (small XML compresses well).
    pub ratio_floor: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_member: (1 << 31) - 1, max_total: 4 << 30, max_ratio: 200, ratio_floor: 16 << 20 }
    }
}

enum Kind {
    Zip {
        archive: ZipArchive<BufReader<File>>,
        names: Vec<String>,
    },
    /// A bare `.qde`; embedded sources are looked for in `sources/` beside it.
    Bare,
}

pub struct Container {
    path: PathBuf,
    kind: Kind,
    limits: Limits,
    unpacked: u64,
}

/// Whether a name stays inside the archive: no parent steps, no root, no drive.
fn is_safe(name: &str) -> bool {
    let n = name.replace('\\', "/");
    !(n.starts_with('/')
        || n.split('/').any(|part| part == "..")
        || n.as_bytes().get(1) == Some(&b':')
        || n.contains('\0'))
}

impl Container {
    pub fn open(path: &Path, limits: &Limits) -> Result<Container, ExchangeError> {
        let is_qde = path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("qde"));
        if is_qde {
            return Ok(Container { path: path.to_path_buf(), kind: Kind::Bare, limits: limits.clone(), unpacked: 0 });
        }
        let file = File::open(path).map_err(ExchangeError::io("open", path))?;
        let not_zip = |reason: String| ExchangeError::NotZip { path: path.to_path_buf(), reason };
        let archive = ZipArchive::new(BufReader::new(file)).map_err(|e| not_zip(e.to_string()))?;
        let mut names = Vec::with_capacity(archive.len());
        for name in archive.file_names() {
            let name = name.map_err(|e| not_zip(e.to_string()))?.into_owned();
            if !is_safe(&name) {
                return Err(ExchangeError::UnsafeEntry { path: path.to_path_buf(), entry: name });
            }
            names.push(name);
        }
        Ok(Container {
            path: path.to_path_buf(),
            kind: Kind::Zip { archive, names },
            limits: limits.clone(),
            unpacked: 0,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The project XML, to be read (once or more) as a stream: see [`Qde::read`].
    pub fn qde(&mut self) -> Result<Qde, ExchangeError> {
        let names = match &self.kind {
            Kind::Bare => {
                let name = self.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                let size = std::fs::metadata(&self.path).map_err(ExchangeError::io("read", &self.path))?.len();
                let limit = self.limits.max_member.min(self.left());
                if size > limit {
                    return Err(ExchangeError::TooLarge { path: self.path.clone(), entry: name, size, limit });
                }
                self.unpacked += size;
                return Ok(Qde { path: self.path.clone(), entry: name, member: None });
            }
            Kind::Zip { names, .. } => names,
        };
        let is_qde = |n: &&String| n.to_ascii_lowercase().ends_with(".qde") && !n.ends_with('/');
        let at_root: Vec<&String> = names.iter().filter(is_qde).filter(|n| !n.contains('/')).collect();
        let candidates = if at_root.is_empty() { names.iter().filter(is_qde).collect() } else { at_root };
        let chosen = match candidates.as_slice() {
            [] => return Err(ExchangeError::NoQde { path: self.path.clone() }),
            [one] => (*one).clone(),
            many => {
                match many.iter().find(|n| n.rsplit('/').next().is_some_and(|f| f.eq_ignore_ascii_case("project.qde")))
                {
                    Some(n) => (*n).clone(),
                    None => {
                        let names = many.iter().map(|n| n.as_str()).collect::<Vec<_>>().join(", ");
                        return Err(ExchangeError::SeveralQde { path: self.path.clone(), names });
                    }
                }
            }
        };
        let index = names.iter().position(|n| *n == chosen).unwrap_or(usize::MAX);
        let left = self.left();
        let limits = self.limits.clone();
        let path = self.path.clone();
        let Kind::Zip { archive, .. } = &mut self.kind else { return Err(ExchangeError::NoQde { path }) };
        let entry = archive.by_index(index).map_err(|e| ExchangeError::Unpack {
            path: path.clone(),
            entry: chosen.clone(),
            reason: e.to_string(),
        })?;
        let member = Member::check(&path, &chosen, entry.size(), entry.compressed_size(), &limits, left)?;
        drop(entry);
        // Counted once, though it may be read twice: the limit is on what the file holds.
        self.unpacked += member.declared;
        Ok(Qde { path, entry: chosen, member: Some((index, member)) })
    }

    /// The bytes of an embedded source named in the XML (`internal://NAME`, or a bare
    /// name): `sources/NAME` in any case, else `NAME` at the root. `Ok(None)` when the
    /// archive has no such member; an error for a name that would leave the folder.
    pub fn read_source(&mut self, name: &str) -> Result<Option<(String, Vec<u8>)>, ExchangeError> {
        if name.is_empty() || name == ".." || name.contains(['/', '\\']) || !is_safe(name) {
            return Err(ExchangeError::UnsafeEntry { path: self.path.clone(), entry: name.to_string() });
        }
        match &self.kind {
            Kind::Zip { names, .. } => {
                let want_in = format!("sources/{}", name.to_lowercase());
                let want_root = name.to_lowercase();
                let found = names
                    .iter()
                    .find(|n| n.to_lowercase() == want_in)
                    .or_else(|| names.iter().find(|n| n.to_lowercase() == want_root))
                    .cloned();
                match found {
                    Some(entry) => Ok(Some((entry.clone(), self.read_entry(&entry)?))),
                    None => Ok(None),
                }
            }
            Kind::Bare => {
                let Some(dir) = self.path.parent() else { return Ok(None) };
                for folder in [dir.join("sources"), dir.join("Sources"), dir.to_path_buf()] {
                    let Ok(entries) = std::fs::read_dir(&folder) else { continue };
                    for entry in entries.flatten() {
                        if entry.file_name().to_string_lossy().eq_ignore_ascii_case(name)
                            && entry.file_type().is_ok_and(|t| t.is_file())
                        {
                            let p = entry.path();
                            return Ok(Some((name.to_string(), self.read_file(&p, name)?)));
                        }
                    }
                }
                Ok(None)
            }
        }
    }

    /// An external file (`relative:///` or `absolute:///`), if it exists; read with the same
    /// limits as members.
    pub fn read_external(&mut self, path: &Path) -> Result<Option<Vec<u8>>, ExchangeError> {
        if !path.is_file() {
            return Ok(None);
        }
        let label = path.display().to_string();
        self.read_file(path, &label).map(Some)
    }

    fn left(&self) -> u64 {
        self.limits.max_total.saturating_sub(self.unpacked)
    }

    fn read_file(&mut self, file: &Path, label: &str) -> Result<Vec<u8>, ExchangeError> {
        let size = std::fs::metadata(file).map_err(ExchangeError::io("read", file))?.len();
        let limit = self.limits.max_member.min(self.left());
        if size > limit {
            return Err(ExchangeError::TooLarge { path: self.path.clone(), entry: label.into(), size, limit });
        }
        let bytes = std::fs::read(file).map_err(ExchangeError::io("read", file))?;
        self.unpacked += bytes.len() as u64;
        Ok(bytes)
    }

    fn read_entry(&mut self, name: &str) -> Result<Vec<u8>, ExchangeError> {
        let left = self.left();
        let limits = self.limits.clone();
        let path = self.path.clone();
        let Kind::Zip { archive, names } = &mut self.kind else {
            return Err(ExchangeError::Unpack { path, entry: name.into(), reason: "not an archive".into() });
        };
        let index = names.iter().position(|n| n == name).unwrap_or(usize::MAX);
        let unpack = |reason: String| ExchangeError::Unpack { path: path.clone(), entry: name.into(), reason };
        let entry = archive.by_index(index).map_err(|e| unpack(e.to_string()))?;
        let member = Member::check(&path, name, entry.size(), entry.compressed_size(), &limits, left)?;
        let mut out = Vec::with_capacity(usize::try_from(member.declared).unwrap_or(0));
        entry.take(member.cap + 1).read_to_end(&mut out).map_err(|e| unpack(e.to_string()))?;
        member.check_read(&path, name, out.len() as u64)?;
        self.unpacked += out.len() as u64;
        Ok(out)
    }
}

/// The limits one archive member is read under.
#[derive(Clone, Debug)]
struct Member {
    declared: u64,
    packed: u64,
    /// Most bytes that may come out of it.
    cap: u64,
    member_limit: u64,
    ratio_limit: u64,
    max_ratio: u64,
}

impl Member {
    /// Refuses a member whose declared size is already over a limit.
    fn check(
        path: &Path,
        name: &str,
        declared: u64,
        packed: u64,
        limits: &Limits,
        left: u64,
    ) -> Result<Member, ExchangeError> {
        let packed = packed.max(1);
        let member_limit = limits.max_member.min(left);
        if declared > member_limit {
            return Err(ExchangeError::TooLarge {
                path: path.into(),
                entry: name.into(),
                size: declared,
                limit: member_limit,
            });
        }
        let ratio_limit = limits.ratio_floor.max(packed.saturating_mul(limits.max_ratio));
        if declared > ratio_limit {
            return Err(ExchangeError::Bomb { path: path.into(), entry: name.into(), packed, ratio: limits.max_ratio });
        }
        Ok(Member {
            declared,
            packed,
            cap: member_limit.min(ratio_limit),
            member_limit,
            ratio_limit,
            max_ratio: limits.max_ratio,
        })
    }

    /// Refuses a member that unpacked to more than its cap (its size header lied).
    fn check_read(&self, path: &Path, name: &str, got: u64) -> Result<(), ExchangeError> {
        if got <= self.cap {
            return Ok(());
        }
        Err(if self.cap == self.ratio_limit && self.cap < self.member_limit {
            ExchangeError::Bomb { path: path.into(), entry: name.into(), packed: self.packed, ratio: self.max_ratio }
        } else {
            ExchangeError::TooLarge { path: path.into(), entry: name.into(), size: got, limit: self.cap }
        })
    }
}

/// A reader that counts the bytes it passes on.
struct Counted<R> {
    inner: R,
    count: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(out)?;
        self.count += n as u64;
        Ok(n)
    }
}

/// The project XML of a container, read as a stream from its own handle on the file, so
/// that the container can hand out sources while the XML is being read.
pub struct Qde {
    path: PathBuf,
    entry: String,
    /// The member's index and limits; `None` for a bare `.qde`.
    member: Option<(usize, Member)>,
}

impl Qde {
    /// The entry's name in the archive (or the bare file's name).
    pub fn entry(&self) -> &str {
        &self.entry
    }

    /// Reads the XML from the start: `f` gets it as a reader (unpacked as it is read, never
    /// held whole). A member that unpacks past its limits is refused whatever `f` returned.
    pub fn read<T>(&self, f: impl FnOnce(&mut dyn Read) -> Result<T, ExchangeError>) -> Result<T, ExchangeError> {
        let file = File::open(&self.path).map_err(ExchangeError::io("open", &self.path))?;
        let Some((index, member)) = &self.member else {
            return f(&mut BufReader::new(file));
        };
        let unpack =
            |reason: String| ExchangeError::Unpack { path: self.path.clone(), entry: self.entry.clone(), reason };
        let mut archive = ZipArchive::new(BufReader::new(file)).map_err(|e| unpack(e.to_string()))?;
        let entry = archive.by_index(*index).map_err(|e| unpack(e.to_string()))?;
        let mut counted = Counted { inner: entry.take(member.cap + 1), count: 0 };
        let result = f(&mut counted);
        member.check_read(&self.path, &self.entry, counted.count)?;
        result
    }
}

#[cfg(test)]
mod tests {
    use super::is_safe;

    #[test]
    fn names_that_climb_out_are_unsafe() {
        for bad in ["../x", "sources/../../x", "/etc/passwd", "C:\\x", "a\\..\\b"] {
            assert!(!is_safe(bad), "{bad}");
        }
        for good in ["project.qde", "Sources/", "sources/ABC.txt", "x..y.txt"] {
            assert!(is_safe(good), "{good}");
        }
    }
}
