//! Duo request signatures v2 (HMAC-SHA1 or HMAC-SHA512) and v5 (HMAC-SHA512 with hashed body and
//! `X-Duo-*` headers), byte-identical to the official `duo_client` 5.x.

use crate::canon_json::params_to_json;
use crate::error::{Error, Result};
use crate::params::Params;
use crate::secret::Secret;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sha1::Sha1;
use sha2::{Digest, Sha512};
use std::fmt;

/// Characters percent-encoded in canonical parameters: everything but `A-Z a-z 0-9 - _ . ~`.
pub const ENCODE_SET: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// Lower-case hex SHA-512 of the empty string, the body/header hash line of most v5 requests.
pub const SHA512_EMPTY: &str = "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e";

/// Which Duo signature scheme to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum SigVersion {
    /// Signature v2 with HMAC-SHA1 (the classic documented scheme); form-encoded bodies.
    V2,
    /// Signature v2 with HMAC-SHA512 (what `duo_client` 5.x sends for `sig_version=2`).
    V2Sha512,
    /// Signature v5 (HMAC-SHA512, SHA-512 of the body and of the `X-Duo-*` headers); JSON bodies.
    #[default]
    V5,
}

impl SigVersion {
    /// The scheme for a version number and an optional digest name, as `duo_client` 5.x takes
    /// them: `5` (SHA-512), `2` (HMAC-SHA512), `2` with `"sha1"` (the classic HMAC-SHA1).
    ///
    /// ```
    /// use duo_directory::SigVersion;
    /// assert_eq!(SigVersion::from_parts(2, Some("SHA1"))?, SigVersion::V2);
    /// assert_eq!(SigVersion::from_parts(2, None)?, SigVersion::V2Sha512);
    /// assert!(SigVersion::from_parts(5, Some("sha1")).is_err());
    /// # Ok::<(), duo_directory::Error>(())
    /// ```
    pub fn from_parts(version: i64, digest: Option<&str>) -> Result<SigVersion> {
        let digest = digest.map(str::to_ascii_lowercase);
        match (version, digest.as_deref()) {
            (5, None | Some("sha512")) => Ok(SigVersion::V5),
            (2, None | Some("sha512")) => Ok(SigVersion::V2Sha512),
            (2, Some("sha1")) => Ok(SigVersion::V2),
            (5 | 2, Some(d)) => {
                Err(Error::invalid("digest", format!("{d:?} is not available with sig_version={version}")))
            }
            (v, _) => Err(Error::invalid("sig_version", format!("{v} is not supported; use 2 or 5"))),
        }
    }

    /// The version number as Duo names it (2 or 5).
    pub fn number(self) -> u8 {
        match self {
            SigVersion::V2 | SigVersion::V2Sha512 => 2,
            SigVersion::V5 => 5,
        }
    }
}

/// Whether `method` carries its parameters in the body (`POST`, `PUT`, `PATCH`).
pub fn params_go_in_body(method: &str) -> bool {
    method.eq_ignore_ascii_case("POST") || method.eq_ignore_ascii_case("PUT") || method.eq_ignore_ascii_case("PATCH")
}

/// Percent-encodes `s` as Duo canonicalization does (upper-case hex, only unreserved bytes bare).
///
/// ```
/// assert_eq!(duo_directory::sign::percent_encode("a b+ö~"), "a%20b%2B%C3%B6~");
/// ```
pub fn percent_encode(s: &str) -> String {
    utf8_percent_encode(s, ENCODE_SET).to_string()
}

