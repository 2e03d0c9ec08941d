//! The generator and seed files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::*;
use duo_directory::{DirectoryUser, User, UserStatus};
use duo_directory_emulator::{EmulatorError, generator, seed_file};
use std::collections::HashSet;
use std::io::Write;

#[test]
fn generated_users_are_deterministic_unique_and_realistic() {
    let a = generator::users(2000, 42);
    assert_eq!(a, generator::users(2000, 42));
    assert_ne!(a, generator::users(2000, 43));
    assert_eq!(generator::users(10, 42), a[..10].to_vec(), "a prefix of a longer run");
    let ids: HashSet<_> = a.iter().map(|u| u.user_id.as_str()).collect();
    let names: HashSet<_> = a.iter().map(|u| u.username.to_lowercase()).collect();
    assert_eq!(ids.len(), 2000);
    assert_eq!(names.len(), 2000);
    for user in &a {
        assert!(user.user_id.starts_with("DU") && user.user_id.len() == 20);
        assert!(user.user_id.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()));
        assert_eq!(user.alias1.as_ref(), user.aliases.get("alias1"));
        assert_eq!(user.alias2.as_ref(), user.aliases.get("alias2"));
        // round-trips through JSON without loss
        assert_eq!(&User::from_json(&user.to_json()).unwrap(), user);
    }
    let count = |s: UserStatus| a.iter().filter(|u| u.status == s).count();
    assert!(count(UserStatus::Active) > 1500);
    for s in [UserStatus::Bypass, UserStatus::Disabled, UserStatus::LockedOut] {
        assert!(count(s.clone()) > 20, "{s}");
    }
    assert!(a.iter().any(|u| !u.phones.is_empty()
        && !u.tokens.is_empty()
        && !u.webauthncredentials.is_empty()
        && !u.groups.is_empty()));
    assert!(a.iter().any(|u| !u.aliases.is_empty()));
    assert!(a.iter().any(|u| u.notes.as_deref().is_some_and(|n| !n.is_empty())));
    assert!(a.iter().any(|u| u.last_login.is_none()));
    assert!(a.iter().all(|u| u.is_enrolled
        == Some(
            !u.phones.is_empty()
                || !u.tokens.is_empty()
                || !u.u2ftokens.is_empty()
                || !u.webauthncredentials.is_empty()
        )));
}

#[test]
fn generated_directory_users_have_the_seed_001_shape() {
    let users = generator::directory_users("directory_01ECAZ4NV9QMV47GW873HDCX74", 300, 1);
    assert_eq!(users, generator::directory_users("directory_01ECAZ4NV9QMV47GW873HDCX74", 300, 1));
    let emails: HashSet<_> = users.iter().map(|u| u.email.clone().unwrap()).collect();
    assert_eq!(emails.len(), 300);
    for user in &users {
        assert_eq!(user.object, "directory_user");
        assert!(user.id.starts_with("directory_user_01"));
        assert_eq!(user.directory_id, "directory_01ECAZ4NV9QMV47GW873HDCX74");
        assert!(user.extra.contains_key("emails") && user.extra.contains_key("username"));
        assert!(user.custom_attributes.contains_key("department"));
        assert!(user.role.is_some());
        assert!(!user.groups.is_empty());
        assert_eq!(user.username(), user.email.as_deref());
        assert_eq!(&DirectoryUser::from_json(&user.to_json()).unwrap(), user);
    }
    assert!(users.iter().any(|u| u.state.as_str() == "inactive"));
}

