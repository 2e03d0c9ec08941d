//! `duo-directory demo`: the main flows end to end, against an embedded emulator.
//!
//! Every step goes through the public client exactly as `duo-directory users ...` would; the
//! emulator handle is used only to seed data and to prove what did (not) reach the server.

use crate::args::DemoArgs;
use crate::exit::CliError;
use crate::output::{self, OutputFormat, table};
use duo_directory::{Client, DirectoryUser, User, UserStatus, UserUpdate, WritableStatus};
use duo_directory_emulator::{Emulator, EmulatorConfig, generator};
use std::collections::BTreeMap;
use std::io::Write;

/// Duo's key of the demo directory (Users > Directory Sync in the Admin Panel).
pub const DIRECTORY_KEY: &str = "DKDEMO00000000000001";
/// The WorkOS-style id of the same directory, as its users report it.
const DIRECTORY_ID: &str = "directory_01HDEMO000000000000000000";
/// Users in the demo directory.
const DIRECTORY_USERS: usize = 8;
/// The directory users synchronized in step 1: three new, one existing, one removed.
const NEW_USERS: usize = 3;
/// Page size of the listing in step 4.
const PAGE_SIZE: u32 = 100;
/// The directory reconciled in step 5, and its size.
const RECONCILE_DIRECTORY_ID: &str = "directory_01HRECONCILE00000000000000";
const RECONCILE_USERS: usize = 6;
/// The user of seed 002's example response, edited in steps 2 and 3.
const JOE_ID: &str = "DU3RP9I2WOC59VZX672N";

/// Runs the demo; with `--output json` the narrative is replaced by one JSON summary.
pub async fn run(args: DemoArgs, format: OutputFormat) -> Result<(), CliError> {
    let emulator = Emulator::start(EmulatorConfig { tls: true, seed: args.seed, ..EmulatorConfig::default() })
        .await
        .map_err(|e| CliError::Emulator(format!("cannot start the embedded emulator: {e}")))?;
    let result = Demo::new(&emulator, args, format).run().await;
    emulator.shutdown().await;
    result
}

struct Demo<'a> {
    emulator: &'a Emulator,
    args: DemoArgs,
    format: OutputFormat,
    out: std::io::Stdout,
    summary: Vec<(String, String)>,
}

impl<'a> Demo<'a> {
    fn new(emulator: &'a Emulator, args: DemoArgs, format: OutputFormat) -> Self {
        Demo { emulator, args, format, out: std::io::stdout(), summary: Vec::new() }
    }

    async fn run(mut self) -> Result<(), CliError> {
        // The emulator's own settings: its CA pinned, as `Emulator::client_config` documents.
        let mut config = self.emulator.client_config();
        config.binding = "cli".into();
        let client = Client::new(config)?;
        let directory = self.seed()?;
        self.sync_from_directory(&client, &directory).await?;
        self.edit_user(&client).await?;
        self.preview_only(&client).await?;
        self.paged_listing(&client).await?;
        self.reconcile(&client).await?;
        self.finish()
    }

    /// Prints narrative text (table output only).
    fn say(&mut self, text: impl std::fmt::Display) -> Result<(), CliError> {
        if self.format == OutputFormat::Table {
            writeln!(self.out, "{text}")?;
        }
        Ok(())
    }

    fn heading(&mut self, title: &str) -> Result<(), CliError> {
        self.say(format!("\n== {title} =="))
    }

