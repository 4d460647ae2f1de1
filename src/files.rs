//! What a path on disk is, in words, for the messages that refuse anything but a regular
//! file: import will not read a FIFO or a device (reading could wait or run forever), and an
//! export will not replace a link, a folder or a device. One wording for both; and one
//! wording, [`FileIo`], for a file operation that failed.

use std::fs::FileType;
use std::path::PathBuf;

/// A file operation that failed: what was being done, to which file, and the system's reason.
/// The store's, the index's, the exchange's and pseudonymisation's errors all carry it, so
/// every such message reads "could not read … : …".
#[derive(Debug, thiserror::Error)]
#[error("could not {action} {}: {source}", path.display())]
pub struct FileIo {
    /// "read", "create", "start a thread to save"...
    pub action: &'static str,
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

impl FileIo {
    /// For `map_err`: the error of doing `action` to `path`, in any error type that holds one.
    pub fn on<E: From<FileIo>>(action: &'static str, path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> E {
        let path = path.into();
        move |source| E::from(FileIo { action, path, source })
    }
}

/// "a FIFO (named pipe)", "a device", "a socket", "a symbolic link", "a folder", or "a special
/// file" for anything else that is not a regular file.
pub fn kind_of(t: &FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_symlink() {
        "a symbolic link"
    } else if t.is_dir() {
        "a folder"
    } else if t.is_file() {
        "a regular file"
    } else {
        "a special file"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchange::ExchangeError;
    use crate::store::StoreError;

    #[test]
    fn every_file_error_reads_alike_and_keeps_its_cause() {
        let missing = || std::io::Error::from(std::io::ErrorKind::NotFound);
        let store: StoreError = FileIo::on("read", "study.tema/project.json")(missing());
        let exchange: ExchangeError = FileIo::on("read", "study.tema/project.json")(missing());
        assert_eq!(store.to_string(), exchange.to_string());
        assert!(store.to_string().starts_with("could not read study.tema/project.json: "), "{store}");
        let cause = std::error::Error::source(&store).and_then(|e| e.downcast_ref::<std::io::Error>());
        assert_eq!(cause.map(std::io::Error::kind), Some(std::io::ErrorKind::NotFound));
    }
}
