//! The rest of the users surface against the emulator: batch lookups, enrollment, groups,
//! phones, tokens, U2F/WebAuthn listings and bypass codes, with their errors and previews.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

use duo_directory::{BypassCodeOptions, Client, Error, Params, User, UserCreate};
use duo_directory_conformance::{client, emulator};

async fn make(c: &Client, path: &str, params: &[(&str, &str)]) -> String {
    let params: Params = params.iter().map(|(k, v)| (*k, *v)).collect();
    let value = c.call("POST", path, params).await.unwrap();
    let id = ["group_id", "phone_id", "token_id"].iter().find_map(|k| value.get(*k)).unwrap();
    id.as_str().unwrap().to_string()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn api(err: &Error) -> (u16, Option<i64>, Option<&str>) {
    let e = err.api_error().unwrap_or_else(|| panic!("not an API error: {err:?}"));
    (e.status, e.code, e.message_detail.as_deref())
}

#[tokio::test(flavor = "multi_thread")]
async fn batch_lookups_keep_input_order_report_missing_and_chunk_by_100() {
    let emu = emulator(0).await;
    let c = client(&emu);
    let a = c.create_user(&UserCreate { alias1: Some("ann".into()), ..UserCreate::new("anna") }).await.unwrap();
    let b = c.create_user(&UserCreate::new("bob")).await.unwrap();
    let found = c.get_users_by_usernames(&strings(&["bob", "nobody", "ANN"])).await.unwrap();
    let names: Vec<Option<&str>> = found.iter().map(|u| u.as_ref().map(|u| u.username.as_str())).collect();
    assert_eq!(names, [Some("bob"), None, Some("anna")], "input order, alias and case resolved, missing reported");
    let by_id = c.get_users_by_ids(&[a.user_id.clone(), "DUNOSUCHUSER00000000".into(), b.user_id.clone()]).await;
    let ids: Vec<Option<String>> = by_id.unwrap().into_iter().map(|u| u.map(|u| u.user_id)).collect();
    assert_eq!(ids, [Some(a.user_id.clone()), None, Some(b.user_id.clone())]);

    emu.generate_users(203, 7);
    let all: Vec<String> = emu.users().into_iter().map(|u| u.user_id).collect();
    assert_eq!(all.len(), 205);
    emu.clear_requests();
    let got = c.get_users_by_ids(&all).await.unwrap();
    assert_eq!(got.iter().map(|u| u.as_ref().unwrap().user_id.clone()).collect::<Vec<_>>(), all);
    let lists: Vec<usize> = emu
        .requests()
        .iter()
        .map(|r| r.params.iter().find(|(k, _)| k == "user_id_list").map(|(_, v)| v.matches(',').count() + 1).unwrap())
        .collect();
    assert_eq!(lists, [100, 100, 5], "chunks of at most 100 per request");

    emu.clear_requests();
    let err = c.get_users_by_usernames(&strings(&["bob", " "])).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidInput { field, .. } if field == "usernames[1]"), "{err:?}");
    let err = c.get_users_by_ids(&strings(&["../x"])).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidInput { field, .. } if field == "user_ids[0]"), "{err:?}");
    assert!(c.get_users_by_ids(&[]).await.unwrap().is_empty());
    assert!(emu.requests().is_empty(), "bad input sends nothing");
}

#[tokio::test(flavor = "multi_thread")]
async fn enroll_creates_the_user_and_refuses_a_taken_name() {
    let emu = emulator(0).await;
    let c = client(&emu);
    let preview = c.preview().enroll_user("enrollee", "enrollee@example.com", Some(3600)).unwrap();
    assert_eq!((preview.method.as_str(), preview.path.as_str()), ("POST", "/admin/v1/users/enroll"));
    assert_eq!(preview.params.get("valid_secs"), Some("3600"));
    assert!(emu.requests().is_empty(), "a preview sends nothing");
    c.enroll_user("enrollee", "enrollee@example.com", Some(3600)).await.unwrap();
    let user = emu.user_by_username("enrollee").unwrap();
    assert_eq!(user.email.as_deref(), Some("enrollee@example.com"));
    assert_eq!(user.is_enrolled, Some(false));
    let err = c.enroll_user("enrollee", "other@example.com", None).await.unwrap_err();
    assert_eq!(api(&err), (400, Some(40002), Some("username")));
    let before = emu.request_count();
    let err = c.enroll_user("x", "not-an-email", None).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidInput { field, .. } if field == "email"), "{err:?}");
    let err = c.enroll_user("x", "x@example.com", Some(u64::MAX)).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidInput { field, .. } if field == "valid_secs"), "{err:?}");
    assert_eq!(emu.request_count(), before);
}

