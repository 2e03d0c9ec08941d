//! Duo's rate limits: the three classes of request Duo counts separately, and their per-minute
//! budgets. The client paces itself by class ([`crate::ClientOptions::retry_mode`]) and the
//! emulator limits by the same classes, so both sides agree on what a "page" is.

/// The kind of request a Duo rate limit counts (`../shared/reference/duo-admin-api.md` §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestClass {
    /// `GET` of a collection, one page of objects (`GET /admin/v1/users?limit=300&offset=600`).
    Pages,
    /// `GET` of one object, by id or by a unique filter (`username`, `email`).
    Reads,
    /// Anything that changes state (`POST`, `PUT`, `PATCH`, `DELETE`).
    Writes,
}

impl RequestClass {
    /// Every class, in a fixed order.
    pub const ALL: [RequestClass; 3] = [RequestClass::Pages, RequestClass::Reads, RequestClass::Writes];

    /// The class of a request: writes by method; a `GET` whose last path segment names a
    /// collection (lower-case, such as `users`) and that does not filter by `username` or
    /// `email` is a page; every other `GET` (an id such as `DU3RP9I2WOC59VZX672N`, or a lookup)
    /// is a single read.
    ///
    /// ```
    /// use duo_directory::RequestClass;
    /// let none = |_: &str| false;
    /// assert_eq!(RequestClass::of("GET", "/admin/v1/users", none), RequestClass::Pages);
    /// assert_eq!(RequestClass::of("GET", "/admin/v1/users", |p| p == "username"), RequestClass::Reads);
    /// assert_eq!(RequestClass::of("GET", "/admin/v1/users/DU3RP9I2WOC59VZX672N", none), RequestClass::Reads);
    /// assert_eq!(RequestClass::of("POST", "/admin/v1/users", none), RequestClass::Writes);
    /// ```
    pub fn of(method: &str, path: &str, has_param: impl Fn(&str) -> bool) -> RequestClass {
        if !method.eq_ignore_ascii_case("GET") {
            return RequestClass::Writes;
        }
        let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
        let collection = !last.is_empty() && last.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
        if collection && !has_param("username") && !has_param("email") {
            RequestClass::Pages
        } else {
            RequestClass::Reads
        }
    }

    /// `pages`, `reads` or `writes`.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestClass::Pages => "pages",
            RequestClass::Reads => "reads",
            RequestClass::Writes => "writes",
        }
    }

    /// Position in [`RequestClass::ALL`].
    pub fn index(self) -> usize {
        match self {
            RequestClass::Pages => 0,
            RequestClass::Reads => 1,
            RequestClass::Writes => 2,
        }
    }
}

/// Requests per minute allowed in each [`RequestClass`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimits {
    /// Pages of objects per minute (Duo: 200).
    pub pages_per_minute: u32,
    /// Single-object reads per minute (Duo: 300).
    pub reads_per_minute: u32,
    /// Writes per minute (Duo: 300).
    pub writes_per_minute: u32,
}

impl RateLimits {
    /// Duo's published numbers: 200 pages, 300 single reads and 300 writes a minute.
    pub const DUO: RateLimits = RateLimits { pages_per_minute: 200, reads_per_minute: 300, writes_per_minute: 300 };

    /// The budget of `class`.
    ///
    /// ```
    /// use duo_directory::{RateLimits, RequestClass};
    /// assert_eq!(RateLimits::DUO.per_minute(RequestClass::Pages), 200);
    /// ```
    pub fn per_minute(&self, class: RequestClass) -> u32 {
        match class {
            RequestClass::Pages => self.pages_per_minute,
            RequestClass::Reads => self.reads_per_minute,
            RequestClass::Writes => self.writes_per_minute,
        }
    }
}

impl std::str::FromStr for RateLimits {
    type Err = crate::Error;

    /// `duo` (Duo's numbers), or `pages=N,reads=N,writes=N` with any of the three (the others keep
    /// Duo's numbers), each at least 1 a minute.
    ///
    /// ```
    /// use duo_directory::RateLimits;
    /// let limits: RateLimits = "pages=60,writes=120".parse()?;
    /// assert_eq!((limits.pages_per_minute, limits.reads_per_minute, limits.writes_per_minute), (60, 300, 120));
    /// assert_eq!("duo".parse::<RateLimits>()?, RateLimits::DUO);
    /// assert!("pages=0".parse::<RateLimits>().is_err());
    /// # Ok::<(), duo_directory::Error>(())
    /// ```
    fn from_str(spec: &str) -> crate::Result<Self> {
        let mut limits = RateLimits::DUO;
        let spec = spec.trim();
        if spec.is_empty() || spec.eq_ignore_ascii_case("duo") {
            return Ok(limits);
        }
        for part in spec.split(',') {
            let bad = || {
                crate::Error::invalid(
                    "rate_limits",
                    format!("{part:?} is not pages=N, reads=N or writes=N (requests per minute, at least 1)"),
                )
            };
            let (name, value) = part.split_once('=').ok_or_else(bad)?;
            let value: u32 = value.trim().parse().ok().filter(|v| *v > 0).ok_or_else(bad)?;
            match name.trim() {
                "pages" => limits.pages_per_minute = value,
                "reads" => limits.reads_per_minute = value,
                "writes" => limits.writes_per_minute = value,
                _ => return Err(bad()),
            }
        }
        Ok(limits)
    }
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits::DUO
    }
}
