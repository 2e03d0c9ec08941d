//! # duo-directory
//!
//! The Duo Admin API user model, the WorkOS-style Directory User model and signed Duo calls,
//! defined once for Rust and for the Python, Node and Kotlin/Swift bindings built on this crate.
//!
//! - [`User`] and its nested [`Group`], [`Phone`], [`Token`], [`U2fToken`], [`WebauthnCredential`];
//!   [`DirectoryUser`] and [`DirectoryGroup`]. JSON read then written loses nothing.
//! - [`sign_request`] / [`Signer`]: Duo signatures v2 and v5, byte-identical to the official clients.
//! - [`Client`] (async) and [`blocking::Client`]: list (lazy paging), get, create, update, delete and
//!   directory-sync users, plus [`Client::call`] for any other endpoint; retries with backoff on 429;
//!   [`Client::preview`] returns the exact request a mutating call would send, sending nothing.
//!
//! ```
//! use duo_directory::User;
//! let user = User::from_json(r#"{"user_id":"DU3RP9I2WOC59VZX672N","username":"jsmith","status":"active"}"#)?;
//! assert_eq!(user.username, "jsmith");
//! # Ok::<(), duo_directory::Error>(())
//! ```
#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic))]

pub mod canon_json;
mod client;
pub mod columns;
pub mod date;
pub mod decode;
pub mod directory;
pub mod envelope;
mod error;
pub mod identity;
mod json_scan;
mod limits;
mod listing;
mod models;
pub mod options;
mod pairs;
mod params;
pub mod reconcile;
pub mod runtime;
mod secret;
pub mod sign;
mod user_scan;
pub mod webhook;

pub use client::bulk::{
    BULK_CREATE_FIELDS, BulkOperation, BulkOperationResult, BulkOptions, MAX_BULK_CREATE, MAX_BULK_IDS,
    MAX_BULK_OPERATIONS, OperationsEncoding, TrashResult, bulk_chunk_size,
};
pub use client::diagnosis as client_diagnosis;
pub use client::retry::{self, RetryPolicy};
pub use client::{
    CaSource, Client, ClientConfig, ClientOptions, DEFAULT_DEADLINE, DEFAULT_ITEM_PAGE_SIZE, DEFAULT_MAX_CONNECTIONS,
    DEFAULT_PAGE_SIZE, DEFAULT_PREFETCH, GroupCursor, ItemCursor, MAX_BATCH, MAX_ITEM_PAGE_SIZE, MAX_PAGE_SIZE,
    MAX_PREFETCH, MAX_SECONDS, PageCount, PreparedRequest, Preview, RetryMode, Scheme, UserCursor, blocking, count,
    install_crypto_provider, is_loopback, item_page_size, page_size, path_id, seconds,
};
pub use columns::UserColumns;
pub use directory::{
    Directory, DirectoryClient, DirectoryConfig, DirectoryEvent, DirectoryToken, EventKind, ListCursor, parse_event,
};
pub use error::{ApiError, EXCERPT_LIMIT, Error, Result, Service};
pub use limits::{RateLimits, RequestClass};
pub use listing::{LazyUser, UserPage, UserSummary};
pub use models::{
    BypassCode, BypassCodeOptions, BypassCodes, DesktopAuthenticator, DirectoryGroup, DirectoryRole, DirectoryUser,
    DirectoryUserState, Extra, Group, LastSeen, MAX_BYPASS_CODE_LEN, MAX_BYPASS_CODES, MAX_FIELD_LEN, MAX_NOTES_LEN,
    MAX_REUSE_COUNT, MAX_VALID_SECS, Phone, Token, U2fToken, User, UserCreate, UserField, UserStatus, UserUpdate,
    WebauthnCredential, WritableStatus,
};
pub use params::{ParamValue, Params};
pub use secret::Secret;
pub use sign::{Body, SigVersion, SignOptions, SignedRequest, Signer, sign_request};
pub use webhook::{WebhookFailure, compute_webhook_signature, verify_webhook};

/// The repository README's Rust examples, compiled as doctests so they cannot rot.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

/// This crate's version, as sent in the User-Agent.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
