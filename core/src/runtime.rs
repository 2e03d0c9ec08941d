//! The one tokio runtime per process used by the blocking client and the language bindings.

use crate::error::{Error, Result};
use std::sync::Mutex;
use tokio::runtime::Runtime;

static RUNTIME: Mutex<Option<(u32, &'static Runtime)>> = Mutex::new(None);

/// The process-wide runtime, created on first use. After a `fork()` the child gets a new one
/// (the parent's worker threads do not exist in the child).
pub fn shared() -> Result<&'static Runtime> {
    let pid = std::process::id();
    let mut guard = RUNTIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((owner, rt)) = *guard
        && owner == pid
    {
        return Ok(rt);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("duo-directory")
        .enable_all()
        .build()
        .map_err(|e| Error::Internal { message: format!("cannot start the tokio runtime: {e}") })?;
    // Leaked on purpose: one per process, alive as long as the process.
    let rt: &'static Runtime = Box::leak(Box::new(rt));
    *guard = Some((pid, rt));
    Ok(rt)
}

/// Runs `fut` to completion on the shared runtime, from synchronous code.
/// Refuses (instead of panicking) when called from inside an async runtime.
pub fn block_on<F: std::future::Future>(fut: F) -> Result<F::Output> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Error::Internal {
            message: "the blocking client was called from async code; use the async client there".into(),
        });
    }
    Ok(shared()?.block_on(fut))
}
