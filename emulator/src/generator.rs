//! Seeded, deterministic, realistic data: Duo users (shaped like seed 002's example user) and
//! WorkOS-style directory users (shaped like seed 001's example). The same `(count, seed)` always
//! gives the same data.

use crate::ids::{duo_id, random_from};
use duo_directory::{
    DirectoryGroup, DirectoryRole, DirectoryUser, DirectoryUserState, Group, LastSeen, Phone, Token, U2fToken, User,
    UserStatus, WebauthnCredential,
};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::{BTreeMap, HashSet};

const FIRST_NAMES: &[&str] = &[
    "Joe",
    "Ana",
    "Marcelina",
    "Liam",
    "Olivia",
    "Noah",
    "Emma",
    "Mateo",
    "Sofia",
    "Lucas",
    "Mia",
    "Ethan",
    "Amelia",
    "Hiroshi",
    "Yuki",
    "Priya",
    "Arjun",
    "Fatima",
    "Omar",
    "Chen",
    "Wei",
    "Ingrid",
    "Lars",
    "Chloe",
    "Jules",
    "Kofi",
    "Amara",
    "Diego",
    "Valentina",
    "Mohammed",
    "Aisha",
    "Sven",
    "Freya",
    "Tomasz",
    "Zofia",
    "Nikolai",
    "Elena",
    "Rafael",
    "Lucia",
    "Kwame",
    "Nia",
    "Sean",
    "Siobhan",
    "Pierre",
    "Camille",
    "Jonas",
    "Leonie",
    "Ravi",
    "Meera",
    "Kenji",
    "Hana",
    "Carlos",
    "Isabel",
    "David",
    "Sarah",
    "Michael",
    "Laura",
    "Daniel",
    "Grace",
    "Samuel",
    "Hannah",
];

const LAST_NAMES: &[&str] = &[
    "Smith",
    "Davis",
    "Garcia",
    "Müller",
    "Nakamura",
    "Patel",
    "Kowalski",
    "Okafor",
    "Johansson",
    "Rossi",
    "Dubois",
    "Nguyen",
    "Kim",
    "Hill",
    "Schmidt",
    "Silva",
    "Novak",
    "Ivanova",
    "Haddad",
    "O'Brien",
    "Fernández",
    "Tanaka",
    "Chen",
    "Wang",
    "Larsen",
    "Mensah",
    "Costa",
    "Moreau",
    "Fischer",
    "Yamamoto",
    "Singh",
    "Ali",
    "Lopez",
    "Martin",
    "Brown",
    "Wilson",
    "Taylor",
    "Anderson",
    "Thomas",
    "Moore",
    "Jackson",
    "White",
    "Harris",
    "Clark",
    "Lewis",
    "Walker",
    "Young",
    "King",
    "Wright",
    "Scott",
    "Green",
    "Baker",
    "Adams",
    "Nelson",
    "Carter",
    "Mitchell",
];

const DEPARTMENTS: &[&str] =
    &["Engineering", "Sales", "Marketing", "Finance", "Support", "Operations", "Legal", "People", "Security", "Design"];

const JOB_TITLES: &[&str] = &[
    "Software Engineer",
    "Account Executive",
    "Product Manager",
    "Financial Analyst",
    "Support Specialist",
    "Site Reliability Engineer",
    "Counsel",
    "Recruiter",
    "Security Analyst",
    "Designer",
    "Team Lead",
    "Director",
];

const NOTES: &[&str] = &[
    "",
    "",
    "",
    "Contractor until end of quarter",
    "Travels often; prefers SMS",
    "Hardware token issued by IT",
    "On parental leave",
    "VIP: contact the help desk before changes",
];

const PHONE_MODELS: &[(&str, &str)] = &[
    ("Apple iPhone 15", "Apple iOS"),
    ("Apple iPhone 11 Pro", "Apple iOS"),
    ("Google Pixel 8", "Google Android"),
    ("Samsung Galaxy S23", "Google Android"),
    ("Unknown", "Generic Smartphone"),
];

