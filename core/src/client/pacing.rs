//! Client-side pacing: one token bucket per [`RequestClass`] (pages, single reads, writes).
//!
//! Two things can set a bucket's rate:
//! - **A fixed rate** the caller knows from their Duo contract (`pages_per_minute`,
//!   `reads_per_minute`, `writes_per_minute`): requests of that class are spaced evenly and never
//!   exceed it, in either retry mode.
//! - **Adaptive mode** (`retry_mode = "adaptive"`), modelled on the AWS SDKs' adaptive retry mode:
//!   the bucket starts unlimited; a 429 opens a *throttle episode* in which only one request of
//!   the class (a probe) is in flight, probes spaced by a backoff that doubles from the current
//!   interval up to a sixth of the time since the last cycle began (so the probe that finds the
//!   limit freed overshoots by a sixth at most, whatever the server's window is); the first
//!   success ends the episode and sets the rate to 95 % of what the server let through over the
//!   cycle (successes / time between the estimated moments the limit freed). Without 429s the
//!   rate rises by 10 % per cycle length, so a limit that was raised is found again.
//!
//! Duo's limits are per minute and it sends no `Retry-After`; the estimate needs no knowledge of
//! the window: against a fixed or sliding window of any length, or a steady token bucket, it
//! settles within two episodes (see the simulations in this module's tests).

use crate::error::{Error, Result};
use crate::limits::RequestClass;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How a client reacts to being throttled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RetryMode {
    /// Back off on the throttling schedule (1 s doubling to 32 s, jittered, at most
    /// `max_retries` times), as the official clients do.
    Standard,
    /// Pace each class of request with a token bucket whose rate falls on 429 and recovers;
    /// a 429 makes the request wait its turn in the bucket, until the call's deadline.
    #[default]
    Adaptive,
}

impl RetryMode {
    /// `standard` or `adaptive`.
    pub fn as_str(self) -> &'static str {
        match self {
            RetryMode::Standard => "standard",
            RetryMode::Adaptive => "adaptive",
        }
    }
}

impl std::str::FromStr for RetryMode {
    type Err = Error;
    /// ```
    /// use duo_directory::RetryMode;
    /// assert_eq!("adaptive".parse::<RetryMode>()?, RetryMode::Adaptive);
    /// assert!("fast".parse::<RetryMode>().is_err());
    /// # Ok::<(), duo_directory::Error>(())
    /// ```
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "standard" => Ok(RetryMode::Standard),
            "adaptive" => Ok(RetryMode::Adaptive),
            other => Err(Error::invalid("retry_mode", format!("{other:?} is not standard or adaptive"))),
        }
    }
}

/// Shortest probe spacing in a throttle episode.
const MIN_PROBE: Duration = Duration::from_millis(50);
/// Longest single wait.
const MAX_PROBE: Duration = Duration::from_secs(60);
/// Share of the measured rate the bucket keeps to after an episode.
const BETA: f64 = 0.95;
/// Growth of the rate per quiet cycle.
const RECOVERY: f64 = 1.10;
/// A probe waits at most this share of the time since the cycle began.
const PROBE_SHARE: u32 = 6;

/// The three buckets of a client.
#[derive(Debug)]
pub(crate) struct Pacer {
    lanes: [std::sync::Arc<Lane>; 3],
}

impl Pacer {
    /// Buckets for `mode`, with the caller's fixed rates (requests per minute, by class).
    pub(crate) fn new(mode: RetryMode, per_minute: [Option<u32>; 3]) -> Pacer {
        Pacer { lanes: per_minute.map(|rate| std::sync::Arc::new(Lane::new(mode, rate))) }
    }

    /// The lane of `class`.
    pub(crate) fn lane(&self, class: RequestClass) -> &std::sync::Arc<Lane> {
        let [pages, reads, writes] = &self.lanes;
        match class {
            RequestClass::Pages => pages,
            RequestClass::Reads => reads,
            RequestClass::Writes => writes,
        }
    }

