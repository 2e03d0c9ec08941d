//! WorkOS directory webhooks: verifying `WorkOS-Signature`, and computing it for tests.
//!
//! The header is `t=<unix milliseconds>, v1=<hex HMAC-SHA256>`; the signature is
//! `hex(HMAC-SHA256(secret, "<t>.<raw body>"))` over the **raw body bytes** as received (never a
//! re-serialization). The rules, where the official SDKs differ (see the README's table):
//! - the header is split on `,` with or without spaces, and may carry its own name
//!   (`WorkOS-Signature: t=..`, any case); exactly one `t=` and one `v1=` (both official SDKs
//!   refuse a second signature);
//! - the tolerance is **symmetric**: a timestamp further than `tolerance` in the future is refused
//!   like one too old (Python, Go, Kotlin, Ruby; Node and PHP accept the future), exactly
//!   `tolerance` passes;
//! - the signature is lower-case hex, compared in constant time (upper-case hex is refused, as
//!   every SDK but Kotlin's does).
//!
//! ```
//! use duo_directory::webhook::{compute_webhook_signature, verify_webhook};
//! let body = r#"{"id":"event_1","event":"dsync.unknown","data":{"id":"x"},"created_at":"2024-01-01T00:00:00.000Z"}"#;
//! let header = format!("t=1700000000000, v1={}", compute_webhook_signature(body, "whsec", 1_700_000_000_000)?);
//! let event = verify_webhook(body.as_bytes(), &header, "whsec", None, Some(1_700_000_060.0))?;
//! assert_eq!((event.event.as_str(), event.kind), ("dsync.unknown", duo_directory::EventKind::Other));
//! let err = verify_webhook(body.as_bytes(), &header, "wrong", None, Some(1_700_000_060.0)).unwrap_err();
//! assert_eq!(err.code(), "webhook_verification");
//! # Ok::<(), duo_directory::Error>(())
//! ```

use crate::directory::DirectoryEvent;
use crate::error::{Error, Result};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// Default tolerance between the signature's timestamp and now, either way: 180 s (every SDK's).
pub const DEFAULT_TOLERANCE_SECONDS: f64 = 180.0;

/// Which check a webhook failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WebhookFailure {
    /// The signature header is empty.
    MissingHeader,
    /// The header has no `t=<digits>` or no `v1=<hex>`.
    MalformedHeader,
    /// The timestamp is further from now than the tolerance (in the past or the future).
    TimestampOutsideTolerance,
    /// No `v1` signature matches the body and the secret.
    SignatureMismatch,
}

impl WebhookFailure {
    /// A stable name: `missing_header`, `malformed_header`, `timestamp_outside_tolerance`,
    /// `signature_mismatch`.
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookFailure::MissingHeader => "missing_header",
            WebhookFailure::MalformedHeader => "malformed_header",
            WebhookFailure::TimestampOutsideTolerance => "timestamp_outside_tolerance",
            WebhookFailure::SignatureMismatch => "signature_mismatch",
        }
    }
}

impl std::fmt::Display for WebhookFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn failed(reason: WebhookFailure, detail: impl Into<String>) -> Error {
    Error::WebhookVerification { reason, detail: detail.into() }
}

/// The parts of a `WorkOS-Signature` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureHeader {
    /// The `t=` value: milliseconds since the epoch.
    pub timestamp_ms: i64,
    /// Every `v1=` value, as sent.
    pub signatures: Vec<String>,
}

