//! Credentials and client settings: `--ikey` / `--skey` / `--host`, then a `--config` file, then
//! `DUO_IKEY` / `DUO_SKEY` / `DUO_HOST`.
//!
//! Error messages here name files, keys and variables, never a value: the secret key must not
//! reach the terminal even when the file holding it is malformed.

use crate::args::ConnectionArgs;
use crate::exit::CliError;
use duo_directory::{ClientConfig, Scheme};
use std::path::{Path, PathBuf};

/// Environment variable of the integration key.
pub const ENV_IKEY: &str = "DUO_IKEY";
/// Environment variable of the secret key.
pub const ENV_SKEY: &str = "DUO_SKEY";
/// Environment variable of the API host.
pub const ENV_HOST: &str = "DUO_HOST";

/// The values a credentials source can hold.
#[derive(Default)]
struct Partial {
    ikey: Option<String>,
    skey: Option<String>,
    host: Option<String>,
    ca_certs: Option<PathBuf>,
}

/// Builds the client settings from the connection flags, the `--config` file and the environment.
pub fn client_config(global: &ConnectionArgs) -> Result<ClientConfig, CliError> {
    let from_file = match &global.config {
        Some(path) => read_file(path)?,
        None => Partial::default(),
    };
    let env = |name: &str| match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => Ok(Some(v)),
        Ok(_) | Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(CliError::Usage(format!("{name} is not valid UTF-8; set it to the key as plain text")))
        }
    };
    let flag = |value: &Option<String>| value.clone().filter(|v| !v.trim().is_empty());
    let ikey = match flag(&global.ikey).or(from_file.ikey) {
        Some(v) => Some(v),
        None => env(ENV_IKEY)?,
    };
    let skey = match flag(&global.skey).or(from_file.skey) {
        Some(v) => Some(v),
        None => env(ENV_SKEY)?,
    };
    let host = match flag(&global.host).or(from_file.host) {
        Some(v) => Some(v),
        None => env(ENV_HOST)?,
    };

    let (Some(ikey), Some(skey), Some(host)) = (ikey.as_ref(), skey.as_ref(), host.as_ref()) else {
        let names: Vec<&str> = [(ENV_IKEY, ikey.is_none()), (ENV_SKEY, skey.is_none()), (ENV_HOST, host.is_none())]
            .into_iter()
            .filter_map(|(name, absent)| absent.then_some(name))
            .collect();
        return Err(missing(global.config.as_deref(), &names));
    };
    let (ikey, skey, host) = (ikey.clone(), skey.clone(), host.clone());
    let (scheme, host) = split_scheme(&host)?;
    let mut config = ClientConfig::new(ikey, skey, host);
    config.scheme = scheme;
    config.binding = "cli".into();
    if let Some(timeout) = global.timeout {
        config.timeout = timeout;
    }
    config.apply(duo_directory::ClientOptions {
        max_retries: global.max_retries,
        retry_mode: global.retry_mode,
        prefetch: global.prefetch,
        pages_per_minute: global.pages_per_minute,
        reads_per_minute: global.reads_per_minute,
        writes_per_minute: global.writes_per_minute,
        ..Default::default()
    })?;
    // The flag (or DUO_CA_CERTS) wins over the file's `ca_certs`.
    if let Some(path) = global.ca_certs.clone().or(from_file.ca_certs) {
        let pem = std::fs::read(&path)
            .map_err(|e| CliError::Config(format!("cannot read CA certificates {}: {e}", path.display())))?;
        config.ca_certs = Some(pem);
    }
    config.validate()?;
    Ok(config)
}

/// Names exactly what is missing (never a value).
fn missing(file: Option<&Path>, names: &[&str]) -> CliError {
    let verb = if names.len() == 1 { "is" } else { "are" };
    let hint = match file {
        Some(path) => {
            let keys: Vec<String> =
                names.iter().map(|n| format!("`{}`", n.trim_start_matches("DUO_").to_lowercase())).collect();
            format!(" and {} does not set {}", path.display(), keys.join(", "))
        }
        None => "; set DUO_IKEY, DUO_SKEY and DUO_HOST, or pass --config FILE (or --ikey/--skey/--host)".to_string(),
    };
    CliError::Config(format!("missing credentials: {} {verb} not set{hint}", names.join(", ")))
}

/// `http://127.0.0.1:8080` → (Http, `127.0.0.1:8080`); a bare host is HTTPS. Core checks the rest.
fn split_scheme(host: &str) -> Result<(Scheme, String), CliError> {
    match host.split_once("://") {
        Some((scheme, rest)) => Ok((scheme.parse::<Scheme>()?, rest.trim_end_matches('/').to_string())),
        None => Ok((Scheme::Https, host.to_string())),
    }
}

fn read_file(path: &Path) -> Result<Partial, CliError> {
    let shown = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| CliError::Config(format!("cannot read {shown}: {e}")))?;
    let is_json =
        path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) || text.trim_start().starts_with('{');
    let table: serde_json::Map<String, serde_json::Value> = if is_json {
        // serde_json's syntax errors carry a position, never the text around it.
        serde_json::from_str(&text).map_err(|e| {
            CliError::Config(format!("{shown} is not a JSON object (line {}, column {})", e.line(), e.column()))
        })?
    } else {
        // toml's Display quotes the offending line, which may be the secret: use its message only.
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| {
            let line = e.span().map(|s| text.get(..s.start).unwrap_or("").lines().count().max(1)).unwrap_or(0);
            CliError::Config(format!("{shown} is not valid TOML (line {line}): {}", e.message().trim()))
        })?;
        serde_json::to_value(table)
            .ok()
            .and_then(|v| v.as_object().cloned())
            .ok_or_else(|| CliError::Config(format!("{shown} is not a TOML table")))?
    };
    let text_of = |key: &str| -> Result<Option<String>, CliError> {
        match table.get(key) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(CliError::Config(format!("{shown}: `{key}` must be a string"))),
        }
    };
    for key in table.keys() {
        if !matches!(key.as_str(), "ikey" | "skey" | "host" | "ca_certs") {
            return Err(CliError::Config(format!(
                "{shown}: unknown key `{key}` (expected ikey, skey, host, ca_certs)"
            )));
        }
    }
    // A relative CA path is relative to the configuration file.
    let ca_certs = text_of("ca_certs")?.map(|p| {
        let p = PathBuf::from(p);
        if p.is_relative() { path.parent().map(|dir| dir.join(&p)).unwrap_or(p) } else { p }
    });
    Ok(Partial { ikey: text_of("ikey")?, skey: text_of("skey")?, host: text_of("host")?, ca_certs })
}
