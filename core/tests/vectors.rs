//! Every signing vector made with the official `duo_client` must match byte for byte.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::{params_from_json, vector_file};
use duo_directory::canon_json::params_to_json;
use duo_directory::sign::canon_params;
use duo_directory::{SigVersion, SignOptions, sign_request};
use serde_json::Value;

#[test]
fn every_signing_vector_matches_canonical_body_and_authorization() {
    let file: Value = serde_json::from_str(&vector_file("duo-signing.json")).unwrap();
    let ikey = file["ikey"].as_str().unwrap();
    let skey = file["skey"].as_str().unwrap();
    let vectors = file["vectors"].as_array().unwrap();
    assert!(vectors.len() >= 34, "the 34 shared vectors at least");
    let mut checked = 0;
    for v in vectors {
        let name = v["name"].as_str().unwrap();
        let sig_version = match (v["sig_version"].as_u64().unwrap(), v["digest"].as_str().unwrap()) {
            (2, "sha1") => SigVersion::V2,
            (2, "sha512") => SigVersion::V2Sha512,
            (5, "sha512") => SigVersion::V5,
            other => panic!("{name}: unknown mode {other:?}"),
        };
        let x_duo_headers = v
            .get("x_duo_headers")
            .and_then(Value::as_object)
            .map(|h| h.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string())).collect())
            .unwrap_or_default();
        let signed = sign_request(
            ikey,
            skey,
            v["method"].as_str().unwrap(),
            v["host"].as_str().unwrap(),
            v["path"].as_str().unwrap(),
            &params_from_json(&v["params"]),
            &SignOptions { date: Some(v["date"].as_str().unwrap().to_string()), sig_version, x_duo_headers },
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(signed.canonical, v["canonical"].as_str().unwrap(), "{name}: canonical");
        assert_eq!(signed.authorization, v["authorization"].as_str().unwrap(), "{name}: authorization");
        assert_eq!(signed.date, v["date"].as_str().unwrap(), "{name}: date");
        if let Some(body) = v["body"].as_str().filter(|b| !b.is_empty()) {
            assert_eq!(signed.body.as_ref().map(duo_directory::Body::text), Some(body), "{name}: body");
        }
        checked += 1;
    }
    assert_eq!(checked, vectors.len());
}

#[test]
fn generated_parameter_maps_canonicalise_as_duo_client_does() {
    let file: Value = serde_json::from_str(&vector_file("canonicalize-generated.json")).unwrap();
    let cases = file["cases"].as_array().unwrap();
    assert!(cases.len() >= 1000);
    let mut bodies = 0;
    for (i, case) in cases.iter().enumerate() {
        let params = params_from_json(&case["params"]);
        assert_eq!(canon_params(&params), case["canonical"].as_str().unwrap(), "case {i}: {}", case["params"]);
        if let Some(body) = case.get("json_body").and_then(Value::as_str) {
            assert_eq!(params_to_json(&params), body, "case {i}: json body");
            bodies += 1;
        }
    }
    assert!(bodies >= 100, "json bodies checked: {bodies}");
}

#[test]
fn bad_x_duo_headers_are_typed_errors() {
    let sign = |headers: Vec<(&str, &str)>| {
        sign_request(
            "DI",
            "sk",
            "GET",
            "h",
            "/p",
            &Default::default(),
            &SignOptions {
                x_duo_headers: headers.into_iter().map(|(a, b)| (a.to_string(), b.to_string())).collect(),
                ..Default::default()
            },
        )
    };
    for bad in [vec![("X-Other", "1")], vec![("X-Duo-A", "a\0b")], vec![("X-Duo-A", "1"), ("x-duo-a", "2")]] {
        let err = sign(bad.clone()).unwrap_err();
        assert_eq!(err.code(), "invalid_input", "{bad:?}");
        assert!(err.to_string().contains("x_duo_headers"), "{err}");
    }
    assert!(sign(vec![("X-Duo-Request-Id", "r1")]).is_ok());
}
