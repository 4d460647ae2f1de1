//! What a path on disk is, in words, for the messages that refuse anything but a regular
//! file: import will not read a FIFO or a device (reading could wait or run forever), and an
//! export will not replace a link, a folder or a device. One wording for both.

use std::fs::FileType;

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
