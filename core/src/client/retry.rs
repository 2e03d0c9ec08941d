//! When and how long to wait before sending a request again.

use rand::Rng;
use std::time::{Duration, SystemTime};

/// Retry settings. The defaults follow the official clients: 1 s doubling to 32 s, 0-1 s jitter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 disables retrying).
    pub max_retries: u32,
    /// First backoff.
    pub base: Duration,
    /// Longest backoff.
    pub cap: Duration,
    /// Upper bound of the random jitter added to each backoff.
    pub jitter: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 6,
            base: Duration::from_secs(1),
            cap: Duration::from_secs(32),
            jitter: Duration::from_secs(1),
        }
    }
}

impl RetryPolicy {
    /// The wait before retry number `retry` (0-based): `Retry-After` when the server gave one,
    /// else `base * 2^retry` capped at `cap`, plus up to `jitter`.
    ///
    /// ```
    /// use duo_directory::RetryPolicy;
    /// use std::time::Duration;
    /// let p = RetryPolicy { jitter: Duration::ZERO, ..RetryPolicy::default() };
    /// assert_eq!(p.backoff(0, None), Duration::from_secs(1));
    /// assert_eq!(p.backoff(3, None), Duration::from_secs(8));
    /// assert_eq!(p.backoff(9, None), Duration::from_secs(32));
    /// assert_eq!(p.backoff(0, Some(Duration::from_secs(7))), Duration::from_secs(7));
    /// ```
    pub fn backoff(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait;
        }
        let factor = 1u32.checked_shl(retry.min(31)).unwrap_or(u32::MAX);
        let exp = self.base.checked_mul(factor).unwrap_or(self.cap).min(self.cap);
        let jitter =
            if self.jitter.is_zero() { Duration::ZERO } else { self.jitter.mul_f64(rand::rng().random::<f64>()) };
        exp + jitter
    }
}

/// Parses a `Retry-After` header: delay seconds or an HTTP date.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = crate::sign::parse_rfc2822_date(value)?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}
