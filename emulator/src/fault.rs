//! Faults to inject, and their kinds as named by bindings and the CLI
//! (`rate_limited`, `server_error`, `delay`, `drop_connection`, `malformed_body`).

use crate::EmulatorError;
use std::str::FromStr;
use std::time::Duration;

/// A fault to inject: the next `count` requests (of any kind, in order of arrival) get it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer 429 `{"stat":"FAIL","code":42901,"message":"Too Many Requests"}`, with a
    /// `Retry-After: <seconds>` header when `retry_after` is given.
    RateLimited {
        /// How many requests get this answer.
        count: u32,
        /// Seconds to announce in `Retry-After`, if any.
        retry_after: Option<u64>,
    },
    /// Answer with this HTTP status (e.g. 500, 502, 503) and a Duo FAIL envelope whose code is
    /// `status * 100 + 1`.
    ServerError {
        /// How many requests get this answer.
        count: u32,
        /// The HTTP status to answer.
        status: u16,
    },
    /// Wait `delay`, then handle the request normally.
    Delay {
        /// How many requests are delayed.
        count: u32,
        /// How long each waits.
        delay: Duration,
    },
    /// Start a 200 response and abort the connection before the body is complete.
    DropConnection {
        /// How many requests are dropped.
        count: u32,
    },
    /// Answer 200 with a truncated, invalid JSON body.
    MalformedBody {
        /// How many requests get this answer.
        count: u32,
    },
}

/// The kind of a [`Fault`], without its settings; parsed from its name with [`str::parse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FaultKind {
    /// `rate_limited`: [`Fault::RateLimited`].
    RateLimited,
    /// `server_error`: [`Fault::ServerError`].
    ServerError,
    /// `delay`: [`Fault::Delay`].
    Delay,
    /// `drop_connection`: [`Fault::DropConnection`].
    DropConnection,
    /// `malformed_body`: [`Fault::MalformedBody`].
    MalformedBody,
}

/// Every kind, in the order the names are listed in errors.
const KINDS: [FaultKind; 5] = [
    FaultKind::RateLimited,
    FaultKind::ServerError,
    FaultKind::Delay,
    FaultKind::DropConnection,
    FaultKind::MalformedBody,
];

impl FaultKind {
    /// The kind's name: `rate_limited`, `server_error`, `delay`, `drop_connection` or `malformed_body`.
    pub fn as_str(self) -> &'static str {
        match self {
            FaultKind::RateLimited => "rate_limited",
            FaultKind::ServerError => "server_error",
            FaultKind::Delay => "delay",
            FaultKind::DropConnection => "drop_connection",
            FaultKind::MalformedBody => "malformed_body",
        }
    }
}

impl std::fmt::Display for FaultKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FaultKind {
    type Err = EmulatorError;

    /// Parses a kind's exact name; any other text is [`EmulatorError::InvalidInput`] (field
    /// `kind`) listing the valid names.
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        KINDS.into_iter().find(|kind| kind.as_str() == name).ok_or_else(|| {
            let valid: Vec<&str> = KINDS.iter().map(|k| k.as_str()).collect();
            EmulatorError::InvalidInput {
                field: "kind".into(),
                reason: format!("unknown fault kind \"{name}\"; valid kinds: {}", valid.join(", ")),
            }
        })
    }
}

/// Settings of a fault built with [`Fault::new`] or [`Fault::parse`]; each applies to one kind
/// and is ignored by the others. `Default` is "no settings".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FaultOptions {
    /// HTTP status of a `server_error` (400-599; default 500).
    pub status: Option<u16>,
    /// Seconds announced in `Retry-After` by `rate_limited` (default: no header).
    pub retry_after: Option<u64>,
    /// How long a `delay` waits (default 1 s).
    pub delay: Option<Duration>,
}

/// Status of a `server_error` when none is given.
const DEFAULT_STATUS: u16 = 500;
/// Wait of a `delay` when none is given.
const DEFAULT_DELAY: Duration = Duration::from_secs(1);

impl Fault {
    /// Builds a fault of `kind` for the next `count` requests. Unset options take their
    /// defaults (`server_error`: status 500; `delay`: 1 s). The status is not checked here
    /// (see [`Fault::parse`]).
    pub fn new(kind: FaultKind, count: u32, options: FaultOptions) -> Fault {
        match kind {
            FaultKind::RateLimited => Fault::RateLimited { count, retry_after: options.retry_after },
            FaultKind::ServerError => Fault::ServerError { count, status: options.status.unwrap_or(DEFAULT_STATUS) },
            FaultKind::Delay => Fault::Delay { count, delay: options.delay.unwrap_or(DEFAULT_DELAY) },
            FaultKind::DropConnection => Fault::DropConnection { count },
            FaultKind::MalformedBody => Fault::MalformedBody { count },
        }
    }

    /// Like [`Fault::new`] with the kind given by name. An unknown name is
    /// [`EmulatorError::InvalidInput`] with field `kind`; a `server_error` status outside
    /// 400-599 is one with field `status`.
    pub fn parse(kind: &str, count: u32, options: FaultOptions) -> Result<Fault, EmulatorError> {
        let kind: FaultKind = kind.parse()?;
        if kind == FaultKind::ServerError
            && let Some(status) = options.status
            && !(400..=599).contains(&status)
        {
            return Err(EmulatorError::InvalidInput {
                field: "status".into(),
                reason: format!("a server_error status must be 400-599, not {status}"),
            });
        }
        Ok(Fault::new(kind, count, options))
    }

    /// The kind of this fault.
    pub fn kind(&self) -> FaultKind {
        match self {
            Fault::RateLimited { .. } => FaultKind::RateLimited,
            Fault::ServerError { .. } => FaultKind::ServerError,
            Fault::Delay { .. } => FaultKind::Delay,
            Fault::DropConnection { .. } => FaultKind::DropConnection,
            Fault::MalformedBody { .. } => FaultKind::MalformedBody,
        }
    }

    /// How many requests this fault applies to.
    pub fn count(&self) -> u32 {
        match self {
            Fault::RateLimited { count, .. }
            | Fault::ServerError { count, .. }
            | Fault::Delay { count, .. }
            | Fault::DropConnection { count }
            | Fault::MalformedBody { count } => *count,
        }
    }
}
