//! The rest of the users surface: enrollment, a user's groups, phones, tokens, U2F tokens,
//! WebAuthn credentials, desktop authenticators and bypass codes, and groups, phones and tokens
//! as objects (`/admin/v1/groups`, `/admin/v2/groups/{id}`, `/admin/v1/phones`, `/admin/v1/tokens`).
//! Answers as Duo does: 404 40401 for a missing user, group, phone or token in the path; 400
//! 40002 naming the parameter that is bad (or names a missing object); 40001 for a missing one.
//! Every change is validated completely before the store is touched, under one write lock.

use crate::Shared;
use crate::handlers::{
    Form, blank_user, check_unique, decode_segment, envelope_list, envelope_object, invalid, method_not_allowed,
    missing, not_found,
};
use crate::ids::{duo_id, now_unix, random_from};
use crate::objects::BypassRecord;
use crate::reply::Reply;
use bytes::Bytes;
use duo_directory::{Group, Phone, Token, User};

type Pairs = [(String, String)];
type Answer = Result<Reply, Reply>;

const USERS_PREFIX: &str = "/admin/v1/users/";
/// Default page.
const DEFAULT_LIMIT: usize = 100;
/// Largest page of a user's sub-resources.
const MAX_SUB_LIMIT: usize = 500;
/// Largest page of `/admin/v1/groups`.
const MAX_GROUP_LIMIT: usize = 100;
/// Most bypass codes a user holds.
const MAX_USER_BYPASS_CODES: usize = 100;
/// Default lifetime of an enrollment link (30 days).
const DEFAULT_ENROLL_SECS: u64 = 2_592_000;

/// Answers the requests of this module; `None` for any other path.
pub(crate) fn dispatch(shared: &Shared, method: &str, path: &str, params: &Pairs) -> Option<Answer> {
    let only = |allowed: &str, f: &dyn Fn() -> Answer| if method == allowed { f() } else { Err(method_not_allowed()) };
    Some(match path {
        "/admin/v1/users/enroll" => only("POST", &|| enroll(shared, params)),
        "/admin/v1/groups" => match method {
            "GET" => list_groups(shared, params),
            "POST" => create_group(shared, params),
            _ => Err(method_not_allowed()),
        },
        "/admin/v1/phones" => only("POST", &|| create_phone(shared, params)),
        "/admin/v1/tokens" => only("POST", &|| create_token(shared, params)),
        _ => {
            if let Some(id) = single(path, "/admin/v2/groups/").or_else(|| single(path, "/admin/v1/groups/")) {
                return Some(only("GET", &|| get_group(shared, &id, params)));
            }
            let rest = path.strip_prefix(USERS_PREFIX)?;
            let mut parts = rest.split('/');
            let (user, segment, sub) = (parts.next()?, parts.next()?, parts.next());
            if parts.next().is_some() || user.is_empty() || user == "directorysync" {
                return None;
            }
            let user = decode_segment(user);
            let sub = sub.map(decode_segment);
            user_sub(shared, method, &user, segment, sub.as_deref(), params)?
        }
    })
}

/// The id after `prefix` when it is the last segment.
fn single(path: &str, prefix: &str) -> Option<String> {
    path.strip_prefix(prefix).filter(|id| !id.is_empty() && !id.contains('/')).map(decode_segment)
}

#[derive(Clone, Copy)]
enum Link {
    Groups,
    Phones,
    Tokens,
}

fn user_sub(shared: &Shared, method: &str, user: &str, segment: &str, sub: Option<&str>, p: &Pairs) -> Option<Answer> {
    let link = match segment {
        "groups" => Some(Link::Groups),
        "phones" => Some(Link::Phones),
        "tokens" => Some(Link::Tokens),
        _ => None,
    };
    Some(match (link, sub, method) {
        (Some(link), None, "GET") => list_links(shared, user, link, p),
        (Some(link), None, "POST") => add_link(shared, user, link, p),
        (Some(link), Some(id), "DELETE") => remove_link(shared, user, link, id, p),
        (Some(_), _, _) => Err(method_not_allowed()),
        (None, None, "GET") if matches!(segment, "u2ftokens" | "webauthncredentials" | "desktopauthenticators") => {
            list_embedded(shared, user, segment, p)
        }
        (None, None, "GET") if segment == "bypass_codes" => list_bypass_codes(shared, user, p),
        (None, None, "POST") if segment == "bypass_codes" => create_bypass_codes(shared, user, p),
        (None, None, _)
            if matches!(segment, "u2ftokens" | "webauthncredentials" | "desktopauthenticators" | "bypass_codes") =>
        {
            Err(method_not_allowed())
        }
        _ => return None,
    })
}

