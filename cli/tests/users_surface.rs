//! `users groups|phones|tokens|bypass-codes|authenticators|enroll|lookup` and `groups list|get` end to end.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, missing_docs)]

mod common;

use common::{Served, stdout_of};

fn json(out: &str) -> serde_json::Value {
    serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}: {out}"))
}

#[test]
fn groups_of_a_user_with_what_if_and_groups_list() {
    let served = Served::start(0);
    let make = |name: &str| {
        let out = stdout_of(served.cmd().args(["users", "-o", "json", "create", "--username", name]));
        json(&out)["user_id"].as_str().unwrap().to_string()
    };
    let user = make("cli.grouped");
    let client = duo_directory::blocking::Client::new(served.emulator().client_config()).unwrap();
    let group =
        client.call("POST", "/admin/v1/groups", duo_directory::Params::new().with("name", "cli group")).unwrap();
    let group = group["group_id"].as_str().unwrap().to_string();

    let before = served.emulator().request_count();
    let out = stdout_of(served.cmd().args(["users", "groups", "add", &user, &group, "--what-if", "-o", "json"]));
    let preview = json(&out);
    assert_eq!(preview["sent"], false);
    assert_eq!(preview["request"]["path"], format!("/admin/v1/users/{user}/groups"));
    assert_eq!(served.emulator().request_count(), before, "--what-if sends nothing");

    let out = stdout_of(served.cmd().args(["users", "groups", "add", &user, &group, "-o", "json"]));
    assert_eq!(json(&out)["group_id"], group.as_str());
    let out = stdout_of(served.cmd().args(["users", "groups", "list", &user, "-o", "json"]));
    assert_eq!(json(&out)[0]["name"], "cli group");
    let out = stdout_of(served.cmd().args(["groups", "list", "-o", "jsonl"]));
    assert_eq!(out.lines().count(), 1);
    let out = stdout_of(served.cmd().args(["groups", "get", &group]));
    assert!(out.contains("cli group"), "{out}");
    served.cmd().args(["users", "groups", "remove", &user, &group]).assert().success();
    assert!(served.emulator().user(&user).unwrap().groups.is_empty());
    served.cmd().args(["groups", "get", "DGNOSUCHGROUP0000000"]).assert().code(3);
}

#[test]
fn bypass_codes_enroll_and_lookup() {
    let served = Served::start(0);
    let out = stdout_of(served.cmd().args(["users", "-o", "json", "create", "--username", "cli.codes"]));
    let user = json(&out)["user_id"].as_str().unwrap().to_string();
    let out = stdout_of(served.cmd().args(["users", "bypass-codes", "create", &user, "--count", "2", "-o", "json"]));
    let codes = json(&out)["codes"].as_array().unwrap().clone();
    assert_eq!(codes.len(), 2);
    let out = stdout_of(served.cmd().args(["users", "bypass-codes", "list", &user, "-o", "json"]));
    assert_eq!(json(&out).as_array().unwrap().len(), 2);
    assert!(codes.iter().all(|c| !out.contains(c.as_str().unwrap())), "the listing never shows a code");
    let out =
        stdout_of(served.cmd().args(["users", "bypass-codes", "create", &user, "--code", "123456789", "--what-if"]));
    assert!(!out.contains("123456789") && out.contains("***"), "{out}");

    served.cmd().args(["users", "enroll", "--username", "cli.new", "--email", "new@example.com"]).assert().success();
    assert!(served.emulator().user_by_username("cli.new").is_some());
    served.cmd().args(["users", "enroll", "--username", "x", "--email", "nope"]).assert().code(2);
    let out = stdout_of(served.cmd().args([
        "users",
        "lookup",
        "--username",
        "cli.new",
        "--username",
        "cli.codes",
        "-o",
        "json",
    ]));
    let names: Vec<_> = json(&out).as_array().unwrap().iter().map(|u| u["username"].clone()).collect();
    assert_eq!(names, ["cli.new", "cli.codes"]);
    served.cmd().args(["users", "lookup", "--username", "cli.new", "--username", "nobody"]).assert().code(3);
}

#[test]
fn authenticators_of_a_user_in_one_table() {
    let served = Served::start(0);
    let user: duo_directory::User = serde_json::from_value(serde_json::json!({
        "user_id": "DUCLIKEYS00000000000", "username": "cli.keys", "status": "active",
        "u2ftokens": [{"registration_id": "D2CLI", "date_added": 1}],
        "webauthncredentials": [{"webauthnkey": "WACLI", "credential_name": "YubiKey", "label": "Security Key"}],
        "desktopauthenticators": [{"daid": "DDACLI", "device_name": "laptop-9", "os_family": "Windows", "duo_desktop_version": "7.2"}]
    }))
    .unwrap();
    served.emulator().add_user(user);
    let out = stdout_of(served.cmd().args(["users", "authenticators", "DUCLIKEYS00000000000"]));
    for expected in ["u2f", "D2CLI", "webauthn", "WACLI", "YubiKey", "desktop", "DDACLI", "laptop-9", "Windows 7.2"] {
        assert!(out.contains(expected), "{expected} in {out}");
    }
    let doc = json(&stdout_of(served.cmd().args(["users", "authenticators", "DUCLIKEYS00000000000", "-o", "json"])));
    assert_eq!(doc["desktopauthenticators"][0]["device_name"], "laptop-9");
    assert_eq!(doc["webauthncredentials"][0]["webauthnkey"], "WACLI");
    let lines = stdout_of(served.cmd().args(["users", "authenticators", "DUCLIKEYS00000000000", "-o", "jsonl"]));
    let kinds: Vec<String> = lines.lines().map(|l| json(l)["kind"].as_str().unwrap().to_string()).collect();
    assert_eq!(kinds, ["u2f", "webauthn", "desktop"]);
    served.cmd().args(["users", "authenticators", "DUNOSUCHUSER00000000"]).assert().code(3);
}
