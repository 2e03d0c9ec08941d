//! Server-side signature verification: the canonical string a server rebuilds from what it
//! received, and the constant-time check of an `Authorization` header against it.
//! (Clients sign with core's [`duo_directory::Signer`]; only a server needs these.)

use crate::EmulatorError;
use base64::Engine;
use duo_directory::Secret;
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
        let headers_hash = duo_directory::sign::x_duo_headers_hash(x_duo_headers).map_err(EmulatorError::from_core)?;
        canonical.push('\n');
        canonical.push_str(&hex::encode(Sha512::digest(body)));
        canonical.push('\n');
        canonical.push_str(&headers_hash);
    }
    Ok(canonical)
}
