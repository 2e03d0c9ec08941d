//! Requests per second of full 300-user pages served from 50,000 generated users, over plain
//! HTTP and over HTTPS, fetched by `duo_directory::Client` (signed v5 requests, envelope parsed,
//! users split lazily) with several concurrent listings.
//!
//! ```text
//! cargo run --release -p duo-directory-emulator --example bench_listing -- [--users 50000] [--seconds 5] [--concurrency 8]
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, missing_docs)]

use duo_directory::Client;
use duo_directory_emulator::{Emulator, EmulatorConfig};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

struct Args {
    users: usize,
    seconds: u64,
    concurrency: usize,
}

fn args() -> Args {
    let mut a = Args { users: 50_000, seconds: 5, concurrency: 8 };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_default();
        match flag.as_str() {
            "--users" => a.users = value.parse().unwrap(),
            "--seconds" => a.seconds = value.parse().unwrap(),
            "--concurrency" => a.concurrency = value.parse().unwrap(),
            other => panic!("unknown argument {other}"),
        }
    }
    a
}

async fn run(label: &str, tls: bool, a: &Args) {
    let started = Instant::now();
    let emulator =
        Emulator::start(EmulatorConfig { tls, generated_users: a.users, ..Default::default() }).await.unwrap();
    let setup = started.elapsed();
    let client = Client::new(emulator.client_config()).unwrap();

    // one full listing first: correctness and the sequential time of a whole listing
    let t = Instant::now();
    let mut pager = client.list_users(Some(300)).unwrap();
    let mut listed = 0usize;
    let mut bytes_per_page = 0usize;
    while let Some(page) = pager.next_page().await.unwrap() {
        if bytes_per_page == 0 {
            bytes_per_page = page.users.iter().map(|u| u.raw_json().map_or(0, |r| r.len())).sum();
        }
        listed += page.users.len();
    }
    assert_eq!(listed, a.users);
    let full_listing = t.elapsed();

    let pages = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + Duration::from_secs(a.seconds);
    let t = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..a.concurrency {
        let client = client.clone();
        let pages = pages.clone();
        tasks.push(tokio::spawn(async move {
            'outer: loop {
                let mut pager = client.list_users(Some(300)).unwrap();
                while let Some(page) = pager.next_page().await.unwrap() {
                    assert!(!page.users.is_empty());
                    pages.fetch_add(1, Ordering::Relaxed);
                    if Instant::now() >= deadline {
                        break 'outer;
                    }
                }
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let elapsed = t.elapsed().as_secs_f64();
    let n = pages.load(Ordering::Relaxed) as f64;
    println!(
        "{label:5}: {:>7.0} pages/s ({:>6.0} users/s, {:>5.0} MB/s of user JSON), {} concurrent listings, {:.1} s; \
         one sequential listing of {} users: {:.0} ms; start with {} generated users: {:.0} ms; page ~{} KB",
        n / elapsed,
        n * 300.0 / elapsed,
        n * bytes_per_page as f64 / elapsed / 1e6,
        a.concurrency,
        elapsed,
        a.users,
        full_listing.as_secs_f64() * 1e3,
        a.users,
        setup.as_secs_f64() * 1e3,
        bytes_per_page / 1024,
    );
    emulator.shutdown().await;
}

fn main() {
    let a = args();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        println!("cpus: {}", std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
        run("http", false, &a).await;
        run("https", true, &a).await;
    });
}
