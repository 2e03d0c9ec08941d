//! Sending a prepared request: signing each attempt afresh, pacing connections, retrying on the
//! schedules of [`super::retry`], and classifying failures.

use super::pacing::{Lane, RetryMode};
use super::request::PreparedRequest;
use super::{Client, Transport};
use crate::envelope::{self, Envelope};
use crate::error::{Error, Result};
use crate::sign::SignOptions;
use bytes::Bytes;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};
use tracing::Instrument;

/// How one attempt ended.
enum Attempt {
    Done(u16, Bytes, Option<SystemTime>),
    /// Throttled (429) or a retryable server error: the throttling schedule.
    Throttled {
        error: Error,
        retry_after: Option<Duration>,
    },
    /// The connection failed before the request was sent, or a read failed after it: the short
    /// connection schedule.
    ConnectFailed(Error),
    /// A read timed out: retried once (unless connection retries are off), on the connection schedule.
    TimedOut(Error),
}

/// The final answer to a request.
pub(crate) struct Sent {
    pub(crate) status: u16,
    pub(crate) body: Bytes,
    /// How many attempts it took.
    pub(crate) attempts: u32,
    /// The answer's `Date` header, to measure clock skew.
    pub(crate) server_date: Option<SystemTime>,
}

/// At most this many requests in flight on HTTP/2, where they share one connection.
const MAX_STREAMS: usize = 256;

/// Limits requests in flight: one until the first answer shows the protocol (so a burst does
/// not open a connection per request), then `max_connections` (HTTP/1.1) or [`MAX_STREAMS`]
/// multiplexed on one connection (HTTP/2).
#[derive(Debug)]
pub(crate) struct Gate {
    permits: tokio::sync::Semaphore,
    opened: std::sync::OnceLock<()>,
    max_connections: usize,
}

impl Gate {
    pub(crate) fn new(max_connections: usize) -> Gate {
        Gate { permits: tokio::sync::Semaphore::new(1), opened: std::sync::OnceLock::new(), max_connections }
    }

    fn open(&self, version: reqwest::Version) {
        self.opened.get_or_init(|| {
            let total = if version == reqwest::Version::HTTP_2 { MAX_STREAMS } else { self.max_connections };
            self.permits.add_permits(total.saturating_sub(1));
        });
    }
}

impl Client {
    /// Sends `request` and unwraps Duo's envelope, retrying as the configuration allows.
    pub(crate) async fn execute(&self, request: &PreparedRequest) -> Result<Envelope> {
        let sent = self.send(request).await?;
        envelope::parse(sent.status, &sent.body).map_err(|e| self.explain(e, &sent, request))
    }

    /// Adds to a failure what only the exchange knows: how many attempts it took, and for a
    /// refused signature, the likely cause (see [`super::diagnosis`]).
    pub(crate) fn explain(&self, error: Error, sent: &Sent, request: &PreparedRequest) -> Error {
        match error.with_attempts(sent.attempts) {
            Error::Unauthorized(mut api) => {
                let config = &self.inner.config;
                let skew = sent.server_date.map(|server| super::diagnosis::skew(SystemTime::now(), server));
                api.diagnosis = super::diagnosis::explain(
                    &api,
                    skew,
                    &config.host,
                    &config.ikey,
                    config.sig_version,
                    &request.method,
                );
                Error::Unauthorized(api)
            }
            other => other,
        }
    }

    /// Sends `request` (retrying as configured) and returns the final answer.
    pub(crate) async fn send(&self, request: &PreparedRequest) -> Result<Sent> {
        send(self, request).await
    }
}

