//! Bypass codes: the metadata Duo lists for a user, the codes it creates (secrets), and the
//! options of a creation.

use super::Extra;
use super::lossless::lossless_deserialize;
use crate::error::{Error, Result};
use crate::params::Params;
use crate::secret::Secret;
use serde::Serialize;

/// A bypass code as `GET /admin/v1/users/{user_id}/bypass_codes` lists it: its metadata, never
/// the code itself (Duo shows a code only once, when it is created).
///
/// ```
/// use duo_directory::BypassCode;
/// let code = BypassCode::from_json(r#"{"bypass_code_id":"DB1","reuse_count":1,"user":{"user_id":"DU1"}}"#)?;
/// assert_eq!(code.reuse_count, Some(1));
/// assert!(code.to_json().contains(r#""user":{"user_id":"DU1"}"#));
/// # Ok::<(), duo_directory::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BypassCode {
    /// Email of the administrator who created it (empty when created through the API).
    #[serde(default)]
    pub admin_email: Option<String>,
    /// The code's id (`DB...`).
    pub bypass_code_id: String,
    /// Creation time, UNIX seconds.
    #[serde(default)]
    pub created: Option<i64>,
    /// Expiry, UNIX seconds; `None` when it never expires.
    #[serde(default)]
    pub expiration: Option<i64>,
    /// Uses left; `0` means unlimited.
    #[serde(default)]
    pub reuse_count: Option<i64>,
    /// Members this version does not model (such as `user`), kept for lossless round trips.
    #[serde(flatten)]
    pub extra: Extra,
}

super::user::json_methods!(BypassCode);
lossless_deserialize!(
    BypassCode,
    required: [bypass_code_id = "bypass_code_id"],
    optional: [admin_email = "admin_email", created = "created", expiration = "expiration", reuse_count = "reuse_count"],
);

/// New bypass codes, as `POST /admin/v1/users/{user_id}/bypass_codes` returns them. They are
/// secrets: `Debug` shows only how many there are; read them with [`BypassCodes::expose`].
///
/// ```
/// let codes = duo_directory::BypassCodes::from_strings(vec!["123456789".into()]);
/// assert_eq!(format!("{codes:?}"), "BypassCodes(1 code: ***)");
/// assert_eq!(codes.expose(), vec!["123456789"]);
/// ```
#[derive(Clone)]
pub struct BypassCodes(Vec<Secret>);

impl BypassCodes {
    /// Wraps codes as received.
    pub fn from_strings(codes: Vec<String>) -> Self {
        BypassCodes(codes.into_iter().map(Secret::new).collect())
    }

    /// The codes, to hand to the user. Never log or format them.
    pub fn expose(&self) -> Vec<&str> {
        self.0.iter().map(Secret::expose).collect()
    }

    /// How many codes there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for BypassCodes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.0.len();
        write!(f, "BypassCodes({n} code{}: ***)", if n == 1 { "" } else { "s" })
    }
}

impl<'de> serde::Deserialize<'de> for BypassCodes {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(BypassCodes::from_strings(Vec::<String>::deserialize(deserializer)?))
    }
}

/// Most codes one request creates (Duo's limit, and its default `count`).
pub const MAX_BYPASS_CODES: u32 = 10;
/// Longest validity (and enrollment link lifetime) this library sends: ten years, in seconds.
pub const MAX_VALID_SECS: u64 = 10 * 365 * 24 * 3600;
/// Most uses of one bypass code this library asks for (`0` means unlimited).
pub const MAX_REUSE_COUNT: u32 = 1000;
/// Longest explicit bypass code, in digits.
pub const MAX_BYPASS_CODE_LEN: usize = 16;

