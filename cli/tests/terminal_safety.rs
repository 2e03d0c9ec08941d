//! Server data in tables and text cannot drive the terminal; JSON keeps it exact.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, missing_docs)]

mod common;

use common::{Served, stdout_of};
use duo_directory::User;

/// Colours the terminal red, then rings the bell.
const REALNAME: &str = "\u{1b}[31mRed Team\u{7}";
/// Sets the terminal's title (OSC 0), then reverses and isolates text (bidi override/isolate/mark).
const NOTES: &str = "\u{1b}]0;pwned\u{7}a\u{202e}fdp.exe\u{2066}b\u{200f}\u{9b}c";
/// How the two are shown in tables: every such character as Rust's `\u{..}`.
const REALNAME_SHOWN: &str = r"\u{1b}[31mRed Team\u{7}";
const NOTES_SHOWN: &str = r"\u{1b}]0;pwned\u{7}a\u{202e}fdp.exe\u{2066}b\u{200f}\u{9b}c";

fn assert_harmless(out: &str) {
    for c in ['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}', '\u{2066}', '\u{200f}'] {
        assert!(!out.contains(c), "raw {:?} in {out:?}", c);
    }
}

/// The server is where hostile text comes from (core refuses control characters in what it sends),
/// so the user is put straight into the emulator's account.
fn create_hostile_user(served: &Served) -> String {
    let json = serde_json::json!({
        "user_id": "DUHOSTILE00000000001", "username": "hostile", "realname": REALNAME, "notes": NOTES,
        "email": "hostile@example.com", "status": "active", "aliases": {},
    });
    served.emulator().add_user(User::from_json(&json.to_string()).unwrap());
    "DUHOSTILE00000000001".to_string()
}

#[test]
fn tables_show_control_and_bidi_characters_escaped() {
    let served = Served::start(0);
    let id = create_hostile_user(&served);

    let listing = stdout_of(served.cmd().args(["users", "list"]));
    assert_harmless(&listing);
    assert!(listing.contains(REALNAME_SHOWN), "{listing}");

    let one = stdout_of(served.cmd().args(["users", "get", &id]));
    assert_harmless(&one);
    assert!(one.contains(REALNAME_SHOWN), "{one}");
    assert!(one.contains(NOTES_SHOWN), "{one}");

    let found = stdout_of(served.cmd().args(["users", "get", "--username", "hostile"]));
    assert_harmless(&found);
    assert!(found.contains(NOTES_SHOWN), "{found}");
}

#[test]
fn json_keeps_the_exact_values() {
    let served = Served::start(0);
    let id = create_hostile_user(&served);
    for format in ["json", "jsonl"] {
        let out = stdout_of(served.cmd().args(["users", "get", &id, "-o", format]));
        // serde escapes the C0 controls; nothing is rewritten.
        assert!(!out.contains('\u{1b}') && out.contains(r"\u001b[31m"), "{out}");
        let user: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(user["realname"], REALNAME);
        assert_eq!(user["notes"], NOTES);
    }
    let out = stdout_of(served.cmd().args(["users", "list", "-o", "json"]));
    let users: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(users[0]["notes"], NOTES);
}

/// A one-shot HTTP server answering every request with Duo's FAIL envelope carrying `message`.
fn hostile_server(message: &str) -> (String, std::thread::JoinHandle<()>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let host = format!("http://{}", listener.local_addr().unwrap());
    let body = serde_json::json!({"stat": "FAIL", "code": 40002, "message": message}).to_string();
    let handle = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 4096];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = stream.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            request.extend_from_slice(&buf[..n]);
        }
        let reply = format!(
            "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(reply.as_bytes()).unwrap();
    });
    (host, handle)
}

#[test]
fn error_messages_from_the_server_are_escaped_on_stderr() {
    let (host, server) = hostile_server(NOTES);
    let output = common::bare()
        .env("DUO_IKEY", "DIWJ8X6AEYOR5OMC6TQ1")
        .env("DUO_SKEY", "Zh5eGmUq9zpfQnyUIu5OL9iWoMMv5ZNmk3zLJ4Ep")
        .env("DUO_HOST", &host)
        .args(["users", "list", "--max-retries", "0", "-o", "json"])
        .assert()
        .code(3)
        .get_output()
        .clone();
    server.join().unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_harmless(&stderr);
    assert_eq!(stderr, format!("error: Duo API error: HTTP 400, Duo code 40002: {NOTES_SHOWN}\n"));
    // stdout's JSON error keeps the exact text.
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(doc["error"]["message"], format!("Duo API error: HTTP 400, Duo code 40002: {NOTES}"));
}
