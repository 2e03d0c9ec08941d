//! The HTTP(S) server: accept loop, the one request handler (body limit, faults, rate limit,
//! verification, dispatch, recording) and the answers.

use crate::auth::{self, Incoming};
use crate::form::{decode_form, decode_json_body, is_json};
use crate::handlers;
use crate::reply::{Delivery, Reply, fail, too_many_requests};
use crate::{Fault, RecordedRequest, Shared};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use bytes::{Bytes, BytesMut};
use duo_directory::RequestClass;
use futures_util::StreamExt;
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};
use tokio_rustls::TlsAcceptor;

/// Most concurrent HTTP/2 streams per connection.
const MAX_CONCURRENT_STREAMS: u32 = 1000;
/// Streams a client may reset before they are accepted (hyper's default, 20, refuses a burst
/// of cancelled requests with `too_many_resets`).
const MAX_PENDING_ACCEPT_RESET_STREAMS: usize = 4096;
/// Streams the server may reset because of local errors before it closes the connection.
const MAX_LOCAL_ERROR_RESET_STREAMS: usize = 4096;

/// Handle of the running server tasks (one accept loop per listening socket).
pub(crate) struct ServerHandle {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl ServerHandle {
    /// Asks the server to stop (no waiting).
    pub(crate) fn signal(&self) {
        self.stop.send_replace(true);
    }

    /// Asks the server to stop and waits until it has.
    pub(crate) async fn shutdown(&mut self) {
        self.signal();
        for task in std::mem::take(&mut self.tasks) {
            let _ = task.await;
        }
    }
}

/// Spawns one accept loop per listener on the current runtime.
pub(crate) fn spawn(listeners: Vec<TcpListener>, acceptor: Option<TlsAcceptor>, shared: Arc<Shared>) -> ServerHandle {
    let (stop, stopped) = watch::channel(false);
    let router = axum::Router::new().fallback(handle).with_state(shared);
    let tasks = listeners
        .into_iter()
        .map(|listener| tokio::spawn(accept_loop(listener, acceptor.clone(), router.clone(), stopped.clone())))
        .collect();
    ServerHandle { stop, tasks }
}

async fn accept_loop(
    listener: TcpListener,
    acceptor: Option<TlsAcceptor>,
    router: axum::Router,
    mut stopped: watch::Receiver<bool>,
) {
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
}

/// The HTTP/1.1 + HTTP/2 connection builder, tuned to survive bursts of cancelled requests.
fn builder() -> hyper_util::server::conn::auto::Builder<TokioExecutor> {
    let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    builder
        .http2()
        .max_concurrent_streams(MAX_CONCURRENT_STREAMS)
        .max_pending_accept_reset_streams(MAX_PENDING_ACCEPT_RESET_STREAMS)
        .max_local_error_reset_streams(MAX_LOCAL_ERROR_RESET_STREAMS);
    builder
}

async fn serve_connection(stream: TcpStream, acceptor: Option<TlsAcceptor>, router: axum::Router) {
    let _ = stream.set_nodelay(true);
    let service = hyper_util::service::TowerToHyperService::new(router);
    let builder = builder();
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

/// The one handler behind every path.
async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    shared.request_count.fetch_add(1, Ordering::Relaxed);
    if !shared.latency.is_zero() {
        tokio::time::sleep(shared.latency).await;
    }
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
    if crate::directory_api::serves(&record.path) {
        let authorization = parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        let reply = crate::directory_api::handle(&shared, &record.method, &record.path, authorization, &record.params);
        return finish(&shared, record, reply);
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
    // Counted once the request is known to be the integration's, as Duo counts an integration's calls.
    if let Some(limiter) = &shared.limiter {
        let class = RequestClass::of(&record.method, &record.path, |name| record.params.iter().any(|(k, _)| k == name));
        if !limiter.admit(class) {
            return finish(&shared, record, too_many_requests(None));
        }
    }
    let reply = match body_params {
        Err(reply) => reply,
        Ok(_) => handlers::dispatch(&shared, &record.method, &record.path, &record.params),
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
    if let Ok(date) = HeaderValue::from_str(&duo_directory::date::http_date(shared.now())) {
        headers.insert(header::DATE, date);
    }
    if let Some(seconds) = reply.retry_after {
        headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}
