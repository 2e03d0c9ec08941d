//! Bulk calls and reconcile against the emulator: bulk_create / trash / restore / bulk /
//! settings, then plan + apply with injected 429s, 5xx and dropped connections, and a re-run
//! that converges with no duplicate and no successful write repeated (from the request log).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use duo_directory::reconcile::{self, ActionKind, ApplyOptions, OutcomeStatus};
use duo_directory::{BulkOperation, BulkOptions, DirectoryUser, Error, OperationsEncoding, UserCreate, UserStatus};
use duo_directory_conformance::{client, emulator};
use duo_directory_emulator::{Emulator, Fault, RecordedRequest};
use std::collections::HashMap;
use std::sync::Arc;

fn dir(i: usize, last: &str, state: &str) -> DirectoryUser {
    DirectoryUser::from_json(
        &serde_json::json!({"id": format!("directory_user_{i}"), "idp_id": format!("{i}"), "directory_id": "directory_1",
            "email": format!("user{i}@example.com"), "first_name": format!("First{i}"), "last_name": last,
            "state": state, "created_at": "", "updated_at": ""})
        .to_string(),
    )
    .unwrap()
}

fn ok_writes(emu: &Emulator) -> Vec<RecordedRequest> {
    emu.requests().into_iter().filter(|r| r.method != "GET" && r.status == 200).collect()
}

fn param<'a>(r: &'a RecordedRequest, name: &str) -> &'a str {
    r.params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn bulk_create_is_chunked_and_atomic_and_trash_restore_report_per_item() {
    let emu = emulator(0).await;
    let c = client(&emu);
    let users: Vec<UserCreate> = (0..5)
        .map(|i| UserCreate { email: Some(format!("b{i}@example.com")), ..UserCreate::new(format!("b{i}")) })
        .collect();
    let small = BulkOptions { chunk_size: Some(2), ..Default::default() };
    let created = c.bulk_create_users(&users, &small).await.unwrap();
    assert_eq!(created.iter().map(|u| u.username.as_str()).collect::<Vec<_>>(), ["b0", "b1", "b2", "b3", "b4"]);
    assert_eq!(created[3].email.as_deref(), Some("b3@example.com"));
    let sizes: Vec<usize> = ok_writes(&emu)
        .iter()
        .map(|r| serde_json::from_str::<Vec<serde_json::Value>>(param(r, "users")).unwrap().len())
        .collect();
    assert_eq!(sizes, [2, 2, 1]);

    // all-or-nothing: one taken name fails the whole call and creates nobody
    let err = c
        .bulk_create_users(&[UserCreate::new("new1"), UserCreate::new("B2")], &BulkOptions::default())
        .await
        .unwrap_err();
    assert_eq!(err.api_error().map(|e| e.code), Some(Some(40003)), "{err}");
    assert!(emu.user_by_username("new1").is_none());
    emu.clear_requests();
    let err = c
        .bulk_create_users(&[UserCreate { alias2: Some("x".into()), ..UserCreate::new("n") }], &BulkOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::InvalidInput { field, .. } if field == "users[0].alias2"));
    let err =
        c.send_users_to_trash(&["DU1".into()], &BulkOptions { chunk_size: Some(101), ..Default::default() }).await;
    assert!(matches!(err, Err(Error::InvalidInput { field, .. }) if field == "chunk_size"));
    assert!(emu.requests().is_empty(), "bad input sends nothing");

    let ids = vec![created[0].user_id.clone(), "DUNOSUCHUSER00000000".into()];
    let trashed = c.send_users_to_trash(&ids, &BulkOptions::default()).await.unwrap();
    assert_eq!(trashed.iter().map(|r| r.success).collect::<Vec<_>>(), [true, false]);
    assert_eq!(emu.user(&created[0].user_id).unwrap().status, UserStatus::PendingDeletion);
    let restored = c.restore_users_from_trash(&ids, &BulkOptions::default()).await.unwrap();
    assert_eq!(restored.iter().map(|r| r.success).collect::<Vec<_>>(), [true, false]);
    assert_eq!(emu.user(&created[0].user_id).unwrap().status, UserStatus::Active);
    assert!(
        !c.restore_users_from_trash(&ids[..1], &BulkOptions::default()).await.unwrap()[0].success,
        "not in the trash"
    );

    assert_eq!(c.pending_deletion_days().await.unwrap(), Some(7));
    c.call("POST", "/admin/v1/settings", [("pending_deletion_days", "10")].into_iter().collect()).await.unwrap();
    assert_eq!(c.pending_deletion_days().await.unwrap(), Some(10));
}