#[tokio::test(flavor = "multi_thread")]
async fn groups_of_a_user_and_groups_themselves() {
    let emu = emulator(0).await;
    let c = client(&emu);
    let user = c.create_user(&UserCreate::new("grouped")).await.unwrap();
    let mut groups = Vec::new();
    for name in ["alpha", "beta", "gamma"] {
        groups.push(make(&c, "/admin/v1/groups", &[("name", name), ("desc", "d"), ("push_enabled", "1")]).await);
    }
    c.add_user_group(&user.user_id, &groups[0]).await.unwrap();
    c.add_user_group(&user.user_id, &groups[2]).await.unwrap();
    c.add_user_group(&user.user_id, &groups[2]).await.unwrap(); // already a member: no change
    let mut cursor = c.list_user_groups(&user.user_id, Some(1)).unwrap();
    let mut mine = Vec::new();
    while let Some(g) = cursor.next().await.unwrap() {
        mine.push(g.group_id);
    }
    assert_eq!(mine, [groups[0].clone(), groups[2].clone()]);
    assert_eq!(cursor.pages_fetched(), 2, "one group a page");
    assert_eq!(emu.user(&user.user_id).unwrap().groups.len(), 2, "the user embeds its groups");

    let all = c.list_groups(Some(2)).unwrap().collect_all().await.unwrap();
    assert_eq!(all.iter().map(|g| g.group_id.clone()).collect::<Vec<_>>(), groups);
    let beta = c.get_group(&groups[1]).await.unwrap();
    assert_eq!(
        (beta.name.as_deref(), beta.push_enabled, beta.status.as_deref()),
        (Some("beta"), Some(true), Some("Active"))
    );
    assert_eq!(User::from_json(&emu.user(&user.user_id).unwrap().to_json()).unwrap().groups[0].group_id, groups[0]);

    c.remove_user_group(&user.user_id, &groups[0]).await.unwrap();
    let left = c.list_user_groups(&user.user_id, None).unwrap().collect_all().await.unwrap();
    assert_eq!(left.iter().map(|g| g.group_id.clone()).collect::<Vec<_>>(), [groups[2].clone()]);

    let err = c.add_user_group(&user.user_id, "DGNOSUCHGROUP0000000").await.unwrap_err();
    assert_eq!(api(&err), (400, Some(40002), Some("group_id")));
    let err = c.add_user_group("DUNOSUCHUSER00000000", &groups[1]).await.unwrap_err();
    assert!(matches!(&err, Error::NotFound(e) if e.code == Some(40401)), "{err:?}");
    let err = c.remove_user_group(&user.user_id, "DGNOSUCHGROUP0000000").await.unwrap_err();
    assert_eq!(api(&err), (404, Some(40401), Some("group_id")));
    assert_eq!(c.get_group("DGNOSUCHGROUP0000000").await.unwrap_err().code(), "not_found");
    let err = c.list_user_groups("DUNOSUCHUSER00000000", None).unwrap().next().await.unwrap_err();
    assert_eq!(err.code(), "not_found");

    let before = emu.request_count();
    let err = c.add_user_group(&user.user_id, "DG 1").await.unwrap_err();
    assert!(matches!(&err, Error::InvalidInput { field, .. } if field == "group_id"), "{err:?}");
    assert!(c.list_groups(Some(101)).is_err());
    assert!(c.list_user_groups("..", None).is_err());
    assert_eq!(emu.request_count(), before);
    let preview = c.preview().remove_user_group(&user.user_id, &groups[2]).unwrap();
    assert_eq!(preview.method, "DELETE");
    assert_eq!(preview.path, format!("/admin/v1/users/{}/groups/{}", user.user_id, groups[2]));
    assert_eq!(emu.request_count(), before, "previews send nothing");
}

