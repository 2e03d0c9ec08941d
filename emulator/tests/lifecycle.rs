//! The CA file's life (lazy, pid-named, removed, stale ones swept), blocking start on the shared
//! runtime, directories in the config, fault names and error conversion.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use duo_directory_emulator::{
    DirectoryMembers, Emulator, EmulatorConfig, EmulatorError, Fault, FaultKind, FaultOptions,
};
use std::path::PathBuf;
use std::time::Duration;

fn own_ca_files() -> Vec<PathBuf> {
    let prefix = format!("duo-emulator-ca-{}-", std::process::id());
    std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .map(|e| e.path())
        .collect()
}

/// One test, so no other emulator of this process writes CA files meanwhile.
#[test]
fn the_ca_file_is_lazy_pid_named_removed_and_swept() {
    // a file left by a process that has exited
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead_pid = child.id();
    child.wait().unwrap();
    let stale = std::env::temp_dir().join(format!("duo-emulator-ca-{dead_pid}-stale0000000.pem"));
    std::fs::write(&stale, "old").unwrap();

    let emulator = Emulator::start_blocking(EmulatorConfig::default()).unwrap();
    if cfg!(target_os = "linux") {
        assert!(!stale.exists(), "the dead process's CA file is swept at start");
    } else {
        let _ = std::fs::remove_file(&stale);
    }
    assert!(own_ca_files().is_empty(), "nothing is written before ca_cert_path()");
    let path = emulator.ca_cert_path().unwrap().to_path_buf();
    assert_eq!(own_ca_files(), vec![path.clone()]);
    assert_eq!(emulator.ca_cert_path().unwrap(), path, "written once");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), emulator.ca_cert_pem().unwrap());
    emulator.shutdown_blocking();
    assert!(!path.exists(), "removed on shutdown");

    let emulator = Emulator::start_blocking(EmulatorConfig::default()).unwrap();
    let path = emulator.ca_cert_path().unwrap().to_path_buf();
    drop(emulator);
    assert!(!path.exists(), "removed on drop");
    assert!(own_ca_files().is_empty());
}

#[test]
fn start_blocking_keeps_serving_after_it_returns() {
    let listed = duo_directory_emulator::generator::directory_users("DKLIST", 1, 7);
    let config = EmulatorConfig {
        generated_users: 4,
        directories: vec![
            ("DKGEN".into(), DirectoryMembers::Generated(3)),
            ("DKLIST".into(), DirectoryMembers::Users(listed.clone())),
        ],
        ..EmulatorConfig::default()
    };
    let emulator = Emulator::start_blocking(config).unwrap();
    assert!(emulator.host().starts_with("localhost:"), "{}", emulator.host());
    assert_eq!(emulator.directory_users("DKGEN").unwrap().len(), 3);
    assert_eq!(emulator.directory_users("DKLIST").unwrap(), listed);
    let client = duo_directory::blocking::Client::new(emulator.client_config()).unwrap();
    let first = &emulator.users()[0];
    assert_eq!(client.get_user(&first.user_id).unwrap(), *first);
    emulator.shutdown_blocking();
}

#[tokio::test(flavor = "multi_thread")]
async fn start_blocking_inside_a_runtime_is_an_error_not_a_panic() {
    let err = Emulator::start_blocking(EmulatorConfig::default()).unwrap_err();
    assert!(matches!(err, EmulatorError::Config(_)), "{err}");
    assert_eq!(duo_directory::Error::from(err).code(), "invalid_input");
}

#[test]
fn fault_kinds_parse_from_their_names() {
    for kind in [
        FaultKind::RateLimited,
        FaultKind::ServerError,
        FaultKind::Delay,
        FaultKind::DropConnection,
        FaultKind::MalformedBody,
    ] {
        assert_eq!(kind.as_str().parse::<FaultKind>().unwrap(), kind);
        assert_eq!(Fault::new(kind, 2, FaultOptions::default()).kind(), kind);
    }
    let err = "teapot".parse::<FaultKind>().unwrap_err();
    let text = err.to_string();
    assert!(text.contains("rate_limited") && text.contains("malformed_body") && text.contains("teapot"), "{text}");
    assert!(matches!(&err, EmulatorError::InvalidInput { field, .. } if field == "kind"));

    let defaults = FaultOptions::default();
    assert_eq!(Fault::parse("server_error", 1, defaults).unwrap(), Fault::ServerError { count: 1, status: 500 });
    assert_eq!(Fault::parse("delay", 3, defaults).unwrap(), Fault::Delay { count: 3, delay: Duration::from_secs(1) });
    let options = FaultOptions { retry_after: Some(7), ..defaults };
    assert_eq!(
        Fault::parse("rate_limited", 1, options).unwrap(),
        Fault::RateLimited { count: 1, retry_after: Some(7) }
    );
    let bad = Fault::parse("server_error", 1, FaultOptions { status: Some(200), ..defaults }).unwrap_err();
    assert!(matches!(&bad, EmulatorError::InvalidInput { field, .. } if field == "status"), "{bad}");
    let core = duo_directory::Error::from(bad);
    assert!(matches!(&core, duo_directory::Error::InvalidInput { field, .. } if field == "status"));
}

#[test]
fn emulator_errors_become_core_errors() {
    let bind = EmulatorError::Bind { addr: "127.0.0.1:1".parse().unwrap(), message: "in use".into() };
    assert_eq!(duo_directory::Error::from(bind).code(), "transport");
    let config = duo_directory::Error::from(EmulatorError::Config("empty key".into()));
    assert!(matches!(&config, duo_directory::Error::InvalidInput { field, .. } if field == "config"));
    let seed = EmulatorError::SeedFile { path: "s.json".into(), message: "not JSON".into() };
    let seed = duo_directory::Error::from(seed);
    assert!(
        matches!(&seed, duo_directory::Error::InvalidInput { field, reason } if field == "seed_file" && reason.contains("not JSON"))
    );
    assert_eq!(duo_directory::Error::from(EmulatorError::Io("disk".into())).code(), "internal");
    assert_eq!(duo_directory::Error::from(EmulatorError::Tls("bad".into())).code(), "internal");
}