/// The canonical parameter string: encoded pairs sorted by key then value, joined by `&`.
///
/// ```
/// use duo_directory::{Params, sign::canon_params};
/// let p = Params::new().with("username", "j smith").with("limit", "300");
/// assert_eq!(canon_params(&p), "limit=300&username=j%20smith");
/// ```
pub fn canon_params(params: &Params) -> String {
    let mut pairs: Vec<(String, String)> = Vec::with_capacity(params.len());
    for (k, v) in params.iter() {
        let key = percent_encode(k);
        for value in v.values() {
            pairs.push((key.clone(), percent_encode(value)));
        }
    }
    pairs.sort_unstable();
    let mut out = String::with_capacity(pairs.iter().map(|(k, v)| k.len() + v.len() + 2).sum());
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

/// Options of one signature. `date: None` means "now".
#[derive(Debug, Clone, Default)]
pub struct SignOptions {
    /// The exact `Date` string to sign and send; `None` uses the current time.
    pub date: Option<String>,
    /// Signature scheme (v5 by default).
    pub sig_version: SigVersion,
    /// Extra `X-Duo-*` headers to hash (v5) and send.
    pub x_duo_headers: Vec<(String, String)>,
}

/// A request body and its `Content-Type`: canonical JSON (v5) or a canonical form (v2).
/// JSON form: `{"content_type": "application/json", "text": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "content_type", content = "text")]
pub enum Body {
    /// `application/json` (signature v5).
    #[serde(rename = "application/json")]
    Json(String),
    /// `application/x-www-form-urlencoded` (signature v2).
    #[serde(rename = "application/x-www-form-urlencoded")]
    Form(String),
}

impl Body {
    /// The body text as sent.
    pub fn text(&self) -> &str {
        match self {
            Body::Json(t) | Body::Form(t) => t,
        }
    }

    /// The `Content-Type` header value.
    pub fn content_type(&self) -> &'static str {
        match self {
            Body::Json(_) => "application/json",
            Body::Form(_) => "application/x-www-form-urlencoded",
        }
    }
}

/// A signed request: everything needed to send it. Its JSON form (serde) holds every field,
/// the `Authorization` value included; `Debug` masks it.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SignedRequest {
    /// Value of the `Authorization` header: `Basic base64(ikey:hexsig)`.
    pub authorization: String,
    /// Value of the `Date` header (identical to the canonical string's first line).
    pub date: String,
    /// The exact string that was HMAC'd.
    pub canonical: String,
    /// Query string to append after `?` (empty when the parameters travel in the body).
    #[serde(default)]
    pub query: String,
    /// Request body, for POST/PUT/PATCH.
    #[serde(default)]
    pub body: Option<Body>,
    /// The validated `X-Duo-*` headers to send, as given.
    #[serde(default, with = "crate::pairs")]
    pub x_duo_headers: Vec<(String, String)>,
}

impl fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The Authorization header is a credential for this one request: show only its scheme.
        f.debug_struct("SignedRequest")
            .field("authorization", &"Basic ***")
            .field("date", &self.date)
            .field("canonical", &self.canonical)
            .field("query", &self.query)
            .field("body", &self.body)
            .finish()
    }
}

/// Signs requests for one integration; holds HMAC states keyed once and cloned per request.
#[derive(Clone)]
pub struct Signer {
    ikey: String,
    sha1: Hmac<Sha1>,
    sha512: Hmac<Sha512>,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer").field("ikey", &self.ikey).field("skey", &"***").finish()
    }
}

impl Signer {
    /// Keys a signer with the integration key and secret key.
    pub fn new(ikey: &str, skey: &Secret) -> Result<Self> {
        if ikey.is_empty() {
            return Err(Error::invalid("ikey", "the integration key is empty"));
        }
        if skey.is_empty() {
            return Err(Error::invalid("skey", "the secret key is empty"));
        }
        let key = skey.expose().as_bytes();
        let sha1 =
            <Hmac<Sha1> as KeyInit>::new_from_slice(key).map_err(|_| Error::invalid("skey", "unusable HMAC key"))?;
        let sha512 =
            <Hmac<Sha512> as KeyInit>::new_from_slice(key).map_err(|_| Error::invalid("skey", "unusable HMAC key"))?;
        Ok(Signer { ikey: ikey.to_string(), sha1, sha512 })
    }

    /// The integration key.
    pub fn ikey(&self) -> &str {
        &self.ikey
    }

