//! The client reaches Duo through an HTTPS (CONNECT) proxy when one is configured.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use duo_directory::Client;
use duo_directory_conformance::{config, emulator};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// A minimal CONNECT proxy on loopback; counts the tunnels it opened and the targets asked for.
async fn start_proxy() -> (String, Arc<AtomicUsize>, Arc<std::sync::Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let tunnels = Arc::new(AtomicUsize::new(0));
    let targets = Arc::new(std::sync::Mutex::new(Vec::new()));
    let (t, g) = (tunnels.clone(), targets.clone());
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else { return };
            let (t, g) = (t.clone(), g.clone());
            tokio::spawn(async move {
                let mut reader = BufReader::new(socket);
                let mut request_line = String::new();
                reader.read_line(&mut request_line).await.unwrap();
                loop {
                    let mut header = String::new();
                    reader.read_line(&mut header).await.unwrap();
                    if header == "\r\n" || header.is_empty() {
                        break;
                    }
                }
                let mut parts = request_line.split_whitespace();
                assert_eq!(parts.next(), Some("CONNECT"), "{request_line}");
                let target = parts.next().unwrap().to_string();
                g.lock().unwrap().push(target.clone());
                let mut upstream = TcpStream::connect(&target).await.unwrap();
                let mut client = reader.into_inner();
                client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n").await.unwrap();
                t.fetch_add(1, Ordering::SeqCst);
                let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
            });
        }
    });
    (format!("http://{addr}"), tunnels, targets)
}

#[tokio::test(flavor = "multi_thread")]
async fn requests_tunnel_through_the_configured_https_proxy() {
    let emu = emulator(3).await;
    let (proxy_url, tunnels, targets) = start_proxy().await;
    let mut cfg = config(&emu);
    cfg.proxy = Some(proxy_url);
    let client = Client::new(cfg).unwrap();
    let user = client.get_user(&emu.users()[0].user_id).await.unwrap();
    assert_eq!(user.user_id, emu.users()[0].user_id);
    assert_eq!(tunnels.load(Ordering::SeqCst), 1, "one tunnel, TLS to the emulator inside it");
    assert_eq!(targets.lock().unwrap().as_slice(), [emu.host()]);
    // the pooled connection is reused through the same tunnel
    client.get_user(&emu.users()[1].user_id).await.unwrap();
    assert_eq!(tunnels.load(Ordering::SeqCst), 1);

    let mut bad = config(&emu);
    bad.proxy = Some("not a url".into());
    assert_eq!(Client::new(bad).unwrap_err().code(), "invalid_input");
}