/// `limit` (1..=`max`, default 100) and `offset` (default 0), refusing any other parameter.
fn paging(form: &Form<'_>, max: usize) -> Result<(usize, usize), Reply> {
    form.check(&["limit", "offset"])?;
    let limit = match form.get("limit") {
        None => DEFAULT_LIMIT.min(max),
        Some(v) => v.trim().parse::<usize>().ok().filter(|n| (1..=max).contains(n)).ok_or_else(|| invalid("limit"))?,
    };
    let offset = match form.get("offset") {
        None => 0,
        Some(v) => v.trim().parse::<usize>().map_err(|_| invalid("offset"))?,
    };
    Ok((limit, offset))
}

/// A page of `items` with Duo's list metadata.
fn page(items: Vec<Bytes>, limit: usize, offset: usize) -> Reply {
    let total = items.len();
    let page: Vec<Bytes> = items.into_iter().skip(offset).take(limit).collect();
    let mut metadata = format!("{{\"total_objects\":{total}");
    if offset.saturating_add(limit) < total {
        metadata.push_str(&format!(",\"next_offset\":{}", offset + limit));
    }
    if offset > 0 {
        metadata.push_str(&format!(",\"prev_offset\":{}", offset.saturating_sub(limit)));
    }
    metadata.push('}');
    envelope_list(&page, &metadata)
}

fn json<T: serde::Serialize>(value: &T) -> Bytes {
    Bytes::from(serde_json::to_vec(value).unwrap_or_else(|_| b"{}".to_vec()))
}

