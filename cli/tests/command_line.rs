//! The command line itself: help headings, options each command refuses, flag names, confirmations.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, missing_docs)]

mod common;

use common::{Served, bare, stdout_of};
use predicates::prelude::*;
use std::io::{BufRead, BufReader};

#[test]
fn help_separates_global_connection_and_output_options() {
    let top = stdout_of(bare().arg("--help"));
    assert!(top.contains("Global options:\n  -v, --verbose"), "{top}");
    let list = stdout_of(bare().args(["users", "list", "--help"]));
    for heading in
        ["Options:\n      --page-size", "Connection options:\n      --config", "Output options:\n  -o, --output"]
    {
        assert!(list.contains(heading), "missing {heading:?} in {list}");
    }
}

#[test]
fn emulator_help_lists_only_what_applies_and_documents_the_seed_file() {
    let help = stdout_of(bare().args(["emulator", "--help"]));
    for absent in ["--output", "--config", "--ikey", "--skey", "--host", "--ca-certs", "--timeout", "--max-retries"] {
        assert!(!help.contains(absent), "{absent} in {help}");
    }
    for present in
        ["--seed-file <FILE>", "--port", "--json", "--http", "Seed file (--seed-file FILE)", "\"directories\""]
    {
        assert!(help.contains(present), "missing {present} in {help}");
    }
}

#[test]
fn emulator_refuses_the_options_it_would_ignore() {
    for (args, named) in [
        (&["-o", "json"][..], "'-o'"),
        (&["--output", "json"], "'--output'"),
        (&["--config", "duo.toml"], "'--config'"),
        (&["--ikey", "DI"], "'--ikey'"),
        (&["--skey", "s"], "'--skey'"),
        (&["--host", "h"], "'--host'"),
        (&["--ca-certs", "ca.pem"], "'--ca-certs'"),
        (&["--seed", "3"], "'--seed'"),
    ] {
        bare()
            .arg("emulator")
            .args(args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(format!("unexpected argument {named}")));
    }
}

#[test]
fn a_bad_seed_file_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("seed.json");
    std::fs::write(&path, "{\"users\": [ {\"user_id\": ").unwrap();
    bare()
        .args(["emulator", "--http", "--json", "--seed-file"])
        .arg(&path)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(format!("error: seed file {}: not a valid seed file", path.display())));
    bare()
        .args(["emulator", "--http", "--seed-file"])
        .arg(dir.path().join("absent.json"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read it"));
}

#[test]
fn a_seed_file_is_loaded() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("seed.json");
    std::fs::write(
        &path,
        r#"{"users": [{"user_id": "DU3RP9I2WOC59VZX672N", "username": "jsmith", "status": "active"}]}"#,
    )
    .unwrap();
    let bin = assert_cmd::cargo::cargo_bin("duo-directory");
    let mut child = std::process::Command::new(bin)
        .args(["emulator", "--json", "--http", "--seed-file"])
        .arg(&path)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    let doc: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
    assert_eq!(doc["users"], 1, "{doc}");
}

#[test]
fn demo_seed_is_a_number() {
    let out = stdout_of(bare().args(["demo", "--seed", "3", "--users", "5", "-o", "json"]));
    let doc: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(doc["ok"], true);
    bare().args(["demo", "--seed", "seed.json"]).assert().code(2);
}

#[test]
fn credentials_can_be_given_as_flags() {
    let served = Served::start(2);
    let e = served.emulator();
    let out = stdout_of(
        bare()
            .args(["users", "list", "-o", "json", "--ikey", e.ikey(), "--skey", e.skey(), "--host", &e.host()])
            .arg("--ca-certs")
            .arg(e.ca_cert_path().unwrap()),
    );
    assert_eq!(serde_json::from_str::<Vec<serde_json::Value>>(&out).unwrap().len(), 2);
}

#[test]
fn sync_asks_first_like_delete_and_yes_skips_it() {
    let served = Served::start(1);
    let before = served.emulator().request_count();
    let sync = ["users", "sync", "--directory-key", "DKNOSUCHDIRECTORY001", "--username", "jdoe"];
    served.cmd().args(sync).assert().code(2).stderr(predicate::str::contains("stdin is not a terminal; pass --yes"));
    served.cmd().args(sync).arg("--confirm").write_stdin("n\n").assert().code(1);
    assert_eq!(served.emulator().request_count(), before, "nothing may be sent");
    // --yes sends it: the emulator has no such directory.
    served.cmd().args(sync).arg("--yes").assert().code(3);
    served.cmd().args(sync).arg("-y").assert().code(3);
    served.cmd().args(sync).args(["--yes", "--confirm"]).assert().code(2);
    assert_eq!(served.emulator().request_count(), before + 2);
}
