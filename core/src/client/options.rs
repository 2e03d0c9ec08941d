//! Client options as the bindings receive them: every field optional, so a binding forwards only
//! what its caller gave and the defaults live here, once ([`ClientConfig::new`]).

use super::config::{ClientConfig, Scheme};
use crate::error::{Error, Result};
use crate::sign::SigVersion;
use std::path::PathBuf;
use std::time::Duration;

/// Where extra CA certificates come from: PEM text or bytes, or the path of a PEM file
/// (read when the client is built).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaSource {
    /// A PEM bundle.
    Pem(Vec<u8>),
    /// A file holding a PEM bundle.
    Path(PathBuf),
}

impl CaSource {
    /// PEM when `text` holds a `-----BEGIN` line, else a file path.
    ///
    /// ```
    /// use duo_directory::CaSource;
    /// assert!(matches!(CaSource::from_text("/etc/ssl/ca.pem"), CaSource::Path(_)));
    /// assert!(matches!(CaSource::from_text("-----BEGIN CERTIFICATE-----\n..."), CaSource::Pem(_)));
    /// ```
    pub fn from_text(text: &str) -> CaSource {
        if text.contains("-----BEGIN") { CaSource::Pem(text.as_bytes().to_vec()) } else { CaSource::Path(text.into()) }
    }

    /// The PEM bytes (reading the file for [`CaSource::Path`]).
    pub fn load(&self) -> Result<Vec<u8>> {
        match self {
            CaSource::Pem(pem) => Ok(pem.clone()),
            CaSource::Path(path) => std::fs::read(path)
                .map_err(|e| Error::invalid("ca_certs", format!("cannot read {}: {e}", path.display()))),
        }
    }
}

/// Every client setting, each optional: `None` keeps [`ClientConfig::new`]'s default.
///
/// ```
/// use duo_directory::{ClientConfig, ClientOptions};
/// use std::time::Duration;
/// let options = ClientOptions { timeout: Some(Duration::from_secs(5)), ..ClientOptions::default() };
/// let config = ClientConfig::with_options("DIWJ8X6AEYOR5OMC6TQ1", "secret", "api-x.duosecurity.com", options)?;
/// assert_eq!(config.timeout, Duration::from_secs(5));
/// assert_eq!(config.retry.max_retries, 6); // the default, from core
/// # Ok::<(), duo_directory::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct ClientOptions {
    /// Timeout of each HTTP attempt (default 30 s).
    pub timeout: Option<Duration>,
    /// Overall budget of one call, attempts and waits included (default 120 s).
    pub deadline: Option<Duration>,
    /// Retries after a 429 or a retryable 5xx (default 6).
    pub max_retries: Option<u32>,
    /// First throttling backoff (default 1 s).
    pub retry_base: Option<Duration>,
    /// Longest throttling backoff (default 32 s).
    pub retry_cap: Option<Duration>,
    /// Largest jitter added to a throttling backoff (default 1 s).
    pub retry_jitter: Option<Duration>,
    /// Longest single wait, `Retry-After` included (default 60 s).
    pub max_wait: Option<Duration>,
    /// Retries after a connection failure (default 2).
    pub connect_retries: Option<u32>,
    /// Most connections to the host at once (default 16; HTTP/2 multiplexes on one).
    pub max_connections: Option<usize>,
    /// Signature scheme (default v5); see [`SigVersion::from_parts`].
    pub sig_version: Option<SigVersion>,
    /// `https` (default) or `http` (loopback hosts only).
    pub scheme: Option<Scheme>,
    /// HTTPS proxy URL.
    pub proxy: Option<String>,
    /// Prepended to this library's own User-Agent.
    pub user_agent: Option<String>,
    /// Extra CA certificates to trust.
    pub ca_certs: Option<CaSource>,
    /// Trust only `ca_certs`, not the system roots (default false).
    pub ca_pinning: Option<bool>,
    /// Which binding makes the calls (`python`, `node`, ...), for the User-Agent.
    pub binding: Option<String>,
    /// `adaptive` (default: pace by class, slowing on 429) or `standard` (back off and retry).
    pub retry_mode: Option<super::RetryMode>,
    /// Pages a listing fetches ahead of the caller (default 1, at most 16; 0 = on demand).
    pub prefetch: Option<u32>,
    /// Fixed ceiling on list pages per minute.
    pub pages_per_minute: Option<u32>,
    /// Fixed ceiling on single-object reads per minute.
    pub reads_per_minute: Option<u32>,
    /// Fixed ceiling on writes per minute.
    pub writes_per_minute: Option<u32>,
}

