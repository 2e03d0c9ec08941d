//! The `duo-directory` binary end to end: the demo, and `users ...` against an in-process emulator.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, missing_docs)]

mod common;

use common::{Served, bare, stdout_of};
use predicates::prelude::*;
use std::io::{BufRead, BufReader};

#[test]
fn demo_runs_the_main_flows_and_proves_the_preview_was_not_sent() {
    let out = stdout_of(bare().arg("demo"));
    // 1. sync: three created, one updated, one pending deletion
    assert!(out.contains("1. Synchronize users from directory DKDEMO"), "{out}");
    let step1 = out.split("== 2.").next().unwrap();
    let synced = |result: &str| {
        step1.lines().filter(|l| l.contains(&format!("┆ {result} ")) && l.contains("@example.com")).count()
    };
    assert_eq!(synced("created"), 3, "{out}");
    assert_eq!(synced("updated"), 1, "{out}");
    assert_eq!(synced("pending deletion"), 1, "{out}");
    // 2. the edited user's new values
    for value in ["Joseph Smith", "joseph.smith@example.com", "bypass", "Moved to the Paris office"] {
        assert!(out.contains(value), "missing {value:?} in {out}");
    }
    // 3. the preview: printed, not sent, verified by the demo itself
    assert!(out.contains("What if: performing the operation \"Update user\""), "{out}");
    assert!(out.contains("/admin/v1/users/DU3RP9I2WOC59VZX672N"), "{out}");
    assert!(out.contains("Left the company"), "{out}");
    assert!(out.contains("NOT SENT: the emulator received 0 requests"), "{out}");
    assert!(out.contains("(verified)"), "{out}");
    // 4. paging
    assert!(out.contains("page 3: users 201-"), "{out}");
    assert!(out.contains("Demo complete."), "{out}");
}

#[test]
fn demo_json_summary_parses() {
    let out = stdout_of(bare().args(["demo", "--output", "json", "--users", "30"]));
    let doc: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(doc["ok"], true);
    assert_eq!(doc["preview_sent"], false);
}

#[test]
fn list_as_json_is_one_array_with_every_user() {
    let served = Served::start(230);
    let out = stdout_of(served.cmd().args(["users", "list", "--output", "json", "--page-size", "100"]));
    let users: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(users.len(), 230);
    assert!(users.iter().all(|u| u["user_id"].as_str().is_some_and(|id| id.starts_with("DU"))));
}

#[test]
fn list_as_jsonl_is_one_user_per_line_and_honours_limit() {
    let served = Served::start(120);
    let out =
        stdout_of(served.cmd().args(["users", "--output", "jsonl", "list", "--page-size", "50", "--limit", "75"]));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 75);
    for line in lines {
        let user: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(user["username"].is_string());
    }
}

#[test]
fn list_as_table_shows_the_count() {
    let served = Served::start(12);
    let out = stdout_of(served.cmd().args(["users", "list"]));
    assert!(out.contains("12 users"), "{out}");
    assert!(out.contains("user_id"), "{out}");
}

#[test]
fn get_by_id_and_username() {
    let served = Served::start(5);
    let user = served.emulator().users()[2].clone();
    let out = stdout_of(served.cmd().args(["users", "get", &user.user_id, "-o", "json"]));
    let got: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(got["username"], user.username.as_str());
    let out = stdout_of(served.cmd().args(["users", "get", "--username", &user.username, "-o", "json"]));
    let got: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(got["user_id"], user.user_id.as_str());
    served.cmd().args(["users", "get", "--username", "nobody-here"]).assert().code(3);
    served.cmd().args(["users", "get", "DUNOSUCHUSER00000000"]).assert().code(3);
}

#[test]
fn create_update_delete_round_trip() {
    let served = Served::start(0);
    let out = stdout_of(served.cmd().args([
        "users",
        "create",
        "--username",
        "mbolton",
        "--realname",
        "Michael Bolton",
        "--email",
        "mbolton@example.com",
        "--alias1",
        "michael",
        "--alias2",
        "mb",
        "-o",
        "json",
    ]));
    let created: serde_json::Value = serde_json::from_str(&out).unwrap();
    let id = created["user_id"].as_str().unwrap().to_string();
    let out = stdout_of(served.cmd().args([
        "users",
        "update",
        &id,
        "--status",
        "disabled",
        "--notes",
        "left",
        "--clear-alias",
        "2",
        "-o",
        "json",
    ]));
    let updated: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(updated["status"], "disabled");
    assert_eq!(updated["notes"], "left");
    assert!(updated["alias2"].is_null(), "a removed alias reads back as null, as Duo answers: {updated}");
    // delete asks first; with stdin not a terminal it refuses (usage error) and sends nothing
    served
        .cmd()
        .args(["users", "delete", &id])
        .write_stdin("y\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("stdin is not a terminal; pass --yes"));
    assert!(served.emulator().user(&id).is_some());
    // --confirm reads the answer from stdin; no answer declines
    served
        .cmd()
        .args(["users", "delete", &id, "--confirm"])
        .write_stdin("")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("nothing was sent"));
    assert!(served.emulator().user(&id).is_some());
    served.cmd().args(["users", "delete", &id, "--yes"]).assert().success();
    assert!(served.emulator().user(&id).is_none());
}

