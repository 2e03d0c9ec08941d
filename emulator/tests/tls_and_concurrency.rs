//! HTTPS with the emulator's CA, shutdown, and concurrent writers.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::*;
use duo_directory::{Client, Scheme, UserCreate, UserUpdate};
use duo_directory_emulator::{Emulator, EmulatorConfig};
use futures_util::TryStreamExt;
use std::collections::HashSet;
use std::sync::Arc;

#[tokio::test(flavor = "multi_thread")]
async fn https_verified_with_the_emulator_ca() {
    let emulator = Emulator::start(EmulatorConfig { generated_users: 20, ..Default::default() }).await.unwrap();
    assert_eq!(emulator.scheme(), Scheme::Https);
    assert_eq!(emulator.host(), format!("localhost:{}", emulator.port()));
    let pem = emulator.ca_cert_pem().unwrap().to_string();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----"));
    let path = emulator.ca_cert_path().unwrap().to_path_buf();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), pem);

    let config = emulator.client_config();
    assert!(config.ca_pinning);
    let client = Client::new(config).unwrap();
    let users: Vec<_> = client.list_users(Some(7)).unwrap().into_stream().try_collect().await.unwrap();
    assert_eq!(users, emulator.users());
    let created = client.create_user(&UserCreate::new("tls.user")).await.unwrap();
    assert_eq!(client.get_user(&created.user_id).await.unwrap(), created);

    // the loopback addresses are in the certificate too, and both are served on the same port
    for host in [format!("127.0.0.1:{}", emulator.port()), format!("[::1]:{}", emulator.port())] {
        if host.starts_with('[') && std::net::TcpStream::connect(("::1", emulator.port())).is_err() {
            continue; // no IPv6 loopback on this machine
        }
        let mut by_addr = emulator.client_config();
        by_addr.host = host.clone();
        assert_eq!(Client::new(by_addr).unwrap().get_user(&created.user_id).await.unwrap(), created, "{host}");
    }

    // without the CA the certificate is not trusted
    let mut untrusted = emulator.client_config();
    untrusted.ca_certs = None;
    untrusted.ca_pinning = false;
    untrusted.retry.max_retries = 0;
    let err = Client::new(untrusted).unwrap().get_user(&created.user_id).await.unwrap_err();
    assert_eq!(err.code(), "transport", "{err:?}");

    // HTTP/1.1-only clients work as well (the server speaks both)
    duo_directory::install_crypto_provider();
    let http1 = reqwest::Client::builder()
        .tls_certs_only(reqwest::Certificate::from_pem_bundle(pem.as_bytes()).unwrap())
        .http1_only()
        .build()
        .unwrap();
    let response = http1.get(format!("https://{}/admin/v1/users", emulator.host())).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 401);
    assert_eq!(response.version(), reqwest::Version::HTTP_11);

    emulator.shutdown().await;
    assert!(!path.exists(), "the CA file is removed with the emulator");
}

#[tokio::test(flavor = "multi_thread")]
async fn dropping_the_emulator_stops_the_server() {
    let emulator = http_emulator(1).await;
    let addr = emulator.local_addr();
    let mut config = fast_config(&emulator);
    config.retry.max_retries = 0;
    let client = Client::new(config).unwrap();
    assert!(client.get_user_by_username("x").await.is_ok());
    drop(emulator);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
    let err = client.get_user_by_username("x").await.unwrap_err();
    assert_eq!(err.code(), "transport", "{err:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrent_writers() {
    let emulator = Arc::new(http_emulator(100).await);
    let client = client(&emulator);
    let mut tasks = Vec::new();
    for t in 0..16 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for i in 0..15 {
                let user = client.create_user(&UserCreate::new(format!("writer{t}-{i}"))).await.unwrap();
                let user = client
                    .update_user(&user.user_id, &UserUpdate { notes: Some(format!("task {t}")), ..Default::default() })
                    .await
                    .unwrap();
                ids.push(user.user_id);
            }
            ids
        }));
    }
    // readers page through the listing meanwhile
    let reader = {
        let client = client.clone();
        tokio::spawn(async move {
            for _ in 0..5 {
                let users: Vec<_> = client.list_users(Some(300)).unwrap().into_stream().try_collect().await.unwrap();
                assert!(users.len() >= 100);
            }
        })
    };
    let mut all = HashSet::new();
    for task in tasks {
        for id in task.await.unwrap() {
            assert!(all.insert(id));
        }
    }
    reader.await.unwrap();
    assert_eq!(emulator.user_count(), 100 + 16 * 15);
    assert!(
        emulator.users().iter().filter(|u| u.username.starts_with("writer")).all(|u| u
            .notes
            .as_deref()
            .unwrap()
            .starts_with("task"))
    );

    // racing creations of one username: exactly one wins
    let mut racers = Vec::new();
    for _ in 0..12 {
        let client = client.clone();
        racers.push(tokio::spawn(async move { client.create_user(&UserCreate::new("contested")).await }));
    }
    let mut wins = 0;
    for racer in racers {
        match racer.await.unwrap() {
            Ok(_) => wins += 1,
            Err(e) => assert_api_error(&e, 400, 40003),
        }
    }
    assert_eq!(wins, 1);

    // concurrent deletes of one user: exactly one succeeds
    let victim = emulator.users()[0].user_id.clone();
    let mut deleters = Vec::new();
    for _ in 0..8 {
        let client = client.clone();
        let victim = victim.clone();
        deleters.push(tokio::spawn(async move { client.delete_user(&victim).await.is_ok() }));
    }
    let mut deleted = 0;
    for d in deleters {
        if d.await.unwrap() {
            deleted += 1;
        }
    }
    assert_eq!(deleted, 1);
}
