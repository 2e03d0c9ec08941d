//! The answers before they become HTTP responses: Duo's OK and FAIL envelopes, 429.
//! A leaf module: `auth`, `handlers` and `server` import it; it imports none of them.

use bytes::Bytes;

/// How an answer is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Delivery {
    /// A complete response.
    Normal,
    /// Start the response, then abort the connection.
    Drop,
}

/// An answer before it becomes an HTTP response.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) body: Bytes,
    pub(crate) retry_after: Option<u64>,
    pub(crate) delivery: Delivery,
}

impl Reply {
    /// A 200 answer with this JSON body.
    pub(crate) fn ok(body: Bytes) -> Reply {
        Reply { status: 200, body, retry_after: None, delivery: Delivery::Normal }
    }
}

/// Duo's FAIL envelope; the HTTP status is the code's first three digits.
pub(crate) fn fail(code: u32, message: &str, detail: Option<&str>) -> Reply {
    fail_with(code, message, detail, &[])
}

/// Duo's FAIL envelope with extra string members (e.g. `expected_canonical` in debug mode).
pub(crate) fn fail_with(code: u32, message: &str, detail: Option<&str>, extra: &[(&str, &str)]) -> Reply {
    let status = u16::try_from(code / 100).ok().filter(|s| (400..600).contains(s)).unwrap_or(500);
    let mut body = serde_json::Map::new();
    body.insert("stat".into(), "FAIL".into());
    body.insert("code".into(), code.into());
    body.insert("message".into(), message.into());
    if let Some(detail) = detail {
        body.insert("message_detail".into(), detail.into());
    }
    for (name, value) in extra {
        body.insert((*name).into(), (*value).into());
    }
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    Reply { status, body: Bytes::from(bytes), retry_after: None, delivery: Delivery::Normal }
}

/// 429 / 42901, Duo's exact body.
pub(crate) fn too_many_requests(retry_after: Option<u64>) -> Reply {
    Reply {
        status: 429,
        body: Bytes::from_static(br#"{"stat":"FAIL","code":42901,"message":"Too Many Requests"}"#),
        retry_after,
        delivery: Delivery::Normal,
    }
}