/// What one API needs from the shared sending loop: its settings, connection pool, pacing lane,
/// how an attempt is authorized (Duo's signature, a Bearer key) and how a failure answer reads.
/// The loop itself (pacing, deadline, retry schedules, timeouts, failure classes) is [`send`],
/// one for every API, so the Duo and the directory clients behave alike.
pub(crate) trait Endpoint: Sync {
    /// Retry policy, retry mode, deadline and per-attempt timeout.
    fn settings(&self) -> Settings<'_>;
    /// This process's connection pool.
    fn transport(&self) -> Result<Arc<Transport>>;
    /// The pacing lane `request` waits in, and its name for messages.
    fn lane(&self, request: &PreparedRequest) -> (Arc<Lane>, &'static str);
    /// The URL and headers of one attempt (signed afresh for Duo).
    fn authorize(&self, request: &PreparedRequest) -> Result<Outgoing>;
    /// The error a failure answer (status >= 400, or a 200 that is not the API's shape) stands for.
    fn failure(&self, status: u16, body: &Bytes) -> Error;
}

/// The settings [`send`] reads.
pub(crate) struct Settings<'a> {
    pub(crate) retry: &'a super::retry::RetryPolicy,
    pub(crate) retry_mode: RetryMode,
    pub(crate) deadline: Option<Duration>,
    pub(crate) timeout: Duration,
}

/// One attempt's URL, headers and body.
pub(crate) struct Outgoing {
    pub(crate) url: String,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) body: Option<(&'static str, String)>,
}

impl Endpoint for Client {
    fn settings(&self) -> Settings<'_> {
        let config = &self.inner.config;
        Settings {
            retry: &config.retry,
            retry_mode: config.retry_mode,
            deadline: config.deadline,
            timeout: config.timeout,
        }
    }

    fn transport(&self) -> Result<Arc<Transport>> {
        Client::transport(self)
    }

    fn lane(&self, request: &PreparedRequest) -> (Arc<Lane>, &'static str) {
        let class = request.class();
        (self.inner.pacer.lane(class).clone(), class.as_str())
    }

    fn authorize(&self, request: &PreparedRequest) -> Result<Outgoing> {
        let inner = &self.inner;
        let config = &inner.config;
        let signed = inner.signer.sign(
            &request.method,
            &config.host,
            &request.path,
            &request.params,
            &SignOptions { date: None, sig_version: config.sig_version, x_duo_headers: Vec::new() },
        )?;
        let mut url = String::with_capacity(inner.base_url.len() + request.path.len() + signed.query.len() + 1);
        url.push_str(&inner.base_url);
        url.push_str(&request.path);
        if !signed.query.is_empty() {
            url.push('?');
            url.push_str(&signed.query);
        }
        let body = signed.body.map(|body| (body.content_type(), body.text().to_owned()));
        Ok(Outgoing { url, headers: vec![("Date", signed.date), ("Authorization", signed.authorization)], body })
    }

    fn failure(&self, status: u16, body: &Bytes) -> Error {
        match envelope::parse(status, body) {
            Err(e) => e,
            Ok(_) => Error::Transport { message: format!("HTTP {status}"), sent: true, attempts: 1 },
        }
    }
}