/// What `create_user_bypass_codes` sends: either `count` random codes or the explicit `codes`
/// (never both), valid for `valid_secs` (`0`: no expiry) and usable `reuse_count` times (`0`:
/// unlimited). Every field is optional; Duo's defaults apply (10 codes, no expiry, one use).
/// `Debug` never shows the explicit codes.
///
/// ```
/// use duo_directory::BypassCodeOptions;
/// let options = BypassCodeOptions { count: Some(3), valid_secs: Some(3600), ..Default::default() };
/// assert_eq!(options.to_params()?.get("count"), Some("3"));
/// let bad = BypassCodeOptions { count: Some(11), ..Default::default() };
/// assert_eq!(bad.to_params().unwrap_err().to_string(), "invalid count: 11 is outside 1..=10");
/// # Ok::<(), duo_directory::Error>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct BypassCodeOptions {
    /// How many random codes to create (1..=10).
    pub count: Option<u32>,
    /// Explicit codes (1..=10 of them, digits only, at most 16 each, no duplicates).
    pub codes: Option<Vec<String>>,
    /// Seconds the codes stay valid (`0`: they never expire).
    pub valid_secs: Option<u64>,
    /// How many times each code can be used (`0`: unlimited).
    pub reuse_count: Option<u32>,
    /// Keep the user's existing codes (Duo replaces them otherwise).
    pub preserve_existing: Option<bool>,
}

impl std::fmt::Debug for BypassCodeOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BypassCodeOptions")
            .field("count", &self.count)
            .field("codes", &self.codes.as_ref().map(|c| format!("[***; {}]", c.len())))
            .field("valid_secs", &self.valid_secs)
            .field("reuse_count", &self.reuse_count)
            .field("preserve_existing", &self.preserve_existing)
            .finish()
    }
}

impl BypassCodeOptions {
    /// Validates the options and builds the request parameters (the codes comma-separated, as
    /// `duo_client` sends them). Error texts never contain a code.
    pub fn to_params(&self) -> Result<Params> {
        let mut params = Params::new();
        if self.count.is_some() && self.codes.is_some() {
            return Err(Error::invalid("codes", "give either count or codes, not both"));
        }
        if let Some(count) = self.count {
            if !(1..=MAX_BYPASS_CODES).contains(&count) {
                return Err(Error::invalid("count", format!("{count} is outside 1..={MAX_BYPASS_CODES}")));
            }
            params.insert("count", count.to_string());
        }
        if let Some(codes) = &self.codes {
            check_codes(codes)?;
            params.insert("codes", codes.join(","));
        }
        if let Some(secs) = self.valid_secs {
            params.insert("valid_secs", valid_secs(secs)?.to_string());
        }
        if let Some(reuse) = self.reuse_count {
            if reuse > MAX_REUSE_COUNT {
                return Err(Error::invalid("reuse_count", format!("{reuse} is more than {MAX_REUSE_COUNT}")));
            }
            params.insert("reuse_count", reuse.to_string());
        }
        if let Some(keep) = self.preserve_existing {
            params.insert("preserve_existing", if keep { "true" } else { "false" });
        }
        Ok(params)
    }
}

/// Checks `valid_secs` (0..=ten years).
pub(crate) fn valid_secs(secs: u64) -> Result<u64> {
    if secs > MAX_VALID_SECS {
        return Err(Error::invalid("valid_secs", format!("{secs} is more than {MAX_VALID_SECS} (ten years)")));
    }
    Ok(secs)
}

fn check_codes(codes: &[String]) -> Result<()> {
    let max = MAX_BYPASS_CODES as usize;
    if codes.is_empty() || codes.len() > max {
        return Err(Error::invalid("codes", format!("{} codes given; give 1 to {max}", codes.len())));
    }
    for (i, code) in codes.iter().enumerate() {
        if code.is_empty() || code.len() > MAX_BYPASS_CODE_LEN || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::invalid(
                format!("codes[{i}]"),
                format!("a bypass code is 1 to {MAX_BYPASS_CODE_LEN} digits (the value is not shown)"),
            ));
        }
        if codes.iter().take(i).any(|c| c == code) {
            return Err(Error::invalid(format!("codes[{i}]"), "repeats an earlier code (the value is not shown)"));
        }
    }
    Ok(())
}