    /// Seeds the emulator: seed 002's user, two directory-synced users, the directory, then the
    /// generated account (generated names that clash with the seeded ones get a suffix).
    fn seed(&mut self) -> Result<Vec<DirectoryUser>, CliError> {
        let mut directory = generator::directory_users(DIRECTORY_ID, DIRECTORY_USERS, self.args.seed);
        for user in &mut directory {
            // Seed 001's deprecated `username` member, which Duo's directory sync matches on.
            if user.extra.get("username").is_none() {
                let name = user.username().unwrap_or(&user.id).to_string();
                user.extra.insert("username".into(), name.into());
            }
        }
        let names: Vec<String> = directory.iter().map(username_of).collect();
        let (existing, removed) = match (names.get(NEW_USERS), names.get(NEW_USERS + 1)) {
            (Some(a), Some(b)) => (a.clone(), b.clone()),
            _ => return Err(CliError::Check("the generated directory is too small".into())),
        };
        self.emulator.add_user(seed_002_user()?);
        self.emulator.add_user(synced_user(
            "DUDEMOEXISTING000001",
            &existing,
            "Stale Name",
            "old-address@example.com",
        )?);
        self.emulator.add_user(synced_user("DUDEMOREMOVED0000001", &removed, "Departed User", "departed@example.com")?);
        self.emulator.add_directory(DIRECTORY_KEY, directory.clone());
        if !self.emulator.remove_directory_user(DIRECTORY_KEY, &removed) {
            return Err(CliError::Check(format!("could not remove {removed} from the demo directory")));
        }
        self.emulator.generate_users(self.args.users, self.args.seed);

        self.say("duo-directory demo: the main flows against an embedded Duo-compatible emulator")?;
        let scheme = self.emulator.scheme().as_str();
        let host = self.emulator.host();
        self.say(format!("Emulator: {scheme}://{host} (its own CA, pinned); nothing leaves this machine."))?;
        let mut t = table(&["seeded", "what"]);
        t.add_row(vec![
            "Duo account".to_string(),
            format!(
                "{} users (generated with seed {}, plus seed 002's jsmith)",
                self.emulator.user_count(),
                self.args.seed
            ),
        ]);
        t.add_row(vec![
            format!("directory {DIRECTORY_KEY}"),
            format!("{DIRECTORY_USERS} directory users ({DIRECTORY_ID}); {removed} since removed from it"),
        ]);
        self.say(t)?;
        Ok(directory)
    }

    /// Step 1 (seed 000): Sync-DuoUserFromDirectory for new, existing and removed users.
    async fn sync_from_directory(&mut self, client: &Client, directory: &[DirectoryUser]) -> Result<(), CliError> {
        self.heading(&format!("1. Synchronize users from directory {DIRECTORY_KEY} (Sync-DuoUserFromDirectory)"))?;
        let mut t = table(&["username", "result", "status", "realname", "email", "user_id"]);
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        let mut updated = None;
        for dir_user in directory.iter().take(NEW_USERS + 2) {
            let username = username_of(dir_user);
            let before = client.get_user_by_username(&username).await?;
            let after = client.sync_user_from_directory(DIRECTORY_KEY, &username).await?;
            let result = match &before {
                None => "created",
                Some(_) if after.status == UserStatus::PendingDeletion => "pending deletion",
                Some(_) => "updated",
            };
            *counts.entry(result).or_default() += 1;
            if let (Some(before), "updated") = (&before, result) {
                updated = Some((before.clone(), after.clone()));
            }
            t.add_row(vec![
                username,
                result.to_string(),
                after.status.to_string(),
                output::text(&after.realname),
                output::text(&after.email),
                after.user_id.clone(),
            ]);
        }
        self.say(t)?;
        if let Some((before, after)) = updated {
            self.say(format!("Fields of the existing user {} that the sync changed:", output::safe(&after.username)))?;
            self.say(output::changes_table(&before, &after))?;
        }
        let expected = [("created", NEW_USERS), ("pending deletion", 1), ("updated", 1)];
        for (result, n) in expected {
            if counts.get(result).copied().unwrap_or(0) != n {
                let got: Vec<String> = counts.iter().map(|(r, n)| format!("{n} {r}")).collect();
                return Err(CliError::Check(format!(
                    "expected {n} user(s) {result} by the sync, got {}",
                    got.join(", ")
                )));
            }
        }
        self.summary.push((
            "1. sync from directory".into(),
            format!("{NEW_USERS} created, 1 updated, 1 pending deletion (removed from the directory)"),
        ));
        Ok(())
    }

