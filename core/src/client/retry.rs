//! When and how long to wait before sending a request again.
//!
//! Two schedules, as the AWS SDKs' "standard" mode has them:
//! - **Throttling and server errors** (429 for any method; 502/503/504 for `GET`): the official
//!   clients' schedule, 1 s doubling to 32 s plus 0-1 s of jitter, `Retry-After` obeyed, up to
//!   `max_retries` times.
//! - **Connection failures** (refused, DNS, TLS handshake): the request never reached Duo, so it
//!   is sent again whatever its method, but on a short schedule: `connect_base` doubling, jittered
//!   between half and all of it, at most `connect_retries` times. A `GET` whose connection broke
//!   after it was sent goes on the same schedule; a write does not (it may have been applied).
//! - **Timeouts**: a `GET` that got no answer within `timeout` is sent once more; a write is not.
//!
//! No single wait exceeds `max_wait` (a `Retry-After: 120` included), and the client's `deadline`
//! bounds the whole call, attempts and waits together.

use rand::Rng;
use std::time::{Duration, SystemTime};

/// Retry settings. See the [module documentation](self) for the two schedules. `max_retries`
/// bounds the retries of a call (0 turns retrying off altogether); in the adaptive retry mode a
/// 429 is not counted: the request waits its turn in its class's bucket until the deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Most retries of one call (0 disables retrying; 429s in adaptive mode are bounded by the
    /// deadline instead). Default 6.
    pub max_retries: u32,
    /// First backoff of the throttling schedule. Default 1 s.
    pub base: Duration,
    /// Longest backoff of the throttling schedule. Default 32 s.
    pub cap: Duration,
    /// Upper bound of the random jitter added to each throttling backoff. Default 1 s.
    pub jitter: Duration,
    /// Longest single wait, `Retry-After` included. Default 60 s.
    pub max_wait: Duration,
    /// Most retries after connection failures (within `max_retries`). Default 2.
    pub connect_retries: u32,
    /// First backoff after a connection failure (doubling, jittered, at most 1 s). Default 250 ms.
    pub connect_base: Duration,
}

/// Longest backoff after a connection failure.
const CONNECT_CAP: Duration = Duration::from_secs(1);

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 6,
            base: Duration::from_secs(1),
            cap: Duration::from_secs(32),
            jitter: Duration::from_secs(1),
            max_wait: Duration::from_secs(60),
            connect_retries: 2,
            connect_base: Duration::from_millis(250),
        }
    }
}

impl RetryPolicy {
    /// The wait before throttling retry number `retry` (0-based): `Retry-After` when the server
    /// gave one, else `base * 2^retry` capped at `cap`, plus up to `jitter`; never above `max_wait`.
    ///
    /// ```
    /// use duo_directory::RetryPolicy;
    /// use std::time::Duration;
    /// let p = RetryPolicy { jitter: Duration::ZERO, ..RetryPolicy::default() };
    /// assert_eq!(p.backoff(0, None), Duration::from_secs(1));
    /// assert_eq!(p.backoff(3, None), Duration::from_secs(8));
    /// assert_eq!(p.backoff(9, None), Duration::from_secs(32));
    /// assert_eq!(p.backoff(0, Some(Duration::from_secs(7))), Duration::from_secs(7));
    /// assert_eq!(p.backoff(0, Some(Duration::from_secs(120))), Duration::from_secs(60));
    /// ```
    pub fn backoff(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        let wait = match retry_after {
            Some(wait) => wait,
            None => exponential(self.base, self.cap, retry) + random_upto(self.jitter),
        };
        wait.min(self.max_wait)
    }

    /// The wait before connection retry number `retry` (0-based): between half and all of
    /// `connect_base * 2^retry`, at most 1 s (and `max_wait`).
    ///
    /// ```
    /// use duo_directory::RetryPolicy;
    /// use std::time::Duration;
    /// let wait = RetryPolicy::default().connect_backoff(1);
    /// assert!(wait >= Duration::from_millis(250) && wait <= Duration::from_millis(500));
    /// ```
    pub fn connect_backoff(&self, retry: u32) -> Duration {
        let full = exponential(self.connect_base, CONNECT_CAP, retry);
        (full / 2 + random_upto(full / 2)).min(self.max_wait)
    }
}

fn exponential(base: Duration, cap: Duration, retry: u32) -> Duration {
    let factor = 1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX);
    base.checked_mul(factor).unwrap_or(cap).min(cap)
}

fn random_upto(limit: Duration) -> Duration {
    if limit.is_zero() { Duration::ZERO } else { limit.mul_f64(rand::rng().random::<f64>()) }
}

/// Parses a `Retry-After` header: delay seconds or an HTTP date.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = crate::date::parse_rfc2822_date(value)?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}
