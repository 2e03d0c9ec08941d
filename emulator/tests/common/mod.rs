//! Helpers shared by the emulator's integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use duo_directory::{Client, ClientConfig, Params, RetryPolicy, SigVersion, SignOptions, sign_request};
use duo_directory_emulator::{Emulator, EmulatorConfig};
use std::time::Duration;

/// A plain-HTTP emulator (fast to start; TLS is covered by its own tests).
pub async fn http_emulator(users: usize) -> Emulator {
    Emulator::start(EmulatorConfig { tls: false, generated_users: users, ..EmulatorConfig::default() }).await.unwrap()
}

/// Client settings with tiny retry waits, on the standard schedule (the faults tests count its
/// attempts; the adaptive mode is tested in the conformance suite).
pub fn fast_config(emulator: &Emulator) -> ClientConfig {
    let mut config = emulator.client_config();
    config.retry_mode = duo_directory::RetryMode::Standard;
    config.retry = RetryPolicy {
        max_retries: 3,
        base: Duration::from_millis(5),
        cap: Duration::from_millis(20),
        jitter: Duration::ZERO,
        connect_base: Duration::from_millis(5),
        ..RetryPolicy::default()
    };
    config.timeout = Duration::from_secs(10);
    config
}

pub fn client(emulator: &Emulator) -> Client {
    Client::new(fast_config(emulator)).unwrap()
}

pub fn client_with(emulator: &Emulator, sig_version: SigVersion) -> Client {
    let mut config = fast_config(emulator);
    config.sig_version = sig_version;
    Client::new(config).unwrap()
}

/// A raw answer.
#[derive(Debug)]
pub struct Raw {
    pub status: u16,
    pub body: serde_json::Value,
    pub headers: reqwest::header::HeaderMap,
}

/// How to build a raw signed request.
pub struct RawRequest<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub params: Params,
    pub sig_version: SigVersion,
    pub ikey: Option<&'a str>,
    pub skey: Option<&'a str>,
    pub date: Option<String>,
    pub x_duo_headers: Vec<(String, String)>,
    /// Replace the signed body with this one (after signing).
    pub body_override: Option<Vec<u8>>,
    /// Replace the Authorization header.
    pub authorization: Option<String>,
    /// Send no Date header (the caller lists X-Duo-Date in `x_duo_headers`).
    pub x_duo_date: bool,
}

impl<'a> RawRequest<'a> {
    pub fn new(method: &'a str, path: &'a str, params: Params) -> Self {
        RawRequest {
            method,
            path,
            params,
            sig_version: SigVersion::V5,
            ikey: None,
            skey: None,
            date: None,
            x_duo_headers: Vec::new(),
            body_override: None,
            authorization: None,
            x_duo_date: false,
        }
    }
}

/// Signs and sends a request with reqwest over plain HTTP (the emulator must have `tls: false`).
pub async fn raw(emulator: &Emulator, req: RawRequest<'_>) -> Raw {
    let signed = sign_request(
        req.ikey.unwrap_or(emulator.ikey()),
        req.skey.unwrap_or(emulator.skey()),
        req.method,
        &emulator.host(),
        req.path,
        &req.params,
        &SignOptions { date: req.date.clone(), sig_version: req.sig_version, x_duo_headers: req.x_duo_headers.clone() },
    )
    .unwrap();
    let mut url = format!("http://{}{}", emulator.host(), req.path);
    if !signed.query.is_empty() {
        url.push('?');
        url.push_str(&signed.query);
    }
    duo_directory::install_crypto_provider();
    let http = reqwest::Client::new();
    let method = reqwest::Method::from_bytes(req.method.as_bytes()).unwrap();
    let mut builder = http.request(method, url);
    // with `x_duo_date` the caller puts X-Duo-Date among the signed X-Duo headers; no Date is sent
    if !req.x_duo_date {
        builder = builder.header("Date", &signed.date);
    }
    builder = builder.header("Authorization", req.authorization.clone().unwrap_or(signed.authorization.clone()));
    for (name, value) in &req.x_duo_headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    if let Some(body) = &signed.body {
        builder = builder.header("Content-Type", body.content_type());
    }
    if let Some(body) = req.body_override {
        builder = builder.body(body);
    } else if let Some(body) = signed.body {
        builder = builder.body(body.text().to_owned());
    }
    let response = builder.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.unwrap();
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| serde_json::Value::String(String::from_utf8_lossy(&bytes).into()));
    Raw { status, body, headers }
}

/// Asserts a Duo FAIL envelope with this HTTP status and code.
#[track_caller]
pub fn assert_fail(raw: &Raw, status: u16, code: u64) {
    assert_eq!(raw.status, status, "{:?}", raw.body);
    assert_eq!(raw.body["stat"], "FAIL", "{:?}", raw.body);
    assert_eq!(raw.body["code"].as_u64(), Some(code), "{:?}", raw.body);
    assert!(raw.body["message"].as_str().is_some_and(|m| !m.is_empty()), "{:?}", raw.body);
}

/// Asserts a core API error with this HTTP status and Duo code.
#[track_caller]
pub fn assert_api_error(error: &duo_directory::Error, status: u16, code: i64) {
    let api = error.api_error().unwrap_or_else(|| panic!("not an API error: {error:?}"));
    assert_eq!(api.status, status, "{error:?}");
    assert_eq!(api.code, Some(code), "{error:?}");
}

/// Sends `body` as a v5-signed request (signature over the exact bytes), over plain HTTP.
pub async fn signed_body(emulator: &Emulator, method: &str, path: &str, body: &[u8], content_type: &str) -> Raw {
    use base64::Engine;
    use hmac::{Hmac, KeyInit, Mac};
    let date = duo_directory::date::rfc2822_date(std::time::SystemTime::now());
    let canonical =
        duo_directory_emulator::verify::server_canonical(5, &date, method, &emulator.host(), path, "", body, &[])
            .unwrap();
    let mut mac = <Hmac<sha2::Sha512> as KeyInit>::new_from_slice(emulator.skey().as_bytes()).unwrap();
    mac.update(canonical.as_bytes());
    let sig = hex::encode(mac.finalize().into_bytes());
    let auth =
        format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{}:{sig}", emulator.ikey())));
    duo_directory::install_crypto_provider();
    let response = reqwest::Client::new()
        .request(reqwest::Method::from_bytes(method.as_bytes()).unwrap(), format!("http://{}{path}", emulator.host()))
        .header("Date", date)
        .header("Authorization", auth)
        .header("Content-Type", content_type)
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.unwrap();
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| serde_json::Value::String(String::from_utf8_lossy(&bytes).into()));
    Raw { status, body, headers }
}
