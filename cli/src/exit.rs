//! The command's errors and the exit code of each.

use std::fmt;
use std::process::ExitCode;

/// Printed after `--help`: what each exit code means.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  success
  1  any other failure (including a declined confirmation: nothing was sent)
  2  usage error, or missing or invalid credentials/configuration
     (the message names the missing variable, e.g. DUO_SKEY)
  3  Duo refused the request: not found, unauthorized, rate limited, invalid input
  4  network error: connection, TLS or timeout

Credentials come from DUO_IKEY, DUO_SKEY and DUO_HOST (DUO_HOST may start with
http:// for a loopback emulator), or from --config FILE (TOML or JSON with ikey,
skey, host and an optional ca_certs path); values in the file win over the
environment. DUO_CA_CERTS may name a PEM bundle like --ca-certs.";

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
        E::Decode { .. } | E::Internal { .. } => OTHER,
    }
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

/// Prints `error: <message>` on stderr and turns the error into an exit code.
/// A closed stdout (`| head`) is not an error.
pub fn report(result: Result<(), CliError>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::from(OK),
        Err(CliError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::from(OK),
        Err(CliError::Declined(m)) => {
            eprintln!("{m}");
            ExitCode::from(OTHER)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