#[tokio::test(flavor = "multi_thread")]
async fn phones_tokens_and_authenticators() {
    let emu = emulator(0).await;
    let c = client(&emu);
    let user = c.create_user(&UserCreate::new("devices")).await.unwrap();
    let phone = make(&c, "/admin/v1/phones", &[("number", "+15555550100"), ("type", "mobile")]).await;
    let token = make(&c, "/admin/v1/tokens", &[("type", "h6"), ("serial", "0001")]).await;
    c.add_user_phone(&user.user_id, &phone).await.unwrap();
    c.add_user_token(&user.user_id, &token).await.unwrap();
    let phones = c.list_user_phones(&user.user_id).await.unwrap();
    assert_eq!((phones.len(), phones[0].number.as_deref()), (1, Some("+15555550100")));
    assert_eq!(phones[0].phone_type.as_deref(), Some("Mobile"));
    let tokens = c.list_user_tokens(&user.user_id).await.unwrap();
    assert_eq!((tokens[0].token_id.as_str(), tokens[0].serial.as_deref()), (token.as_str(), Some("0001")));
    assert_eq!(emu.user(&user.user_id).unwrap().is_enrolled, Some(true));
    c.remove_user_phone(&user.user_id, &phone).await.unwrap();
    c.remove_user_token(&user.user_id, &token).await.unwrap();
    assert!(c.list_user_phones(&user.user_id).await.unwrap().is_empty());
    assert!(c.list_user_tokens(&user.user_id).await.unwrap().is_empty());
    let err = c.add_user_phone(&user.user_id, "DPNOSUCHPHONE0000000").await.unwrap_err();
    assert_eq!(api(&err), (400, Some(40002), Some("phone_id")));
    let err = c.remove_user_token(&user.user_id, "DHNOSUCHTOKEN0000000").await.unwrap_err();
    assert_eq!(api(&err), (404, Some(40401), Some("token_id")));
    assert_eq!(c.list_user_tokens("DUNOSUCHUSER00000000").await.unwrap_err().code(), "not_found");

    let keyed = User::from_json(
        r#"{"user_id":"DUKEYS00000000000000","username":"keys","status":"active",
            "u2ftokens":[{"registration_id":"D2X","date_added":1}],
            "webauthncredentials":[{"webauthnkey":"WA1","credential_name":"key","label":"Security Key","date_added":2,"aaguid":"x"}]}"#,
    )
    .unwrap();
    emu.add_user(keyed.clone());
    assert_eq!(c.list_user_u2f_tokens(&keyed.user_id).await.unwrap(), keyed.u2ftokens);
    let creds = c.list_user_webauthn_credentials(&keyed.user_id).await.unwrap();
    assert_eq!(creds, keyed.webauthncredentials, "lossless, unknown members kept");
    assert_eq!(c.list_user_u2f_tokens("DUNOSUCHUSER00000000").await.unwrap_err().code(), "not_found");

    // Desktop authenticators: seeded through the emulator's `desktopauthenticators` member, which
    // it keeps aside (Duo's user object has none) and serves, paged, from the sub-resource only.
    assert!(c.list_user_desktop_authenticators(&keyed.user_id).await.unwrap().is_empty());
    let mut seeded = keyed.clone();
    let authenticators: Vec<serde_json::Value> = (0..150)
        .map(|i| {
            serde_json::json!({"daid": format!("DDA{i}"), "dakey": format!("K{i}"), "device_name": format!("laptop-{i}"),
                "duo_desktop_version": "7.1.0", "os_family": "macOS", "user": {"user_id": keyed.user_id}, "future": i})
        })
        .collect();
    seeded.extra.insert("desktopauthenticators".into(), authenticators.clone().into());
    emu.add_user(seeded);
    assert!(!emu.user(&keyed.user_id).unwrap().extra.contains_key("desktopauthenticators"));
    let listed = c.list_user_desktop_authenticators(&keyed.user_id).await.unwrap();
    let as_json: Vec<serde_json::Value> = listed.iter().map(|d| serde_json::from_str(&d.to_json()).unwrap()).collect();
    assert_eq!(as_json, authenticators, "every page, lossless");
    assert_eq!(listed[2].device_name.as_deref(), Some("laptop-2"));
    let err = c.list_user_desktop_authenticators("DUNOSUCHUSER00000000").await.unwrap_err();
    assert_eq!(api(&err), (404, Some(40401), Some("user_id")));
    let err = c.list_user_desktop_authenticators("").await.unwrap_err();
    assert_eq!(err.code(), "invalid_input");
}

