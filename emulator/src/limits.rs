//! Duo's per-class rate limits and a per-request latency, off unless asked for.
//!
//! Each [`RequestClass`] (pages, single reads, writes) has its own budget of requests per
//! minute; a request past it is answered `429` / `42901` (Duo's answer, without `Retry-After`,
//! as Duo sends none) and is not counted. A [`RateWindow::Fixed`] window (the default) resets
//! the budgets every minute, counted from the emulator's start: it is the simplest reading of
//! "N requests per minute", it lets a burst through at the start of each minute as Duo's
//! limiter is observed to, and it is the harder case for a client (a burst is followed by a long
//! run of 429s). [`RateWindow::Sliding`] counts the last minute instead.
//! `time_scale` shortens the minute (`60` makes it one second) so a test fits Duo's limits.

use duo_directory::{RateLimits, RequestClass};
use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How the emulator counts a minute's requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RateWindow {
    /// Budgets reset at the start of every minute (counted from the emulator's start).
    #[default]
    Fixed,
    /// At most the budget in any minute-long span.
    Sliding,
}

impl std::str::FromStr for RateWindow {
    type Err = crate::EmulatorError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "fixed" => Ok(RateWindow::Fixed),
            "sliding" => Ok(RateWindow::Sliding),
            other => Err(invalid("rate_window", format!("{other:?} is not fixed or sliding"))),
        }
    }
}

fn invalid(field: &str, reason: String) -> crate::EmulatorError {
    crate::EmulatorError::InvalidInput { field: field.into(), reason }
}

/// The longest time scale accepted (a Duo minute in 60 ms).
pub const MAX_TIME_SCALE: f64 = 1000.0;

/// The limiter of a running emulator.
pub(crate) struct Limiter {
    limits: RateLimits,
    window: Duration,
    kind: RateWindow,
    started: Instant,
    classes: Mutex<[Counter; 3]>,
}

#[derive(Default)]
struct Counter {
    /// Fixed: the window's number and the requests admitted in it.
    current: (u64, u32),
    /// Sliding: when the requests of the last window were admitted.
    admitted: VecDeque<Instant>,
}

impl Limiter {
    /// A limiter for `limits`, with a minute shortened `time_scale` times.
    pub(crate) fn new(limits: RateLimits, kind: RateWindow, time_scale: f64) -> Result<Limiter, crate::EmulatorError> {
        if !(time_scale.is_finite() && time_scale > 0.0 && time_scale <= MAX_TIME_SCALE) {
            return Err(invalid(
                "time_scale",
                format!("{time_scale} is not a number above 0 and at most {MAX_TIME_SCALE}"),
            ));
        }
        if RequestClass::ALL.iter().any(|c| limits.per_minute(*c) == 0) {
            return Err(invalid("rate_limits", "each limit must be at least 1 request per minute".into()));
        }
        Ok(Limiter {
            limits,
            window: Duration::from_secs(60).div_f64(time_scale),
            kind,
            started: Instant::now(),
            classes: Mutex::new(Default::default()),
        })
    }

    /// Counts a request of `class`; false when it is past the budget.
    pub(crate) fn admit(&self, class: RequestClass) -> bool {
        let budget = self.limits.per_minute(class);
        let now = Instant::now();
        let mut classes = self.classes.lock().unwrap_or_else(|p| p.into_inner());
        let Some(counter) = classes.get_mut(class.index()) else { return true };
        match self.kind {
            RateWindow::Fixed => {
                let elapsed = now.saturating_duration_since(self.started).as_nanos();
                let number = u64::try_from(elapsed / self.window.as_nanos().max(1)).unwrap_or(u64::MAX);
                if counter.current.0 != number {
                    counter.current = (number, 0);
                }
                if counter.current.1 >= budget {
                    return false;
                }
                counter.current.1 += 1;
            }
            RateWindow::Sliding => {
                while counter.admitted.front().is_some_and(|t| now.saturating_duration_since(*t) >= self.window) {
                    counter.admitted.pop_front();
                }
                if counter.admitted.len() >= usize::try_from(budget).unwrap_or(usize::MAX) {
                    return false;
                }
                counter.admitted.push_back(now);
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_class_has_its_own_budget_and_recovers_after_the_window() {
        for kind in [RateWindow::Fixed, RateWindow::Sliding] {
            let limits = RateLimits { pages_per_minute: 3, reads_per_minute: 2, writes_per_minute: 1 };
            let limiter = Limiter::new(limits, kind, 600.0).unwrap(); // a minute in 100 ms
            let admitted = |class| (0..5).filter(|_| limiter.admit(class)).count();
            assert_eq!(admitted(RequestClass::Pages), 3, "{kind:?}");
            assert_eq!(admitted(RequestClass::Reads), 2, "{kind:?}");
            assert_eq!(admitted(RequestClass::Writes), 1, "{kind:?}");
            std::thread::sleep(Duration::from_millis(120));
            assert_eq!(admitted(RequestClass::Pages), 3, "{kind:?}: a new window");
        }
    }

    #[test]
    fn bad_settings_are_refused() {
        assert!(Limiter::new(RateLimits::DUO, RateWindow::Fixed, 0.0).is_err());
        assert!(Limiter::new(RateLimits::DUO, RateWindow::Fixed, f64::NAN).is_err());
        let zero = RateLimits { pages_per_minute: 0, ..RateLimits::DUO };
        assert!(Limiter::new(zero, RateWindow::Fixed, 1.0).is_err());
    }
}
