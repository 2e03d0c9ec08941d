//! The one mapping from core's [`Error`] to the JavaScript error classes, which are defined in
//! `errors.js` (in one place, with their JSDoc) and built through the `makeError` function that
//! `index.js` registers at load:
//!
//! ```text
//! DuoError(Error)          .code (core's stable kind string) .status .duoCode .messageDetail .field
//! ├── DuoApiError          + .attempts .diagnosis
//! │   ├── NotFoundError
//! │   ├── AuthError
//! │   └── RateLimitedError + .retryAfter (seconds or null)
//! ├── InvalidInputError    + .reason
//! ├── TransportError       + .sent (may have reached Duo) .attempts
//! ├── DuoTimeoutError      + .attempts
//! ├── DecodeError          + .reason .line .column .excerpt
//! └── WebhookVerificationError + .reason (which check failed) .detail
//! ```
//!
//! Also here: [`sync`] (a core call on the JS thread, panics caught) and [`promise`] (a core
//! future on core's shared runtime, settled on the JS thread).

use duo_directory::{ApiError, Error};
use napi::bindgen_prelude::{FnArgs, FunctionRef, PromiseRaw, ToNapiValue, Unknown};
use napi::{Env, JsValue};
use serde_json::{Value, json};
use std::future::Future;
use std::panic::AssertUnwindSafe;

/// `makeError(className, message, properties)`, registered by `index.js`.
pub type MakeError = FunctionRef<FnArgs<(&'static str, String, Value)>, Unknown<'static>>;

/// The class name and the extra properties of an error: one exhaustive match over core's error.
fn describe(e: &Error) -> (&'static str, Value) {
    let api = |a: &ApiError| {
        json!({ "status": a.status, "duoCode": a.code, "messageDetail": a.message_detail,
                "attempts": a.attempts, "diagnosis": a.diagnosis, "duoMessage": a.message })
    };
    match e {
        Error::Api(a) => ("DuoApiError", api(a)),
        Error::NotFound(a) => ("NotFoundError", api(a)),
        Error::Unauthorized(a) => ("AuthError", api(a)),
        Error::RateLimited { error, retry_after } => {
            let mut props = api(error);
            if let Some(map) = props.as_object_mut() {
                map.insert("retryAfter".into(), json!(retry_after.map(|d| d.as_secs_f64())));
            }
            ("RateLimitedError", props)
        }
        Error::InvalidInput { field, reason } => ("InvalidInputError", json!({ "field": field, "reason": reason })),
        Error::Transport { sent, attempts, .. } => ("TransportError", json!({ "sent": sent, "attempts": attempts })),
        Error::Timeout { attempts, .. } => ("DuoTimeoutError", json!({ "attempts": attempts })),
        Error::Decode { field, reason, line, column, excerpt } => (
            "DecodeError",
            json!({ "field": field, "reason": reason, "line": line, "column": column, "excerpt": excerpt }),
        ),
        Error::WebhookVerification { reason, detail } => {
            ("WebhookVerificationError", json!({ "reason": reason.as_str(), "detail": detail }))
        }
        Error::Internal { .. } => ("DuoError", json!({})),
    }
}

/// A core error as the matching JavaScript error object (a plain `Error` if `index.js` has not
/// registered its classes, which only happens when the addon is loaded without it).
pub fn to_js(env: &Env, e: Error) -> napi::Error {
    let (class, mut props) = describe(&e);
    if let Some(map) = props.as_object_mut() {
        map.insert("code".into(), json!(e.code()));
    }
    let message = e.to_string();
    let made = env
        .get_instance_data::<MakeError>()
        .ok()
        .flatten()
        .and_then(|make| make.borrow_back(env).ok())
        .and_then(|make| make.call((class, message.clone(), props).into()).ok());
    match made {
        Some(object) => napi::Error::from(object),
        None => napi::Error::new(napi::Status::GenericFailure, message),
    }
}

/// The text of a panic payload, as an [`Error::Internal`].
pub fn panic_error(payload: &(dyn std::any::Any + Send)) -> Error {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string());
    Error::Internal { message: format!("a bug in duo-directory (Rust panic: {text}); please report it") }
}

/// Runs a core call on the JS thread: its error becomes the matching JS error, a panic a `DuoError`.
pub fn sync<T>(env: &Env, f: impl FnOnce() -> duo_directory::Result<T>) -> napi::Result<T> {
    std::panic::catch_unwind(AssertUnwindSafe(f))
        .unwrap_or_else(|p| Err(panic_error(p.as_ref())))
        .map_err(|e| to_js(env, e))
}

type Settle<V> = Box<dyn FnOnce(Env) -> napi::Result<V> + Send>;

/// A Promise of `fut`, which runs on core's shared runtime (never on the JS thread); its value
/// is converted by `convert` on the JS thread. A panic rejects with a `DuoError`.
pub fn promise<'env, T, V, F>(
    env: &'env Env,
    fut: F,
    convert: impl FnOnce(T) -> V + Send + 'static,
) -> napi::Result<PromiseRaw<'env, V>>
where
    T: Send + 'static,
    V: ToNapiValue + 'static,
    F: Future<Output = duo_directory::Result<T>> + Send + 'static,
{
    promise_in(env, fut, move |_, value| convert(value))
}

/// [`promise`] whose `convert` is also handed the JS thread's `Env` (to build JS values such as
/// a failed outcome's `DuoError` with [`to_js`]).
pub fn promise_in<'env, T, V, F>(
    env: &'env Env,
    fut: F,
    convert: impl FnOnce(&Env, T) -> V + Send + 'static,
) -> napi::Result<PromiseRaw<'env, V>>
where
    T: Send + 'static,
    V: ToNapiValue + 'static,
    F: Future<Output = duo_directory::Result<T>> + Send + 'static,
{
    use futures_util::FutureExt;
    let (deferred, object) = env.create_deferred::<V, Settle<V>>()?;
    let task = async move {
        let result = AssertUnwindSafe(fut).catch_unwind().await.unwrap_or_else(|p| Err(panic_error(p.as_ref())));
        deferred.resolve(Box::new(move |env: Env| match result {
            Ok(value) => Ok(convert(&env, value)),
            Err(e) => Err(to_js(&env, e)),
        }));
    };
    duo_directory::runtime::spawn(task).map_err(|e| to_js(env, e))?;
    Ok(PromiseRaw::new(env.raw(), object.raw()))
}