/// Splits `t=<ms>, v1=<hex>` (spaces optional, an optional `WorkOS-Signature:` prefix in any
/// case); a second `t=` or `v1=` is refused, as both official SDKs refuse it.
///
/// ```
/// use duo_directory::webhook::parse_signature_header;
/// let h = parse_signature_header("t=1700000000000,v1=ab12")?;
/// assert_eq!((h.timestamp_ms, h.signatures), (1_700_000_000_000, vec!["ab12".to_string()]));
/// assert!(parse_signature_header("v1=ab12").is_err());
/// # Ok::<(), duo_directory::Error>(())
/// ```
pub fn parse_signature_header(header: &str) -> Result<SignatureHeader> {
    let mut value = header.trim();
    if value.is_empty() {
        return Err(failed(WebhookFailure::MissingHeader, "the WorkOS-Signature header is empty"));
    }
    if let Some((name, rest)) = value.split_once(':')
        && name.trim().eq_ignore_ascii_case("workos-signature")
    {
        value = rest.trim();
    }
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in value.split(',') {
        let Some((key, v)) = part.split_once('=') else { continue };
        let (key, v) = (key.trim(), v.trim());
        match key {
            "t" => {
                if timestamp.is_some() {
                    return Err(failed(WebhookFailure::MalformedHeader, "the header has more than one t="));
                }
                if v.is_empty() || v.len() > 18 || !v.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(failed(WebhookFailure::MalformedHeader, "t= is not a number of milliseconds"));
                }
                timestamp = v.parse::<i64>().ok();
            }
            "v1" if !signatures.is_empty() => {
                return Err(failed(WebhookFailure::MalformedHeader, "the header has more than one v1="));
            }
            "v1" if !v.is_empty() => signatures.push(v.to_string()),
            _ => {}
        }
    }
    let Some(timestamp_ms) = timestamp else {
        return Err(failed(WebhookFailure::MalformedHeader, "no t=<milliseconds> in the header"));
    };
    if signatures.is_empty() {
        return Err(failed(WebhookFailure::MalformedHeader, "no v1=<signature> in the header"));
    }
    Ok(SignatureHeader { timestamp_ms, signatures })
}

fn mac(secret: &str, timestamp_ms: i64, payload: &[u8]) -> Result<Hmac<Sha256>> {
    if secret.is_empty() {
        return Err(Error::invalid("secret", "the webhook secret is empty"));
    }
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())
        .map_err(|_| Error::invalid("secret", "cannot key HMAC-SHA256 with it"))?;
    mac.update(timestamp_ms.to_string().as_bytes());
    mac.update(b".");
    mac.update(payload);
    Ok(mac)
}

/// The `v1` signature of `payload` (raw bytes or text) at `timestamp_ms`: lower-case hex of
/// HMAC-SHA256(secret, "<timestamp_ms>.<payload>"). For your own tests; the header is
/// `format!("t={timestamp_ms}, v1={signature}")`.
pub fn compute_webhook_signature(payload: impl AsRef<[u8]>, secret: &str, timestamp_ms: i64) -> Result<String> {
    Ok(hex::encode(mac(secret, timestamp_ms, payload.as_ref())?.finalize().into_bytes()))
}

/// Milliseconds from seconds given by a binding (`now` as `time.time()` gives it).
fn millis(field: &str, seconds: f64) -> Result<i64> {
    if !seconds.is_finite() || !(0.0..=1e13).contains(&seconds) {
        return Err(Error::invalid(field, format!("{seconds} is not a number of seconds since the epoch")));
    }
    #[allow(clippy::cast_possible_truncation)]
    Ok((seconds * 1000.0).round() as i64)
}

/// Checks the signature of `payload` only (the header, the tolerance, the HMAC), parsing nothing.
/// `tolerance` and `now` are in seconds (defaults: 180 s and the clock).
pub fn verify_webhook_signature(
    payload: &[u8],
    signature_header: &str,
    secret: &str,
    tolerance: Option<f64>,
    now: Option<f64>,
) -> Result<()> {
    let tolerance = tolerance.unwrap_or(DEFAULT_TOLERANCE_SECONDS);
    if !tolerance.is_finite() || tolerance < 0.0 {
        return Err(Error::invalid("tolerance", format!("{tolerance} is not zero or a positive number of seconds")));
    }
    let tolerance_ms = millis("tolerance", tolerance)?;
    let now_ms = match now {
        Some(now) => millis("now", now)?,
        None => {
            let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
            i64::try_from(since.as_millis()).unwrap_or(i64::MAX)
        }
    };
    if secret.is_empty() {
        return Err(Error::invalid("secret", "the webhook secret is empty"));
    }
    let header = parse_signature_header(signature_header)?;
    let skew = now_ms.saturating_sub(header.timestamp_ms);
    if skew.unsigned_abs() > tolerance_ms.unsigned_abs() {
        #[allow(clippy::cast_precision_loss)]
        let seconds = skew.unsigned_abs() as f64 / 1000.0;
        let when = if skew < 0 { "in the future" } else { "old" };
        return Err(failed(
            WebhookFailure::TimestampOutsideTolerance,
            format!("the signature's timestamp is {seconds:.3} s {when}, beyond the tolerance of {tolerance} s"),
        ));
    }
    let expected = compute_webhook_signature(payload, secret, header.timestamp_ms)?;
    let matched = header
        .signatures
        .iter()
        .fold(subtle::Choice::from(0), |any, candidate| any | expected.as_bytes().ct_eq(candidate.as_bytes()));
    if !bool::from(matched) {
        return Err(failed(
            WebhookFailure::SignatureMismatch,
            "no v1 signature matches this body and secret (the raw body must be verified as received)",
        ));
    }
    Ok(())
}

