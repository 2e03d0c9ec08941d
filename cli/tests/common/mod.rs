//! What the integration tests share: an in-process emulator and the binary pointed at it.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code, missing_docs)]

use assert_cmd::Command;
use duo_directory_emulator::{Emulator, EmulatorConfig};
use std::time::Duration;

/// An emulator serving on its own runtime while the binary runs as a child process.
pub struct Served {
    emulator: Option<Emulator>,
    runtime: tokio::runtime::Runtime,
}

impl Served {
    pub fn start(users: usize) -> Served {
        Served::with_config(EmulatorConfig { generated_users: users, seed: 11, ..EmulatorConfig::default() })
    }

    pub fn with_config(config: EmulatorConfig) -> Served {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let emulator = runtime.block_on(Emulator::start(config)).unwrap();
        Served { emulator: Some(emulator), runtime }
    }

    pub fn emulator(&self) -> &Emulator {
        self.emulator.as_ref().unwrap()
    }

    /// The binary with credentials and the emulator's CA in the environment.
    pub fn cmd(&self) -> Command {
        let e = self.emulator();
        let mut cmd = bare();
        cmd.env("DUO_IKEY", e.ikey()).env("DUO_SKEY", e.skey()).env("DUO_HOST", e.host());
        cmd.env("DUO_CA_CERTS", e.ca_cert_path().unwrap());
        cmd
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(e) = self.emulator.take() {
            self.runtime.block_on(e.shutdown());
        }
    }
}

/// The binary with no DUO_* variable (nor RUST_LOG) inherited.
pub fn bare() -> Command {
    let mut cmd = Command::cargo_bin("duo-directory").unwrap();
    for var in ["DUO_IKEY", "DUO_SKEY", "DUO_HOST", "DUO_CA_CERTS", "RUST_LOG"] {
        cmd.env_remove(var);
    }
    cmd.timeout(Duration::from_secs(60));
    cmd
}

pub fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.assert().success().get_output().stdout.clone();
    String::from_utf8(out).unwrap()
}
