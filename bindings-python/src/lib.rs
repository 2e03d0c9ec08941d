//! Python binding of duo-directory: the native module `duo_directory._native`.
//!
//! Conversion and naming only; every behaviour (validation, signing, paging, retries, previews,
//! redaction, the runtime and its shutdown) lives in the core crate. Module layout mirrors core:
//! [`models`], [`client`], [`error`], [`sign`], [`emulator`]; [`sync`] and [`repr`] are leaves.

mod client;
mod convert;
mod directory;
#[cfg(feature = "emulator")]
mod emulator;
mod error;
mod models;
mod repr;
mod sign;
mod sync;

use pyo3::prelude::*;

/// Panics on purpose, to prove that a panic reaches Python as `DuoError` (kind `internal`).
#[pyfunction]
fn _force_panic() -> PyResult<()> {
    error::guard(|| -> PyResult<()> {
        #[allow(clippy::panic)]
        {
            panic!("forced panic (test)")
        }
    })
}

/// Panics on purpose inside an awaitable (the async path's panic guard).
#[pyfunction]
fn _force_panic_async(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    client::aio::force_panic(py)
}

/// Stops the library's runtime for good (registered with `atexit` by `duo_directory`): after it,
/// no runtime thread touches the interpreter, which is about to be torn down.
#[pyfunction]
fn _shutdown(py: Python<'_>) {
    py.detach(|| {
        duo_directory::runtime::shutdown(std::time::Duration::from_millis(500));
        #[cfg(feature = "emulator")]
        duo_directory_emulator::remove_ca_files_at_exit();
    });
}

/// Forwards to `logging` until the interpreter starts exiting, then drops records from every
/// thread but the exiting one (a worker thread must not take the GIL of a finalizing interpreter).
struct ExitSafe(pyo3_log::Logger);

impl log::Log for ExitSafe {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        !duo_directory::runtime::host_is_exiting() && self.0.enabled(metadata)
    }
    fn log(&self, record: &log::Record<'_>) {
        if !duo_directory::runtime::host_is_exiting() {
            self.0.log(record);
        }
    }
    fn flush(&self) {
        self.0.flush();
    }
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", duo_directory::VERSION)?;
    // Core's events reach `logging` (logger `duo_directory.retry` for retries). Levels are
    // cached per logger on first use: configure logging before the first call.
    let logger = pyo3_log::Logger::new(m.py(), pyo3_log::Caching::LoggersAndLevels)?;
    if log::set_boxed_logger(Box::new(ExitSafe(logger))).is_ok() {
        log::set_max_level(log::LevelFilter::Debug);
    }
    error::register(m)?;
    use client::aio::{PyAsyncClient, PyAsyncUserIterator, Ready};
    use client::{PyClient, PyPreview, PyUserIterator};
    use models::directory::{PyDirectoryGroup, PyDirectoryUser, PyInlineRole};
    use models::nested::{PyDesktopAuthenticator, PyGroup, PyPhone, PyToken, PyU2fToken, PyWebauthnCredential};
    use models::{PyUser, PyUserStatus, request::PyPreparedRequest};
    macro_rules! add_classes {
        ($($class:ty),*) => {$( m.add_class::<$class>()?; )*};
    }
    add_classes!(
        PyUser,
        PyUserStatus,
        PyGroup,
        PyPhone,
        PyToken,
        PyU2fToken,
        PyWebauthnCredential,
        PyDesktopAuthenticator
    );
    add_classes!(PyDirectoryUser, PyDirectoryGroup, PyInlineRole, PyPreparedRequest, sign::PySignedRequest);
    add_classes!(PyClient, PyUserIterator, PyPreview, PyAsyncClient, PyAsyncUserIterator, Ready);
    use directory::{PyDirectory, PyDirectoryClient, PyDirectoryEvent, PyDirectoryIterator, PyDirectoryToken};
    add_classes!(PyDirectory, PyDirectoryToken, PyDirectoryEvent, PyDirectoryClient, PyDirectoryIterator);
    m.add_function(wrap_pyfunction!(directory::verify_webhook, m)?)?;
    m.add_function(wrap_pyfunction!(directory::parse_event, m)?)?;
    m.add_function(wrap_pyfunction!(directory::compute_webhook_signature, m)?)?;
    use client::surface::{PyAsyncGroupIterator, PyGroupIterator};
    add_classes!(PyGroupIterator, PyAsyncGroupIterator, models::bypass::PyBypassCode);
    m.add_function(wrap_pyfunction!(sign::sign_request, m)?)?;
    m.add_function(wrap_pyfunction!(_force_panic, m)?)?;
    m.add_function(wrap_pyfunction!(_force_panic_async, m)?)?;
    m.add_function(wrap_pyfunction!(_shutdown, m)?)?;
    #[cfg(feature = "emulator")]
    emulator::register(m)?;
    Ok(())
}