#[tokio::test(flavor = "multi_thread")]
async fn generate_users_appends_without_clashes() {
    let emulator = http_emulator(50).await;
    emulator.generate_users(50, 42); // same seed: same names and ids, renamed on arrival
    assert_eq!(emulator.user_count(), 100);
    let users = emulator.users();
    let ids: HashSet<_> = users.iter().map(|u| u.user_id.as_str()).collect();
    let names: HashSet<_> = users.iter().map(|u| u.username.to_lowercase()).collect();
    assert_eq!(ids.len(), 100);
    assert_eq!(names.len(), 100);
    let client = client(&emulator);
    for user in users.iter().step_by(9) {
        assert_eq!(client.get_user_by_username(&user.username).await.unwrap().unwrap().user_id, user.user_id);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn seed_files_preload_users_and_directories() {
    let emulator = http_emulator(0).await;
    let seed_user = include_str!("../../tests/vectors/seed-002-user.json");
    let seed_user: serde_json::Value = serde_json::from_str(seed_user).unwrap();
    let seed_user = seed_user.get("response").cloned().unwrap_or(seed_user);
    let directory_user: serde_json::Value =
        serde_json::from_str(include_str!("../../tests/vectors/seed-001-directory-user.json")).unwrap();
    let doc = serde_json::json!({"users": [seed_user], "directories": {"DKSEED": [directory_user]}});
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(doc.to_string().as_bytes()).unwrap();
    seed_file::load(&emulator, file.path()).unwrap();
    assert_eq!(emulator.user_count(), 1);
    let client = client(&emulator);
    let jsmith = client.get_user_by_username("jsmith").await.unwrap().unwrap();
    assert_eq!(jsmith.user_id, "DU3RP9I2WOC59VZX672N");
    assert_eq!(jsmith.webauthncredentials.len(), 2);
    assert_eq!(client.get_user_by_username("joe.smith").await.unwrap().unwrap().user_id, jsmith.user_id);
    let synced = client.sync_user_from_directory("DKSEED", "marcelina.davis").await.unwrap();
    assert_eq!(synced.email.as_deref(), Some("marcelina.davis@example.com"));

    // invalid files: clear errors, nothing loaded
    let emulator = http_emulator(0).await;
    for (text, needle) in [
        ("{\"users\": [{\"username\": \"x\"}]}", "missing field"),
        ("{\"userz\": []}", "userz"),
        ("not json", "not a valid seed file"),
        (
            "{\"users\": [{\"user_id\":\"DU1\",\"username\":\"a\",\"status\":\"active\"},{\"user_id\":\"DU1\",\"username\":\"b\",\"status\":\"active\"}]}",
            "twice",
        ),
    ] {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(text.as_bytes()).unwrap();
        let err = seed_file::load(&emulator, file.path()).unwrap_err();
        assert!(matches!(err, EmulatorError::SeedFile { .. }));
        assert!(err.to_string().contains(needle), "{err}");
    }
    let err = seed_file::load(&emulator, std::path::Path::new("/nonexistent/seed.json")).unwrap_err();
    assert!(err.to_string().contains("cannot read"), "{err}");
    assert_eq!(emulator.user_count(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn start_errors_are_clear() {
    let busy = http_emulator(0).await;
    let err = duo_directory_emulator::Emulator::start(duo_directory_emulator::EmulatorConfig {
        port: busy.local_addr().port(),
        tls: false,
        ..Default::default()
    })
    .await
    .unwrap_err();
    assert!(matches!(err, EmulatorError::Bind { .. }));
    assert!(err.to_string().starts_with("cannot listen on 127.0.0.1:"), "{err}");
    let err = duo_directory_emulator::Emulator::start(duo_directory_emulator::EmulatorConfig {
        skey: String::new(),
        ..Default::default()
    })
    .await
    .unwrap_err();
    assert!(err.to_string().contains("secret key"), "{err}");
}

#[test]
fn default_keys_have_duo_shapes() {
    let a = duo_directory_emulator::EmulatorConfig::default();
    let b = duo_directory_emulator::EmulatorConfig::default();
    assert_ne!(a.ikey, b.ikey);
    assert!(a.ikey.starts_with("DI") && a.ikey.len() == 20);
    assert!(a.ikey.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()));
    assert_eq!(a.skey.len(), 40);
    assert!(a.skey.chars().all(|c| c.is_ascii_alphanumeric()));
    assert!(a.tls);
    assert_eq!(a.max_body_bytes, 64 * 1024);
    assert_eq!(a.seed, 42);
}