    /// The rate the class is paced at now, in requests per minute (`None`: unlimited).
    pub(crate) fn per_minute(&self, class: RequestClass) -> Option<f64> {
        self.lane(class).per_minute()
    }
}

/// One paced stream of requests (a Duo request class, or one directory's `/directory_users`):
/// a bucket behind a lock, shared by every request of the stream.
#[derive(Debug)]
pub(crate) struct Lane {
    bucket: Mutex<Bucket>,
}

impl Lane {
    /// A lane for `mode`, with an optional fixed rate (requests per minute).
    pub(crate) fn new(mode: RetryMode, per_minute: Option<u32>) -> Lane {
        Lane { bucket: Mutex::new(Bucket::new(mode == RetryMode::Adaptive, per_minute)) }
    }

    fn bucket(&self) -> MutexGuard<'_, Bucket> {
        self.bucket.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Takes a turn to send now (the send time, the ticket for [`Lane::answered`]), or says how
    /// long to wait before asking again.
    pub(crate) fn reserve(&self, now: Instant) -> std::result::Result<Instant, Duration> {
        self.bucket().reserve(now)
    }

    /// Reports the answer to a request sent at `sent_at`: `throttled` for a 429.
    pub(crate) fn answered(&self, sent_at: Instant, now: Instant, throttled: bool, retry_after: Option<Duration>) {
        let mut bucket = self.bucket();
        if throttled { bucket.throttled(sent_at, now, retry_after) } else { bucket.succeeded(sent_at, now) }
    }

    /// How long until the lane's next turn (zero when one is free now).
    pub(crate) fn pending(&self, now: Instant) -> Duration {
        self.bucket().next_free.map(|at| at.saturating_duration_since(now)).unwrap_or_default()
    }

    /// The rate the lane is paced at now, in requests per minute (`None`: unlimited).
    pub(crate) fn per_minute(&self) -> Option<f64> {
        self.bucket().interval().map(|i| 60.0 / i.as_secs_f64())
    }
}

#[derive(Debug, Clone, Copy)]
struct Episode {
    /// Send time of the latest throttled probe.
    last_sent: Instant,
    /// Probes throttled so far.
    streak: u32,
}

/// One class's bucket: a token bucket of capacity one (requests evenly spaced) with an adaptive rate.
#[derive(Debug)]
struct Bucket {
    adaptive: bool,
    fixed: Option<Duration>,
    learned: Option<f64>,
    next_free: Option<Instant>,
    cycle_start: Option<Instant>,
    cycle_successes: u64,
    cycle_len: Option<Duration>,
    episode: Option<Episode>,
    quiet_since: Option<Instant>,
}

impl Bucket {
    fn new(adaptive: bool, per_minute: Option<u32>) -> Bucket {
        Bucket {
            adaptive,
            fixed: per_minute.filter(|r| *r > 0).map(|r| Duration::from_secs(60) / r),
            learned: None,
            next_free: None,
            cycle_start: None,
            cycle_successes: 0,
            cycle_len: None,
            episode: None,
            quiet_since: None,
        }
    }

    /// Spacing between requests: the larger of the fixed and the learned one.
    fn interval(&self) -> Option<Duration> {
        let learned = self.learned.map(|rate| Duration::from_secs_f64(1.0 / rate));
        match (self.fixed, learned) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }

    fn reserve(&mut self, now: Instant) -> std::result::Result<Instant, Duration> {
        if let Some(at) = self.next_free.filter(|at| now < *at) {
            return Err(at - now);
        }
        if self.adaptive {
            self.cycle_start.get_or_insert(now);
        }
        self.next_free = match self.episode {
            // While throttled, one probe at a time: the others wait for its answer.
            Some(episode) => Some(now + self.probe_wait(episode.streak + 1, now)),
            None => self.interval().map(|i| now + i),
        };
        Ok(now)
    }