    /// Step 2 (seeds 002/003): edit names, email, status, aliases (removing one) and notes.
    async fn edit_user(&mut self, client: &Client) -> Result<(), CliError> {
        self.heading("2. Edit a user (seed 002 Edit User / seed 003 Update User)")?;
        let before = client.get_user(JOE_ID).await?;
        let update = joe_update();
        self.say(format!(
            "duo-directory users update {JOE_ID} --realname \"Joseph Smith\" --firstname Joseph \\\n    \
             --email joseph.smith@example.com --status bypass --alias3 joseph.smith --clear-alias 2 \\\n    \
             --notes \"Moved to the Paris office; bypass until his new phone is enrolled\""
        ))?;
        let after = client.update_user(JOE_ID, &update).await?;
        let (t, changed) = output::diff_table(&before, &after);
        self.say(t)?;
        let alias2_gone = after.alias2.as_deref().unwrap_or("").is_empty() && !after.aliases.contains_key("alias2");
        let as_asked = after.realname.as_deref() == Some("Joseph Smith")
            && after.email.as_deref() == Some("joseph.smith@example.com")
            && after.status == UserStatus::Bypass
            && after.notes == update.notes
            && alias2_gone;
        if !as_asked {
            return Err(CliError::Check(format!("the edit of {JOE_ID} did not take effect as requested")));
        }
        self.say(format!("{changed} fields changed (*); alias2 jsmith@example.com was removed."))?;
        self.summary.push((
            "2. edit user".into(),
            format!("{} ({JOE_ID}): {changed} fields changed, alias2 removed", after.username),
        ));
        Ok(())
    }

    /// Step 3 (seed 000's -WhatIf): build a change, print it, send nothing, prove it.
    async fn preview_only(&mut self, client: &Client) -> Result<(), CliError> {
        self.heading("3. Preview a change without sending it (-WhatIf / --what-if)")?;
        let update = UserUpdate {
            status: Some(WritableStatus::Disabled),
            notes: Some("Left the company".into()),
            ..UserUpdate::default()
        };
        let snapshot = self.emulator.user(JOE_ID);
        let requests_before = self.emulator.request_count();
        let request = client.preview().update_user(JOE_ID, &update)?;
        let requests_after = self.emulator.request_count();
        self.say(format!(
            "duo-directory users update {JOE_ID} --status disabled --notes \"Left the company\" --what-if"
        ))?;
        self.say(format!("What if: performing the operation \"Update user\" on target \"{JOE_ID}\"."))?;
        self.say(output::request_table(&request))?;
        let fetched = client.get_user(JOE_ID).await?;
        let unchanged = requests_after == requests_before
            && self.emulator.user(JOE_ID) == snapshot
            && fetched.status == UserStatus::Bypass
            && fetched.notes.as_deref() != Some("Left the company");
        if !unchanged {
            return Err(CliError::Check("the previewed change reached the emulator".into()));
        }
        self.say(format!(
            "NOT SENT: the emulator received {} requests while the preview was built, and {JOE_ID} still has \
             status \"{}\" and its old notes (verified).",
            requests_after - requests_before,
            fetched.status
        ))?;
        self.summary
            .push(("3. preview (--what-if)".into(), "request printed, not sent; emulator unchanged (verified)".into()));
        Ok(())
    }

