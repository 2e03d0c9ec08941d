//! Server-side signature verification: the canonical string a server rebuilds from what it
//! received, and the constant-time check of an `Authorization` header against it.
//! (Clients sign with core's [`duo_directory::Signer`]; only a server needs these.)

use crate::EmulatorError;
use base64::Engine;
use duo_directory::Secret;
use duo_directory::sign::SHA512_EMPTY;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha512};

/// Verifies an `Authorization: Basic base64(ikey:hexsig)` header against a canonical string,
/// with a constant-time comparison (HMAC-SHA1 for 40 hex digits, HMAC-SHA512 for 128).
/// Returns the integration key it names on success, `None` when the signature does not match.
pub fn verify_authorization(authorization: &str, canonical: &str, skey: &Secret) -> Option<String> {
    let encoded = authorization.strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (ikey, sig_hex) = text.split_once(':')?;
    let sig = hex::decode(sig_hex).ok()?;
    let key = skey.expose().as_bytes();
    let ok = match sig.len() {
        20 => {
            let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(key).ok()?;
            mac.update(canonical.as_bytes());
            mac.verify_slice(&sig).is_ok()
        }
        64 => {
            let mut mac = <Hmac<Sha512> as KeyInit>::new_from_slice(key).ok()?;
            mac.update(canonical.as_bytes());
            mac.verify_slice(&sig).is_ok()
        }
        _ => false,
    };
    ok.then(|| ikey.to_string())
}

#[allow(clippy::too_many_arguments)] // one argument per canonical line, as the protocol defines them
/// Builds the canonical string a server must verify, from what it received.
/// `sig_version` is 2 or 5; `params_line` is the canonical parameters (empty for a v5 JSON body),
/// `body` the raw body bytes (hashed for v5 only) and `x_duo_headers` the `X-Duo-*` headers
/// received (hashed for v5 only). Invalid `X-Duo-*` headers are
/// [`EmulatorError::InvalidInput`] with field `x_duo_headers`.
pub fn server_canonical(
    sig_version: u8,
    date: &str,
    method: &str,
    host: &str,
    path: &str,
    params_line: &str,
    body: &[u8],
    x_duo_headers: &[(String, String)],
) -> Result<String, EmulatorError> {
    let mut canonical = [date, &method.to_ascii_uppercase(), &host.to_ascii_lowercase(), path, params_line].join("\n");
    if sig_version == 5 {
        let headers = check_x_duo_headers(x_duo_headers)?;
        canonical.push('\n');
        canonical.push_str(&hex::encode(Sha512::digest(body)));
        canonical.push('\n');
        canonical.push_str(&x_duo_headers_hash(&headers));
    }
    Ok(canonical)
}

fn invalid_header(name: &str, reason: &str) -> EmulatorError {
    EmulatorError::InvalidInput { field: "x_duo_headers".into(), reason: format!("header {name} {reason}") }
}

/// Checks `X-Duo-*` headers as `duo_hmac` does: prefix, no NUL, printable, no case-insensitive
/// duplicates. Returns them lower-cased and sorted by name.
fn check_x_duo_headers(headers: &[(String, String)]) -> Result<Vec<(String, &str)>, EmulatorError> {
    let mut out: Vec<(String, &str)> = Vec::with_capacity(headers.len());
    for (name, value) in headers {
        let lower = name.to_ascii_lowercase();
        if !lower.starts_with("x-duo-") {
            return Err(invalid_header(name, "does not start with X-Duo-"));
        }
        if name.contains('\0') || value.contains('\0') {
            return Err(invalid_header(name, "contains a NUL character"));
        }
        if !name.bytes().all(|b| b.is_ascii_graphic())
            || value.chars().any(|c| !(c == ' ' || c == '\t' || c.is_ascii_graphic()))
        {
            return Err(invalid_header(name, "is not printable ASCII"));
        }
        if out.iter().any(|(n, _)| *n == lower) {
            return Err(invalid_header(name, "is given twice"));
        }
        out.push((lower, value.as_str()));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

fn x_duo_headers_hash(sorted: &[(String, &str)]) -> String {
    if sorted.is_empty() {
        return SHA512_EMPTY.to_string();
    }
    let mut hasher = Sha512::new();
    for (i, (name, value)) in sorted.iter().enumerate() {
        if i > 0 {
            hasher.update(b"\0");
        }
        hasher.update(name.as_bytes());
        hasher.update(b"\0");
        hasher.update(value.as_bytes());
    }
    hex::encode(hasher.finalize())
}