    /// The wait before probe number `streak` (1-based) of an episode.
    fn probe_wait(&self, streak: u32, now: Instant) -> Duration {
        let base = self.interval().unwrap_or(MIN_PROBE).max(MIN_PROBE);
        let grown = base.saturating_mul(1u32 << streak.saturating_sub(1).min(20));
        let elapsed = self.cycle_start.map(|s| now.saturating_duration_since(s)).unwrap_or_default();
        grown.min((elapsed / PROBE_SHARE).max(base)).min(MAX_PROBE)
    }

    fn throttled(&mut self, sent_at: Instant, now: Instant, retry_after: Option<Duration>) {
        if !self.adaptive {
            return;
        }
        let episode = match self.episode {
            None => Episode { last_sent: sent_at, streak: 1 },
            // A request sent before the latest probe: its answer says nothing new.
            Some(e) if sent_at < e.last_sent => return,
            Some(e) => Episode { last_sent: sent_at, streak: e.streak + 1 },
        };
        self.episode = Some(episode);
        let wait = retry_after.unwrap_or_else(|| self.probe_wait(episode.streak, now)).min(MAX_PROBE);
        self.next_free = Some(now + wait);
    }

    fn succeeded(&mut self, sent_at: Instant, now: Instant) {
        if !self.adaptive {
            return;
        }
        self.cycle_successes += 1;
        let Some(episode) = self.episode else {
            self.recover(now);
            return;
        };
        if sent_at <= episode.last_sent {
            return; // sent before the latest probe
        }
        // The limit freed between the last throttled probe and this one: take the middle.
        let freed = episode.last_sent + (sent_at - episode.last_sent) / 2;
        let start = self.cycle_start.unwrap_or(freed);
        let span = freed.saturating_duration_since(start);
        let let_through = self.cycle_successes.saturating_sub(1);
        if !span.is_zero() && let_through > 0 {
            #[allow(clippy::cast_precision_loss)]
            let rate = BETA * let_through as f64 / span.as_secs_f64();
            self.learned = Some(rate);
            self.cycle_len = Some(span);
        }
        self.cycle_start = Some(freed);
        self.cycle_successes = 1;
        self.episode = None;
        self.quiet_since = Some(now);
        self.next_free = self.interval().map(|i| now + i);
    }