    /// Signs one request. `path` is sent and signed verbatim (percent-encode ids yourself).
    pub fn sign(
        &self,
        method: &str,
        host: &str,
        path: &str,
        params: &Params,
        options: &SignOptions,
    ) -> Result<SignedRequest> {
        let method_upper = method.to_ascii_uppercase();
        let date = match &options.date {
            Some(d) => d.clone(),
            None => crate::date::rfc2822_date(std::time::SystemTime::now()),
        };
        let in_body = params_go_in_body(method);
        let headers = check_x_duo_headers(&options.x_duo_headers)?;
        let (query, body, params_line) = match (options.sig_version, in_body) {
            (SigVersion::V5, true) => (String::new(), Some(Body::Json(params_to_json(params))), String::new()),
            (_, false) => {
                let q = canon_params(params);
                (q.clone(), None, q)
            }
            (_, true) => {
                let form = canon_params(params);
                (String::new(), Some(Body::Form(form.clone())), form)
            }
        };
        let host_lower = host.to_ascii_lowercase();
        let mut canonical = String::with_capacity(date.len() + host.len() + path.len() + params_line.len() + 300);
        for (i, line) in [date.as_str(), method_upper.as_str(), host_lower.as_str(), path, params_line.as_str()]
            .into_iter()
            .enumerate()
        {
            if i > 0 {
                canonical.push('\n');
            }
            canonical.push_str(line);
        }
        if options.sig_version == SigVersion::V5 {
            canonical.push('\n');
            match &body {
                Some(b) => canonical.push_str(&hex::encode(Sha512::digest(b.text().as_bytes()))),
                None => canonical.push_str(SHA512_EMPTY),
            }
            canonical.push('\n');
            canonical.push_str(&hash_sorted_headers(&headers));
        }
        let sig = match options.sig_version {
            SigVersion::V2 => {
                let mut mac = self.sha1.clone();
                mac.update(canonical.as_bytes());
                hex::encode(mac.finalize().into_bytes())
            }
            SigVersion::V2Sha512 | SigVersion::V5 => {
                let mut mac = self.sha512.clone();
                mac.update(canonical.as_bytes());
                hex::encode(mac.finalize().into_bytes())
            }
        };
        let mut credentials = String::with_capacity(self.ikey.len() + 1 + sig.len());
        credentials.push_str(&self.ikey);
        credentials.push(':');
        credentials.push_str(&sig);
        let authorization = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(credentials));
        Ok(SignedRequest { authorization, date, canonical, query, body, x_duo_headers: options.x_duo_headers.clone() })
    }
}

/// Checks `X-Duo-*` headers as `duo_hmac` does: prefix, no NUL, no case-insensitive duplicates.
/// Returns them lower-cased and sorted by name.
fn check_x_duo_headers(headers: &[(String, String)]) -> Result<Vec<(String, &str)>> {
    let mut out: Vec<(String, &str)> = Vec::with_capacity(headers.len());
    for (name, value) in headers {
        let lower = name.to_ascii_lowercase();
        if !lower.starts_with("x-duo-") {
            return Err(Error::invalid("x_duo_headers", format!("header {name:?} does not start with X-Duo-")));
        }
        if name.contains('\0') || value.contains('\0') {
            return Err(Error::invalid("x_duo_headers", format!("header {name:?} contains a NUL character")));
        }
        if !name.bytes().all(|b| b.is_ascii_graphic())
            || value.chars().any(|c| !(c == ' ' || c == '\t' || c.is_ascii_graphic()))
        {
            return Err(Error::invalid("x_duo_headers", format!("header {name:?} is not printable ASCII")));
        }
        if out.iter().any(|(n, _)| *n == lower) {
            return Err(Error::invalid("x_duo_headers", format!("header {name:?} is given twice")));
        }
        out.push((lower, value.as_str()));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// The v5 canonical line of `X-Duo-*` headers: checked as [`Signer::sign`] checks them, then
/// SHA-512 of `name\0value` pairs (lower-cased names, sorted) joined by `\0`. For servers that
/// verify signatures (the emulator).
pub fn x_duo_headers_hash(headers: &[(String, String)]) -> Result<String> {
    Ok(hash_sorted_headers(&check_x_duo_headers(headers)?))
}

fn hash_sorted_headers(sorted: &[(String, &str)]) -> String {
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

/// Signs one request in one call (see [`Signer`] to sign many with the same keys).
///
/// ```
/// use duo_directory::{sign_request, Params, SignOptions, SigVersion};
/// let signed = sign_request(
///     "DIWJ8X6AEYOR5OMC6TQ1", "Zh5eGmUq9zpfQnyUIu5OL9iWoMMv5ZNmk3zLJ4Ep",
///     "GET", "api-3f2a91c4.duosecurity.com", "/admin/v1/users",
///     &Params::new().with("limit", "300").with("offset", "0"),
///     &SignOptions { date: Some("Tue, 21 Aug 2012 17:29:18 -0000".into()), sig_version: SigVersion::V2, ..Default::default() },
/// ).unwrap();
/// assert_eq!(signed.authorization, "Basic RElXSjhYNkFFWU9SNU9NQzZUUTE6ZWY2MGM2OTM2NDI1ZWI5YzA0ZjAxZmE2YWEzMzY2NzAzMGIxMDU4ZA==");
/// ```
pub fn sign_request(
    ikey: &str,
    skey: &str,
    method: &str,
    host: &str,
    path: &str,
    params: &Params,
    options: &SignOptions,
) -> Result<SignedRequest> {
    Signer::new(ikey, &Secret::new(skey))?.sign(method, host, path, params, options)
}
