//! The command's errors and the exit code of each.

use std::fmt;
use std::io::Write;
use std::process::ExitCode;

/// Printed after `--help`: what each exit code means.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  success
  1  any other failure (including a declined confirmation: nothing was sent)
  2  usage error (an argument rejected before sending, a confirmation that cannot be
     asked, a bad seed file), or missing or invalid credentials/configuration
     (the message names the missing variable, e.g. DUO_SKEY)
  3  Duo refused the request: not found, unauthorized, rate limited, bad request
  4  network error: connection, TLS or timeout

With -o json or -o jsonl a failure is also printed on stdout as one JSON object:
  {\"error\": {\"kind\": \"not_found\", \"status\": 404, \"code\": 40401,
             \"message\": \"...\", \"field\": null}}
(kind: the error's stable name; status and code: Duo's HTTP status and error code, or
null; field: the rejected argument of an invalid_input error, or null).

Logging (stderr): -v INFO, -vv DEBUG, -vvv TRACE; without -v, RUST_LOG when set
(e.g. RUST_LOG=duo_directory=debug); by default only retries that wait 1 s or more,
as \"rate limited, retrying in 8 s (attempt 3 of 7)\".

Credentials of the users commands come from DUO_IKEY, DUO_SKEY and DUO_HOST
(DUO_HOST may start with http:// for a loopback emulator), from --config FILE
(TOML or JSON with ikey, skey, host and an optional ca_certs path), or from
--ikey/--skey/--host; flags win over the file, the file over the environment.
DUO_CA_CERTS may name a PEM bundle like --ca-certs.";

/// Success.
pub const OK: u8 = 0;
/// Anything not covered below.
pub const OTHER: u8 = 1;
/// Usage errors (clap's own code) and missing or invalid configuration.
pub const USAGE: u8 = 2;
/// Duo answered with a refusal.
pub const API: u8 = 3;
/// The request did not get an answer.
pub const NETWORK: u8 = 4;

/// Every way a command can fail.
#[derive(Debug)]
pub enum CliError {
    /// Arguments that parse but do not make sense together.
    Usage(String),
    /// Credentials or configuration missing or unusable.
    Config(String),
    /// A lookup that found nothing (reported like Duo's own "not found").
    NotFound(String),
    /// The user declined a confirmation prompt; nothing was sent.
    Declined(String),
    /// An error from the duo-directory core.
    Duo(duo_directory::Error),
    /// The embedded emulator failed.
    Emulator(String),
    /// Reading or writing a local stream failed.
    Io(std::io::Error),
    /// The demo found something it did not expect.
    Check(String),
}

impl CliError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) | CliError::Config(_) => USAGE,
            CliError::NotFound(_) => API,
            CliError::Declined(_) | CliError::Emulator(_) | CliError::Io(_) | CliError::Check(_) => OTHER,
            CliError::Duo(e) => duo_exit_code(e),
        }
    }
}

/// Exit code of a core error (exhaustive: a new core variant must be given an exit code here).
fn duo_exit_code(error: &duo_directory::Error) -> u8 {
    use duo_directory::Error as E;
    match error {
        E::Api(_) | E::NotFound(_) | E::Unauthorized(_) | E::RateLimited { .. } => API,
        // Rejected before anything was sent: the command line (or configuration) was wrong.
        E::InvalidInput { .. } => USAGE,
        E::Transport { .. } | E::Timeout { .. } => NETWORK,
        // A webhook that failed verification was refused, as Duo refuses a bad request.
        E::WebhookVerification { .. } => API,
        E::Decode { .. } | E::Internal { .. } => OTHER,
    }
}

impl CliError {
    /// A stable name for the kind of failure: core's [`duo_directory::Error::code`] for a core
    /// error, else `usage`, `config`, `not_found`, `declined`, `emulator`, `io` or `check`.
    pub fn kind(&self) -> &'static str {
        match self {
            CliError::Usage(_) => "usage",
            CliError::Config(_) => "config",
            CliError::NotFound(_) => "not_found",
            CliError::Declined(_) => "declined",
            CliError::Emulator(_) => "emulator",
            CliError::Io(_) => "io",
            CliError::Check(_) => "check",
            CliError::Duo(e) => e.code(),
        }
    }

    /// `{"error": {"kind", "status", "code", "message", "field"}}`, printed on stdout with `-o json`.
    pub fn to_json(&self) -> String {
        let (api, field) = match self {
            CliError::Duo(e) => {
                let field = match e {
                    duo_directory::Error::InvalidInput { field, .. } => Some(field.as_str()),
                    _ => None,
                };
                (e.api_error(), field)
            }
            _ => (None, None),
        };
        let body = ErrorBody {
            kind: self.kind(),
            status: api.map(|a| a.status),
            code: api.and_then(|a| a.code),
            message: self.to_string(),
            field,
        };
        serde_json::to_string(&ErrorDoc { error: body }).unwrap_or_else(|_| {
            // Not reachable (strings and numbers only); still one valid object.
            format!(r#"{{"error":{{"kind":"{}","status":null,"code":null,"message":"","field":null}}}}"#, self.kind())
        })
    }
}

/// The JSON error document, its members in the documented order.
#[derive(serde::Serialize)]
struct ErrorDoc<'a> {
    error: ErrorBody<'a>,
}

/// The members of the JSON error.
#[derive(serde::Serialize)]
struct ErrorBody<'a> {
    kind: &'static str,
    status: Option<u16>,
    code: Option<i64>,
    message: String,
    field: Option<&'a str>,
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(m)
            | CliError::Config(m)
            | CliError::NotFound(m)
            | CliError::Declined(m)
            | CliError::Emulator(m)
            | CliError::Check(m) => f.write_str(m),
            CliError::Io(e) => write!(f, "{e}"),
            CliError::Duo(e) => write!(f, "{e}"),
        }
    }
}

impl From<duo_directory::Error> for CliError {
    fn from(e: duo_directory::Error) -> Self {
        CliError::Duo(e)
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError::Io(e)
    }
}

/// Prints `error: <message>` on stderr (made safe for a terminal) and, with `json`, the error
/// object on stdout; turns the error into an exit code. A closed stdout (`| head`) is not an error.
pub fn report(result: Result<(), CliError>, json: bool) -> ExitCode {
    let error = match result {
        Ok(()) => return ExitCode::from(OK),
        Err(CliError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => return ExitCode::from(OK),
        Err(e) => e,
    };
    if json {
        let mut out = std::io::stdout().lock();
        // stdout may be gone; the exit code and stderr still tell.
        let _ = writeln!(out, "{}", error.to_json()).and_then(|()| out.flush());
    }
    let message = crate::sanitize::for_terminal(&error.to_string()).into_owned();
    match error {
        CliError::Declined(_) => eprintln!("{message}"),
        _ => eprintln!("error: {message}"),
    }
    ExitCode::from(error.exit_code())
}
