//! Running the emulator as a process (the CLI's `duo-directory emulator` and the `duo-emulator`
//! binary): start, print how to connect, wait for Ctrl-C or SIGTERM.

use crate::{Emulator, EmulatorConfig, EmulatorError, seed_file};
use std::io::Write;
use std::path::PathBuf;

/// Options of a standalone emulator.
#[derive(Debug, Clone)]
pub struct Options {
    /// Port to listen on (0: a free one).
    pub port: u16,
    /// A seed file to load at start (see [`crate::seed_file`]).
    pub seed_file: Option<PathBuf>,
    /// Generated users to create at start.
    pub users: usize,
    /// Print one JSON line `{"host","ikey","skey","ca_cert_path"}` instead of text.
    pub json: bool,
    /// Serve HTTPS with a generated CA (else plain HTTP).
    pub tls: bool,
    /// Explain signature failures (see [`EmulatorConfig::debug_signatures`]).
    pub debug_signatures: bool,
    /// Duo's rate limits by class (see [`EmulatorConfig::rate_limits`]).
    pub rate_limits: Option<duo_directory::RateLimits>,
    /// How a minute is counted (see [`EmulatorConfig::rate_window`]).
    pub rate_window: crate::RateWindow,
    /// Added before every answer.
    pub latency: std::time::Duration,
    /// How many times faster the rate-limit minute runs.
    pub time_scale: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            port: 0,
            seed_file: None,
            users: 0,
            json: false,
            tls: true,
            debug_signatures: false,
            rate_limits: None,
            rate_window: crate::RateWindow::Fixed,
            latency: std::time::Duration::ZERO,
            time_scale: 1.0,
        }
    }
}

/// The connection details as printed.
fn describe(emulator: &Emulator, json: bool) -> String {
    let ca = emulator.ca_cert_path().map(|p| p.display().to_string());
    if json {
        serde_json::json!({
            "host": emulator.host(),
            "ikey": emulator.ikey(),
            "skey": emulator.skey(),
            "directory_api_key": emulator.directory_api_key(),
            "ca_cert_path": ca,
            "scheme": emulator.scheme().as_str(),
            "users": emulator.user_count(),
        })
        .to_string()
    } else {
        let mut text = format!(
            "Duo Admin API emulator listening on {}\n  host:         {}\n  ikey:         {}\n  skey:         {}\n  directory API key: {}\n",
            emulator.base_url(),
            emulator.host(),
            emulator.ikey(),
            emulator.skey(),
            emulator.directory_api_key()
        );
        match ca {
            Some(path) => text.push_str(&format!("  ca_cert_path: {path}\n")),
            None => text.push_str("  ca_cert_path: (plain HTTP)\n"),
        }
        text.push_str(&format!("  users:        {}\n", emulator.user_count()));
        if let Some(limits) = emulator.rate_limits() {
            text.push_str(&format!(
                "  rate limits:  {} pages, {} reads, {} writes a minute\n",
                limits.pages_per_minute, limits.reads_per_minute, limits.writes_per_minute
            ));
        }
        text.push_str("Press Ctrl-C to stop.");
        text
    }
}

/// Starts an emulator, prints host/ikey/skey/ca_cert_path (with `json`: one JSON line on stdout,
/// flushed), and serves until Ctrl-C or SIGTERM. The printed `host` (`localhost:PORT`) is
/// meant to be used as is by every client.
pub async fn run(options: Options) -> Result<(), EmulatorError> {
    let config = EmulatorConfig {
        port: options.port,
        tls: options.tls,
        generated_users: options.users,
        debug_signatures: options.debug_signatures,
        rate_limits: options.rate_limits,
        rate_window: options.rate_window,
        latency: options.latency,
        time_scale: options.time_scale,
        ..EmulatorConfig::default()
    };
    let emulator = Emulator::start(config).await?;
    if let Some(path) = &options.seed_file {
        seed_file::load(&emulator, path)?;
    }
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", describe(&emulator, options.json))
            .and_then(|()| out.flush())
            .map_err(|e| EmulatorError::Io(format!("cannot write to stdout: {e}")))?;
    }
    wait_for_signal().await?;
    emulator.shutdown().await;
    Ok(())
}

#[cfg(unix)]
async fn wait_for_signal() -> Result<(), EmulatorError> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term =
        signal(SignalKind::terminate()).map_err(|e| EmulatorError::Io(format!("cannot wait for SIGTERM: {e}")))?;
    tokio::select! {
        r = tokio::signal::ctrl_c() => r.map_err(|e| EmulatorError::Io(format!("cannot wait for Ctrl-C: {e}"))),
        _ = term.recv() => Ok(()),
    }
}

#[cfg(not(unix))]
async fn wait_for_signal() -> Result<(), EmulatorError> {
    tokio::signal::ctrl_c().await.map_err(|e| EmulatorError::Io(format!("cannot wait for Ctrl-C: {e}")))
}