#[tokio::test(flavor = "multi_thread")]
async fn bulk_operations_run_in_either_encoding_with_per_operation_results() {
    let emu = emulator(0).await;
    let c = client(&emu);
    let target = c.create_user(&UserCreate::new("target")).await.unwrap();
    for (encoding, name) in [(OperationsEncoding::Array, "op-array"), (OperationsEncoding::JsonString, "op-string")] {
        let ops = vec![
            BulkOperation {
                method: "POST".into(),
                path: "/admin/v1/users".into(),
                body: serde_json::json!({"username": name}).as_object().unwrap().clone(),
            },
            BulkOperation {
                method: "POST".into(),
                path: format!("/admin/v1/users/{}", target.user_id),
                body: serde_json::json!({"notes": name}).as_object().unwrap().clone(),
            },
            BulkOperation { method: "POST".into(), path: "/admin/v1/users".into(), body: Default::default() },
        ];
        let results = c.bulk(&ops, &BulkOptions { encoding: Some(encoding), ..Default::default() }).await.unwrap();
        assert_eq!(results.iter().map(|r| r.ok()).collect::<Vec<_>>(), [true, true, false], "{encoding:?}");
        assert_eq!(results[2].code, Some(40001), "the failed op reports its own error; the others ran");
        assert!(emu.user_by_username(name).is_some());
        assert_eq!(emu.user(&target.user_id).unwrap().notes.as_deref(), Some(name));
    }
}