fn empty_ok() -> Reply {
    Reply::ok(Bytes::from_static(br#"{"stat":"OK","response":""}"#))
}

fn user_of(store: &crate::store::Store, user: &str) -> Result<User, Reply> {
    store.get(user).map(|e| e.user.clone()).ok_or_else(|| not_found(Some("user_id")))
}

fn list_links(shared: &Shared, user: &str, link: Link, params: &Pairs) -> Answer {
    let (limit, offset) = paging(&Form(params), MAX_SUB_LIMIT)?;
    let user = user_of(&shared.read(), user)?;
    let items = match link {
        Link::Groups => user.groups.iter().map(json).collect(),
        Link::Phones => user.phones.iter().map(json).collect(),
        Link::Tokens => user.tokens.iter().map(json).collect(),
    };
    Ok(page(items, limit, offset))
}

fn list_embedded(shared: &Shared, user: &str, segment: &str, params: &Pairs) -> Answer {
    let (limit, offset) = paging(&Form(params), MAX_SUB_LIMIT)?;
    let store = shared.read();
    let user = user_of(&store, user)?;
    let items = match segment {
        "u2ftokens" => user.u2ftokens.iter().map(json).collect(),
        "webauthncredentials" => user.webauthncredentials.iter().map(json).collect(),
        _ => store
            .objects
            .desktop_authenticators
            .get(&user.user_id)
            .map_or_else(Vec::new, |l| l.iter().map(json).collect()),
    };
    Ok(page(items, limit, offset))
}

fn add_link(shared: &Shared, user_id: &str, link: Link, params: &Pairs) -> Answer {
    let form = Form(params);
    let field = match link {
        Link::Groups => "group_id",
        Link::Phones => "phone_id",
        Link::Tokens => "token_id",
    };
    form.check(&[field])?;
    let id = form.get(field).filter(|v| !v.is_empty()).ok_or_else(|| missing(field))?;
    let mut store = shared.write();
    let mut user = user_of(&store, user_id)?;
    let objects = &store.objects;
    let added = match link {
        Link::Groups => {
            let group = objects.groups.get(id).cloned().ok_or_else(|| invalid(field))?;
            let new = !user.groups.iter().any(|g| g.group_id == id);
            if new {
                user.groups.push(group);
            }
            new
        }
        Link::Phones => {
            let phone = objects.phones.get(id).cloned().ok_or_else(|| invalid(field))?;
            let new = !user.phones.iter().any(|p| p.phone_id == id);
            if new {
                user.phones.push(phone);
                user.is_enrolled = Some(true);
            }
            new
        }
        Link::Tokens => {
            let token = objects.tokens.get(id).cloned().ok_or_else(|| invalid(field))?;
            let new = !user.tokens.iter().any(|t| t.token_id == id);
            if new {
                user.tokens.push(token);
                user.is_enrolled = Some(true);
            }
            new
        }
    };
    if added {
        store.upsert(user);
    }
    Ok(empty_ok())
}

fn remove_link(shared: &Shared, user_id: &str, link: Link, id: &str, params: &Pairs) -> Answer {
    Form(params).check(&[])?;
    let mut store = shared.write();
    let mut user = user_of(&store, user_id)?;
    let objects = &store.objects;
    let (known, field) = match link {
        Link::Groups => (objects.groups.get(id).is_some(), "group_id"),
        Link::Phones => (objects.phones.get(id).is_some(), "phone_id"),
        Link::Tokens => (objects.tokens.get(id).is_some(), "token_id"),
    };
    if !known {
        return Err(not_found(Some(field)));
    }
    let before = (user.groups.len(), user.phones.len(), user.tokens.len());
    match link {
        Link::Groups => user.groups.retain(|g| g.group_id != id),
        Link::Phones => user.phones.retain(|p| p.phone_id != id),
        Link::Tokens => user.tokens.retain(|t| t.token_id != id),
    }
    if before != (user.groups.len(), user.phones.len(), user.tokens.len()) {
        store.upsert(user);
    }
    Ok(empty_ok())
}

fn list_groups(shared: &Shared, params: &Pairs) -> Answer {
    let (limit, offset) = paging(&Form(params), MAX_GROUP_LIMIT)?;
    let items = shared.read().objects.groups.all().iter().map(json).collect();
    Ok(page(items, limit, offset))
}

fn get_group(shared: &Shared, id: &str, params: &Pairs) -> Answer {
    Form(params).check(&[])?;
    let store = shared.read();
    let group = store.objects.groups.get(id).ok_or_else(|| not_found(Some("group_id")))?;
    Ok(envelope_object(&json(group)))
}

fn flag(form: &Form<'_>, name: &str) -> Result<Option<bool>, Reply> {
    match form.get(name) {
        None => Ok(None),
        Some("1" | "true" | "True") => Ok(Some(true)),
        Some("0" | "false" | "False") => Ok(Some(false)),
        Some(_) => Err(invalid(name)),
    }
}

fn short_text(form: &Form<'_>, name: &str) -> Result<Option<String>, Reply> {
    match form.get(name) {
        Some(v) if v.chars().count() > 1000 || v.chars().any(char::is_control) => Err(invalid(name)),
        other => Ok(other.map(str::to_string)),
    }
}

fn create_group(shared: &Shared, params: &Pairs) -> Answer {
    let form = Form(params);
    let flags = ["push_enabled", "sms_enabled", "voice_enabled", "mobile_otp_enabled", "u2f_enabled"];
    let mut allowed = vec!["name", "desc", "status"];
    allowed.extend(flags);
    form.check(&allowed)?;
    let name = short_text(&form, "name")?.filter(|n| !n.trim().is_empty()).ok_or_else(|| missing("name"))?;
    let status = match form.get("status").map(str::to_ascii_lowercase).as_deref() {
        None | Some("active") => "Active",
        Some("bypass") => "Bypass",
        Some("disabled") => "Disabled",
        Some(_) => return Err(invalid("status")),
    };
    let desc = short_text(&form, "desc")?.unwrap_or_default();
    let [push, sms, voice, otp, u2f] = [
        flag(&form, "push_enabled")?,
        flag(&form, "sms_enabled")?,
        flag(&form, "voice_enabled")?,
        flag(&form, "mobile_otp_enabled")?,
        flag(&form, "u2f_enabled")?,
    ];
    let _ = u2f;
    let mut store = shared.write();
    if store.objects.groups.all().iter().any(|g| g.name.as_deref() == Some(name.as_str())) {
        return Err(invalid("name"));
    }
    let mut group_id = duo_id(&mut rand::rng(), "DG");
    while store.objects.groups.get(&group_id).is_some() {
        group_id = duo_id(&mut rand::rng(), "DG");
    }
    let group = Group {
        desc: Some(desc),
        group_id,
        mobile_otp_enabled: Some(otp.unwrap_or(false)),
        name: Some(name),
        push_enabled: Some(push.unwrap_or(false)),
        sms_enabled: Some(sms.unwrap_or(false)),
        status: Some(status.to_string()),
        voice_enabled: Some(voice.unwrap_or(false)),
        extra: Default::default(),
    };
    store.objects.groups.register(&group);
    Ok(envelope_object(&json(&group)))
}

fn capitalised(value: &str) -> String {
    let mut chars = value.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn create_phone(shared: &Shared, params: &Pairs) -> Answer {
    let form = Form(params);
    form.check(&["number", "extension", "name", "type", "platform", "predelay", "postdelay"])?;
    let number = short_text(&form, "number")?.unwrap_or_default();
    if !number.is_empty() && !number.trim_start_matches('+').bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid("number"));
    }
    let phone_type = match form.get("type").map(str::to_ascii_lowercase).as_deref() {
        None | Some("unknown") => "Unknown",
        Some("mobile") => "Mobile",
        Some("landline") => "Landline",
        Some(_) => return Err(invalid("type")),
    };
    let platform = short_text(&form, "platform")?.map(|p| capitalised(&p)).unwrap_or_else(|| "Unknown".into());
    let delay = |name: &str| match form.get(name) {
        Some(v) if v.parse::<u32>().is_err() => Err(invalid(name)),
        other => Ok(other.map(str::to_string)),
    };
    let (predelay, postdelay) = (delay("predelay")?, delay("postdelay")?);
    let mut store = shared.write();
    let mut phone_id = duo_id(&mut rand::rng(), "DP");
    while store.objects.phones.get(&phone_id).is_some() {
        phone_id = duo_id(&mut rand::rng(), "DP");
    }
    let phone = Phone {
        activated: Some(false),
        capabilities: Vec::new(),
        encrypted: Some(String::new()),
        extension: Some(short_text(&form, "extension")?.unwrap_or_default()),
        fingerprint: Some(String::new()),
        last_seen: None,
        model: Some("Unknown".into()),
        name: Some(short_text(&form, "name")?.unwrap_or_default()),
        number: Some(number),
        phone_id,
        platform: Some(platform),
        postdelay,
        predelay,
        screenlock: Some(String::new()),
        sms_passcodes_sent: Some(false),
        tampered: Some(String::new()),
        phone_type: Some(phone_type.into()),
        extra: Default::default(),
    };
    store.objects.phones.register(&phone);
    Ok(envelope_object(&json(&phone)))
}

fn create_token(shared: &Shared, params: &Pairs) -> Answer {
    let form = Form(params);
    form.check(&["type", "serial", "secret", "counter", "private_id", "aes_key"])?;
    let token_type = form.get("type").ok_or_else(|| missing("type"))?;
    if !matches!(token_type, "h6" | "h8" | "t6" | "t8" | "yk" | "d1") {
        return Err(invalid("type"));
    }
    let serial = short_text(&form, "serial")?.filter(|s| !s.is_empty()).ok_or_else(|| missing("serial"))?;
    let mut store = shared.write();
    if store
        .objects
        .tokens
        .all()
        .iter()
        .any(|t| t.serial.as_deref() == Some(serial.as_str()) && t.token_type.as_deref() == Some(token_type))
    {
        return Err(invalid("serial"));
    }
    let mut token_id = duo_id(&mut rand::rng(), "DH");
    while store.objects.tokens.get(&token_id).is_some() {
        token_id = duo_id(&mut rand::rng(), "DH");
    }
    let totp_step = token_type.starts_with('t').then_some(30);
    let token = Token {
        serial: Some(serial),
        token_id,
        totp_step,
        token_type: Some(token_type.into()),
        extra: Default::default(),
    };
    store.objects.tokens.register(&token);
    Ok(envelope_object(&json(&token)))
}

fn seconds(form: &Form<'_>, name: &str) -> Result<Option<u64>, Reply> {
    form.get(name).map(|v| v.trim().parse::<u64>().map_err(|_| invalid(name))).transpose()
}

fn enroll(shared: &Shared, params: &Pairs) -> Answer {
    let form = Form(params);
    form.check(&["username", "email", "valid_secs"])?;
    let username = form.get("username").filter(|u| !u.trim().is_empty()).ok_or_else(|| missing("username"))?;
    let email = form.get("email").filter(|e| !e.is_empty()).ok_or_else(|| missing("email"))?;
    if !email.contains('@') || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid("email"));
    }
    if username.chars().count() > duo_directory::MAX_FIELD_LEN || username.chars().any(char::is_control) {
        return Err(invalid("username"));
    }
    let _valid_secs = seconds(&form, "valid_secs")?.unwrap_or(DEFAULT_ENROLL_SECS);
    let mut store = shared.write();
    if store.find_by_name(username).is_some() {
        return Err(invalid("username"));
    }
    let mut user = blank_user(&store, username, now_unix());
    user.email = Some(email.to_string());
    check_unique(&store, &user, None)?;
    store.upsert(user);
    Ok(empty_ok())
}

