//! Client settings.

use super::pacing::RetryMode;
use super::retry::RetryPolicy;
use crate::error::{Error, Result};
use crate::secret::Secret;
use crate::sign::SigVersion;
use std::time::Duration;

/// `https` (always, for real tenants) or `http` (only for loopback hosts such as the emulator).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scheme {
    /// HTTPS with certificate verification.
    #[default]
    Https,
    /// Plain HTTP; accepted only for loopback hosts.
    Http,
}

impl Scheme {
    /// `https` or `http`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Https => "https",
            Scheme::Http => "http",
        }
    }
}

impl std::str::FromStr for Scheme {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "https" => Ok(Scheme::Https),
            "http" => Ok(Scheme::Http),
            other => Err(Error::invalid("scheme", format!("{other:?} is not http or https"))),
        }
    }
}

/// Default overall budget of one call.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(120);
/// Default number of pages a listing fetches ahead of the caller.
pub const DEFAULT_PREFETCH: u32 = 1;
/// Most pages a listing may fetch ahead.
pub const MAX_PREFETCH: u32 = 16;
/// Default cap on connections to the host.
pub const DEFAULT_MAX_CONNECTIONS: usize = 16;

/// Everything a [`crate::Client`] needs. Build with [`ClientConfig::new`] and adjust the fields.
///
/// ```
/// use duo_directory::ClientConfig;
/// let config = ClientConfig::new("DIWJ8X6AEYOR5OMC6TQ1", "Zh5eGmUq9zpfQnyUIu5OL9iWoMMv5ZNmk3zLJ4Ep", "api-3f2a91c4.duosecurity.com");
/// assert!(!format!("{config:?}").contains("Zh5eGmUq"));
/// ```
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Integration key.
    pub ikey: String,
    /// Secret key.
    pub skey: Secret,
    /// API host name, `name[:port]`, without scheme.
    pub host: String,
    /// `https` unless talking to a loopback emulator.
    pub scheme: Scheme,
    /// Timeout of each HTTP attempt.
    pub timeout: Duration,
    /// Retry behaviour: 429 (any method), 502/503/504 (`GET`), connection failures (any method,
    /// short schedule). See [`RetryPolicy`].
    pub retry: RetryPolicy,
    /// Overall time budget of one call, attempts and waits included; `None` for no limit.
    pub deadline: Option<Duration>,
    /// Most connections to the host at once. Until the first answer shows the protocol, one
    /// request goes at a time; then HTTP/2 multiplexes every request on one connection.
    pub max_connections: usize,
    /// Signature scheme (v5 by default).
    pub sig_version: SigVersion,
    /// Prepended to this library's own User-Agent.
    pub user_agent: Option<String>,
    /// Which binding makes the calls (`rust`, `python`, ...), for the User-Agent.
    pub binding: String,
    /// HTTPS proxy URL.
    pub proxy: Option<String>,
    /// Extra CA certificates (PEM bundle) to trust.
    pub ca_certs: Option<Vec<u8>>,
    /// When true, trust only `ca_certs` (CA pinning), not the system roots.
    pub ca_pinning: bool,
    /// How to react to 429: pace adaptively (default) or back off on the standard schedule.
    pub retry_mode: RetryMode,
    /// Pages a listing fetches ahead of the caller (default 1; 0 fetches on demand only).
    pub prefetch: u32,
    /// A fixed ceiling on list pages per minute (Duo's default is 200), from your contract.
    pub pages_per_minute: Option<u32>,
    /// A fixed ceiling on single-object reads per minute (Duo's default is 300).
    pub reads_per_minute: Option<u32>,
    /// A fixed ceiling on writes per minute (Duo's default is 300).
    pub writes_per_minute: Option<u32>,
}

impl ClientConfig {
    /// Settings with defaults: HTTPS, 30 s timeout per attempt, 120 s per call, 6 retries after
    /// throttling and 2 after connection failures, 16 connections, signature v5, adaptive pacing,
    /// one page of prefetch.
    pub fn new(ikey: impl Into<String>, skey: impl Into<Secret>, host: impl Into<String>) -> Self {
        ClientConfig {
            ikey: ikey.into(),
            skey: skey.into(),
            host: host.into(),
            scheme: Scheme::Https,
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            deadline: Some(DEFAULT_DEADLINE),
            max_connections: DEFAULT_MAX_CONNECTIONS,
            sig_version: SigVersion::V5,
            user_agent: None,
            binding: "rust".into(),
            proxy: None,
            ca_certs: None,
            ca_pinning: false,
            retry_mode: RetryMode::default(),
            prefetch: DEFAULT_PREFETCH,
            pages_per_minute: None,
            reads_per_minute: None,
            writes_per_minute: None,
        }
    }

