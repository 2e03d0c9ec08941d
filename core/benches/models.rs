//! Parsing and writing pages of full users: `cargo bench -p duo-directory --bench models`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use bytes::Bytes;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use duo_directory::{User, UserPage};
use serde_json::Value;
use std::hint::black_box;

/// A 300-user page built from seed 002's full example user, with distinct ids and names.
fn page_json(count: usize) -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/seed-002-user.json");
    let envelope: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let template = &envelope["response"];
    let users: Vec<Value> = (0..count)
        .map(|i| {
            let mut u = template.clone();
            u["user_id"] = Value::from(format!("DU{i:018}"));
            u["username"] = Value::from(format!("user{i}"));
            u["email"] = Value::from(format!("user{i}@example.com"));
            u
        })
        .collect();
    serde_json::to_string(&serde_json::json!(users)).unwrap()
}

fn bench(c: &mut Criterion) {
    let page = page_json(300);
    let bytes = Bytes::from(format!(r#"{{"stat":"OK","response":{page},"metadata":{{}}}}"#));
    let mut group = c.benchmark_group("page_300_full_users");
    group.throughput(Throughput::Bytes(page.len() as u64));
    group.bench_function("parse_typed_all_fields", |b| {
        b.iter(|| serde_json::from_str::<Vec<User>>(black_box(&page)).unwrap())
    });
    group.bench_function("split_lazy", |b| b.iter(|| UserPage::from_response(200, black_box(bytes.clone())).unwrap()));
    group.bench_function("split_lazy_then_read_username", |b| {
        b.iter(|| {
            let page = UserPage::from_response(200, black_box(bytes.clone())).unwrap();
            page.users.iter().map(|u| u.user().unwrap().username.len()).sum::<usize>()
        })
    });
    group.bench_function("split_lazy_then_read_summary", |b| {
        b.iter(|| {
            let page = UserPage::from_response(200, black_box(bytes.clone())).unwrap();
            page.users.iter().map(|u| u.summary().unwrap().username.len()).sum::<usize>()
        })
    });
    let users: Vec<User> = serde_json::from_str(&page).unwrap();
    group.bench_function("write_json", |b| b.iter(|| serde_json::to_string(black_box(&users)).unwrap()));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
