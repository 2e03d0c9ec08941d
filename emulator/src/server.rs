//! The HTTP(S) server: accept loop, the one request handler (body limit, faults, rate limit,
//! verification, dispatch, recording) and the answers.

use crate::auth::{self, Incoming};
use crate::{Fault, RecordedRequest, Shared};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};
use tokio_rustls::TlsAcceptor;

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
    let status = u16::try_from(code / 100).ok().filter(|s| (400..600).contains(s)).unwrap_or(500);
    let mut body = serde_json::Map::new();
    body.insert("stat".into(), "FAIL".into());
    body.insert("code".into(), code.into());
    body.insert("message".into(), message.into());
    if let Some(detail) = detail {
        body.insert("message_detail".into(), detail.into());
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

/// Handle of the running server task.
pub(crate) struct ServerHandle {
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl ServerHandle {
    /// Asks the server to stop (no waiting).
    pub(crate) fn signal(&self) {
        self.stop.send_replace(true);
    }

    /// Asks the server to stop and waits until it has.
    pub(crate) async fn shutdown(&mut self) {
        self.signal();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

/// Spawns the accept loop on the current runtime.
pub(crate) fn spawn(listener: TcpListener, acceptor: Option<TlsAcceptor>, shared: Arc<Shared>) -> ServerHandle {
    let (stop, mut stopped) = watch::channel(false);
    let router = axum::Router::new().fallback(handle).with_state(shared);
    let task = tokio::spawn(async move {
        let mut connections = JoinSet::new();
        loop {
            tokio::select! {
                _ = stopped.changed() => break,
                accepted = listener.accept() => match accepted {
                    Ok((stream, _)) => {
                        connections.spawn(serve_connection(stream, acceptor.clone(), router.clone()));
                    }
                    Err(e) => {
                        tracing::debug!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(10)).await;
                    }
                },
                Some(_) = connections.join_next(), if !connections.is_empty() => {}
            }
        }
        connections.abort_all();
        while connections.join_next().await.is_some() {}
    });
    ServerHandle { stop, task: Some(task) }
}

async fn serve_connection(stream: TcpStream, acceptor: Option<TlsAcceptor>, router: axum::Router) {
    let _ = stream.set_nodelay(true);
    let service = hyper_util::service::TowerToHyperService::new(router);
    let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    match acceptor {
        Some(acceptor) => {
            let Ok(Ok(tls)) = tokio::time::timeout(Duration::from_secs(10), acceptor.accept(stream)).await else {
                return;
            };
            if let Err(e) = builder.serve_connection(TokioIo::new(tls), service).await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        }
        None => {
            if let Err(e) = builder.serve_connection(TokioIo::new(stream), service).await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
        }
    }
}

enum BodyError {
    TooLarge,
    Read,
}

async fn read_body(body: Body, headers: &HeaderMap, limit: usize) -> Result<Bytes, BodyError> {
    let declared =
        headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(BodyError::TooLarge);
    }
    let mut stream = body.into_data_stream();
    let mut buf = BytesMut::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| BodyError::Read)?;
        if buf.len().saturating_add(chunk.len()) > limit {
            return Err(BodyError::TooLarge);
        }
        buf.extend_from_slice(&chunk);
    }
    Ok(buf.freeze())
}

/// Decodes `application/x-www-form-urlencoded` text (or a query string): `+` is a space.
pub(crate) fn decode_form(input: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(input).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// Decodes a v5 JSON object body: values are strings, lists of strings, numbers or booleans
/// (and, for `aliases` only, an object of strings).
fn decode_json_body(body: &[u8]) -> Result<Vec<(String, String)>, Reply> {
    let invalid = |detail: &str| fail(40002, "Invalid request parameters", Some(detail));
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|_| invalid("body"))?;
    let serde_json::Value::Object(map) = value else { return Err(invalid("body")) };
    let mut pairs = Vec::with_capacity(map.len());
    for (key, value) in map {
        match value {
            serde_json::Value::String(s) => pairs.push((key, s)),
            serde_json::Value::Number(n) => pairs.push((key, n.to_string())),
            serde_json::Value::Bool(b) => pairs.push((key, b.to_string())),
            serde_json::Value::Array(items) => {
                for item in items {
                    match item {
                        serde_json::Value::String(s) => pairs.push((key.clone(), s)),
                        serde_json::Value::Number(n) => pairs.push((key.clone(), n.to_string())),
                        serde_json::Value::Bool(b) => pairs.push((key.clone(), b.to_string())),
                        _ => return Err(invalid(&key)),
                    }
                }
            }
            // `aliases` as an object (`{"alias1": "a"}`) is the JSON form of `alias1=a`
            serde_json::Value::Object(inner) if key == "aliases" => {
                let mut form = form_urlencoded::Serializer::new(String::new());
                for (name, alias) in inner {
                    let serde_json::Value::String(alias) = alias else { return Err(invalid(&key)) };
                    form.append_pair(&name, &alias);
                }
                pairs.push((key, form.finish()));
            }
            serde_json::Value::Null | serde_json::Value::Object(_) => return Err(invalid(&key)),
        }
    }
    Ok(pairs)
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.trim_start().to_ascii_lowercase().starts_with("application/json"))
}