/// Sends `request` through `endpoint` (pacing, retrying as configured) and returns the final answer.
pub(crate) async fn send<E: Endpoint>(endpoint: &E, request: &PreparedRequest) -> Result<Sent> {
    let settings = endpoint.settings();
    let policy = settings.retry;
    let (lane, lane_name) = endpoint.lane(request);
    let adaptive = settings.retry_mode == RetryMode::Adaptive;
    let deadline = settings.deadline.map(|d| Instant::now() + d);
    let (mut attempt, mut throttled, mut connect_failures, mut timeouts) = (0u32, 0u32, 0u32, 0u32);
    // 429s answered in adaptive mode: waits in the bucket, bounded by the deadline, not by `max_retries`.
    let mut paced = 0u32;
    let mut last_error: Option<(Error, Option<Duration>)> = None;
    loop {
        let sent_at = loop {
            let wait = match lane.reserve(Instant::now()) {
                Ok(sent_at) => break sent_at,
                Err(wait) => wait,
            };
            if deadline.is_some_and(|deadline| Instant::now() + wait >= deadline) {
                return Err(match last_error {
                    Some((error, retry_after)) => finalize(error, attempt, retry_after),
                    None => Error::Timeout {
                        message: format!(
                            "{} {}: not sent: the pacing of {} would wait {:.1} s, past the deadline",
                            request.method,
                            request.path,
                            lane_name,
                            wait.as_secs_f64()
                        ),
                        attempts: attempt,
                    },
                });
            }
            tokio::time::sleep(wait).await;
        };
        attempt += 1;
        let span = tracing::debug_span!(
            "duo_request",
            method = %request.method,
            path = %request.path,
            attempt,
            status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let outcome = attempt_once(endpoint, &settings, request, deadline).instrument(span).await;
        let rate_limited =
            matches!(&outcome, Ok(Attempt::Throttled { error: Error::Api(api), .. }) if api.status == 429);
        match &outcome {
            Ok(Attempt::Done(..)) => lane.answered(sent_at, Instant::now(), false, None),
            Ok(Attempt::Throttled { retry_after, .. }) if rate_limited => {
                lane.answered(sent_at, Instant::now(), true, retry_after.map(|w| w.min(policy.max_wait)));
            }
            _ => {}
        }
        let (error, wait, max_attempts) = match outcome {
            Ok(Attempt::Done(status, body, server_date)) => {
                return Ok(Sent { status, body, attempts: attempt, server_date });
            }
            Ok(Attempt::Throttled { error, retry_after }) if rate_limited && adaptive => {
                if policy.max_retries == 0 {
                    return Err(finalize(error, attempt, retry_after));
                }
                paced += 1;
                let wait = match retry_after {
                    Some(after) => after.min(policy.max_wait),
                    None => lane.pending(Instant::now()),
                };
                log_retry(request, &error, attempt, 0, wait);
                last_error = Some((error, retry_after));
                continue;
            }
            Ok(Attempt::Throttled { error, retry_after }) => {
                if throttled >= policy.max_retries {
                    return Err(finalize(error, attempt, retry_after));
                }
                throttled += 1;
                (error, policy.backoff(throttled - 1, retry_after), policy.max_retries + 1)
            }
            Ok(Attempt::TimedOut(error)) => {
                if timeouts >= policy.connect_retries.min(1) || attempt - paced > policy.max_retries {
                    return Err(error.with_attempts(attempt));
                }
                timeouts += 1;
                (error, policy.connect_backoff(0), attempt + 1)
            }
            Ok(Attempt::ConnectFailed(error)) => {
                if connect_failures >= policy.connect_retries || attempt - paced > policy.max_retries {
                    return Err(error.with_attempts(attempt));
                }
                connect_failures += 1;
                (error, policy.connect_backoff(connect_failures - 1), policy.connect_retries + 1)
            }
            Err(error) => return Err(error.with_attempts(attempt)),
        };
        if deadline.is_some_and(|deadline| Instant::now() + wait >= deadline) {
            return Err(finalize(error, attempt, None));
        }
        log_retry(request, &error, attempt, max_attempts, wait);
        last_error = None;
        tokio::time::sleep(wait).await;
    }
}

async fn attempt_once<E: Endpoint>(
    endpoint: &E,
    settings: &Settings<'_>,
    request: &PreparedRequest,
    deadline: Option<Instant>,
) -> Result<Attempt> {
    let mut timeout = settings.timeout;
    if let Some(deadline) = deadline {
        timeout = timeout.min(deadline.saturating_duration_since(Instant::now()));
    }
    let what = || format!("{} {}", request.method, request.path);
    let transport = endpoint.transport()?;
    let Ok(Ok(_permit)) = tokio::time::timeout(timeout, transport.gate.permits.acquire()).await else {
        return Err(Error::Timeout {
            message: format!(
                "{}: not sent: no connection to the host became free within {:.1} s",
                what(),
                timeout.as_secs_f64()
            ),
            attempts: 1,
        });
    };
    let outgoing = endpoint.authorize(request)?;
    let method = reqwest::Method::from_bytes(request.method.as_bytes())
        .map_err(|_| Error::invalid("method", format!("{:?} is not an HTTP method", request.method)))?;
    let mut builder = transport.http.request(method, outgoing.url).timeout(timeout);
    for (name, value) in outgoing.headers {
        builder = builder.header(name, value);
    }
    if let Some((content_type, body)) = outgoing.body {
        builder = builder.header("Content-Type", content_type).body(body);
    }
    let started = Instant::now();
    let span = tracing::Span::current();
    let response = match builder.send().await {
        Ok(r) => r,
        Err(e) => return classify_send_error(request, &e, timeout),
    };
    transport.gate.open(response.version());
    let status = response.status().as_u16();
    span.record("status", status);
    let server_date = response
        .headers()
        .get(reqwest::header::DATE)
        .and_then(|v| v.to_str().ok())
        .and_then(crate::date::parse_rfc2822_date);
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| super::retry::parse_retry_after(v, SystemTime::now()));
    let body = match response.bytes().await {
        Ok(b) => b,
        Err(e) => return classify_send_error(request, &e, timeout),
    };
    span.record("duration_ms", u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX));
    // 429 for any method (Duo refused it before doing anything); 502-504 only for reads.
    if status == 429 || (request.idempotent() && matches!(status, 502..=504)) {
        let error = endpoint.failure(status, &body);
        return Ok(Attempt::Throttled { error, retry_after });
    }
    Ok(Attempt::Done(status, body, server_date))
}