/// First second of 2015 and of 2025, UNIX time: `created` lies between them.
const EPOCH_2015: i64 = 1_420_070_400;
const EPOCH_2025: i64 = 1_735_689_600;

/// Lower-case ASCII form of a name for usernames and emails (`Müller` → `muller`).
fn ascii_slug(name: &str) -> String {
    name.chars()
        .filter_map(|c| match c {
            'ä' | 'á' | 'à' | 'â' | 'Ä' => Some('a'),
            'ö' | 'ó' | 'ò' | 'ô' | 'Ö' => Some('o'),
            'ü' | 'ú' | 'ù' | 'û' | 'Ü' => Some('u'),
            'é' | 'è' | 'ê' | 'É' => Some('e'),
            'í' | 'ì' | 'î' => Some('i'),
            'ñ' => Some('n'),
            'ç' => Some('c'),
            c if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

fn pick<'a>(rng: &mut StdRng, items: &'a [&'a str]) -> &'a str {
    items.get(rng.random_range(0..items.len())).copied().unwrap_or_default()
}

fn groups_catalogue() -> Vec<Group> {
    let mut rng = StdRng::seed_from_u64(0x6772_6f75_7073);
    let specs: &[(&str, &str, &str)] = &[
        ("token_users", "People with hardware tokens", "Active"),
        ("Engineering (from Entra ID sync \"Corp\")", "", "Active"),
        ("Sales (from Entra ID sync \"Corp\")", "", "Active"),
        ("contractors", "External contractors", "Active"),
        ("break_glass", "Emergency access accounts", "Bypass"),
        ("vpn_users", "Remote access", "Active"),
        ("offboarding", "Accounts being removed", "Disabled"),
    ];
    specs
        .iter()
        .map(|(name, desc, status)| Group {
            desc: Some((*desc).to_string()),
            group_id: duo_id(&mut rng, "DG"),
            mobile_otp_enabled: Some(false),
            name: Some((*name).to_string()),
            push_enabled: Some(false),
            sms_enabled: Some(false),
            status: Some((*status).to_string()),
            voice_enabled: Some(false),
            extra: Default::default(),
        })
        .collect()
}

fn iso_seconds(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]")).ok()
        })
        .unwrap_or_default()
}

fn iso_millis(unix: i64, millis: u16) -> String {
    format!("{}.{:03}Z", iso_seconds(unix), millis % 1000)
}

fn phone(rng: &mut StdRng, last_login: Option<i64>) -> Phone {
    let (model, platform) =
        PHONE_MODELS.get(rng.random_range(0..PHONE_MODELS.len())).copied().unwrap_or(("Unknown", "Unknown"));
    let landline = rng.random_bool(0.1);
    let number = format!("1555555{:04}", rng.random_range(0..10_000));
    if landline {
        return Phone {
            activated: Some(false),
            capabilities: vec!["phone".into()],
            encrypted: Some(String::new()),
            extension: Some(String::new()),
            fingerprint: Some(String::new()),
            last_seen: Some(LastSeen::Text(String::new())),
            model: Some("Unknown".into()),
            name: Some("Desk phone".into()),
            number: Some(number),
            phone_id: duo_id(rng, "DP"),
            platform: Some("Unknown".into()),
            postdelay: None,
            predelay: None,
            screenlock: Some(String::new()),
            sms_passcodes_sent: Some(false),
            tampered: Some(String::new()),
            phone_type: Some("Landline".into()),
            extra: Default::default(),
        };
    }
    let seen = last_login.map(|t| t - rng.random_range(0..86_400)).unwrap_or(EPOCH_2025);
    Phone {
        activated: Some(rng.random_bool(0.9)),
        capabilities: ["auto", "push", "sms", "phone", "mobile_otp"].iter().map(|s| s.to_string()).collect(),
        encrypted: Some(if rng.random_bool(0.9) { "Encrypted" } else { "Unencrypted" }.into()),
        extension: Some(String::new()),
        fingerprint: Some(if rng.random_bool(0.8) { "Configured" } else { "Disabled" }.into()),
        last_seen: Some(LastSeen::Text(iso_seconds(seen))),
        model: Some(model.into()),
        name: Some(format!("My {}", model.split(' ').nth(1).unwrap_or("phone"))),
        number: Some(number),
        phone_id: duo_id(rng, "DP"),
        platform: Some(platform.into()),
        postdelay: Some("0".into()),
        predelay: Some("0".into()),
        screenlock: Some(if rng.random_bool(0.95) { "Locked" } else { "Unlocked" }.into()),
        sms_passcodes_sent: Some(rng.random_bool(0.5)),
        tampered: Some("Not tampered".into()),
        phone_type: Some("Mobile".into()),
        extra: Default::default(),
    }
}

/// `count` realistic Duo users: names, emails, aliases, notes, groups, phones, tokens, U2F and
/// WebAuthn credentials, timestamps; about 85% active, the rest bypass, disabled or locked out.
/// Usernames (`first.last`, numbered when repeated) and ids (`DU` + 18 characters) are unique.
pub fn users(count: usize, seed: u64) -> Vec<User> {
    let mut rng = StdRng::seed_from_u64(seed);
    let catalogue = groups_catalogue();
    let mut usernames: HashSet<String> = HashSet::with_capacity(count);
    let mut ids: HashSet<String> = HashSet::with_capacity(count);
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let first = pick(&mut rng, FIRST_NAMES);
        let last = pick(&mut rng, LAST_NAMES);
        let base = format!("{}.{}", ascii_slug(first), ascii_slug(last));
        let mut username = base.clone();
        let mut n = 2u32;
        while usernames.contains(&username) {
            username = format!("{base}{n}");
            n += 1;
        }
        usernames.insert(username.clone());
        let mut user_id = duo_id(&mut rng, "DU");
        while ids.contains(&user_id) {
            user_id = duo_id(&mut rng, "DU");
        }
        ids.insert(user_id.clone());
        let email = format!("{username}@example.com");

        let created = rng.random_range(EPOCH_2015..EPOCH_2025);
        let last_login =
            if rng.random_bool(0.85) { Some(rng.random_range(created..EPOCH_2025 + 86_400 * 30)) } else { None };
        let last_directory_sync =
            if rng.random_bool(0.4) { Some(rng.random_range(created..EPOCH_2025 + 86_400 * 30)) } else { None };

        let roll = rng.random_range(0..100);
        let (status, lockout_reason) = match roll {
            0..85 => (UserStatus::Active, None),
            85..91 => (UserStatus::Bypass, None),
            91..96 => (UserStatus::Disabled, None),
            _ => (
                UserStatus::LockedOut,
                Some(if rng.random_bool(0.7) { "Failed Attempts" } else { "Not enrolled" }.to_string()),
            ),
        };

        let mut aliases = BTreeMap::new();
        if rng.random_bool(0.5) {
            aliases.insert(
                "alias1".to_string(),
                format!("{}{}", ascii_slug(first).chars().next().unwrap_or('x'), ascii_slug(last)),
            );
            if rng.random_bool(0.5) {
                aliases.insert("alias2".to_string(), email.clone());
            }
        }
        // an alias must not repeat another user's username: suffix it with the id when unsure
        if let Some(a1) = aliases.get_mut("alias1") {
            a1.push('-');
            a1.push_str(&user_id.get(2..6).unwrap_or("0000").to_ascii_lowercase());
        }
        if let Some(a2) = aliases.get_mut("alias2") {
            *a2 = format!("{}@corp.example.com", username);
        }

        let mut groups = Vec::new();
        for group in &catalogue {
            if rng.random_bool(0.2) {
                groups.push(group.clone());
            }
        }

        let phone_count = match rng.random_range(0..100) {
            0..15 => 0,
            15..90 => 1,
            _ => 2,
        };
        let phones: Vec<Phone> = (0..phone_count).map(|_| phone(&mut rng, last_login)).collect();
        let tokens: Vec<Token> = if rng.random_bool(0.15) {
            let kind = pick(&mut rng, &["d1", "yk", "h6", "t6"]);
            vec![Token {
                serial: Some(format!("{}", rng.random_range(100_000..999_999))),
                token_id: duo_id(&mut rng, "DH"),
                totp_step: if kind == "t6" { Some(30) } else { None },
                token_type: Some(kind.into()),
                extra: Default::default(),
            }]
        } else {
            Vec::new()
        };
        let u2ftokens: Vec<U2fToken> = if rng.random_bool(0.03) {
            vec![U2fToken {
                date_added: Some(rng.random_range(created..EPOCH_2025)),
                registration_id: duo_id(&mut rng, "D2"),
                extra: Default::default(),
            }]
        } else {
            Vec::new()
        };
        let webauthn_count = match rng.random_range(0..100) {
            0..70 => 0,
            70..92 => 1,
            _ => 2,
        };
        let webauthncredentials: Vec<WebauthnCredential> = (0..webauthn_count)
            .map(|_| {
                let (name, label) =
                    *[("Touch ID", "Touch ID"), ("YubiKey C", "Security Key"), ("Windows Hello", "Windows Hello")]
                        .get(rng.random_range(0..3))
                        .unwrap_or(&("Security Key", "Security Key"));
                WebauthnCredential {
                    credential_name: Some(name.into()),
                    date_added: Some(rng.random_range(created..EPOCH_2025)),
                    label: Some(label.into()),
                    webauthnkey: format!("WA{}", random_from(&mut rng, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 18)),
                    extra: Default::default(),
                }
            })
            .collect();
        let is_enrolled =
            !phones.is_empty() || !tokens.is_empty() || !u2ftokens.is_empty() || !webauthncredentials.is_empty();

        out.push(User {
            alias1: aliases.get("alias1").cloned(),
            alias2: aliases.get("alias2").cloned(),
            alias3: None,
            alias4: None,
            aliases,
            created: Some(created),
            email: Some(email),
            enable_auto_prompt: None,
            external_id: None,
            firstname: Some(first.to_string()),
            groups,
            is_enrolled: Some(is_enrolled),
            last_directory_sync,
            last_login,
            lastname: Some(last.to_string()),
            lockout_reason,
            notes: Some(pick(&mut rng, NOTES).to_string()),
            phones,
            realname: Some(format!("{first} {last}")),
            status,
            tokens,
            u2ftokens,
            user_id,
            username,
            webauthncredentials,
            extra: Default::default(),
        });
    }
    out
}