    /// Step 4: the whole account, 100 users a page, fetched as it is read.
    async fn paged_listing(&mut self, client: &Client) -> Result<(), CliError> {
        self.heading(&format!("4. List every user, {PAGE_SIZE} a page"))?;
        let bar = if self.format == OutputFormat::Table { crate::users::progress_bar() } else { None };
        let mut pager = client.list_users(Some(PAGE_SIZE))?;
        let mut users: Vec<User> = Vec::new();
        while let Some(page) = pager.next_page().await? {
            let first = users.len() + 1;
            for lazy in page.users {
                users.push(lazy.into_user()?);
            }
            let total = page.metadata.total_objects.map(|n| n.to_string()).unwrap_or_else(|| "?".into());
            let next =
                page.metadata.next_offset.map(|n| format!("next offset {n}")).unwrap_or_else(|| "last page".into());
            let text = format!("page {}: users {first}-{} of {total} ({next})", pager.pages_fetched(), users.len());
            if let Some(bar) = &bar {
                bar.set_length(page.metadata.total_objects.unwrap_or(0));
                bar.set_position(users.len() as u64);
                bar.set_message(format!("page {}", pager.pages_fetched()));
                bar.suspend(|| self.say(&text))?;
            } else {
                self.say(&text)?;
            }
        }
        if let Some(bar) = &bar {
            bar.finish_and_clear();
        }
        self.say(format!("First 5 of {} users:", users.len()))?;
        self.say(output::list_table(users.iter().take(5)))?;
        let mut by_status: BTreeMap<String, usize> = BTreeMap::new();
        for user in &users {
            *by_status.entry(user.status.to_string()).or_default() += 1;
        }
        let mut t = table(&["status", "users"]);
        for (status, n) in &by_status {
            t.add_row([status.clone(), n.to_string()]);
        }
        t.add_row(vec!["total".to_string(), users.len().to_string()]);
        self.say(t)?;
        if users.len() != self.emulator.user_count() {
            return Err(CliError::Check(format!(
                "listed {} users but the emulator holds {}",
                users.len(),
                self.emulator.user_count()
            )));
        }
        self.summary.push((
            "4. paged listing".into(),
            format!("{} users in {} pages of {PAGE_SIZE}", users.len(), pager.pages_fetched()),
        ));
        Ok(())
    }

    /// Step 5: reconcile a whole directory (plan table, apply, a change, a re-run that plans nothing).
    async fn reconcile(&mut self, client: &Client) -> Result<(), CliError> {
        use duo_directory::reconcile::{ApplyOptions, Plan};
        self.heading("5. Reconcile a directory into Duo (plan, review, apply, re-run)")?;
        let mut directory =
            generator::directory_users(RECONCILE_DIRECTORY_ID, RECONCILE_USERS, self.args.seed.wrapping_add(1));
        for user in &mut directory {
            user.state = duo_directory::DirectoryUserState::Active;
        }
        let mut text = Vec::new();
        let plan = client.plan_reconcile(&directory, None).await?;
        crate::reconcile::show(&plan, &mut text)?;
        let report = client.apply(&Plan::from_json(&plan.to_json())?, &ApplyOptions::default()).await?;
        text.extend_from_slice(b"\napply:\n");
        crate::reconcile::report_table(&report, &mut text)?;
        let created = plan.summary().create;
        // the directory changes: one user renamed, one deactivated
        if let Some(user) = directory.first_mut() {
            user.last_name = Some("Renamed".into());
        }
        if let Some(user) = directory.get_mut(1) {
            user.state = duo_directory::DirectoryUserState::Inactive;
        }
        let second = client.plan_reconcile(&directory, None).await?;
        text.extend_from_slice(b"\nafter a rename and a deactivation in the directory:\n");
        crate::reconcile::show(&second, &mut text)?;
        let report2 = client.apply(&second, &ApplyOptions::default()).await?;
        let third = client.plan_reconcile(&directory, None).await?;
        text.extend_from_slice(b"\nre-run:\n");
        crate::reconcile::show(&third, &mut text)?;
        self.say(String::from_utf8_lossy(&text).trim_end())?;
        if !report.ok() || !report2.ok() || third.summary().changes() != 0 {
            return Err(CliError::Check("the reconcile did not converge".into()));
        }
        let s = second.summary();
        self.summary.push((
            "5. reconcile".into(),
            format!("{created} created, then {} updated and {} trashed; the re-run plans 0 changes", s.update, s.trash),
        ));
        Ok(())
    }