/// A failure before an answer. A connection that could not be made never carried the request,
/// so it goes on the connection schedule whatever the method. Anything later may have reached
/// Duo: a read (`GET`) is sent again (after a timeout, once), a write is not.
fn classify_send_error(request: &PreparedRequest, e: &reqwest::Error, timeout: Duration) -> Result<Attempt> {
    let what = format!("{} {}", request.method, request.path);
    if e.is_timeout() {
        let message = format!("{what}: no answer within {:.1} s", timeout.as_secs_f64());
        let error = Error::Timeout { message, attempts: 1 };
        return if request.idempotent() { Ok(Attempt::TimedOut(error)) } else { Err(error) };
    }
    let message = format!("{what}: {}", error_chain(e));
    if e.is_connect() {
        return Ok(Attempt::ConnectFailed(Error::Transport { message, sent: false, attempts: 1 }));
    }
    let error = Error::Transport { message, sent: true, attempts: 1 };
    if request.idempotent() { Ok(Attempt::ConnectFailed(error)) } else { Err(error) }
}

/// The messages of an error and its causes, joined (no `Debug` output, no URLs with secrets).
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

/// Reports a retry as a `tracing` event with target `duo_directory::retry` (INFO when the wait is a
/// second or more, DEBUG otherwise). Fields: `method`, `path`, `attempt` (the attempt that failed,
/// 1-based), `max_attempts` (0 in adaptive mode, where the deadline bounds 429 retries), `wait_ms`, `reason` (`rate limited`, `HTTP 503`, `connection failed`).
/// Never holds a secret: no headers, no parameters.
fn log_retry(request: &PreparedRequest, error: &Error, attempt: u32, max_attempts: u32, wait: Duration) {
    let reason = match error {
        Error::Api(api) if api.status == 429 => "rate limited".to_string(),
        Error::Api(api) | Error::NotFound(api) | Error::Unauthorized(api) => format!("HTTP {}", api.status),
        Error::RateLimited { .. } => "rate limited".to_string(),
        Error::Timeout { .. } => "timed out".to_string(),
        _ => "connection failed".to_string(),
    };
    let wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX);
    let (method, path, reason) = (request.method.as_str(), request.path.as_str(), reason.as_str());
    if wait >= Duration::from_secs(1) {
        tracing::info!(target: "duo_directory::retry", method, path, attempt, max_attempts, wait_ms, reason, "retrying");
    } else {
        tracing::debug!(target: "duo_directory::retry", method, path, attempt, max_attempts, wait_ms, reason, "retrying");
    }
}

fn finalize(error: Error, attempts: u32, retry_after: Option<Duration>) -> Error {
    match error.with_attempts(attempts) {
        Error::Api(api) if api.status == 429 => Error::RateLimited { error: api, retry_after },
        other => other,
    }
}
