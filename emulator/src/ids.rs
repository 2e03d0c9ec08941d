//! Random identifiers in Duo's formats.

use rand::Rng;

const UPPER_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// `len` characters drawn from `alphabet` with `rng`.
pub(crate) fn random_from(rng: &mut impl Rng, alphabet: &[u8], len: usize) -> String {
    (0..len)
        .map(|_| {
            let i = rng.random_range(0..alphabet.len());
            alphabet.get(i).copied().map(char::from).unwrap_or('X')
        })
        .collect()
}

/// `prefix` followed by 18 upper-case alphanumerics (Duo's 20-character ids).
pub(crate) fn duo_id(rng: &mut impl Rng, prefix: &str) -> String {
    let mut id = String::with_capacity(20);
    id.push_str(prefix);
    id.push_str(&random_from(rng, UPPER_ALNUM, 20usize.saturating_sub(prefix.len())));
    id
}

/// A random integration key: `DI` + 18 upper-case alphanumerics.
pub(crate) fn random_ikey() -> String {
    duo_id(&mut rand::rng(), "DI")
}

/// A random secret key: 40 alphanumerics.
pub(crate) fn random_skey() -> String {
    random_from(&mut rand::rng(), ALNUM, 40)
}

/// A new user id: `DU` + 18 upper-case alphanumerics.
pub(crate) fn random_user_id() -> String {
    duo_id(&mut rand::rng(), "DU")
}

/// Current UNIX time in seconds.
pub(crate) fn now_unix() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
