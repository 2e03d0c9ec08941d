//! `duo-directory reconcile plan|show|apply` end to end, and an apply killed mid-way that
//! resumes from its journal with no duplicate and no successful write sent twice.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, missing_docs)]

mod common;

use common::{Served, stdout_of};
use duo_directory_emulator::EmulatorConfig;
use std::collections::HashMap;
use std::time::{Duration, Instant};

fn directory_file(dir: &std::path::Path, count: usize) -> std::path::PathBuf {
    let users: Vec<serde_json::Value> = (0..count)
        .map(|i| {
            serde_json::json!({"object": "directory_user", "id": format!("directory_user_{i}"), "idp_id": format!("{i}"),
                "directory_id": "directory_cli", "email": format!("kill{i}@example.com"), "first_name": "Kill",
                "last_name": format!("Test{i}"), "state": "active", "created_at": "", "updated_at": ""})
        })
        .collect();
    let path = dir.join("directory.json");
    std::fs::write(&path, serde_json::json!({"data": users}).to_string()).unwrap();
    path
}

fn created_per_username(served: &Served) -> HashMap<String, u32> {
    let mut created = HashMap::new();
    for r in served.emulator().requests() {
        if r.path == "/admin/v1/users/bulk_create" && r.status == 200 {
            let text = &r.params.iter().find(|(k, _)| k == "users").unwrap().1;
            for u in serde_json::from_str::<Vec<serde_json::Value>>(text).unwrap() {
                *created.entry(u["username"].as_str().unwrap().to_string()).or_default() += 1;
            }
        }
    }
    created
}

#[test]
fn plan_show_and_a_declined_confirm_send_no_write() {
    let served = Served::start(0);
    let tmp = tempfile::tempdir().unwrap();
    let directory = directory_file(tmp.path(), 3);
    let plan = tmp.path().join("plan.json");
    let out =
        stdout_of(served.cmd().args(["reconcile", "plan", "--directory"]).arg(&directory).arg("--output").arg(&plan));
    assert!(out.contains("3 users: 3 create (3 changes)"), "{out}");
    let shown = stdout_of(served.cmd().args(["reconcile", "show"]).arg(&plan));
    assert!(shown.contains("kill2@example.com") && shown.contains("create"), "{shown}");
    assert!(shown.contains(r#"lastname: "Test1""#), "{shown}");
    served.emulator().clear_requests();
    served.cmd().args(["reconcile", "apply", "--confirm"]).arg(&plan).write_stdin("n\n").assert().code(1);
    assert!(served.emulator().requests().is_empty(), "declined: nothing sent");
    let applied = stdout_of(served.cmd().args(["reconcile", "apply", "--confirm"]).arg(&plan).write_stdin("y\n"));
    assert!(applied.contains("create") && applied.contains("done"), "{applied}");
    assert_eq!(served.emulator().user_count(), 3);
    let again =
        stdout_of(served.cmd().args(["reconcile", "plan", "--directory"]).arg(&directory).arg("--output").arg(&plan));
    assert!(again.contains("3 unchanged (0 changes)"), "{again}");
}

#[test]
fn an_apply_killed_mid_way_resumes_from_its_journal() {
    // 40 ms a request makes the 20 bulk requests of this apply take about a second
    let served =
        Served::with_config(EmulatorConfig { latency: Duration::from_millis(40), ..EmulatorConfig::default() });
    let tmp = tempfile::tempdir().unwrap();
    let directory = directory_file(tmp.path(), 40);
    let plan = tmp.path().join("plan.json");
    let journal = tmp.path().join("apply.journal");
    stdout_of(served.cmd().args(["reconcile", "plan", "--directory"]).arg(&directory).arg("--output").arg(&plan));

    let e = served.emulator();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("duo-directory"))
        .env_remove("RUST_LOG")
        .env("DUO_IKEY", e.ikey())
        .env("DUO_SKEY", e.skey())
        .env("DUO_HOST", e.host())
        .env("DUO_CA_CERTS", e.ca_cert_path().unwrap())
        .args(["reconcile", "apply", "--chunk-size", "2", "--journal"])
        .arg(&journal)
        .arg(&plan)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while created_per_username(&served).len() < 8 {
        assert!(started.elapsed() < Duration::from_secs(30), "the apply never got going");
        assert!(child.try_wait().unwrap().is_none(), "the apply finished before it could be killed");
        std::thread::sleep(Duration::from_millis(5));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let before = served.emulator().user_count();
    assert!((8..40).contains(&before), "killed mid-way: {before} of 40 created");

    let out = stdout_of(served.cmd().args(["reconcile", "apply", "--journal"]).arg(&journal).arg(&plan));
    assert!(out.contains("create"), "{out}");
    assert_eq!(served.emulator().user_count(), 40);
    let created = created_per_username(&served);
    assert_eq!(created.len(), 40);
    assert!(created.values().all(|n| *n == 1), "no user created twice: {created:?}");
    let journal_text = std::fs::read_to_string(&journal).unwrap();
    assert_eq!(journal_text.lines().filter(|l| l.contains("\"done\"")).count(), 40, "{journal_text}");
}
