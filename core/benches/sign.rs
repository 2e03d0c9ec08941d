//! Signing cost per request: `cargo bench -p duo-directory --bench sign`.
#![allow(missing_docs, clippy::unwrap_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use duo_directory::{Params, Secret, SigVersion, SignOptions, Signer};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let signer = Signer::new("DIWJ8X6AEYOR5OMC6TQ1", &Secret::new("Zh5eGmUq9zpfQnyUIu5OL9iWoMMv5ZNmk3zLJ4Ep")).unwrap();
    let list = Params::new().with("limit", "300").with("offset", "600");
    let update = Params::new()
        .with("realname", "Joe Smith")
        .with("status", "bypass")
        .with("alias1", "joe.smith")
        .with("notes", "Ünïcode ✓ note");
    let date = Some("Tue, 21 Aug 2012 17:29:18 -0000".to_string());
    for (name, version) in [("v2_sha1", SigVersion::V2), ("v2_sha512", SigVersion::V2Sha512), ("v5", SigVersion::V5)] {
        let options = SignOptions { date: date.clone(), sig_version: version, x_duo_headers: vec![] };
        c.bench_function(&format!("sign/{name}/GET_users_page"), |b| {
            b.iter(|| {
                signer
                    .sign("GET", "api-3f2a91c4.duosecurity.com", "/admin/v1/users", black_box(&list), &options)
                    .unwrap()
            })
        });
        c.bench_function(&format!("sign/{name}/POST_update_user"), |b| {
            b.iter(|| {
                signer
                    .sign(
                        "POST",
                        "api-3f2a91c4.duosecurity.com",
                        "/admin/v1/users/DU3RP9I2WOC59VZX672N",
                        black_box(&update),
                        &options,
                    )
                    .unwrap()
            })
        });
    }
    // with the current date, as the client does on every attempt
    let now = SignOptions::default();
    c.bench_function("sign/v5/GET_users_page_fresh_date", |b| {
        b.iter(|| {
            signer.sign("GET", "api-3f2a91c4.duosecurity.com", "/admin/v1/users", black_box(&list), &now).unwrap()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
