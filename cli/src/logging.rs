//! What the command says on stderr while it works.
//!
//! * `-v` shows INFO events, `-vv` DEBUG, `-vvv` TRACE, in tracing's usual format;
//! * otherwise `RUST_LOG`, when set, chooses the events (same format);
//! * otherwise only the retries that make the user wait (core's `duo_directory::retry` events
//!   with a wait of 1 s or more) are told, one line each:
//!   `rate limited, retrying in 8 s (attempt 3 of 7)`.
//!
//! Core never puts the secret key in an event (it is a `Secret` that prints `***`).

use std::fmt::Write as _;
use std::io::IsTerminal;
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, fmt};

/// Target of core's retry events.
pub const RETRY_TARGET: &str = "duo_directory::retry";

/// Installs the process's tracing subscriber, writing to stderr. `verbosity` counts `-v`.
pub fn init(verbosity: u8) {
    let from_env = std::env::var("RUST_LOG").ok().filter(|v| !v.trim().is_empty());
    let filter = match (verbosity, from_env) {
        (0, None) => None,
        (0, Some(directives)) => Some(EnvFilter::new(directives)),
        (1, _) => Some(EnvFilter::new("info")),
        (2, _) => Some(EnvFilter::new("debug")),
        _ => Some(EnvFilter::new("trace")),
    };
    // A second subscriber (only possible in tests) is refused; keeping the first is right.
    let _ = match filter {
        Some(filter) => tracing_subscriber::registry()
            .with(filter)
            .with(fmt::layer().with_writer(std::io::stderr).with_ansi(std::io::stderr().is_terminal()))
            .try_init(),
        None => tracing_subscriber::registry().with(RetryNotices).try_init(),
    };
}

/// The default layer: one readable line per retry that waits at least a second.
pub struct RetryNotices;

impl<S: Subscriber> Layer<S> for RetryNotices {
    fn enabled(&self, metadata: &tracing::Metadata<'_>, _: Context<'_, S>) -> bool {
        metadata.target() == RETRY_TARGET
    }

    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() != RETRY_TARGET {
            return;
        }
        let mut retry = RetryFields::default();
        event.record(&mut retry);
        if let Some(line) = retry.notice() {
            eprintln!("{line}");
        }
    }
}

/// The fields of one retry event.
#[derive(Debug, Default, PartialEq)]
struct RetryFields {
    reason: Option<String>,
    attempt: Option<u64>,
    max_attempts: Option<u64>,
    wait_ms: Option<u64>,
}

impl RetryFields {
    /// `rate limited, retrying in 8 s (attempt 3 of 7)`, or `None` for a wait under a second.
    fn notice(&self) -> Option<String> {
        let wait_ms = self.wait_ms?;
        if wait_ms < 1000 {
            return None;
        }
        let reason = crate::sanitize::for_terminal(self.reason.as_deref().unwrap_or("request failed")).into_owned();
        let mut line = format!("{reason}, retrying in {}", seconds(wait_ms));
        match (self.attempt, self.max_attempts) {
            // the adaptive mode: bounded by the deadline, not a count
            (Some(attempt), Some(0)) => {
                let _ = write!(line, " (attempt {})", attempt.saturating_add(1));
            }
            (Some(attempt), Some(max)) => {
                let _ = write!(line, " (attempt {} of {max})", attempt.saturating_add(1));
            }
            _ => {}
        }
        Some(line)
    }
}

impl Visit for RetryFields {
    fn record_u64(&mut self, field: &Field, value: u64) {
        match field.name() {
            "attempt" => self.attempt = Some(value),
            "max_attempts" => self.max_attempts = Some(value),
            "wait_ms" => self.wait_ms = Some(value),
            _ => {}
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        if let Ok(value) = u64::try_from(value) {
            self.record_u64(field, value);
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "reason" {
            self.reason = Some(value.to_string());
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "reason" {
            self.reason = Some(format!("{value:?}").trim_matches('"').to_string());
        }
    }
}

/// A wait for people: whole seconds from 10 s up, else one decimal (`1 s`, `1.5 s`, `12 s`).
fn seconds(wait_ms: u64) -> String {
    let tenths = (wait_ms + 50) / 100;
    if tenths >= 100 {
        format!("{} s", (wait_ms + 500) / 1000)
    } else if tenths.is_multiple_of(10) {
        format!("{} s", tenths / 10)
    } else {
        format!("{}.{} s", tenths / 10, tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_read_naturally() {
        assert_eq!(seconds(1000), "1 s");
        assert_eq!(seconds(1449), "1.4 s");
        assert_eq!(seconds(8000), "8 s");
        assert_eq!(seconds(9960), "10 s");
        assert_eq!(seconds(12_400), "12 s");
    }

    #[test]
    fn notice_counts_the_next_attempt_and_skips_short_waits() {
        let mut f = RetryFields {
            reason: Some("rate limited".into()),
            attempt: Some(2),
            max_attempts: Some(7),
            wait_ms: Some(8000),
        };
        assert_eq!(f.notice().as_deref(), Some("rate limited, retrying in 8 s (attempt 3 of 7)"));
        f.wait_ms = Some(999);
        assert_eq!(f.notice(), None);
    }
}
