//! Why the emulator could not start, load its data or accept an argument, and how that
//! becomes core's [`duo_directory::Error`] (which bindings already know how to raise).

use std::net::SocketAddr;
use std::path::PathBuf;

/// Why the emulator could not start or load its data, or refused an argument.
#[derive(thiserror::Error, Debug)]
#[non_exhaustive]
pub enum EmulatorError {
    /// The listening socket could not be opened (address in use, permission denied, ...).
    #[error("cannot listen on {addr}: {message}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// The operating system's reason.
        message: String,
    },
    /// The TLS certificates or configuration could not be built.
    #[error("cannot set up TLS: {0}")]
    Tls(String),
    /// A seed file could not be read or is not valid.
    #[error("seed file {path}: {message}")]
    SeedFile {
        /// The seed file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// The configuration is not usable (empty keys, called inside a tokio runtime, ...).
    #[error("invalid emulator configuration: {0}")]
    Config(String),
    /// An argument was refused (an unknown fault kind, a status out of range, ...). Fix `field`.
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        /// The argument that was wrong (`kind`, `status`, `x_duo_headers`, ...).
        field: String,
        /// Why it was refused.
        reason: String,
    },
    /// Any other I/O failure (writing the CA file, waiting for signals, printing, ...).
    #[error("{0}")]
    Io(String),
}

impl From<EmulatorError> for duo_directory::Error {
    /// `Bind` → `Transport`; `Config`, `InvalidInput` and `SeedFile` → `InvalidInput` (fields
    /// `config`, the argument's own, `seed_file`); `Tls` and `Io` → `Internal`.
    fn from(error: EmulatorError) -> Self {
        let message = error.to_string();
        match error {
            EmulatorError::Bind { .. } => duo_directory::Error::Transport { message, sent: false, attempts: 1 },
            EmulatorError::Config(reason) => duo_directory::Error::InvalidInput { field: "config".into(), reason },
            EmulatorError::InvalidInput { field, reason } => duo_directory::Error::InvalidInput { field, reason },
            EmulatorError::SeedFile { .. } => {
                duo_directory::Error::InvalidInput { field: "seed_file".into(), reason: message }
            }
            EmulatorError::Tls(_) | EmulatorError::Io(_) => duo_directory::Error::Internal { message },
        }
    }
}

impl EmulatorError {
    /// A core error met while serving (a malformed `X-Duo-*` header, say) as an emulator error.
    pub fn from_core(e: duo_directory::Error) -> EmulatorError {
        match e {
            duo_directory::Error::InvalidInput { field, reason } => EmulatorError::InvalidInput { field, reason },
            other => EmulatorError::Io(other.to_string()),
        }
    }
}