/// The one handler behind every path.
async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    shared.request_count.fetch_add(1, Ordering::Relaxed);
    let (parts, body) = request.into_parts();
    let method = parts.method.as_str().to_ascii_uppercase();
    let path = parts.uri.path().to_string();
    let query = parts.uri.query().map(|q| decode_form(q.as_bytes())).unwrap_or_default();
    let mut record = RecordedRequest { method, path, params: query, status: 0 };

    let body = match read_body(body, &parts.headers, shared.max_body_bytes).await {
        Ok(body) => body,
        Err(BodyError::TooLarge) => {
            let detail = format!("the request body exceeds {} bytes", shared.max_body_bytes);
            return finish(&shared, record, fail(41301, "Request entity too large", Some(&detail)));
        }
        Err(BodyError::Read) => {
            return finish(&shared, record, fail(40002, "Invalid request parameters", Some("body")));
        }
    };
    let json_body = is_json(&parts.headers);
    let form_body = if body.is_empty() || json_body { None } else { Some(decode_form(&body)) };
    let body_params = match (&form_body, json_body && !body.is_empty()) {
        (Some(form), _) => Ok(form.clone()),
        (None, true) => decode_json_body(&body),
        (None, false) => Ok(Vec::new()),
    };
    let query_len = record.params.len();
    if let Ok(extra) = &body_params {
        record.params.extend(extra.iter().cloned());
    }

    if let Some(fault) = shared.control.next_fault() {
        match fault {
            Fault::Delay { delay, .. } => tokio::time::sleep(delay).await,
            other => return finish(&shared, record, fault_reply(&other)),
        }
    }
    if !shared.control.admit() {
        return finish(&shared, record, too_many_requests(None));
    }
    let incoming = Incoming {
        headers: &parts.headers,
        uri: &parts.uri,
        method: &record.method,
        query: record.params.get(..query_len).unwrap_or_default(),
        form_body: form_body.as_deref(),
        body: &body,
    };
    if let Err(reply) = auth::verify(&shared, &incoming) {
        return finish(&shared, record, reply);
    }
    let reply = match body_params {
        Err(reply) => reply,
        Ok(_) => crate::handlers::dispatch(&shared, &record.method, &record.path, &record.params),
    };
    finish(&shared, record, reply)
}

fn fault_reply(fault: &Fault) -> Reply {
    match fault {
        Fault::RateLimited { retry_after, .. } => too_many_requests(*retry_after),
        Fault::ServerError { status, .. } => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let message = status.canonical_reason().unwrap_or("Server Error");
            let mut reply = fail(u32::from(status.as_u16()) * 100 + 1, message, None);
            reply.status = status.as_u16();
            reply
        }
        Fault::MalformedBody { .. } => Reply::ok(Bytes::from_static(br#"{"stat": "OK", "response": [{"user_id": "#)),
        Fault::DropConnection { .. } => Reply {
            status: 200,
            body: Bytes::from_static(br#"{"stat":"OK","response":[{"user_id":"DU"#),
            retry_after: None,
            delivery: Delivery::Drop,
        },
        Fault::Delay { .. } => Reply::ok(Bytes::from_static(br#"{"stat":"OK","response":[]}"#)),
    }
}

fn finish(shared: &Shared, mut record: RecordedRequest, reply: Reply) -> Response {
    record.status = if reply.delivery == Delivery::Drop { 0 } else { reply.status };
    shared.control.record(record);
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = match reply.delivery {
        Delivery::Normal => Body::from(reply.body),
        Delivery::Drop => {
            let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
                Ok(reply.body),
                Err(std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "connection dropped on purpose")),
            ];
            Body::from_stream(futures_util::stream::iter(chunks))
        }
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Some(seconds) = reply.retry_after {
        headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}