/// Directory: 12 users to create, 2 to update, 1 restored with a change, 1 inactive (trash);
/// Duo: 1 owned user the directory lost (trash), 1 unmanaged user (left alone).
fn scenario(emu: &Emulator) -> Vec<DirectoryUser> {
    let marker = "duo-directory:directory_1";
    let mut directory: Vec<DirectoryUser> = (0..12).map(|i| dir(i, "Create", "active")).collect();
    for (i, last, status) in
        [(20, "Old", "active"), (21, "Old", "active"), (22, "Old", "pending deletion"), (23, "Same", "active")]
    {
        let user = duo_directory::User::from_json(
            &serde_json::json!({"user_id": format!("DU{i:018}"), "username": format!("user{i}@example.com"),
                "status": status, "firstname": format!("First{i}"), "lastname": last, "email": format!("user{i}@example.com"),
                "realname": format!("First{i} {last}"), "notes": marker})
            .to_string(),
        )
        .unwrap();
        emu.add_user(user);
    }
    directory.push(dir(20, "New", "active"));
    directory.push(dir(21, "New", "active"));
    directory.push(dir(22, "New", "active"));
    directory.push(dir(23, "Same", "inactive"));
    let lost = serde_json::json!({"user_id": "DULOST000000000000001", "username": "lost@example.com", "status": "active", "notes": marker});
    emu.add_user(duo_directory::User::from_json(&lost.to_string()).unwrap());
    let admin = serde_json::json!({"user_id": "DUADMIN00000000000001", "username": "admin", "status": "active"});
    emu.add_user(duo_directory::User::from_json(&admin.to_string()).unwrap());
    directory
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_survives_faults_and_a_rerun_converges_without_repeating_a_write() {
    let emu = Arc::new(emulator(0).await);
    let c = client(&emu);
    let directory = scenario(&emu);
    let plan = c.plan_reconcile(&directory, None).await.unwrap();
    let s = plan.summary();
    assert_eq!(
        (s.create, s.update, s.restore, s.trash, s.unchanged, s.conflict),
        (12, 2, 1, 2, 0, 0),
        "{:#?}",
        plan.entries
    );
    let text = plan.to_json();
    let plan = reconcile::Plan::from_json(&text).unwrap();

    let dir_path = std::env::temp_dir().join(format!("duo-reconcile-{}", std::process::id()));
    std::fs::create_dir_all(&dir_path).unwrap();
    let journal = dir_path.join("faults.journal");
    let _ = std::fs::remove_file(&journal);
    // once the first write is confirmed, the next requests meet a 429 (retried by the client),
    // two 5xx and a dropped connection (the writes they hit fail and are left for the re-run)
    let injector = emu.clone();
    let injected = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = injected.clone();
    let progress: reconcile::ProgressFn = Arc::new(move |o: &reconcile::Outcome| {
        if o.status == OutcomeStatus::Done
            && o.reason.is_none()
            && !flag.swap(true, std::sync::atomic::Ordering::SeqCst)
        {
            injector.inject_fault(Fault::RateLimited { count: 1, retry_after: None });
            injector.inject_fault(Fault::ServerError { count: 1, status: 503 });
            injector.inject_fault(Fault::DropConnection { count: 1 });
            injector.inject_fault(Fault::ServerError { count: 1, status: 500 });
        }
    });
    let options = ApplyOptions {
        concurrency: Some(1),
        journal: Some(journal.clone()),
        chunk_size: Some(3),
        progress: Some(progress),
    };
    let first = c.apply(&plan, &options).await.unwrap();
    assert!(injected.load(std::sync::atomic::Ordering::SeqCst));
    let failed = first.count(OutcomeStatus::Failed);
    assert!(failed >= 3, "the 5xx and the dropped connection each failed a write: {:#?}", first.outcomes);
    for o in first.outcomes.iter().filter(|o| o.status == OutcomeStatus::Failed) {
        assert!(matches!(o.error, Some(Error::Api(_)) | Some(Error::Transport { .. })), "typed error: {o:?}");
    }

    let second = c.apply(&plan, &ApplyOptions { journal: Some(journal.clone()), ..Default::default() }).await.unwrap();
    assert!(second.ok(), "{:#?}", second.outcomes);
    assert_eq!(second.count(OutcomeStatus::Done), plan.entries.len());
    let from_journal =
        second.outcomes.iter().filter(|o| o.reason.as_deref() == Some("done in an earlier run (journal)")).count();
    assert_eq!(from_journal, plan.entries.len() - failed, "what the first run confirmed is not even re-read");

    // the request log: every planned write succeeded exactly once
    let mut created: HashMap<String, u32> = HashMap::new();
    let mut per_user: HashMap<(String, String), u32> = HashMap::new();
    for r in ok_writes(&emu) {
        match r.path.as_str() {
            "/admin/v1/users/bulk_create" => {
                for u in serde_json::from_str::<Vec<serde_json::Value>>(param(&r, "users")).unwrap() {
                    *created.entry(u["username"].as_str().unwrap().to_string()).or_default() += 1;
                }
            }
            "/admin/v1/users/bulk_send_to_trash" | "/admin/v1/users/bulk_restore" => {
                for id in serde_json::from_str::<Vec<String>>(param(&r, "user_id_list")).unwrap() {
                    *per_user.entry((r.path.clone(), id)).or_default() += 1;
                }
            }
            other => *per_user.entry((other.to_string(), String::new())).or_default() += 1,
        }
    }
    assert_eq!(created.len(), 12);
    assert!(created.values().all(|n| *n == 1), "no user created twice: {created:?}");
    assert!(per_user.values().all(|n| *n == 1), "no write repeated: {per_user:?}");
    assert_eq!(per_user.len(), 2 + 2 + 1 + 1, "2 updates, 2 trashed, 1 restored then updated");
    let names: Vec<String> = emu.users().into_iter().map(|u| u.username.to_lowercase()).collect();
    let mut unique = names.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "no duplicate users");
    assert_eq!(emu.user_by_username("admin").unwrap().status, UserStatus::Active, "unmanaged user untouched");

    // a third run, without the journal: re-reads, finds everything done, writes nothing
    emu.clear_requests();
    let third = c.apply(&plan, &ApplyOptions::default()).await.unwrap();
    assert_eq!(third.count(OutcomeStatus::Done), plan.entries.len());
    assert!(ok_writes(&emu).is_empty(), "a converged plan sends no write");
    // and a fresh plan has nothing left to change
    let again = c.plan_reconcile(&directory, None).await.unwrap();
    assert_eq!(again.summary().changes(), 0, "{:#?}", again.entries);
    let _ = std::fs::remove_dir_all(&dir_path);
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_skips_users_changed_since_the_plan_and_adopts_a_create_that_already_landed() {
    let emu = emulator(0).await;
    let c = client(&emu);
    let directory = scenario(&emu);
    let plan = c.plan_reconcile(&directory, None).await.unwrap();
    // someone edits user20 after the plan; and user0's create reached Duo before a crash
    let u20 = emu.user_by_username("user20@example.com").unwrap();
    c.update_user(&u20.user_id, &duo_directory::UserUpdate { lastname: Some("Manual".into()), ..Default::default() })
        .await
        .unwrap();
    let entry0 = plan.entries.iter().find(|e| e.username == "user0@example.com").unwrap();
    let mut landed = UserCreate::new("user0@example.com");
    for change in entry0.changes.iter().filter(|c| c.field != "username") {
        landed.set(&change.field, Some(&change.after)).unwrap();
    }
    c.create_user(&landed).await.unwrap();
    emu.clear_requests();
    let report = c.apply(&plan, &ApplyOptions::default()).await.unwrap();
    let by_name: HashMap<&str, &reconcile::Outcome> =
        report.outcomes.iter().map(|o| (o.username.as_str(), o)).collect();
    let o20 = by_name["user20@example.com"];
    assert_eq!(o20.status, OutcomeStatus::Skipped);
    assert!(o20.reason.as_deref().unwrap().contains("changed since the plan"));
    assert_eq!(emu.user(&u20.user_id).unwrap().lastname.as_deref(), Some("Manual"), "not overwritten");
    let o0 = by_name["user0@example.com"];
    assert_eq!((o0.status, o0.action), (OutcomeStatus::Done, ActionKind::Create));
    assert_eq!(o0.reason.as_deref(), Some("already as planned; nothing sent"));
    let sent: Vec<String> = ok_writes(&emu)
        .iter()
        .filter(|r| r.path.ends_with("bulk_create"))
        .flat_map(|r| serde_json::from_str::<Vec<serde_json::Value>>(param(r, "users")).unwrap())
        .map(|u| u["username"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(sent.len(), 11);
    assert!(!sent.contains(&"user0@example.com".to_string()));
}

#[tokio::test(flavor = "multi_thread")]
async fn events_are_planned_against_the_users_they_touch() {
    let emu = emulator(0).await;
    let c = client(&emu);
    let directory = scenario(&emu);
    let event = |name: &str, user: &DirectoryUser| {
        duo_directory::DirectoryEvent::from_json(
            &serde_json::json!({"id": format!("event_{}", user.id), "event": name, "data": serde_json::to_value(user).unwrap()})
                .to_string(),
        )
        .unwrap()
    };
    let events = vec![event("dsync.user.created", &directory[0]), event("dsync.user.deleted", &directory[12])];
    emu.clear_requests();
    let plan = c.plan_events(&events, None).await.unwrap();
    let actions: Vec<(&str, ActionKind)> = plan.entries.iter().map(|e| (e.username.as_str(), e.action)).collect();
    assert_eq!(actions, [("user0@example.com", ActionKind::Create), ("user20@example.com", ActionKind::Trash)]);
    assert_eq!(emu.requests().len(), 1, "one batch lookup, no full listing");
    let report = c.apply(&plan, &ApplyOptions::default()).await.unwrap();
    assert!(report.ok());
    assert_eq!(emu.user_by_username("user20@example.com").unwrap().status, UserStatus::PendingDeletion);
    assert!(emu.user_by_username("lost@example.com").is_some_and(|u| u.status == UserStatus::Active), "not touched");
}
