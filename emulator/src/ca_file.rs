//! The file holding the generated CA for clients that want a path (`ca_certs=`): written on
//! first use, named `duo-emulator-ca-<pid>-<random>.pem` in the temp dir, removed on shutdown
//! and drop; files left by processes that died (crash, `os._exit`) are swept at the next start.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Prefix of every CA file name.
const PREFIX: &str = "duo-emulator-ca-";
/// Suffix of every CA file name.
const SUFFIX: &str = ".pem";

/// The CA PEM and, once asked for, the file holding it.
pub(crate) struct CaFile {
    pem: String,
    path: OnceLock<Option<PathBuf>>,
}

impl CaFile {
    /// Keeps the PEM; nothing is written yet.
    pub(crate) fn new(pem: String) -> CaFile {
        CaFile { pem, path: OnceLock::new() }
    }

    /// The PEM text.
    pub(crate) fn pem(&self) -> &str {
        &self.pem
    }

    /// The file, written on the first call; `None` when it cannot be written.
    pub(crate) fn path(&self) -> Option<&Path> {
        self.path
            .get_or_init(|| match write(&std::env::temp_dir(), &self.pem) {
                Ok(path) => Some(path),
                Err(e) => {
                    tracing::warn!(error = %e, "cannot write the emulator's CA file");
                    None
                }
            })
            .as_deref()
    }

    /// Removes the file if it was written (idempotent).
    pub(crate) fn remove(&mut self) {
        if let Some(Some(path)) = self.path.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

impl Drop for CaFile {
    fn drop(&mut self) {
        self.remove();
    }
}

/// Writes `pem` to a new `duo-emulator-ca-<pid>-<random>.pem` in `dir`.
fn write(dir: &Path, pem: &str) -> std::io::Result<PathBuf> {
    let pid = std::process::id();
    let mut last_error = None;
    for _ in 0..8 {
        let random = crate::ids::random_from(&mut rand::rng(), b"abcdefghijklmnopqrstuvwxyz0123456789", 12);
        let path = dir.join(format!("{PREFIX}{pid}-{random}{SUFFIX}"));
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut file) => {
                if let Err(e) = file.write_all(pem.as_bytes()).and_then(|()| file.flush()) {
                    let _ = std::fs::remove_file(&path);
                    return Err(e);
                }
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last_error = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last_error.unwrap_or_else(|| std::io::Error::other("no free CA file name")))
}

/// The pid in a CA file name, if `name` is one.
fn owner_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    let (pid, random) = rest.split_once('-')?;
    if random.is_empty() {
        return None;
    }
    pid.parse().ok()
}

/// Removes the CA files in the temp dir whose owning process is gone (Linux only: liveness is
/// `/proc/<pid>`; elsewhere nothing is swept).
pub(crate) fn sweep_stale() {
    if cfg!(target_os = "linux") {
        sweep_dir(&std::env::temp_dir(), |pid| Path::new("/proc").join(pid.to_string()).exists());
    }
}

/// Removes the CA files in `dir` whose pid `alive` says is gone.
/// Removes every CA file this process wrote (for an exit path that drops no emulator).
pub(crate) fn remove_own() {
    let own = std::process::id();
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else { return };
    for entry in entries.flatten() {
        if entry.file_name().to_str().and_then(owner_pid) == Some(own) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn sweep_dir(dir: &Path, alive: impl Fn(u32) -> bool) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let own = std::process::id();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(owner_pid) else { continue };
        if pid != own && !alive(pid) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_the_owner_pid() {
        assert_eq!(owner_pid("duo-emulator-ca-1234-abcDEF123456.pem"), Some(1234));
        assert_eq!(owner_pid("duo-emulator-ca-x1b2c3.pem"), None);
        assert_eq!(owner_pid("duo-emulator-ca-12-.pem"), None);
        assert_eq!(owner_pid("other-1234-abc.pem"), None);
    }

    #[test]
    fn the_sweep_removes_only_dead_owners_files() {
        let dir = tempfile::tempdir().unwrap();
        let dead = dir.path().join("duo-emulator-ca-999999-dead.pem");
        let live = dir.path().join("duo-emulator-ca-1-live.pem");
        let other = dir.path().join("unrelated-999999-x.pem");
        for p in [&dead, &live, &other] {
            std::fs::write(p, "x").unwrap();
        }
        sweep_dir(dir.path(), |pid| pid == 1);
        assert!(!dead.exists());
        assert!(live.exists());
        assert!(other.exists());
    }
}
