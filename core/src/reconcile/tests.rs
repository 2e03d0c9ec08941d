//! Plans on hand-made cases: every action and every conflict kind.

use super::*;
use crate::{DirectoryUser, User};

fn dir(id: &str, email: &str, first: &str, last: &str, state: &str) -> DirectoryUser {
    DirectoryUser::from_json(
        &serde_json::json!({
            "id": id, "idp_id": format!("idp-{id}"), "directory_id": "directory_1", "email": email,
            "first_name": first, "last_name": last, "state": state, "created_at": "", "updated_at": "",
            "custom_attributes": {"employee_id": format!("E{id}")}
        })
        .to_string(),
    )
    .unwrap()
}

fn duo(id: &str, username: &str, extra: serde_json::Value) -> User {
    let mut base = serde_json::json!({"user_id": id, "username": username, "status": "active"});
    if let (Some(b), Some(e)) = (base.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    User::from_json(&base.to_string()).unwrap()
}

const MARK: &str = "duo-directory:directory_1";

/// A Duo user exactly as the directory user `dir(…, "ann@example.com", "Ann", "Lee", …)` maps.
fn ann_in_duo(extra: serde_json::Value) -> User {
    let mut fields = serde_json::json!({"firstname": "Ann", "lastname": "Lee", "email": "ann@example.com",
        "realname": "Ann Lee", "notes": MARK});
    if let (Some(b), Some(e)) = (fields.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    duo("DUANN000000000000001", "ann@example.com", fields)
}

fn only(plan: &Plan) -> &PlanEntry {
    assert_eq!(plan.entries.len(), 1, "{:#?}", plan.entries);
    &plan.entries[0]
}

#[test]
fn a_new_active_user_is_created_with_every_mapped_field_and_the_marker() {
    let plan = plan(&[dir("1", "Ann@Example.com", "Ann", "Lee", "active")], &[], None).unwrap();
    let e = only(&plan);
    assert_eq!(e.action, ActionKind::Create);
    assert_eq!(e.username, "ann@example.com");
    let fields: Vec<(&str, &str)> = e.changes.iter().map(|c| (c.field.as_str(), c.after.as_str())).collect();
    assert_eq!(
        fields,
        [
            ("username", "ann@example.com"),
            ("firstname", "Ann"),
            ("lastname", "Lee"),
            ("email", "Ann@Example.com"),
            ("realname", "Ann Lee"),
            ("notes", MARK)
        ]
    );
    assert!(e.changes.iter().all(|c| c.before.is_none()));
    assert_eq!(plan.directory_id, "directory_1");
}

#[test]
fn a_changed_field_is_an_update_with_before_and_after() {
    let plan =
        plan(&[dir("1", "ann@example.com", "Ann", "Lee-Smith", "active")], &[ann_in_duo(serde_json::json!({}))], None)
            .unwrap();
    let e = only(&plan);
    assert_eq!(e.action, ActionKind::Update);
    assert_eq!(e.duo_user_id.as_deref(), Some("DUANN000000000000001"));
    assert_eq!(
        e.changes,
        [
            FieldChange { field: "lastname".into(), before: Some("Lee".into()), after: "Lee-Smith".into() },
            FieldChange { field: "realname".into(), before: Some("Ann Lee".into()), after: "Ann Lee-Smith".into() },
        ]
    );
    assert_eq!(e.observed.as_ref().unwrap().lastname.as_deref(), Some("Lee"));
}

#[test]
fn an_equal_user_is_unchanged_and_an_unmarked_one_is_adopted() {
    let ann = dir("1", "ann@example.com", "Ann", "Lee", "active");
    let plan1 = plan(std::slice::from_ref(&ann), &[ann_in_duo(serde_json::json!({}))], None).unwrap();
    assert_eq!(only(&plan1).action, ActionKind::Unchanged);
    assert!(only(&plan1).changes.is_empty());
    let plan2 = plan(&[ann], &[ann_in_duo(serde_json::json!({"notes": "VIP"}))], None).unwrap();
    let e = only(&plan2);
    assert_eq!(e.action, ActionKind::Update);
    assert_eq!(
        e.changes,
        [FieldChange { field: "notes".into(), before: Some("VIP".into()), after: format!("VIP\n{MARK}") }]
    );
}

#[test]
fn inactive_is_trash_by_default_and_disable_when_asked() {
    let gone = dir("1", "ann@example.com", "Ann", "Lee", "inactive");
    let plan1 = plan(std::slice::from_ref(&gone), &[ann_in_duo(serde_json::json!({}))], None).unwrap();
    assert_eq!(only(&plan1).action, ActionKind::Trash);
    assert_eq!(only(&plan1).changes[0].after, "pending deletion");
    let disable = Mapping { inactive: InactiveAction::Disable, ..Mapping::default() };
    let plan2 = plan(std::slice::from_ref(&gone), &[ann_in_duo(serde_json::json!({}))], Some(&disable)).unwrap();
    assert_eq!(only(&plan2).action, ActionKind::Disable);
    let already = plan(&[gone], &[ann_in_duo(serde_json::json!({"status": "pending deletion"}))], None).unwrap();
    assert_eq!(only(&already).action, ActionKind::Unchanged, "already in the trash");
}

#[test]
fn an_owned_duo_user_the_directory_lost_is_trashed_and_an_unowned_one_left_alone() {
    let bob = dir("2", "bob@example.com", "Bob", "Ray", "active");
    let stranger = duo("DUSTRANGER0000000001", "admin", serde_json::json!({"notes": "break-glass"}));
    let other = duo("DUOTHER0000000000001", "carl", serde_json::json!({"notes": "duo-directory:directory_9"}));
    let plan = plan(&[bob], &[ann_in_duo(serde_json::json!({})), stranger, other], None).unwrap();
    let actions: Vec<(&str, ActionKind)> = plan.entries.iter().map(|e| (e.username.as_str(), e.action)).collect();
    assert_eq!(actions, [("bob@example.com", ActionKind::Create), ("ann@example.com", ActionKind::Trash)]);
    assert_eq!(plan.entries[1].directory_user_id, None);
}

#[test]
fn an_active_user_in_the_trash_is_restored_with_its_changes() {
    let plan = plan(
        &[dir("1", "ann@example.com", "Anne", "Lee", "active")],
        &[ann_in_duo(serde_json::json!({"status": "pending deletion"}))],
        None,
    )
    .unwrap();
    let e = only(&plan);
    assert_eq!(e.action, ActionKind::Restore);
    assert_eq!(e.changes.iter().map(|c| c.field.as_str()).collect::<Vec<_>>(), ["firstname", "realname"]);
}

#[test]
fn a_disabled_user_back_in_the_directory_is_reactivated() {
    let plan = plan(
        &[dir("1", "ann@example.com", "Ann", "Lee", "active")],
        &[ann_in_duo(serde_json::json!({"status": "disabled"}))],
        None,
    )
    .unwrap();
    let e = only(&plan);
    assert_eq!(e.action, ActionKind::Update);
    assert_eq!(
        e.changes,
        [FieldChange { field: "status".into(), before: Some("disabled".into()), after: "active".into() }]
    );
}

#[test]
fn users_duo_syncs_itself_are_synced_from_the_directory() {
    let mapping = Mapping { directory_key: Some("DKXXXXXXXXXXXXXXXXXX".into()), ..Mapping::default() };
    let plan = plan(
        &[dir("1", "ann@example.com", "Ann", "Lee-Smith", "active")],
        &[ann_in_duo(serde_json::json!({"last_directory_sync": 1_700_000_000}))],
        Some(&mapping),
    )
    .unwrap();
    assert_eq!(only(&plan).action, ActionKind::SyncFromDirectory);
}

#[test]
fn two_directory_users_mapping_to_one_username_conflict() {
    let local = Mapping { username_from: UsernameSource::EmailLocalPart, ..Mapping::default() };
    let a = dir("1", "ann@example.com", "Ann", "Lee", "active");
    let b = dir("2", "ann@example.org", "Ann", "Other", "active");
    let plan = plan(&[a, b], &[], Some(&local)).unwrap();
    for e in &plan.entries {
        assert_eq!(e.action, ActionKind::Conflict);
        assert_eq!(e.conflict.as_ref().unwrap().reason, ConflictReason::DuplicateUsername);
        assert_eq!(e.username, "ann");
    }
}

#[test]
fn a_username_and_an_alias_of_one_duo_user_conflict() {
    let local = Mapping { username_from: UsernameSource::EmailLocalPart, ..Mapping::default() };
    let a = dir("1", "ann@example.com", "Ann", "Lee", "active");
    let b = dir("2", "alee@example.com", "A", "Lee", "active");
    let duo_ann = duo("DUANN000000000000001", "ann", serde_json::json!({"alias1": "alee", "notes": MARK}));
    let plan = plan(&[a, b], &[duo_ann], Some(&local)).unwrap();
    assert_eq!(plan.entries.len(), 2);
    for e in &plan.entries {
        assert_eq!(e.conflict.as_ref().map(|c| c.reason), Some(ConflictReason::DuplicateUsername), "{e:?}");
    }
}

#[test]
fn an_email_shared_by_several_duo_users_conflicts() {
    let shared = |id: &str, name: &str| duo(id, name, serde_json::json!({"email": "ann@example.com"}));
    let plan = plan(
        &[dir("1", "ann@example.com", "Ann", "Lee", "active")],
        &[shared("DUA00000000000000001", "ann1"), shared("DUA00000000000000002", "ann2")],
        None,
    )
    .unwrap();
    let e = only(&plan);
    assert_eq!(e.conflict.as_ref().unwrap().reason, ConflictReason::SharedEmail);
    assert!(e.conflict.as_ref().unwrap().detail.contains("DUA00000000000000002"));
}

#[test]
fn a_duo_user_of_another_directory_conflicts() {
    let plan = plan(
        &[dir("1", "ann@example.com", "Ann", "Lee", "active")],
        &[ann_in_duo(serde_json::json!({"notes": "duo-directory:directory_9"}))],
        None,
    )
    .unwrap();
    assert_eq!(only(&plan).conflict.as_ref().unwrap().reason, ConflictReason::OtherDirectory);
}

#[test]
fn a_group_scope_leaves_users_outside_the_group_alone() {
    let scope = Mapping { scope: Scope::Group("Staff".into()), ..Mapping::default() };
    let staff = serde_json::json!({"groups": [{"group_id": "DG1", "name": "staff"}]});
    let in_group = duo("DUBOB000000000000001", "bob@example.com", staff);
    let plan = plan(
        &[dir("1", "ann@example.com", "Ann", "Lee", "active")],
        &[ann_in_duo(serde_json::json!({})), in_group],
        Some(&scope),
    )
    .unwrap();
    let actions: Vec<(&str, ActionKind)> = plan.entries.iter().map(|e| (e.username.as_str(), e.action)).collect();
    assert_eq!(actions, [("ann@example.com", ActionKind::Conflict), ("bob@example.com", ActionKind::Trash)]);
    assert_eq!(plan.entries[0].conflict.as_ref().unwrap().reason, ConflictReason::OutOfScope);
}

#[test]
fn a_username_pattern_scope_only_owns_matching_users() {
    let scope = Mapping { scope: Scope::UsernamePattern("*@example.com".into()), ..Mapping::default() };
    let outside = duo("DUBOB000000000000001", "bob@corp.test", serde_json::json!({}));
    let inside = duo("DUCAT000000000000001", "cat@example.com", serde_json::json!({}));
    let plan =
        plan(&[], &[outside, inside], Some(&Mapping { directory_id: Some("directory_1".into()), ..scope })).unwrap();
    let actions: Vec<(&str, ActionKind)> = plan.entries.iter().map(|e| (e.username.as_str(), e.action)).collect();
    assert_eq!(actions, [("cat@example.com", ActionKind::Trash)]);
}

#[test]
fn no_username_is_a_conflict_and_other_sources_work() {
    let by_attr = Mapping { username_from: "attribute:employee_id".parse().unwrap(), ..Mapping::default() };
    let mut no_email = dir("7", "", "No", "Mail", "active");
    no_email.email = None;
    let plan1 = plan(&[no_email.clone()], &[], None).unwrap();
    assert_eq!(only(&plan1).conflict.as_ref().unwrap().reason, ConflictReason::NoUsername);
    let plan2 = plan(&[no_email.clone()], &[], Some(&by_attr)).unwrap();
    assert_eq!(only(&plan2).username, "e7");
    let by_idp = Mapping {
        username_from: UsernameSource::IdpId,
        realname: "{last_name}, {first_name} ({idp_id})".into(),
        ..Mapping::default()
    };
    let plan3 = plan(&[no_email], &[], Some(&by_idp)).unwrap();
    let e = only(&plan3);
    assert_eq!(e.username, "idp-7");
    assert_eq!(e.changes.iter().find(|c| c.field == "realname").unwrap().after, "Mail, No (idp-7)");
}

#[test]
fn plans_round_trip_through_json_and_refuse_other_versions() {
    let plan = plan(
        &[dir("1", "ann@example.com", "Ann", "Lee-Smith", "active"), dir("2", "bob@example.com", "B", "R", "active")],
        &[ann_in_duo(serde_json::json!({}))],
        Some(&Mapping::from_json(r#"{"inactive": "disable", "scope": "pattern:*"}"#).unwrap()),
    )
    .unwrap();
    let text = plan.to_json();
    assert_eq!(Plan::from_json(&text).unwrap(), plan);
    assert_eq!(plan.summary().update, 1);
    assert_eq!(plan.summary().create, 1);
    let newer = text.replacen("\"version\": 1", "\"version\": 2", 1);
    assert!(matches!(Plan::from_json(&newer), Err(crate::Error::InvalidInput { field, .. }) if field == "plan"));
    assert!(Plan::from_json("[]").is_err());
    assert!(
        matches!(Mapping::from_json(r#"{"fields": ["phone"]}"#), Err(crate::Error::InvalidInput { field, .. }) if field == "fields[0]")
    );
    assert!(Mapping::from_json(r#"{"colour": "red"}"#).is_err());
}

#[test]
fn events_plan_only_the_users_they_touch() {
    let event = |name: &str, user: &DirectoryUser| {
        crate::DirectoryEvent::from_json(
            &serde_json::json!({"id": format!("event_{name}"), "event": name, "data": serde_json::to_value(user).unwrap(),
                "created_at": "2024-07-01T00:00:00.000Z"})
            .to_string(),
        )
        .unwrap()
    };
    let ann = dir("1", "ann@example.com", "Ann", "Lee", "active");
    let bob = dir("2", "bob@example.com", "Bob", "Ray", "active");
    let mut bob_renamed = bob.clone();
    bob_renamed.last_name = Some("Roy".into());
    let events = [
        event("dsync.user.created", &bob),
        event("dsync.user.updated", &bob_renamed),
        event("dsync.user.deleted", &ann),
    ];
    let carl = duo("DUCARL00000000000001", "carl@example.com", serde_json::json!({"notes": MARK}));
    let plan = plan_events(&events, &[ann_in_duo(serde_json::json!({})), carl], None).unwrap();
    let actions: Vec<(&str, ActionKind)> = plan.entries.iter().map(|e| (e.username.as_str(), e.action)).collect();
    assert_eq!(
        actions,
        [("bob@example.com", ActionKind::Create), ("ann@example.com", ActionKind::Trash)],
        "carl is not touched"
    );
    assert!(plan.entries[0].changes.iter().any(|c| c.field == "lastname" && c.after == "Roy"), "latest state wins");
}

fn outcome(status: OutcomeStatus) -> Outcome {
    Outcome {
        entry: 0,
        username: "ann".into(),
        action: ActionKind::Update,
        status,
        duo_user_id: None,
        reason: None,
        error: None,
    }
}

#[test]
fn report_counts_every_status_in_order_zeros_included() {
    let report = Report {
        outcomes: vec![outcome(OutcomeStatus::Failed), outcome(OutcomeStatus::Done), outcome(OutcomeStatus::Failed)],
    };
    assert_eq!(
        report.counts(),
        vec![
            (OutcomeStatus::Done, 1),
            (OutcomeStatus::Failed, 2),
            (OutcomeStatus::Skipped, 0),
            (OutcomeStatus::Unchanged, 0)
        ]
    );
    assert_eq!(
        OutcomeStatus::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        ["done", "failed", "skipped", "unchanged"]
    );
}

#[test]
fn plan_entries_flatten_their_conflict_and_summaries_count_every_kind() {
    let users = [
        dir("d1", "ann@example.com", "Ann", "Lee", "active"),
        dir("d2", "ann@example.com", "Ann", "Li", "active"),
        dir("d3", "bob@example.com", "Bob", "Ray", "active"),
    ];
    let plan = plan(&users, &[], None).unwrap();
    let entry = plan.entries.iter().find(|e| e.action == ActionKind::Conflict).unwrap();
    assert_eq!(entry.conflict_reason(), Some("duplicate_username"));
    assert_eq!(entry.conflict_detail(), entry.conflict.as_ref().map(|c| c.detail.as_str()));
    assert!(entry.conflict_detail().is_some_and(|d| !d.is_empty()), "{entry:?}");
    let create = plan.entries.iter().find(|e| e.action == ActionKind::Create).unwrap();
    assert_eq!((create.conflict_reason(), create.conflict_detail()), (None, None));
    let counts = plan.summary().counts();
    assert_eq!(counts.len(), ActionKind::ALL.len());
    assert_eq!(counts.iter().map(|(_, n)| n).sum::<u32>() as usize, plan.entries.len());
    assert!(counts.contains(&(ActionKind::Conflict, plan.summary().conflict)));
}

#[test]
fn plan_options_take_the_mapping_as_object_or_text() {
    use crate::options::{KeyCase, from_value};
    let o: PlanOptions =
        from_value(Some(serde_json::json!({"mapping": {"inactive": "disable"}})), KeyCase::Camel).unwrap();
    assert_eq!(o.mapping.map(|m| m.inactive), Some(InactiveAction::Disable));
    let o: PlanOptions =
        from_value(Some(serde_json::json!({"mapping": "{\"inactive\":\"disable\"}"})), KeyCase::Camel).unwrap();
    assert_eq!(o.mapping.map(|m| m.inactive), Some(InactiveAction::Disable));
    let o: PlanOptions = from_value(Some(serde_json::json!({"mapping": null})), KeyCase::Camel).unwrap();
    assert_eq!(o.mapping, None);
    let e = from_value::<PlanOptions>(Some(serde_json::json!({"mapping": {"nope": 1}})), KeyCase::Camel).unwrap_err();
    assert!(matches!(e, crate::Error::InvalidInput { ref field, .. } if field == "mapping"), "{e}");
}
