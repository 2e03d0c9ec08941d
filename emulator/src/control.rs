//! Injected faults, the steady rate limit and the request log.

use crate::{Fault, RecordedRequest};
use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

/// Most requests kept in the log.
const LOG_LIMIT: usize = 100_000;

#[derive(Default)]
pub(crate) struct Control {
    faults: Mutex<VecDeque<(Fault, u32)>>,
    limiter: Mutex<Option<Bucket>>,
    log: Mutex<VecDeque<RecordedRequest>>,
}

struct Bucket {
    rate: f64,
    capacity: f64,
    tokens: f64,
    last: Instant,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Control {
    pub(crate) fn push_fault(&self, fault: Fault) {
        let count = fault.count();
        if count > 0 {
            lock(&self.faults).push_back((fault, count));
        }
    }

    pub(crate) fn clear_faults(&self) {
        lock(&self.faults).clear();
    }

    /// The fault for the request that just arrived, if one is queued.
    pub(crate) fn next_fault(&self) -> Option<Fault> {
        let mut faults = lock(&self.faults);
        let (fault, remaining) = faults.front_mut()?;
        let fault = fault.clone();
        *remaining = remaining.saturating_sub(1);
        if *remaining == 0 {
            faults.pop_front();
        }
        Some(fault)
    }

    pub(crate) fn set_rate_limit(&self, requests_per_second: Option<f64>) {
        *lock(&self.limiter) = requests_per_second.filter(|r| r.is_finite() && *r > 0.0).map(|rate| {
            let capacity = rate.max(1.0);
            Bucket { rate, capacity, tokens: capacity, last: Instant::now() }
        });
    }

    /// Takes one token; false when the request is beyond the steady limit.
    pub(crate) fn admit(&self) -> bool {
        let mut limiter = lock(&self.limiter);
        let Some(bucket) = limiter.as_mut() else { return true };
        let now = Instant::now();
        let elapsed = now.saturating_duration_since(bucket.last).as_secs_f64();
        bucket.last = now;
        bucket.tokens = (bucket.tokens + elapsed * bucket.rate).min(bucket.capacity);
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    pub(crate) fn record(&self, request: RecordedRequest) {
        let mut log = lock(&self.log);
        if log.len() >= LOG_LIMIT {
            log.pop_front();
        }
        log.push_back(request);
    }

    pub(crate) fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.log).iter().cloned().collect()
    }

    pub(crate) fn clear_requests(&self) {
        lock(&self.log).clear();
    }
}
