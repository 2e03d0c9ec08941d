//! The one tokio runtime per process, shared by the blocking client and every language binding,
//! and the rules at its boundary with a host interpreter (see `docs/runtime-boundary.md`):
//!
//! - [`shared`] builds it on first use (one worker thread) and hands out its [`Handle`]; a
//!   forked child gets a fresh one (the parent's worker threads do not exist there).
//! - [`shutdown`] stops it for good, waiting a moment for running tasks: a host calls it when it
//!   begins to exit (Python's `atexit`, Node's environment cleanup hook, a JVM shutdown hook), so
//!   that no worker thread touches the host after it has started tearing itself down. In-flight
//!   work is dropped; later calls fail with [`Error::Internal`] saying the process is exiting.
//! - [`block_on_interruptible`] waits for a future from a host thread in short slices, asking the
//!   host between slices whether to give up (Ctrl-C); giving up drops (cancels) the future.
//! - Once the host is exiting, only the thread that called [`shutdown`] may touch it:
//!   [`host_is_exiting`] tells every other thread (a logger forwarding to the host checks it), and
//!   a host thread that a blocking call would hand back to a half torn-down interpreter is parked
//!   for good instead ([`park_if_host_exiting`]): the process's exit ends it.

use crate::error::{Error, Result};
use std::future::Future;
use std::sync::Mutex;
use std::time::Duration;
use tokio::runtime::{Handle, Runtime};

enum State {
    Idle,
    Running {
        pid: u32,
        runtime: Runtime,
    },
    /// Stopped; the handle stays so that a late spawn is dropped at once instead of panicking.
    ShutDown(Option<Handle>),
}

static STATE: Mutex<State> = Mutex::new(State::Idle);

/// The thread that called [`shutdown`].
static EXITING_THREAD: std::sync::OnceLock<std::thread::ThreadId> = std::sync::OnceLock::new();

fn lock() -> std::sync::MutexGuard<'static, State> {
    STATE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A handle to the process-wide runtime, built on first use (and again in a forked child).
pub fn shared() -> Result<Handle> {
    let pid = std::process::id();
    let mut state = lock();
    match &*state {
        State::Running { pid: owner, runtime } if *owner == pid => return Ok(runtime.handle().clone()),
        State::ShutDown(_) => return Err(exiting()),
        State::Running { .. } | State::Idle => {}
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        // One worker: the work is I/O plus a page pass that already runs beside the caller's
        // own thread; a second worker measured more CPU (cross-thread wake-ups) and more memory
        // (a second malloc arena holding page buffers) with no gain in listing time.
        .worker_threads(1)
        .max_blocking_threads(8)
        .thread_name("duo-directory")
        .enable_all()
        .build()
        .map_err(|e| Error::Internal { message: format!("cannot start the tokio runtime: {e}") })?;
    let handle = runtime.handle().clone();
    if let State::Running { runtime: inherited, .. } = std::mem::replace(&mut *state, State::Running { pid, runtime }) {
        // The parent's runtime, copied by fork(): its threads do not exist here, so dropping it
        // would wait for them forever.
        std::mem::forget(inherited);
    }
    Ok(handle)
}

fn exiting() -> Error {
    Error::Internal { message: "the duo-directory runtime has been shut down: the process is exiting".into() }
}

/// Stops the runtime for good, giving running tasks up to `grace` to finish; afterwards every
/// call fails. Idempotent. Call it with the host's lock released (Python: outside the GIL),
/// since a finishing task may need it, and never from inside the runtime.
pub fn shutdown(grace: Duration) {
    let _ = EXITING_THREAD.set(std::thread::current().id());
    let mut state = lock();
    let handle = match &*state {
        State::Running { runtime, .. } => Some(runtime.handle().clone()),
        State::ShutDown(handle) => handle.clone(),
        State::Idle => None,
    };
    let previous = std::mem::replace(&mut *state, State::ShutDown(handle));
    drop(state);
    if let State::Running { pid, runtime } = previous {
        if pid == std::process::id() && Handle::try_current().is_err() {
            runtime.shutdown_timeout(grace);
        } else {
            std::mem::forget(runtime);
        }
    }
}

/// True once [`shutdown`] has been called.
pub fn is_shut_down() -> bool {
    matches!(*lock(), State::ShutDown(_))
}

/// True on every thread but the one that called [`shutdown`], once it has: the host is
/// exiting, and such a thread must not call into it (log, deliver a result, check signals).
pub fn host_is_exiting() -> bool {
    EXITING_THREAD.get().is_some_and(|id| *id != std::thread::current().id())
}

/// Parks the calling thread for good when [`host_is_exiting`]: for a host thread (a daemon
/// thread) whose blocking call ends while its interpreter is being torn down, returning to the
/// host could crash the process; the process's exit ends the thread instead.
pub fn park_if_host_exiting() {
    while host_is_exiting() {
        std::thread::park();
    }
}

/// Spawns `fut` on the shared runtime. After [`shutdown`] the task is dropped at once (its
/// `JoinHandle` reports it cancelled); an error only when no runtime could ever be built.
pub fn spawn<F>(fut: F) -> Result<tokio::task::JoinHandle<F::Output>>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let late = match &*lock() {
        State::ShutDown(handle) => Some(handle.clone()),
        _ => None,
    };
    match late {
        Some(Some(handle)) => Ok(handle.spawn(fut)),
        Some(None) => Err(exiting()),
        None => Ok(shared()?.spawn(fut)),
    }
}