    /// Without 429s for a cycle length, the rate rises by 10 %.
    fn recover(&mut self, now: Instant) {
        let (Some(rate), Some(len), Some(since)) = (self.learned, self.cycle_len, self.quiet_since) else { return };
        if now.saturating_duration_since(since) >= len {
            self.learned = Some(rate * RECOVERY);
            self.quiet_since = Some(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A simulated Duo: `limit` requests per window of `window`, windows aligned to `offset`
    /// before the client starts; `sliding` counts the last `window` instead.
    struct Server {
        limit: usize,
        window: Duration,
        offset: Duration,
        sliding: bool,
        log: Vec<Duration>,
    }

    impl Server {
        fn admit(&mut self, at: Duration) -> bool {
            let at = at + self.offset;
            let count = if self.sliding {
                self.log.iter().filter(|t| at.saturating_sub(**t) < self.window).count()
            } else {
                let start = Duration::from_secs_f64(
                    (at.as_secs_f64() / self.window.as_secs_f64()).floor() * self.window.as_secs_f64(),
                );
                self.log.iter().filter(|t| **t >= start).count()
            };
            let ok = count < self.limit;
            if ok {
                self.log.push(at);
            }
            ok
        }
    }

    /// Sends `n` requests one after another (latency `latency`) through an adaptive bucket;
    /// returns (seconds, 429 answers).
    fn run(server: &mut Server, n: usize, latency: Duration) -> (f64, usize) {
        let origin = Instant::now();
        let mut bucket = Bucket::new(true, None);
        let (mut clock, mut done, mut throttled) = (Duration::ZERO, 0, 0);
        while done < n {
            match bucket.reserve(origin + clock) {
                Err(wait) => clock += wait,
                Ok(sent) => {
                    let ok = server.admit(clock + latency / 2);
                    clock += latency;
                    bucket.answered_at(sent, origin + clock, !ok);
                    if ok { done += 1 } else { throttled += 1 }
                }
            }
        }
        (clock.as_secs_f64(), throttled)
    }

    impl Bucket {
        fn answered_at(&mut self, sent: Instant, now: Instant, throttled: bool) {
            if throttled { self.throttled(sent, now, None) } else { self.succeeded(sent, now) }
        }
    }

    #[test]
    fn adaptive_pacing_finishes_near_the_floor_whatever_the_window() {
        for window in [10.0, 15.0, 60.0] {
            for offset in [0.0, 0.3, 0.8] {
                for sliding in [false, true] {
                    for (limit, n) in [(300, 1000), (200, 500), (300, 3000)] {
                        let window_d = Duration::from_secs_f64(window);
                        let mut server = Server {
                            limit,
                            window: window_d,
                            offset: window_d.mul_f64(offset),
                            sliding,
                            log: Vec::new(),
                        };
                        let (secs, throttled) = run(&mut server, n, Duration::from_millis(20));
                        let floor = n as f64 / limit as f64 * window;
                        let case = format!(
                            "window {window} s, offset {offset}, sliding {sliding}, {n} at {limit}: {secs:.1} s (floor {floor:.1}), {throttled} x 429"
                        );
                        assert!(secs <= floor * 1.15, "{case}");
                        assert!(throttled <= 40, "{case}");
                    }
                }
            }
        }
    }

    #[test]
    fn the_rate_falls_on_429_and_recovers() {
        let origin = Instant::now();
        let mut bucket = Bucket::new(true, None);
        let at = |s: f64| origin + Duration::from_secs_f64(s);
        // 100 requests let through in the first second, then throttled.
        for i in 0..100 {
            let sent = bucket.reserve(at(f64::from(i) * 0.01)).unwrap();
            bucket.succeeded(sent, at(f64::from(i) * 0.01));
        }
        assert!(bucket.interval().is_none(), "unlimited until throttled");
        let sent = bucket.reserve(at(1.0)).unwrap();
        bucket.throttled(sent, at(1.0), None);
        assert!(bucket.reserve(at(1.0)).is_err(), "a probe waits");
        let sent = bucket.reserve(at(10.0)).unwrap();
        bucket.succeeded(sent, at(10.0));
        let slow = 60.0 / bucket.interval().unwrap().as_secs_f64();
        assert!((500.0..=1100.0).contains(&slow), "{slow} per minute after 100 in ~5.5 s");
        // A quiet cycle later, faster again.
        let mut t = 10.0;
        while t < 30.0 {
            if let Ok(sent) = bucket.reserve(at(t)) {
                bucket.succeeded(sent, at(t));
            }
            t += 0.05;
        }
        let recovered = 60.0 / bucket.interval().unwrap().as_secs_f64();
        assert!(recovered > slow * 1.2, "{recovered} vs {slow}");
    }

    #[test]
    fn a_fixed_rate_spaces_requests_in_either_mode() {
        for adaptive in [false, true] {
            let origin = Instant::now();
            let mut bucket = Bucket::new(adaptive, Some(120));
            assert!(bucket.reserve(origin).is_ok());
            assert_eq!(bucket.reserve(origin), Err(Duration::from_millis(500)));
            assert!(bucket.reserve(origin + Duration::from_millis(500)).is_ok());
        }
    }

    #[test]
    fn standard_mode_without_a_rate_never_waits() {
        let origin = Instant::now();
        let mut bucket = Bucket::new(false, None);
        let sent = bucket.reserve(origin).unwrap();
        bucket.throttled(sent, origin, None);
        assert!(bucket.reserve(origin).is_ok());
    }
}