impl ClientConfig {
    /// [`ClientConfig::new`] with the given options applied, validated.
    pub fn with_options(
        ikey: impl Into<String>,
        skey: impl Into<crate::Secret>,
        host: impl Into<String>,
        options: ClientOptions,
    ) -> Result<ClientConfig> {
        let mut config = ClientConfig::new(ikey, skey, host);
        config.apply(options)?;
        config.validate()?;
        Ok(config)
    }

    /// Overrides the settings given in `options`, leaving the others as they are.
    pub fn apply(&mut self, options: ClientOptions) -> Result<()> {
        let ClientOptions {
            timeout,
            deadline,
            max_retries,
            retry_base,
            retry_cap,
            retry_jitter,
            max_wait,
            connect_retries,
            max_connections,
            sig_version,
            scheme,
            proxy,
            user_agent,
            ca_certs,
            ca_pinning,
            binding,
            retry_mode,
            prefetch,
            pages_per_minute,
            reads_per_minute,
            writes_per_minute,
        } = options;
        set(&mut self.timeout, timeout);
        if deadline.is_some() {
            self.deadline = deadline;
        }
        set(&mut self.retry.max_retries, max_retries);
        set(&mut self.retry.base, retry_base);
        set(&mut self.retry.cap, retry_cap);
        set(&mut self.retry.jitter, retry_jitter);
        set(&mut self.retry.max_wait, max_wait);
        set(&mut self.retry.connect_retries, connect_retries);
        set(&mut self.max_connections, max_connections);
        set(&mut self.sig_version, sig_version);
        set(&mut self.scheme, scheme);
        set(&mut self.ca_pinning, ca_pinning);
        set(&mut self.binding, binding);
        set(&mut self.retry_mode, retry_mode);
        set(&mut self.prefetch, prefetch);
        for (slot, rate) in [
            (&mut self.pages_per_minute, pages_per_minute),
            (&mut self.reads_per_minute, reads_per_minute),
            (&mut self.writes_per_minute, writes_per_minute),
        ] {
            if rate.is_some() {
                *slot = rate;
            }
        }
        if proxy.is_some() {
            self.proxy = proxy;
        }
        if user_agent.is_some() {
            self.user_agent = user_agent;
        }
        if let Some(source) = ca_certs {
            self.ca_certs = Some(source.load()?);
        }
        Ok(())
    }
}

fn set<T>(slot: &mut T, value: Option<T>) {
    if let Some(v) = value {
        *slot = v;
    }
}

/// Longest duration accepted for any setting given in seconds (one year).
pub const MAX_SECONDS: f64 = 365.0 * 24.0 * 3600.0;

/// A number of seconds from a binding (`timeout=2.5`) as a [`Duration`]; refuses NaN, negative,
/// zero (unless `allow_zero`) and absurdly large values with [`Error::InvalidInput`] naming `field`.
///
/// ```
/// use duo_directory::seconds;
/// assert_eq!(seconds("timeout", 2.5, false)?.as_millis(), 2500);
/// assert_eq!(seconds("timeout", -1.0, false).unwrap_err().to_string(), "invalid timeout: -1 is not a positive number of seconds");
/// assert!(!seconds("timeout", 1e300, false).unwrap_err().to_string().contains("0000"));
/// # Ok::<(), duo_directory::Error>(())
/// ```
pub fn seconds(field: &str, value: f64, allow_zero: bool) -> Result<Duration> {
    let shown = if value.abs() >= 1e9 { format!("{value:e}") } else { format!("{value}") };
    if value.is_nan() || value < 0.0 || (value == 0.0 && !allow_zero) {
        let what = if allow_zero { "zero or a positive" } else { "a positive" };
        return Err(Error::invalid(field, format!("{shown} is not {what} number of seconds")));
    }
    if value > MAX_SECONDS {
        return Err(Error::invalid(field, format!("{shown} seconds is more than a year")));
    }
    Ok(Duration::from_secs_f64(value))
}

/// A count from a binding (any integer width) checked against `0..=max`, as `u32`.
///
/// ```
/// use duo_directory::count;
/// assert_eq!(count("max_retries", 3, 100)?, 3);
/// assert_eq!(count("max_retries", -1, 100).unwrap_err().to_string(), "invalid max_retries: -1 is not between 0 and 100");
/// # Ok::<(), duo_directory::Error>(())
/// ```
pub fn count(field: &str, value: i128, max: u32) -> Result<u32> {
    u32::try_from(value)
        .ok()
        .filter(|v| *v <= max)
        .ok_or_else(|| Error::invalid(field, format!("{value} is not between 0 and {max}")))
}
