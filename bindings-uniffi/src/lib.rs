//! Kotlin and Swift binding of duo-directory (uniffi proc-macros, one cdylib).
//!
//! Conversion and naming only; every behaviour (validation, signing, paging, retries, previews,
//! redaction, the runtime and its shutdown) lives in the core crate. Module layout mirrors the
//! Python binding: [`models`], [`client`], [`error`], [`sign`], [`emulator`].
//!
//! Async functions run on core's one runtime ([`duo_directory::runtime::run`]): the foreign
//! coroutine or task awaits the task's result, and cancelling it aborts the task.

// `DuoError` crosses the FFI by value with every field of its kind (uniffi cannot box it).
#![allow(clippy::result_large_err)]

mod client;
mod directory;
mod emulator;
mod error;
mod models;
mod reconcile;
mod sign;
mod surface;

pub use client::{Client, ClientOptions, ParamValue, Preview, UserCursor, UserFields};
pub use directory::{
    Directory, DirectoryClient, DirectoryCursor, DirectoryEvent, DirectoryItem, DirectoryQuery, DirectoryToken,
    EventKind, EventQuery, GroupQuery, UserQuery, compute_webhook_signature, parse_event, verify_webhook,
};
pub use emulator::{Emulator, EmulatorOptions, RecordedRequest, WebhookDelivery};
pub use error::DuoError;
pub use models::{DirectoryGroup, DirectoryRole, DirectoryUser, PreparedRequest, User, UserState, UserStatus};
pub use sign::{SignedRequest, sign_request};
pub use surface::GroupCursor;

uniffi::setup_scaffolding!("duo_directory");

/// This library's version.
#[uniffi::export]
pub fn version() -> String {
    duo_directory::VERSION.to_string()
}

/// Stops the library's runtime for good (the Kotlin package installs it as a JVM shutdown hook):
/// afterwards no runtime thread calls into the JVM, and every call fails with `DuoException.Internal`.
#[uniffi::export]
pub fn shutdown() {
    duo_directory::runtime::shutdown(std::time::Duration::from_millis(500));
    duo_directory_emulator::remove_ca_files_at_exit();
}

/// Panics on purpose, to prove that a panic arrives as `DuoError` (kind `internal`).
#[uniffi::export]
pub fn force_panic() -> Result<(), DuoError> {
    #[allow(clippy::panic)]
    error::guard(|| panic!("forced panic (test)"))
}

/// Panics on purpose inside an async call (the async path's panic guard).
#[uniffi::export]
pub async fn force_panic_async() -> Result<(), DuoError> {
    #[allow(clippy::panic)]
    let fut = async { panic!("forced panic (test, async)") };
    Ok(duo_directory::runtime::run(fut).await?)
}