fn bypass_json(record: &BypassRecord, user: &User) -> Bytes {
    json(&serde_json::json!({
        "admin_email": "",
        "bypass_code_id": record.bypass_code_id,
        "created": record.created,
        "expiration": record.expiration,
        "reuse_count": record.reuse_count,
        "user": {
            "created": user.created,
            "email": user.email,
            "last_login": user.last_login,
            "name": user.realname,
            "user_id": user.user_id,
            "username": user.username,
        },
    }))
}

fn list_bypass_codes(shared: &Shared, user_id: &str, params: &Pairs) -> Answer {
    let (limit, offset) = paging(&Form(params), MAX_SUB_LIMIT)?;
    let store = shared.read();
    let user = user_of(&store, user_id)?;
    let items = store.objects.bypass_codes.get(user_id).into_iter().flatten().map(|r| bypass_json(r, &user)).collect();
    Ok(page(items, limit, offset))
}

fn create_bypass_codes(shared: &Shared, user_id: &str, params: &Pairs) -> Answer {
    let form = Form(params);
    form.check(&["count", "codes", "valid_secs", "reuse_count", "preserve_existing"])?;
    if form.get("count").is_some() && form.get("codes").is_some() {
        return Err(invalid("codes"));
    }
    let codes: Vec<String> = match form.get("codes") {
        Some(csv) => {
            let codes: Vec<String> = csv.split(',').map(|c| c.trim().to_string()).collect();
            let bad = |c: &String| c.is_empty() || c.len() > 16 || !c.bytes().all(|b| b.is_ascii_digit());
            if codes.len() > 10
                || codes.iter().any(bad)
                || codes.iter().enumerate().any(|(i, c)| codes.iter().take(i).any(|d| d == c))
            {
                return Err(invalid("codes"));
            }
            codes
        }
        None => {
            let count = match form.get("count") {
                None => 10,
                Some(v) => {
                    v.trim().parse::<usize>().ok().filter(|n| (1..=10).contains(n)).ok_or_else(|| invalid("count"))?
                }
            };
            let mut rng = rand::rng();
            (0..count).map(|_| random_from(&mut rng, b"0123456789", 9)).collect()
        }
    };
    let valid_secs = seconds(&form, "valid_secs")?.unwrap_or(0);
    let reuse_count = seconds(&form, "reuse_count")?.unwrap_or(1);
    let preserve = flag(&form, "preserve_existing")?.unwrap_or(false);
    let mut store = shared.write();
    user_of(&store, user_id)?;
    let now = now_unix();
    let existing = store.objects.bypass_codes.entry(user_id.to_string()).or_default();
    if !preserve {
        existing.clear();
    }
    if existing.len() + codes.len() > MAX_USER_BYPASS_CODES {
        return Err(invalid("preserve_existing"));
    }
    let expiration = (valid_secs > 0).then(|| now.saturating_add(i64::try_from(valid_secs).unwrap_or(i64::MAX)));
    let mut rng = rand::rng();
    for _ in &codes {
        existing.push(BypassRecord { bypass_code_id: duo_id(&mut rng, "DB"), created: now, expiration, reuse_count });
    }
    Ok(envelope_object(&json(&codes)))
}
