//! The users endpoints: paging, filters, create, duplicate, modify, aliases, delete, bad params.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic)]

mod common;

use common::*;
use duo_directory::{Params, UserCreate, UserStatus, UserUpdate, WritableStatus};
use futures_util::TryStreamExt;

#[tokio::test(flavor = "multi_thread")]
async fn paging_across_several_pages_with_metadata() {
    let emulator = http_emulator(250).await;
    let client = client(&emulator);
    let call = |offset: &str, limit: Option<&str>| {
        let mut p = Params::new().with("offset", offset);
        if let Some(l) = limit {
            p.insert("limit", l);
        }
        p
    };
    // raw pages: metadata as Duo sends it
    let first = raw(&emulator, RawRequest::new("GET", "/admin/v1/users", call("0", Some("100")))).await;
    assert_eq!(first.status, 200);
    assert_eq!(first.body["stat"], "OK");
    assert_eq!(first.body["response"].as_array().unwrap().len(), 100);
    assert_eq!(first.body["metadata"]["total_objects"], 250);
    assert_eq!(first.body["metadata"]["next_offset"], 100);
    assert!(first.body["metadata"].get("prev_offset").is_none());
    let middle = raw(&emulator, RawRequest::new("GET", "/admin/v1/users", call("100", Some("100")))).await;
    assert_eq!(middle.body["metadata"]["next_offset"], 200);
    assert_eq!(middle.body["metadata"]["prev_offset"], 0);
    let last = raw(&emulator, RawRequest::new("GET", "/admin/v1/users", call("200", Some("100")))).await;
    assert_eq!(last.body["response"].as_array().unwrap().len(), 50);
    assert!(last.body["metadata"].get("next_offset").is_none());
    assert_eq!(last.body["metadata"]["prev_offset"], 100);
    // default limit is 100
    let default = raw(&emulator, RawRequest::new("GET", "/admin/v1/users", Params::new())).await;
    assert_eq!(default.body["response"].as_array().unwrap().len(), 100);
    // beyond the end: empty page
    let beyond = raw(&emulator, RawRequest::new("GET", "/admin/v1/users", call("1000", None))).await;
    assert_eq!(beyond.body["response"].as_array().unwrap().len(), 0);

    // the client's lazy listing sees everybody once, in order
    let listed: Vec<_> = client.list_users(Some(300)).unwrap().into_stream().try_collect().await.unwrap();
    assert_eq!(listed, emulator.users());
    let listed: Vec<_> = client.list_users(Some(7)).unwrap().into_stream().try_collect().await.unwrap();
    assert_eq!(listed.len(), 250);
    assert_eq!(emulator.requests().iter().filter(|r| r.path == "/admin/v1/users").count(), 5 + 1 + 36);
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_list_params_are_refused() {
    let emulator = http_emulator(3).await;
    for (name, value) in
        [("limit", "0"), ("limit", "301"), ("limit", "ten"), ("offset", "-1"), ("offset", "x"), ("bogus", "1")]
    {
        let r = raw(&emulator, RawRequest::new("GET", "/admin/v1/users", Params::new().with(name, value))).await;
        assert_fail(&r, 400, 40002);
        assert_eq!(r.body["message_detail"], name, "{name}={value}");
    }
    let r =
        raw(&emulator, RawRequest::new("GET", "/admin/v1/users", Params::new().with("user_id_list", "not json"))).await;
    assert_fail(&r, 400, 40002);
    let too_many = serde_json::to_string(&(0..101).map(|i| format!("DU{i}")).collect::<Vec<_>>()).unwrap();
    let r = raw(
        &emulator,
        RawRequest::new("GET", "/admin/v1/users", Params::new().with("user_id_list", too_many.as_str())),
    )
    .await;
    assert_fail(&r, 400, 40002);
    let r = raw(
        &emulator,
        RawRequest::new("GET", "/admin/v1/users", Params::new().with("username", "a").with("email", "b@c")),
    )
    .await;
    assert_fail(&r, 400, 40002);
}

#[tokio::test(flavor = "multi_thread")]
async fn filters_by_username_alias_email_and_lists() {
    let emulator = http_emulator(40).await;
    let client = client(&emulator);
    let users = emulator.users();
    let target = &users[7];
    assert_eq!(client.get_user_by_username(&target.username).await.unwrap().unwrap().user_id, target.user_id);
    assert_eq!(
        client.get_user_by_username(&target.username.to_uppercase()).await.unwrap().unwrap().user_id,
        target.user_id
    );
    assert!(client.get_user_by_username("nobody-at-all").await.unwrap().is_none());

    let created = client
        .create_user(&UserCreate {
            alias1: Some("jdoe".into()),
            alias3: Some("john.doe@corp.example".into()),
            email: Some("shared@example.com".into()),
            ..UserCreate::new("john.doe")
        })
        .await
        .unwrap();
    assert_eq!(client.get_user_by_username("jdoe").await.unwrap().unwrap().user_id, created.user_id);
    assert_eq!(client.get_user_by_username("john.doe@corp.example").await.unwrap().unwrap().user_id, created.user_id);
    client
        .create_user(&UserCreate { email: Some("SHARED@example.com".into()), ..UserCreate::new("jane") })
        .await
        .unwrap();
    let by_email = client.get_users_by_email("shared@example.com").await.unwrap();
    assert_eq!(by_email.len(), 2);
    assert!(client.get_users_by_email("none@example.com").await.unwrap().is_empty());

    let ids = serde_json::to_string(&[&users[1].user_id, &users[3].user_id, "DUNOSUCHUSER000000000"]).unwrap();
    let found = client.call("GET", "/admin/v1/users", Params::new().with("user_id_list", ids.as_str())).await.unwrap();
    let found: Vec<&str> = found.as_array().unwrap().iter().map(|u| u["user_id"].as_str().unwrap()).collect();
    assert_eq!(found, vec![users[1].user_id.as_str(), users[3].user_id.as_str()]);
    let names = serde_json::to_string(&["jdoe", &users[2].username]).unwrap();
    let found = client
        .call(
            "GET",
            "/admin/v1/users",
            Params::new().with("username_list", names.as_str()).with("limit", "100").with("offset", "0"),
        )
        .await
        .unwrap();
    assert_eq!(found.as_array().unwrap().len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn create_duplicate_modify_aliases_delete() {
    let emulator = http_emulator(0).await;
    let client = client(&emulator);
    let created = client
        .create_user(&UserCreate {
            realname: Some("Joe Smith".into()),
            firstname: Some("Joe".into()),
            lastname: Some("Smith".into()),
            email: Some("jsmith@example.com".into()),
            status: Some(WritableStatus::Bypass),
            notes: Some("first\nsecond".into()),
            alias1: Some("joe.smith".into()),
            alias2: Some("jsmith@example.com".into()),
            ..UserCreate::new("jsmith")
        })
        .await
        .unwrap();
    assert!(created.user_id.starts_with("DU") && created.user_id.len() == 20, "{}", created.user_id);
    assert!(created.user_id.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()));
    assert_eq!(created.status, UserStatus::Bypass);
    assert_eq!(created.alias1.as_deref(), Some("joe.smith"));
    assert_eq!(created.alias3, None);
    assert_eq!(created.aliases.len(), 2);
    assert!(created.created.unwrap() > 1_700_000_000);
    assert_eq!(created.notes.as_deref(), Some("first\nsecond"));
    assert_eq!(emulator.user(&created.user_id).unwrap(), created);

    // default status is active
    let other = client.create_user(&UserCreate::new("other")).await.unwrap();
    assert_eq!(other.status, UserStatus::Active);

    // duplicates: username, case-insensitively, and against aliases
    let before = emulator.users();
    for name in ["jsmith", "JSmith", "joe.smith"] {
        let err = client.create_user(&UserCreate::new(name)).await.unwrap_err();
        assert_api_error(&err, 400, 40003);
        assert_eq!(err.api_error().unwrap().message_detail.as_deref(), Some("username"));
    }
    let err = client
        .update_user(&other.user_id, &UserUpdate { username: Some("jsmith".into()), ..Default::default() })
        .await
        .unwrap_err();
    assert_api_error(&err, 400, 40003);
    let err = client
        .update_user(&other.user_id, &UserUpdate { alias1: Some("JOE.SMITH".into()), ..Default::default() })
        .await
        .unwrap_err();
    assert_api_error(&err, 400, 40002);
    assert_eq!(emulator.users(), before);

    // modify every field; an empty alias removes it
    let updated = client
        .update_user(
            &created.user_id,
            &UserUpdate {
                username: Some("joe".into()),
                realname: Some("Joseph Smith".into()),
                firstname: Some("Joseph".into()),
                lastname: Some("Smith-Jones".into()),
                email: Some("joe@example.com".into()),
                status: Some(WritableStatus::Disabled),
                notes: Some(String::new()),
                alias1: Some(String::new()),
                alias2: None,
                alias3: Some("jsj".into()),
                alias4: Some("jsmith".into()),
            },
        )
        .await
        .unwrap();
    assert_eq!(updated.username, "joe");
    assert_eq!(updated.realname.as_deref(), Some("Joseph Smith"));
    assert_eq!(updated.lastname.as_deref(), Some("Smith-Jones"));
    assert_eq!(updated.status, UserStatus::Disabled);
    assert_eq!(updated.alias1, None);
    assert_eq!(updated.alias2.as_deref(), Some("jsmith@example.com"));
    assert_eq!(updated.alias4.as_deref(), Some("jsmith"));
    assert_eq!(updated.aliases.keys().cloned().collect::<Vec<_>>(), vec!["alias2", "alias3", "alias4"]);
    assert_eq!(updated.created, created.created);
    // the old username is free again, the new one and the aliases resolve
    assert!(client.get_user_by_username("joe.smith").await.unwrap().is_none());
    assert_eq!(client.get_user_by_username("jsj").await.unwrap().unwrap().user_id, created.user_id);
    assert_eq!(client.get_user_by_username("jsmith").await.unwrap().unwrap().user_id, created.user_id);

    // delete
    client.delete_user(&created.user_id).await.unwrap();
    let err = client.get_user(&created.user_id).await.unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert_api_error(&err, 404, 40401);
    let err = client.delete_user(&created.user_id).await.unwrap_err();
    assert_api_error(&err, 404, 40401);
    let raw_delete =
        raw(&emulator, RawRequest::new("DELETE", &format!("/admin/v1/users/{}", other.user_id), Params::new())).await;
    assert_eq!(raw_delete.status, 200);
    assert_eq!(raw_delete.body, serde_json::json!({"stat": "OK", "response": ""}));
    assert_eq!(emulator.user_count(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_write_params_are_refused_without_state_change() {
    let emulator = http_emulator(5).await;
    let id = emulator.users()[0].user_id.clone();
    let path = format!("/admin/v1/users/{id}");
    let before = emulator.users();
    let cases: Vec<(&str, Params, u16, u64, &str)> = vec![
        ("/admin/v1/users", Params::new().with("realname", "No Username"), 400, 40001, "username"),
        ("/admin/v1/users", Params::new().with("username", ""), 400, 40001, "username"),
        ("/admin/v1/users", Params::new().with("username", "x").with("status", "locked out"), 400, 40002, "status"),
        (
            "/admin/v1/users",
            Params::new().with("username", "x").with("favourite_colour", "blue"),
            400,
            40002,
            "favourite_colour",
        ),
        ("/admin/v1/users", Params::new().with("username", "x").with("email", "not-an-email"), 400, 40002, "email"),
        ("/admin/v1/users", Params::new().with("username", "x").with("alias1", "x"), 400, 40002, "alias1"),
        ("/admin/v1/users", Params::new().with("username", "x").with("alias9", "y"), 400, 40002, "alias9"),
        (
            "/admin/v1/users",
            Params::new().with("username", "x").with("aliases", "alias1=a").with("alias2", "b"),
            400,
            40002,
            "aliases",
        ),
        (&path, Params::new().with("status", "pending deletion"), 400, 40002, "status"),
        (&path, Params::new().with("status", "enabled"), 400, 40002, "status"),
        (&path, Params::new().with("username", ""), 400, 40002, "username"),
        (&path, Params::new().with("realname", "ok").with("user_id", "DU0"), 400, 40002, "user_id"),
        (&path, Params::new().with("firstname", "x".repeat(600)), 400, 40002, "firstname"),
        ("/admin/v1/users/DUNOSUCHUSER00000000", Params::new().with("realname", "ghost"), 404, 40401, "user_id"),
    ];
    for (path, params, status, code, detail) in cases {
        for version in [duo_directory::SigVersion::V5, duo_directory::SigVersion::V2] {
            let mut req = RawRequest::new("POST", path, params.clone());
            req.sig_version = version;
            let r = raw(&emulator, req).await;
            assert_fail(&r, status, code);
            assert_eq!(r.body["message_detail"], detail, "{path} {params:?}");
        }
    }
    // correctly signed v5 bodies that are not JSON objects of strings (or lists of strings)
    for (body, detail) in [
        (&br#"{"username":{"nested":1}}"#[..], "username"),
        (br#"{"username":null}"#, "username"),
        (br#"["username","x"]"#, "body"),
        (br#"{"username":"x""#, "body"),
        (b"\xff\xfe", "body"),
    ] {
        let r = signed_body(&emulator, "POST", "/admin/v1/users", body, "application/json").await;
        assert_fail(&r, 400, 40002);
        assert_eq!(r.body["message_detail"], detail, "{}", String::from_utf8_lossy(body));
    }
    assert_eq!(emulator.users(), before);
    // Node's JSON.stringify keeps insertion order and raw UTF-8; numbers are accepted as text
    let r = signed_body(
        &emulator,
        "POST",
        "/admin/v1/users",
        r#"{"username":"zoë","notes":12}"#.as_bytes(),
        "application/json",
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["response"]["notes"], "12");
    // `aliases` may be a JSON object under v5
    let r =
        signed_body(&emulator, "POST", &path, br#"{"aliases":{"alias2":"a two","alias7":"a7"}}"#, "application/json")
            .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["response"]["alias2"], "a two");
    assert_eq!(r.body["response"]["aliases"]["alias7"], "a7");
}

#[tokio::test(flavor = "multi_thread")]
async fn aliases_parameter_sets_up_to_eight() {
    let emulator = http_emulator(0).await;
    let client = client(&emulator);
    let user = client
        .call(
            "POST",
            "/admin/v1/users",
            Params::new().with("username", "multi").with("aliases", "alias1=a1&alias5=a5&alias8=a%208"),
        )
        .await
        .unwrap();
    assert_eq!(user["alias1"], "a1");
    assert_eq!(user["alias2"], serde_json::Value::Null);
    assert_eq!(user["aliases"], serde_json::json!({"alias1": "a1", "alias5": "a5", "alias8": "a 8"}));
    assert_eq!(client.get_user_by_username("a 8").await.unwrap().unwrap().username, "multi");
}

#[tokio::test(flavor = "multi_thread")]
async fn ids_in_paths_are_percent_decoded() {
    let emulator = http_emulator(0).await;
    let mut user = duo_directory_emulator::generator::users(1, 9).remove(0);
    user.user_id = "DU ODD/ID+1".into();
    emulator.add_user(user.clone());
    let r = common::raw(
        &emulator,
        common::RawRequest::new("GET", "/admin/v1/users/DU%20ODD%2FID%2B1", duo_directory::Params::new()),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["response"]["user_id"], "DU ODD/ID+1");
    // the client itself refuses ids a path could reinterpret
    let err = client(&emulator).get_user("DU ODD/ID+1").await.unwrap_err();
    assert_eq!(err.code(), "invalid_input");
}

#[tokio::test(flavor = "multi_thread")]
async fn blocking_client_works_from_a_plain_thread() {
    let emulator = http_emulator(120).await;
    let config = fast_config(&emulator);
    let expected = emulator.users();
    let listed = std::thread::spawn(move || {
        let client = duo_directory::blocking::Client::new(config).unwrap();
        client.list_users(Some(50)).unwrap().collect::<Result<Vec<_>, _>>().unwrap()
    })
    .join()
    .unwrap();
    assert_eq!(listed, expected);
}
