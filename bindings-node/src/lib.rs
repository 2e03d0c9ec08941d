//! Node binding of duo-directory (napi-rs): the addon behind the `duo-directory` npm package.
//!
//! Conversion and naming only; every behaviour (validation, signing, paging, retries, previews,
//! redaction, the runtime and its shutdown) lives in the core crate. Module layout mirrors the
//! Python binding: [`models`], [`client`], [`error`], [`sign`], [`emulator`]. Async calls run on
//! core's one shared runtime (`duo_directory::runtime`); napi's own tokio runtime is not built in.
// napi registers the exports only outside `cfg(test)`, so a test build sees them unused.
#![cfg_attr(test, allow(dead_code))]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic))]

mod client;
mod directory;
mod emulator;
mod error;
mod models;
mod reconcile;
mod sign;
mod surface;

use napi::Env;
use napi::bindgen_prelude::{PromiseRaw, Unknown};
use napi_derive::napi;

/// This package's version (core's).
#[napi]
pub const VERSION: &str = duo_directory::VERSION;

/// Called once by `index.js` at load: registers the function that builds the error classes of
/// `errors.js`, and an environment cleanup hook that stops core's runtime (and removes the
/// emulator's CA files) when Node exits, so that no runtime thread touches a torn-down Node.
#[napi(
    js_name = "_init",
    ts_args_type = "makeError: (className: string, message: string, properties: Record<string, unknown>) => Error"
)]
pub fn init(
    env: Env,
    make_error: napi::bindgen_prelude::Function<
        '_,
        napi::bindgen_prelude::FnArgs<(&'static str, String, serde_json::Value)>,
        Unknown<'static>,
    >,
) -> napi::Result<()> {
    env.set_instance_data(make_error.create_ref()?, (), |_| {})?;
    env.add_env_cleanup_hook((), |()| {
        duo_directory::runtime::shutdown(std::time::Duration::from_millis(500));
        duo_directory_emulator::remove_ca_files_at_exit();
    })?;
    Ok(())
}

/// Panics on purpose, to prove that a panic reaches JavaScript as a `DuoError` (code `internal`).
#[napi(js_name = "_forcePanic")]
pub fn force_panic(env: Env) -> napi::Result<()> {
    error::sync(&env, || -> duo_directory::Result<()> {
        #[allow(clippy::panic)]
        {
            panic!("forced panic (test)")
        }
    })
}

/// Panics on purpose inside a Promise's work on the runtime (the async path's guard).
#[napi(js_name = "_forcePanicAsync", ts_return_type = "Promise<void>")]
pub fn force_panic_async(env: &Env) -> napi::Result<PromiseRaw<'_, ()>> {
    let work = async {
        #[allow(clippy::panic)]
        if std::hint::black_box(true) {
            panic!("forced panic (test, async)")
        }
        Ok(())
    };
    error::promise(env, work, |()| ())
}