#[test]
fn update_what_if_changes_nothing_and_sends_nothing() {
    let served = Served::start(3);
    let user = served.emulator().users()[0].clone();
    let before = served.emulator().request_count();
    let out = stdout_of(served.cmd().args([
        "users",
        "update",
        &user.user_id,
        "--status",
        "bypass",
        "--notes",
        "x",
        "--what-if",
    ]));
    assert!(out.contains("Not sent"), "{out}");
    assert!(out.contains("POST"), "{out}");
    assert!(out.contains(&format!("/admin/v1/users/{}", user.user_id)), "{out}");
    assert_eq!(served.emulator().request_count(), before);
    assert_eq!(served.emulator().user(&user.user_id).unwrap(), user);
    let out = stdout_of(served.cmd().args(["users", "delete", &user.user_id, "--what-if", "-o", "json"]));
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["sent"], false);
    assert_eq!(doc["request"]["method"], "DELETE");
    assert_eq!(served.emulator().user_count(), 3);
}

#[test]
fn confirm_declined_sends_nothing() {
    let served = Served::start(1);
    let user = served.emulator().users()[0].clone();
    served
        .cmd()
        .args(["users", "update", &user.user_id, "--notes", "x", "--confirm"])
        .write_stdin("n\n")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("Performing the operation \"Update user\""));
    assert_eq!(served.emulator().user(&user.user_id).unwrap(), user);
}

#[test]
fn bad_flags_exit_2() {
    bare().args(["users", "list", "--no-such-flag"]).assert().code(2);
    bare().args(["users", "update", "DU1", "--status", "locked out"]).assert().code(2);
    bare().args(["frobnicate"]).assert().code(2);
}

#[test]
fn help_documents_exit_codes() {
    bare().arg("--help").assert().success().stdout(predicate::str::contains("Exit codes:"));
}

#[test]
fn missing_skey_exits_2_and_names_the_variable() {
    bare()
        .env("DUO_IKEY", "DIWJ8X6AEYOR5OMC6TQ1")
        .env("DUO_HOST", "127.0.0.1:9")
        .args(["users", "list"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("DUO_SKEY is not set"));
}

#[test]
fn config_file_supplies_credentials() {
    let served = Served::start(4);
    let e = served.emulator();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("duo.toml");
    let ca = e.ca_cert_path().unwrap().display().to_string();
    std::fs::write(
        &path,
        format!("ikey = {:?}\nskey = {:?}\nhost = {:?}\nca_certs = {ca:?}\n", e.ikey(), e.skey(), e.host()),
    )
    .unwrap();
    let out = stdout_of(bare().args(["users", "list", "-o", "json", "--config"]).arg(&path));
    assert_eq!(serde_json::from_str::<Vec<serde_json::Value>>(&out).unwrap().len(), 4);
    // A malformed file names the line, never the secret.
    std::fs::write(&path, format!("ikey = {:?}\nskey = \"{}\n", e.ikey(), e.skey())).unwrap();
    let output = bare().args(["users", "--config"]).arg(&path).arg("list").assert().code(2).get_output().clone();
    assert!(!String::from_utf8_lossy(&output.stderr).contains(e.skey()));
}

#[test]
fn wrong_skey_exits_3_without_printing_the_secret() {
    let served = Served::start(2);
    let wrong = "ThisIsNotTheSecretKeyButItIsLongEnough000";
    let output = served.cmd().env("DUO_SKEY", wrong).args(["users", "list"]).assert().code(3).get_output().clone();
    let all = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(all.contains("error: "), "{all}");
    assert!(!all.contains(wrong), "{all}");
    assert!(!all.contains(served.emulator().skey()), "{all}");
}

#[test]
fn unreachable_host_exits_4() {
    // Port 1 on loopback: nothing listens, the connection is refused at once.
    bare()
        .env("DUO_IKEY", "DIWJ8X6AEYOR5OMC6TQ1")
        .env("DUO_SKEY", "Zh5eGmUq9zpfQnyUIu5OL9iWoMMv5ZNmk3zLJ4Ep")
        .env("DUO_HOST", "127.0.0.1:1")
        .args(["users", "list", "--max-retries", "0", "--timeout", "5"])
        .assert()
        .code(4)
        .stderr(predicate::str::starts_with("error: "));
}

#[test]
fn a_refused_connection_exits_4_fast_with_the_default_retries() {
    // Defaults: connection failures go on the short schedule (2 retries, under a second of waits),
    // for a write too, since the request never left.
    for args in [&["users", "list"][..], &["users", "create", "--username", "x"][..]] {
        let started = std::time::Instant::now();
        bare()
            .env("DUO_IKEY", "DIWJ8X6AEYOR5OMC6TQ1")
            .env("DUO_SKEY", "Zh5eGmUq9zpfQnyUIu5OL9iWoMMv5ZNmk3zLJ4Ep")
            .env("DUO_HOST", "127.0.0.1:1")
            .args(args)
            .assert()
            .code(4)
            .stderr(predicate::str::contains("did not reach Duo").and(predicate::str::contains("after 3 attempts")));
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "{args:?}: {:?}", started.elapsed());
    }
}

#[test]
fn emulator_json_http_prints_one_json_line() {
    let bin = assert_cmd::cargo::cargo_bin("duo-directory");
    let mut child = std::process::Command::new(bin)
        .args(["emulator", "--json", "--http", "--port", "0"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    let doc: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
    let host = doc["host"].as_str().unwrap();
    let port: u16 = host.rsplit_once(':').unwrap().1.parse().unwrap();
    assert!(port > 0, "{doc}");
    assert!(doc["ikey"].is_string() && doc["skey"].is_string(), "{doc}");
}

#[test]
fn a_credential_that_is_not_utf8_is_a_usage_error_naming_it() {
    use std::os::unix::ffi::OsStrExt;
    let skey = std::ffi::OsStr::from_bytes(b"\xff\xfe");
    bare()
        .env("DUO_IKEY", "DIWJ8X6AEYOR5OMC6TQ1")
        .env("DUO_SKEY", skey)
        .env("DUO_HOST", "api-x.duosecurity.com")
        .args(["users", "list"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("DUO_SKEY is not valid UTF-8"));
}
