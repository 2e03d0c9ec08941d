//! The data models: Duo users (read), user writes, and WorkOS-style directory users.

pub(crate) mod bypass;
mod desktop;
mod directory;
mod lossless;
mod status;
mod user;
pub(crate) use user::json_methods;
mod write;

pub use bypass::{
    BypassCode, BypassCodeOptions, BypassCodes, MAX_BYPASS_CODE_LEN, MAX_BYPASS_CODES, MAX_REUSE_COUNT, MAX_VALID_SECS,
};
pub use desktop::DesktopAuthenticator;
pub use directory::{DirectoryGroup, DirectoryRole, DirectoryUser, DirectoryUserState};
pub use status::{UserStatus, WritableStatus};
pub use user::{Group, LastSeen, Phone, Token, U2fToken, User, WebauthnCredential};
pub use write::{MAX_FIELD_LEN, MAX_NOTES_LEN, UserCreate, UserField, UserUpdate};

/// Unknown JSON members kept so that read-then-write loses nothing.
pub type Extra = serde_json::Map<String, serde_json::Value>;
