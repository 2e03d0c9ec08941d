//! Request verification as Duo does it: credentials, integration key, date, then signature
//! (v2 with HMAC-SHA1 or HMAC-SHA512, v5), over the canonical string rebuilt from what arrived.

use crate::Shared;
use crate::form::to_params;
use crate::reply::{Reply, fail, fail_with};
use crate::verify::{server_canonical, verify_authorization};
use axum::http::{HeaderMap, Uri, header};
use base64::Engine;
use duo_directory::date::parse_rfc2822_date;
use duo_directory::sign::canon_params;
use std::time::{Duration, SystemTime};

/// What the verifier needs from a request.
pub(crate) struct Incoming<'a> {
    pub(crate) headers: &'a HeaderMap,
    pub(crate) uri: &'a Uri,
    pub(crate) method: &'a str,
    /// Parameters decoded from the query string.
    pub(crate) query: &'a [(String, String)],
    /// Parameters decoded from a form-encoded body, when the body is one.
    pub(crate) form_body: Option<&'a [(String, String)]>,
    /// The exact body bytes.
    pub(crate) body: &'a [u8],
}

fn missing_credentials() -> Reply {
    fail(40101, "Missing request credentials", None)
}

fn bad_signature(detail: &str) -> Reply {
    fail(40103, "Invalid signature in request credentials", Some(detail))
}

/// The 401 / 40103 of a signature that matches none of the accepted canonical strings. In
/// debug mode it carries the first canonical string the emulator tried (never a key or a
/// signature), as `expected_canonical` and in `message_detail`.
fn signature_mismatch(debug: bool, expected: Option<&str>) -> Reply {
    match expected.filter(|_| debug) {
        Some(canonical) => {
            let detail = format!("expected canonical string: {}", canonical.replace('\n', "\\n"));
            fail_with(
                40103,
                "Invalid signature in request credentials",
                Some(&detail),
                &[("expected_canonical", canonical)],
            )
        }
        None => bad_signature("the signature does not match the request"),
    }
}

/// Checks the request's credentials; `Err` carries the 401 answer to send.
pub(crate) fn verify(shared: &Shared, req: &Incoming<'_>) -> Result<(), Reply> {
    let authorization =
        req.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).ok_or_else(missing_credentials)?;
    let (ikey, sig_hex) = split_credentials(authorization).ok_or_else(missing_credentials)?;
    if ikey != shared.ikey {
        return Err(fail(40102, "Invalid integration key in request credentials", None));
    }
    let date = check_date(req.headers, shared.max_clock_skew, shared.now())?;
    let host = req
        .headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| req.uri.authority().map(|a| a.as_str().to_string()))
        .ok_or_else(|| bad_signature("the request has no Host header"))?;
    let mut x_duo = Vec::new();
    for (name, value) in req.headers {
        if name.as_str().starts_with("x-duo-") {
            let value = value.to_str().map_err(|_| bad_signature("an X-Duo header is not printable ASCII"))?;
            x_duo.push((name.as_str().to_string(), value.to_string()));
        }
    }
    let path = req.uri.path();
    let query_line = canon_params(&to_params(req.query));
    let v2_line = match req.form_body {
        Some(form) if !req.body.is_empty() => canon_params(&to_params(form)),
        _ => query_line.clone(),
    };
    let versions: &[u8] = match sig_hex.len() {
        40 => &[2],
        128 => &[5, 2],
        _ => return Err(bad_signature("the signature is neither 40 nor 128 hex digits")),
    };
    // Clients sign the host they were configured with: `localhost:PORT` normally; `duo_client`
    // given `host="localhost", port=PORT` signs `localhost` while sending `Host: localhost:PORT`.
    let mut hosts = vec![shared.api_hostname.as_deref().unwrap_or(host.as_str())];
    if shared.api_hostname.is_none()
        && let Some((name, port)) = host.rsplit_once(':')
        && !port.is_empty()
        && port.bytes().all(|b| b.is_ascii_digit())
        && (!name.contains(':') || name.ends_with(']'))
    {
        hosts.push(name);
    }
    let mut first_tried: Option<String> = None;
    for &version in versions {
        let (params_line, body): (&str, &[u8]) = if version == 5 { (&query_line, req.body) } else { (&v2_line, b"") };
        for signed_host in &hosts {
            let canonical = server_canonical(version, &date, req.method, signed_host, path, params_line, body, &x_duo)
                .map_err(|_| bad_signature("the X-Duo headers are not valid"))?;
            if verify_authorization(authorization, &canonical, &shared.skey).is_some() {
                return Ok(());
            }
            first_tried.get_or_insert(canonical);
        }
    }
    Err(signature_mismatch(shared.debug_signatures, first_tried.as_deref()))
}

/// `Basic base64(ikey:hexsig)` → (ikey, hexsig).
fn split_credentials(authorization: &str) -> Option<(String, String)> {
    let encoded = authorization.strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (ikey, sig) = text.split_once(':')?;
    if ikey.is_empty() || sig.is_empty() {
        return None;
    }
    Some((ikey.to_string(), sig.to_string()))
}

/// The date string that was signed (`X-Duo-Date`, else `Date`), checked against the clock.
fn check_date(headers: &HeaderMap, max_skew: Duration, now: SystemTime) -> Result<String, Reply> {
    let (name, value) = match headers.get("x-duo-date") {
        Some(v) => ("X-Duo-Date", v),
        None => match headers.get(header::DATE) {
            Some(v) => ("Date", v),
            None => return Err(bad_signature("the request has no Date or X-Duo-Date header")),
        },
    };
    let text = value.to_str().map_err(|_| bad_signature(&format!("the {name} header is not an RFC 2822 date")))?;
    let at =
        parse_rfc2822_date(text).ok_or_else(|| bad_signature(&format!("the {name} header is not an RFC 2822 date")))?;
    let skew = match at.duration_since(now) {
        Ok(ahead) => ahead,
        Err(behind) => behind.duration(),
    };
    if skew > max_skew {
        return Err(bad_signature(&format!(
            "the {name} header is {} s away from the server's clock (at most {} s allowed)",
            skew.as_secs(),
            max_skew.as_secs()
        )));
    }
    Ok(text.to_string())
}
