//! Locking that survives a caught panic (a leaf module: every other module may use it).

use std::sync::{Mutex, MutexGuard};

/// Locks a mutex, ignoring poisoning (the state stays usable after a caught panic).
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