#[tokio::test(flavor = "multi_thread")]
async fn bypass_codes_are_secrets_and_their_metadata_lists() {
    let emu = emulator(0).await;
    let c = client(&emu);
    let user = c.create_user(&UserCreate::new("bypassed")).await.unwrap();
    let options =
        BypassCodeOptions { count: Some(3), valid_secs: Some(600), reuse_count: Some(2), ..Default::default() };
    let codes = c.create_user_bypass_codes(&user.user_id, &options).await.unwrap();
    assert_eq!(codes.len(), 3);
    let exposed: Vec<String> = codes.expose().into_iter().map(String::from).collect();
    assert!(exposed.iter().all(|code| code.len() == 9 && code.bytes().all(|b| b.is_ascii_digit())));
    let debug = format!("{codes:?}");
    assert!(exposed.iter().all(|code| !debug.contains(code.as_str())), "{debug}");
    let listed = c.list_user_bypass_codes(&user.user_id).await.unwrap();
    assert_eq!(listed.len(), 3);
    assert_eq!(listed[0].reuse_count, Some(2));
    assert!(listed[0].expiration.unwrap() > listed[0].created.unwrap());
    assert!(!listed[0].to_json().contains(exposed[0].as_str()), "the listing never carries a code");

    let explicit = BypassCodeOptions {
        codes: Some(strings(&["123456789", "987654321"])),
        preserve_existing: Some(true),
        ..Default::default()
    };
    let preview = c.preview().create_user_bypass_codes(&user.user_id, &explicit).unwrap();
    assert_eq!(preview.params.get("codes"), Some("***"));
    assert!(!preview.to_json().contains("123456789") && !format!("{explicit:?}").contains("123456789"));
    let made = c.create_user_bypass_codes(&user.user_id, &explicit).await.unwrap();
    assert_eq!(made.expose(), ["123456789", "987654321"]);
    assert_eq!(c.list_user_bypass_codes(&user.user_id).await.unwrap().len(), 5, "preserve_existing keeps the old ones");

    let before = emu.request_count();
    for (bad, field) in [
        (BypassCodeOptions { count: Some(0), ..Default::default() }, "count"),
        (BypassCodeOptions { count: Some(2), codes: Some(strings(&["1"])), ..Default::default() }, "codes"),
        (BypassCodeOptions { codes: Some(strings(&["12a4"])), ..Default::default() }, "codes[0]"),
        (BypassCodeOptions { valid_secs: Some(u64::MAX), ..Default::default() }, "valid_secs"),
        (BypassCodeOptions { reuse_count: Some(1001), ..Default::default() }, "reuse_count"),
    ] {
        let err = c.create_user_bypass_codes(&user.user_id, &bad).await.unwrap_err();
        assert!(matches!(&err, Error::InvalidInput { field: f, .. } if f == field), "{err:?}");
        assert!(!err.to_string().contains("12a4"), "{err}");
    }
    assert_eq!(emu.request_count(), before, "bad input sends nothing");
    let err = c.create_user_bypass_codes("DUNOSUCHUSER00000000", &BypassCodeOptions::default()).await.unwrap_err();
    assert_eq!(err.code(), "not_found");
}

#[test]
fn blocking_facade_covers_the_surface() {
    let emu = duo_directory_emulator::Emulator::start_blocking(Default::default()).unwrap();
    let c = duo_directory::blocking::Client::new(emu.client_config()).unwrap();
    let user = c.create_user(&UserCreate::new("blocky")).unwrap();
    let group = c.call("POST", "/admin/v1/groups", Params::new().with("name", "g")).unwrap();
    let group = group["group_id"].as_str().unwrap();
    c.add_user_group(&user.user_id, group).unwrap();
    let groups: Vec<_> = c.list_user_groups(&user.user_id, None).unwrap().collect::<Result<_, _>>().unwrap();
    assert_eq!(groups[0].group_id, group);
    assert_eq!(c.list_groups(None).unwrap().count(), 1);
    assert_eq!(c.get_users_by_usernames(&strings(&["blocky"])).unwrap()[0].as_ref().unwrap().user_id, user.user_id);
}
