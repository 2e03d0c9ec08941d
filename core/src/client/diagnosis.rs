//! Why Duo refused a signature: the answer to Duo's most common support question (401 with code
//! 40101-40105), worked out from what the client knows. Nothing here holds a secret.

use crate::error::ApiError;
use crate::sign::SigVersion;
use std::time::{Duration, SystemTime};

/// Duo refuses a request whose `Date` is further than this from its clock.
pub const DUO_MAX_SKEW: Duration = Duration::from_secs(300);

/// Seconds the local clock is ahead of the server's (negative: behind).
pub fn skew(local: SystemTime, server: SystemTime) -> i64 {
    match local.duration_since(server) {
        Ok(ahead) => i64::try_from(ahead.as_secs()).unwrap_or(i64::MAX),
        Err(behind) => -i64::try_from(behind.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

/// The likely cause of a refused signature, or `None` when `api` is not one.
///
/// ```
/// use duo_directory::{ApiError, SigVersion, client_diagnosis::explain};
/// let refused = ApiError::new(401, Some(40103), "Invalid signature in request credentials", None);
/// let why = explain(&refused, Some(3700), "api-x.duosecurity.com", "DIWJ8X6AEYOR5OMC6TQ1", SigVersion::V5, "GET").unwrap();
/// assert!(why.starts_with("this machine's clock is 3700 s ahead of Duo's"), "{why}");
/// ```
pub fn explain(
    api: &ApiError,
    skew: Option<i64>,
    host: &str,
    ikey: &str,
    sig_version: SigVersion,
    method: &str,
) -> Option<String> {
    let code = api.code.filter(|c| (40101..=40105).contains(c))?;
    let max = i64::try_from(DUO_MAX_SKEW.as_secs()).unwrap_or(300);
    if let Some(s) = skew.filter(|s| s.abs() > max / 5) {
        let (n, way) = if s > 0 { (s, "ahead of") } else { (-s, "behind") };
        return Some(format!(
            "this machine's clock is {n} s {way} Duo's (the answer's Date header); Duo refuses requests more than \
             {max} s off: fix the clock (NTP)"
        ));
    }
    let clocks = match skew {
        Some(s) => format!("the clocks agree within {} s", s.abs().max(1)),
        None => "the answer carried no Date to compare clocks".to_owned(),
    };
    let version = match sig_version {
        SigVersion::V2 => "v2 (HMAC-SHA1)",
        SigVersion::V2Sha512 => "v2 (HMAC-SHA512)",
        SigVersion::V5 => "v5 (HMAC-SHA512)",
    };
    Some(match code {
        40102 => format!(
            "Duo does not know integration key {ikey} at {host}: check that ikey and host come from the same \
             Admin API application"
        ),
        40101 | 40104 => format!("the request reached {host} without usable credentials; {clocks}"),
        _ => format!(
            "{method} was signed with signature {version} for host {host:?} (lower-cased, port included) and {clocks}: \
             the secret key most likely does not belong to integration key {ikey}, or host is not that \
             application's API hostname (as shown in the Admin Panel, without https:// and with the port only if \
             it is not 443)"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(code: i64) -> ApiError {
        ApiError::new(401, Some(code), "refused", None)
    }

    #[test]
    fn each_cause_is_named() {
        let ikey = "DIWJ8X6AEYOR5OMC6TQ1";
        let behind = explain(&refused(40103), Some(-900), "h", ikey, SigVersion::V5, "GET").unwrap();
        assert!(behind.starts_with("this machine's clock is 900 s behind Duo's"), "{behind}");
        let host =
            explain(&refused(40103), Some(0), "API-X.duosecurity.com:8443", ikey, SigVersion::V2, "POST").unwrap();
        assert!(
            host.contains("signed with signature v2 (HMAC-SHA1) for host \"API-X.duosecurity.com:8443\""),
            "{host}"
        );
        assert!(host.contains("clocks agree within 1 s"), "{host}");
        let unknown = explain(&refused(40102), None, "h", ikey, SigVersion::V5, "GET").unwrap();
        assert!(unknown.contains("does not know integration key DIWJ8X6AEYOR5OMC6TQ1"), "{unknown}");
        assert_eq!(
            explain(&ApiError::new(401, Some(40301), "x", None), Some(0), "h", ikey, SigVersion::V5, "GET"),
            None
        );
        assert_eq!(skew(SystemTime::UNIX_EPOCH, SystemTime::UNIX_EPOCH + Duration::from_secs(5)), -5);
    }
}
