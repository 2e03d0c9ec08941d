//! `POST /admin/v1/users/directorysync/{directory_key}/syncuser`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::*;
use duo_directory::{DirectoryUser, DirectoryUserState, UserCreate, UserStatus, WritableStatus};
use duo_directory_emulator::generator;

fn seed_directory_user() -> DirectoryUser {
    DirectoryUser::from_json(include_str!("../../tests/vectors/seed-001-directory-user.json")).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn sync_creates_updates_and_marks_for_deletion() {
    let emulator = http_emulator(0).await;
    let client = client(&emulator);
    let mut marcelina = seed_directory_user();
    let mut others = generator::directory_users("directory_01ECAZ4NV9QMV47GW873HDCX74", 5, 7);
    others[0].state = DirectoryUserState::Inactive;
    let inactive_email = others[0].email.clone().unwrap();
    let mut all = vec![marcelina.clone()];
    all.extend(others);
    emulator.add_directory("DKCORP", all.clone());

    // create: the deprecated `username` member (here the full email) matches
    let created = client.sync_user_from_directory("DKCORP", "marcelina.davis@example.com").await.unwrap();
    assert_eq!(created.username, "marcelina.davis@example.com");
    assert_eq!(created.firstname.as_deref(), Some("Marcelina"));
    assert_eq!(created.lastname.as_deref(), Some("Davis"));
    assert_eq!(created.realname.as_deref(), Some("Marcelina Davis"));
    assert_eq!(created.email.as_deref(), Some("marcelina.davis@example.com"));
    assert_eq!(created.status, UserStatus::Active);
    let synced_at = created.last_directory_sync.unwrap();
    assert!(synced_at > 1_700_000_000);
    assert_eq!(emulator.user_count(), 1);

    // the email's local part matches too; an inactive directory user becomes disabled
    let local = inactive_email.split('@').next().unwrap();
    let disabled = client.sync_user_from_directory("DKCORP", local).await.unwrap();
    assert_eq!(disabled.username, local);
    assert_eq!(disabled.status, UserStatus::Disabled);

    // update: an existing Duo user with that username takes the directory's values
    let existing = client
        .create_user(&UserCreate {
            realname: Some("Old Name".into()),
            status: Some(WritableStatus::Disabled),
            ..UserCreate::new("marcelina.davis")
        })
        .await
        .unwrap();
    assert_eq!(existing.last_directory_sync, None);
    marcelina.last_name = Some("Davis-Hill".into());
    emulator.add_directory("DKCORP", {
        let mut v = all.clone();
        v[0] = marcelina.clone();
        v
    });
    let updated = client.sync_user_from_directory("DKCORP", "marcelina.davis").await.unwrap();
    assert_eq!(updated.user_id, existing.user_id);
    assert_eq!(updated.realname.as_deref(), Some("Marcelina Davis-Hill"));
    assert_eq!(updated.status, UserStatus::Active);
    assert!(updated.last_directory_sync.is_some());
    assert_eq!(emulator.user(&existing.user_id).unwrap(), updated);

    // absent from the directory but present in Duo: pending deletion
    assert!(emulator.remove_directory_user("DKCORP", "marcelina.davis@example.com"));
    assert!(!emulator.remove_directory_user("DKCORP", "marcelina.davis@example.com"));
    let gone = client.sync_user_from_directory("DKCORP", "marcelina.davis").await.unwrap();
    assert_eq!(gone.status, UserStatus::PendingDeletion);
    assert!(gone.last_directory_sync.is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn sync_errors_change_nothing() {
    let emulator = http_emulator(3).await;
    emulator.add_directory("DKCORP", vec![seed_directory_user()]);
    let client = client(&emulator);
    let before = emulator.users();

    let err = client.sync_user_from_directory("DKNOPE", "marcelina.davis").await.unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert_api_error(&err, 404, 40401);

    let err = client.sync_user_from_directory("DKCORP", "nobody.here").await.unwrap_err();
    assert_api_error(&err, 404, 40401);
    assert_eq!(err.api_error().unwrap().message_detail.as_deref(), Some("username"));

    let r = raw(
        &emulator,
        RawRequest::new("POST", "/admin/v1/users/directorysync/DKCORP/syncuser", duo_directory::Params::new()),
    )
    .await;
    assert_fail(&r, 400, 40001);
    let r = raw(
        &emulator,
        RawRequest::new("GET", "/admin/v1/users/directorysync/DKCORP/syncuser", duo_directory::Params::new()),
    )
    .await;
    assert_fail(&r, 405, 40501);
    assert_eq!(emulator.users(), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn directory_sync_works_with_v2_signatures() {
    let emulator = http_emulator(0).await;
    emulator.add_directory("DKV2CORP", vec![seed_directory_user()]);
    let client = client_with(&emulator, duo_directory::SigVersion::V2);
    let user = client.sync_user_from_directory("DKV2CORP", "marcelina.davis").await.unwrap();
    assert_eq!(user.username, "marcelina.davis");
}
