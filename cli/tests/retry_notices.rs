//! What the command says on stderr while Duo makes it wait, and what -v / RUST_LOG change.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, missing_docs)]

mod common;

use common::Served;
use duo_directory::RetryPolicy;
use duo_directory_emulator::Fault;

/// Attempts the standard mode makes at most: the first plus every retry.
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
    // adaptive (the default): bounded by the deadline, so no "of N"
    let (stdout, stderr) = run(served.cmd().args(["users", "list", "-o", "json"]));
    assert_eq!(stderr, "rate limited, retrying in 1 s (attempt 2)\n");
    assert!(!stderr.contains(served.emulator().skey()));
    assert_eq!(serde_json::from_str::<Vec<serde_json::Value>>(&stdout).unwrap().len(), 3);

    rate_limited_once(&served);
    let (_, stderr) = run(served.cmd().args(["users", "list", "--retry-mode", "standard"]));
    assert_eq!(stderr, format!("rate limited, retrying in 1 s (attempt 2 of {})\n", max_attempts()));
}

#[test]
fn a_bad_retry_mode_is_a_usage_error_naming_it() {
    let served = Served::start(1);
    let out = served.cmd().args(["users", "list", "--retry-mode", "fast"]).assert().code(2).get_output().clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("--retry-mode") && stderr.contains("standard or adaptive"), "{stderr}");
    assert!(served.emulator().requests().is_empty());
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
    let (_, stderr) = run(served.cmd().args(["users", "list", "-v", "--retry-mode", "standard"]));
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