/// Crockford base32 characters used by WorkOS ids (ULIDs).
const ULID_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn workos_id(rng: &mut StdRng, prefix: &str) -> String {
    format!("{prefix}_01{}", random_from(rng, ULID_ALPHABET, 24))
}

/// `count` directory users of `directory_id`, shaped like seed 001: names, email, groups, state
/// (about 90% active), `custom_attributes` (department, job title, manager, ...), `role`, ISO
/// timestamps, and the deprecated `username`, `emails`, `job_title` members kept in `extra`.
/// Emails (and so usernames) are unique.
pub fn directory_users(directory_id: &str, count: usize, seed: u64) -> Vec<DirectoryUser> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x0d1e_c702_u64);
    let organization_id = workos_id(&mut rng, "org");
    let groups: Vec<DirectoryGroup> = DEPARTMENTS
        .iter()
        .map(|name| {
            let created = rng.random_range(EPOCH_2015..EPOCH_2025);
            DirectoryGroup {
                object: "directory_group".into(),
                id: workos_id(&mut rng, "directory_group"),
                idp_id: Some(random_from(&mut rng, b"abcdefghijklmnopqrstuvwxyz0123456789", 15)),
                directory_id: Some(directory_id.to_string()),
                organization_id: Some(organization_id.clone()),
                name: (*name).to_string(),
                created_at: Some(iso_millis(created, rng.random_range(0..1000))),
                updated_at: Some(iso_millis(created, rng.random_range(0..1000))),
                extra: [("raw_attributes".to_string(), serde_json::json!({}))].into_iter().collect(),
            }
        })
        .collect();
    let mut emails: HashSet<String> = HashSet::with_capacity(count);
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let first = pick(&mut rng, FIRST_NAMES);
        let last = pick(&mut rng, LAST_NAMES);
        let base = format!("{}.{}", ascii_slug(first), ascii_slug(last));
        let mut local = base.clone();
        let mut n = 2u32;
        while emails.contains(&local) {
            local = format!("{base}{n}");
            n += 1;
        }
        emails.insert(local.clone());
        let email = format!("{local}@example.com");
        let dept_index = rng.random_range(0..DEPARTMENTS.len());
        let department = DEPARTMENTS.get(dept_index).copied().unwrap_or("Engineering");
        let job_title = pick(&mut rng, JOB_TITLES);
        let created = rng.random_range(EPOCH_2015..EPOCH_2025);
        let updated = rng.random_range(created..EPOCH_2025 + 86_400 * 30);
        let state = if rng.random_bool(0.9) { DirectoryUserState::Active } else { DirectoryUserState::Inactive };
        let mut user_groups: Vec<DirectoryGroup> = groups.get(dept_index).cloned().into_iter().collect();
        if rng.random_bool(0.2)
            && let Some(extra_group) = groups.get(rng.random_range(0..groups.len()))
            && !user_groups.iter().any(|g| g.id == extra_group.id)
        {
            user_groups.push(extra_group.clone());
        }
        let manager = format!(
            "{}.{}@example.com",
            ascii_slug(pick(&mut rng, FIRST_NAMES)),
            ascii_slug(pick(&mut rng, LAST_NAMES))
        );
        let idp_id = format!("{}", 1000 + i);
        let emails_json = serde_json::json!([{ "primary": true, "type": "work", "value": email }]);
        let custom_attributes = serde_json::json!({
            "department": department,
            "job_title": job_title,
            "username": email,
            "emails": emails_json,
            "employment_start_date": iso_seconds(created).get(..10).unwrap_or_default(),
            "manager_email": manager,
            "cost_center_name": if rng.random_bool(0.5) { serde_json::Value::Null } else { serde_json::json!(format!("CC-{}", rng.random_range(100..999))) },
        });
        let serde_json::Value::Object(custom_attributes) = custom_attributes else { continue };
        let role = if rng.random_bool(0.1) { "admin" } else { "member" };
        let mut extra = serde_json::Map::new();
        extra.insert("name".into(), format!("{first} {last}").into());
        extra.insert(
            "emails".into(),
            serde_json::json!([{ "primary": true, "type": "work", "value": email }, { "primary": false, "type": "home", "value": null }]),
        );
        extra.insert("username".into(), email.clone().into());
        extra.insert("job_title".into(), job_title.into());
        out.push(DirectoryUser {
            object: "directory_user".into(),
            id: workos_id(&mut rng, "directory_user"),
            idp_id,
            directory_id: directory_id.to_string(),
            organization_id: Some(organization_id.clone()),
            first_name: Some(first.to_string()),
            last_name: Some(last.to_string()),
            email: Some(email),
            groups: user_groups,
            state,
            custom_attributes,
            role: Some(DirectoryRole { slug: role.into() }),
            created_at: iso_millis(created, rng.random_range(0..1000)),
            updated_at: iso_millis(updated, rng.random_range(0..1000)),
            extra,
        });
    }
    out
}
