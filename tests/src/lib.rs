//! Shared helpers of the cross-crate tests: an emulator and a client that retries fast.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use duo_directory::{Client, ClientConfig, RetryPolicy};
use duo_directory_emulator::{Emulator, EmulatorConfig};
use std::time::Duration;

/// A retry policy with millisecond waits, so retry tests stay fast.
pub fn fast_retry(max_retries: u32) -> RetryPolicy {
    RetryPolicy {
        max_retries,
        base: Duration::from_millis(5),
        cap: Duration::from_millis(40),
        jitter: Duration::from_millis(2),
        connect_base: Duration::from_millis(5),
        ..RetryPolicy::default()
    }
}

/// Starts an HTTPS emulator with `users` generated users.
pub async fn emulator(users: usize) -> Emulator {
    Emulator::start(EmulatorConfig { generated_users: users, ..Default::default() }).await.expect("emulator starts")
}

/// The emulator's client settings (CA pinned) with fast retries and a short timeout.
pub fn config(emulator: &Emulator) -> ClientConfig {
    let mut config = emulator.client_config();
    config.retry = fast_retry(3);
    config.timeout = Duration::from_secs(5);
    config
}

/// A client for `emulator` built from [`config`].
pub fn client(emulator: &Emulator) -> Client {
    Client::new(config(emulator)).expect("client builds")
}
