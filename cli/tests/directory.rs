//! `directory users|groups list|get`, `webhook verify` and `events tail` against the emulator.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::bare;
use duo_directory_emulator::{DirectoryMembers, Emulator, EmulatorConfig};

const KEY: &str = "DKCLI";

struct Served {
    emulator: Option<Emulator>,
    runtime: tokio::runtime::Runtime,
}

impl Served {
    fn start() -> Served {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let config =
            EmulatorConfig { directories: vec![(KEY.into(), DirectoryMembers::Generated(5))], ..Default::default() };
        let emulator = runtime.block_on(Emulator::start(config)).unwrap();
        Served { emulator: Some(emulator), runtime }
    }

    fn emu(&self) -> &Emulator {
        self.emulator.as_ref().unwrap()
    }

    fn cmd(&self) -> assert_cmd::Command {
        let e = self.emu();
        let mut cmd = bare();
        cmd.env("WORKOS_API_KEY", e.directory_api_key())
            .env("WORKOS_API_HOST", e.host())
            .env("WORKOS_CA_CERTS", e.ca_cert_path().unwrap());
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

fn stdout(cmd: &mut assert_cmd::Command) -> String {
    String::from_utf8(cmd.assert().success().get_output().stdout.clone()).unwrap()
}

#[test]
fn users_and_groups_list_and_get() {
    let s = Served::start();
    let stored = s.emu().directory_users(KEY).unwrap();
    let lines =
        stdout(s.cmd().args(["directory", "users", "list", "--directory", KEY, "--page-size", "2", "-o", "jsonl"]));
    let ids: Vec<String> = lines
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].as_str().unwrap().into())
        .collect();
    let mut expected: Vec<String> = stored.iter().map(|u| u.id.clone()).collect();
    expected.reverse();
    assert_eq!(ids, expected, "every page, newest first");
    let one = stdout(s.cmd().args(["directory", "users", "get", &stored[0].id, "-o", "json"]));
    assert_eq!(serde_json::from_str::<duo_directory::DirectoryUser>(&one).unwrap(), stored[0]);
    let table = stdout(s.cmd().args(["directory", "groups", "list", "--user", &stored[0].id]));
    assert!(table.contains(&stored[0].groups[0].name), "{table}");
    s.cmd().args(["directory", "users", "get", "directory_user_nobody"]).assert().code(3);
    s.cmd().args(["directory", "users", "list", "--email", "a@b.c"]).assert().code(2);
    bare().args(["directory", "users", "list"]).env_remove("WORKOS_API_KEY").assert().code(2);
}

#[test]
fn webhook_verify_reads_stdin_and_says_why_it_failed() {
    let t = 1_700_000_000_000i64;
    let body = r#"{"id":"event_1","event":"dsync.user.deleted","data":{"id":"directory_user_1","idp_id":"1","directory_id":"d","state":"inactive","created_at":"","updated_at":""}}"#;
    let header = format!("t={t}, v1={}", duo_directory::compute_webhook_signature(body, "whsec_cli", t).unwrap());
    let ok = bare()
        .args(["webhook", "verify", "--signature", &header, "--now", "1700000010", "-o", "json"])
        .env("WORKOS_WEBHOOK_SECRET", "whsec_cli")
        .write_stdin(body)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&ok).unwrap()["event"], "dsync.user.deleted");
    let failed = bare()
        .args(["webhook", "verify", "-", "--signature", &header, "--now", "1700000500", "-o", "json"])
        .env("WORKOS_WEBHOOK_SECRET", "whsec_cli")
        .write_stdin(body)
        .assert()
        .code(3)
        .get_output()
        .stdout
        .clone();
    let doc: serde_json::Value = serde_json::from_slice(&failed).unwrap();
    assert_eq!(doc["error"]["kind"], "webhook_verification");
    assert!(doc["error"]["message"].as_str().unwrap().contains("timestamp_outside_tolerance"));
    assert!(!String::from_utf8_lossy(&failed).contains("whsec_cli"));
}

#[test]
fn events_tail_resumes_from_the_stored_cursor() {
    let s = Served::start();
    let dir = tempfile::tempdir().unwrap();
    let cursor = dir.path().join("cursor");
    let mut user = s.emu().directory_users(KEY).unwrap().remove(0);
    user.first_name = Some("Changed".into());
    s.emu().put_directory_user(KEY, user.clone());
    let first = stdout(s.cmd().args(["events", "tail", "-o", "jsonl", "--cursor-file"]).arg(&cursor));
    let event: serde_json::Value = serde_json::from_str(first.lines().next().unwrap()).unwrap();
    assert_eq!(event["event"], "dsync.user.updated");
    assert_eq!(std::fs::read_to_string(&cursor).unwrap().trim(), event["id"].as_str().unwrap());
    assert!(s.emu().remove_directory_user(KEY, user.email.as_deref().unwrap()));
    let second = stdout(s.cmd().args(["events", "tail", "-o", "jsonl", "--cursor-file"]).arg(&cursor));
    let names: Vec<String> = second
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["event"].as_str().unwrap().into())
        .collect();
    assert_eq!(names, vec!["dsync.user.deleted"], "only what came after the cursor");
}
