//! Lists N users (default 50,000) from an emulator running in ANOTHER process and reports the
//! client's own CPU time and peak memory.
//!
//! ```text
//! cargo build --release -p duo-directory-emulator --bin duo-emulator
//! cargo run --release -p duo-directory-conformance --example list_users_bench -- [users] [--https] [--decode]
//! ```
//! `--decode` also decodes every user in full (otherwise only the page pass runs, which decodes
//! each user's top-level scalars).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, missing_docs)]

use duo_directory::{ClientConfig, Scheme};
use std::io::BufRead;
use std::process::{Command, Stdio};
use std::time::Instant;

/// utime and stime of this process, in seconds (from /proc/self/stat).
fn cpu_split() -> (f64, f64) {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let after_comm = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after_comm.split_whitespace().collect();
    let ticks = 100.0; // CLK_TCK on Linux
    (fields[11].parse::<f64>().unwrap() / ticks, fields[12].parse::<f64>().unwrap() / ticks)
}

/// Peak resident set size of this process, in MiB.
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse::<f64>().unwrap() / 1024.0
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let users: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(50_000);
    let https = args.iter().any(|a| a == "--https");
    let decode = args.iter().any(|a| a == "--decode");
    let bin = std::env::var("DUO_EMULATOR_BIN")
        .unwrap_or_else(|_| format!("{}/../target/release/duo-emulator", env!("CARGO_MANIFEST_DIR")));
    let mut command = Command::new(&bin);
    command.args(["--users", &users.to_string(), "--port", "0"]).stdout(Stdio::piped());
    if !https {
        command.arg("--http");
    }
    let mut child = command.spawn().unwrap_or_else(|e| panic!("cannot start {bin}: {e} (build it first)"));
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let info: serde_json::Value = serde_json::from_str(&line).unwrap();
    let mut config = ClientConfig::new(
        info["ikey"].as_str().unwrap(),
        info["skey"].as_str().unwrap(),
        info["host"].as_str().unwrap(),
    );
    if https {
        config.ca_certs = Some(std::fs::read(info["ca_cert_path"].as_str().unwrap()).unwrap());
        config.ca_pinning = true;
    } else {
        config.scheme = Scheme::Http;
    }
    let client = duo_directory::blocking::Client::new(config).unwrap();

    let (split0, wall0) = (cpu_split(), Instant::now());
    let mut count = 0usize;
    let mut name_bytes = 0usize;
    for page in client.user_pages(Some(300)).unwrap() {
        let page = page.unwrap();
        count += page.users.len();
        if decode {
            name_bytes += page.users.iter().map(|u| u.user().unwrap().username.len()).sum::<usize>();
        }
    }
    let (split1, wall) = (cpu_split(), wall0.elapsed().as_secs_f64());
    let cpu = (split1.0 + split1.1) - (split0.0 + split0.1);
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(count, users);
    println!(
        "listed {count} users over {} ({}): wall {wall:.3} s, client CPU {cpu:.3} s (user {:.3}, system {:.3}), peak RSS {:.1} MiB{}",
        if https { "HTTPS" } else { "HTTP" },
        if decode { "every user decoded" } else { "lazy: scalars from the page pass only" },
        split1.0 - split0.0,
        split1.1 - split0.1,
        peak_rss_mib(),
        if decode { format!(", {name_bytes} username bytes read") } else { String::new() }
    );
}
