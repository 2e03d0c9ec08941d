//! The directory client against the emulator's directory API: paging, filters, gets, errors,
//! retries and pacing; and the whole webhook path: a directory change, a signed webhook
//! received, verified and parsed, the user then read back through the directory client.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use duo_directory::directory::{DirectoryQuery, EventQuery, GroupQuery, Paging, UserQuery};
use duo_directory::{DirectoryClient, DirectoryUser, Error, EventKind, verify_webhook};
use duo_directory_conformance::fast_retry;
use duo_directory_emulator::{DirectoryMembers, Emulator, EmulatorConfig, Fault, FaultKind, FaultOptions};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const KEY: &str = "DKTEST";

async fn emulator(users: usize) -> Emulator {
    let config =
        EmulatorConfig { directories: vec![(KEY.into(), DirectoryMembers::Generated(users))], ..Default::default() };
    Emulator::start(config).await.unwrap()
}

fn client(emu: &Emulator) -> DirectoryClient {
    let mut config = emu.directory_client_config();
    config.retry = fast_retry(3);
    config.timeout = Duration::from_secs(5);
    DirectoryClient::new(config).unwrap()
}

async fn all_users(c: &DirectoryClient, query: &UserQuery) -> Vec<DirectoryUser> {
    let mut cursor = c.list_users(query).unwrap();
    let mut out = Vec::new();
    while let Some(u) = cursor.next().await.unwrap() {
        out.push(u);
    }
    out
}

fn paged(limit: u32, order: Option<&str>) -> Paging {
    Paging { limit: Some(limit), order: order.map(str::to_string), ..Default::default() }
}

#[tokio::test(flavor = "multi_thread")]
async fn lists_page_with_cursors_and_filters_narrow() {
    let emu = emulator(7).await;
    let c = client(&emu);
    let stored = emu.directory_users(KEY).unwrap();
    let directory = Some(KEY.to_string());

    let asc =
        all_users(&c, &UserQuery { directory: directory.clone(), paging: paged(3, Some("asc")), ..Default::default() })
            .await;
    assert_eq!(asc.iter().map(|u| &u.id).collect::<Vec<_>>(), stored.iter().map(|u| &u.id).collect::<Vec<_>>());
    assert_eq!(asc, stored, "every member kept (deprecated ones in extra)");
    let mut desc =
        all_users(&c, &UserQuery { directory: directory.clone(), paging: paged(2, None), ..Default::default() }).await;
    desc.reverse();
    assert_eq!(desc, stored, "desc (the default) is the reverse");
    let pages: Vec<_> =
        emu.requests().iter().filter(|r| r.path == "/directory_users").map(|r| r.params.clone()).collect();
    assert_eq!(pages.len(), 3 + 4, "7 users: 3 pages of 3, 4 pages of 2");
    assert!(pages.iter().any(|p| p.iter().any(|(k, _)| k == "after")), "later pages follow list_metadata.after");

    let target = &stored[4];
    let by_email =
        all_users(&c, &UserQuery { directory: directory.clone(), email: target.email.clone(), ..Default::default() })
            .await;
    assert_eq!(by_email, vec![target.clone()]);
    let by_idp = all_users(
        &c,
        &UserQuery { directory: directory.clone(), idp_id: Some(target.idp_id.clone()), ..Default::default() },
    )
    .await;
    assert_eq!(by_idp, vec![target.clone()]);
    let group = target.groups[0].clone();
    let members = all_users(&c, &UserQuery { group: Some(group.id.clone()), ..Default::default() }).await;
    assert!(!members.is_empty() && members.iter().all(|u| u.groups.iter().any(|g| g.id == group.id)));

    assert_eq!(c.get_user(&target.id).await.unwrap(), *target);
    let got_group = c.get_group(&group.id).await.unwrap();
    assert_eq!(got_group.name, group.name);
    let mut of_user = c.list_groups(&GroupQuery { user: Some(target.id.clone()), ..Default::default() }).unwrap();
    let mut names = Vec::new();
    while let Some(g) = of_user.next().await.unwrap() {
        names.push(g.name);
    }
    assert_eq!(names, target.groups.iter().map(|g| g.name.clone()).collect::<Vec<_>>());

    let mut dirs = c.list_directories(&DirectoryQuery::default()).unwrap();
    let d = dirs.next().await.unwrap().unwrap();
    assert_eq!((d.id.as_str(), d.is_active()), (KEY, true));
    assert!(dirs.next().await.unwrap().is_none());
    assert_eq!(c.get_directory(KEY).await.unwrap().id, KEY);
}

