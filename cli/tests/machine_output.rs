//! Output a program can read: JSON errors, empty searches, --limit, streamed tables, previews.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, missing_docs)]

mod common;

use common::{Served, stdout_of};
use duo_directory_emulator::Fault;
use std::time::Duration;

fn failing(cmd: &mut assert_cmd::Command, code: i32) -> (String, String) {
    let output = cmd.assert().code(code).get_output().clone();
    (String::from_utf8(output.stdout).unwrap(), String::from_utf8(output.stderr).unwrap())
}

#[test]
fn a_duo_refusal_is_one_json_object_on_stdout() {
    let served = Served::start(1);
    for format in ["json", "jsonl"] {
        let (stdout, stderr) = failing(served.cmd().args(["users", "get", "DUNOSUCHUSER00000000", "-o", format]), 3);
        assert_eq!(stdout.lines().count(), 1, "{stdout}");
        let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
        let message = doc["error"]["message"].as_str().unwrap().to_string();
        assert_eq!(
            doc,
            serde_json::json!({"error": {
                "kind": "not_found", "status": 404, "code": 40401, "message": message, "field": null
            }})
        );
        assert!(message.starts_with("not found: HTTP 404, Duo code 40401"), "{message}");
        assert_eq!(stderr, format!("error: {message}\n"));
    }
}

#[test]
fn a_rejected_argument_names_its_field() {
    let served = Served::start(1);
    let (stdout, _) = failing(served.cmd().args(["users", "update", "DUNOSUCHUSER00000000", "-o", "json"]), 2);
    assert_eq!(
        stdout,
        concat!(
            r#"{"error":{"kind":"invalid_input","status":null,"code":null,"#,
            r#""message":"invalid update: no field to change","field":"update"}}"#,
            "\n"
        )
    );
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        doc,
        serde_json::json!({"error": {
            "kind": "invalid_input", "status": null, "code": null,
            "message": "invalid update: no field to change", "field": "update"
        }})
    );
}

#[test]
fn missing_credentials_in_json_mode() {
    let (stdout, _) = failing(common::bare().args(["users", "list", "-o", "json"]), 2);
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["error"]["kind"], "config");
    assert_eq!(doc["error"]["status"], serde_json::Value::Null);
    assert!(doc["error"]["message"].as_str().unwrap().contains("DUO_IKEY, DUO_SKEY, DUO_HOST are not set"));
}

#[test]
fn an_email_search_without_match_is_an_empty_list() {
    let served = Served::start(2);
    let out = stdout_of(served.cmd().args(["users", "get", "--email", "nobody@example.com", "-o", "json"]));
    assert_eq!(out, "[]\n");
    let out = stdout_of(served.cmd().args(["users", "get", "--email", "nobody@example.com", "-o", "jsonl"]));
    assert_eq!(out, "");
    let out = stdout_of(served.cmd().args(["users", "get", "--email", "nobody@example.com"]));
    assert!(out.ends_with("\n0 users\n"), "{out}");
}

/// The `limit` parameter of every listing request the emulator received.
fn listing_limits(served: &Served) -> Vec<String> {
    served
        .emulator()
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path == "/admin/v1/users")
        .map(|r| r.params.iter().find(|(k, _)| k == "limit").map(|(_, v)| v.clone()).unwrap_or_default())
        .collect()
}

#[test]
fn limit_asks_duo_for_no_more_than_needed() {
    let served = Served::start(120);
    let out = stdout_of(served.cmd().args(["users", "list", "--limit", "5", "-o", "jsonl"]));
    assert_eq!(out.lines().count(), 5);
    assert_eq!(listing_limits(&served), ["5"]);

    served.emulator().clear_requests();
    let out = stdout_of(served.cmd().args(["users", "list", "--limit", "1000", "-o", "jsonl"]));
    assert_eq!(out.lines().count(), 120);
    assert_eq!(listing_limits(&served), ["300"]);

    served.emulator().clear_requests();
    let out = stdout_of(served.cmd().args(["users", "list", "--limit", "30", "--page-size", "20", "-o", "jsonl"]));
    assert_eq!(out.lines().count(), 30);
    assert_eq!(listing_limits(&served), ["20", "20"]);
}

/// The first page is answered normally, every later request fails with HTTP 500.
fn second_page_fails(served: &Served) {
    served.emulator().inject_fault(Fault::Delay { count: 1, delay: Duration::ZERO });
    served.emulator().inject_fault(Fault::ServerError { count: 100, status: 500 });
}

#[test]
fn table_rows_are_printed_as_their_page_arrives() {
    let served = Served::start(150);
    second_page_fails(&served);
    let (stdout, stderr) = failing(served.cmd().args(["users", "list", "--page-size", "100", "--max-retries", "0"]), 3);
    let lines: Vec<&str> = stdout.lines().collect();
    // The header and the first page's 100 rows, in fixed columns; no count line (the listing failed).
    assert_eq!(lines.len(), 101, "{stdout}");
    assert!(lines[0].starts_with("user_id               username"), "{}", lines[0]);
    let users = served.emulator().users();
    for (line, user) in lines[1..].iter().zip(&users) {
        assert!(line.starts_with(&format!("{:<20}  {}", user.user_id, user.username)), "{line}");
    }
    assert!(stderr.starts_with("error: "), "{stderr}");
}

#[test]
fn a_json_listing_that_fails_midway_stays_valid_then_tells_the_error() {
    let served = Served::start(150);
    second_page_fails(&served);
    let (stdout, _) =
        failing(served.cmd().args(["users", "list", "--page-size", "100", "--max-retries", "0", "-o", "json"]), 3);
    let mut docs = serde_json::Deserializer::from_str(&stdout).into_iter::<serde_json::Value>();
    let users = docs.next().unwrap().unwrap();
    assert_eq!(users.as_array().unwrap().len(), 100);
    let error = docs.next().unwrap().unwrap();
    assert_eq!(error["error"]["status"], 500);
    assert!(docs.next().is_none());
}

#[test]
fn what_if_headers_are_one_object_like_python_prepared_request() {
    let served = Served::start(1);
    let user = served.emulator().users()[0].clone();
    let out =
        stdout_of(served.cmd().args(["users", "update", &user.user_id, "--notes", "x", "--what-if", "-o", "json"]));
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let headers = doc["request"]["headers"].as_object().unwrap_or_else(|| panic!("{doc}"));
    let names: Vec<&str> = headers.keys().map(String::as_str).collect();
    assert_eq!(names, ["Host", "Date", "Content-Type", "User-Agent"], "in the order they are sent");
    assert_eq!(headers["Host"], served.emulator().host());
    // Sent order is kept in the text: Host, Date, Content-Type, User-Agent.
    let at = |name: &str| out.find(&format!("\"{name}\":")).unwrap();
    assert!(at("Host") < at("Date") && at("Date") < at("Content-Type") && at("Content-Type") < at("User-Agent"));
    assert_eq!(served.emulator().user(&user.user_id).unwrap(), user);
}