    /// The User-Agent sent: `[custom ]duo-directory/<version> (<binding>)`.
    pub fn user_agent_string(&self) -> String {
        let own = format!("duo-directory/{} ({})", env!("CARGO_PKG_VERSION"), self.binding);
        match &self.user_agent {
            Some(custom) if !custom.trim().is_empty() => format!("{} {own}", custom.trim()),
            _ => own,
        }
    }

    /// Checks the settings without connecting.
    pub fn validate(&self) -> Result<()> {
        if self.ikey.trim().is_empty() {
            return Err(Error::invalid("ikey", "the integration key is empty"));
        }
        if self.skey.is_empty() {
            return Err(Error::invalid("skey", "the secret key is empty"));
        }
        validate_host(&self.host)?;
        if self.scheme == Scheme::Http && !is_loopback(&self.host) {
            return Err(Error::invalid(
                "scheme",
                format!("plain http is only allowed for loopback hosts, not {:?}", self.host),
            ));
        }
        if self.timeout.is_zero() {
            return Err(Error::invalid("timeout", "must be greater than zero"));
        }
        if self.deadline.is_some_and(|d| d.is_zero()) {
            return Err(Error::invalid("deadline", "must be greater than zero"));
        }
        if self.max_connections == 0 {
            return Err(Error::invalid("max_connections", "must be at least 1"));
        }
        if self.prefetch > MAX_PREFETCH {
            return Err(Error::invalid("prefetch", format!("{} is more than {MAX_PREFETCH} pages", self.prefetch)));
        }
        for (field, rate) in [
            ("pages_per_minute", self.pages_per_minute),
            ("reads_per_minute", self.reads_per_minute),
            ("writes_per_minute", self.writes_per_minute),
        ] {
            if rate == Some(0) {
                return Err(Error::invalid(field, "must be at least 1 request per minute"));
            }
        }
        if self.ca_pinning && self.ca_certs.is_none() {
            return Err(Error::invalid("ca_certs", "CA pinning needs at least one CA certificate"));
        }
        check_key_shapes(&self.ikey, &self.skey)
    }
}

/// Duo integration keys are `DI` and 18 more upper-case letters or digits; secret keys are 40
/// characters. A swapped pair is named as such, and neither value is ever quoted.
fn check_key_shapes(ikey: &str, skey: &Secret) -> Result<()> {
    let looks_like_ikey = |k: &str| {
        k.len() == 20 && k.starts_with("DI") && k.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    };
    if looks_like_ikey(ikey) {
        return Ok(());
    }
    if looks_like_ikey(skey.expose()) {
        return Err(Error::invalid(
            "ikey",
            "the integration key and the secret key look swapped: ikey is the 20-character key starting with DI",
        ));
    }
    Err(Error::invalid(
        "ikey",
        format!(
            "is not a Duo integration key (20 characters, DI then upper-case letters and digits; this one has {})",
            ikey.chars().count()
        ),
    ))
}

pub(crate) fn validate_host(host: &str) -> Result<()> {
    if host.is_empty() {
        return Err(Error::invalid("host", "is empty"));
    }
    if host.contains("://") {
        return Err(Error::invalid("host", format!("{host:?} must not include a scheme; give name[:port]")));
    }
    if host.chars().any(|c| c.is_whitespace() || c.is_control() || "/?#@".contains(c)) {
        return Err(Error::invalid("host", format!("{host:?} is not a host name[:port]")));
    }
    Ok(())
}

/// True for `localhost`, `127.0.0.0/8` and `::1`, with or without a port.
pub fn is_loopback(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map(|(h, _)| h).filter(|h| !h.contains(':')).unwrap_or(host)
    };
    if name.eq_ignore_ascii_case("localhost") {
        return true;
    }
    name.parse::<std::net::IpAddr>().map(|ip| ip.is_loopback()).unwrap_or(false)
}
