//! What the command says on stderr while Duo makes it wait, and what -v / RUST_LOG change.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, missing_docs)]

mod common;

use common::Served;
use duo_directory::RetryPolicy;
use duo_directory_emulator::Fault;

/// Attempts the client makes by default: the first plus every retry.
fn max_attempts() -> u32 {
    RetryPolicy::default().max_retries + 1
}

fn rate_limited_once(served: &Served) {
    served.emulator().inject_fault(Fault::RateLimited { count: 1, retry_after: Some(1) });
}

fn run(cmd: &mut assert_cmd::Command) -> (String, String) {
    let output = cmd.assert().success().get_output().clone();
    (String::from_utf8(output.stdout).unwrap(), String::from_utf8(output.stderr).unwrap())
}

#[test]
fn a_rate_limited_request_is_told_once_in_plain_words() {
    let served = Served::start(3);
    rate_limited_once(&served);
    let (stdout, stderr) = run(served.cmd().args(["users", "list", "-o", "json"]));
    assert_eq!(stderr, format!("rate limited, retrying in 1 s (attempt 2 of {})\n", max_attempts()));
    assert!(!stderr.contains(served.emulator().skey()));
    assert_eq!(serde_json::from_str::<Vec<serde_json::Value>>(&stdout).unwrap().len(), 3);
}

#[test]
fn without_retries_stderr_stays_empty() {
    let served = Served::start(3);
    let (_, stderr) = run(served.cmd().args(["users", "list"]));
    assert_eq!(stderr, "");
}

#[test]
fn verbose_switches_to_the_full_log_without_the_secret() {
    let served = Served::start(3);
    rate_limited_once(&served);
    let (_, stderr) = run(served.cmd().args(["users", "list", "-v"]));
    let retry_line = stderr.lines().find(|l| l.contains("duo_directory::retry")).unwrap_or_else(|| panic!("{stderr}"));
    assert!(retry_line.contains(" INFO ") && retry_line.contains("retrying"), "{retry_line}");
    assert!(retry_line.contains("attempt=1") && retry_line.contains(&format!("max_attempts={}", max_attempts())));
    assert!(retry_line.contains("wait_ms=1000"), "{retry_line}");
    assert!(!stderr.contains("rate limited, retrying in"), "{stderr}");
    assert!(!stderr.contains(served.emulator().skey()));

    rate_limited_once(&served);
    let (_, stderr) = run(served.cmd().args(["users", "list", "-vv"]));
    assert!(stderr.contains("DEBUG"), "{stderr}");
    assert!(stderr.contains("wait_ms=1000"), "{stderr}");
    assert!(!stderr.contains(served.emulator().skey()));
}

#[test]
fn rust_log_is_honoured_when_set() {
    let served = Served::start(3);
    rate_limited_once(&served);
    let (_, stderr) = run(served.cmd().env("RUST_LOG", "duo_directory::retry=info").args(["users", "list"]));
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("duo_directory::retry") && stderr.contains("wait_ms=1000"), "{stderr}");
}