    fn finish(mut self) -> Result<(), CliError> {
        let requests = self.emulator.request_count();
        if self.format == OutputFormat::Table {
            self.heading("Summary")?;
            let mut t = table(&["step", "result"]);
            for (step, result) in &self.summary {
                t.add_row(vec![step.clone(), result.clone()]);
            }
            self.say(t)?;
            self.say(format!("The emulator served {requests} signed requests. Demo complete."))?;
        } else {
            let steps: Vec<_> = self
                .summary
                .iter()
                .map(|(step, result)| serde_json::json!({ "step": step, "result": result }))
                .collect();
            let doc = serde_json::json!({ "ok": true, "preview_sent": false, "requests": requests, "steps": steps });
            writeln!(self.out, "{doc}")?;
        }
        self.out.flush()?;
        Ok(())
    }
}

fn username_of(user: &DirectoryUser) -> String {
    user.username().unwrap_or(&user.id).to_string()
}

/// The changes of step 2, as `users update` builds them from its flags.
fn joe_update() -> UserUpdate {
    UserUpdate {
        realname: Some("Joseph Smith".into()),
        firstname: Some("Joseph".into()),
        email: Some("joseph.smith@example.com".into()),
        status: Some(WritableStatus::Bypass),
        alias2: Some(String::new()),
        alias3: Some("joseph.smith".into()),
        notes: Some("Moved to the Paris office; bypass until his new phone is enrolled".into()),
        ..UserUpdate::default()
    }
}

/// A Duo user created by an earlier directory sync.
fn synced_user(user_id: &str, username: &str, realname: &str, email: &str) -> Result<User, CliError> {
    let json = serde_json::json!({
        "user_id": user_id, "username": username, "realname": realname, "email": email,
        "status": "active", "created": 1_600_000_000, "last_directory_sync": 1_700_000_000,
        "notes": "", "aliases": {}, "is_enrolled": false,
    });
    Ok(User::from_json(&json.to_string())?)
}

/// The user of seed 002's example response (Joe Smith), with its groups and authenticators.
fn seed_002_user() -> Result<User, CliError> {
    let json = serde_json::json!({
        "alias1": "joe.smith", "alias2": "jsmith@example.com", "alias3": null, "alias4": null,
        "aliases": { "alias1": "joe.smith", "alias2": "jsmith@example.com" },
        "created": 1489612729, "email": "jsmith@example.com", "firstname": "Joe",
        "groups": [{ "desc": "People with hardware tokens", "group_id": "DGXXXXXXXXXXXXXXXXX",
            "mobile_otp_enabled": false, "name": "token_users", "push_enabled": false,
            "sms_enabled": false, "status": "Active", "voice_enabled": false }],
        "is_enrolled": true, "last_directory_sync": 1508789163, "last_login": 1343921403,
        "lastname": "Smith", "notes": "",
        "phones": [{ "activated": true, "capabilities": ["auto", "push", "sms", "phone", "mobile_otp"],
            "encrypted": "Encrypted", "extension": "", "fingerprint": "Configured",
            "last_seen": "2019-11-18T15:51:13", "model": "Apple iPhone 11 Pro", "name": "My iPhone",
            "number": "15555550100", "phone_id": "DPFZRS9FB0D46QFTM899", "platform": "Apple iOS",
            "postdelay": "0", "predelay": "0", "screenlock": "Locked", "sms_passcodes_sent": true,
            "tampered": "Not tampered", "type": "Mobile" }],
        "realname": "Joe Smith", "status": "active",
        "tokens": [{ "serial": "123456", "token_id": "DHIZ34ALBA2445ND4AI2", "type": "d1" }],
        "u2ftokens": [], "user_id": JOE_ID, "username": "jsmith",
        "webauthncredentials": [
            { "credential_name": "Touch ID", "date_added": 1550685154, "label": "Touch ID", "webauthnkey": "WABFEOE007ZMV1QAZTRB" },
            { "credential_name": "YubiKey C", "date_added": 1550674764, "label": "Security Key", "webauthnkey": "WA4BD9AUVMSNUFWZGES4" }
        ]
    });
    Ok(User::from_json(&json.to_string())?)
}
