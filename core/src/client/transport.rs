//! Sending a prepared request: signing each attempt afresh, retrying, classifying failures.

use super::Client;
use super::request::PreparedRequest;
use crate::envelope::{self, Envelope};
use crate::error::{Error, Result};
use crate::sign::SignOptions;
use bytes::Bytes;
use std::time::{Duration, Instant, SystemTime};
use tracing::Instrument;

enum Attempt {
    Done(u16, Bytes),
    Retry { error: Error, retry_after: Option<Duration> },
}

impl Client {
    /// Sends `request` and unwraps Duo's envelope, retrying as the configuration allows.
    pub(crate) async fn execute(&self, request: &PreparedRequest) -> Result<Envelope> {
        let (status, body) = self.send(request).await?;
        envelope::parse(status, &body)
    }

    /// Sends `request` (retrying as configured) and returns the final status and body.
    pub(crate) async fn send(&self, request: &PreparedRequest) -> Result<(u16, Bytes)> {
        let config = &self.inner.config;
        let started = Instant::now();
        let deadline = config.deadline.map(|d| started + d);
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let span = tracing::debug_span!(
                "duo_request",
                method = %request.method,
                path = %request.path,
                attempt,
                status = tracing::field::Empty,
                duration_ms = tracing::field::Empty,
            );
            let outcome = self.attempt(request, deadline).instrument(span).await;
            let (error, retry_after) = match outcome {
                Ok(Attempt::Done(status, body)) => return Ok((status, body)),
                Ok(Attempt::Retry { error, retry_after }) => (error, retry_after),
                Err(error) => return Err(error),
            };
            if attempt > config.retry.max_retries {
                return Err(finalize(error, attempt, retry_after));
            }
            let wait = config.retry.backoff(attempt - 1, retry_after);
            if deadline.is_some_and(|deadline| Instant::now() + wait >= deadline) {
                return Err(finalize(error, attempt, retry_after));
            }
            log_retry(request, &error, attempt, config.retry.max_retries + 1, wait);
            tokio::time::sleep(wait).await;
        }
    }

    async fn attempt(&self, request: &PreparedRequest, deadline: Option<Instant>) -> Result<Attempt> {
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
        let method = reqwest::Method::from_bytes(request.method.as_bytes())
            .map_err(|_| Error::invalid("method", format!("{:?} is not an HTTP method", request.method)))?;
        let mut timeout = config.timeout;
        if let Some(deadline) = deadline {
            timeout = timeout.min(deadline.saturating_duration_since(Instant::now()));
            if timeout.is_zero() {
                return Err(Error::Timeout {
                    message: format!("deadline reached before {} {}", request.method, request.path),
                });
            }
        }
        let mut builder = inner
            .http
            .request(method, url)
            .header("Date", &signed.date)
            .header("Authorization", &signed.authorization)
            .timeout(timeout);
        if let (Some(body), Some(content_type)) = (signed.body, signed.content_type) {
            builder = builder.header("Content-Type", content_type).body(body);
        }
        let started = Instant::now();
        let span = tracing::Span::current();
        let response = match builder.send().await {
            Ok(r) => r,
            Err(e) => return self.classify_send_error(request, e, timeout),
        };
        let status = response.status().as_u16();
        span.record("status", status);
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| super::retry::parse_retry_after(v, SystemTime::now()));
        let body = match response.bytes().await {
            Ok(b) => b,
            Err(e) => return self.classify_send_error(request, e, timeout),
        };
        span.record("duration_ms", started.elapsed().as_millis() as u64);
        if status == 429 {
            let error =
                envelope::parse(status, &body).err().unwrap_or_else(|| Error::invalid("status", "429 without error"));
            return Ok(Attempt::Retry { error, retry_after });
        }
        if request.idempotent && matches!(status, 502..=504) {
            let error = envelope::parse(status, &body)
                .err()
                .unwrap_or_else(|| Error::Transport { message: format!("HTTP {status}") });
            return Ok(Attempt::Retry { error, retry_after });
        }
        Ok(Attempt::Done(status, body))
    }

    fn classify_send_error(&self, request: &PreparedRequest, e: reqwest::Error, timeout: Duration) -> Result<Attempt> {
        let what = format!("{} {}", request.method, request.path);
        let error = if e.is_timeout() {
            Error::Timeout { message: format!("{what}: no answer within {:.1} s", timeout.as_secs_f64()) }
        } else {
            Error::Transport { message: format!("{what}: {}", error_chain(&e)) }
        };
        // A request that failed to connect never reached the server: always safe to retry.
        // Otherwise only idempotent requests are sent again.
        if request.idempotent || e.is_connect() { Ok(Attempt::Retry { error, retry_after: None }) } else { Err(error) }
    }
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
/// 1-based), `max_attempts`, `wait_ms`, `reason` (`rate limited`, `HTTP 503`, `connection failed`,
/// `timed out`). Never holds a secret: no headers, no parameters.
fn log_retry(request: &PreparedRequest, error: &Error, attempt: u32, max_attempts: u32, wait: Duration) {
    let reason = match error {
        Error::Api(api) if api.status == 429 => "rate limited".to_string(),
        Error::Api(api) | Error::NotFound(api) | Error::Unauthorized(api) => format!("HTTP {}", api.status),
        Error::RateLimited { .. } => "rate limited".to_string(),
        Error::Timeout { .. } => "timed out".to_string(),
        _ => "connection failed".to_string(),
    };
    let wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX);
    let (method, path) = (request.method.as_str(), request.path.as_str());
    if wait >= Duration::from_secs(1) {
        tracing::info!(target: "duo_directory::retry", method, path, attempt, max_attempts, wait_ms, reason = reason.as_str(), "retrying");
    } else {
        tracing::debug!(target: "duo_directory::retry", method, path, attempt, max_attempts, wait_ms, reason = reason.as_str(), "retrying");
    }
}

fn finalize(error: Error, attempts: u32, retry_after: Option<Duration>) -> Error {
    match error {
        Error::Api(api) if api.status == 429 => Error::RateLimited { error: api, attempts, retry_after },
        other => other,
    }
}
