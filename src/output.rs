//! Stage 5: write. Every output goes to a temporary file in its destination directory
//! and is renamed into place, so a reader never sees a half-written PDF or workbook, even
//! if the process is killed at any moment. (The data is not fsync'ed: that would guard
//! against a power cut, at a cost of several milliseconds per file on our machines, and a
//! rebuild recreates any lost output.)

use std::io::Write;
use std::path::{Path, PathBuf};

/// A file could not be written.
#[derive(Debug, thiserror::Error)]
#[error("không ghi được {}: {reason}", path.display())]
pub struct WriteError {
    /// The destination.
    pub path: PathBuf,
    /// Why.
    pub reason: String,
}

/// Write `bytes` to `path` atomically (temp file in the same directory, then rename).
///
/// # Errors
/// [`WriteError`] when the directory cannot be created or the file written.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    let fail = |e: std::io::Error| WriteError { path: path.to_path_buf(), reason: write_reason(&e) };
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(fail)?;
    let mut tmp = tempfile::Builder::new().prefix(&temp_prefix()).suffix(".tmp").tempfile_in(dir).map_err(fail)?;
    tmp.write_all(bytes).map_err(fail)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644)).map_err(fail)?;
    }
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

/// A short Vietnamese reason why writing failed (never the temporary file's name).
pub fn write_reason(e: &std::io::Error) -> String {
    use std::io::ErrorKind::*;
    match e.kind() {
        PermissionDenied => "không có quyền ghi".into(),
        ReadOnlyFilesystem => "ổ đĩa chỉ đọc".into(),
        NotFound => "thư mục không tồn tại".into(),
        IsADirectory => "đã có một thư mục cùng tên".into(),
        AlreadyExists | NotADirectory => "một phần của đường dẫn là tệp, không phải thư mục".into(),
        StorageFull => "ổ đĩa đầy".into(),
        QuotaExceeded => "vượt hạn mức dung lượng".into(),
        FileTooLarge => "tệp quá lớn".into(),
        _ => crate::fsio::io_reason(e),
    }
}

/// The name prefix of this process's temporary files: `.vanban-<pid>-`, so that a run
/// cleaning up never removes the file another run is writing.
fn temp_prefix() -> String {
    format!(".vanban-{}-", std::process::id())
}

/// Remove temporary files a killed run left behind (`.vanban-*.tmp`) under `dir`: those of a
/// process no longer running (`/proc/<pid>`), or, where that cannot be known, older than an
/// hour. Another run writing into the same folder keeps its files.
pub fn remove_stale_temp_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            remove_stale_temp_files(&path);
        } else if name.starts_with(".vanban-") && name.ends_with(".tmp") && abandoned(&name, &entry) {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Whether the temporary file `name` was left by a process that is gone.
fn abandoned(name: &str, entry: &std::fs::DirEntry) -> bool {
    let pid = name[".vanban-".len()..].split('-').next().and_then(|p| p.parse::<u32>().ok());
    let proc = Path::new("/proc/self").exists();
    match pid {
        Some(pid) if pid == std::process::id() => false,
        Some(pid) if proc => !Path::new(&format!("/proc/{pid}")).exists(),
        _ => entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| t.elapsed().is_ok_and(|age| age > std::time::Duration::from_secs(3600))),
    }
}

/// Check an output folder before any work: it must be (or become) a folder we can write
/// in. Stale temporary files of a killed run are removed.
///
/// # Errors
/// Why not, one message naming the folder.
pub fn prepare_dir(dir: &Path) -> Result<(), String> {
    if dir.exists() && !dir.is_dir() {
        return Err(format!("-o {}: không phải thư mục (đã có một tệp cùng tên)", dir.display()));
    }
    let reason = write_reason;
    if let Err(e) = std::fs::create_dir_all(dir) {
        return Err(format!("không tạo được thư mục {} ({})", dir.display(), reason(&e)));
    }
    if let Err(e) = tempfile::Builder::new().prefix(&temp_prefix()).suffix(".tmp").tempfile_in(dir) {
        // The folder exists (it was just made): "not found" means files cannot be made there.
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => "không tạo được tệp trong thư mục này".to_string(),
            _ => reason(&e),
        };
        return Err(format!("không ghi được vào thư mục {} ({why})", dir.display()));
    }
    remove_stale_temp_files(dir);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_replaces_without_leftovers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/a.pdf");
        write_atomic(&path, b"one").unwrap();
        write_atomic(&path, b"two").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let names: Vec<_> =
            std::fs::read_dir(dir.path().join("sub")).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["a.pdf"]);
    }
}