#[tokio::test(flavor = "multi_thread")]
async fn errors_retries_and_pacing_match_the_duo_client() {
    let emu = emulator(2).await;
    let c = client(&emu);
    let err = c.get_user("directory_user_missing").await.unwrap_err();
    assert!(matches!(err, Error::NotFound(ref api) if api.service == duo_directory::Service::Directory), "{err:?}");

    let mut wrong = emu.directory_client_config();
    wrong.api_key = "sk_test_wrong".into();
    let err = DirectoryClient::new(wrong).unwrap().get_user("directory_user_x").await.unwrap_err();
    assert_eq!(err.code(), "unauthorized");
    assert!(!err.to_string().contains(emu.directory_api_key()));

    emu.inject_fault(Fault::new(FaultKind::RateLimited, 2, FaultOptions::default()));
    let user = emu.directory_users(KEY).unwrap().remove(0);
    assert_eq!(c.get_user(&user.id).await.unwrap().id, user.id, "two 429s, then the answer");
    emu.inject_fault(Fault::new(FaultKind::RateLimited, 10, FaultOptions::default()));
    let mut standard = emu.directory_client_config();
    standard.retry = fast_retry(1);
    standard.retry_mode = duo_directory::RetryMode::Standard;
    let err = DirectoryClient::new(standard).unwrap().get_user(&user.id).await.unwrap_err();
    assert!(matches!(err, Error::RateLimited { ref error, .. } if error.attempts == 2), "{err:?}");
    emu.clear_faults();

    // /directory_users is paced per directory at 4 requests a second, by the same buckets
    assert_eq!(c.users_paced_per_minute(KEY), Some(240.0));
    let started = std::time::Instant::now();
    for _ in 0..3 {
        all_users(&c, &UserQuery { directory: Some(KEY.into()), ..Default::default() }).await;
    }
    assert!(started.elapsed() >= Duration::from_millis(450), "3 requests spaced 250 ms: {:?}", started.elapsed());

    let before = emu.request_count();
    let bad = UserQuery { email: Some("a@b.c".into()), ..Default::default() };
    assert_eq!(c.list_users(&bad).unwrap_err().code(), "invalid_input");
    assert_eq!(emu.request_count(), before, "nothing sent");
}

/// A one-request HTTP server: the body and the `WorkOS-Signature` header of the first POST.
async fn receive_one(listener: tokio::net::TcpListener) -> (Vec<u8>, String) {
    let (mut socket, _) = listener.accept().await.unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = socket.read(&mut chunk).await.unwrap();
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf).to_string();
        if let Some(end) = text.find("\r\n\r\n") {
            let head = &text[..end];
            let length: usize = head
                .lines()
                .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap()))
                .unwrap();
            if buf.len() >= end + 4 + length {
                let signature = head
                    .lines()
                    .find_map(|l| {
                        let (name, value) = l.split_once(':')?;
                        name.eq_ignore_ascii_case("workos-signature").then(|| value.trim().to_string())
                    })
                    .unwrap();
                socket.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n").await.unwrap();
                return (buf[end + 4..end + 4 + length].to_vec(), signature);
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_directory_change_arrives_as_a_signed_webhook_and_reads_back() {
    let emu = emulator(3).await;
    let c = client(&emu);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/webhooks", listener.local_addr().unwrap());
    let received = tokio::spawn(receive_one(listener));
    emu.set_webhook(Some(&url), "whsec_e2e");

    let mut user = emu.directory_users(KEY).unwrap().remove(1);
    let old_last = user.last_name.clone();
    user.last_name = Some("Renamed".into());
    user.state = duo_directory::DirectoryUserState::Inactive;
    emu.put_directory_user(KEY, user.clone());

    let (body, signature) = tokio::time::timeout(Duration::from_secs(10), received).await.unwrap().unwrap();
    assert!(verify_webhook(&body, &signature, "whsec_wrong", None, None).is_err());
    let event = verify_webhook(&body, &signature, "whsec_e2e", None, None).unwrap();
    assert_eq!(event.kind, EventKind::UserUpdated);
    let previous = event.previous_attributes.unwrap();
    assert_eq!(previous["last_name"], serde_json::json!(old_last));
    let sent = event.user.unwrap();
    assert_eq!(sent.last_name.as_deref(), Some("Renamed"));
    let read_back = c.get_user(&sent.id).await.unwrap();
    assert_eq!(read_back, user);
    // the emulator records the POST once it has the answer, after the receiver saw it
    for _ in 0..200 {
        if !emu.webhook_deliveries().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(emu.webhook_deliveries(), vec![(event.id.clone(), 200)]);

    // the same event through the Events API, and the stored cursor resumes after it
    let mut events = c.list_events(&EventQuery::default()).unwrap();
    let pulled = events.next().await.unwrap().unwrap();
    assert_eq!(pulled.id, event.id);
    assert!(events.next().await.unwrap().is_none());
    let cursor = events.resume_after().unwrap().to_string();
    emu.set_webhook(None, "");
    assert!(emu.remove_directory_user(KEY, sent.email.as_deref().unwrap()));
    let query = EventQuery { paging: Paging { after: Some(cursor), ..Default::default() }, ..Default::default() };
    let mut newer = c.list_events(&query).unwrap();
    let deleted = newer.next().await.unwrap().unwrap();
    assert_eq!((deleted.kind, deleted.user.unwrap().id), (EventKind::UserDeleted, sent.id));
    assert!(newer.next().await.unwrap().is_none());
}
