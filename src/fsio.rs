//! Reading input files safely: regular files only, never more than a fixed number of bytes.
//!
//! Every file the tool reads (documents, body text, configurations, unit reports, report
//! frames, content templates) goes through [`read_limited`], so that a FIFO, a device such
//! as `/dev/zero` or a huge file can neither block a run nor exhaust memory. A leaf module:
//! it depends on nothing else in the crate.

use std::fmt;
use std::hash::Hasher;
use std::io::Read;
use std::path::Path;

/// Largest input file read (JSON, body text or template): far above any real document.
pub const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;

/// Why a file could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// Opening or reading failed.
    Io(std::io::Error),
    /// A directory where a file was expected.
    Directory,
    /// Not a regular file (a FIFO, a socket, a device …): reading it could block or never end.
    NotRegular,
    /// Larger than the limit.
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io(e) => f.write_str(&io_reason(e)),
            Self::Directory => f.write_str("là thư mục, cần một tệp"),
            Self::NotRegular => {
                f.write_str("không phải tệp thông thường (đường ống, thiết bị …); chỉ đọc tệp thông thường")
            }
            Self::TooLarge { limit } => write!(f, "tệp quá lớn (tối đa {limit} byte)"),
        }
    }
}

impl std::error::Error for ReadError {}

/// A short Vietnamese reason for an I/O error.
pub fn io_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        NotFound => "không tìm thấy tệp".into(),
        PermissionDenied => "không có quyền đọc".into(),
        IsADirectory => "là thư mục, cần một tệp".into(),
        NotADirectory => "một phần của đường dẫn là tệp, không phải thư mục".into(),
        InvalidData | UnexpectedEof => "dữ liệu hỏng hoặc không đọc hết được".into(),
        OutOfMemory => "không đủ bộ nhớ".into(),
        _ => match e.raw_os_error() {
            Some(code) => format!("lỗi hệ thống (mã {code})"),
            None => "lỗi hệ thống khi đọc".into(),
        },
    }
}

/// Is `path` (symbolic links followed) a regular file? Never opens it.
pub fn is_regular_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file())
}

/// Read a regular file of at most `limit` bytes.
///
/// The file type is checked before opening (opening a FIFO for reading blocks until a
/// writer comes) and again on the open handle; the read itself is capped at `limit + 1`
/// bytes whatever the metadata says (`/proc` files and growing files report no true size).
///
/// # Errors
/// [`ReadError`] when the path is missing, not a regular file, unreadable or too large.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let check = |meta: &std::fs::Metadata| {
        if meta.is_dir() {
            Err(ReadError::Directory)
        } else if !meta.is_file() {
            Err(ReadError::NotRegular)
        } else if meta.len() > limit {
            Err(ReadError::TooLarge { limit })
        } else {
            Ok(())
        }
    };
    check(&std::fs::metadata(path).map_err(ReadError::Io)?)?;
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    check(&file.metadata().map_err(ReadError::Io)?)?;
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes).map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { limit });
    }
    Ok(bytes)
}

/// [`read_limited`] with the input limit, as UTF-8 text without a byte-order mark.
///
/// # Errors
/// As [`read_limited`]; `None` inside `Ok` when the bytes are not UTF-8.
pub fn read_text(path: &Path) -> Result<Option<String>, ReadError> {
    let bytes = read_limited(path, MAX_INPUT_BYTES)?;
    Ok(String::from_utf8(bytes).ok().map(|t| match t.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => t,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_within_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.json");
        std::fs::write(&f, "0123456789").unwrap();
        assert_eq!(read_limited(&f, 10).unwrap().len(), 10);
        assert!(matches!(read_limited(&f, 9), Err(ReadError::TooLarge { limit: 9 })));
        assert!(matches!(read_limited(dir.path(), 10), Err(ReadError::Directory)));
        assert!(matches!(read_limited(Path::new("/dev/zero"), 10), Err(ReadError::NotRegular)));
        assert!(matches!(read_limited(&dir.path().join("none"), 10), Err(ReadError::Io(_))));
    }
}

/// A 128-bit SipHash (stable across Rust versions) of byte slices.
#[derive(Default)]
pub struct ContentHash(siphasher::sip128::SipHasher13);

impl ContentHash {
    /// Add a labelled piece (the label keeps `ab`+`c` apart from `a`+`bc`).
    pub fn add(&mut self, label: &str, bytes: &[u8]) {
        self.0.write(label.as_bytes());
        self.0.write_u64(bytes.len() as u64);
        self.0.write(bytes);
    }

    /// Add a file's bytes (a missing or unreadable file hashes as such; a FIFO or a
    /// device is never opened).
    pub fn add_file(&mut self, path: &Path) {
        match read_limited(path, MAX_INPUT_BYTES) {
            Ok(b) => self.add(&path.to_string_lossy(), &b),
            Err(_) => self.add(&path.to_string_lossy(), b"<missing>"),
        }
    }

    /// The hash.
    pub fn finish(&self) -> u128 {
        use siphasher::sip128::Hasher128;
        self.0.finish128().as_u128()
    }
}