/// Verifies a webhook (see the [module documentation](self) for the rules) and parses it into a
/// typed [`DirectoryEvent`]. `payload` is the raw body; `tolerance` and `now` are in seconds
/// (defaults: 180 s and the clock). A failed check is [`Error::WebhookVerification`]; a verified
/// body that is not an event is [`Error::Decode`].
pub fn verify_webhook(
    payload: &[u8],
    signature_header: &str,
    secret: &str,
    tolerance: Option<f64>,
    now: Option<f64>,
) -> Result<DirectoryEvent> {
    verify_webhook_signature(payload, signature_header, secret, tolerance, now)?;
    DirectoryEvent::from_slice(payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &str = r#"{"id":"event_1","event":"dsync.user.deleted","data":{"object":"directory_user","id":"directory_user_1","idp_id":"1","directory_id":"d","state":"inactive","created_at":"","updated_at":""}}"#;

    fn header(t: i64, secret: &str) -> String {
        format!("t={t}, v1={}", compute_webhook_signature(BODY, secret, t).unwrap())
    }

    #[test]
    fn tolerance_is_symmetric_and_inclusive() {
        let h = header(1_000_000_000, "s");
        for (now, ok) in [(1_000_180.0, true), (1_000_180.001, false), (999_820.0, true), (999_819.999, false)] {
            let r = verify_webhook_signature(BODY.as_bytes(), &h, "s", None, Some(now));
            assert_eq!(r.is_ok(), ok, "now={now}: {r:?}");
        }
    }

    #[test]
    fn reasons_name_the_failed_check_and_never_the_secret_or_expected_signature() {
        let good = header(1_000_000_000, "topsecret");
        let expected = good.rsplit('=').next().unwrap().to_string();
        let cases = [
            ("", WebhookFailure::MissingHeader),
            ("t=abc, v1=00", WebhookFailure::MalformedHeader),
            ("v1=00", WebhookFailure::MalformedHeader),
            ("t=1000000000", WebhookFailure::MalformedHeader),
            ("t=1000000000, v1=00", WebhookFailure::SignatureMismatch),
            ("t=1, v1=00", WebhookFailure::TimestampOutsideTolerance),
        ];
        for (h, want) in cases {
            let err = verify_webhook(BODY.as_bytes(), h, "topsecret", None, Some(1_000_000.0)).unwrap_err();
            let Error::WebhookVerification { reason, .. } = &err else { panic!("{err:?}") };
            assert_eq!(*reason, want, "{h}");
            let text = format!("{err} {err:?}");
            assert!(!text.contains("topsecret") && !text.contains(&expected), "{text}");
        }
    }

    #[test]
    fn header_forms_and_a_second_signature() {
        let good = header(1_000_000_000, "s");
        let sig = good.rsplit('=').next().unwrap();
        for h in [
            format!("t=1000000000,v1={sig}"),
            format!("WorkOS-Signature: t=1000000000, v1={sig}"),
            format!("workos-signature:t=1000000000,  v1={sig}"),
        ] {
            assert!(verify_webhook_signature(BODY.as_bytes(), &h, "s", None, Some(1_000_000.0)).is_ok(), "{h}");
        }
        let two = format!("t=1000000000, v1=00, v1={sig}");
        let err = verify_webhook_signature(BODY.as_bytes(), &two, "s", None, Some(1_000_000.0)).unwrap_err();
        assert!(matches!(err, Error::WebhookVerification { reason: WebhookFailure::MalformedHeader, .. }));
        let upper = format!("t=1000000000, v1={}", sig.to_uppercase());
        assert!(verify_webhook_signature(BODY.as_bytes(), &upper, "s", None, Some(1_000_000.0)).is_err());
    }

    #[test]
    fn bad_arguments_are_invalid_input() {
        let h = header(1_000_000_000, "s");
        for (secret, tolerance, now, field) in [
            ("", None, Some(1e6), "secret"),
            ("s", Some(-1.0), Some(1e6), "tolerance"),
            ("s", None, Some(f64::NAN), "now"),
        ] {
            let err = verify_webhook(BODY.as_bytes(), &h, secret, tolerance, now).unwrap_err();
            assert!(matches!(&err, Error::InvalidInput { field: f, .. } if f == field), "{err:?}");
        }
    }
}