/// Runs `fut` as a task on the shared runtime and waits for it from any executor: a binding's
/// own event loop (Kotlin coroutines and Swift tasks through uniffi, JS promises) awaits the
/// result without entering tokio. Dropping the returned future aborts the task, so cancelling
/// the caller's coroutine cancels the HTTP request; a panic in the task becomes
/// [`Error::Internal`] instead of crossing into the host.
///
/// ```
/// use duo_directory::runtime::{block_on, run};
/// let ok = block_on(async { tokio::spawn(run(async { Ok(2 + 2) })).await.unwrap() }).unwrap();
/// assert_eq!(ok.unwrap(), 4);
/// let boom = block_on(run(async { if true { panic!("boom") } ; Ok(()) })).unwrap();
/// assert!(matches!(boom, Err(duo_directory::Error::Internal { .. })));
/// ```
pub async fn run<F, T>(fut: F) -> Result<T>
where
    F: Future<Output = Result<T>> + Send + 'static,
    T: Send + 'static,
{
    /// Aborts the task when the waiting future is dropped (a no-op once it has finished).
    struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);
    impl<T> Drop for AbortOnDrop<T> {
        fn drop(&mut self) {
            self.0.abort();
        }
    }
    let mut task = AbortOnDrop(spawn(fut)?);
    match (&mut task.0).await {
        Ok(result) => result,
        Err(e) if e.is_panic() => Err(Error::from_panic(e.into_panic().as_ref())),
        Err(_) => Err(exiting()),
    }
}

/// Runs `fut` to completion on the shared runtime, from synchronous code.
/// Refuses (instead of panicking) when called from inside an async runtime.
pub fn block_on<F: Future>(fut: F) -> Result<F::Output> {
    if Handle::try_current().is_ok() {
        return Err(Error::Internal {
            message: "the blocking client was called from async code; use the async client there".into(),
        });
    }
    let output = shared()?.block_on(fut);
    park_if_host_exiting();
    Ok(output)
}

/// How often [`block_on_interruptible`] asks whether to give up.
pub const INTERRUPT_POLL: Duration = Duration::from_millis(50);

/// [`block_on`], asking `interrupted` every [`INTERRUPT_POLL`] whether to give up. When it
/// returns an error, `fut` is dropped (an HTTP request in flight is cancelled, its connection
/// closed) and that error is returned; the runtime and clients stay usable.
///
/// ```
/// use duo_directory::runtime::block_on_interruptible;
/// let slow = async { tokio::time::sleep(std::time::Duration::from_secs(30)).await };
/// let result: Result<(), &str> = block_on_interruptible(slow, || Err("interrupted")).unwrap();
/// assert_eq!(result, Err("interrupted"));
/// ```
pub fn block_on_interruptible<F, T, E>(fut: F, mut interrupted: impl FnMut() -> Result<(), E>) -> Result<Result<T, E>>
where
    F: Future<Output = T>,
{
    let result = block_on(async move {
        let mut fut = std::pin::pin!(fut);
        loop {
            match tokio::time::timeout(INTERRUPT_POLL, fut.as_mut()).await {
                Ok(value) => return Ok(value),
                Err(_) => {
                    park_if_host_exiting();
                    interrupted()?
                }
            }
        }
    });
    park_if_host_exiting();
    result
}
